/* Per-vhost policy after mod_ssl's SNI switch. */
#ifndef TG_APACHE_SNI_H
#define TG_APACHE_SNI_H

#include <httpd.h>
#include <openssl/ssl.h>

/* Watch the connection's ClientHello and, when its server name selects another
 * name-based vhost, give the connection that vhost's versions, groups and
 * cipher order (mod_ssl switches only the SSL_CTX; see docs/enforcement.md). */
void tg_sni_watch(conn_rec *c, SSL *ssl);

/* The vhost mod_ssl will select for `name` on connection c, NULL if none. */
server_rec *tg_sni_find_vhost(conn_rec *c, const char *name);

#endif
