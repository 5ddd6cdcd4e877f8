/*
 * tg_classify: why a handshake failed and at which step.
 *
 * From what was observed of one connection (tg_observation_t), the parsed
 * ClientHello (or its parse error) and optionally the virtual host's policy,
 * decide a reason from a closed set and a handshake stage. Both come from
 * ordered rule tables (first match wins) written over a set of facts; the
 * tables are reproduced in docs/events.md, and every row has an id ("R07",
 * "S03") that the verdict names, so a surprising verdict can be traced.
 *
 * The TLS library's own reason decides whenever it is specific. After it,
 * the hello itself is judged: a protocol we selected by ALPN that the hello
 * never offered gives alpn_mismatch; and where the library's reason is not
 * specific (none, "other", a refused callback, a non-certificate alert), the
 * hello is judged against the policy: no offered version inside the
 * policy's range gives protocol_version, no offered group in the policy's
 * list gives no_shared_group. Cipher lists are only judged by the library.
 * A message or record that breaks the protocol after the hello was answered
 * gives protocol_violation, bad_record_mac or decrypt_error (RFC 8446's
 * alert names), from the library's reason, else from an alert either way.
 *
 * A handshake after the first one (renegotiation, post-handshake
 * authentication) that did not complete is classified from its own outcome
 * fields, with the stage of its kind; the first hello is not judged then.
 */
#ifndef TG_CLASSIFY_H
#define TG_CLASSIFY_H

#include <stdint.h>

#include "tg_hello.h"
#include "tg_observation.h"
#include "tg_policy.h"

/* Failure reasons (closed set). TG_REASON_NONE: the handshake succeeded. */
typedef enum tg_reason_t {
    TG_REASON_NONE = 0,
    TG_REASON_PROTOCOL_VERSION,
    TG_REASON_NO_SHARED_CIPHER,
    TG_REASON_NO_SHARED_GROUP,
    TG_REASON_NO_SHARED_SIGALG,
    TG_REASON_UNKNOWN_SERVER_NAME,
    TG_REASON_CLIENT_REJECTED_CERTIFICATE,
    TG_REASON_CLIENT_CERTIFICATE_INVALID,
    TG_REASON_ALPN_MISMATCH,
    TG_REASON_INAPPROPRIATE_FALLBACK,
    TG_REASON_MALFORMED_HELLO,
    TG_REASON_NOT_TLS,
    TG_REASON_CLIENT_ABORTED,
    TG_REASON_TIMEOUT,
    TG_REASON_EMPTY_CONNECTION,
    TG_REASON_INTERNAL_ERROR,
    TG_REASON_POLICY_UNRESOLVED,
    TG_REASON_RENEGOTIATION_REFUSED,
    TG_REASON_CLIENT_REJECTED_RENEGOTIATION,
    TG_REASON_PROTOCOL_VIOLATION,
    TG_REASON_BAD_RECORD_MAC,
    TG_REASON_DECRYPT_ERROR,
    TG_REASON_OTHER,
    TG_REASON_COUNT
} tg_reason_t;

/* The handshake step that failed (or established for a success). A handshake
 * after the first one that did not complete has the stage of its kind. */
typedef enum tg_stage_t {
    TG_STAGE_CLIENT_HELLO = 0,
    TG_STAGE_SERVER_HELLO,
    TG_STAGE_CERTIFICATE,
    TG_STAGE_KEY_EXCHANGE,
    TG_STAGE_FINISHED,
    TG_STAGE_ESTABLISHED,
    TG_STAGE_RENEGOTIATION,
    TG_STAGE_POST_HANDSHAKE_AUTH,
    TG_STAGE_COUNT
} tg_stage_t;

typedef struct tg_verdict_t {
    int success;             /* every handshake of the connection completed */
    tg_reason_t reason;      /* TG_REASON_NONE on success */
    tg_stage_t stage;
    const char *reason_rule; /* id of the deciding row, "R01".. (static) */
    const char *stage_rule;  /* "S01".. (static) */
    int judged;              /* the reason came from judging the hello, not
                                from the TLS library */
} tg_verdict_t;

/*
 * Classifies one observation. hello is the parsed first ClientHello, or NULL
 * when none was captured; hello_err is tg_hello_parse()'s result for it
 * (ignored when hello is NULL). policy may be NULL (no judgement then).
 * Never fails: unknown combinations give TG_REASON_OTHER.
 */
void tg_classify(const tg_observation_t *obs, const tg_hello_t *hello,
                 int hello_err, const tg_policy_t *policy, tg_verdict_t *out);

/* "no_shared_cipher"; "none" for TG_REASON_NONE; "other" if out of range. */
const char *tg_reason_name(tg_reason_t reason);

/* "client_hello" ... "post_handshake_auth"; "client_hello" if out of range. */
const char *tg_stage_name(tg_stage_t stage);

/*
 * The judgement on its own, exposed for tests and the start-up audit:
 * 1 if no version the hello offers lies inside [policy->min_version,
 * policy->max_version], 0 if one does.
 */
int tg_classify_versions_outside(const tg_hello_t *hello,
                                 const tg_policy_t *policy);

/*
 * 1 if the hello lists supported groups (GREASE aside) and none of them (nor
 * of its key shares) is in policy->groups; 0 if one is, or if either side
 * lists no group the names table knows.
 */
int tg_classify_groups_outside(const tg_hello_t *hello,
                               const tg_policy_t *policy);

#endif /* TG_CLASSIFY_H */
