/* The certificate watch: certificate-expiring / certificate-expired events at
 * start-up (in the parent) and every TLSGuardCertWatchInterval while running
 * (in one child: mod_watchdog's singleton instance). */
#ifndef TG_APACHE_CERTWATCH_H
#define TG_APACHE_CERTWATCH_H

#include <httpd.h>
#include <http_config.h>

#include "tg_audit_event.h"

/* Watch the certificates of one audited vhost, and check them now. */
void tg_ap_certwatch_add(apr_pool_t *pconf, server_rec *s, const tg_audit_t *a);

/* post_config: register the watch with mod_watchdog (after mod_ssl's
 * init_server has filled it, before mod_watchdog starts its instances). */
int tg_ap_certwatch_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                             server_rec *s);
extern const char *const tg_ap_certwatch_pred[]; /* hook order: after these */
extern const char *const tg_ap_certwatch_succ[]; /* and before these */

/* TLSGuardCertWatchInterval <seconds> (main server). */
const char *tg_ap_certwatch_cmd_interval(cmd_parms *cmd, void *dc, const char *arg);

#endif
