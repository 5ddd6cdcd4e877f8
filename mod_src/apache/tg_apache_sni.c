/* Per-vhost policy after mod_ssl's SNI switch.
 *
 * mod_ssl selects a name-based vhost in its client-hello callback and swaps
 * the connection's SSL_CTX: cipher lists follow the new context, but OpenSSL
 * keeps the groups of the address's default vhost, and mod_ssl copies the
 * version range only when the vhost has its own SSLProtocol. The ClientHello
 * reaches our message callback before OpenSSL processes it, so we set the
 * selected vhost's versions, groups and cipher order on the connection first;
 * mod_ssl's switch then only confirms them. This reading of the hello is
 * only a forecast: the guard (tg_ossl_guard.c) refuses the handshake when
 * mod_ssl selects another vhost than the one forecast. */
#include "tg_apache_sni.h"

#include <apr_strings.h>
#include <http_config.h>
#include <http_vhost.h>
#include <httpd.h>

#include "tg_apache_conf.h"
#include "tg_observation.h"

#define TG_MAX_SNI 255 /* RFC 1035 name length limit */

typedef struct {
    const char *name;
    server_rec *found;
} vhost_search_t;

/* The same name test mod_ssl applies: ServerName, ServerAlias, then wildcard
 * aliases, all case-insensitive. */
static int names_match(const char *name, server_rec *s)
{
    if (s->server_hostname && strcasecmp(name, s->server_hostname) == 0)
        return 1;
    for (int i = 0; s->names && i < s->names->nelts; i++) {
        const char *alias = APR_ARRAY_IDX(s->names, i, const char *);
        if (alias && strcasecmp(name, alias) == 0)
            return 1;
    }
    for (int i = 0; s->wild_names && i < s->wild_names->nelts; i++) {
        const char *alias = APR_ARRAY_IDX(s->wild_names, i, const char *);
        if (alias && ap_strcasecmp_match(name, alias) == 0)
            return 1;
    }
    return 0;
}

static int find_vhost_cb(void *baton, conn_rec *c, server_rec *s)
{
    vhost_search_t *search = baton;
    (void)c;
    if (!names_match(search->name, s))
        return 0;
    search->found = s;
    return 1; /* first match wins, as in mod_ssl */
}

server_rec *tg_ap_sni_find_vhost(conn_rec *c, const char *name)
{
    vhost_search_t search = {name, NULL};
    ap_vhost_iterate_given_conn(c, find_vhost_cb, &search);
    return search.found;
}

/* What the connection must get when it lands on `target`. */
static const tg_ossl_effective_t *settings_for(server_rec *base, server_rec *target,
                                               tg_ossl_effective_t *restore)
{
    const tg_ap_srv_conf_t *tc = tg_ap_conf_srv(target), *bc = tg_ap_conf_srv(base);
    if (!tc->eff.set || !bc->eff.set)
        return NULL; /* not an SSL vhost we saw at start-up */
    if (tc->eff.guarded)
        return &tc->eff;
    if (!bc->eff.guarded)
        return NULL; /* neither side changed anything */
    /* An unguarded vhost behind a guarded default vhost: what mod_ssl alone
     * would have given (versions, order) from the default vhost's context. */
    *restore = bc->eff;
    restore->guarded = 0;
    restore->min_version = bc->eff.orig_min_version;
    restore->max_version = bc->eff.orig_max_version;
    restore->server_preference = (bc->eff.orig_options & SSL_OP_CIPHER_SERVER_PREFERENCE) != 0;
    restore->groups = NULL;
    return restore;
}

/* The vhost whose policy governs the connection: the one the ClientHello's
 * server name selects, else the address's default vhost. */
static server_rec *policy_server(conn_rec *c, const tg_observation_t *obs)
{
    const tg_hello_t *hello = &obs->hello_view;
    char name[TG_MAX_SNI + 1];

    if (obs->hello_err != TG_HELLO_OK || !hello->has_sni || hello->sni.len == 0
        || hello->sni.len > TG_MAX_SNI || memchr(hello->sni.p, '\0', hello->sni.len))
        return c->base_server; /* mod_ssl will not switch either */
    memcpy(name, hello->sni.p, hello->sni.len);
    name[hello->sni.len] = '\0';
    server_rec *target = tg_ap_sni_find_vhost(c, name);
    return target ? target : c->base_server;
}

server_rec *tg_ap_sni_on_client_hello(conn_rec *c, SSL *ssl, const tg_observation_t *obs,
                                   tg_ossl_guard_t *guard)
{
    tg_ossl_effective_t restore;
    server_rec *server = policy_server(c, obs);
    if (!tg_ap_conf_srv(server)->eff.set)
        server = c->base_server; /* not an SSL vhost: nothing to set */
    if (server != c->base_server) {
        const tg_ossl_effective_t *eff = settings_for(c->base_server, server, &restore);
        if (eff)
            tg_ossl_policy_apply_ssl(ssl, eff);
    }
    guard->applied = &tg_ap_conf_srv(server)->eff;
    guard->hello_seen = 1;
    return server;
}

/* Replaces mod_ssl's servername callback on guarded contexts with
 * TLSGuardStrictSNI On. With OpenSSL >= 1.1.1 mod_ssl switches vhosts in its
 * client-hello callback and its servername callback only logs at debug level
 * and acknowledges a known name; this one does the same acknowledgement and
 * ends the handshake with a fatal unrecognized_name alert (RFC 6066 §3) when
 * no vhost on the address claims the name. */
int tg_ap_sni_strict_cb(SSL *ssl, int *al, void *arg)
{
    conn_rec *c = SSL_get_app_data(ssl); /* mod_ssl's convention */
    const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    (void)arg;
    if (!c || !name)
        return SSL_TLSEXT_ERR_NOACK; /* no name: mod_ssl's own rules apply */
    if (tg_ap_sni_find_vhost(c, name))
        return SSL_TLSEXT_ERR_OK;
    *al = SSL_AD_UNRECOGNIZED_NAME;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}
