/* Policy model: TLSGuardProtocols parsing, profile + adjustments, reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tg_policy.h"

static void protocols_good(void **state)
{
    static const struct {
        const char *text;
        uint16_t min, max;
    } cases[] = {
        {"TLSv1.2 TLSv1.3", 0x0303, 0x0304}, {"TLSv1.3", 0x0304, 0x0304},
        {"tlsv1.3 TLSV1.2", 0x0303, 0x0304}, {"  TLSv1\tTLSv1.1  ", 0x0301, 0x0302},
        {"TLSv1.0 TLSv1.1 TLSv1.2", 0x0301, 0x0303}, {"TLSv1.2 TLSv1.2", 0x0303, 0x0303},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[256] = "";
        uint16_t min = 0, max = 0;
        assert_int_equal(tg_policy_parse_protocols(cases[i].text, &min, &max, err, sizeof(err)),
                         0);
        assert_int_equal(min, cases[i].min);
        assert_int_equal(max, cases[i].max);
    }
}

static void protocols_bad(void **state)
{
    static const struct {
        const char *text;
        const char *err;
    } cases[] = {
        {"", "needs at least one protocol (TLSv1.2, TLSv1.3, ...)"},
        {"   ", "needs at least one protocol (TLSv1.2, TLSv1.3, ...)"},
        {"TLSv1.4", "unknown protocol \"TLSv1.4\" (expected TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3)"},
        {"TLSv1.2 all", "unknown protocol \"all\" (expected TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3)"},
        {"+TLSv1.2", "unknown protocol \"+TLSv1.2\" (expected TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3)"},
        {"SSLv3 TLSv1.2", "\"SSLv3\" is not allowed: SSL 2.0 and 3.0 are broken"},
        {"TLSv1 TLSv1.2",
         "protocols must form one range: TLSv1.1 is missing between TLSv1 and TLSv1.2 "
         "(OpenSSL can only set a minimum and a maximum)"},
        {"TLSv1.1 TLSv1.3",
         "protocols must form one range: TLSv1.2 is missing between TLSv1.1 and TLSv1.3 "
         "(OpenSSL can only set a minimum and a maximum)"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[256] = "";
        uint16_t min = 7, max = 7;
        assert_int_equal(tg_policy_parse_protocols(cases[i].text, &min, &max, err, sizeof(err)),
                         -1);
        assert_string_equal(err, cases[i].err);
        assert_int_equal(min, 7); /* untouched on error */
    }
}

/* Group names become IANA codes once, at build time, in any spelling
 * tg_names knows; names it lacks are left out. */
static void build_resolves_group_codes(void **state)
{
    tg_policy_overrides_t ov = {.groups = "X25519:no-such-group:P-256:secp384r1"};
    tg_policy_t pol;
    char err[256];
    (void)state;
    assert_int_equal(tg_policy_build(tg_profile_find("intermediate"), &ov, &pol, err,
                                     sizeof(err)), 0);
    assert_int_equal(pol.group_n, 3);
    assert_int_equal(pol.group_codes[0], 0x001d);
    assert_int_equal(pol.group_codes[1], 0x0017);
    assert_int_equal(pol.group_codes[2], 0x0018);
    ov.groups = "no-such-group";
    assert_int_equal(tg_policy_build(tg_profile_find("intermediate"), &ov, &pol, err,
                                     sizeof(err)), 0);
    assert_int_equal(pol.group_n, 0);
}

static void build_plain_profile_has_no_deviation(void **state)
{
    tg_policy_t pol;
    char err[256];
    (void)state;
    for (unsigned i = 0; tg_profile_at(i); i++) {
        const tg_profile_t *p = tg_profile_at(i);
        assert_int_equal(tg_policy_build(p, NULL, &pol, err, sizeof(err)), 0);
        assert_ptr_equal(pol.profile, p);
        assert_int_equal(pol.deviations, 0);
        assert_int_equal(pol.min_version, p->min_version);
        assert_int_equal(pol.max_version, p->max_version);
        assert_string_equal(pol.ciphers12, p->ciphers12);
        assert_string_equal(pol.groups, p->groups);
        assert_int_equal(pol.seclevel, p->seclevel);
    }
}

static void build_merges_each_adjustment(void **state)
{
    tg_policy_t pol;
    char err[256];
    tg_policy_overrides_t ov = {"TLSv1.3", NULL, "TLS_AES_256_GCM_SHA384", "X25519:secp384r1"};
    (void)state;
    assert_int_equal(tg_policy_build(tg_profile_find("intermediate"), &ov, &pol, err,
                                     sizeof(err)),
                     0);
    assert_int_equal(pol.min_version, 0x0304);
    assert_int_equal(pol.max_version, 0x0304);
    assert_string_equal(pol.suites13, "TLS_AES_256_GCM_SHA384");
    assert_string_equal(pol.groups, "X25519:secp384r1");
    assert_string_equal(pol.ciphers12, tg_profile_find("intermediate")->ciphers12);
    assert_int_equal(pol.deviations, TG_DEV_PROTOCOLS | TG_DEV_SUITES | TG_DEV_GROUPS);

    char dev[64];
    tg_policy_format_deviations(pol.deviations, dev, sizeof(dev));
    assert_string_equal(dev, "protocols, cipher suites, groups");
}

static void build_modern_with_tls12_needs_ciphers(void **state)
{
    tg_policy_t pol;
    char err[256];
    tg_policy_overrides_t ov = {"TLSv1.2 TLSv1.3", NULL, NULL, NULL};
    (void)state;
    assert_int_equal(tg_policy_build(tg_profile_find("modern"), &ov, &pol, err, sizeof(err)),
                     -1);
    assert_string_equal(err, "enables TLSv1.2 but profile modern has no TLS 1.2 ciphers");
    assert_int_equal(pol.failed, TG_SETTING_PROTOCOLS); /* the host names the directives */
    assert_int_equal(pol.mend, TG_SETTING_CIPHERS12);
    ov.ciphers12 = "ECDHE-RSA-AES128-GCM-SHA256";
    assert_int_equal(tg_policy_build(tg_profile_find("modern"), &ov, &pol, err, sizeof(err)),
                     0);
    assert_int_equal(pol.deviations, TG_DEV_PROTOCOLS | TG_DEV_CIPHERS);
}

static void build_old_versions_need_seclevel_zero(void **state)
{
    tg_policy_t pol;
    char err[256];
    tg_policy_overrides_t ov = {"TLSv1.1 TLSv1.2 TLSv1.3", NULL, NULL, NULL};
    (void)state;
    assert_int_equal(tg_policy_build(tg_profile_find("intermediate"), &ov, &pol, err,
                                     sizeof(err)),
                     0);
    assert_int_equal(pol.seclevel, 0);
    assert_int_equal(pol.min_version, 0x0302);
}

static void build_rejects_bad_lists(void **state)
{
    static const struct {
        tg_policy_overrides_t ov;
        const char *err;
        tg_policy_setting_t failed;
    } cases[] = {
        {{NULL, NULL, NULL, "X25519::P-256"}, "\"X25519::P-256\" has an empty entry",
         TG_SETTING_GROUPS},
        {{NULL, NULL, NULL, "X25519:"}, "\"X25519:\" has an empty entry", TG_SETTING_GROUPS},
        {{NULL, NULL, NULL, "X25519, P-256"},
         "\"X25519, P-256\": separate entries with ':' and no blanks", TG_SETTING_GROUPS},
        {{NULL, NULL, ":TLS_AES_128_GCM_SHA256", NULL},
         "\":TLS_AES_128_GCM_SHA256\" has an empty entry", TG_SETTING_SUITES13},
        {{"TLSv1 TLSv1.3", NULL, NULL, NULL},
         "protocols must form one range: TLSv1.1 is missing between TLSv1 and TLSv1.3 "
         "(OpenSSL can only set a minimum and a maximum)", TG_SETTING_PROTOCOLS},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tg_policy_t pol;
        char err[256] = "";
        assert_int_equal(tg_policy_build(tg_profile_find("intermediate"), &cases[i].ov, &pol,
                                         err, sizeof(err)),
                         -1);
        assert_string_equal(err, cases[i].err);
        assert_int_equal(pol.failed, cases[i].failed);
        assert_int_equal(pol.mend, TG_SETTING_NONE);
    }
}

static void formats(void **state)
{
    char buf[32];
    (void)state;
    tg_policy_format_range(0x0303, 0x0304, buf, sizeof(buf));
    assert_string_equal(buf, "TLSv1.2-TLSv1.3");
    tg_policy_format_range(0x0304, 0x0304, buf, sizeof(buf));
    assert_string_equal(buf, "TLSv1.3");
    assert_string_equal(tg_policy_version_name(0x0301), "TLSv1");
    assert_string_equal(tg_policy_version_name(0x0305), "unknown");
    tg_policy_format_deviations(0, buf, sizeof(buf));
    assert_string_equal(buf, "");
    tg_policy_format_deviations(TG_DEV_CIPHERS, buf, sizeof(buf));
    assert_string_equal(buf, "ciphers");
    tg_policy_format_deviations(TG_DEV_PROTOCOLS | TG_DEV_CIPHERS | TG_DEV_SUITES
                                    | TG_DEV_GROUPS,
                                buf, 12);
    assert_true(strlen(buf) < 12); /* bounded */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(protocols_good),
        cmocka_unit_test(protocols_bad),
        cmocka_unit_test(build_plain_profile_has_no_deviation),
        cmocka_unit_test(build_resolves_group_codes),
        cmocka_unit_test(build_merges_each_adjustment),
        cmocka_unit_test(build_modern_with_tls12_needs_ciphers),
        cmocka_unit_test(build_old_versions_need_seclevel_zero),
        cmocka_unit_test(build_rejects_bad_lists),
        cmocka_unit_test(formats),
    };
    return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
