/* HSTS directives and their per-directory record. Handlers parse and
 * render the header value once; requests only read the result. */
#include "tg_apache_hsts_conf.h"

#include <apr_strings.h>
#include <strings.h>

void tg_ap_hsts_conf_set_actions(tg_ap_hsts_action_t act[2], const char *value)
{
    act[TG_AP_HSTS_REPLACE].value = value;
    act[TG_AP_HSTS_REPLACE].keep = 0;
    act[TG_AP_HSTS_KEEP].value = value;
    act[TG_AP_HSTS_KEEP].keep = 1;
}

void *tg_ap_hsts_conf_create_dir(apr_pool_t *p, char *dir)
{
    tg_ap_hsts_dir_conf_t *dc = apr_pcalloc(p, sizeof(*dc));
    (void)dir;
    dc->existing = TG_AP_HSTS_UNSET;
    return dc;
}

static int conf_empty(const tg_ap_hsts_dir_conf_t *dc)
{
    return !dc->set && dc->existing == TG_AP_HSTS_UNSET;
}

/* Configs are never changed after start-up, so an empty side can hand back
 * the other one as is: no allocation on requests that match sections
 * without HSTS settings. */
void *tg_ap_hsts_conf_merge_dir(apr_pool_t *p, void *basev, void *addv)
{
    tg_ap_hsts_dir_conf_t *base = basev, *add = addv, *m;
    if (conf_empty(add))
        return base;
    if (conf_empty(base))
        return add;
    m = apr_pmemdup(p, add->set ? add : base, sizeof(*m));
    m->existing = add->existing != TG_AP_HSTS_UNSET ? add->existing : base->existing;
    tg_ap_hsts_conf_set_actions(m->act, m->value);
    return m;
}

const char *tg_ap_hsts_cmd_policy(cmd_parms *cmd, void *dcv, const char *args)
{
    tg_ap_hsts_dir_conf_t *dc = dcv;
    tg_hsts_t policy;
    char err[256], buf[TG_HSTS_FORMAT_MAX];

    if (tg_hsts_parse(args, &policy, err, sizeof(err)) != TG_HSTS_OK)
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    dc->set = 1;
    dc->policy = policy;
    dc->value = NULL;
    if (policy.mode == TG_HSTS_EXPLICIT) {
        if (tg_hsts_format(&policy, buf, sizeof(buf)) == 0)
            return apr_psprintf(cmd->pool, "%s: cannot render the header for \"%s\"",
                                cmd->cmd->name, args);
        dc->value = apr_pstrdup(cmd->pool, buf);
    }
    tg_ap_hsts_conf_set_actions(dc->act, dc->value);
    return NULL;
}

const char *tg_ap_hsts_cmd_existing(cmd_parms *cmd, void *dcv, const char *arg)
{
    tg_ap_hsts_dir_conf_t *dc = dcv;
    if (strcasecmp(arg, "replace") == 0)
        dc->existing = TG_AP_HSTS_REPLACE;
    else if (strcasecmp(arg, "keep") == 0)
        dc->existing = TG_AP_HSTS_KEEP;
    else
        return apr_psprintf(cmd->pool, "%s: unknown value \"%s\" (expected replace or keep)",
                            cmd->cmd->name, arg);
    return NULL;
}
