/*
 * tg_ossl_digest: one-shot EVP digests for the fingerprints.
 *
 * Under OpenSSL 3 EVP_md5()/EVP_sha256() make every EVP_Digest() fetch the
 * implementation again (method store lookup under a lock), and EVP_Digest()
 * allocates and frees a context per call: together as much as hashing a
 * short JA4 list. So the EVP_MD objects are fetched once per process and
 * shared (immutable, safe from any thread), and each thread keeps one
 * EVP_MD_CTX that every digest re-initialises. If a fetch fails (MD5 under a
 * FIPS-only provider, say), the legacy getter is tried, and a digest that
 * still fails leaves zeros in out.
 *
 * Failed handshakes come in floods of one client stack's hello (a scanner,
 * a broken client retrying), whose fingerprint inputs repeat byte for byte.
 * Each thread therefore remembers the last few inputs of each digest and
 * their results; an input equal to a remembered one (length and bytes) gets
 * the remembered result, which is the digest of those bytes by definition.
 */
#include "tg_ossl_digest.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#define MD5_LEN 16
#define SHA256_LEN 32

static CRYPTO_ONCE fetch_once = CRYPTO_ONCE_STATIC_INIT;
static EVP_MD *md5_md;
static EVP_MD *sha256_md;

/* One per thread, never freed: a thread of a server process lives as long
 * as the process, and the context is a few hundred bytes. */
static _Thread_local EVP_MD_CTX *thread_ctx;

#define MEMO_SLOTS 4
#define MEMO_INPUT_MAX 1024 /* a JA3 string or JA4 list of some 200 entries */

typedef struct {
    size_t len; /* 0: empty slot */
    unsigned char out[SHA256_LEN];
    unsigned char in[MEMO_INPUT_MAX];
} memo_slot_t;

typedef struct {
    memo_slot_t slot[MEMO_SLOTS];
    unsigned next; /* the slot replaced next */
} memo_t;

/* Per thread and digest, in static thread storage (no allocation). */
static _Thread_local memo_t md5_memo, sha256_memo;

static const memo_slot_t *memo_find(const memo_t *m, const void *data, size_t len)
{
    for (unsigned i = 0; i < MEMO_SLOTS; i++) {
        const memo_slot_t *s = &m->slot[i];
        if (s->len == len && memcmp(s->in, data, len) == 0)
            return s;
    }
    return NULL;
}

static void memo_keep(memo_t *m, const void *data, size_t len, const unsigned char *out,
                      size_t out_len)
{
    memo_slot_t *s = &m->slot[m->next];
    m->next = (m->next + 1) % MEMO_SLOTS;
    memcpy(s->in, data, len);
    memcpy(s->out, out, out_len);
    s->len = len;
}

/* Kept for the life of the process; libcrypto frees them at exit. */
static void fetch_digests(void)
{
    md5_md = EVP_MD_fetch(NULL, "MD5", NULL);
    sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static int compute(const EVP_MD *fetched, const EVP_MD *legacy, size_t out_len,
                   const void *data, size_t len, unsigned char *out)
{
    const EVP_MD *md = fetched ? fetched : legacy;
    unsigned int n = 0;

    if (!thread_ctx)
        thread_ctx = EVP_MD_CTX_new();
    if (!md || !thread_ctx || !EVP_DigestInit_ex2(thread_ctx, md, NULL)
        || !EVP_DigestUpdate(thread_ctx, data, len) || !EVP_DigestFinal_ex(thread_ctx, out, &n)
        || n != out_len) {
        memset(out, 0, out_len);
        return 0;
    }
    return 1;
}

/* Empty inputs are not remembered (a zero length marks an empty slot). */
static void digest(memo_t *m, const EVP_MD *fetched, const EVP_MD *legacy, size_t out_len,
                   const void *data, size_t len, unsigned char *out)
{
    int memo = len > 0 && len <= MEMO_INPUT_MAX;
    const memo_slot_t *hit = memo ? memo_find(m, data, len) : NULL;

    if (hit) {
        memcpy(out, hit->out, out_len);
        return;
    }
    if (compute(fetched, legacy, out_len, data, len, out) && memo)
        memo_keep(m, data, len, out, out_len);
}

void tg_ossl_md5(const void *data, size_t len, unsigned char *out)
{
    CRYPTO_THREAD_run_once(&fetch_once, fetch_digests);
    digest(&md5_memo, md5_md, md5_md ? NULL : EVP_md5(), MD5_LEN, data, len, out);
}

void tg_ossl_sha256(const void *data, size_t len, unsigned char *out)
{
    CRYPTO_THREAD_run_once(&fetch_once, fetch_digests);
    digest(&sha256_memo, sha256_md, sha256_md ? NULL : EVP_sha256(), SHA256_LEN, data, len,
           out);
}
