/*
 * tg_hello: ClientHello parser (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2).
 * One pass, no allocation, every read bounds-checked against its container.
 */
#include "tg_hello.h"

#include <string.h>

#define HS_HEADER_LEN 4
#define RECORD_HEADER_LEN 5
#define CLIENT_HELLO 1
#define HANDSHAKE_RECORD 22
#define MAX_SESSION_ID 32
#define TYPE_MAP_BYTES (65536 / 8)

/* A cursor over one container; reads never pass len. */
typedef struct rd_t {
    const uint8_t *p;
    size_t len;
    size_t off;
} rd_t;

static size_t rd_left(const rd_t *r)
{
    return r->len - r->off;
}

static int rd_u16(rd_t *r, uint16_t *v)
{
    if (rd_left(r) < 2)
        return 0;
    *v = (uint16_t)((unsigned)r->p[r->off] << 8 | r->p[r->off + 1]);
    r->off += 2;
    return 1;
}

static int rd_bytes(rd_t *r, size_t n, tg_view_t *out)
{
    if (rd_left(r) < n)
        return 0;
    out->p = r->p + r->off;
    out->len = n;
    r->off += n;
    return 1;
}

/* A vector with a `prefix`-byte (1..3) big-endian length in front. */
static int rd_vec(rd_t *r, unsigned prefix, tg_view_t *out)
{
    size_t n = 0;
    unsigned i;

    if (rd_left(r) < prefix)
        return 0;
    for (i = 0; i < prefix; i++)
        n = n << 8 | r->p[r->off + i];
    if (rd_left(r) - prefix < n)
        return 0;
    r->off += prefix;
    return rd_bytes(r, n, out);
}

/* The whole body is exactly one vector (the common extension shape). */
static int whole_vec(tg_view_t body, unsigned prefix, tg_view_t *out)
{
    rd_t r = { body.p, body.len, 0 };

    return rd_vec(&r, prefix, out) && rd_left(&r) == 0;
}

/* --- located extensions ------------------------------------------------ */

typedef int ext_fn(tg_hello_t *h, tg_view_t body);

static int u16_list_ext(tg_view_t body, tg_view_t *out)
{
    if (!whole_vec(body, 2, out))
        return TG_HELLO_BAD_EXTENSION;
    return out->len % 2 ? TG_HELLO_ODD_LIST : TG_HELLO_OK;
}

static int ext_server_name(tg_hello_t *h, tg_view_t body)
{
    tg_view_t list, name;
    rd_t r;

    if (!whole_vec(body, 2, &list) || list.len == 0)
        return TG_HELLO_BAD_EXTENSION;
    r = (rd_t){ list.p, list.len, 0 };
    while (rd_left(&r)) {
        uint8_t type = r.p[r.off++];

        if (!rd_vec(&r, 2, &name))
            return TG_HELLO_BAD_EXTENSION;
        if (type == 0 && !h->has_sni) {
            h->sni = name;
            h->has_sni = 1;
        }
    }
    return TG_HELLO_OK;
}

static int ext_supported_versions(tg_hello_t *h, tg_view_t body)
{
    if (!whole_vec(body, 1, &h->versions))
        return TG_HELLO_BAD_EXTENSION;
    return h->versions.len % 2 ? TG_HELLO_ODD_LIST : TG_HELLO_OK;
}

static int ext_supported_groups(tg_hello_t *h, tg_view_t body)
{
    return u16_list_ext(body, &h->groups);
}

static int ext_signature_algorithms(tg_hello_t *h, tg_view_t body)
{
    return u16_list_ext(body, &h->sigalgs);
}

static int ext_alpn(tg_hello_t *h, tg_view_t body)
{
    tg_view_t name;
    rd_t r;

    if (!whole_vec(body, 2, &h->alpn))
        return TG_HELLO_BAD_EXTENSION;
    r = (rd_t){ h->alpn.p, h->alpn.len, 0 };
    while (rd_left(&r)) {
        if (!rd_vec(&r, 1, &name))
            return TG_HELLO_BAD_EXTENSION;
        if (!h->alpn_first.p)
            h->alpn_first = name;
    }
    return TG_HELLO_OK;
}

static int ext_key_share(tg_hello_t *h, tg_view_t body)
{
    tg_view_t key;
    uint16_t group;
    rd_t r;

    if (!whole_vec(body, 2, &h->key_share))
        return TG_HELLO_BAD_EXTENSION;
    r = (rd_t){ h->key_share.p, h->key_share.len, 0 };
    while (rd_left(&r)) {
        if (!rd_u16(&r, &group) || !rd_vec(&r, 2, &key))
            return TG_HELLO_BAD_EXTENSION;
        if (h->key_share_n < TG_HELLO_MAX_KEY_SHARES)
            h->key_share_groups[h->key_share_n++] = group;
        else
            h->key_share_overflow = 1;
    }
    return TG_HELLO_OK;
}

static int ext_psk_modes(tg_hello_t *h, tg_view_t body)
{
    return whole_vec(body, 1, &h->psk_modes) ? TG_HELLO_OK : TG_HELLO_BAD_EXTENSION;
}

static int ext_ec_point_formats(tg_hello_t *h, tg_view_t body)
{
    return whole_vec(body, 1, &h->ec_point_formats) ? TG_HELLO_OK
                                                    : TG_HELLO_BAD_EXTENSION;
}

static const struct {
    uint32_t bit;
    ext_fn *parse;
} known_exts[] = {
    { TG_HELLO_SEEN_SERVER_NAME, ext_server_name },
    { TG_HELLO_SEEN_SUPPORTED_GROUPS, ext_supported_groups },
    { TG_HELLO_SEEN_EC_POINT_FORMATS, ext_ec_point_formats },
    { TG_HELLO_SEEN_SIGNATURE_ALGORITHMS, ext_signature_algorithms },
    { TG_HELLO_SEEN_ALPN, ext_alpn },
    { TG_HELLO_SEEN_SUPPORTED_VERSIONS, ext_supported_versions },
    { TG_HELLO_SEEN_PSK_KEY_EXCHANGE_MODES, ext_psk_modes },
    { TG_HELLO_SEEN_KEY_SHARE, ext_key_share },
};

/* Row of known_exts for a type, or -1; a switch beats scanning the rows. */
static int known_row(uint16_t type)
{
    switch (type) {
    case TG_HELLO_EXT_SERVER_NAME: return 0;
    case TG_HELLO_EXT_SUPPORTED_GROUPS: return 1;
    case TG_HELLO_EXT_EC_POINT_FORMATS: return 2;
    case TG_HELLO_EXT_SIGNATURE_ALGORITHMS: return 3;
    case TG_HELLO_EXT_ALPN: return 4;
    case TG_HELLO_EXT_SUPPORTED_VERSIONS: return 5;
    case TG_HELLO_EXT_PSK_KEY_EXCHANGE_MODES: return 6;
    case TG_HELLO_EXT_KEY_SHARE: return 7;
    default: return -1;
    }
}

static int locate_known(tg_hello_t *h, uint16_t type, tg_view_t body)
{
    int row = known_row(type), rc;

    if (row < 0)
        return TG_HELLO_OK;
    rc = known_exts[row].parse(h, body);
    if (rc == TG_HELLO_OK)
        h->seen |= known_exts[row].bit;
    return rc;
}

/* --- duplicate detection ----------------------------------------------- */

/*
 * Up to TG_HELLO_MAX_EXT extensions: a 64-bit filter of the types seen, and a
 * scan of ext_types only when it says "maybe". Past that a bitmap of all 2^16
 * types keeps hostile hellos linear.
 */
typedef struct dup_t {
    uint64_t filter;
    int map_ready;
    uint8_t map[TYPE_MAP_BYTES];
} dup_t;

static uint64_t filter_bit(uint16_t type)
{
    return (uint64_t)1 << ((type ^ (type >> 6) ^ (type >> 12)) & 63);
}

static int map_test_set(uint8_t *map, uint16_t type)
{
    uint8_t bit = (uint8_t)(1u << (type & 7));
    int was = (map[type >> 3] & bit) != 0;

    map[type >> 3] |= bit;
    return was;
}

static int is_duplicate(const tg_hello_t *h, dup_t *d, uint16_t type)
{
    uint64_t bit = filter_bit(type);
    size_t i;

    if (h->ext_total < TG_HELLO_MAX_EXT) {
        if (d->filter & bit)
            for (i = 0; i < h->ext_n; i++)
                if (h->ext_types[i] == type)
                    return 1;
        d->filter |= bit;
        return 0;
    }
    if (!d->map_ready) {
        memset(d->map, 0, sizeof d->map);
        for (i = 0; i < h->ext_n; i++)
            map_test_set(d->map, h->ext_types[i]);
        d->map_ready = 1;
    }
    return map_test_set(d->map, type);
}

static void record_type(tg_hello_t *h, uint16_t type)
{
    if (h->ext_n < TG_HELLO_MAX_EXT)
        h->ext_types[h->ext_n++] = type;
    else
        h->ext_overflow = 1;
    h->ext_total++;
}

/* --- message ----------------------------------------------------------- */

static int parse_extensions(tg_hello_t *h, size_t block_off)
{
    rd_t r = { h->extensions.p, h->extensions.len, 0 };
    dup_t dup;
    tg_view_t body;
    uint16_t type;
    size_t start;
    int rc = TG_HELLO_OK;

    dup.filter = 0;
    dup.map_ready = 0;
    while (rd_left(&r)) {
        start = r.off;
        if (!rd_u16(&r, &type) || !rd_vec(&r, 2, &body))
            rc = TG_HELLO_BAD_LENGTH;
        else if (is_duplicate(h, &dup, type))
            rc = TG_HELLO_DUPLICATE_EXTENSION;
        else
            rc = locate_known(h, type, body);
        if (rc != TG_HELLO_OK) {
            h->extensions.len = start; /* keep only what parsed cleanly */
            h->err_offset = block_off + start;
            return rc;
        }
        record_type(h, type);
    }
    return TG_HELLO_OK;
}

static int fail_at(tg_hello_t *h, const rd_t *r, int rc)
{
    h->err_offset = r->off;
    return rc;
}

/* msg holds the complete message: header plus body, msg_len bytes. */
static int parse_body(tg_hello_t *h, const uint8_t *msg, size_t msg_len)
{
    rd_t r = { msg, msg_len, HS_HEADER_LEN };

    if (!rd_u16(&r, &h->legacy_version) ||
        !rd_bytes(&r, TG_HELLO_RANDOM_LEN, &h->random))
        return fail_at(h, &r, TG_HELLO_BAD_LENGTH);
    if (!rd_vec(&r, 1, &h->session_id) || h->session_id.len > MAX_SESSION_ID)
        return fail_at(h, &r, TG_HELLO_BAD_LENGTH);
    if (!rd_vec(&r, 2, &h->ciphers))
        return fail_at(h, &r, TG_HELLO_BAD_LENGTH);
    if (h->ciphers.len % 2)
        return fail_at(h, &r, TG_HELLO_ODD_LIST);
    if (!rd_vec(&r, 1, &h->compression))
        return fail_at(h, &r, TG_HELLO_BAD_LENGTH);
    if (rd_left(&r) == 0)
        return TG_HELLO_OK; /* extensions are optional before TLS 1.3 */
    if (!rd_vec(&r, 2, &h->extensions) || rd_left(&r) != 0) {
        h->extensions = (tg_view_t){ NULL, 0 };
        return fail_at(h, &r, TG_HELLO_BAD_LENGTH);
    }
    h->has_extensions = 1;
    return parse_extensions(h, r.off - h->extensions.len);
}

static size_t get_u24(const uint8_t *p)
{
    return (size_t)p[0] << 16 | (size_t)p[1] << 8 | p[2];
}

int tg_hello_parse(const uint8_t *msg, size_t len, tg_hello_t *h)
{
    size_t body_len;

    if (!h)
        return TG_HELLO_INVALID_ARG;
    memset(h, 0, sizeof *h);
    if (!msg && len)
        return TG_HELLO_INVALID_ARG;
    if (len == 0)
        return TG_HELLO_TRUNCATED;
    if (msg[0] != CLIENT_HELLO)
        return TG_HELLO_NOT_CLIENT_HELLO;
    if (len < HS_HEADER_LEN)
        return TG_HELLO_TRUNCATED;
    body_len = get_u24(msg + 1);
    if (len - HS_HEADER_LEN < body_len) {
        h->err_offset = len;
        return TG_HELLO_TRUNCATED;
    }
    h->msg_len = HS_HEADER_LEN + body_len;
    return parse_body(h, msg, h->msg_len);
}

/* --- records ----------------------------------------------------------- */

/* Reassembly state: `have` bytes of a `need`-byte message in scratch. */
typedef struct asm_t {
    uint8_t *buf;
    size_t cap;
    size_t have;
    size_t need; /* 0 until the 4-byte header is complete */
} asm_t;

static int check_record(const uint8_t *rec, int first)
{
    size_t rlen = (size_t)rec[3] << 8 | rec[4];

    if (rec[0] != HANDSHAKE_RECORD)
        return first ? TG_HELLO_NOT_HANDSHAKE : TG_HELLO_BAD_RECORD;
    if (rec[1] != 3 || rlen == 0 || rlen > TG_HELLO_MAX_RECORD)
        return TG_HELLO_BAD_RECORD;
    return TG_HELLO_OK;
}

/* Appends one fragment; returns OK, TRUNCATED (needs more) or an error. */
static int asm_add(asm_t *a, const uint8_t *frag, size_t n)
{
    size_t want, take;

    while (n) {
        want = (a->need ? a->need : HS_HEADER_LEN) - a->have;
        take = n < want ? n : want;
        if (take > a->cap - a->have)
            return TG_HELLO_TOO_LARGE;
        memcpy(a->buf + a->have, frag, take);
        a->have += take;
        frag += take;
        n -= take;
        if (a->buf[0] != CLIENT_HELLO)
            return TG_HELLO_NOT_CLIENT_HELLO;
        if (!a->need && a->have == HS_HEADER_LEN) {
            a->need = HS_HEADER_LEN + get_u24(a->buf + 1);
            if (a->need > a->cap)
                return TG_HELLO_TOO_LARGE;
        }
        if (a->need && a->have == a->need)
            return TG_HELLO_OK;
    }
    return TG_HELLO_TRUNCATED;
}

/* The first record holds the whole message: parse it where it lies. */
static int fits_first_record(const uint8_t *frag, size_t rlen)
{
    return rlen >= HS_HEADER_LEN && HS_HEADER_LEN + get_u24(frag + 1) <= rlen;
}

int tg_hello_parse_records(const uint8_t *data, size_t len, uint8_t *scratch,
                           size_t scratch_len, tg_hello_t *h)
{
    asm_t a = { scratch, scratch ? scratch_len : 0, 0, 0 };
    size_t off = 0, rlen;
    uint16_t version = 0;
    int rc = TG_HELLO_TRUNCATED;

    if (!h)
        return TG_HELLO_INVALID_ARG;
    memset(h, 0, sizeof *h);
    if (!data && len)
        return TG_HELLO_INVALID_ARG;
    if (len > 0 && data[0] != HANDSHAKE_RECORD)
        return TG_HELLO_NOT_HANDSHAKE; /* say so even before 5 bytes arrive */
    while (rc == TG_HELLO_TRUNCATED && len - off >= RECORD_HEADER_LEN) {
        rc = check_record(data + off, off == 0);
        if (rc != TG_HELLO_OK)
            break;
        rlen = (size_t)data[off + 3] << 8 | data[off + 4];
        if (off == 0) {
            version = (uint16_t)(data[1] << 8 | data[2]);
            if (len > RECORD_HEADER_LEN && data[RECORD_HEADER_LEN] != CLIENT_HELLO) {
                rc = TG_HELLO_NOT_CLIENT_HELLO;
                break;
            }
        }
        if (len - off - RECORD_HEADER_LEN < rlen) {
            rc = TG_HELLO_TRUNCATED;
            break;
        }
        if (off == 0 && fits_first_record(data + RECORD_HEADER_LEN, rlen)) {
            rc = tg_hello_parse(data + RECORD_HEADER_LEN, rlen, h);
            h->record_version = version;
            return rc;
        }
        rc = asm_add(&a, data + off + RECORD_HEADER_LEN, rlen);
        off += RECORD_HEADER_LEN + rlen;
    }
    if (rc == TG_HELLO_OK)
        rc = tg_hello_parse(a.buf, a.have, h);
    h->record_version = version;
    return rc;
}

/* --- helpers ----------------------------------------------------------- */

static const char *const err_names[TG_HELLO_ERR_COUNT] = {
    [TG_HELLO_OK] = "ok",
    [TG_HELLO_TRUNCATED] = "truncated",
    [TG_HELLO_NOT_HANDSHAKE] = "not_handshake",
    [TG_HELLO_NOT_CLIENT_HELLO] = "not_client_hello",
    [TG_HELLO_BAD_RECORD] = "bad_record",
    [TG_HELLO_BAD_LENGTH] = "bad_length",
    [TG_HELLO_ODD_LIST] = "odd_list",
    [TG_HELLO_BAD_EXTENSION] = "bad_extension",
    [TG_HELLO_DUPLICATE_EXTENSION] = "duplicate_extension",
    [TG_HELLO_TOO_LARGE] = "too_large",
    [TG_HELLO_INVALID_ARG] = "invalid_argument",
};

const char *tg_hello_err_name(int err)
{
    if (err < 0 || err >= TG_HELLO_ERR_COUNT)
        return "unknown";
    return err_names[err];
}

void tg_hello_ext_first(const tg_hello_t *h, tg_ext_iter_t *it)
{
    it->block = h->extensions;
    it->off = 0;
}

int tg_hello_ext_next(tg_ext_iter_t *it, uint16_t *type, tg_view_t *body)
{
    rd_t r = { it->block.p, it->block.len, it->off };

    if (!rd_u16(&r, type) || !rd_vec(&r, 2, body))
        return 0;
    it->off = r.off;
    return 1;
}

void tg_hello_types_first(const tg_hello_t *h, tg_ext_types_t *t)
{
    t->h = h;
    t->i = 0;
    tg_hello_ext_first(h, &t->it);
}

int tg_hello_types_next(tg_ext_types_t *t, uint16_t *type)
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

int tg_hello_find_ext(const tg_hello_t *h, uint16_t type, tg_view_t *body)
{
    tg_ext_iter_t it;
    uint16_t t;

    tg_hello_ext_first(h, &it);
    while (tg_hello_ext_next(&it, &t, body))
        if (t == type)
            return 1;
    return 0;
}
