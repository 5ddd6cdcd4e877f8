/* Observe an OpenSSL server handshake: message and info callbacks filling a
 * tg_observation_t in host memory. */
#include "tg_ossl_observe.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_event.h" /* TG_EVENT_STACK_WORK */
#include "tg_fingerprint.h"
#include "tg_names.h"

#define TG_ALERT_FATAL 2
#define TG_ALERT_NO_RENEGOTIATION 100
#define TG_ALERT_UNRECOGNIZED_NAME 112
#define TG_RT_HEARTBEAT 24 /* highest TLS content type (RFC 6520) */

static int ex_index = -1;

/* ---- the curated reason table ------------------------------------------- */

/* OpenSSL's client-caused handshake failures, sorted by SSL_R_* value (the
 * unit test checks the order). Record-layer violations (not_tls) mean the
 * peer does not speak TLS when they come before its hello, and break the
 * protocol after it (the classifier tells them apart); failures inside a
 * message, unexpected and oversized ones mean a TLS peer sent something
 * broken (malformed). A record that fails decryption and a handshake check
 * that fails (the Finished MAC, a PSK binder) have codes of their own.
 * Reasons that only a misconfigured server raises are ours (internal). */
static const tg_ossl_reason_map_t reason_table[] = {
    {SSL_R_NO_SUITABLE_KEY_SHARE, TG_TLSERR_NO_SHARED_GROUP},          /* 101 */
    {SSL_R_BAD_DH_VALUE, TG_TLSERR_MALFORMED},                         /* 102: client's DH share */
    {SSL_R_BAD_CHANGE_CIPHER_SPEC, TG_TLSERR_MALFORMED},               /* 103 */
    {SSL_R_BAD_DECOMPRESSION, TG_TLSERR_MALFORMED},                    /* 107 */
    {SSL_R_BAD_KEY_SHARE, TG_TLSERR_MALFORMED},                        /* 108 */
    {SSL_R_BAD_EXTENSION, TG_TLSERR_MALFORMED},                        /* 110 */
    {SSL_R_MISSING_SIGALGS_EXTENSION, TG_TLSERR_MALFORMED},            /* 112 */
    {SSL_R_BAD_PACKET_LENGTH, TG_TLSERR_MALFORMED},                    /* 115 */
    {SSL_R_BAD_PROTOCOL_VERSION_NUMBER, TG_TLSERR_MALFORMED},          /* 116 */
    {SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM, TG_TLSERR_NO_SHARED_SIGALG}, /* 118 */
    {SSL_R_BAD_KEY_UPDATE, TG_TLSERR_MALFORMED},                       /* 122 */
    {SSL_R_BAD_SIGNATURE, TG_TLSERR_PEER_CERTIFICATE},                 /* 123: client's CertificateVerify */
    {SSL_R_CCS_RECEIVED_EARLY, TG_TLSERR_MALFORMED},                   /* 133 */
    {SSL_R_CERTIFICATE_VERIFY_FAILED, TG_TLSERR_PEER_CERTIFICATE},     /* 134 */
    {SSL_R_CERT_LENGTH_MISMATCH, TG_TLSERR_MALFORMED},                 /* 135: client's Certificate */
    {SSL_R_DATA_BETWEEN_CCS_AND_FINISHED, TG_TLSERR_MALFORMED},        /* 145 */
    {SSL_R_DATA_LENGTH_TOO_LONG, TG_TLSERR_NOT_TLS},                   /* 146 */
    {SSL_R_DECRYPTION_FAILED, TG_TLSERR_BAD_RECORD_MAC},               /* 147 */
    {SSL_R_DIGEST_CHECK_FAILED, TG_TLSERR_DECRYPT_ERROR},              /* 149: the client's Finished */
    {SSL_R_ENCRYPTED_LENGTH_TOO_LONG, TG_TLSERR_NOT_TLS},              /* 150 */
    {SSL_R_EXCESSIVE_MESSAGE_SIZE, TG_TLSERR_MALFORMED},               /* 152 */
    {SSL_R_EXTRA_DATA_IN_MESSAGE, TG_TLSERR_MALFORMED},                /* 153 */
    {SSL_R_HTTPS_PROXY_REQUEST, TG_TLSERR_HTTPS_PROXY_REQUEST},        /* 155 */
    {SSL_R_HTTP_REQUEST, TG_TLSERR_HTTP_REQUEST},                      /* 156 */
    {SSL_R_LENGTH_MISMATCH, TG_TLSERR_MALFORMED},                      /* 159 */
    {SSL_R_LENGTH_TOO_SHORT, TG_TLSERR_MALFORMED},                     /* 160 */
    {SSL_R_VERSION_TOO_HIGH, TG_TLSERR_UNSUPPORTED_PROTOCOL},          /* 166 */
    {SSL_R_NO_CERTIFICATE_ASSIGNED, TG_TLSERR_INTERNAL},               /* 177 */
    {SSL_R_UNEXPECTED_END_OF_EARLY_DATA, TG_TLSERR_MALFORMED},         /* 178 */
    {SSL_R_NO_CIPHERS_AVAILABLE, TG_TLSERR_INTERNAL},                  /* 181 */
    {SSL_R_NOT_ON_RECORD_BOUNDARY, TG_TLSERR_MALFORMED},               /* 182 */
    {SSL_R_NO_CIPHERS_SPECIFIED, TG_TLSERR_MALFORMED},                 /* 183: empty list */
    {SSL_R_BAD_CIPHER, TG_TLSERR_MALFORMED},                           /* 186 */
    {SSL_R_NO_PROTOCOLS_AVAILABLE, TG_TLSERR_INTERNAL},                /* 191 */
    {SSL_R_NO_SHARED_CIPHER, TG_TLSERR_NO_SHARED_CIPHER},              /* 193 */
    {SSL_R_PACKET_LENGTH_TOO_LONG, TG_TLSERR_NOT_TLS},                 /* 198 */
    {SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE, TG_TLSERR_PEER_NO_CERTIFICATE}, /* 199 */
    {SSL_R_INVALID_ALERT, TG_TLSERR_MALFORMED},                        /* 205 */
    {SSL_R_MISSING_SUPPORTED_GROUPS_EXTENSION, TG_TLSERR_MALFORMED},   /* 209 */
    {SSL_R_RECORD_LENGTH_MISMATCH, TG_TLSERR_MALFORMED},               /* 213 */
    {SSL_R_CLIENTHELLO_TLSEXT, TG_TLSERR_CALLBACK_FAILED},             /* 226: status/SRP callback */
    {SSL_R_CALLBACK_FAILED, TG_TLSERR_CALLBACK_FAILED},                /* 234 */
    {SSL_R_NO_APPLICATION_PROTOCOL, TG_TLSERR_NO_APPLICATION_PROTOCOL}, /* 235 */
    {SSL_R_BAD_PACKET, TG_TLSERR_MALFORMED},                           /* 240 */
    {SSL_R_UNEXPECTED_MESSAGE, TG_TLSERR_MALFORMED},                   /* 244 */
    {SSL_R_UNEXPECTED_RECORD, TG_TLSERR_MALFORMED},                    /* 245 */
    {SSL_R_UNKNOWN_PROTOCOL, TG_TLSERR_UNSUPPORTED_PROTOCOL},          /* 252: an SSLv2 client */
    {SSL_R_BINDER_DOES_NOT_VERIFY, TG_TLSERR_DECRYPT_ERROR},           /* 253: PSK binder */
    {SSL_R_UNSUPPORTED_PROTOCOL, TG_TLSERR_UNSUPPORTED_PROTOCOL},      /* 258 */
    {SSL_R_INVALID_CCS_MESSAGE, TG_TLSERR_MALFORMED},                  /* 260 */
    {SSL_R_UNEXPECTED_CCS_MESSAGE, TG_TLSERR_MALFORMED},               /* 262 */
    {SSL_R_WRONG_VERSION_NUMBER, TG_TLSERR_NOT_TLS},                   /* 267 */
    {SSL_R_BAD_LENGTH, TG_TLSERR_MALFORMED},                           /* 271 */
    {SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC, TG_TLSERR_BAD_RECORD_MAC}, /* 281 */
    {SSL_R_BAD_LEGACY_VERSION, TG_TLSERR_UNSUPPORTED_PROTOCOL},        /* 292: SSLv3 or older */
    {SSL_R_UNEXPECTED_EOF_WHILE_READING, TG_TLSERR_UNEXPECTED_EOF},    /* 294 */
    {SSL_R_RECORD_TOO_SMALL, TG_TLSERR_MALFORMED},                     /* 298 */
    {SSL_R_BAD_ECPOINT, TG_TLSERR_MALFORMED},                          /* 306 */
    {SSL_R_MISSING_PSK_KEX_MODES_EXTENSION, TG_TLSERR_MALFORMED},      /* 310 */
    {SSL_R_BAD_HANDSHAKE_LENGTH, TG_TLSERR_MALFORMED},                 /* 332 */
    {SSL_R_RENEGOTIATION_MISMATCH, TG_TLSERR_MALFORMED},               /* 337 */
    {SSL_R_NO_RENEGOTIATION, TG_TLSERR_NO_RENEGOTIATION},              /* 339: the peer refused */
    {SSL_R_INAPPROPRIATE_FALLBACK, TG_TLSERR_INAPPROPRIATE_FALLBACK},  /* 373 */
    {SSL_R_NO_SHARED_SIGNATURE_ALGORITHMS, TG_TLSERR_NO_SHARED_SIGALG}, /* 376 */
    {SSL_R_VERSION_TOO_LOW, TG_TLSERR_UNSUPPORTED_PROTOCOL},           /* 396 */
    {SSL_R_LENGTH_TOO_LONG, TG_TLSERR_MALFORMED},                      /* 404 */
    {SSL_R_TOO_MANY_WARN_ALERTS, TG_TLSERR_MALFORMED},                 /* 409 */
    {SSL_R_NO_SHARED_GROUPS, TG_TLSERR_NO_SHARED_GROUP},               /* 410 */
    {SSL_R_BAD_RECORD_TYPE, TG_TLSERR_MALFORMED},                      /* 443 */
};

const tg_ossl_reason_map_t *tg_ossl_reason_table(size_t *count)
{
    *count = sizeof(reason_table) / sizeof(reason_table[0]);
    return reason_table;
}

static int compare_reason(const void *key, const void *row)
{
    int a = *(const int *)key, b = ((const tg_ossl_reason_map_t *)row)->reason;
    return (a > b) - (a < b);
}

tg_tls_error_t tg_ossl_map_error(unsigned long err)
{
    const tg_ossl_reason_map_t *row;
    int reason;

    if (err == 0)
        return TG_TLSERR_NONE;
    if (ERR_SYSTEM_ERROR(err))
        return TG_TLSERR_OTHER;
    reason = ERR_GET_REASON(err);
    if (reason & ERR_RFLAG_COMMON) /* allocation, internal error, ... in any library */
        return TG_TLSERR_INTERNAL;
    if (ERR_GET_LIB(err) != ERR_LIB_SSL)
        return TG_TLSERR_OTHER;
    /* OpenSSL reports a received fatal alert as SSL_AD_REASON_OFFSET + its
     * description (SSL_R_TLSV1_ALERT_*, SSL_R_SSLV3_ALERT_*). */
    if (reason >= SSL_AD_REASON_OFFSET && reason <= SSL_AD_REASON_OFFSET + 255)
        return TG_TLSERR_PEER_ALERT;
    row = bsearch(&reason, reason_table, sizeof(reason_table) / sizeof(reason_table[0]),
                  sizeof(reason_table[0]), compare_reason);
    return row ? row->error : TG_TLSERR_OTHER;
}

/* ---- negotiated group ----------------------------------------------------- */

/* The groups servers negotiate in practice; any other goes through its name. */
static const struct {
    int nid;
    uint16_t code;
} common_groups[] = {
    {NID_X25519, 0x001d},          {NID_X9_62_prime256v1, 0x0017}, {NID_secp384r1, 0x0018},
    {NID_secp521r1, 0x0019},       {NID_X448, 0x001e},             {NID_ffdhe2048, 0x0100},
    {NID_ffdhe3072, 0x0101},       {NID_ffdhe4096, 0x0102},
};

uint16_t tg_ossl_group_code(int nid)
{
    const char *name;
    int code;

    if (nid == NID_undef)
        return 0;
    if (nid & TLSEXT_nid_unknown) /* a group OpenSSL has no NID for: the code itself */
        return (uint16_t)(nid & 0xffff);
    for (size_t i = 0; i < sizeof(common_groups) / sizeof(common_groups[0]); i++)
        if (common_groups[i].nid == nid)
            return common_groups[i].code;
    name = OBJ_nid2sn(nid);
    code = name ? tg_names_group_code(name) : -1;
    return code > 0 ? (uint16_t)code : 0;
}

/* ---- recording ---------------------------------------------------------- */

static int64_t now(const tg_ossl_observer_t *o)
{
    return o->now_us ? o->now_us() : 0;
}

static void mark_end(tg_ossl_observer_t *o)
{
    if (o->obs->done_us == 0)
        o->obs->done_us = now(o);
}

/* The library's reason, refined by what the alerts say. */
static void derive_error(tg_observation_t *obs)
{
    tg_tls_error_t e = tg_ossl_map_error(obs->lib_error);
    /* Refusing a renegotiation raises no error: the refusal is the reason. */
    if (obs->tls_error == TG_TLSERR_RENEGOTIATION_REFUSED)
        return;
    /* SNI refusal surfaces as a failed callback; its alert names it. */
    if (e == TG_TLSERR_CALLBACK_FAILED && obs->alert_sent.seen
        && obs->alert_sent.desc == TG_ALERT_UNRECOGNIZED_NAME)
        e = TG_TLSERR_UNRECOGNIZED_NAME;
    obs->tls_error = e;
}

/* ASCII only, bounded: the text goes into logs verbatim. */
static void copy_text(char *dst, size_t cap, const char *src)
{
    size_t n = 0;
    for (; src && src[n] && n + 1 < cap; n++)
        dst[n] = (src[n] >= 0x20 && src[n] < 0x7f) ? src[n] : '?';
    dst[n] = '\0';
}

/* Take the newest queued error, if any, as the handshake's failure reason.
 * The first one taken wins: later ones follow from it. */
static void take_error(tg_ossl_observer_t *o)
{
    tg_observation_t *obs = o->obs;
    unsigned long e;
    char fallback[32];
    const char *text;

    if (obs->lib_error != 0 || (e = ERR_peek_last_error()) == 0)
        return;
    obs->lib_error = e;
    text = ERR_reason_error_string(e);
    if (!text) {
        snprintf(fallback, sizeof(fallback), "error %08lx", e);
        text = fallback;
    }
    copy_text(obs->lib_error_text, sizeof(obs->lib_error_text), text);
    derive_error(obs);
    mark_end(o);
}

/* The protocol the server chose by ALPN, also when the handshake then fails:
 * a client that rejects the choice is an ALPN mismatch. */
static void read_alpn(tg_observation_t *obs, const SSL *ssl)
{
    const unsigned char *alpn = NULL;
    unsigned alpn_len = 0;

    SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
    obs->alpn_len = alpn_len < sizeof(obs->alpn) ? alpn_len : sizeof(obs->alpn);
    if (obs->alpn_len)
        memcpy(obs->alpn, alpn, obs->alpn_len);
}

static void read_negotiated(tg_observation_t *obs, const SSL *ssl)
{
    const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);

    obs->version = (uint16_t)SSL_version(ssl);
    obs->cipher = cipher ? SSL_CIPHER_get_protocol_id(cipher) : 0;
    /* SSL_get_negotiated_group() is an SSL_ctrl() macro, which takes a
     * non-const SSL although it only reads. */
    obs->group = tg_ossl_group_code((int)SSL_get_negotiated_group((SSL *)ssl));
    read_alpn(obs, ssl);
    obs->resumed = SSL_session_reused(ssl);
}

/* The first handshake: its completion, or the library's reason at its end. */
static void on_first_info(tg_ossl_observer_t *o, const SSL *ssl, int where, int ret)
{
    tg_observation_t *obs = o->obs;

    if (where & SSL_CB_HANDSHAKE_DONE) {
        obs->handshake_done = 1;
        obs->done_us = now(o);
        read_negotiated(obs, ssl);
    } else if (where & SSL_CB_ALERT) {
        /* A fatal alert we send follows the error OpenSSL just raised. */
        if ((ret >> 8) == TG_ALERT_FATAL) {
            take_error(o);
            read_alpn(obs, ssl);
        }
    } else if ((where & SSL_CB_EXIT) && ret <= 0) {
        /* ret -1 with an empty queue is an ordinary "want more input". */
        take_error(o);
        if (obs->lib_error)
            read_alpn(obs, ssl);
    }
}

static int fatal_or_refusal(const tg_obs_alert_t *a)
{
    return a->seen && (a->level == TG_ALERT_FATAL || a->desc == TG_ALERT_NO_RENEGOTIATION);
}

static int later_failed(const tg_observation_t *obs)
{
    return obs->lib_error != 0 || obs->tls_error != TG_TLSERR_NONE
           || fatal_or_refusal(&obs->alert_sent) || fatal_or_refusal(&obs->alert_received);
}

/* A later handshake: the library's reason when it fails, else its end. It
 * completed when the state machine comes to rest after the client's Finished
 * with nothing failed: OpenSSL also reports "done" right after writing a
 * HelloRequest, and only an exit after post-handshake authentication, so
 * neither signal alone says it. */
static void on_later_info(tg_ossl_observer_t *o, int where, int ret)
{
    tg_observation_t *obs = o->obs;
    int at_rest = (where & SSL_CB_HANDSHAKE_DONE) || ((where & SSL_CB_EXIT) && ret > 0);

    if (where & SSL_CB_ALERT) {
        if ((ret >> 8) == TG_ALERT_FATAL)
            take_error(o);
    } else if ((where & SSL_CB_EXIT) && ret <= 0) {
        take_error(o);
    } else if (at_rest && obs->last_msg_in == SSL3_MT_FINISHED && !later_failed(obs)) {
        obs->phase_done = 1;
    }
}

static void on_info(tg_ossl_observer_t *o, const SSL *ssl, int where, int ret)
{
    if (!o->obs->handshake_done)
        on_first_info(o, ssl, where, ret);
    else if (tg_observation_later_pending(o->obs))
        on_later_info(o, where, ret);
}

static void info_cb(const SSL *ssl, int where, int ret)
{
    tg_ossl_observer_t *o = SSL_get_ex_data(ssl, ex_index);
    tg_ossl_info_fn next;

    if (o && !o->stopped)
        on_info(o, ssl, where, ret);
    /* What OpenSSL would have called without us; the CTX's is looked up now
     * because an SNI switch replaces the CTX mid-handshake. */
    next = o ? o->prev_info : NULL;
    if (!next)
        next = SSL_CTX_get_info_callback(SSL_get_SSL_CTX(ssl));
    if (next && next != info_cb)
        next(ssl, where, ret);
}

int tg_ossl_observe_init(int known)
{
    if (known >= 0)
        ex_index = known;
    else if (ex_index < 0)
        ex_index = SSL_get_ex_new_index(0, "tlsguard observer", NULL, NULL, NULL);
    return ex_index;
}

int tg_ossl_observe_start(SSL *ssl, tg_ossl_observer_t *o)
{
    tg_ossl_info_fn prev;

    if (ex_index < 0 || !ssl || !o || !o->obs)
        return -1;
    if (SSL_set_ex_data(ssl, ex_index, o) != 1)
        return -1;
    prev = SSL_get_info_callback(ssl);
    o->prev_info = prev == info_cb ? NULL : prev;
    o->stopped = 0;
    SSL_set_info_callback(ssl, info_cb);
    return 0;
}

void tg_ossl_observe_finish(tg_ossl_observer_t *o, SSL *ssl)
{
    if (!o)
        return;
    if (ssl && ex_index >= 0 && SSL_get_ex_data(ssl, ex_index) == o) {
        if (SSL_get_info_callback(ssl) == info_cb)
            SSL_set_info_callback(ssl, o->prev_info);
        SSL_set_ex_data(ssl, ex_index, NULL);
    }
    o->stopped = 1;
}

/* ---- messages ------------------------------------------------------------- */

/* A record header as TLS would send it: a known content type, major version 3. */
static int looks_like_tls(const uint8_t *p, size_t len)
{
    return len >= 3 && p[0] >= SSL3_RT_CHANGE_CIPHER_SPEC && p[0] <= TG_RT_HEARTBEAT
           && p[1] == SSL3_VERSION_MAJOR;
}

/* The very first thing the library reports reading; its bytes are kept
 * unless the host keeps the raw input itself. */
static void on_first_input(const tg_ossl_observer_t *o, int content_type, const uint8_t *p,
                           size_t len)
{
    tg_observation_t *obs = o->obs;

    obs->handshake_started = 1;
    if (o->host_keeps_first_bytes || content_type != SSL3_RT_HEADER || obs->first_len != 0
        || looks_like_tls(p, len))
        return;
    obs->first_len = len < sizeof(obs->first_bytes) ? len : sizeof(obs->first_bytes);
    memcpy(obs->first_bytes, p, obs->first_len);
}

/* Work space for the fingerprints, when the event's own does not suffice
 * and the host allows that much (the event marks the line otherwise). */
static void set_aside_work(tg_ossl_observer_t *o)
{
    tg_observation_t *obs = o->obs;
    size_t need = tg_fp_work_size(&obs->hello_view);

    if (obs->hello_err != TG_HELLO_OK || need <= TG_EVENT_STACK_WORK || need > o->work_max)
        return;
    obs->fp_work = o->alloc(o->baton, need);
    obs->fp_work_size = obs->fp_work ? need : 0;
}

/* The whole message, however long: OpenSSL has bounded it already (at most
 * 131,396 bytes for a ClientHello) and holds it in memory too. */
static void copy_hello(tg_ossl_observer_t *o, const uint8_t *msg, size_t len)
{
    uint8_t *copy = o->alloc ? o->alloc(o->baton, len) : NULL;

    if (!copy)
        return;
    memcpy(copy, msg, len);
    tg_observation_set_hello(o->obs, copy, len, 0);
    set_aside_work(o);
}

static void on_client_hello(tg_ossl_observer_t *o, const uint8_t *msg, size_t len, int copyable)
{
    tg_observation_t *obs = o->obs;

    if (obs->handshake_done) /* renegotiation: the first hello stays the hello */
        return;
    if (obs->hellos++ == 0) {
        obs->hello_us = now(o);
        if (copyable)
            copy_hello(o, msg, len);
    }
}

/* The messages that begin a handshake after the first one: a HelloRequest we
 * send or a ClientHello we receive (renegotiation), a CertificateRequest we
 * send (after the handshake only TLS 1.3 sends one on its own). */
static const struct {
    int write_p;
    uint8_t type;
    tg_obs_phase_t phase;
} later_starts[] = {
    {1, SSL3_MT_HELLO_REQUEST, TG_OBS_PHASE_RENEGOTIATION},
    {0, SSL3_MT_CLIENT_HELLO, TG_OBS_PHASE_RENEGOTIATION},
    {1, SSL3_MT_CERTIFICATE_REQUEST, TG_OBS_PHASE_POST_HANDSHAKE_AUTH},
};

/* A later handshake begins: its outcome is recorded afresh. A pending one
 * (failed, or still running) is kept: the first that does not complete is
 * the one reported. */
static void begin_later(tg_observation_t *obs, tg_obs_phase_t phase)
{
    if (tg_observation_later_pending(obs))
        return;
    obs->phase = phase;
    obs->phase_done = 0;
    obs->later_handshakes++;
    obs->tls_error = TG_TLSERR_NONE;
    obs->lib_error = 0;
    obs->lib_error_text[0] = '\0';
    memset(&obs->alert_sent, 0, sizeof(obs->alert_sent));
    memset(&obs->alert_received, 0, sizeof(obs->alert_received));
    obs->last_msg_in = TG_OBS_NO_MSG;
    obs->last_msg_out = TG_OBS_NO_MSG;
}

static void note_later_start(tg_observation_t *obs, int write_p, uint8_t type)
{
    for (size_t i = 0; i < sizeof(later_starts) / sizeof(later_starts[0]); i++) {
        if (later_starts[i].write_p == write_p && later_starts[i].type == type) {
            begin_later(obs, later_starts[i].phase);
            return;
        }
    }
}

static void on_handshake(tg_ossl_observer_t *o, int write_p, const uint8_t *msg, size_t len)
{
    tg_observation_t *obs = o->obs;

    if (len < 1)
        return;
    if (obs->handshake_done)
        note_later_start(obs, write_p != 0, msg[0]);
    if (write_p) {
        obs->msgs_out++;
        obs->last_msg_out = msg[0];
        return;
    }
    obs->msgs_in++;
    obs->last_msg_in = msg[0];
    if (msg[0] == SSL3_MT_CLIENT_HELLO)
        on_client_hello(o, msg, len, 1);
}

/* After the first handshake, alerts belong to a later one: a refusal to
 * renegotiate that we send is one (OpenSSL may refuse a client's
 * renegotiation before any message of it is reported); others outside a
 * later handshake (close_notify) are not looked at. */
static int alert_counts(tg_observation_t *obs, int write_p, const uint8_t *p)
{
    if (!obs->handshake_done)
        return 1;
    if (write_p && p[1] == TG_ALERT_NO_RENEGOTIATION) {
        begin_later(obs, TG_OBS_PHASE_RENEGOTIATION);
        if (obs->tls_error == TG_TLSERR_NONE)
            obs->tls_error = TG_TLSERR_RENEGOTIATION_REFUSED;
    }
    return tg_observation_later_pending(obs);
}

/* Keep the first fatal alert each way, else the latest. */
static void on_alert(tg_ossl_observer_t *o, int write_p, const uint8_t *p, size_t len)
{
    tg_obs_alert_t *a = write_p ? &o->obs->alert_sent : &o->obs->alert_received;

    if (len != 2 || !alert_counts(o->obs, write_p, p) || (a->seen && a->level == TG_ALERT_FATAL))
        return;
    a->seen = 1;
    a->level = p[0];
    a->desc = p[1];
    if (p[0] == TG_ALERT_FATAL) {
        derive_error(o->obs);
        mark_end(o);
    }
}

void tg_ossl_observe_msg(tg_ossl_observer_t *o, int write_p, int version, int content_type,
                         const void *buf, size_t len, SSL *ssl)
{
    const uint8_t *p = buf;
    tg_observation_t *obs;

    (void)ssl;
    if (!o || o->stopped)
        return;
    obs = o->obs;
    /* After the first handshake only handshake messages and alerts matter:
     * application data records return at once. */
    if (obs->handshake_done && content_type != SSL3_RT_HANDSHAKE && content_type != SSL3_RT_ALERT)
        return;
    if (!write_p && !obs->handshake_started && !obs->handshake_done)
        on_first_input(o, content_type, p, len);
    if (content_type == SSL3_RT_HANDSHAKE) {
        on_handshake(o, write_p, p, len);
    } else if (content_type == SSL3_RT_ALERT) {
        on_alert(o, write_p, p, len);
    } else if (content_type == 0 && version == SSL2_VERSION && !write_p && len >= 1) {
        /* An SSLv2-format ClientHello: a hello, but not in the TLS message
         * format the record keeps, so it is counted and not copied. */
        obs->msgs_in++;
        obs->last_msg_in = SSL3_MT_CLIENT_HELLO;
        on_client_hello(o, p, len, 0);
    }
}

void tg_ossl_observe_msg_cb(int write_p, int version, int content_type, const void *buf,
                            size_t len, SSL *ssl, void *arg)
{
    tg_ossl_observe_msg(arg, write_p, version, content_type, buf, len, ssl);
}
