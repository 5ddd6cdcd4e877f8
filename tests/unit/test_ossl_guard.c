/* The guard alone: real OpenSSL contexts and connections, a switch of
 * SSL_CTX as mod_ssl makes it, and the version checks OpenSSL runs when a
 * server handshake starts (tls_setup_handshake asks the security callback
 * about every version). A refused check leaves no version: the handshake
 * fails before any byte is read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/err.h>

#include "tg_ossl_guard.h"
#include "tg_ossl_policy.h"
#include "tg_policy.h"

/* The one connection under test, as a host's lookup would find it. */
static tg_ossl_guard_t *current;

static tg_ossl_guard_t *lookup(const SSL *ssl)
{
    (void)ssl;
    return current;
}

typedef struct {
    tg_policy_t pol;
    tg_ossl_resolved_t res;
    tg_ossl_effective_t eff;
    SSL_CTX *ctx;
} vhost_t;

static void guarded(vhost_t *v, const char *profile, const char *protocols)
{
    char err[256];
    tg_policy_overrides_t ov = {protocols, NULL, NULL, NULL};
    memset(v, 0, sizeof(*v));
    v->ctx = SSL_CTX_new(TLS_server_method());
    assert_non_null(v->ctx);
    assert_int_equal(tg_policy_build(tg_profile_find(profile), &ov, &v->pol, err, sizeof(err)), 0);
    assert_int_equal(tg_ossl_policy_resolve(&v->pol, &v->res, err, sizeof(err)), 0);
    assert_int_equal(tg_ossl_policy_apply_ctx(v->ctx, &v->pol, &v->res, &v->eff, err,
                                              sizeof(err)), 0);
}

static void unguarded(vhost_t *v)
{
    memset(v, 0, sizeof(*v));
    v->ctx = SSL_CTX_new(TLS_server_method());
    assert_non_null(v->ctx);
    tg_ossl_effective_record(v->ctx, &v->eff);
    tg_ossl_guard_install(v->ctx, &v->eff);
}

/* A server connection waiting for its ClientHello. */
static SSL *server_ssl(SSL_CTX *ctx)
{
    SSL *ssl = SSL_new(ctx);
    assert_non_null(ssl);
    BIO *in = BIO_new(BIO_s_mem()), *out = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in, -1);
    SSL_set_bio(ssl, in, out);
    SSL_set_accept_state(ssl);
    return ssl;
}

/* A server connection made from `from`, its guard told that `applied`'s
 * settings are on it, then switched to `to` as mod_ssl's SNI switch does;
 * returns 1 if the handshake could start (it waits for the ClientHello). */
static int starts(vhost_t *from, vhost_t *applied, vhost_t *to, int hello_seen,
                  tg_ossl_guard_t *g)
{
    SSL *ssl = server_ssl(from->ctx);
    memset(g, 0, sizeof(*g));
    g->applied = &applied->eff;
    g->hello_seen = hello_seen;
    current = g;
    if (to != from)
        assert_ptr_equal(SSL_set_SSL_CTX(ssl, to->ctx), to->ctx);
    int r = SSL_do_handshake(ssl);
    int waiting = r < 0 && SSL_get_error(ssl, r) == SSL_ERROR_WANT_READ;
    ERR_clear_error();
    SSL_free(ssl);
    return waiting;
}

static int setup(void **state)
{
    (void)state;
    tg_ossl_guard_set_lookup(lookup);
    return 0;
}

static void same_vhost_starts(void **state)
{
    vhost_t a;
    tg_ossl_guard_t g;
    (void)state;
    guarded(&a, "intermediate", NULL);
    assert_true(starts(&a, &a, &a, 1, &g));
    assert_false(g.refused);
    assert_ptr_equal(g.selected, &a.eff);
    SSL_CTX_free(a.ctx);
}

static void switch_to_another_guarded_vhost_is_refused(void **state)
{
    vhost_t a, b;
    tg_ossl_guard_t g;
    (void)state;
    guarded(&a, "intermediate", NULL);
    guarded(&b, "nist-800-52r2", NULL);
    assert_false(starts(&a, &a, &b, 1, &g)); /* the forecast said a, mod_ssl chose b */
    assert_true(g.refused);
    assert_ptr_equal(g.selected, &b.eff);
    assert_true(starts(&a, &b, &b, 1, &g)); /* the forecast was right */
    assert_false(g.refused);
    assert_ptr_equal(g.selected, &b.eff);
    SSL_CTX_free(a.ctx);
    SSL_CTX_free(b.ctx);
}

static void either_side_guarded_is_enough(void **state)
{
    vhost_t a, off, off2;
    tg_ossl_guard_t g;
    (void)state;
    guarded(&a, "intermediate", NULL);
    unguarded(&off);
    unguarded(&off2);
    assert_false(starts(&a, &a, &off, 1, &g)); /* guarded settings on an Off vhost */
    assert_true(g.refused);
    assert_false(starts(&off, &off, &a, 1, &g)); /* Off settings on a guarded vhost */
    assert_true(g.refused);
    assert_true(starts(&off, &off, &off2, 1, &g)); /* mod_ssl's own behaviour */
    assert_false(g.refused);
    SSL_CTX_free(a.ctx);
    SSL_CTX_free(off.ctx);
    SSL_CTX_free(off2.ctx);
}

static void before_the_hello_only_the_range_counts(void **state)
{
    vhost_t a, b;
    tg_ossl_guard_t g;
    (void)state;
    guarded(&a, "intermediate", NULL);
    guarded(&b, "nist-800-52r2", NULL);
    assert_true(starts(&a, &a, &b, 0, &g));
    assert_false(g.refused);
    assert_null(g.selected);
    SSL_CTX_free(a.ctx);
    SSL_CTX_free(b.ctx);
}

/* The connection's own range is wider than the policy's (as after a later
 * SSL_set_min_proto_version): the guard still allows only the policy's. */
static void versions_outside_the_policy_are_refused(void **state)
{
    vhost_t m;
    tg_ossl_guard_t g;
    (void)state;
    guarded(&m, "intermediate", "TLSv1.3");
    SSL *ssl = server_ssl(m.ctx);
    memset(&g, 0, sizeof(g));
    g.applied = &m.eff;
    current = &g;
    SSL_set_min_proto_version(ssl, TLS1_2_VERSION);
    SSL_set_max_proto_version(ssl, TLS1_2_VERSION);
    int r = SSL_do_handshake(ssl);
    assert_true(r <= 0);
    assert_int_not_equal(SSL_get_error(ssl, r), SSL_ERROR_WANT_READ);
    ERR_clear_error();
    SSL_free(ssl);
    SSL_CTX_free(m.ctx);
}

/* Without a record (a proxy connection, a host without lookup) only the
 * range counts. */
static void no_record_only_the_range_counts(void **state)
{
    vhost_t a, b;
    tg_ossl_guard_t g;
    (void)state;
    guarded(&a, "intermediate", NULL);
    guarded(&b, "nist-800-52r2", NULL);
    tg_ossl_guard_set_lookup(NULL);
    assert_true(starts(&a, &a, &b, 1, &g));
    assert_null(g.selected);
    tg_ossl_guard_set_lookup(lookup);
    SSL_CTX_free(a.ctx);
    SSL_CTX_free(b.ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_vhost_starts),
        cmocka_unit_test(switch_to_another_guarded_vhost_is_refused),
        cmocka_unit_test(either_side_guarded_is_enough),
        cmocka_unit_test(before_the_hello_only_the_range_counts),
        cmocka_unit_test(versions_outside_the_policy_are_refused),
        cmocka_unit_test(no_record_only_the_range_counts),
    };
    return cmocka_run_group_tests_name("ossl_guard", tests, setup, NULL);
}
