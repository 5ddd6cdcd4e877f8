/*
 * Unit tests for tg_fp_memo: every answer equals tg_fingerprint()'s for the
 * same hello; a hello that differs only in its random or session id is
 * answered from memory (no digest runs), any other difference is not; the
 * digests are part of the key; small work buffers and cut hellos go the
 * usual way.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hello_builder.h"
#include "hex_file.h"
#include "tg_fp_memo.h"
#include "tg_ossl_digest.h"

#define WORK 16384

static unsigned digests_run;

static void counting_md5(const void *data, size_t len, unsigned char *out)
{
    digests_run++;
    tg_ossl_md5(data, len, out);
}

static void counting_sha256(const void *data, size_t len, unsigned char *out)
{
    digests_run++;
    tg_ossl_sha256(data, len, out);
}

static void zero_md5(const void *data, size_t len, unsigned char *out)
{
    (void)data;
    (void)len;
    memset(out, 0, 16);
}

static void zero_sha256(const void *data, size_t len, unsigned char *out)
{
    (void)data;
    (void)len;
    memset(out, 0, 32);
}

/* The memo's answer for h equals tg_fingerprint()'s; returns the digests it ran. */
static unsigned check_same(const tg_hello_t *h, int err, tg_digest_fn *md5,
                           tg_digest_fn *sha256, size_t work_size)
{
    static char direct_work[WORK], memo_work[WORK];
    tg_fp_t direct, memo;
    unsigned before;
    int want, got;

    want = tg_fingerprint(h, md5, sha256, direct_work, work_size, &direct);
    before = digests_run;
    got = tg_fingerprint_memo(h, err, md5, sha256, memo_work, work_size, &memo);
    assert_int_equal(got, want);
    assert_string_equal(memo.ja3, direct.ja3);
    assert_string_equal(memo.ja4, direct.ja4);
    assert_int_equal(memo.ja3_len, direct.ja3_len);
    assert_int_equal(memo.ja4_r_len, direct.ja4_r_len);
    if (direct.ja3_string) {
        assert_ptr_equal(memo.ja3_string, memo_work); /* in work, as tg_fingerprint has it */
        assert_string_equal(memo.ja3_string, direct.ja3_string);
    }
    if (direct.ja4_r) {
        assert_ptr_equal(memo.ja4_r, memo_work + memo.ja3_len + 1);
        assert_string_equal(memo.ja4_r, direct.ja4_r);
    }
    return digests_run - before;
}

static const tg_hello_t *parse(const uint8_t *b, size_t len)
{
    static tg_hello_t h;

    assert_int_equal(tg_hello_parse(b, len, &h), TG_HELLO_OK);
    return &h;
}

/* A TLS 1.2 hello: these ciphers, SNI, groups and one more extension. */
static size_t build(uint8_t *out, const uint16_t *ciphers, size_t n, size_t sid,
                    uint16_t extra_ext)
{
    static const uint16_t groups[] = { 0x001d, 0x0017 };
    hb_t *m = hb_begin(0x0303, ciphers, n, sid);

    hb_sni(m, "memo.test", 9);
    hb_ext_u16(m, 0x000a, 2, groups, 2);
    hb_ext(m, extra_ext, "", 0);
    size_t len = hb_end(m);
    memcpy(out, m->b, len);
    return len;
}

static const uint16_t ciphers[] = { 0xc02b, 0xc02f, 0x009c, 0x002f };

static void test_random_and_session_id_are_not_part_of_the_key(void **state)
{
    static uint8_t a[4096], b[4096];
    size_t na = build(a, ciphers, 4, 0, 0x0017), nb = build(b, ciphers, 4, 32, 0x0017);
    const tg_hello_t *h;

    (void)state;
    memset(b + 6, 0x5a, 32); /* another random: 4-byte header, 2-byte version */
    h = parse(a, na);
    assert_true(check_same(h, TG_HELLO_OK, counting_md5, counting_sha256, WORK) > 0);
    assert_int_equal(check_same(h, TG_HELLO_OK, counting_md5, counting_sha256, WORK), 0);
    h = parse(b, nb);
    assert_int_equal(check_same(h, TG_HELLO_OK, counting_md5, counting_sha256, WORK), 0);
}

static void test_any_other_difference_is_fingerprinted_anew(void **state)
{
    static const uint16_t reordered[] = { 0xc02f, 0xc02b, 0x009c, 0x002f };
    static uint8_t a[4096], b[4096], c[4096];
    size_t na = build(a, ciphers, 4, 0, 0x0017), nb = build(b, reordered, 4, 0, 0x0017),
           nc = build(c, ciphers, 4, 0, 0x0016);
    static char w1[WORK], w2[WORK];
    tg_fp_t f1, f2;

    (void)state;
    check_same(parse(a, na), TG_HELLO_OK, counting_md5, counting_sha256, WORK);
    assert_true(check_same(parse(b, nb), TG_HELLO_OK, counting_md5, counting_sha256, WORK) > 0);
    assert_true(check_same(parse(c, nc), TG_HELLO_OK, counting_md5, counting_sha256, WORK) > 0);
    /* the three differ, and each still comes back right from memory or not */
    for (int round = 0; round < 3; round++) {
        check_same(parse(a, na), TG_HELLO_OK, counting_md5, counting_sha256, WORK);
        check_same(parse(b, nb), TG_HELLO_OK, counting_md5, counting_sha256, WORK);
        check_same(parse(c, nc), TG_HELLO_OK, counting_md5, counting_sha256, WORK);
    }
    assert_int_equal(tg_fingerprint_memo(parse(a, na), TG_HELLO_OK, counting_md5,
                                         counting_sha256, w1, WORK, &f1), TG_FP_OK);
    assert_int_equal(tg_fingerprint_memo(parse(b, nb), TG_HELLO_OK, counting_md5,
                                         counting_sha256, w2, WORK, &f2), TG_FP_OK);
    assert_string_not_equal(f1.ja3, f2.ja3); /* JA3 keeps the wire order */
    assert_string_equal(f1.ja4, f2.ja4);     /* JA4 sorts it away */
}

static void test_the_digests_are_part_of_the_key(void **state)
{
    static uint8_t a[4096];
    size_t na = build(a, ciphers, 4, 0, 0x0017);
    static char w1[WORK], w2[WORK];
    tg_fp_t f1, f2;

    (void)state;
    assert_int_equal(tg_fingerprint_memo(parse(a, na), TG_HELLO_OK, counting_md5,
                                         counting_sha256, w1, WORK, &f1), TG_FP_OK);
    assert_int_equal(tg_fingerprint_memo(parse(a, na), TG_HELLO_OK, zero_md5, zero_sha256, w2,
                                         WORK, &f2), TG_FP_OK);
    assert_string_equal(f2.ja3, "00000000000000000000000000000000");
    assert_string_not_equal(f1.ja3, f2.ja3);
    check_same(parse(a, na), TG_HELLO_OK, zero_md5, zero_sha256, WORK);
    check_same(parse(a, na), TG_HELLO_OK, counting_md5, counting_sha256, WORK);
}

static void test_small_work_and_cut_hellos_go_the_usual_way(void **state)
{
    static uint8_t a[4096];
    size_t na = build(a, ciphers, 4, 0, 0x0017);
    const tg_hello_t *h = parse(a, na);
    size_t need = tg_fp_work_size(h);

    (void)state;
    check_same(h, TG_HELLO_OK, counting_md5, counting_sha256, WORK); /* remembered */
    for (size_t size = 0; size < need; size += 7)
        check_same(h, TG_HELLO_OK, counting_md5, counting_sha256, size);
    assert_true(check_same(h, TG_HELLO_TRUNCATED, counting_md5, counting_sha256, WORK) > 0);
}

/* No extension block at all (an SSL 3.0-style hello): its view is empty,
 * NULL pointer included, and still a key. */
static void test_hello_without_extensions(void **state)
{
    static uint8_t a[4096];
    hb_t *m = hb_begin(0x0301, ciphers, 4, 0);
    size_t na = hb_end(m);
    const tg_hello_t *h;

    (void)state;
    memcpy(a, m->b, na);
    h = parse(a, na);
    assert_false(h->has_extensions);
    assert_true(check_same(h, TG_HELLO_OK, counting_md5, counting_sha256, WORK) > 0);
    assert_int_equal(check_same(h, TG_HELLO_OK, counting_md5, counting_sha256, WORK), 0);
}

/* Every capture: equal answers; a second call comes from memory when the
 * hello fits a slot (a post-quantum key share does not). */
static void test_captured_hellos(void **state)
{
    static const char *names[] = {
        "chromium-headless", "curl-default", "curl-tls12-http11", "gnutls-default",
        "gnutls-legacy", "openssl-all-ciphers", "openssl-odd-alpn", "openssl-tls12-alpn",
        "openssl-tls13" };
    static uint8_t data[65536], scratch[65536];
    unsigned remembered = 0;
    char path[512];
    tg_hello_t h;

    (void)state;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "tests/data/hellos/%s.hex", names[i]);
        size_t n = hex_file_read(path, data, sizeof data);
        assert_int_equal(tg_hello_parse_records(data, n, scratch, sizeof scratch, &h),
                         TG_HELLO_OK);
        check_same(&h, TG_HELLO_OK, counting_md5, counting_sha256, WORK);
        unsigned again = check_same(&h, TG_HELLO_OK, counting_md5, counting_sha256, WORK);
        int fits = 5 + h.ciphers.len + h.extensions.len <= 1024;
        assert_int_equal(again == 0, fits);
        remembered += fits;
    }
    assert_true(remembered >= 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_and_session_id_are_not_part_of_the_key),
        cmocka_unit_test(test_any_other_difference_is_fingerprinted_anew),
        cmocka_unit_test(test_the_digests_are_part_of_the_key),
        cmocka_unit_test(test_small_work_and_cut_hellos_go_the_usual_way),
        cmocka_unit_test(test_hello_without_extensions),
        cmocka_unit_test(test_captured_hellos),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
