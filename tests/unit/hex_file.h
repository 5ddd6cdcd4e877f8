/*
 * Hex test data shared by the unit tests: a TSV cell of hex digits, and a
 * capture file ('#' comment lines, then the bytes in hex over any number of
 * lines). Include after <cmocka.h>; static inline, so a test that uses one
 * of them stays warning-free.
 */
#ifndef TG_TEST_HEX_FILE_H
#define TG_TEST_HEX_FILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Appends the bytes of the hex digits in s to out[*n..cap); white space
 * between them is skipped, anything else fails the test. *hi carries a
 * half byte from one call to the next. */
static inline void hex_append(const char *s, uint8_t *out, size_t cap, size_t *n, int *hi)
{
    for (; *s; s++) {
        int v = hex_digit((unsigned char)*s);

        if (v < 0) {
            assert_non_null(strchr(" \t\r\n", *s));
            continue;
        }
        if (*hi < 0) {
            *hi = v;
            continue;
        }
        assert_true(*n < cap);
        out[(*n)++] = (uint8_t)(*hi << 4 | v);
        *hi = -1;
    }
}

/* A hex string (a TSV cell) as a heap block of exactly its bytes. */
static inline uint8_t *hex_decode(const char *s, size_t *len)
{
    size_t cap = strlen(s) / 2;
    uint8_t *b = malloc(cap ? cap : 1);
    int hi = -1;

    assert_non_null(b);
    *len = 0;
    hex_append(s, b, cap, len, &hi);
    assert_int_equal(hi, -1);
    return b;
}

/* A capture file into out[0..cap); returns the byte count. */
static inline size_t hex_file_read(const char *path, uint8_t *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    size_t n = 0;
    int hi = -1;

    if (!f)
        fail_msg("capture '%s' is missing", path);
    while (fgets(line, sizeof line, f)) {
        if (line[0] != '#')
            hex_append(line, out, cap, &n, &hi);
    }
    fclose(f);
    assert_int_equal(hi, -1);
    return n;
}

#endif /* TG_TEST_HEX_FILE_H */
