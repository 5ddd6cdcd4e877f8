/*
 * The judge against OpenSSL itself. Every hello (the 82 reference captures
 * of tests/data/ja4-reference, and hellos written by OpenSSL clients with
 * the settings of the table below) is judged against every profile and
 * every certificate set (RSA, ECDSA, both), and handed to an OpenSSL server
 * enforcing that profile over memory BIOs: the judge's verdict and reason
 * must be the server's, every time. Then rule-by-rule cases on built
 * hellos.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "hello_builder.h"
#include "hex_file.h"

#include "tg_hello.h"
#include "tg_judge.h"
#include "tg_ossl_judge.h"
#include "tg_ossl_observe.h"
#include "tg_ossl_policy.h"

#define REFERENCE "tests/data/ja4-reference/hellos.tsv"
#define MAX_HELLO 20000

/* ---- certificates ------------------------------------------------------------ */

static EVP_PKEY *rsa_key, *ec_key;
static X509 *rsa_cert, *ec_cert;

static X509 *self_signed(EVP_PKEY *key)
{
    X509 *x = X509_new();
    X509_NAME *name = X509_get_subject_name(x);

    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1,
                               -1, 0);
    X509_set_issuer_name(x, name);
    X509_set_pubkey(x, key);
    assert_true(X509_sign(x, key, EVP_sha256()) > 0);
    return x;
}

enum { CERTS_RSA = 1, CERTS_ECDSA = 2, CERTS_BOTH = 3 };
static const char *const cert_names[] = {"", "rsa", "ecdsa", "both"};

static SSL_CTX *server_ctx(int certs)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    assert_non_null(ctx);
    if (certs & CERTS_RSA) {
        assert_int_equal(SSL_CTX_use_certificate(ctx, rsa_cert), 1);
        assert_int_equal(SSL_CTX_use_PrivateKey(ctx, rsa_key), 1);
    }
    if (certs & CERTS_ECDSA) {
        assert_int_equal(SSL_CTX_use_certificate(ctx, ec_cert), 1);
        assert_int_equal(SSL_CTX_use_PrivateKey(ctx, ec_key), 1);
    }
    /* mod_ssl's SSLProtocol all and SSLCipherSuite ALL:@SECLEVEL=0 */
    SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    SSL_CTX_set_dh_auto(ctx, 1);
    return ctx;
}

static int setup(void **state)
{
    (void)state;
    rsa_key = EVP_RSA_gen(2048);
    ec_key = EVP_EC_gen("P-256");
    assert_non_null(rsa_key);
    assert_non_null(ec_key);
    rsa_cert = self_signed(rsa_key);
    ec_cert = self_signed(ec_key);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    X509_free(rsa_cert);
    X509_free(ec_cert);
    EVP_PKEY_free(rsa_key);
    EVP_PKEY_free(ec_key);
    return 0;
}

/* ---- one server: enforced, and judged ---------------------------------------- */

typedef struct server_t {
    const char *profile;
    int certs;
    SSL_CTX *enforced;
    tg_judge_policy_t judged;
    tg_judge_certs_t jcerts;
} server_t;

static void server_make(server_t *sv, const char *profile, int certs)
{
    tg_policy_t pol;
    tg_ossl_resolved_t res;
    tg_ossl_effective_t *eff = calloc(1, sizeof(*eff));
    char err[256];
    SSL_CTX *vhost = server_ctx(certs);

    assert_non_null(eff);
    sv->profile = profile;
    sv->certs = certs;
    assert_int_equal(tg_policy_build(tg_profile_find(profile), NULL, &pol, err, sizeof(err)), 0);
    assert_int_equal(tg_ossl_policy_resolve(&pol, &res, err, sizeof(err)), 0);
    /* report mode: the vhost's context is only read */
    assert_int_equal(tg_ossl_judge_policy(vhost, &pol, &res, &sv->judged, err, sizeof(err)), 0);
    tg_ossl_judge_certs(vhost, &sv->jcerts);
    /* enforce mode: the same context, rewritten */
    sv->enforced = vhost;
    assert_int_equal(tg_ossl_policy_apply_ctx(vhost, &pol, &res, eff, err, sizeof(err)), 0);
    SSL_CTX_set_app_data(vhost, eff); /* freed with the server */
}

static void server_free(server_t *sv)
{
    free(SSL_CTX_get_app_data(sv->enforced));
    SSL_CTX_free(sv->enforced);
}

static tg_reason_t reason_of(tg_tls_error_t e, unsigned long lib)
{
    switch (e) {
    case TG_TLSERR_NONE:
        return TG_REASON_NONE;
    case TG_TLSERR_UNSUPPORTED_PROTOCOL:
        return TG_REASON_PROTOCOL_VERSION;
    case TG_TLSERR_NO_SHARED_CIPHER:
        return TG_REASON_NO_SHARED_CIPHER;
    case TG_TLSERR_NO_SHARED_GROUP:
        return TG_REASON_NO_SHARED_GROUP;
    case TG_TLSERR_NO_SHARED_SIGALG:
        return TG_REASON_NO_SHARED_SIGALG;
    case TG_TLSERR_INAPPROPRIATE_FALLBACK:
        return TG_REASON_INAPPROPRIATE_FALLBACK;
    case TG_TLSERR_MALFORMED:
        return TG_REASON_MALFORMED_HELLO;
    default:
        /* Without null compression OpenSSL's reason is not one the
         * observer names; its decode_error alert, before any message of
         * ours, makes the event malformed_hello (tg_classify R28). */
        if (ERR_GET_REASON(lib) == SSL_R_NO_COMPRESSION_SPECIFIED)
            return TG_REASON_MALFORMED_HELLO;
        return TG_REASON_OTHER;
    }
}

/* Hands the records to an OpenSSL server: its reason, NONE when it
 * answered (ServerHello or HelloRetryRequest). */
static tg_reason_t openssl_verdict(SSL_CTX *ctx, const uint8_t *rec, size_t len,
                                   unsigned long *lib)
{
    SSL *s = SSL_new(ctx);
    BIO *in = BIO_new(BIO_s_mem()), *out = BIO_new(BIO_s_mem());
    tg_reason_t r = TG_REASON_NONE;
    int rv;

    ERR_clear_error();
    BIO_write(in, rec, (int)len);
    SSL_set_bio(s, in, out);
    SSL_set_accept_state(s);
    rv = SSL_do_handshake(s);
    *lib = 0;
    if (rv <= 0 && SSL_get_error(s, rv) != SSL_ERROR_WANT_READ) {
        *lib = ERR_peek_last_error();
        r = reason_of(tg_ossl_map_error(*lib), *lib);
    }
    SSL_free(s);
    ERR_clear_error();
    return r;
}

/* A handshake message into TLS records. */
static size_t wrap(const uint8_t *msg, size_t len, uint8_t *rec, size_t cap)
{
    size_t n = 0;

    for (size_t off = 0; off < len;) {
        size_t part = len - off > 16384 ? 16384 : len - off;
        assert_true(n + 5 + part <= cap);
        rec[n++] = 22;
        rec[n++] = 3;
        rec[n++] = 1;
        rec[n++] = (uint8_t)(part >> 8);
        rec[n++] = (uint8_t)part;
        memcpy(rec + n, msg + off, part);
        n += part;
        off += part;
    }
    return n;
}

static const char *const profiles[] = {"modern", "intermediate", "old", "nist-800-52r2",
                                       "bsi-tr-02102-2"};
#define N_PROFILES (sizeof(profiles) / sizeof(profiles[0]))
#define N_SERVERS (N_PROFILES * 3)

static server_t servers[N_SERVERS];

static void servers_make(void)
{
    for (size_t i = 0; i < N_SERVERS; i++)
        server_make(&servers[i], profiles[i / 3], (int)(i % 3) + 1);
}

static void servers_free(void)
{
    for (size_t i = 0; i < N_SERVERS; i++)
        server_free(&servers[i]);
}

static unsigned compared, disagreed, rejected;
static unsigned seen_reason[TG_REASON_COUNT];

/* Judge one hello (a handshake message) on every server; count
 * disagreements, print each. */
static void agree_everywhere(const char *what, const uint8_t *msg, size_t len)
{
    static uint8_t rec[MAX_HELLO + 64];
    size_t rlen = wrap(msg, len, rec, sizeof(rec));
    tg_hello_t h;

    assert_int_equal(tg_hello_parse(msg, len, &h), TG_HELLO_OK);
    for (size_t i = 0; i < N_SERVERS; i++) {
        server_t *sv = &servers[i];
        tg_judgement_t j;
        unsigned long lib;
        tg_reason_t want = openssl_verdict(sv->enforced, rec, rlen, &lib);

        tg_judge(&h, &sv->judged, &sv->jcerts, &j);
        compared++;
        rejected += want != TG_REASON_NONE;
        seen_reason[want]++;
        if (j.reason != want) {
            disagreed++;
            printf("DISAGREE %s on %s/%s: judge %s (%s), OpenSSL %s (%s)\n", what, sv->profile,
                   cert_names[sv->certs], tg_reason_name(j.reason), j.rule, tg_reason_name(want),
                   lib ? ERR_reason_error_string(lib) : "answered");
        }
    }
}

/* ---- the reference captures --------------------------------------------------- */

static void reference_hellos_agree(void **state)
{
    FILE *f = fopen(REFERENCE, "r");
    char *line = NULL;
    size_t cap = 0;
    unsigned rows = 0;
    int hex_col = -1;

    (void)state;
    assert_non_null(f);
    servers_make();
    compared = disagreed = rejected = 0;
    while (getline(&line, &cap, f) > 0) {
        char *cols[16], *p = line;
        int n = 0;

        line[strcspn(line, "\r\n")] = '\0';
        while (n < 16 && p) {
            cols[n++] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = '\0';
        }
        if (hex_col < 0) {
            for (int i = 0; i < n; i++)
                if (strcmp(cols[i], "client_hello_hex") == 0)
                    hex_col = i;
            assert_true(hex_col >= 0);
            continue;
        }
        assert_true(n > hex_col);
        size_t len;
        uint8_t *msg = hex_decode(cols[hex_col], &len);
        char what[128];
        snprintf(what, sizeof(what), "reference row %u (%s frame %s)", rows + 1, cols[0],
                 cols[1]);
        agree_everywhere(what, msg, len);
        free(msg);
        rows++;
    }
    free(line);
    fclose(f);
    servers_free();
    printf("reference: %u hellos, %u judgements, %u rejections, %u disagreements\n", rows,
           compared, rejected, disagreed);
    assert_int_equal(rows, 82);
    assert_int_equal(disagreed, 0);
}

/* ---- hellos written by OpenSSL clients ------------------------------------------ */

typedef struct client_t {
    const char *name;
    int min, max;
    const char *ciphers;  /* TLS <= 1.2, NULL: default */
    const char *suites;   /* TLS 1.3, NULL: default */
    const char *groups;   /* NULL: default */
    const char *sigalgs;  /* NULL: default */
    int fallback;         /* TLS_FALLBACK_SCSV */
    const char *sni;      /* NULL: none */
} client_t;

#define ALL0 "ALL:@SECLEVEL=0"

static const client_t clients[] = {
    {"tls1.3 default", TLS1_3_VERSION, TLS1_3_VERSION, NULL, NULL, NULL, NULL, 0, "localhost"},
    {"tls1.2-1.3 default", TLS1_2_VERSION, TLS1_3_VERSION, NULL, NULL, NULL, NULL, 0, "localhost"},
    {"tls1.2 default", TLS1_2_VERSION, TLS1_2_VERSION, NULL, NULL, NULL, NULL, 0, "localhost"},
    {"tls1.0 only", TLS1_VERSION, TLS1_VERSION, ALL0, NULL, NULL, NULL, 0, "localhost"},
    {"tls1.1 only", TLS1_1_VERSION, TLS1_1_VERSION, ALL0, NULL, NULL, NULL, 0, "localhost"},
    {"tls1.0-1.2 all", TLS1_VERSION, TLS1_2_VERSION, ALL0, NULL, NULL, NULL, 0, "localhost"},
    {"tls1.2 cbc-sha only", TLS1_2_VERSION, TLS1_2_VERSION,
     "ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA:AES128-SHA:@SECLEVEL=0", NULL, NULL, NULL, 0,
     "localhost"},
    {"tls1.2 static rsa only", TLS1_2_VERSION, TLS1_2_VERSION,
     "AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA", NULL, NULL, NULL, 0, "localhost"},
    {"tls1.2 ecdsa suites only", TLS1_2_VERSION, TLS1_2_VERSION,
     "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384", NULL, NULL, NULL, 0,
     "localhost"},
    {"tls1.2 rsa suites only", TLS1_2_VERSION, TLS1_2_VERSION,
     "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305", NULL, NULL, NULL, 0, "localhost"},
    {"tls1.2 dhe-rsa only", TLS1_2_VERSION, TLS1_2_VERSION,
     "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384", NULL, NULL, NULL, 0, "localhost"},
    {"tls1.2 ccm only", TLS1_2_VERSION, TLS1_2_VERSION,
     "ECDHE-ECDSA-AES128-CCM:ECDHE-ECDSA-AES256-CCM", NULL, NULL, NULL, 0, "localhost"},
    {"tls1.2 cbc-sha256 only", TLS1_2_VERSION, TLS1_2_VERSION,
     "ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA256:DHE-RSA-AES128-SHA256", NULL, NULL, NULL,
     0, "localhost"},
    {"tls1.2 camellia only", TLS1_2_VERSION, TLS1_2_VERSION,
     "CAMELLIA128-SHA:DHE-RSA-CAMELLIA128-SHA:@SECLEVEL=0", NULL, NULL, NULL, 0, "localhost"},
    {"tls1.2 ecdhe p-521 only", TLS1_2_VERSION, TLS1_2_VERSION, NULL, NULL, "P-521", NULL, 0,
     "localhost"},
    {"tls1.2 ecdhe x448 only", TLS1_2_VERSION, TLS1_2_VERSION, NULL, NULL, "X448", NULL, 0,
     "localhost"},
    {"tls1.2 groups p-384", TLS1_2_VERSION, TLS1_2_VERSION, NULL, NULL, "P-384", NULL, 0,
     "localhost"},
    {"tls1.2 ffdhe2048 only", TLS1_2_VERSION, TLS1_2_VERSION, NULL, NULL, "ffdhe2048", NULL, 0,
     "localhost"},
    {"tls1.2 sha1 sigalgs only", TLS1_2_VERSION, TLS1_2_VERSION, ALL0, NULL, NULL,
     "RSA+SHA1:ECDSA+SHA1", 0, "localhost"},
    {"tls1.2 rsa-pss sigalgs only", TLS1_2_VERSION, TLS1_2_VERSION, NULL, NULL, NULL,
     "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384", 0, "localhost"},
    {"tls1.2 ecdsa sigalgs only", TLS1_2_VERSION, TLS1_2_VERSION, NULL, NULL, NULL,
     "ECDSA+SHA256:ECDSA+SHA384", 0, "localhost"},
    {"tls1.2 pkcs1 sigalgs only", TLS1_2_VERSION, TLS1_2_VERSION, NULL, NULL, NULL,
     "RSA+SHA256:RSA+SHA512", 0, "localhost"},
    {"tls1.2 ecdsa p-384 sigalg only", TLS1_2_VERSION, TLS1_2_VERSION, NULL, NULL, NULL,
     "ECDSA+SHA384", 0, "localhost"},
    {"tls1.3 x25519 only", TLS1_3_VERSION, TLS1_3_VERSION, NULL, NULL, "X25519", NULL, 0,
     "localhost"},
    {"tls1.3 p-256 only", TLS1_3_VERSION, TLS1_3_VERSION, NULL, NULL, "P-256", NULL, 0,
     "localhost"},
    {"tls1.3 p-521 only", TLS1_3_VERSION, TLS1_3_VERSION, NULL, NULL, "P-521", NULL, 0,
     "localhost"},
    {"tls1.3 x448 share, x25519 listed (retry)", TLS1_3_VERSION, TLS1_3_VERSION, NULL, NULL,
     "X448:X25519", NULL, 0, "localhost"},
    {"tls1.3 p-521 share, p-256 listed (retry)", TLS1_3_VERSION, TLS1_3_VERSION, NULL, NULL,
     "P-521:P-256", NULL, 0, "localhost"},
    {"tls1.3 ffdhe2048 only", TLS1_3_VERSION, TLS1_3_VERSION, NULL, NULL, "ffdhe2048", NULL, 0,
     "localhost"},
    {"tls1.3 ffdhe3072 share, ffdhe2048 listed", TLS1_3_VERSION, TLS1_3_VERSION, NULL, NULL,
     "ffdhe3072:ffdhe2048", NULL, 0, "localhost"},
    {"tls1.3 chacha only", TLS1_3_VERSION, TLS1_3_VERSION, NULL, "TLS_CHACHA20_POLY1305_SHA256",
     NULL, NULL, 0, "localhost"},
    {"tls1.3 aes-256 only", TLS1_3_VERSION, TLS1_3_VERSION, NULL, "TLS_AES_256_GCM_SHA384", NULL,
     NULL, 0, "localhost"},
    {"tls1.3 ccm only", TLS1_3_VERSION, TLS1_3_VERSION, NULL, "TLS_AES_128_CCM_SHA256", NULL,
     NULL, 0, "localhost"},
    {"tls1.3 ccm8 only", TLS1_3_VERSION, TLS1_3_VERSION, NULL, "TLS_AES_128_CCM_8_SHA256", NULL,
     NULL, 0, "localhost"},
    {"tls1.3 ecdsa sigalgs only", TLS1_3_VERSION, TLS1_3_VERSION, NULL, NULL, NULL,
     "ECDSA+SHA256:ECDSA+SHA384", 0, "localhost"},
    {"tls1.3 ecdsa p-384 sigalg only", TLS1_3_VERSION, TLS1_3_VERSION, NULL, NULL, NULL,
     "ECDSA+SHA384", 0, "localhost"},
    {"tls1.3 pss sigalgs only", TLS1_3_VERSION, TLS1_3_VERSION, NULL, NULL, NULL,
     "rsa_pss_rsae_sha256", 0, "localhost"},
    {"tls1.3 ed25519 sigalg only", TLS1_3_VERSION, TLS1_3_VERSION, NULL, NULL, NULL, "ed25519",
     0, "localhost"},
    {"tls1.2 fallback scsv", TLS1_2_VERSION, TLS1_2_VERSION, NULL, NULL, NULL, NULL, 1,
     "localhost"},
    {"tls1.1 fallback scsv", TLS1_1_VERSION, TLS1_1_VERSION, ALL0, NULL, NULL, NULL, 1,
     "localhost"},
    {"tls1.3 no sni", TLS1_3_VERSION, TLS1_3_VERSION, NULL, NULL, NULL, NULL, 0, NULL},
    {"tls1.2 no sni", TLS1_2_VERSION, TLS1_2_VERSION, NULL, NULL, NULL, NULL, 0, NULL},
    {"tls1.0 cbc no sni", TLS1_VERSION, TLS1_VERSION, "AES128-SHA:ECDHE-RSA-AES128-SHA:@SECLEVEL=0",
     NULL, NULL, NULL, 0, NULL},
    {"tls1.0-1.2 all at level 0", TLS1_2_VERSION, TLS1_2_VERSION, ALL0, NULL, NULL,
     NULL, 0, "localhost"},
    {"tls1.2 aria only", TLS1_2_VERSION, TLS1_2_VERSION,
     "ECDHE-RSA-ARIA128-GCM-SHA256:ECDHE-ECDSA-ARIA128-GCM-SHA256", NULL, NULL, NULL, 0,
     "localhost"},
};

/* The ClientHello an OpenSSL client with c's settings writes. */
static uint8_t *client_hello(const client_t *c, size_t *len)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *s;
    BIO *in, *out;
    char *data;
    long n;
    uint8_t *msg;

    assert_non_null(ctx);
    SSL_CTX_set_security_level(ctx, 0);
    assert_int_equal(SSL_CTX_set_min_proto_version(ctx, c->min), 1);
    assert_int_equal(SSL_CTX_set_max_proto_version(ctx, c->max), 1);
    if (c->ciphers)
        assert_int_equal(SSL_CTX_set_cipher_list(ctx, c->ciphers), 1);
    if (c->suites)
        assert_int_equal(SSL_CTX_set_ciphersuites(ctx, c->suites), 1);
    if (c->groups)
        assert_int_equal(SSL_CTX_set1_groups_list(ctx, c->groups), 1);
    if (c->sigalgs)
        assert_int_equal(SSL_CTX_set1_sigalgs_list(ctx, c->sigalgs), 1);
    s = SSL_new(ctx);
    if (c->fallback)
        SSL_set_mode(s, SSL_MODE_SEND_FALLBACK_SCSV);
    if (c->sni)
        SSL_set_tlsext_host_name(s, c->sni);
    in = BIO_new(BIO_s_mem());
    out = BIO_new(BIO_s_mem());
    SSL_set_bio(s, in, out);
    SSL_set_connect_state(s);
    assert_true(SSL_do_handshake(s) <= 0);
    n = BIO_get_mem_data(out, &data);
    assert_true(n > 9 && data[0] == 22);
    /* one record: skip its header */
    *len = (size_t)n - 5;
    msg = malloc(*len);
    memcpy(msg, data + 5, *len);
    SSL_free(s);
    SSL_CTX_free(ctx);
    return msg;
}

static void client_hellos_agree(void **state)
{
    (void)state;
    servers_make();
    compared = disagreed = rejected = 0;
    memset(seen_reason, 0, sizeof(seen_reason));
    for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
        size_t len;
        uint8_t *msg = client_hello(&clients[i], &len);
        agree_everywhere(clients[i].name, msg, len);
        free(msg);
    }
    servers_free();
    printf("clients: %zu hellos, %u judgements, %u rejections, %u disagreements\n",
           sizeof(clients) / sizeof(clients[0]), compared, rejected, disagreed);
    for (int r = 0; r < TG_REASON_COUNT; r++)
        if (seen_reason[r])
            printf("  %-24s %u\n", tg_reason_name((tg_reason_t)r), seen_reason[r]);
    assert_true(sizeof(clients) / sizeof(clients[0]) >= 40);
    assert_int_equal(disagreed, 0);
    /* the table provokes every reason the judge gives */
    assert_true(seen_reason[TG_REASON_NONE] > 0);
    assert_true(seen_reason[TG_REASON_PROTOCOL_VERSION] > 0);
    assert_true(seen_reason[TG_REASON_NO_SHARED_CIPHER] > 0);
    assert_true(seen_reason[TG_REASON_NO_SHARED_GROUP] > 0);
    assert_true(seen_reason[TG_REASON_NO_SHARED_SIGALG] > 0);
    assert_true(seen_reason[TG_REASON_INAPPROPRIATE_FALLBACK] > 0);
}

/* ---- rule by rule, on built hellos ---------------------------------------------- */

static const uint16_t tls13_suites[] = {0x1301, 0x1302};
static const uint16_t tls12_suites[] = {0xc02b, 0xc02f};
static const uint16_t v13[] = {0x0304};
static const uint16_t x25519[] = {0x001d};
static const uint16_t x25519_p256[] = {0x001d, 0x0017};
static const uint16_t sig_p256[] = {0x0403, 0x0804};

/* The judgement on intermediate with both certificates, after checking that
 * every server agrees with OpenSSL on the hello. */
static tg_judgement_t judge_built(const char *what, size_t len)
{
    uint8_t *msg = dup_exact(hb_store.b, len);
    tg_hello_t h;
    tg_judgement_t j;

    agree_everywhere(what, msg, len);
    assert_int_equal(tg_hello_parse(msg, len, &h), TG_HELLO_OK);
    tg_judge(&h, &servers[1 * 3 + 2].judged, &servers[1 * 3 + 2].jcerts, &j);
    free(msg);
    return j;
}

static void built_hellos_follow_the_rules(void **state)
{
    hb_t *m;
    tg_judgement_t j;

    (void)state;
    servers_make();
    disagreed = 0;

    /* TLS 1.3 without signature_algorithms: OpenSSL's missing extension */
    m = hb_begin(0x0303, tls13_suites, 2, 32);
    hb_ext_u16(m, 0x002b, 1, v13, 1);
    hb_ext_u16(m, 0x000a, 2, x25519, 1);
    hb_key_share(m, 0x001d);
    j = judge_built("tls1.3 without signature_algorithms", hb_end(m));
    assert_int_equal(j.reason, TG_REASON_MALFORMED_HELLO);

    /* no null compression */
    m = hb_begin(0x0303, tls12_suites, 2, 0);
    m->b[m->len - 1] = 1;
    hb_ext_u16(m, 0x000a, 2, x25519, 1);
    hb_ext_u16(m, 0x000d, 2, sig_p256, 2);
    j = judge_built("no null compression", hb_end(m));
    assert_int_equal(j.reason, TG_REASON_MALFORMED_HELLO);
    assert_string_equal(j.rule, "J04");

    /* supported_versions under an SSL 3.0 legacy_version */
    m = hb_begin(0x0300, tls13_suites, 2, 0);
    hb_ext_u16(m, 0x002b, 1, v13, 1);
    hb_ext_u16(m, 0x000d, 2, sig_p256, 2);
    j = judge_built("supported_versions under legacy SSL 3.0", hb_end(m));
    assert_int_equal(j.reason, TG_REASON_PROTOCOL_VERSION);
    assert_string_equal(j.rule, "J01");

    /* a TLS 1.2 hello without supported_groups: no ECDHE, and intermediate
     * has nothing else */
    m = hb_begin(0x0303, tls12_suites, 2, 0);
    hb_ext_u16(m, 0x000d, 2, sig_p256, 2);
    j = judge_built("tls1.2 without supported_groups", hb_end(m));
    assert_int_equal(j.reason, TG_REASON_NO_SHARED_CIPHER);
    assert_string_equal(j.rule, "J08");

    /* a TLS 1.2 hello that passes: the choice is reported */
    m = hb_begin(0x0303, tls12_suites, 2, 0);
    hb_ext_u16(m, 0x000a, 2, x25519_p256, 2);
    hb_ext_u16(m, 0x000d, 2, sig_p256, 2);
    j = judge_built("tls1.2 ecdhe-ecdsa", hb_end(m));
    assert_false(j.reject);
    assert_string_equal(j.rule, "J00");
    assert_int_equal(j.version, 0x0303);
    assert_int_equal(j.cipher, 0xc02b);
    assert_int_equal(j.sigalg, 0x0403);

    servers_free();
    assert_int_equal(disagreed, 0);
}

/* Hellos at the edges of the TLS 1.2 certificate and list rules: every
 * server must agree with OpenSSL on each. */
static const uint16_t sig_pss_pss[] = {0x0809};
static const uint16_t sig_ed25519[] = {0x0807};
static const uint16_t sig_ecdsa[] = {0x0403};
static const uint16_t krsa_suites[] = {0x009c, 0x002f};
static const uint16_t v12[] = {0x0303};
static const uint16_t sig_p256_pkcs1[] = {0x0403, 0x0401};

static void tls12_hello(const uint16_t *suites, size_t n, const uint16_t *sig, size_t sig_n,
                        int groups)
{
    hb_t *m = hb_begin(0x0303, suites, n, 0);

    if (groups)
        hb_ext_u16(m, 0x000a, 2, x25519_p256, 2);
    if (sig)
        hb_ext_u16(m, 0x000d, 2, sig, sig_n);
}

/* key_share with one X25519 share of the right size (hb_key_share's one
 * byte is refused by OpenSSL as a bad point, which the judge cannot see). */
static void x25519_share(hb_t *m)
{
    uint8_t body[2 + 4 + 32];

    set16(body, 4 + 32);
    set16(body + 2, 0x001d);
    set16(body + 4, 32);
    memset(body + 6, 0x42, 32);
    hb_ext(m, 0x0033, body, sizeof body);
}

static void edge_hellos_agree(void **state)
{
    hb_t *m;
    tg_judgement_t j;

    (void)state;
    servers_make();
    disagreed = 0;

    /* TLS 1.2 without signature_algorithms: the RSA key still takes an RSA
     * cipher, then has no SHA-1 signature above level 0 */
    tls12_hello(tls12_suites, 2, NULL, 0, 1);
    j = judge_built("tls1.2 without signature_algorithms", hb_end(&hb_store));
    assert_int_equal(j.reason, TG_REASON_NO_SHARED_SIGALG);
    /* only RSA-PSS with a PSS key, or only Ed25519: shared, none for RSA */
    tls12_hello(tls12_suites, 2, sig_pss_pss, 1, 1);
    j = judge_built("tls1.2 rsa_pss_pss only", hb_end(&hb_store));
    assert_int_equal(j.reason, TG_REASON_NO_SHARED_SIGALG);
    tls12_hello(tls12_suites, 2, sig_ed25519, 1, 1);
    judge_built("tls1.2 ed25519 only", hb_end(&hb_store));
    /* static RSA key exchange needs a signature algorithm too (old) */
    tls12_hello(krsa_suites, 2, sig_ecdsa, 1, 1);
    judge_built("tls1.2 static rsa, ecdsa sigalgs", hb_end(&hb_store));
    tls12_hello(krsa_suites, 2, NULL, 0, 0);
    judge_built("tls1.2 static rsa, no extensions", hb_end(&hb_store));
    /* the ECDHE-RSA cipher first, ECDHE-ECDSA second, ECDSA signatures only */
    {
        static const uint16_t rsa_first[] = {0xc02f, 0xc02b};
        tls12_hello(rsa_first, 2, sig_ecdsa, 1, 1);
        judge_built("tls1.2 ecdhe-rsa first, ecdsa sigalgs", hb_end(&hb_store));
    }
    /* empty lists OpenSSL refuses to decode */
    tls12_hello(tls12_suites, 2, sig_p256, 0, 1);
    j = judge_built("tls1.2 empty signature_algorithms", hb_end(&hb_store));
    assert_int_equal(j.reason, TG_REASON_MALFORMED_HELLO);
    m = hb_begin(0x0303, tls12_suites, 2, 0);
    hb_ext_u16(m, 0x000a, 2, x25519, 0);
    hb_ext_u16(m, 0x000d, 2, sig_p256, 2);
    j = judge_built("tls1.2 empty supported_groups", hb_end(m));
    assert_int_equal(j.reason, TG_REASON_MALFORMED_HELLO);
    m = hb_begin(0x0303, tls12_suites, 2, 0);
    hb_ext_u16(m, 0x000a, 2, x25519_p256, 2);
    hb_ext(m, 0x000b, "\x00", 1);
    hb_ext_u16(m, 0x000d, 2, sig_p256, 2);
    j = judge_built("tls1.2 empty ec_point_formats", hb_end(m));
    assert_int_equal(j.reason, TG_REASON_MALFORMED_HELLO);
    m = hb_begin(0x0303, tls13_suites, 2, 32);
    hb_ext_u16(m, 0x002b, 1, v13, 1);
    hb_ext_u16(m, 0x000a, 2, x25519, 1);
    hb_ext(m, 0x000b, "\x00", 1);
    hb_ext_u16(m, 0x000d, 2, sig_p256, 2);
    x25519_share(m);
    judge_built("tls1.3 empty ec_point_formats", hb_end(m));
    m = hb_begin(0x0303, tls13_suites, 2, 32);
    hb_ext_u16(m, 0x002b, 1, v13, 1);
    hb_ext_u16(m, 0x000a, 2, x25519, 1);
    hb_ext_u16(m, 0x000d, 2, sig_p256, 0);
    x25519_share(m);
    j = judge_built("tls1.3 empty signature_algorithms", hb_end(m));
    assert_int_equal(j.reason, TG_REASON_MALFORMED_HELLO);
    m = hb_begin(0x0303, tls13_suites, 2, 32);
    hb_ext_u16(m, 0x002b, 1, v13, 1);
    hb_ext_u16(m, 0x000a, 2, x25519, 0);
    hb_ext_u16(m, 0x000d, 2, sig_p256, 2);
    j = judge_built("tls1.3 empty supported_groups, no key_share", hb_end(m));
    assert_int_equal(j.reason, TG_REASON_MALFORMED_HELLO);
    /* supported_versions naming TLS 1.2 only, and then the fallback SCSV */
    m = hb_begin(0x0303, tls12_suites, 2, 0);
    hb_ext_u16(m, 0x002b, 1, v12, 1);
    hb_ext_u16(m, 0x000a, 2, x25519_p256, 2);
    hb_ext_u16(m, 0x000d, 2, sig_p256, 2);
    judge_built("supported_versions tls1.2 only", hb_end(m));

    {
        static const uint16_t sac[] = {0x0807};
        m = hb_begin(0x0303, tls13_suites, 2, 32);
        hb_ext_u16(m, 0x002b, 1, v13, 1);
        hb_ext_u16(m, 0x000a, 2, x25519, 1);
        hb_ext_u16(m, 0x000d, 2, sig_p256, 2);
        hb_ext_u16(m, 0x0032, 2, sac, 1);
        x25519_share(m);
        j = judge_built("tls1.3 signature_algorithms_cert ed25519 only", hb_end(m));
        assert_int_equal(j.reason, TG_REASON_NO_SHARED_SIGALG);
        m = hb_begin(0x0303, tls12_suites, 2, 0);
        hb_ext_u16(m, 0x000a, 2, x25519_p256, 2);
        hb_ext_u16(m, 0x000d, 2, sig_p256, 2);
        hb_ext_u16(m, 0x0032, 2, sac, 1);
        judge_built("tls1.2 signature_algorithms_cert ed25519 only", hb_end(m));
        /* the certificates' own signatures (SHA-256) listed: usable */
        m = hb_begin(0x0303, tls13_suites, 2, 32);
        hb_ext_u16(m, 0x002b, 1, v13, 1);
        hb_ext_u16(m, 0x000a, 2, x25519, 1);
        hb_ext_u16(m, 0x000d, 2, sig_p256, 2);
        hb_ext_u16(m, 0x0032, 2, sig_p256_pkcs1, 2);
        x25519_share(m);
        j = judge_built("tls1.3 signature_algorithms_cert of the certificates", hb_end(m));
        assert_false(j.reject);
        /* an empty one cannot be decoded */
        m = hb_begin(0x0303, tls13_suites, 2, 32);
        hb_ext_u16(m, 0x002b, 1, v13, 1);
        hb_ext_u16(m, 0x000a, 2, x25519, 1);
        hb_ext_u16(m, 0x000d, 2, sig_p256, 2);
        hb_ext_u16(m, 0x0032, 2, sac, 0);
        x25519_share(m);
        j = judge_built("tls1.3 empty signature_algorithms_cert", hb_end(m));
        assert_int_equal(j.reason, TG_REASON_MALFORMED_HELLO);
    }

    {
        static const uint16_t scsv[] = {0x00ff};
        m = hb_begin(0x0303, tls13_suites, 2, 32);
        hb_ext_u16(m, 0x002b, 1, v13, 1);
        hb_ext_u16(m, 0x000a, 2, x25519, 1);
        hb_ext(m, 0x0029, "\x00\x07\x00\x01\x41\x00\x00\x00\x00\x00\x21\x20" "0123456789abcdef0123456789abcdef", 44);
        hb_ext_u16(m, 0x000d, 2, sig_p256, 2);
        x25519_share(m);
        j = judge_built("pre_shared_key not last", hb_end(m));
        assert_string_equal(j.rule, "J11");
        m = hb_begin(0x0303, tls13_suites, 2, 32);
        hb_ext_u16(m, 0x002b, 1, v13, 1);
        hb_ext_u16(m, 0x000a, 2, x25519, 1);
        hb_ext_u16(m, 0x000d, 2, sig_p256, 2);
        x25519_share(m);
        hb_ext(m, 0x0029, "\x00\x07\x00\x01\x41\x00\x00\x00\x00\x00\x21\x20" "0123456789abcdef0123456789abcdef", 44);
        j = judge_built("pre_shared_key without psk_key_exchange_modes", hb_end(m));
        assert_int_equal(j.reason, TG_REASON_MALFORMED_HELLO);
        m = hb_begin(0x0301, tls12_suites, 2, 0);
        hb_ext(m, 0x0029, "\x00\x07\x00\x01\x41\x00\x00\x00\x00\x00\x21\x20" "0123456789abcdef0123456789abcdef", 44);
        hb_ext_u16(m, 0x000a, 2, x25519_p256, 2);
        j = judge_built("pre_shared_key not last, tls1.0", hb_end(m));
        assert_int_equal(j.reason, TG_REASON_MALFORMED_HELLO);
        tls12_hello(scsv, 1, sig_p256, 2, 1);
        judge_built("renegotiation scsv only", hb_end(&hb_store));
        m = hb_begin(0x0301, tls12_suites, 2, 0);
        hb_ext_u16(m, 0x000a, 2, x25519_p256, 2);
        judge_built("tls1.0 legacy_version, tls1.2 suites", hb_end(m));
    }

    servers_free();
    assert_int_equal(disagreed, 0);
}

static void sigalgs_follow_the_security_level(void **state)
{
    tg_judge_policy_t p;
    size_t n;

    (void)state;
    tg_judge_default_sigalgs(&n);
    memset(&p, 0, sizeof(p));
    tg_judge_set_sigalgs(&p, 0);
    assert_int_equal(p.sigalg_n, n);
    tg_judge_set_sigalgs(&p, 1); /* SHA-1 (64 bits) goes */
    assert_int_equal(p.sigalg_n, n - 3);
    tg_judge_set_sigalgs(&p, 2);
    assert_int_equal(p.sigalg_n, n - 3);
    tg_judge_set_sigalgs(&p, 3); /* SHA-224 (112) goes */
    assert_int_equal(p.sigalg_n, n - 6);
    assert_int_equal(tg_judge_sigalg_bits(0x0201), 64);
    assert_int_equal(tg_judge_sigalg_bits(0x0807), 128);
    assert_int_equal(tg_judge_sigalg_bits(0x1234), 0);
}

/* The default list is the one an OpenSSL client at level 0 sends. */
static void default_sigalgs_are_openssl_s(void **state)
{
    static const client_t c = {"level 0", TLS1_2_VERSION, TLS1_3_VERSION, ALL0, NULL, NULL,
                               NULL, 0, NULL};
    size_t len, n;
    uint8_t *msg = client_hello(&c, &len);
    const uint16_t *codes = tg_judge_default_sigalgs(&n);
    tg_hello_t h;

    (void)state;
    assert_int_equal(tg_hello_parse(msg, len, &h), TG_HELLO_OK);
    assert_int_equal(tg_u16_count(h.sigalgs), n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(tg_u16_at(h.sigalgs, i), codes[i]);
    free(msg);
}

/* What one judgement costs, printed (never asserted: these machines are
 * noisy): every reference hello against intermediate with both
 * certificates, many times over. */
static void judge_cost(void **state)
{
    FILE *f = fopen(REFERENCE, "r");
    char *line = NULL;
    size_t cap = 0, n = 0;
    static tg_hello_t hellos[100];
    static uint8_t *msgs[100];
    struct timespec t0, t1;
    unsigned rejects = 0;
    const int rounds = 2000;

    (void)state;
    assert_non_null(f);
    servers_make();
    while (getline(&line, &cap, f) > 0 && n < 100) {
        char *hex = strrchr(line, '\t');
        size_t len;

        if (!hex || strncmp(hex + 1, "01", 2) != 0)
            continue; /* the header */
        hex[1 + strcspn(hex + 1, "\r\n")] = '\0';
        msgs[n] = hex_decode(hex + 1, &len);
        assert_int_equal(tg_hello_parse(msgs[n], len, &hellos[n]), TG_HELLO_OK);
        n++;
    }
    free(line);
    fclose(f);
    assert_int_equal(n, 82);
    for (size_t k = 0; k < 2; k++) {
        const server_t *sv = &servers[k == 0 ? 1 * 3 + 2 : 0 * 3 + 2]; /* intermediate, modern */

        rejects = 0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (int r = 0; r < rounds; r++) {
            for (size_t i = 0; i < n; i++) {
                tg_judgement_t j;
                tg_judge(&hellos[i], &sv->judged, &sv->jcerts, &j);
                rejects += (unsigned)j.reject;
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        printf("judge: %.0f ns per hello (82 reference hellos x %d, %s, RSA+ECDSA; "
               "%u refusals per round)\n",
               ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) /
                   ((double)n * rounds),
               rounds, sv->profile, rejects / rounds);
    }
    for (size_t i = 0; i < n; i++)
        free(msgs[i]);
    servers_free();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reference_hellos_agree),
        cmocka_unit_test(client_hellos_agree),
        cmocka_unit_test(built_hellos_follow_the_rules),
        cmocka_unit_test(edge_hellos_agree),
        cmocka_unit_test(sigalgs_follow_the_security_level),
        cmocka_unit_test(default_sigalgs_are_openssl_s),
        cmocka_unit_test(judge_cost),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
