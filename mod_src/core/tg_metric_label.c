/* A configured name as a bounded, UTF-8 label value (see tg_metric_label.h). */
#include "tg_metric_label.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define HASH_LEN 9 /* "~" and 8 hex digits */

/* Length of the well-formed UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        len = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF)
        len = 3;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4)
        len = 4;
    else
        return 0;
    if (n < len)
        return 0;
    if (s[0] == 0xE0)
        lo = 0xA0; /* no overlong */
    else if (s[0] == 0xED)
        hi = 0x9F; /* no surrogate */
    else if (s[0] == 0xF0)
        lo = 0x90; /* no overlong */
    else if (s[0] == 0xF4)
        hi = 0x8F; /* nothing above U+10FFFF */
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = UINT32_C(2166136261);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT32_C(16777619);
    return h;
}

/* Encodes name into out while it fits in room bytes; returns the bytes
 * written, and in *whole whether all of name went in. */
static size_t encode(const unsigned char *s, size_t n, char *out, size_t room, int *whole)
{
    size_t o = 0;

    for (size_t i = 0; i < n;) {
        size_t len = utf8_len(s + i, n - i), need = len ? len : 4;
        if (o + need > room) {
            *whole = 0;
            return o;
        }
        if (len)
            memcpy(out + o, s + i, len);
        else
            snprintf(out + o, 5, "\\x%02x", s[i]);
        o += need;
        i += len ? len : 1;
    }
    *whole = 1;
    return o;
}

size_t tg_metric_label(const char *name, char *out, size_t outlen)
{
    const unsigned char *s = (const unsigned char *)name;
    size_t n = strlen(name), o;
    int whole;

    if (outlen < TG_METRIC_LABEL_MIN) {
        if (outlen)
            out[0] = '\0';
        return 0;
    }
    o = encode(s, n, out, outlen - 1, &whole);
    if (!whole) { /* again, leaving room for the hash */
        o = encode(s, n, out, outlen - 1 - HASH_LEN, &whole);
        snprintf(out + o, HASH_LEN + 1, "~%08x", (unsigned)fnv1a(name));
        o += HASH_LEN;
    }
    out[o] = '\0';
    return o;
}
