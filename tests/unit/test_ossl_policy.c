/* Policy -> OpenSSL: what the linked OpenSSL accepts, and what a context holds
 * after enforcement. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/ssl.h>

#include "tg_ossl_guard.h"
#include "tg_ossl_policy.h"

static tg_policy_t build(const char *profile, const tg_policy_overrides_t *ov)
{
    tg_policy_t pol;
    char err[256];
    assert_int_equal(tg_policy_build(tg_profile_find(profile), ov, &pol, err, sizeof(err)), 0);
    return pol;
}

static void every_profile_resolves(void **state)
{
    (void)state;
    for (unsigned i = 0; tg_profile_at(i); i++) {
        tg_policy_t pol = build(tg_profile_at(i)->name, NULL);
        tg_ossl_resolved_t res;
        char err[256] = "";
        assert_int_equal(tg_ossl_policy_resolve(&pol, &res, err, sizeof(err)), 0);
        assert_true(res.groups[0] != '\0');
        assert_true(res.n_suites13 > 0);
        assert_true(pol.min_version > TLS1_2_VERSION || res.n_ciphers12 > 0);
    }
}

static void intermediate_resolves_to_the_mozilla_lists(void **state)
{
    tg_policy_t pol = build("intermediate", NULL);
    tg_ossl_resolved_t res;
    char err[256];
    (void)state;
    assert_int_equal(tg_ossl_policy_resolve(&pol, &res, err, sizeof(err)), 0);
    assert_int_equal(res.n_ciphers12, 6);
    assert_int_equal(res.n_suites13, 3);
#if OPENSSL_VERSION_NUMBER < 0x30500000L
    assert_string_equal(res.groups, "X25519:prime256v1:secp384r1");
    assert_string_equal(res.skipped_groups, "X25519MLKEM768");
#else
    assert_string_equal(res.groups, "X25519MLKEM768:X25519:prime256v1:secp384r1");
    assert_string_equal(res.skipped_groups, "");
#endif
}

static void bad_values_are_named(void **state)
{
    char err[256];
    tg_ossl_resolved_t res;
    (void)state;
    assert_int_equal(tg_ossl_check_ciphers12("NOPE", err, sizeof(err)), -1);
    assert_string_equal(err, "OpenSSL rejects the cipher list \"NOPE\": no cipher match");
    assert_int_equal(tg_ossl_check_ciphers12("TLS_AES_128_GCM_SHA256", err, sizeof(err)), -1);
    assert_int_equal(tg_ossl_check_suites13("AES128-SHA", err, sizeof(err)), -1);
    assert_int_equal(tg_ossl_check_suites13("TLS_AES_128_GCM_SHA256", err, sizeof(err)), 0);

    tg_policy_overrides_t ov = {NULL, NULL, NULL, "X25519:Bogus"};
    tg_policy_t pol = build("intermediate", &ov);
    assert_int_equal(tg_ossl_policy_resolve(&pol, &res, err, sizeof(err)), -1);
    assert_string_equal(err, "unknown group \"Bogus\" (neither OpenSSL nor the "
                             "IANA registry knows it)");
    assert_int_equal(res.failed, TG_SETTING_GROUPS); /* the host names the directive */
}

static SSL_CTX *weak_ctx(int min, int max)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    assert_non_null(ctx);
    SSL_CTX_set_min_proto_version(ctx, min);
    SSL_CTX_set_max_proto_version(ctx, max);
    assert_int_equal(SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0"), 1);
    SSL_CTX_set_options(ctx, SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION);
    SSL_CTX_clear_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    return ctx;
}

/* A policy resolved and applied to ctx; the parts stay alive together
 * (eff points into res). */
typedef struct {
    tg_policy_t pol;
    tg_ossl_resolved_t res;
    tg_ossl_effective_t eff;
    char err[256];
} applied_t;

static int apply(applied_t *a, const char *profile, SSL_CTX *ctx)
{
    a->pol = build(profile, NULL);
    assert_int_equal(tg_ossl_policy_resolve(&a->pol, &a->res, a->err, sizeof(a->err)), 0);
    return tg_ossl_policy_apply_ctx(ctx, &a->pol, &a->res, &a->eff, a->err, sizeof(a->err));
}

static void apply_rewrites_a_weak_context(void **state)
{
    tg_policy_t pol = build("intermediate", NULL);
    tg_ossl_resolved_t res;
    tg_ossl_effective_t eff;
    char err[256], c12[1024], s13[256];
    SSL_CTX *ctx = weak_ctx(TLS1_VERSION, TLS1_3_VERSION);
    const char *want12 = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                         "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                         "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
    (void)state;
    assert_int_equal(tg_ossl_policy_resolve(&pol, &res, err, sizeof(err)), 0);
    assert_int_equal(tg_ossl_policy_apply_ctx(ctx, &pol, &res, &eff, err, sizeof(err)), 0);
    assert_int_equal(SSL_CTX_get_min_proto_version(ctx), TLS1_2_VERSION);
    assert_int_equal(SSL_CTX_get_max_proto_version(ctx), TLS1_3_VERSION);
    assert_int_equal(eff.orig_min_version, TLS1_VERSION);
    assert_true(eff.guarded);
    uint64_t opts = SSL_CTX_get_options(ctx);
    assert_true(opts & SSL_OP_NO_COMPRESSION);
    assert_true(opts & SSL_OP_NO_RENEGOTIATION);
    assert_false(opts & SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION);
    assert_false(opts & SSL_OP_CIPHER_SERVER_PREFERENCE);
    assert_int_equal(SSL_CTX_get_security_level(ctx), 2);
    assert_int_equal(tg_ossl_describe_ciphers(ctx, 0, c12, sizeof(c12)), strlen(want12));
    assert_string_equal(c12, want12);
    tg_ossl_describe_ciphers(ctx, 1, s13, sizeof(s13));
    assert_string_equal(s13, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
                             "TLS_CHACHA20_POLY1305_SHA256");
    assert_true(tg_ossl_guard_allows_cipher(&eff, 0xc02b));  /* ECDHE-ECDSA-AES128-GCM */
    assert_true(tg_ossl_guard_allows_cipher(&eff, 0x1303));  /* CHACHA20 suite */
    assert_false(tg_ossl_guard_allows_cipher(&eff, 0xc013)); /* ECDHE-RSA-AES128-SHA */
    SSL_CTX_free(ctx);
}

static void apply_intersects_with_the_vhost_range(void **state)
{
    tg_policy_t pol = build("intermediate", NULL);
    tg_ossl_resolved_t res;
    tg_ossl_effective_t eff;
    char err[256];
    SSL_CTX *ctx = weak_ctx(TLS1_3_VERSION, TLS1_3_VERSION);
    (void)state;
    assert_int_equal(tg_ossl_policy_resolve(&pol, &res, err, sizeof(err)), 0);
    assert_int_equal(tg_ossl_policy_apply_ctx(ctx, &pol, &res, &eff, err, sizeof(err)), 0);
    assert_int_equal(eff.min_version, TLS1_3_VERSION);
    assert_int_equal(SSL_CTX_get_min_proto_version(ctx), TLS1_3_VERSION);
    SSL_CTX_free(ctx);

    pol = build("modern", NULL);
    assert_int_equal(tg_ossl_policy_resolve(&pol, &res, err, sizeof(err)), 0);
    ctx = weak_ctx(TLS1_VERSION, TLS1_2_VERSION);
    assert_int_equal(tg_ossl_policy_apply_ctx(ctx, &pol, &res, &eff, err, sizeof(err)), -1);
    assert_string_equal(err, "no protocol version left: SSLProtocol allows TLSv1-TLSv1.2, the "
                             "policy (profile modern) allows TLSv1.3");
    SSL_CTX_free(ctx);
}

static void apply_old_sets_level_zero_and_server_order(void **state)
{
    applied_t a;
    SSL_CTX *ctx = weak_ctx(0, 0);
    (void)state;
    SSL_CTX_set_security_level(ctx, 3);
    assert_int_equal(apply(&a, "old", ctx), 0);
    assert_int_equal(SSL_CTX_get_security_level(ctx), 0);
    assert_true(SSL_CTX_get_options(ctx) & SSL_OP_CIPHER_SERVER_PREFERENCE);
    assert_int_equal(a.eff.min_version, TLS1_VERSION);
    SSL_CTX_free(ctx);
}

static void apply_keeps_a_higher_vhost_level(void **state)
{
    applied_t a;
    SSL_CTX *ctx = weak_ctx(0, 0);
    (void)state;
    SSL_CTX_set_security_level(ctx, 3);
    assert_int_equal(apply(&a, "intermediate", ctx), 0);
    assert_int_equal(SSL_CTX_get_security_level(ctx), 3);
    SSL_CTX_free(ctx);
}

static void apply_ssl_sets_connection_settings(void **state)
{
    applied_t a;
    SSL_CTX *ctx = weak_ctx(0, 0);
    (void)state;
    assert_int_equal(apply(&a, "nist-800-52r2", ctx), 0);
    SSL_CTX *other = weak_ctx(0, 0);
    SSL *ssl = SSL_new(other);
    tg_ossl_policy_apply_ssl(ssl, &a.eff);
    assert_int_equal(SSL_get_min_proto_version(ssl), TLS1_2_VERSION);
    assert_int_equal(SSL_get_max_proto_version(ssl), TLS1_3_VERSION);
    assert_true(SSL_get_options(ssl) & SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_free(ssl);
    SSL_CTX_free(other);
    SSL_CTX_free(ctx);
}

/* Every weakening option of the table, set as a configuration would, is
 * undone on the context and named; the ones nobody chooses are not. */
static void apply_resets_every_weakening_option(void **state)
{
    size_t n;
    const tg_ossl_option_t *table = tg_ossl_option_table(&n);
    (void)state;
    assert_true(n >= 8);
    for (size_t i = 0; i < n; i++) {
        applied_t a;
        SSL_CTX *ctx = weak_ctx(0, 0);
        SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
        SSL_CTX_clear_options(ctx, SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION);
        if (table[i].policy_sets)
            SSL_CTX_clear_options(ctx, table[i].bit);
        else
            SSL_CTX_set_options(ctx, table[i].bit);
        assert_int_equal(apply(&a, "nist-800-52r2", ctx), 0);
        uint64_t opts = SSL_CTX_get_options(ctx);
        assert_int_equal((opts & table[i].bit) != 0, table[i].policy_sets);
        assert_int_equal(a.eff.options_reset, table[i].weakened ? table[i].bit : 0);
        SSL_CTX_free(ctx);
    }
}

/* Tickets follow the profile's source: off for Mozilla's, as mod_ssl left
 * them for NIST's; never reported as a configuration's weakening. */
static void tickets_follow_the_profile(void **state)
{
    applied_t a;
    SSL_CTX *ctx = weak_ctx(0, 0);
    (void)state;
    assert_int_equal(apply(&a, "intermediate", ctx), 0);
    assert_true(SSL_CTX_get_options(ctx) & SSL_OP_NO_TICKET);
    assert_false(a.eff.options_reset & SSL_OP_NO_TICKET);
    SSL_CTX_free(ctx);
    ctx = weak_ctx(0, 0);
    assert_int_equal(apply(&a, "nist-800-52r2", ctx), 0);
    assert_false(SSL_CTX_get_options(ctx) & SSL_OP_NO_TICKET);
    SSL_CTX_free(ctx);
}

/* An SSL made from another vhost's weakened context gets the policy's
 * options when the connection moves to a guarded vhost. */
static void apply_ssl_undoes_the_first_contexts_options(void **state)
{
    applied_t a;
    SSL_CTX *ctx = weak_ctx(0, 0);
    (void)state;
    assert_int_equal(apply(&a, "nist-800-52r2", ctx), 0);
    SSL_CTX *other = weak_ctx(0, 0);
    SSL_CTX_set_options(other, SSL_OP_NO_ENCRYPT_THEN_MAC | SSL_OP_NO_EXTENDED_MASTER_SECRET);
    SSL *ssl = SSL_new(other);
    tg_ossl_policy_apply_ssl(ssl, &a.eff);
    uint64_t opts = SSL_get_options(ssl);
    assert_false(opts & (SSL_OP_NO_ENCRYPT_THEN_MAC | SSL_OP_NO_EXTENDED_MASTER_SECRET
                         | SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION));
    assert_true(opts & SSL_OP_NO_COMPRESSION);
    SSL_free(ssl);
    SSL_CTX_free(other);
    SSL_CTX_free(ctx);
}

/* No cap on the cipher list: every cipher of "ALL" is allowed and listed. */
static void long_cipher_lists_are_whole(void **state)
{
    tg_policy_overrides_t ov = {NULL, "ALL", NULL, NULL};
    tg_policy_t pol = build("intermediate", &ov);
    tg_ossl_resolved_t res;
    tg_ossl_effective_t eff;
    char err[256], small[16];
    SSL_CTX *ctx = weak_ctx(0, 0);
    (void)state;
    assert_int_equal(tg_ossl_policy_resolve(&pol, &res, err, sizeof(err)), 0);
    assert_int_equal(tg_ossl_policy_apply_ctx(ctx, &pol, &res, &eff, err, sizeof(err)), 0);
    STACK_OF(SSL_CIPHER) *sk = SSL_CTX_get_ciphers(ctx);
    int n = sk_SSL_CIPHER_num(sk);
    assert_true(n > 100);
    for (int i = 0; i < n; i++)
        assert_true(tg_ossl_guard_allows_cipher(
            &eff, (uint16_t)SSL_CIPHER_get_protocol_id(sk_SSL_CIPHER_value(sk, i))));
    size_t need = tg_ossl_describe_ciphers(ctx, 0, NULL, 0);
    assert_true(need > 2048);
    assert_int_equal(tg_ossl_describe_ciphers(ctx, 0, small, sizeof(small)), need);
    assert_int_equal(strlen(small) < sizeof(small), 1);
    SSL_CTX_free(ctx);
}

/* A group list that does not fit is refused, never cut. */
static void long_group_lists_are_refused(void **state)
{
    char groups[2 * TG_OSSL_LIST_MAX] = "";
    char err[256];
    tg_ossl_resolved_t res;
    (void)state;
    while (strlen(groups) + 12 < sizeof(groups))
        strcat(groups, groups[0] ? ":secp384r1" : "secp384r1");
    tg_policy_overrides_t ov = {NULL, NULL, NULL, groups};
    tg_policy_t pol = build("intermediate", &ov);
    assert_int_equal(tg_ossl_policy_resolve(&pol, &res, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "is longer than 511 bytes"));
    assert_int_equal(res.failed, TG_SETTING_GROUPS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_profile_resolves),
        cmocka_unit_test(intermediate_resolves_to_the_mozilla_lists),
        cmocka_unit_test(bad_values_are_named),
        cmocka_unit_test(apply_rewrites_a_weak_context),
        cmocka_unit_test(apply_intersects_with_the_vhost_range),
        cmocka_unit_test(apply_old_sets_level_zero_and_server_order),
        cmocka_unit_test(apply_keeps_a_higher_vhost_level),
        cmocka_unit_test(apply_ssl_sets_connection_settings),
        cmocka_unit_test(apply_resets_every_weakening_option),
        cmocka_unit_test(tickets_follow_the_profile),
        cmocka_unit_test(apply_ssl_undoes_the_first_contexts_options),
        cmocka_unit_test(long_cipher_lists_are_whole),
        cmocka_unit_test(long_group_lists_are_refused),
    };
    return cmocka_run_group_tests_name("ossl_policy", tests, NULL, NULL);
}
