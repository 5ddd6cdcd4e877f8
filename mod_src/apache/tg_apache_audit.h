/* The start-up audit of each SSL virtual host (event + error-log notice) and
 * TLSGuardCertPolicy fail. */
#ifndef TG_APACHE_AUDIT_H
#define TG_APACHE_AUDIT_H

#include <httpd.h>
#include <http_config.h>

#include "tg_mod_ssl_hooks.h"

/* TLSGuardCertPolicy */
enum { TG_CERT_POLICY_WARN = 1, TG_CERT_POLICY_FAIL };

/* mod_ssl's init_server, after enforcement: audit the context as it stands. */
ssl_HOOK_init_server_t tg_ap_audit_init_server;

/* Where a vhost's audit and watch events go: its TLSGuardEventLog unless
 * TLSGuardAuditEvents Off; NULL: the error log only. */
struct tg_ap_srv_conf_t;
struct tg_ap_sink_t *tg_ap_audit_sink(const struct tg_ap_srv_conf_t *sc);

/* TLSGuardCertPolicy fail on the certificates of ctx (configuration check
 * time: the module's own scratch context): OK, or an error after one
 * TLSGUARD-042 line per broken rule. */
int tg_ap_audit_cert_policy(apr_pool_t *p, server_rec *s, SSL_CTX *ctx);

/* TLSGuardCertWarn <days>, TLSGuardCertPolicy warn|fail. */
const char *tg_ap_audit_cmd_warn(cmd_parms *cmd, void *dc, const char *arg);
const char *tg_ap_audit_cmd_policy(cmd_parms *cmd, void *dc, const char *arg);

#endif
