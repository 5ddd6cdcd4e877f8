/* ngx_http_tlsguard_module: the module record and its hooks, nothing else.
 * Directives: tg_ngx_conf.c; enforcement: tg_ngx_enforce.c; server names:
 * tg_ngx_sni.c; connections and events: tg_ngx_conn.c, tg_ngx_sink.c,
 * tg_ngx_sink_report.c; HSTS:
 * tg_ngx_hsts.c. */
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "tg_ngx_conf.h"
#include "tg_ngx_conn.h"
#include "tg_ngx_enforce.h"
#include "tg_ngx_hsts.h"
#include "tg_ngx_sink_report.h"
#include "tg_ngx_sni.h"

static ngx_int_t tg_ngx_postconfiguration(ngx_conf_t *cf)
{
    if (tg_ngx_hsts_init(cf) != NGX_OK || tg_ngx_sni_init(cf) != NGX_OK)
        return NGX_ERROR;
    return tg_ngx_enforce_all(cf);
}

static ngx_int_t tg_ngx_init_process(ngx_cycle_t *cycle)
{
    if (tg_ngx_conn_init_process(cycle) != NGX_OK)
        return NGX_ERROR;
    return tg_ngx_sink_report_init_process(cycle);
}

static void tg_ngx_exit_process(ngx_cycle_t *cycle)
{
    tg_ngx_conn_exit_process(cycle); /* first: its lines count in the reports */
    tg_ngx_sink_report_exit_process(cycle);
}

static ngx_http_module_t tg_ngx_module_ctx = {
    NULL,                    /* preconfiguration */
    tg_ngx_postconfiguration,
    tg_ngx_conf_create_main,
    NULL,                    /* init main configuration */
    tg_ngx_conf_create_srv,
    tg_ngx_conf_merge_srv,
    tg_ngx_hsts_create_loc,
    tg_ngx_hsts_merge_loc,
};

ngx_module_t ngx_http_tlsguard_module = {
    NGX_MODULE_V1,
    &tg_ngx_module_ctx,
    tg_ngx_conf_commands,
    NGX_HTTP_MODULE,
    NULL, /* init master */
    tg_ngx_conn_init_module,
    tg_ngx_init_process,
    NULL, /* init thread */
    NULL, /* exit thread */
    tg_ngx_exit_process,
    NULL, /* exit master */
    NGX_MODULE_V1_PADDING};
