/* A raw byte observer below mod_ssl: bytes, first bytes, timeouts, EOF. */
#ifndef TG_APACHE_RAWIN_H
#define TG_APACHE_RAWIN_H

#include <apr_atomic.h>
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

/* Where the connection's thread is, for a stop (tg_apache_stop.h). */
typedef enum {
    TG_RAWIN_RUNNING, /* between reads */
    TG_RAWIN_READING, /* blocked in a read below the filter */
    TG_RAWIN_TAKEN,   /* the record was taken while it read */
    TG_RAWIN_DONE     /* the handshake is over: the filter left */
} tg_ap_rawin_state_t;

typedef struct tg_ap_rawin_t {
    tg_observation_t *obs;
    apr_uint32_t state; /* tg_ap_rawin_state_t, atomic */
} tg_ap_rawin_t;

/* Watch the connection's input until the handshake is over (obs->done_us set
 * or handshake_done): the filter removes itself then. */
void tg_ap_rawin_add(conn_rec *c, tg_ap_rawin_t *rw);

/* Another thread (or a signal handler) takes the record of a connection
 * whose thread is blocked in a read: returns the state found, and when that
 * is TG_RAWIN_READING the record is the caller's; the read, once it returns,
 * touches nothing and fails the connection. */
tg_ap_rawin_state_t tg_ap_rawin_take(tg_ap_rawin_t *rw);

#endif
