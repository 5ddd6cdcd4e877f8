/* The events-suppressed event (tg_suppressed_event.h). */
#include "tg_suppressed_event.h"

#include "tg_event.h"
#include "tg_json.h"

uint64_t tg_suppressed_total(const tg_suppressed_t *s)
{
    uint64_t n = 0;
    for (unsigned r = 0; r < TG_REASON_COUNT; r++)
        n += s->counts[r];
    return n;
}

static void one_str_array(tg_json_t *j, const char *key, const char *value)
{
    tg_json_key(j, key);
    tg_json_begin_array(j);
    tg_json_str(j, value);
    tg_json_end_array(j);
}

static void header(tg_json_t *j, const tg_suppressed_t *s)
{
    char t[TG_EVENT_TIME_SIZE];
    tg_event_format_time(s->now_us, t);
    tg_json_field_str(j, "@timestamp", t);
    tg_json_key(j, "ecs");
    tg_json_begin_object(j);
    tg_json_field_str(j, "version", TG_EVENT_ECS_VERSION);
    tg_json_end_object(j);
    tg_json_key(j, "event");
    tg_json_begin_object(j);
    tg_json_field_str(j, "kind", "event");
    one_str_array(j, "category", "network");
    one_str_array(j, "type", "info");
    tg_json_field_str(j, "action", "events-suppressed");
    tg_json_field_str(j, "dataset", "tlsguard.suppressed");
    tg_json_end_object(j);
    tg_json_key(j, "observer");
    tg_json_begin_object(j);
    tg_json_field_str(j, "product", "mod_tlsguard");
    if (s->version)
        tg_json_field_str(j, "version", s->version);
    tg_json_end_object(j);
    tg_json_key(j, "process");
    tg_json_begin_object(j);
    tg_json_field_int(j, "pid", s->pid);
    tg_json_end_object(j);
}

size_t tg_suppressed_encode(const tg_suppressed_t *s, char *line, size_t cap)
{
    tg_json_t j;
    tg_json_init(&j, line, cap);
    tg_json_set_reserve(&j, 1);
    tg_json_begin_object(&j);
    header(&j, s);
    tg_json_key(&j, "tlsguard");
    tg_json_begin_object(&j);
    tg_json_field_str(&j, "vhost", s->vhost ? s->vhost : "");
    tg_json_key(&j, "suppressed");
    tg_json_begin_object(&j);
    tg_json_field_uint(&j, "total", tg_suppressed_total(s));
    tg_json_key(&j, "reasons");
    tg_json_begin_object(&j);
    for (unsigned r = 1; r < TG_REASON_COUNT; r++)
        if (s->counts[r])
            tg_json_field_uint(&j, tg_reason_name((tg_reason_t)r), s->counts[r]);
    tg_json_end_object(&j);
    tg_json_field_str(&j, "limit", s->limit ? s->limit : "");
    tg_json_field_uint(&j, "interval_s", s->interval_s);
    tg_json_end_object(&j);
    tg_json_end_object(&j);
    tg_json_end_object(&j);
    long n = tg_json_finish_line(&j);
    return n > 0 && !tg_json_truncated(&j) ? (size_t)n : 0;
}
