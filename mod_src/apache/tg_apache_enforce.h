/* Enforcement: configuration checks, mod_ssl's init_server and pre_handshake. */
#ifndef TG_APACHE_ENFORCE_H
#define TG_APACHE_ENFORCE_H

#include <httpd.h>

#include "tg_mod_ssl_hooks.h"

int tg_enforce_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                            server_rec *s);
ssl_HOOK_init_server_t tg_enforce_init_server;
ssl_HOOK_pre_handshake_t tg_enforce_pre_handshake;
int tg_enforce_open_logs(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s);
int tg_enforce_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp);
/* "<VirtualHost> at file:line (name:port)", for messages. */
const char *tg_enforce_vhost_label(apr_pool_t *p, server_rec *s, int is_proxy);
/* The OpenSSL release that first has a group named in `skipped`; NULL if unknown. */
const char *tg_enforce_group_since(const char *skipped);
int tg_enforce_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                           server_rec *s);

#endif
