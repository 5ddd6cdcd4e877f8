/* The shared counters (tg_apache_metrics.c) as Prometheus text exposition
 * (format 0.0.4) and as a section of mod_status's page. Each family is a
 * row of `families`: its name (prefix tlsguard_, counters end in _total),
 * help text and the function that prints its samples. Series of the
 * running configuration only: its vhosts (those with a TLS context) and
 * its sinks; failures, would_reject and success combinations are printed
 * once they are non-zero. */
#include "tg_apache_metrics_page.h"

#include <apr_strings.h>
#include <http_config.h>
#include <http_main.h>
#include <http_protocol.h>
#include <http_request.h>
#include <mod_status.h>
#include <string.h>

#include "tg_apache_conf.h"
#include "tg_apache_metrics.h"
#include "tg_apache_sink.h"

/* Label values are configuration (server names, TLSGuardEventLog
 * arguments, made UTF-8 when their slot was claimed) or the module's own
 * names, never wire data; still escaped as the format asks: backslash,
 * double quote, newline. */
static const char *esc(apr_pool_t *p, const char *v)
{
    if (!strpbrk(v, "\\\"\n"))
        return v;
    char *out = apr_palloc(p, strlen(v) * 2 + 1), *o = out;
    for (; *v; v++) {
        if (*v == '\\' || *v == '"' || *v == '\n')
            *o++ = '\\';
        *o++ = *v == '\n' ? 'n' : *v;
    }
    *o = '\0';
    return out;
}

static uint64_t get(const tg_ap_counter_t *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

/* The vhost slots of the running configuration, each once, in order. */
typedef struct {
    unsigned slot[TG_METRICS_VHOSTS];
    unsigned n;
} slots_t;

static void config_vhosts(slots_t *out)
{
    unsigned char seen[TG_METRICS_VHOSTS] = {0};
    out->n = 0;
    for (server_rec *v = ap_server_conf; v; v = v->next) {
        const tg_ap_srv_conf_t *sc = tg_ap_conf_srv(v);
        if (!sc->eff.set || sc->metrics_vhost >= TG_METRICS_VHOSTS || seen[sc->metrics_vhost])
            continue;
        seen[sc->metrics_vhost] = 1;
        out->slot[out->n++] = sc->metrics_vhost;
    }
}

typedef struct {
    request_rec *r;
    const tg_ap_metrics_t *m;
    slots_t vhosts;
} page_t;

static const char *vlabel(const page_t *pg, unsigned slot)
{
    return esc(pg->r->pool, pg->m->vhosts[slot].label);
}

static void handshakes(const page_t *pg, const char *name)
{
    static const char *const outcome[TG_OUTCOME_COUNT] = {"success", "failure"};
    for (unsigned i = 0; i < pg->vhosts.n; i++) {
        const tg_ap_metrics_vhost_t *v = &pg->m->vhosts[pg->vhosts.slot[i]];
        for (unsigned o = 0; o < TG_OUTCOME_COUNT; o++)
            ap_rprintf(pg->r, "%s{vhost=\"%s\",outcome=\"%s\"} %" APR_UINT64_T_FMT "\n", name,
                       vlabel(pg, pg->vhosts.slot[i]), outcome[o], get(&v->handshakes[o]));
    }
}

static void failures(const page_t *pg, const char *name)
{
    for (unsigned i = 0; i < pg->vhosts.n; i++) {
        const tg_ap_metrics_vhost_t *v = &pg->m->vhosts[pg->vhosts.slot[i]];
        for (unsigned r = 1; r < TG_REASON_COUNT; r++)
            for (unsigned s = 0; s < TG_STAGE_COUNT; s++) {
                uint64_t n = get(&v->failures[r][s]);
                if (n)
                    ap_rprintf(pg->r,
                               "%s{vhost=\"%s\",reason=\"%s\",stage=\"%s\"} %" APR_UINT64_T_FMT
                               "\n", name, vlabel(pg, pg->vhosts.slot[i]),
                               tg_reason_name((tg_reason_t)r), tg_stage_name((tg_stage_t)s), n);
            }
    }
}

static void would_reject(const page_t *pg, const char *name)
{
    for (unsigned i = 0; i < pg->vhosts.n; i++) {
        const tg_ap_metrics_vhost_t *v = &pg->m->vhosts[pg->vhosts.slot[i]];
        for (unsigned r = 1; r < TG_REASON_COUNT; r++)
            for (unsigned p = 0; p < TG_METRICS_POLICIES; p++) {
                uint64_t n = get(&v->would_reject[r][p]);
                if (n)
                    ap_rprintf(pg->r,
                               "%s{vhost=\"%s\",reason=\"%s\",report_policy=\"%s\"} "
                               "%" APR_UINT64_T_FMT "\n", name, vlabel(pg, pg->vhosts.slot[i]),
                               tg_reason_name((tg_reason_t)r), tg_ap_metrics_policy_label(p), n);
            }
    }
}

static void successes(const page_t *pg, const char *name)
{
    char buf[24];
    for (unsigned i = 0; i < TG_METRICS_SUITES; i++) {
        const tg_ap_metrics_suite_t *s = &pg->m->suites[i];
        uint64_t n = get(&s->count);
        const char *ver, *ciph, *grp;
        if (!n)
            continue;
        /* the last slot is the overflow: key 0 names it "(other)" */
        tg_ap_metrics_suite_labels(i == TG_METRICS_SUITES - 1 ? 0 : get(&s->key), &ver, &ciph,
                                   &grp, buf, sizeof(buf));
        ap_rprintf(pg->r, "%s{version=\"%s\",cipher=\"%s\",group=\"%s\"} %" APR_UINT64_T_FMT "\n",
                   name, ver, ciph, grp, n);
    }
}

static void sink_events(const page_t *pg, const char *name, tg_ap_event_fate_t fate)
{
    const apr_array_header_t *sinks = tg_ap_sink_all();
    unsigned char seen[TG_METRICS_SINKS] = {0};
    for (int i = 0; sinks && i < sinks->nelts; i++) {
        unsigned slot = APR_ARRAY_IDX(sinks, i, tg_ap_sink_t *)->metrics_slot;
        if (slot >= TG_METRICS_SINKS || seen[slot])
            continue;
        seen[slot] = 1;
        ap_rprintf(pg->r, "%s{sink=\"%s\"} %" APR_UINT64_T_FMT "\n", name,
                   esc(pg->r->pool, pg->m->sinks[slot].label),
                   get(&pg->m->sinks[slot].events[fate]));
    }
}

static void written(const page_t *pg, const char *name)
{
    sink_events(pg, name, TG_EVENTS_WRITTEN);
}

static void suppressed(const page_t *pg, const char *name)
{
    sink_events(pg, name, TG_EVENTS_SUPPRESSED);
}

static void dropped(const page_t *pg, const char *name)
{
    sink_events(pg, name, TG_EVENTS_DROPPED);
}

static void start_time(const page_t *pg, const char *name)
{
    ap_rprintf(pg->r, "%s %" APR_INT64_T_FMT ".%06" APR_INT64_T_FMT "\n", name,
               pg->m->created_us / 1000000, pg->m->created_us % 1000000);
}

static const struct family {
    const char *name;
    const char *type;
    const char *help;
    void (*print)(const page_t *pg, const char *name);
} families[] = {
    {"tlsguard_handshakes_total", "counter",
     "TLS handshakes that ended, by virtual host and outcome.", handshakes},
    {"tlsguard_handshake_failures_total", "counter",
     "Failed TLS handshakes by virtual host, reason and handshake stage.", failures},
    {"tlsguard_handshake_successes_total", "counter",
     "Successful TLS handshakes by negotiated version, cipher suite and group.", successes},
    {"tlsguard_would_reject_total", "counter",
     "Handshakes served that the report policy would have refused, by virtual host, reason "
     "and report policy.", would_reject},
    {"tlsguard_events_written_total", "counter",
     "Event lines written whole, by TLSGuardEventLog sink.", written},
    {"tlsguard_events_suppressed_total", "counter",
     "Failure events not written because of TLSGuardEventRate (still counted), by sink.",
     suppressed},
    {"tlsguard_events_dropped_total", "counter",
     "Event lines the sink could not take (full pipe, stopped logger), by sink.", dropped},
    {"tlsguard_start_time_seconds", "gauge",
     "When the counters started (Unix time): httpd's start; restarts keep them.", start_time},
};

int tg_ap_metrics_page_handler(request_rec *r)
{
    page_t pg = {.r = r, .m = tg_ap_metrics()};

    if (!r->handler || strcmp(r->handler, TG_METRICS_HANDLER) != 0)
        return DECLINED;
    ap_allow_methods(r, REPLACE_ALLOW, "GET", NULL); /* and HEAD */
    if (r->method_number != M_GET)
        return HTTP_METHOD_NOT_ALLOWED;
    if (!pg.m)
        return HTTP_SERVICE_UNAVAILABLE;
    ap_set_content_type(r, "text/plain; version=0.0.4; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (r->header_only)
        return OK;
    config_vhosts(&pg.vhosts);
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
        const struct family *f = &families[i];
        ap_rprintf(r, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help, f->name, f->type);
        f->print(&pg, f->name);
    }
    return OK;
}

/* Totals over the running configuration's vhosts and sinks. */
typedef struct {
    uint64_t handshakes[TG_OUTCOME_COUNT];
    uint64_t reasons[TG_REASON_COUNT];
    uint64_t events[TG_EVENTS_FATE_COUNT];
} totals_t;

static void sum(const tg_ap_metrics_t *m, totals_t *t)
{
    slots_t vh;
    const apr_array_header_t *sinks = tg_ap_sink_all();
    unsigned char seen[TG_METRICS_SINKS] = {0};

    memset(t, 0, sizeof(*t));
    config_vhosts(&vh);
    for (unsigned i = 0; i < vh.n; i++) {
        const tg_ap_metrics_vhost_t *v = &m->vhosts[vh.slot[i]];
        for (unsigned o = 0; o < TG_OUTCOME_COUNT; o++)
            t->handshakes[o] += get(&v->handshakes[o]);
        for (unsigned r = 0; r < TG_REASON_COUNT; r++)
            for (unsigned s = 0; s < TG_STAGE_COUNT; s++)
                t->reasons[r] += get(&v->failures[r][s]);
    }
    for (int i = 0; sinks && i < sinks->nelts; i++) {
        unsigned slot = APR_ARRAY_IDX(sinks, i, tg_ap_sink_t *)->metrics_slot;
        if (slot >= TG_METRICS_SINKS || seen[slot])
            continue;
        seen[slot] = 1;
        for (unsigned f = 0; f < TG_EVENTS_FATE_COUNT; f++)
            t->events[f] += get(&m->sinks[slot].events[f]);
    }
}

int tg_ap_metrics_page_status(request_rec *r, int flags)
{
    static const char *const fate[TG_EVENTS_FATE_COUNT] = {"Written", "Suppressed", "Dropped"};
    static const char *const fate_html[TG_EVENTS_FATE_COUNT] = {"written", "suppressed",
                                                                "dropped"};
    const tg_ap_metrics_t *m = tg_ap_metrics();
    totals_t t;

    if (!m)
        return OK;
    sum(m, &t);
    if (flags & AP_STATUS_SHORT) {
        ap_rprintf(r, "TLSGuardHandshakeSuccesses: %" APR_UINT64_T_FMT "\n"
                      "TLSGuardHandshakeFailures: %" APR_UINT64_T_FMT "\n",
                   t.handshakes[TG_OUTCOME_SUCCESS], t.handshakes[TG_OUTCOME_FAILURE]);
        for (unsigned f = 0; f < TG_EVENTS_FATE_COUNT; f++)
            ap_rprintf(r, "TLSGuardEvents%s: %" APR_UINT64_T_FMT "\n", fate[f], t.events[f]);
        return OK;
    }
    ap_rputs("<hr />\n<h2>mod_tlsguard</h2>\n<table border=\"0\">\n", r);
    ap_rprintf(r, "<tr><th align=\"left\">successful handshakes</th><td>%" APR_UINT64_T_FMT
                  "</td></tr>\n<tr><th align=\"left\">failed handshakes</th><td>%"
                  APR_UINT64_T_FMT "</td></tr>\n",
               t.handshakes[TG_OUTCOME_SUCCESS], t.handshakes[TG_OUTCOME_FAILURE]);
    for (unsigned rs = 1; rs < TG_REASON_COUNT; rs++)
        if (t.reasons[rs])
            ap_rprintf(r, "<tr><td>&nbsp;&nbsp;%s</td><td>%" APR_UINT64_T_FMT "</td></tr>\n",
                       tg_reason_name((tg_reason_t)rs), t.reasons[rs]);
    for (unsigned f = 0; f < TG_EVENTS_FATE_COUNT; f++)
        ap_rprintf(r, "<tr><th align=\"left\">events %s</th><td>%" APR_UINT64_T_FMT
                      "</td></tr>\n", fate_html[f], t.events[f]);
    ap_rputs("</table>\n", r);
    return OK;
}
