/*
 * tg_json.c - bounded JSON writer (see tg_json.h for the guarantees).
 *
 * Invariant: len + depth <= cap at all times (every write checked room for
 * the closing brackets of all open containers), so closing never fails.
 * Each element is written tentatively; when a byte would cross the element's
 * limit, len goes back to where the element (or its key) began.
 */
#include "tg_json.h"

#include <string.h>

/* Byte classes for string output. */
enum { C_COPY = 0, C_ESC, C_LEAD, C_BAD };

/* 0x00-0x1f, '"', '\\', 0x7f escape; C2-F4 may lead UTF-8; 80-C1, F5-FF bad */
static const unsigned char byte_class[256] = {
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
    R16(C_ESC), R16(C_ESC),
    /* 0x20-0x2f: '"' is 0x22 */
    C_COPY, C_COPY, C_ESC, C_COPY, C_COPY, C_COPY, C_COPY, C_COPY,
    C_COPY, C_COPY, C_COPY, C_COPY, C_COPY, C_COPY, C_COPY, C_COPY,
    R16(C_COPY), R16(C_COPY),
    /* 0x50-0x5f: '\\' is 0x5c */
    C_COPY, C_COPY, C_COPY, C_COPY, C_COPY, C_COPY, C_COPY, C_COPY,
    C_COPY, C_COPY, C_COPY, C_COPY, C_ESC, C_COPY, C_COPY, C_COPY,
    R16(C_COPY),
    /* 0x70-0x7f: DEL is 0x7f */
    C_COPY, C_COPY, C_COPY, C_COPY, C_COPY, C_COPY, C_COPY, C_COPY,
    C_COPY, C_COPY, C_COPY, C_COPY, C_COPY, C_COPY, C_COPY, C_ESC,
    R16(C_BAD), R16(C_BAD), R16(C_BAD), R16(C_BAD),
    /* 0xc0-0xcf: C0 and C1 would only encode overlongs */
    C_BAD, C_BAD, C_LEAD, C_LEAD, C_LEAD, C_LEAD, C_LEAD, C_LEAD,
    C_LEAD, C_LEAD, C_LEAD, C_LEAD, C_LEAD, C_LEAD, C_LEAD, C_LEAD,
    R16(C_LEAD), R16(C_LEAD),
    /* 0xf0-0xff: F5 and above would exceed U+10FFFF */
    C_LEAD, C_LEAD, C_LEAD, C_LEAD, C_LEAD, C_BAD, C_BAD, C_BAD,
    C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD, C_BAD,
#undef R16
};

static const char hex_digits[] = "0123456789abcdef";
static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

/* ---- state helpers ----------------------------------------------------- */

static uint32_t level_bit(const tg_json_t *j)
{
    return (uint32_t)1 << (j->depth - 1);
}

static bool in_object(const tg_json_t *j)
{
    return j->depth > 0 && (j->obj_bits & level_bit(j)) != 0;
}

static bool has_elements(const tg_json_t *j)
{
    return j->depth > 0 && (j->any_bits & level_bit(j)) != 0;
}

static int misuse(tg_json_t *j)
{
    j->err = TG_JSON_ESTATE;
    return TG_JSON_ESTATE;
}

/* Highest len an element may reach, keeping closers + reserve free. */
static size_t limit(const tg_json_t *j, size_t closers)
{
    size_t keep = closers + j->reserve;

    return keep <= j->cap ? j->cap - keep : 0;
}

static bool put(tg_json_t *j, size_t lim, const char *s, size_t n)
{
    if (j->len > lim || n > lim - j->len)
        return false;
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    return true;
}

static bool put_char(tg_json_t *j, size_t lim, char c)
{
    if (j->len >= lim)
        return false;
    j->buf[j->len++] = c;
    return true;
}

/*
 * Swallows a value while a refused key or container is pending.
 * Returns true if the value is to be dropped.
 */
static bool swallowed(tg_json_t *j, bool container)
{
    if (j->skip > 0) {
        j->skip += container ? 1u : 0u;
        return true;
    }
    if (j->skip_value) {
        j->skip_value = false;
        j->skip = container ? 1u : 0u;
        return true;
    }
    return false;
}

/*
 * Checks that a value may come here, sets *start (where a refused value
 * rolls back to) and *lim, and writes the separating comma in arrays.
 */
static int value_open(tg_json_t *j, size_t extra_closers, size_t *start,
                      size_t *lim)
{
    if (j->depth == 0 ? j->done : (in_object(j) != j->key_pending))
        return misuse(j);
    *start = j->key_pending ? j->key_start : j->len;
    *lim = limit(j, j->depth + extra_closers);
    if (!in_object(j) && has_elements(j) && !put_char(j, *lim, ','))
        return TG_JSON_EFULL;
    return TG_JSON_OK;
}

static int value_refused(tg_json_t *j, size_t start)
{
    j->len = start;
    j->key_pending = false;
    j->refused++;
    return TG_JSON_EFULL;
}

static void value_done(tg_json_t *j)
{
    j->key_pending = false;
    if (j->depth == 0)
        j->done = true;
    else
        j->any_bits |= level_bit(j);
}

/* Writes one pre-rendered scalar as a value. */
static int scalar(tg_json_t *j, const char *text, size_t n)
{
    size_t start, lim;
    int rc;

    if (j->err != TG_JSON_OK)
        return j->err;
    if (swallowed(j, false))
        return TG_JSON_EFULL;
    rc = value_open(j, 0, &start, &lim);
    if (rc == TG_JSON_ESTATE)
        return rc;
    if (rc != TG_JSON_OK || !put(j, lim, text, n))
        return value_refused(j, start);
    value_done(j);
    return TG_JSON_OK;
}

/* ---- strings ----------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at s (lead C2..F4), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xbf;
    size_t len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

    if (c == 0xe0)
        lo = 0xa0; /* overlong below U+0800 */
    else if (c == 0xed)
        hi = 0x9f; /* surrogates U+D800..U+DFFF */
    else if (c == 0xf0)
        lo = 0x90; /* overlong below U+10000 */
    else if (c == 0xf4)
        hi = 0x8f; /* above U+10FFFF */
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
    }
    return len;
}

static bool put_escape(tg_json_t *j, size_t lim, unsigned char c)
{
    char e[6] = {'\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 15]};

    switch (c) {
    case '"': return put(j, lim, "\\\"", 2);
    case '\\': return put(j, lim, "\\\\", 2);
    case '\b': return put(j, lim, "\\b", 2);
    case '\f': return put(j, lim, "\\f", 2);
    case '\n': return put(j, lim, "\\n", 2);
    case '\r': return put(j, lim, "\\r", 2);
    case '\t': return put(j, lim, "\\t", 2);
    default: return put(j, lim, e, sizeof e);
    }
}

/* Writes "..." with escaping and UTF-8 repair; false when out of room. */
static bool put_string(tg_json_t *j, size_t lim, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    if (!put_char(j, lim, '"'))
        return false;
    while (i < n) {
        size_t run = i, seq;

        while (run < n && byte_class[s[run]] == C_COPY)
            run++;
        if (!put(j, lim, str + i, run - i))
            return false;
        if (run == n)
            break;
        i = run;
        switch (byte_class[s[i]]) {
        case C_ESC:
            if (!put_escape(j, lim, s[i++]))
                return false;
            break;
        case C_LEAD:
            seq = utf8_seq(s + i, n - i);
            if (seq > 0 ? !put(j, lim, str + i, seq)
                        : !put(j, lim, replacement, 3))
                return false;
            i += seq > 0 ? seq : 1;
            break;
        default:
            if (!put(j, lim, replacement, 3))
                return false;
            i++;
            break;
        }
    }
    return put_char(j, lim, '"');
}

/* ---- public API -------------------------------------------------------- */

void tg_json_init(tg_json_t *j, char *buf, size_t cap)
{
    memset(j, 0, sizeof *j);
    j->buf = buf;
    j->cap = buf != NULL ? cap : 0;
}

void tg_json_set_reserve(tg_json_t *j, size_t reserve)
{
    j->reserve = reserve;
}

static int begin(tg_json_t *j, bool object)
{
    size_t start, lim;
    int rc;

    if (j->err != TG_JSON_OK)
        return j->err;
    if (swallowed(j, true))
        return TG_JSON_EFULL;
    if (j->depth >= TG_JSON_MAX_DEPTH)
        return misuse(j);
    rc = value_open(j, 1, &start, &lim);
    if (rc == TG_JSON_ESTATE)
        return rc;
    if (rc != TG_JSON_OK || !put_char(j, lim, object ? '{' : '[')) {
        j->skip = 1;
        return value_refused(j, start);
    }
    value_done(j);
    j->depth++;
    j->any_bits &= ~level_bit(j);
    if (object)
        j->obj_bits |= level_bit(j);
    else
        j->obj_bits &= ~level_bit(j);
    return TG_JSON_OK;
}

static int end(tg_json_t *j, bool object)
{
    if (j->err != TG_JSON_OK)
        return j->err;
    if (j->skip > 0) {
        j->skip--;
        return TG_JSON_EFULL;
    }
    if (j->depth == 0 || in_object(j) != object || j->key_pending ||
        j->skip_value || j->len >= j->cap)
        return misuse(j);
    j->buf[j->len++] = object ? '}' : ']';
    j->depth--;
    if (j->depth == 0)
        j->done = true;
    return TG_JSON_OK;
}

int tg_json_begin_object(tg_json_t *j) { return begin(j, true); }
int tg_json_end_object(tg_json_t *j) { return end(j, true); }
int tg_json_begin_array(tg_json_t *j) { return begin(j, false); }
int tg_json_end_array(tg_json_t *j) { return end(j, false); }

int tg_json_key_n(tg_json_t *j, const char *key, size_t len)
{
    size_t start = j->len, lim = limit(j, j->depth);

    if (j->err != TG_JSON_OK)
        return j->err;
    if (j->skip > 0)
        return TG_JSON_EFULL;
    if (!in_object(j) || j->key_pending || j->skip_value ||
        (key == NULL && len > 0))
        return misuse(j);
    if ((has_elements(j) && !put_char(j, lim, ',')) ||
        !put_string(j, lim, key != NULL ? key : "", len) ||
        !put_char(j, lim, ':')) {
        j->len = start;
        j->refused++;
        j->skip_value = true;
        return TG_JSON_EFULL;
    }
    j->key_start = start;
    j->key_pending = true;
    return TG_JSON_OK;
}

int tg_json_key(tg_json_t *j, const char *key)
{
    return tg_json_key_n(j, key, key != NULL ? strlen(key) : 0);
}

int tg_json_string(tg_json_t *j, const char *s, size_t len)
{
    size_t start, lim;
    int rc;

    if (j->err != TG_JSON_OK)
        return j->err;
    if (swallowed(j, false))
        return TG_JSON_EFULL;
    if (s == NULL && len > 0)
        return misuse(j);
    rc = value_open(j, 0, &start, &lim);
    if (rc == TG_JSON_ESTATE)
        return rc;
    if (rc != TG_JSON_OK || !put_string(j, lim, s != NULL ? s : "", len))
        return value_refused(j, start);
    value_done(j);
    return TG_JSON_OK;
}

int tg_json_str(tg_json_t *j, const char *s)
{
    return s != NULL ? tg_json_string(j, s, strlen(s)) : tg_json_null(j);
}

int tg_json_uint(tg_json_t *j, uint64_t v)
{
    char tmp[20];
    size_t n = sizeof tmp;

    do {
        tmp[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return scalar(j, tmp + n, sizeof tmp - n);
}

int tg_json_int(tg_json_t *j, int64_t v)
{
    char tmp[20];
    size_t n = sizeof tmp;
    /* magnitude without overflow, INT64_MIN included */
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    do {
        tmp[--n] = (char)('0' + m % 10);
        m /= 10;
    } while (m != 0);
    if (v < 0)
        tmp[--n] = '-';
    return scalar(j, tmp + n, sizeof tmp - n);
}

int tg_json_bool(tg_json_t *j, bool v)
{
    return v ? scalar(j, "true", 4) : scalar(j, "false", 5);
}

int tg_json_null(tg_json_t *j)
{
    return scalar(j, "null", 4);
}

int tg_json_hex(tg_json_t *j, const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t start, lim;
    int rc;

    if (j->err != TG_JSON_OK)
        return j->err;
    if (swallowed(j, false))
        return TG_JSON_EFULL;
    if (p == NULL && len > 0)
        return misuse(j);
    rc = value_open(j, 0, &start, &lim);
    if (rc == TG_JSON_ESTATE)
        return rc;
    /* room check once: 2 quotes + 2 digits per byte */
    if (rc != TG_JSON_OK || j->len > lim || lim - j->len < 2 ||
        len > (lim - j->len - 2) / 2)
        return value_refused(j, start);
    j->buf[j->len++] = '"';
    for (size_t i = 0; i < len; i++) {
        j->buf[j->len++] = hex_digits[p[i] >> 4];
        j->buf[j->len++] = hex_digits[p[i] & 15];
    }
    j->buf[j->len++] = '"';
    value_done(j);
    return TG_JSON_OK;
}

int tg_json_field_string(tg_json_t *j, const char *key, const char *s,
                         size_t len)
{
    int rc = tg_json_key(j, key);
    int rv = tg_json_string(j, s, len);

    return rc != TG_JSON_OK ? rc : rv;
}

int tg_json_field_str(tg_json_t *j, const char *key, const char *s)
{
    int rc = tg_json_key(j, key);
    int rv = tg_json_str(j, s);

    return rc != TG_JSON_OK ? rc : rv;
}

int tg_json_field_int(tg_json_t *j, const char *key, int64_t v)
{
    int rc = tg_json_key(j, key);
    int rv = tg_json_int(j, v);

    return rc != TG_JSON_OK ? rc : rv;
}

int tg_json_field_uint(tg_json_t *j, const char *key, uint64_t v)
{
    int rc = tg_json_key(j, key);
    int rv = tg_json_uint(j, v);

    return rc != TG_JSON_OK ? rc : rv;
}

int tg_json_field_bool(tg_json_t *j, const char *key, bool v)
{
    int rc = tg_json_key(j, key);
    int rv = tg_json_bool(j, v);

    return rc != TG_JSON_OK ? rc : rv;
}

tg_json_mark_t tg_json_mark(const tg_json_t *j)
{
    tg_json_mark_t m = {*j};

    /* a pending (or refused) key belongs to the element after the mark */
    if (m.state.key_pending)
        m.state.len = m.state.key_start;
    m.state.key_pending = false;
    m.state.skip_value = false;
    return m;
}

void tg_json_rollback(tg_json_t *j, const tg_json_mark_t *m)
{
    unsigned refused = j->refused;
    size_t reserve = j->reserve;

    if (j->err != TG_JSON_OK)
        return;
    if (m->state.buf != j->buf || m->state.len > j->len) {
        misuse(j);
        return;
    }
    *j = m->state;
    j->refused = refused; /* what was refused stays counted */
    j->reserve = reserve;
}

bool tg_json_refused_since(const tg_json_t *j, const tg_json_mark_t *m)
{
    return j->refused != m->state.refused;
}

bool tg_json_truncated(const tg_json_t *j)
{
    return j->refused > 0;
}

long tg_json_finish(const tg_json_t *j)
{
    if (j->err != TG_JSON_OK || j->depth > 0 || j->skip > 0 ||
        j->key_pending || j->skip_value)
        return TG_JSON_ESTATE;
    if (!j->done)
        return j->refused > 0 ? TG_JSON_EFULL : TG_JSON_ESTATE;
    return (long)j->len;
}

long tg_json_finish_line(tg_json_t *j)
{
    long n = tg_json_finish(j);

    if (n < 0)
        return n;
    if (j->buf[j->len - 1] == '\n') /* already added: writer emits no \n */
        return n;
    if (j->len >= j->cap)
        return TG_JSON_EFULL;
    j->buf[j->len++] = '\n';
    return n + 1;
}
