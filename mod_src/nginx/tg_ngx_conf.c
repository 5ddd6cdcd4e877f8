/* Directives of ngx_http_tlsguard_module. Handlers parse, check what can be
 * checked alone and store; the policy of each server block is built and
 * applied in tg_ngx_enforce.c, after nginx's ssl module made its SSL_CTX. */
#include "tg_ngx_conf.h"
#include "tg_ngx_hsts.h"

#include <stddef.h>
#include <stdio.h>

static char *set_profile(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *set_protocols(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *set_list(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *set_event_log(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *set_events(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

/* One list directive: where it is stored and how OpenSSL checks it alone
 * (NULL: checked when the policy is resolved, e.g. groups). */
typedef struct {
    tg_ngx_setting_t setting;
    size_t offset; /* in tg_policy_overrides_t */
    int (*check)(const char *list, char *err, size_t errlen);
} list_directive_t;

static list_directive_t ciphers_list = {TG_NGX_SET_CIPHERS,
                                        offsetof(tg_policy_overrides_t, ciphers12),
                                        tg_ossl_check_ciphers12};
static list_directive_t suites_list = {TG_NGX_SET_SUITES,
                                       offsetof(tg_policy_overrides_t, suites13),
                                       tg_ossl_check_suites13};
static list_directive_t groups_list = {TG_NGX_SET_GROUPS,
                                       offsetof(tg_policy_overrides_t, groups), NULL};

#define TG_SRV (NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF)
#define TG_ANY (TG_SRV | NGX_HTTP_LOC_CONF)

ngx_command_t tg_ngx_conf_commands[] = {
    {ngx_string("tlsguard"), TG_SRV | NGX_CONF_FLAG, ngx_conf_set_flag_slot,
     NGX_HTTP_SRV_CONF_OFFSET, offsetof(tg_ngx_srv_conf_t, enable), NULL},
    {ngx_string("tlsguard_profile"), TG_SRV | NGX_CONF_TAKE1, set_profile,
     NGX_HTTP_SRV_CONF_OFFSET, 0, NULL},
    {ngx_string("tlsguard_protocols"), TG_SRV | NGX_CONF_1MORE, set_protocols,
     NGX_HTTP_SRV_CONF_OFFSET, 0, NULL},
    {ngx_string("tlsguard_ciphers"), TG_SRV | NGX_CONF_TAKE1, set_list,
     NGX_HTTP_SRV_CONF_OFFSET, 0, &ciphers_list},
    {ngx_string("tlsguard_cipher_suites"), TG_SRV | NGX_CONF_TAKE1, set_list,
     NGX_HTTP_SRV_CONF_OFFSET, 0, &suites_list},
    {ngx_string("tlsguard_groups"), TG_SRV | NGX_CONF_TAKE1, set_list,
     NGX_HTTP_SRV_CONF_OFFSET, 0, &groups_list},
    {ngx_string("tlsguard_strict_sni"), TG_SRV | NGX_CONF_FLAG, ngx_conf_set_flag_slot,
     NGX_HTTP_SRV_CONF_OFFSET, offsetof(tg_ngx_srv_conf_t, strict_sni), NULL},
    {ngx_string("tlsguard_event_log"), TG_SRV | NGX_CONF_TAKE1, set_event_log,
     NGX_HTTP_SRV_CONF_OFFSET, 0, NULL},
    {ngx_string("tlsguard_events"), TG_SRV | NGX_CONF_TAKE1, set_events,
     NGX_HTTP_SRV_CONF_OFFSET, 0, NULL},
    {ngx_string("tlsguard_hsts"), TG_ANY | NGX_CONF_TAKE1, tg_ngx_hsts_set,
     NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},
    {ngx_string("tlsguard_hsts_existing"), TG_ANY | NGX_CONF_TAKE1, ngx_conf_set_enum_slot,
     NGX_HTTP_LOC_CONF_OFFSET, offsetof(tg_ngx_hsts_conf_t, keep), tg_ngx_hsts_existing_values},
    ngx_null_command};

void *tg_ngx_conf_create_srv(ngx_conf_t *cf)
{
    tg_ngx_srv_conf_t *tsc = ngx_pcalloc(cf->pool, sizeof(*tsc));
    if (tsc == NULL)
        return NULL;
    tsc->enable = NGX_CONF_UNSET;
    tsc->strict_sni = NGX_CONF_UNSET;
    tsc->sink = NGX_CONF_UNSET_PTR;
    tsc->events = NGX_CONF_UNSET;
    return tsc;
}

/* Each setting is inherited alone, as ssl_* are. */
#define MERGE_SETTING(field, setting)                                      \
    do {                                                                   \
        if (conf->field == NULL) {                                         \
            conf->field = prev->field;                                     \
            conf->where[setting] = prev->where[setting];                   \
        }                                                                  \
    } while (0)

char *tg_ngx_conf_merge_srv(ngx_conf_t *cf, void *parent, void *child)
{
    tg_ngx_srv_conf_t *prev = parent, *conf = child;
    (void)cf;
    /* Loading the module means enforcing: on unless said otherwise. */
    ngx_conf_merge_value(conf->enable, prev->enable, 1);
    ngx_conf_merge_value(conf->strict_sni, prev->strict_sni, 0);
    MERGE_SETTING(profile, TG_NGX_SET_PROFILE);
    MERGE_SETTING(ov.protocols, TG_NGX_SET_PROTOCOLS);
    MERGE_SETTING(ov.ciphers12, TG_NGX_SET_CIPHERS);
    MERGE_SETTING(ov.suites13, TG_NGX_SET_SUITES);
    MERGE_SETTING(ov.groups, TG_NGX_SET_GROUPS);
    ngx_conf_merge_ptr_value(conf->sink, prev->sink, NULL);
    if (conf->events == NGX_CONF_UNSET) {
        conf->events = prev->events == NGX_CONF_UNSET ? TG_NGX_EVENTS_FAILURES : prev->events;
        conf->sample = prev->sample;
    }
    return NGX_CONF_OK;
}

const tg_profile_t *tg_ngx_conf_profile(const tg_ngx_srv_conf_t *tsc)
{
    return tsc->profile ? tsc->profile : tg_profile_find(TG_PROFILE_DEFAULT);
}

static void note_where(ngx_conf_t *cf, tg_ngx_srv_conf_t *tsc, tg_ngx_setting_t setting)
{
    tsc->where[setting].file = cf->conf_file->file.name.data;
    tsc->where[setting].line = cf->conf_file->line;
}

static char *set_profile(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    tg_ngx_srv_conf_t *tsc = conf;
    ngx_str_t *value = cf->args->elts;
    (void)cmd;
    if (tsc->profile)
        return "is duplicate";
    tsc->profile = tg_profile_find((const char *)value[1].data);
    if (tsc->profile == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"tlsguard_profile\": unknown profile \"%V\" (expected %s)",
                           &value[1], tg_profile_names());
        return NGX_CONF_ERROR;
    }
    note_where(cf, tsc, TG_NGX_SET_PROFILE);
    return NGX_CONF_OK;
}

/* tlsguard_protocols TLSv1.2 TLSv1.3; stored as one space-separated string,
 * the core's syntax. */
static char *set_protocols(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    tg_ngx_srv_conf_t *tsc = conf;
    ngx_str_t *value = cf->args->elts;
    size_t len = 0;
    uint16_t min, max;
    char err[256];
    (void)cmd;

    if (tsc->ov.protocols)
        return "is duplicate";
    for (ngx_uint_t i = 1; i < cf->args->nelts; i++)
        len += value[i].len + 1;
    u_char *text = ngx_pnalloc(cf->pool, len), *p = text;
    if (text == NULL)
        return NGX_CONF_ERROR;
    for (ngx_uint_t i = 1; i < cf->args->nelts; i++) {
        p = ngx_cpymem(p, value[i].data, value[i].len);
        *p++ = ' ';
    }
    p[-1] = '\0';
    if (tg_policy_parse_protocols((const char *)text, &min, &max, err, sizeof(err)) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"tlsguard_protocols\": %s", err);
        return NGX_CONF_ERROR;
    }
    tsc->ov.protocols = (const char *)text;
    note_where(cf, tsc, TG_NGX_SET_PROTOCOLS);
    return NGX_CONF_OK;
}

static char *set_list(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    tg_ngx_srv_conf_t *tsc = conf;
    const list_directive_t *list = cmd->post;
    const char **slot = (const char **)((char *)&tsc->ov + list->offset);
    ngx_str_t *value = cf->args->elts;
    char err[512];

    if (*slot)
        return "is duplicate";
    if (value[1].len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": empty list", &cmd->name);
        return NGX_CONF_ERROR;
    }
    /* nginx ends every word with a NUL: the core's strings. */
    if (list->check && list->check((const char *)value[1].data, err, sizeof(err)) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\": %s", &cmd->name, err);
        return NGX_CONF_ERROR;
    }
    *slot = (const char *)value[1].data;
    note_where(cf, tsc, list->setting);
    return NGX_CONF_OK;
}

static char *set_event_log(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    tg_ngx_srv_conf_t *tsc = conf;
    ngx_str_t *value = cf->args->elts;
    tg_ngx_main_conf_t *mc = ngx_http_conf_get_module_main_conf(cf, ngx_http_tlsguard_module);
    tg_ngx_sink_t **listed;
    char *rv;

    (void)cmd;
    if (tsc->sink != NGX_CONF_UNSET_PTR)
        return "is duplicate";
    rv = tg_ngx_sink_conf(cf, &value[1], &tsc->sink);
    if (rv != NGX_CONF_OK)
        return rv;
    listed = ngx_array_push(&mc->sinks); /* for the drop reports */
    if (listed == NULL)
        return NGX_CONF_ERROR;
    *listed = tsc->sink;
    return NGX_CONF_OK;
}

void *tg_ngx_conf_create_main(ngx_conf_t *cf)
{
    tg_ngx_main_conf_t *mc = ngx_pcalloc(cf->pool, sizeof(*mc));
    if (mc == NULL || ngx_array_init(&mc->sinks, cf->pool, 4, sizeof(tg_ngx_sink_t *)) != NGX_OK)
        return NULL;
    return mc;
}

/* tlsguard_events failures|all|sample=N */
static char *set_events(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    tg_ngx_srv_conf_t *tsc = conf;
    ngx_str_t *value = cf->args->elts;
    (void)cmd;
    if (tsc->events != NGX_CONF_UNSET)
        return "is duplicate";
    if (ngx_strcmp(value[1].data, "failures") == 0) {
        tsc->events = TG_NGX_EVENTS_FAILURES;
    } else if (ngx_strcmp(value[1].data, "all") == 0) {
        tsc->events = TG_NGX_EVENTS_ALL;
    } else if (value[1].len > 7 && ngx_strncmp(value[1].data, "sample=", 7) == 0) {
        ngx_int_t n = ngx_atoi(value[1].data + 7, value[1].len - 7);
        if (n < 1) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"tlsguard_events\": \"%V\": N must be a whole number >= 1",
                               &value[1]);
            return NGX_CONF_ERROR;
        }
        tsc->events = TG_NGX_EVENTS_SAMPLE;
        tsc->sample = (ngx_uint_t)n;
    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"tlsguard_events\": unknown value \"%V\" (expected failures, all "
                           "or sample=N)", &value[1]);
        return NGX_CONF_ERROR;
    }
    return NGX_CONF_OK;
}

static const char *const setting_directive[TG_SETTING_COUNT] = {
    [TG_SETTING_NONE] = NULL,
    [TG_SETTING_PROTOCOLS] = "tlsguard_protocols",
    [TG_SETTING_CIPHERS12] = "tlsguard_ciphers",
    [TG_SETTING_SUITES13] = "tlsguard_cipher_suites",
    [TG_SETTING_GROUPS] = "tlsguard_groups",
};

static const tg_ngx_setting_t setting_origin[TG_SETTING_COUNT] = {
    [TG_SETTING_NONE] = TG_NGX_SET_PROFILE,
    [TG_SETTING_PROTOCOLS] = TG_NGX_SET_PROTOCOLS,
    [TG_SETTING_CIPHERS12] = TG_NGX_SET_CIPHERS,
    [TG_SETTING_SUITES13] = TG_NGX_SET_SUITES,
    [TG_SETTING_GROUPS] = TG_NGX_SET_GROUPS,
};

const char *tg_ngx_conf_directive(tg_policy_setting_t setting)
{
    return setting < TG_SETTING_COUNT ? setting_directive[setting] : NULL;
}

const tg_ngx_where_t *tg_ngx_conf_where(const tg_ngx_srv_conf_t *tsc,
                                        tg_policy_setting_t setting)
{
    return &tsc->where[setting < TG_SETTING_COUNT ? setting_origin[setting]
                                                  : TG_NGX_SET_PROFILE];
}

const char *tg_ngx_conf_label(const tg_ngx_srv_conf_t *tsc, char *buf, size_t cap)
{
    const ngx_http_core_srv_conf_t *cscf = tsc->cscf;
    int name_len = cscf && cscf->server_name.len ? (int)cscf->server_name.len : 0;
    snprintf(buf, cap, "server block at %s:%lu (%.*s)",
             cscf && cscf->file_name ? (const char *)cscf->file_name : "?",
             cscf ? (unsigned long)cscf->line : 0UL, name_len ? name_len : 1,
             name_len ? (const char *)cscf->server_name.data : "-");
    return buf;
}
