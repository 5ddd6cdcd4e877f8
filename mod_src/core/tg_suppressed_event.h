/* The events-suppressed event: how many failure events of one vhost
 * TLSGuardEventRate kept out of the log since the last such event, by
 * reason (docs/events.md, "Suppressed events"). */
#ifndef TG_SUPPRESSED_EVENT_H
#define TG_SUPPRESSED_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "tg_classify.h"

typedef struct tg_suppressed_t {
    int64_t now_us;          /* Unix microseconds */
    const char *version;     /* observer.version; NULL: omitted */
    const char *vhost;       /* ServerName, as handshake events give it */
    const char *limit;       /* "100/s burst 500" */
    unsigned interval_s;     /* at most one such event per vhost in this many seconds */
    long pid;                /* process.pid of the writer */
    uint64_t counts[TG_REASON_COUNT]; /* suppressed failures by reason */
} tg_suppressed_t;

/* Sum of counts. */
uint64_t tg_suppressed_total(const tg_suppressed_t *s);

/* One line ('\n'-terminated) into line[0..cap); its length, 0 if cap is
 * too small. Reasons with a zero count are left out. */
size_t tg_suppressed_encode(const tg_suppressed_t *s, char *line, size_t cap);

#endif
