/* Report-only roll-out: see tg_apache_report.h. */
#include "tg_apache_report.h"

#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>
#include <http_request.h>

#include "tg_apache_conf.h"
#include "tg_apache_conn.h"
#include "tg_apache_eventrate.h"
#include "tg_apache_metrics.h"
#include "tg_apache_sink.h"
#include "tg_event.h"
#include "tg_ossl_digest.h"
#include "tg_ossl_judge.h"
#include "tg_version.h"

APLOG_USE_MODULE(tlsguard);

/* ---- start-up ---------------------------------------------------------------- */

static int add_policy(server_rec *s, apr_pool_t *p, SSL_CTX *ctx, tg_ap_report_vhost_t *rv,
                      const tg_policy_t *pol, const tg_ossl_resolved_t *res,
                      const char *directive)
{
    char err[512];

    if (tg_ossl_judge_policy(ctx, pol, res, &rv->policies[rv->n], err, sizeof(err)) != 0) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     "TLSGUARD-014: %s: %s %s cannot be judged here: %s",
                     tg_ap_conf_vhost_label(p, s, TG_CONF_LABEL_CONTEXT), directive,
                     pol->profile->name, err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    rv->n++;
    return OK;
}

int tg_ap_report_init_server(server_rec *s, apr_pool_t *p, SSL_CTX *ctx)
{
    tg_ap_srv_conf_t *sc = tg_ap_conf_srv(s);
    tg_ap_report_vhost_t *rv;

    sc->report = NULL;
    if (!tg_ap_conf_report_mode(sc) && !tg_ap_conf_report_profile(sc))
        return OK;
    if (!sc->sink && !tg_ap_conf_quiet_pass())
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "TLSGUARD-006: %s: %s without TLSGuardEventLog: nothing is reported",
                     tg_ap_conf_vhost_label(p, s, TG_CONF_LABEL_CONTEXT),
                     tg_ap_conf_report_mode(sc) ? "TLSGuardMode report"
                                                : "TLSGuardReportProfile");
    rv = apr_pcalloc(p, sizeof(*rv));
    tg_ossl_judge_certs(ctx, &rv->certs);
    if (tg_ap_conf_report_mode(sc) &&
        add_policy(s, p, ctx, rv, &sc->policy, &sc->resolved, "TLSGuardProfile") != OK)
        return HTTP_INTERNAL_SERVER_ERROR;
    if (tg_ap_conf_report_profile(sc) &&
        add_policy(s, p, ctx, rv, &sc->report_policy, &sc->report_resolved,
                   "TLSGuardReportProfile") != OK)
        return HTTP_INTERNAL_SERVER_ERROR;
    sc->report = rv;
    return OK;
}

/* ---- per connection ------------------------------------------------------------- */

/* What the first request said, for the event (NULL: none came). */
typedef struct request_facts_t {
    const char *user_agent, *host, *method;
} request_facts_t;

static void write_report(const tg_ap_conn_view_t *v, const tg_ap_srv_conf_t *sc,
                         const tg_event_report_t *report)
{
    char line[TG_EVENT_LINE_MAX];
    tg_event_ctx_t ctx = {
        .md5 = tg_ossl_md5,
        .sha256 = tg_ossl_sha256,
        .mode = "report",
        .version = TG_VERSION,
        .report = report,
    };
    size_t len;

    v->obs->end_us = (int64_t)apr_time_now();
    v->obs->vhost = v->server->server_hostname;
    v->obs->policy = sc->policy.profile->name;
    len = tg_event_build(v->obs, &ctx, line, sizeof(line));
    if (len > 0)
        tg_ap_sink_write(sc->sink, v->server, line, len);
}

/*
 * Where every would_reject verdict is concluded: the connection's hello
 * judged against each policy of the vhost mod_ssl selected, once per
 * connection. A connection the guard would have refused under enforcement
 * (another vhost's settings) is a would_reject of the mode's policy with
 * reason policy_unresolved, whatever its hello.
 */
static void tg_ap_report_conclude(conn_rec *c, const request_facts_t *req)
{
    tg_ap_conn_view_t v;
    const tg_ap_srv_conf_t *sc;

    if (!tg_ap_conn_view(c, &v) || *v.reported)
        return;
    *v.reported = 1;
    sc = tg_ap_conf_srv(v.server);
    if (!sc->report)
        return; /* with or without a sink: the counters count every verdict */
    for (size_t i = 0; i < sc->report->n; i++) {
        const tg_judge_policy_t *pol = &sc->report->policies[i];
        tg_event_report_t report = {
            .policy = pol->name,
            .stage = TG_STAGE_CLIENT_HELLO,
            .user_agent = req ? req->user_agent : NULL,
            .host = req ? req->host : NULL,
            .method = req ? req->method : NULL,
        };
        tg_judgement_t j;

        if (i == 0 && tg_ap_conf_report_mode(sc) && v.unresolved) {
            report.reason = TG_REASON_POLICY_UNRESOLVED;
        } else if (v.obs->hello_parsed && v.obs->hello_err == TG_HELLO_OK) {
            tg_judge(&v.obs->hello_view, pol, &sc->report->certs, &j);
            if (!j.reject)
                continue;
            report.reason = j.reason;
            report.stage = j.stage;
            report.rule = j.rule;
        } else {
            continue; /* no hello to judge: the handshake's own event tells */
        }
        tg_ap_metrics_count_would_reject(v.server, report.reason, tg_profile_find(pol->name));
        if (sc->sink && tg_ap_eventrate_allow(sc, report.reason))
            write_report(&v, sc, &report);
    }
}

int tg_ap_report_request(request_rec *r)
{
    conn_rec *c = r->connection;
    request_facts_t req;

    while (c->master) /* HTTP/2 streams: the TLS connection */
        c = c->master;
    req.user_agent = apr_table_get(r->headers_in, "User-Agent");
    req.host = r->hostname;
    req.method = r->method;
    tg_ap_report_conclude(c, &req);
    return DECLINED;
}

void tg_ap_report_close(conn_rec *c)
{
    tg_ap_report_conclude(c, NULL);
}
