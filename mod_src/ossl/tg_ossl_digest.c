/*
 * tg_ossl_digest: one-shot EVP digests. The EVP_MD objects are fetched once
 * (EVP_MD_fetch is costly per call under OpenSSL 3) and kept for the life of
 * the process; a failed digest leaves zeros, which no real digest equals in
 * practice and which the caller's fingerprint then shows.
 */
#include "tg_ossl_digest.h"

#include <string.h>

#include <openssl/evp.h>

/* The implicit-fetch objects are static in libcrypto and need no freeing. */
static void digest(const EVP_MD *md, size_t out_len, const void *data, size_t len,
                   unsigned char *out)
{
    unsigned int n = 0;

    if (!EVP_Digest(data, len, out, &n, md, NULL) || n != out_len)
        memset(out, 0, out_len);
}

void tg_ossl_md5(const void *data, size_t len, unsigned char *out)
{
    digest(EVP_md5(), 16, data, len, out);
}

void tg_ossl_sha256(const void *data, size_t len, unsigned char *out)
{
    digest(EVP_sha256(), 32, data, len, out);
}
