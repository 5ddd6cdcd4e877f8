/*
 * tg_event: observation -> one JSON line (see tg_event.h, docs/events.md).
 *
 * Order of the line, chosen so a cut never costs the verdict: header (time,
 * event, endpoints, library error), then tls (with the offered cipher list,
 * capped), then tlsguard (reason and stage first, the client's lists last,
 * each under its own byte budget). While the earlier parts are written, a
 * reserve keeps room for tlsguard's head; the "truncated" flag's bytes and
 * the newline are held back to the very end.
 */
#include "tg_event.h"

#include <stdbool.h>
#include <string.h>

#include "tg_fp_memo.h"
#include "tg_json.h"
#include "tg_names.h"

/* ---- layout budgets (bytes) ------------------------------------------------- */

#define TRUNC_TAIL 18   /* ,"truncated":true and the newline */
#define HEAD_TAIL 560   /* tlsguard's scalars, alerts, messages, ja4 */
#define HOST_TEXT_MAX 256 /* policy, vhost, mode: longer ones may be refused */

/* Per-list caps, so one oversized list cannot starve the others. */
#define BUDGET_CIPHERS 1300
#define BUDGET_VERSIONS 160
#define BUDGET_ALPN 240
#define BUDGET_GROUPS 320
#define BUDGET_KEY_SHARES 160
#define BUDGET_SIGALGS 560
#define BUDGET_EXTENSIONS 600
#define BUDGET_JA3_STRING 700
#define BUDGET_JA4_R 900

/* ---- reason -> ECS event.type ----------------------------------------------- */

static const char *const event_types[TG_REASON_COUNT] = {
    [TG_REASON_NONE] = "allowed",
    [TG_REASON_PROTOCOL_VERSION] = "denied",
    [TG_REASON_NO_SHARED_CIPHER] = "denied",
    [TG_REASON_NO_SHARED_GROUP] = "denied",
    [TG_REASON_NO_SHARED_SIGALG] = "denied",
    [TG_REASON_UNKNOWN_SERVER_NAME] = "denied",
    [TG_REASON_CLIENT_REJECTED_CERTIFICATE] = "end",
    [TG_REASON_CLIENT_CERTIFICATE_INVALID] = "denied",
    [TG_REASON_ALPN_MISMATCH] = "denied",
    [TG_REASON_INAPPROPRIATE_FALLBACK] = "denied",
    [TG_REASON_MALFORMED_HELLO] = "end",
    [TG_REASON_NOT_TLS] = "end",
    [TG_REASON_CLIENT_ABORTED] = "end",
    [TG_REASON_TIMEOUT] = "end",
    [TG_REASON_EMPTY_CONNECTION] = "end",
    [TG_REASON_INTERNAL_ERROR] = "end",
    [TG_REASON_POLICY_UNRESOLVED] = "denied",
    [TG_REASON_RENEGOTIATION_REFUSED] = "denied",
    [TG_REASON_CLIENT_REJECTED_RENEGOTIATION] = "end",
    [TG_REASON_PROTOCOL_VIOLATION] = "end",
    [TG_REASON_BAD_RECORD_MAC] = "end",
    [TG_REASON_DECRYPT_ERROR] = "end",
    [TG_REASON_OTHER] = "end",
};

const char *tg_event_type(tg_reason_t reason)
{
    if ((unsigned)reason >= TG_REASON_COUNT)
        return "end";
    return event_types[reason];
}

/* ---- time --------------------------------------------------------------------- */

#define US_PER_DAY INT64_C(86400000000)
#define MAX_US INT64_C(253402300799999999) /* 9999-12-31T23:59:59.999999Z */

static void put_digits(char *p, unsigned v, int n)
{
    while (n-- > 0) {
        p[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* Proleptic Gregorian date of a day count since 1970-01-01 (days >= 0):
 * shift the year to start in March so the leap day ends it, then split
 * 400-year eras, centuries, 4-year cycles and years. */
static void civil_date(int64_t days, unsigned *y, unsigned *m, unsigned *d)
{
    int64_t z = days + 719468; /* days since 0000-03-01 */
    int64_t era = z / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;

    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (unsigned)(yoe + era * 400) + (*m <= 2);
}

void tg_event_format_time(int64_t us, char *out)
{
    unsigned y, mo, d, secs;
    int64_t days;

    if (us < 0)
        us = 0;
    if (us > MAX_US)
        us = MAX_US;
    days = us / US_PER_DAY;
    civil_date(days, &y, &mo, &d);
    us -= days * US_PER_DAY;
    secs = (unsigned)(us / 1000000);
    memcpy(out, "0000-00-00T00:00:00.000000Z", TG_EVENT_TIME_SIZE);
    put_digits(out, y, 4);
    put_digits(out + 5, mo, 2);
    put_digits(out + 8, d, 2);
    put_digits(out + 11, secs / 3600, 2);
    put_digits(out + 14, secs / 60 % 60, 2);
    put_digits(out + 17, secs % 60, 2);
    put_digits(out + 20, (unsigned)(us % 1000000), 6);
}

/* ---- prepare --------------------------------------------------------------------- */

void tg_event_prepare(tg_event_t *ev, const tg_observation_t *obs,
                      const tg_event_ctx_t *ctx)
{
    const tg_hello_t *h = NULL;

    ev->obs = obs;
    ev->has_hello = obs->hello != NULL && obs->hello_len > 0;
    ev->hello_err = TG_HELLO_OK;
    ev->hello = &ev->parsed;
    if (ev->has_hello && obs->hello_parsed) {
        ev->hello = &obs->hello_view;
        ev->hello_err = obs->hello_err;
    } else if (ev->has_hello) {
        ev->hello_err = tg_hello_parse(obs->hello, obs->hello_len, &ev->parsed);
    }
    if (ev->has_hello)
        h = ev->hello;
    tg_classify(obs, h, ev->hello_err, ctx ? ctx->policy : NULL, &ev->verdict);
}

/* ---- fingerprints ------------------------------------------------------------------ */

typedef struct fp_t {
    tg_fp_t fp;
    bool missing;           /* wanted but did not fit the work buffer */
} fp_t;

/* Both digests given: every fingerprint from the one tested call. */
static void fingerprint(const tg_event_t *ev, const tg_event_ctx_t *ctx,
                        char *work, size_t size, fp_t *fp)
{
    memset(fp, 0, sizeof *fp);
    if (!ev->has_hello || ev->hello_err != TG_HELLO_OK || !ctx->md5 || !ctx->sha256)
        return;
    fp->missing = tg_fingerprint_memo(ev->hello, ev->hello_err, ctx->md5, ctx->sha256, work,
                                      size, &fp->fp) != TG_FP_OK;
}

/* ---- writing helpers ---------------------------------------------------------------- */

typedef const char *name_fn(uint16_t code);

static size_t bounded_len(const char *s, size_t max)
{
    const char *nul = s ? memchr(s, '\0', max) : NULL;

    return s ? (nul ? (size_t)(nul - s) : max) : 0;
}

/* A key whose value is a host- or library-provided C string, if present. */
static void field_text(tg_json_t *j, const char *key, const char *s, size_t max)
{
    size_t n = bounded_len(s, max);

    if (n > 0)
        tg_json_field_string(j, key, s, n);
}

/* Text of our own (a table name, a literal, digits we wrote) under a literal
 * key: no escape pass (tg_json_plain). */
static void field_plain(tg_json_t *j, const char *key, const char *s)
{
    tg_json_field_plain(j, key, strlen(key), s, strlen(s));
}

/* A table's name for code, else its hex form. */
static void field_name(tg_json_t *j, const char *key, const char *name,
                       uint16_t code)
{
    char hex[TG_NAMES_HEX_MAX];

    field_plain(j, key, name ? name : tg_names_hex(code, hex, sizeof hex));
}

static int name_value(tg_json_t *j, const char *name, uint16_t code)
{
    char hex[TG_NAMES_HEX_MAX];

    if (!name)
        name = tg_names_hex(code, hex, sizeof hex);
    return tg_json_plain(j, name, strlen(name));
}

/*
 * Opens key:[ with its elements capped to `budget` bytes from here on, while
 * `tail` bytes stay free for what follows. list_end() restores the tail.
 */
static void list_begin(tg_json_t *j, tg_json_group_t *g, const char *key,
                       size_t budget, size_t tail)
{
    tg_json_budget(j, 1 + budget, tail);
    tg_json_group_begin(j, g, key, true, false);
}

static void list_end(tg_json_t *j, const tg_json_group_t *g, size_t tail)
{
    tg_json_group_end(j, g);
    tg_json_set_reserve(j, tail);
}

/* 16-bit code list as names, GREASE left out, cut at the first refusal. */
static void u16_names(tg_json_t *j, const char *key, tg_view_t v, name_fn *fn,
                      size_t budget, size_t tail)
{
    size_t n = tg_u16_count(v);
    tg_json_group_t g;

    list_begin(j, &g, key, budget, tail);
    for (size_t i = 0; i < n; i++) {
        uint16_t c = tg_u16_at(v, i);

        if (!tg_is_grease(c) && name_value(j, fn(c), c) != TG_JSON_OK)
            break;
    }
    list_end(j, &g, tail);
}

/* ---- header: @timestamp, ecs, event, observer, endpoints, error ---------------------- */

static void put_event(tg_json_t *j, const tg_event_t *ev, const tg_event_report_t *report)
{
    const tg_observation_t *o = ev->obs;
    tg_json_group_t g;

    tg_json_group_begin(j, &g, "event", false, true);
    field_plain(j, "kind", "event");
    tg_json_key(j, "category");
    tg_json_begin_array(j);
    tg_json_plain(j, TG_JSON_LIT("network"));
    tg_json_end_array(j);
    tg_json_key(j, "type");
    tg_json_begin_array(j);
    tg_json_plain(j, TG_JSON_LIT("connection"));
    /* a report refuses nothing: it informs */
    name_value(j, report ? "info" : tg_event_type(ev->verdict.reason), 0);
    tg_json_end_array(j);
    field_plain(j, "action", "tls-handshake");
    field_plain(j, "outcome", ev->verdict.success ? "success" : "failure");
    field_plain(j, "dataset", "tlsguard.handshake");
    if (o->start_us > 0 && o->end_us >= o->start_us &&
        o->end_us - o->start_us <= INT64_MAX / 1000)
        tg_json_field_int(j, "duration", (o->end_us - o->start_us) * 1000);
    tg_json_group_end(j, &g);
}

static void put_endpoint(tg_json_t *j, const char *key, const char *ip,
                         uint16_t port)
{
    size_t n = bounded_len(ip, TG_OBS_IP_MAX);
    tg_json_group_t g;

    if (n == 0)
        return;
    tg_json_group_begin(j, &g, key, false, true);
    tg_json_field_string(j, "ip", ip, n);
    tg_json_field_uint(j, "port", port);
    tg_json_group_end(j, &g);
}

static void put_error(tg_json_t *j, const tg_observation_t *o)
{
    size_t n = bounded_len(o->lib_error_text, TG_OBS_TEXT_MAX);
    char code[2 * sizeof(unsigned long) + 1];
    unsigned long e = o->lib_error;
    size_t k = sizeof code - 1;
    tg_json_group_t g;

    if (n == 0 && e == 0)
        return;
    tg_json_group_begin(j, &g, "error", false, false);
    if (n > 0)
        tg_json_field_string(j, "message", o->lib_error_text, n);
    if (e != 0) {
        /* upper-case hex, at least 8 digits, as OpenSSL prints its codes */
        code[k] = '\0';
        do {
            code[--k] = "0123456789ABCDEF"[e & 15];
            e >>= 4;
        } while (e != 0 || k > sizeof code - 9);
        field_plain(j, "code", code + k);
    }
    tg_json_group_end(j, &g);
}

/* A wire string of the first request under a two-level ECS key. */
static void http_text(tg_json_t *j, const char *group, const char *key, const char *s)
{
    size_t n = bounded_len(s, TG_EVENT_HTTP_TEXT_MAX);
    tg_json_group_t g;

    if (n == 0)
        return;
    tg_json_group_begin(j, &g, group, false, true);
    tg_json_field_string(j, key, s, n);
    tg_json_group_end(j, &g);
}

static void put_http(tg_json_t *j, const tg_event_report_t *r)
{
    tg_json_group_t g, req;
    size_t n = bounded_len(r->method, TG_EVENT_HTTP_TEXT_MAX);

    http_text(j, "user_agent", "original", r->user_agent);
    http_text(j, "url", "domain", r->host);
    if (n == 0)
        return;
    tg_json_group_begin(j, &g, "http", false, true);
    tg_json_group_begin(j, &req, "request", false, true);
    tg_json_field_string(j, "method", r->method, n);
    tg_json_group_end(j, &req);
    tg_json_group_end(j, &g);
}

static void put_header(tg_json_t *j, const tg_event_t *ev,
                       const tg_event_ctx_t *ctx)
{
    const tg_observation_t *o = ev->obs;
    char ts[TG_EVENT_TIME_SIZE];
    tg_json_group_t g;

    tg_event_format_time(o->end_us, ts);
    field_plain(j, "@timestamp", ts);
    tg_json_group_begin(j, &g, "ecs", false, true);
    field_plain(j, "version", TG_EVENT_ECS_VERSION);
    tg_json_group_end(j, &g);
    put_event(j, ev, ctx->report);
    tg_json_group_begin(j, &g, "observer", false, false);
    field_plain(j, "product", "mod_tlsguard");
    field_text(j, "version", ctx->version, HOST_TEXT_MAX);
    tg_json_group_end(j, &g);
    put_endpoint(j, "source", o->src_ip, o->src_port);
    put_endpoint(j, "destination", o->dst_ip, o->dst_port);
    put_error(j, o);
    if (ctx->report)
        put_http(j, ctx->report);
}

/* ---- tls ------------------------------------------------------------------------------ */

static void put_tls_client(tg_json_t *j, const tg_event_t *ev, const fp_t *fp,
                           size_t tail)
{
    const tg_hello_t *h = ev->hello;
    tg_json_group_t g;

    if (!ev->has_hello)
        return;
    tg_json_group_begin(j, &g, "client", false, false);
    if (h->has_sni)
        tg_json_field_string(j, "server_name", (const char *)h->sni.p,
                             h->sni.len);
    if (fp->fp.ja3[0])
        field_plain(j, "ja3", fp->fp.ja3);
    if (ev->hello_err == TG_HELLO_OK && h->ciphers.len > 0)
        u16_names(j, "supported_ciphers", h->ciphers, tg_names_cipher_iana,
                  BUDGET_CIPHERS, tail);
    tg_json_group_end(j, &g);
}

static void put_tls(tg_json_t *j, const tg_event_t *ev, const fp_t *fp,
                    size_t tail)
{
    const tg_observation_t *o = ev->obs;
    const char *ecs = o->version ? tg_names_version_ecs(o->version) : NULL;
    tg_json_group_t g;

    /* The first handshake's outcome: a later one that failed does not undo
     * the tunnel it established (the reason and stage say what failed). */
    tg_json_group_begin(j, &g, "tls", false, false);
    tg_json_field_bool(j, "established", o->handshake_done != 0);
    if (ecs) {
        field_plain(j, "version", ecs);
        field_plain(j, "version_protocol",
                          tg_names_version_protocol(o->version));
    }
    if (o->cipher)
        field_name(j, "cipher", tg_names_cipher_iana(o->cipher), o->cipher);
    if (o->group)
        field_name(j, "curve", tg_names_group(o->group), o->group);
    if (o->handshake_done)
        tg_json_field_bool(j, "resumed", o->resumed != 0);
    if (o->alpn_len > 0)
        tg_json_field_string(j, "next_protocol", o->alpn,
                             o->alpn_len < TG_OBS_TEXT_MAX ? o->alpn_len
                                                           : TG_OBS_TEXT_MAX);
    put_tls_client(j, ev, fp, tail);
    tg_json_group_end(j, &g);
}

/* ---- tlsguard ---------------------------------------------------------------------------- */

static void put_alert(tg_json_t *j, const char *key, const tg_obs_alert_t *a)
{
    const char *level = tg_names_alert_level(a->level);
    tg_json_group_t g;

    if (!a->seen)
        return;
    tg_json_group_begin(j, &g, key, false, true);
    if (level)
        field_plain(j, "level", level);
    else
        tg_json_field_uint(j, "level", a->level);
    tg_json_field_uint(j, "code", a->desc);
    field_name(j, "name", tg_names_alert(a->desc), a->desc);
    tg_json_group_end(j, &g);
}

static void put_message(tg_json_t *j, const char *key, int type)
{
    if (type < 0 || type > 255)
        return;
    field_name(j, key, tg_names_handshake((uint8_t)type), (uint16_t)type);
}

static void put_progress(tg_json_t *j, const tg_observation_t *o)
{
    tg_json_group_t g;

    if (o->alert_sent.seen || o->alert_received.seen) {
        tg_json_group_begin(j, &g, "alert", false, false);
        put_alert(j, "sent", &o->alert_sent);
        put_alert(j, "received", &o->alert_received);
        tg_json_group_end(j, &g);
    }
    if (o->last_msg_in >= 0 || o->last_msg_out >= 0) {
        tg_json_group_begin(j, &g, "last_message", false, false);
        put_message(j, "received", o->last_msg_in);
        put_message(j, "sent", o->last_msg_out);
        tg_json_group_end(j, &g);
    }
}

/* Handshake duration: from the connection's start to the handshake's end. */
static void put_duration(tg_json_t *j, const tg_observation_t *o)
{
    int64_t end = o->done_us > 0 ? o->done_us : o->end_us;

    if (o->start_us > 0 && end >= o->start_us)
        tg_json_field_int(j, "duration_us", end - o->start_us);
}

static void put_head(tg_json_t *j, const tg_event_t *ev,
                     const tg_event_ctx_t *ctx)
{
    const tg_observation_t *o = ev->obs;
    size_t first = o->first_len < TG_OBS_FIRST_BYTES ? o->first_len
                                                     : TG_OBS_FIRST_BYTES;

    const tg_event_report_t *r = ctx->report;

    if (r) {
        field_plain(j, "verdict", "would_reject");
        field_plain(j, "reason", tg_reason_name(r->reason));
        field_plain(j, "stage", tg_stage_name(r->stage));
        field_text(j, "report_policy", r->policy, HOST_TEXT_MAX);
        field_text(j, "report_rule", r->rule, 8);
    } else {
        if (!ev->verdict.success)
            field_plain(j, "reason", tg_reason_name(ev->verdict.reason));
        field_plain(j, "stage", tg_stage_name(ev->verdict.stage));
        if (ev->verdict.judged)
            tg_json_field_bool(j, "judged", true);
    }
    field_text(j, "mode", ctx->mode, HOST_TEXT_MAX);
    field_text(j, "policy", o->policy, HOST_TEXT_MAX);
    field_text(j, "vhost", o->vhost, HOST_TEXT_MAX);
    if (o->tls_error != TG_TLSERR_NONE)
        field_plain(j, "tls_error", tg_tls_error_name(o->tls_error));
    put_progress(j, o);
    tg_json_field_uint(j, "bytes_in", o->bytes_in);
    put_duration(j, o);
    if (first > 0 && (!ev->has_hello || ev->hello_err != TG_HELLO_OK)) {
        tg_json_key(j, "first_bytes");
        tg_json_hex(j, o->first_bytes, first);
    }
}

/* The ALPN protocol_name_list: 1-byte lengths, each name escaped. */
static void alpn_names(tg_json_t *j, tg_view_t v, size_t tail)
{
    size_t i = 0;
    tg_json_group_t g;

    list_begin(j, &g, "alpn", BUDGET_ALPN, tail);
    while (i < v.len) {
        size_t n = v.p[i++];

        if (n > v.len - i ||
            tg_json_string(j, (const char *)v.p + i, n) != TG_JSON_OK)
            break;
        i += n;
    }
    list_end(j, &g, tail);
}

static void key_share_names(tg_json_t *j, const tg_hello_t *h, size_t tail)
{
    tg_json_group_t g;

    list_begin(j, &g, "key_share_groups", BUDGET_KEY_SHARES, tail);
    for (size_t i = 0; i < h->key_share_n; i++) {
        uint16_t c = h->key_share_groups[i];

        if (!tg_is_grease(c) && name_value(j, tg_names_group(c), c) != TG_JSON_OK)
            break;
    }
    list_end(j, &g, tail);
}

/* Extension types in wire order; the block is walked past the stored 64. */
static void extension_names(tg_json_t *j, const tg_hello_t *h, size_t tail)
{
    tg_ext_types_t it;
    uint16_t t;
    tg_json_group_t g;

    tg_hello_types_first(h, &it);
    list_begin(j, &g, "extensions", BUDGET_EXTENSIONS, tail);
    while (tg_hello_types_next(&it, &t)) {
        if (!tg_is_grease(t) && name_value(j, tg_names_ext(t), t) != TG_JSON_OK)
            break;
    }
    list_end(j, &g, tail);
}

/* Without supported_versions a client offers its legacy_version (and, by
 * TLS 1.2's rules, the versions below it): the list names that one. */
static void legacy_versions(tg_json_t *j, uint16_t v, size_t tail)
{
    tg_json_group_t g;

    list_begin(j, &g, "versions", BUDGET_VERSIONS, tail);
    name_value(j, tg_names_version(v), v);
    list_end(j, &g, tail);
}

static void put_lists(tg_json_t *j, const tg_hello_t *h, size_t tail)
{
    if (h->seen & TG_HELLO_SEEN_SUPPORTED_VERSIONS)
        u16_names(j, "versions", h->versions, tg_names_version, BUDGET_VERSIONS,
                  tail);
    else if (h->legacy_version)
        legacy_versions(j, h->legacy_version, tail);
    if (h->seen & TG_HELLO_SEEN_ALPN)
        alpn_names(j, h->alpn, tail);
    if (h->seen & TG_HELLO_SEEN_SUPPORTED_GROUPS)
        u16_names(j, "groups", h->groups, tg_names_group, BUDGET_GROUPS, tail);
    if (h->seen & TG_HELLO_SEEN_KEY_SHARE)
        key_share_names(j, h, tail);
    if (h->seen & TG_HELLO_SEEN_SIGNATURE_ALGORITHMS)
        u16_names(j, "sigalgs", h->sigalgs, tg_names_sigalg, BUDGET_SIGALGS,
                  tail);
    if (h->ext_total > 0)
        extension_names(j, h, tail);
}

/* A fingerprint string (digits and separators we wrote) under its own
 * budget, refused whole if over. */
static void field_budget(tg_json_t *j, const char *key, const char *s,
                         size_t n, size_t budget, size_t tail)
{
    if (!s)
        return;
    tg_json_budget(j, budget, tail);
    tg_json_field_plain(j, key, strlen(key), s, n);
    tg_json_set_reserve(j, tail);
}

static void put_client(tg_json_t *j, const tg_event_t *ev, const fp_t *fp,
                       size_t tail)
{
    const tg_hello_t *h = ev->hello;
    tg_json_group_t g;

    if (!ev->has_hello)
        return;
    tg_json_group_begin(j, &g, "client", false, false);
    if (ev->hello_err != TG_HELLO_OK)
        field_plain(j, "hello_error", tg_hello_err_name(ev->hello_err));
    if (h->legacy_version)
        field_name(j, "legacy_version", tg_names_version(h->legacy_version),
                   h->legacy_version);
    if (fp->fp.ja4[0])
        field_plain(j, "ja4", fp->fp.ja4);
    if (ev->hello_err == TG_HELLO_OK) /* no half-parsed lists */
        put_lists(j, h, tail);
    field_budget(j, "ja3_string", fp->fp.ja3_string, fp->fp.ja3_len,
                 BUDGET_JA3_STRING, tail);
    field_budget(j, "ja4_r", fp->fp.ja4_r, fp->fp.ja4_r_len, BUDGET_JA4_R, tail);
    tg_json_group_end(j, &g);
}

/* ---- the line ------------------------------------------------------------------------------ */

/* Room kept for tlsguard's head while the header and tls are written. */
static size_t head_tail(const tg_event_t *ev, const tg_event_ctx_t *ctx)
{
    size_t report = ctx->report ? 80 + bounded_len(ctx->report->policy, HOST_TEXT_MAX) : 0;

    return TRUNC_TAIL + HEAD_TAIL + report + bounded_len(ev->obs->policy, HOST_TEXT_MAX) +
           bounded_len(ev->obs->vhost, HOST_TEXT_MAX) +
           bounded_len(ctx->mode, HOST_TEXT_MAX);
}

/* A request string longer than a report carries was cut. */
static bool report_cut(const tg_event_report_t *r)
{
    const char *texts[] = {r->user_agent, r->host, r->method};

    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        if (bounded_len(texts[i], TG_EVENT_HTTP_TEXT_MAX + 1) > TG_EVENT_HTTP_TEXT_MAX)
            return true;
    }
    return false;
}

static bool something_left_out(const tg_event_t *ev, const tg_event_ctx_t *ctx, const fp_t *fp)
{
    return fp->missing || ev->obs->hello_truncated || (ctx->report && report_cut(ctx->report));
}

size_t tg_event_encode(const tg_event_t *ev, const tg_event_ctx_t *ctx,
                       char *line, size_t cap)
{
    char stack_work[TG_EVENT_STACK_WORK];
    char *work = stack_work;
    size_t work_size = sizeof stack_work, tail;
    tg_json_t j;
    fp_t fp;
    long n;

    if (!ev || !ctx || !line || !ev->obs)
        return 0;
    if (ctx->work) {
        work = ctx->work;
        work_size = ctx->work_size;
    } else if (ev->obs->fp_work) {
        work = ev->obs->fp_work;
        work_size = ev->obs->fp_work_size;
    }
    fingerprint(ev, ctx, work, work_size, &fp);
    tg_json_init(&j, line, cap);
    tg_json_set_reserve(&j, 1);
    tg_json_begin_object(&j);
    tail = head_tail(ev, ctx);
    tg_json_set_reserve(&j, tail);
    put_header(&j, ev, ctx);
    put_tls(&j, ev, &fp, tail);
    tg_json_set_reserve(&j, TRUNC_TAIL);
    tg_json_key(&j, "tlsguard");
    tg_json_begin_object(&j);
    put_head(&j, ev, ctx);
    put_client(&j, ev, &fp, TRUNC_TAIL);
    tg_json_set_reserve(&j, 1); /* the newline */
    if (tg_json_truncated(&j) || something_left_out(ev, ctx, &fp))
        tg_json_field_bool(&j, "truncated", true);
    tg_json_end_object(&j);
    tg_json_end_object(&j);
    n = tg_json_finish_line(&j);
    return n > 0 ? (size_t)n : 0;
}

size_t tg_event_build(const tg_observation_t *obs, const tg_event_ctx_t *ctx,
                      char *line, size_t cap)
{
    tg_event_t ev;

    if (!obs || !ctx)
        return 0;
    tg_event_prepare(&ev, obs, ctx);
    return tg_event_encode(&ev, ctx, line, cap);
}
