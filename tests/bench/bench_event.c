/*
 * bench_event: cost of the per-failure core work (parse + JA3 + JA4 +
 * classify + encode) on a captured browser ClientHello. Not part of
 * `make check`.
 *
 * Build (after configure): make bench-event, which writes obj/bench/bench_event.
 * build/bench.sh builds it and runs it on every capture in tests/data/hellos.
 *
 * Time per event (wall clock, many iterations):
 *   obj/bench/bench_event [hello.hex] [iterations]
 * Instructions per event (one call under callgrind; the digests are
 * OpenSSL's and are reported on their own lines by callgrind_annotate):
 *   valgrind --tool=callgrind --toggle-collect=tg_event_build \
 *       --callgrind-out-file=/tmp/cg.out obj/bench/bench_event hello.hex 1
 *   callgrind_annotate --inclusive=yes /tmp/cg.out | head -30
 * With "null" as a third argument the digests are replaced by a stub that
 * writes zeros, which leaves the core's own work alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tg_event.h"
#include "tg_ossl_digest.h"
#include "tg_profile.h"

#define DEFAULT_HELLO "tests/data/hellos/chromium-headless.hex"
#define RECORD_HEADER 5

static uint8_t records[TG_OBS_MAX_HELLO + RECORD_HEADER];
static size_t records_len;

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The captures: '#' comment lines, then the TLS records in hex. */
static int load_hex(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    int hi = -1;

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        for (char *p = line; *p; p++) {
            int v = hexval((unsigned char)*p);

            if (v < 0)
                continue;
            if (hi < 0) {
                hi = v;
            } else if (records_len < sizeof records) {
                records[records_len++] = (uint8_t)(hi << 4 | v);
                hi = -1;
            }
        }
    }
    fclose(f);
    return records_len > RECORD_HEADER ? 0 : -1;
}

static void null_md5(const void *data, size_t len, unsigned char *out)
{
    (void)data;
    (void)len;
    memset(out, 0, 16);
}

static void null_sha256(const void *data, size_t len, unsigned char *out)
{
    (void)data;
    (void)len;
    memset(out, 0, 32);
}

/* A TLS 1.0-style refusal seen at pre_close_connection. */
static void observe(tg_observation_t *o)
{
    size_t rec_len = (size_t)records[3] << 8 | records[4];

    tg_observation_init(o);
    strcpy(o->src_ip, "192.0.2.7");
    o->src_port = 51334;
    strcpy(o->dst_ip, "192.0.2.1");
    o->dst_port = 443;
    o->start_us = INT64_C(1795427045000000);
    o->hello_us = o->start_us + 210;
    o->done_us = o->start_us + 390;
    o->end_us = o->start_us + 412;
    o->bytes_in = records_len;
    memcpy(o->first_bytes, records, TG_OBS_FIRST_BYTES);
    o->first_len = TG_OBS_FIRST_BYTES;
    o->hello = records + RECORD_HEADER;
    o->hello_len = rec_len < records_len - RECORD_HEADER
                       ? rec_len
                       : records_len - RECORD_HEADER;
    o->hellos = 1;
    o->msgs_in = 1;
    o->last_msg_in = 1;
    o->alert_sent = (tg_obs_alert_t){1, 2, 40};
    o->handshake_started = 1;
    o->tls_error = TG_TLSERR_NO_SHARED_CIPHER;
    o->lib_error = 0x0A0000C1UL;
    strcpy(o->lib_error_text, "no shared cipher");
    o->vhost = "www.example.org";
    o->policy = "intermediate";
}

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : DEFAULT_HELLO;
    long iterations = argc > 2 ? atol(argv[2]) : 200000;
    int null = argc > 3 && strcmp(argv[3], "null") == 0;
    static char line[TG_EVENT_LINE_MAX];
    tg_observation_t obs;
    tg_policy_t policy;
    char err[256];
    size_t n = 0;
    double t0, t1;

    if (load_hex(path) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    if (tg_policy_build(tg_profile_find("intermediate"),
                        &(tg_policy_overrides_t){0}, &policy, err,
                        sizeof err) != 0) {
        fprintf(stderr, "policy: %s\n", err);
        return 1;
    }
    observe(&obs);
    tg_event_ctx_t ctx = {null ? null_md5 : tg_ossl_md5,
                          null ? null_sha256 : tg_ossl_sha256,
                          "enforce", "0.1.0", &policy, NULL, 0, NULL};

    /* warm-up outside tg_event_build: OpenSSL fetches its digests once */
    tg_event_t ev;
    tg_event_prepare(&ev, &obs, &ctx);
    n = tg_event_encode(&ev, &ctx, line, sizeof line);
    t0 = now_ns();
    for (long i = 0; i < iterations; i++)
        n = tg_event_build(&obs, &ctx, line, sizeof line);
    t1 = now_ns();
    if (n == 0) {
        fprintf(stderr, "no event\n");
        return 1;
    }
    printf("%s: %zu-byte line, %.0f ns per event over %ld (%s digests)\n",
           path, n, iterations > 0 ? (t1 - t0) / (double)iterations : 0.0,
           iterations, null ? "null" : "OpenSSL");
    return 0;
}
