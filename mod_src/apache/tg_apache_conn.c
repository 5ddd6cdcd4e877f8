/* Per-connection life cycle. In pre_handshake we attach a record to the
 * connection and let OpenSSL's callbacks and a raw input filter fill it while
 * the handshake runs; at pre_close_connection (after mod_ssl has freed the SSL
 * of a failed handshake) the record becomes one event line. */
#include "tg_apache_conn.h"

#include <apr_atomic.h>
#include <apr_strings.h>
#include <string.h>
#include <http_config.h>
#include <http_connection.h>

#include "tg_apache_conf.h"
#include "tg_apache_eventrate.h"
#include "tg_apache_metrics.h"
#include "tg_apache_rawin.h"
#include "tg_apache_report.h"
#include "tg_apache_sni.h"
#include "tg_apache_stop.h"
#include "tg_event.h"
#include "tg_ossl_digest.h"
#include "tg_ossl_observe.h"
#include "tg_version.h"

typedef struct tg_ap_conn_t {
    conn_rec *c;
    server_rec *server;   /* whose settings the connection carries (forecast) */
    tg_ossl_guard_t guard;
    int observing;        /* an event may be written */
    int reported;         /* the report was concluded */
    tg_observation_t obs;
    tg_ossl_observer_t observer;
    tg_ap_rawin_t rawin;  /* the raw input filter's view, and where the thread is */
    tg_ap_stop_node_t live; /* on the process's list for an ungraceful stop */
} tg_ap_conn_t;

static int events_wanted;
static apr_uint32_t successes; /* for TLSGuardEvents sample N, per process */

void tg_ap_conn_set_events_wanted(int wanted)
{
    events_wanted = wanted;
}

#if defined(__SANITIZE_ADDRESS__) /* gcc */
#define TG_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) /* clang */
#define TG_ASAN 1
#endif
#endif

#ifdef TG_ASAN
#include <stdlib.h>

static apr_status_t free_block(void *block)
{
    free(block);
    return APR_SUCCESS;
}
#endif

/* The observer's copy of the ClientHello, freed with the connection's pool.
 * Under AddressSanitizer each copy is a malloc() of its own, so that its
 * redzones catch an access past the end: APR carves pool memory out of large
 * blocks without any. Only the copy: the connection record must outlive
 * every OpenSSL callback, which a pool cleanup of ours does not. */
static void *pool_alloc(void *baton, size_t size)
{
#ifdef TG_ASAN
    void *block = calloc(1, size ? size : 1);
    if (block)
        apr_pool_cleanup_register(baton, block, free_block, apr_pool_cleanup_null);
    return block;
#else
    return apr_palloc(baton, size);
#endif
}

static int64_t now_us(void)
{
    return (int64_t)apr_time_now();
}

/* The observer sees every message (it owns ClientHello detection and its
 * parse, events or not); the forecast reads the first hello's parsed view
 * the moment it exists, before OpenSSL processes the hello. */
static void msg_cb(int write_p, int version, int content_type, const void *buf, size_t len,
                   SSL *ssl, void *arg)
{
    tg_ap_conn_t *st = arg;
    int parsed = st->obs.hello_parsed;

    tg_ossl_observe_msg(&st->observer, write_p, version, content_type, buf, len, ssl);
    if (!parsed && st->obs.hello_parsed)
        st->server = tg_ap_sni_on_client_hello(st->c, ssl, &st->obs, &st->guard);
}

static void note_addresses(tg_observation_t *obs, conn_rec *c)
{
    apr_cpystrn(obs->src_ip, c->client_ip ? c->client_ip : "", sizeof(obs->src_ip));
    apr_cpystrn(obs->dst_ip, c->local_ip ? c->local_ip : "", sizeof(obs->dst_ip));
    obs->src_port = c->client_addr ? c->client_addr->port : 0;
    obs->dst_port = c->local_addr ? c->local_addr->port : 0;
}

/* mod_ssl links every SSL to its conn_rec (app data); ours hangs off that. */
tg_ossl_guard_t *tg_ap_conn_guard(const SSL *ssl)
{
    conn_rec *c = SSL_get_app_data(ssl);
    tg_ap_conn_t *st = c ? ap_get_module_config(c->conn_config, &tlsguard_module) : NULL;
    return st ? &st->guard : NULL;
}

void tg_ap_conn_start(conn_rec *c, SSL *ssl)
{
    tg_ap_conn_t *st = apr_pcalloc(c->pool, sizeof(*st));
    st->c = c;
    st->server = c->base_server;
    st->guard.applied = &tg_ap_conf_srv(c->base_server)->eff; /* mod_ssl made the SSL from it */
    ap_set_module_config(c->conn_config, &tlsguard_module, st);
    /* The message callback always feeds the record: the forecast needs the
     * parsed hello. The info callback, the clock and the raw input filter
     * only serve events. */
    tg_observation_init(&st->obs);
    st->observer.obs = &st->obs;
    st->observer.alloc = pool_alloc;
    st->observer.baton = c->pool;
    if (events_wanted) {
        st->obs.start_us = now_us();
        note_addresses(&st->obs, c);
        st->observer.now_us = now_us;
        st->observer.work_max = TG_EVENT_WORK_MAX;
        st->observing = tg_ossl_observe_start(ssl, &st->observer) == 0;
        if (st->observing) {
            st->observer.host_keeps_first_bytes = 1;
            st->rawin.obs = &st->obs;
            tg_ap_rawin_add(c, &st->rawin);
            tg_ap_stop_track(c->pool, &st->live, st);
        }
    }
    SSL_set_msg_callback(ssl, msg_cb);
    SSL_set_msg_callback_arg(ssl, st);
}

/* The event belongs to the vhost mod_ssl selected (its sink, its name), as
 * the guard saw it while OpenSSL negotiated; a refusal by the guard is the
 * reason the event gives. */
static server_rec *selected_server(const tg_ap_conn_t *st)
{
    if (st->guard.selected && st->guard.selected->host)
        return st->guard.selected->host;
    return st->server;
}

int tg_ap_conn_view(conn_rec *c, tg_ap_conn_view_t *v)
{
    tg_ap_conn_t *st = ap_get_module_config(c->conn_config, &tlsguard_module);

    if (!st || !st->observing)
        return 0;
    v->obs = &st->obs;
    v->server = selected_server(st);
    v->unresolved = st->guard.unresolved;
    v->reported = &st->reported;
    return 1;
}

const char *tg_ap_conn_mode(server_rec *s)
{
    const tg_ap_srv_conf_t *sc = tg_ap_conf_srv(s);

    if (sc->eff.set && sc->eff.guarded)
        return "enforce";
    return sc->eff.set && sc->eff.report ? "report" : "off";
}

static void note_guard(tg_ap_conn_t *st)
{
    st->server = selected_server(st);
    if (st->guard.refused) {
        st->obs.tls_error = TG_TLSERR_POLICY_UNRESOLVED;
        apr_cpystrn(st->obs.lib_error_text,
                    "refused: the connection carried another vhost's TLS settings than the "
                    "selected vhost's",
                    sizeof(st->obs.lib_error_text));
    }
}

/* Failures always (a later handshake that did not complete is one);
 * successes as TLSGuardEvents says. */
static int wanted(const tg_ap_srv_conf_t *sc, const tg_observation_t *obs)
{
    if (!tg_observation_complete(obs))
        return 1;
    if (sc->events == TG_EVENTS_ALL)
        return 1;
    if (sc->events == TG_EVENTS_SAMPLE && sc->sample > 0)
        return apr_atomic_inc32(&successes) % sc->sample == 0;
    return 0;
}

/* The record becomes its event, once: classified, counted, written. */
static void conclude(tg_ap_conn_t *st)
{
    conn_rec *c = st->c;
    char line[TG_EVENT_LINE_MAX];

    tg_ossl_observe_finish(&st->observer, NULL);
    tg_ap_report_close(c); /* before the handshake's own event */
    st->observing = 0; /* one event per connection */
    note_guard(st);
    tg_ap_srv_conf_t *sc = tg_ap_conf_srv(st->server);
    const char *mode = tg_ap_conn_mode(st->server);
    st->obs.end_us = now_us();
    st->obs.vhost = st->server->server_hostname;
    st->obs.policy = strcmp(mode, "off") != 0 ? sc->policy.profile->name : NULL;
    tg_event_ctx_t ctx = {
        .md5 = tg_ossl_md5,
        .sha256 = tg_ossl_sha256,
        .mode = mode,
        .version = TG_VERSION,
        .policy = strcmp(mode, "enforce") == 0 ? &sc->policy : NULL,
    };
    /* Classify and count every handshake; fingerprint and encode only what
     * a sink is to get. */
    tg_event_t ev;
    tg_event_prepare(&ev, &st->obs, &ctx);
    tg_ap_metrics_count_handshake(sc->metrics_vhost, &ev.verdict, &st->obs);
    if (!sc->sink || !wanted(sc, &st->obs))
        return;
    if (!ev.verdict.success && !tg_ap_eventrate_allow(sc, ev.verdict.reason))
        return; /* counted; summarized by tg_apache_eventrate.c */
    size_t len = tg_event_encode(&ev, &ctx, line, sizeof(line));
    if (len > 0)
        tg_ap_sink_write(sc->sink, st->server, line, len);
}

int tg_ap_conn_pre_close(conn_rec *c)
{
    tg_ap_conn_t *st = ap_get_module_config(c->conn_config, &tlsguard_module);

    if (st && st->observing)
        conclude(st);
    return DECLINED;
}

/* An ungraceful stop: a connection whose thread waits in a handshake read
 * would end without its event (tg_apache_stop.h). */
static int take_at_stop(void *record)
{
    tg_ap_conn_t *st = record;
    tg_ap_rawin_state_t was = tg_ap_rawin_take(&st->rawin);

    if (was == TG_RAWIN_READING && st->observing)
        conclude(st);
    return was != TG_RAWIN_RUNNING;
}

void tg_ap_conn_child_init(apr_pool_t *pchild, server_rec *s)
{
    (void)s;
    tg_ap_stop_child_init(pchild, take_at_stop);
}
