/*
 * tg_fp_memo: remembered fingerprints (see tg_fp_memo.h).
 *
 * Two slots per thread, replaced in turn. A hello whose key or strings are
 * larger than a slot holds is fingerprinted as usual and not remembered, as
 * is one given a work buffer smaller than tg_fp_work_size(): there
 * tg_fingerprint() may answer TG_FP_NO_SPACE, and so must this.
 */
#include "tg_fp_memo.h"

#include <stdint.h>
#include <string.h>

#define MEMO_SLOTS 2
#define MEMO_KEY_MAX 1024  /* version, ciphers and extensions of a browser hello */
#define MEMO_TEXT_MAX 2048 /* its JA3 string and JA4_r, each with its NUL */

typedef struct {
    size_t key_len; /* 0: empty slot */
    tg_digest_fn *md5;
    tg_digest_fn *sha256;
    uint8_t key[MEMO_KEY_MAX];
    char ja3[TG_JA3_SIZE];
    char ja4[TG_JA4_SIZE];
    size_t ja3_len;
    size_t ja4_r_len;
    char text[MEMO_TEXT_MAX]; /* the JA3 string, NUL, JA4_r, NUL: work's layout */
} memo_slot_t;

static _Thread_local struct {
    memo_slot_t slot[MEMO_SLOTS];
    unsigned next;
} memo;

/* The key: legacy version, cipher list length and bytes, then the extension
 * block (its presence, then its bytes). The lengths keep the parts apart. */
static size_t key_len(const tg_hello_t *h)
{
    return 2 + 2 + h->ciphers.len + 1 + h->extensions.len;
}

/* memcpy and memcmp of an empty view: its pointer may be NULL, which
 * neither may be given even for no bytes. */
static void copy_view(uint8_t *to, tg_view_t v)
{
    if (v.len > 0)
        memcpy(to, v.p, v.len);
}

static int same_view(const uint8_t *k, tg_view_t v)
{
    return v.len == 0 || memcmp(k, v.p, v.len) == 0;
}

static uint8_t *put_key(uint8_t *k, const tg_hello_t *h)
{
    k[0] = (uint8_t)(h->legacy_version >> 8);
    k[1] = (uint8_t)h->legacy_version;
    k[2] = (uint8_t)(h->ciphers.len >> 8);
    k[3] = (uint8_t)h->ciphers.len;
    copy_view(k + 4, h->ciphers);
    k += 4 + h->ciphers.len;
    *k++ = (uint8_t)(h->has_extensions != 0);
    copy_view(k, h->extensions);
    return k + h->extensions.len;
}

static int same_key(const memo_slot_t *s, const tg_hello_t *h, size_t len,
                    tg_digest_fn *md5, tg_digest_fn *sha256)
{
    const uint8_t *k = s->key;

    if (s->key_len != len || s->md5 != md5 || s->sha256 != sha256)
        return 0;
    if (k[0] != (uint8_t)(h->legacy_version >> 8) || k[1] != (uint8_t)h->legacy_version ||
        k[2] != (uint8_t)(h->ciphers.len >> 8) || k[3] != (uint8_t)h->ciphers.len)
        return 0;
    k += 4;
    if (!same_view(k, h->ciphers))
        return 0;
    k += h->ciphers.len;
    return *k == (uint8_t)(h->has_extensions != 0) && same_view(k + 1, h->extensions);
}

/* The remembered result, laid out in work as tg_fingerprint() lays it out. */
static void recall(const memo_slot_t *s, char *work, tg_fp_t *out)
{
    memcpy(work, s->text, s->ja3_len + 1 + s->ja4_r_len + 1);
    memcpy(out->ja3, s->ja3, sizeof out->ja3);
    memcpy(out->ja4, s->ja4, sizeof out->ja4);
    out->ja3_string = work;
    out->ja3_len = s->ja3_len;
    out->ja4_r = work + s->ja3_len + 1;
    out->ja4_r_len = s->ja4_r_len;
}

static void remember(const tg_hello_t *h, size_t len, tg_digest_fn *md5,
                     tg_digest_fn *sha256, const tg_fp_t *fp)
{
    memo_slot_t *s = &memo.slot[memo.next];

    if (fp->ja3_len + 1 + fp->ja4_r_len + 1 > MEMO_TEXT_MAX)
        return;
    memo.next = (memo.next + 1) % MEMO_SLOTS;
    put_key(s->key, h);
    s->key_len = len;
    s->md5 = md5;
    s->sha256 = sha256;
    memcpy(s->ja3, fp->ja3, sizeof s->ja3);
    memcpy(s->ja4, fp->ja4, sizeof s->ja4);
    s->ja3_len = fp->ja3_len;
    s->ja4_r_len = fp->ja4_r_len;
    memcpy(s->text, fp->ja3_string, fp->ja3_len + 1);
    memcpy(s->text + fp->ja3_len + 1, fp->ja4_r, fp->ja4_r_len + 1);
}

int tg_fingerprint_memo(const tg_hello_t *h, int parse_err, tg_digest_fn *md5,
                        tg_digest_fn *sha256, char *work, size_t work_size, tg_fp_t *out)
{
    size_t len;
    int rc;

    if (parse_err != TG_HELLO_OK || !h || !md5 || !sha256 || !work || !out ||
        work_size < tg_fp_work_size(h))
        return tg_fingerprint(h, md5, sha256, work, work_size, out);
    len = key_len(h);
    if (len > MEMO_KEY_MAX)
        return tg_fingerprint(h, md5, sha256, work, work_size, out);
    for (unsigned i = 0; i < MEMO_SLOTS; i++) {
        if (same_key(&memo.slot[i], h, len, md5, sha256)) {
            recall(&memo.slot[i], work, out);
            return TG_FP_OK;
        }
    }
    rc = tg_fingerprint(h, md5, sha256, work, work_size, out);
    if (rc == TG_FP_OK)
        remember(h, len, md5, sha256, out);
    return rc;
}
