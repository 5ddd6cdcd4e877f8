/* The guard: see tg_ossl_guard.h. */
#include "tg_ossl_guard.h"

static tg_ossl_guard_lookup_fn guard_of;

int tg_ossl_is_tls13_suite(uint16_t protocol_id)
{
    return (protocol_id >> 8) == 0x13;
}

void tg_ossl_guard_set_lookup(tg_ossl_guard_lookup_fn lookup)
{
    guard_of = lookup;
}

int tg_ossl_guard_allows_cipher(const tg_ossl_effective_t *eff, uint16_t protocol_id)
{
    /* A TLS 1.3-only policy leaves the vhost's unused TLS 1.2 list in the
     * context: only the suites count then. */
    if (eff->min_version > TLS1_2_VERSION && !tg_ossl_is_tls13_suite(protocol_id))
        return 0;
    STACK_OF(SSL_CIPHER) *sk = SSL_CTX_get_ciphers(eff->ctx);
    for (int i = 0; sk && i < sk_SSL_CIPHER_num(sk); i++) {
        if (SSL_CIPHER_get_protocol_id(sk_SSL_CIPHER_value(sk, i)) == protocol_id)
            return 1;
    }
    return 0;
}

/* As a handshake starts, OpenSSL checks the connection's placeholder version
 * (the highest it knows) once, and fails a refusal with an internal error and
 * no alert. That is no negotiation: the policy's range is held when versions
 * are negotiated, so that a client offering none of them gets alert 70 even
 * under a policy topped below the placeholder. */
static int is_start_check(const SSL *s, int version)
{
    return s && SSL_get_state(s) == TLS_ST_BEFORE && version == SSL_version(s);
}

/* Called for each version OpenSSL considers: before the ClientHello (the
 * server's own range), then after mod_ssl's SNI switch, from the selected
 * context. */
static int version_allowed(const SSL *s, const tg_ossl_effective_t *eff, int version)
{
    tg_ossl_guard_t *g = s && guard_of ? guard_of(s) : NULL;
    if (g && g->hello_seen) {
        g->selected = eff;
        if (g->applied != eff && (eff->guarded || (g->applied && g->applied->guarded))) {
            if (eff->report) { /* report mode: what enforcement would refuse */
                g->unresolved = 1;
                return 1;
            }
            g->refused = 1; /* settings for another vhost: fail closed */
            return 0;
        }
    }
    return !eff->guarded || is_start_check(s, version) ||
           (version >= eff->min_version && version <= eff->max_version);
}

static int security_cb(const SSL *s, const SSL_CTX *ctx, int op, int bits, int nid,
                       void *other, void *ex)
{
    const tg_ossl_effective_t *eff = ex;
    if (!eff->chained(s, ctx, op, bits, nid, other, ex))
        return 0;
    if (op == SSL_SECOP_VERSION)
        return version_allowed(s, eff, nid);
    /* Whatever sets another cipher list on a connection (mod_ssl does, for a
     * per-directory SSLCipherSuite), only the policy's can be agreed on. */
    if (op == SSL_SECOP_CIPHER_SHARED && other && eff->guarded)
        return tg_ossl_guard_allows_cipher(
            eff, (uint16_t)SSL_CIPHER_get_protocol_id((const SSL_CIPHER *)other));
    return 1;
}

/* OpenSSL's own level checks, as found on a context we had not touched. */
static SSL_CTX_security_callback_fn openssl_level_cb;

void tg_ossl_guard_install(SSL_CTX *ctx, tg_ossl_effective_t *eff)
{
    SSL_CTX_security_callback_fn now = SSL_CTX_get_security_callback(ctx);
    if (now != security_cb)
        openssl_level_cb = now;
    /* A context guarded before (init_server ran twice) chains what it
     * chained then. */
    eff->chained = openssl_level_cb;
    eff->ctx = ctx;
    SSL_CTX_set0_security_ex_data(ctx, eff);
    SSL_CTX_set_security_callback(ctx, security_cb);
}
