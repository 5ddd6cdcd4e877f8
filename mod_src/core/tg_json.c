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

#include "tg_hex.h"

/* The per-byte scan is the hot path: ask GCC/Clang to inline it. */
#if defined(__GNUC__)
#define HOT_INLINE static inline __attribute__((always_inline))
#else
#define HOT_INLINE static inline
#endif

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

/* true if n more bytes fit below lim */
static bool fits(const tg_json_t *j, size_t lim, size_t n)
{
    return j->len <= lim && n <= lim - j->len;
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
    char e[6] = {'\\', 'u', '0', '0', TG_HEX_DIGITS[c >> 4], TG_HEX_DIGITS[c & 15]};

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

/* Escapes and repairs str[i..n) then closes the quote, checking room. */
static bool put_rest(tg_json_t *j, size_t lim, const char *str, size_t i,
                     size_t n)
{
    const unsigned char *s = (const unsigned char *)str;

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

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/*
 * Nonzero if one of the 8 bytes in w is not plain printable ASCII (below
 * 0x20, above 0x7e, '"' or '\\'). Word-at-a-time tests, exact for presence:
 * a borrow or carry only crosses into the next byte from a byte that is
 * itself flagged.
 */
HOT_INLINE uint64_t special_bytes(uint64_t w)
{
    uint64_t quote = w ^ (ONES * '"'), bslash = w ^ (ONES * '\\');

    return ((w - ONES * 0x20) | (w + ONES) | w | ((quote - ONES) & ~quote) |
            ((bslash - ONES) & ~bslash)) &
           HIGHS;
}

/*
 * Copies the plain printable ASCII prefix of s[0..n) to d, a word at a
 * time (overlapping loads and stores cover the tail); returns its length.
 */
HOT_INLINE size_t plain_prefix(char *d, const unsigned char *s, size_t n)
{
    uint64_t w;
    size_t i = 0;

    if (n >= 8) {
        for (; i + 8 < n; i += 8) {
            memcpy(&w, s + i, 8);
            if (special_bytes(w) != 0)
                return i;
            memcpy(d + i, &w, 8);
        }
        memcpy(&w, s + n - 8, 8);
        if (special_bytes(w) != 0)
            return i;
        memcpy(d + n - 8, &w, 8);
    } else if (n >= 4) {
        uint32_t lo, hi;

        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
        if (special_bytes(lo | (uint64_t)hi << 32) != 0)
            return 0;
        memcpy(d, &lo, 4);
        memcpy(d + n - 4, &hi, 4);
    } else if (n > 0) {
        /* bytes 0, n/2 and n-1 cover n = 1..3; the rest is filler 'a' */
        w = (ONES * 'a' << 24) | s[0] | (uint64_t)s[n / 2] << 8 |
            (uint64_t)s[n - 1] << 16;
        if (special_bytes(w) != 0)
            return 0;
        d[0] = (char)s[0];
        d[n / 2] = (char)s[n / 2];
        d[n - 1] = (char)s[n - 1];
    }
    return n;
}

/*
 * Writes "..." with escaping and UTF-8 repair; false when out of room.
 * Output is never shorter than n + 2 bytes, so once that fits, the plain
 * prefix is copied without per-byte room checks.
 */
static bool put_string(tg_json_t *j, size_t lim, const char *str, size_t n)
{
    size_t i;

    if (j->len > lim || lim - j->len < 2 || n > lim - j->len - 2)
        return false;
    j->buf[j->len] = '"';
    i = plain_prefix(j->buf + j->len + 1, (const unsigned char *)str, n);
    j->len += 1 + i;
    if (i < n)
        return put_rest(j, lim, str, i, n);
    j->buf[j->len++] = '"';
    return true;
}

/* ---- fast path --------------------------------------------------------- */

#define NOT_FAST 1 /* internal: take the general path */

/* Writes "s" at d if s is all plain ASCII; room for n + 2 is checked. */
HOT_INLINE bool quote_plain(char *d, const char *s, size_t n)
{
    d[0] = '"';
    if (plain_prefix(d + 1, (const unsigned char *)s, n) != n)
        return false;
    d[n + 1] = '"';
    return true;
}

/*
 * The fast paths' precondition: a writer with nothing pending, its
 * innermost container open for this kind of member (keyed: an object), and
 * room for the comma, `body` bytes and `extra` more closers. Returns the
 * bytes to add (comma included) and the container's bit, or 0.
 */
HOT_INLINE size_t fast_room(const tg_json_t *j, bool keyed, size_t body, unsigned extra,
                             uint32_t *bit)
{
    size_t len = j->len, cap = j->cap, keep, need;
    unsigned depth = j->depth;

    if (depth == 0 || depth + extra > TG_JSON_MAX_DEPTH ||
        ((unsigned)j->err | j->skip | (unsigned)j->skip_value | (unsigned)j->key_pending) != 0)
        return 0;
    *bit = (uint32_t)1 << (depth - 1);
    if (((j->obj_bits & *bit) != 0) != keyed)
        return 0;
    keep = depth + extra + j->reserve;
    need = ((j->any_bits & *bit) != 0) + body;
    if (body > cap || keep > cap || len > cap - keep || need > cap - keep - len)
        return 0;
    return need;
}

/*
 * The common case in one pass: an object member "key":value (key != NULL)
 * or an array element, in a container that is open for it, with plain
 * ASCII strings and room for all of it. value is a JSON string when quoted,
 * else pre-rendered text (numbers, literals). Returns TG_JSON_OK, or
 * NOT_FAST with len unchanged when the general path must decide.
 */
static int fast_member(tg_json_t *j, const char *key, size_t klen,
                       const char *v, size_t vlen, bool quoted)
{
    uint32_t bit;
    size_t need;
    char *d;

    if ((klen | vlen) > j->cap)
        return NOT_FAST;
    need = fast_room(j, key != NULL, klen + vlen + (key != NULL ? 3 : 0) + (quoted ? 2 : 0), 0,
                     &bit);
    if (need == 0)
        return NOT_FAST;
    /* local d: stores through it could alias *j and force reloads */
    d = j->buf + j->len;
    *d = ',';
    d += (j->any_bits & bit) != 0;
    if (key != NULL) {
        if (!quote_plain(d, key, klen))
            return NOT_FAST;
        d += klen + 2;
        *d++ = ':';
    }
    if (quoted ? !quote_plain(d, v, vlen) : (memcpy(d, v, vlen), false))
        return NOT_FAST;
    j->len += need;
    j->any_bits |= bit;
    return TG_JSON_OK;
}

/* Short copies inline, a word at a time (overlapping at the end): names
 * are 2 to 60 bytes, where a call to memcpy costs more than the copy. */
HOT_INLINE void copy_short(char *d, const char *s, size_t n)
{
    uint64_t w;
    uint32_t lo, hi;

    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&w, s + i, 8);
            memcpy(d + i, &w, 8);
        }
        memcpy(&w, s + n - 8, 8);
        memcpy(d + n - 8, &w, 8);
    } else if (n >= 4) {
        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
        memcpy(d, &lo, 4);
        memcpy(d + n - 4, &hi, 4);
    } else {
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    }
}

/*
 * fast_member() for text the caller vouches for (tg_json_plain): no scan,
 * two copies. Same contract: TG_JSON_OK, or NOT_FAST with len unchanged.
 */
static int plain_member(tg_json_t *j, const char *key, size_t klen,
                        const char *v, size_t vlen)
{
    uint32_t bit;
    size_t need;
    char *d;

    if ((klen | vlen) > j->cap)
        return NOT_FAST;
    need = fast_room(j, key != NULL, (key != NULL ? klen + 3 : 0) + vlen + 2, 0, &bit);
    if (need == 0)
        return NOT_FAST;
    d = j->buf + j->len;
    *d = ',';
    d += (j->any_bits & bit) != 0;
    if (key != NULL) {
        *d++ = '"';
        copy_short(d, key, klen);
        d += klen;
        *d++ = '"';
        *d++ = ':';
    }
    *d++ = '"';
    copy_short(d, v, vlen);
    d[vlen] = '"';
    j->len += need;
    j->any_bits |= bit;
    return TG_JSON_OK;
}

/* ---- elements ---------------------------------------------------------- */

/* Where an element began (for refusal) and how far it may reach. */
typedef struct {
    size_t start;
    size_t lim;
} slot_t;

/*
 * Opens a value slot: swallows values of refused keys and containers,
 * checks the position, writes the comma between array elements.
 * Returns TG_JSON_OK, or the code the caller returns as is.
 */
static int value_open(tg_json_t *j, bool container, slot_t *sl)
{
    uint32_t bit;

    if (j->err != TG_JSON_OK)
        return j->err;
    if (j->skip > 0 || j->skip_value) {
        j->skip = j->skip + (container ? 1u : 0u);
        j->skip_value = false;
        return TG_JSON_EFULL;
    }
    if (j->depth == 0) {
        if (j->done)
            return misuse(j);
        sl->start = j->len;
        sl->lim = limit(j, container ? 1 : 0);
        return TG_JSON_OK;
    }
    bit = (uint32_t)1 << (j->depth - 1);
    sl->lim = limit(j, j->depth + (container ? 1 : 0));
    if ((j->obj_bits & bit) != 0) {
        if (!j->key_pending)
            return misuse(j);
        sl->start = j->key_start;
        return TG_JSON_OK;
    }
    sl->start = j->len;
    if ((j->any_bits & bit) != 0 && !put_char(j, sl->lim, ',')) {
        j->skip = container ? 1u : 0u;
        j->refused++;
        return TG_JSON_EFULL;
    }
    return TG_JSON_OK;
}

/* Drops a value that did not fit, with its key. */
static int value_refused(tg_json_t *j, const slot_t *sl)
{
    j->len = sl->start;
    j->key_pending = false;
    j->refused++;
    return TG_JSON_EFULL;
}

static int value_done(tg_json_t *j)
{
    j->key_pending = false;
    if (j->depth == 0)
        j->done = true;
    else
        j->any_bits |= level_bit(j);
    return TG_JSON_OK;
}

/*
 * Writes [,]"key": in an object and opens the slot for its value.
 * On refusal nothing is written and refused is counted.
 */
static int key_open(tg_json_t *j, const char *key, size_t len, slot_t *sl)
{
    uint32_t bit = j->depth > 0 ? (uint32_t)1 << (j->depth - 1) : 0;

    if (j->err != TG_JSON_OK)
        return j->err;
    if (j->skip > 0)
        return TG_JSON_EFULL;
    if ((j->obj_bits & bit) == 0 || j->key_pending || j->skip_value ||
        key == NULL)
        return misuse(j);
    sl->start = j->len;
    sl->lim = limit(j, j->depth);
    if (len <= sl->lim && fits(j, sl->lim, len + 4)) {
        /* room for ,"key": is there: plain keys need no further checks */
        char *d = j->buf + j->len;
        bool comma = (j->any_bits & bit) != 0;

        *d = ',';
        if (quote_plain(d + comma, key, len)) {
            d[comma + len + 2] = ':';
            j->len += comma + len + 3;
            return TG_JSON_OK;
        }
    }
    if (((j->any_bits & bit) != 0 && !put_char(j, sl->lim, ',')) ||
        !put_string(j, sl->lim, key, len) ||
        !put_char(j, sl->lim, ':')) {
        j->len = sl->start;
        j->refused++;
        return TG_JSON_EFULL;
    }
    return TG_JSON_OK;
}

/* Writes one pre-rendered scalar as a value. */
static int scalar(tg_json_t *j, const char *text, size_t n)
{
    slot_t sl;
    int rc = fast_member(j, NULL, 0, text, n, false);

    if (rc == TG_JSON_OK)
        return rc;
    rc = value_open(j, false, &sl);
    if (rc != TG_JSON_OK)
        return rc;
    if (!put(j, sl.lim, text, n))
        return value_refused(j, &sl);
    return value_done(j);
}

static int string_value(tg_json_t *j, const slot_t *sl, const char *s,
                        size_t len)
{
    if (!put_string(j, sl->lim, s != NULL ? s : "", len))
        return value_refused(j, sl);
    return value_done(j);
}

/* Renders v in decimal at the end of tmp[20]; returns the first digit. */
static char *render_uint(char tmp[20], uint64_t v)
{
    char *p = tmp + 20;

    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return p;
}

static char *render_int(char tmp[21], int64_t v)
{
    /* magnitude without overflow, INT64_MIN included */
    char *p = render_uint(tmp + 1, v < 0 ? (uint64_t)0 - (uint64_t)v
                                         : (uint64_t)v);

    if (v < 0)
        *--p = '-';
    return p;
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
    slot_t sl;
    int rc;

    if (j->err == TG_JSON_OK && j->skip == 0 && !j->skip_value &&
        j->depth >= TG_JSON_MAX_DEPTH)
        return misuse(j);
    rc = value_open(j, true, &sl);
    if (rc != TG_JSON_OK)
        return rc;
    if (!put_char(j, sl.lim, object ? '{' : '[')) {
        j->skip = 1;
        return value_refused(j, &sl);
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
    slot_t sl;
    int rc = key_open(j, key, len, &sl);

    if (rc == TG_JSON_EFULL && j->skip == 0)
        j->skip_value = true; /* the value that follows is dropped */
    if (rc != TG_JSON_OK)
        return rc;
    j->key_start = sl.start;
    j->key_pending = true;
    return TG_JSON_OK;
}

int tg_json_key(tg_json_t *j, const char *key)
{
    return tg_json_key_n(j, key, key != NULL ? strlen(key) : 0);
}

int tg_json_string(tg_json_t *j, const char *s, size_t len)
{
    slot_t sl;
    int rc = s != NULL ? fast_member(j, NULL, 0, s, len, true) : NOT_FAST;

    if (rc == TG_JSON_OK)
        return rc;
    rc = value_open(j, false, &sl);
    if (rc != TG_JSON_OK)
        return rc;
    if (s == NULL && len > 0)
        return misuse(j);
    return string_value(j, &sl, s, len);
}

int tg_json_plain(tg_json_t *j, const char *s, size_t len)
{
    if (plain_member(j, NULL, 0, s, len) == TG_JSON_OK)
        return TG_JSON_OK;
    return tg_json_string(j, s, len); /* the general path decides */
}

int tg_json_str(tg_json_t *j, const char *s)
{
    return s != NULL ? tg_json_string(j, s, strlen(s)) : tg_json_null(j);
}

int tg_json_uint(tg_json_t *j, uint64_t v)
{
    char tmp[20], *p = render_uint(tmp, v);

    return scalar(j, p, (size_t)(tmp + sizeof tmp - p));
}

int tg_json_int(tg_json_t *j, int64_t v)
{
    char tmp[21], *p = render_int(tmp, v);

    return scalar(j, p, (size_t)(tmp + sizeof tmp - p));
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
    slot_t sl;
    int rc = value_open(j, false, &sl);

    if (rc != TG_JSON_OK)
        return rc;
    if (p == NULL && len > 0)
        return misuse(j);
    /* room check once: 2 quotes + 2 digits per byte */
    if (j->len > sl.lim || sl.lim - j->len < 2 ||
        len > (sl.lim - j->len - 2) / 2)
        return value_refused(j, &sl);
    j->buf[j->len++] = '"';
    j->len = (size_t)(tg_hex_bytes(j->buf + j->len, p, len) - j->buf);
    j->buf[j->len++] = '"';
    return value_done(j);
}

/*
 * Fields: key and value in one slot, so a value that does not fit takes
 * its key with it and nothing is left pending.
 */
int tg_json_field_string(tg_json_t *j, const char *key, const char *s,
                         size_t len)
{
    size_t klen = key != NULL ? strlen(key) : 0;
    slot_t sl;
    int rc = key != NULL && s != NULL ? fast_member(j, key, klen, s, len, true)
                                      : NOT_FAST;

    if (rc == TG_JSON_OK)
        return rc;
    rc = key_open(j, key, klen, &sl);
    if (rc != TG_JSON_OK)
        return rc;
    if (s == NULL && len > 0)
        return misuse(j);
    return string_value(j, &sl, s, len);
}

int tg_json_field_plain(tg_json_t *j, const char *key, size_t klen, const char *s,
                        size_t len)
{
    if (key != NULL && s != NULL && plain_member(j, key, klen, s, len) == TG_JSON_OK)
        return TG_JSON_OK;
    return tg_json_field_string(j, key, s, len);
}

int tg_json_field_str(tg_json_t *j, const char *key, const char *s)
{
    size_t klen, vlen;
    slot_t sl;
    int rc;

    if (s == NULL) {
        rc = key_open(j, key, key != NULL ? strlen(key) : 0, &sl);
        if (rc != TG_JSON_OK)
            return rc;
        return put(j, sl.lim, "null", 4) ? value_done(j)
                                         : value_refused(j, &sl);
    }
    klen = key != NULL ? strlen(key) : 0;
    vlen = strlen(s);
    if (key != NULL && fast_member(j, key, klen, s, vlen, true) == TG_JSON_OK)
        return TG_JSON_OK;
    return tg_json_field_string(j, key, s, vlen);
}

static int field_scalar(tg_json_t *j, const char *key, const char *text,
                        size_t n)
{
    size_t klen = key != NULL ? strlen(key) : 0;
    slot_t sl;
    int rc = key != NULL ? fast_member(j, key, klen, text, n, false)
                         : NOT_FAST;

    if (rc == TG_JSON_OK)
        return rc;
    rc = key_open(j, key, klen, &sl);
    if (rc != TG_JSON_OK)
        return rc;
    return put(j, sl.lim, text, n) ? value_done(j) : value_refused(j, &sl);
}

int tg_json_field_int(tg_json_t *j, const char *key, int64_t v)
{
    char tmp[21], *p = render_int(tmp, v);

    return field_scalar(j, key, p, (size_t)(tmp + sizeof tmp - p));
}

int tg_json_field_uint(tg_json_t *j, const char *key, uint64_t v)
{
    char tmp[20], *p = render_uint(tmp, v);

    return field_scalar(j, key, p, (size_t)(tmp + sizeof tmp - p));
}

int tg_json_field_bool(tg_json_t *j, const char *key, bool v)
{
    return v ? field_scalar(j, key, "true", 4)
             : field_scalar(j, key, "false", 5);
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

/* ,"key":{ or ,"key":[ in one step for a plain key in an open object with
 * room for it and the new closer; NOT_FAST with nothing written otherwise. */
static int plain_open(tg_json_t *j, const char *key, size_t klen, bool object)
{
    uint32_t bit, inner;
    size_t need;
    char *d;

    if (klen > j->cap || (need = fast_room(j, true, klen + 4, 1, &bit)) == 0)
        return NOT_FAST;
    d = j->buf + j->len;
    *d = ',';
    d += (j->any_bits & bit) != 0;
    *d++ = '"';
    copy_short(d, key, klen);
    d += klen;
    d[0] = '"';
    d[1] = ':';
    d[2] = object ? '{' : '[';
    j->len += need;
    inner = bit << 1;
    j->any_bits = (j->any_bits | bit) & ~inner;
    j->obj_bits = object ? j->obj_bits | inner : j->obj_bits & ~inner;
    j->depth++;
    return TG_JSON_OK;
}

void tg_json_group_begin(tg_json_t *j, tg_json_group_t *g, const char *key, bool array,
                         bool atomic)
{
    g->mark = tg_json_mark(j);
    g->array = array;
    g->atomic = atomic;
    if (plain_open(j, key, strlen(key), !array) != TG_JSON_OK) {
        tg_json_key(j, key);
        if (array)
            tg_json_begin_array(j);
        else
            tg_json_begin_object(j);
    }
    g->inner = j->len;
}

void tg_json_group_end(tg_json_t *j, const tg_json_group_t *g)
{
    if (g->array)
        tg_json_end_array(j);
    else
        tg_json_end_object(j);
    if (j->len <= g->inner + 1 || (g->atomic && tg_json_refused_since(j, &g->mark)))
        tg_json_rollback(j, &g->mark);
}

void tg_json_budget(tg_json_t *j, size_t budget, size_t tail)
{
    size_t fixed = j->len + j->depth + budget, reserve = tail;

    if (j->cap > fixed && j->cap - fixed > tail)
        reserve = j->cap - fixed;
    tg_json_set_reserve(j, reserve);
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
