/*
 * test_ratelimit.c - TLSGuardEventRate's token bucket: parsing (every form,
 * every refusal), a burst then the steady rate, refill over time, no limit,
 * and the state staying a pure function of (limit, state, time).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tg_ratelimit.h"

#define S UINT64_C(1000000000)
#define T0 (UINT64_C(1795427045) * S) /* any monotonic clock value */

static tg_ratelimit_t parse_ok(const char *rate, const char *kw, const char *burst)
{
    tg_ratelimit_t rl;
    char err[128] = "";
    assert_int_equal(tg_ratelimit_parse(rate, kw, burst, &rl, err, sizeof(err)), 0);
    assert_string_equal(err, "");
    return rl;
}

static void test_parse_forms(void **state)
{
    char buf[64];
    tg_ratelimit_t rl = parse_ok("100/s", "burst", "500");
    (void)state;
    assert_int_equal(rl.interval_ns, S / 100);
    assert_int_equal(rl.burst, 500);
    assert_string_equal(tg_ratelimit_describe(&rl, buf, sizeof(buf)), "100/s burst 500");
    rl = parse_ok("10/min", NULL, NULL);
    assert_int_equal(rl.interval_ns, 6 * S);
    assert_int_equal(rl.burst, 10); /* burst defaults to the rate */
    rl = parse_ok("1/h", "burst", "1");
    assert_int_equal(rl.interval_ns, 3600 * S);
    assert_string_equal(tg_ratelimit_describe(&rl, buf, sizeof(buf)), "1/h burst 1");
    rl = parse_ok("off", NULL, NULL);
    assert_int_equal(rl.interval_ns, 0);
    assert_string_equal(tg_ratelimit_describe(&rl, buf, sizeof(buf)), "off");
    rl = parse_ok("1000000/s", "burst", "1000000");
    assert_int_equal(rl.interval_ns, 1000);
}

static void test_parse_refusals(void **state)
{
    static const char *const bad[][3] = {
        {"", NULL, NULL},         {"100", NULL, NULL},       {"/s", NULL, NULL},
        {"0/s", NULL, NULL},      {"-1/s", NULL, NULL},      {"1000001/s", NULL, NULL},
        {"10/d", NULL, NULL},     {"10/s/s", NULL, NULL},    {"1e3/s", NULL, NULL},
        {"10/s", "burst", NULL},  {"10/s", "bursts", "5"},   {"10/s", "burst", "0"},
        {"10/s", "burst", "x"},   {"10/s", "burst", "1000001"}, {"off", "burst", "5"},
        {" 10/s", NULL, NULL},    {"10/S", NULL, NULL},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        tg_ratelimit_t rl = {.interval_ns = 42};
        char err[128] = "";
        assert_int_equal(tg_ratelimit_parse(bad[i][0], bad[i][1], bad[i][2], &rl, err,
                                            sizeof(err)), -1);
        assert_true(strlen(err) > 10);
        assert_int_equal(rl.interval_ns, 42); /* untouched */
    }
}

/* Events at one instant: exactly burst pass. */
static void test_burst_then_empty(void **state)
{
    tg_ratelimit_t rl = parse_ok("10/s", "burst", "25");
    uint64_t tat = 0, next;
    unsigned allowed = 0;
    (void)state;
    for (int i = 0; i < 100; i++) {
        if (tg_ratelimit_take(&rl, tat, T0, &next))
            allowed++;
        else
            assert_int_equal(next, tat);
        tat = next;
    }
    assert_int_equal(allowed, 25);
    /* one interval later, one token */
    assert_int_equal(tg_ratelimit_take(&rl, tat, T0 + S / 10, &next), 1);
    tat = next;
    assert_int_equal(tg_ratelimit_take(&rl, tat, T0 + S / 10, &next), 0);
}

/* A steady flood of 1000/s against 100/s burst 50 for 10 s: 50 + 100 per
 * second pass, whatever the flood. */
static void test_steady_rate(void **state)
{
    tg_ratelimit_t rl = parse_ok("100/s", "burst", "50");
    uint64_t tat = 0, next;
    unsigned allowed = 0;
    (void)state;
    for (uint64_t t = 0; t < 10 * S; t += S / 1000) {
        if (tg_ratelimit_take(&rl, tat, T0 + t, &next))
            allowed++;
        tat = next;
    }
    assert_in_range(allowed, 50 + 999, 50 + 1001);
}

/* An idle bucket fills up to burst, never more. */
static void test_refill_capped(void **state)
{
    tg_ratelimit_t rl = parse_ok("5/s", "burst", "3");
    uint64_t tat = 0, next;
    unsigned allowed = 0;
    (void)state;
    for (int i = 0; i < 10; i++) {
        allowed += (unsigned)tg_ratelimit_take(&rl, tat, T0, &next);
        tat = next;
    }
    assert_int_equal(allowed, 3);
    allowed = 0;
    for (int i = 0; i < 10; i++) { /* an hour idle: still 3 */
        allowed += (unsigned)tg_ratelimit_take(&rl, tat, T0 + 3600 * S, &next);
        tat = next;
    }
    assert_int_equal(allowed, 3);
}

static void test_off_and_default(void **state)
{
    tg_ratelimit_t rl = parse_ok("off", NULL, NULL);
    uint64_t next;
    (void)state;
    for (int i = 0; i < 1000; i++)
        assert_int_equal(tg_ratelimit_take(&rl, 7, T0, &next), 1);
    assert_int_equal(next, 7);
    tg_ratelimit_default(&rl);
    assert_int_equal(rl.interval_ns, S / TG_RATELIMIT_DEFAULT_RATE);
    assert_int_equal(rl.burst, TG_RATELIMIT_DEFAULT_BURST);
    char buf[64];
    assert_string_equal(tg_ratelimit_describe(&rl, buf, sizeof(buf)), "100/s burst 500");
}

/* The same (limit, state, time) gives the same answer: what makes a
 * compare-and-swap loop over shared state correct. */
static void test_pure(void **state)
{
    tg_ratelimit_t rl = parse_ok("3/s", "burst", "2");
    uint64_t a, b;
    (void)state;
    for (uint64_t tat = T0 - S; tat < T0 + 2 * S; tat += S / 7) {
        int ra = tg_ratelimit_take(&rl, tat, T0, &a);
        int rb = tg_ratelimit_take(&rl, tat, T0, &b);
        assert_int_equal(ra, rb);
        assert_int_equal(a, b);
        assert_true(ra ? a > T0 : a == tat);
    }
}

/* The state outlives a restart that loosens the limit: a bucket emptied
 * under 1/h burst 10 (ten hours ahead) is, under 100/s burst 5, one token
 * now and the new rate after it, not ten hours of refusals. */
static void test_state_of_a_stricter_limit(void **state)
{
    tg_ratelimit_t strict = parse_ok("1/h", "burst", "10");
    tg_ratelimit_t loose = parse_ok("100/s", "burst", "5");
    uint64_t tat = 0, next;
    unsigned allowed = 0;
    (void)state;
    for (int i = 0; i < 10; i++) {
        assert_int_equal(tg_ratelimit_take(&strict, tat, T0, &next), 1);
        tat = next;
    }
    assert_int_equal(tg_ratelimit_take(&strict, tat, T0 + S, &next), 0);
    assert_true(tat - T0 == 10 * 3600 * S);
    assert_int_equal(tg_ratelimit_take(&loose, tat, T0 + S, &next), 1);
    assert_int_equal(next, T0 + S + 5 * (S / 100)); /* the new bucket, now empty */
    tat = next;
    assert_int_equal(tg_ratelimit_take(&loose, tat, T0 + S, &next), 0);
    for (uint64_t t = S; t < 2 * S; t += S / 1000) { /* then 100/s */
        if (tg_ratelimit_take(&loose, tat, T0 + t, &next))
            allowed++;
        tat = next;
    }
    assert_in_range(allowed, 99, 101);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_forms),
        cmocka_unit_test(test_parse_refusals),
        cmocka_unit_test(test_burst_then_empty),
        cmocka_unit_test(test_steady_rate),
        cmocka_unit_test(test_refill_capped),
        cmocka_unit_test(test_off_and_default),
        cmocka_unit_test(test_pure),
        cmocka_unit_test(test_state_of_a_stricter_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
