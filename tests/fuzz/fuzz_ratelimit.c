/*
 * fuzz_ratelimit.c - libFuzzer target for the TLSGuardEventRate parser and
 * the bucket.
 *
 * Any text, split at spaces into at most three arguments: no crash, no
 * overrun; a refusal leaves the result untouched and gives a terminated
 * message; an accepted limit describes itself in a form that parses back
 * to the same limit, and at one instant lets exactly `burst` events pass
 * (all of them when off).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tg_ratelimit.h"

#define CHECK(cond)       \
    do {                  \
        if (!(cond))      \
            abort();      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int split(char *text, char *args[3])
{
    int n = 0;
    for (char *p = strtok(text, " "); p && n < 3; p = strtok(NULL, " "))
        args[n++] = p;
    return n;
}

static void check_again(const tg_ratelimit_t *rl)
{
    char buf[64], *args[3] = {0};
    tg_ratelimit_t again;
    char err[128];
    tg_ratelimit_describe(rl, buf, sizeof(buf));
    CHECK(memchr(buf, '\0', sizeof(buf)));
    split(buf, args);
    CHECK(tg_ratelimit_parse(args[0], args[1], args[2], &again, err, sizeof(err)) == 0);
    CHECK(again.interval_ns == rl->interval_ns);
    CHECK(rl->interval_ns == 0 || again.burst == rl->burst);
}

static void check_burst(const tg_ratelimit_t *rl)
{
    uint64_t tat = 0, next, now = UINT64_C(1) << 60;
    unsigned allowed = 0, tries = 2000;
    for (unsigned i = 0; i < tries; i++) {
        allowed += (unsigned)tg_ratelimit_take(rl, tat, now, &next);
        tat = next;
    }
    CHECK(allowed == (rl->interval_ns == 0 ? tries : (rl->burst < tries ? rl->burst : tries)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[128], err[128], *args[3] = {0};
    tg_ratelimit_t rl = {.interval_ns = 12345}, kept = rl;
    if (size >= sizeof(text))
        size = sizeof(text) - 1;
    memcpy(text, data, size);
    text[size] = '\0';
    split(text, args);
    if (tg_ratelimit_parse(args[0], args[1], args[2], &rl, err, sizeof(err)) != 0) {
        CHECK(memcmp(&rl, &kept, sizeof(rl)) == 0);
        CHECK(memchr(err, '\0', sizeof(err)) && err[0]);
        return 0;
    }
    check_again(&rl);
    check_burst(&rl);
    return 0;
}
