/* Directives of mod_tlsguard. Handlers parse and store; checks that need the
 * whole configuration run in tg_apache_enforce.c (check_config). */
#include "tg_apache_conf.h"
#include "tg_apache_hsts_conf.h"
#include "tg_apache_audit.h"
#include "tg_apache_certwatch.h"
#include "tg_apache_eventrate.h"

#include <apr_strings.h>
#include <stddef.h>
#include <http_core.h>
#include <http_log.h>

void *tg_ap_conf_create_srv(apr_pool_t *p, server_rec *s)
{
    tg_ap_srv_conf_t *sc = apr_pcalloc(p, sizeof(*sc));
    (void)s;
    sc->enabled = TG_UNSET;
    sc->proxy = TG_UNSET;
    sc->strict_sni = TG_UNSET;
    sc->events = TG_UNSET;
    sc->session_tickets = sc->audit_events = TG_UNSET;
    sc->cert_warn = sc->cert_policy = sc->watch_interval = TG_UNSET;
    tg_ratelimit_default(&sc->event_rate);
    sc->mode = TG_UNSET;
    return sc;
}

#define MERGE_INT(f) (add->f != TG_UNSET ? add->f : base->f)
#define MERGE_PTR(f) (add->f ? add->f : base->f)

void *tg_ap_conf_merge_srv(apr_pool_t *p, void *basev, void *addv)
{
    const tg_ap_srv_conf_t *base = basev, *add = addv;
    tg_ap_srv_conf_t *sc = apr_pcalloc(p, sizeof(*sc));
    sc->enabled = MERGE_INT(enabled);
    sc->proxy = MERGE_INT(proxy);
    sc->strict_sni = MERGE_INT(strict_sni);
    sc->profile = MERGE_PTR(profile);
    sc->ov.protocols = MERGE_PTR(ov.protocols);
    sc->ov.ciphers12 = MERGE_PTR(ov.ciphers12);
    sc->ov.suites13 = MERGE_PTR(ov.suites13);
    sc->ov.groups = MERGE_PTR(ov.groups);
    sc->sink = MERGE_PTR(sink);
    sc->events = MERGE_INT(events);
    sc->sample = add->events != TG_UNSET ? add->sample : base->sample;
    sc->session_tickets = MERGE_INT(session_tickets);
    sc->audit_events = MERGE_INT(audit_events);
    sc->cert_warn = MERGE_INT(cert_warn);
    sc->cert_policy = MERGE_INT(cert_policy);
    sc->watch_interval = MERGE_INT(watch_interval);
    sc->event_rate = add->event_rate_set ? add->event_rate : base->event_rate;
    sc->event_rate_set = add->event_rate_set || base->event_rate_set;
    sc->mode = MERGE_INT(mode);
    sc->report_profile = MERGE_PTR(report_profile);
    return sc;
}

tg_ap_srv_conf_t *tg_ap_conf_srv(const server_rec *s)
{
    return ap_get_module_config(s->module_config, &tlsguard_module);
}

int tg_ap_conf_enabled(const tg_ap_srv_conf_t *sc)
{
    return sc->enabled != 0; /* default On: loading the module means enforcing */
}

int tg_ap_conf_proxy(const tg_ap_srv_conf_t *sc)
{
    return sc->proxy == 1; /* default Off */
}

const tg_profile_t *tg_ap_conf_profile(const tg_ap_srv_conf_t *sc)
{
    return sc->profile ? sc->profile : tg_profile_find(TG_PROFILE_DEFAULT);
}

int tg_ap_conf_report_mode(const tg_ap_srv_conf_t *sc)
{
    return sc->mode == TG_MODE_REPORT;
}

const char *tg_ap_conf_where(apr_pool_t *p, const server_rec *s)
{
    if (!s->is_virtual)
        return "main server";
    return apr_psprintf(p, "<VirtualHost> at %s:%d", s->defn_name ? s->defn_name : "?",
                        s->defn_line_number);
}

static const char *context_label(apr_pool_t *p, const server_rec *s, int is_proxy)
{
    unsigned port = s->port ? s->port : (s->addrs ? s->addrs->host_port : 0);
    return apr_psprintf(p, "%s%s (%s:%u)", is_proxy ? "proxy context of " : "",
                        tg_ap_conf_where(p, s), s->server_hostname ? s->server_hostname : "-",
                        port);
}

static const char *address_label(apr_pool_t *p, const server_rec *s)
{
    const char *name = s->server_hostname ? s->server_hostname : "-";
    if (!s->is_virtual || !s->addrs)
        return apr_psprintf(p, "%s (%s)", tg_ap_conf_where(p, s), name);
    return apr_psprintf(p, "%s (%s on %s:%u)", tg_ap_conf_where(p, s), name,
                        s->addrs->virthost ? s->addrs->virthost : "*",
                        (unsigned)s->addrs->host_port);
}

const char *tg_ap_conf_vhost_label(apr_pool_t *p, const server_rec *s, tg_ap_conf_label_t form)
{
    if (form == TG_CONF_LABEL_ADDRESS)
        return address_label(p, s);
    return context_label(p, s, form == TG_CONF_LABEL_PROXY_CONTEXT);
}

int tg_ap_conf_quiet_pass(void)
{
    return ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG;
}

static tg_ap_srv_conf_t *cmd_conf(cmd_parms *cmd)
{
    return ap_get_module_config(cmd->server->module_config, &tlsguard_module);
}

/* On|Off directives: cmd->info is the offset of the int they set. */
static const char *set_flag(cmd_parms *cmd, void *dc, int on)
{
    (void)dc;
    *(int *)((char *)cmd_conf(cmd) + (size_t)cmd->info) = on;
    return NULL;
}

/* TLSGuardProfile and TLSGuardReportProfile: cmd->info is the offset of
 * the profile pointer they set. */
static const char *set_profile(cmd_parms *cmd, void *dc, const char *arg)
{
    const tg_profile_t *profile = tg_profile_find(arg);
    (void)dc;
    if (!profile)
        return apr_psprintf(cmd->pool, "%s: unknown profile \"%s\" (expected %s) (%s)",
                            cmd->cmd->name, arg, tg_profile_names(),
                            tg_ap_conf_where(cmd->pool, cmd->server));
    *(const tg_profile_t **)((char *)cmd_conf(cmd) + (size_t)cmd->info) = profile;
    return NULL;
}

/* TLSGuardReportProfile none: a vhost's way out of an inherited report
 * profile (the merge keeps any non-NULL value). */
static const tg_profile_t report_none = {.name = "none"};

const tg_profile_t *tg_ap_conf_report_profile(const tg_ap_srv_conf_t *sc)
{
    return sc->report_profile == &report_none ? NULL : sc->report_profile;
}

static const char *set_report_profile(cmd_parms *cmd, void *dc, const char *arg)
{
    if (strcasecmp(arg, "none") == 0) {
        cmd_conf(cmd)->report_profile = &report_none;
        return NULL;
    }
    return set_profile(cmd, dc, arg);
}

static const char *set_mode(cmd_parms *cmd, void *dc, const char *arg)
{
    (void)dc;
    if (strcasecmp(arg, "enforce") == 0)
        cmd_conf(cmd)->mode = TG_MODE_ENFORCE;
    else if (strcasecmp(arg, "report") == 0)
        cmd_conf(cmd)->mode = TG_MODE_REPORT;
    else
        return apr_psprintf(cmd->pool, "%s: unknown mode \"%s\" (expected enforce or report) "
                                       "(%s)", cmd->cmd->name, arg,
                            tg_ap_conf_where(cmd->pool, cmd->server));
    return NULL;
}

static const char *set_protocols(cmd_parms *cmd, void *dc, const char *args)
{
    char err[256];
    uint16_t min, max;
    (void)dc;
    if (tg_policy_parse_protocols(args, &min, &max, err, sizeof(err)) != 0)
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    cmd_conf(cmd)->ov.protocols = apr_pstrdup(cmd->pool, args);
    return NULL;
}

/* Cipher lists OpenSSL checks at once, so `apache2 -t` names a bad value.
 * (Not const: command_rec carries them as a void pointer.) */
typedef struct {
    int (*check)(const char *list, char *err, size_t errlen);
    size_t offset; /* in tg_policy_overrides_t */
} checked_list_t;

static checked_list_t ciphers12_list = {tg_ossl_check_ciphers12,
                                              offsetof(tg_policy_overrides_t, ciphers12)};
static checked_list_t suites13_list = {tg_ossl_check_suites13,
                                             offsetof(tg_policy_overrides_t, suites13)};

static const char *set_checked_list(cmd_parms *cmd, void *dc, const char *arg)
{
    const checked_list_t *list = cmd->info;
    char err[512];
    (void)dc;
    if (list->check(arg, err, sizeof(err)) != 0)
        return apr_psprintf(cmd->pool, "%s: %s", cmd->cmd->name, err);
    *(const char **)((char *)&cmd_conf(cmd)->ov + list->offset) = arg;
    return NULL;
}

static const char *set_groups(cmd_parms *cmd, void *dc, const char *arg)
{
    (void)dc;
    cmd_conf(cmd)->ov.groups = arg; /* checked with the whole policy */
    return NULL;
}

static const char *set_event_log(cmd_parms *cmd, void *dc, const char *arg)
{
    const char *err = tg_ap_sink_parse(cmd->pool, arg, &cmd_conf(cmd)->sink);
    (void)dc;
    return err ? apr_psprintf(cmd->pool, "%s: %s (%s)", cmd->cmd->name, err,
                              tg_ap_conf_where(cmd->pool, cmd->server))
               : NULL;
}

static const char *set_events(cmd_parms *cmd, void *dc, const char *what, const char *n)
{
    tg_ap_srv_conf_t *sc = cmd_conf(cmd);
    char *end;
    (void)dc;
    if (strcasecmp(what, "sample") == 0) {
        long v = n ? strtol(n, &end, 10) : 0;
        if (!n || *end || v < 1 || v > 1000000)
            return apr_psprintf(cmd->pool, "%s: sample needs a whole number from 1 to 1000000 "
                                           "(one successful handshake in N), got \"%s\"",
                                cmd->cmd->name, n ? n : "");
        sc->events = TG_EVENTS_SAMPLE;
        sc->sample = (unsigned)v;
        return NULL;
    }
    if (n)
        return apr_psprintf(cmd->pool, "%s: \"%s\" takes no number", cmd->cmd->name, what);
    if (strcasecmp(what, "failures") == 0)
        sc->events = TG_EVENTS_FAILURES;
    else if (strcasecmp(what, "all") == 0)
        sc->events = TG_EVENTS_ALL;
    else
        return apr_psprintf(cmd->pool, "%s: unknown value \"%s\" (expected failures, all or "
                                       "sample N)", cmd->cmd->name, what);
    return NULL;
}

const command_rec tg_ap_conf_cmds[] = {
    AP_INIT_FLAG("TLSGuard", set_flag, (void *)offsetof(tg_ap_srv_conf_t, enabled), RSRC_CONF,
                 "On|Off: enforce the TLS policy on SSL virtual hosts (default On)"),
    AP_INIT_TAKE1("TLSGuardProfile", set_profile, (void *)offsetof(tg_ap_srv_conf_t, profile),
                  RSRC_CONF,
                  "modern|intermediate|old|nist-800-52r2|bsi-tr-02102-2 (default intermediate)"),
    AP_INIT_TAKE1("TLSGuardMode", set_mode, NULL, RSRC_CONF,
                  "enforce|report: enforce the profile, or only report the handshakes it "
                  "would refuse (default enforce)"),
    AP_INIT_TAKE1("TLSGuardReportProfile", set_report_profile,
                  (void *)offsetof(tg_ap_srv_conf_t, report_profile), RSRC_CONF,
                  "a profile to judge every handshake against as well, reporting those it "
                  "would refuse, or none (default none)"),
    AP_INIT_RAW_ARGS("TLSGuardProtocols", set_protocols, NULL, RSRC_CONF,
                     "protocol versions allowed, one range, e.g. TLSv1.2 TLSv1.3"),
    AP_INIT_TAKE1("TLSGuardCiphers", set_checked_list, &ciphers12_list, RSRC_CONF,
                  "OpenSSL cipher list for TLS 1.2 and below"),
    AP_INIT_TAKE1("TLSGuardCipherSuites", set_checked_list, &suites13_list, RSRC_CONF,
                  "TLS 1.3 cipher suites, colon-separated"),
    AP_INIT_TAKE1("TLSGuardGroups", set_groups, NULL, RSRC_CONF,
                  "key-exchange groups in preference order, colon-separated"),
    AP_INIT_FLAG("TLSGuardStrictSNI", set_flag, (void *)offsetof(tg_ap_srv_conf_t, strict_sni), RSRC_CONF,
                 "On|Off: refuse handshakes whose server name no vhost claims (default Off)"),
    AP_INIT_TAKE1("TLSGuardEventLog", set_event_log, NULL, RSRC_CONF,
                  "where handshake events go: /path/file, \"|program\" or "
                  "syslog[:facility][@/socket/path]"),
    AP_INIT_TAKE12("TLSGuardEvents", set_events, NULL, RSRC_CONF,
                   "failures (default) | all | sample N: which handshakes become events"),
    AP_INIT_TAKE123("TLSGuardEventRate", tg_ap_eventrate_cmd, NULL, RSRC_CONF,
                   "<n>/s|<n>/min|<n>/h [burst <m>] | off: failure events written per vhost; "
                   "the rest are counted and summarized (default 100/s burst 500)"),
    AP_INIT_FLAG("TLSGuardProxy", set_flag, (void *)offsetof(tg_ap_srv_conf_t, proxy), RSRC_CONF,
                 "On|Off: also enforce on mod_proxy's backend TLS contexts (default Off)"),
    AP_INIT_RAW_ARGS("TLSGuardHSTS", tg_ap_hsts_cmd_policy, NULL, RSRC_CONF | ACCESS_CONF,
                     "Off|On|Strict-Transport-Security value, e.g. "
                     "max-age=63072000; includeSubDomains; preload"),
    AP_INIT_TAKE1("TLSGuardHSTSExisting", tg_ap_hsts_cmd_existing, NULL, RSRC_CONF | ACCESS_CONF,
                  "replace|keep: what to do with a Strict-Transport-Security header set by "
                  "the application (default replace)"),
    AP_INIT_FLAG("TLSGuardSessionTickets", set_flag,
                 (void *)offsetof(tg_ap_srv_conf_t, session_tickets), RSRC_CONF,
                 "On|Off: issue RFC 5077 session tickets, overriding the profile (Mozilla's "
                 "profiles: Off)"),
    AP_INIT_FLAG("TLSGuardAuditEvents", set_flag, (void *)offsetof(tg_ap_srv_conf_t, audit_events),
                 RSRC_CONF, "On|Off: also write the start-up audit and certificate watch events "
                 "to TLSGuardEventLog (default On; the error log always has them)"),
    AP_INIT_TAKE1("TLSGuardCertWarn", tg_ap_audit_cmd_warn, NULL, RSRC_CONF,
                  "days before a certificate's expiry from which it is reported (default 30)"),
    AP_INIT_TAKE1("TLSGuardCertPolicy", tg_ap_audit_cmd_policy, NULL, RSRC_CONF,
                  "warn|fail: whether a certificate that breaks the profile's rules, is expired "
                  "or does not cover the vhost's names stops start-up (default warn)"),
    AP_INIT_TAKE1("TLSGuardCertWatchInterval", tg_ap_certwatch_cmd_interval, NULL, RSRC_CONF,
                  "seconds between certificate expiry checks while running (default 86400; "
                  "shorter values are for testing)"),
    {.name = NULL},
};
