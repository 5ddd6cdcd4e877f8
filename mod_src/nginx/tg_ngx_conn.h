/* Per-connection life of a TLS handshake under nginx: the record OpenSSL's
 * callbacks fill, and each server block's policy across nginx's switch of
 * SSL_CTX by server name. */
#ifndef TG_NGX_CONN_H
#define TG_NGX_CONN_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "tg_ngx_conf.h"

/* Once per configuration cycle, before any context is watched. */
ngx_int_t tg_ngx_conn_init(ngx_conf_t *cf);

/* Put the module's callbacks on a server block's context (every one with
 * TLS, guarded or not: a connection can land on any of them). */
void tg_ngx_conn_watch_ctx(SSL_CTX *ctx, tg_ngx_srv_conf_t *tsc);

#endif
