/*
 * test_json.c - the bounded JSON writer: escaping, UTF-8 repair, numbers,
 * every capacity from 0 up for a sample document, reserve, marks/rollback,
 * and misuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tg_json.h"

/* ---- a strict validator (RFC 8259 + RFC 3629) -------------------------- */

typedef struct {
    const unsigned char *p, *end;
    int depth;
} val_t;

static int v_value(val_t *v);

static void v_ws(val_t *v)
{
    while (v->p < v->end &&
           (*v->p == ' ' || *v->p == '\t' || *v->p == '\n' || *v->p == '\r'))
        v->p++;
}

static int v_lit(val_t *v, const char *lit)
{
    size_t n = strlen(lit);

    if ((size_t)(v->end - v->p) < n || memcmp(v->p, lit, n) != 0)
        return 0;
    v->p += n;
    return 1;
}

static int v_hex4(val_t *v)
{
    for (int i = 0; i < 4; i++, v->p++) {
        if (v->p >= v->end || !strchr("0123456789abcdefABCDEF", *v->p) ||
            *v->p == '\0')
            return 0;
    }
    return 1;
}

/* One UTF-8 sequence at v->p, well-formed per RFC 3629 table 3.7. */
static int v_utf8(val_t *v)
{
    const unsigned char *s = v->p;
    size_t avail = (size_t)(v->end - s), len;
    unsigned char lo = 0x80, hi = 0xbf;

    if (s[0] < 0x80) {
        v->p++;
        return 1;
    }
    if (s[0] < 0xc2 || s[0] > 0xf4)
        return 0;
    len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
    if (s[0] == 0xe0) lo = 0xa0;
    if (s[0] == 0xed) hi = 0x9f;
    if (s[0] == 0xf0) lo = 0x90;
    if (s[0] == 0xf4) hi = 0x8f;
    if (avail < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
    }
    v->p += len;
    return 1;
}

static int v_string(val_t *v)
{
    if (v->p >= v->end || *v->p != '"')
        return 0;
    v->p++;
    while (v->p < v->end && *v->p != '"') {
        if (*v->p < 0x20)
            return 0;
        if (*v->p == '\\') {
            v->p++;
            if (v->p >= v->end)
                return 0;
            if (*v->p == 'u') {
                v->p++;
                if (!v_hex4(v))
                    return 0;
            } else if (strchr("\"\\/bfnrt", *v->p) != NULL && *v->p != 0) {
                v->p++;
            } else {
                return 0;
            }
        } else if (!v_utf8(v)) {
            return 0;
        }
    }
    if (v->p >= v->end)
        return 0;
    v->p++;
    return 1;
}

static int v_digits(val_t *v)
{
    const unsigned char *s = v->p;

    while (v->p < v->end && *v->p >= '0' && *v->p <= '9')
        v->p++;
    return v->p > s;
}

static int v_number(val_t *v)
{
    if (v->p < v->end && *v->p == '-')
        v->p++;
    if (v->p < v->end && *v->p == '0')
        v->p++;
    else if (!v_digits(v))
        return 0;
    if (v->p < v->end && *v->p == '.') {
        v->p++;
        if (!v_digits(v))
            return 0;
    }
    if (v->p < v->end && (*v->p == 'e' || *v->p == 'E')) {
        v->p++;
        if (v->p < v->end && (*v->p == '+' || *v->p == '-'))
            v->p++;
        if (!v_digits(v))
            return 0;
    }
    return 1;
}

static int v_container(val_t *v, unsigned char close, int object)
{
    if (++v->depth > 64)
        return 0;
    v->p++;
    v_ws(v);
    if (v->p < v->end && *v->p == close) {
        v->p++;
        v->depth--;
        return 1;
    }
    for (;;) {
        v_ws(v);
        if (object) {
            if (!v_string(v))
                return 0;
            v_ws(v);
            if (v->p >= v->end || *v->p++ != ':')
                return 0;
        }
        if (!v_value(v))
            return 0;
        v_ws(v);
        if (v->p >= v->end)
            return 0;
        if (*v->p == close) {
            v->p++;
            v->depth--;
            return 1;
        }
        if (*v->p++ != ',')
            return 0;
    }
}

static int v_value(val_t *v)
{
    v_ws(v);
    if (v->p >= v->end)
        return 0;
    switch (*v->p) {
    case '{': return v_container(v, '}', 1);
    case '[': return v_container(v, ']', 0);
    case '"': return v_string(v);
    case 't': return v_lit(v, "true");
    case 'f': return v_lit(v, "false");
    case 'n': return v_lit(v, "null");
    default: return v_number(v);
    }
}

static int json_valid(const char *s, size_t n)
{
    val_t v = {(const unsigned char *)s, (const unsigned char *)s + n, 0};

    if (!v_value(&v))
        return 0;
    v_ws(&v);
    return v.p == v.end;
}

static int valid_z(const char *s)
{
    return json_valid(s, strlen(s));
}

/* ---- helpers ----------------------------------------------------------- */

/* Encodes one string value as a top-level document into out. */
static long encode_string(const char *in, size_t n, char *out, size_t cap)
{
    tg_json_t j;

    tg_json_init(&j, out, cap);
    assert_int_equal(tg_json_string(&j, in, n), TG_JSON_OK);
    return tg_json_finish(&j);
}

static void check_string(const char *in, size_t n, const char *want)
{
    char out[256];
    long len = encode_string(in, n, out, sizeof out);

    assert_true(len > 0);
    if ((size_t)len != strlen(want) || memcmp(out, want, (size_t)len) != 0)
        fail_msg("got %.*s want %s", (int)len, out, want);
    assert_true(json_valid(out, (size_t)len));
}

static void test_validator_self_check(void **state)
{
    (void)state;
    assert_true(valid_z("{\"a\":[1,-2.5e3,true,null,\"x\\u00e9\"]}"));
    assert_true(valid_z(" [ {} , [] , \"\xc3\xa9\" ] "));
    assert_false(valid_z("{\"a\":}"));
    assert_false(valid_z("[1,]"));
    assert_false(valid_z("\"\x01\""));
    assert_false(valid_z("\"\xc0\xaf\""));
    assert_false(valid_z("\"\xed\xa0\x80\""));
    assert_false(valid_z("{\"a\":1"));
    assert_false(valid_z("\"\\x\""));
    assert_false(valid_z("01"));
    assert_false(valid_z("{} {}"));
    assert_false(valid_z(""));
}

/* ---- escaping ---------------------------------------------------------- */

static void test_escape_every_control_byte(void **state)
{
    static const char *const named[32] = {
        ['\b'] = "\"\\b\"", ['\t'] = "\"\\t\"", ['\n'] = "\"\\n\"",
        ['\f'] = "\"\\f\"", ['\r'] = "\"\\r\"",
    };

    (void)state;
    for (unsigned c = 0; c < 0x20; c++) {
        char in = (char)c, want[16];

        if (named[c] != NULL)
            snprintf(want, sizeof want, "%s", named[c]);
        else
            snprintf(want, sizeof want, "\"\\u00%02x\"", c);
        check_string(&in, 1, want);
    }
}

static void test_escape_quote_backslash_del(void **state)
{
    (void)state;
    check_string("\"", 1, "\"\\\"\"");
    check_string("\\", 1, "\"\\\\\"");
    check_string("\x7f", 1, "\"\\u007f\"");
    check_string("a/b", 3, "\"a/b\"");
    check_string("say \"hi\"\\n", 10, "\"say \\\"hi\\\"\\\\n\"");
    check_string("", 0, "\"\"");
    check_string("nul\0in", 6, "\"nul\\u0000in\"");
}

static void test_valid_utf8_passes(void **state)
{
    static const char *const ok[] = {
        "\xc2\x80",         /* U+0080 */
        "\xc3\xa9",         /* e acute */
        "\xdf\xbf",         /* U+07FF */
        "\xe0\xa0\x80",     /* U+0800 */
        "\xe2\x82\xac",     /* euro sign */
        "\xed\x9f\xbf",     /* U+D7FF, below the surrogates */
        "\xee\x80\x80",     /* U+E000, above the surrogates */
        "\xef\xbf\xbd",     /* U+FFFD itself */
        "\xef\xbf\xbf",     /* U+FFFF */
        "\xf0\x90\x80\x80", /* U+10000 */
        "\xf0\x9d\x84\x9e", /* G clef */
        "\xf4\x8f\xbf\xbf", /* U+10FFFF */
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92",
    };

    (void)state;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char want[64];

        snprintf(want, sizeof want, "\"%s\"", ok[i]);
        check_string(ok[i], strlen(ok[i]), want);
    }
}

#define FFFD "\xef\xbf\xbd"

static void test_invalid_utf8_replaced(void **state)
{
    static const struct {
        const char *in;
        size_t n;
        const char *want; /* without the quotes */
    } cases[] = {
        /* overlongs */
        {"\xc0\xaf", 2, FFFD FFFD},
        {"\xc1\xbf", 2, FFFD FFFD},
        {"\xe0\x80\xaf", 3, FFFD FFFD FFFD},
        {"\xe0\x9f\xbf", 3, FFFD FFFD FFFD},
        {"\xf0\x80\x80\xaf", 4, FFFD FFFD FFFD FFFD},
        {"\xf0\x8f\xbf\xbf", 4, FFFD FFFD FFFD FFFD},
        /* surrogates */
        {"\xed\xa0\x80", 3, FFFD FFFD FFFD},
        {"\xed\xbf\xbf", 3, FFFD FFFD FFFD},
        /* above U+10FFFF */
        {"\xf4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD},
        {"\xf5\x80\x80\x80", 4, FFFD FFFD FFFD FFFD},
        {"\xfe", 1, FFFD},
        {"\xff", 1, FFFD},
        /* lone continuation bytes */
        {"\x80", 1, FFFD},
        {"a\xbfz", 3, "a" FFFD "z"},
        /* truncated sequences: at the end and before ASCII */
        {"\xc3", 1, FFFD},
        {"\xe2\x82", 2, FFFD FFFD},
        {"\xe2\x82" "A", 3, FFFD FFFD "A"},
        {"\xf0\x9f\x98", 3, FFFD FFFD FFFD},
        {"\xf0\x9f\x98" "\xc3\xa9", 5, FFFD FFFD FFFD "\xc3\xa9"},
        /* a bad byte followed by an escape */
        {"\xff\"", 2, FFFD "\\\""},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char want[64];

        snprintf(want, sizeof want, "\"%s\"", cases[i].want);
        check_string(cases[i].in, cases[i].n, want);
    }
}

static void test_all_bytes_valid_output(void **state)
{
    char in[512], out[4096];
    long n;

    (void)state;
    for (int i = 0; i < 512; i++)
        in[i] = (char)(i * 7 + (i >> 8));
    n = encode_string(in, sizeof in, out, sizeof out);
    assert_true(n > 0);
    assert_true(json_valid(out, (size_t)n));
}

/* Reference escaping for one byte (ASCII or a lone high byte). */
static size_t ref_escape(unsigned char c, char *out)
{
    switch (c) {
    case '"': return (size_t)sprintf(out, "\\\"");
    case '\\': return (size_t)sprintf(out, "\\\\");
    case '\n': return (size_t)sprintf(out, "\\n");
    case '\t': return (size_t)sprintf(out, "\\t");
    default: break;
    }
    if (c < 0x20 || c == 0x7f)
        return (size_t)sprintf(out, "\\u%04x", c);
    if (c >= 0x80)
        return (size_t)sprintf(out, FFFD);
    out[0] = (char)c;
    return 1;
}

static size_t ref_string(const char *s, size_t n, char *out)
{
    size_t k = 0;

    out[k++] = '"';
    for (size_t i = 0; i < n; i++)
        k += ref_escape((unsigned char)s[i], out + k);
    out[k++] = '"';
    return k;
}

/*
 * Every length 0..40 with one special byte at every position (or none),
 * as array element, object key and field value: the word-at-a-time scan
 * must agree with byte-by-byte escaping wherever the special byte falls.
 */
static void test_special_byte_at_every_position(void **state)
{
    static const unsigned char specials[] = {'"', '\\', '\n', 0x01, 0x1f,
                                             0x7f, 0x80, 0xff, ' ', '~'};

    (void)state;
    for (size_t n = 0; n <= 40; n++) {
        for (size_t p = 0; p <= n; p++) {
            for (size_t k = 0; k < sizeof specials; k++) {
                char in[41], want[512], got[512], key[41];
                size_t wn = 0;
                tg_json_t j;
                long len;

                for (size_t i = 0; i < n; i++)
                    in[i] = (char)('a' + (i % 26));
                if (p < n)
                    in[p] = (char)specials[k];
                in[n] = '\0';
                memcpy(key, in, n + 1);
                /* ["in",{"in":"in"}] with in as key when it has no NUL */
                want[wn++] = '[';
                wn += ref_string(in, n, want + wn);
                memcpy(want + wn, ",{", 2);
                wn += 2;
                wn += ref_string(in, n, want + wn);
                want[wn++] = ':';
                wn += ref_string(in, n, want + wn);
                memcpy(want + wn, "}]", 2);
                wn += 2;

                tg_json_init(&j, got, sizeof got);
                tg_json_begin_array(&j);
                tg_json_string(&j, in, n);
                tg_json_begin_object(&j);
                tg_json_field_str(&j, key, in);
                tg_json_end_object(&j);
                tg_json_end_array(&j);
                len = tg_json_finish(&j);
                if (len != (long)wn || memcmp(got, want, wn) != 0)
                    fail_msg("n %zu p %zu byte 0x%02x: got %.*s want %.*s",
                             n, p, specials[k], (int)len, got, (int)wn,
                             want);
            }
        }
    }
}

/* ---- scalars ----------------------------------------------------------- */

static void test_numbers_and_literals(void **state)
{
    char out[512];
    tg_json_t j;
    long n;
    const char *want = "[0,-1,9223372036854775807,-9223372036854775808,"
                       "18446744073709551615,42,true,false,null,\"00ff10\","
                       "\"\",null,\"x\"]";
    static const unsigned char bytes[] = {0x00, 0xff, 0x10};

    (void)state;
    tg_json_init(&j, out, sizeof out);
    assert_int_equal(tg_json_begin_array(&j), TG_JSON_OK);
    assert_int_equal(tg_json_int(&j, 0), TG_JSON_OK);
    assert_int_equal(tg_json_int(&j, -1), TG_JSON_OK);
    assert_int_equal(tg_json_int(&j, INT64_MAX), TG_JSON_OK);
    assert_int_equal(tg_json_int(&j, INT64_MIN), TG_JSON_OK);
    assert_int_equal(tg_json_uint(&j, UINT64_MAX), TG_JSON_OK);
    assert_int_equal(tg_json_uint(&j, 42), TG_JSON_OK);
    assert_int_equal(tg_json_bool(&j, true), TG_JSON_OK);
    assert_int_equal(tg_json_bool(&j, false), TG_JSON_OK);
    assert_int_equal(tg_json_null(&j), TG_JSON_OK);
    assert_int_equal(tg_json_hex(&j, bytes, sizeof bytes), TG_JSON_OK);
    assert_int_equal(tg_json_hex(&j, NULL, 0), TG_JSON_OK);
    assert_int_equal(tg_json_str(&j, NULL), TG_JSON_OK);
    assert_int_equal(tg_json_str(&j, "x"), TG_JSON_OK);
    assert_int_equal(tg_json_end_array(&j), TG_JSON_OK);
    n = tg_json_finish(&j);
    assert_int_equal(n, (long)strlen(want));
    assert_memory_equal(out, want, strlen(want));
    assert_false(tg_json_truncated(&j));
}

/* ---- the sample document at every capacity ----------------------------- */

static const char sample_want[] =
    "{\"event\":{\"kind\":\"event\",\"outcome\":\"failure\"},"
    "\"tls\":{\"version\":\"1.2\",\"established\":false,"
    "\"client\":{\"server_name\":\"a\\\"b\\\\c\\n\xc3\xa9" FFFD "\","
    "\"supported_ciphers\":[\"TLS_AES_128_GCM_SHA256\",\"0x1a1a\","
    "\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"]}},"
    "\"n\":-12345,\"u\":18446744073709551615,\"ok\":true,\"z\":null,"
    "\"ja3\":\"0123456789abcdef\",\"e\":[],\"o\":{}}";

static void build_sample(tg_json_t *j)
{
    static const char *const suites[] = {"TLS_AES_128_GCM_SHA256", "0x1a1a",
                                         "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"};
    static const unsigned char digest[] = {0x01, 0x23, 0x45, 0x67,
                                           0x89, 0xab, 0xcd, 0xef};

    tg_json_begin_object(j);
    tg_json_key(j, "event");
    tg_json_begin_object(j);
    tg_json_field_str(j, "kind", "event");
    tg_json_field_str(j, "outcome", "failure");
    tg_json_end_object(j);
    tg_json_key(j, "tls");
    tg_json_begin_object(j);
    tg_json_field_str(j, "version", "1.2");
    tg_json_field_bool(j, "established", false);
    tg_json_key(j, "client");
    tg_json_begin_object(j);
    tg_json_field_string(j, "server_name", "a\"b\\c\n\xc3\xa9\xff", 9);
    tg_json_key(j, "supported_ciphers");
    tg_json_begin_array(j);
    for (size_t i = 0; i < 3; i++)
        tg_json_str(j, suites[i]);
    tg_json_end_array(j);
    tg_json_end_object(j);
    tg_json_end_object(j);
    tg_json_field_int(j, "n", -12345);
    tg_json_field_uint(j, "u", UINT64_MAX);
    tg_json_field_bool(j, "ok", true);
    tg_json_key(j, "z");
    tg_json_null(j);
    tg_json_key(j, "ja3");
    tg_json_hex(j, digest, sizeof digest);
    tg_json_key(j, "e");
    tg_json_begin_array(j);
    tg_json_end_array(j);
    tg_json_key(j, "o");
    tg_json_begin_object(j);
    tg_json_end_object(j);
    tg_json_end_object(j);
}

static void test_sample_full(void **state)
{
    char out[1024];
    tg_json_t j;
    long n;

    (void)state;
    tg_json_init(&j, out, sizeof out);
    build_sample(&j);
    n = tg_json_finish(&j);
    assert_int_equal(n, (long)strlen(sample_want));
    assert_memory_equal(out, sample_want, (size_t)n);
    assert_true(json_valid(out, (size_t)n));
    assert_false(tg_json_truncated(&j));
}

#define CANARY 0x5a

static void test_sample_every_capacity(void **state)
{
    size_t full = strlen(sample_want);
    unsigned complete = 0, cut = 0, refused = 0;

    (void)state;
    for (size_t cap = 0; cap <= full + 8; cap++) {
        char out[1024];
        tg_json_t j;
        long n;

        memset(out, CANARY, sizeof out);
        tg_json_init(&j, out, cap);
        build_sample(&j);
        n = tg_json_finish(&j);
        for (size_t i = cap; i < sizeof out; i++) {
            if ((unsigned char)out[i] != CANARY)
                fail_msg("cap %zu: byte %zu written", cap, i);
        }
        if (cap < 2) {
            /* not even "{}" fits: the document is refused as a whole */
            assert_int_equal(n, TG_JSON_EFULL);
            refused++;
            continue;
        }
        assert_true(n > 0 && (size_t)n <= cap);
        if (!json_valid(out, (size_t)n))
            fail_msg("cap %zu: invalid %.*s", cap, (int)n, out);
        if (cap >= full) {
            assert_int_equal(n, (long)full);
            assert_memory_equal(out, sample_want, full);
            assert_false(tg_json_truncated(&j));
            complete++;
        } else {
            assert_true(tg_json_truncated(&j));
            cut++;
        }
    }
    assert_int_equal(refused, 2);
    assert_int_equal(cut, full - 2);
    assert_int_equal(complete, 9);
}

static void test_sample_every_capacity_as_line(void **state)
{
    size_t full = strlen(sample_want);

    (void)state;
    for (size_t cap = 3; cap <= full + 2; cap++) {
        char out[1024];
        tg_json_t j;
        long n;

        memset(out, CANARY, sizeof out);
        tg_json_init(&j, out, cap);
        tg_json_set_reserve(&j, 1); /* the newline */
        build_sample(&j);
        n = tg_json_finish_line(&j);
        assert_true(n > 1 && (size_t)n <= cap);
        assert_int_equal(out[n - 1], '\n');
        assert_true(json_valid(out, (size_t)n - 1));
        assert_int_equal((unsigned char)out[cap], CANARY);
        assert_int_equal(tg_json_truncated(&j), cap < full + 1);
        /* a second call adds nothing */
        assert_int_equal(tg_json_finish_line(&j), n);
    }
}

/* ---- bounds behaviour -------------------------------------------------- */

static void test_later_small_fields_still_fit(void **state)
{
    char out[40], big[64];
    tg_json_t j;
    long n;

    (void)state;
    memset(big, 'x', sizeof big);
    tg_json_init(&j, out, sizeof out);
    tg_json_begin_object(&j);
    assert_int_equal(tg_json_field_string(&j, "big", big, sizeof big),
                     TG_JSON_EFULL);
    assert_int_equal(tg_json_key(&j, "list"), TG_JSON_OK);
    assert_int_equal(tg_json_begin_array(&j), TG_JSON_OK);
    assert_int_equal(tg_json_string(&j, big, sizeof big), TG_JSON_EFULL);
    assert_int_equal(tg_json_int(&j, 7), TG_JSON_OK);
    assert_int_equal(tg_json_end_array(&j), TG_JSON_OK);
    assert_int_equal(tg_json_field_int(&j, "n", 1), TG_JSON_OK);
    assert_int_equal(tg_json_end_object(&j), TG_JSON_OK);
    n = tg_json_finish(&j);
    assert_int_equal(n, 18);
    assert_memory_equal(out, "{\"list\":[7],\"n\":1}", 18);
    assert_true(tg_json_truncated(&j));
}

static void test_refused_container_is_swallowed(void **state)
{
    char out[16];
    tg_json_t j;
    long n;

    (void)state;
    tg_json_init(&j, out, sizeof out);
    tg_json_begin_object(&j);
    assert_int_equal(tg_json_field_int(&j, "a", 1), TG_JSON_OK);
    /* "a" + key "long-key-name" cannot fit: key refused, object swallowed */
    assert_int_equal(tg_json_key(&j, "long-key-name"), TG_JSON_EFULL);
    assert_int_equal(tg_json_begin_object(&j), TG_JSON_EFULL);
    assert_int_equal(tg_json_field_int(&j, "b", 2), TG_JSON_EFULL);
    assert_int_equal(tg_json_begin_array(&j), TG_JSON_EFULL);
    assert_int_equal(tg_json_int(&j, 3), TG_JSON_EFULL);
    assert_int_equal(tg_json_end_array(&j), TG_JSON_EFULL);
    assert_int_equal(tg_json_end_object(&j), TG_JSON_EFULL);
    assert_int_equal(tg_json_field_int(&j, "c", 4), TG_JSON_OK);
    assert_int_equal(tg_json_end_object(&j), TG_JSON_OK);
    n = tg_json_finish(&j);
    assert_int_equal(n, 13);
    assert_memory_equal(out, "{\"a\":1,\"c\":4}", 13);
}

static void test_value_refused_drops_its_key(void **state)
{
    char out[12];
    tg_json_t j;

    (void)state;
    tg_json_init(&j, out, sizeof out);
    tg_json_begin_object(&j);
    assert_int_equal(tg_json_key(&j, "k"), TG_JSON_OK); /* {"k": */
    assert_int_equal(tg_json_str(&j, "too long"), TG_JSON_EFULL);
    assert_int_equal(tg_json_end_object(&j), TG_JSON_OK);
    assert_int_equal(tg_json_finish(&j), 2);
    assert_memory_equal(out, "{}", 2);
}

static void test_reserve(void **state)
{
    char out[32];
    tg_json_t j;

    (void)state;
    tg_json_init(&j, out, sizeof out);
    tg_json_set_reserve(&j, 20);
    tg_json_begin_object(&j);                                /* 1 + 1 */
    assert_int_equal(tg_json_field_int(&j, "a", 1), TG_JSON_OK); /* 7 */
    assert_int_equal(tg_json_field_int(&j, "b", 22), TG_JSON_EFULL);
    tg_json_set_reserve(&j, 0);
    assert_int_equal(tg_json_field_int(&j, "b", 22), TG_JSON_OK);
    assert_int_equal(tg_json_end_object(&j), TG_JSON_OK);
    assert_int_equal(tg_json_finish(&j), 14);
    assert_memory_equal(out, "{\"a\":1,\"b\":22}", 14);
}

static void test_zero_and_tiny_capacity(void **state)
{
    char out[4];
    tg_json_t j;

    (void)state;
    tg_json_init(&j, NULL, 100);
    assert_int_equal(tg_json_null(&j), TG_JSON_EFULL);
    assert_int_equal(tg_json_finish(&j), TG_JSON_EFULL);

    tg_json_init(&j, out, 1);
    assert_int_equal(tg_json_begin_array(&j), TG_JSON_EFULL);
    assert_int_equal(tg_json_end_array(&j), TG_JSON_EFULL);
    assert_int_equal(tg_json_finish(&j), TG_JSON_EFULL);

    tg_json_init(&j, out, 2);
    assert_int_equal(tg_json_begin_array(&j), TG_JSON_OK);
    assert_int_equal(tg_json_int(&j, 1), TG_JSON_EFULL);
    assert_int_equal(tg_json_end_array(&j), TG_JSON_OK);
    assert_int_equal(tg_json_finish(&j), 2);
    assert_int_equal(tg_json_finish_line(&j), TG_JSON_EFULL);
}

/* ---- marks ------------------------------------------------------------- */

/* Writes {"code":N,"name":"..."}; drops the whole element if cut. */
static void write_suite(tg_json_t *j, int code, const char *name)
{
    tg_json_mark_t m = tg_json_mark(j);

    tg_json_begin_object(j);
    tg_json_field_int(j, "code", code);
    tg_json_field_str(j, "name", name);
    tg_json_end_object(j);
    if (tg_json_refused_since(j, &m))
        tg_json_rollback(j, &m);
}

static void test_rollback_drops_partial_elements(void **state)
{
    char out[71];
    tg_json_t j;
    long n;

    (void)state;
    tg_json_init(&j, out, sizeof out); /* exactly what 1, 2 and 4 need */
    tg_json_begin_array(&j);
    write_suite(&j, 1, "one");
    write_suite(&j, 2, "two");
    write_suite(&j, 3, "a name too long for what is left of the buffer");
    write_suite(&j, 4, "4");
    tg_json_end_array(&j);
    n = tg_json_finish(&j);
    assert_true(tg_json_truncated(&j));
    assert_int_equal(n, 71);
    assert_memory_equal(out,
                        "[{\"code\":1,\"name\":\"one\"},{\"code\":2,\"name\":"
                        "\"two\"},{\"code\":4,\"name\":\"4\"}]",
                        (size_t)n);
    assert_true(json_valid(out, (size_t)n));
}

static void test_rollback_after_key(void **state)
{
    char out[64];
    tg_json_t j;
    tg_json_mark_t m;

    (void)state;
    tg_json_init(&j, out, sizeof out);
    tg_json_begin_object(&j);
    tg_json_field_int(&j, "a", 1);
    tg_json_key(&j, "b");
    m = tg_json_mark(&j); /* points before ,"b": */
    tg_json_begin_array(&j);
    tg_json_int(&j, 2);
    tg_json_rollback(&j, &m);
    assert_false(tg_json_truncated(&j));
    tg_json_field_int(&j, "c", 3);
    tg_json_end_object(&j);
    assert_int_equal(tg_json_finish(&j), 13);
    assert_memory_equal(out, "{\"a\":1,\"c\":3}", 13);
}

/* Groups: an empty one is dropped, an atomic one with a refused part too. */
static void test_groups_drop_empty_and_half_records(void **state)
{
    char out[40];
    tg_json_t j;
    tg_json_group_t g;

    (void)state;
    tg_json_init(&j, out, sizeof out);
    tg_json_begin_object(&j);
    tg_json_group_begin(&j, &g, "empty", true, false);
    tg_json_group_end(&j, &g);
    tg_json_group_begin(&j, &g, "kept", false, false);
    tg_json_field_int(&j, "a", 1);
    tg_json_field_plain(&j, TG_JSON_LIT("b"), TG_JSON_LIT("a value too long to fit here"));
    tg_json_group_end(&j, &g);
    tg_json_group_begin(&j, &g, "atomic", false, true);
    tg_json_field_int(&j, "c", 2);
    tg_json_field_plain(&j, TG_JSON_LIT("d"), TG_JSON_LIT("a value too long to fit here"));
    tg_json_group_end(&j, &g);
    tg_json_end_object(&j);
    assert_int_equal(tg_json_finish(&j), 16);
    assert_memory_equal(out, "{\"kept\":{\"a\":1}}", 16);
    assert_true(tg_json_truncated(&j));
}

/* A budget caps what follows; the tail stays free for later members. */
static void test_budget_caps_the_next_member(void **state)
{
    char out[64];
    tg_json_t j;

    (void)state;
    tg_json_init(&j, out, sizeof out);
    tg_json_begin_object(&j);
    tg_json_budget(&j, 8, 10);
    assert_int_equal(tg_json_field_plain(&j, TG_JSON_LIT("k"), TG_JSON_LIT("123456")),
                     TG_JSON_EFULL); /* "k":"123456" is 12 bytes */
    assert_int_equal(tg_json_field_plain(&j, TG_JSON_LIT("k"), TG_JSON_LIT("12")), TG_JSON_OK);
    tg_json_set_reserve(&j, 0);
    assert_int_equal(tg_json_field_plain(&j, TG_JSON_LIT("m"), TG_JSON_LIT("123456")),
                     TG_JSON_OK);
    tg_json_end_object(&j);
    assert_int_equal(tg_json_finish(&j), 23);
    assert_memory_equal(out, "{\"k\":\"12\",\"m\":\"123456\"}", 23);
}

static void test_rollback_misuse(void **state)
{
    char out[64];
    tg_json_t j;
    tg_json_mark_t late;

    (void)state;
    tg_json_init(&j, out, sizeof out);
    tg_json_begin_array(&j);
    tg_json_int(&j, 1);
    late = tg_json_mark(&j);
    j.len = 1; /* as after rolling back to an older mark */
    tg_json_rollback(&j, &late);
    assert_int_equal(tg_json_finish(&j), TG_JSON_ESTATE);
}

/* ---- misuse ------------------------------------------------------------ */

static void test_misuse_is_sticky(void **state)
{
    char out[64];
    tg_json_t j;

    (void)state;
    tg_json_init(&j, out, sizeof out);
    tg_json_begin_object(&j);
    assert_int_equal(tg_json_int(&j, 1), TG_JSON_ESTATE); /* no key */
    assert_int_equal(tg_json_field_int(&j, "a", 1), TG_JSON_ESTATE);
    assert_int_equal(tg_json_finish(&j), TG_JSON_ESTATE);

    tg_json_init(&j, out, sizeof out);
    tg_json_begin_array(&j);
    assert_int_equal(tg_json_key(&j, "a"), TG_JSON_ESTATE); /* key in array */

    tg_json_init(&j, out, sizeof out);
    tg_json_begin_array(&j);
    assert_int_equal(tg_json_end_object(&j), TG_JSON_ESTATE);

    tg_json_init(&j, out, sizeof out);
    tg_json_begin_object(&j);
    tg_json_key(&j, "a");
    assert_int_equal(tg_json_key(&j, "b"), TG_JSON_ESTATE); /* two keys */

    tg_json_init(&j, out, sizeof out);
    tg_json_begin_object(&j);
    tg_json_key(&j, "a");
    assert_int_equal(tg_json_end_object(&j), TG_JSON_ESTATE); /* no value */

    tg_json_init(&j, out, sizeof out);
    tg_json_int(&j, 1);
    assert_int_equal(tg_json_int(&j, 2), TG_JSON_ESTATE); /* two documents */

    tg_json_init(&j, out, sizeof out);
    tg_json_begin_array(&j);
    assert_int_equal(tg_json_finish(&j), TG_JSON_ESTATE); /* unbalanced */

    tg_json_init(&j, out, sizeof out);
    assert_int_equal(tg_json_finish(&j), TG_JSON_ESTATE); /* empty */

    tg_json_init(&j, out, sizeof out);
    tg_json_begin_object(&j);
    assert_int_equal(tg_json_field_int(&j, NULL, 1), TG_JSON_ESTATE);
}

static void test_depth_limit(void **state)
{
    char out[128];
    tg_json_t j;
    int i;

    (void)state;
    tg_json_init(&j, out, sizeof out);
    for (i = 0; i < TG_JSON_MAX_DEPTH; i++)
        assert_int_equal(tg_json_begin_array(&j), TG_JSON_OK);
    assert_int_equal(tg_json_begin_array(&j), TG_JSON_ESTATE);

    tg_json_init(&j, out, sizeof out);
    for (i = 0; i < TG_JSON_MAX_DEPTH; i++)
        tg_json_begin_array(&j);
    for (i = 0; i < TG_JSON_MAX_DEPTH; i++)
        assert_int_equal(tg_json_end_array(&j), TG_JSON_OK);
    assert_int_equal(tg_json_finish(&j), 2 * TG_JSON_MAX_DEPTH);
    assert_true(json_valid(out, 2 * TG_JSON_MAX_DEPTH));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validator_self_check),
        cmocka_unit_test(test_escape_every_control_byte),
        cmocka_unit_test(test_escape_quote_backslash_del),
        cmocka_unit_test(test_valid_utf8_passes),
        cmocka_unit_test(test_invalid_utf8_replaced),
        cmocka_unit_test(test_all_bytes_valid_output),
        cmocka_unit_test(test_special_byte_at_every_position),
        cmocka_unit_test(test_numbers_and_literals),
        cmocka_unit_test(test_sample_full),
        cmocka_unit_test(test_sample_every_capacity),
        cmocka_unit_test(test_sample_every_capacity_as_line),
        cmocka_unit_test(test_later_small_fields_still_fit),
        cmocka_unit_test(test_refused_container_is_swallowed),
        cmocka_unit_test(test_value_refused_drops_its_key),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_zero_and_tiny_capacity),
        cmocka_unit_test(test_rollback_drops_partial_elements),
        cmocka_unit_test(test_rollback_after_key),
        cmocka_unit_test(test_groups_drop_empty_and_half_records),
        cmocka_unit_test(test_budget_caps_the_next_member),
        cmocka_unit_test(test_rollback_misuse),
        cmocka_unit_test(test_misuse_is_sticky),
        cmocka_unit_test(test_depth_limit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
