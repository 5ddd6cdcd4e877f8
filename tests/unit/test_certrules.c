/* test_certrules.c - each profile's certificate rules, row by row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tg_certrules.h"
#include "tg_profile.h"

#define DAY 86400

static tg_cert_key_t key(const char *type, unsigned bits, const char *curve, int days)
{
    tg_cert_key_t k = {type, bits, curve, "SHA256", 1700000000, 1700000000 + (int64_t)days * DAY, 0};
    return k;
}

typedef struct {
    const char *profile;
    tg_cert_key_t key;
    const char *rules; /* the deviations found, space-separated, in order */
} row_t;

static void rules_of(const row_t *r, char *out, size_t cap)
{
    tg_cert_deviation_t dev[8];
    size_t n = tg_certrules_check(tg_certrules_find(r->profile), &r->key, 1, dev, 8);
    out[0] = '\0';
    for (size_t i = 0; i < n && i < 8; i++) {
        if (i)
            strncat(out, " ", cap - strlen(out) - 1);
        strncat(out, dev[i].rule, cap - strlen(out) - 1);
    }
}

static void test_rows(void **state)
{
    const row_t rows[] = {
        {"intermediate", key("EC", 256, "P-256", 90), ""},
        {"intermediate", key("EC", 384, "P-384", 366), ""},
        {"intermediate", key("EC", 521, "P-521", 90), "curve"},
        {"intermediate", key("RSA", 2048, NULL, 367), "lifespan"},
        {"intermediate", key("RSA", 1024, NULL, 90), "rsa_key_size"},
        {"intermediate", key("ED25519", 256, NULL, 90), "key_type"},
        {"modern", key("EC", 256, "P-256", 90), ""},
        {"modern", key("EC", 256, "P-256", 91), "lifespan"},
        {"modern", key("RSA", 4096, NULL, 200), "key_type lifespan"},
        {"old", key("RSA", 2048, NULL, 366), ""},
        {"nist-800-52r2", key("EC", 521, "P-521", 800), ""},
        {"nist-800-52r2", key("RSA", 2047, NULL, 30), "rsa_key_size"},
        {"bsi-tr-02102-2", key("RSA", 2048, NULL, 30), "rsa_key_size"},
        {"bsi-tr-02102-2", key("RSA", 3072, NULL, 800), ""},
        {"bsi-tr-02102-2", key("EC", 256, "brainpoolP256r1", 30), ""},
    };
    char got[128];
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        rules_of(&rows[i], got, sizeof(got));
        assert_string_equal(got, rows[i].rules);
    }
}

static void test_every_profile_has_rules_citing_a_source(void **state)
{
    (void)state;
    for (unsigned i = 0; tg_profile_at(i); i++) {
        const tg_certrules_t *r = tg_certrules_find(tg_profile_at(i)->name);
        assert_non_null(r);
        assert_true(strlen(r->source) > 10);
        assert_true(r->curves[0] == ':' && r->curves[strlen(r->curves) - 1] == ':');
    }
    assert_null(tg_certrules_find("nonesuch"));
}

typedef struct {
    const char *profile, *sig_hash;
    unsigned bits;
    int days, leaf, self_signed;
    size_t cap, found;     /* room given, deviations counted */
    const char *first;     /* the first rule kept */
} signature_row_t;

static void test_signatures_and_counts(void **state)
{
    const signature_row_t rows[] = {
        {"old", "SHA1", 2048, 30, 1, 0, 4, 1, "sha1_signature"},
        /* a chain certificate: only the signature rule applies */
        {"modern", "SHA1", 2048, 30, 0, 0, 4, 1, "sha1_signature"},
        /* a trust anchor's own signature is not checked */
        {"old", "SHA1", 2048, 30, 1, 1, 4, 0, NULL},
        /* more deviations than room: all counted, the first kept */
        {"intermediate", "MD5", 1024, 400, 1, 0, 1, 3, "rsa_key_size"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const signature_row_t *r = &rows[i];
        tg_cert_key_t k = key("RSA", r->bits, NULL, r->days);
        tg_cert_deviation_t dev[4];
        k.sig_hash = r->sig_hash;
        k.self_signed = r->self_signed;
        assert_int_equal(tg_certrules_check(tg_certrules_find(r->profile), &k, r->leaf, dev,
                                            r->cap), r->found);
        if (r->first)
            assert_string_equal(dev[0].rule, r->first);
    }
}

static void test_details_name_the_numbers_and_the_source(void **state)
{
    tg_cert_key_t k = key("RSA", 1024, NULL, 30);
    tg_cert_deviation_t dev[1];
    (void)state;
    assert_int_equal(tg_certrules_check(tg_certrules_find("intermediate"), &k, 1, dev, 1), 1);
    assert_string_equal(dev[0].detail, "RSA 1024 bits, fewer than 2048 (Mozilla Server Side "
                                       "TLS 6.0 (intermediate))");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_every_profile_has_rules_citing_a_source),
        cmocka_unit_test(test_signatures_and_counts),
        cmocka_unit_test(test_details_name_the_numbers_and_the_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
