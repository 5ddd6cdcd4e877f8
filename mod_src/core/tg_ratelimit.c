/* Token bucket as a theoretical arrival time (see tg_ratelimit.h). */
#include "tg_ratelimit.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    uint64_t ns;
} periods[] = {
    {"s", UINT64_C(1000000000)},
    {"min", UINT64_C(60000000000)},
    {"h", UINT64_C(3600000000000)},
};

void tg_ratelimit_default(tg_ratelimit_t *rl)
{
    rl->rate = TG_RATELIMIT_DEFAULT_RATE;
    rl->period = periods[0].name;
    rl->interval_ns = periods[0].ns / TG_RATELIMIT_DEFAULT_RATE;
    rl->burst = TG_RATELIMIT_DEFAULT_BURST;
}

/* A whole number from 1 to max, digits only; 0 if not. */
static uint64_t whole(const char *s, size_t len, uint64_t max)
{
    uint64_t v = 0;
    if (len == 0 || len > 7)
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    return v <= max ? v : 0;
}

static int fail(char *err, size_t errlen, const char *what, const char *value)
{
    if (errlen)
        snprintf(err, errlen, "%s, got \"%.64s\"", what, value ? value : "");
    return -1;
}

int tg_ratelimit_parse(const char *rate, const char *burst_kw, const char *burst,
                       tg_ratelimit_t *out, char *err, size_t errlen)
{
    tg_ratelimit_t rl = {0};
    const char *slash = rate ? strchr(rate, '/') : NULL;

    if (rate && strcmp(rate, "off") == 0 && !burst_kw) {
        rl.period = periods[0].name;
        *out = rl;
        return 0;
    }
    if (!slash)
        return fail(err, errlen, "expected <n>/s, <n>/min, <n>/h or off", rate);
    uint64_t n = whole(rate, (size_t)(slash - rate), TG_RATELIMIT_MAX_RATE);
    if (n == 0)
        return fail(err, errlen, "the rate needs a whole number of events from 1 to 1000000",
                    rate);
    for (size_t i = 0; i < sizeof(periods) / sizeof(periods[0]); i++)
        if (strcmp(slash + 1, periods[i].name) == 0) {
            rl.period = periods[i].name;
            rl.interval_ns = periods[i].ns / n;
        }
    if (!rl.period)
        return fail(err, errlen, "the rate's period is s, min or h", rate);
    rl.rate = (uint32_t)n;
    rl.burst = n;
    if (burst_kw) {
        if (strcmp(burst_kw, "burst") != 0 || !burst)
            return fail(err, errlen, "after the rate, expected burst <m>", burst_kw);
        rl.burst = whole(burst, strlen(burst), TG_RATELIMIT_MAX_BURST);
        if (rl.burst == 0)
            return fail(err, errlen, "burst needs a whole number from 1 to 1000000", burst);
    }
    *out = rl;
    return 0;
}

const char *tg_ratelimit_describe(const tg_ratelimit_t *rl, char *buf, size_t len)
{
    if (rl->interval_ns == 0)
        snprintf(buf, len, "off");
    else
        snprintf(buf, len, "%u/%s burst %llu", (unsigned)rl->rate, rl->period,
                 (unsigned long long)rl->burst);
    return buf;
}

/* The bucket holds `burst` tokens: an event is allowed while the arrival
 * time it would leave is at most burst intervals ahead of now. A state
 * further ahead than this limit can leave was left by a stricter one (the
 * shared state outlives a restart that changes TLSGuardEventRate): it
 * counts as a bucket with one token left, or a 1/h limit replaced by
 * 100/s would go on refusing for hours. */
int tg_ratelimit_take(const tg_ratelimit_t *rl, uint64_t tat_ns, uint64_t now_ns,
                      uint64_t *next_ns)
{
    uint64_t start = tat_ns > now_ns ? tat_ns : now_ns;

    if (rl->interval_ns == 0) {
        *next_ns = tat_ns;
        return 1;
    }
    if (start - now_ns > rl->burst * rl->interval_ns)
        start = now_ns + (rl->burst - 1) * rl->interval_ns;
    if (start + rl->interval_ns - now_ns > rl->burst * rl->interval_ns) {
        *next_ns = tat_ns;
        return 0;
    }
    *next_ns = start + rl->interval_ns;
    return 1;
}
