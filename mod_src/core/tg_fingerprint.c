/*
 * tg_fingerprint: JA3 (salesforce/ja3) and JA4 (FoxIO JA4.md) from a tg_hello_t.
 *
 * JA4 is built as its raw form JA4_r first; the hashed parts b and c are
 * SHA-256 over the two list sections of that very string, so the raw and the
 * hashed fingerprint cannot disagree.
 */
#include "tg_fingerprint.h"

#include <string.h>

#define MD5_LEN 16
#define SHA256_LEN 32
#define JA4_HASH_HEX 12
#define COUNT_CAP 99
#define SMALL_SORT 32

static const char hexdig[] = "0123456789abcdef";

/* --- bounded string builder -------------------------------------------- */

typedef struct out_t {
    char *p;
    size_t size; /* usable bytes, the NUL included */
    size_t len;
    int full;    /* something did not fit */
} out_t;

static void put_c(out_t *o, char c)
{
    if (o->len + 1 < o->size)
        o->p[o->len++] = c;
    else
        o->full = 1;
}

static void put_hex4(out_t *o, uint16_t v)
{
    if (o->len + 5 > o->size) {
        o->full = 1;
        return;
    }
    o->p[o->len++] = hexdig[v >> 12];
    o->p[o->len++] = hexdig[(v >> 8) & 15];
    o->p[o->len++] = hexdig[(v >> 4) & 15];
    o->p[o->len++] = hexdig[v & 15];
}

static void put_dec(out_t *o, unsigned v)
{
    char tmp[5];
    int n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < 5);
    while (n)
        put_c(o, tmp[--n]);
}

static int out_end(out_t *o, size_t *len)
{
    if (o->full || o->size == 0)
        return TG_FP_NO_SPACE;
    o->p[o->len] = '\0';
    if (len)
        *len = o->len;
    return TG_FP_OK;
}

static void hex_bytes(const unsigned char *b, size_t nhex, char *out)
{
    size_t i;

    for (i = 0; i < nhex; i++)
        out[i] = hexdig[i % 2 ? b[i / 2] & 15 : b[i / 2] >> 4];
    out[nhex] = '\0';
}

/* --- extension types in wire order --------------------------------------- */

typedef struct types_t {
    const tg_hello_t *h;
    size_t i;
    tg_ext_iter_t it;
} types_t;

static void types_start(types_t *t, const tg_hello_t *h)
{
    t->h = h;
    t->i = 0;
    tg_hello_ext_first(h, &t->it);
}

/* The stored array is enough unless it overflowed; then walk the block. */
static int types_next(types_t *t, uint16_t *type)
{
    tg_view_t body;

    if (!t->h->ext_overflow) {
        if (t->i >= t->h->ext_n)
            return 0;
        *type = t->h->ext_types[t->i++];
        return 1;
    }
    return tg_hello_ext_next(&t->it, type, &body);
}

/* --- JA3 --------------------------------------------------------------- */

static void ja3_u16_list(out_t *o, tg_view_t v)
{
    size_t i, n = tg_u16_count(v);
    int first = 1;
    uint16_t x;

    for (i = 0; i < n; i++) {
        x = tg_u16_at(v, i);
        if (tg_is_grease(x))
            continue;
        if (!first)
            put_c(o, '-');
        put_dec(o, x);
        first = 0;
    }
}

static void ja3_ext_list(out_t *o, const tg_hello_t *h)
{
    types_t t;
    uint16_t x;
    int first = 1;

    types_start(&t, h);
    while (types_next(&t, &x)) {
        if (tg_is_grease(x))
            continue;
        if (!first)
            put_c(o, '-');
        put_dec(o, x);
        first = 0;
    }
}

int tg_ja3_string(const tg_hello_t *h, char *out, size_t size, size_t *len)
{
    out_t o = { out, size, 0, 0 };
    size_t i;

    if (!h || !out)
        return TG_FP_INVALID_ARG;
    put_dec(&o, h->legacy_version);
    put_c(&o, ',');
    ja3_u16_list(&o, h->ciphers);
    put_c(&o, ',');
    ja3_ext_list(&o, h);
    put_c(&o, ',');
    ja3_u16_list(&o, h->groups);
    put_c(&o, ',');
    for (i = 0; i < h->ec_point_formats.len; i++) {
        if (i)
            put_c(&o, '-');
        put_dec(&o, h->ec_point_formats.p[i]);
    }
    return out_end(&o, len);
}

int tg_ja3(const tg_hello_t *h, tg_digest_fn *md5, char *work, size_t work_size,
           char *out, size_t out_size)
{
    unsigned char d[MD5_LEN];
    size_t len;
    int rc;

    if (!md5 || !out)
        return TG_FP_INVALID_ARG;
    if (out_size < TG_JA3_SIZE)
        return TG_FP_NO_SPACE;
    rc = tg_ja3_string(h, work, work_size, &len);
    if (rc != TG_FP_OK)
        return rc;
    md5(work, len, d);
    hex_bytes(d, 2 * MD5_LEN, out);
    return TG_FP_OK;
}

/* --- JA4 part a -------------------------------------------------------- */

static const struct {
    uint16_t version;
    char code[3];
} ja4_versions[] = {
    { 0x0304, "13" }, { 0x0303, "12" }, { 0x0302, "11" }, { 0x0301, "10" },
    { 0x0300, "s3" }, { 0x0002, "s2" }, { 0xfeff, "d1" }, { 0xfefd, "d2" },
    { 0xfefc, "d3" },
};

/* Highest non-GREASE supported_versions value, else legacy_version. */
static uint16_t ja4_version(const tg_hello_t *h)
{
    size_t i, n = tg_u16_count(h->versions);
    uint16_t best = 0, v;
    int found = 0;

    for (i = 0; i < n; i++) {
        v = tg_u16_at(h->versions, i);
        if (!tg_is_grease(v) && (!found || v > best)) {
            best = v;
            found = 1;
        }
    }
    return found ? best : h->legacy_version;
}

static const char *ja4_version_code(uint16_t v)
{
    size_t i;

    for (i = 0; i < sizeof ja4_versions / sizeof ja4_versions[0]; i++)
        if (ja4_versions[i].version == v)
            return ja4_versions[i].code;
    return "00";
}

static size_t count_u16_no_grease(tg_view_t v)
{
    size_t i, n = tg_u16_count(v), c = 0;

    for (i = 0; i < n; i++)
        c += !tg_is_grease(tg_u16_at(v, i));
    return c;
}

static size_t count_ext_no_grease(const tg_hello_t *h)
{
    types_t t;
    uint16_t x;
    size_t c = 0;

    types_start(&t, h);
    while (types_next(&t, &x))
        c += !tg_is_grease(x);
    return c;
}

static void put_count(out_t *o, size_t n)
{
    if (n > COUNT_CAP)
        n = COUNT_CAP;
    put_c(o, (char)('0' + n / 10));
    put_c(o, (char)('0' + n % 10));
}

static int is_alnum(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* First and last character of the first ALPN name; hex digits if not alnum. */
static void put_alpn(out_t *o, const tg_hello_t *h)
{
    tg_view_t a = h->alpn_first;
    uint8_t first, last;

    if (!(h->seen & TG_HELLO_SEEN_ALPN) || a.len == 0) {
        put_c(o, '0');
        put_c(o, '0');
        return;
    }
    first = a.p[0];
    last = a.p[a.len - 1];
    if (is_alnum(first) && is_alnum(last)) {
        put_c(o, (char)first);
        put_c(o, (char)last);
    } else {
        put_c(o, hexdig[first >> 4]);
        put_c(o, hexdig[last & 15]);
    }
}

static void ja4_a(out_t *o, const tg_hello_t *h, char transport)
{
    const char *ver = ja4_version_code(ja4_version(h));

    put_c(o, transport);
    put_c(o, ver[0]);
    put_c(o, ver[1]);
    put_c(o, (h->seen & TG_HELLO_SEEN_SERVER_NAME) ? 'd' : 'i');
    put_count(o, count_u16_no_grease(h->ciphers));
    put_count(o, count_ext_no_grease(h));
    put_alpn(o, h);
}

/* --- JA4 parts b and c: sorted hex lists ------------------------------- */

/*
 * Values to sort sit as big-endian byte pairs at the tail of the output
 * buffer, past everything the section can write; no alignment needed.
 */
typedef struct keys_t {
    uint8_t *b;
    size_t n;
    size_t cap;
} keys_t;

static uint16_t key_at(const keys_t *k, size_t i)
{
    return (uint16_t)((unsigned)k->b[2 * i] << 8 | k->b[2 * i + 1]);
}

static void key_set(keys_t *k, size_t i, uint16_t v)
{
    k->b[2 * i] = (uint8_t)(v >> 8);
    k->b[2 * i + 1] = (uint8_t)v;
}

static void key_push(keys_t *k, uint16_t v)
{
    if (k->n < k->cap)
        key_set(k, k->n++, v);
}

static void sort_small(keys_t *k)
{
    size_t i, j;
    uint16_t v;

    for (i = 1; i < k->n; i++) {
        v = key_at(k, i);
        for (j = i; j > 0 && key_at(k, j - 1) > v; j--)
            key_set(k, j, key_at(k, j - 1));
        key_set(k, j, v);
    }
}

static void sift_down(keys_t *k, size_t root, size_t end)
{
    size_t child;
    uint16_t v = key_at(k, root);

    while ((child = 2 * root + 1) < end) {
        if (child + 1 < end && key_at(k, child + 1) > key_at(k, child))
            child++;
        if (key_at(k, child) <= v)
            break;
        key_set(k, root, key_at(k, child));
        root = child;
    }
    key_set(k, root, v);
}

/* Heapsort keeps hostile hellos with thousands of values O(n log n). */
static void sort_keys(keys_t *k)
{
    size_t i, end;
    uint16_t top;

    if (k->n <= SMALL_SORT) {
        sort_small(k);
        return;
    }
    for (i = k->n / 2; i-- > 0;)
        sift_down(k, i, k->n);
    for (end = k->n - 1; end > 0; end--) {
        top = key_at(k, 0);
        key_set(k, 0, key_at(k, end));
        key_set(k, end, top);
        sift_down(k, 0, end);
    }
}

/* Reserves the tail for cap keys; fails if it could overlap the section. */
static int keys_reserve(out_t *o, keys_t *k, size_t cap)
{
    size_t need = 2 * cap;

    if (o->full || o->size < need || o->size - need < o->len + 5 * cap + 1) {
        o->full = 1;
        return 0;
    }
    k->b = (uint8_t *)o->p + (o->size - need);
    k->n = 0;
    k->cap = cap;
    return 1;
}

static void put_keys(out_t *o, const keys_t *k)
{
    size_t i;

    for (i = 0; i < k->n; i++) {
        if (i)
            put_c(o, ',');
        put_hex4(o, key_at(k, i));
    }
}

static void ja4_ciphers(out_t *o, const tg_hello_t *h)
{
    size_t i, n = tg_u16_count(h->ciphers);
    uint16_t v;
    keys_t k;

    if (!keys_reserve(o, &k, n))
        return;
    for (i = 0; i < n; i++) {
        v = tg_u16_at(h->ciphers, i);
        if (!tg_is_grease(v))
            key_push(&k, v);
    }
    sort_keys(&k);
    put_keys(o, &k);
}

static void ja4_extensions(out_t *o, const tg_hello_t *h)
{
    types_t t;
    uint16_t v;
    keys_t k;

    if (!keys_reserve(o, &k, h->ext_total))
        return;
    types_start(&t, h);
    while (types_next(&t, &v))
        if (!tg_is_grease(v) && v != TG_HELLO_EXT_SERVER_NAME && v != TG_HELLO_EXT_ALPN)
            key_push(&k, v);
    sort_keys(&k);
    put_keys(o, &k);
}

/* Signature algorithms keep their wire order; GREASE is dropped. */
static void ja4_sigalgs(out_t *o, const tg_hello_t *h)
{
    size_t i, n = tg_u16_count(h->sigalgs);
    uint16_t v;
    int first = 1;

    for (i = 0; i < n; i++) {
        v = tg_u16_at(h->sigalgs, i);
        if (tg_is_grease(v))
            continue;
        put_c(o, first ? '_' : ',');
        put_hex4(o, v);
        first = 0;
    }
}

/* Offsets of the two hashed sections inside the JA4_r string. */
typedef struct ja4_parts_t {
    size_t b_off, b_len;
    size_t c_off, c_len;
} ja4_parts_t;

static int valid_transport(char t)
{
    return t == TG_JA4_TCP || t == TG_JA4_QUIC || t == TG_JA4_DTLS;
}

static int build_ja4_raw(const tg_hello_t *h, char transport, out_t *o, ja4_parts_t *parts)
{
    ja4_a(o, h, transport);
    put_c(o, '_');
    parts->b_off = o->len;
    ja4_ciphers(o, h);
    parts->b_len = o->len - parts->b_off;
    put_c(o, '_');
    parts->c_off = o->len;
    ja4_extensions(o, h);
    ja4_sigalgs(o, h);
    parts->c_len = o->len - parts->c_off;
    return out_end(o, NULL);
}

int tg_ja4_raw(const tg_hello_t *h, char transport, char *out, size_t size, size_t *len)
{
    out_t o = { out, size, 0, 0 };
    ja4_parts_t parts;
    int rc;

    if (!h || !out || !valid_transport(transport))
        return TG_FP_INVALID_ARG;
    rc = build_ja4_raw(h, transport, &o, &parts);
    if (rc == TG_FP_OK && len)
        *len = o.len;
    return rc;
}

/* 12 hex digits of SHA-256, or twelve zeros for an empty list. */
static void hash12(tg_digest_fn *sha256, const char *s, size_t n, char *out)
{
    unsigned char d[SHA256_LEN];

    if (n == 0) {
        memset(out, '0', JA4_HASH_HEX);
        return;
    }
    sha256(s, n, d);
    hex_bytes(d, JA4_HASH_HEX, out);
}

int tg_ja4(const tg_hello_t *h, char transport, tg_digest_fn *sha256, char *work,
           size_t work_size, char *out, size_t out_size)
{
    out_t o = { work, work_size, 0, 0 };
    ja4_parts_t parts;
    int rc;

    if (!h || !sha256 || !work || !out || !valid_transport(transport))
        return TG_FP_INVALID_ARG;
    if (out_size < TG_JA4_SIZE)
        return TG_FP_NO_SPACE;
    rc = build_ja4_raw(h, transport, &o, &parts);
    if (rc != TG_FP_OK)
        return rc;
    memcpy(out, work, TG_JA4_A_LEN);
    out[TG_JA4_A_LEN] = '_';
    hash12(sha256, work + parts.b_off, parts.b_len, out + TG_JA4_A_LEN + 1);
    out[TG_JA4_A_LEN + 1 + JA4_HASH_HEX] = '_';
    hash12(sha256, work + parts.c_off, parts.c_len, out + TG_JA4_A_LEN + 2 + JA4_HASH_HEX);
    out[TG_JA4_SIZE - 1] = '\0';
    return TG_FP_OK;
}

int tg_fingerprint(const tg_hello_t *h, tg_digest_fn *md5, tg_digest_fn *sha256,
                   char *work, size_t work_size, tg_fp_t *out)
{
    int rc;

    if (!out)
        return TG_FP_INVALID_ARG;
    rc = tg_ja3(h, md5, work, work_size, out->ja3, sizeof out->ja3);
    if (rc == TG_FP_OK)
        rc = tg_ja4(h, TG_JA4_TCP, sha256, work, work_size, out->ja4, sizeof out->ja4);
    return rc;
}

/* --- sizes and names --------------------------------------------------- */

size_t tg_fp_work_size(const tg_hello_t *h)
{
    size_t nc, ne, ns, ng, ja3, ja4;

    if (!h)
        return 0;
    nc = tg_u16_count(h->ciphers);
    ne = h->ext_total;
    ns = tg_u16_count(h->sigalgs);
    ng = tg_u16_count(h->groups);
    /* JA3: up to 5 digits and a separator per value, 4 per point format. */
    ja3 = 6 * (nc + ne + ng) + 4 * h->ec_point_formats.len + 16;
    /* JA4_r: 5 per listed value plus 2 of sort space for ciphers/extensions. */
    ja4 = TG_JA4_A_LEN + 7 * (nc + ne) + 5 * ns + 16;
    return ja3 > ja4 ? ja3 : ja4;
}

static const char *const fp_err_names[TG_FP_ERR_COUNT] = {
    [TG_FP_OK] = "ok",
    [TG_FP_NO_SPACE] = "no_space",
    [TG_FP_INVALID_ARG] = "invalid_argument",
};

const char *tg_fp_err_name(int err)
{
    if (err < 0 || err >= TG_FP_ERR_COUNT)
        return "unknown";
    return fp_err_names[err];
}
