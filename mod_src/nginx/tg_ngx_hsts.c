/* HSTS: see tg_ngx_hsts.h. The module sits before nginx's headers filter
 * in the module list (config: ngx_module_order), so add_header's filter runs
 * first and this one sees what it added. */
#include "tg_ngx_hsts.h"

#include <stddef.h>

#include "tg_ngx_conf.h"

ngx_conf_enum_t tg_ngx_hsts_existing_values[] = {
    {ngx_string("replace"), 0},
    {ngx_string("keep"), 1},
    {ngx_null_string, 0},
};

static ngx_http_output_header_filter_pt next_header_filter;

void *tg_ngx_hsts_create_loc(ngx_conf_t *cf)
{
    tg_ngx_hsts_conf_t *hc = ngx_pcalloc(cf->pool, sizeof(*hc));
    if (hc == NULL)
        return NULL;
    hc->set = NGX_CONF_UNSET;
    hc->keep = NGX_CONF_UNSET;
    return hc;
}

/* tlsguard_hsts off|on|"max-age=N[; includeSubDomains][; preload]" */
char *tg_ngx_hsts_set(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    tg_ngx_hsts_conf_t *hc = conf;
    ngx_str_t *value = cf->args->elts;
    char err[256];
    (void)cmd;

    if (hc->set != NGX_CONF_UNSET)
        return "is duplicate";
    if (tg_hsts_parse((const char *)value[1].data, &hc->policy, err, sizeof(err)) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"tlsguard_hsts\": %s", err);
        return NGX_CONF_ERROR;
    }
    hc->set = 1;
    return NGX_CONF_OK;
}

/* "on" takes the max-age of the server block's profile: known here, where
 * the block's settings are merged already. */
char *tg_ngx_hsts_merge_loc(ngx_conf_t *cf, void *parent, void *child)
{
    tg_ngx_hsts_conf_t *prev = parent, *conf = child;
    tg_ngx_srv_conf_t *tsc = ngx_http_conf_get_module_srv_conf(cf, ngx_http_tlsguard_module);
    char buf[TG_HSTS_FORMAT_MAX];
    size_t len;

    ngx_conf_merge_value(conf->keep, prev->keep, 0);
    if (conf->set == NGX_CONF_UNSET) {
        conf->set = prev->set;
        conf->policy = prev->policy;
    }
    if (conf->set == NGX_CONF_UNSET || conf->policy.mode == TG_HSTS_OFF)
        return NGX_CONF_OK;
    if (conf->policy.mode == TG_HSTS_ON)
        tg_hsts_from_default(tg_ngx_conf_profile(tsc)->hsts_max_age, &conf->policy);
    len = tg_hsts_format(&conf->policy, buf, sizeof(buf));
    if (len == 0)
        return NGX_CONF_OK;
    conf->value.data = ngx_pnalloc(cf->pool, len);
    if (conf->value.data == NULL)
        return NGX_CONF_ERROR;
    conf->value.len = len;
    ngx_memcpy(conf->value.data, buf, len);
    return NGX_CONF_OK;
}

static ngx_str_t sts_key = ngx_string("Strict-Transport-Security");
static u_char sts_lowcase[] = "strict-transport-security";

/* Deletes every Strict-Transport-Security header but, with keep, the
 * first; returns whether one is kept. nginx deletes a header by zeroing
 * its hash. */
static int prune(ngx_http_request_t *r, int keep)
{
    int kept = 0;
    for (ngx_list_part_t *part = &r->headers_out.headers.part; part; part = part->next) {
        ngx_table_elt_t *h = part->elts;
        for (ngx_uint_t i = 0; i < part->nelts; i++) {
            if (h[i].hash == 0 || h[i].key.len != sts_key.len
                || ngx_strncasecmp(h[i].key.data, sts_key.data, sts_key.len) != 0)
                continue;
            if (keep && !kept)
                kept = 1;
            else
                h[i].hash = 0;
        }
    }
    return kept;
}

static ngx_int_t header_filter(ngx_http_request_t *r)
{
    tg_ngx_hsts_conf_t *hc = ngx_http_get_module_loc_conf(r, ngx_http_tlsguard_module);
    ngx_table_elt_t *h;

    /* RFC 6797 §7.2: never over plain HTTP, which nginx's "plain HTTP
     * request was sent to HTTPS port" answer is. */
    if (r != r->main || hc == NULL || hc->value.len == 0 || r->connection->ssl == NULL)
        return next_header_filter(r);
    if (prune(r, hc->keep))
        return next_header_filter(r);
    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL)
        return NGX_ERROR;
    h->hash = 1;
    h->key = sts_key;
    h->value = hc->value;
    h->lowcase_key = sts_lowcase;
    return next_header_filter(r);
}

ngx_int_t tg_ngx_hsts_init(ngx_conf_t *cf)
{
    (void)cf;
    next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = header_filter;
    return NGX_OK;
}
