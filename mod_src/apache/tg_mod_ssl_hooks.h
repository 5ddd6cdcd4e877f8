/* mod_ssl's optional hooks, declared here because Debian's apache2-dev does not
 * install modules/ssl/mod_ssl_openssl.h. The signatures are the ABI of httpd 2.4
 * modules/ssl/mod_ssl_openssl.h (APR_DECLARE_EXTERNAL_HOOK(ssl, SSL, int, ...));
 * mod_ssl runs them by name through APR's optional-hook table, so registering
 * with APR_OPTIONAL_HOOK(ssl, <name>, ...) needs only these typedefs. */
#ifndef TG_MOD_SSL_HOOKS_H
#define TG_MOD_SSL_HOOKS_H

#include <httpd.h>
#include <apr_optional_hooks.h>
#include <openssl/ssl.h>

/* Runs once per SSL server context after mod_ssl applied all its settings;
 * a value other than OK/DECLINED stops start-up. */
typedef int ssl_HOOK_init_server_t(server_rec *s, apr_pool_t *p, int is_proxy, SSL_CTX *ctx);

/* Runs right after SSL_new() for every connection, before the handshake. */
typedef int ssl_HOOK_pre_handshake_t(conn_rec *c, SSL *ssl, int is_proxy);

#endif
