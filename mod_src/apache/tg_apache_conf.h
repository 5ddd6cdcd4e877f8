/* mod_tlsguard configuration: directives, per-server records, merging, and
 * how start-up messages name a server. */
#ifndef TG_APACHE_CONF_H
#define TG_APACHE_CONF_H

#include <httpd.h>
#include <http_config.h>

#include "tg_apache_sink.h"
#include "tg_ossl_policy.h"
#include "tg_policy.h"
#include "tg_ratelimit.h"

#define TG_UNSET (-1)

/* TLSGuardMode */
enum { TG_MODE_ENFORCE = 1, TG_MODE_REPORT };

struct tg_ap_report_vhost_t; /* tg_apache_report.c */

/* TLSGuardEvents */
enum { TG_EVENTS_FAILURES = 1, TG_EVENTS_ALL, TG_EVENTS_SAMPLE };

typedef struct tg_ap_srv_conf_t {
    int enabled;                    /* TLSGuard On|Off */
    const tg_profile_t *profile;    /* TLSGuardProfile */
    tg_policy_overrides_t ov;       /* TLSGuardProtocols/Ciphers/CipherSuites/Groups */
    int proxy;                      /* TLSGuardProxy On|Off */
    int strict_sni;                 /* TLSGuardStrictSNI On|Off */
    tg_ap_sink_t *sink;                /* TLSGuardEventLog */
    int events;                     /* TLSGuardEvents: TG_EVENTS_* */
    unsigned sample;                /* TLSGuardEvents sample N: one success in N */
    int session_tickets;            /* TLSGuardSessionTickets On|Off: overrides the profile */
    int audit_events;               /* TLSGuardAuditEvents On|Off (default On) */
    int cert_warn;                  /* TLSGuardCertWarn <days> */
    int cert_policy;                /* TLSGuardCertPolicy: TG_CERT_POLICY_* */
    int watch_interval;             /* TLSGuardCertWatchInterval <seconds> (main server) */
    tg_ratelimit_t event_rate;      /* TLSGuardEventRate (default 100/s burst 500) */
    int event_rate_set;
    int mode;                       /* TLSGuardMode: TG_MODE_* (default enforce) */
    const tg_profile_t *report_profile; /* TLSGuardReportProfile: read it with
                                           tg_ap_conf_report_profile() */

    /* Derived at check_config / init_server time. */
    int checked;                    /* policy and resolved are valid */
    tg_policy_t policy;
    tg_ossl_resolved_t resolved;
    tg_ossl_effective_t eff;        /* inbound context of this vhost */
    tg_ossl_effective_t proxy_eff;  /* mod_proxy's context (OpenSSL keeps a pointer) */
    unsigned metrics_vhost;         /* slot in the shared counters (post_config) */
    tg_policy_t report_policy;      /* TLSGuardReportProfile with the vhost's adjustments */
    tg_ossl_resolved_t report_resolved;
    struct tg_ap_report_vhost_t *report; /* what the judge needs, NULL: nothing to judge */
} tg_ap_srv_conf_t;

extern module AP_MODULE_DECLARE_DATA tlsguard_module;
extern const command_rec tg_ap_conf_cmds[];

void *tg_ap_conf_create_srv(apr_pool_t *p, server_rec *s);
void *tg_ap_conf_merge_srv(apr_pool_t *p, void *basev, void *addv);

tg_ap_srv_conf_t *tg_ap_conf_srv(const server_rec *s);
int tg_ap_conf_enabled(const tg_ap_srv_conf_t *sc);
int tg_ap_conf_proxy(const tg_ap_srv_conf_t *sc);
const tg_profile_t *tg_ap_conf_profile(const tg_ap_srv_conf_t *sc);
/* TLSGuardReportProfile, NULL for none. */
const tg_profile_t *tg_ap_conf_report_profile(const tg_ap_srv_conf_t *sc);
/* TLSGuardMode report: the policy is judged, not enforced. */
int tg_ap_conf_report_mode(const tg_ap_srv_conf_t *sc);

/* "<VirtualHost> at file:line" or "main server" for messages. */
const char *tg_ap_conf_where(apr_pool_t *p, const server_rec *s);

/* How start-up messages name a server, after tg_ap_conf_where: a TLS context
 * as "(name:port)", prefixed "proxy context of " for mod_proxy's; a vhost's
 * address as "(name on address:port)", the main server as "(name)". */
typedef enum {
    TG_CONF_LABEL_CONTEXT,
    TG_CONF_LABEL_PROXY_CONTEXT,
    TG_CONF_LABEL_ADDRESS,
} tg_ap_conf_label_t;
const char *tg_ap_conf_vhost_label(apr_pool_t *p, const server_rec *s, tg_ap_conf_label_t form);

/* The first configuration pass at start-up is a dry run: start-up messages
 * stay quiet in it. */
int tg_ap_conf_quiet_pass(void);

#endif
