/*
 * test_hsts.c - TLSGuardHSTS parsing, canonical rendering, preload check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tg_hsts.h"

#define Y1 UINT64_C(31536000)  /* one year */
#define Y2 UINT64_C(63072000)  /* two years, Mozilla's value */

typedef struct {
    const char *text;
    tg_hsts_mode_t mode;
    uint64_t max_age;
    bool isd;
    bool preload;
    bool withdraw;
} good_case_t;

static const good_case_t good_cases[] = {
    /* plain, quoted as a whole (both quote kinds), case, spacing */
    {"max-age=63072000; includeSubDomains", TG_HSTS_EXPLICIT, Y2, 1, 0, 0},
    {"\"max-age=63072000; includeSubDomains\"", TG_HSTS_EXPLICIT, Y2, 1, 0, 0},
    {"'max-age=63072000; includeSubDomains'", TG_HSTS_EXPLICIT, Y2, 1, 0, 0},
    {"  \"max-age=63072000; includeSubDomains\"  ", TG_HSTS_EXPLICIT, Y2, 1,
     0, 0},
    {"\" max-age=63072000 \"", TG_HSTS_EXPLICIT, Y2, 0, 0, 0},
    {"MAX-AGE=31536000; INCLUDESUBDOMAINS; PRELOAD", TG_HSTS_EXPLICIT, Y1, 1,
     1, 0},
    {"iNcLuDeSuBdOmAiNs; Max-Age=1", TG_HSTS_EXPLICIT, 1, 1, 0, 0},
    {"max-age=31536000;includeSubDomains;preload", TG_HSTS_EXPLICIT, Y1, 1, 1,
     0},
    {"preload; includeSubDomains; max-age=31536000", TG_HSTS_EXPLICIT, Y1, 1,
     1, 0},
    {"   max-age=300   ", TG_HSTS_EXPLICIT, 300, 0, 0, 0},
    {"\tmax-age=300\t;\tincludeSubDomains\t", TG_HSTS_EXPLICIT, 300, 1, 0, 0},
    {"max-age = 86400", TG_HSTS_EXPLICIT, 86400, 0, 0, 0},
    {"max-age=\t86400 ;includeSubDomains", TG_HSTS_EXPLICIT, 86400, 1, 0, 0},
    /* quoted-string values (RFC 6797 6.1), quoted-pair, nested quoting */
    {"max-age=\"86400\"", TG_HSTS_EXPLICIT, 86400, 0, 0, 0},
    {"max-age=\"8\\6400\"; includeSubDomains", TG_HSTS_EXPLICIT, 86400, 1, 0,
     0},
    {"\"max-age=\\\"86400\\\"\"", TG_HSTS_EXPLICIT, 86400, 0, 0, 0},
    {"'max-age=\"86400\"'", TG_HSTS_EXPLICIT, 86400, 0, 0, 0},
    /* withdrawal */
    {"max-age=0", TG_HSTS_EXPLICIT, 0, 0, 0, 1},
    {"max-age=0; includeSubDomains", TG_HSTS_EXPLICIT, 0, 1, 0, 1},
    {"max-age=000", TG_HSTS_EXPLICIT, 0, 0, 0, 1},
    /* range edges */
    {"max-age=18446744073709551615", TG_HSTS_EXPLICIT, UINT64_MAX, 0, 0, 0},
    {"max-age=00000000000000000000000000000000000000000000000042",
     TG_HSTS_EXPLICIT, 42, 0, 0, 0},
    {"max-age=31536000; includeSubDomains; preload", TG_HSTS_EXPLICIT, Y1, 1,
     1, 0},
    {"max-age=18446744073709551615; includeSubDomains; preload",
     TG_HSTS_EXPLICIT, UINT64_MAX, 1, 1, 0},
    /* empty directives from stray ';' are ignored */
    {"max-age=86400;", TG_HSTS_EXPLICIT, 86400, 0, 0, 0},
    {";; max-age=86400 ;; ; includeSubDomains;", TG_HSTS_EXPLICIT, 86400, 1,
     0, 0},
    /* the keywords */
    {"On", TG_HSTS_ON, 0, 1, 0, 0},
    {"on", TG_HSTS_ON, 0, 1, 0, 0},
    {" ON ", TG_HSTS_ON, 0, 1, 0, 0},
    {"\"On\"", TG_HSTS_ON, 0, 1, 0, 0},
    {"Off", TG_HSTS_OFF, 0, 0, 0, 0},
    {"off", TG_HSTS_OFF, 0, 0, 0, 0},
    {"'OFF'", TG_HSTS_OFF, 0, 0, 0, 0},
};

typedef struct {
    const char *text;
    int rc;
    const char *msg;
} bad_case_t;

static const bad_case_t bad_cases[] = {
    /* empty */
    {"", TG_HSTS_E_EMPTY,
     "empty value: expected On, Off or a header value such as "
     "\"max-age=63072000; includeSubDomains\""},
    {" \t ", TG_HSTS_E_EMPTY,
     "empty value: expected On, Off or a header value such as "
     "\"max-age=63072000; includeSubDomains\""},
    {"\" \"", TG_HSTS_E_EMPTY,
     "empty value: expected On, Off or a header value such as "
     "\"max-age=63072000; includeSubDomains\""},
    /* max-age missing or bad */
    {"includeSubDomains", TG_HSTS_E_MISSING, "max-age is required"},
    {";", TG_HSTS_E_MISSING, "max-age is required"},
    {"max-age", TG_HSTS_E_VALUE,
     "max-age needs a value, as in max-age=63072000"},
    {"max-age; includeSubDomains", TG_HSTS_E_VALUE,
     "max-age needs a value, as in max-age=63072000"},
    {"max-age=", TG_HSTS_E_VALUE,
     "max-age must be a non-negative integer, got \"\""},
    {"max-age=;includeSubDomains", TG_HSTS_E_VALUE,
     "max-age must be a non-negative integer, got \"\""},
    {"max-age=\"\"", TG_HSTS_E_VALUE,
     "max-age must be a non-negative integer, got \"\""},
    {"max-age=-1", TG_HSTS_E_VALUE,
     "max-age must be a non-negative integer, got \"-1\""},
    {"max-age=\"-1\"", TG_HSTS_E_VALUE,
     "max-age must be a non-negative integer, got \"-1\""},
    {"max-age=+5", TG_HSTS_E_VALUE,
     "max-age must be a non-negative integer, got \"+5\""},
    {"max-age=1.5", TG_HSTS_E_VALUE,
     "max-age must be a non-negative integer, got \"1.5\""},
    {"max-age=0x10", TG_HSTS_E_VALUE,
     "max-age must be a non-negative integer, got \"0x10\""},
    {"max-age=1e9", TG_HSTS_E_VALUE,
     "max-age must be a non-negative integer, got \"1e9\""},
    {"max-age=@1", TG_HSTS_E_VALUE,
     "max-age must be a non-negative integer, got \"@1\""},
    {"max-age=\" 1\"", TG_HSTS_E_VALUE,
     "max-age must be a non-negative integer, got \" 1\""},
    {"max-age=1\xc3\xa9", TG_HSTS_E_VALUE,
     "max-age must be a non-negative integer, got \"1\\xc3\\xa9\""},
    /* overflow */
    {"max-age=18446744073709551616", TG_HSTS_E_VALUE,
     "max-age must be at most 18446744073709551615, "
     "got \"18446744073709551616\""},
    {"max-age=99999999999999999999999", TG_HSTS_E_VALUE,
     "max-age must be at most 18446744073709551615, "
     "got \"99999999999999999999999\""},
    {"max-age=000000000000000000000000000000000000000000018446744073709551616",
     TG_HSTS_E_VALUE,
     "max-age must be at most 18446744073709551615, "
     "got \"0000000000000000000000000000000000000000...\""},
    /* repeated */
    {"max-age=1; max-age=2", TG_HSTS_E_REPEATED, "max-age given twice"},
    {"max-age=1; MAX-AGE=1", TG_HSTS_E_REPEATED, "max-age given twice"},
    {"max-age=1; includeSubDomains; includesubdomains", TG_HSTS_E_REPEATED,
     "includeSubDomains given twice"},
    {"max-age=31536000; includeSubDomains; preload; preload",
     TG_HSTS_E_REPEATED, "preload given twice"},
    /* unknown */
    {"max-age=1; includesubdomain", TG_HSTS_E_UNKNOWN,
     "unknown directive \"includesubdomain\""},
    {"max-age=1; foo=bar", TG_HSTS_E_UNKNOWN, "unknown directive \"foo\""},
    {"max_age=1", TG_HSTS_E_UNKNOWN, "unknown directive \"max_age\""},
    {"maxage=1", TG_HSTS_E_UNKNOWN, "unknown directive \"maxage\""},
    {"On; preload", TG_HSTS_E_UNKNOWN, "unknown directive \"On\""},
    {"enabled", TG_HSTS_E_UNKNOWN, "unknown directive \"enabled\""},
    /* values where none belong */
    {"max-age=1; includeSubDomains=1", TG_HSTS_E_VALUE,
     "includeSubDomains takes no value, got \"1\""},
    {"max-age=1; includeSubDomains=", TG_HSTS_E_VALUE,
     "includeSubDomains takes no value, got \"\""},
    {"max-age=31536000; includeSubDomains; preload=\"yes\"", TG_HSTS_E_VALUE,
     "preload takes no value, got \"yes\""},
    /* preload rules */
    {"max-age=86400; includeSubDomains; preload", TG_HSTS_E_PRELOAD,
     "preload requires max-age >= 31536000 (one year), got 86400"},
    {"max-age=31535999; includeSubDomains; preload", TG_HSTS_E_PRELOAD,
     "preload requires max-age >= 31536000 (one year), got 31535999"},
    {"max-age=31536000; preload", TG_HSTS_E_PRELOAD,
     "preload requires includeSubDomains"},
    {"max-age=86400; preload", TG_HSTS_E_PRELOAD,
     "preload requires includeSubDomains and max-age >= 31536000 "
     "(one year), got 86400"},
    {"max-age=0; includeSubDomains; preload", TG_HSTS_E_PRELOAD,
     "preload requires max-age >= 31536000 (one year), got 0"},
    /* separators and quoting */
    {"max-age=12 34", TG_HSTS_E_SYNTAX,
     "expected \";\" after max-age, got \"34\""},
    {"max-age=1 includeSubDomains", TG_HSTS_E_SYNTAX,
     "expected \";\" after max-age, got \"includeSubDomains\""},
    {"max-age=1, includeSubDomains", TG_HSTS_E_VALUE,
     "max-age must be a non-negative integer, got \"1,\""},
    {"max-age=1; includeSubDomains \"x\" ; preload", TG_HSTS_E_SYNTAX,
     "expected \";\" after includeSubDomains, got \"\\\"x\\\"\""},
    {"max-age=\"1\"2", TG_HSTS_E_SYNTAX,
     "expected \";\" after max-age, got \"2\""},
    {"=1", TG_HSTS_E_SYNTAX, "expected a directive name, got \"=1\""},
    {"max-age=1; @x ; preload", TG_HSTS_E_SYNTAX,
     "expected a directive name, got \"@x\""},
    {"max-age=\"123", TG_HSTS_E_SYNTAX, "max-age value has no closing \""},
    {"max-age=\"123\\\"", TG_HSTS_E_SYNTAX,
     "max-age value has no closing \""},
    {"\"max-age=1", TG_HSTS_E_SYNTAX, "no closing \" for the opening one"},
    {"'max-age=1", TG_HSTS_E_SYNTAX, "no closing ' for the opening one"},
    {"\"max-age=1\"; preload", TG_HSTS_E_SYNTAX,
     "text after the closing quote: \"; preload\""},
    /* inside whole-text quotes a doubled backslash is one backslash */
    {"\"max-age=1\\\\\"", TG_HSTS_E_VALUE,
     "max-age must be a non-negative integer, got \"1\\\\\""},
    /* quoted pieces: 40 bytes shown in full, longer ones cut */
    {"max-age=1; abcdefghijabcdefghijabcdefghijabcdefghij", TG_HSTS_E_UNKNOWN,
     "unknown directive \"abcdefghijabcdefghijabcdefghijabcdefghij\""},
    {"max-age=1; abcdefghijabcdefghijabcdefghijabcdefghijk",
     TG_HSTS_E_UNKNOWN,
     "unknown directive \"abcdefghijabcdefghijabcdefghijabcdefghij...\""},
    /* control characters could split the header */
    {"max-age=1\r\nX-Evil: 1", TG_HSTS_E_SYNTAX,
     "control character 0x0d at offset 9"},
    {"max-age=1\n", TG_HSTS_E_SYNTAX, "control character 0x0a at offset 9"},
    {"max-age=1\x7f", TG_HSTS_E_SYNTAX, "control character 0x7f at offset 9"},
    {"max-age=\"1\x01\"", TG_HSTS_E_SYNTAX,
     "control character 0x01 at offset 10"},
};

static void print_policy(const char *what, const tg_hsts_t *p)
{
    print_error("%s: mode=%d max_age=%llu isd=%d preload=%d withdraw=%d\n",
                what, (int)p->mode, (unsigned long long)p->max_age,
                (int)p->include_subdomains, (int)p->preload,
                (int)p->withdraw);
}

static bool same_policy(const tg_hsts_t *a, const tg_hsts_t *b)
{
    return a->mode == b->mode && a->max_age == b->max_age &&
           a->include_subdomains == b->include_subdomains &&
           a->preload == b->preload && a->withdraw == b->withdraw;
}

static void test_good_values(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
        const good_case_t *c = &good_cases[i];
        tg_hsts_t want = {c->mode, c->max_age, c->isd, c->preload,
                          c->withdraw};
        tg_hsts_t got;
        char err[256] = "untouched";
        int rc = tg_hsts_parse(c->text, &got, err, sizeof(err));
        if (rc != 0 || !same_policy(&got, &want)) {
            print_error("good case %zu: [%s] rc=%d err=[%s]\n", i, c->text,
                        rc, err);
            print_policy("want", &want);
            print_policy("got ", &got);
        }
        assert_int_equal(rc, TG_HSTS_OK);
        assert_true(same_policy(&got, &want));
        assert_string_equal(err, "");
    }
}

static void test_bad_values(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const bad_case_t *c = &bad_cases[i];
        tg_hsts_t got;
        char err[256];
        int rc;
        /* garbage in, so a stale field would show */
        memset(&got, 0x5a, sizeof(got));
        rc = tg_hsts_parse(c->text, &got, err, sizeof(err));
        if (rc != c->rc || strcmp(err, c->msg) != 0)
            print_error("bad case %zu: [%s] rc=%d want %d\n", i, c->text, rc,
                        c->rc);
        assert_int_equal(rc, c->rc);
        assert_string_equal(err, c->msg);
        assert_int_equal(got.mode, TG_HSTS_OFF);
        assert_true(got.max_age == 0);
        assert_false(got.include_subdomains || got.preload || got.withdraw);
    }
}

static void test_too_long(void **state)
{
    char text[TG_HSTS_TEXT_MAX + 2];
    char err[128];
    tg_hsts_t got;
    (void)state;
    /* exactly the limit: blanks around a valid value still parse */
    memset(text, ' ', sizeof(text));
    memcpy(text, "max-age=5", 9);
    text[TG_HSTS_TEXT_MAX] = '\0';
    assert_int_equal(tg_hsts_parse(text, &got, err, sizeof(err)), 0);
    assert_true(got.max_age == 5);
    /* one byte more is refused */
    text[TG_HSTS_TEXT_MAX] = ' ';
    text[TG_HSTS_TEXT_MAX + 1] = '\0';
    assert_int_equal(tg_hsts_parse(text, &got, err, sizeof(err)),
                     TG_HSTS_E_TOO_LONG);
    assert_string_equal(err, "value is longer than 1024 bytes");
}

static void test_huge_number_message_is_cut(void **state)
{
    char text[600];
    char err[256];
    char want[256];
    tg_hsts_t got;
    (void)state;
    memcpy(text, "max-age=", 8);
    memset(text + 8, '9', 500);
    text[508] = '\0';
    snprintf(want, sizeof(want),
             "max-age must be at most 18446744073709551615, got \"%.40s...\"",
             text + 8);
    assert_int_equal(tg_hsts_parse(text, &got, err, sizeof(err)),
                     TG_HSTS_E_VALUE);
    assert_string_equal(err, want);
}

static void test_null_arguments(void **state)
{
    tg_hsts_t got;
    char err[64];
    (void)state;
    assert_int_equal(tg_hsts_parse(NULL, &got, err, sizeof(err)),
                     TG_HSTS_E_ARG);
    assert_string_equal(err, "no value given");
    assert_int_equal(tg_hsts_parse("max-age=1", NULL, err, sizeof(err)),
                     TG_HSTS_E_ARG);
    /* no error buffer: the code alone still comes back */
    assert_int_equal(tg_hsts_parse("max-age=-1", &got, NULL, 0),
                     TG_HSTS_E_VALUE);
    assert_int_equal(tg_hsts_parse("max-age=1", &got, NULL, 0), 0);
    assert_true(got.max_age == 1);
}

static void test_small_error_buffer(void **state)
{
    tg_hsts_t got;
    char err[8];
    char one[1] = {'x'};
    (void)state;
    memset(err, 'x', sizeof(err));
    assert_int_equal(tg_hsts_parse("max-age=-1", &got, err, sizeof(err)),
                     TG_HSTS_E_VALUE);
    assert_string_equal(err, "max-age");
    assert_int_equal(tg_hsts_parse("max-age=-1", &got, one, sizeof(one)),
                     TG_HSTS_E_VALUE);
    assert_int_equal(one[0], '\0');
}

static void test_from_default(void **state)
{
    tg_hsts_t p;
    char buf[TG_HSTS_FORMAT_MAX];
    (void)state;
    assert_int_equal(tg_hsts_from_default(Y2, &p), 0);
    assert_int_equal(p.mode, TG_HSTS_ON);
    assert_true(p.max_age == Y2);
    assert_true(p.include_subdomains);
    assert_false(p.preload);
    assert_false(p.withdraw);
    assert_int_equal(tg_hsts_format(&p, buf, sizeof(buf)), 35);
    assert_string_equal(buf, "max-age=63072000; includeSubDomains");

    assert_int_equal(tg_hsts_from_default(0, &p), 0);
    assert_true(p.withdraw);
    assert_int_equal(tg_hsts_format(&p, buf, sizeof(buf)), 28);
    assert_string_equal(buf, "max-age=0; includeSubDomains");

    assert_int_equal(tg_hsts_from_default(Y2, NULL), TG_HSTS_E_ARG);
}

typedef struct {
    tg_hsts_t policy;
    const char *want;
} format_case_t;

static void test_format(void **state)
{
    static const format_case_t cases[] = {
        {{TG_HSTS_EXPLICIT, 300, 0, 0, 0}, "max-age=300"},
        {{TG_HSTS_EXPLICIT, Y2, 1, 0, 0},
         "max-age=63072000; includeSubDomains"},
        {{TG_HSTS_EXPLICIT, Y1, 1, 1, 0},
         "max-age=31536000; includeSubDomains; preload"},
        {{TG_HSTS_EXPLICIT, 0, 0, 0, 1}, "max-age=0"},
        {{TG_HSTS_ON, Y2, 1, 0, 0}, "max-age=63072000; includeSubDomains"},
        {{TG_HSTS_EXPLICIT, UINT64_MAX, 1, 1, 0},
         "max-age=18446744073709551615; includeSubDomains; preload"},
        /* nothing to send */
        {{TG_HSTS_OFF, Y2, 1, 0, 0}, ""},
        {{TG_HSTS_ON, 0, 1, 0, 0}, ""}, /* On never resolved */
        {{TG_HSTS_EXPLICIT, 0, 0, 0, 0}, ""},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[TG_HSTS_FORMAT_MAX];
        size_t n;
        memset(buf, 'x', sizeof(buf));
        n = tg_hsts_format(&cases[i].policy, buf, sizeof(buf));
        assert_string_equal(buf, cases[i].want);
        assert_int_equal(n, strlen(cases[i].want));
    }
}

static void test_format_never_cuts(void **state)
{
    tg_hsts_t p = {TG_HSTS_EXPLICIT, Y1, 1, 1, 0};
    const char *full = "max-age=31536000; includeSubDomains; preload";
    size_t len = strlen(full);
    char buf[TG_HSTS_FORMAT_MAX];
    (void)state;
    /* room for the text and its NUL: written */
    assert_int_equal(tg_hsts_format(&p, buf, len + 1), len);
    assert_string_equal(buf, full);
    /* one byte short: nothing, and an empty string */
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(tg_hsts_format(&p, buf, len), 0);
    assert_string_equal(buf, "");
    assert_int_equal(tg_hsts_format(&p, buf, 0), 0);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(tg_hsts_format(&p, NULL, 64), 0);
    assert_int_equal(tg_hsts_format(NULL, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "");
}

/* Every good value renders canonically and parses back to itself. */
static void test_round_trip(void **state)
{
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
        tg_hsts_t a, b;
        char buf[TG_HSTS_FORMAT_MAX];
        size_t n;
        assert_int_equal(tg_hsts_parse(good_cases[i].text, &a, NULL, 0), 0);
        if (a.mode != TG_HSTS_EXPLICIT)
            continue;
        n = tg_hsts_format(&a, buf, sizeof(buf));
        assert_true(n > 0);
        assert_int_equal(tg_hsts_parse(buf, &b, NULL, 0), 0);
        if (!same_policy(&a, &b))
            print_error("round trip %zu: [%s] -> [%s]\n", i,
                        good_cases[i].text, buf);
        assert_true(same_policy(&a, &b));
    }
}

typedef struct {
    tg_hsts_t policy;
    int ready;
    const char *why;
} preload_case_t;

static void test_preload_ready(void **state)
{
    static const preload_case_t cases[] = {
        {{TG_HSTS_EXPLICIT, Y1, 1, 1, 0}, 1, ""},
        {{TG_HSTS_EXPLICIT, Y2, 1, 1, 0}, 1, ""},
        {{TG_HSTS_EXPLICIT, TG_HSTS_PRELOAD_WARN_AGE, 1, 1, 0}, 1, ""},
        {{TG_HSTS_EXPLICIT, TG_HSTS_PRELOAD_WARN_AGE + 1, 1, 1, 0}, 1,
         "accepted, but max-age 315360001 is over ten years, which "
         "hstspreload.org warns about"},
        {{TG_HSTS_OFF, 0, 0, 0, 0}, 0, "HSTS is off"},
        {{TG_HSTS_ON, Y2, 1, 0, 0}, 0, "preload is missing"},
        {{TG_HSTS_EXPLICIT, Y1, 0, 1, 0}, 0, "includeSubDomains is missing"},
        {{TG_HSTS_EXPLICIT, Y1 - 1, 1, 1, 0}, 0,
         "max-age 31535999 is below 31536000 (one year)"},
        {{TG_HSTS_EXPLICIT, 86400, 0, 0, 0}, 0,
         "max-age 86400 is below 31536000 (one year); "
         "includeSubDomains is missing; preload is missing"},
        {{TG_HSTS_EXPLICIT, 0, 1, 0, 1}, 0,
         "max-age 0 is below 31536000 (one year); preload is missing"},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char why[256];
        memset(why, 'x', sizeof(why));
        assert_int_equal(tg_hsts_preload_ready(&cases[i].policy, why,
                                               sizeof(why)),
                         cases[i].ready);
        assert_string_equal(why, cases[i].why);
    }
}

static void test_preload_ready_buffers(void **state)
{
    tg_hsts_t p = {TG_HSTS_EXPLICIT, 86400, 0, 0, 0};
    tg_hsts_t ok = {TG_HSTS_EXPLICIT, Y2, 1, 1, 0};
    char why[12];
    (void)state;
    assert_int_equal(tg_hsts_preload_ready(&p, NULL, 0), 0);
    assert_int_equal(tg_hsts_preload_ready(&ok, NULL, 0), 1);
    assert_int_equal(tg_hsts_preload_ready(NULL, why, sizeof(why)), 0);
    assert_string_equal(why, "HSTS is off");
    /* a short buffer is cut, never overrun */
    assert_int_equal(tg_hsts_preload_ready(&p, why, sizeof(why)), 0);
    assert_string_equal(why, "max-age 864");
}

/* A parsed policy with preload always passes the preload audit. */
static void test_parsed_preload_is_ready(void **state)
{
    tg_hsts_t p;
    char why[128];
    (void)state;
    assert_int_equal(
        tg_hsts_parse("max-age=63072000; includeSubDomains; preload", &p,
                      NULL, 0),
        0);
    assert_int_equal(tg_hsts_preload_ready(&p, why, sizeof(why)), 1);
    assert_string_equal(why, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_values),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_huge_number_message_is_cut),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_small_error_buffer),
        cmocka_unit_test(test_from_default),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_never_cuts),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_preload_ready),
        cmocka_unit_test(test_preload_ready_buffers),
        cmocka_unit_test(test_parsed_preload_is_ready),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
