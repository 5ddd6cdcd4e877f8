/*
 * tg_hsts.c - the TLSGuardHSTS policy: parse, render, preload check.
 * Rules and choices are documented in tg_hsts.h.
 */
#include "tg_hsts.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* Bytes of an offending piece quoted in a message before "..." cuts it. */
#define PIECE_MAX 40
/* Room for a quoted piece: every byte may become \xHH, plus "..." and NUL. */
#define PIECE_BUF (PIECE_MAX * 4 + 4)

typedef enum {
    DIR_MAX_AGE,
    DIR_INCLUDE_SUBDOMAINS,
    DIR_PRELOAD,
    DIR_COUNT
} dir_id_t;

/* The directives we know; the name is also the spelling used in messages. */
static const struct {
    const char *name;
    bool takes_value;
} directives[DIR_COUNT] = {
    [DIR_MAX_AGE] = {"max-age", true},
    [DIR_INCLUDE_SUBDOMAINS] = {"includeSubDomains", false},
    [DIR_PRELOAD] = {"preload", false},
};

typedef struct {
    const char *p;                       /* cursor in text[] */
    const char *end;
    char *err;
    size_t errlen;
    char text[TG_HSTS_TEXT_MAX + 1];     /* the text without outer quotes */
    char value[TG_HSTS_TEXT_MAX + 1];    /* current value, unquoted */
    size_t value_len;
    bool has_value;                      /* '=' was present */
    bool seen[DIR_COUNT];
    tg_hsts_t result;
} parser_t;

/* ---- character classes (RFC 7230 3.2.6) ---- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_ctl(char c)
{
    unsigned char u = (unsigned char)c;
    return (u < 0x20 && c != '\t') || u == 0x7f;
}

static bool is_tchar(char c)
{
    unsigned char u = (unsigned char)c;
    if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') ||
        (u >= 'A' && u <= 'Z'))
        return true;
    return u != 0 && strchr("!#$%&'*+-.^_`|~", u) != NULL;
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool span_ieq(const char *s, size_t n, const char *word)
{
    size_t i;
    if (strlen(word) != n)
        return false;
    for (i = 0; i < n; i++)
        if (lower(s[i]) != lower(word[i]))
            return false;
    return true;
}

/* ---- messages ---- */

/* Copy s[0..n) into dst for a message: printable ASCII as is, '"' and '\'
 * escaped, anything else as \xHH, cut after PIECE_MAX bytes with "...". */
static const char *piece(char dst[PIECE_BUF], const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, o = 0;
    for (i = 0; i < n && i < PIECE_MAX; i++) {
        unsigned char u = (unsigned char)s[i];
        if (u == '"' || u == '\\') {
            dst[o++] = '\\';
            dst[o++] = (char)u;
        } else if (u >= 0x20 && u < 0x7f) {
            dst[o++] = (char)u;
        } else {
            dst[o++] = '\\';
            dst[o++] = 'x';
            dst[o++] = hex[u >> 4];
            dst[o++] = hex[u & 0x0f];
        }
    }
    if (n > PIECE_MAX) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
    return dst;
}

PRINTF_LIKE(4, 5)
static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
    va_list ap;
    if (err != NULL && errlen > 0) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

/* ---- the whole text: length, control characters, outer quotes ---- */

static int check_raw(const char *text, char *err, size_t errlen)
{
    size_t i, n = strlen(text);
    if (n > TG_HSTS_TEXT_MAX)
        return fail(err, errlen, TG_HSTS_E_TOO_LONG,
                    "value is longer than %d bytes", TG_HSTS_TEXT_MAX);
    for (i = 0; i < n; i++)
        if (is_ctl(text[i]))
            return fail(err, errlen, TG_HSTS_E_SYNTAX,
                        "control character 0x%02x at offset %zu",
                        (unsigned)(unsigned char)text[i], i);
    return TG_HSTS_OK;
}

static void trim(const char **b, const char **e)
{
    while (*b < *e && is_blank(**b))
        (*b)++;
    while (*e > *b && is_blank((*e)[-1]))
        (*e)--;
}

/* Strip one pair of wrapping quotes (httpd config quoting): inside, a
 * backslash escapes the quote character or a backslash, as in httpd's own
 * ap_getword_conf(). Leaves ps->p/ps->end over the result in ps->text. */
static int unwrap(parser_t *ps, const char *b, const char *e)
{
    char q = b < e ? *b : '\0', pc[PIECE_BUF];
    size_t o = 0;
    const char *s = b + 1;
    if (q != '"' && q != '\'') {
        o = (size_t)(e - b);
        memcpy(ps->text, b, o);
    } else {
        for (; s < e && *s != q; s++) {
            if (*s == '\\' && s + 1 < e && (s[1] == q || s[1] == '\\'))
                s++;
            ps->text[o++] = *s;
        }
        if (s == e)
            return fail(ps->err, ps->errlen, TG_HSTS_E_SYNTAX,
                        "no closing %c for the opening one", q);
        if (s + 1 < e)
            return fail(ps->err, ps->errlen, TG_HSTS_E_SYNTAX,
                        "text after the closing quote: \"%s\"",
                        piece(pc, s + 1, (size_t)(e - s - 1)));
    }
    ps->text[o] = '\0';
    ps->p = ps->text;
    ps->end = ps->text + o;
    trim(&ps->p, &ps->end);
    return TG_HSTS_OK;
}

/* ---- one directive ---- */

static void skip_blanks(parser_t *ps)
{
    while (ps->p < ps->end && is_blank(*ps->p))
        ps->p++;
}

static int read_quoted(parser_t *ps, const char *name)
{
    ps->p++; /* opening quote */
    while (ps->p < ps->end && *ps->p != '"') {
        if (*ps->p == '\\' && ps->p + 1 < ps->end)
            ps->p++; /* quoted-pair */
        ps->value[ps->value_len++] = *ps->p++;
    }
    if (ps->p == ps->end)
        return fail(ps->err, ps->errlen, TG_HSTS_E_SYNTAX,
                    "%s value has no closing \"", name);
    ps->p++; /* closing quote */
    return TG_HSTS_OK;
}

/* After '=': a quoted-string, or everything up to a blank or ';' (checked
 * by the directive itself, so a bad character is quoted with its value). */
static int read_value(parser_t *ps, const char *name)
{
    ps->value_len = 0;
    ps->has_value = false;
    skip_blanks(ps);
    if (ps->p == ps->end || *ps->p != '=')
        return TG_HSTS_OK;
    ps->has_value = true;
    ps->p++;
    skip_blanks(ps);
    if (ps->p < ps->end && *ps->p == '"')
        return read_quoted(ps, name);
    while (ps->p < ps->end && *ps->p != ';' && !is_blank(*ps->p))
        ps->value[ps->value_len++] = *ps->p++;
    return TG_HSTS_OK;
}

static int set_max_age(parser_t *ps)
{
    char pc[PIECE_BUF];
    uint64_t v = 0;
    size_t i;
    if (!ps->has_value)
        return fail(ps->err, ps->errlen, TG_HSTS_E_VALUE,
                    "max-age needs a value, as in max-age=63072000");
    for (i = 0; i < ps->value_len; i++)
        if (ps->value[i] < '0' || ps->value[i] > '9')
            break;
    if (ps->value_len == 0 || i < ps->value_len)
        return fail(ps->err, ps->errlen, TG_HSTS_E_VALUE,
                    "max-age must be a non-negative integer, got \"%s\"",
                    piece(pc, ps->value, ps->value_len));
    for (i = 0; i < ps->value_len; i++) {
        unsigned d = (unsigned)(ps->value[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return fail(ps->err, ps->errlen, TG_HSTS_E_VALUE,
                        "max-age must be at most %" PRIu64 ", got \"%s\"",
                        UINT64_MAX, piece(pc, ps->value, ps->value_len));
        v = v * 10 + d;
    }
    ps->result.max_age = v;
    return TG_HSTS_OK;
}

static int apply(parser_t *ps, dir_id_t id)
{
    char pc[PIECE_BUF];
    const char *name = directives[id].name;
    if (ps->seen[id])
        return fail(ps->err, ps->errlen, TG_HSTS_E_REPEATED,
                    "%s given twice", name);
    ps->seen[id] = true;
    if (!directives[id].takes_value && ps->has_value)
        return fail(ps->err, ps->errlen, TG_HSTS_E_VALUE,
                    "%s takes no value, got \"%s\"", name,
                    piece(pc, ps->value, ps->value_len));
    switch (id) {
    case DIR_MAX_AGE:
        return set_max_age(ps);
    case DIR_INCLUDE_SUBDOMAINS:
        ps->result.include_subdomains = true;
        return TG_HSTS_OK;
    case DIR_PRELOAD:
        ps->result.preload = true;
        return TG_HSTS_OK;
    default:
        return TG_HSTS_E_UNKNOWN;
    }
}

/* Length of what follows the cursor up to the next ';', without blanks. */
static size_t rest_of_directive(const parser_t *ps)
{
    const char *e = ps->p;
    while (e < ps->end && *e != ';')
        e++;
    while (e > ps->p && is_blank(e[-1]))
        e--;
    return (size_t)(e - ps->p);
}

static int lookup(const char *s, size_t n, dir_id_t *id)
{
    int i;
    for (i = 0; i < DIR_COUNT; i++) {
        if (span_ieq(s, n, directives[i].name)) {
            *id = (dir_id_t)i;
            return 1;
        }
    }
    return 0;
}

/* One directive at the cursor (blanks skipped, not at ';' or the end). */
static int parse_directive(parser_t *ps)
{
    char pc[PIECE_BUF];
    const char *name = ps->p;
    dir_id_t id;
    int rv;
    while (ps->p < ps->end && is_tchar(*ps->p))
        ps->p++;
    if (ps->p == name)
        return fail(ps->err, ps->errlen, TG_HSTS_E_SYNTAX,
                    "expected a directive name, got \"%s\"",
                    piece(pc, ps->p, rest_of_directive(ps)));
    if (!lookup(name, (size_t)(ps->p - name), &id))
        return fail(ps->err, ps->errlen, TG_HSTS_E_UNKNOWN,
                    "unknown directive \"%s\"",
                    piece(pc, name, (size_t)(ps->p - name)));
    rv = read_value(ps, directives[id].name);
    if (rv == TG_HSTS_OK)
        rv = apply(ps, id);
    if (rv != TG_HSTS_OK)
        return rv;
    skip_blanks(ps);
    if (ps->p < ps->end && *ps->p != ';')
        return fail(ps->err, ps->errlen, TG_HSTS_E_SYNTAX,
                    "expected \";\" after %s, got \"%s\"",
                    directives[id].name,
                    piece(pc, ps->p, rest_of_directive(ps)));
    return TG_HSTS_OK;
}

/* ---- the whole value ---- */

static int check_preload(parser_t *ps)
{
    const tg_hsts_t *r = &ps->result;
    bool age_ok = r->max_age >= TG_HSTS_PRELOAD_MIN_AGE;
    if (!r->preload || (age_ok && r->include_subdomains))
        return TG_HSTS_OK;
    if (age_ok)
        return fail(ps->err, ps->errlen, TG_HSTS_E_PRELOAD,
                    "preload requires includeSubDomains");
    return fail(ps->err, ps->errlen, TG_HSTS_E_PRELOAD,
                "preload requires %smax-age >= %" PRIu64
                " (one year), got %" PRIu64,
                r->include_subdomains ? "" : "includeSubDomains and ",
                TG_HSTS_PRELOAD_MIN_AGE, r->max_age);
}

static int parse_header_value(parser_t *ps)
{
    int rv;
    for (;;) {
        skip_blanks(ps);
        if (ps->p == ps->end)
            break;
        if (*ps->p == ';') { /* empty directive: allowed, ignored */
            ps->p++;
            continue;
        }
        rv = parse_directive(ps);
        if (rv != TG_HSTS_OK)
            return rv;
    }
    if (!ps->seen[DIR_MAX_AGE])
        return fail(ps->err, ps->errlen, TG_HSTS_E_MISSING,
                    "max-age is required");
    rv = check_preload(ps);
    if (rv != TG_HSTS_OK)
        return rv;
    ps->result.mode = TG_HSTS_EXPLICIT;
    ps->result.withdraw = ps->result.max_age == 0;
    return TG_HSTS_OK;
}

static int parse_text(parser_t *ps, const char *text)
{
    const char *b = text, *e = text + strlen(text);
    size_t n;
    int rv = check_raw(text, ps->err, ps->errlen);
    if (rv != TG_HSTS_OK)
        return rv;
    trim(&b, &e);
    rv = unwrap(ps, b, e);
    if (rv != TG_HSTS_OK)
        return rv;
    n = (size_t)(ps->end - ps->p);
    if (n == 0)
        return fail(ps->err, ps->errlen, TG_HSTS_E_EMPTY,
                    "empty value: expected On, Off or a header value such "
                    "as \"max-age=63072000; includeSubDomains\"");
    if (span_ieq(ps->p, n, "off"))
        return TG_HSTS_OK;
    if (span_ieq(ps->p, n, "on")) {
        ps->result.mode = TG_HSTS_ON;
        ps->result.include_subdomains = true;
        return TG_HSTS_OK;
    }
    return parse_header_value(ps);
}

int tg_hsts_parse(const char *text, tg_hsts_t *out, char *err, size_t errlen)
{
    parser_t ps;
    int rv;
    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (out != NULL)
        memset(out, 0, sizeof(*out));
    if (text == NULL || out == NULL)
        return fail(err, errlen, TG_HSTS_E_ARG, "no value given");
    memset(&ps, 0, sizeof(ps));
    ps.err = err;
    ps.errlen = errlen;
    rv = parse_text(&ps, text);
    if (rv == TG_HSTS_OK)
        *out = ps.result;
    return rv;
}

int tg_hsts_from_default(uint64_t max_age, tg_hsts_t *out)
{
    if (out == NULL)
        return TG_HSTS_E_ARG;
    memset(out, 0, sizeof(*out));
    out->mode = TG_HSTS_ON;
    out->max_age = max_age;
    out->include_subdomains = true;
    out->withdraw = max_age == 0;
    return TG_HSTS_OK;
}

size_t tg_hsts_format(const tg_hsts_t *policy, char *buf, size_t cap)
{
    char tmp[TG_HSTS_FORMAT_MAX];
    int n;
    if (buf != NULL && cap > 0)
        buf[0] = '\0';
    if (buf == NULL || policy == NULL || policy->mode == TG_HSTS_OFF ||
        (policy->max_age == 0 && !policy->withdraw))
        return 0;
    n = snprintf(tmp, sizeof(tmp), "max-age=%" PRIu64 "%s%s",
                 policy->max_age,
                 policy->include_subdomains ? "; includeSubDomains" : "",
                 policy->preload ? "; preload" : "");
    if (n <= 0 || (size_t)n >= cap || (size_t)n >= sizeof(tmp))
        return 0;
    memcpy(buf, tmp, (size_t)n + 1);
    return (size_t)n;
}

/* Append "; "-separated text to why, never overrunning it. */
static void add_reason(char *why, size_t whylen, const char *text)
{
    size_t used;
    if (why == NULL || whylen == 0)
        return;
    used = strlen(why);
    snprintf(why + used, whylen - used, "%s%s", used ? "; " : "", text);
}

int tg_hsts_preload_ready(const tg_hsts_t *policy, char *why, size_t whylen)
{
    char line[128];
    int ready = 1;
    if (why != NULL && whylen > 0)
        why[0] = '\0';
    if (policy == NULL || policy->mode == TG_HSTS_OFF) {
        add_reason(why, whylen, "HSTS is off");
        return 0;
    }
    if (policy->max_age < TG_HSTS_PRELOAD_MIN_AGE) {
        snprintf(line, sizeof(line),
                 "max-age %" PRIu64 " is below %" PRIu64 " (one year)",
                 policy->max_age, TG_HSTS_PRELOAD_MIN_AGE);
        add_reason(why, whylen, line);
        ready = 0;
    }
    if (!policy->include_subdomains) {
        add_reason(why, whylen, "includeSubDomains is missing");
        ready = 0;
    }
    if (!policy->preload) {
        add_reason(why, whylen, "preload is missing");
        ready = 0;
    }
    if (ready && policy->max_age > TG_HSTS_PRELOAD_WARN_AGE) {
        snprintf(line, sizeof(line),
                 "accepted, but max-age %" PRIu64
                 " is over ten years, which hstspreload.org warns about",
                 policy->max_age);
        add_reason(why, whylen, line);
    }
    return ready;
}
