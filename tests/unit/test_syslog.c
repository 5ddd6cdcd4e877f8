/*
 * test_syslog.c - the RFC 5424 header: exact bytes, PRI per facility, host
 * name reduction, bounds (every capacity below the length is refused and
 * nothing is written past it), and the facility names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tg_syslog.h"

/* 2026-11-23T09:44:05.002210Z */
#define T_US (INT64_C(1795427045) * 1000000 + 2210)

static size_t header(const char *host, int facility, uint64_t pid, char *out, size_t cap)
{
    tg_syslog_origin_t o = {.facility = facility};

    tg_syslog_set_host(&o, host);
    return tg_syslog_header(&o, T_US, pid, out, cap);
}

static void test_exact_header(void **state)
{
    char out[TG_SYSLOG_HEADER_MAX];
    const char *want = "<157>1 2026-11-23T09:44:05.002210Z www1 tlsguard 4242 - - ";
    size_t n;

    (void)state;
    n = header("www1", 19, 4242, out, sizeof(out));
    assert_int_equal(n, strlen(want));
    assert_memory_equal(out, want, n);
}

static void test_pri_per_facility(void **state)
{
    static const struct {
        const char *name;
        const char *pri;
    } rows[] = {
        {"user", "<13>"},    {"daemon", "<29>"},  {"auth", "<37>"},    {"authpriv", "<85>"},
        {"local0", "<133>"}, {"local1", "<141>"}, {"local2", "<149>"}, {"local3", "<157>"},
        {"local4", "<165>"}, {"local5", "<173>"}, {"local6", "<181>"}, {"local7", "<189>"},
    };
    char out[TG_SYSLOG_HEADER_MAX];

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        int code = tg_syslog_facility(rows[i].name);
        size_t n = header("h", code, 1, out, sizeof(out));

        assert_true(n > strlen(rows[i].pri));
        assert_memory_equal(out, rows[i].pri, strlen(rows[i].pri));
    }
}

static void test_facility_names(void **state)
{
    (void)state;
    assert_int_equal(tg_syslog_facility("LOCAL3"), 19);
    assert_int_equal(tg_syslog_facility("Daemon"), 3);
    assert_int_equal(tg_syslog_facility("local8"), -1);
    assert_int_equal(tg_syslog_facility("local"), -1);
    assert_int_equal(tg_syslog_facility("local33"), -1);
    assert_int_equal(tg_syslog_facility("kern"), -1); /* the kernel's, not ours */
    assert_int_equal(tg_syslog_facility(""), -1);
    assert_int_equal(tg_syslog_facility(NULL), -1);
    assert_non_null(strstr(tg_syslog_facility_names(), "local0..local7"));
}

static void test_facility_out_of_range_refused(void **state)
{
    char out[TG_SYSLOG_HEADER_MAX];

    (void)state;
    assert_int_equal(header("h", -1, 1, out, sizeof(out)), 0);
    assert_int_equal(header("h", 24, 1, out, sizeof(out)), 0);
}

/* The header's HOSTNAME field as written. */
static const char *host_field(const char *host, char *field, size_t cap)
{
    char out[TG_SYSLOG_HEADER_MAX + 1];
    size_t n = header(host, 16, 7, out, sizeof(out) - 1);
    const char *start, *end;

    assert_true(n > 0);
    out[n] = '\0';
    start = strchr(strchr(out, ' ') + 1, ' ') + 1; /* after PRI/version and timestamp */
    end = strchr(start, ' ');
    assert_non_null(end);
    assert_true((size_t)(end - start) < cap);
    memcpy(field, start, (size_t)(end - start));
    field[end - start] = '\0';
    return field;
}

static void test_host_reduced_to_printable_ascii(void **state)
{
    char field[TG_SYSLOG_HOST_MAX + 1], long_name[400];

    (void)state;
    assert_string_equal(host_field("web-1.example.org", field, sizeof(field)),
                        "web-1.example.org");
    assert_string_equal(host_field("a b\tc\nd\x7f\xc3\xa9", field, sizeof(field)),
                        "a_b_c_d___");
    assert_string_equal(host_field("", field, sizeof(field)), "-");
    assert_string_equal(host_field(NULL, field, sizeof(field)), "-");
    memset(long_name, 'x', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    assert_int_equal(strlen(host_field(long_name, field, sizeof(field))), TG_SYSLOG_HOST_MAX);
}

static void test_longest_header_fits_the_bound(void **state)
{
    char host[TG_SYSLOG_HOST_MAX + 1], out[TG_SYSLOG_HEADER_MAX];

    (void)state;
    memset(host, 'h', TG_SYSLOG_HOST_MAX);
    host[TG_SYSLOG_HOST_MAX] = '\0';
    assert_int_equal(header(host, 23, UINT64_MAX, out, sizeof(out)), TG_SYSLOG_HEADER_MAX);
    assert_memory_equal(out, "<189>1 ", 7);
    assert_memory_equal(out + TG_SYSLOG_HEADER_MAX - 25, "18446744073709551615 - - ", 25);
}

static void test_every_short_capacity_refused(void **state)
{
    char out[TG_SYSLOG_HEADER_MAX + 8];
    size_t need;

    (void)state;
    need = header("www1", 19, 4242, out, sizeof(out));
    assert_true(need > 0);
    for (size_t cap = 0; cap < need; cap++) {
        memset(out, '#', sizeof(out));
        assert_int_equal(header("www1", 19, 4242, out, cap), 0);
        for (size_t i = 0; i < sizeof(out); i++)
            assert_int_equal(out[i], '#');
    }
    memset(out, '#', sizeof(out));
    assert_int_equal(header("www1", 19, 4242, out, need), need);
    assert_int_equal(out[need], '#');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_header),
        cmocka_unit_test(test_pri_per_facility),
        cmocka_unit_test(test_facility_names),
        cmocka_unit_test(test_facility_out_of_range_refused),
        cmocka_unit_test(test_host_reduced_to_printable_ascii),
        cmocka_unit_test(test_longest_header_fits_the_bound),
        cmocka_unit_test(test_every_short_capacity_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
