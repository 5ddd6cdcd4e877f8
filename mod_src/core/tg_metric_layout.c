/* The layout number of the counters (see tg_metric_layout.h). */
#include "tg_metric_layout.h"

#include <string.h>

#include "tg_classify.h"
#include "tg_profile.h"

#define FNV_OFFSET UINT64_C(14695981039346656037)
#define FNV_PRIME UINT64_C(1099511628211)

static uint64_t mix(uint64_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * FNV_PRIME;
    return h;
}

/* A name with its terminating NUL, so "ab","c" and "a","bc" differ. */
static uint64_t mix_name(uint64_t h, const char *name)
{
    const char *s = name ? name : "";

    return mix(h, (const unsigned char *)s, strlen(s) + 1);
}

uint64_t tg_metric_layout_hash(uint64_t shape, const char *const *names, size_t n)
{
    unsigned char s[8];
    uint64_t h;

    for (unsigned i = 0; i < 8; i++)
        s[i] = (unsigned char)(shape >> (8 * i));
    h = mix(FNV_OFFSET, s, sizeof s);
    for (size_t i = 0; i < n; i++)
        h = mix_name(h, names[i]);
    return h;
}

uint64_t tg_metric_layout_id(uint64_t shape, unsigned profiles)
{
    const char *names[TG_REASON_COUNT + TG_STAGE_COUNT + 64];
    size_t n = 0;

    for (unsigned r = 0; r < TG_REASON_COUNT; r++)
        names[n++] = tg_reason_name((tg_reason_t)r);
    for (unsigned st = 0; st < TG_STAGE_COUNT; st++)
        names[n++] = tg_stage_name((tg_stage_t)st);
    for (unsigned i = 0; i < profiles && i < 64 && tg_profile_at(i); i++)
        names[n++] = tg_profile_at(i)->name;
    return tg_metric_layout_hash(shape, names, n);
}
