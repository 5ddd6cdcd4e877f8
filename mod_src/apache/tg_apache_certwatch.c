/* Certificate expiry watch. The start-up check runs in the parent as each
 * vhost is audited; the periodic one in the single child that holds
 * mod_watchdog's singleton mutex (httpd's parent watchdog is not available
 * under forking MPMs), so one process writes each event. */
#include "tg_apache_certwatch.h"

#include <apr_strings.h>
#include <http_core.h>
#include <http_log.h>
#include <mod_watchdog.h>
#include <stdlib.h>
#include <unistd.h>

#include "tg_apache_audit.h"
#include "tg_apache_conf.h"
#include "tg_event.h"
#include "tg_version.h"

APLOG_USE_MODULE(tlsguard);

#define WATCHDOG_NAME "_tlsguard_certwatch_"
#define DEFAULT_INTERVAL 86400 /* seconds: once a day */

const char *const tg_ap_certwatch_pred[] = {"mod_ssl.c", NULL};
const char *const tg_ap_certwatch_succ[] = {"mod_watchdog.c", NULL};

typedef struct {
    server_rec *s;
    const char *vhost;
    const char *policy;
    int warn_days;
    tg_ap_sink_t *sink;
    tg_audit_cert_t cert;
} watched_t;

static apr_array_header_t *watched; /* of watched_t, in pconf */

static apr_status_t forget(void *data)
{
    (void)data;
    watched = NULL;
    return APR_SUCCESS;
}

static void log_watch(const watched_t *w, int64_t days, const char *action)
{
    char t[TG_EVENT_TIME_SIZE];
    tg_event_format_time(w->cert.key.not_after * 1000000, t);
    ap_log_error(APLOG_MARK, APLOG_WARNING, 0, w->s,
                 "TLSGUARD-043: %s: %s: \"%s\" (sha256 %s) %s %.19sZ (%" APR_INT64_T_FMT " days; "
                 "TLSGuardCertWarn %d)", w->vhost, action, w->cert.subject, w->cert.sha256,
                 days < 0 ? "expired" : "expires", t, (apr_int64_t)days, w->warn_days);
}

static void check_one(const watched_t *w, int64_t now_us)
{
    char line[TG_EVENT_LINE_MAX];
    int64_t days = tg_audit_days_left(now_us, w->cert.key.not_after);
    const char *action = tg_watch_action(days, w->warn_days);
    tg_watch_t ev = {now_us, TG_VERSION, w->vhost, w->policy, &w->cert, w->warn_days,
                     (long)getpid()};
    size_t n;
    if (!action)
        return;
    log_watch(w, days, action);
    n = w->sink ? tg_watch_encode(&ev, line, sizeof(line)) : 0;
    if (n)
        tg_ap_sink_write(w->sink, w->s, line, n);
}

static void check_all(const apr_array_header_t *list)
{
    int64_t now = apr_time_now();
    for (int i = 0; list && i < list->nelts; i++)
        check_one(&APR_ARRAY_IDX(list, i, watched_t), now);
}

void tg_ap_certwatch_add(apr_pool_t *pconf, server_rec *s, const tg_audit_t *a)
{
    tg_ap_srv_conf_t *sc = tg_ap_conf_srv(s);
    if (!watched) {
        watched = apr_array_make(pconf, 8, sizeof(watched_t));
        apr_pool_cleanup_register(pconf, NULL, forget, apr_pool_cleanup_null);
    }
    for (unsigned i = 0; i < a->n_certs; i++) {
        watched_t *w = apr_array_push(watched);
        w->s = s;
        w->vhost = a->vhost;
        w->policy = a->policy;
        w->warn_days = sc->cert_warn != TG_UNSET ? sc->cert_warn : 30;
        w->sink = tg_ap_audit_sink(sc);
        w->cert = a->certs[i];
        w->cert.key.type = w->cert.key_type;
        w->cert.key.curve = w->cert.curve[0] ? w->cert.curve : NULL;
        w->cert.key.sig_hash = w->cert.sig_hash[0] ? w->cert.sig_hash : NULL;
        check_one(w, a->now_us);
    }
}

static apr_status_t watch_cb(int state, void *data, apr_pool_t *pool)
{
    (void)pool;
    (void)data;
    if (state == AP_WATCHDOG_STATE_RUNNING)
        check_all(watched);
    return APR_SUCCESS;
}

static int interval_of(server_rec *s)
{
    int v = tg_ap_conf_srv(s)->watch_interval;
    return v != TG_UNSET ? v : DEFAULT_INTERVAL;
}

int tg_ap_certwatch_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                             server_rec *s)
{
    APR_OPTIONAL_FN_TYPE(ap_watchdog_get_instance) *get_instance;
    APR_OPTIONAL_FN_TYPE(ap_watchdog_register_callback) *register_cb;
    ap_watchdog_t *wd;
    apr_status_t rv;
    (void)plog;
    (void)ptemp;
    if (tg_ap_conf_quiet_pass() || !watched
        || watched->nelts == 0)
        return OK;
    get_instance = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_get_instance);
    register_cb = APR_RETRIEVE_OPTIONAL_FN(ap_watchdog_register_callback);
    if (!get_instance || !register_cb) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                     "TLSGUARD-044: mod_watchdog is not loaded: certificates are checked at "
                     "start-up only (LoadModule watchdog_module for the periodic watch)");
        return OK;
    }
    rv = get_instance(&wd, WATCHDOG_NAME, 0, 1, pconf);
    if (rv == APR_SUCCESS)
        rv = register_cb(wd, apr_time_from_sec(interval_of(s)), &watched, watch_cb);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     "TLSGUARD-045: mod_watchdog refused the certificate watch");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

const char *tg_ap_certwatch_cmd_interval(cmd_parms *cmd, void *dc, const char *arg)
{
    char *end;
    long v = strtol(arg, &end, 10);
    const char *where = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    (void)dc;
    if (where)
        return where;
    if (*end || v < 1 || v > 31 * 86400)
        return apr_psprintf(cmd->pool, "%s: \"%s\" is not a number of seconds from 1 to 2678400 "
                            "(%s:%d)", cmd->cmd->name, arg, cmd->directive->filename,
                            cmd->directive->line_num);
    tg_ap_conf_srv(cmd->server)->watch_interval = (int)v;
    return NULL;
}
