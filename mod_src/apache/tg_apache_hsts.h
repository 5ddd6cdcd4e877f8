/* HSTS on HTTPS responses: TLSGuardHSTS and TLSGuardHSTSExisting, the output
 * filter that sets Strict-Transport-Security, and the start-up audit line. */
#ifndef TG_APACHE_HSTS_H
#define TG_APACHE_HSTS_H

#include <httpd.h>
#include <http_config.h>
#include <util_filter.h>

#include "tg_mod_ssl_hooks.h"

/* Per-directory configuration (server config and <VirtualHost> levels live in
 * each server's lookup_defaults, as for any per-directory module). */
void *tg_hsts_conf_create_dir(apr_pool_t *p, char *dir);
void *tg_hsts_conf_merge_dir(apr_pool_t *p, void *basev, void *addv);

/* TLSGuardHSTS Off|On|<header value> (RAW_ARGS). */
const char *tg_hsts_cmd_policy(cmd_parms *cmd, void *dc, const char *args);
/* TLSGuardHSTSExisting replace|keep (TAKE1). */
const char *tg_hsts_cmd_existing(cmd_parms *cmd, void *dc, const char *arg);

/* The output filter, registered by the module's register_hooks as
 * TLSGUARD_HSTS just above HTTP_HEADER, and its handle. */
apr_status_t tg_hsts_filter(ap_filter_t *f, apr_bucket_brigade *bb);
extern ap_filter_rec_t *tg_hsts_filter_handle;

/* post_read_request (first of all): marks a request whose vhost was chosen
 * from its Host header. */
int tg_hsts_mark_vhost_chosen(request_rec *r);

/* insert_filter and insert_error_filter (last): adds the filter to a
 * response that gets the header. */
void tg_hsts_insert_filter(request_rec *r);

/* mod_ssl's init_server: notes the TLS vhosts for the audit. */
ssl_HOOK_init_server_t tg_hsts_note_tls_server;

/* post_config, after mod_ssl's: renders "On" per profile, writes the audit. */
int tg_hsts_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                        server_rec *s);

#endif
