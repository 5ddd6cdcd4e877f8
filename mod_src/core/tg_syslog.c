/*
 * tg_syslog.c - RFC 5424 header and facility names (see tg_syslog.h).
 */
#include "tg_syslog.h"

#include <string.h>

#include "tg_event.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* RFC 5424 table 1; the rest (kern, mail, lpr, cron...) belong to the system. */
static const struct {
    const char *name;
    int code;
} facilities[] = {
    {"user", 1},    {"daemon", 3},  {"auth", 4},    {"authpriv", 10},
    {"local0", 16}, {"local1", 17}, {"local2", 18}, {"local3", 19},
    {"local4", 20}, {"local5", 21}, {"local6", 22}, {"local7", 23},
};

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int same_name(const char *a, const char *b)
{
    while (*a && ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

int tg_syslog_facility(const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < COUNT(facilities); i++) {
        if (same_name(facilities[i].name, name))
            return facilities[i].code;
    }
    return -1;
}

const char *tg_syslog_facility_names(void)
{
    return "user, daemon, auth, authpriv, local0..local7";
}

void tg_syslog_set_host(tg_syslog_origin_t *origin, const char *host)
{
    size_t n = 0;

    for (; host && host[n] && n < TG_SYSLOG_HOST_MAX; n++) {
        unsigned char c = (unsigned char)host[n];
        origin->host[n] = c >= 0x21 && c <= 0x7e ? (char)c : '_';
    }
    if (n == 0)
        origin->host[n++] = '-';
    origin->host[n] = '\0';
}

/* Decimal digits of v at out; returns how many. */
static size_t put_decimal(char *out, uint64_t v)
{
    char tmp[TG_SYSLOG_PROCID_MAX];
    size_t n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

size_t tg_syslog_header(const tg_syslog_origin_t *origin, int64_t time_us, uint64_t pid,
                        char *out, size_t cap)
{
    char buf[TG_SYSLOG_HEADER_MAX];
    size_t n = 0, len;

    if (origin->facility < 0 || origin->facility > 23)
        return 0;
    buf[n++] = '<';
    n += put_decimal(buf + n, (uint64_t)origin->facility * 8 + TG_SYSLOG_SEVERITY_NOTICE);
    memcpy(buf + n, ">1 ", 3);
    n += 3;
    tg_event_format_time(time_us, buf + n); /* 27 characters and a NUL */
    n += TG_EVENT_TIME_SIZE - 1;
    buf[n++] = ' ';
    const char *end = memchr(origin->host, '\0', sizeof(origin->host));
    len = end ? (size_t)(end - origin->host) : TG_SYSLOG_HOST_MAX;
    memcpy(buf + n, origin->host, len);
    n += len;
    memcpy(buf + n, " " TG_SYSLOG_APP_NAME " ", sizeof(TG_SYSLOG_APP_NAME) + 1);
    n += sizeof(TG_SYSLOG_APP_NAME) + 1;
    n += put_decimal(buf + n, pid);
    memcpy(buf + n, " - - ", 5);
    n += 5;
    if (n > cap)
        return 0;
    memcpy(out, buf, n);
    return n;
}
