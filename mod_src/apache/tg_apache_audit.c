/* Start-up audit: each SSL vhost's effective settings, read back from its
 * SSL_CTX, its certificates, and every deviation from the profile. Runs in
 * the parent at init_server (the real pass only), once per start and per
 * graceful restart. */
#include "tg_apache_audit.h"

#include <apr_strings.h>
#include <http_core.h>
#include <http_log.h>
#include <stdlib.h>

#include "tg_apache_certwatch.h"
#include "tg_apache_conf.h"
#include "tg_apache_conn.h"
#include "tg_apache_enforce.h"
#include "tg_apache_hsts.h"
#include "tg_audit_event.h"
#include "tg_certrules.h"
#include "tg_event.h"
#include "tg_ossl_cert.h"
#include "tg_version.h"

APLOG_USE_MODULE(tlsguard);

#define DEFAULT_WARN_DAYS 30

/* The verification keeps the system trust store for the rest of the
 * configuration cycle (one load for all vhosts); the pool that audits first
 * frees it. */
static int trust_store_held;

static apr_status_t release_trust_store(void *data)
{
    (void)data;
    tg_ossl_cert_release();
    trust_store_held = 0;
    return APR_SUCCESS;
}

static void hold_trust_store(apr_pool_t *p)
{
    if (trust_store_held)
        return;
    apr_pool_cleanup_register(p, NULL, release_trust_store, apr_pool_cleanup_null);
    trust_store_held = 1;
}

/* Each weakening option of the table: where the context has it, and whether
 * the policy reset it. */
static void options(SSL_CTX *ctx, const tg_ossl_effective_t *eff, tg_audit_t *a)
{
    size_t n;
    const tg_ossl_option_t *table = tg_ossl_option_table(&n);
    uint64_t now = SSL_CTX_get_options(ctx);
    a->n_options = 0;
    for (size_t i = 0; i < n && a->n_options < TG_AUDIT_MAX_OPTIONS; i++) {
        tg_audit_option_t *o = &a->options[a->n_options];
        if (!table[i].weakened)
            continue;
        o->name = table[i].weakened;
        o->weakened = table[i].policy_sets ? !(now & table[i].bit) : !!(now & table[i].bit);
        o->reset = eff->guarded && (eff->options_reset & table[i].bit) != 0;
        a->n_options++;
    }
}

static void settings(apr_pool_t *p, SSL_CTX *ctx, const tg_ap_srv_conf_t *sc,
                     const tg_ossl_effective_t *eff, tg_audit_t *a)
{
    char range[32];
    uint16_t min = tg_ossl_ctx_min(ctx), max = tg_ossl_ctx_max(ctx);
    tg_policy_format_range(min, max, range, sizeof(range));
    a->versions = apr_pstrdup(p, range);
    a->ciphers12 = min <= TLS1_2_VERSION ? tg_ap_enforce_cipher_list(p, ctx, 0) : NULL;
    a->suites13 = max == TLS1_3_VERSION ? tg_ap_enforce_cipher_list(p, ctx, 1) : NULL;
    a->groups = eff->guarded ? sc->resolved.groups : "(as mod_ssl left them)";
    a->skipped_groups = eff->guarded ? sc->resolved.skipped_groups : NULL;
    a->skipped_since = a->skipped_groups ? tg_ap_enforce_group_since(a->skipped_groups) : NULL;
    options(ctx, eff, a);
    a->session_tickets = !(SSL_CTX_get_options(ctx) & SSL_OP_NO_TICKET);
    a->session_cache = (SSL_CTX_get_session_cache_mode(ctx) & SSL_SESS_CACHE_SERVER) ? "server"
                                                                                     : "off";
    a->ocsp_stapling = tg_ossl_cert_stapling(ctx);
}

/* The header the vhost's HTTPS responses carry at its top level, from its
 * TLSGuardHSTS policy ("On" resolved with the profile's max-age). */
static const char *hsts_value(apr_pool_t *p, server_rec *s, const tg_profile_t *profile)
{
    const tg_hsts_t *set = tg_ap_hsts_vhost_policy(s);
    tg_hsts_t policy;
    char *buf = apr_palloc(p, TG_HSTS_FORMAT_MAX);
    if (!set || set->mode == TG_HSTS_OFF)
        return NULL;
    policy = *set;
    if (policy.mode == TG_HSTS_ON)
        tg_hsts_from_default(profile->hsts_max_age, &policy);
    return tg_hsts_format(&policy, buf, TG_HSTS_FORMAT_MAX) ? buf : NULL;
}

static void names(apr_pool_t *p, server_rec *s, tg_audit_t *a)
{
    a->n_names = 0;
    if (s->server_hostname)
        a->names[a->n_names++] = s->server_hostname;
    for (int i = 0; s->names && i < s->names->nelts && a->n_names < TG_AUDIT_MAX_NAMES; i++)
        a->names[a->n_names++] = APR_ARRAY_IDX(s->names, i, const char *);
    for (int i = 0; s->wild_names && i < s->wild_names->nelts && a->n_names < TG_AUDIT_MAX_NAMES;
         i++)
        a->names[a->n_names++] = APR_ARRAY_IDX(s->wild_names, i, const char *);
    (void)p;
}

static void cert_deviations(apr_pool_t *p, const tg_certrules_t *rules, tg_audit_t *a,
                            int warn_days)
{
    for (unsigned i = 0; i < a->n_certs; i++) {
        const tg_audit_cert_t *c = &a->certs[i];
        tg_cert_deviation_t found[4];
        size_t n = tg_certrules_check(rules, &c->key, c->leaf, found, 4);
        int64_t left = tg_audit_days_left(a->now_us, c->key.not_after);
        for (size_t k = 0; k < n && k < 4; k++) {
            tg_audit_add_dev(a, found[k].rule,
                             apr_psprintf(p, "%s: %s", c->subject, found[k].detail));
        }
        if (left < 0 || a->now_us / 1000000 < c->key.not_before) {
            tg_audit_add_dev(a, "expired", apr_psprintf(p, "%s: %s", c->subject,
                                                        left < 0 ? "expired" : "not yet valid"));
        } else if (left < warn_days) {
            tg_audit_add_dev(a, "expiring",
                             apr_psprintf(p, "%s: expires in %" APR_INT64_T_FMT " days (TLSGuardCertWarn %d)",
                                          c->subject, (apr_int64_t)left, warn_days));
        }
    }
}

static void name_deviations(apr_pool_t *p, tg_audit_t *a)
{
    for (unsigned i = 0; i < a->n_names; i++) {
        if (!a->covered[i])
            tg_audit_add_dev(a, "name_not_covered",
                             apr_psprintf(p, "%s is not covered by the certificate's names",
                                          a->names[i]));
    }
}

static void other_deviations(apr_pool_t *p, const tg_profile_t *profile, const tg_audit_t *in,
                             tg_audit_t *a)
{
    if (!in->chain_verified) {
        tg_audit_add_dev(a, in->missing_issuer[0] ? "missing_intermediate" : "chain",
                         in->missing_issuer[0]
                             ? apr_psprintf(p, "%s: no certificate of issuer %s in the chain or "
                                            "the trust store (a missing intermediate or an "
                                            "untrusted root)", in->chain_error,
                                            in->missing_issuer)
                             : in->chain_error);
    }
    if (!in->ocsp_stapling && profile->ocsp_stapling) {
        tg_audit_add_dev(a, "ocsp_stapling",
                         apr_psprintf(p, "OCSP stapling is off; %s wants it (SSLUseStapling on "
                                      "with SSLStaplingCache)", profile->source));
    }
    for (unsigned i = 0; i < in->n_options; i++) {
        if (in->options[i].weakened) {
            tg_audit_add_dev(a, "option",
                             apr_psprintf(p, "\"%s\" is in effect", in->options[i].name));
        }
    }
}

static int warn_days(const tg_ap_srv_conf_t *sc)
{
    return sc->cert_warn != TG_UNSET ? sc->cert_warn : DEFAULT_WARN_DAYS;
}

/* The certificates of ctx, their names and chain, and their deviations. */
static tg_audit_t *collect_certs(apr_pool_t *p, server_rec *s, SSL_CTX *ctx,
                                 const tg_ap_srv_conf_t *sc, const tg_profile_t *profile)
{
    tg_audit_t *a = apr_pcalloc(p, sizeof(*a));
    a->certs = apr_pcalloc(p, TG_AUDIT_MAX_CERTS * sizeof(*a->certs));
    a->now_us = apr_time_now();
    a->version = TG_VERSION;
    a->vhost = tg_ap_conf_vhost_label(p, s, TG_CONF_LABEL_CONTEXT);
    a->policy = profile->name;
    names(p, s, a);
    tg_ossl_cert_collect(ctx, a, TG_AUDIT_MAX_CERTS);
    tg_ossl_cert_cover(ctx, a);
    hold_trust_store(p);
    tg_ossl_cert_verify(ctx, a);
    cert_deviations(p, tg_certrules_find(profile->name), a, warn_days(sc));
    name_deviations(p, a);
    return a;
}

static tg_audit_t *collect(apr_pool_t *p, server_rec *s, SSL_CTX *ctx, tg_ap_srv_conf_t *sc)
{
    const tg_profile_t *profile = sc->checked ? sc->policy.profile : tg_ap_conf_profile(sc);
    tg_audit_t *a = collect_certs(p, s, ctx, sc, profile);
    a->mode = tg_ap_conn_mode(s); /* enforce, report or off */
    settings(p, ctx, sc, &sc->eff, a);
    a->hsts = hsts_value(p, s, profile);
    other_deviations(p, profile, a, a);
    return a;
}

static const char *deviation_text(apr_pool_t *p, const tg_audit_t *a)
{
    const char *text = "";
    unsigned n = a->n_devs < TG_AUDIT_MAX_DEVS ? a->n_devs : TG_AUDIT_MAX_DEVS;
    for (unsigned i = 0; i < n; i++)
        text = apr_pstrcat(p, text, i ? "; " : "", a->devs[i].rule, " (", a->devs[i].detail, ")",
                           NULL);
    return n ? text : "none";
}

static const char *cert_text(apr_pool_t *p, const tg_audit_t *a)
{
    const char *text = "";
    for (unsigned i = 0; i < a->n_certs; i++) {
        const tg_audit_cert_t *c = &a->certs[i];
        char t[TG_EVENT_TIME_SIZE];
        tg_event_format_time(c->key.not_after * 1000000, t);
        text = apr_psprintf(p, "%s%s%s \"%s\" issued by \"%s\", %s %u%s%s, %s, until %.10s (%" APR_INT64_T_FMT " "
                            "days), sha256 %s", text, i ? "; " : "",
                            c->leaf ? "certificate" : "chain certificate", c->subject, c->issuer,
                            c->key_type, c->key.bits, c->curve[0] ? " " : "", c->curve,
                            c->sig_alg, t, (apr_int64_t)tg_audit_days_left(a->now_us,
                                                                         c->key.not_after),
                            c->sha256);
    }
    return a->n_certs ? text : "no certificate";
}

static const char *names_text(apr_pool_t *p, const tg_audit_t *a)
{
    const char *text = "";
    for (unsigned i = 0; i < a->n_names; i++)
        text = apr_pstrcat(p, text, i ? ", " : "", a->names[i],
                           a->covered[i] ? "" : " (NOT covered)", NULL);
    return text;
}

static void log_notice(apr_pool_t *p, server_rec *s, const tg_audit_t *a)
{
    ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                 "TLSGUARD-040: %s: audit: profile %s, mode %s, %s; %s; names %s; chain %s%s%s; "
                 "OCSP stapling %s; HSTS %s; session tickets %s; session cache %s; "
                 "deviations: %s",
                 a->vhost, a->policy, a->mode, a->versions, cert_text(p, a), names_text(p, a),
                 a->chain_verified ? "verified" : "NOT verified: ", a->chain_error,
                 a->missing_issuer[0] ? apr_pstrcat(p, ", missing issuer ",
                                                    a->missing_issuer, NULL) : "",
                 a->ocsp_stapling ? "on" : "off",
                 a->hsts ? apr_psprintf(p, "\"%s\"", a->hsts) : "off",
                 a->session_tickets ? "on" : "off",
                 a->session_cache, deviation_text(p, a));
}

tg_ap_sink_t *tg_ap_audit_sink(const tg_ap_srv_conf_t *sc)
{
    return sc->audit_events != 0 ? sc->sink : NULL;
}

static void write_event(server_rec *s, const tg_ap_srv_conf_t *sc, const tg_audit_t *a)
{
    char line[TG_EVENT_LINE_MAX];
    size_t n;
    if (!tg_ap_audit_sink(sc))
        return;
    n = tg_audit_encode(a, line, sizeof(line));
    if (n)
        tg_ap_sink_write(tg_ap_audit_sink(sc), s, line, n);
}

/* TLSGuardCertPolicy fail: the rules that stop start-up. */
static int fatal_rule(const char *rule)
{
    static const char *const fatal[] = {"expired", "name_not_covered", "key_type",
                                        "rsa_key_size", "curve", "lifespan", "sha1_signature"};
    for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
        if (strcmp(rule, fatal[i]) == 0)
            return 1;
    }
    return 0;
}

static int enforce_cert_policy(server_rec *s, const tg_ap_srv_conf_t *sc, const tg_audit_t *a)
{
    unsigned n = a->n_devs < TG_AUDIT_MAX_DEVS ? a->n_devs : TG_AUDIT_MAX_DEVS;
    int failed = 0;
    if (sc->cert_policy != TG_CERT_POLICY_FAIL)
        return OK;
    for (unsigned i = 0; i < n; i++) {
        if (!fatal_rule(a->devs[i].rule))
            continue;
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     "TLSGUARD-042: %s: TLSGuardCertPolicy fail: %s: %s (profile %s)", a->vhost,
                     a->devs[i].rule, a->devs[i].detail, a->policy);
        failed = 1;
    }
    return failed ? HTTP_INTERNAL_SERVER_ERROR : OK;
}

int tg_ap_audit_cert_policy(apr_pool_t *p, server_rec *s, SSL_CTX *ctx)
{
    const tg_ap_srv_conf_t *sc = tg_ap_conf_srv(s);
    tg_audit_t *a = collect_certs(p, s, ctx, sc, tg_ap_conf_profile(sc));
    return enforce_cert_policy(s, sc, a);
}

int tg_ap_audit_init_server(server_rec *s, apr_pool_t *p, int is_proxy, SSL_CTX *ctx)
{
    tg_ap_srv_conf_t *sc = tg_ap_conf_srv(s);
    tg_audit_t *a;
    if (is_proxy)
        return DECLINED;
    a = collect(p, s, ctx, sc);
    if (enforce_cert_policy(s, sc, a) != OK)
        return HTTP_INTERNAL_SERVER_ERROR;
    if (tg_ap_conf_quiet_pass())
        return DECLINED;
    log_notice(p, s, a);
    write_event(s, sc, a);
    tg_ap_certwatch_add(p, s, a);
    return DECLINED;
}

const char *tg_ap_audit_cmd_warn(cmd_parms *cmd, void *dc, const char *arg)
{
    char *end;
    long v = strtol(arg, &end, 10);
    (void)dc;
    if (*end || v < 0 || v > 3650)
        return apr_psprintf(cmd->pool, "%s: \"%s\" is not a number of days from 0 to 3650 "
                            "(%s:%d)", cmd->cmd->name, arg, cmd->directive->filename,
                            cmd->directive->line_num);
    tg_ap_conf_srv(cmd->server)->cert_warn = (int)v;
    return NULL;
}

const char *tg_ap_audit_cmd_policy(cmd_parms *cmd, void *dc, const char *arg)
{
    (void)dc;
    if (strcasecmp(arg, "warn") == 0)
        tg_ap_conf_srv(cmd->server)->cert_policy = TG_CERT_POLICY_WARN;
    else if (strcasecmp(arg, "fail") == 0)
        tg_ap_conf_srv(cmd->server)->cert_policy = TG_CERT_POLICY_FAIL;
    else
        return apr_psprintf(cmd->pool, "%s: unknown value \"%s\" (expected warn or fail) "
                            "(%s:%d)", cmd->cmd->name, arg, cmd->directive->filename,
                            cmd->directive->line_num);
    return NULL;
}
