/* Handshake and event counters, shared by every child process.
 *
 * One anonymous shared memory segment, created by the parent at its first
 * post_config and kept in the process pool: every child of every
 * generation (event, worker, prefork) adds to the same counters, so a
 * graceful restart (or a plain restart, which keeps the parent) loses
 * nothing and resets nothing; only stopping httpd does. The handshake path
 * only adds, with C11 atomics (relaxed: counters order nothing), never a
 * lock or a wait.
 *
 * Label sets are bounded, and fixed by the configuration and the code:
 *   vhost         "ServerName:port" of each virtual host, at most
 *                 TG_METRICS_VHOSTS - 1 distinct ones in the life of the
 *                 parent; the rest share vhost="(other)"
 *   reason, stage tg_classify's closed sets
 *   outcome       success, failure
 *   version x cipher x group  of successful handshakes: at most
 *                 TG_METRICS_SUITES - 1 distinct combinations, the rest
 *                 count under version="(other)",cipher="(other)",group="(other)"
 *   report_policy the profile table's rows
 *   sink          each TLSGuardEventLog argument, at most TG_METRICS_SINKS - 1
 * Names become labels through tg_metric_label (UTF-8, at most
 * TG_METRICS_LABEL_MAX - 1 bytes, a long one cut and ended by a hash).
 * The exposition (tg_apache_metrics_page.c) names them; README.md lists
 * every metric. */
#ifndef TG_APACHE_METRICS_H
#define TG_APACHE_METRICS_H

#include <httpd.h>
#include <stdatomic.h>
#include <stdint.h>

#include "tg_classify.h"
#include "tg_observation.h"
#include "tg_profile.h"

#define TG_METRICS_VHOSTS 256  /* vhost slots; slot 0 is "(other)" */
#define TG_METRICS_SINKS 64    /* sink slots; slot 0 is "(other)" */
#define TG_METRICS_SUITES 128  /* success combinations; the last is "(other)" */
#define TG_METRICS_POLICIES 8  /* report policies: profile rows; the last is "(other)" */
#define TG_METRICS_LABEL_MAX 128
#define TG_METRICS_OTHER "(other)"

typedef _Atomic uint64_t tg_ap_counter_t;

typedef enum { TG_OUTCOME_SUCCESS = 0, TG_OUTCOME_FAILURE, TG_OUTCOME_COUNT } tg_ap_outcome_t;

/* What became of a handshake event a sink was meant to get. */
typedef enum {
    TG_EVENTS_WRITTEN = 0,
    TG_EVENTS_SUPPRESSED, /* TLSGuardEventRate: counted, never encoded */
    TG_EVENTS_DROPPED,    /* the sink could not take it (full pipe, dead logger) */
    TG_EVENTS_FATE_COUNT
} tg_ap_event_fate_t;

/* TLSGuardEventRate's state of one vhost slot, shared by every child
 * (tg_apache_eventrate.c owns it). */
typedef struct tg_ap_rate_state_t {
    _Atomic uint64_t tat_ns;  /* the bucket: theoretical arrival time */
    _Atomic uint64_t due_ns;  /* next events-suppressed summary */
    tg_ap_counter_t pending[TG_REASON_COUNT]; /* suppressed since the last summary */
} tg_ap_rate_state_t;

typedef struct tg_ap_metrics_vhost_t {
    char label[TG_METRICS_LABEL_MAX];
    tg_ap_counter_t handshakes[TG_OUTCOME_COUNT];
    tg_ap_counter_t failures[TG_REASON_COUNT][TG_STAGE_COUNT];
    tg_ap_counter_t would_reject[TG_REASON_COUNT][TG_METRICS_POLICIES];
    tg_ap_rate_state_t rate;
} tg_ap_metrics_vhost_t;

typedef struct tg_ap_metrics_sink_t {
    char label[TG_METRICS_LABEL_MAX];
    tg_ap_counter_t events[TG_EVENTS_FATE_COUNT];
} tg_ap_metrics_sink_t;

/* key: 0 (free) or 1 + (version << 32 | cipher << 16 | group). */
typedef struct tg_ap_metrics_suite_t {
    _Atomic uint64_t key;
    tg_ap_counter_t count;
} tg_ap_metrics_suite_t;

typedef struct tg_ap_metrics_t {
    uint64_t magic;        /* the layout: a module with another one makes a new segment */
    int64_t created_us;    /* when the parent created it (tlsguard_start_time_seconds) */
    unsigned n_vhosts;     /* slots given out (by the parent alone, at post_config) */
    unsigned n_sinks;
    tg_ap_metrics_vhost_t vhosts[TG_METRICS_VHOSTS];
    tg_ap_metrics_sink_t sinks[TG_METRICS_SINKS];
    tg_ap_metrics_suite_t suites[TG_METRICS_SUITES];
} tg_ap_metrics_t;

/* open_logs, after the sinks are open (parent, every start and restart):
 * find or create the segment, give every vhost
 * (tg_ap_srv_conf_t.metrics_vhost) and every sink (tg_ap_sink_t.metrics_slot)
 * its slot, by label; before any post_config, so the start-up audit's
 * lines are counted too. */
int tg_ap_metrics_open_logs(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                              server_rec *s);

/* The segment (readers: the exposition); NULL before post_config. */
const tg_ap_metrics_t *tg_ap_metrics(void);
/* One vhost slot's counters and rate state, for the event rate limiter. */
tg_ap_metrics_vhost_t *tg_ap_metrics_vhost(unsigned slot);

/* Handshake path: one finished connection, its verdict and what it
 * negotiated (obs->version, cipher, group on success). */
void tg_ap_metrics_count_handshake(unsigned vhost_slot, const tg_verdict_t *verdict,
                                   const tg_observation_t *obs);

/* Report mode: a handshake the vhost served that report_policy would have
 * refused for reason. Counts tlsguard_would_reject_total{vhost, reason,
 * report_policy}; a profile outside the table (or beyond
 * TG_METRICS_POLICIES - 1 rows) counts as report_policy="(other)".
 * Lock-free; call it once per handshake and policy, from any thread. */
void tg_ap_metrics_count_would_reject(const server_rec *vhost, tg_reason_t reason,
                                      const tg_profile_t *report_policy);

/* A sink's event: written, suppressed or dropped. */
void tg_ap_metrics_count_event(unsigned sink_slot, tg_ap_event_fate_t fate);

/* The label of a success combination (static strings or buf). */
void tg_ap_metrics_suite_labels(uint64_t key, const char **version, const char **cipher,
                                const char **group, char *buf, size_t len);

/* The report_policy label of column i of would_reject. */
const char *tg_ap_metrics_policy_label(unsigned i);

#endif
