/* mod_tlsguard configuration: directives, per-server records, merging. */
#ifndef TG_APACHE_CONF_H
#define TG_APACHE_CONF_H

#include <httpd.h>
#include <http_config.h>

#include "tg_apache_sink.h"
#include "tg_ossl_policy.h"
#include "tg_policy.h"

#define TG_UNSET (-1)

/* TLSGuardEvents */
enum { TG_EVENTS_FAILURES = 1, TG_EVENTS_ALL, TG_EVENTS_SAMPLE };

typedef struct tg_srv_conf_t {
    int enabled;                    /* TLSGuard On|Off */
    const tg_profile_t *profile;    /* TLSGuardProfile */
    tg_policy_overrides_t ov;       /* TLSGuardProtocols/Ciphers/CipherSuites/Groups */
    int proxy;                      /* TLSGuardProxy On|Off */
    int strict_sni;                 /* TLSGuardStrictSNI On|Off */
    tg_sink_t *sink;                /* TLSGuardEventLog */
    int events;                     /* TLSGuardEvents: TG_EVENTS_* */
    unsigned sample;                /* TLSGuardEvents sample N: one success in N */
    int session_tickets;            /* TLSGuardSessionTickets On|Off: overrides the profile */
    int audit_events;               /* TLSGuardAuditEvents On|Off (default On) */
    int cert_warn;                  /* TLSGuardCertWarn <days> */
    int cert_policy;                /* TLSGuardCertPolicy: TG_CERT_POLICY_* */
    int watch_interval;             /* TLSGuardCertWatchInterval <seconds> (main server) */

    /* Derived at check_config / init_server time. */
    int checked;                    /* policy and resolved are valid */
    tg_policy_t policy;
    tg_ossl_resolved_t resolved;
    tg_ossl_effective_t eff;        /* inbound context of this vhost */
    tg_ossl_effective_t proxy_eff;  /* mod_proxy's context (OpenSSL keeps a pointer) */
} tg_srv_conf_t;

extern module AP_MODULE_DECLARE_DATA tlsguard_module;
extern const command_rec tg_conf_cmds[];

void *tg_conf_create_srv(apr_pool_t *p, server_rec *s);
void *tg_conf_merge_srv(apr_pool_t *p, void *basev, void *addv);

tg_srv_conf_t *tg_conf_srv(const server_rec *s);
int tg_conf_enabled(const tg_srv_conf_t *sc);
int tg_conf_proxy(const tg_srv_conf_t *sc);
const tg_profile_t *tg_conf_profile(const tg_srv_conf_t *sc);

/* "<VirtualHost> at file:line" or "main server" for messages. */
const char *tg_conf_where(apr_pool_t *p, const server_rec *s);

#endif
