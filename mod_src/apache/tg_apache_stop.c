/* Handshakes under way at an ungraceful stop (see tg_apache_stop.h).
 *
 * Threaded MPMs: the list is guarded by a mutex, held while the stopping
 * thread concludes records, so a thread whose read returns meanwhile waits
 * for it (tg_ap_stop_wait_taken) before its connection's memory can go.
 * Prefork: one connection per process and no lock; the stop runs in the
 * signal handler that interrupted the read, so the list's head is published
 * only once its node is whole. */
#include "tg_apache_stop.h"

#include <ap_mpm.h>
#include <apr_thread_mutex.h>
#include <apr_time.h>
#include <stdatomic.h>

/* A thread busy between two reads blocks in the next one a moment later. */
#define SWEEPS 10
#define SWEEP_PAUSE_US 20000

static struct {
    tg_ap_stop_node_t *head;
    apr_thread_mutex_t *mu; /* NULL with one thread per process */
    tg_ap_stop_take_fn *take;
    int enabled;
} live;

static void lock(void)
{
    if (live.mu)
        apr_thread_mutex_lock(live.mu);
}

static void unlock(void)
{
    if (live.mu)
        apr_thread_mutex_unlock(live.mu);
}

void tg_ap_stop_child_init(apr_pool_t *pchild, tg_ap_stop_take_fn *take)
{
    int threaded = AP_MPMQ_NOT_SUPPORTED;

    live.head = NULL;
    live.mu = NULL;
    live.take = take;
    if (ap_mpm_query(AP_MPMQ_IS_THREADED, &threaded) != APR_SUCCESS)
        threaded = AP_MPMQ_STATIC; /* unknown: lock */
    live.enabled = threaded == AP_MPMQ_NOT_SUPPORTED
                   || apr_thread_mutex_create(&live.mu, APR_THREAD_MUTEX_DEFAULT, pchild)
                          == APR_SUCCESS;
}

static apr_status_t untrack(void *data)
{
    tg_ap_stop_node_t *n = data;

    lock();
    if (n->prev)
        n->prev->next = n->next;
    else
        live.head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    unlock();
    return APR_SUCCESS;
}

void tg_ap_stop_track(apr_pool_t *conn_pool, tg_ap_stop_node_t *node, void *record)
{
    if (!live.enabled)
        return;
    node->record = record;
    node->prev = NULL;
    lock();
    node->next = live.head;
    if (live.head)
        live.head->prev = node;
    atomic_signal_fence(memory_order_seq_cst); /* whole before a handler can see it */
    live.head = node;
    unlock();
    apr_pool_cleanup_register(conn_pool, node, untrack, apr_pool_cleanup_null);
}

/* One pass over the list: 1 if some record's thread was running. */
static int sweep(void)
{
    int running = 0;

    for (tg_ap_stop_node_t *n = live.head; n; n = n->next) {
        if (!live.take(n->record))
            running = 1;
    }
    return running;
}

void tg_ap_stop_child_stopping(apr_pool_t *pchild, int graceful)
{
    (void)pchild;
    if (graceful || !live.enabled || !live.take)
        return; /* a graceful stop lets each connection end on its own */
    for (int i = 0; i < SWEEPS; i++) {
        lock();
        int running = sweep();
        unlock();
        if (!running || !live.mu) /* one thread: it is the one stopping */
            return;
        apr_sleep(SWEEP_PAUSE_US);
    }
}

void tg_ap_stop_wait_taken(void)
{
    lock();
    unlock();
}
