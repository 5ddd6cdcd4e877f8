/* Reports of lost events. The handshake path only counts (tg_apache_sink.c)
 * and, after a drop, wakes this process's reporter thread with one byte on
 * a non-blocking pipe. The thread writes TLSGUARD-030 to the error log: at
 * once for a sink's first drop, then at most once per interval (60 s) and
 * whatever follows, since it sleeps until the next report is due rather
 * than waiting for another failure. When the process exits (graceful
 * restart, shutdown, MaxConnectionsPerChild) a pre-cleanup of the child
 * pool stops the thread and reports what is left. No lock anywhere: the
 * counters are atomics, and only the reporter (or, after it has been
 * joined, the exit cleanup) reads them and writes the report state. */
#include "tg_apache_sink_report.h"

#include <apr_atomic.h>
#include <apr_thread_proc.h>
#include <errno.h>
#include <fcntl.h>
#include <http_log.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "tg_apache_sink.h"

#if !APR_HAS_THREADS
#error "the reporter of lost events needs APR threads"
#endif

APLOG_USE_MODULE(tlsguard);

static struct {
    apr_interval_time_t interval;
    int wake[2];        /* self-pipe: [0] polled by the reporter, [1] written to wake it */
    apr_uint32_t woken; /* a wake-up byte is on its way */
    apr_uint32_t stop;
    apr_thread_t *thread;
} rep = {apr_time_from_sec(TG_SINK_REPORT_INTERVAL), {-1, -1}, 0, 0, NULL};

void tg_ap_sink_report_configure(server_rec *s, int quiet)
{
    const char *v = getenv(TG_SINK_REPORT_INTERVAL_ENV);
    long sec = TG_SINK_REPORT_INTERVAL;
    char *end;

    if (v) {
        long n = strtol(v, &end, 10);
        if (*v && !*end && n >= 1 && n <= 3600)
            sec = n;
        else if (!quiet)
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         "TLSGUARD-035: %s=\"%s\" is not a number of seconds from 1 to 3600: "
                         "lost events are reported at most every %d s",
                         TG_SINK_REPORT_INTERVAL_ENV, v, TG_SINK_REPORT_INTERVAL);
    }
    rep.interval = apr_time_from_sec(sec);
}

static void report(tg_ap_sink_t *sink, apr_uint32_t lost, apr_uint32_t dropped, int exiting)
{
    char buf[128];
    apr_uint32_t err = apr_atomic_read32(&sink->counts.last_error);

    ap_log_error(APLOG_MARK, APLOG_ERR, 0, sink->s,
                 "TLSGUARD-030: TLSGuardEventLog %s: %u event(s) could not be written since "
                 "the last report, last error: %s (this process: %u written, %u lost%s)",
                 sink->spec, lost, tg_ap_sink_error_text(err, buf, sizeof(buf)),
                 apr_atomic_read32(&sink->counts.written), dropped,
                 exiting ? "; exiting" : "");
}

/* Report every sink whose report is due; returns when the next one will be
 * (0: no drop waits for a report). */
static apr_time_t report_due(apr_time_t now, int exiting)
{
    const apr_array_header_t *sinks = tg_ap_sink_all();
    apr_time_t next = 0;

    for (int i = 0; sinks && i < sinks->nelts; i++) {
        tg_ap_sink_t *sink = APR_ARRAY_IDX(sinks, i, tg_ap_sink_t *);
        tg_ap_sink_counts_t *c = &sink->counts;
        apr_uint32_t dropped = apr_atomic_read32(&c->dropped);
        apr_time_t due = c->last_report ? c->last_report + rep.interval : now;

        if (dropped == c->reported)
            continue;
        if (exiting || now >= due) {
            report(sink, dropped - c->reported, dropped, exiting);
            c->reported = dropped;
            c->last_report = now;
        } else if (next == 0 || due < next) {
            next = due;
        }
    }
    return next;
}

/* Sleep until woken or timeout (< 0: no timeout), then empty the pipe. */
static void wait_for_wake(apr_interval_time_t timeout)
{
    struct pollfd pfd = {.fd = rep.wake[0], .events = POLLIN};
    apr_interval_time_t ms = timeout < 0 ? -1 : (timeout + 999) / 1000;
    char buf[16];

    if (poll(&pfd, 1, ms > INT_MAX ? INT_MAX : (int)ms) > 0) {
        while (read(rep.wake[0], buf, sizeof(buf)) > 0)
            ;
    }
}

static void *APR_THREAD_FUNC reporter_main(apr_thread_t *thd, void *data)
{
    (void)thd;
    (void)data;
    while (!apr_atomic_read32(&rep.stop)) {
        /* Cleared before the counters are read: a drop counted after the
         * read finds it clear and wakes us again. */
        apr_atomic_set32(&rep.woken, 0);
        apr_time_t now = apr_time_now();
        apr_time_t next = report_due(now, 0);
        wait_for_wake(next ? next - now : -1);
    }
    return NULL;
}

void tg_ap_sink_report_wake(void)
{
    int fd = rep.wake[1];

    if (fd < 0 || apr_atomic_cas32(&rep.woken, 1, 0) != 0)
        return;
    if (write(fd, "!", 1) != 1)
        apr_atomic_set32(&rep.woken, 0); /* cannot happen with one byte in the pipe */
}

static void close_wake_pipe(void)
{
    for (int i = 0; i < 2; i++) {
        if (rep.wake[i] >= 0)
            close(rep.wake[i]);
        rep.wake[i] = -1;
    }
}

static apr_status_t open_wake_pipe(void)
{
    if (pipe(rep.wake) != 0) {
        rep.wake[0] = rep.wake[1] = -1;
        return APR_FROM_OS_ERROR(errno);
    }
    for (int i = 0; i < 2; i++) {
        int fl = fcntl(rep.wake[i], F_GETFL);
        if (fl < 0 || fcntl(rep.wake[i], F_SETFL, fl | O_NONBLOCK) < 0
            || fcntl(rep.wake[i], F_SETFD, FD_CLOEXEC) < 0) {
            apr_status_t rv = APR_FROM_OS_ERROR(errno);
            close_wake_pipe();
            return rv;
        }
    }
    return APR_SUCCESS;
}

/* A pre-cleanup: it runs before the child pool's subpools (the thread's
 * among them) are destroyed. The wake-up pipe stays open until the process
 * ends: a late worker may still poke it, and must not find the number
 * reused by another descriptor. */
static apr_status_t report_at_exit(void *data)
{
    apr_status_t thread_rv;

    (void)data;
    if (rep.thread) {
        apr_atomic_set32(&rep.stop, 1);
        if (write(rep.wake[1], "!", 1) != 1) {
            /* a wake-up byte is already waiting */
        }
        apr_thread_join(&thread_rv, rep.thread);
        rep.thread = NULL;
    }
    report_due(apr_time_now(), 1);
    return APR_SUCCESS;
}

/* The thread starts with every signal blocked: httpd's signals (graceful
 * stop, shutdown) are for the MPM's threads, which run their handlers. */
static apr_status_t start_reporter(apr_pool_t *pchild)
{
    sigset_t all, old;
    apr_status_t rv;

    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    rv = apr_thread_create(&rep.thread, NULL, reporter_main, NULL, pchild);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rv;
}

void tg_ap_sink_report_child_init(apr_pool_t *pchild, server_rec *s)
{
    const apr_array_header_t *sinks = tg_ap_sink_all();
    apr_status_t rv;

    if (!sinks || sinks->nelts == 0)
        return;
    apr_pool_pre_cleanup_register(pchild, NULL, report_at_exit);
    rv = open_wake_pipe();
    if (rv == APR_SUCCESS)
        rv = start_reporter(pchild);
    if (rv != APR_SUCCESS) {
        rep.thread = NULL;
        close_wake_pipe();
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                     "TLSGUARD-034: cannot start the thread that reports lost events: this "
                     "process reports them only when it exits");
    }
}
