/* HSTS on HTTPS responses: the output filter that sets
 * Strict-Transport-Security, and the start-up audit line. The directives are
 * in tg_apache_hsts_conf.c. */
#ifndef TG_APACHE_HSTS_H
#define TG_APACHE_HSTS_H

#include <httpd.h>
#include <http_config.h>
#include <util_filter.h>

/* The output filter, registered by the module's register_hooks as
 * TLSGUARD_HSTS just above HTTP_HEADER, and its handle. */
apr_status_t tg_ap_hsts_filter(ap_filter_t *f, apr_bucket_brigade *bb);
extern ap_filter_rec_t *tg_ap_hsts_filter_handle;

/* post_read_request (first of all): marks a request whose vhost was chosen
 * from its Host header. */
int tg_ap_hsts_mark_vhost_chosen(request_rec *r);

/* insert_filter and insert_error_filter (last): adds the filter to a
 * response that gets the header. */
void tg_ap_hsts_insert_filter(request_rec *r);

/* post_config, after mod_ssl's (whose init_server tells TLS vhosts from plain
 * ones): renders "On" per profile, writes the audit. */
int tg_ap_hsts_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                        server_rec *s);

/* The TLSGuardHSTS policy of a vhost's top level, NULL when none is set
 * (read-only; for the start-up audit). */
#include "tg_hsts.h"
const tg_hsts_t *tg_ap_hsts_vhost_policy(const server_rec *s);

#endif
