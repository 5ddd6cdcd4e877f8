/*
 * Conformance: every row of the JA3/JA4 reference table (FoxIO sample
 * captures; see tests/data/ja4-reference/README.md) must give exactly the
 * expected JA3 string, JA3, JA4 and JA4_r, parsed both as a handshake message
 * and re-wrapped into small TLS records.
 *
 * The table is read from tests/data/ja4-reference/hellos.tsv relative to the
 * working directory (the repository root); TG_JA4_REFERENCE overrides it.
 * A missing table is a failure, not a skip.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hex_file.h"

#include "tg_fingerprint.h"
#include "tg_hello.h"
#include "tg_ossl_digest.h"

#define DEFAULT_PATH "tests/data/ja4-reference/hellos.tsv"
#define MAX_COLS 16
#define RECORD_SPLIT 97 /* odd size so headers and lists straddle records */

enum { C_PCAP, C_FRAME, C_SNI, C_JA3S, C_JA3, C_JA4, C_JA4R, C_HEX, C_COUNT };

static const char *const col_names[C_COUNT] = {
    "pcap", "frame", "sni", "ja3_string", "ja3", "ja4", "ja4_r", "client_hello_hex",
};

typedef struct table_t {
    FILE *f;
    char *line;
    size_t cap;
    int idx[C_COUNT];
    char *cell[C_COUNT];
} table_t;

static const char *table_path(void)
{
    const char *p = getenv("TG_JA4_REFERENCE");

    return p && *p ? p : DEFAULT_PATH;
}

static size_t split_tabs(char *line, char **cols, size_t max)
{
    size_t n = 0;
    char *p = line;

    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        cols[n++] = p;
        p = strchr(p, '\t');
        if (!p)
            break;
        *p++ = '\0';
    }
    return n;
}

static void table_open(table_t *t)
{
    char *cols[MAX_COLS];
    size_t n, i;
    int c;

    memset(t, 0, sizeof *t);
    t->f = fopen(table_path(), "r");
    if (!t->f)
        fail_msg("JA4 reference table not found at '%s' (working directory must be "
                 "the repository root, or set TG_JA4_REFERENCE)", table_path());
    assert_true(getline(&t->line, &t->cap, t->f) > 0);
    n = split_tabs(t->line, cols, MAX_COLS);
    for (c = 0; c < C_COUNT; c++) {
        t->idx[c] = -1;
        for (i = 0; i < n; i++)
            if (strcmp(cols[i], col_names[c]) == 0)
                t->idx[c] = (int)i;
        if (t->idx[c] < 0)
            fail_msg("%s: no column '%s' in the header", table_path(), col_names[c]);
    }
}

/* Next data row into t->cell; 0 at end of file. */
static int table_next(table_t *t)
{
    char *cols[MAX_COLS];
    size_t n;
    int c;

    if (getline(&t->line, &t->cap, t->f) <= 0)
        return 0;
    n = split_tabs(t->line, cols, MAX_COLS);
    for (c = 0; c < C_COUNT; c++)
        t->cell[c] = (size_t)t->idx[c] < n ? cols[t->idx[c]] : (char *)"";
    return 1;
}

static void table_close(table_t *t)
{
    free(t->line);
    fclose(t->f);
}

/* Counts a mismatch and says which row and field, so one run shows all. */
static int check(const table_t *t, const char *what, const char *want, const char *got)
{
    if (!*want || strcmp(want, got) == 0)
        return 0;
    print_error("%s frame %s %s:\n  want %s\n  got  %s\n", t->cell[C_PCAP],
                t->cell[C_FRAME], what, want, got);
    return 1;
}

/* The event's path: every fingerprint from the one tg_fingerprint() call. */
static int check_production(const table_t *t, const tg_hello_t *h, char *work, size_t size)
{
    tg_fp_t fp;
    int bad = 0;

    assert_int_equal(tg_fingerprint(h, tg_ossl_md5, tg_ossl_sha256, work, size, &fp), TG_FP_OK);
    assert_int_equal(strlen(fp.ja3_string), fp.ja3_len);
    assert_int_equal(strlen(fp.ja4_r), fp.ja4_r_len);
    bad += check(t, "ja3_string (tg_fingerprint)", t->cell[C_JA3S], fp.ja3_string);
    bad += check(t, "ja3 (tg_fingerprint)", t->cell[C_JA3], fp.ja3);
    bad += check(t, "ja4_r (tg_fingerprint)", t->cell[C_JA4R], fp.ja4_r);
    bad += check(t, "ja4 (tg_fingerprint)", t->cell[C_JA4], fp.ja4);
    return bad;
}

static int check_row(const table_t *t, const tg_hello_t *h)
{
    char work[8192], ja3[TG_JA3_SIZE], ja4[TG_JA4_SIZE], sni[256];
    size_t len;
    int bad = 0;

    assert_true(tg_fp_work_size(h) <= sizeof work);
    assert_int_equal(tg_ja3_string(h, work, sizeof work, &len), TG_FP_OK);
    bad += check(t, "ja3_string", t->cell[C_JA3S], work);
    assert_int_equal(tg_ja3(h, tg_ossl_md5, work, sizeof work, ja3, sizeof ja3), TG_FP_OK);
    bad += check(t, "ja3", t->cell[C_JA3], ja3);
    assert_int_equal(tg_ja4(h, TG_JA4_TCP, tg_ossl_sha256, work, sizeof work, ja4,
                            sizeof ja4), TG_FP_OK);
    bad += check(t, "ja4", t->cell[C_JA4], ja4);
    assert_int_equal(tg_ja4_raw(h, TG_JA4_TCP, work, sizeof work, &len), TG_FP_OK);
    bad += check(t, "ja4_r", t->cell[C_JA4R], work);
    bad += check_production(t, h, work, sizeof work);
    assert_true(h->sni.len < sizeof sni);
    memcpy(sni, h->sni.p ? (const char *)h->sni.p : "", h->sni.len);
    sni[h->sni.len] = '\0';
    bad += check(t, "sni", t->cell[C_SNI], sni);
    return bad;
}

/* Wraps a handshake message into records of at most `split` bytes. */
static uint8_t *to_records(const uint8_t *msg, size_t len, size_t split, size_t *out_len)
{
    size_t nrec = (len + split - 1) / split, i, off = 0, w = 0, n;
    uint8_t *b = malloc(len + 5 * nrec);

    assert_non_null(b);
    for (i = 0; i < nrec; i++, off += n) {
        n = len - off < split ? len - off : split;
        b[w++] = 22;
        b[w++] = 3;
        b[w++] = 1;
        b[w++] = (uint8_t)(n >> 8);
        b[w++] = (uint8_t)n;
        memcpy(b + w, msg + off, n);
        w += n;
    }
    *out_len = w;
    return b;
}

static void test_every_reference_row(void **state)
{
    table_t t;
    tg_hello_t h;
    size_t len, rows = 0;
    uint8_t *msg;
    int bad = 0, rc;

    (void)state;
    table_open(&t);
    while (table_next(&t)) {
        msg = hex_decode(t.cell[C_HEX], &len);
        rc = tg_hello_parse(msg, len, &h);
        if (rc != TG_HELLO_OK) {
            print_error("%s frame %s: parse error %s at offset %zu\n", t.cell[C_PCAP],
                        t.cell[C_FRAME], tg_hello_err_name(rc), h.err_offset);
            bad++;
        } else {
            assert_int_equal(h.msg_len, len);
            bad += check_row(&t, &h);
        }
        free(msg);
        rows++;
    }
    table_close(&t);
    print_message("%zu reference rows checked, %d mismatches\n", rows, bad);
    assert_true(rows > 0);
    assert_int_equal(bad, 0);
}

static void test_every_reference_row_as_records(void **state)
{
    table_t t;
    tg_hello_t h;
    size_t len, rlen, rows = 0;
    uint8_t *msg, *rec, *scratch;
    int bad = 0;

    (void)state;
    table_open(&t);
    while (table_next(&t)) {
        msg = hex_decode(t.cell[C_HEX], &len);
        rec = to_records(msg, len, RECORD_SPLIT, &rlen);
        scratch = malloc(len);
        assert_non_null(scratch);
        assert_int_equal(tg_hello_parse_records(rec, rlen, scratch, len, &h), TG_HELLO_OK);
        assert_int_equal(h.record_version, 0x0301);
        assert_ptr_equal(h.random.p, scratch + 6); /* reassembled, not in place */
        bad += check_row(&t, &h);
        free(scratch);
        free(rec);
        free(msg);
        rows++;
    }
    table_close(&t);
    assert_true(rows > 0);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_reference_row),
        cmocka_unit_test(test_every_reference_row_as_records),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
