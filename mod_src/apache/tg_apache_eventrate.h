/* TLSGuardEventRate: a per-vhost token bucket for failure events, shared by
 * every child (its state lives in the shared counters' segment), and the
 * events-suppressed summaries. */
#ifndef TG_APACHE_EVENTRATE_H
#define TG_APACHE_EVENTRATE_H

#include <httpd.h>
#include <http_config.h>

#include "tg_classify.h"

/* Seconds between two events-suppressed events of one vhost, unless the
 * environment says otherwise (a knob for tests). */
#define TG_EVENTRATE_SUMMARY_INTERVAL 60
#define TG_EVENTRATE_SUMMARY_INTERVAL_ENV "TLSGUARD_SUPPRESSED_INTERVAL"

struct tg_ap_srv_conf_t;

/* TLSGuardEventRate <n>/s|<n>/min|<n>/h [burst <m>] | off */
const char *tg_ap_eventrate_cmd(cmd_parms *cmd, void *dc, const char *rate, const char *kw,
                                const char *burst);

/* Handshake path, for a failure the vhost's sink is to get, BEFORE any
 * fingerprint or encoding: 1 to write it, 0 when the bucket is empty (the
 * failure is then added to the next events-suppressed event and to
 * tlsguard_events_suppressed_total). Lock-free, never waits. */
int tg_ap_eventrate_allow(const struct tg_ap_srv_conf_t *sc, tg_reason_t reason);

/* Parent, every (re)start: read the summary interval. quiet: the dry run. */
void tg_ap_eventrate_configure(server_rec *s, int quiet);

/* child_init: this process's summary thread (when any vhost has a sink):
 * it wakes a few times per interval and writes each vhost's
 * events-suppressed event when one is due; one process wins each. */
void tg_ap_eventrate_child_init(apr_pool_t *pchild, server_rec *s);

#endif
