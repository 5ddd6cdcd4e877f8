/*
 * tg_hello: every field, records and reassembly, truncation at every byte,
 * zero-length lists, duplicates, size limits, non-hello input, GREASE.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hello_builder.h"
#include "tg_hello.h"

/* Parses a TLS 1.2 hello with one cipher and just this extension. */
static int parse_with_ext(tg_hello_t *h, uint16_t type, const void *body, size_t len)
{
    static const uint16_t c[] = { 0x1301 };
    hb_t *m = hb_begin(0x0303, c, 1, 0);

    hb_ext(m, type, body, len);
    return tg_hello_parse(m->b, hb_end(m), h);
}

/* --- the reference hello used by most tests ---------------------------- */

static const uint16_t full_ciphers[] = { 0x5a5a, 0x1301, 0x1302, 0xc02b, 0x00ff };
static const uint16_t full_groups[] = { 0x3a3a, 0x001d, 0x0017 };
static const uint16_t full_sigalgs[] = { 0x0403, 0x0804, 0x0401 };
static const uint16_t full_versions[] = { 0x2a2a, 0x0304, 0x0303 };
static const uint8_t sni_body[] = { 0, 14, 0, 0, 11, 'e', 'x', 'a', 'm', 'p', 'l',
                                    'e', '.', 'c', 'o', 'm' };
static const uint8_t alpn_body[] = { 0, 12, 2, 'h', '2', 8, 'h', 't', 't', 'p', '/',
                                     '1', '.', '1' };
static const uint8_t psk_body[] = { 1, 1 };
static const uint8_t pf_body[] = { 1, 0 };
static const uint8_t reneg_body[] = { 0 };

static uint8_t key_share_body[2 + 5 + 36];

static const uint16_t full_ext_order[] = { 0x0a0a, 0x0000, 0x0017, 0xff01, 0x000a, 0x000b,
                                           0x0010, 0x000d, 0x002b, 0x0033, 0x002d };

/* GREASE share of one byte, then x25519 with 32 bytes. */
static void make_key_share(void)
{
    uint8_t *p = key_share_body;

    set16(p, sizeof key_share_body - 2);
    set16(p + 2, 0x3a3a);
    set16(p + 4, 1);
    p[6] = 0;
    set16(p + 7, 0x001d);
    set16(p + 9, 32);
    memset(p + 11, 0x33, 32);
}

static size_t build_full(hb_t **out)
{
    hb_t *m = hb_begin(0x0303, full_ciphers, 5, 32);

    make_key_share();
    hb_ext(m, 0x0a0a, "", 0);
    hb_ext(m, 0x0000, sni_body, sizeof sni_body);
    hb_ext(m, 0x0017, "", 0);
    hb_ext(m, 0xff01, reneg_body, sizeof reneg_body);
    hb_ext_u16(m, 0x000a, 2, full_groups, 3);
    hb_ext(m, 0x000b, pf_body, sizeof pf_body);
    hb_ext(m, 0x0010, alpn_body, sizeof alpn_body);
    hb_ext_u16(m, 0x000d, 2, full_sigalgs, 3);
    hb_ext_u16(m, 0x002b, 1, full_versions, 3);
    hb_ext(m, 0x0033, key_share_body, sizeof key_share_body);
    hb_ext(m, 0x002d, psk_body, sizeof psk_body);
    *out = m;
    return hb_end(m);
}

static int view_is(tg_view_t v, const void *p, size_t n)
{
    return v.len == n && (n == 0 || memcmp(v.p, p, n) == 0);
}

/* --- fields ------------------------------------------------------------ */

static void test_every_field(void **state)
{
    hb_t *m;
    size_t len = build_full(&m), i;
    uint8_t *msg = dup_exact(m->b, len);
    tg_hello_t h;

    (void)state;
    assert_int_equal(tg_hello_parse(msg, len, &h), TG_HELLO_OK);
    assert_int_equal(h.msg_len, len);
    assert_int_equal(h.record_version, 0);
    assert_int_equal(h.legacy_version, 0x0303);
    assert_ptr_equal(h.random.p, msg + 6);
    assert_int_equal(h.random.len, 32);
    assert_ptr_equal(h.session_id.p, msg + 39);
    assert_int_equal(h.session_id.len, 32);
    assert_int_equal(tg_u16_count(h.ciphers), 5);
    for (i = 0; i < 5; i++)
        assert_int_equal(tg_u16_at(h.ciphers, i), full_ciphers[i]);
    assert_int_equal(h.compression.len, 1);
    assert_int_equal(h.compression.p[0], 0);
    assert_true(h.has_extensions);
    assert_ptr_equal(h.extensions.p + h.extensions.len, msg + len);
    assert_int_equal(h.ext_total, 11);
    assert_int_equal(h.ext_n, 11);
    assert_false(h.ext_overflow);
    for (i = 0; i < 11; i++)
        assert_int_equal(h.ext_types[i], full_ext_order[i]);
    assert_int_equal(h.seen, 0xff); /* all eight located extensions */
    assert_true(h.has_sni);
    assert_true(view_is(h.sni, "example.com", 11));
    assert_int_equal(tg_u16_count(h.versions), 3);
    assert_int_equal(tg_u16_at(h.versions, 1), 0x0304);
    assert_int_equal(tg_u16_count(h.groups), 3);
    assert_int_equal(tg_u16_at(h.groups, 0), 0x3a3a);
    assert_int_equal(tg_u16_at(h.groups, 2), 0x0017);
    assert_int_equal(tg_u16_count(h.sigalgs), 3);
    assert_int_equal(tg_u16_at(h.sigalgs, 1), 0x0804);
    assert_true(view_is(h.alpn, alpn_body + 2, sizeof alpn_body - 2));
    assert_true(view_is(h.alpn_first, "h2", 2));
    assert_true(view_is(h.key_share, key_share_body + 2, sizeof key_share_body - 2));
    assert_int_equal(h.key_share_n, 2);
    assert_int_equal(h.key_share_groups[0], 0x3a3a);
    assert_int_equal(h.key_share_groups[1], 0x001d);
    assert_false(h.key_share_overflow);
    assert_true(view_is(h.psk_modes, "\x01", 1));
    assert_true(view_is(h.ec_point_formats, "\x00", 1));
    free(msg);
}

static void test_iterator_and_find(void **state)
{
    hb_t *m;
    size_t len = build_full(&m), i = 0;
    tg_hello_t h;
    tg_ext_iter_t it;
    tg_view_t body;
    uint16_t type;

    (void)state;
    assert_int_equal(tg_hello_parse(m->b, len, &h), TG_HELLO_OK);
    tg_hello_ext_first(&h, &it);
    while (tg_hello_ext_next(&it, &type, &body)) {
        assert_true(i < 11);
        assert_int_equal(type, full_ext_order[i++]);
    }
    assert_int_equal(i, 11);
    assert_true(tg_hello_find_ext(&h, 0xff01, &body));
    assert_true(view_is(body, reneg_body, 1));
    assert_true(tg_hello_find_ext(&h, 0x0017, &body));
    assert_int_equal(body.len, 0);
    assert_false(tg_hello_find_ext(&h, 0x0015, &body));
}

static void test_no_extensions_and_empty_block(void **state)
{
    static const uint16_t c[] = { 0x002f };
    tg_hello_t h;
    hb_t *m = hb_begin(0x0301, c, 1, 0);
    size_t len = hb_end(m);

    (void)state;
    assert_int_equal(tg_hello_parse(m->b, len, &h), TG_HELLO_OK);
    assert_false(h.has_extensions);
    assert_int_equal(h.ext_total, 0);
    assert_int_equal(h.session_id.len, 0);
    assert_int_equal(h.seen, 0);
    assert_false(h.has_sni);

    m = hb_begin(0x0303, c, 1, 0);
    put16(m, 0); /* present but empty block */
    len = hb_end(m);
    assert_int_equal(tg_hello_parse(m->b, len, &h), TG_HELLO_OK);
    assert_true(h.has_extensions);
    assert_int_equal(h.extensions.len, 0);
    assert_int_equal(h.ext_total, 0);
}

static void test_zero_length_lists(void **state)
{
    static const uint8_t empty16[] = { 0, 0 };
    static const uint8_t empty8[] = { 0 };
    static const uint8_t alpn_empty_name[] = { 0, 3, 0, 1, 'x' };
    tg_hello_t h;
    hb_t *m = hb_begin(0x0303, NULL, 0, 0);
    size_t len;

    (void)state;
    m->len -= 2; /* replace the compression methods by an empty list */
    put8(m, 0);
    hb_ext(m, 0x000a, empty16, 2);
    hb_ext(m, 0x000d, empty16, 2);
    hb_ext(m, 0x0033, empty16, 2);
    hb_ext(m, 0x002b, empty8, 1);
    hb_ext(m, 0x002d, empty8, 1);
    hb_ext(m, 0x000b, empty8, 1);
    hb_ext(m, 0x0010, alpn_empty_name, sizeof alpn_empty_name);
    len = hb_end(m);
    assert_int_equal(tg_hello_parse(m->b, len, &h), TG_HELLO_OK);
    assert_int_equal(h.ciphers.len, 0);
    assert_int_equal(h.compression.len, 0);
    assert_int_equal(h.groups.len, 0);
    assert_int_equal(h.sigalgs.len, 0);
    assert_int_equal(h.key_share_n, 0);
    assert_int_equal(h.versions.len, 0);
    assert_int_equal(h.psk_modes.len, 0);
    assert_int_equal(h.ec_point_formats.len, 0);
    assert_non_null(h.alpn_first.p); /* present, and empty */
    assert_int_equal(h.alpn_first.len, 0);
    assert_int_equal(h.seen, TG_HELLO_SEEN_SUPPORTED_GROUPS | TG_HELLO_SEEN_SIGNATURE_ALGORITHMS |
                                 TG_HELLO_SEEN_KEY_SHARE | TG_HELLO_SEEN_SUPPORTED_VERSIONS |
                                 TG_HELLO_SEEN_PSK_KEY_EXCHANGE_MODES |
                                 TG_HELLO_SEEN_EC_POINT_FORMATS | TG_HELLO_SEEN_ALPN);

    m = hb_begin(0x0303, NULL, 0, 0);
    hb_ext(m, 0x0010, empty16, 2); /* ALPN with an empty list */
    len = hb_end(m);
    assert_int_equal(tg_hello_parse(m->b, len, &h), TG_HELLO_OK);
    assert_true(h.seen & TG_HELLO_SEEN_ALPN);
    assert_null(h.alpn_first.p);
}

static void test_sni_entries(void **state)
{
    /* an unknown name type first, then two host names: the first one wins */
    static const uint8_t two[] = { 0, 12, 7, 0, 1, 'z', 0, 0, 1, 'a', 0, 0, 1, 'b' };
    static const uint8_t empty_list[] = { 0, 0 };
    static const uint8_t bad_len[] = { 0, 4, 0, 0, 5, 'a', 'b' };
    tg_hello_t h;

    (void)state;
    assert_int_equal(parse_with_ext(&h, 0x0000, two, sizeof two), TG_HELLO_OK);
    assert_true(h.has_sni);
    assert_true(view_is(h.sni, "a", 1));
    assert_int_equal(parse_with_ext(&h, 0x0000, empty_list, 2), TG_HELLO_BAD_EXTENSION);
    assert_false(h.has_sni);
    assert_false(h.seen & TG_HELLO_SEEN_SERVER_NAME);
    assert_int_equal(parse_with_ext(&h, 0x0000, bad_len, sizeof bad_len),
                     TG_HELLO_BAD_EXTENSION);
}

/* --- malformed input --------------------------------------------------- */

static void test_truncated_every_offset(void **state)
{
    hb_t *m;
    size_t len = build_full(&m), cut;
    tg_hello_t h;
    uint8_t *p;

    (void)state;
    for (cut = 0; cut < len; cut++) {
        p = dup_exact(m->b, cut);
        assert_int_equal(tg_hello_parse(p, cut, &h), TG_HELLO_TRUNCATED);
        free(p);
    }
}

/* Cut anywhere but with the handshake length fixed: a length mismatch, except
 * right after the compression methods, where a hello may legally end. */
static void test_cut_with_fixed_header(void **state)
{
    hb_t *m;
    size_t len = build_full(&m), cut, no_ext_end = m->ext_at;
    tg_hello_t h;
    uint8_t *p;
    int rc;

    (void)state;
    for (cut = 4; cut < len; cut++) {
        p = dup_exact(m->b, cut);
        set24(p + 1, cut - 4);
        rc = tg_hello_parse(p, cut, &h);
        if (cut == no_ext_end) {
            assert_int_equal(rc, TG_HELLO_OK);
        } else {
            assert_int_equal(rc, TG_HELLO_BAD_LENGTH);
            assert_true(h.err_offset <= cut);
        }
        free(p);
    }
}

/* Cut inside the extension block with both outer lengths fixed: fine at an
 * extension boundary, a length error anywhere else. */
static void test_cut_extension_block(void **state)
{
    hb_t *m;
    size_t len = build_full(&m), cut, start = m->ext_at + 2;
    size_t boundary = start, prev = start, n = 0;
    tg_ext_iter_t it;
    tg_hello_t h, full;
    tg_view_t body;
    uint16_t type;
    uint8_t *p;
    int rc;

    (void)state;
    assert_int_equal(tg_hello_parse(m->b, len, &full), TG_HELLO_OK);
    tg_hello_ext_first(&full, &it);
    for (cut = start; cut < len; cut++) {
        p = dup_exact(m->b, cut);
        set16(p + m->ext_at, cut - start);
        set24(p + 1, cut - 4);
        rc = tg_hello_parse(p, cut, &h);
        if (cut == boundary) {
            assert_int_equal(rc, TG_HELLO_OK);
            assert_int_equal(h.ext_total, n);
            prev = boundary;
            assert_true(tg_hello_ext_next(&it, &type, &body));
            boundary = start + it.off;
            n++;
        } else {
            assert_int_equal(rc, TG_HELLO_BAD_LENGTH);
            assert_int_equal(h.ext_total, n - 1);
            assert_int_equal(h.extensions.len, prev - start);
            assert_int_equal(h.err_offset, prev);
        }
        free(p);
    }
    assert_int_equal(n, 11);
    assert_int_equal(boundary, len);
}

/* Shorten each located extension's body by any amount, every outer length
 * fixed: the body no longer holds its own vector. */
static void test_cut_known_extension_bodies(void **state)
{
    static const struct {
        uint16_t type;
        const uint8_t *body;
        size_t len;
    } known[] = {
        { 0x0000, sni_body, sizeof sni_body },   { 0x0010, alpn_body, sizeof alpn_body },
        { 0x002d, psk_body, sizeof psk_body },   { 0x000b, pf_body, sizeof pf_body },
        { 0x0033, key_share_body, sizeof key_share_body },
    };
    static const uint16_t c[] = { 0x1301 };
    size_t k, cut, len;
    tg_hello_t h;
    hb_t *m;

    (void)state;
    make_key_share();
    for (k = 0; k < sizeof known / sizeof known[0]; k++) {
        for (cut = 0; cut < known[k].len; cut++) {
            m = hb_begin(0x0303, c, 1, 0);
            hb_ext(m, 0x0017, "", 0);
            hb_ext(m, known[k].type, known[k].body, cut);
            len = hb_end(m);
            assert_int_equal(tg_hello_parse(m->b, len, &h), TG_HELLO_BAD_EXTENSION);
            assert_int_equal(h.ext_total, 1);
            assert_int_equal(h.extensions.len, 4);
            assert_int_equal(h.err_offset, m->ext_at + 2 + 4);
            assert_int_equal(h.seen, 0);
        }
    }
}

static void test_bad_lengths_and_odd_lists(void **state)
{
    static const uint16_t c[] = { 0x1301 };
    static const uint8_t odd2[] = { 0, 3, 0, 0x1d, 0 };
    static const uint8_t odd1[] = { 3, 3, 4, 3 };
    static const uint16_t odd_types[] = { 0x000a, 0x000d };
    tg_hello_t h;
    hb_t *m;
    size_t len, i;

    (void)state;
    m = hb_begin(0x0303, c, 1, 33); /* session id longer than 32 */
    len = hb_end(m);
    assert_int_equal(tg_hello_parse(m->b, len, &h), TG_HELLO_BAD_LENGTH);
    assert_int_equal(h.err_offset, 4 + 2 + 32 + 1 + 33);

    m = hb_begin(0x0303, c, 1, 0);
    m->b[4 + 2 + 32 + 1 + 1] = 3; /* odd cipher list length, bytes reshuffled */
    len = hb_end(m);
    assert_int_equal(tg_hello_parse(m->b, len, &h), TG_HELLO_ODD_LIST);

    for (i = 0; i < 2; i++)
        assert_int_equal(parse_with_ext(&h, odd_types[i], odd2, sizeof odd2), TG_HELLO_ODD_LIST);
    assert_int_equal(parse_with_ext(&h, 0x002b, odd1, sizeof odd1), TG_HELLO_ODD_LIST);

    m = hb_begin(0x0303, c, 1, 0);
    hb_ext(m, 0x0017, "", 0);
    put8(m, 0); /* a byte after the extension block */
    len = hb_end(m);
    set16(m->b + m->ext_at, 4);
    assert_int_equal(tg_hello_parse(m->b, len, &h), TG_HELLO_BAD_LENGTH);
    assert_false(h.has_extensions);

    m = hb_begin(0x0303, c, 1, 0);
    put8(m, 0); /* one stray byte where the block length would be */
    len = hb_end(m);
    assert_int_equal(tg_hello_parse(m->b, len, &h), TG_HELLO_BAD_LENGTH);
}

static void test_duplicate_extensions(void **state)
{
    static const uint16_t c[] = { 0x1301 };
    tg_hello_t h;
    hb_t *m;
    size_t len, i;

    (void)state;
    m = hb_begin(0x0303, c, 1, 0);
    hb_ext(m, 0x0000, sni_body, sizeof sni_body);
    hb_ext(m, 0x0017, "", 0);
    hb_ext(m, 0x0000, sni_body, sizeof sni_body);
    len = hb_end(m);
    assert_int_equal(tg_hello_parse(m->b, len, &h), TG_HELLO_DUPLICATE_EXTENSION);
    assert_int_equal(h.ext_total, 2); /* what came before is still reported */
    assert_true(h.has_sni);
    assert_true(view_is(h.sni, "example.com", 11));
    assert_int_equal(h.extensions.len, 4 + sizeof sni_body + 4);

    /* unknown types too, and past the stored 64 (the bitmap path) */
    m = hb_begin(0x0303, c, 1, 0);
    for (i = 0; i < 70; i++)
        hb_ext(m, (uint16_t)(0x1000 + i), "", 0);
    hb_ext(m, 0x1003, "", 0);
    len = hb_end(m);
    assert_int_equal(tg_hello_parse(m->b, len, &h), TG_HELLO_DUPLICATE_EXTENSION);
    assert_int_equal(h.ext_total, 70);
    assert_true(h.ext_overflow);

    m = hb_begin(0x0303, c, 1, 0);
    for (i = 0; i < 70; i++)
        hb_ext(m, (uint16_t)(0x1000 + i), "", 0);
    hb_ext(m, 0x1045, "", 0); /* a duplicate of the 70th, itself past 64 */
    len = hb_end(m);
    assert_int_equal(tg_hello_parse(m->b, len, &h), TG_HELLO_DUPLICATE_EXTENSION);
}

static void test_many_extensions(void **state)
{
    static const uint16_t c[] = { 0x1301 };
    tg_view_t body;
    tg_hello_t h;
    hb_t *m = hb_begin(0x0303, c, 1, 0);
    size_t len, i;

    (void)state;
    for (i = 0; i < 100; i++)
        hb_ext(m, (uint16_t)(0x2000 + 7 * i), "", 0);
    hb_ext(m, 0x0000, sni_body, sizeof sni_body); /* located even past 64 */
    len = hb_end(m);
    assert_int_equal(tg_hello_parse(m->b, len, &h), TG_HELLO_OK);
    assert_int_equal(h.ext_total, 101);
    assert_int_equal(h.ext_n, TG_HELLO_MAX_EXT);
    assert_true(h.ext_overflow);
    for (i = 0; i < TG_HELLO_MAX_EXT; i++)
        assert_int_equal(h.ext_types[i], 0x2000 + 7 * i);
    assert_true(h.has_sni);
    assert_true(tg_hello_find_ext(&h, 0x2000 + 7 * 90, &body));
}

static void test_many_key_shares(void **state)
{
    static const uint16_t c[] = { 0x1301 };
    uint8_t body[2 + 20 * 5];
    tg_hello_t h;
    hb_t *m = hb_begin(0x0303, c, 1, 0);
    size_t len, i;

    (void)state;
    set16(body, sizeof body - 2);
    for (i = 0; i < 20; i++) {
        set16(body + 2 + 5 * i, 0x0100 + i);
        set16(body + 4 + 5 * i, 1);
        body[6 + 5 * i] = 0;
    }
    hb_ext(m, 0x0033, body, sizeof body);
    len = hb_end(m);
    assert_int_equal(tg_hello_parse(m->b, len, &h), TG_HELLO_OK);
    assert_int_equal(h.key_share_n, TG_HELLO_MAX_KEY_SHARES);
    assert_true(h.key_share_overflow);
    assert_int_equal(h.key_share_groups[15], 0x010f);
}

static void test_not_a_client_hello(void **state)
{
    static const uint8_t server_hello[] = { 2, 0, 0, 0 };
    static const uint8_t three[] = { 1, 0, 0 };
    static const uint8_t body_short[] = { 1, 0, 0, 2, 3, 3 };
    static const uint8_t zero_body[] = { 1, 0, 0, 0 };
    tg_hello_t h;

    (void)state;
    assert_int_equal(tg_hello_parse(server_hello, 4, &h), TG_HELLO_NOT_CLIENT_HELLO);
    assert_int_equal(tg_hello_parse(three, 0, &h), TG_HELLO_TRUNCATED);
    assert_int_equal(tg_hello_parse(three, 3, &h), TG_HELLO_TRUNCATED);
    assert_int_equal(tg_hello_parse(body_short, 6, &h), TG_HELLO_BAD_LENGTH);
    assert_int_equal(tg_hello_parse(zero_body, 4, &h), TG_HELLO_BAD_LENGTH);
    assert_int_equal(tg_hello_parse(NULL, 4, &h), TG_HELLO_INVALID_ARG);
    assert_int_equal(tg_hello_parse(three, 3, NULL), TG_HELLO_INVALID_ARG);
    assert_int_equal(tg_hello_parse((const uint8_t *)"GET / HTTP/1.1\r\n", 16, &h),
                     TG_HELLO_NOT_CLIENT_HELLO);
}

static void test_trailing_bytes_ignored(void **state)
{
    hb_t *m;
    size_t len = build_full(&m);
    tg_hello_t h;

    (void)state;
    put16(m, 0x1603); /* whatever follows the message is not looked at */
    assert_int_equal(tg_hello_parse(m->b, len + 2, &h), TG_HELLO_OK);
    assert_int_equal(h.msg_len, len);
}

static void test_grease(void **state)
{
    unsigned v, n = 0;

    (void)state;
    for (v = 0; v <= 0xffff; v++)
        n += (unsigned)tg_is_grease((uint16_t)v);
    assert_int_equal(n, 16);
    for (v = 0x0a0a; v <= 0xfafa; v += 0x1010)
        assert_true(tg_is_grease((uint16_t)v));
    assert_false(tg_is_grease(0x0a1a));
    assert_false(tg_is_grease(0x1a0a));
    assert_false(tg_is_grease(0x0b0b));
    assert_false(tg_is_grease(0x0000));
}

static void test_err_names(void **state)
{
    int i, j;

    (void)state;
    for (i = 0; i < TG_HELLO_ERR_COUNT; i++) {
        assert_string_not_equal(tg_hello_err_name(i), "unknown");
        for (j = 0; j < i; j++)
            assert_string_not_equal(tg_hello_err_name(i), tg_hello_err_name(j));
    }
    assert_string_equal(tg_hello_err_name(TG_HELLO_TRUNCATED), "truncated");
    assert_string_equal(tg_hello_err_name(-1), "unknown");
    assert_string_equal(tg_hello_err_name(TG_HELLO_ERR_COUNT), "unknown");
}

/* --- records ----------------------------------------------------------- */

static size_t wrap(const uint8_t *msg, size_t len, size_t split, uint8_t *out)
{
    size_t off = 0, w = 0, n;

    do {
        n = len - off < split ? len - off : split;
        out[w++] = 22;
        out[w++] = 3;
        out[w++] = off ? 3 : 1;
        set16(out + w, n);
        w += 2;
        memcpy(out + w, msg + off, n);
        w += n;
        off += n;
    } while (off < len);
    return w;
}

static uint8_t rec_buf[HB_CAP + 5 * 20000];
static uint8_t scratch[HB_CAP];

static void test_records_in_place(void **state)
{
    hb_t *m;
    size_t len = build_full(&m), rlen = wrap(m->b, len, 16384, rec_buf);
    uint8_t *p = dup_exact(rec_buf, rlen);
    tg_hello_t h;

    (void)state;
    assert_int_equal(tg_hello_parse_records(p, rlen, NULL, 0, &h), TG_HELLO_OK);
    assert_ptr_equal(h.random.p, p + 5 + 6); /* zero-copy: a view into data */
    assert_int_equal(h.record_version, 0x0301);
    assert_true(view_is(h.sni, "example.com", 11));
    free(p);
}

static void test_records_every_split(void **state)
{
    static const size_t splits[] = { 1, 2, 3, 4, 5, 7, 64, 100, 131 };
    hb_t *m;
    size_t len = build_full(&m), rlen, i;
    tg_hello_t h, want;
    uint8_t *p;

    (void)state;
    assert_int_equal(tg_hello_parse(m->b, len, &want), TG_HELLO_OK);
    for (i = 0; i < sizeof splits / sizeof splits[0]; i++) {
        rlen = wrap(m->b, len, splits[i], rec_buf);
        p = dup_exact(rec_buf, rlen);
        assert_int_equal(tg_hello_parse_records(p, rlen, scratch, sizeof scratch, &h),
                         TG_HELLO_OK);
        assert_ptr_equal(h.random.p, scratch + 6);
        assert_int_equal(h.msg_len, len);
        assert_memory_equal(scratch, m->b, len);
        assert_int_equal(h.ext_total, want.ext_total);
        assert_int_equal(h.seen, want.seen);
        assert_true(view_is(h.sni, "example.com", 11));
        assert_int_equal(tg_hello_parse_records(p, rlen, scratch, len - 1, &h),
                         TG_HELLO_TOO_LARGE);
        assert_int_equal(tg_hello_parse_records(p, rlen, NULL, 0, &h), TG_HELLO_TOO_LARGE);
        free(p);
    }
}

static void test_records_truncated_every_offset(void **state)
{
    hb_t *m;
    size_t len = build_full(&m), rlen = wrap(m->b, len, 50, rec_buf), cut;
    tg_hello_t h;
    uint8_t *p;

    (void)state;
    for (cut = 0; cut <= rlen; cut++) {
        p = dup_exact(rec_buf, cut);
        assert_int_equal(tg_hello_parse_records(p, cut, scratch, sizeof scratch, &h),
                         cut == rlen ? TG_HELLO_OK : TG_HELLO_TRUNCATED);
        free(p);
    }
}

static void test_records_rejects(void **state)
{
    static const uint8_t http[] = "GET / HTTP/1.1\r\n";
    static const uint8_t zero_len[] = { 22, 3, 1, 0, 0 };
    static const uint8_t too_long[] = { 22, 3, 1, 0x40, 0x01 };
    static const uint8_t sslv2_ver[] = { 22, 2, 0, 0, 4, 1, 0, 0, 0 };
    static const uint8_t server_hello[] = { 22, 3, 3, 0, 40, 2 };
    hb_t *m;
    size_t len = build_full(&m), rlen;
    tg_hello_t h;

    (void)state;
    assert_int_equal(tg_hello_parse_records(http, sizeof http - 1, scratch, sizeof scratch, &h),
                     TG_HELLO_NOT_HANDSHAKE);
    assert_int_equal(tg_hello_parse_records(http, 1, scratch, sizeof scratch, &h),
                     TG_HELLO_NOT_HANDSHAKE);
    assert_int_equal(tg_hello_parse_records(http, 0, scratch, sizeof scratch, &h),
                     TG_HELLO_TRUNCATED);
    assert_int_equal(tg_hello_parse_records(zero_len, 5, scratch, sizeof scratch, &h),
                     TG_HELLO_BAD_RECORD);
    assert_int_equal(tg_hello_parse_records(too_long, 5, scratch, sizeof scratch, &h),
                     TG_HELLO_BAD_RECORD);
    assert_int_equal(tg_hello_parse_records(sslv2_ver, 9, scratch, sizeof scratch, &h),
                     TG_HELLO_BAD_RECORD);
    assert_int_equal(tg_hello_parse_records(server_hello, 6, scratch, sizeof scratch, &h),
                     TG_HELLO_NOT_CLIENT_HELLO);
    assert_int_equal(tg_hello_parse_records(NULL, 5, scratch, sizeof scratch, &h),
                     TG_HELLO_INVALID_ARG);
    assert_int_equal(tg_hello_parse_records(http, 5, scratch, sizeof scratch, NULL),
                     TG_HELLO_INVALID_ARG);

    /* an alert record in the middle of the hello's records */
    rlen = wrap(m->b, len, 60, rec_buf);
    rec_buf[65] = 21;
    assert_int_equal(tg_hello_parse_records(rec_buf, rlen, scratch, sizeof scratch, &h),
                     TG_HELLO_BAD_RECORD);
}

/* The largest single-record hello, then hellos needing several records. */
static void test_maximum_sizes(void **state)
{
    static uint16_t many[30000];
    static uint8_t pad[65535 - 4];
    hb_t *m;
    size_t len, rlen, i;
    tg_hello_t h;

    (void)state;
    for (i = 0; i < 30000; i++)
        many[i] = (uint16_t)(0x0100 + i);
    m = hb_begin(0x0303, many, 2, 0);
    hb_ext(m, 0x0015, pad, TG_HELLO_MAX_RECORD - m->len - 2 - 4);
    len = hb_end(m);
    assert_int_equal(len, TG_HELLO_MAX_RECORD);
    rlen = wrap(m->b, len, TG_HELLO_MAX_RECORD, rec_buf);
    assert_int_equal(tg_hello_parse_records(rec_buf, rlen, NULL, 0, &h), TG_HELLO_OK);
    assert_int_equal(h.msg_len, TG_HELLO_MAX_RECORD);

    hb_ext(m, 0x0016, "", 0); /* one extension more: 16388 bytes, two records */
    len = hb_end(m);
    rlen = wrap(m->b, len, TG_HELLO_MAX_RECORD, rec_buf);
    assert_int_equal(tg_hello_parse_records(rec_buf, rlen, NULL, 0, &h), TG_HELLO_TOO_LARGE);
    assert_int_equal(tg_hello_parse_records(rec_buf, rlen, scratch, sizeof scratch, &h),
                     TG_HELLO_OK);
    assert_int_equal(h.ext_total, 2);

    /* every list at its maximum: ~125 KB over 8 records */
    m = hb_begin(0x0303, many, 30000, 32);
    hb_ext(m, 0x0015, pad, sizeof pad);
    len = hb_end(m);
    assert_true(len > 120000);
    rlen = wrap(m->b, len, TG_HELLO_MAX_RECORD, rec_buf);
    assert_int_equal(tg_hello_parse_records(rec_buf, rlen, scratch, sizeof scratch, &h),
                     TG_HELLO_OK);
    assert_int_equal(tg_u16_count(h.ciphers), 30000);
    assert_int_equal(tg_u16_at(h.ciphers, 29999), 0x0100 + 29999);
    assert_int_equal(h.extensions.len, sizeof pad + 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_field),
        cmocka_unit_test(test_iterator_and_find),
        cmocka_unit_test(test_no_extensions_and_empty_block),
        cmocka_unit_test(test_zero_length_lists),
        cmocka_unit_test(test_sni_entries),
        cmocka_unit_test(test_truncated_every_offset),
        cmocka_unit_test(test_cut_with_fixed_header),
        cmocka_unit_test(test_cut_extension_block),
        cmocka_unit_test(test_cut_known_extension_bodies),
        cmocka_unit_test(test_bad_lengths_and_odd_lists),
        cmocka_unit_test(test_duplicate_extensions),
        cmocka_unit_test(test_many_extensions),
        cmocka_unit_test(test_many_key_shares),
        cmocka_unit_test(test_not_a_client_hello),
        cmocka_unit_test(test_trailing_bytes_ignored),
        cmocka_unit_test(test_grease),
        cmocka_unit_test(test_err_names),
        cmocka_unit_test(test_records_in_place),
        cmocka_unit_test(test_records_every_split),
        cmocka_unit_test(test_records_truncated_every_offset),
        cmocka_unit_test(test_records_rejects),
        cmocka_unit_test(test_maximum_sizes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
