/*
 * test_metric_label.c - configured names as Prometheus label values: UTF-8
 * kept, other bytes as \xHH, long names cut at a character boundary with a
 * hash of the whole, so two names never share a label and one name always
 * gets the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tg_metric_label.h"

#define SLOT 128

static const char *label(const char *name, char *buf)
{
    size_t n = tg_metric_label(name, buf, SLOT);
    assert_int_equal(n, strlen(buf));
    assert_true(n < SLOT);
    return buf;
}

static void test_kept(void **state)
{
    char buf[SLOT];
    (void)state;
    assert_string_equal(label("www.example.org:443", buf), "www.example.org:443");
    assert_string_equal(label("b\xc3\xbc" "cher.example:8443", buf), "b\xc3\xbc" "cher.example:8443");
    assert_string_equal(label("|/usr/bin/logger -t \"tls\" \\x", buf),
                        "|/usr/bin/logger -t \"tls\" \\x");
    assert_string_equal(label("\xf0\x9f\x94\x92", buf), "\xf0\x9f\x94\x92"); /* U+1F512 */
    assert_string_equal(label("", buf), "");
}

static void test_not_utf8(void **state)
{
    char buf[SLOT];
    (void)state;
    assert_string_equal(label("q\xe9.test:443", buf), "q\\xe9.test:443");      /* Latin-1 */
    assert_string_equal(label("\xc3", buf), "\\xc3");                          /* cut short */
    assert_string_equal(label("\xc0\xaf", buf), "\\xc0\\xaf");                 /* overlong */
    assert_string_equal(label("\xed\xa0\x80", buf), "\\xed\\xa0\\x80");        /* surrogate */
    assert_string_equal(label("\xf4\x90\x80\x80", buf), "\\xf4\\x90\\x80\\x80"); /* > U+10FFFF */
    assert_string_equal(label("\xff" "a", buf), "\\xffa");
}

static void test_long_names_stay_distinct(void **state)
{
    char a[300], b[300], la[SLOT], lb[SLOT], again[SLOT];
    (void)state;
    memset(a, 'x', sizeof(a) - 1);
    a[sizeof(a) - 1] = '\0';
    memcpy(b, a, sizeof(b));
    b[sizeof(b) - 2] = 'y'; /* differs after the cut */
    label(a, la);
    label(b, lb);
    assert_int_equal(strlen(la), SLOT - 1);
    assert_string_not_equal(la, lb);
    assert_memory_equal(la, lb, SLOT - 1 - 9);
    assert_int_equal(la[SLOT - 1 - 9], '~');
    assert_string_equal(label(a, again), la); /* the same at every restart */
    /* exactly full: no hash */
    a[SLOT - 1] = '\0';
    assert_int_equal(strlen(label(a, la)), SLOT - 1);
    assert_null(strchr(la, '~'));
}

static void test_cut_at_a_character(void **state)
{
    char name[200] = "", buf[SLOT];
    (void)state;
    for (int i = 0; i < 60; i++)
        strcat(name, "\xc3\xa9"); /* 120 bytes of é */
    strcat(name, "\xe9\xe9\xe9"); /* then bytes that are not UTF-8 */
    label(name, buf);
    char *tilde = strrchr(buf, '~');
    assert_non_null(tilde);
    assert_int_equal(strlen(tilde), 9);
    /* what precedes the hash is whole characters */
    size_t n = (size_t)(tilde - buf);
    assert_int_equal(n % 2, 0);
    for (size_t i = 0; i < n; i += 2)
        assert_memory_equal(buf + i, "\xc3\xa9", 2);
}

static void test_small_buffer(void **state)
{
    char buf[TG_METRIC_LABEL_MIN];
    (void)state;
    assert_int_equal(tg_metric_label("abc", buf, TG_METRIC_LABEL_MIN - 1), 0);
    assert_string_equal(buf, "");
    assert_int_equal(tg_metric_label("abcdefghijklmnopqrstuvwxyz", buf, sizeof(buf)), 15);
    assert_int_equal(buf[6], '~');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kept),
        cmocka_unit_test(test_not_utf8),
        cmocka_unit_test(test_long_names_stay_distinct),
        cmocka_unit_test(test_cut_at_a_character),
        cmocka_unit_test(test_small_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
