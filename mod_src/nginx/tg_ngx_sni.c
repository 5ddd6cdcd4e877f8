/* Each server block's policy across nginx's SSL_CTX switch.
 *
 * nginx makes a connection's SSL from the context of the address's default
 * server block and switches to the block the server name selects in its
 * servername callback. OpenSSL calls that callback after it has chosen the
 * protocol version and (TLS 1.3) the key-exchange group, both from the
 * connection's own settings, which a switch leaves as they were; nginx then
 * replaces the connection's options with the new context's, and the cipher
 * lists and certificates follow the new context.
 *
 * So the module runs nginx's own selection earlier, in a client-hello
 * callback (which OpenSSL calls before choosing the version), with the
 * server name the ClientHello carries, and puts the selected block's range,
 * groups and options on the connection. When OpenSSL later calls nginx's
 * servername callback with its own reading of the name, the module checks
 * that the block selected then is the block whose settings the connection
 * carries; otherwise it ends the handshake (alert protocol_version).
 *
 * A request names its block again (Host, HTTP/2's :authority, which lets a
 * client reuse one connection for several names), and nginx serves it from
 * that block without looking at the handshake. A request for a block whose
 * policy differs from the one the connection was negotiated under gets 421
 * (RFC 9110 §15.5.20), as mod_ssl answers for incompatible virtual hosts. */
#include "tg_ngx_sni.h"

#include <string.h>

#include "tg_ngx_conf.h"
#include "tg_ngx_conn.h"
#include "tg_ngx_sni_name.h"
#include "tg_observation.h"
#include "tg_ossl_guard.h"
#include "tg_ossl_policy.h"

#define TG_MAX_SNI 255 /* RFC 6066: host_name is at most 255 bytes */

const tg_ossl_effective_t *tg_ngx_sni_eff_in_use(const SSL *ssl)
{
    return SSL_CTX_get0_security_ex_data(SSL_get_SSL_CTX(ssl));
}

/* Whether OpenSSL will read exactly `name` from the server_name extension
 * (tg_ngx_sni_name.h): it refuses a list whose first entry is of another
 * type, where our parser would take the first host_name. */
static int openssl_reads_name(SSL *ssl, const tg_view_t *name)
{
    const unsigned char *ext, *first;
    size_t len, n;
    return SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &ext, &len) == 1
           && tg_ngx_sni_first_host_name(ext, len, &first, &n) && n == name->len
           && memcmp(first, name->p, n) == 0;
}

/* The ClientHello's server name as a C string, when it is one nginx could
 * select a block by; 0 otherwise (nginx then keeps the default block). */
static int hello_name(SSL *ssl, const tg_observation_t *obs, char name[TG_MAX_SNI + 1])
{
    const tg_hello_t *h = &obs->hello_view;
    if (!obs->hello_parsed || obs->hello_err != TG_HELLO_OK || !h->has_sni || h->sni.len == 0
        || h->sni.len > TG_MAX_SNI || memchr(h->sni.p, '\0', h->sni.len)
        || !openssl_reads_name(ssl, &h->sni))
        return 0;
    memcpy(name, h->sni.p, h->sni.len);
    name[h->sni.len] = '\0';
    return 1;
}

/* What the connection must carry on `target` when it was made from `base`. */
static const tg_ossl_effective_t *settings_for(const tg_ossl_effective_t *base,
                                               const tg_ossl_effective_t *target,
                                               tg_ossl_effective_t *restore)
{
    if (target->guarded)
        return target;
    if (!base->guarded)
        return NULL; /* neither side changed anything */
    /* An unguarded block behind a guarded default block: what nginx alone
     * would have given, the default block's own range. */
    *restore = *base;
    restore->guarded = 0;
    restore->min_version = base->orig_min_version;
    restore->max_version = base->orig_max_version;
    restore->server_preference = (base->orig_options & SSL_OP_CIPHER_SERVER_PREFERENCE) != 0;
    restore->groups = NULL;
    return restore;
}

/* The connection now uses the context of the block it belongs to: give it
 * that block's connection-level settings. */
static void land(tg_ngx_conn_t *st, SSL *ssl)
{
    const tg_ossl_effective_t *base = st->guard.applied, *now = tg_ngx_sni_eff_in_use(ssl), *eff;
    tg_ossl_effective_t restore;

    if (now && base && now != base && (eff = settings_for(base, now, &restore)) != NULL)
        tg_ossl_policy_apply_ssl(ssl, eff);
    if (now)
        st->guard.applied = now;
    st->guard.hello_seen = 1;
}

int tg_ngx_sni_client_hello(SSL *ssl, int *al, void *arg)
{
    tg_ngx_conn_t *st = tg_ngx_conn_of(ssl);
    char name[TG_MAX_SNI + 1];
    (void)arg;

    if (st == NULL) { /* no record: nothing could be checked, fail closed */
        *al = SSL_AD_INTERNAL_ERROR;
        return SSL_CLIENT_HELLO_ERROR;
    }
    if (st->guard.hello_seen)
        return SSL_CLIENT_HELLO_SUCCESS; /* a later hello: nginx refuses it */
    if (hello_name(ssl, &st->obs, name)) {
        /* nginx's selection reads the name OpenSSL stores; OpenSSL stores
         * its own reading over it when it parses the extension. */
        int ad = SSL_AD_INTERNAL_ERROR;
        if (SSL_set_tlsext_host_name(ssl, name) != 1
            || ngx_http_ssl_servername(ssl, &ad, NULL) != SSL_TLSEXT_ERR_OK) {
            *al = ad;
            return SSL_CLIENT_HELLO_ERROR;
        }
    }
    land(st, ssl);
    return SSL_CLIENT_HELLO_SUCCESS;
}

/* tlsguard_strict_sni on: a name no block on the address claims ends the
 * handshake (RFC 6066 §3, unrecognized_name). */
static int strict_refuses(const tg_ngx_conn_t *st, SSL *ssl, const tg_ossl_effective_t *now)
{
    const tg_ngx_srv_conf_t *tsc = now ? now->host : NULL;
    ngx_http_connection_t *hc = st->c->data;
    return tsc && tsc->enable && tsc->strict_sni
           && SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name) && hc
           && hc->ssl_servername == NULL;
}

/* Replaces nginx's servername callback on every watched context: nginx's
 * selection, then the check that it selected the block whose settings the
 * connection carries. */
int tg_ngx_sni_servername(SSL *ssl, int *ad, void *arg)
{
    int rc = ngx_http_ssl_servername(ssl, ad, arg);
    tg_ngx_conn_t *st = tg_ngx_conn_of(ssl);
    const tg_ossl_effective_t *now = tg_ngx_sni_eff_in_use(ssl), *applied;

    if (rc != SSL_TLSEXT_ERR_OK)
        return rc;
    if (st == NULL) {
        *ad = SSL_AD_INTERNAL_ERROR;
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    applied = st->guard.applied;
    st->guard.selected = now;
    if (now != applied && ((now && now->guarded) || (applied && applied->guarded))) {
        st->guard.refused = 1; /* settings for another block: fail closed */
        *ad = SSL_AD_PROTOCOL_VERSION;
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    if (strict_refuses(st, ssl, now)) {
        *ad = SSL_AD_UNRECOGNIZED_NAME;
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    return rc;
}

static int same_ciphers(SSL_CTX *a, SSL_CTX *b)
{
    STACK_OF(SSL_CIPHER) *x = SSL_CTX_get_ciphers(a), *y = SSL_CTX_get_ciphers(b);
    int n = sk_SSL_CIPHER_num(x);
    if (n != sk_SSL_CIPHER_num(y))
        return 0;
    for (int i = 0; i < n; i++)
        if (SSL_CIPHER_get_id(sk_SSL_CIPHER_value(x, i))
            != SSL_CIPHER_get_id(sk_SSL_CIPHER_value(y, i)))
            return 0;
    return 1;
}

static int same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Whether a connection negotiated under `a` is one `b` would have made:
 * the same range, options, groups, level and cipher lists. Two unguarded
 * blocks are nginx's own affair. */
static int same_policy(const tg_ossl_effective_t *a, const tg_ossl_effective_t *b)
{
    if (a == b || (!a->guarded && !b->guarded))
        return 1;
    return a->guarded == b->guarded && a->min_version == b->min_version
           && a->max_version == b->max_version && a->options_set == b->options_set
           && a->options_cleared == b->options_cleared
           && a->server_preference == b->server_preference
           && same_text(a->groups, b->groups)
           && a->ctx && b->ctx
           && SSL_CTX_get_security_level(a->ctx) == SSL_CTX_get_security_level(b->ctx)
           && same_ciphers(a->ctx, b->ctx);
}

/* A block without a certificate has no context of its own: nginx
 * negotiates its connections under another block's. They are its own when
 * it says what that block says. */
static int same_settings(const tg_ngx_srv_conf_t *a, const tg_ngx_srv_conf_t *b)
{
    if (a->enable != b->enable)
        return 0;
    return !a->enable
           || (tg_ngx_conf_profile(a) == tg_ngx_conf_profile(b)
               && same_text(a->ov.protocols, b->ov.protocols)
               && same_text(a->ov.ciphers12, b->ov.ciphers12)
               && same_text(a->ov.suites13, b->ov.suites13)
               && same_text(a->ov.groups, b->ov.groups));
}

static ngx_int_t request_block_check(ngx_http_request_t *r)
{
    tg_ngx_srv_conf_t *tsc = ngx_http_get_module_srv_conf(r, ngx_http_tlsguard_module);
    const tg_ossl_effective_t *conn;
    char label[512];
    int same;

    if (r->connection->ssl == NULL || tsc == NULL)
        return NGX_DECLINED; /* plain HTTP */
    conn = tg_ngx_sni_eff_in_use(r->connection->ssl->connection);
    if (tsc->eff.set)
        same = conn && same_policy(conn, &tsc->eff);
    else
        same = conn && conn->host && same_settings(conn->host, tsc);
    if (same)
        return NGX_DECLINED;
    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "TLSGUARD-015: request for %s on a connection negotiated under another "
                  "policy: 421", tg_ngx_conf_label(tsc, label, sizeof(label)));
    return NGX_HTTP_MISDIRECTED_REQUEST;
}

/* Post-read: every request, before anything of its block runs. Server
 * rewrite too: an internal redirect (error_page of a request nginx refused
 * while reading it, e.g. a second Host) starts there. Handlers of a phase
 * run last registered first, so this one runs before the rewrite module's
 * (an earlier module in the list): before a server-level `return`. */
ngx_int_t tg_ngx_sni_init(ngx_conf_t *cf)
{
    static const ngx_http_phases phases[] = {NGX_HTTP_POST_READ_PHASE,
                                             NGX_HTTP_SERVER_REWRITE_PHASE};
    ngx_http_core_main_conf_t *cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
        ngx_http_handler_pt *h = ngx_array_push(&cmcf->phases[phases[i]].handlers);
        if (h == NULL)
            return NGX_ERROR;
        *h = request_block_check;
    }
    return NGX_OK;
}
