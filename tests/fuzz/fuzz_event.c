/*
 * fuzz_event: any observation, any ClientHello bytes, any capacity -> the
 * event line is valid JSON (own checker below: RFC 8259 grammar, UTF-8, no
 * raw control bytes), fits the capacity, ends with its only '\n', and
 * leaves every byte past the capacity alone. At the production capacity
 * the line always exists and always carries the stage.
 *
 * Input: a 64-byte header that sets the observation's fields (layout in
 * `struct header` below), then the library's error text and the selected
 * ALPN (lengths from the header), then the ClientHello message. Seeds in
 * tests/data/fuzz-event/ are real hellos behind such a header.
 *
 * Build and run (from the repository root):
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=undefined -D_POSIX_C_SOURCE=200809L \
 *     -Imod_src/core -Imod_src/ossl tests/fuzz/fuzz_event.c mod_src/core/tg_[a-z]*.c \
 *     mod_src/ossl/tg_ossl_digest.c -lcrypto -o /tmp/fuzz_event
 *   /tmp/fuzz_event -max_total_time=300 /tmp/corpus tests/data/fuzz-event
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tg_event.h"
#include "tg_ossl_digest.h"
#include "tg_profile.h"

#define HEADER 64
#define CANARY 64
#define DEPTH_MAX 32

/* ---- input layout -------------------------------------------------------------- */

enum {
    H_FLAGS = 0,     /* bit 0 done, 1 timeout, 2 eof, 3 hello cut, 4 resumed,
                        5 no hello, 6 large scratch, 7 no policy */
    H_TLS_ERROR = 1, /* tg_tls_error_t, out-of-range values kept */
    H_ALERT_OUT = 2, /* level (0: none), then description */
    H_ALERT_IN = 4,
    H_MSG_IN = 6,    /* 0xff: none */
    H_MSG_OUT = 7,
    H_VERSION = 8,   /* 16 bits each */
    H_CIPHER = 10,
    H_GROUP = 12,
    H_FIRST_LEN = 14,
    H_ALPN_LEN = 15,
    H_TEXT_LEN = 16,
    H_CAP = 17,      /* 16 bits, 0: TG_EVENT_LINE_MAX */
    H_PROFILE = 19,
    H_BYTES_IN = 20, /* 32 bits */
    H_START = 24,    /* 32 bits of seconds, 32 bits of microseconds offset */
    H_END = 28,
    H_FIRST = 32,    /* 16 first bytes */
    H_MODE = 48,     /* bits 0-1: 0 enforce, 1 report, 2 none; bit 2 no vhost,
                        3 no policy; bits 4-5 phase (3 out of range), 6 phase done */
};

static uint32_t rd(const uint8_t *p, int n)
{
    uint32_t v = 0;

    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* ---- a minimal JSON checker -------------------------------------------------------- */

typedef struct cur_t {
    const unsigned char *p, *end;
} cur_t;

static void skip_ws(cur_t *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' ||
                             *c->p == '\n'))
        c->p++;
}

static int hex_digit(unsigned char x)
{
    return (x >= '0' && x <= '9') || (x >= 'a' && x <= 'f') ||
           (x >= 'A' && x <= 'F');
}

/* A well-formed UTF-8 sequence of 2-4 bytes (RFC 3629); its length or 0. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
    unsigned char b = p[0], lo = 0x80, hi = 0xbf;
    size_t n;

    if (b >= 0xc2 && b <= 0xdf)
        n = 2;
    else if (b >= 0xe0 && b <= 0xef)
        n = 3;
    else if (b >= 0xf0 && b <= 0xf4)
        n = 4;
    else
        return 0;
    if (b == 0xe0)
        lo = 0xa0;
    if (b == 0xed)
        hi = 0x9f;
    if (b == 0xf0)
        lo = 0x90;
    if (b == 0xf4)
        hi = 0x8f;
    if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t k = 2; k < n; k++) {
        if ((p[k] & 0xc0) != 0x80)
            return 0;
    }
    return n;
}

static int check_string(cur_t *c)
{
    c->p++; /* opening quote */
    while (c->p < c->end) {
        unsigned char b = *c->p;

        if (b == '"') {
            c->p++;
            return 1;
        }
        if (b < 0x20 || b == 0x7f) /* the writer escapes DEL as well */
            return 0;
        if (b == '\\') {
            if (++c->p >= c->end)
                return 0;
            if (*c->p == 'u') {
                for (int k = 0; k < 4; k++) {
                    if (++c->p >= c->end || !hex_digit(*c->p))
                        return 0;
                }
            } else if (!memchr("\"\\/bfnrt", *c->p, 8)) {
                return 0;
            }
            c->p++;
        } else if (b < 0x80) {
            c->p++;
        } else {
            size_t n = utf8_seq(c->p, c->end);

            if (n == 0)
                return 0;
            c->p += n;
        }
    }
    return 0;
}

/* Integers only: the event has no fractions or exponents. */
static int check_number(cur_t *c)
{
    if (c->p < c->end && *c->p == '-')
        c->p++;
    if (c->p >= c->end || *c->p < '0' || *c->p > '9')
        return 0;
    if (*c->p == '0') {
        c->p++;
        return c->p >= c->end || *c->p < '0' || *c->p > '9';
    }
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
        c->p++;
    return 1;
}

static int check_word(cur_t *c, const char *w)
{
    size_t n = strlen(w);

    if ((size_t)(c->end - c->p) < n || memcmp(c->p, w, n) != 0)
        return 0;
    c->p += n;
    return 1;
}

static int check_value(cur_t *c, int depth);

static int check_container(cur_t *c, int depth, unsigned char close)
{
    c->p++;
    skip_ws(c);
    if (c->p < c->end && *c->p == close) {
        c->p++;
        return 1;
    }
    for (;;) {
        skip_ws(c);
        if (close == '}') {
            if (c->p >= c->end || *c->p != '"' || !check_string(c))
                return 0;
            skip_ws(c);
            if (c->p >= c->end || *c->p++ != ':')
                return 0;
        }
        if (!check_value(c, depth + 1))
            return 0;
        skip_ws(c);
        if (c->p >= c->end)
            return 0;
        if (*c->p == close) {
            c->p++;
            return 1;
        }
        if (*c->p++ != ',')
            return 0;
    }
}

static int check_value(cur_t *c, int depth)
{
    skip_ws(c);
    if (c->p >= c->end || depth > DEPTH_MAX)
        return 0;
    switch (*c->p) {
    case '{': return check_container(c, depth, '}');
    case '[': return check_container(c, depth, ']');
    case '"': return check_string(c);
    case 't': return check_word(c, "true");
    case 'f': return check_word(c, "false");
    case 'n': return check_word(c, "null");
    default: return check_number(c);
    }
}

static int contains(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);

    for (size_t i = 0; i + k <= n; i++) {
        if (memcmp(s + i, w, k) == 0)
            return 1;
    }
    return 0;
}

/* ---- the target ---------------------------------------------------------------------- */

static void fill(tg_observation_t *o, const uint8_t *h, const uint8_t **rest,
                 size_t *left)
{
    size_t text = h[H_TEXT_LEN] % (TG_OBS_TEXT_MAX + 1);
    size_t alpn = h[H_ALPN_LEN] % (TG_OBS_TEXT_MAX + 1);

    tg_observation_init(o);
    memcpy(o->src_ip, "2001:db8::7", 12);
    o->src_port = (uint16_t)rd(h + H_BYTES_IN, 2);
    memcpy(o->dst_ip, "192.0.2.1", 10);
    o->dst_port = 443;
    o->handshake_done = h[H_FLAGS] & 1;
    o->read_timeout = (h[H_FLAGS] >> 1) & 1;
    o->peer_eof = (h[H_FLAGS] >> 2) & 1;
    o->hello_truncated = (h[H_FLAGS] >> 3) & 1;
    o->resumed = (h[H_FLAGS] >> 4) & 1;
    o->tls_error = (tg_tls_error_t)h[H_TLS_ERROR];
    o->alert_sent = (tg_obs_alert_t){h[H_ALERT_OUT] != 0, h[H_ALERT_OUT],
                                     h[H_ALERT_OUT + 1]};
    o->alert_received = (tg_obs_alert_t){h[H_ALERT_IN] != 0, h[H_ALERT_IN],
                                         h[H_ALERT_IN + 1]};
    o->last_msg_in = h[H_MSG_IN] == 0xff ? TG_OBS_NO_MSG : h[H_MSG_IN];
    o->last_msg_out = h[H_MSG_OUT] == 0xff ? TG_OBS_NO_MSG : h[H_MSG_OUT];
    o->version = (uint16_t)rd(h + H_VERSION, 2);
    o->cipher = (uint16_t)rd(h + H_CIPHER, 2);
    o->group = (uint16_t)rd(h + H_GROUP, 2);
    o->first_len = h[H_FIRST_LEN] % (TG_OBS_FIRST_BYTES + 1);
    memcpy(o->first_bytes, h + H_FIRST, TG_OBS_FIRST_BYTES);
    o->bytes_in = rd(h + H_BYTES_IN, 4);
    /* times: any order, negative values included */
    o->start_us = (int64_t)(int32_t)rd(h + H_START, 4) * 1000000;
    o->end_us = o->start_us + (int32_t)rd(h + H_END, 4);
    o->done_us = o->end_us - (h[H_END] & 0x7f);
    o->vhost = h[H_MODE] & 4 ? NULL : "www.example.org";
    o->policy = h[H_MODE] & 8 ? NULL : "intermediate";
    o->phase = (tg_obs_phase_t)((h[H_MODE] >> 4) & 3);
    o->phase_done = (h[H_MODE] >> 6) & 1;

    text = text < *left ? text : *left;
    memcpy(o->lib_error_text, *rest, text); /* NULs and all */
    *rest += text;
    *left -= text;
    alpn = alpn < *left ? alpn : *left;
    memcpy(o->alpn, *rest, alpn);
    o->alpn_len = alpn;
    *rest += alpn;
    *left -= alpn;
    if (!(h[H_FLAGS] & 0x20)) {
        o->hello = *rest;
        o->hello_len = *left;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char work[TG_EVENT_WORK_MAX];
    static char buf[TG_EVENT_LINE_MAX + CANARY];
    static const char *const modes[] = {"enforce", "report", NULL, NULL};
    const uint8_t *rest = data + HEADER;
    size_t left = size - HEADER, cap, n;
    const tg_profile_t *profile;
    tg_observation_t obs;
    tg_policy_t policy;
    tg_event_ctx_t ctx;
    char err[256];
    cur_t c;

    if (size < HEADER)
        return 0;
    fill(&obs, data, &rest, &left);
    profile = tg_profile_at(data[H_PROFILE] % 8);
    if (!profile || (data[H_FLAGS] & 0x80) ||
        tg_policy_build(profile, &(tg_policy_overrides_t){0}, &policy, err,
                        sizeof err) != 0)
        profile = NULL;
    ctx = (tg_event_ctx_t){tg_ossl_md5, tg_ossl_sha256, modes[data[H_MODE] & 3],
                           "0.1.0", profile ? &policy : NULL,
                           data[H_FLAGS] & 0x40 ? work : NULL,
                           data[H_FLAGS] & 0x40 ? sizeof work : 0};
    cap = rd(data + H_CAP, 2) % (TG_EVENT_LINE_MAX + 1);
    if (cap == 0)
        cap = TG_EVENT_LINE_MAX;

    memset(buf, 0xa5, sizeof buf);
    n = tg_event_build(&obs, &ctx, buf, cap);
    for (size_t k = cap; k < sizeof buf; k++) {
        if ((unsigned char)buf[k] != 0xa5)
            abort(); /* wrote past the capacity */
    }
    if (n == 0) {
        if (cap >= 64)
            abort(); /* only a tiny buffer may refuse the line */
        return 0;
    }
    if (n > cap || buf[n - 1] != '\n' || memchr(buf, '\n', n - 1))
        abort();
    c.p = (const unsigned char *)buf;
    c.end = c.p + n - 1;
    skip_ws(&c);
    if (c.p >= c.end || *c.p != '{' || !check_value(&c, 0))
        abort();
    skip_ws(&c);
    if (c.p != c.end)
        abort(); /* trailing bytes */
    if (cap == TG_EVENT_LINE_MAX && !contains(buf, n, "\"stage\":\""))
        abort(); /* the verdict always fits a full line */
    return 0;
}
