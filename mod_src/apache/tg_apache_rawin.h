/* A raw byte observer below mod_ssl: bytes, first bytes, timeouts, EOF. */
#ifndef TG_APACHE_RAWIN_H
#define TG_APACHE_RAWIN_H

#include <httpd.h>
#include <util_filter.h>

#include "tg_observation.h"

/* Between mod_ssl (CONNECTION + 5) and mod_reqtimeout (CONNECTION + 8): sees the
 * TLS bytes mod_ssl reads and the APR_TIMEUP mod_reqtimeout returns. */
#define TG_RAWIN_FTYPE (AP_FTYPE_CONNECTION + 6)

/* The input filter, registered by the module's register_hooks as
 * TLSGUARD_RAW_IN at TG_RAWIN_FTYPE, and its handle. */
apr_status_t tg_ap_rawin_filter(ap_filter_t *f, apr_bucket_brigade *bb, ap_input_mode_t mode,
                             apr_read_type_e block, apr_off_t readbytes);
extern ap_filter_rec_t *tg_ap_rawin_filter_handle;

/* Watch the connection's input until the handshake is over (obs->done_us set
 * or handshake_done): the filter removes itself then. */
void tg_ap_rawin_add(conn_rec *c, tg_observation_t *obs);

#endif
