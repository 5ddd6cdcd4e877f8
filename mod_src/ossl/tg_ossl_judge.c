/* The judge's view of a policy and of certificates: see tg_ossl_judge.h. */
#include "tg_ossl_judge.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "tg_names.h"

static uint8_t kx_of(const SSL_CIPHER *c)
{
    switch (SSL_CIPHER_get_kx_nid(c)) {
    case NID_kx_rsa:
        return TG_KX_RSA;
    case NID_kx_ecdhe:
        return TG_KX_ECDHE;
    case NID_kx_dhe:
        return TG_KX_DHE;
    default:
        return TG_KX_OTHER;
    }
}

static uint8_t auth_of(const SSL_CIPHER *c)
{
    switch (SSL_CIPHER_get_auth_nid(c)) {
    case NID_auth_rsa:
        return TG_AUTH_RSA;
    case NID_auth_ecdsa:
        return TG_AUTH_ECDSA;
    case NID_auth_null:
        return TG_AUTH_NULL;
    default:
        return TG_AUTH_OTHER;
    }
}

/* The lowest version a cipher may be used with ("SSLv3" ciphers: any TLS). */
static uint16_t min_version_of(const SSL_CIPHER *c)
{
    int v = tg_names_version_code(SSL_CIPHER_get_version(c));
    return v > 0 ? (uint16_t)v : TG_TLS1_2;
}

/* The ciphers OpenSSL would agree on: the list, within the version range
 * and allowed at the security level. */
static void read_ciphers(SSL *s, tg_judge_policy_t *out)
{
    STACK_OF(SSL_CIPHER) *sk = SSL_get1_supported_ciphers(s);

    for (int i = 0; sk && i < sk_SSL_CIPHER_num(sk); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
        uint16_t id = (uint16_t)SSL_CIPHER_get_protocol_id(c);

        if ((id >> 8) == 0x13) {
            if (out->suite_n < TG_JUDGE_MAX_SUITES)
                out->suites[out->suite_n++] = id;
        } else if (out->cipher_n < TG_JUDGE_MAX_CIPHERS) {
            tg_judge_cipher_t *j = &out->ciphers[out->cipher_n++];
            j->code = id;
            j->kx = kx_of(c);
            j->auth = auth_of(c);
            j->min_version = min_version_of(c);
        }
    }
    sk_SSL_CIPHER_free(sk);
}

static void read_groups(const char *list, tg_judge_policy_t *out)
{
    char name[64];

    while (list && *list && out->group_n < TG_POLICY_MAX_GROUPS) {
        size_t len = strcspn(list, ":");
        int code;

        if (len < sizeof(name)) {
            memcpy(name, list, len);
            name[len] = '\0';
            code = tg_names_group_code(name);
            if (code > 0)
                out->groups[out->group_n++] = (uint16_t)code;
        }
        list += len;
        list += *list == ':';
    }
}

int tg_ossl_judge_policy(SSL_CTX *vhost_ctx, const tg_policy_t *pol,
                         const tg_ossl_resolved_t *res, tg_judge_policy_t *out, char *err,
                         size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL *s = NULL;
    tg_ossl_effective_t eff;
    int rv = -1;

    memset(out, 0, sizeof(*out));
    out->name = pol->profile->name;
    if (!ctx) {
        snprintf(err, errlen, "OpenSSL could not make a context");
        goto done;
    }
    /* What enforcement starts from: the vhost's range and level. */
    SSL_CTX_set_min_proto_version(ctx, SSL_CTX_get_min_proto_version(vhost_ctx));
    SSL_CTX_set_max_proto_version(ctx, SSL_CTX_get_max_proto_version(vhost_ctx));
    SSL_CTX_set_security_level(ctx, SSL_CTX_get_security_level(vhost_ctx));
    if (tg_ossl_policy_apply_ctx(ctx, pol, res, &eff, err, errlen) != 0)
        goto done;
    s = SSL_new(ctx);
    if (!s) {
        snprintf(err, errlen, "OpenSSL could not make a connection");
        goto done;
    }
    out->seclevel = SSL_get_security_level(s);
    out->min_version = eff.min_version;
    /* OpenSSL refuses TLS 1.0 and 1.1 above security level 0. */
    if (out->seclevel > 0 && out->min_version < TG_TLS1_2)
        out->min_version = TG_TLS1_2;
    out->max_version = eff.max_version;
    out->server_preference = pol->server_preference;
    out->dhe = 1; /* mod_ssl lets OpenSSL pick DH parameters (SSL_CTX_set_dh_auto) */
    read_ciphers(s, out);
    read_groups(res->groups, out);
    tg_judge_set_sigalgs(out, out->seclevel);
    rv = 0;
done:
    SSL_free(s);
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return rv;
}

static uint16_t curve_of(EVP_PKEY *pk)
{
    char name[64];
    size_t len = 0;
    int code;

    if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof(name),
                                       &len) != 1)
        return 0;
    code = tg_names_group_code(name);
    return code > 0 ? (uint16_t)code : 0;
}

/* How the issuer signed x, as signature_algorithms_cert names it. */
static tg_judge_signed_t signed_by(X509 *x)
{
    tg_judge_signed_t by = {TG_CERTSIG_UNKNOWN, 0};
    int md = NID_undef, pk = NID_undef;
    const EVP_MD *d;

    if (X509_get_signature_info(x, &md, &pk, NULL, NULL) != 1)
        return by;
    switch (pk) {
    case NID_rsaEncryption: by.kind = TG_CERTSIG_RSA_PKCS1; break;
    case NID_rsassaPss: by.kind = TG_CERTSIG_RSA_PSS; break;
    case NID_X9_62_id_ecPublicKey: by.kind = TG_CERTSIG_ECDSA; break;
    case NID_ED25519: by.kind = TG_CERTSIG_ED25519; break;
    case NID_ED448: by.kind = TG_CERTSIG_ED448; break;
    default: return by;
    }
    d = md != NID_undef ? EVP_get_digestbynid(md) : NULL;
    by.hash_len = d ? (uint8_t)EVP_MD_get_size(d) : 0;
    return by;
}

void tg_ossl_judge_certs(SSL_CTX *ctx, tg_judge_certs_t *out)
{
    memset(out, 0, sizeof(*out));
    for (int r = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_FIRST); r == 1;
         r = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_NEXT)) {
        X509 *x = SSL_CTX_get0_certificate(ctx);
        EVP_PKEY *pk = x ? X509_get0_pubkey(x) : NULL;

        if (!pk)
            continue;
        if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA) {
            out->rsa = 1;
            out->rsa_bits = (unsigned)EVP_PKEY_get_bits(pk);
            out->rsa_signed = signed_by(x);
        } else if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_EC) {
            out->ecdsa = 1;
            out->ecdsa_group = curve_of(pk);
            out->ecdsa_signed = signed_by(x);
        }
    }
    SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_FIRST);
    ERR_clear_error();
}
