/* HSTS on HTTPS responses (RFC 6797).
 *
 * Why our own filter rather than mod_headers' "Header always set":
 *  - it is gated on ap_ssl_conn_is_ssl(), so the plain-text 400 that mod_ssl
 *    sends to HTTP spoken on the TLS port never carries the header (RFC 6797
 *    7.2 forbids it over plain HTTP);
 *  - errors raised while the request is read (400, 414, ...) happen before
 *    the name-based vhost is chosen, so httpd hands them the address's
 *    default vhost config; we take the vhost the client named in SNI;
 *  - it runs just above HTTP_HEADER, after every content filter (mod_headers
 *    included), and leaves exactly one header in the two header tables.
 *
 * insert_filter adds the filter to normal responses; ap_send_error_response()
 * drops request filters and runs only insert_error_filter, so that hook adds
 * it again. The filter acts on the first brigade and removes itself: HTTP_HEADER
 * (or mod_http2's header filter) sends the headers on that same brigade.
 *
 * Cost per request: the header values are rendered at configuration time;
 * a request only adds the filter and sets one table entry. */
#include "tg_apache_hsts.h"

#include <apr_strings.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <http_ssl.h>

#include "tg_apache_conf.h"
#include "tg_apache_hsts_conf.h"
#include "tg_apache_sni.h"
#include "tg_hsts.h"

APLOG_USE_MODULE(tlsguard);

#define STS "Strict-Transport-Security"
/* More rows than profiles; build_on_rows() refuses to start otherwise. */
#define ON_ROWS_MAX 32

/* "TLSGuardHSTS On" per profile: rendered once at post_config, read-only in
 * the children. */
typedef struct {
    const tg_profile_t *profile;
    char value[TG_HSTS_FORMAT_MAX];
    tg_ap_hsts_action_t act[2];
} on_row_t;

static on_row_t on_rows[ON_ROWS_MAX];
static unsigned on_count;

ap_filter_rec_t *tg_ap_hsts_filter_handle;

/* Its address marks a request that reached post_read_request, i.e. whose
 * vhost was chosen from the Host header. */
static char vhost_chosen_mark;

/* ---- configuration ---------------------------------------------------- */

static tg_ap_hsts_dir_conf_t *dir_conf(ap_conf_vector_t *v)
{
    return ap_get_module_config(v, &tlsguard_module);
}

/* ---- which policy applies to a request -------------------------------- */

int tg_ap_hsts_mark_vhost_chosen(request_rec *r)
{
    ap_set_module_config(r->request_config, &tlsguard_module, &vhost_chosen_mark);
    return DECLINED;
}

/* An ErrorDocument redirect is a new request that runs post_read_request
 * (and is marked) even when the request the client sent failed before its
 * vhost was chosen: what counts is that first request. */
static int vhost_chosen(const request_rec *r)
{
    while (r->prev)
        r = r->prev;
    return ap_get_module_config(r->request_config, &tlsguard_module) == &vhost_chosen_mark;
}

/* The vhost the client named in SNI, NULL without SNI or match. On an HTTP/2
 * stream the TLS state and the vhost list belong to the main connection. */
static server_rec *sni_vhost(request_rec *r)
{
    conn_rec *c = r->connection->master ? r->connection->master : r->connection;
    const char *name = ap_ssl_var_lookup(r->pool, r->server, c, r, "SSL_TLS_SNI");
    return name && *name ? tg_ap_sni_find_vhost(c, name) : NULL;
}

/* The server whose policy applies to r and its per-directory config. A
 * request that failed before its vhost was chosen still carries the
 * address's default vhost: use the SNI vhost instead. */
static server_rec *policy_source(request_rec *r, ap_conf_vector_t **dirs)
{
    server_rec *s = r->server, *sni;
    *dirs = r->per_dir_config;
    if (s == r->connection->base_server && !vhost_chosen(r)) {
        sni = sni_vhost(r);
        if (sni && sni != s) {
            s = sni;
            *dirs = sni->lookup_defaults;
        }
    }
    return s;
}

static tg_ap_hsts_action_t *on_action(const server_rec *s, int keep)
{
    const tg_profile_t *profile = tg_ap_conf_profile(tg_ap_conf_srv(s));
    for (unsigned i = 0; i < on_count; i++) {
        if (on_rows[i].profile == profile)
            return &on_rows[i].act[keep];
    }
    return NULL;
}

/* NULL when HSTS is off or not configured for r. */
static tg_ap_hsts_action_t *resolve(request_rec *r)
{
    ap_conf_vector_t *dirs;
    server_rec *s = policy_source(r, &dirs);
    tg_ap_hsts_dir_conf_t *dc = dir_conf(dirs);
    int keep;

    if (!dc || !dc->set || dc->policy.mode == TG_HSTS_OFF)
        return NULL;
    keep = dc->existing == TG_AP_HSTS_KEEP;
    if (dc->policy.mode == TG_HSTS_ON)
        return on_action(s, keep);
    return &dc->act[keep];
}

/* ---- the filter ------------------------------------------------------- */

static void strip(request_rec *r)
{
    apr_table_unset(r->headers_out, STS);
    apr_table_unset(r->err_headers_out, STS);
}

/* Ours replaces any other; one entry, in headers_out so that HTTP_HEADER
 * needs no table overlay for it. */
static void replace(request_rec *r, const char *value)
{
    if (!apr_is_empty_table(r->err_headers_out))
        apr_table_unset(r->err_headers_out, STS);
    apr_table_setn(r->headers_out, STS, value);
}

/* The first header already set (the application's before mod_headers'
 * "always" one) wins; ours only when there is none. */
static void keep_one(request_rec *r, const char *value)
{
    const char *found = apr_table_get(r->headers_out, STS);
    if (!found)
        found = apr_table_get(r->err_headers_out, STS);
    replace(r, found ? found : value);
}

apr_status_t tg_ap_hsts_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    const tg_ap_hsts_action_t *act = f->ctx;

    if (!ap_ssl_conn_is_ssl(r->connection))
        strip(r); /* RFC 6797 7.2: never over plain HTTP */
    else if (act->keep)
        keep_one(r, act->value);
    else
        replace(r, act->value);
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

void tg_ap_hsts_insert_filter(request_rec *r)
{
    tg_ap_hsts_action_t *act;
    if (r->main)
        return; /* a subrequest's headers are never sent */
    act = resolve(r);
    if (act)
        ap_add_output_filter_handle(tg_ap_hsts_filter_handle, act, r, r->connection);
}

/* ---- start-up --------------------------------------------------------- */

static int build_on_rows(server_rec *s)
{
    const tg_profile_t *profile;
    tg_hsts_t policy;
    unsigned i;

    for (i = 0; (profile = tg_profile_at(i)) != NULL; i++) {
        if (i == ON_ROWS_MAX) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                         "TLSGUARD-021: more than %d profiles: raise ON_ROWS_MAX in %s",
                         ON_ROWS_MAX, __FILE__);
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        tg_hsts_from_default(profile->hsts_max_age, &policy);
        on_rows[i].profile = profile;
        tg_hsts_format(&policy, on_rows[i].value, sizeof(on_rows[i].value));
        tg_ap_hsts_conf_set_actions(on_rows[i].act, on_rows[i].value);
    }
    on_count = i;
    return OK;
}

static const char *source_text(apr_pool_t *p, const server_rec *s, const tg_ap_hsts_dir_conf_t *dc)
{
    if (dc->policy.mode == TG_HSTS_ON)
        return apr_psprintf(p, "TLSGuardHSTS On, profile %s",
                            tg_ap_conf_profile(tg_ap_conf_srv(s))->name);
    return "TLSGuardHSTS";
}

/* One line per vhost: the header its HTTPS responses carry and whether
 * hstspreload.org would take it. <Location>/<Directory> may still differ. */
static void audit_vhost(apr_pool_t *p, server_rec *s)
{
    const tg_ap_hsts_dir_conf_t *dc = dir_conf(s->lookup_defaults);
    const char *label = tg_ap_conf_vhost_label(p, s, TG_CONF_LABEL_ADDRESS);
    int on = dc->set && dc->policy.mode != TG_HSTS_OFF;
    char why[512];
    const tg_ap_hsts_action_t *act;
    tg_hsts_t eff;
    int ready;

    if (!tg_ap_conf_srv(s)->eff.set) { /* mod_ssl built no TLS context for it */
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                     "TLSGUARD-020: %s: plain HTTP: no Strict-Transport-Security is sent "
                     "(RFC 6797 7.2)%s",
                     label, on ? "; one set by the application is removed" : "");
        return;
    }
    if (!on) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                     "TLSGUARD-020: %s: HSTS off (%s); preload-ready: no", label,
                     dc->set ? "TLSGuardHSTS Off" : "TLSGuardHSTS not set");
        return;
    }
    act = dc->policy.mode == TG_HSTS_ON ? on_action(s, 0) : &dc->act[0];
    eff = dc->policy;
    if (eff.mode == TG_HSTS_ON)
        tg_hsts_from_default(tg_ap_conf_profile(tg_ap_conf_srv(s))->hsts_max_age, &eff);
    ready = tg_hsts_preload_ready(&eff, why, sizeof(why));
    ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                 "TLSGUARD-020: %s: HSTS \"%s\" on every HTTPS response (%s; a header set "
                 "by the application is %s)%s; preload-ready: %s%s%s%s",
                 label, act ? act->value : "?", source_text(p, s, dc),
                 dc->existing == TG_AP_HSTS_KEEP ? "kept" : "replaced",
                 eff.withdraw ? "; max-age=0 tells browsers to forget HSTS" : "",
                 ready ? "yes" : "no", why[0] ? " (" : "", why, why[0] ? ")" : "");
}

const tg_hsts_t *tg_ap_hsts_vhost_policy(const server_rec *s)
{
    const tg_ap_hsts_dir_conf_t *dc = dir_conf(s->lookup_defaults);
    return dc && dc->set ? &dc->policy : NULL;
}

int tg_ap_hsts_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                        server_rec *s)
{
    (void)pconf;
    (void)plog;
    if (build_on_rows(s) != OK)
        return HTTP_INTERNAL_SERVER_ERROR;
    if (tg_ap_conf_quiet_pass())
        return OK;
    for (server_rec *v = s; v; v = v->next)
        audit_vhost(ptemp, v);
    return OK;
}
