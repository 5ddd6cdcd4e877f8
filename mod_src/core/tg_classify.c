/*
 * tg_classify: reason and stage of a handshake from ordered rule tables.
 *
 * The observation is first reduced to facts (bits); each table row then
 * names the facts it needs, all of them (all) and at least one of another
 * set (any), and the first matching row decides. The two judgement facts
 * (versions, groups against the policy) are only computed when the library's
 * reason is ambiguous, which keeps the common path to a few comparisons.
 * docs/events.md reproduces both tables; keep them in step.
 */
#include "tg_classify.h"

#include <stddef.h>
#include <string.h>

#include "tg_names.h"

/* ---- facts --------------------------------------------------------------- */

enum {
    F_DONE = 0,    /* every handshake of the connection completed */
    F_TIMEOUT,     /* a handshake read timed out */
    F_SILENT,      /* no byte, no hello, no message, no alert, no library reason */
    F_LIB_NOT_TLS, /* library: http_request, https_proxy_request, not_tls */
    F_RAW_NOT_TLS, /* first bytes are not a TLS handshake record, no hello */
    F_FALLBACK,    /* library inappropriate_fallback, or alert 86 sent */
    F_VERSION,     /* library unsupported_protocol, or alert 70 either way */
    F_LIB_CIPHER,  /* library no_shared_cipher */
    F_LIB_GROUP,   /* library no_shared_group */
    F_LIB_SIGALG,  /* library no_shared_sigalg */
    F_SNI,         /* library unrecognized_name, or alert 112 sent */
    F_ALPN,        /* library no_application_protocol, or alert 120 sent */
    F_ALPN_REFUSED, /* the client sent alert 120: it refused our ALPN choice */
    F_ALPN_UNOFFERED, /* we selected a protocol the client did not offer */
    F_CLIENT_CERT, /* library peer_certificate / peer_no_certificate, or a
                      certificate alert (or certificate_required) sent */
    F_CERT_ALERT_IN, /* a certificate alert received */
    F_LIB_MALFORMED, /* library malformed */
    F_UNRESOLVED,  /* the guard refused: which vhost's policy applies was unclear */
    F_HELLO_BAD,   /* the captured hello does not parse (not our cut) */
    F_INTERNAL,    /* library internal, or alert 80 sent */
    F_AMBIGUOUS,   /* library: none, other, callback_failed, peer_alert */
    F_VERSIONS_OUT, /* judged: no offered version inside the policy */
    F_GROUPS_OUT,  /* judged: no offered group in the policy */
    F_ABORTED,     /* library unexpected_eof, client closed, or close_notify /
                      user_canceled received */
    F_RENEG_REFUSED, /* library renegotiation_refused, or alert 100 sent */
    F_RENEG_REJECTED, /* library no_renegotiation, or alert 100 received */
    F_LATER_RENEG, /* a renegotiation began and did not complete */
    F_LATER_PHA,   /* post-handshake authentication began, did not complete */
    F_HELLO_SEEN,  /* a ClientHello was received (captured or counted) */
    F_LIB_RECORD_MAC, /* library bad_record_mac */
    F_LIB_DECRYPT, /* library decrypt_error */
    F_ALERT_VIOLATION, /* alert 10, 22, 47 or 50 either way */
    F_ALERT_RECORD_MAC, /* alert 20 either way */
    F_ALERT_DECRYPT, /* alert 51 either way */
    /* handshake progress, for the stage table */
    F_SENT_NOTHING, /* no handshake message sent */
    F_IN_CERT,     /* last received: certificate, compressed_certificate,
                      certificate_verify */
    F_IN_KX,       /* last received: client_key_exchange */
    F_IN_FIN,      /* last received: finished, next_protocol, end_of_early_data */
    F_OUT_HELLO,   /* last sent: server_hello, hello_retry_request,
                      encrypted_extensions */
    F_OUT_CERT,    /* last sent: certificate, compressed_certificate,
                      certificate_status, certificate_verify */
    F_OUT_KX,      /* last sent: server_key_exchange, certificate_request,
                      server_hello_done */
    F_OUT_FIN,     /* last sent: finished, new_session_ticket */
    F_ALWAYS,      /* set on every observation: the tables' last rows */
    F_COUNT
};

#define B(f) ((uint64_t)1 << (f))
_Static_assert(F_COUNT <= 64, "facts_t holds one bit per fact");

typedef uint64_t facts_t;

/* ---- the tables ------------------------------------------------------------ */

typedef struct reason_rule_t {
    const char *id;
    facts_t all;   /* every one of these */
    facts_t any;   /* and at least one of these (0: no such condition) */
    tg_reason_t reason;
    int judged;
} reason_rule_t;

typedef struct stage_rule_t {
    const char *id;
    facts_t any;
    tg_stage_t stage;
} stage_rule_t;

static const reason_rule_t reason_rules[] = {
    {"R01", B(F_DONE), 0, TG_REASON_NONE, 0},
    {"R02", B(F_TIMEOUT), 0, TG_REASON_TIMEOUT, 0},
    {"R03", B(F_SILENT), 0, TG_REASON_EMPTY_CONNECTION, 0},
    {"R24", B(F_LIB_NOT_TLS) | B(F_HELLO_SEEN), 0, TG_REASON_PROTOCOL_VIOLATION, 0},
    {"R04", 0, B(F_LIB_NOT_TLS) | B(F_RAW_NOT_TLS), TG_REASON_NOT_TLS, 0},
    {"R32", B(F_UNRESOLVED) | B(F_HELLO_BAD), 0, TG_REASON_MALFORMED_HELLO, 0},
    {"R33", B(F_UNRESOLVED), 0, TG_REASON_POLICY_UNRESOLVED, 0},
    {"R05", B(F_FALLBACK), 0, TG_REASON_INAPPROPRIATE_FALLBACK, 0},
    {"R06", B(F_VERSION), 0, TG_REASON_PROTOCOL_VERSION, 0},
    {"R07", B(F_LIB_CIPHER), 0, TG_REASON_NO_SHARED_CIPHER, 0},
    {"R08", B(F_LIB_GROUP), 0, TG_REASON_NO_SHARED_GROUP, 0},
    {"R09", B(F_LIB_SIGALG), 0, TG_REASON_NO_SHARED_SIGALG, 0},
    {"R10", B(F_SNI), 0, TG_REASON_UNKNOWN_SERVER_NAME, 0},
    {"R11", 0, B(F_ALPN) | B(F_ALPN_REFUSED), TG_REASON_ALPN_MISMATCH, 0},
    {"R12", B(F_CLIENT_CERT), 0, TG_REASON_CLIENT_CERTIFICATE_INVALID, 0},
    {"R13", B(F_CERT_ALERT_IN), 0, TG_REASON_CLIENT_REJECTED_CERTIFICATE, 0},
    {"R22", B(F_RENEG_REFUSED), 0, TG_REASON_RENEGOTIATION_REFUSED, 0},
    {"R23", B(F_RENEG_REJECTED), 0, TG_REASON_CLIENT_REJECTED_RENEGOTIATION, 0},
    {"R14", B(F_LIB_MALFORMED) | B(F_SENT_NOTHING), 0,
     TG_REASON_MALFORMED_HELLO, 0},
    {"R25", B(F_LIB_RECORD_MAC), 0, TG_REASON_BAD_RECORD_MAC, 0},
    {"R26", B(F_LIB_DECRYPT), 0, TG_REASON_DECRYPT_ERROR, 0},
    {"R27", B(F_LIB_MALFORMED), 0, TG_REASON_PROTOCOL_VIOLATION, 0},
    {"R15", B(F_HELLO_BAD), 0, TG_REASON_MALFORMED_HELLO, 0},
    {"R16", B(F_INTERNAL), 0, TG_REASON_INTERNAL_ERROR, 0},
    {"R17", B(F_ALPN_UNOFFERED), 0, TG_REASON_ALPN_MISMATCH, 1},
    {"R18", B(F_AMBIGUOUS) | B(F_VERSIONS_OUT), 0, TG_REASON_PROTOCOL_VERSION,
     1},
    {"R19", B(F_AMBIGUOUS) | B(F_GROUPS_OUT), 0, TG_REASON_NO_SHARED_GROUP, 1},
    {"R28", B(F_ALERT_VIOLATION) | B(F_SENT_NOTHING), 0, TG_REASON_MALFORMED_HELLO,
     0},
    {"R29", B(F_ALERT_RECORD_MAC), 0, TG_REASON_BAD_RECORD_MAC, 0},
    {"R30", B(F_ALERT_DECRYPT), 0, TG_REASON_DECRYPT_ERROR, 0},
    {"R31", B(F_ALERT_VIOLATION), 0, TG_REASON_PROTOCOL_VIOLATION, 0},
    {"R20", B(F_ABORTED), 0, TG_REASON_CLIENT_ABORTED, 0},
    {"R21", B(F_ALWAYS), 0, TG_REASON_OTHER, 0},
};

static const stage_rule_t stage_rules[] = {
    {"S01", B(F_DONE), TG_STAGE_ESTABLISHED},
    {"S12", B(F_LATER_RENEG), TG_STAGE_RENEGOTIATION},
    {"S13", B(F_LATER_PHA), TG_STAGE_POST_HANDSHAKE_AUTH},
    {"S02", B(F_SENT_NOTHING), TG_STAGE_CLIENT_HELLO},
    {"S03", B(F_CERT_ALERT_IN) | B(F_IN_CERT), TG_STAGE_CERTIFICATE},
    {"S04", B(F_ALPN_REFUSED) | B(F_ALPN_UNOFFERED), TG_STAGE_SERVER_HELLO},
    {"S05", B(F_IN_KX), TG_STAGE_KEY_EXCHANGE},
    {"S06", B(F_IN_FIN), TG_STAGE_FINISHED},
    {"S07", B(F_OUT_HELLO), TG_STAGE_SERVER_HELLO},
    {"S08", B(F_OUT_CERT), TG_STAGE_CERTIFICATE},
    {"S09", B(F_OUT_KX), TG_STAGE_KEY_EXCHANGE},
    {"S10", B(F_OUT_FIN), TG_STAGE_FINISHED},
    {"S11", B(F_ALWAYS), TG_STAGE_CLIENT_HELLO},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- names ---------------------------------------------------------------- */

static const char *const reason_names[TG_REASON_COUNT] = {
    [TG_REASON_NONE] = "none",
    [TG_REASON_PROTOCOL_VERSION] = "protocol_version",
    [TG_REASON_NO_SHARED_CIPHER] = "no_shared_cipher",
    [TG_REASON_NO_SHARED_GROUP] = "no_shared_group",
    [TG_REASON_NO_SHARED_SIGALG] = "no_shared_sigalg",
    [TG_REASON_UNKNOWN_SERVER_NAME] = "unknown_server_name",
    [TG_REASON_CLIENT_REJECTED_CERTIFICATE] = "client_rejected_certificate",
    [TG_REASON_CLIENT_CERTIFICATE_INVALID] = "client_certificate_invalid",
    [TG_REASON_ALPN_MISMATCH] = "alpn_mismatch",
    [TG_REASON_INAPPROPRIATE_FALLBACK] = "inappropriate_fallback",
    [TG_REASON_MALFORMED_HELLO] = "malformed_hello",
    [TG_REASON_NOT_TLS] = "not_tls",
    [TG_REASON_CLIENT_ABORTED] = "client_aborted",
    [TG_REASON_TIMEOUT] = "timeout",
    [TG_REASON_EMPTY_CONNECTION] = "empty_connection",
    [TG_REASON_INTERNAL_ERROR] = "internal_error",
    [TG_REASON_POLICY_UNRESOLVED] = "policy_unresolved",
    [TG_REASON_RENEGOTIATION_REFUSED] = "renegotiation_refused",
    [TG_REASON_CLIENT_REJECTED_RENEGOTIATION] = "client_rejected_renegotiation",
    [TG_REASON_PROTOCOL_VIOLATION] = "protocol_violation",
    [TG_REASON_BAD_RECORD_MAC] = "bad_record_mac",
    [TG_REASON_DECRYPT_ERROR] = "decrypt_error",
    [TG_REASON_OTHER] = "other",
};

static const char *const stage_names[TG_STAGE_COUNT] = {
    [TG_STAGE_CLIENT_HELLO] = "client_hello",
    [TG_STAGE_SERVER_HELLO] = "server_hello",
    [TG_STAGE_CERTIFICATE] = "certificate",
    [TG_STAGE_KEY_EXCHANGE] = "key_exchange",
    [TG_STAGE_FINISHED] = "finished",
    [TG_STAGE_ESTABLISHED] = "established",
    [TG_STAGE_RENEGOTIATION] = "renegotiation",
    [TG_STAGE_POST_HANDSHAKE_AUTH] = "post_handshake_auth",
};

const char *tg_reason_name(tg_reason_t reason)
{
    if ((unsigned)reason >= TG_REASON_COUNT)
        return "other";
    return reason_names[reason];
}

const char *tg_stage_name(tg_stage_t stage)
{
    if ((unsigned)stage >= TG_STAGE_COUNT)
        return "client_hello";
    return stage_names[stage];
}

/* ---- fact sets of codes ---------------------------------------------------- */

/* Library reasons, one bit per tg_tls_error_t. */
#define E(e) ((uint32_t)1 << (e))

typedef struct lib_fact_t {
    uint32_t errors;
    int fact;
} lib_fact_t;

static const lib_fact_t lib_facts[] = {
    {E(TG_TLSERR_HTTP_REQUEST) | E(TG_TLSERR_HTTPS_PROXY_REQUEST) |
         E(TG_TLSERR_NOT_TLS), F_LIB_NOT_TLS},
    {E(TG_TLSERR_INAPPROPRIATE_FALLBACK), F_FALLBACK},
    {E(TG_TLSERR_UNSUPPORTED_PROTOCOL), F_VERSION},
    {E(TG_TLSERR_NO_SHARED_CIPHER), F_LIB_CIPHER},
    {E(TG_TLSERR_NO_SHARED_GROUP), F_LIB_GROUP},
    {E(TG_TLSERR_NO_SHARED_SIGALG), F_LIB_SIGALG},
    {E(TG_TLSERR_UNRECOGNIZED_NAME), F_SNI},
    {E(TG_TLSERR_NO_APPLICATION_PROTOCOL), F_ALPN},
    {E(TG_TLSERR_PEER_CERTIFICATE) | E(TG_TLSERR_PEER_NO_CERTIFICATE),
     F_CLIENT_CERT},
    {E(TG_TLSERR_MALFORMED), F_LIB_MALFORMED},
    {E(TG_TLSERR_POLICY_UNRESOLVED), F_UNRESOLVED},
    {E(TG_TLSERR_BAD_RECORD_MAC), F_LIB_RECORD_MAC},
    {E(TG_TLSERR_DECRYPT_ERROR), F_LIB_DECRYPT},
    {E(TG_TLSERR_INTERNAL), F_INTERNAL},
    {E(TG_TLSERR_NONE) | E(TG_TLSERR_OTHER) | E(TG_TLSERR_CALLBACK_FAILED) |
         E(TG_TLSERR_PEER_ALERT), F_AMBIGUOUS},
    {E(TG_TLSERR_UNEXPECTED_EOF), F_ABORTED},
    {E(TG_TLSERR_RENEGOTIATION_REFUSED), F_RENEG_REFUSED},
    {E(TG_TLSERR_NO_RENEGOTIATION), F_RENEG_REJECTED},
};

/* Alert descriptions (TLS AlertDescription) and the fact each direction gives. */
typedef struct alert_fact_t {
    uint8_t desc;
    int sent; /* fact when we sent it, -1 none */
    int recv; /* fact when the client sent it, -1 none */
} alert_fact_t;

static const alert_fact_t alert_facts[] = {
    {0, -1, F_ABORTED},               /* close_notify */
    {10, F_ALERT_VIOLATION, F_ALERT_VIOLATION}, /* unexpected_message */
    {20, F_ALERT_RECORD_MAC, F_ALERT_RECORD_MAC}, /* bad_record_mac */
    {22, F_ALERT_VIOLATION, F_ALERT_VIOLATION}, /* record_overflow */
    {42, F_CLIENT_CERT, F_CERT_ALERT_IN}, /* bad_certificate */
    {43, F_CLIENT_CERT, F_CERT_ALERT_IN}, /* unsupported_certificate */
    {44, F_CLIENT_CERT, F_CERT_ALERT_IN}, /* certificate_revoked */
    {45, F_CLIENT_CERT, F_CERT_ALERT_IN}, /* certificate_expired */
    {46, F_CLIENT_CERT, F_CERT_ALERT_IN}, /* certificate_unknown */
    {47, F_ALERT_VIOLATION, F_ALERT_VIOLATION}, /* illegal_parameter */
    {48, F_CLIENT_CERT, F_CERT_ALERT_IN}, /* unknown_ca */
    {50, F_ALERT_VIOLATION, F_ALERT_VIOLATION}, /* decode_error */
    {51, F_ALERT_DECRYPT, F_ALERT_DECRYPT}, /* decrypt_error */
    {70, F_VERSION, F_VERSION},       /* protocol_version */
    {80, F_INTERNAL, -1},             /* internal_error */
    {86, F_FALLBACK, -1},             /* inappropriate_fallback */
    {90, -1, F_ABORTED},              /* user_canceled */
    {100, F_RENEG_REFUSED, F_RENEG_REJECTED}, /* no_renegotiation */
    {111, F_CLIENT_CERT, F_CERT_ALERT_IN}, /* certificate_unobtainable */
    {112, F_SNI, -1},                 /* unrecognized_name */
    {113, F_CLIENT_CERT, F_CERT_ALERT_IN}, /* bad_certificate_status_response */
    {114, F_CLIENT_CERT, F_CERT_ALERT_IN}, /* bad_certificate_hash_value */
    {116, F_CLIENT_CERT, -1},         /* certificate_required */
    {120, F_ALPN, F_ALPN_REFUSED},    /* no_application_protocol */
};

/* Handshake types, one bit each (all of interest are below 64 except NPN). */
#define T(t) ((uint64_t)1 << (t))
#define NPN_TYPE 67

typedef struct msg_fact_t {
    uint64_t types;
    int npn; /* next_protocol (67) belongs here too */
    int fact;
} msg_fact_t;

static const msg_fact_t in_facts[] = {
    {T(11) | T(25) | T(15), 0, F_IN_CERT},
    {T(16), 0, F_IN_KX},
    {T(20) | T(5), 1, F_IN_FIN},
};

static const msg_fact_t out_facts[] = {
    {T(2) | T(6) | T(8), 0, F_OUT_HELLO},
    {T(11) | T(25) | T(22) | T(15), 0, F_OUT_CERT},
    {T(12) | T(13) | T(14), 0, F_OUT_KX},
    {T(20) | T(4), 0, F_OUT_FIN},
};

static facts_t lib_fact(tg_tls_error_t e)
{
    if ((unsigned)e >= TG_TLSERR_COUNT)
        e = TG_TLSERR_OTHER;
    for (size_t i = 0; i < COUNT(lib_facts); i++) {
        if (lib_facts[i].errors & E(e))
            return B(lib_facts[i].fact);
    }
    return 0;
}

static facts_t alert_fact(const tg_obs_alert_t *a, int sent)
{
    if (!a->seen)
        return 0;
    for (size_t i = 0; i < COUNT(alert_facts); i++) {
        int f = sent ? alert_facts[i].sent : alert_facts[i].recv;

        if (alert_facts[i].desc == a->desc)
            return f >= 0 ? B(f) : 0;
    }
    return 0;
}

static facts_t msg_fact(const msg_fact_t *t, size_t n, int type)
{
    for (size_t i = 0; i < n; i++) {
        if ((type >= 0 && type < 64 && (t[i].types & T(type))) ||
            (type == NPN_TYPE && t[i].npn))
            return B(t[i].fact);
    }
    return 0;
}

/* ---- raw bytes -------------------------------------------------------------- */

/*
 * Could the first bytes begin a ClientHello? A TLS handshake record (22,
 * major version 3) or an SSL 2.0-style hello (length with the high bit set,
 * then message type 1). Bytes not yet received count as possible.
 */
static int looks_like_tls(const uint8_t *b, size_t n)
{
    if (n == 0)
        return 1;
    if (b[0] == 22)
        return n < 2 || b[1] == 3;
    if (b[0] & 0x80)
        return n < 3 || b[2] == 1;
    return 0;
}

static facts_t raw_facts(const tg_observation_t *obs, int has_hello)
{
    facts_t f = 0;
    size_t first = obs->first_len < TG_OBS_FIRST_BYTES ? obs->first_len
                                                       : TG_OBS_FIRST_BYTES;

    if (has_hello || obs->hellos > 0)
        f |= B(F_HELLO_SEEN);
    if (!has_hello && !looks_like_tls(obs->first_bytes, first))
        f |= B(F_RAW_NOT_TLS);
    if (obs->bytes_in == 0 && first == 0 && !has_hello &&
        obs->last_msg_in == TG_OBS_NO_MSG && !obs->alert_received.seen &&
        (obs->tls_error == TG_TLSERR_NONE ||
         obs->tls_error == TG_TLSERR_UNEXPECTED_EOF))
        f |= B(F_SILENT);
    return f;
}

/*
 * The protocol we selected by ALPN is not among those the hello offered
 * (mod_ssl falls back to its default protocol), so the client could only
 * refuse it.
 */
static int alpn_unoffered(const tg_observation_t *obs, const tg_hello_t *h,
                          int hello_err)
{
    size_t n = obs->alpn_len < TG_OBS_TEXT_MAX ? obs->alpn_len : TG_OBS_TEXT_MAX;
    size_t i = 0;

    if (!h || hello_err != TG_HELLO_OK || !(h->seen & TG_HELLO_SEEN_ALPN) ||
        n == 0)
        return 0;
    while (i < h->alpn.len) {
        size_t len = h->alpn.p[i++];

        if (len > h->alpn.len - i)
            break;
        if (len == n && memcmp(h->alpn.p + i, obs->alpn, n) == 0)
            return 0;
        i += len;
    }
    return 1;
}

/* ---- the judgement ------------------------------------------------------------- */

static int version_inside(uint16_t v, const tg_policy_t *p)
{
    return !tg_is_grease(v) && v >= p->min_version && v <= p->max_version;
}

int tg_classify_versions_outside(const tg_hello_t *h, const tg_policy_t *p)
{
    size_t n;

    if (!h || !p || p->min_version == 0 || p->max_version == 0)
        return 0;
    if (h->seen & TG_HELLO_SEEN_SUPPORTED_VERSIONS) {
        n = tg_u16_count(h->versions);
        for (size_t i = 0; i < n; i++) {
            if (version_inside(tg_u16_at(h->versions, i), p))
                return 0;
        }
        return 1;
    }
    /* Without the extension the client offers legacy_version and below. */
    return h->legacy_version < p->min_version;
}

static int group_in(uint16_t g, const uint16_t *codes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (codes[i] == g)
            return 1;
    }
    return 0;
}

int tg_classify_groups_outside(const tg_hello_t *h, const tg_policy_t *p)
{
    const uint16_t *codes;
    size_t n, offered = 0, count;

    if (!h || !p || !(h->seen & TG_HELLO_SEEN_SUPPORTED_GROUPS))
        return 0;
    codes = p->group_codes;
    n = p->group_n;
    if (n == 0)
        return 0;
    count = tg_u16_count(h->groups);
    for (size_t i = 0; i < count; i++) {
        uint16_t g = tg_u16_at(h->groups, i);

        if (tg_is_grease(g))
            continue;
        offered++;
        if (group_in(g, codes, n))
            return 0;
    }
    for (size_t i = 0; i < h->key_share_n; i++) {
        if (group_in(h->key_share_groups[i], codes, n))
            return 0;
    }
    return offered > 0;
}

/* ---- classification --------------------------------------------------------------- */

/* A later handshake that did not complete, by kind. */
static facts_t later_facts(const tg_observation_t *obs)
{
    if (!obs->handshake_done || !tg_observation_later_pending(obs))
        return 0;
    return obs->phase == TG_OBS_PHASE_POST_HANDSHAKE_AUTH ? B(F_LATER_PHA)
                                                          : B(F_LATER_RENEG);
}

static facts_t observed_facts(const tg_observation_t *obs, const tg_hello_t *h,
                              int hello_err)
{
    int has_hello = h != NULL;
    facts_t f = B(F_ALWAYS);

    if (tg_observation_complete(obs))
        f |= B(F_DONE);
    f |= later_facts(obs);
    if (obs->read_timeout)
        f |= B(F_TIMEOUT);
    if (obs->peer_eof)
        f |= B(F_ABORTED);
    /* Once the first handshake completed, its hello is no cause any more. */
    if (has_hello && !obs->handshake_done && hello_err != TG_HELLO_OK &&
        !(obs->hello_truncated && hello_err == TG_HELLO_TRUNCATED))
        f |= B(F_HELLO_BAD);
    f |= raw_facts(obs, has_hello);
    if (!obs->handshake_done && alpn_unoffered(obs, h, hello_err))
        f |= B(F_ALPN_UNOFFERED);
    f |= lib_fact(obs->tls_error);
    f |= alert_fact(&obs->alert_sent, 1) | alert_fact(&obs->alert_received, 0);
    /* OpenSSL answers a server_name extension it cannot decode (a name over
     * 255 bytes, a NUL in it) with alert 112 too; its own reason then says
     * malformed: the hello is at fault, not the name it asked for. */
    if (obs->tls_error == TG_TLSERR_MALFORMED)
        f &= ~B(F_SNI);
    if (obs->last_msg_out == TG_OBS_NO_MSG)
        f |= B(F_SENT_NOTHING);
    f |= msg_fact(in_facts, COUNT(in_facts), obs->last_msg_in);
    f |= msg_fact(out_facts, COUNT(out_facts), obs->last_msg_out);
    return f;
}

/* The judgement facts, only worth computing for an ambiguous library reason
 * in the first handshake (a later one does not send the first hello). */
static facts_t judged_facts(facts_t f, const tg_hello_t *h, int hello_err,
                            const tg_policy_t *policy)
{
    facts_t j = 0;

    if (!(f & B(F_AMBIGUOUS)) || (f & (B(F_LATER_RENEG) | B(F_LATER_PHA))) ||
        !h || hello_err != TG_HELLO_OK || !policy)
        return 0;
    if (tg_classify_versions_outside(h, policy))
        j |= B(F_VERSIONS_OUT);
    if (tg_classify_groups_outside(h, policy))
        j |= B(F_GROUPS_OUT);
    return j;
}

static int reason_matches(const reason_rule_t *r, facts_t f)
{
    return (f & r->all) == r->all && (r->any == 0 || (f & r->any) != 0);
}

void tg_classify(const tg_observation_t *obs, const tg_hello_t *hello,
                 int hello_err, const tg_policy_t *policy, tg_verdict_t *out)
{
    facts_t f = observed_facts(obs, hello, hello_err);
    size_t i;

    f |= judged_facts(f, hello, hello_err, policy);
    for (i = 0; i + 1 < COUNT(reason_rules); i++) {
        if (reason_matches(&reason_rules[i], f))
            break;
    }
    out->reason = reason_rules[i].reason;
    out->reason_rule = reason_rules[i].id;
    out->judged = reason_rules[i].judged;
    out->success = out->reason == TG_REASON_NONE;
    for (i = 0; i + 1 < COUNT(stage_rules); i++) {
        if (f & stage_rules[i].any)
            break;
    }
    out->stage = stage_rules[i].stage;
    out->stage_rule = stage_rules[i].id;
}
