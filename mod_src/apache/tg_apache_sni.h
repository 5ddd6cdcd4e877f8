/* Per-vhost policy after mod_ssl's SNI switch. */
#ifndef TG_APACHE_SNI_H
#define TG_APACHE_SNI_H

#include <httpd.h>
#include <openssl/ssl.h>

#include "tg_observation.h"
#include "tg_ossl_guard.h"

/* Called once the observer has parsed the connection's first ClientHello
 * into obs (before OpenSSL processes it): when its server name selects another name-based vhost, give the
 * connection that vhost's versions, groups and cipher order (mod_ssl switches
 * only the SSL_CTX; see docs/enforcement.md). Records in guard which vhost's
 * settings the connection now carries, and returns that vhost. */
server_rec *tg_ap_sni_on_client_hello(conn_rec *c, SSL *ssl, const tg_observation_t *obs,
                                   tg_ossl_guard_t *guard);

/* The vhost mod_ssl will select for `name` on connection c, NULL if none. */
server_rec *tg_ap_sni_find_vhost(conn_rec *c, const char *name);

/* OpenSSL servername callback for TLSGuardStrictSNI On. */
int tg_ap_sni_strict_cb(SSL *ssl, int *al, void *arg);

#endif
