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
 * carries; otherwise it ends the handshake (alert protocol_version). */
#include "tg_ngx_conn.h"

#include <string.h>

#include <openssl/ssl.h>

#include "tg_observation.h"
#include "tg_ossl_guard.h"
#include "tg_ossl_observe.h"
#include "tg_ossl_policy.h"

#define TG_MAX_SNI 255 /* RFC 6066: host_name is at most 255 bytes */

typedef struct tg_ngx_conn_t {
    ngx_connection_t *c;
    tg_ossl_guard_t guard;
    tg_observation_t obs;
    tg_ossl_observer_t observer;
} tg_ngx_conn_t;

static int conn_index = -1; /* SSL ex_data: SSL -> tg_ngx_conn_t */

static tg_ngx_conn_t *conn_of(const SSL *ssl)
{
    return conn_index >= 0 ? SSL_get_ex_data(ssl, conn_index) : NULL;
}

static tg_ossl_guard_t *guard_of(const SSL *ssl)
{
    tg_ngx_conn_t *st = conn_of(ssl);
    return st ? &st->guard : NULL;
}

/* The enforcement record of the context a connection uses now. */
static const tg_ossl_effective_t *eff_in_use(const SSL *ssl)
{
    return SSL_CTX_get0_security_ex_data(SSL_get_SSL_CTX(ssl));
}

static void *pool_alloc(void *baton, size_t size)
{
    return ngx_palloc(baton, size);
}

/* The record lives in the connection's pool, which nginx destroys after it
 * has freed the SSL. */
static tg_ngx_conn_t *conn_create(SSL *ssl)
{
    ngx_connection_t *c = ngx_ssl_get_connection(ssl);
    tg_ngx_conn_t *st = c ? ngx_pcalloc(c->pool, sizeof(*st)) : NULL;
    if (st == NULL)
        return NULL;
    st->c = c;
    st->guard.applied = eff_in_use(ssl); /* the default block's context */
    tg_observation_init(&st->obs);
    st->observer.obs = &st->obs;
    st->observer.alloc = pool_alloc;
    st->observer.baton = c->pool;
    if (SSL_set_ex_data(ssl, conn_index, st) != 1)
        return NULL;
    return st;
}

/* Every message, from the first record on: the parsed ClientHello is what
 * the client-hello callback reads the server name from. */
static void msg_cb(int write_p, int version, int content_type, const void *buf, size_t len,
                   SSL *ssl, void *arg)
{
    tg_ngx_conn_t *st = conn_of(ssl);
    (void)arg;
    if (st == NULL && (st = conn_create(ssl)) == NULL)
        return; /* the client-hello callback refuses the handshake */
    tg_ossl_observe_msg(&st->observer, write_p, version, content_type, buf, len, ssl);
}

/* The ClientHello's server name as a C string, when it is one nginx could
 * select a block by; 0 otherwise (nginx then keeps the default block). */
static int hello_name(const tg_observation_t *obs, char name[TG_MAX_SNI + 1])
{
    const tg_hello_t *h = &obs->hello_view;
    if (!obs->hello_parsed || obs->hello_err != TG_HELLO_OK || !h->has_sni || h->sni.len == 0
        || h->sni.len > TG_MAX_SNI || memchr(h->sni.p, '\0', h->sni.len))
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
    const tg_ossl_effective_t *base = st->guard.applied, *now = eff_in_use(ssl), *eff;
    tg_ossl_effective_t restore;

    if (now && base && now != base && (eff = settings_for(base, now, &restore)) != NULL)
        tg_ossl_policy_apply_ssl(ssl, eff);
    if (now)
        st->guard.applied = now;
    st->guard.hello_seen = 1;
}

static int client_hello_cb(SSL *ssl, int *al, void *arg)
{
    tg_ngx_conn_t *st = conn_of(ssl);
    char name[TG_MAX_SNI + 1];
    (void)arg;

    if (st == NULL) { /* no record: nothing could be checked, fail closed */
        *al = SSL_AD_INTERNAL_ERROR;
        return SSL_CLIENT_HELLO_ERROR;
    }
    if (st->guard.hello_seen)
        return SSL_CLIENT_HELLO_SUCCESS; /* a later hello: nginx refuses it */
    if (hello_name(&st->obs, name)) {
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
static int servername_cb(SSL *ssl, int *ad, void *arg)
{
    int rc = ngx_http_ssl_servername(ssl, ad, arg);
    tg_ngx_conn_t *st = conn_of(ssl);
    const tg_ossl_effective_t *now = eff_in_use(ssl), *applied;

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

ngx_int_t tg_ngx_conn_init(ngx_conf_t *cf)
{
    if (conn_index < 0)
        conn_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    if (conn_index < 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "TLSGUARD-014: no OpenSSL ex_data slot");
        return NGX_ERROR;
    }
    tg_ossl_guard_set_lookup(guard_of);
    return NGX_OK;
}

void tg_ngx_conn_watch_ctx(SSL_CTX *ctx, tg_ngx_srv_conf_t *tsc)
{
    (void)tsc;
    SSL_CTX_set_msg_callback(ctx, msg_cb);
    SSL_CTX_set_client_hello_cb(ctx, client_hello_cb, NULL);
    SSL_CTX_set_tlsext_servername_callback(ctx, servername_cb);
}
