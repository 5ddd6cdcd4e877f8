/*
 * tg_event: the handshake event, one JSON object on one line.
 *
 * From an observation: read the ClientHello the observer parsed (or parse
 * the captured bytes of a record filled without it), fingerprint it (JA3,
 * JA4, JA4_r; digests handed in), classify the outcome (tg_classify) and
 * write one JSON object and '\n' into a caller buffer. Fields, types and
 * the ECS mapping: docs/events.md; JSON Schema:
 * docs/tlsguard-event.schema.json.
 *
 * Guarantees: never writes at or beyond line[cap]; the line is valid JSON
 * and valid UTF-8 whatever the observation holds (wire strings are escaped
 * and repaired by tg_json); no allocation; lists that do not fit are cut
 * and "tlsguard.truncated": true is set. With cap = TG_EVENT_LINE_MAX the
 * line fits one atomic write().
 *
 * Two steps, so a caller can count and rate-limit on the verdict before
 * paying for the encoding:
 *
 *   tg_event_t ev;
 *   tg_event_prepare(&ev, obs, &ctx);          // parse + classify
 *   counters[ev.verdict.reason]++;
 *   if (allowed)
 *       n = tg_event_encode(&ev, &ctx, line, sizeof line);
 *
 * or tg_event_build() for both. The event borrows obs, which must outlive it,
 * and may point into itself: use it where it was prepared, do not copy it.
 */
#ifndef TG_EVENT_H
#define TG_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "tg_classify.h"
#include "tg_fingerprint.h"
#include "tg_hello.h"
#include "tg_observation.h"
#include "tg_policy.h"

/* Longest line, '\n' included: one atomic write() to a pipe or O_APPEND file. */
#define TG_EVENT_LINE_MAX 4096

/* The ECS version the field names follow (ecs.version). */
#define TG_EVENT_ECS_VERSION "9.4.0"

/* Fingerprint scratch used when the context brings none: enough for every
 * captured client (the largest, 93 suites, needs about 1 KiB). */
#define TG_EVENT_STACK_WORK 8192

/* Scratch that fingerprints any hello of up to TG_OBS_MAX_HELLO bytes: the
 * JA3 string (at most 3 bytes per hello byte) and JA4_r with its sort space
 * (at most 3.5 per byte) side by side. */
#define TG_EVENT_WORK_MAX 131072

/* A would_reject report: the judgement of the hello against a policy that
 * is not enforced (TLSGuardMode report, TLSGuardReportProfile), and what the
 * connection's first request said. Its reason and stage replace the
 * handshake's own in tlsguard.*; the HTTP strings come from the wire and
 * are escaped. */
typedef struct tg_event_report_t {
    const char *policy;       /* tlsguard.report_policy: the profile judged */
    tg_reason_t reason;       /* the reason enforcement would give */
    tg_stage_t stage;
    const char *rule;         /* the judge's step, "J01".. */
    const char *user_agent;   /* user_agent.original, NULL: no request (yet) */
    const char *host;         /* url.domain (the Host header) */
    const char *method;       /* http.request.method */
} tg_event_report_t;

/* Longest HTTP string a report carries; longer ones are cut (truncated). */
#define TG_EVENT_HTTP_TEXT_MAX 512

typedef struct tg_event_ctx_t {
    tg_digest_fn *md5;          /* JA3; either digest NULL: no fingerprints */
    tg_digest_fn *sha256;       /* JA4 */
    const char *mode;           /* "enforce", "report" or "off"; NULL: omitted */
    const char *version;        /* observer.version (module version); NULL: omitted */
    const tg_policy_t *policy;  /* the vhost's policy, for the judgement; may be NULL */
    char *work;                 /* fingerprint scratch; NULL: the record's fp_work
                                   if it has one, else TG_EVENT_STACK_WORK bytes
                                   on the stack */
    size_t work_size;
    const tg_event_report_t *report; /* NULL: a handshake event */
} tg_event_ctx_t;

typedef struct tg_event_t {
    const tg_observation_t *obs;
    int has_hello;              /* a hello was captured (obs->hello_len > 0) */
    int hello_err;              /* tg_hello_parse() result, TG_HELLO_OK if none */
    const tg_hello_t *hello;    /* valid when has_hello (partly on error): the
                                   record's parsed view, else `parsed` */
    tg_hello_t parsed;          /* for a record that carries only the bytes */
    tg_verdict_t verdict;
} tg_event_t;

/* Takes the parsed hello and classifies. Never fails. */
void tg_event_prepare(tg_event_t *ev, const tg_observation_t *obs,
                      const tg_event_ctx_t *ctx);

/*
 * Writes the event line ('\n'-terminated, not NUL-terminated) into
 * line[0..cap). Returns its length, newline included; 0 only if cap is too
 * small for even the top-level object (under ~64 bytes) or an argument is
 * NULL.
 */
size_t tg_event_encode(const tg_event_t *ev, const tg_event_ctx_t *ctx,
                       char *line, size_t cap);

/* tg_event_prepare() + tg_event_encode(). */
size_t tg_event_build(const tg_observation_t *obs, const tg_event_ctx_t *ctx,
                      char *line, size_t cap);

/* ECS event.type's second value for a reason: "denied" (the server's policy
 * refused), "end" (any other failure: the connection ended without TLS) or
 * "allowed" (TG_REASON_NONE). All three are among the types ECS expects for
 * event.category "network". */
const char *tg_event_type(tg_reason_t reason);

/* RFC 3339 UTC with microseconds, "2026-11-22T10:04:05.123456Z", into
 * out[TG_EVENT_TIME_SIZE]; years are clamped to 1970..9999. */
#define TG_EVENT_TIME_SIZE 28
void tg_event_format_time(int64_t us, char *out);

#endif /* TG_EVENT_H */
