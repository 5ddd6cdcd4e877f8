/* Audit and watch events: JSON lines through the tg_json writer. */
#include "tg_audit_event.h"

#include <stdio.h>
#include <string.h>

#include "tg_event.h"
#include "tg_json.h"

#define US_PER_S INT64_C(1000000)
#define S_PER_DAY INT64_C(86400)
#define TAIL 20 /* ,"truncated":true}} and the newline */

int64_t tg_audit_days_left(int64_t now_us, int64_t not_after)
{
    int64_t secs = not_after - now_us / US_PER_S;
    /* floor: a certificate that ends in 23 hours has 0 days left */
    return secs >= 0 ? secs / S_PER_DAY : -((-secs + S_PER_DAY - 1) / S_PER_DAY);
}

void tg_audit_add_dev(tg_audit_t *a, const char *rule, const char *detail)
{
    if (a->n_devs < TG_AUDIT_MAX_DEVS) {
        a->devs[a->n_devs].rule = rule;
        snprintf(a->devs[a->n_devs].detail, sizeof(a->devs[a->n_devs].detail), "%s", detail);
    }
    a->n_devs++;
}

const char *tg_watch_action(int64_t days_left, int warn_days)
{
    if (days_left < 0)
        return "certificate-expired";
    return days_left < warn_days ? "certificate-expiring" : NULL;
}

static void field_time(tg_json_t *j, const char *key, int64_t secs)
{
    char t[TG_EVENT_TIME_SIZE];
    tg_event_format_time(secs * US_PER_S, t);
    tg_json_field_str(j, key, t);
}

static void field_nonempty(tg_json_t *j, const char *key, const char *s)
{
    if (s && s[0])
        tg_json_field_str(j, key, s);
}

/* "key":{"field":"value"} */
static void object_str(tg_json_t *j, const char *key, const char *field, const char *value)
{
    tg_json_key(j, key);
    tg_json_begin_object(j);
    tg_json_field_str(j, field, value);
    tg_json_end_object(j);
}

/* @timestamp, ecs, event, observer. */
static void header(tg_json_t *j, int64_t now_us, const char *kind, const char *action,
                   const char *dataset, const char *version)
{
    char t[TG_EVENT_TIME_SIZE];
    tg_event_format_time(now_us, t);
    tg_json_field_str(j, "@timestamp", t);
    object_str(j, "ecs", "version", TG_EVENT_ECS_VERSION);
    tg_json_key(j, "event");
    tg_json_begin_object(j);
    tg_json_field_str(j, "kind", kind);
    tg_json_key(j, "category");
    tg_json_begin_array(j);
    tg_json_str(j, "configuration");
    tg_json_end_array(j);
    tg_json_key(j, "type");
    tg_json_begin_array(j);
    tg_json_str(j, "info");
    tg_json_end_array(j);
    tg_json_field_str(j, "action", action);
    tg_json_field_str(j, "dataset", dataset);
    tg_json_end_object(j);
    tg_json_key(j, "observer");
    tg_json_begin_object(j);
    tg_json_field_str(j, "product", "mod_tlsguard");
    if (version)
        tg_json_field_str(j, "version", version);
    tg_json_end_object(j);
}

static void sans(tg_json_t *j, const char *key, const tg_audit_cert_t *c)
{
    tg_json_key(j, key);
    tg_json_begin_array(j);
    for (unsigned i = 0; i < c->n_sans; i++)
        tg_json_str(j, c->sans[i]);
    tg_json_end_array(j);
}

/* tls.server.* (ECS) for one leaf certificate. */
static void tls_server(tg_json_t *j, const tg_audit_cert_t *c)
{
    tg_json_key(j, "tls");
    tg_json_begin_object(j);
    tg_json_key(j, "server");
    tg_json_begin_object(j);
    tg_json_field_str(j, "subject", c->subject);
    tg_json_field_str(j, "issuer", c->issuer);
    field_time(j, "not_before", c->key.not_before);
    field_time(j, "not_after", c->key.not_after);
    object_str(j, "hash", "sha256", c->sha256);
    tg_json_key(j, "x509");
    tg_json_begin_object(j);
    object_str(j, "subject", "distinguished_name", c->subject);
    object_str(j, "issuer", "distinguished_name", c->issuer);
    tg_json_field_str(j, "serial_number", c->serial);
    field_time(j, "not_before", c->key.not_before);
    field_time(j, "not_after", c->key.not_after);
    tg_json_field_str(j, "public_key_algorithm", c->key_type);
    tg_json_field_uint(j, "public_key_size", c->key.bits);
    field_nonempty(j, "public_key_curve", c->curve);
    tg_json_field_str(j, "signature_algorithm", c->sig_alg);
    sans(j, "alternative_names", c);
    tg_json_end_object(j);
    tg_json_end_object(j);
    tg_json_end_object(j);
}

static const tg_audit_cert_t *first_leaf(const tg_audit_t *a)
{
    for (unsigned i = 0; i < a->n_certs; i++) {
        if (a->certs[i].leaf)
            return &a->certs[i];
    }
    return NULL;
}

/* One certificate of tlsguard.certificates (the whole chain, compact). */
static void cert_item(tg_json_t *j, const tg_audit_cert_t *c, int64_t now_us)
{
    tg_json_begin_object(j);
    tg_json_field_str(j, "role", c->leaf ? "leaf" : "chain");
    tg_json_field_str(j, "subject", c->subject);
    tg_json_field_str(j, "issuer", c->issuer);
    tg_json_field_str(j, "serial", c->serial);
    tg_json_field_str(j, "key_type", c->key_type);
    tg_json_field_uint(j, "key_bits", c->key.bits);
    field_nonempty(j, "curve", c->curve);
    tg_json_field_str(j, "signature_algorithm", c->sig_alg);
    field_time(j, "not_before", c->key.not_before);
    field_time(j, "not_after", c->key.not_after);
    tg_json_field_int(j, "days_left", tg_audit_days_left(now_us, c->key.not_after));
    tg_json_field_str(j, "sha256", c->sha256);
    if (c->leaf)
        sans(j, "san", c);
    tg_json_end_object(j);
}

static void settings(tg_json_t *j, const tg_audit_t *a)
{
    tg_json_field_str(j, "versions", a->versions);
    tg_json_field_str(j, "ciphers", a->ciphers12 ? a->ciphers12 : "");
    tg_json_field_str(j, "cipher_suites", a->suites13 ? a->suites13 : "");
    tg_json_field_str(j, "groups", a->groups);
    if (a->skipped_groups && a->skipped_groups[0]) {
        tg_json_key(j, "skipped_groups");
        tg_json_begin_object(j);
        tg_json_field_str(j, "names", a->skipped_groups);
        if (a->skipped_since)
            tg_json_field_str(j, "added_in", a->skipped_since);
        tg_json_end_object(j);
    }
    tg_json_key(j, "options");
    tg_json_begin_array(j);
    for (unsigned i = 0; i < a->n_options; i++) {
        tg_json_begin_object(j);
        tg_json_field_str(j, "name", a->options[i].name);
        tg_json_field_str(j, "state", a->options[i].weakened ? "weakened" : "profile");
        tg_json_field_bool(j, "reset", a->options[i].reset);
        tg_json_end_object(j);
    }
    tg_json_end_array(j);
    tg_json_field_bool(j, "session_tickets", a->session_tickets);
    tg_json_field_str(j, "session_cache", a->session_cache);
    tg_json_field_bool(j, "ocsp_stapling", a->ocsp_stapling);
    tg_json_field_str(j, "hsts", a->hsts ? a->hsts : "off");
}

static void names_and_chain(tg_json_t *j, const tg_audit_t *a)
{
    tg_json_key(j, "names");
    tg_json_begin_array(j);
    for (unsigned i = 0; i < a->n_names; i++) {
        tg_json_begin_object(j);
        tg_json_field_str(j, "name", a->names[i]);
        tg_json_field_bool(j, "covered", a->covered[i]);
        tg_json_end_object(j);
    }
    tg_json_end_array(j);
    tg_json_key(j, "chain");
    tg_json_begin_object(j);
    tg_json_field_bool(j, "verified", a->chain_verified);
    field_nonempty(j, "error", a->chain_error);
    field_nonempty(j, "missing_issuer", a->missing_issuer);
    tg_json_end_object(j);
}

static void deviations(tg_json_t *j, const tg_audit_t *a)
{
    unsigned n = a->n_devs < TG_AUDIT_MAX_DEVS ? a->n_devs : TG_AUDIT_MAX_DEVS;
    tg_json_key(j, "deviations");
    tg_json_begin_array(j);
    for (unsigned i = 0; i < n; i++) {
        tg_json_begin_object(j);
        tg_json_field_str(j, "rule", a->devs[i].rule);
        tg_json_field_str(j, "detail", a->devs[i].detail);
        tg_json_end_object(j);
    }
    tg_json_end_array(j);
}

static size_t finish(tg_json_t *j, int truncated)
{
    tg_json_set_reserve(j, 1);
    if (truncated || tg_json_truncated(j))
        tg_json_field_bool(j, "truncated", true);
    tg_json_end_object(j); /* tlsguard */
    tg_json_end_object(j);
    long n = tg_json_finish_line(j);
    return n > 0 ? (size_t)n : 0;
}

size_t tg_audit_encode(const tg_audit_t *a, char *line, size_t cap)
{
    tg_json_t j;
    const tg_audit_cert_t *leaf = first_leaf(a);
    tg_json_init(&j, line, cap);
    tg_json_set_reserve(&j, TAIL);
    tg_json_begin_object(&j);
    header(&j, a->now_us, "state", "tls-config-audit", "tlsguard.audit", a->version);
    if (leaf)
        tls_server(&j, leaf);
    tg_json_key(&j, "tlsguard");
    tg_json_begin_object(&j);
    tg_json_field_str(&j, "vhost", a->vhost);
    tg_json_field_str(&j, "policy", a->policy);
    tg_json_field_str(&j, "mode", a->mode);
    tg_json_key(&j, "audit");
    tg_json_begin_object(&j);
    deviations(&j, a); /* first: a cut never costs them */
    settings(&j, a);
    names_and_chain(&j, a);
    tg_json_key(&j, "certificates");
    tg_json_begin_array(&j);
    for (unsigned i = 0; i < a->n_certs; i++)
        cert_item(&j, &a->certs[i], a->now_us);
    tg_json_end_array(&j);
    tg_json_end_object(&j);
    return finish(&j, a->n_devs > TG_AUDIT_MAX_DEVS);
}

size_t tg_watch_encode(const tg_watch_t *w, char *line, size_t cap)
{
    tg_json_t j;
    int64_t days = tg_audit_days_left(w->now_us, w->cert->key.not_after);
    const char *action = tg_watch_action(days, w->warn_days);
    tg_json_init(&j, line, cap);
    tg_json_set_reserve(&j, TAIL);
    tg_json_begin_object(&j);
    header(&j, w->now_us, "event", action ? action : "certificate-expiring",
           "tlsguard.certificate", w->version);
    tg_json_key(&j, "process");
    tg_json_begin_object(&j);
    tg_json_field_int(&j, "pid", w->pid);
    tg_json_end_object(&j);
    tls_server(&j, w->cert);
    tg_json_key(&j, "tlsguard");
    tg_json_begin_object(&j);
    tg_json_field_str(&j, "vhost", w->vhost);
    tg_json_field_str(&j, "policy", w->policy);
    tg_json_key(&j, "certificate");
    tg_json_begin_object(&j);
    tg_json_field_str(&j, "role", w->cert->leaf ? "leaf" : "chain");
    tg_json_field_int(&j, "days_left", days);
    tg_json_field_int(&j, "warn_days", w->warn_days);
    tg_json_end_object(&j);
    return finish(&j, 0);
}
