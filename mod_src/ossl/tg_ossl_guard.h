/* The guard: OpenSSL's security callback on every vhost context, and the
 * per-connection record that ties a handshake to the vhost whose policy it
 * carries.
 *
 * OpenSSL asks the security callback of the context a connection uses at
 * the moment of each decision: every protocol version it considers, every
 * cipher it would agree on. After mod_ssl's SNI switch that is the selected
 * vhost's context, so the callback is where "the vhost mod_ssl selected"
 * and "what OpenSSL negotiates" meet, with no second reading of the hello:
 *   - only the policy's versions and ciphers can be agreed on;
 *   - the connection-level settings a switch does not carry over (versions,
 *     groups, cipher order, options) must have been set for that same vhost
 *     before OpenSSL negotiates; if they were set for another one, every
 *     version is refused and the handshake fails closed; a vhost in report
 *     mode refuses nothing, the record only notes it (unresolved). */
#ifndef TG_OSSL_GUARD_H
#define TG_OSSL_GUARD_H

#include <openssl/ssl.h>

#include "tg_ossl_effective.h"

/* Per connection, owned by the host (connection memory). */
typedef struct tg_ossl_guard_t {
    /* Whose connection-level settings the SSL carries: at first the
     * context it was created from, then the vhost the host chose for the
     * ClientHello. Set by the host. */
    const tg_ossl_effective_t *applied;
    int hello_seen; /* the host has chosen `applied` for the first ClientHello */
    /* Filled by the guard while OpenSSL negotiates. */
    const tg_ossl_effective_t *selected; /* the vhost of the context in use */
    int refused; /* applied != selected: every version was refused */
    int unresolved; /* the same, on a report-mode vhost: only noted */
} tg_ossl_guard_t;

/* How the guard finds a connection's record: the host already links its
 * own data to every SSL, so the guard borrows that link instead of taking an
 * ex_data slot (which would cost each connection an allocation). NULL, or a
 * lookup answering NULL: the connection is only held to the policy's range. */
typedef tg_ossl_guard_t *(*tg_ossl_guard_lookup_fn)(const SSL *ssl);
void tg_ossl_guard_set_lookup(tg_ossl_guard_lookup_fn lookup);

/* Put the security callback on ctx, judging for eff (which must outlive
 * ctx). Guarded contexts allow only eff's versions and ciphers; every
 * context, guarded or not, checks the connection's applied settings. */
void tg_ossl_guard_install(SSL_CTX *ctx, tg_ossl_effective_t *eff);

/* Whether a cipher's protocol id is a TLS 1.3 suite (0x13xx). */
int tg_ossl_is_tls13_suite(uint16_t protocol_id);

/* Whether cipher (protocol id) is one eff's policy allows. */
int tg_ossl_guard_allows_cipher(const tg_ossl_effective_t *eff, uint16_t protocol_id);

#endif
