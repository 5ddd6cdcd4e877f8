/* Reports of lost event lines: see tg_ngx_sink_report.h. */
#include "tg_ngx_sink_report.h"

#include <stdlib.h>
#include <string.h>

#include <ngx_http.h>

#include "tg_ngx_conf.h"

static ngx_event_t report_ev;
static ngx_cycle_t *report_cycle;
static ngx_msec_t interval_ms = TG_NGX_REPORT_INTERVAL * 1000;
static ngx_msec_t last_report; /* ngx_current_msec of the last round; 0: none */

static const ngx_array_t *sinks_of(ngx_cycle_t *cycle)
{
    tg_ngx_main_conf_t *mc = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_tlsguard_module);
    return mc ? &mc->sinks : NULL;
}

static void report_sink(ngx_log_t *log, tg_ngx_sink_t *sink, const char *when)
{
    if (sink->dropped == sink->reported)
        return;
    ngx_log_error(NGX_LOG_WARN, log, sink->last_error,
                  "TLSGUARD-030: tlsguard_event_log \"%s\": %ui event line(s) lost %s; "
                  "this worker: %ui written, %ui lost; last error",
                  sink->target, sink->dropped - sink->reported, when, sink->written,
                  sink->dropped);
    sink->reported = sink->dropped;
}

static void report_all(ngx_cycle_t *cycle, const char *when)
{
    const ngx_array_t *sinks = sinks_of(cycle);
    tg_ngx_sink_t **sink = sinks ? sinks->elts : NULL;

    for (ngx_uint_t i = 0; sinks && i < sinks->nelts; i++)
        report_sink(cycle->log, sink[i], when);
}

static void on_timer(ngx_event_t *ev)
{
    report_all(report_cycle, "since the last report");
    last_report = ngx_current_msec;
    if (!ngx_exiting)
        ngx_add_timer(ev, interval_ms);
}

static ngx_msec_t read_interval(ngx_log_t *log)
{
    const char *env = getenv(TG_NGX_REPORT_INTERVAL_ENV);
    char *end;
    long s;

    if (env == NULL)
        return TG_NGX_REPORT_INTERVAL * 1000;
    s = strtol(env, &end, 10);
    if (end == env || *end != '\0' || s < 1 || s > 86400) {
        ngx_log_error(NGX_LOG_WARN, log, 0, "TLSGUARD-030: %s=\"%s\" is not 1 to 86400 "
                      "seconds: reports every %d s", TG_NGX_REPORT_INTERVAL_ENV, env,
                      TG_NGX_REPORT_INTERVAL);
        return TG_NGX_REPORT_INTERVAL * 1000;
    }
    return (ngx_msec_t)s * 1000;
}

ngx_int_t tg_ngx_sink_report_init_process(ngx_cycle_t *cycle)
{
    const ngx_array_t *sinks = sinks_of(cycle);

    if (sinks == NULL || sinks->nelts == 0)
        return NGX_OK;
    report_cycle = cycle;
    interval_ms = read_interval(cycle->log);
    memset(&report_ev, 0, sizeof(report_ev));
    report_ev.handler = on_timer;
    report_ev.log = cycle->log;
    report_ev.cancelable = 1; /* a graceful exit does not wait for it */
    ngx_add_timer(&report_ev, interval_ms);
    return NGX_OK;
}

void tg_ngx_sink_report_wake(void)
{
    if (report_ev.handler == NULL || ngx_exiting)
        return;
    /* the first drop of a quiet interval at once, the rest with the round */
    if (last_report == 0 || ngx_current_msec - last_report >= interval_ms)
        ngx_add_timer(&report_ev, 1);
}

void tg_ngx_sink_report_exit_process(ngx_cycle_t *cycle)
{
    report_all(cycle, "before this worker exits");
}
