/* Reports of events the sinks could not write (TLSGUARD-030). */
#ifndef TG_APACHE_SINK_REPORT_H
#define TG_APACHE_SINK_REPORT_H

#include <httpd.h>

/* Seconds between two reports of one sink in one process, unless the
 * environment says otherwise (a knob for tests). */
#define TG_SINK_REPORT_INTERVAL 60
#define TG_SINK_REPORT_INTERVAL_ENV "TLSGUARD_REPORT_INTERVAL"

/* Parent, every (re)start: read the interval. quiet: the dry-run pass. */
void tg_ap_sink_report_configure(server_rec *s, int quiet);

/* child_init hook: start this process's reporter thread, and report what
 * is left when the process exits (graceful restart, shutdown, recycling). */
void tg_ap_sink_report_child_init(apr_pool_t *pchild, server_rec *s);

/* Handshake path, after a drop was counted: wake the reporter. Lock-free,
 * never waits (at most one byte on a non-blocking pipe per wake-up). */
void tg_ap_sink_report_wake(void);

#endif
