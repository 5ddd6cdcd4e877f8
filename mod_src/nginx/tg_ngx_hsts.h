/* HSTS under nginx: tlsguard_hsts / tlsguard_hsts_existing (http, server,
 * location) and the header filter that puts exactly one
 * Strict-Transport-Security header on every response sent over TLS,
 * nginx's own error responses included, and none over plain HTTP. */
#ifndef TG_NGX_HSTS_H
#define TG_NGX_HSTS_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "tg_hsts.h"

typedef struct tg_ngx_hsts_conf_t {
    ngx_int_t set;      /* tlsguard_hsts given here (NGX_CONF_UNSET: inherit) */
    tg_hsts_t policy;
    ngx_int_t keep;     /* tlsguard_hsts_existing keep: an existing header wins */
    ngx_str_t value;    /* the header value; empty: send nothing */
} tg_ngx_hsts_conf_t;

/* tlsguard_hsts, and tlsguard_hsts_existing's keywords (the directive
 * table is tg_ngx_conf.c's). */
char *tg_ngx_hsts_set(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
extern ngx_conf_enum_t tg_ngx_hsts_existing_values[];

void *tg_ngx_hsts_create_loc(ngx_conf_t *cf);
char *tg_ngx_hsts_merge_loc(ngx_conf_t *cf, void *parent, void *child);

/* postconfiguration: put the filter in nginx's header filter chain. */
ngx_int_t tg_ngx_hsts_init(ngx_conf_t *cf);

#endif
