/* Enforcement: configuration checks, mod_ssl's init_server and pre_handshake,
 * the guard's connection lookup. */
#ifndef TG_APACHE_ENFORCE_H
#define TG_APACHE_ENFORCE_H

#include <httpd.h>

#include "tg_mod_ssl_hooks.h"

int tg_ap_enforce_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                            server_rec *s);
ssl_HOOK_init_server_t tg_ap_enforce_init_server;
ssl_HOOK_pre_handshake_t tg_ap_enforce_pre_handshake;
int tg_ap_enforce_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp);
/* Every TLS 1.2 cipher (want13 = 0) or TLS 1.3 suite (1) ctx allows, colon
 * separated, in p: the whole list, never cut. */
const char *tg_ap_enforce_cipher_list(apr_pool_t *p, SSL_CTX *ctx, int want13);

/* The OpenSSL release that first has a group named in `skipped`; NULL if unknown. */
const char *tg_ap_enforce_group_since(const char *skipped);
int tg_ap_enforce_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                           server_rec *s);

#endif
