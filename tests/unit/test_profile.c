/* Pins every profile row to its source (see the citations in tg_profile.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tg_profile.h"

typedef struct {
    const char *name;
    uint16_t min, max;
    const char *ciphers12, *suites13, *groups;
    int server_preference, seclevel, deprecated;
    uint64_t hsts;
    const char *source;
    int no_session_tickets; /* Mozilla's Apache output: SSLSessionTickets off */
    int ocsp_stapling;      /* Mozilla's ocsp_staple: true; NIST's status_request */
} expected_row_t;

/* Written out again on purpose, from the sources, not from tg_profile.c. */
static const expected_row_t expected[] = {
    {"modern", 0x0304, 0x0304, "",
     "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
     "X25519MLKEM768:X25519:prime256v1:secp384r1", 0, 2, 0, 63072000,
     "Mozilla Server Side TLS 6.0 (modern)", 1, 1},
    {"intermediate", 0x0303, 0x0304,
     "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
     "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305",
     "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
     "X25519MLKEM768:X25519:prime256v1:secp384r1", 0, 2, 0, 63072000,
     "Mozilla Server Side TLS 6.0 (intermediate)", 1, 1},
    {"old", 0x0301, 0x0304,
     "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
     "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
     "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:"
     "ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:"
     "ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:AES128-GCM-SHA256:AES256-GCM-SHA384:"
     "AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:DES-CBC3-SHA",
     "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
     "X25519MLKEM768:X25519:prime256v1:secp384r1", 1, 0, 1, 63072000,
     "Mozilla Server Side TLS 5.8 (old)", 1, 1},
    {"nist-800-52r2", 0x0303, 0x0304,
     "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-CCM:"
     "ECDHE-ECDSA-AES256-CCM:ECDHE-ECDSA-AES128-CCM8:ECDHE-ECDSA-AES256-CCM8:"
     "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:"
     "DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-CCM:DHE-RSA-AES256-CCM:DHE-RSA-AES128-CCM8:"
     "DHE-RSA-AES256-CCM8:ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:"
     "ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:DHE-RSA-AES128-SHA256:"
     "DHE-RSA-AES256-SHA256",
     "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_AES_128_CCM_SHA256:"
     "TLS_AES_128_CCM_8_SHA256",
     "secp256r1:secp384r1:secp521r1:ffdhe2048:ffdhe3072:ffdhe4096", 1, 2, 0, 31536000,
     "NIST SP 800-52 Rev. 2 (2019)", 0, 1},
    {"bsi-tr-02102-2", 0x0303, 0x0304,
     "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:"
     "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-CCM:ECDHE-ECDSA-AES256-CCM:"
     "ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-GCM-SHA256:"
     "ECDHE-RSA-AES256-GCM-SHA384:DHE-DSS-AES128-SHA256:DHE-DSS-AES256-SHA256:"
     "DHE-DSS-AES128-GCM-SHA256:DHE-DSS-AES256-GCM-SHA384:DHE-RSA-AES128-SHA256:"
     "DHE-RSA-AES256-SHA256:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:"
     "DHE-RSA-AES128-CCM:DHE-RSA-AES256-CCM",
     "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_AES_128_CCM_SHA256",
     "secp256r1:secp384r1:secp521r1:brainpoolP256r1:brainpoolP384r1:brainpoolP512r1:"
     "ffdhe3072:ffdhe4096",
     1, 2, 0, 31536000, "BSI TR-02102-2 (2023-01)", 0, 0},
};

#define NEXPECTED (sizeof(expected) / sizeof(expected[0]))

static void every_row_matches_its_source(void **state)
{
    (void)state;
    for (unsigned i = 0; i < NEXPECTED; i++) {
        const expected_row_t *e = &expected[i];
        const tg_profile_t *p = tg_profile_find(e->name);
        assert_non_null(p);
        assert_string_equal(p->name, e->name);
        assert_int_equal(p->min_version, e->min);
        assert_int_equal(p->max_version, e->max);
        assert_string_equal(p->ciphers12, e->ciphers12);
        assert_string_equal(p->suites13, e->suites13);
        assert_string_equal(p->groups, e->groups);
        assert_int_equal(p->server_preference, e->server_preference);
        assert_int_equal(p->seclevel, e->seclevel);
        assert_int_equal(p->deprecated, e->deprecated);
        assert_int_equal(p->hsts_max_age, e->hsts);
        assert_string_equal(p->source, e->source);
        assert_int_equal(p->no_session_tickets, e->no_session_tickets);
        assert_int_equal(p->ocsp_stapling, e->ocsp_stapling);
    }
}

static void table_has_exactly_the_documented_rows(void **state)
{
    unsigned n = 0;
    (void)state;
    while (tg_profile_at(n))
        n++;
    assert_int_equal(n, NEXPECTED);
    for (unsigned i = 0; i < NEXPECTED; i++)
        assert_string_equal(tg_profile_at(i)->name, expected[i].name);
    assert_string_equal(tg_profile_names(),
                        "modern|intermediate|old|nist-800-52r2|bsi-tr-02102-2");
}

static void lookup_is_case_insensitive_and_exact(void **state)
{
    (void)state;
    assert_ptr_equal(tg_profile_find("Modern"), tg_profile_find("modern"));
    assert_ptr_equal(tg_profile_find("INTERMEDIATE"), tg_profile_find("intermediate"));
    assert_null(tg_profile_find("moder"));
    assert_null(tg_profile_find("intermediate "));
    assert_null(tg_profile_find(""));
    assert_null(tg_profile_find(NULL));
    assert_non_null(tg_profile_find(TG_PROFILE_DEFAULT));
}

static void mozilla_intermediate_has_no_cbc_no_rsa_kx_no_dhe(void **state)
{
    const tg_profile_t *p = tg_profile_find("intermediate");
    (void)state;
    assert_null(strstr(p->ciphers12, "-SHA:"));
    assert_null(strstr(p->ciphers12, "CBC"));
    assert_null(strstr(p->ciphers12, ":DHE-"));
    assert_int_not_equal(strncmp(p->ciphers12, "DHE-", 4), 0);
    assert_null(strstr(p->ciphers12, ":AES"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_row_matches_its_source),
        cmocka_unit_test(table_has_exactly_the_documented_rows),
        cmocka_unit_test(lookup_is_case_insensitive_and_exact),
        cmocka_unit_test(mozilla_intermediate_has_no_cbc_no_rsa_kx_no_dhe),
    };
    return cmocka_run_group_tests_name("profile", tests, NULL, NULL);
}
