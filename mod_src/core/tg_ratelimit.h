/* tg_ratelimit: a token bucket for events (TLSGuardEventRate).
 *
 * The bucket is kept as one number, its theoretical arrival time (the
 * generic cell rate algorithm, equivalent to a token bucket of `burst`
 * tokens refilled at `rate`), so a host can keep it in shared memory and
 * update it with a single compare-and-swap: tg_ratelimit_take() is a pure
 * function of the limit, the stored state and the time. libc only. */
#ifndef TG_RATELIMIT_H
#define TG_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define TG_RATELIMIT_MAX_RATE 1000000u  /* events per period */
#define TG_RATELIMIT_MAX_BURST 1000000u

typedef struct tg_ratelimit_t {
    uint64_t interval_ns; /* one token every interval_ns; 0: no limit */
    uint64_t burst;       /* tokens the bucket holds */
    uint32_t rate;        /* as configured, for messages: rate per period */
    const char *period;   /* "s", "min" or "h" */
} tg_ratelimit_t;

/* The limit a server has without configuration: 100/s burst 500. */
#define TG_RATELIMIT_DEFAULT_RATE 100u
#define TG_RATELIMIT_DEFAULT_BURST 500u
void tg_ratelimit_default(tg_ratelimit_t *rl);

/*
 * Parses "<n>/s", "<n>/min" or "<n>/h" (n from 1 to TG_RATELIMIT_MAX_RATE),
 * optionally followed by the words "burst" and <m> (1 to
 * TG_RATELIMIT_MAX_BURST; default: n, at least 1), or "off" alone (no
 * limit). burst_kw and burst may be NULL. 0, or -1 with a sentence in err.
 */
int tg_ratelimit_parse(const char *rate, const char *burst_kw, const char *burst,
                       tg_ratelimit_t *out, char *err, size_t errlen);

/* "100/s burst 500" or "off" into buf. */
const char *tg_ratelimit_describe(const tg_ratelimit_t *rl, char *buf, size_t len);

/*
 * One event at now_ns against the stored state tat_ns (0: a full bucket).
 * Returns 1 and the state to store in *next_ns when a token was taken,
 * 0 (and *next_ns = tat_ns) when the bucket is empty. Times are any
 * monotonic nanosecond clock shared by every caller; no limit always
 * returns 1. A state that this limit cannot have left (more than burst
 * intervals ahead: another limit's) holds one token.
 */
int tg_ratelimit_take(const tg_ratelimit_t *rl, uint64_t tat_ns, uint64_t now_ns,
                      uint64_t *next_ns);

#endif
