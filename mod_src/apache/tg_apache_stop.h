/* Handshakes under way when a child process is stopped ungracefully
 * (apachectl stop or restart): their events are written before it exits.
 *
 * An ungraceful stop closes the worker sockets and joins the threads, but a
 * thread blocked in a handshake read stays blocked until the read times out,
 * and httpd kills the process a few seconds later: its connection would end
 * without an event. Each observed connection is therefore on this process's
 * list while it lives, and the child_stopping hook concludes those whose
 * thread is blocked in a read below mod_ssl (tg_ap_rawin_take): the event is
 * written by the stopping thread, with what was seen up to then. */
#ifndef TG_APACHE_STOP_H
#define TG_APACHE_STOP_H

#include <httpd.h>

typedef struct tg_ap_stop_node_t {
    struct tg_ap_stop_node_t *prev, *next;
    void *record;
} tg_ap_stop_node_t;

/* Concludes record if its thread is blocked in a read (the record is then
 * the caller's): 1 when done, 0 when the thread is running. */
typedef int tg_ap_stop_take_fn(void *record);

/* child_init: the list's lock (threaded MPMs) and the function that
 * concludes a record. */
void tg_ap_stop_child_init(apr_pool_t *pchild, tg_ap_stop_take_fn *take);

/* A connection's record joins the list when it is observed and leaves it in
 * a cleanup of its pool. */
void tg_ap_stop_track(apr_pool_t *conn_pool, tg_ap_stop_node_t *node, void *record);

/* child_stopping: on an ungraceful stop, conclude every record whose thread
 * is blocked in a read. */
void tg_ap_stop_child_stopping(apr_pool_t *pchild, int graceful);

/* For a thread whose read returned after its record was taken: returns once
 * the stopping thread is done with the record. */
void tg_ap_stop_wait_taken(void);

#endif
