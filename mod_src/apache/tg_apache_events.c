/* Handshake events at start-up. open_logs opens the sinks the vhosts name
 * (tg_apache_sink.c writes to them); post_config prepares the observer
 * (tg_ossl_observe.c): every handshake is observed, events or not, since
 * the shared counters (tg_apache_metrics.c) count each one. */
#include "tg_apache_events.h"

#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>

#include "tg_apache_conf.h"
#include "tg_apache_conn.h"
#include "tg_apache_eventrate.h"
#include "tg_apache_sink.h"
#include "tg_apache_sink_report.h"
#include "tg_ossl_observe.h"

APLOG_USE_MODULE(tlsguard);

int tg_ap_events_open_logs(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                        server_rec *s)
{
    int quiet = tg_ap_conf_quiet_pass();
    (void)plog;
    (void)ptemp;
    tg_ap_sink_report_configure(s, quiet);
    tg_ap_eventrate_configure(s, quiet);
    tg_ap_sink_set_begin(pconf, tg_ap_sink_report_wake);
    for (server_rec *v = s; v; v = v->next) {
        tg_ap_srv_conf_t *sc = tg_ap_conf_srv(v);
        if (!sc->sink)
            continue;
        sc->sink = tg_ap_sink_open(pconf, v, sc->sink, quiet);
        if (!sc->sink)
            return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

/* OpenSSL ex_data slots outlive this module's DSO, which httpd reloads at
 * every restart: keep each slot number in the process pool and reuse it. */
static int persistent_slot(server_rec *s, const char *key, int (*init)(int known))
{
    apr_pool_t *pp = s->process->pool;
    void *kept = NULL;
    apr_pool_userdata_get(&kept, key, pp);
    int slot = init(kept ? *(int *)kept : -1);
    if (!kept && slot >= 0) {
        int *keep = apr_palloc(pp, sizeof(*keep));
        *keep = slot;
        apr_pool_userdata_set(keep, apr_pstrdup(pp, key), apr_pool_cleanup_null, pp);
    }
    return slot;
}

int tg_ap_events_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                          server_rec *s)
{
    (void)pconf;
    (void)plog;
    (void)ptemp;
    /* the counters want every handshake, events or not */
    if (persistent_slot(s, "tlsguard-observer-slot", tg_ossl_observe_init) < 0) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     "TLSGUARD-032: OpenSSL refused a connection data slot: cannot observe "
                     "handshakes for the counters and TLSGuardEventLog");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    tg_ap_conn_set_events_wanted(1);
    return OK;
}
