/* Watching one OpenSSL server handshake and filling a tg_observation_t.
 *
 * Two OpenSSL callbacks feed the record while the handshake runs:
 *  - the message callback (owned by the host, which may have other uses for
 *    it): the host calls tg_ossl_observe_msg() for every message, or installs
 *    tg_ossl_observe_msg_cb() when it has no message callback of its own;
 *  - an SSL-level info callback installed by tg_ossl_observe_start(). It
 *    chains to the callback OpenSSL would otherwise have called (an SSL-level
 *    one set before, else the CTX's, looked up at each call because the CTX
 *    changes on an SNI switch), and takes the library's failure reason from
 *    the error queue at the moment it is raised, before the host drains it.
 *
 * Everything is captured into host memory while the SSL is alive, so the
 * record stays readable after the host has freed the SSL (a failed handshake).
 * No allocation except the ClientHello copy (and, for a hello too large for
 * the event's own work space, its fingerprint work), through the host's
 * allocator.
 * Not thread-safe per connection (neither is the SSL). */
#ifndef TG_OSSL_OBSERVE_H
#define TG_OSSL_OBSERVE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "tg_observation.h"

/* Host memory that lives as long as the record (httpd: the connection pool).
 * May return NULL: the ClientHello copy (or its work space) is then left out. */
typedef void *(*tg_obs_alloc_fn)(void *baton, size_t size);

/* OpenSSL's info callback signature. */
typedef void (*tg_ossl_info_fn)(const SSL *ssl, int where, int ret);

typedef struct tg_ossl_observer_t {
    /* set by the host before tg_ossl_observe_start() */
    tg_observation_t *obs;   /* filled; the host initialises it (tg_observation_init) */
    tg_obs_alloc_fn alloc;   /* memory for the ClientHello copy; NULL: no copy, no
                                parsed hello */
    void *baton;             /* handed to alloc */
    int64_t (*now_us)(void); /* clock for hello_us/done_us; NULL: they stay 0 */
    size_t work_max;         /* largest fingerprint work space to set aside for a
                                hello (obs->fp_work); 0: none */
    int host_keeps_first_bytes; /* the host reads the raw input below the library
                                   and owns first_bytes (httpd: tg_apache_rawin) */

    /* private to the observer */
    tg_ossl_info_fn prev_info; /* SSL-level info callback found at start, chained */
    int stopped;               /* tg_ossl_observe_finish() ran */
} tg_ossl_observer_t;

/* The SSL ex_data slot that links an SSL to its observer. `known` is a slot
 * this process allocated before (a host that reloads this code keeps it), or
 * -1: allocate one unless this copy of the code has one already. Call at
 * start-up, before any connection (not thread-safe). Returns the slot, or
 * -1 on failure. */
int tg_ossl_observe_init(int known);

/* Begin observing ssl (a server SSL before its handshake) into o->obs: install
 * the chaining info callback and link o to ssl. o must outlive ssl or the
 * call to tg_ossl_observe_finish(). Returns 0, or -1 when
 * tg_ossl_observe_init() did not succeed or OpenSSL refused the link (nothing
 * is observed then, and OpenSSL's callbacks are left as they were). */
int tg_ossl_observe_start(SSL *ssl, tg_ossl_observer_t *o);

/* One message-callback report (arguments as OpenSSL passes them). Records
 * the first ClientHello (copied and parsed once: obs->hello_view), handshake message types and counts both
 * ways, alerts, the first bytes of non-TLS input. Once the first handshake is
 * done only handshake messages and alerts are looked at (records of
 * application data return at once), and a later ClientHello is not a new
 * hello: it, a HelloRequest or a refusal to renegotiate that we send begins a
 * renegotiation, a CertificateRequest we send begins post-handshake
 * authentication (tg_obs_phase_t). Such a later handshake gets fresh
 * outcome fields (alerts, last messages, errors) until it completes; one that
 * does not complete is kept, and no further one begins. */
void tg_ossl_observe_msg(tg_ossl_observer_t *o, int write_p, int version, int content_type,
                         const void *buf, size_t len, SSL *ssl);

/* A message callback for hosts without their own: arg is the observer.
 * Install with SSL_set_msg_callback(ssl, tg_ossl_observe_msg_cb) and
 * SSL_set_msg_callback_arg(ssl, o). */
void tg_ossl_observe_msg_cb(int write_p, int version, int content_type, const void *buf,
                            size_t len, SSL *ssl, void *arg);

/* Stop observing: later callbacks leave the record alone. With ssl (NULL when
 * the host already freed it), also remove the observer's info callback
 * (restoring the one found at start) and its link. The negotiated values were
 * read at SSL_CB_HANDSHAKE_DONE, while the SSL was certainly alive (those of
 * the first handshake: a later one does not replace them). The record is
 * final after this call; tg_observation_complete() then tells whether every
 * handshake of the connection completed. Calling it twice is harmless.
 *
 * done_us stays 0 when the handshake neither completed nor failed inside the
 * library (the peer went silent, the host gave up): the host's end_us tells. */
void tg_ossl_observe_finish(tg_ossl_observer_t *o, SSL *ssl);

/* ---- OpenSSL error codes -> tg_tls_error_t -------------------------------- */

/* The library-neutral reason for one packed OpenSSL error code (as from
 * ERR_peek_last_error()): TG_TLSERR_NONE for 0, TG_TLSERR_PEER_ALERT for every
 * "alert received" reason, TG_TLSERR_INTERNAL for OpenSSL's common reasons
 * (allocation, internal error), the curated table for other SSL reasons, and
 * TG_TLSERR_OTHER for everything else. */
tg_tls_error_t tg_ossl_map_error(unsigned long err);

/* One row of the curated table: an OpenSSL SSL_R_* reason code. */
typedef struct tg_ossl_reason_map_t {
    int reason;           /* SSL_R_*, the table is sorted by it */
    tg_tls_error_t error;
} tg_ossl_reason_map_t;

/* The curated table (sorted by reason, for tests and documentation). */
const tg_ossl_reason_map_t *tg_ossl_reason_table(size_t *count);

/* The negotiated group's IANA code from an OpenSSL group NID as
 * SSL_get_negotiated_group() returns it; 0 when unknown. */
uint16_t tg_ossl_group_code(int nid);

#endif
