/*
 * fuzz_hsts.c - libFuzzer target for the TLSGuardHSTS parser.
 *
 * Any text: no crash, no overrun, a clean result on error and a printable,
 * terminated message. Any accepted header value: its canonical rendering
 * parses back to the same policy, and a parsed preload passes the preload
 * audit.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Imod_src/core \
 *     tests/fuzz/fuzz_hsts.c mod_src/core/tg_hsts.c -o fuzz_hsts
 *   ./fuzz_hsts tests/data/fuzz-hsts/
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tg_hsts.h"

#define CHECK(cond)       \
    do {                  \
        if (!(cond))      \
            abort();      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const tg_hsts_t *a, const tg_hsts_t *b)
{
    return a->mode == b->mode && a->max_age == b->max_age &&
           a->include_subdomains == b->include_subdomains &&
           a->preload == b->preload && a->withdraw == b->withdraw;
}

static void check_message(const char *err, size_t cap)
{
    const char *nul = memchr(err, '\0', cap);
    size_t i, n;
    CHECK(nul != NULL);
    n = (size_t)(nul - err);
    for (i = 0; i < n; i++)
        CHECK((unsigned char)err[i] >= 0x20 && (unsigned char)err[i] < 0x7f);
}

static void check_error(int rc, const tg_hsts_t *p, const char *err,
                        size_t cap)
{
    CHECK(rc > TG_HSTS_OK && rc <= TG_HSTS_E_PRELOAD);
    CHECK(p->mode == TG_HSTS_OFF && p->max_age == 0);
    CHECK(!p->include_subdomains && !p->preload && !p->withdraw);
    CHECK(err[0] != '\0');
    check_message(err, cap);
}

static void check_explicit(const tg_hsts_t *p)
{
    char buf[TG_HSTS_FORMAT_MAX], err[256], why[256];
    tg_hsts_t again, want = *p;
    size_t n = tg_hsts_format(p, buf, sizeof(buf));
    CHECK(n > 0 && n < sizeof(buf) && strlen(buf) == n);
    CHECK(p->withdraw == (p->max_age == 0));
    CHECK(tg_hsts_parse(buf, &again, err, sizeof(err)) == TG_HSTS_OK);
    /* the header carries no mode: a resolved On reads back as explicit */
    want.mode = TG_HSTS_EXPLICIT;
    CHECK(same(&want, &again));
    if (p->preload)
        CHECK(tg_hsts_preload_ready(p, why, sizeof(why)) == 1);
    check_message(why, sizeof(why));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[TG_HSTS_TEXT_MAX + 64];
    char err[256], tiny[6];
    tg_hsts_t p, q;
    int rc;
    if (size >= sizeof(text))
        size = sizeof(text) - 1;
    memcpy(text, data, size);
    text[size] = '\0';

    rc = tg_hsts_parse(text, &p, err, sizeof(err));
    /* a short message buffer gives the same verdict, cut and terminated */
    CHECK(tg_hsts_parse(text, &q, tiny, sizeof(tiny)) == rc);
    CHECK(same(&p, &q));
    check_message(tiny, sizeof(tiny));

    if (rc != TG_HSTS_OK) {
        check_error(rc, &p, err, sizeof(err));
        return 0;
    }
    CHECK(err[0] == '\0');
    if (p.mode == TG_HSTS_EXPLICIT) {
        check_explicit(&p);
    } else if (p.mode == TG_HSTS_ON) {
        /* unresolved On renders nothing until given the profile's age */
        CHECK(p.include_subdomains && p.max_age == 0 && !p.withdraw);
        CHECK(tg_hsts_format(&p, err, sizeof(err)) == 0);
        CHECK(tg_hsts_from_default(UINT64_C(63072000), &p) == TG_HSTS_OK);
        check_explicit(&p);
    } else {
        CHECK(p.mode == TG_HSTS_OFF && p.max_age == 0);
        CHECK(tg_hsts_format(&p, err, sizeof(err)) == 0);
    }
    return 0;
}
