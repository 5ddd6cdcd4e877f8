/* Enforcement of the TLS policy on mod_ssl's contexts and connections. */
#include "tg_apache_enforce.h"

#include <apr_strings.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <openssl/ssl.h>

#include "tg_apache_conf.h"
#include "tg_apache_conn.h"
#include "tg_apache_report.h"
#include "tg_apache_sni.h"
#include "tg_ossl_guard.h"

APLOG_USE_MODULE(tlsguard);

/* Which OpenSSL release first has a group this one lacks, for the start-up line. */
static const struct {
    const char *group;
    const char *since;
} group_since[] = {
    {"X25519MLKEM768", "OpenSSL 3.5"},
    {"SecP256r1MLKEM768", "OpenSSL 3.5"},
    {"SecP384r1MLKEM1024", "OpenSSL 3.5"},
    {"brainpoolP256r1tls13", "OpenSSL 3.2"},
    {"brainpoolP384r1tls13", "OpenSSL 3.2"},
    {"brainpoolP512r1tls13", "OpenSSL 3.2"},
};

const char *tg_ap_enforce_group_since(const char *skipped)
{
    for (size_t i = 0; i < sizeof(group_since) / sizeof(group_since[0]); i++) {
        if (ap_strstr_c(skipped, group_since[i].group))
            return group_since[i].since;
    }
    return NULL;
}

static const char *skipped_note(apr_pool_t *p, const char *skipped)
{
    const char *since = tg_ap_enforce_group_since(skipped);
    return apr_psprintf(p, "; skipped groups %s (not in %s%s%s)", skipped,
                        OpenSSL_version(OPENSSL_VERSION), since ? ", added in " : "",
                        since ? since : "");
}

/* The directive behind each setting the core and the OpenSSL layer name. */
static const char *const setting_directive[TG_SETTING_COUNT] = {
    [TG_SETTING_NONE] = NULL,
    [TG_SETTING_PROTOCOLS] = "TLSGuardProtocols",
    [TG_SETTING_CIPHERS12] = "TLSGuardCiphers",
    [TG_SETTING_SUITES13] = "TLSGuardCipherSuites",
    [TG_SETTING_GROUPS] = "TLSGuardGroups",
};

/* The report profile's errors name its directive first. */
static int refuse_report(apr_pool_t *p, server_rec *s, tg_policy_setting_t failed,
                         const char *err)
{
    const char *directive = setting_directive[failed];
    ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                 "TLSGUARD-010: %s: TLSGuardReportProfile %s: %s%s%s",
                 tg_ap_conf_where(p, s), tg_ap_conf_report_profile(tg_ap_conf_srv(s))->name,
                 directive ? directive : "", directive ? ": " : "", err);
    return HTTP_INTERNAL_SERVER_ERROR;
}

/* "TLSGUARD-010: <vhost>: <directive>: <why>[: set <directive>]" */
static int refuse_server(apr_pool_t *p, server_rec *s, tg_policy_setting_t failed,
                         tg_policy_setting_t mend, const char *err)
{
    const char *directive = setting_directive[failed], *fix = setting_directive[mend];
    ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, "TLSGUARD-010: %s: %s%s%s%s%s",
                 tg_ap_conf_where(p, s), directive ? directive : "", directive ? ": " : "",
                 err, fix ? ": set " : "", fix ? fix : "");
    return HTTP_INTERNAL_SERVER_ERROR;
}

/* Build and resolve the policy of one server; errors name the vhost and the
 * directive of the setting at fault. */
static int check_server(apr_pool_t *p, server_rec *s)
{
    tg_ap_srv_conf_t *sc = tg_ap_conf_srv(s);
    char err[512];

    if (!tg_ap_conf_enabled(sc))
        return OK;
    if (tg_policy_build(tg_ap_conf_profile(sc), &sc->ov, &sc->policy, err, sizeof(err)) != 0)
        return refuse_server(p, s, sc->policy.failed, sc->policy.mend, err);
    if (tg_ossl_policy_resolve(&sc->policy, &sc->resolved, err, sizeof(err)) != 0)
        return refuse_server(p, s, sc->resolved.failed, TG_SETTING_NONE, err);
    if (sc->session_tickets != TG_UNSET) /* TLSGuardSessionTickets overrides the profile */
        sc->policy.no_session_tickets = !sc->session_tickets;
    if (tg_ap_conf_report_profile(sc)) { /* judged with the vhost's adjustments too */
        if (tg_policy_build(tg_ap_conf_report_profile(sc), &sc->ov, &sc->report_policy, err,
                            sizeof(err)) != 0)
            return refuse_report(p, s, sc->report_policy.failed, err);
        if (tg_ossl_policy_resolve(&sc->report_policy, &sc->report_resolved, err,
                                   sizeof(err)) != 0)
            return refuse_report(p, s, sc->report_resolved.failed, err);
    }
    sc->checked = 1;
    return OK;
}

int tg_ap_enforce_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                            server_rec *s)
{
    (void)plog;
    (void)pconf;
    if (!ap_find_linked_module("mod_ssl.c")) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     "TLSGUARD-011: mod_tlsguard needs mod_ssl, which is not loaded: add "
                     "LoadModule ssl_module before it (a2enmod ssl)");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    for (server_rec *v = s; v; v = v->next) {
        if (check_server(ptemp, v) != OK)
            return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

/* How messages name the TLS context mod_ssl hands init_server. */
static const char *context_label(apr_pool_t *p, server_rec *s, int is_proxy)
{
    return tg_ap_conf_vhost_label(p, s, is_proxy ? TG_CONF_LABEL_PROXY_CONTEXT
                                              : TG_CONF_LABEL_CONTEXT);
}

/* The whole list, however long: what is reported is what is accepted. */
const char *tg_ap_enforce_cipher_list(apr_pool_t *p, SSL_CTX *ctx, int want13)
{
    size_t need = tg_ossl_describe_ciphers(ctx, want13, NULL, 0);
    char *buf = apr_palloc(p, need + 1);
    tg_ossl_describe_ciphers(ctx, want13, buf, need + 1);
    return buf;
}

/* One warning per weakening option the vhost's configuration set, which
 * the policy undid. */
static void log_options_reset(apr_pool_t *p, server_rec *s, int is_proxy,
                              const tg_ossl_effective_t *eff, const char *profile)
{
    size_t n;
    const tg_ossl_option_t *table = tg_ossl_option_table(&n);
    for (size_t i = 0; i < n; i++) {
        if (eff->options_reset & table[i].bit)
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         "TLSGUARD-004: %s: \"%s\" would allow %s, which profile %s does not: "
                         "reset to the profile's setting",
                         context_label(p, s, is_proxy), table[i].weakened, table[i].why, profile);
    }
}

static void log_enforced(apr_pool_t *p, server_rec *s, int is_proxy, SSL_CTX *ctx,
                         const tg_ap_srv_conf_t *sc, const tg_ossl_effective_t *eff)
{
    char range[32], dev[64];
    const tg_policy_t *pol = &sc->policy;
    const char *narrowed = "";

    if (tg_ap_conf_quiet_pass())
        return;
    log_options_reset(p, s, is_proxy, eff, pol->profile->name);
    tg_policy_format_range(eff->min_version, eff->max_version, range, sizeof(range));
    tg_policy_format_deviations(pol->deviations, dev, sizeof(dev));
    if (eff->min_version != pol->min_version || eff->max_version != pol->max_version)
        narrowed = " (narrowed by the vhost's SSLProtocol)";
    ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                 "TLSGUARD-001: %s: profile %s [%s]: %s%s; TLS 1.2 ciphers %s; TLS 1.3 suites "
                 "%s; groups %s%s; server cipher order %s; security level %d; compression off; "
                 "renegotiation server-initiated only, inside the policy (per-directory "
                 "SSLCipherSuite or SSLVerifyClient), client-initiated refused; session tickets "
                 "%s; deviations from the profile: %s",
                 context_label(p, s, is_proxy), pol->profile->name, pol->profile->source, range,
                 narrowed,
                 eff->min_version <= TLS1_2_VERSION ? tg_ap_enforce_cipher_list(p, ctx, 0)
                                                    : "(none, TLS 1.2 off)",
                 eff->max_version == TLS1_3_VERSION ? tg_ap_enforce_cipher_list(p, ctx, 1)
                                                    : "(none, TLS 1.3 off)",
                 sc->resolved.groups,
                 sc->resolved.skipped_groups[0] ? skipped_note(p, sc->resolved.skipped_groups)
                                                : "",
                 pol->server_preference ? "on" : "off", SSL_CTX_get_security_level(ctx),
                 (SSL_CTX_get_options(ctx) & SSL_OP_NO_TICKET) ? "off" : "on",
                 dev[0] ? dev : "none");
    if (pol->profile->deprecated)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "TLSGUARD-003: %s: profile %s is not recommended: it allows TLS 1.0/1.1, "
                     "CBC and 3DES ciphers and needs OpenSSL security level 0 (Mozilla "
                     "removed it in guidelines 6.0)",
                     context_label(p, s, is_proxy), pol->profile->name);
}

int tg_ap_enforce_init_server(server_rec *s, apr_pool_t *p, int is_proxy, SSL_CTX *ctx)
{
    tg_ap_srv_conf_t *sc = tg_ap_conf_srv(s);
    tg_ossl_effective_t *eff = is_proxy ? &sc->proxy_eff : &sc->eff;
    char err[512];

    if (!tg_ap_conf_enabled(sc) || (is_proxy && !tg_ap_conf_proxy(sc))) {
        tg_ossl_effective_record(ctx, eff);
        eff->host = s;
        if (!is_proxy) /* the guard checks every vhost a connection can land on */
            tg_ossl_guard_install(ctx, eff);
        if (!tg_ap_conf_quiet_pass())
            ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                         "TLSGUARD-002: %s: %s: mod_ssl's settings are left unchanged",
                         context_label(p, s, is_proxy),
                         tg_ap_conf_enabled(sc) ? "TLSGuardProxy Off" : "TLSGuard Off");
        return DECLINED;
    }
    if (!sc->checked) { /* check_config covers every server; this is a safety net */
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     "TLSGUARD-012: %s: no checked policy: refusing to start",
                     context_label(p, s, is_proxy));
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    /* The judge reads mod_ssl's own context, before any change. */
    if (!is_proxy && tg_ap_report_init_server(s, p, ctx) != OK)
        return HTTP_INTERNAL_SERVER_ERROR;
    if (!is_proxy && tg_ap_conf_report_mode(sc)) {
        tg_ossl_effective_record(ctx, eff);
        eff->host = s;
        eff->report = 1;
        tg_ossl_guard_install(ctx, eff);
        if (!tg_ap_conf_quiet_pass())
            ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                         "TLSGUARD-005: %s: TLSGuardMode report: mod_ssl's settings are left "
                         "unchanged; every handshake is judged against profile %s [%s] and "
                         "those it would refuse are reported",
                         context_label(p, s, is_proxy), sc->policy.profile->name,
                         sc->policy.profile->source);
        return DECLINED;
    }
    if (tg_ossl_policy_apply_ctx(ctx, &sc->policy, &sc->resolved, eff, err, sizeof(err))
        != 0) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     "TLSGUARD-013: %s: cannot apply TLSGuardProfile %s: %s",
                     context_label(p, s, is_proxy), sc->policy.profile->name, err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    eff->host = s;
    if (!is_proxy && sc->strict_sni == 1)
        SSL_CTX_set_tlsext_servername_callback(ctx, tg_ap_sni_strict_cb);
    log_enforced(p, s, is_proxy, ctx, sc, eff);
    return DECLINED;
}

int tg_ap_enforce_pre_handshake(conn_rec *c, SSL *ssl, int is_proxy)
{
    if (!is_proxy)
        tg_ap_conn_start(c, ssl);
    return DECLINED;
}

static apr_status_t release_scratch(void *data)
{
    (void)data;
    tg_ossl_release_scratch();
    return APR_SUCCESS;
}

int tg_ap_enforce_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    /* Runs before this module's DSO is unloaded at the next restart. */
    apr_pool_cleanup_register(pconf, NULL, release_scratch, apr_pool_cleanup_null);
    return OK;
}

int tg_ap_enforce_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                           server_rec *s)
{
    (void)pconf;
    (void)plog;
    (void)ptemp;
    (void)s;
    tg_ossl_guard_set_lookup(tg_ap_conn_guard);
    return OK;
}
