/* Reading certificates back from an SSL_CTX. */
#include "tg_ossl_cert.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

static void name_text(const X509_NAME *name, char *buf, size_t cap)
{
    BIO *b = BIO_new(BIO_s_mem());
    int n = 0;
    buf[0] = '\0';
    if (!b)
        return;
    if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0)
        n = BIO_read(b, buf, (int)cap - 1);
    buf[n > 0 ? n : 0] = '\0';
    BIO_free(b);
}

static void serial_text(const X509 *x, char *buf, size_t cap)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;
    snprintf(buf, cap, "%s", hex ? hex : "");
    OPENSSL_free(hex);
    BN_free(bn);
}

static int64_t unix_time(const ASN1_TIME *t)
{
    int days = 0, secs = 0;
    ASN1_TIME *epoch = ASN1_TIME_set(NULL, 0);
    if (!epoch || !ASN1_TIME_diff(&days, &secs, epoch, t))
        days = secs = 0;
    ASN1_TIME_free(epoch);
    return (int64_t)days * 86400 + secs;
}

static void key_facts(X509 *x, tg_audit_cert_t *c)
{
    EVP_PKEY *pk = X509_get0_pubkey(x);
    char group[sizeof(((tg_audit_cert_t *)0)->curve)];
    c->key.bits = pk ? (unsigned)EVP_PKEY_get_bits(pk) : 0;
    snprintf(c->key_type, sizeof(c->key_type), "%s",
             !pk ? "none" : EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA ? "RSA"
             : EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA_PSS ? "RSA-PSS"
             : EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC ? "EC"
             : OBJ_nid2sn(EVP_PKEY_get_base_id(pk)));
    c->curve[0] = '\0';
    if (pk && EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC
        && EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                          sizeof(group), NULL)) {
        const char *nist = EC_curve_nid2nist(OBJ_sn2nid(group));
        snprintf(c->curve, sizeof(c->curve), "%s", nist ? nist : group);
    }
}

static void signature_facts(X509 *x, tg_audit_cert_t *c)
{
    int md = NID_undef;
    snprintf(c->sig_alg, sizeof(c->sig_alg), "%s", OBJ_nid2ln(X509_get_signature_nid(x)));
    c->sig_hash[0] = '\0';
    if (X509_get_signature_info(x, &md, NULL, NULL, NULL) && md != NID_undef)
        snprintf(c->sig_hash, sizeof(c->sig_hash), "%s", OBJ_nid2sn(md));
}

static void fingerprint(X509 *x, tg_audit_cert_t *c)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    c->sha256[0] = '\0';
    if (!X509_digest(x, EVP_sha256(), md, &len))
        return;
    for (unsigned i = 0; i < len && 2 * i + 2 < sizeof(c->sha256); i++)
        snprintf(c->sha256 + 2 * i, 3, "%02X", md[i]);
}

static void san_text(const GENERAL_NAME *g, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (g->type == GEN_DNS) {
        const ASN1_STRING *s = g->d.dNSName;
        snprintf(buf, cap, "%.*s", ASN1_STRING_length(s), (const char *)ASN1_STRING_get0_data(s));
    } else if (g->type == GEN_IPADD) {
        const ASN1_OCTET_STRING *ip = g->d.iPAddress;
        int len = ASN1_STRING_length(ip);
        if (len == 4 || len == 16)
            inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(ip), buf,
                      (socklen_t)cap);
    }
}

static void san_facts(X509 *x, tg_audit_cert_t *c)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    c->n_sans = 0;
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names); i++) {
        if (c->n_sans == TG_AUDIT_MAX_SANS)
            break;
        san_text(sk_GENERAL_NAME_value(names, i), c->sans[c->n_sans], sizeof(c->sans[0]));
        if (c->sans[c->n_sans][0])
            c->n_sans++;
    }
    GENERAL_NAMES_free(names);
}

static void cert_facts(X509 *x, int leaf, tg_audit_cert_t *c)
{
    memset(c, 0, sizeof(*c));
    c->leaf = leaf;
    name_text(X509_get_subject_name(x), c->subject, sizeof(c->subject));
    name_text(X509_get_issuer_name(x), c->issuer, sizeof(c->issuer));
    serial_text(x, c->serial, sizeof(c->serial));
    key_facts(x, c);
    signature_facts(x, c);
    fingerprint(x, c);
    san_facts(x, c);
    c->key.type = c->key_type;
    c->key.curve = c->curve[0] ? c->curve : NULL;
    c->key.sig_hash = c->sig_hash[0] ? c->sig_hash : NULL;
    c->key.not_before = unix_time(X509_get0_notBefore(x));
    c->key.not_after = unix_time(X509_get0_notAfter(x));
    c->key.self_signed = (X509_get_extension_flags(x) & EXFLAG_SS) != 0;
}

void tg_ossl_cert_collect(SSL_CTX *ctx, tg_audit_t *a, unsigned cap)
{
    a->n_certs = 0;
    for (int r = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_FIRST); r;
         r = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_NEXT)) {
        X509 *leaf = SSL_CTX_get0_certificate(ctx);
        STACK_OF(X509) *chain = NULL;
        if (!leaf || a->n_certs == cap)
            continue;
        cert_facts(leaf, 1, &a->certs[a->n_certs++]);
        SSL_CTX_get_extra_chain_certs(ctx, &chain); /* else the key's own chain */
        for (int i = 0; chain && i < sk_X509_num(chain) && a->n_certs < cap; i++)
            cert_facts(sk_X509_value(chain, i), 0, &a->certs[a->n_certs++]);
    }
    SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_FIRST);
}

void tg_ossl_cert_cover(SSL_CTX *ctx, tg_audit_t *a)
{
    for (unsigned i = 0; i < a->n_names; i++)
        a->covered[i] = 0;
    for (int r = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_FIRST); r;
         r = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_NEXT)) {
        X509 *leaf = SSL_CTX_get0_certificate(ctx);
        for (unsigned i = 0; leaf && i < a->n_names; i++)
            a->covered[i] |= X509_check_host(leaf, a->names[i], 0, 0, NULL) == 1;
    }
    SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_FIRST);
}

/* The system's default trust store, loaded once per configuration cycle:
 * reading it costs some 19 ms, once per vhost without a CA file otherwise. */
static X509_STORE *system_store;

void tg_ossl_cert_release(void)
{
    X509_STORE_free(system_store);
    system_store = NULL;
}

static X509_STORE *load_system_store(void)
{
    if (!system_store) {
        system_store = X509_STORE_new();
        if (system_store && X509_STORE_set_default_paths(system_store) != 1)
            tg_ossl_cert_release();
    }
    return system_store;
}

/* The context's store if it holds anything, else the system's. */
static X509_STORE *trust_store(SSL_CTX *ctx)
{
    X509_STORE *st = SSL_CTX_get_cert_store(ctx);
    if (st && sk_X509_OBJECT_num(X509_STORE_get0_objects(st)) > 0)
        return st;
    return load_system_store();
}

/* Verify one leaf; 1 on success, else the failure in a. */
static int verify_one(X509_STORE *st, X509 *leaf, STACK_OF(X509) *chain, tg_audit_t *a)
{
    X509_STORE_CTX *sctx = X509_STORE_CTX_new();
    int ok = 0, err;
    if (!sctx || !X509_STORE_CTX_init(sctx, st, leaf, chain)) {
        snprintf(a->chain_error, sizeof(a->chain_error), "cannot set up the verification");
        X509_STORE_CTX_free(sctx);
        return 0;
    }
    X509_STORE_CTX_set_purpose(sctx, X509_PURPOSE_SSL_SERVER);
    ok = X509_verify_cert(sctx) == 1;
    if (!ok) {
        err = X509_STORE_CTX_get_error(sctx);
        snprintf(a->chain_error, sizeof(a->chain_error), "%s", X509_verify_cert_error_string(err));
        if (err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
            || err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT) {
            X509 *at = X509_STORE_CTX_get_current_cert(sctx);
            if (at)
                name_text(X509_get_issuer_name(at), a->missing_issuer, sizeof(a->missing_issuer));
        }
    }
    X509_STORE_CTX_free(sctx);
    return ok;
}

void tg_ossl_cert_verify(SSL_CTX *ctx, tg_audit_t *a)
{
    X509_STORE *st = trust_store(ctx);
    a->chain_verified = st != NULL;
    a->chain_error[0] = a->missing_issuer[0] = '\0';
    if (!st)
        snprintf(a->chain_error, sizeof(a->chain_error), "no trust store");
    for (int r = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_FIRST); st && r;
         r = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_NEXT)) {
        X509 *leaf = SSL_CTX_get0_certificate(ctx);
        STACK_OF(X509) *chain = NULL;
        SSL_CTX_get_extra_chain_certs(ctx, &chain); /* else the key's own chain */
        if (leaf && !verify_one(st, leaf, chain, a)) {
            a->chain_verified = 0;
            break;
        }
    }
    SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_FIRST);
}

int tg_ossl_cert_stapling(SSL_CTX *ctx)
{
    int (*cb)(SSL *, void *) = NULL;
    SSL_CTX_get_tlsext_status_cb(ctx, &cb);
    return cb != NULL;
}
