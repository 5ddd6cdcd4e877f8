/* What was observed of one TLS connection's handshake: filled by a TLS-library
 * observer (mod_src/ossl/tg_ossl_observe.c) and the host adapter, read by the
 * classifier (tg_classify) and the event encoder (tg_event). Plain data: no
 * TLS library, no server types. */
#ifndef TG_OBSERVATION_H
#define TG_OBSERVATION_H

#include <stddef.h>
#include <stdint.h>

#include "tg_hello.h"

#define TG_OBS_FIRST_BYTES 16  /* first bytes received, kept for non-TLS input */
#define TG_OBS_MAX_HELLO 16388 /* a ClientHello in one record: 4 + 2^14; hosts that must
                                  bound their copy keep at least this much */
#define TG_OBS_IP_MAX 48
#define TG_OBS_TEXT_MAX 128

/* The TLS library's reason for a failed handshake, mapped from the library's
 * own codes (OpenSSL SSL_R_*) by the observer: a closed, library-neutral set. */
typedef enum tg_tls_error_t {
    TG_TLSERR_NONE = 0,            /* no error recorded */
    TG_TLSERR_UNSUPPORTED_PROTOCOL,/* no protocol version in common */
    TG_TLSERR_NO_SHARED_CIPHER,
    TG_TLSERR_NO_SHARED_GROUP,     /* no suitable key share / no shared groups */
    TG_TLSERR_NO_SHARED_SIGALG,
    TG_TLSERR_INAPPROPRIATE_FALLBACK,
    TG_TLSERR_NO_APPLICATION_PROTOCOL, /* ALPN */
    TG_TLSERR_UNRECOGNIZED_NAME,   /* SNI refused by the server */
    TG_TLSERR_HTTP_REQUEST,        /* plain HTTP on the TLS port */
    TG_TLSERR_HTTPS_PROXY_REQUEST, /* CONNECT on the TLS port */
    TG_TLSERR_NOT_TLS,             /* wrong version number, bad record: not TLS */
    TG_TLSERR_MALFORMED,           /* a TLS message or record the library could not
                                      accept: bad lengths, unexpected, oversized */
    TG_TLSERR_BAD_RECORD_MAC,      /* a record failed decryption or its MAC check */
    TG_TLSERR_DECRYPT_ERROR,       /* a handshake check failed: Finished, PSK binder */
    TG_TLSERR_PEER_ALERT,          /* the peer sent a fatal alert (see alert_received) */
    TG_TLSERR_PEER_CERTIFICATE,    /* the client's certificate failed verification */
    TG_TLSERR_PEER_NO_CERTIFICATE, /* a client certificate was required, none sent */
    TG_TLSERR_UNEXPECTED_EOF,      /* the peer closed mid-handshake */
    TG_TLSERR_CALLBACK_FAILED,     /* a server callback (SNI, ALPN) refused */
    TG_TLSERR_NO_RENEGOTIATION,    /* the peer refused our renegotiation request */
    TG_TLSERR_RENEGOTIATION_REFUSED, /* we refused the peer's renegotiation */
    TG_TLSERR_INTERNAL,            /* allocation or library failure on our side */
    TG_TLSERR_POLICY_UNRESOLVED,   /* refused by the guard: the connection carried another
                                      vhost's settings than the one the server selected */
    TG_TLSERR_OTHER,
    TG_TLSERR_COUNT
} tg_tls_error_t;

/* Which handshake of the connection the outcome fields describe. A handshake
 * after the first one completed (a TLS 1.2 renegotiation, TLS 1.3
 * post-handshake authentication) is a phase of its own: it starts with fresh
 * outcome fields, while the hello and the negotiated values stay those of the
 * first handshake. */
typedef enum tg_obs_phase_t {
    TG_OBS_PHASE_FIRST = 0,          /* the connection's first handshake */
    TG_OBS_PHASE_RENEGOTIATION,      /* a later TLS 1.2 (or older) handshake */
    TG_OBS_PHASE_POST_HANDSHAKE_AUTH /* TLS 1.3 CertificateRequest after the handshake */
} tg_obs_phase_t;

/* Handshake message type "none seen yet". */
#define TG_OBS_NO_MSG (-1)

typedef struct tg_obs_alert_t {
    int seen;      /* 0: no alert this way */
    uint8_t level; /* 1 warning, 2 fatal */
    uint8_t desc;  /* TLS AlertDescription */
} tg_obs_alert_t;

typedef struct tg_observation_t {
    /* connection (filled by the host adapter) */
    char src_ip[TG_OBS_IP_MAX];
    uint16_t src_port;
    char dst_ip[TG_OBS_IP_MAX];
    uint16_t dst_port;
    int64_t start_us; /* connection accepted, microseconds since the Unix epoch */
    int64_t end_us;   /* connection closing */

    /* raw input below the TLS library (host adapter) */
    uint64_t bytes_in;                       /* bytes received before the handshake ended */
    uint8_t first_bytes[TG_OBS_FIRST_BYTES]; /* first bytes received */
    size_t first_len;
    int read_timeout;                        /* a handshake read timed out */
    int peer_eof;                            /* the client closed its side */

    /* handshake messages (TLS-library observer) */
    const uint8_t *hello;   /* copy of the first ClientHello message: type, 3-byte length,
                               body; owned by the host (connection memory) */
    size_t hello_len;
    int hello_truncated;    /* the copy is shorter than the client's message (the
                               OpenSSL observer keeps it whole) */
    int hello_parsed;       /* hello was parsed once, into hello_view (tg_observation_set_hello) */
    int hello_err;          /* that parse's tg_hello_err_t */
    tg_hello_t hello_view;  /* the parsed hello, views into hello: what the SNI
                               forecast, the classifier and the event read */
    char *fp_work;          /* fingerprint work space set aside with the copy for a
                               hello too large for the event's own (host memory) */
    size_t fp_work_size;
    unsigned hellos;        /* ClientHellos seen (2 after a HelloRetryRequest) */
    int last_msg_in;        /* last handshake type received, TG_OBS_NO_MSG if none */
    int last_msg_out;       /* last handshake type sent */
    unsigned msgs_in, msgs_out;
    tg_obs_alert_t alert_sent;     /* the first fatal (else last) alert each way */
    tg_obs_alert_t alert_received;
    int64_t hello_us;       /* ClientHello received */
    int64_t done_us;        /* first handshake finished (success) or failed */

    /* outcome: of the first handshake, or of the later one named by phase
     * (alerts, last messages, errors) */
    int handshake_started;  /* the TLS library began to read a handshake */
    int handshake_done;     /* the first handshake completed successfully */
    tg_obs_phase_t phase;   /* TG_OBS_PHASE_FIRST until a later handshake begins */
    int phase_done;         /* that later handshake completed */
    unsigned later_handshakes; /* later handshakes begun (a failed one is kept:
                                  none begins after it) */
    tg_tls_error_t tls_error;
    unsigned long lib_error;               /* the library's own packed code, 0 if none */
    char lib_error_text[TG_OBS_TEXT_MAX];  /* e.g. "unsupported protocol" (ASCII) */

    /* negotiated by the first handshake (kept through later ones) */
    uint16_t version;       /* 0x0304 ... */
    uint16_t cipher;        /* IANA code */
    uint16_t group;         /* IANA code, 0 if unknown */
    char alpn[TG_OBS_TEXT_MAX]; /* selected protocol, raw bytes, alpn_len of them */
    size_t alpn_len;
    int resumed;

    /* server side (host adapter) */
    const char *vhost;      /* ServerName of the vhost that handled it, or NULL */
    const char *policy;     /* profile name, NULL when not guarded */
} tg_observation_t;

/* Reset to "nothing observed" (message types TG_OBS_NO_MSG, all else zero). */
void tg_observation_init(tg_observation_t *obs);

/* Keep msg[0..len) (host memory that lives as long as the record) as the
 * first ClientHello and parse it, once; truncated: the client's message was
 * longer than what is kept. */
void tg_observation_set_hello(tg_observation_t *obs, const uint8_t *msg, size_t len,
                              int truncated);

/* 1 when a later handshake began and has not completed (it failed, or was
 * still running when the record was read). */
int tg_observation_later_pending(const tg_observation_t *obs);

/* 1 when every handshake of the connection completed: the first one, and
 * the later one if any began. */
int tg_observation_complete(const tg_observation_t *obs);

/* Stable snake_case name of a tg_tls_error_t ("no_shared_cipher"), never NULL. */
const char *tg_tls_error_name(tg_tls_error_t e);

#endif
