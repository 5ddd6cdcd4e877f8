/*
 * tg_fingerprint: the JA3 README vectors, the JA4 worked example of
 * technical_details/JA4.md, the JA4 edge rules (GREASE, SCSV, ALPN, version,
 * counts over 99, empty lists), buffer limits, and the ClientHellos captured
 * here from real clients (tests/data/hellos, expected values from the
 * independent ja4_independent.py).
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
#include "tg_fingerprint.h"
#include "tg_hello.h"
#include "tg_ossl_digest.h"

#define WORK 16384
#define CAPTURES_DEFAULT "tests/data/hellos"

static char work[WORK];

/* --- hellos built with hello_builder.h -------------------------------- */

static hb_t *hb;

static void begin(uint16_t version, const uint16_t *ciphers, size_t n)
{
    hb = hb_begin(version, ciphers, n, 0);
}

static void ext(uint16_t type, const void *body, size_t len)
{
    hb_ext(hb, type, body, len);
}

static void ext_u16(uint16_t type, unsigned prefix, const uint16_t *v, size_t n)
{
    hb_ext_u16(hb, type, prefix, v, n);
}

/* One ALPN name. */
static void ext_alpn(const void *name, size_t n)
{
    uint8_t list[256];

    list[0] = (uint8_t)n;
    memcpy(list + 1, name, n);
    hb_alpn(hb, list, n + 1);
}

static void ext_sni(const char *name)
{
    hb_sni(hb, name, strlen(name));
}

static const tg_hello_t *end(void)
{
    static tg_hello_t h;

    assert_int_equal(tg_hello_parse(hb->b, hb_end(hb), &h), TG_HELLO_OK);
    return &h;
}

static const char *ja4_of(const tg_hello_t *h)
{
    static char out[TG_JA4_SIZE];

    assert_int_equal(tg_ja4(h, TG_JA4_TCP, tg_ossl_sha256, work, sizeof work, out, sizeof out),
                     TG_FP_OK);
    return out;
}

static const char *ja4_raw_of(const tg_hello_t *h)
{
    static char out[WORK];
    size_t len;

    assert_int_equal(tg_ja4_raw(h, TG_JA4_TCP, out, sizeof out, &len), TG_FP_OK);
    assert_int_equal(len, strlen(out));
    return out;
}

static const char *ja3_string_of(const tg_hello_t *h)
{
    static char out[WORK];
    size_t len;

    assert_int_equal(tg_ja3_string(h, out, sizeof out, &len), TG_FP_OK);
    assert_int_equal(len, strlen(out));
    return out;
}

/* --- JA3 --------------------------------------------------------------- */

static void test_ja3_readme_vectors(void **state)
{
    static const uint16_t c1[] = { 47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4 };
    static const uint16_t c2[] = { 4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99 };
    static const uint16_t groups[] = { 23, 24, 25 };
    static const uint8_t formats[] = { 1, 0 };
    char ja3[TG_JA3_SIZE];
    const tg_hello_t *h;

    (void)state;
    begin(769, c1, 12);
    ext_sni("example.com");
    ext_u16(10, 2, groups, 3);
    ext(11, formats, 2);
    h = end();
    assert_string_equal(ja3_string_of(h),
                        "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0");
    assert_int_equal(tg_ja3(h, tg_ossl_md5, work, sizeof work, ja3, sizeof ja3), TG_FP_OK);
    assert_string_equal(ja3, "ada70206e40642a3e4461f35503241d5");

    begin(769, c2, 11);
    h = end();
    assert_string_equal(ja3_string_of(h), "769,4-5-10-9-100-98-3-6-19-18-99,,,");
    assert_int_equal(tg_ja3(h, tg_ossl_md5, work, sizeof work, ja3, sizeof ja3), TG_FP_OK);
    assert_string_equal(ja3, "de350869b8c85de67a350c8d186f11e6");
}

static void test_ja3_grease_and_formats(void **state)
{
    static const uint16_t c[] = { 0x0a0a, 0x1301, 0xfafa, 0x00ff };
    static const uint16_t groups[] = { 0x2a2a, 0x001d };
    static const uint8_t formats[] = { 3, 0, 1, 2 };

    (void)state;
    begin(0x0303, c, 4);
    ext(0x1a1a, "", 0);
    ext_u16(0x000a, 2, groups, 2);
    ext(0x000b, formats, sizeof formats);
    ext(0xeaea, "\0", 1);
    assert_string_equal(ja3_string_of(end()), "771,4865-255,10-11,29,0-1-2");
}

/* --- JA4 worked example (technical_details/JA4.md) ---------------------- */

static const uint16_t ex_ciphers[] = { 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c,
                                       0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c,
                                       0x009d, 0x002f, 0x0035 };
static const uint16_t ex_sigalgs[] = { 0x0403, 0x0804, 0x0401, 0x0503,
                                       0x0805, 0x0501, 0x0806, 0x0601 };

/* The example's 16 extensions in its order; sigalgs as given or empty. */
static const tg_hello_t *worked_example(int with_sigalgs, int grease)
{
    static const uint16_t versions[] = { 0x0304, 0x0303 };
    static const uint16_t groups[] = { 0x001d, 0x0017 };
    static const uint16_t grease_ciphers[] = { 0x4a4a };
    static const uint8_t share[] = { 0, 5, 0, 0x1d, 0, 1, 9 };
    static const uint8_t one[] = { 1, 1 }, zero[] = { 1, 0 };
    uint16_t ciphers[16];

    memcpy(ciphers + grease, ex_ciphers, sizeof ex_ciphers);
    if (grease)
        ciphers[0] = grease_ciphers[0];
    begin(0x0303, ciphers, 15 + (size_t)grease);
    if (grease)
        ext(0x3a3a, "", 0);
    ext(0x001b, "\x02\x00\x02", 3);
    ext_sni("example.com");
    ext(0x0033, share, sizeof share);
    ext_alpn("h2", 2);
    ext(0x4469, "", 0);
    ext(0x0017, "", 0);
    ext(0x002d, one, 2);
    ext_u16(0x000d, 2, ex_sigalgs, with_sigalgs ? 8 : 0);
    ext(0x0005, "\x01\x00\x00\x00\x00", 5);
    ext(0x0023, "", 0);
    ext(0x0012, "", 0);
    ext_u16(0x002b, 1, versions, 2);
    ext(0xff01, "", 1);
    ext(0x000b, zero, 2);
    ext_u16(0x000a, 2, groups, 2);
    ext(0x0015, "\0\0\0", 3);
    if (grease)
        ext(0xbaba, "\0", 1);
    return end();
}

static void test_ja4_worked_example(void **state)
{
    const tg_hello_t *h;

    (void)state;
    h = worked_example(1, 0);
    assert_string_equal(ja4_of(h), "t13d1516h2_8daaf6152771_e5627efa2ab1");
    assert_string_equal(ja4_raw_of(h),
                        "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,"
                        "c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,"
                        "002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601");
    assert_string_equal(ja3_string_of(h),
                        "771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-"
                        "156-157-47-53,27-0-51-16-17513-23-45-13-5-35-18-43-65281-11-10-21,"
                        "29-23,0");

    /* GREASE cipher and extensions change nothing */
    h = worked_example(1, 1);
    assert_string_equal(ja4_of(h), "t13d1516h2_8daaf6152771_e5627efa2ab1");

    /* the example's "no signature algorithms" case: no underscore, 6d807ffa2a79 */
    h = worked_example(0, 0);
    assert_string_equal(ja4_of(h), "t13d1516h2_8daaf6152771_6d807ffa2a79");
    assert_null(strstr(ja4_raw_of(h) + 11, "ff01_"));
}

/* A digest that records what it was given, to check the hashed inputs. */
static char seen_input[2][WORK];
static int seen_calls;

static void fake_sha256(const void *data, size_t len, unsigned char *out)
{
    int i;

    assert_true(seen_calls < 2 && len < WORK);
    memcpy(seen_input[seen_calls], data, len);
    seen_input[seen_calls][len] = '\0';
    seen_calls++;
    for (i = 0; i < 32; i++)
        out[i] = (unsigned char)(0x10 * seen_calls + i);
}

static void test_ja4_hashes_exactly_the_raw_sections(void **state)
{
    char out[TG_JA4_SIZE];
    const tg_hello_t *h = worked_example(1, 1);

    (void)state;
    seen_calls = 0;
    assert_int_equal(tg_ja4(h, TG_JA4_TCP, fake_sha256, work, sizeof work, out, sizeof out),
                     TG_FP_OK);
    assert_int_equal(seen_calls, 2);
    assert_string_equal(seen_input[0], "002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,"
                                       "c02c,c02f,c030,cca8,cca9");
    assert_string_equal(seen_input[1], "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,"
                                       "002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,"
                                       "0806,0601");
    assert_string_equal(out, "t13d1516h2_101112131415_202122232425");

    /* empty lists are twelve zeros and no digest call at all */
    begin(0x0303, NULL, 0);
    h = end();
    seen_calls = 0;
    assert_int_equal(tg_ja4(h, TG_JA4_TCP, fake_sha256, work, sizeof work, out, sizeof out),
                     TG_FP_OK);
    assert_int_equal(seen_calls, 0);
    assert_string_equal(out, "t12i000000_000000000000_000000000000");
    assert_string_equal(ja4_raw_of(h), "t12i000000__");
}

/* --- JA4 part a rules -------------------------------------------------- */

static const char *alpn_code(const void *name, size_t n)
{
    static const uint16_t c[] = { 0x1301 };
    static char code[3];

    begin(0x0303, c, 1);
    ext_alpn(name, n);
    memcpy(code, ja4_of(end()) + 8, 2);
    return code;
}

static void test_ja4_alpn_rules(void **state)
{
    static const uint16_t c[] = { 0x1301 };
    static const uint8_t empty_first[] = { 0, 4, 0, 2, 'h', '2' };

    (void)state;
    assert_string_equal(alpn_code("h2", 2), "h2");
    assert_string_equal(alpn_code("http/1.1", 8), "h1");
    assert_string_equal(alpn_code("H2", 2), "H2");
    assert_string_equal(alpn_code("x", 1), "xx"); /* one character is first and last */
    /* the JA4.md examples for non-alphanumeric bytes */
    assert_string_equal(alpn_code("\xab", 1), "ab");
    assert_string_equal(alpn_code("\xab\xcd", 2), "ad");
    assert_string_equal(alpn_code("\x30\xab", 2), "3b");
    assert_string_equal(alpn_code("\x30\x31\xab\xcd", 4), "3d");
    assert_string_equal(alpn_code("\x30\xab\xcd\x31", 4), "01");
    assert_string_equal(alpn_code("_x", 2), "58");
    assert_string_equal(alpn_code("x.", 2), "7e");

    begin(0x0303, c, 1); /* no ALPN */
    assert_memory_equal(ja4_of(end()) + 8, "00", 2);
    begin(0x0303, c, 1); /* first name empty */
    ext(0x0010, empty_first, sizeof empty_first);
    assert_memory_equal(ja4_of(end()) + 8, "00", 2);
    begin(0x0303, c, 1); /* empty list */
    ext(0x0010, "\0", 2);
    assert_memory_equal(ja4_of(end()) + 8, "00", 2);
}

static const char *version_code(uint16_t legacy, const uint16_t *sv, size_t n)
{
    static char code[3];

    begin(legacy, NULL, 0);
    if (sv)
        ext_u16(0x002b, 1, sv, n);
    memcpy(code, ja4_of(end()) + 1, 2);
    return code;
}

static void test_ja4_version_rules(void **state)
{
    static const uint16_t unordered[] = { 0x0303, 0x7a7a, 0x0304, 0x0302 };
    static const uint16_t grease_only[] = { 0xfafa };
    static const uint16_t tls12[] = { 0x0303 };

    (void)state;
    assert_string_equal(version_code(0x0303, NULL, 0), "12");
    assert_string_equal(version_code(0x0302, NULL, 0), "11");
    assert_string_equal(version_code(0x0301, NULL, 0), "10");
    assert_string_equal(version_code(0x0300, NULL, 0), "s3");
    assert_string_equal(version_code(0x0002, NULL, 0), "s2");
    assert_string_equal(version_code(0xfefd, NULL, 0), "d2");
    assert_string_equal(version_code(0x0305, NULL, 0), "00");
    assert_string_equal(version_code(0x0301, unordered, 4), "13"); /* highest, not first */
    assert_string_equal(version_code(0x0303, grease_only, 1), "12"); /* falls back */
    assert_string_equal(version_code(0x0301, tls12, 1), "12"); /* extension wins */
}

static void test_ja4_counts_and_sni(void **state)
{
    static uint16_t c[150];
    static const uint16_t scsv[] = { 0x00ff, 0x5600, 0xfe01, 0x2a2a };
    const tg_hello_t *h;
    const char *raw;
    size_t i;

    (void)state;
    begin(0x0303, scsv, 4); /* SCSVs and reserved values count, GREASE does not */
    assert_memory_equal(ja4_of(end()), "t12i0300", 8);

    for (i = 0; i < 150; i++)
        c[i] = (uint16_t)(0xc200 - 3 * i); /* descending, so sorting shows */
    begin(0x0303, c, 9);
    assert_memory_equal(ja4_of(end()), "t12i0900", 8);
    begin(0x0303, c, 99);
    assert_memory_equal(ja4_of(end()), "t12i9900", 8);
    begin(0x0303, c, 100); /* the cap starts at 100, not past it */
    assert_memory_equal(ja4_of(end()), "t12i9900", 8);
    begin(0x0303, c, 150);
    for (i = 0; i < 120; i++)
        ext((uint16_t)(0x7000 - i), "", 0);
    ext_sni("a.example");
    h = end();
    assert_true(h->ext_overflow);
    assert_memory_equal(ja4_of(h), "t12d999900_", 11);
    raw = ja4_raw_of(h);
    assert_int_equal(strlen(raw), 11 + 150 * 5 - 1 + 1 + 120 * 5 - 1);
    for (i = 0; i + 1 < 150; i++) /* ascending, all 150 */
        assert_true(memcmp(raw + 11 + 5 * i, raw + 11 + 5 * (i + 1), 4) < 0);
    assert_memory_equal(raw + 11, "c041,", 5); /* smallest cipher first */
    assert_memory_equal(raw + 11 + 5 * 150, "6f89,", 5); /* smallest extension first */
    /* JA3 keeps every extension in wire order, SNI last */
    assert_non_null(strstr(ja3_string_of(h), ",28672-28671-"));
    assert_non_null(strstr(ja3_string_of(h), "-28553-0,,"));
}

static int cmp_u16(const void *a, const void *b)
{
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Every sort the cipher list can take (binary insertion up to 32, radix up to
 * 512, heapsort beyond) against qsort, with duplicates, runs and one byte
 * shared by all keys (a radix pass skipped). */
static void test_ja4_sorts_lists_of_every_size(void **state)
{
    static const size_t sizes[] = { 1, 2, 31, 32, 33, 80, 255, 256, 511, 512, 513, 1500 };
    static const uint16_t spread[] = { 0xffff, 0x00ff, 0xff00, 0x013f };
    static uint16_t c[1500], want[1500];
    static char list[1500 * 5 + 1];
    uint32_t seed = 12345;

    (void)state;
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        for (size_t m = 0; m < sizeof spread / sizeof *spread; m++) {
            size_t n = sizes[s], len = 0;
            const char *raw;

            for (size_t i = 0; i < n; i++) {
                do {
                    seed = seed * 1103515245u + 12345u;
                    c[i] = (uint16_t)((seed >> 8) & spread[m]);
                } while (tg_is_grease(c[i]));
                if (i % 7 == 3)
                    c[i] = c[i / 2]; /* duplicates stay */
            }
            memcpy(want, c, n * sizeof *c);
            qsort(want, n, sizeof *want, cmp_u16);
            for (size_t i = 0; i < n; i++)
                len += (size_t)sprintf(list + len, "%04x,", want[i]);
            list[len - 1] = '_';
            begin(0x0303, c, n);
            ext(0x0017, "", 0);
            raw = ja4_raw_of(end());
            assert_memory_equal(raw + 11, list, len);
        }
    }
}

static void test_ja4_sni_alpn_excluded_from_hash_only(void **state)
{
    static const uint16_t c[] = { 0x1301 };
    char a[TG_JA4_SIZE];
    const tg_hello_t *h;

    (void)state;
    begin(0x0303, c, 1);
    ext(0x0017, "", 0);
    h = end();
    strcpy(a, ja4_of(h));
    assert_memory_equal(a, "t12i010100_", 11);
    assert_string_equal(ja4_raw_of(h), "t12i010100_1301_0017");
    begin(0x0303, c, 1);
    ext(0x0017, "", 0);
    ext_sni("example.com");
    ext_alpn("h2", 2);
    h = end();
    /* counts and markers change, the hashes do not */
    assert_memory_equal(ja4_of(h), "t12d0103h2_", 11);
    assert_string_equal(ja4_of(h) + 11, a + 11);
    assert_string_equal(ja4_raw_of(h), "t12d0103h2_1301_0017");

    /* 'd' means the extension is there, even without a host_name entry */
    begin(0x0303, c, 1);
    ext(0x0000, "\0\x04\x07\0\x01z", 6);
    h = end();
    assert_false(h->has_sni);
    assert_memory_equal(ja4_of(h), "t12d010100_", 11);
}

static void test_ja4_transport_and_grease_sigalgs(void **state)
{
    static const uint16_t c[] = { 0x1301 };
    static const uint16_t sig[] = { 0x0a0a, 0x0403, 0x9a9a, 0x0804 };
    char out[TG_JA4_SIZE];
    const tg_hello_t *h;

    (void)state;
    begin(0x0303, c, 1);
    ext_u16(0x000d, 2, sig, 4);
    h = end();
    assert_string_equal(ja4_raw_of(h), "t12i010100_1301_000d_0403,0804");
    assert_int_equal(tg_ja4(h, TG_JA4_QUIC, tg_ossl_sha256, work, sizeof work, out, sizeof out),
                     TG_FP_OK);
    assert_int_equal(out[0], 'q');
    assert_int_equal(tg_ja4(h, 'x', tg_ossl_sha256, work, sizeof work, out, sizeof out),
                     TG_FP_INVALID_ARG);
}

/* --- buffers and errors ------------------------------------------------ */

static void test_buffer_limits(void **state)
{
    char ja3[TG_JA3_SIZE], ja4[TG_JA4_SIZE], want[WORK];
    const tg_hello_t *h = worked_example(1, 1);
    size_t need = tg_fp_work_size(h), len, size;
    tg_fp_t fp;
    char *buf;
    int rc;

    (void)state;
    assert_true(need < 1000);
    strcpy(want, ja3_string_of(h));
    len = strlen(want);
    for (size = 0; size <= len + 1; size++) {
        buf = malloc(size ? size : 1);
        assert_non_null(buf);
        rc = tg_ja3_string(h, buf, size, NULL);
        assert_int_equal(rc, size == len + 1 ? TG_FP_OK : TG_FP_NO_SPACE);
        free(buf);
    }
    strcpy(want, ja4_raw_of(h));
    for (size = 0; size <= need; size++) {
        buf = malloc(size ? size : 1);
        assert_non_null(buf);
        rc = tg_ja4_raw(h, TG_JA4_TCP, buf, size, &len);
        if (rc == TG_FP_OK)
            assert_string_equal(buf, want);
        else
            assert_int_equal(rc, TG_FP_NO_SPACE);
        if (size == need)
            assert_int_equal(rc, TG_FP_OK);
        rc = tg_ja4(h, TG_JA4_TCP, tg_ossl_sha256, buf, size, ja4, sizeof ja4);
        assert_true(rc == TG_FP_OK || rc == TG_FP_NO_SPACE);
        if (size == need)
            assert_string_equal(ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
        free(buf);
    }
    assert_int_equal(tg_ja3(h, tg_ossl_md5, work, sizeof work, ja3, TG_JA3_SIZE - 1),
                     TG_FP_NO_SPACE);
    assert_int_equal(tg_ja4(h, 't', tg_ossl_sha256, work, sizeof work, ja4, TG_JA4_SIZE - 1),
                     TG_FP_NO_SPACE);
    assert_int_equal(tg_ja3(h, tg_ossl_md5, work, 10, ja3, sizeof ja3), TG_FP_NO_SPACE);
    assert_int_equal(tg_fingerprint(h, tg_ossl_md5, tg_ossl_sha256, work, need, &fp), TG_FP_OK);
    assert_int_equal(tg_ja3(h, tg_ossl_md5, work, sizeof work, ja3, sizeof ja3), TG_FP_OK);
    assert_string_equal(fp.ja3, ja3);
    assert_string_equal(fp.ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
    assert_int_equal(tg_fingerprint(h, tg_ossl_md5, tg_ossl_sha256, work, 20, &fp),
                     TG_FP_NO_SPACE);
}

static void test_invalid_arguments_and_names(void **state)
{
    const tg_hello_t *h = worked_example(1, 0);
    char out[TG_JA4_SIZE];
    tg_fp_t fp;

    (void)state;
    assert_int_equal(tg_ja3_string(NULL, work, sizeof work, NULL), TG_FP_INVALID_ARG);
    assert_int_equal(tg_ja3_string(h, NULL, 10, NULL), TG_FP_INVALID_ARG);
    assert_int_equal(tg_ja3(h, NULL, work, sizeof work, out, sizeof out), TG_FP_INVALID_ARG);
    assert_int_equal(tg_ja4(h, 't', NULL, work, sizeof work, out, sizeof out), TG_FP_INVALID_ARG);
    assert_int_equal(tg_ja4(h, 't', tg_ossl_sha256, NULL, 0, out, sizeof out), TG_FP_INVALID_ARG);
    assert_int_equal(tg_ja4_raw(NULL, 't', work, sizeof work, NULL), TG_FP_INVALID_ARG);
    assert_int_equal(tg_fingerprint(h, tg_ossl_md5, tg_ossl_sha256, work, sizeof work, NULL),
                     TG_FP_INVALID_ARG);
    assert_int_equal(tg_fingerprint(h, NULL, tg_ossl_sha256, work, sizeof work, &fp),
                     TG_FP_INVALID_ARG);
    assert_int_equal(tg_fp_work_size(NULL), 0);
    assert_string_equal(tg_fp_err_name(TG_FP_OK), "ok");
    assert_string_equal(tg_fp_err_name(TG_FP_NO_SPACE), "no_space");
    assert_string_equal(tg_fp_err_name(TG_FP_INVALID_ARG), "invalid_argument");
    assert_string_equal(tg_fp_err_name(99), "unknown");
}

/* After a parse error the fingerprint describes what was parsed before it. */
static void test_partial_hello(void **state)
{
    static const uint16_t c[] = { 0x1301 };
    tg_hello_t h;

    (void)state;
    begin(0x0303, c, 1);
    ext(0x0017, "", 0);
    ext(0x0023, "", 0);
    ext(0x0017, "", 0);
    assert_int_equal(tg_hello_parse(hb->b, hb_end(hb), &h), TG_HELLO_DUPLICATE_EXTENSION);
    assert_string_equal(ja4_raw_of(&h), "t12i010200_1301_0017,0023");
}

/* --- captured hellos --------------------------------------------------- */

static const char *captures_dir(void)
{
    const char *d = getenv("TG_HELLO_CAPTURES");

    return d && *d ? d : CAPTURES_DEFAULT;
}

/* Splits a TSV line in place; empty fields stay (unlike strtok). */
static size_t split_tabs(char *line, char **col, size_t max)
{
    size_t n = 0;

    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        col[n++] = line;
        line = strchr(line, '\t');
        if (!line)
            break;
        *line++ = '\0';
    }
    return n;
}

static void test_captured_hellos(void **state)
{
    static uint8_t data[65536], scratch[65536];
    char path[512], line[8192], sni[256], ja3[TG_JA3_SIZE];
    char *col[6];
    tg_hello_t h;
    size_t rows = 0, n;
    FILE *f;

    (void)state;
    snprintf(path, sizeof path, "%s/expected.tsv", captures_dir());
    f = fopen(path, "r");
    if (!f)
        fail_msg("captured hellos not found at '%s' (run from the repository root or set "
                 "TG_HELLO_CAPTURES)", path);
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f)) {
        assert_int_equal(split_tabs(line, col, 6), 6);
        snprintf(path, sizeof path, "%s/%s", captures_dir(), col[0]);
        n = hex_file_read(path, data, sizeof data);
        if (tg_hello_parse_records(data, n, scratch, sizeof scratch, &h) != TG_HELLO_OK)
            fail_msg("%s: does not parse", col[0]);
        memcpy(sni, h.sni.p ? (const char *)h.sni.p : "", h.sni.len);
        sni[h.sni.len] = '\0';
        assert_string_equal(sni, col[1]);
        assert_string_equal(ja3_string_of(&h), col[2]);
        assert_int_equal(tg_ja3(&h, tg_ossl_md5, work, sizeof work, ja3, sizeof ja3), TG_FP_OK);
        assert_string_equal(ja3, col[3]);
        assert_string_equal(ja4_of(&h), col[4]);
        assert_string_equal(ja4_raw_of(&h), col[5]);
        rows++;
    }
    fclose(f);
    print_message("%zu captured hellos checked\n", rows);
    assert_true(rows >= 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ja3_readme_vectors),
        cmocka_unit_test(test_ja3_grease_and_formats),
        cmocka_unit_test(test_ja4_worked_example),
        cmocka_unit_test(test_ja4_hashes_exactly_the_raw_sections),
        cmocka_unit_test(test_ja4_alpn_rules),
        cmocka_unit_test(test_ja4_version_rules),
        cmocka_unit_test(test_ja4_counts_and_sni),
        cmocka_unit_test(test_ja4_sorts_lists_of_every_size),
        cmocka_unit_test(test_ja4_sni_alpn_excluded_from_hash_only),
        cmocka_unit_test(test_ja4_transport_and_grease_sigalgs),
        cmocka_unit_test(test_buffer_limits),
        cmocka_unit_test(test_invalid_arguments_and_names),
        cmocka_unit_test(test_partial_hello),
        cmocka_unit_test(test_captured_hellos),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
