/* HSTS on HTTPS responses: TLSGuardHSTS and TLSGuardHSTSExisting, the output
 * filter that sets Strict-Transport-Security, and the start-up audit line. */
#ifndef TG_APACHE_HSTS_H
#define TG_APACHE_HSTS_H

#include <httpd.h>
#include <http_config.h>

/* Per-directory configuration (server config and <VirtualHost> levels live in
 * each server's lookup_defaults, as for any per-directory module). */
void *tg_hsts_conf_create_dir(apr_pool_t *p, char *dir);
void *tg_hsts_conf_merge_dir(apr_pool_t *p, void *basev, void *addv);

/* TLSGuardHSTS Off|On|<header value> (RAW_ARGS). */
const char *tg_hsts_cmd_policy(cmd_parms *cmd, void *dc, const char *args);
/* TLSGuardHSTSExisting replace|keep (TAKE1). */
const char *tg_hsts_cmd_existing(cmd_parms *cmd, void *dc, const char *arg);

/* Output filter, insert_filter/insert_error_filter, post_read_request and
 * post_config (audit) hooks. Call from the module's register_hooks. */
void tg_hsts_register_hooks(apr_pool_t *p);

/* The TLSGuardHSTS policy of a vhost's top level, NULL when none is set
 * (read-only; for the start-up audit). */
#include "tg_hsts.h"
const tg_hsts_t *tg_hsts_vhost_policy(const server_rec *s);

#endif
