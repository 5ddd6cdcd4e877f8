/* TLSGuardCertPolicy fail at configuration check time (apache2 -t): the
 * certificate files of each vhost loaded by the module itself, since mod_ssl
 * loads them only at start-up. */
#ifndef TG_APACHE_CERTCHECK_H
#define TG_APACHE_CERTCHECK_H

#include <httpd.h>

int tg_ap_certcheck_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                              server_rec *s);

#endif
