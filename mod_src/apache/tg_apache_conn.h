/* Per-connection life cycle: observe the handshake, emit its event. */
#ifndef TG_APACHE_CONN_H
#define TG_APACHE_CONN_H

#include <httpd.h>
#include <openssl/ssl.h>

#include "tg_observation.h"
#include "tg_ossl_guard.h"

/* mod_ssl's pre_handshake, inbound connections: install the observers. */
void tg_ap_conn_start(conn_rec *c, SSL *ssl);

/* The guard of a connection (tg_ossl_guard_set_lookup), NULL if none. */
tg_ossl_guard_t *tg_ap_conn_guard(const SSL *ssl);

/* pre_close_connection: classify and write the event (the SSL may be gone). */
int tg_ap_conn_pre_close(conn_rec *c);

/* What a report reads of a connection whose events are observed. */
typedef struct tg_ap_conn_view_t {
    tg_observation_t *obs;
    server_rec *server; /* the vhost mod_ssl selected (else the forecast) */
    int unresolved;     /* the guard would have refused (report mode) */
    int *reported;      /* the report was concluded (once per connection) */
} tg_ap_conn_view_t;

/* 1 and v filled when c is observed for events, else 0. */
int tg_ap_conn_view(conn_rec *c, tg_ap_conn_view_t *v);

/* "enforce", "report" or "off": how the vhost treats handshakes. */
const char *tg_ap_conn_mode(server_rec *s);

/* child_init: handshakes under way at an ungraceful stop get their events
 * (tg_apache_stop.h). */
void tg_ap_conn_child_init(apr_pool_t *pchild, server_rec *s);

/* post_config: whether any vhost writes events (else nothing is observed). */
void tg_ap_conn_set_events_wanted(int wanted);

#endif
