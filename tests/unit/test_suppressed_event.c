/*
 * test_suppressed_event.c - the events-suppressed line: exact bytes, zero
 * reasons left out, the total, and every short capacity refused without a
 * byte written past it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tg_suppressed_event.h"

/* 2026-11-23T09:44:05.002210Z */
#define T_US (INT64_C(1795427045) * 1000000 + 2210)

static tg_suppressed_t sample(void)
{
    tg_suppressed_t s = {.now_us = T_US, .version = "0.9.0", .vhost = "www.example.org",
                         .limit = "100/s burst 500", .interval_s = 60, .pid = 4242};
    s.counts[TG_REASON_PROTOCOL_VERSION] = 19500;
    s.counts[TG_REASON_NOT_TLS] = 3;
    return s;
}

static void test_exact_line(void **state)
{
    tg_suppressed_t s = sample();
    char line[1024];
    const char *want =
        "{\"@timestamp\":\"2026-11-23T09:44:05.002210Z\",\"ecs\":{\"version\":\"9.4.0\"},"
        "\"event\":{\"kind\":\"event\",\"category\":[\"network\"],\"type\":[\"info\"],"
        "\"action\":\"events-suppressed\",\"dataset\":\"tlsguard.suppressed\"},"
        "\"observer\":{\"product\":\"mod_tlsguard\",\"version\":\"0.9.0\"},"
        "\"process\":{\"pid\":4242},\"tlsguard\":{\"vhost\":\"www.example.org\","
        "\"suppressed\":{\"total\":19503,\"reasons\":{\"protocol_version\":19500,"
        "\"not_tls\":3},\"limit\":\"100/s burst 500\",\"interval_s\":60}}}\n";
    (void)state;
    size_t n = tg_suppressed_encode(&s, line, sizeof(line));
    assert_int_equal(n, strlen(want));
    assert_memory_equal(line, want, n);
    assert_int_equal(tg_suppressed_total(&s), 19503);
}

static void test_every_short_capacity_refused(void **state)
{
    tg_suppressed_t s = sample();
    char full[1024], line[1024];
    (void)state;
    size_t need = tg_suppressed_encode(&s, full, sizeof(full));
    assert_true(need > 0);
    for (size_t cap = 0; cap < need; cap++) {
        memset(line, '#', sizeof(line));
        assert_int_equal(tg_suppressed_encode(&s, line, cap), 0);
        for (size_t i = cap; i < sizeof(line); i++)
            assert_int_equal(line[i], '#');
    }
    assert_int_equal(tg_suppressed_encode(&s, line, need), need);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_line),
        cmocka_unit_test(test_every_short_capacity_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
