/* TLSGuardCertPolicy fail under apache2 -t. The vhost's SSLCertificateFile
 * directives are read from the configuration tree (the vhost's own, else the
 * main server's), each file is loaded into a scratch SSL_CTX, and that
 * context gets the same checks as mod_ssl's at start-up. */
#include "tg_apache_certcheck.h"

#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <util_cfgtree.h>

#include "tg_apache_audit.h"
#include "tg_apache_conf.h"

APLOG_USE_MODULE(tlsguard);

/* The <VirtualHost> node of s, or NULL for the main server. */
static const ap_directive_t *vhost_node(const server_rec *s)
{
    for (const ap_directive_t *d = ap_conftree; s->is_virtual && d; d = d->next) {
        if (strcasecmp(d->directive, "<VirtualHost") == 0
            && d->line_num == (int)s->defn_line_number && s->defn_name
            && strcmp(d->filename, s->defn_name) == 0)
            return d;
    }
    return NULL;
}

/* "SSLEngine on" among the nodes. */
static int engine_on(const ap_directive_t *d)
{
    for (; d; d = d->next) {
        if (strcasecmp(d->directive, "SSLEngine") == 0 && strcasecmp(d->args, "on") == 0)
            return 1;
    }
    return 0;
}

/* Never ask for a pass phrase: an encrypted key is left to mod_ssl. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return 0;
}

/* Loads every SSLCertificateFile among nodes into ctx, and the keys (from
 * SSLCertificateKeyFile or the certificate file): OpenSSL lists a key type's
 * certificate only with its key. How many certificates loaded. */
static int load_files(apr_pool_t *p, const ap_directive_t *d, SSL_CTX *ctx)
{
    int n = 0;
    for (; d; d = d->next) {
        const char *args = d->args;
        const char *path;
        int cert = strcasecmp(d->directive, "SSLCertificateFile") == 0;
        if (!cert && strcasecmp(d->directive, "SSLCertificateKeyFile") != 0)
            continue;
        path = ap_server_root_relative(p, ap_getword_conf(p, &args));
        if (path && cert && SSL_CTX_use_certificate_chain_file(ctx, path) == 1)
            n++;
        if (path)
            SSL_CTX_use_PrivateKey_file(ctx, path, SSL_FILETYPE_PEM);
    }
    ERR_clear_error();
    return n;
}

static int check_server(apr_pool_t *p, server_rec *s)
{
    const ap_directive_t *v = vhost_node(s);
    SSL_CTX *ctx;
    int rv = OK;
    if (tg_ap_conf_srv(s)->cert_policy != TG_CERT_POLICY_FAIL || (s->is_virtual && !v)
        || !engine_on(v ? v->first_child : ap_conftree))
        return OK;
    ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx)
        return OK; /* mod_ssl will check at start-up */
    SSL_CTX_set_security_level(ctx, 0); /* load what mod_ssl may load; the rules judge it */
    SSL_CTX_set_default_passwd_cb(ctx, no_passphrase);
    if (load_files(p, v ? v->first_child : NULL, ctx) > 0
        || load_files(p, ap_conftree, ctx) > 0)
        rv = tg_ap_audit_cert_policy(p, s, ctx);
    SSL_CTX_free(ctx);
    return rv;
}

int tg_ap_certcheck_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                              server_rec *s)
{
    int rv = OK;
    (void)pconf;
    (void)plog;
    for (server_rec *v = s; v; v = v->next) {
        if (check_server(ptemp, v) != OK)
            rv = HTTP_INTERNAL_SERVER_ERROR;
    }
    return rv;
}
