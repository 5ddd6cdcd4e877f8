/*
 * tg_ossl_digest: the MD5 and SHA-256 that tg_fingerprint needs, from
 * OpenSSL's EVP interface, with the core's tg_digest_fn signature.
 */
#ifndef TG_OSSL_DIGEST_H
#define TG_OSSL_DIGEST_H

#include <stddef.h>

#include "tg_fingerprint.h"

/* out receives 16 bytes. JA3 uses MD5 as a fingerprint, not for security. */
void tg_ossl_md5(const void *data, size_t len, unsigned char *out);

/* out receives 32 bytes. */
void tg_ossl_sha256(const void *data, size_t len, unsigned char *out);

#endif /* TG_OSSL_DIGEST_H */
