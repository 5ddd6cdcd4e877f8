/* TLSGuardEventRate. The bucket of each vhost is one 64-bit number in the
 * shared segment (tg_ap_rate_state_t), taken with a compare-and-swap over
 * tg_ratelimit_take(): the limit holds for the whole server, whatever the
 * MPM and the number of children. A suppressed failure costs an atomic
 * add; the summary thread of each child (at most one writes per vhost and
 * interval, by a compare-and-swap on due_ns) swaps the pending counts to
 * zero and writes one events-suppressed line to the vhost's sink. Pending
 * counts live in the segment, so a restart carries them to the next
 * generation's summaries; a child that exits writes what is pending then,
 * due or not, so a stop loses none of them. A child of a generation that a
 * restart has replaced writes no summary at all, exiting or not: its sinks
 * are the old configuration's (a piped logger the restart stopped would
 * take the counts to a broken pipe), and the new generation's children
 * summarize what it leaves. */
#include "tg_apache_eventrate.h"

#include <apr_strings.h>
#include <apr_thread_cond.h>
#include <apr_thread_mutex.h>
#include <apr_thread_proc.h>
#include <ap_mpm.h>
#include <http_log.h>
#include <pthread.h>
#include <scoreboard.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "tg_apache_conf.h"
#include "tg_apache_metrics.h"
#include "tg_apache_sink.h"
#include "tg_event.h"
#include "tg_suppressed_event.h"
#include "tg_version.h"

APLOG_USE_MODULE(tlsguard);

static struct {
    unsigned interval_s;
    int stop;                /* under mu */
    apr_thread_mutex_t *mu;  /* with cv: the thread sleeps until due or stopped */
    apr_thread_cond_t *cv;
    apr_thread_t *thread;
    server_rec *s;
} sum = {TG_EVENTRATE_SUMMARY_INTERVAL, 0, NULL, NULL, NULL, NULL};

const char *tg_ap_eventrate_cmd(cmd_parms *cmd, void *dc, const char *rate, const char *kw,
                                const char *burst)
{
    tg_ap_srv_conf_t *sc = tg_ap_conf_srv(cmd->server);
    char err[160];
    (void)dc;
    if (tg_ratelimit_parse(rate, kw, burst, &sc->event_rate, err, sizeof(err)) != 0)
        return apr_psprintf(cmd->pool, "%s: %s (%s, %s:%d)", cmd->cmd->name, err,
                            tg_ap_conf_where(cmd->pool, cmd->server), cmd->directive->filename,
                            cmd->directive->line_num);
    sc->event_rate_set = 1;
    return NULL;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* one clock for every process */
    return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

int tg_ap_eventrate_allow(const tg_ap_srv_conf_t *sc, tg_reason_t reason)
{
    tg_ap_metrics_vhost_t *v = tg_ap_metrics_vhost(sc->metrics_vhost);
    const tg_ratelimit_t *rl = &sc->event_rate;
    uint64_t now, tat, next;

    if (!v || rl->interval_ns == 0)
        return 1;
    now = now_ns();
    tat = atomic_load_explicit(&v->rate.tat_ns, memory_order_relaxed);
    do {
        if (!tg_ratelimit_take(rl, tat, now, &next)) {
            unsigned r = (unsigned)reason < TG_REASON_COUNT ? (unsigned)reason
                                                             : (unsigned)TG_REASON_OTHER;
            atomic_fetch_add_explicit(&v->rate.pending[r], 1, memory_order_relaxed);
            if (sc->sink)
                tg_ap_metrics_count_event(sc->sink->metrics_slot, TG_EVENTS_SUPPRESSED);
            return 0;
        }
    } while (!atomic_compare_exchange_weak(&v->rate.tat_ns, &tat, next));
    return 1;
}

void tg_ap_eventrate_configure(server_rec *s, int quiet)
{
    const char *v = getenv(TG_EVENTRATE_SUMMARY_INTERVAL_ENV);
    char *end;

    sum.interval_s = TG_EVENTRATE_SUMMARY_INTERVAL;
    if (!v)
        return;
    long n = strtol(v, &end, 10);
    if (*v && !*end && n >= 1 && n <= 3600)
        sum.interval_s = (unsigned)n;
    else if (!quiet)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "TLSGUARD-051: %s=\"%s\" is not a number of seconds from 1 to 3600: "
                     "events-suppressed events come at most every %d s",
                     TG_EVENTRATE_SUMMARY_INTERVAL_ENV, v, TG_EVENTRATE_SUMMARY_INTERVAL);
}

/* A restart since this child started: its configuration is no longer
 * the server's. */
static int replaced_generation(void)
{
    int mine;

    if (!ap_scoreboard_image || !ap_scoreboard_image->global
        || ap_mpm_query(AP_MPMQ_GENERATION, &mine) != APR_SUCCESS)
        return 0;
    return mine != ap_scoreboard_image->global->running_generation;
}

/* Write v's summary if one is due and this process wins it, or, at exit
 * (final), whatever is pending. Each pending count is swapped to zero by
 * exactly one writer, so no count goes into two lines. */
static void summarize(server_rec *vs, const tg_ap_srv_conf_t *sc, tg_ap_metrics_vhost_t *v,
                      uint64_t now, int final)
{
    tg_suppressed_t s = {0};
    char limit[64], line[TG_EVENT_LINE_MAX];
    uint64_t due = atomic_load(&v->rate.due_ns), any = 0;

    for (unsigned r = 0; r < TG_REASON_COUNT; r++)
        any |= atomic_load_explicit(&v->rate.pending[r], memory_order_relaxed);
    if (!any)
        return;
    if (!final && (now < due || !atomic_compare_exchange_strong(
                                    &v->rate.due_ns, &due,
                                    now + (uint64_t)sum.interval_s * 1000000000u)))
        return;
    for (unsigned r = 0; r < TG_REASON_COUNT; r++)
        s.counts[r] = atomic_exchange(&v->rate.pending[r], 0);
    if (tg_suppressed_total(&s) == 0)
        return; /* another child wrote them first */
    s.now_us = (int64_t)apr_time_now();
    s.version = TG_VERSION;
    s.vhost = vs->server_hostname;
    s.limit = tg_ratelimit_describe(&sc->event_rate, limit, sizeof(limit));
    s.interval_s = sum.interval_s;
    s.pid = (long)getpid();
    size_t len = tg_suppressed_encode(&s, line, sizeof(line));
    if (len > 0)
        tg_ap_sink_write(sc->sink, vs, line, len);
}

static void summarize_all(int final)
{
    unsigned char seen[TG_METRICS_VHOSTS] = {0};
    uint64_t now = now_ns();

    if (replaced_generation())
        return; /* the new generation's children write what is pending */
    for (server_rec *vs = sum.s; vs; vs = vs->next) {
        const tg_ap_srv_conf_t *sc = tg_ap_conf_srv(vs);
        tg_ap_metrics_vhost_t *v = tg_ap_metrics_vhost(sc->metrics_vhost);
        if (!sc->sink || !v || seen[sc->metrics_vhost])
            continue;
        seen[sc->metrics_vhost] = 1;
        summarize(vs, sc, v, now, final);
    }
}

static void *APR_THREAD_FUNC summary_main(apr_thread_t *thd, void *data)
{
    /* a quarter of the interval: a summary is at most that late */
    apr_interval_time_t step = apr_time_from_msec(sum.interval_s * 250);
    (void)thd;
    (void)data;
    apr_thread_mutex_lock(sum.mu);
    while (!sum.stop) {
        apr_thread_cond_timedwait(sum.cv, sum.mu, step);
        if (sum.stop)
            break;
        apr_thread_mutex_unlock(sum.mu);
        summarize_all(0);
        apr_thread_mutex_lock(sum.mu);
    }
    apr_thread_mutex_unlock(sum.mu);
    return NULL;
}

static apr_status_t stop_thread(void *data)
{
    apr_status_t rv;
    (void)data;
    if (sum.thread) {
        apr_thread_mutex_lock(sum.mu);
        sum.stop = 1;
        apr_thread_cond_signal(sum.cv);
        apr_thread_mutex_unlock(sum.mu);
        apr_thread_join(&rv, sum.thread);
        sum.thread = NULL;
        summarize_all(1); /* what no interval summarized yet */
    }
    return APR_SUCCESS;
}

void tg_ap_eventrate_child_init(apr_pool_t *pchild, server_rec *s)
{
    const apr_array_header_t *sinks = tg_ap_sink_all();
    sigset_t all, old;
    apr_status_t rv;

    if (!sinks || sinks->nelts == 0 || !tg_ap_metrics())
        return;
    sum.s = s;
    rv = apr_thread_mutex_create(&sum.mu, APR_THREAD_MUTEX_DEFAULT, pchild);
    if (rv == APR_SUCCESS)
        rv = apr_thread_cond_create(&sum.cv, pchild);
    if (rv == APR_SUCCESS) {
        apr_pool_pre_cleanup_register(pchild, NULL, stop_thread);
        sigfillset(&all); /* httpd's signals are for the MPM's threads */
        pthread_sigmask(SIG_BLOCK, &all, &old);
        rv = apr_thread_create(&sum.thread, NULL, summary_main, NULL, pchild);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    if (rv != APR_SUCCESS) {
        sum.thread = NULL;
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                     "TLSGUARD-052: cannot start the thread that writes events-suppressed "
                     "events: this process writes none (the counters still count)");
    }
}
