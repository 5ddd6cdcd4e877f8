/* Per-connection life of a TLS connection under nginx: the record OpenSSL's
 * callbacks and the module fill from accept to close, and the event written
 * from it when the connection's pool goes. */
#ifndef TG_NGX_CONN_H
#define TG_NGX_CONN_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "tg_ngx_conf.h"
#include "tg_observation.h"
#include "tg_ossl_guard.h"
#include "tg_ossl_observe.h"

#define TG_NGX_NAME_MAX 256

typedef struct tg_ngx_conn_t {
    ngx_connection_t *c;
    tg_ngx_srv_conf_t *first;     /* the address's default block (NULL: not known) */
    tg_ossl_guard_t guard;
    int observing;                /* an event is written at close */
    int attached;                 /* linked to its SSL */
    ngx_event_handler_pt next_read; /* nginx's first read handler, ours before it */
    tg_observation_t obs;
    tg_ossl_observer_t observer;
    char vhost[TG_NGX_NAME_MAX];  /* the block's first server_name, for the event */
} tg_ngx_conn_t;

/* The record of an SSL of a watched context: linked at its first message,
 * made then if the connection had none (events off). NULL: no memory. */
tg_ngx_conn_t *tg_ngx_conn_of(const SSL *ssl);

/* Once per configuration cycle, before any context is watched; events:
 * whether any server block has tlsguard_event_log. */
ngx_int_t tg_ngx_conn_init(ngx_conf_t *cf, int events);

/* Put the module's callbacks on a server block's context (every one with
 * TLS, guarded or not: a connection can land on any of them). */
void tg_ngx_conn_watch_ctx(SSL_CTX *ctx);

/* init_module: take the accept handler of nginx's HTTP listening sockets. */
ngx_int_t tg_ngx_conn_init_module(ngx_cycle_t *cycle);

/* init_process: the table that finds a connection's record. */
ngx_int_t tg_ngx_conn_init_process(ngx_cycle_t *cycle);

/* exit_process: the events of connections still open (a fast stop exits
 * without closing them, so their pools' cleanups never run). */
void tg_ngx_conn_exit_process(ngx_cycle_t *cycle);

#endif
