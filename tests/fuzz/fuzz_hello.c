/*
 * libFuzzer target: both parser entry points and every fingerprint on any
 * input, with the real OpenSSL digests. Beyond memory safety (ASan/UBSan) it
 * checks invariants and aborts when one breaks:
 *  - every view lies inside the input or the scratch buffer;
 *  - a hello that parses as a message parses identically from records of any
 *    size and gives the same JA3 and JA4;
 *  - JA4 is the JA4_r prefix plus 12 hex digits twice; JA3 is 32 hex digits.
 *
 * Build (see docs/fingerprints.md):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Imod_src/core -Imod_src/ossl \
 *     tests/fuzz/fuzz_hello.c mod_src/core/tg_hello.c mod_src/core/tg_fingerprint.c \
 *     mod_src/ossl/tg_ossl_digest.c -lcrypto -o fuzz_hello
 *   ./fuzz_hello -max_len=70000 tests/data/fuzz-hello
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tg_fingerprint.h"
#include "tg_hello.h"
#include "tg_ossl_digest.h"

#define BIG (1u << 18)

static uint8_t scratch[BIG];
static uint8_t records[BIG + BIG / 8];
static char work[BIG];
static char raw[BIG];

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

static int inside(tg_view_t v, const uint8_t *base, size_t len)
{
    if (!v.p)
        return v.len == 0;
    return v.p >= base && v.len <= len && (size_t)(v.p - base) <= len - v.len;
}

static void check_views(const tg_hello_t *h, const uint8_t *base, size_t len)
{
    const tg_view_t views[] = { h->random, h->session_id, h->ciphers, h->compression,
                                h->extensions, h->sni, h->versions, h->groups,
                                h->sigalgs, h->alpn, h->alpn_first, h->key_share,
                                h->psk_modes, h->ec_point_formats };
    size_t i;

    for (i = 0; i < sizeof views / sizeof views[0]; i++)
        CHECK(inside(views[i], base, len));
    CHECK(h->ext_n <= TG_HELLO_MAX_EXT && h->ext_n <= h->ext_total);
    CHECK(h->ext_overflow == (h->ext_total > TG_HELLO_MAX_EXT));
    CHECK(h->key_share_n <= TG_HELLO_MAX_KEY_SHARES);
}

static int is_hex(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

/* Computes everything; fp gets JA3 and JA4 when the work buffer suffices. */
static int fingerprint_all(const tg_hello_t *h, tg_fp_t *fp)
{
    size_t need = tg_fp_work_size(h), len;
    int rc;

    if (need > sizeof work) {
        CHECK(tg_fingerprint(h, tg_ossl_md5, tg_ossl_sha256, work, sizeof work / 64, fp) ==
              TG_FP_NO_SPACE);
        return 0;
    }
    rc = tg_fingerprint(h, tg_ossl_md5, tg_ossl_sha256, work, need, fp);
    CHECK(rc == TG_FP_OK);
    CHECK(strlen(fp->ja3) == 32 && is_hex(fp->ja3, 32));
    CHECK(strlen(fp->ja4) == 36 && fp->ja4[10] == '_' && fp->ja4[23] == '_');
    CHECK(is_hex(fp->ja4 + 11, 12) && is_hex(fp->ja4 + 24, 12));
    CHECK(tg_ja4_raw(h, TG_JA4_TCP, raw, need, &len) == TG_FP_OK);
    CHECK(len == strlen(raw) && memcmp(raw, fp->ja4, 11) == 0);
    CHECK(tg_ja3_string(h, work, need, &len) == TG_FP_OK && len == strlen(work));
    return 1;
}

/* Re-wraps a parsed message into records of `split` bytes. */
static size_t wrap(const uint8_t *msg, size_t len, size_t split)
{
    size_t off = 0, w = 0, n;

    while (off < len) {
        n = len - off < split ? len - off : split;
        records[w++] = 22;
        records[w++] = 3;
        records[w++] = 1;
        records[w++] = (uint8_t)(n >> 8);
        records[w++] = (uint8_t)n;
        memcpy(records + w, msg + off, n);
        w += n;
        off += n;
    }
    return w;
}

static void differential(const uint8_t *data, const tg_hello_t *h, const tg_fp_t *fp, int have_fp)
{
    size_t split = 1 + (h->msg_len * 7 + data[h->msg_len - 1]) % TG_HELLO_MAX_RECORD;
    size_t rlen;
    tg_hello_t r;
    tg_fp_t rfp;

    if (h->msg_len > sizeof scratch || h->msg_len / split + 1 > BIG / 8 / 5)
        return;
    rlen = wrap(data, h->msg_len, split);
    CHECK(tg_hello_parse_records(records, rlen, scratch, sizeof scratch, &r) == TG_HELLO_OK);
    CHECK(r.msg_len == h->msg_len && r.ext_total == h->ext_total && r.seen == h->seen);
    CHECK(r.ciphers.len == h->ciphers.len && r.has_sni == h->has_sni);
    if (have_fp) {
        CHECK(fingerprint_all(&r, &rfp));
        CHECK(strcmp(rfp.ja3, fp->ja3) == 0 && strcmp(rfp.ja4, fp->ja4) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tg_hello_t h;
    tg_fp_t fp;
    int rc, have_fp;

    rc = tg_hello_parse(data, size, &h);
    CHECK(rc >= TG_HELLO_OK && rc < TG_HELLO_ERR_COUNT);
    check_views(&h, data, size);
    have_fp = fingerprint_all(&h, &fp);
    if (rc == TG_HELLO_OK)
        differential(data, &h, &fp, have_fp);

    rc = tg_hello_parse_records(data, size, scratch, sizeof scratch, &h);
    CHECK(rc >= TG_HELLO_OK && rc < TG_HELLO_ERR_COUNT);
    if (h.random.p >= scratch && h.random.p < scratch + sizeof scratch)
        check_views(&h, scratch, sizeof scratch);
    else
        check_views(&h, data, size);
    fingerprint_all(&h, &fp);
    return 0;
}
