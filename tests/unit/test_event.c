/*
 * tg_event: the handshake event line, field by field for a failure, a
 * success and a failed later handshake; fingerprints against the captured hellos' reference values;
 * escaping of wire strings; truncation of an oversized hello; no hello; a
 * malformed hello; every capacity from 0 up; the time format; one example
 * line per reason (written to $TG_EVENT_EXAMPLES when set, for
 * docs/events.md).
 *
 * A small JSON checker below validates every line (RFC 8259 grammar, UTF-8,
 * no raw control bytes) and looks values up by dotted path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hello_builder.h"
#include "hex_file.h"

#include "tg_event.h"
#include "tg_fingerprint.h"
#include "tg_names.h"
#include "tg_ossl_digest.h"
#include "tg_policy.h"
#include "tg_profile.h"

#define CAPTURES "tests/data/hellos"

/* ---- a minimal JSON checker ------------------------------------------------------ */

typedef struct span_t {
    const char *p;
    size_t len;
} span_t;

typedef struct jp_t {
    const char *p, *end;
} jp_t;

static void ws(jp_t *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' ||
                             *j->p == '\r'))
        j->p++;
}

/* Length of the well-formed UTF-8 sequence at p, or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
               : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    unsigned lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
    unsigned hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;

    if (n == 0 || (size_t)(end - p) < n)
        return 0;
    if (n > 1 && (p[1] < lo || p[1] > hi))
        return 0;
    for (size_t i = 2; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    }
    return n;
}

static int string(jp_t *j)
{
    if (j->p >= j->end || *j->p != '"')
        return -1;
    j->p++;
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = (unsigned char)*j->p;
        size_t n;

        if (c < 0x20)
            return -1;
        if (c == '\\') {
            if (++j->p >= j->end || !strchr("\"\\/bfnrtu", *j->p))
                return -1;
            if (*j->p == 'u') {
                for (int i = 0; i < 4; i++) {
                    if (++j->p >= j->end || !strchr("0123456789abcdefABCDEF", *j->p))
                        return -1;
                }
            }
            j->p++;
            continue;
        }
        n = utf8_len((const unsigned char *)j->p, (const unsigned char *)j->end);
        if (n == 0)
            return -1;
        j->p += n;
    }
    if (j->p >= j->end)
        return -1;
    j->p++;
    return 0;
}

static int number(jp_t *j)
{
    const char *s = j->p;

    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p >= j->end || *j->p < '0' || *j->p > '9')
        return -1;
    if (*j->p == '0')
        j->p++;
    else
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    return j->p > s ? 0 : -1;
}

static int literal(jp_t *j, const char *w)
{
    size_t n = strlen(w);

    if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
        return -1;
    j->p += n;
    return 0;
}

static int value(jp_t *j, int depth);

static int members(jp_t *j, int depth, char open, char close)
{
    j->p++;
    ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        return 0;
    }
    for (;;) {
        ws(j);
        if (open == '{') {
            if (string(j) != 0)
                return -1;
            ws(j);
            if (j->p >= j->end || *j->p != ':')
                return -1;
            j->p++;
        }
        if (value(j, depth + 1) != 0)
            return -1;
        ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == close) {
            j->p++;
            return 0;
        }
        return -1;
    }
}

static int value(jp_t *j, int depth)
{
    ws(j);
    if (j->p >= j->end || depth > 64)
        return -1;
    switch (*j->p) {
    case '{': return members(j, depth, '{', '}');
    case '[': return members(j, depth, '[', ']');
    case '"': return string(j);
    case 't': return literal(j, "true");
    case 'f': return literal(j, "false");
    case 'n': return literal(j, "null");
    default: return number(j);
    }
}

/* One JSON object, then exactly one '\n' at the very end, nothing else. */
static void assert_event_line(const char *line, size_t n, size_t cap)
{
    jp_t j = {line, line + n};

    assert_true(n > 0);
    assert_true(n <= cap);
    assert_int_equal(line[n - 1], '\n');
    assert_null(memchr(line, '\n', n - 1));
    j.end = line + n - 1;
    ws(&j);
    assert_int_equal(*j.p, '{');
    assert_int_equal(value(&j, 0), 0);
    assert_true(j.p == line + n - 1);
}

/* The raw text of the value at a dotted path ("tls.client.ja3"). */
static int lookup(const char *line, size_t n, const char *path, span_t *out)
{
    jp_t j = {line, line + n};
    const char *dot;
    size_t klen;

    for (;;) {
        dot = strchr(path, '.');
        klen = dot ? (size_t)(dot - path) : strlen(path);
        ws(&j);
        if (j.p >= j.end || *j.p != '{')
            return -1;
        j.p++;
        for (;;) {
            const char *k;
            int match;

            ws(&j);
            if (j.p >= j.end || *j.p == '}')
                return -1;
            k = j.p;
            if (string(&j) != 0)
                return -1;
            match = (size_t)(j.p - k) == klen + 2 && memcmp(k + 1, path, klen) == 0;
            ws(&j);
            if (j.p >= j.end || *j.p != ':')
                return -1;
            j.p++;
            if (match)
                break;
            if (value(&j, 0) != 0)
                return -1;
            ws(&j);
            if (j.p < j.end && *j.p == ',')
                j.p++;
        }
        if (!dot) {
            const char *s = j.p;

            if (value(&j, 0) != 0)
                return -1;
            out->p = s;
            out->len = (size_t)(j.p - s);
            return 0;
        }
        path = dot + 1;
    }
}

static span_t get(const char *line, size_t n, const char *path)
{
    span_t s = {NULL, 0};

    if (lookup(line, n, path, &s) != 0)
        fail_msg("no field %s in %.*s", path, (int)n, line);
    return s;
}

static void expect_raw(const char *line, size_t n, const char *path,
                       const char *raw)
{
    span_t s = get(line, n, path);

    if (s.len != strlen(raw) || memcmp(s.p, raw, s.len) != 0)
        fail_msg("%s is %.*s, expected %s", path, (int)s.len, s.p, raw);
}

static void expect_str(const char *line, size_t n, const char *path,
                       const char *str)
{
    char raw[4200];

    snprintf(raw, sizeof raw, "\"%s\"", str);
    expect_raw(line, n, path, raw);
}

static void expect_absent(const char *line, size_t n, const char *path)
{
    span_t s;

    if (lookup(line, n, path, &s) == 0)
        fail_msg("unexpected %s = %.*s", path, (int)s.len, s.p);
}

/* Elements of an array value (raw texts) */
static size_t array_items(span_t a, span_t *items, size_t max)
{
    jp_t j = {a.p, a.p + a.len};
    size_t n = 0;

    assert_int_equal(*j.p, '[');
    j.p++;
    ws(&j);
    if (*j.p == ']')
        return 0;
    for (;;) {
        const char *s;

        ws(&j);
        s = j.p;
        assert_int_equal(value(&j, 0), 0);
        if (n < max)
            items[n] = (span_t){s, (size_t)(j.p - s)};
        n++;
        ws(&j);
        if (*j.p == ']')
            return n;
        assert_int_equal(*j.p, ',');
        j.p++;
    }
}

static void expect_item(span_t a, size_t i, const char *str)
{
    span_t items[2048];
    size_t n = array_items(a, items, 2048);
    char raw[256];

    assert_true(i < n);
    snprintf(raw, sizeof raw, "\"%s\"", str);
    if (items[i].len != strlen(raw) || memcmp(items[i].p, raw, items[i].len))
        fail_msg("item %zu is %.*s, expected %s", i, (int)items[i].len,
                 items[i].p, raw);
}

/* ---- captured hellos ------------------------------------------------------------ */

typedef struct capture_t {
    char file[64];
    char sni[64];
    char ja3_string[1024];
    char ja3[40];
    char ja4[48];
    char ja4_r[2048];
    uint8_t msg[TG_OBS_MAX_HELLO];
    size_t msg_len;
} capture_t;

static capture_t caps[16];
static size_t ncaps;

/* The handshake message: the payloads of the records, headers removed. */
static void load_capture(capture_t *c)
{
    static uint8_t rec[TG_OBS_MAX_HELLO + 64];
    char path[256];
    size_t n, at = 0;

    snprintf(path, sizeof path, "%s/%s", CAPTURES, c->file);
    n = hex_file_read(path, rec, sizeof rec);
    c->msg_len = 0;
    while (at + 5 <= n) {
        size_t len = (size_t)rec[at + 3] << 8 | rec[at + 4];

        assert_int_equal(rec[at], 22);
        assert_true(at + 5 + len <= n);
        memcpy(c->msg + c->msg_len, rec + at + 5, len);
        c->msg_len += len;
        at += 5 + len;
    }
    assert_true(c->msg_len > 4);
}

/* expected.tsv: file, sni, ja3_string, ja3, ja4, ja4_r */
/* Bounded copy of one TSV field (cut if longer than the slot). */
static void copy_field(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int setup_captures(void **state)
{
    static char line[8192];
    FILE *f = fopen(CAPTURES "/expected.tsv", "r");

    (void)state;
    if (!f)
        return -1;
    ncaps = 0;
    if (!fgets(line, sizeof line, f)) { /* header */
        fclose(f);
        return -1;
    }
    while (ncaps < 16 && fgets(line, sizeof line, f)) {
        capture_t *c = &caps[ncaps];
        char *fields[6], *p = line;

        line[strcspn(line, "\r\n")] = '\0';
        for (int i = 0; i < 6; i++) {
            fields[i] = p;
            p = strchr(p, '\t');
            if (!p && i < 5) {
                fclose(f);
                return -1;
            }
            if (p)
                *p++ = '\0';
        }
        copy_field(c->file, sizeof c->file, fields[0]);
        copy_field(c->sni, sizeof c->sni, fields[1]);
        copy_field(c->ja3_string, sizeof c->ja3_string, fields[2]);
        copy_field(c->ja3, sizeof c->ja3, fields[3]);
        copy_field(c->ja4, sizeof c->ja4, fields[4]);
        copy_field(c->ja4_r, sizeof c->ja4_r, fields[5]);
        ncaps++;
    }
    fclose(f);
    return ncaps > 0 ? 0 : -1;
}

static capture_t *capture(const char *file)
{
    for (size_t i = 0; i < ncaps; i++) {
        if (strcmp(caps[i].file, file) == 0) {
            if (caps[i].msg_len == 0)
                load_capture(&caps[i]);
            return &caps[i];
        }
    }
    fail_msg("no capture %s", file);
    return NULL;
}

/* ---- a ClientHello builder for the synthetic cases --------------------------------- */

/* ---- observations ---------------------------------------------------------------- */

#define T0 INT64_C(1795427045000000) /* 2026-11-23T09:44:05Z */

static tg_observation_t obs;
static char line[TG_EVENT_LINE_MAX];
static size_t len;
static tg_policy_t policy;
static tg_event_ctx_t ctx;

static void context(const char *profile)
{
    char err[256];

    assert_int_equal(tg_policy_build(tg_profile_find(profile),
                                     &(tg_policy_overrides_t){0}, &policy, err,
                                     sizeof err), 0);
    ctx = (tg_event_ctx_t){tg_ossl_md5, tg_ossl_sha256, "enforce", "0.1.0",
                           &policy, NULL, 0, NULL};
}

static void connection(void)
{
    tg_observation_init(&obs);
    strcpy(obs.src_ip, "192.0.2.7");
    obs.src_port = 51334;
    strcpy(obs.dst_ip, "192.0.2.1");
    obs.dst_port = 443;
    obs.start_us = T0;
    obs.end_us = T0 + 2210;
    obs.vhost = "www.example.org";
    obs.policy = "intermediate";
}

/* A hello message received (records carried it whole). */
static void received(const uint8_t *msg, size_t n)
{
    static const uint8_t head[] = {0x16, 0x03, 0x01};

    memcpy(obs.first_bytes, head, sizeof head);
    obs.first_bytes[3] = (uint8_t)(n >> 8);
    obs.first_bytes[4] = (uint8_t)n;
    memcpy(obs.first_bytes + 5, msg, n < 11 ? n : 11);
    obs.first_len = n + 5 < TG_OBS_FIRST_BYTES ? n + 5 : TG_OBS_FIRST_BYTES;
    obs.bytes_in = n + 5;
    obs.hello = msg;
    obs.hello_len = n;
    obs.hellos = 1;
    obs.msgs_in = 1;
    obs.last_msg_in = 1;
    obs.hello_us = T0 + 300;
    obs.handshake_started = 1;
}

static void library(tg_tls_error_t e, unsigned long code, const char *text)
{
    obs.tls_error = e;
    obs.lib_error = code;
    snprintf(obs.lib_error_text, sizeof obs.lib_error_text, "%s", text);
}

static void encode(void)
{
    memset(line, 0xee, sizeof line);
    len = tg_event_build(&obs, &ctx, line, sizeof line);
    assert_event_line(line, len, sizeof line);
}

/* ---- field by field ------------------------------------------------------------------ */

/* The encoder copies these names without an escape pass (tg_json_plain):
 * each must be printable ASCII without quote or backslash. */
static void assert_plain(const char *name)
{
    assert_non_null(name);
    for (const char *p = name; *p; p++)
        assert_true(*p > 0x20 && *p < 0x7f && *p != '"' && *p != '\\');
}

static void test_own_names_need_no_escaping(void **state)
{
    (void)state;
    for (int r = 0; r < TG_REASON_COUNT; r++) {
        assert_plain(tg_reason_name((tg_reason_t)r));
        assert_plain(tg_event_type((tg_reason_t)r));
    }
    for (int s = 0; s < TG_STAGE_COUNT; s++)
        assert_plain(tg_stage_name((tg_stage_t)s));
    for (int e = 0; e < TG_TLSERR_COUNT; e++)
        assert_plain(tg_tls_error_name((tg_tls_error_t)e));
    for (int e = 0; e < TG_HELLO_ERR_COUNT; e++)
        assert_plain(tg_hello_err_name(e));
    for (unsigned l = 0; l < 256; l++)
        if (tg_names_alert_level((uint8_t)l))
            assert_plain(tg_names_alert_level((uint8_t)l));
}

static void test_failure_fields(void **state)
{
    capture_t *c = capture("chromium-headless.hex");
    span_t a;

    (void)state;
    context("modern");
    connection();
    obs.policy = "modern";
    received(c->msg, c->msg_len);
    obs.alert_sent = (tg_obs_alert_t){1, 2, 70};
    obs.done_us = T0 + 410;
    library(TG_TLSERR_UNSUPPORTED_PROTOCOL, 0x0A000102UL, "unsupported protocol");
    encode();

    expect_str(line, len, "@timestamp", "2026-11-23T09:44:05.002210Z");
    expect_str(line, len, "ecs.version", TG_EVENT_ECS_VERSION);
    expect_str(line, len, "event.kind", "event");
    expect_raw(line, len, "event.category", "[\"network\"]");
    expect_raw(line, len, "event.type", "[\"connection\",\"denied\"]");
    expect_str(line, len, "event.action", "tls-handshake");
    expect_str(line, len, "event.outcome", "failure");
    expect_str(line, len, "event.dataset", "tlsguard.handshake");
    expect_raw(line, len, "event.duration", "2210000");
    expect_str(line, len, "observer.product", "mod_tlsguard");
    expect_str(line, len, "observer.version", "0.1.0");
    expect_str(line, len, "source.ip", "192.0.2.7");
    expect_raw(line, len, "source.port", "51334");
    expect_str(line, len, "destination.ip", "192.0.2.1");
    expect_raw(line, len, "destination.port", "443");
    expect_str(line, len, "error.message", "unsupported protocol");
    expect_str(line, len, "error.code", "0A000102");

    expect_raw(line, len, "tls.established", "false");
    expect_absent(line, len, "tls.version");
    expect_absent(line, len, "tls.cipher");
    expect_absent(line, len, "tls.resumed");
    expect_absent(line, len, "tls.next_protocol");
    expect_str(line, len, "tls.client.server_name", "localhost");
    expect_str(line, len, "tls.client.ja3", c->ja3);
    a = get(line, len, "tls.client.supported_ciphers");
    assert_int_equal(array_items(a, NULL, 0), 15); /* 16 minus GREASE */
    expect_item(a, 0, "TLS_AES_128_GCM_SHA256");
    expect_item(a, 3, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    expect_item(a, 14, "TLS_RSA_WITH_AES_256_CBC_SHA");

    expect_str(line, len, "tlsguard.reason", "protocol_version");
    expect_str(line, len, "tlsguard.stage", "client_hello");
    expect_str(line, len, "tlsguard.mode", "enforce");
    expect_str(line, len, "tlsguard.policy", "modern");
    expect_str(line, len, "tlsguard.vhost", "www.example.org");
    expect_str(line, len, "tlsguard.tls_error", "unsupported_protocol");
    expect_str(line, len, "tlsguard.alert.sent.level", "fatal");
    expect_raw(line, len, "tlsguard.alert.sent.code", "70");
    expect_str(line, len, "tlsguard.alert.sent.name", "protocol_version");
    expect_absent(line, len, "tlsguard.alert.received");
    expect_str(line, len, "tlsguard.last_message.received", "client_hello");
    expect_absent(line, len, "tlsguard.last_message.sent");
    expect_raw(line, len, "tlsguard.bytes_in", "1949");
    expect_raw(line, len, "tlsguard.duration_us", "410");
    expect_absent(line, len, "tlsguard.first_bytes");
    expect_absent(line, len, "tlsguard.judged");
    expect_absent(line, len, "tlsguard.truncated");

    expect_str(line, len, "tlsguard.client.legacy_version", "TLSv1.2");
    expect_absent(line, len, "tlsguard.client.hello_error");
    expect_str(line, len, "tlsguard.client.ja4", c->ja4);
    expect_str(line, len, "tlsguard.client.ja4_r", c->ja4_r);
    expect_str(line, len, "tlsguard.client.ja3_string", c->ja3_string);
    expect_raw(line, len, "tlsguard.client.versions", "[\"TLSv1.3\",\"TLSv1.2\"]");
    expect_raw(line, len, "tlsguard.client.alpn", "[\"h2\",\"http/1.1\"]");
    expect_raw(line, len, "tlsguard.client.groups",
               "[\"X25519MLKEM768\",\"x25519\",\"secp256r1\",\"secp384r1\"]");
    expect_raw(line, len, "tlsguard.client.key_share_groups",
               "[\"X25519MLKEM768\",\"x25519\"]");
    a = get(line, len, "tlsguard.client.sigalgs");
    assert_int_equal(array_items(a, NULL, 0), 11);
    expect_item(a, 3, "ecdsa_secp256r1_sha256");
    a = get(line, len, "tlsguard.client.extensions");
    assert_int_equal(array_items(a, NULL, 0), 17); /* 19 minus 2 GREASE */
    expect_item(a, 0, "status_request");
    expect_item(a, 6, "0xca34"); /* not in the IANA registry */
    expect_item(a, 14, "server_name");
}

static void test_success_fields(void **state)
{
    capture_t *c = capture("curl-default.hex");

    (void)state;
    context("intermediate");
    connection();
    received(c->msg, c->msg_len);
    obs.last_msg_in = 20;
    obs.last_msg_out = 4;
    obs.msgs_in = 2;
    obs.msgs_out = 7;
    obs.handshake_done = 1;
    obs.done_us = T0 + 1800;
    obs.version = 0x0304;
    obs.cipher = 0x1302;
    obs.group = 0x001d;
    memcpy(obs.alpn, "h2", 2);
    obs.alpn_len = 2;
    encode();

    expect_str(line, len, "event.outcome", "success");
    expect_raw(line, len, "event.type", "[\"connection\",\"allowed\"]");
    expect_raw(line, len, "tls.established", "true");
    expect_str(line, len, "tls.version", "1.3");
    expect_str(line, len, "tls.version_protocol", "tls");
    expect_str(line, len, "tls.cipher", "TLS_AES_256_GCM_SHA384");
    expect_str(line, len, "tls.curve", "x25519");
    expect_raw(line, len, "tls.resumed", "false");
    expect_str(line, len, "tls.next_protocol", "h2");
    expect_str(line, len, "tls.client.ja3", c->ja3);
    expect_absent(line, len, "error");
    expect_absent(line, len, "tlsguard.reason");
    expect_absent(line, len, "tlsguard.tls_error");
    expect_absent(line, len, "tlsguard.alert");
    expect_str(line, len, "tlsguard.stage", "established");
    expect_str(line, len, "tlsguard.last_message.received", "finished");
    expect_str(line, len, "tlsguard.last_message.sent", "new_session_ticket");
    expect_raw(line, len, "tlsguard.duration_us", "1800");
    expect_str(line, len, "tlsguard.client.ja4", c->ja4);
    expect_absent(line, len, "tlsguard.truncated");

    /* resumed, an unnamed cipher and group: hex instead of a name */
    obs.resumed = 1;
    obs.cipher = 0x1399;
    obs.group = 0x7777;
    encode();
    expect_raw(line, len, "tls.resumed", "true");
    expect_str(line, len, "tls.cipher", "0x1399");
    expect_str(line, len, "tls.curve", "0x7777");
}

/* A renegotiation that failed after the first handshake completed: the
 * first handshake's tunnel and values, the renegotiation's verdict. */
static void test_later_failure_fields(void **state)
{
    capture_t *c = capture("openssl-tls12-alpn.hex");

    (void)state;
    context("intermediate");
    connection();
    received(c->msg, c->msg_len);
    obs.handshake_done = 1;
    obs.done_us = T0 + 1700;
    obs.version = 0x0303;
    obs.cipher = 0xc02f;
    obs.group = 0x001d;
    obs.phase = TG_OBS_PHASE_RENEGOTIATION;
    obs.later_handshakes = 1;
    obs.last_msg_out = 0;
    obs.last_msg_in = 1;
    obs.alert_sent = (tg_obs_alert_t){1, 2, 40};
    library(TG_TLSERR_NO_SHARED_CIPHER, 0x0A0000C1UL, "no shared cipher");
    encode();

    expect_str(line, len, "event.outcome", "failure");
    expect_raw(line, len, "event.type", "[\"connection\",\"denied\"]");
    expect_raw(line, len, "tls.established", "true");
    expect_str(line, len, "tls.version", "1.2");
    expect_str(line, len, "tls.cipher", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    expect_raw(line, len, "tls.resumed", "false");
    expect_str(line, len, "tlsguard.reason", "no_shared_cipher");
    expect_str(line, len, "tlsguard.stage", "renegotiation");
    expect_str(line, len, "tlsguard.alert.sent.name", "handshake_failure");
    expect_str(line, len, "tlsguard.last_message.sent", "hello_request");
    expect_str(line, len, "tlsguard.last_message.received", "client_hello");
    expect_str(line, len, "error.message", "no shared cipher");
    expect_raw(line, len, "tlsguard.duration_us", "1700"); /* the first handshake's */

    /* the same record once it completed: one success event, no verdict */
    obs.phase_done = 1;
    obs.alert_sent.seen = 0;
    obs.last_msg_in = 20;
    library(TG_TLSERR_NONE, 0, "");
    encode();
    expect_str(line, len, "event.outcome", "success");
    expect_str(line, len, "tlsguard.stage", "established");
    expect_absent(line, len, "tlsguard.reason");

    /* post-handshake authentication has a stage of its own */
    obs.phase = TG_OBS_PHASE_POST_HANDSHAKE_AUTH;
    obs.phase_done = 0;
    obs.version = 0x0304;
    obs.cipher = 0x1301;
    obs.last_msg_out = 13;
    obs.last_msg_in = 11;
    obs.alert_sent = (tg_obs_alert_t){1, 2, 116};
    library(TG_TLSERR_PEER_NO_CERTIFICATE, 0x0A0000C7UL,
            "peer did not return a certificate");
    encode();
    expect_str(line, len, "tlsguard.reason", "client_certificate_invalid");
    expect_str(line, len, "tlsguard.stage", "post_handshake_auth");
    expect_raw(line, len, "tls.established", "true");
    expect_str(line, len, "tlsguard.last_message.sent", "certificate_request");
}

static void test_all_captures(void **state)
{
    (void)state;
    context("intermediate");
    for (size_t i = 0; i < ncaps; i++) {
        capture_t *c = capture(caps[i].file);
        span_t s;

        connection();
        received(c->msg, c->msg_len);
        library(TG_TLSERR_NO_SHARED_CIPHER, 0x0A0000C1UL, "no shared cipher");
        obs.alert_sent = (tg_obs_alert_t){1, 2, 40};
        encode();
        expect_str(line, len, "tls.client.ja3", c->ja3);
        expect_str(line, len, "tlsguard.client.ja4", c->ja4);
        expect_str(line, len, "tlsguard.reason", "no_shared_cipher");
        if (c->sni[0])
            expect_str(line, len, "tls.client.server_name", c->sni);
        else
            expect_absent(line, len, "tls.client.server_name");
        /* the long strings are there unless the line had to drop them */
        if (lookup(line, len, "tlsguard.truncated", &s) != 0) {
            expect_str(line, len, "tlsguard.client.ja3_string", c->ja3_string);
            expect_str(line, len, "tlsguard.client.ja4_r", c->ja4_r);
        } else {
            expect_raw(line, len, "tlsguard.truncated", "true");
        }
    }
}

/* JA4 derived from the raw form equals tg_ja4() on edge-case hellos too. */
static void test_ja4_matches_fingerprint_module(void **state)
{
    static const uint16_t none[1] = {0};
    static const uint16_t some[] = {0x0a0a, 0x1301, 0x00ff};
    static const uint16_t sig[] = {0x0403, 0x0804};
    char work[TG_EVENT_STACK_WORK], ja4[TG_JA4_SIZE];
    tg_hello_t h;

    (void)state;
    context("intermediate");
    for (int variant = 0; variant < 5; variant++) {
        hb_begin(0x0303, variant == 0 ? none : some, variant == 0 ? 0 : 3, 0);
        if (variant >= 2)
            hb_sni(&hb_store, "a.example", 9);
        if (variant >= 3)
            hb_ext_u16(&hb_store, TG_HELLO_EXT_SIGNATURE_ALGORITHMS, 2, sig, 2);
        if (variant == 4)
            hb_ext(&hb_store, 0x0017, "", 0);
        hb_end(&hb_store);
        connection();
        received(hb_store.b, hb_store.len);
        obs.tls_error = TG_TLSERR_OTHER;
        encode();
        assert_int_equal(tg_hello_parse(hb_store.b, hb_store.len, &h), TG_HELLO_OK);
        assert_int_equal(tg_ja4(&h, TG_JA4_TCP, tg_ossl_sha256, work, sizeof work,
                                ja4, sizeof ja4), TG_FP_OK);
        expect_str(line, len, "tlsguard.client.ja4", ja4);
    }
}

/* Without supported_versions the offered version is legacy_version. */
static void test_versions_without_the_extension(void **state)
{
    static const uint16_t ciphers[] = {0x002f, 0x0035};
    capture_t *c = capture("curl-tls12-http11.hex");

    (void)state;
    context("intermediate");
    hb_begin(0x0301, ciphers, 2, 0);
    hb_end(&hb_store);
    connection();
    received(hb_store.b, hb_store.len);
    library(TG_TLSERR_UNSUPPORTED_PROTOCOL, 0x0A000102UL, "unsupported protocol");
    encode();
    expect_str(line, len, "tlsguard.client.legacy_version", "TLSv1");
    expect_raw(line, len, "tlsguard.client.versions", "[\"TLSv1\"]");
    expect_absent(line, len, "tlsguard.client.extensions");

    connection();
    received(c->msg, c->msg_len);
    encode();
    expect_raw(line, len, "tlsguard.client.versions", "[\"TLSv1.2\"]");

    hb_begin(0x7f1c, ciphers, 2, 0); /* a draft number: hex */
    hb_end(&hb_store);
    connection();
    received(hb_store.b, hb_store.len);
    encode();
    expect_raw(line, len, "tlsguard.client.versions", "[\"0x7f1c\"]");
}

/* ---- escaping ---------------------------------------------------------------------- */

static void test_escaping_wire_strings(void **state)
{
    static const uint16_t ciphers[] = {0x1301};
    static const char sni[] = "a\"b\\c\nd\x01\xff\xc0\xaf" "e\xe2\x82";
    static const char alpn[] = "\x04h\"2\n\x03\x7f\\\xff\x00";

    (void)state;
    context("intermediate");
    hb_begin(0x0303, ciphers, 1, 0);
    hb_sni(&hb_store, sni, sizeof sni - 1);
    hb_alpn(&hb_store, alpn, sizeof alpn - 1);
    hb_end(&hb_store);
    connection();
    received(hb_store.b, hb_store.len);
    obs.vhost = "v\"host\n";
    obs.policy = "p\\";
    memcpy(obs.alpn, "h\"\n\xff", 4);
    obs.alpn_len = 4;
    library(TG_TLSERR_OTHER, 1, "text \"with\"\ttab\x1b and \xc3\x28 bad");
    encode();

    expect_raw(line, len, "tls.client.server_name",
               "\"a\\\"b\\\\c\\nd\\u0001\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
               "e\xef\xbf\xbd\xef\xbf\xbd\"");
    expect_raw(line, len, "tlsguard.client.alpn",
               "[\"h\\\"2\\n\",\"\\u007f\\\\\xef\xbf\xbd\",\"\"]");
    expect_raw(line, len, "tlsguard.vhost", "\"v\\\"host\\n\"");
    expect_raw(line, len, "tlsguard.policy", "\"p\\\\\"");
    expect_raw(line, len, "tls.next_protocol", "\"h\\\"\\n\xef\xbf\xbd\"");
    expect_raw(line, len, "error.message",
               "\"text \\\"with\\\"\\ttab\\u001b and \xef\xbf\xbd( bad\"");
    expect_str(line, len, "error.code", "00000001");
}

/* A would_reject report: the judgement's reason and stage, the report's
 * own fields, the first request's strings escaped and bounded. */
static void test_report_fields(void **state)
{
    static const char agent[] = "app \"1\"\n\x01\xff/2";
    static char long_agent[TG_EVENT_HTTP_TEXT_MAX + 20];
    capture_t *c = capture("curl-default.hex");
    tg_event_report_t report = {
        .policy = "modern",
        .reason = TG_REASON_PROTOCOL_VERSION,
        .stage = TG_STAGE_CLIENT_HELLO,
        .rule = "J01",
        .user_agent = agent,
        .host = "www.example.org",
        .method = "GET",
    };

    (void)state;
    context("intermediate");
    connection();
    received(c->msg, c->msg_len);
    obs.handshake_done = 1;
    obs.version = 0x0303;
    obs.cipher = 0xc02f;
    ctx.mode = "report";
    ctx.report = &report;
    encode();
    expect_raw(line, len, "event.type", "[\"connection\",\"info\"]");
    expect_str(line, len, "event.outcome", "success");
    expect_raw(line, len, "tls.established", "true");
    expect_str(line, len, "tlsguard.verdict", "would_reject");
    expect_str(line, len, "tlsguard.reason", "protocol_version");
    expect_str(line, len, "tlsguard.stage", "client_hello");
    expect_str(line, len, "tlsguard.report_policy", "modern");
    expect_str(line, len, "tlsguard.report_rule", "J01");
    expect_str(line, len, "tlsguard.mode", "report");
    expect_absent(line, len, "tlsguard.judged");
    expect_raw(line, len, "user_agent.original",
               "\"app \\\"1\\\"\\n\\u0001\xef\xbf\xbd/2\"");
    expect_str(line, len, "url.domain", "www.example.org");
    expect_str(line, len, "http.request.method", "GET");
    expect_absent(line, len, "tlsguard.truncated");

    /* longer than a report carries: cut, and said so; no request: no fields */
    memset(long_agent, 'a', sizeof long_agent - 1);
    report.user_agent = long_agent;
    encode();
    expect_raw(line, len, "tlsguard.truncated", "true");
    report.user_agent = report.host = report.method = NULL;
    report.rule = NULL;
    encode();
    expect_absent(line, len, "user_agent");
    expect_absent(line, len, "url");
    expect_absent(line, len, "http");
    expect_absent(line, len, "tlsguard.report_rule");
    ctx.report = NULL;
}

static void test_host_strings_are_bounded(void **state)
{
    static char big[1000];

    (void)state;
    memset(big, 'v', sizeof big - 1);
    context("intermediate");
    connection();
    obs.vhost = big;   /* longer than the 256 bytes the event takes */
    ctx.version = big;
    obs.peer_eof = 1;
    memset(obs.src_ip, '1', sizeof obs.src_ip); /* no NUL inside */
    memset(obs.lib_error_text, 'e', sizeof obs.lib_error_text);
    encode();
    assert_int_equal(get(line, len, "tlsguard.vhost").len, 256 + 2);
    assert_int_equal(get(line, len, "observer.version").len, 256 + 2);
    assert_int_equal(get(line, len, "source.ip").len, TG_OBS_IP_MAX + 2);
    assert_int_equal(get(line, len, "error.message").len, TG_OBS_TEXT_MAX + 2);
    expect_str(line, len, "tlsguard.reason", "empty_connection");
}

/* ---- truncation ---------------------------------------------------------------------- */

static void huge_hello(void)
{
    static uint16_t ciphers[1000];
    static uint8_t alpn[2000];
    uint16_t groups[200], sigalgs[200];
    size_t at = 0;

    for (size_t i = 0; i < 1000; i++)
        ciphers[i] = (uint16_t)(0xc000 + i);
    hb_begin(0x0303, ciphers, 1000, 0);
    hb_sni(&hb_store, "very-long-host-name.example.org", 31);
    for (int i = 0; i < 100; i++) {
        alpn[at++] = 19;
        memcpy(alpn + at, "protocol-name-00000", 19);
        alpn[at + 17] = (uint8_t)('0' + i / 10);
        alpn[at + 18] = (uint8_t)('0' + i % 10);
        at += 19;
    }
    hb_alpn(&hb_store, alpn, at);
    for (int i = 0; i < 200; i++) {
        groups[i] = (uint16_t)(0x0100 + i);
        sigalgs[i] = (uint16_t)(0x0800 + i);
    }
    hb_ext_u16(&hb_store, TG_HELLO_EXT_SUPPORTED_GROUPS, 2, groups, 200);
    hb_ext_u16(&hb_store, TG_HELLO_EXT_SIGNATURE_ALGORITHMS, 2, sigalgs, 200);
    for (uint16_t t = 0x1000; t < 0x1000 + 56; t++)
        hb_ext(&hb_store, t, "", 0);
    hb_end(&hb_store);
}

static void test_truncation_of_a_maximal_hello(void **state)
{
    static char work[TG_EVENT_WORK_MAX];
    span_t a;

    (void)state;
    huge_hello();
    context("intermediate");
    connection();
    received(hb_store.b, hb_store.len);
    library(TG_TLSERR_NO_SHARED_CIPHER, 0x0A0000C1UL, "no shared cipher");
    obs.alert_sent = (tg_obs_alert_t){1, 2, 40};
    encode();
    assert_true(len < TG_EVENT_LINE_MAX);
    expect_raw(line, len, "tlsguard.truncated", "true");
    expect_str(line, len, "tlsguard.reason", "no_shared_cipher");
    expect_str(line, len, "tlsguard.stage", "client_hello");
    expect_str(line, len, "tlsguard.alert.sent.name", "handshake_failure");
    /* lists keep a prefix in wire order */
    a = get(line, len, "tls.client.supported_ciphers");
    assert_true(array_items(a, NULL, 0) > 10);
    assert_true(array_items(a, NULL, 0) < 1000);
    expect_item(a, 0, "0xc000");
    expect_item(a, 1, "TLS_ECDH_ECDSA_WITH_NULL_SHA");
    a = get(line, len, "tlsguard.client.extensions");
    expect_item(a, 0, "server_name");
    /* the default 8 KiB of scratch holds the JA3 string (about 6000 bytes)
     * but not JA4_r's sort space as well */
    assert_int_equal(get(line, len, "tls.client.ja3").len, 34);
    expect_absent(line, len, "tlsguard.client.ja4");

    /* with TG_EVENT_WORK_MAX of scratch both hashes are there; the long raw
     * strings do not fit the line */
    ctx.work = work;
    ctx.work_size = sizeof work;
    encode();
    assert_int_equal(get(line, len, "tls.client.ja3").len, 34);
    assert_int_equal(get(line, len, "tlsguard.client.ja4").len, 38);
    {
        tg_hello_t h;
        char ja4[TG_JA4_SIZE];

        assert_int_equal(tg_hello_parse(hb_store.b, hb_store.len, &h), TG_HELLO_OK);
        assert_int_equal(tg_ja4(&h, TG_JA4_TCP, tg_ossl_sha256, work, sizeof work,
                                ja4, sizeof ja4), TG_FP_OK);
        expect_str(line, len, "tlsguard.client.ja4", ja4);
    }
    expect_absent(line, len, "tlsguard.client.ja3_string");
    expect_absent(line, len, "tlsguard.client.ja4_r");
    expect_raw(line, len, "tlsguard.truncated", "true");
}

/* The largest hello the observer keeps, all suites: the worst case for the
 * fingerprints' scratch, which TG_EVENT_WORK_MAX covers. */
static void test_work_max_covers_the_largest_hello(void **state)
{
    static uint16_t ciphers[8200];
    static char work[TG_EVENT_WORK_MAX];
    size_t n = (TG_OBS_MAX_HELLO - 4 - 2 - 32 - 1 - 2 - 2) / 2;
    tg_hello_t h;

    (void)state;
    for (size_t i = 0; i < n; i++)
        ciphers[i] = (uint16_t)(0x0100 + i);
    hb_begin(0x0303, ciphers, n, 0);
    hb_end(&hb_store);
    assert_true(hb_store.len <= TG_OBS_MAX_HELLO);
    assert_true(hb_store.len > TG_OBS_MAX_HELLO - 2);
    assert_int_equal(tg_hello_parse(hb_store.b, hb_store.len, &h), TG_HELLO_OK);
    assert_true(tg_fp_work_size(&h) > 50000);
    context("intermediate");
    ctx.work = work;
    ctx.work_size = sizeof work;
    connection();
    received(hb_store.b, hb_store.len);
    obs.tls_error = TG_TLSERR_NO_SHARED_CIPHER;
    encode();
    assert_int_equal(get(line, len, "tls.client.ja3").len, 34);
    assert_int_equal(get(line, len, "tlsguard.client.ja4").len, 38);
    expect_raw(line, len, "tlsguard.truncated", "true"); /* the lists */
}

static void test_every_capacity(void **state)
{
    static char buf[TG_EVENT_LINE_MAX + 16];
    capture_t *c = capture("openssl-all-ciphers.hex");
    size_t last = 0;

    (void)state;
    context("intermediate");
    connection();
    received(c->msg, c->msg_len);
    library(TG_TLSERR_NO_SHARED_CIPHER, 0x0A0000C1UL, "no shared cipher");
    for (size_t cap = 0; cap <= TG_EVENT_LINE_MAX; cap++) {
        size_t n;

        memset(buf, 0x5a, sizeof buf);
        n = tg_event_build(&obs, &ctx, buf, cap);
        for (size_t k = cap; k < sizeof buf; k++)
            assert_int_equal((unsigned char)buf[k], 0x5a);
        if (n == 0) {
            assert_true(cap < 64);
            continue;
        }
        assert_event_line(buf, n, cap);
        /* once the verdict fits it stays */
        if (cap >= 400)
            expect_str(buf, n, "tlsguard.reason", "no_shared_cipher");
        last = n;
    }
    assert_true(last > 3000);
}

static void test_no_arguments(void **state)
{
    (void)state;
    context("intermediate");
    connection();
    assert_int_equal(tg_event_build(NULL, &ctx, line, sizeof line), 0);
    assert_int_equal(tg_event_build(&obs, NULL, line, sizeof line), 0);
    assert_int_equal(tg_event_build(&obs, &ctx, NULL, sizeof line), 0);
}

/* ---- without a hello, with a broken one ------------------------------------------------ */

static void test_no_hello(void **state)
{
    (void)state;
    context("intermediate");
    connection();
    memcpy(obs.first_bytes, "GET / HTTP/1.1\r\nHost", 16);
    obs.first_len = 16;
    obs.bytes_in = 78;
    library(TG_TLSERR_HTTP_REQUEST, 0x0A00009CUL, "http request");
    encode();
    expect_str(line, len, "tlsguard.reason", "not_tls");
    expect_str(line, len, "tlsguard.first_bytes", "474554202f20485454502f312e310d0a");
    expect_raw(line, len, "event.type", "[\"connection\",\"end\"]");
    expect_absent(line, len, "tls.client");
    expect_absent(line, len, "tlsguard.client");
    expect_absent(line, len, "tlsguard.last_message");
    expect_raw(line, len, "tls.established", "false");
}

static void test_malformed_hello(void **state)
{
    capture_t *c = capture("curl-default.hex");
    static uint8_t bad[TG_OBS_MAX_HELLO];

    (void)state;
    memcpy(bad, c->msg, c->msg_len);
    bad[4 + 2 + 32] = 40;        /* session_id length beyond its 32 bytes */
    context("intermediate");
    connection();
    received(bad, c->msg_len);
    obs.peer_eof = 1;
    encode();
    expect_str(line, len, "tlsguard.reason", "malformed_hello");
    expect_str(line, len, "tlsguard.client.hello_error", "bad_length");
    expect_str(line, len, "tlsguard.client.legacy_version", "TLSv1.2");
    expect_absent(line, len, "tls.client.ja3");
    expect_absent(line, len, "tlsguard.client.ja4");
    expect_absent(line, len, "tlsguard.client.ja4_r");
    expect_absent(line, len, "tls.client.supported_ciphers");
    expect_absent(line, len, "tlsguard.client.versions");
    expect_absent(line, len, "tlsguard.client.extensions");
    {
        char hex[2 * TG_OBS_FIRST_BYTES + 1];

        for (size_t i = 0; i < TG_OBS_FIRST_BYTES; i++)
            snprintf(hex + 2 * i, 3, "%02x", obs.first_bytes[i]);
        assert_memory_equal(hex, "1603010200010001fc0303", 22);
        expect_str(line, len, "tlsguard.first_bytes", hex);
    }
}

/* ---- one realistic line per reason (docs/events.md) --------------------------------- */

static void hb_tls12_client(const uint16_t *ciphers, size_t n)
{
    static const uint16_t groups[] = {0x001d, 0x0017, 0x0018};
    static const uint16_t sigalgs[] = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501};

    hb_begin(0x0303, ciphers, n, 0);
    hb_sni(&hb_store, "www.example.org", 15);
    hb_ext_u16(&hb_store, TG_HELLO_EXT_SUPPORTED_GROUPS, 2, groups, 3);
    hb_ext(&hb_store, TG_HELLO_EXT_EC_POINT_FORMATS, "\x01\x00", 2);
    hb_ext_u16(&hb_store, TG_HELLO_EXT_SIGNATURE_ALGORITHMS, 2, sigalgs, 6);
    hb_ext(&hb_store, 0xff01, "\x00", 1);
    hb_end(&hb_store);
}

static void ex_success(void)
{
    capture_t *c = capture("chromium-headless.hex");

    received(c->msg, c->msg_len);
    obs.last_msg_in = 20;
    obs.last_msg_out = 4;
    obs.msgs_in = 2;
    obs.msgs_out = 7;
    obs.handshake_done = 1;
    obs.done_us = T0 + 1650;
    obs.version = 0x0304;
    obs.cipher = 0x1301;
    obs.group = 0x001d;
    memcpy(obs.alpn, "h2", 2);
    obs.alpn_len = 2;
}

static void ex_protocol_version(void)
{
    capture_t *c = capture("curl-tls12-http11.hex");

    obs.policy = "modern";
    received(c->msg, c->msg_len);
    obs.alert_sent = (tg_obs_alert_t){1, 2, 70};
    obs.last_msg_out = TG_OBS_NO_MSG;
    obs.done_us = T0 + 420;
    library(TG_TLSERR_UNSUPPORTED_PROTOCOL, 0x0A000102UL, "unsupported protocol");
}

static void ex_no_shared_cipher(void)
{
    static const uint16_t weak[] = {0x000a, 0x0005, 0x0004, 0x00ff};

    hb_tls12_client(weak, 4);
    received(hb_store.b, hb_store.len);
    obs.alert_sent = (tg_obs_alert_t){1, 2, 40};
    obs.done_us = T0 + 380;
    library(TG_TLSERR_NO_SHARED_CIPHER, 0x0A0000C1UL, "no shared cipher");
}

static void ex_no_shared_group(void)
{
    static const uint16_t suites[] = {0x1301, 0x1302};
    static const uint16_t v13[] = {0x0304};
    static const uint16_t p521[] = {0x0019};
    static const uint16_t sigalgs[] = {0x0403, 0x0804, 0x0805};
    static const uint8_t share[] = {0x00, 0x05, 0x00, 0x19, 0x00, 0x01, 0x04};

    hb_begin(0x0303, suites, 2, 0);
    hb_sni(&hb_store, "www.example.org", 15);
    hb_ext_u16(&hb_store, TG_HELLO_EXT_SUPPORTED_VERSIONS, 1, v13, 1);
    hb_ext_u16(&hb_store, TG_HELLO_EXT_SUPPORTED_GROUPS, 2, p521, 1);
    hb_ext_u16(&hb_store, TG_HELLO_EXT_SIGNATURE_ALGORITHMS, 2, sigalgs, 3);
    hb_ext(&hb_store, TG_HELLO_EXT_KEY_SHARE, share, sizeof share);
    hb_end(&hb_store);
    received(hb_store.b, hb_store.len);
    obs.alert_sent = (tg_obs_alert_t){1, 2, 40};
    obs.done_us = T0 + 365;
    library(TG_TLSERR_NO_SHARED_GROUP, 0x0A000065UL, "no suitable key share");
}

static void ex_no_shared_sigalg(void)
{
    static const uint16_t suites[] = {0xc02b, 0xc02c, 0x00ff};
    static const uint16_t groups[] = {0x0017};
    static const uint16_t sha1[] = {0x0203, 0x0201};

    hb_begin(0x0303, suites, 3, 0);
    hb_sni(&hb_store, "www.example.org", 15);
    hb_ext_u16(&hb_store, TG_HELLO_EXT_SUPPORTED_GROUPS, 2, groups, 1);
    hb_ext_u16(&hb_store, TG_HELLO_EXT_SIGNATURE_ALGORITHMS, 2, sha1, 2);
    hb_end(&hb_store);
    received(hb_store.b, hb_store.len);
    obs.alert_sent = (tg_obs_alert_t){1, 2, 40};
    obs.done_us = T0 + 402;
    library(TG_TLSERR_NO_SHARED_SIGALG, 0x0A000178UL,
            "no shared signature algorithms");
}

static void ex_unknown_server_name(void)
{
    capture_t *c = capture("openssl-tls13.hex");

    obs.vhost = NULL;
    received(c->msg, c->msg_len);
    obs.alert_sent = (tg_obs_alert_t){1, 2, 112};
    obs.done_us = T0 + 390;
    library(TG_TLSERR_CALLBACK_FAILED, 0x0A0000EAUL, "callback failed");
}

static void ex_client_rejected_certificate(void)
{
    capture_t *c = capture("curl-default.hex");

    received(c->msg, c->msg_len);
    obs.last_msg_out = 20;
    obs.msgs_out = 6;
    obs.alert_received = (tg_obs_alert_t){1, 2, 48};
    obs.version = 0x0304;
    obs.cipher = 0x1302;
    obs.group = 0x001d;
    obs.done_us = T0 + 2050;
    obs.end_us = T0 + 2110;
    obs.bytes_in += 7;
    library(TG_TLSERR_PEER_ALERT, 0x0A000418UL, "tlsv1 alert unknown ca");
}

static void ex_client_certificate_invalid(void)
{
    capture_t *c = capture("openssl-tls13.hex");

    received(c->msg, c->msg_len);
    obs.last_msg_in = 11;
    obs.msgs_in = 2;
    obs.last_msg_out = 20;
    obs.msgs_out = 7;
    obs.alert_sent = (tg_obs_alert_t){1, 2, 48};
    obs.version = 0x0304;
    obs.cipher = 0x1302;
    obs.group = 0x001d;
    obs.bytes_in += 1288;
    obs.done_us = T0 + 3120;
    obs.end_us = T0 + 3190;
    library(TG_TLSERR_PEER_CERTIFICATE, 0x0A000086UL, "certificate verify failed");
}

/* "Protocols http/1.1": mod_ssl selects http/1.1, which the client (asking
 * for _x or h2) never offered; OpenSSL's client answers with decode_error. */
static void ex_alpn_mismatch(void)
{
    capture_t *c = capture("openssl-odd-alpn.hex");

    received(c->msg, c->msg_len);
    obs.last_msg_out = 20;
    obs.msgs_out = 6;
    obs.alert_received = (tg_obs_alert_t){1, 2, 50};
    obs.version = 0x0304;
    obs.cipher = 0x1302;
    obs.group = 0x001d;
    memcpy(obs.alpn, "http/1.1", 8);
    obs.alpn_len = 8;
    obs.bytes_in += 7;
    obs.done_us = T0 + 1940;
    library(TG_TLSERR_PEER_ALERT, 0x0A00041AUL, "tlsv1 alert decode error");
}

static void ex_inappropriate_fallback(void)
{
    static const uint16_t suites[] = {0xc02f, 0xc030, 0xc013, 0x5600};

    hb_tls12_client(suites, 4);
    received(hb_store.b, hb_store.len);
    obs.alert_sent = (tg_obs_alert_t){1, 2, 86};
    obs.done_us = T0 + 355;
    library(TG_TLSERR_INAPPROPRIATE_FALLBACK, 0x0A000175UL,
            "inappropriate fallback");
}

static void ex_malformed_hello(void)
{
    static uint8_t bad[TG_OBS_MAX_HELLO];
    capture_t *c = capture("gnutls-default.hex");

    memcpy(bad, c->msg, c->msg_len);
    bad[4 + 2 + 32 + 1 + 32 + 1] ^= 0x01; /* cipher_suites length made odd */
    received(bad, c->msg_len);
    obs.alert_sent = (tg_obs_alert_t){1, 2, 50};
    obs.done_us = T0 + 330;
    library(TG_TLSERR_MALFORMED, 0x0A00009FUL, "length mismatch");
}

static void ex_not_tls(void)
{
    memcpy(obs.first_bytes, "GET / HTTP/1.1\r\nHost", 16);
    obs.first_len = 16;
    obs.bytes_in = 78;
    obs.handshake_started = 1;
    obs.done_us = T0 + 150;
    obs.end_us = T0 + 410;
    library(TG_TLSERR_HTTP_REQUEST, 0x0A00009CUL, "http request");
}

static void ex_client_aborted(void)
{
    capture_t *c = capture("gnutls-legacy.hex");

    received(c->msg, c->msg_len);
    obs.last_msg_out = 14;
    obs.msgs_out = 4;
    obs.version = 0x0303;
    obs.cipher = 0xc02f;
    obs.group = 0x0017;
    obs.peer_eof = 1;
    obs.done_us = T0 + 5400;
    obs.end_us = T0 + 5460;
    library(TG_TLSERR_UNEXPECTED_EOF, 0x0A000126UL, "unexpected eof while reading");
}

static void ex_timeout(void)
{
    static const uint8_t part[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01,
                                   0xfc, 0x03, 0x03, 0x5c, 0x1e, 0x94, 0x02, 0x7b};

    memcpy(obs.first_bytes, part, sizeof part);
    obs.first_len = sizeof part;
    obs.bytes_in = 100;
    obs.handshake_started = 1;
    obs.read_timeout = 1;
    obs.end_us = T0 + 3000950;
}

static void ex_empty_connection(void)
{
    obs.peer_eof = 1;
    obs.handshake_started = 1;
    obs.end_us = T0 + 84;
}

/* The guard refused: the hello parses, but the vhost the server selected is
 * not the one whose settings the connection carried. */
static void ex_policy_unresolved(void)
{
    capture_t *c = capture("openssl-tls13.hex");

    received(c->msg, c->msg_len);
    obs.alert_sent = (tg_obs_alert_t){1, 2, 70};
    obs.done_us = T0 + 270;
    library(TG_TLSERR_POLICY_UNRESOLVED, 0x0A000102UL, "unsupported protocol");
}

static void ex_internal_error(void)
{
    capture_t *c = capture("openssl-tls12-alpn.hex");

    received(c->msg, c->msg_len);
    obs.last_msg_out = 2;
    obs.msgs_out = 1;
    obs.alert_sent = (tg_obs_alert_t){1, 2, 80};
    obs.version = 0x0303;
    obs.cipher = 0xc02f;
    obs.done_us = T0 + 610;
    library(TG_TLSERR_INTERNAL, 0x0A0C0103UL, "internal error");
}

/* TLS 1.2: the ClientKeyExchange's point length disagrees with the message. */
static void ex_protocol_violation(void)
{
    capture_t *c = capture("curl-tls12-http11.hex");

    received(c->msg, c->msg_len);
    obs.last_msg_in = 16;
    obs.msgs_in = 2;
    obs.last_msg_out = 14;
    obs.msgs_out = 4;
    obs.alert_sent = (tg_obs_alert_t){1, 2, 50};
    obs.version = 0x0303;
    obs.cipher = 0xc02f;
    obs.group = 0x001d;
    obs.bytes_in += 20;
    obs.done_us = T0 + 1480;
    library(TG_TLSERR_MALFORMED, 0x0A00009FUL, "length mismatch");
}

/* TLS 1.3: random bytes in an application_data record where the client's
 * Finished belongs. */
static void ex_bad_record_mac(void)
{
    capture_t *c = capture("openssl-tls13.hex");

    received(c->msg, c->msg_len);
    obs.last_msg_out = 20;
    obs.msgs_out = 5;
    obs.alert_sent = (tg_obs_alert_t){1, 2, 20};
    obs.version = 0x0304;
    obs.cipher = 0x1302;
    obs.group = 0x001d;
    obs.bytes_in += 69;
    obs.done_us = T0 + 1610;
    library(TG_TLSERR_BAD_RECORD_MAC, 0x0A000119UL, "decryption failed or bad record mac");
}

/* TLS 1.2: the client's Finished decrypted, but its MAC over the transcript
 * is not ours (a relay changed our Certificate on the way). */
static void ex_decrypt_error(void)
{
    capture_t *c = capture("openssl-tls12-alpn.hex");

    received(c->msg, c->msg_len);
    obs.last_msg_in = 20;
    obs.msgs_in = 3;
    obs.last_msg_out = 14;
    obs.msgs_out = 4;
    obs.alert_sent = (tg_obs_alert_t){1, 2, 51};
    obs.version = 0x0303;
    obs.cipher = 0xc02f;
    obs.group = 0x001d;
    memcpy(obs.alpn, "http/1.1", 8);
    obs.alpn_len = 8;
    obs.bytes_in += 126;
    obs.done_us = T0 + 1930;
    library(TG_TLSERR_DECRYPT_ERROR, 0x0A000095UL, "digest check failed");
}

/* A client that found our choice too weak for its own rules: no specific
 * reason applies. */
static void ex_other(void)
{
    capture_t *c = capture("gnutls-legacy.hex");

    received(c->msg, c->msg_len);
    obs.last_msg_out = 14;
    obs.msgs_out = 4;
    obs.alert_received = (tg_obs_alert_t){1, 2, 71};
    obs.version = 0x0303;
    obs.cipher = 0xc02f;
    obs.group = 0x0017;
    obs.bytes_in += 7;
    obs.done_us = T0 + 2300;
    obs.end_us = T0 + 2390;
    library(TG_TLSERR_PEER_ALERT, 0x0A00042FUL, "tlsv1 alert insufficient security");
}

/* openssl s_client -tls1_2, then "R": we refused with a warning, the client
 * gave up with a fatal handshake_failure. */
static void ex_renegotiation_refused(void)
{
    capture_t *c = capture("openssl-tls12-alpn.hex");

    received(c->msg, c->msg_len);
    obs.handshake_done = 1;
    obs.done_us = T0 + 1720;
    obs.end_us = T0 + 2410500;
    obs.bytes_in += 126;
    obs.version = 0x0303;
    obs.cipher = 0xc02f;
    obs.group = 0x001d;
    memcpy(obs.alpn, "http/1.1", 8);
    obs.alpn_len = 8;
    obs.phase = TG_OBS_PHASE_RENEGOTIATION;
    obs.later_handshakes = 1;
    obs.msgs_in = 4;
    obs.msgs_out = 6;
    obs.last_msg_in = 1;
    obs.last_msg_out = TG_OBS_NO_MSG;
    obs.alert_sent = (tg_obs_alert_t){1, 1, 100};
    obs.alert_received = (tg_obs_alert_t){1, 2, 40};
    obs.tls_error = TG_TLSERR_RENEGOTIATION_REFUSED;
}

/* A client that refuses renegotiation (OpenSSL's -no_renegotiation, Go's
 * default) answered our HelloRequest for a per-directory SSLVerifyClient. */
static void ex_client_rejected_renegotiation(void)
{
    capture_t *c = capture("curl-tls12-http11.hex");

    received(c->msg, c->msg_len);
    obs.handshake_done = 1;
    obs.done_us = T0 + 1690;
    obs.end_us = T0 + 9870;
    obs.bytes_in += 126;
    obs.version = 0x0303;
    obs.cipher = 0xc02f;
    obs.group = 0x001d;
    memcpy(obs.alpn, "http/1.1", 8);
    obs.alpn_len = 8;
    obs.phase = TG_OBS_PHASE_RENEGOTIATION;
    obs.later_handshakes = 1;
    obs.msgs_in = 3;
    obs.msgs_out = 7;
    obs.last_msg_in = TG_OBS_NO_MSG;
    obs.last_msg_out = 0;
    obs.alert_received = (tg_obs_alert_t){1, 1, 100};
    obs.alert_sent = (tg_obs_alert_t){1, 2, 40};
    library(TG_TLSERR_NO_RENEGOTIATION, 0x0A000153UL, "no renegotiation");
}

static const struct {
    void (*setup)(void);
    tg_reason_t reason;
    const char *stage;
    int judged;
} examples[] = {
    {ex_success, TG_REASON_NONE, "established", 0},
    {ex_protocol_version, TG_REASON_PROTOCOL_VERSION, "client_hello", 0},
    {ex_no_shared_cipher, TG_REASON_NO_SHARED_CIPHER, "client_hello", 0},
    {ex_no_shared_group, TG_REASON_NO_SHARED_GROUP, "client_hello", 0},
    {ex_no_shared_sigalg, TG_REASON_NO_SHARED_SIGALG, "client_hello", 0},
    {ex_unknown_server_name, TG_REASON_UNKNOWN_SERVER_NAME, "client_hello", 0},
    {ex_client_rejected_certificate, TG_REASON_CLIENT_REJECTED_CERTIFICATE,
     "certificate", 0},
    {ex_client_certificate_invalid, TG_REASON_CLIENT_CERTIFICATE_INVALID,
     "certificate", 0},
    {ex_alpn_mismatch, TG_REASON_ALPN_MISMATCH, "server_hello", 1},
    {ex_inappropriate_fallback, TG_REASON_INAPPROPRIATE_FALLBACK, "client_hello", 0},
    {ex_malformed_hello, TG_REASON_MALFORMED_HELLO, "client_hello", 0},
    {ex_not_tls, TG_REASON_NOT_TLS, "client_hello", 0},
    {ex_client_aborted, TG_REASON_CLIENT_ABORTED, "key_exchange", 0},
    {ex_timeout, TG_REASON_TIMEOUT, "client_hello", 0},
    {ex_empty_connection, TG_REASON_EMPTY_CONNECTION, "client_hello", 0},
    {ex_internal_error, TG_REASON_INTERNAL_ERROR, "server_hello", 0},
    {ex_policy_unresolved, TG_REASON_POLICY_UNRESOLVED, "client_hello", 0},
    {ex_renegotiation_refused, TG_REASON_RENEGOTIATION_REFUSED, "renegotiation", 0},
    {ex_client_rejected_renegotiation, TG_REASON_CLIENT_REJECTED_RENEGOTIATION,
     "renegotiation", 0},
    {ex_protocol_violation, TG_REASON_PROTOCOL_VIOLATION, "key_exchange", 0},
    {ex_bad_record_mac, TG_REASON_BAD_RECORD_MAC, "finished", 0},
    {ex_decrypt_error, TG_REASON_DECRYPT_ERROR, "finished", 0},
    {ex_other, TG_REASON_OTHER, "key_exchange", 0},
};

static void test_reason_examples(void **state)
{
    const char *path = getenv("TG_EVENT_EXAMPLES");
    FILE *out = path ? fopen(path, "w") : NULL;
    unsigned seen = 0;

    (void)state;
    assert_int_equal(sizeof examples / sizeof examples[0], TG_REASON_COUNT);
    context("intermediate");
    for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++) {
        connection();
        examples[i].setup();
        encode();
        if (examples[i].reason == TG_REASON_NONE) {
            expect_absent(line, len, "tlsguard.reason");
            expect_str(line, len, "event.outcome", "success");
        } else {
            expect_str(line, len, "tlsguard.reason",
                       tg_reason_name(examples[i].reason));
            expect_str(line, len, "event.outcome", "failure");
        }
        expect_str(line, len, "tlsguard.stage", examples[i].stage);
        if (examples[i].judged)
            expect_raw(line, len, "tlsguard.judged", "true");
        else
            expect_absent(line, len, "tlsguard.judged");
        expect_absent(line, len, "tlsguard.truncated");
        seen |= 1u << examples[i].reason;
        if (out) {
            fprintf(out, "%s\t", tg_reason_name(examples[i].reason));
            fwrite(line, 1, len, out);
        }
    }
    assert_int_equal(seen, (1u << TG_REASON_COUNT) - 1);
    if (out)
        fclose(out);
}

/* ---- time, event types ----------------------------------------------------------------- */

static void test_time_format(void **state)
{
    static const struct {
        int64_t us;
        const char *text;
    } cases[] = {
        {0, "1970-01-01T00:00:00.000000Z"},
        {-5, "1970-01-01T00:00:00.000000Z"},
        {1, "1970-01-01T00:00:00.000001Z"},
        {INT64_C(951782400123456), "2000-02-29T00:00:00.123456Z"},
        {INT64_C(951868799999999), "2000-02-29T23:59:59.999999Z"},
        {INT64_C(4107542399999999), "2100-02-28T23:59:59.999999Z"},
        {INT64_C(4107542400000000), "2100-03-01T00:00:00.000000Z"},
        {INT64_C(1795427045002210), "2026-11-23T09:44:05.002210Z"},
        {INT64_C(1798761599999999), "2026-12-31T23:59:59.999999Z"},
        {INT64_C(253402300799999999), "9999-12-31T23:59:59.999999Z"},
        {INT64_MAX, "9999-12-31T23:59:59.999999Z"},
    };
    char out[TG_EVENT_TIME_SIZE];

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tg_event_format_time(cases[i].us, out);
        assert_string_equal(out, cases[i].text);
    }
}

static void test_event_types(void **state)
{
    (void)state;
    assert_string_equal(tg_event_type(TG_REASON_NONE), "allowed");
    assert_string_equal(tg_event_type(TG_REASON_NO_SHARED_CIPHER), "denied");
    assert_string_equal(tg_event_type(TG_REASON_CLIENT_CERTIFICATE_INVALID), "denied");
    assert_string_equal(tg_event_type(TG_REASON_CLIENT_REJECTED_CERTIFICATE), "end");
    assert_string_equal(tg_event_type(TG_REASON_TIMEOUT), "end");
    assert_string_equal(tg_event_type(TG_REASON_RENEGOTIATION_REFUSED), "denied");
    assert_string_equal(tg_event_type(TG_REASON_CLIENT_REJECTED_RENEGOTIATION), "end");
    assert_string_equal(tg_event_type(TG_REASON_PROTOCOL_VIOLATION), "end");
    assert_string_equal(tg_event_type(TG_REASON_BAD_RECORD_MAC), "end");
    assert_string_equal(tg_event_type(TG_REASON_DECRYPT_ERROR), "end");
    assert_string_equal(tg_event_type(TG_REASON_COUNT), "end");
    for (int r = 0; r < TG_REASON_COUNT; r++)
        assert_non_null(tg_event_type((tg_reason_t)r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_names_need_no_escaping),
        cmocka_unit_test(test_report_fields),
        cmocka_unit_test(test_failure_fields),
        cmocka_unit_test(test_success_fields),
        cmocka_unit_test(test_later_failure_fields),
        cmocka_unit_test(test_all_captures),
        cmocka_unit_test(test_ja4_matches_fingerprint_module),
        cmocka_unit_test(test_versions_without_the_extension),
        cmocka_unit_test(test_escaping_wire_strings),
        cmocka_unit_test(test_host_strings_are_bounded),
        cmocka_unit_test(test_truncation_of_a_maximal_hello),
        cmocka_unit_test(test_work_max_covers_the_largest_hello),
        cmocka_unit_test(test_every_capacity),
        cmocka_unit_test(test_no_arguments),
        cmocka_unit_test(test_no_hello),
        cmocka_unit_test(test_malformed_hello),
        cmocka_unit_test(test_reason_examples),
        cmocka_unit_test(test_time_format),
        cmocka_unit_test(test_event_types),
    };

    return cmocka_run_group_tests(tests, setup_captures, NULL);
}
