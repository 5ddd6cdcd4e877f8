/* HSTS configuration: TLSGuardHSTS and TLSGuardHSTSExisting, and the
 * per-directory record the filter (tg_apache_hsts.c) reads. */
#ifndef TG_APACHE_HSTS_CONF_H
#define TG_APACHE_HSTS_CONF_H

#include <httpd.h>
#include <http_config.h>

#include "tg_hsts.h"

/* TLSGuardHSTSExisting */
#define TG_AP_HSTS_UNSET (-1)
#define TG_AP_HSTS_REPLACE 0
#define TG_AP_HSTS_KEEP 1

/* What the filter does on a TLS response. */
typedef struct {
    const char *value;  /* the header value we send */
    int keep;           /* 1: a header already set wins over ours */
} tg_ap_hsts_action_t;

typedef struct {
    int set;             /* TLSGuardHSTS given at this level */
    tg_hsts_t policy;
    const char *value;   /* canonical header of an EXPLICIT policy */
    int existing;        /* TG_AP_HSTS_UNSET, _REPLACE or _KEEP */
    tg_ap_hsts_action_t act[2]; /* EXPLICIT policy, indexed by keep */
} tg_ap_hsts_dir_conf_t;

/* Both actions for one header value: act[TG_AP_HSTS_REPLACE], act[TG_AP_HSTS_KEEP]. */
void tg_ap_hsts_conf_set_actions(tg_ap_hsts_action_t act[2], const char *value);

/* Per-directory configuration (server config and <VirtualHost> levels live in
 * each server's lookup_defaults, as for any per-directory module). */
void *tg_ap_hsts_conf_create_dir(apr_pool_t *p, char *dir);
void *tg_ap_hsts_conf_merge_dir(apr_pool_t *p, void *basev, void *addv);

/* TLSGuardHSTS Off|On|<header value> (RAW_ARGS). */
const char *tg_ap_hsts_cmd_policy(cmd_parms *cmd, void *dc, const char *args);
/* TLSGuardHSTSExisting replace|keep (TAKE1). */
const char *tg_ap_hsts_cmd_existing(cmd_parms *cmd, void *dc, const char *arg);

#endif
