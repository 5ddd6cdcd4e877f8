/* Handshake events at start-up: the sinks and the observer. */
#ifndef TG_APACHE_EVENTS_H
#define TG_APACHE_EVENTS_H

#include <httpd.h>

/* open_logs: open every vhost's TLSGuardEventLog, one sink per distinct
 * argument. */
int tg_ap_events_open_logs(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                        server_rec *s);

/* post_config: when any vhost writes events, take the observer's OpenSSL
 * slot and tell the connection life cycle to observe handshakes. */
int tg_ap_events_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                          server_rec *s);

#endif
