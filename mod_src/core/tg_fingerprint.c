/*
 * tg_fingerprint: JA3 (salesforce/ja3) and JA4 (FoxIO JA4.md) from a tg_hello_t.
 *
 * JA4 is built as its raw form JA4_r first; the hashed parts b and c are
 * SHA-256 over the two list sections of that very string, so the raw and the
 * hashed fingerprint cannot disagree.
 */
#include "tg_fingerprint.h"

#include <string.h>

#include "tg_hex.h"

#define MD5_LEN 16
#define SHA256_LEN 32
#define JA4_HASH_HEX 12
#define COUNT_CAP 99
#define SMALL_SORT 32
#define RADIX_SORT_MAX 512 /* every real client's list; beyond, heapsort */

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
    tg_hex_u16(o->p + o->len, v);
    o->len += 4;
}

/* "00" "01" ... "99": two digits per division when printing decimals. */
static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Decimal, up to 5 digits: one bounds check, digits written from the end. */
static void put_dec(out_t *o, unsigned v)
{
    size_t n = v >= 10000 ? 5 : v >= 1000 ? 4 : v >= 100 ? 3 : v >= 10 ? 2 : 1;
    char *w;

    if (o->len + n >= o->size) {
        o->full = 1;
        return;
    }
    o->len += n;
    w = o->p + o->len;
    while (v >= 10) {
        w -= 2;
        memcpy(w, digit_pairs + 2 * (v % 100), 2);
        v /= 100;
    }
    if (n % 2)
        *--w = (char)('0' + v);
}

/* A list item: the separator unless it is the first, then the number. */
static void put_item(out_t *o, int *first, unsigned v)
{
    if (!*first)
        put_c(o, '-');
    *first = 0;
    put_dec(o, v);
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

/* nbytes bytes as 2 * nbytes lower-case hex digits and a NUL. */
static void hex_bytes(const unsigned char *b, size_t nbytes, char *out)
{
    *tg_hex_bytes(out, b, nbytes) = '\0';
}

/* --- JA3 --------------------------------------------------------------- */

static void ja3_u16_list(out_t *o, tg_view_t v)
{
    size_t i, n = tg_u16_count(v);
    int first = 1;
    uint16_t x;

    for (i = 0; i < n; i++) {
        x = tg_u16_at(v, i);
        if (!tg_is_grease(x))
            put_item(o, &first, x);
    }
}

static void ja3_ext_list(out_t *o, const tg_hello_t *h)
{
    tg_ext_types_t t;
    uint16_t x;
    int first = 1;

    tg_hello_types_first(h, &t);
    while (tg_hello_types_next(&t, &x))
        if (!tg_is_grease(x))
            put_item(o, &first, x);
}

int tg_ja3_string(const tg_hello_t *h, char *out, size_t size, size_t *len)
{
    out_t o = { out, size, 0, 0 };
    int first = 1;
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
    for (i = 0; i < h->ec_point_formats.len; i++)
        put_item(&o, &first, h->ec_point_formats.p[i]);
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
    hex_bytes(d, MD5_LEN, out);
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

static char *count2(char *w, size_t n)
{
    if (n > COUNT_CAP)
        n = COUNT_CAP;
    w[0] = (char)('0' + n / 10);
    w[1] = (char)('0' + n % 10);
    return w + 2;
}

static int is_alnum(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* First and last character of the first ALPN name; hex digits if not alnum. */
static char *alpn2(char *w, const tg_hello_t *h)
{
    tg_view_t a = h->alpn_first;
    uint8_t first, last;

    if (!(h->seen & TG_HELLO_SEEN_ALPN) || a.len == 0) {
        w[0] = w[1] = '0';
        return w + 2;
    }
    first = a.p[0];
    last = a.p[a.len - 1];
    if (is_alnum(first) && is_alnum(last)) {
        w[0] = (char)first;
        w[1] = (char)last;
    } else {
        w[0] = TG_HEX_DIGITS[first >> 4];
        w[1] = TG_HEX_DIGITS[last & 15];
    }
    return w + 2;
}

/* The 10 characters of part a; the counts are those of parts b and c. */
static void ja4_a(char *w, const tg_hello_t *h, char transport, size_t ciphers, size_t exts)
{
    const char *ver = ja4_version_code(ja4_version(h));

    *w++ = transport;
    *w++ = ver[0];
    *w++ = ver[1];
    *w++ = (h->seen & TG_HELLO_SEEN_SERVER_NAME) ? 'd' : 'i';
    w = count2(w, ciphers);
    w = count2(w, exts);
    alpn2(w, h);
}

/* --- JA4 parts b and c: sorted hex lists ------------------------------- */

/*
 * Values to sort sit at the tail of the output buffer, past everything the
 * section can write. They are read and written with memcpy (one 16-bit move
 * once compiled), so the char buffer needs no alignment and no type punning.
 */
typedef struct keys_t {
    uint8_t *b;
    size_t n;
    size_t cap;
} keys_t;

static uint16_t key_at(const keys_t *k, size_t i)
{
    uint16_t v;

    memcpy(&v, k->b + 2 * i, sizeof v);
    return v;
}

static void key_set(keys_t *k, size_t i, uint16_t v)
{
    memcpy(k->b + 2 * i, &v, sizeof v);
}

static void key_push(keys_t *k, uint16_t v)
{
    if (k->n < k->cap)
        key_set(k, k->n++, v);
}

/* Binary insertion: few compares, and the shift is one memmove. */
static void sort_small(keys_t *k)
{
    size_t i, lo, hi, mid;
    uint16_t v;

    for (i = 1; i < k->n; i++) {
        v = key_at(k, i);
        if (key_at(k, i - 1) <= v)
            continue; /* already in place: the common case for sorted runs */
        lo = 0;
        hi = i - 1;
        while (lo < hi) {
            mid = (lo + hi) / 2;
            if (key_at(k, mid) <= v)
                lo = mid + 1;
            else
                hi = mid;
        }
        memmove(k->b + 2 * (lo + 1), k->b + 2 * lo, 2 * (i - lo));
        key_set(k, lo, v);
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

/* One counting pass of an LSD radix sort: from[] by the byte at shift into to[]. */
static void radix_pass(const uint16_t *from, uint16_t *to, size_t n, uint16_t *count,
                       unsigned shift)
{
    uint16_t start = 0, m;

    for (unsigned d = 0; d < 256; d++) {
        m = count[d];
        count[d] = start;
        start = (uint16_t)(start + m);
    }
    for (size_t i = 0; i < n; i++)
        to[count[(from[i] >> shift) & 0xff]++] = from[i];
}

/*
 * Least-significant-digit radix sort, low byte then high byte, over stack
 * copies: linear, where a heapsort of 80 suites costs four times as much.
 * Both histograms come from one read; a byte every key shares needs no pass.
 */
static void sort_radix(keys_t *k)
{
    uint16_t a[RADIX_SORT_MAX], b[RADIX_SORT_MAX];
    uint16_t lo[256] = {0}, hi[256] = {0};
    size_t n = k->n;
    const uint16_t *sorted = a;

    memcpy(a, k->b, 2 * n);
    for (size_t i = 0; i < n; i++) {
        lo[a[i] & 0xff]++;
        hi[a[i] >> 8]++;
    }
    if (lo[a[0] & 0xff] != n) {
        radix_pass(a, b, n, lo, 0);
        sorted = b;
    }
    if (hi[a[0] >> 8] != n) {
        radix_pass(sorted, sorted == a ? b : a, n, hi, 8);
        sorted = sorted == a ? b : a;
    }
    memcpy(k->b, sorted, 2 * n);
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
    if (k->n <= RADIX_SORT_MAX) {
        sort_radix(k);
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

/* "xxxx,xxxx,...": 5 bytes per key with the NUL, checked once. */
static void put_keys(out_t *o, const keys_t *k)
{
    char *w = o->p + o->len;
    size_t i;

    if (k->n == 0)
        return;
    if (o->size - o->len < 5 * k->n) {
        o->full = 1;
        return;
    }
    for (i = 0; i < k->n; i++) {
        if (i)
            *w++ = ',';
        w = tg_hex_u16(w, key_at(k, i));
    }
    o->len = (size_t)(w - o->p);
}

/* Part b, sorted; returns the number of ciphers without GREASE. */
static size_t ja4_ciphers(out_t *o, const tg_hello_t *h)
{
    size_t i, n = tg_u16_count(h->ciphers);
    uint16_t v;
    keys_t k;

    if (!keys_reserve(o, &k, n))
        return 0;
    for (i = 0; i < n; i++) {
        v = tg_u16_at(h->ciphers, i);
        if (!tg_is_grease(v))
            key_push(&k, v);
    }
    sort_keys(&k);
    put_keys(o, &k);
    return k.n;
}

/* Part c's sorted list; returns the extension count without GREASE. */
static size_t ja4_extensions(out_t *o, const tg_hello_t *h)
{
    size_t sni_alpn = 0;
    tg_ext_types_t t;
    uint16_t v;
    keys_t k;

    if (!keys_reserve(o, &k, h->ext_total))
        return 0;
    tg_hello_types_first(h, &t);
    while (tg_hello_types_next(&t, &v)) {
        if (tg_is_grease(v))
            continue;
        if (v == TG_HELLO_EXT_SERVER_NAME || v == TG_HELLO_EXT_ALPN)
            sni_alpn++;
        else
            key_push(&k, v);
    }
    sort_keys(&k);
    put_keys(o, &k);
    return k.n + sni_alpn;
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

/* Part a is written last, over a placeholder, once b and c have counted. */
static int build_ja4_raw(const tg_hello_t *h, char transport, out_t *o, ja4_parts_t *parts)
{
    size_t i, ciphers, exts;

    for (i = 0; i < TG_JA4_A_LEN; i++)
        put_c(o, '0');
    put_c(o, '_');
    parts->b_off = o->len;
    ciphers = ja4_ciphers(o, h);
    parts->b_len = o->len - parts->b_off;
    put_c(o, '_');
    parts->c_off = o->len;
    exts = ja4_extensions(o, h);
    ja4_sigalgs(o, h);
    parts->c_len = o->len - parts->c_off;
    if (o->full)
        return TG_FP_NO_SPACE;
    ja4_a(o->p, h, transport, ciphers, exts);
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
    hex_bytes(d, JA4_HASH_HEX / 2, out);
}

/* JA4 from its raw form: part a as is, then the hashes of sections b and c. */
static void ja4_hashed(tg_digest_fn *sha256, const char *raw, const ja4_parts_t *parts,
                       char *out)
{
    memcpy(out, raw, TG_JA4_A_LEN);
    out[TG_JA4_A_LEN] = '_';
    hash12(sha256, raw + parts->b_off, parts->b_len, out + TG_JA4_A_LEN + 1);
    out[TG_JA4_A_LEN + 1 + JA4_HASH_HEX] = '_';
    hash12(sha256, raw + parts->c_off, parts->c_len, out + TG_JA4_A_LEN + 2 + JA4_HASH_HEX);
    out[TG_JA4_SIZE - 1] = '\0';
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
    if (rc == TG_FP_OK)
        ja4_hashed(sha256, work, &parts, out);
    return rc;
}

/* The JA3 string and JA4_r side by side in work, each hashed once. */
int tg_fingerprint(const tg_hello_t *h, tg_digest_fn *md5, tg_digest_fn *sha256,
                   char *work, size_t work_size, tg_fp_t *out)
{
    unsigned char d[MD5_LEN];
    ja4_parts_t parts;
    size_t len;
    out_t o;
    int rc;

    if (!h || !md5 || !sha256 || !work || !out)
        return TG_FP_INVALID_ARG;
    memset(out, 0, sizeof *out);
    rc = tg_ja3_string(h, work, work_size, &len);
    if (rc != TG_FP_OK)
        return rc;
    md5(work, len, d);
    hex_bytes(d, MD5_LEN, out->ja3);
    o = (out_t){ work + len + 1, work_size - len - 1, 0, 0 };
    out->ja3_string = work;
    out->ja3_len = len;
    rc = build_ja4_raw(h, TG_JA4_TCP, &o, &parts);
    if (rc != TG_FP_OK)
        return rc;
    ja4_hashed(sha256, o.p, &parts, out->ja4);
    out->ja4_r = o.p;
    out->ja4_r_len = o.len;
    return TG_FP_OK;
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
    /* tg_fingerprint() keeps both strings, side by side. */
    return ja3 + ja4;
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
