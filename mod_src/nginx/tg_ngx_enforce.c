/* Enforcement of the TLS policy on the contexts of nginx's ssl module. */
#include "tg_ngx_enforce.h"

#include <stdio.h>

#include <openssl/ssl.h>

#include "tg_ngx_conf.h"
#include "tg_ngx_conn.h"
#include "tg_ossl_guard.h"

/* nginx states ssl_protocols as SSL_OP_NO_* options on a 0..TLS 1.3 range;
 * the policy code reads the range. */
static const struct {
    uint64_t no_bit;
    uint16_t version;
} protocol_options[] = {
    {SSL_OP_NO_TLSv1, TLS1_VERSION},
    {SSL_OP_NO_TLSv1_1, TLS1_1_VERSION},
    {SSL_OP_NO_TLSv1_2, TLS1_2_VERSION},
    {SSL_OP_NO_TLSv1_3, TLS1_3_VERSION},
};
#define N_PROTOCOL_OPTIONS (sizeof(protocol_options) / sizeof(protocol_options[0]))

/* Move ssl_protocols from the options to the range, as OpenSSL reads them:
 * from the lowest version enabled up to the first one disabled. An empty
 * range (all off) is left as 0/0 for the intersection to refuse. */
static void protocols_to_range(SSL_CTX *ctx)
{
    uint64_t opts = SSL_CTX_get_options(ctx), all = 0;
    uint16_t lo = tg_ossl_ctx_min(ctx), hi = tg_ossl_ctx_max(ctx), min = 0, max = 0;

    for (size_t i = 0; i < N_PROTOCOL_OPTIONS; i++) {
        uint16_t v = protocol_options[i].version;
        int on = !(opts & protocol_options[i].no_bit) && v >= lo && v <= hi;
        all |= protocol_options[i].no_bit;
        if (on && !min)
            min = max = v;
        else if (on && max == v - 1)
            max = v;
        else if (min && !on)
            break;
    }
    if (!min) { /* nothing enabled: a range OpenSSL keeps that no policy meets */
        SSL_CTX_set_min_proto_version(ctx, SSL3_VERSION);
        SSL_CTX_set_max_proto_version(ctx, SSL3_VERSION);
        return;
    }
    SSL_CTX_clear_options(ctx, all);
    SSL_CTX_set_min_proto_version(ctx, min);
    SSL_CTX_set_max_proto_version(ctx, max);
}

/* "TLSGUARD-010: <server block>: <directive> (file:line): <why>[: set <directive>]" */
static ngx_int_t refuse_block(ngx_conf_t *cf, const tg_ngx_srv_conf_t *tsc,
                              tg_policy_setting_t failed, tg_policy_setting_t mend,
                              const char *err)
{
    char label[512], origin[600] = "";
    const char *directive = tg_ngx_conf_directive(failed), *fix = tg_ngx_conf_directive(mend);
    const tg_ngx_where_t *w = tg_ngx_conf_where(tsc, failed);

    if (!directive && tsc->where[TG_NGX_SET_PROFILE].file)
        directive = "tlsguard_profile";
    if (directive && w->file)
        snprintf(origin, sizeof(origin), "\"%s\" in %s:%lu: ", directive, (const char *)w->file,
                 (unsigned long)w->line);
    else if (directive)
        snprintf(origin, sizeof(origin), "\"%s\" (profile default): ", directive);
    ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "TLSGUARD-010: %s: %s%s%s%s",
                  tg_ngx_conf_label(tsc, label, sizeof(label)), origin, err,
                  fix ? ": set " : "", fix ? fix : "");
    return NGX_ERROR;
}

/* The whole list, however long: what is reported is what is accepted. */
static const char *cipher_list(ngx_pool_t *pool, SSL_CTX *ctx, int want13)
{
    size_t need = tg_ossl_describe_ciphers(ctx, want13, NULL, 0);
    char *buf = ngx_pnalloc(pool, need + 1);
    if (buf == NULL)
        return "?";
    tg_ossl_describe_ciphers(ctx, want13, buf, need + 1);
    return buf;
}

/* Options the configuration (nginx's defaults, ssl_conf_command) had in a
 * weaker state than the profile, now reset. */
static void format_resets(const tg_ossl_effective_t *eff, char *buf, size_t cap)
{
    size_t n, used = 0;
    const tg_ossl_option_t *table = tg_ossl_option_table(&n);
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < cap; i++) {
        if (eff->options_reset & table[i].bit)
            used += (size_t)snprintf(buf + used, cap - used, "%s\"%s\"", used ? ", " : "",
                                     table[i].weakened);
    }
}

/* `nginx -s reload` reads the whole configuration to find the master:
 * start-up lines belong to the master's reading. */
static int quiet(void)
{
    return ngx_process == NGX_PROCESS_SIGNALLER;
}

static void log_enforced(ngx_conf_t *cf, const tg_ngx_srv_conf_t *tsc, SSL_CTX *ctx)
{
    char range[32], dev[64], label[512], resets[512];
    const tg_policy_t *pol = &tsc->policy;
    const tg_ossl_effective_t *eff = &tsc->eff;

    if (quiet())
        return;
    tg_policy_format_range(eff->min_version, eff->max_version, range, sizeof(range));
    tg_policy_format_deviations(pol->deviations, dev, sizeof(dev));
    format_resets(eff, resets, sizeof(resets));
    ngx_log_error(
        NGX_LOG_NOTICE, cf->log, 0,
        "TLSGUARD-001: %s: profile %s [%s]: %s%s; TLS 1.2 ciphers %s; TLS 1.3 suites %s; "
        "groups %s%s%s; server cipher order %s; security level %d; compression off; "
        "renegotiation refused; session tickets %s; options reset to the profile's: %s; "
        "deviations from the profile: %s",
        tg_ngx_conf_label(tsc, label, sizeof(label)), pol->profile->name, pol->profile->source,
        range,
        (eff->min_version != pol->min_version || eff->max_version != pol->max_version)
            ? " (narrowed by ssl_protocols)" : "",
        eff->min_version <= TLS1_2_VERSION ? cipher_list(cf->temp_pool, ctx, 0)
                                           : "(none, TLS 1.2 off)",
        eff->max_version == TLS1_3_VERSION ? cipher_list(cf->temp_pool, ctx, 1)
                                           : "(none, TLS 1.3 off)",
        tsc->resolved.groups, tsc->resolved.skipped_groups[0] ? "; skipped groups " : "",
        tsc->resolved.skipped_groups, pol->server_preference ? "on" : "off",
        SSL_CTX_get_security_level(ctx),
        (SSL_CTX_get_options(ctx) & SSL_OP_NO_TICKET) ? "off" : "on",
        resets[0] ? resets : "none", dev[0] ? dev : "none");
    if (pol->profile->deprecated)
        ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                      "TLSGUARD-003: %s: profile %s is not recommended: it allows TLS 1.0/1.1, "
                      "CBC and 3DES ciphers and needs OpenSSL security level 0",
                      label, pol->profile->name);
}

/* The range left after intersecting ssl_protocols with the policy's; the
 * reason in err when none is. */
static int range_left(SSL_CTX *ctx, const tg_policy_t *pol, char *err, size_t errlen)
{
    char own[32], want[32];
    uint16_t lo = tg_ossl_ctx_min(ctx), hi = tg_ossl_ctx_max(ctx);
    if ((pol->min_version > lo ? pol->min_version : lo)
        <= (pol->max_version < hi ? pol->max_version : hi))
        return 1;
    tg_policy_format_range(lo, hi, own, sizeof(own));
    tg_policy_format_range(pol->min_version, pol->max_version, want, sizeof(want));
    snprintf(err, errlen, "no protocol version left: ssl_protocols allows %s, the policy "
             "(profile %s) allows %s", lo > TLS1_VERSION - 1 ? own : "none",
             pol->profile->name, want);
    return 0;
}

static ngx_int_t enforce_block(ngx_conf_t *cf, tg_ngx_srv_conf_t *tsc, SSL_CTX *ctx)
{
    char err[512], label[512];

    protocols_to_range(ctx);
    if (!tsc->enable) {
        tg_ossl_effective_record(ctx, &tsc->eff);
        tg_ossl_guard_install(ctx, &tsc->eff); /* it checks every context */
        if (!quiet())
            ngx_log_error(NGX_LOG_NOTICE, cf->log, 0,
                      "TLSGUARD-002: %s: tlsguard off: nginx's ssl_* settings are left unchanged",
                      tg_ngx_conf_label(tsc, label, sizeof(label)));
        return NGX_OK;
    }
    if (tg_policy_build(tg_ngx_conf_profile(tsc), &tsc->ov, &tsc->policy, err, sizeof(err)) != 0)
        return refuse_block(cf, tsc, tsc->policy.failed, tsc->policy.mend, err);
    if (tg_ossl_policy_resolve(&tsc->policy, &tsc->resolved, err, sizeof(err)) != 0)
        return refuse_block(cf, tsc, tsc->resolved.failed, TG_SETTING_NONE, err);
    if (!range_left(ctx, &tsc->policy, err, sizeof(err))
        || tg_ossl_policy_apply_ctx(ctx, &tsc->policy, &tsc->resolved, &tsc->eff, err,
                                    sizeof(err))
               != 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "TLSGUARD-013: %s: cannot apply tlsguard_profile %s with this block's "
                      "ssl_protocols: %s",
                      tg_ngx_conf_label(tsc, label, sizeof(label)), tsc->policy.profile->name,
                      err);
        return NGX_ERROR;
    }
    log_enforced(cf, tsc, ctx);
    return NGX_OK;
}

ngx_int_t tg_ngx_enforce_all(ngx_conf_t *cf)
{
    ngx_http_core_main_conf_t *cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    ngx_http_core_srv_conf_t **cscfp = cmcf->servers.elts;
    ngx_int_t rc = NGX_OK;
    int events = 0;

    for (ngx_uint_t s = 0; s < cmcf->servers.nelts; s++) {
        tg_ngx_srv_conf_t *tsc = cscfp[s]->ctx->srv_conf[ngx_http_tlsguard_module.ctx_index];
        events |= tsc->sink != NULL;
    }
    if (tg_ngx_conn_init(cf, events) != NGX_OK)
        return NGX_ERROR;
    for (ngx_uint_t s = 0; s < cmcf->servers.nelts && rc == NGX_OK; s++) {
        ngx_http_ssl_srv_conf_t *sscf = cscfp[s]->ctx->srv_conf[ngx_http_ssl_module.ctx_index];
        tg_ngx_srv_conf_t *tsc = cscfp[s]->ctx->srv_conf[ngx_http_tlsguard_module.ctx_index];
        tsc->cscf = cscfp[s];
        if (sscf->ssl.ctx == NULL)
            continue; /* no TLS in this block */
        rc = enforce_block(cf, tsc, sscf->ssl.ctx);
        if (rc == NGX_OK) {
            tsc->eff.host = tsc;
            tg_ngx_conn_watch_ctx(sscf->ssl.ctx);
        }
    }
    tg_ossl_release_scratch();
    return rc;
}
