/* The record of one connection, from accept to close.
 *
 * nginx has no hook between accepting a connection and its TLS handshake,
 * so the module takes the accept handler of nginx's HTTP listening sockets
 * (init_module) and makes the record before nginx's own handler runs; the
 * first read handler is ours for one call, to peek (never wait) at the
 * first bytes: nginx serves non-TLS input on a TLS port itself ("plain HTTP
 * request was sent to HTTPS port") without OpenSSL seeing it. OpenSSL's
 * message callback links the record to the SSL; the observer fills it while
 * the handshake runs. A cleanup of the connection's pool, which nginx
 * destroys after it freed the SSL and closed the socket, writes the event:
 * failed handshakes, timeouts, aborts and plain HTTP included. */
#include "tg_ngx_conn.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <openssl/ssl.h>

#include "tg_event.h"
#include "tg_ngx_sni.h"
#include "tg_ossl_digest.h"
#include "tg_version.h"

static int conn_index = -1;       /* SSL ex_data: SSL -> tg_ngx_conn_t */
static int events_wanted;         /* some block of the running cycle has tlsguard_event_log */
static int events_next;           /* the same, of the configuration being read */
static tg_ngx_conn_t **by_slot;   /* per worker: the record of each connection slot */
static ngx_uint_t n_slots;
static ngx_uint_t successes;      /* per worker, for sample=N */

static int64_t now_us(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static void *pool_alloc(void *baton, size_t size)
{
    return ngx_palloc(baton, size);
}

static tg_ngx_conn_t **slot_of(ngx_connection_t *c)
{
    if (by_slot == NULL || c < ngx_cycle->connections
        || c >= ngx_cycle->connections + n_slots)
        return NULL;
    return &by_slot[c - ngx_cycle->connections];
}

static void record_init(tg_ngx_conn_t *st, ngx_connection_t *c)
{
    st->c = c;
    tg_observation_init(&st->obs);
    st->observer.obs = &st->obs;
    st->observer.alloc = pool_alloc;
    st->observer.baton = c->pool;
}

/* Link the record to the SSL at its first message; start observing. */
static tg_ngx_conn_t *attach(tg_ngx_conn_t *st, SSL *ssl)
{
    if (SSL_set_ex_data(ssl, conn_index, st) != 1)
        return NULL;
    st->attached = 1;
    st->guard.applied = tg_ngx_sni_eff_in_use(ssl); /* the default block's context */
    if (st->observing) {
        st->observer.now_us = now_us;
        st->observer.work_max = TG_EVENT_WORK_MAX;
        if (tg_ossl_observe_start(ssl, &st->observer) != 0)
            st->observing = 0;
    }
    return st;
}

tg_ngx_conn_t *tg_ngx_conn_of(const SSL *ssl)
{
    tg_ngx_conn_t *st = conn_index >= 0 ? SSL_get_ex_data(ssl, conn_index) : NULL;
    ngx_connection_t *c;
    tg_ngx_conn_t **slot;

    if (st)
        return st;
    c = ngx_ssl_get_connection((SSL *)ssl);
    if (c == NULL)
        return NULL;
    slot = slot_of(c);
    if (slot && *slot && (*slot)->c == c)
        return attach(*slot, (SSL *)ssl);
    /* No record from accept (events off): one for the policy alone. */
    st = ngx_pcalloc(c->pool, sizeof(*st));
    if (st == NULL)
        return NULL;
    record_init(st, c);
    return attach(st, (SSL *)ssl);
}

/* Every message, from the first record on: the parsed ClientHello is what
 * the client-hello callback reads the server name from. */
static void msg_cb(int write_p, int version, int content_type, const void *buf, size_t len,
                   SSL *ssl, void *arg)
{
    tg_ngx_conn_t *st = tg_ngx_conn_of(ssl);
    (void)arg;
    if (st == NULL)
        return; /* the client-hello callback refuses the handshake */
    if (!write_p && content_type == SSL3_RT_HEADER && len == 5 && !st->obs.handshake_done) {
        const uint8_t *h = buf;
        st->obs.bytes_in += 5 + ((size_t)h[3] << 8 | h[4]);
    }
    tg_ossl_observe_msg(&st->observer, write_p, version, content_type, buf, len, ssl);
}

/* ---- the event at close ------------------------------------------------- */

/* Failures always; successes as tlsguard_events says. */
static int wanted(const tg_ngx_srv_conf_t *tsc, const tg_observation_t *obs)
{
    if (!tg_observation_complete(obs))
        return 1;
    if (tsc->events == TG_NGX_EVENTS_ALL)
        return 1;
    if (tsc->events == TG_NGX_EVENTS_SAMPLE && tsc->sample > 0)
        return successes++ % tsc->sample == 0;
    return 0;
}

/* The event belongs to the block the handshake was negotiated for, as the
 * guard saw it; else to the address's default block. */
static tg_ngx_srv_conf_t *owner(tg_ngx_conn_t *st)
{
    if (st->guard.selected && st->guard.selected->host)
        return st->guard.selected->host;
    if (st->guard.applied && st->guard.applied->host)
        return st->guard.applied->host;
    return st->first;
}

static void note_close(tg_ngx_conn_t *st)
{
    ngx_connection_t *c = st->c;
    st->obs.end_us = now_us();
    st->obs.read_timeout |= c->read->timedout;
    if (!st->obs.handshake_done)
        st->obs.peer_eof |= c->read->eof;
    if (st->obs.bytes_in < st->obs.first_len)
        st->obs.bytes_in = st->obs.first_len;
    if (st->guard.refused) {
        st->obs.tls_error = TG_TLSERR_POLICY_UNRESOLVED;
        ngx_cpystrn((u_char *)st->obs.lib_error_text,
                    (u_char *)"refused: the connection carried another server block's TLS "
                              "settings than the selected block's",
                    sizeof(st->obs.lib_error_text));
    }
}

static void name_block(tg_ngx_conn_t *st, const tg_ngx_srv_conf_t *tsc)
{
    const ngx_str_t *name = tsc->cscf ? &tsc->cscf->server_name : NULL;
    size_t n = name ? ngx_min(name->len, sizeof(st->vhost) - 1) : 0;
    if (n)
        ngx_memcpy(st->vhost, name->data, n);
    st->vhost[n] = '\0';
    st->obs.vhost = n ? st->vhost : NULL;
}

static void conn_end(void *data)
{
    tg_ngx_conn_t *st = data, **slot = slot_of(st->c);
    char line[TG_EVENT_LINE_MAX];

    if (slot && *slot == st)
        *slot = NULL;
    if (!st->observing)
        return;
    st->observing = 0; /* one event per connection */
    if (st->c->ssl && st->c->ssl->connection) { /* not freed yet: unlink */
        SSL_set_ex_data(st->c->ssl->connection, conn_index, NULL);
        tg_ossl_observe_finish(&st->observer, st->c->ssl->connection);
    } else {
        tg_ossl_observe_finish(&st->observer, NULL);
    }
    note_close(st);
    tg_ngx_srv_conf_t *tsc = owner(st);
    if (tsc == NULL || tsc->sink == NULL || !wanted(tsc, &st->obs))
        return;
    int guarded = tsc->eff.set && tsc->eff.guarded;
    name_block(st, tsc);
    st->obs.policy = guarded ? tsc->policy.profile->name : NULL;
    tg_event_ctx_t ctx = {
        .md5 = tg_ossl_md5,
        .sha256 = tg_ossl_sha256,
        .mode = guarded ? "enforce" : "off",
        .version = TG_VERSION,
        .policy = guarded ? &tsc->policy : NULL,
    };
    size_t len = tg_event_build(&st->obs, &ctx, line, sizeof(line));
    if (len > 0)
        tg_ngx_sink_write(tsc->sink, line, len);
}

/* ---- accept and the first read -------------------------------------------- */

static void note_addresses(tg_observation_t *obs, ngx_connection_t *c)
{
    u_char text[NGX_SOCKADDR_STRLEN];
    size_t n;

    n = ngx_sock_ntop(c->sockaddr, c->socklen, text, sizeof(text) - 1, 0);
    n = ngx_min(n, sizeof(obs->src_ip) - 1);
    ngx_memcpy(obs->src_ip, text, n);
    obs->src_ip[n] = '\0';
    obs->src_port = (uint16_t)ngx_inet_get_port(c->sockaddr);
    if (ngx_connection_local_sockaddr(c, NULL, 0) == NGX_OK) {
        n = ngx_sock_ntop(c->local_sockaddr, c->local_socklen, text, sizeof(text) - 1, 0);
        n = ngx_min(n, sizeof(obs->dst_ip) - 1);
        ngx_memcpy(obs->dst_ip, text, n);
        obs->dst_ip[n] = '\0';
        obs->dst_port = (uint16_t)ngx_inet_get_port(c->local_sockaddr);
    }
}

/* What the client sent first, without consuming or waiting for it. */
static void first_read(ngx_event_t *rev)
{
    ngx_connection_t *c = rev->data;
    tg_ngx_conn_t **slot = slot_of(c), *st = slot ? *slot : NULL;
    ngx_event_handler_pt next;
    ssize_t n;

    if (st == NULL || st->c != c || st->next_read == NULL)
        return; /* cannot happen: we set this handler with the record */
    next = st->next_read;
    if (!rev->timedout && st->obs.first_len == 0) {
        n = recv(c->fd, st->obs.first_bytes, sizeof(st->obs.first_bytes), MSG_PEEK);
        if (n > 0)
            st->obs.first_len = (size_t)n;
        else if (n == 0)
            st->obs.peer_eof = 1;
        /* nginx serves what is not TLS as plain HTTP (error 497) */
        if (n > 0 && !(st->obs.first_bytes[0] == 0x16 || st->obs.first_bytes[0] & 0x80))
            st->obs.tls_error = TG_TLSERR_HTTP_REQUEST;
    }
    /* Seen once (or given up): nginx's handler from now on. Otherwise nginx
     * keeps the handler it found while it waits for more: ours. */
    int again = st->obs.first_len == 0 && !st->obs.peer_eof && !rev->timedout;
    if (!again)
        st->next_read = NULL;
    rev->handler = next;
    next(rev); /* may close the connection: st is gone then */
    if (again && !c->destroyed && c->fd != (ngx_socket_t)-1 && rev->handler == next)
        rev->handler = first_read;
}

static ngx_int_t conn_begin(ngx_connection_t *c, tg_ngx_conn_t **st_out)
{
    tg_ngx_conn_t **slot = slot_of(c), *st;
    ngx_pool_cleanup_t *cln;

    *st_out = NULL;
    if (slot == NULL)
        return NGX_OK;
    st = ngx_pcalloc(c->pool, sizeof(*st));
    cln = st ? ngx_pool_cleanup_add(c->pool, 0) : NULL;
    if (cln == NULL)
        return NGX_ERROR;
    record_init(st, c);
    st->observing = 1;
    st->obs.start_us = now_us();
    note_addresses(&st->obs, c);
    cln->handler = conn_end;
    cln->data = st;
    *slot = st;
    *st_out = st;
    return NGX_OK;
}

static void accept_handler(ngx_connection_t *c)
{
    tg_ngx_conn_t *st = NULL;
    ngx_http_connection_t *hc;

    if (events_wanted && conn_begin(c, &st) != NGX_OK) {
        ngx_http_close_connection(c);
        return;
    }
    ngx_http_init_connection(c);
    if (st == NULL || c->destroyed || c->fd == (ngx_socket_t)-1)
        return;
    hc = c->data;
    if (hc == NULL || !hc->ssl) { /* a plain HTTP address: nothing to report */
        st->observing = 0;
        *slot_of(c) = NULL;
        return;
    }
    st->first = ngx_http_get_module_srv_conf(hc->conf_ctx, ngx_http_tlsguard_module);
    /* Behind the PROXY protocol the first bytes are its header, not the
     * client's: nothing to peek at. */
    if (c->read->handler && !st->attached && !hc->proxy_protocol) {
        st->next_read = c->read->handler;
        c->read->handler = first_read;
    }
}

/* ---- set-up -------------------------------------------------------------- */

ngx_int_t tg_ngx_conn_init(ngx_conf_t *cf, int events)
{
    if (conn_index < 0)
        conn_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    if (conn_index < 0 || tg_ossl_observe_init(-1) < 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0, "TLSGUARD-032: OpenSSL refused the data slot the handshake observer needs");
        return NGX_ERROR;
    }
    events_next = events; /* the cycle's once it runs (init_module) */
    return NGX_OK;
}

static tg_ossl_guard_t *guard_of(const SSL *ssl)
{
    tg_ngx_conn_t *st = conn_index >= 0 ? SSL_get_ex_data(ssl, conn_index) : NULL;
    return st ? &st->guard : NULL;
}

void tg_ngx_conn_watch_ctx(SSL_CTX *ctx)
{
    tg_ossl_guard_set_lookup(guard_of);
    SSL_CTX_set_msg_callback(ctx, msg_cb);
    SSL_CTX_set_client_hello_cb(ctx, tg_ngx_sni_client_hello, NULL);
    SSL_CTX_set_tlsext_servername_callback(ctx, tg_ngx_sni_servername);
}

/* Only a configuration that became the cycle sets what accept does: one
 * that failed a reload after its postconfiguration leaves the running one's
 * (which the workers the master forks later inherit). */
ngx_int_t tg_ngx_conn_init_module(ngx_cycle_t *cycle)
{
    ngx_listening_t *ls = cycle->listening.elts;
    events_wanted = events_next;
    for (ngx_uint_t i = 0; i < cycle->listening.nelts; i++) {
        if (ls[i].handler == ngx_http_init_connection)
            ls[i].handler = accept_handler;
    }
    return NGX_OK;
}

ngx_int_t tg_ngx_conn_init_process(ngx_cycle_t *cycle)
{
    n_slots = cycle->connection_n;
    by_slot = ngx_pcalloc(cycle->pool, n_slots * sizeof(*by_slot));
    return by_slot ? NGX_OK : NGX_ERROR;
}

void tg_ngx_conn_exit_process(ngx_cycle_t *cycle)
{
    (void)cycle;
    for (ngx_uint_t i = 0; by_slot && i < n_slots; i++) {
        if (by_slot[i])
            conn_end(by_slot[i]); /* clears its slot; one event per connection */
    }
}
