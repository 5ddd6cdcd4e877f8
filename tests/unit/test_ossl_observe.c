/*
 * tg_ossl_observe: real in-memory handshakes between an OpenSSL client and a
 * server carrying the observer, each outcome checked field by field; the
 * reason table; the message rules driven directly.
 *
 * The server's error queue is cleared before and after each server step, as
 * mod_ssl does (it drains the queue when it logs a failure): what the record
 * holds was captured during the step.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tg_ossl_observe.h"
#include "hello_builder.h"
#include "tg_event.h"
#include "tg_ossl_digest.h"

/* ---- fixture: key, certificate, host memory, clock ------------------------- */

static EVP_PKEY *key;
static X509 *cert;

static X509 *self_signed(EVP_PKEY *k)
{
    X509 *x = X509_new();
    X509_NAME *name;

    assert_non_null(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, k);
    name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"tlsguard.test",
                               -1, -1, 0);
    X509_set_issuer_name(x, name);
    assert_true(X509_sign(x, k, EVP_sha256()) > 0);
    return x;
}

static int observer_slot;

static int group_setup(void **state)
{
    (void)state;
    observer_slot = tg_ossl_observe_init(-1);
    if (observer_slot < 0)
        return -1;
    key = EVP_EC_gen("P-256");
    cert = key ? self_signed(key) : NULL;
    return cert ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    X509_free(cert);
    EVP_PKEY_free(key);
    return 0;
}

/* Host memory: every block is kept to be freed with the pair. */
typedef struct {
    void *blocks[4];
    size_t sizes[4];
    int n;
} arena_t;

static void *arena_alloc(void *baton, size_t size)
{
    arena_t *a = baton;
    if (a->n == 4)
        return NULL;
    a->sizes[a->n] = size;
    return a->blocks[a->n++] = malloc(size);
}

static int64_t clock_us;
static int64_t fake_now(void)
{
    return clock_us += 1000;
}

/* ---- a client and an observed server over memory BIOs ---------------------- */

typedef struct {
    SSL_CTX *sctx, *cctx;
    SSL *s, *c;
    BIO *s_in, *s_out, *c_in, *c_out;
    int s_result, c_result; /* 1 done, -1 failed, 0 running */
    tg_observation_t obs;
    tg_ossl_observer_t o;
    arena_t arena;
} pair_t;

static SSL_CTX *make_ctx(int server, int min, int max)
{
    SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
    assert_non_null(ctx);
    assert_int_equal(SSL_CTX_set_min_proto_version(ctx, min), 1);
    assert_int_equal(SSL_CTX_set_max_proto_version(ctx, max), 1);
    if (server) {
        assert_int_equal(SSL_CTX_use_certificate(ctx, cert), 1);
        assert_int_equal(SSL_CTX_use_PrivateKey(ctx, key), 1);
    }
    return ctx;
}

static BIO *mem_bio(void)
{
    BIO *b = BIO_new(BIO_s_mem());
    assert_non_null(b);
    BIO_set_mem_eof_return(b, -1); /* empty means "wait", not EOF */
    return b;
}

/* Contexts first (tests adjust them), then pair_start(). The server takes
 * TLS 1.2 and 1.3, the client what it is given. */
static void pair_init(pair_t *p, int cmin, int cmax)
{
    memset(p, 0, sizeof(*p));
    p->sctx = make_ctx(1, TLS1_2_VERSION, TLS1_3_VERSION);
    p->cctx = make_ctx(0, cmin, cmax);
}

/* SSLs and BIOs, the record and observer set up but not started. */
static void pair_open(pair_t *p)
{
    p->s = SSL_new(p->sctx);
    p->c = SSL_new(p->cctx);
    assert_non_null(p->s);
    assert_non_null(p->c);
    p->s_in = mem_bio();
    p->s_out = mem_bio();
    p->c_in = mem_bio();
    p->c_out = mem_bio();
    SSL_set_bio(p->s, p->s_in, p->s_out);
    SSL_set_bio(p->c, p->c_in, p->c_out);
    SSL_set_accept_state(p->s);
    SSL_set_connect_state(p->c);
    SSL_set_tlsext_host_name(p->c, "tlsguard.test");

    tg_observation_init(&p->obs);
    p->o.obs = &p->obs;
    p->o.alloc = arena_alloc;
    p->o.baton = &p->arena;
    p->o.now_us = fake_now;
    SSL_set_msg_callback(p->s, tg_ossl_observe_msg_cb);
    SSL_set_msg_callback_arg(p->s, &p->o);
}

static void pair_start(pair_t *p)
{
    pair_open(p);
    assert_int_equal(tg_ossl_observe_start(p->s, &p->o), 0);
}

static void pair_free(pair_t *p)
{
    SSL_free(p->s);
    SSL_free(p->c);
    SSL_CTX_free(p->sctx);
    SSL_CTX_free(p->cctx);
    for (int i = 0; i < p->arena.n; i++)
        free(p->arena.blocks[i]);
}

static void step(SSL *ssl, int *result)
{
    int r;
    if (*result != 0)
        return;
    ERR_clear_error();
    r = SSL_do_handshake(ssl);
    if (r == 1)
        *result = 1;
    else if (SSL_get_error(ssl, r) != SSL_ERROR_WANT_READ)
        *result = -1;
    ERR_clear_error();
}

static size_t move(BIO *from, BIO *to)
{
    char buf[4096];
    int n;
    size_t moved = 0;
    while ((n = BIO_read(from, buf, sizeof(buf))) > 0) {
        assert_int_equal(BIO_write(to, buf, n), n);
        moved += (size_t)n;
    }
    return moved;
}

/* Both sides step and exchange bytes until nothing moves any more. */
static void pump(pair_t *p)
{
    for (int round = 0; round < 64; round++) {
        size_t moved;
        step(p->c, &p->c_result);
        moved = move(p->c_out, p->s_in);
        step(p->s, &p->s_result);
        moved += move(p->s_out, p->c_in);
        if (moved == 0)
            return;
    }
    fail_msg("handshake did not settle");
}

static void run(pair_t *p)
{
    pair_start(p);
    pump(p);
}

static unsigned reason_of(const tg_observation_t *obs)
{
    return (unsigned)ERR_GET_REASON(obs->lib_error);
}

static void assert_alert(const tg_obs_alert_t *a, int level, int desc)
{
    assert_int_equal(a->seen, level != 0);
    assert_int_equal(a->level, level);
    assert_int_equal(a->desc, desc);
}

/* The server failed with this OpenSSL reason, recorded and mapped; nothing
 * negotiated. */
static void assert_failed(const pair_t *p, tg_tls_error_t error, int reason, const char *text)
{
    const tg_observation_t *obs = &p->obs;
    assert_int_equal(p->s_result, -1);
    assert_int_equal(obs->tls_error, error);
    assert_int_equal(ERR_GET_LIB(obs->lib_error), ERR_LIB_SSL);
    assert_int_equal(reason_of(obs), reason);
    if (text)
        assert_string_equal(obs->lib_error_text, text);
    assert_false(obs->handshake_done);
    assert_int_equal(obs->version, 0);
    assert_int_equal(obs->cipher, 0);
    assert_int_equal(obs->alpn_len, 0);
    assert_true(obs->done_us > 0);
}

/* ---- successful handshakes ---------------------------------------------------- */

static int select_http11(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                         const unsigned char *in, unsigned inlen, void *arg)
{
    static const unsigned char want[] = "\x08http/1.1";
    (void)ssl;
    (void)arg;
    if (SSL_select_next_proto((unsigned char **)out, outlen, want, sizeof(want) - 1, in, inlen)
        != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    return SSL_TLSEXT_ERR_OK;
}

static int ctx_info_calls, ctx_info_done;
static void ctx_info(const SSL *ssl, int where, int ret)
{
    (void)ssl;
    (void)ret;
    ctx_info_calls++;
    ctx_info_done += (where & SSL_CB_HANDSHAKE_DONE) != 0;
}

static void tls13_success(void **state)
{
    static const unsigned char alpn[] = "\x02h2\x08http/1.1";
    pair_t p;
    (void)state;
    pair_init(&p, TLS1_2_VERSION, TLS1_3_VERSION);
    assert_int_equal(SSL_CTX_set_ciphersuites(p.sctx, "TLS_AES_256_GCM_SHA384"), 1);
    assert_int_equal(SSL_CTX_set1_groups_list(p.sctx, "X25519:P-256"), 1);
    SSL_CTX_set_alpn_select_cb(p.sctx, select_http11, NULL);
    SSL_CTX_set_info_callback(p.sctx, ctx_info); /* as mod_ssl does at debug level */
    assert_int_equal(SSL_CTX_set_alpn_protos(p.cctx, alpn, sizeof(alpn) - 1), 0);
    ctx_info_calls = ctx_info_done = 0;
    run(&p);
    assert_int_equal(p.s_result, 1);
    assert_int_equal(p.c_result, 1);

    const tg_observation_t *obs = &p.obs;
    assert_true(obs->handshake_started);
    assert_true(obs->handshake_done);
    assert_int_equal(obs->tls_error, TG_TLSERR_NONE);
    assert_int_equal(obs->lib_error, 0);
    assert_string_equal(obs->lib_error_text, "");
    assert_int_equal(obs->version, 0x0304);
    assert_int_equal(obs->cipher, 0x1302);
    assert_int_equal(obs->group, 0x001d);
    assert_int_equal(obs->alpn_len, 8);
    assert_memory_equal(obs->alpn, "http/1.1", 8);
    assert_false(obs->resumed);
    assert_int_equal(obs->hellos, 1);
    assert_non_null(obs->hello);
    assert_int_equal(obs->hello[0], 1);
    assert_int_equal(obs->hello_len, 4 + ((size_t)obs->hello[1] << 16 | obs->hello[2] << 8
                                          | obs->hello[3]));
    assert_false(obs->hello_truncated);
    /* in: ClientHello, Finished; out: ServerHello, EncryptedExtensions,
     * Certificate, CertificateVerify, Finished, then two NewSessionTickets */
    assert_int_equal(obs->msgs_in, 2);
    assert_int_equal(obs->last_msg_in, 20);
    assert_int_equal(obs->msgs_out, 7);
    assert_int_equal(obs->last_msg_out, 4);
    assert_alert(&obs->alert_sent, 0, 0);
    assert_alert(&obs->alert_received, 0, 0);
    assert_true(obs->hello_us > 0);
    assert_true(obs->done_us > obs->hello_us);
    assert_int_equal(obs->first_len, 0); /* TLS input is not kept */
    /* mod_ssl's CTX callback still ran, through the chain */
    assert_int_equal(ctx_info_done, 1);
    assert_true(ctx_info_calls > 2);

    /* finish: our callback and link are gone, the CTX one stays in use */
    tg_ossl_observe_finish(&p.o, p.s);
    assert_null(SSL_get_info_callback(p.s));
    assert_true(p.o.stopped);
    pair_free(&p);
}

static void tls12_success_and_renegotiation(void **state)
{
    pair_t p;
    char byte = 'x';
    (void)state;
    pair_init(&p, TLS1_2_VERSION, TLS1_2_VERSION);
    assert_int_equal(SSL_CTX_set_cipher_list(p.sctx, "ECDHE-ECDSA-AES128-GCM-SHA256"), 1);
    assert_int_equal(SSL_CTX_set1_groups_list(p.cctx, "P-256"), 1);
    SSL_CTX_set_options(p.sctx, SSL_OP_ALLOW_CLIENT_RENEGOTIATION);
    run(&p);
    assert_int_equal(p.s_result, 1);

    const tg_observation_t *obs = &p.obs;
    const uint8_t *first_hello = obs->hello;
    assert_true(obs->handshake_done);
    assert_int_equal(obs->version, 0x0303);
    assert_int_equal(obs->cipher, 0xc02b);
    assert_int_equal(obs->group, 0x0017);
    assert_int_equal(obs->alpn_len, 0);
    /* in: ClientHello, ClientKeyExchange, Finished; out: ServerHello,
     * Certificate, ServerKeyExchange, ServerHelloDone, NewSessionTicket,
     * Finished */
    assert_int_equal(obs->msgs_in, 3);
    assert_int_equal(obs->msgs_out, 6);
    assert_int_equal(obs->last_msg_out, 20);
    unsigned msgs_in = obs->msgs_in;
    int64_t done = obs->done_us;

    /* a renegotiation is not a new hello; it is a later handshake, with
     * fresh outcome fields, here left unfinished */
    assert_int_equal(SSL_renegotiate(p.c), 1);
    assert_int_equal(SSL_do_handshake(p.c), -1);
    move(p.c_out, p.s_in);
    ERR_clear_error();
    assert_true(SSL_read(p.s, &byte, 1) <= 0);
    ERR_clear_error();
    assert_int_equal(obs->hellos, 1);
    assert_ptr_equal(obs->hello, first_hello);
    assert_int_equal(obs->msgs_in, msgs_in + 1);
    assert_int_equal(obs->last_msg_in, 1);
    assert_int_equal(obs->done_us, done);
    assert_int_equal(p.arena.n, 1);
    assert_int_equal(obs->phase, TG_OBS_PHASE_RENEGOTIATION);
    assert_false(obs->phase_done);
    assert_int_equal(obs->later_handshakes, 1);
    assert_int_equal(obs->cipher, 0xc02b); /* the first handshake's */

    /* after finish nothing changes any more */
    tg_ossl_observe_finish(&p.o, p.s);
    assert_int_equal(SSL_renegotiate(p.c), 1);
    move(p.s_out, p.c_in);
    SSL_do_handshake(p.c);
    move(p.c_out, p.s_in);
    SSL_read(p.s, &byte, 1);
    ERR_clear_error();
    assert_int_equal(obs->msgs_in, msgs_in + 1);
    pair_free(&p);
}

static void hello_retry_counts_two_hellos(void **state)
{
    pair_t p;
    (void)state;
    pair_init(&p, TLS1_3_VERSION, TLS1_3_VERSION);
    assert_int_equal(SSL_CTX_set1_groups_list(p.sctx, "X25519"), 1);
    assert_int_equal(SSL_CTX_set1_groups_list(p.cctx, "P-384:X25519"), 1);
    run(&p);
    assert_int_equal(p.s_result, 1);
    assert_int_equal(p.obs.hellos, 2);
    assert_int_equal(p.obs.group, 0x001d);
    assert_int_equal(p.arena.n, 1); /* only the first hello is copied */
    assert_non_null(p.obs.hello);
    pair_free(&p);
}

/* ---- later handshakes: renegotiation, post-handshake authentication ------- */

/* Both sides read (as mod_ssl's SSL_peek and a client waiting for its
 * response do) until nothing moves any more. */
static void pump_reads(pair_t *p)
{
    char byte;
    for (int round = 0; round < 16; round++) {
        size_t moved;
        ERR_clear_error();
        SSL_read(p->c, &byte, 1);
        moved = move(p->c_out, p->s_in);
        ERR_clear_error();
        SSL_peek(p->s, &byte, 0);
        ERR_clear_error();
        moved += move(p->s_out, p->c_in);
        if (moved == 0)
            return;
    }
    fail_msg("later handshake did not settle");
}

/* A TLS 1.2 connection as mod_ssl sets it up (renegotiation off on the
 * context, no resumption on renegotiation), its first handshake done with
 * ECDHE-ECDSA-AES128-GCM-SHA256. */
static void tls12_established(pair_t *p)
{
    pair_init(p, TLS1_2_VERSION, TLS1_2_VERSION);
    SSL_CTX_set_options(p->sctx, SSL_OP_NO_RENEGOTIATION
                                     | SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
    assert_int_equal(SSL_CTX_set_cipher_list(p->cctx, "ECDHE-ECDSA-AES128-GCM-SHA256:"
                                                      "ECDHE-ECDSA-AES256-GCM-SHA384"),
                     1);
    run(p);
    assert_int_equal(p->s_result, 1);
    assert_true(p->obs.handshake_done);
    assert_int_equal(p->obs.cipher, 0xc02b);
}

/* What mod_ssl does for a per-directory SSLCipherSuite: its cipher list on
 * the connection, renegotiation allowed for once, HelloRequest, then a read. */
static void server_renegotiates(pair_t *p, const char *ciphers)
{
    SSL_clear_options(p->s, SSL_OP_NO_RENEGOTIATION);
    assert_int_equal(SSL_set_cipher_list(p->s, ciphers), 1);
    assert_int_equal(SSL_renegotiate(p->s), 1);
    ERR_clear_error();
    SSL_do_handshake(p->s);
    ERR_clear_error();
    move(p->s_out, p->c_in);
    pump_reads(p);
}

/* What every later handshake keeps of the first one. */
static void assert_first_kept(const tg_observation_t *obs, uint16_t version, uint16_t cipher)
{
    assert_true(obs->handshake_done);
    assert_int_equal(obs->version, version);
    assert_int_equal(obs->cipher, cipher);
    assert_int_equal(obs->hellos, 1);
    assert_non_null(obs->hello);
}

static void renegotiation_inside_the_policy_completes(void **state)
{
    pair_t p;
    (void)state;
    tls12_established(&p);
    server_renegotiates(&p, "ECDHE-ECDSA-AES256-GCM-SHA384");
    assert_string_equal(SSL_get_cipher_name(p.s), "ECDHE-ECDSA-AES256-GCM-SHA384");

    const tg_observation_t *obs = &p.obs;
    assert_int_equal(obs->phase, TG_OBS_PHASE_RENEGOTIATION);
    assert_true(obs->phase_done);
    assert_int_equal(obs->later_handshakes, 1);
    assert_true(tg_observation_complete(obs));
    assert_int_equal(obs->tls_error, TG_TLSERR_NONE);
    assert_int_equal(obs->lib_error, 0);
    assert_alert(&obs->alert_sent, 0, 0);
    assert_alert(&obs->alert_received, 0, 0);
    assert_int_equal(obs->last_msg_in, 20);
    assert_first_kept(obs, 0x0303, 0xc02b);

    /* a second one later is a later handshake of its own */
    server_renegotiates(&p, "ECDHE-ECDSA-AES128-GCM-SHA256");
    assert_int_equal(obs->later_handshakes, 2);
    assert_true(tg_observation_complete(obs));
    pair_free(&p);
}

/* A per-directory cipher the client does not offer (the policy's security
 * callback refusing it ends the same way): the first handshake's values stay,
 * the outcome fields are the renegotiation's. */
static void renegotiation_failure_is_recorded(void **state)
{
    pair_t p;
    (void)state;
    tls12_established(&p);
    server_renegotiates(&p, "ECDHE-ECDSA-CHACHA20-POLY1305");

    const tg_observation_t *obs = &p.obs;
    assert_int_equal(obs->phase, TG_OBS_PHASE_RENEGOTIATION);
    assert_false(obs->phase_done);
    assert_false(tg_observation_complete(obs));
    assert_int_equal(obs->tls_error, TG_TLSERR_NO_SHARED_CIPHER);
    assert_int_equal(reason_of(obs), SSL_R_NO_SHARED_CIPHER);
    assert_string_equal(obs->lib_error_text, "no shared cipher");
    assert_alert(&obs->alert_sent, 2, 40);
    assert_int_equal(obs->last_msg_out, 0); /* our HelloRequest */
    assert_int_equal(obs->last_msg_in, 1);  /* the client's new hello */
    assert_first_kept(obs, 0x0303, 0xc02b);

    /* the failed one is kept: no further later handshake begins */
    tg_ossl_observe_msg(&p.o, 1, TLS1_2_VERSION, SSL3_RT_HANDSHAKE, "\x00\x00\x00\x00", 4, p.s);
    assert_int_equal(obs->later_handshakes, 1);
    assert_int_equal(obs->tls_error, TG_TLSERR_NO_SHARED_CIPHER);
    pair_free(&p);
}

/* A client's renegotiation under SSL_OP_NO_RENEGOTIATION: OpenSSL answers
 * with a warning no_renegotiation, OpenSSL's client gives up with a fatal
 * handshake_failure. */
static void client_renegotiation_is_refused(void **state)
{
    pair_t p;
    (void)state;
    tls12_established(&p);
    assert_int_equal(SSL_renegotiate(p.c), 1);
    ERR_clear_error();
    SSL_do_handshake(p.c);
    move(p.c_out, p.s_in);
    pump_reads(&p);

    const tg_observation_t *obs = &p.obs;
    assert_int_equal(obs->phase, TG_OBS_PHASE_RENEGOTIATION);
    assert_false(obs->phase_done);
    assert_int_equal(obs->tls_error, TG_TLSERR_RENEGOTIATION_REFUSED);
    assert_alert(&obs->alert_sent, 1, 100);
    assert_alert(&obs->alert_received, 2, 40);
    assert_first_kept(obs, 0x0303, 0xc02b);
    pair_free(&p);
}

/* The client refuses our HelloRequest: OpenSSL ends the connection. */
static void client_refuses_our_renegotiation(void **state)
{
    pair_t p;
    (void)state;
    tls12_established(&p);
    SSL_set_options(p.c, SSL_OP_NO_RENEGOTIATION);
    server_renegotiates(&p, "ECDHE-ECDSA-AES256-GCM-SHA384");

    const tg_observation_t *obs = &p.obs;
    assert_int_equal(obs->phase, TG_OBS_PHASE_RENEGOTIATION);
    assert_false(obs->phase_done);
    assert_int_equal(obs->tls_error, TG_TLSERR_NO_RENEGOTIATION);
    assert_int_equal(reason_of(obs), SSL_R_NO_RENEGOTIATION);
    assert_alert(&obs->alert_received, 1, 100);
    assert_alert(&obs->alert_sent, 2, 40);
    assert_int_equal(obs->last_msg_out, 0);
    assert_int_equal(obs->last_msg_in, TG_OBS_NO_MSG);
    pair_free(&p);
}

static int accept_any(int ok, X509_STORE_CTX *x)
{
    (void)ok, (void)x;
    return 1;
}

/* TLS 1.3, the client offering post-handshake authentication (with a
 * certificate or without), the first handshake done. */
static uint16_t pha_established(pair_t *p, int client_has_cert)
{
    pair_init(p, TLS1_3_VERSION, TLS1_3_VERSION);
    SSL_CTX_set_post_handshake_auth(p->cctx, 1);
    if (client_has_cert) {
        assert_int_equal(SSL_CTX_use_certificate(p->cctx, cert), 1);
        assert_int_equal(SSL_CTX_use_PrivateKey(p->cctx, key), 1);
    }
    run(p);
    assert_int_equal(p->s_result, 1);
    return p->obs.cipher;
}

/* What mod_ssl does for a per-directory SSLVerifyClient require under TLS 1.3. */
static void server_asks_certificate(pair_t *p)
{
    SSL_set_verify(p->s, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_any);
    assert_int_equal(SSL_verify_client_post_handshake(p->s), 1);
    ERR_clear_error();
    SSL_do_handshake(p->s);
    move(p->s_out, p->c_in);
    pump_reads(p);
}

static void post_handshake_auth_completes(void **state)
{
    pair_t p;
    (void)state;
    uint16_t cipher = pha_established(&p, 1);
    server_asks_certificate(&p);

    const tg_observation_t *obs = &p.obs;
    assert_non_null(SSL_get0_peer_certificate(p.s));
    assert_int_equal(obs->phase, TG_OBS_PHASE_POST_HANDSHAKE_AUTH);
    assert_true(obs->phase_done);
    assert_true(tg_observation_complete(obs));
    assert_int_equal(obs->last_msg_in, 20);
    assert_alert(&obs->alert_sent, 0, 0);
    assert_int_equal(obs->tls_error, TG_TLSERR_NONE);
    assert_first_kept(obs, 0x0304, cipher);
    pair_free(&p);
}

static void post_handshake_auth_failure_is_recorded(void **state)
{
    pair_t p;
    (void)state;
    uint16_t cipher = pha_established(&p, 0);
    server_asks_certificate(&p);

    const tg_observation_t *obs = &p.obs;
    assert_int_equal(obs->phase, TG_OBS_PHASE_POST_HANDSHAKE_AUTH);
    assert_false(obs->phase_done);
    assert_false(tg_observation_complete(obs));
    assert_int_equal(obs->tls_error, TG_TLSERR_PEER_NO_CERTIFICATE);
    assert_int_equal(reason_of(obs), SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE);
    assert_alert(&obs->alert_sent, 2, 116);
    assert_int_equal(obs->last_msg_out, 13); /* our CertificateRequest */
    assert_int_equal(obs->last_msg_in, 11);  /* the client's empty Certificate */
    assert_first_kept(obs, 0x0304, cipher);
    pair_free(&p);
}

/* The first ClientHello record cut in two: OpenSSL reassembles it and the
 * copy is the whole message. */
static void split_hello_is_copied_whole(void **state)
{
    pair_t p;
    uint8_t rec[4096], out[4096 + 5];
    int n;
    (void)state;
    pair_init(&p, TLS1_2_VERSION, TLS1_3_VERSION);
    pair_start(&p);
    step(p.c, &p.c_result);
    n = BIO_read(p.c_out, rec, sizeof(rec));
    assert_true(n > 5 + 100);
    size_t body = (size_t)rec[3] << 8 | rec[4], cut = 40;
    assert_int_equal((size_t)n, 5 + body);
    memcpy(out, rec, 3);
    out[3] = 0, out[4] = (uint8_t)cut;
    memcpy(out + 5, rec + 5, cut);
    memcpy(out + 5 + cut, rec, 3);
    out[5 + cut + 3] = (uint8_t)((body - cut) >> 8);
    out[5 + cut + 4] = (uint8_t)(body - cut);
    memcpy(out + 10 + cut, rec + 5 + cut, body - cut);
    assert_int_equal(BIO_write(p.s_in, out, (int)(body + 10)), (int)(body + 10));
    step(p.s, &p.s_result);
    pump(&p);
    assert_int_equal(p.s_result, 1);
    assert_int_equal(p.obs.hello_len, body);
    assert_memory_equal(p.obs.hello, rec + 5, body);
    assert_false(p.obs.hello_truncated);
    pair_free(&p);
}

/* A ClientHello beyond TG_OBS_MAX_HELLO (a 20000-byte extension). */
static int add_big_ext(SSL *s, unsigned type, unsigned ctx, const unsigned char **out,
                       size_t *outlen, X509 *x, size_t chainidx, int *al, void *arg)
{
    static unsigned char big[20000];
    (void)s, (void)type, (void)ctx, (void)x, (void)chainidx, (void)al, (void)arg;
    *out = big;
    *outlen = sizeof(big);
    return 1;
}

/* Kept whole and parsed: the event gets its server name and fingerprints. */
static void oversized_hello_is_kept_whole(void **state)
{
    pair_t p;
    (void)state;
    pair_init(&p, TLS1_2_VERSION, TLS1_3_VERSION);
    assert_int_equal(SSL_CTX_add_custom_ext(p.cctx, 0xff00, SSL_EXT_CLIENT_HELLO, add_big_ext,
                                            NULL, NULL, NULL, NULL),
                     1);
    run(&p);
    assert_int_equal(p.s_result, 1);
    const tg_observation_t *obs = &p.obs;
    size_t full = 4 + ((size_t)obs->hello[1] << 16 | obs->hello[2] << 8 | obs->hello[3]);
    assert_true(full > 20000);
    assert_int_equal(obs->hello_len, full);
    assert_false(obs->hello_truncated);
    assert_int_equal(p.arena.sizes[0], full);
    assert_true(obs->hello_parsed);
    assert_int_equal(obs->hello_err, TG_HELLO_OK);
    assert_true(obs->hello_view.has_sni);
    assert_int_equal(obs->hellos, 1);
    pair_free(&p);
}

static int line_has(const char *line, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(line + i, needle, n) == 0)
            return 1;
    return 0;
}

/* 3,000 suites: more fingerprint work than the event's stack buffer holds,
 * so the observer sets it aside with the copy, up to work_max. */
static void large_hello_gets_fingerprint_work(void **state)
{
    static uint16_t ciphers[3000];
    char line[TG_EVENT_LINE_MAX];
    tg_event_ctx_t ctx = {.md5 = tg_ossl_md5, .sha256 = tg_ossl_sha256};
    for (size_t w = 0; w < 2; w++) {
        arena_t arena = {0};
        tg_observation_t obs;
        tg_ossl_observer_t o = {.obs = &obs, .alloc = arena_alloc, .baton = &arena,
                                .work_max = w ? TG_EVENT_WORK_MAX : 0};
        (void)state;
        for (size_t i = 0; i < 3000; i++)
            ciphers[i] = (uint16_t)(0x0100 + i);
        hb_t *m = hb_begin(0x0303, ciphers, 3000, 0);
        size_t n = hb_end(m);
        tg_observation_init(&obs);
        tg_ossl_observe_msg(&o, 0, TLS1_2_VERSION, SSL3_RT_HANDSHAKE, m->b, n, NULL);
        assert_int_equal(obs.hello_err, TG_HELLO_OK);
        size_t need = tg_fp_work_size(&obs.hello_view);
        assert_true(need > TG_EVENT_STACK_WORK);
        assert_int_equal(obs.fp_work_size, w ? need : 0);
        obs.tls_error = TG_TLSERR_NO_SHARED_CIPHER;
        size_t len = tg_event_build(&obs, &ctx, line, sizeof(line));
        assert_true(len > 0);
        /* without the work space: no fingerprints, and the line says so */
        assert_int_equal(line_has(line, len, "\"ja4\":\"t12i990000_"), w == 1);
        assert_int_equal(line_has(line, len, "\"ja3\":\""), w == 1);
        assert_true(line_has(line, len, "\"truncated\":true")); /* the suite list */
        for (int i = 0; i < arena.n; i++)
            free(arena.blocks[i]);
    }
}

/* ---- failed handshakes ------------------------------------------------------ */

static void old_client(pair_t *p) /* TLS 1.0 only */
{
    SSL_CTX_set_security_level(p->cctx, 0);
    assert_int_equal(SSL_CTX_set_cipher_list(p->cctx, "DEFAULT:@SECLEVEL=0"), 1);
}

static void weak_ciphers_only(pair_t *p)
{
    assert_int_equal(SSL_CTX_set_cipher_list(p->sctx, "ECDHE-ECDSA-AES128-GCM-SHA256"), 1);
    assert_int_equal(SSL_CTX_set_cipher_list(p->cctx, "AES128-SHA"), 1);
}

static void other_groups(pair_t *p)
{
    assert_int_equal(SSL_CTX_set1_groups_list(p->sctx, "X25519"), 1);
    assert_int_equal(SSL_CTX_set1_groups_list(p->cctx, "P-384"), 1);
}

/* The client refuses our self-signed certificate with unknown_ca. */
static void verifying_client(pair_t *p)
{
    SSL_CTX_set_verify(p->cctx, SSL_VERIFY_PEER, NULL);
}

static int refuse_name(SSL *ssl, int *al, void *arg)
{
    (void)ssl, (void)arg;
    *al = SSL_AD_UNRECOGNIZED_NAME;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

static void sni_refused(pair_t *p)
{
    SSL_CTX_set_tlsext_servername_callback(p->sctx, refuse_name);
}

static int refuse_alpn(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned inlen, void *arg)
{
    (void)ssl, (void)out, (void)outlen, (void)in, (void)inlen, (void)arg;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

static void alpn_refused(pair_t *p)
{
    static const unsigned char alpn[] = "\x02h2";
    SSL_CTX_set_alpn_select_cb(p->sctx, refuse_alpn, NULL);
    assert_int_equal(SSL_CTX_set_alpn_protos(p->cctx, alpn, sizeof(alpn) - 1), 0);
}

/* A client whose hello the server received, then a failure. */
typedef struct {
    const char *name;
    int client_min, client_max;
    void (*setup)(pair_t *p);
    tg_tls_error_t error;
    int reason; /* SSL_R_* */
    const char *text;
    int alert_out, alert_in; /* fatal alert descriptions, 0: none */
    int last_out;            /* last handshake message we sent */
    unsigned msgs_out;
} failure_t;

#define V10 TLS1_VERSION
#define V12 TLS1_2_VERSION
#define V13 TLS1_3_VERSION
static const failure_t failures[] = {
    {"TLS 1.0 client", V10, V10, old_client, TG_TLSERR_UNSUPPORTED_PROTOCOL,
     SSL_R_UNSUPPORTED_PROTOCOL, "unsupported protocol", 70, 0, TG_OBS_NO_MSG, 0},
    {"no shared cipher", V12, V12, weak_ciphers_only, TG_TLSERR_NO_SHARED_CIPHER,
     SSL_R_NO_SHARED_CIPHER, "no shared cipher", 40, 0, TG_OBS_NO_MSG, 0},
    {"no shared group", V13, V13, other_groups, TG_TLSERR_NO_SHARED_GROUP,
     SSL_R_NO_SUITABLE_KEY_SHARE, "no suitable key share", 40, 0, TG_OBS_NO_MSG, 0},
    /* after ServerHello, EncryptedExtensions, Certificate, CertificateVerify, Finished */
    {"certificate refused, TLS 1.3", V13, V13, verifying_client, TG_TLSERR_PEER_ALERT,
     SSL_R_TLSV1_ALERT_UNKNOWN_CA, "tlsv1 alert unknown ca", 0, 48, 20, 5},
    /* after ServerHello, Certificate, ServerKeyExchange, ServerHelloDone */
    {"certificate refused, TLS 1.2", V12, V12, verifying_client, TG_TLSERR_PEER_ALERT,
     SSL_R_TLSV1_ALERT_UNKNOWN_CA, "tlsv1 alert unknown ca", 0, 48, 14, 4},
    /* a refused callback, named by its alert */
    {"unknown server name", V12, V13, sni_refused, TG_TLSERR_UNRECOGNIZED_NAME,
     SSL_R_CALLBACK_FAILED, "callback failed", 112, 0, TG_OBS_NO_MSG, 0},
    {"no shared ALPN protocol", V12, V13, alpn_refused, TG_TLSERR_NO_APPLICATION_PROTOCOL,
     SSL_R_NO_APPLICATION_PROTOCOL, "no application protocol", 120, 0, TG_OBS_NO_MSG, 0},
};

static void check_failure(const failure_t *f)
{
    pair_t p;
    pair_init(&p, f->client_min, f->client_max);
    f->setup(&p);
    run(&p);
    assert_failed(&p, f->error, f->reason, f->text);

    const tg_observation_t *obs = &p.obs;
    assert_alert(&obs->alert_sent, f->alert_out ? 2 : 0, f->alert_out);
    assert_alert(&obs->alert_received, f->alert_in ? 2 : 0, f->alert_in);
    assert_int_equal(obs->last_msg_out, f->last_out);
    assert_int_equal(obs->msgs_out, f->msgs_out);
    assert_true(obs->handshake_started);
    assert_int_equal(obs->hellos, 1);
    assert_int_equal(obs->last_msg_in, 1);
    assert_int_equal(obs->msgs_in, 1);
    assert_non_null(obs->hello);
    assert_int_equal(obs->hello[0], 1);
    /* the hello's legacy_version: what the client offered at most, 1.2 for 1.3 */
    assert_int_equal(obs->hello[4] << 8 | obs->hello[5],
                     f->client_max < V13 ? f->client_max : V12);
    assert_true(obs->hello_us > 0);
    assert_true(obs->done_us > obs->hello_us);
    assert_int_equal(obs->first_len, 0);
    pair_free(&p);
}

static void failures_are_recorded(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(failures) / sizeof(failures[0]); i++) {
        print_message("  %s\n", failures[i].name);
        check_failure(&failures[i]);
    }
}

/* ---- protocol violations after the hello ------------------------------------ */

/* Everything one side has written so far goes to the other, changed by
 * `alter` on the way. */
static void deliver_altered(BIO *from, BIO *to, void (*alter)(uint8_t *, int))
{
    static uint8_t buf[16384];
    int n = BIO_read(from, buf, sizeof(buf));
    assert_true(n > 0);
    alter(buf, n);
    assert_int_equal(BIO_write(to, buf, n), n);
}

static void flip_last_byte(uint8_t *b, int n)
{
    b[n - 1] ^= 0x01;
}

/* One character of our certificate's name changed on its way to the client:
 * its transcript differs from ours, its keys do not (no extended master
 * secret), so its Finished arrives intact but wrong. */
static void rename_certificate(uint8_t *b, int n)
{
    static const char name[] = "tlsguard.test";
    for (int i = 0; i + (int)sizeof(name) - 1 <= n; i++) {
        if (memcmp(b + i, name, sizeof(name) - 1) == 0) {
            b[i] = 'T';
            return;
        }
    }
    fail_msg("our certificate's name is not in the flight");
}

/* TLS 1.3: the client's Finished record damaged in transit. */
static void bad_record_mac_is_recorded(void **state)
{
    pair_t p;
    (void)state;
    pair_init(&p, TLS1_3_VERSION, TLS1_3_VERSION);
    pair_start(&p);
    step(p.c, &p.c_result);
    move(p.c_out, p.s_in);
    step(p.s, &p.s_result);
    move(p.s_out, p.c_in);
    step(p.c, &p.c_result);
    assert_int_equal(p.c_result, 1);
    deliver_altered(p.c_out, p.s_in, flip_last_byte);
    step(p.s, &p.s_result);
    assert_int_equal(p.s_result, -1);
    assert_int_equal(p.obs.tls_error, TG_TLSERR_BAD_RECORD_MAC);
    assert_int_equal(reason_of(&p.obs), SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC);
    assert_alert(&p.obs.alert_sent, 2, 20);
    assert_int_equal(p.obs.last_msg_out, 20);
    assert_false(p.obs.handshake_done);
    pair_free(&p);
}

/* TLS 1.2: a Finished whose MAC does not match ("digest check failed"). */
static void bad_finished_is_a_decrypt_error(void **state)
{
    pair_t p;
    (void)state;
    pair_init(&p, TLS1_2_VERSION, TLS1_2_VERSION);
    SSL_CTX_set_options(p.cctx, SSL_OP_NO_EXTENDED_MASTER_SECRET);
    pair_start(&p);
    step(p.c, &p.c_result);
    move(p.c_out, p.s_in);
    step(p.s, &p.s_result);
    deliver_altered(p.s_out, p.c_in, rename_certificate);
    step(p.c, &p.c_result);
    move(p.c_out, p.s_in);
    step(p.s, &p.s_result);
    assert_int_equal(p.s_result, -1);
    assert_int_equal(p.obs.tls_error, TG_TLSERR_DECRYPT_ERROR);
    assert_int_equal(reason_of(&p.obs), SSL_R_DIGEST_CHECK_FAILED);
    assert_string_equal(p.obs.lib_error_text, "digest check failed");
    assert_alert(&p.obs.alert_sent, 2, 51);
    assert_int_equal(p.obs.last_msg_in, 20);
    assert_int_equal(p.obs.last_msg_out, 14);
    pair_free(&p);
}

/* Raw bytes instead of a ClientHello. */
static void feed_raw(pair_t *p, const void *bytes, size_t len)
{
    pair_init(p, TLS1_2_VERSION, TLS1_3_VERSION);
    pair_start(p);
    assert_int_equal(BIO_write(p->s_in, bytes, (int)len), (int)len);
    step(p->s, &p->s_result);
}

static void http_on_the_tls_port(void **state)
{
    static const char req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    pair_t p;
    (void)state;
    feed_raw(&p, req, sizeof(req) - 1);
    assert_failed(&p, TG_TLSERR_HTTP_REQUEST, SSL_R_HTTP_REQUEST, "http request");
    const tg_observation_t *obs = &p.obs;
    assert_true(obs->handshake_started);
    assert_int_equal(obs->first_len, 5);
    assert_memory_equal(obs->first_bytes, "GET /", 5);
    assert_int_equal(obs->hellos, 0);
    assert_null(obs->hello);
    assert_int_equal(obs->last_msg_in, TG_OBS_NO_MSG);
    assert_int_equal(obs->last_msg_out, TG_OBS_NO_MSG);
    assert_alert(&obs->alert_sent, 0, 0);
    pair_free(&p);
}

static void garbage_is_not_tls(void **state)
{
    static const char junk[] = "\x01\x02\x03\x04\x05\x06\x07\x08\x09";
    pair_t p;
    (void)state;
    feed_raw(&p, junk, sizeof(junk) - 1);
    assert_failed(&p, TG_TLSERR_NOT_TLS, SSL_R_WRONG_VERSION_NUMBER, "wrong version number");
    assert_int_equal(p.obs.first_len, 5);
    assert_memory_equal(p.obs.first_bytes, junk, 5);
    pair_free(&p);
}

/* Half a ClientHello, then the client closes. */
static void eof_mid_hello(void **state)
{
    pair_t p;
    uint8_t rec[4096];
    (void)state;
    pair_init(&p, TLS1_2_VERSION, TLS1_3_VERSION);
    pair_start(&p);
    step(p.c, &p.c_result);
    int n = BIO_read(p.c_out, rec, sizeof(rec));
    assert_true(n > 100);
    assert_int_equal(BIO_write(p.s_in, rec, n / 2), n / 2);
    BIO_set_mem_eof_return(p.s_in, 0);
    step(p.s, &p.s_result);
    assert_failed(&p, TG_TLSERR_UNEXPECTED_EOF, SSL_R_UNEXPECTED_EOF_WHILE_READING, NULL);
    assert_true(p.obs.handshake_started);
    assert_int_equal(p.obs.hellos, 0);
    assert_int_equal(p.obs.first_len, 0);
    pair_free(&p);
}

/* SSLv2-format hello (RFC 5246 E.2): counted, not copied; its failure is
 * recorded like any other. */
static void sslv2_hello_is_counted(void **state)
{
    static const uint8_t v2[] = {
        0x80, 0x1c, 0x01, 0x03, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00, 0x10, /* header */
        0x00, 0xc0, 0x2b,                                                 /* cipher */
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};          /* challenge */
    pair_t p;
    (void)state;
    feed_raw(&p, v2, sizeof(v2));
    assert_int_equal(p.obs.hellos, 1);
    assert_int_equal(p.obs.last_msg_in, 1);
    assert_null(p.obs.hello);
    assert_int_equal(p.obs.first_len, 0);
    assert_true(p.obs.handshake_started);
    /* no sigalgs extension: SHA-1 only, refused at the default security level */
    assert_failed(&p, TG_TLSERR_NO_SHARED_CIPHER, SSL_R_NO_SHARED_CIPHER, NULL);
    assert_alert(&p.obs.alert_sent, 2, 40);
    pair_free(&p);
}

/* ---- callback chaining ----------------------------------------------------- */

static int ctx2_info_done;
static void ctx2_info(const SSL *ssl, int where, int ret)
{
    (void)ssl, (void)ret;
    ctx2_info_done += (where & SSL_CB_HANDSHAKE_DONE) != 0;
}

static SSL_CTX *switch_to;
static int switch_ctx(SSL *ssl, int *al, void *arg)
{
    (void)al, (void)arg;
    SSL_set_SSL_CTX(ssl, switch_to);
    return SSL_TLSEXT_ERR_OK;
}

/* The CTX callback chained is the one of the CTX in use at each call. */
static void chain_follows_sni_switch(void **state)
{
    pair_t p;
    (void)state;
    pair_init(&p, TLS1_2_VERSION, TLS1_3_VERSION);
    switch_to = make_ctx(1, TLS1_2_VERSION, TLS1_3_VERSION);
    SSL_CTX_set_info_callback(p.sctx, ctx_info);
    SSL_CTX_set_info_callback(switch_to, ctx2_info);
    SSL_CTX_set_tlsext_servername_callback(p.sctx, switch_ctx);
    ctx_info_calls = ctx_info_done = ctx2_info_done = 0;
    run(&p);
    assert_int_equal(p.s_result, 1);
    assert_ptr_equal(SSL_get_SSL_CTX(p.s), switch_to);
    assert_true(ctx_info_calls > 0);
    assert_int_equal(ctx_info_done, 0);
    assert_int_equal(ctx2_info_done, 1);
    assert_true(p.obs.handshake_done);
    pair_free(&p);
    SSL_CTX_free(switch_to);
}

static int ssl_info_done;
static void ssl_info(const SSL *ssl, int where, int ret)
{
    (void)ssl, (void)ret;
    ssl_info_done += (where & SSL_CB_HANDSHAKE_DONE) != 0;
}

/* An SSL-level callback set before us is the one chained (OpenSSL would
 * have preferred it to the CTX's), and finish puts it back. */
static void chain_keeps_earlier_ssl_callback(void **state)
{
    pair_t p;
    (void)state;
    pair_init(&p, TLS1_2_VERSION, TLS1_3_VERSION);
    SSL_CTX_set_info_callback(p.sctx, ctx_info);
    ctx_info_calls = ctx_info_done = ssl_info_done = 0;
    pair_open(&p);
    SSL_set_info_callback(p.s, ssl_info);
    assert_int_equal(tg_ossl_observe_start(p.s, &p.o), 0);
    pump(&p);
    assert_int_equal(p.s_result, 1);
    assert_int_equal(ssl_info_done, 1);
    assert_int_equal(ctx_info_calls, 0);
    assert_true(p.obs.handshake_done);
    tg_ossl_observe_finish(&p.o, p.s);
    assert_ptr_equal(SSL_get_info_callback(p.s), ssl_info);
    tg_ossl_observe_finish(&p.o, p.s); /* twice is harmless */
    assert_ptr_equal(SSL_get_info_callback(p.s), ssl_info);
    pair_free(&p);
}

/* ---- the message rules, driven directly ---------------------------------- */

static void msg(tg_ossl_observer_t *o, int write_p, int type, const void *buf, size_t len)
{
    tg_ossl_observe_msg(o, write_p, TLS1_2_VERSION, type, buf, len, NULL);
}

static void alerts_keep_first_fatal_else_last(void **state)
{
    tg_observation_t obs;
    tg_ossl_observer_t o = {.obs = &obs, .now_us = fake_now};
    (void)state;
    tg_observation_init(&obs);
    msg(&o, 1, SSL3_RT_ALERT, "\x01\x70", 2); /* warning unrecognized_name */
    assert_alert(&obs.alert_sent, 1, 112);
    msg(&o, 1, SSL3_RT_ALERT, "\x01\x5a", 2); /* warning user_canceled: the last */
    assert_alert(&obs.alert_sent, 1, 90);
    assert_int_equal(obs.done_us, 0); /* a warning ends nothing */
    msg(&o, 1, SSL3_RT_ALERT, "\x02\x28", 2); /* fatal handshake_failure */
    int64_t end = obs.done_us;
    assert_true(end > 0);
    msg(&o, 1, SSL3_RT_ALERT, "\x02\x50", 2); /* a later fatal is ignored */
    assert_alert(&obs.alert_sent, 2, 40);
    assert_int_equal(obs.done_us, end);
    msg(&o, 0, SSL3_RT_ALERT, "\x02", 1); /* malformed: ignored */
    assert_false(obs.alert_received.seen);
    msg(&o, 0, SSL3_RT_ALERT, "\x02\x30", 2);
    assert_int_equal(obs.alert_received.desc, 48);
    assert_int_equal(obs.tls_error, TG_TLSERR_NONE); /* only the library's reason counts */
}

static void first_bytes_rules(void **state)
{
    tg_observation_t obs;
    tg_ossl_observer_t o = {.obs = &obs};
    (void)state;
    tg_observation_init(&obs);
    msg(&o, 0, SSL3_RT_HEADER, "\x16\x03\x01\x00\x30", 5); /* TLS: nothing kept */
    assert_true(obs.handshake_started);
    assert_int_equal(obs.first_len, 0);
    msg(&o, 0, SSL3_RT_HEADER, "GET /", 5); /* not the first input any more */
    assert_int_equal(obs.first_len, 0);

    tg_observation_init(&obs);
    memcpy(obs.first_bytes, "host", 4); /* the host saw the bytes itself */
    obs.first_len = 4;
    msg(&o, 0, SSL3_RT_HEADER, "GET /", 5);
    assert_int_equal(obs.first_len, 4);
    assert_memory_equal(obs.first_bytes, "host", 4);

    tg_observation_init(&obs);
    msg(&o, 1, SSL3_RT_HEADER, "\x15\x03\x03\x00\x02", 5); /* output is not input */
    assert_false(obs.handshake_started);
}

static void hello_without_memory(void **state)
{
    static const uint8_t hello[] = {1, 0, 0, 2, 3, 3};
    tg_observation_t obs;
    tg_ossl_observer_t o = {.obs = &obs};
    (void)state;
    tg_observation_init(&obs);
    msg(&o, 0, SSL3_RT_HANDSHAKE, hello, sizeof(hello));
    assert_int_equal(obs.hellos, 1);
    assert_null(obs.hello);
    assert_int_equal(obs.hello_len, 0);
    assert_int_equal(obs.hello_us, 0); /* no clock */
    msg(&o, 0, SSL3_RT_HANDSHAKE, hello, 0); /* empty: ignored */
    assert_int_equal(obs.msgs_in, 1);
}

static void after_done_only_handshake_messages(void **state)
{
    tg_observation_t obs;
    tg_ossl_observer_t o = {.obs = &obs};
    (void)state;
    tg_observation_init(&obs);
    obs.handshake_done = 1;
    msg(&o, 0, SSL3_RT_ALERT, "\x01\x00", 2); /* close_notify: no later handshake */
    msg(&o, 0, SSL3_RT_HEADER, "GET /", 5);
    assert_false(obs.alert_received.seen);
    assert_false(obs.handshake_started);
    msg(&o, 1, SSL3_RT_HANDSHAKE, "\x04\x00\x00\x00", 4); /* NewSessionTicket */
    assert_int_equal(obs.last_msg_out, 4);
    assert_int_equal(obs.later_handshakes, 0);
    tg_ossl_observe_finish(&o, NULL);
    msg(&o, 1, SSL3_RT_HANDSHAKE, "\x18\x00\x00\x01\x00", 5);
    assert_int_equal(obs.msgs_out, 1);
}

/* The messages that begin a later handshake, and what it starts afresh. */
static void later_handshake_rules(void **state)
{
    static const struct {
        int write_p;
        const char *msg;
        tg_obs_phase_t phase;
    } starts[] = {
        {1, "\x00\x00\x00\x00", TG_OBS_PHASE_RENEGOTIATION},        /* HelloRequest out */
        {0, "\x01\x00\x00\x00", TG_OBS_PHASE_RENEGOTIATION},        /* ClientHello in */
        {1, "\x0d\x00\x00\x00", TG_OBS_PHASE_POST_HANDSHAKE_AUTH},  /* CertificateRequest out */
    };
    tg_observation_t obs;
    tg_ossl_observer_t o = {.obs = &obs};
    (void)state;
    for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
        tg_observation_init(&obs);
        obs.handshake_done = 1;
        obs.alert_sent = (tg_obs_alert_t){1, 1, 0};
        obs.tls_error = TG_TLSERR_OTHER;
        obs.lib_error = 1;
        obs.last_msg_in = 20;
        msg(&o, starts[i].write_p, SSL3_RT_HANDSHAKE, starts[i].msg, 4);
        assert_int_equal(obs.phase, starts[i].phase);
        assert_int_equal(obs.later_handshakes, 1);
        assert_false(obs.phase_done);
        assert_false(obs.alert_sent.seen);
        assert_int_equal(obs.tls_error, TG_TLSERR_NONE);
        assert_int_equal(obs.lib_error, 0);
        assert_int_equal(starts[i].write_p ? obs.last_msg_in : obs.last_msg_out, TG_OBS_NO_MSG);
        /* while it is pending, no other begins */
        msg(&o, 1, SSL3_RT_HANDSHAKE, "\x0d\x00\x00\x00", 4);
        msg(&o, 1, SSL3_RT_HANDSHAKE, "\x00\x00\x00\x00", 4);
        assert_int_equal(obs.phase, starts[i].phase);
        assert_int_equal(obs.later_handshakes, 1);
    }
    /* before the first handshake completed none of them begins one */
    tg_observation_init(&obs);
    msg(&o, 1, SSL3_RT_HANDSHAKE, "\x0d\x00\x00\x00", 4);
    assert_int_equal(obs.phase, TG_OBS_PHASE_FIRST);
    assert_true(tg_observation_complete(&obs) == 0);

    /* after a completed one, the next begins afresh */
    tg_observation_init(&obs);
    obs.handshake_done = 1;
    obs.phase = TG_OBS_PHASE_RENEGOTIATION;
    obs.phase_done = 1;
    obs.later_handshakes = 1;
    assert_true(tg_observation_complete(&obs));
    msg(&o, 0, SSL3_RT_HANDSHAKE, "\x01\x00\x00\x00", 4);
    assert_int_equal(obs.later_handshakes, 2);
    assert_false(tg_observation_complete(&obs));
}

/* Refusing a client's renegotiation raises no library error: the warning we
 * send is recorded as the reason, and survives the client's fatal alert. */
static void refusal_is_the_reason(void **state)
{
    tg_observation_t obs;
    tg_ossl_observer_t o = {.obs = &obs, .now_us = fake_now};
    (void)state;
    tg_observation_init(&obs);
    obs.handshake_done = 1;
    obs.done_us = 5;
    msg(&o, 1, SSL3_RT_ALERT, "\x01\x64", 2); /* warning no_renegotiation */
    assert_int_equal(obs.phase, TG_OBS_PHASE_RENEGOTIATION);
    assert_int_equal(obs.tls_error, TG_TLSERR_RENEGOTIATION_REFUSED);
    assert_alert(&obs.alert_sent, 1, 100);
    msg(&o, 0, SSL3_RT_ALERT, "\x02\x28", 2); /* fatal handshake_failure */
    assert_alert(&obs.alert_received, 2, 40);
    assert_int_equal(obs.tls_error, TG_TLSERR_RENEGOTIATION_REFUSED);
    assert_int_equal(obs.done_us, 5); /* the first handshake's end stays */
    assert_false(tg_observation_complete(&obs));

    /* a warning no_renegotiation from the client is recorded, not ours */
    tg_observation_init(&obs);
    obs.handshake_done = 1;
    msg(&o, 1, SSL3_RT_HANDSHAKE, "\x00\x00\x00\x00", 4);
    msg(&o, 0, SSL3_RT_ALERT, "\x01\x64", 2);
    assert_alert(&obs.alert_received, 1, 100);
    assert_int_equal(obs.tls_error, TG_TLSERR_NONE); /* the library will say it */
}

static void start_refuses_bad_arguments(void **state)
{
    tg_ossl_observer_t o = {0};
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL *ssl = SSL_new(ctx);
    (void)state;
    assert_int_equal(tg_ossl_observe_init(-1), observer_slot); /* again: no new slot */
    assert_int_equal(tg_ossl_observe_init(observer_slot), observer_slot); /* adopted */
    assert_int_equal(tg_ossl_observe_start(ssl, &o), -1); /* no record */
    assert_int_equal(tg_ossl_observe_start(NULL, &o), -1);
    assert_null(SSL_get_info_callback(ssl));
    SSL_free(ssl);
    SSL_CTX_free(ctx);
}

/* ---- the reason table --------------------------------------------------------- */

#define E(reason, error) {SSL_R_##reason, TG_TLSERR_##error}
static const tg_ossl_reason_map_t expected[] = {
    E(UNSUPPORTED_PROTOCOL, UNSUPPORTED_PROTOCOL), E(VERSION_TOO_LOW, UNSUPPORTED_PROTOCOL),
    E(VERSION_TOO_HIGH, UNSUPPORTED_PROTOCOL), E(UNKNOWN_PROTOCOL, UNSUPPORTED_PROTOCOL),
    E(BAD_LEGACY_VERSION, UNSUPPORTED_PROTOCOL), E(NO_SHARED_CIPHER, NO_SHARED_CIPHER),
    E(NO_SUITABLE_KEY_SHARE, NO_SHARED_GROUP), E(NO_SHARED_GROUPS, NO_SHARED_GROUP),
    E(NO_SHARED_SIGNATURE_ALGORITHMS, NO_SHARED_SIGALG),
    E(NO_SUITABLE_SIGNATURE_ALGORITHM, NO_SHARED_SIGALG),
    E(INAPPROPRIATE_FALLBACK, INAPPROPRIATE_FALLBACK),
    E(NO_APPLICATION_PROTOCOL, NO_APPLICATION_PROTOCOL), E(HTTP_REQUEST, HTTP_REQUEST),
    E(HTTPS_PROXY_REQUEST, HTTPS_PROXY_REQUEST), E(WRONG_VERSION_NUMBER, NOT_TLS),
    E(PACKET_LENGTH_TOO_LONG, NOT_TLS), E(ENCRYPTED_LENGTH_TOO_LONG, NOT_TLS),
    E(DATA_LENGTH_TOO_LONG, NOT_TLS), E(RECORD_LENGTH_MISMATCH, MALFORMED),
    E(BAD_PACKET_LENGTH, MALFORMED), E(LENGTH_MISMATCH, MALFORMED),
    E(LENGTH_TOO_SHORT, MALFORMED), E(BAD_EXTENSION, MALFORMED), E(BAD_KEY_SHARE, MALFORMED),
    E(BAD_ECPOINT, MALFORMED), E(BAD_PACKET, MALFORMED), E(BAD_LENGTH, MALFORMED),
    E(BAD_CIPHER, MALFORMED), E(BAD_CHANGE_CIPHER_SPEC, MALFORMED),
    E(BAD_DECOMPRESSION, MALFORMED), E(BAD_PROTOCOL_VERSION_NUMBER, MALFORMED),
    E(BAD_RECORD_TYPE, MALFORMED), E(CCS_RECEIVED_EARLY, MALFORMED),
    E(DECRYPTION_FAILED_OR_BAD_RECORD_MAC, BAD_RECORD_MAC), E(DECRYPTION_FAILED, BAD_RECORD_MAC),
    E(DIGEST_CHECK_FAILED, DECRYPT_ERROR), E(BINDER_DOES_NOT_VERIFY, DECRYPT_ERROR),
    E(EXCESSIVE_MESSAGE_SIZE, MALFORMED), E(BAD_DH_VALUE, MALFORMED),
    E(BAD_KEY_UPDATE, MALFORMED), E(CERT_LENGTH_MISMATCH, MALFORMED),
    E(DATA_BETWEEN_CCS_AND_FINISHED, MALFORMED), E(EXTRA_DATA_IN_MESSAGE, MALFORMED),
    E(UNEXPECTED_END_OF_EARLY_DATA, MALFORMED), E(NOT_ON_RECORD_BOUNDARY, MALFORMED),
    E(BAD_HANDSHAKE_LENGTH, MALFORMED), E(LENGTH_TOO_LONG, MALFORMED),
    E(INVALID_ALERT, MALFORMED), E(INVALID_CCS_MESSAGE, MALFORMED),
    E(MISSING_SIGALGS_EXTENSION, MALFORMED), E(MISSING_SUPPORTED_GROUPS_EXTENSION, MALFORMED),
    E(MISSING_PSK_KEX_MODES_EXTENSION, MALFORMED), E(NO_CIPHERS_SPECIFIED, MALFORMED),
    E(RECORD_TOO_SMALL, MALFORMED), E(RENEGOTIATION_MISMATCH, MALFORMED),
    E(TOO_MANY_WARN_ALERTS, MALFORMED), E(NO_RENEGOTIATION, NO_RENEGOTIATION), E(UNEXPECTED_MESSAGE, MALFORMED),
    E(UNEXPECTED_RECORD, MALFORMED), E(UNEXPECTED_CCS_MESSAGE, MALFORMED),
    E(UNEXPECTED_EOF_WHILE_READING, UNEXPECTED_EOF), E(CALLBACK_FAILED, CALLBACK_FAILED),
    E(CLIENTHELLO_TLSEXT, CALLBACK_FAILED),
    E(PEER_DID_NOT_RETURN_A_CERTIFICATE, PEER_NO_CERTIFICATE),
    E(CERTIFICATE_VERIFY_FAILED, PEER_CERTIFICATE), E(BAD_SIGNATURE, PEER_CERTIFICATE),
    E(NO_PROTOCOLS_AVAILABLE, INTERNAL), E(NO_CIPHERS_AVAILABLE, INTERNAL),
    E(NO_CERTIFICATE_ASSIGNED, INTERNAL),
};
#undef E

static void table_is_sorted_and_maps_as_intended(void **state)
{
    size_t n, n_expected = sizeof(expected) / sizeof(expected[0]);
    const tg_ossl_reason_map_t *t = tg_ossl_reason_table(&n);
    (void)state;
    for (size_t i = 1; i < n; i++)
        assert_true(t[i - 1].reason < t[i].reason);
    /* the table and this list hold the same rows */
    assert_int_equal(n, n_expected);
    for (size_t i = 0; i < n_expected; i++) {
        unsigned long e = ERR_PACK(ERR_LIB_SSL, 0, expected[i].reason);
        if (tg_ossl_map_error(e) != expected[i].error)
            fail_msg("reason %d maps to %s, wanted %s", expected[i].reason,
                     tg_tls_error_name(tg_ossl_map_error(e)),
                     tg_tls_error_name(expected[i].error));
    }
    for (size_t i = 0; i < n; i++)
        assert_int_not_equal(t[i].error, TG_TLSERR_NONE);
}

static void map_error_edges(void **state)
{
    (void)state;
    assert_int_equal(tg_ossl_map_error(0), TG_TLSERR_NONE);
    /* every alert received, named by OpenSSL or not */
    assert_int_equal(tg_ossl_map_error(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_TLSV1_ALERT_UNKNOWN_CA)),
                     TG_TLSERR_PEER_ALERT);
    assert_int_equal(
        tg_ossl_map_error(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE)),
        TG_TLSERR_PEER_ALERT);
    assert_int_equal(tg_ossl_map_error(ERR_PACK(ERR_LIB_SSL, 0, SSL_AD_REASON_OFFSET)),
                     TG_TLSERR_PEER_ALERT);
    assert_int_equal(tg_ossl_map_error(ERR_PACK(ERR_LIB_SSL, 0, SSL_AD_REASON_OFFSET + 255)),
                     TG_TLSERR_PEER_ALERT);
    /* 999 is just below the alert range */
    assert_int_equal(tg_ossl_map_error(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_INVALID_SESSION_ID)),
                     TG_TLSERR_OTHER);
    assert_int_equal(tg_ossl_map_error(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_BAD_VALUE)),
                     TG_TLSERR_OTHER);
    /* common reasons in any library are ours */
    assert_int_equal(tg_ossl_map_error(ERR_PACK(ERR_LIB_SSL, 0, ERR_R_INTERNAL_ERROR)),
                     TG_TLSERR_INTERNAL);
    assert_int_equal(tg_ossl_map_error(ERR_PACK(ERR_LIB_EVP, 0, ERR_R_MALLOC_FAILURE)),
                     TG_TLSERR_INTERNAL);
    /* the same number from another library is not an SSL reason */
    assert_int_equal(tg_ossl_map_error(ERR_PACK(ERR_LIB_X509, 0, SSL_R_NO_SHARED_CIPHER)),
                     TG_TLSERR_OTHER);
    assert_int_equal(tg_ossl_map_error(ERR_SYSTEM_FLAG | 104), TG_TLSERR_OTHER);
}

static void group_codes(void **state)
{
    (void)state;
    assert_int_equal(tg_ossl_group_code(NID_undef), 0);
    assert_int_equal(tg_ossl_group_code(NID_X25519), 0x001d);
    assert_int_equal(tg_ossl_group_code(NID_X9_62_prime256v1), 0x0017);
    assert_int_equal(tg_ossl_group_code(NID_ffdhe8192), 0x0104);        /* by name */
    assert_int_equal(tg_ossl_group_code(NID_brainpoolP256r1), 0x001a);  /* by name */
    assert_int_equal(tg_ossl_group_code(TLSEXT_nid_unknown | 0x11ec), 0x11ec);
    assert_int_equal(tg_ossl_group_code(NID_sha256), 0); /* not a group */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tls13_success),
        cmocka_unit_test(tls12_success_and_renegotiation),
        cmocka_unit_test(hello_retry_counts_two_hellos),
        cmocka_unit_test(renegotiation_inside_the_policy_completes),
        cmocka_unit_test(renegotiation_failure_is_recorded),
        cmocka_unit_test(client_renegotiation_is_refused),
        cmocka_unit_test(client_refuses_our_renegotiation),
        cmocka_unit_test(post_handshake_auth_completes),
        cmocka_unit_test(post_handshake_auth_failure_is_recorded),
        cmocka_unit_test(split_hello_is_copied_whole),
        cmocka_unit_test(oversized_hello_is_kept_whole),
        cmocka_unit_test(large_hello_gets_fingerprint_work),
        cmocka_unit_test(failures_are_recorded),
        cmocka_unit_test(bad_record_mac_is_recorded),
        cmocka_unit_test(bad_finished_is_a_decrypt_error),
        cmocka_unit_test(http_on_the_tls_port),
        cmocka_unit_test(garbage_is_not_tls),
        cmocka_unit_test(eof_mid_hello),
        cmocka_unit_test(sslv2_hello_is_counted),
        cmocka_unit_test(chain_follows_sni_switch),
        cmocka_unit_test(chain_keeps_earlier_ssl_callback),
        cmocka_unit_test(alerts_keep_first_fatal_else_last),
        cmocka_unit_test(first_bytes_rules),
        cmocka_unit_test(hello_without_memory),
        cmocka_unit_test(after_done_only_handshake_messages),
        cmocka_unit_test(later_handshake_rules),
        cmocka_unit_test(refusal_is_the_reason),
        cmocka_unit_test(start_refuses_bad_arguments),
        cmocka_unit_test(table_is_sorted_and_maps_as_intended),
        cmocka_unit_test(map_error_edges),
        cmocka_unit_test(group_codes),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
