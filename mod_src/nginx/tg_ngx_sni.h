/* Each server block's own policy across nginx's switch of SSL_CTX by
 * server name (see tg_ngx_sni.c). */
#ifndef TG_NGX_SNI_H
#define TG_NGX_SNI_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "tg_ossl_effective.h"

/* OpenSSL's client-hello callback, on every watched context. */
int tg_ngx_sni_client_hello(SSL *ssl, int *al, void *arg);

/* Replaces nginx's servername callback on every watched context. */
int tg_ngx_sni_servername(SSL *ssl, int *ad, void *arg);

/* The request's server block (Host, :authority) against the block the
 * handshake was made for: 421 when their policies differ. Registered in
 * the post-read phase by tg_ngx_sni_init. */
ngx_int_t tg_ngx_sni_init(ngx_conf_t *cf);

/* The enforcement record of the context a connection uses now. */
const tg_ossl_effective_t *tg_ngx_sni_eff_in_use(const SSL *ssl);

#endif
