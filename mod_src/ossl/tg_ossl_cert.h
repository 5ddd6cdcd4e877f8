/* A virtual host's certificates as its SSL_CTX holds them: facts of every
 * certificate, name coverage and chain verification, for the start-up audit. */
#ifndef TG_OSSL_CERT_H
#define TG_OSSL_CERT_H

#include <openssl/ssl.h>

#include "tg_audit_event.h"

/* Every server certificate of ctx (one per configured key type, with
 * SSL_CTX_set_current_cert) followed by its chain certificates (the
 * context's extra chain, SSLCertificateChainFile, else the key's own), into
 * a->certs[0..cap); sets a->n_certs. Leaves ctx's current certificate at
 * the first. */
void tg_ossl_cert_collect(SSL_CTX *ctx, tg_audit_t *a, unsigned cap);

/* a->covered[i]: some server certificate of ctx covers a->names[i]
 * (X509_check_host: SANs, wildcards). */
void tg_ossl_cert_cover(SSL_CTX *ctx, tg_audit_t *a);

/* Verify each server certificate with its chain certificates against the
 * context's trust store (SSLCACertificateFile/Path) or, when that is empty,
 * the system store. Sets
 * a->chain_verified, chain_error and missing_issuer (the first failure). */
void tg_ossl_cert_verify(SSL_CTX *ctx, tg_audit_t *a);

/* 1 if ctx has an OCSP status callback (mod_ssl's SSLUseStapling on). */
int tg_ossl_cert_stapling(SSL_CTX *ctx);

/* Free the system trust store the verification loaded (at the end of each
 * configuration cycle; the next verification loads it again). */
void tg_ossl_cert_release(void);

#endif
