/* ngx_http_tlsguard_module configuration: directives, per-server records,
 * merging like ssl_*, and how messages name a server block. */
#ifndef TG_NGX_CONF_H
#define TG_NGX_CONF_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "tg_ngx_sink.h"
#include "tg_ossl_policy.h"
#include "tg_policy.h"

/* The settings whose origin (file:line) messages name. */
typedef enum {
    TG_NGX_SET_PROFILE,
    TG_NGX_SET_PROTOCOLS,
    TG_NGX_SET_CIPHERS,
    TG_NGX_SET_SUITES,
    TG_NGX_SET_GROUPS,
    TG_NGX_SET_COUNT
} tg_ngx_setting_t;

/* tlsguard_events */
enum { TG_NGX_EVENTS_FAILURES = 1, TG_NGX_EVENTS_ALL, TG_NGX_EVENTS_SAMPLE };

/* Where a directive was given. */
typedef struct {
    u_char *file; /* NULL: not given, the default applies */
    ngx_uint_t line;
} tg_ngx_where_t;

typedef struct tg_ngx_srv_conf_t {
    ngx_flag_t enable;           /* tlsguard on|off */
    ngx_flag_t strict_sni;       /* tlsguard_strict_sni on|off */
    const tg_profile_t *profile; /* tlsguard_profile; NULL: unset */
    tg_policy_overrides_t ov;    /* tlsguard_protocols/_ciphers/_cipher_suites/_groups */
    tg_ngx_where_t where[TG_NGX_SET_COUNT];
    tg_ngx_sink_t *sink;         /* tlsguard_event_log; NGX_CONF_UNSET_PTR, then NULL */
    ngx_int_t events;            /* tlsguard_events: TG_NGX_EVENTS_* */
    ngx_uint_t sample;           /* sample=N: one success in N */

    /* Derived at postconfiguration, for server blocks with TLS. */
    ngx_http_core_srv_conf_t *cscf; /* the server block (names, file:line) */
    tg_policy_t policy;
    tg_ossl_resolved_t resolved;
    tg_ossl_effective_t eff;        /* its SSL_CTX after enforcement */
} tg_ngx_srv_conf_t;

/* The module's main configuration: what concerns the whole cycle. */
typedef struct tg_ngx_main_conf_t {
    ngx_array_t sinks; /* tg_ngx_sink_t *: each tlsguard_event_log given, once */
} tg_ngx_main_conf_t;

extern ngx_module_t ngx_http_tlsguard_module;
extern ngx_command_t tg_ngx_conf_commands[];

void *tg_ngx_conf_create_main(ngx_conf_t *cf);
void *tg_ngx_conf_create_srv(ngx_conf_t *cf);
char *tg_ngx_conf_merge_srv(ngx_conf_t *cf, void *parent, void *child);

const tg_profile_t *tg_ngx_conf_profile(const tg_ngx_srv_conf_t *tsc);

/* The directive behind a setting the core and the OpenSSL layer name. */
const char *tg_ngx_conf_directive(tg_policy_setting_t setting);
/* Where that setting's directive was given ("" when not given). */
const tg_ngx_where_t *tg_ngx_conf_where(const tg_ngx_srv_conf_t *tsc,
                                        tg_policy_setting_t setting);

/* "server block at file:line (name)" into buf, for messages. */
const char *tg_ngx_conf_label(const tg_ngx_srv_conf_t *tsc, char *buf, size_t cap);

#endif
