/* The shared counters: the segment's life (created once per parent, found
 * again at every restart), slots by label, and the adds of the handshake
 * path. See tg_apache_metrics.h for what survives what. */
#include "tg_apache_metrics.h"

#include <apr_shm.h>
#include <apr_strings.h>
#include <http_config.h>
#include <http_log.h>
#include <string.h>

#include "tg_apache_conf.h"
#include "tg_apache_sink.h"
#include "tg_metric_label.h"
#include "tg_metric_layout.h"
#include "tg_names.h"

APLOG_USE_MODULE(tlsguard);

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "the counters need lock-free 64-bit atomics");

#define SEGMENT_KEY "tlsguard-metrics-segment"

/* The layout in one number: a module whose tables differ (another reason
 * set or order, other names, other bounds) must not read this one's segment. */
#define LAYOUT_SHAPE                                                                        \
    (UINT64_C(0x7467000000000000) ^ ((uint64_t)sizeof(tg_ap_metrics_t) << 16)               \
     ^ ((uint64_t)TG_REASON_COUNT << 8) ^ (uint64_t)TG_STAGE_COUNT)
#define LAYOUT_MAGIC tg_metric_layout_id(LAYOUT_SHAPE, TG_METRICS_POLICIES - 1)

static tg_ap_metrics_t *seg; /* set in the parent, inherited by every child */

const tg_ap_metrics_t *tg_ap_metrics(void)
{
    return seg;
}

tg_ap_metrics_vhost_t *tg_ap_metrics_vhost(unsigned slot)
{
    return seg && slot < TG_METRICS_VHOSTS ? &seg->vhosts[slot] : NULL;
}

/* The process pool outlives every configuration (and this module's DSO,
 * which httpd reloads at each restart): the segment is kept there. */
static tg_ap_metrics_t *find_or_create(server_rec *s)
{
    apr_pool_t *pp = s->process->pool;
    apr_shm_t *shm = NULL;
    apr_status_t rv;

    apr_pool_userdata_get((void **)&shm, SEGMENT_KEY, pp);
    if (shm) {
        tg_ap_metrics_t *m = apr_shm_baseaddr_get(shm);
        if (m->magic == LAYOUT_MAGIC)
            return m;
    }
    rv = apr_shm_create(&shm, sizeof(tg_ap_metrics_t), NULL, pp); /* anonymous */
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     "TLSGUARD-050: cannot create the shared memory of the handshake counters "
                     "(%lu bytes)", (unsigned long)sizeof(tg_ap_metrics_t));
        return NULL;
    }
    tg_ap_metrics_t *m = apr_shm_baseaddr_get(shm);
    memset(m, 0, sizeof(*m));
    m->magic = LAYOUT_MAGIC;
    m->created_us = (int64_t)apr_time_now();
    m->n_vhosts = m->n_sinks = 1; /* slot 0: "(other)" */
    apr_cpystrn(m->vhosts[0].label, TG_METRICS_OTHER, TG_METRICS_LABEL_MAX);
    apr_cpystrn(m->sinks[0].label, TG_METRICS_OTHER, TG_METRICS_LABEL_MAX);
    apr_pool_userdata_set(shm, SEGMENT_KEY, apr_pool_cleanup_null, pp);
    return m;
}

/* The slot of name among labels[0..*n), else a new one while there is
 * room, else 0. Slots are found by the label of the name
 * (tg_metric_label: UTF-8, fits the slot, distinct and the same at every
 * restart for distinct names). Parent only, single-threaded: children read
 * the labels. */
#define CLAIM(arr, max, n, name) claim((char *)(arr), sizeof((arr)[0]), (max), (n), (name))

static unsigned claim(char *base, size_t stride, unsigned max, unsigned *n, const char *name)
{
    char label[TG_METRICS_LABEL_MAX] = {0}; /* copied whole into the slot */

    tg_metric_label(name, label, sizeof(label));
    for (unsigned i = 1; i < *n; i++)
        if (strcmp(base + i * stride, label) == 0)
            return i;
    if (*n >= max)
        return 0;
    memcpy(base + *n * stride, label, sizeof(label));
    return (*n)++;
}

static const char *vhost_label(apr_pool_t *p, const server_rec *v)
{
    unsigned port = v->port ? v->port : (v->addrs ? v->addrs->host_port : 0);
    const char *name = v->server_hostname ? v->server_hostname : "-";
    return port ? apr_psprintf(p, "%s:%u", name, port) : name;
}

int tg_ap_metrics_open_logs(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                              server_rec *s)
{
    const apr_array_header_t *sinks = tg_ap_sink_all();
    (void)pconf;
    (void)plog;

    seg = find_or_create(s);
    if (!seg)
        return HTTP_INTERNAL_SERVER_ERROR;
    for (server_rec *v = s; v; v = v->next)
        tg_ap_conf_srv(v)->metrics_vhost =
            CLAIM(seg->vhosts, TG_METRICS_VHOSTS, &seg->n_vhosts, vhost_label(ptemp, v));
    for (int i = 0; sinks && i < sinks->nelts; i++) {
        tg_ap_sink_t *sink = APR_ARRAY_IDX(sinks, i, tg_ap_sink_t *);
        sink->metrics_slot = CLAIM(seg->sinks, TG_METRICS_SINKS, &seg->n_sinks, sink->spec);
    }
    return OK;
}

static void add(tg_ap_counter_t *c)
{
    atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

/* The counter of a success combination: open addressing over all slots but
 * the last, each claimed once with a compare-and-swap, never freed. */
static tg_ap_counter_t *suite_counter(uint16_t version, uint16_t cipher, uint16_t group)
{
    const unsigned n = TG_METRICS_SUITES - 1;
    uint64_t key = 1 + ((uint64_t)version << 32 | (uint64_t)cipher << 16 | group);
    unsigned h = (unsigned)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 40) % n;

    for (unsigned i = 0; i < n; i++) {
        tg_ap_metrics_suite_t *slot = &seg->suites[(h + i) % n];
        uint64_t seen = atomic_load_explicit(&slot->key, memory_order_acquire);
        if (seen == 0 && atomic_compare_exchange_strong(&slot->key, &seen, key))
            return &slot->count;
        if (seen == key)
            return &slot->count;
    }
    return &seg->suites[n].count;
}

void tg_ap_metrics_count_handshake(unsigned vhost_slot, const tg_verdict_t *verdict,
                                   const tg_observation_t *obs)
{
    tg_ap_metrics_vhost_t *v = tg_ap_metrics_vhost(vhost_slot);

    if (!v)
        return;
    if (verdict->success) {
        add(&v->handshakes[TG_OUTCOME_SUCCESS]);
        add(suite_counter(obs->version, obs->cipher, obs->group));
        return;
    }
    add(&v->handshakes[TG_OUTCOME_FAILURE]);
    unsigned r = (unsigned)verdict->reason < TG_REASON_COUNT ? (unsigned)verdict->reason
                                                             : (unsigned)TG_REASON_OTHER;
    unsigned st = (unsigned)verdict->stage < TG_STAGE_COUNT ? (unsigned)verdict->stage : 0;
    add(&v->failures[r][st]);
}

static unsigned policy_column(const tg_profile_t *p)
{
    for (unsigned i = 0; i < TG_METRICS_POLICIES - 1 && p; i++) {
        const tg_profile_t *row = tg_profile_at(i);
        if (!row)
            break;
        if (row == p)
            return i;
    }
    return TG_METRICS_POLICIES - 1;
}

const char *tg_ap_metrics_policy_label(unsigned i)
{
    const tg_profile_t *row = i < TG_METRICS_POLICIES - 1 ? tg_profile_at(i) : NULL;
    return row ? row->name : TG_METRICS_OTHER;
}

void tg_ap_metrics_count_would_reject(const server_rec *vhost, tg_reason_t reason,
                                      const tg_profile_t *report_policy)
{
    tg_ap_metrics_vhost_t *v = tg_ap_metrics_vhost(tg_ap_conf_srv(vhost)->metrics_vhost);
    unsigned r = (unsigned)reason < TG_REASON_COUNT ? (unsigned)reason : (unsigned)TG_REASON_OTHER;

    if (v)
        add(&v->would_reject[r][policy_column(report_policy)]);
}

void tg_ap_metrics_count_event(unsigned sink_slot, tg_ap_event_fate_t fate)
{
    if (seg && sink_slot < TG_METRICS_SINKS && (unsigned)fate < TG_EVENTS_FATE_COUNT)
        add(&seg->sinks[sink_slot].events[fate]);
}

/* Name from the table, else the code in hex (into its own part of buf). */
static const char *name_or_hex(const char *name, uint16_t code, char *buf)
{
    if (name)
        return name;
    return tg_names_hex(code, buf, 8);
}

void tg_ap_metrics_suite_labels(uint64_t key, const char **version, const char **cipher,
                                const char **group, char *buf, size_t len)
{
    uint64_t k = key - 1;
    uint16_t ver = (uint16_t)(k >> 32), ciph = (uint16_t)(k >> 16), grp = (uint16_t)k;

    if (key == 0 || len < 24) {
        *version = *cipher = *group = TG_METRICS_OTHER;
        return;
    }
    *version = name_or_hex(tg_names_version(ver), ver, buf);
    *cipher = name_or_hex(tg_names_cipher_iana(ciph), ciph, buf + 8);
    *group = grp == 0 ? "none" : name_or_hex(tg_names_group(grp), grp, buf + 16);
}
