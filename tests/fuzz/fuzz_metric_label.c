/*
 * fuzz_metric_label.c - libFuzzer target for the metric label encoder.
 *
 * Any bytes as a name: no crash, no overrun; the label is NUL-terminated
 * within the slot, well-formed UTF-8 (what a Prometheus scraper insists
 * on), the same when encoded again, and a name that fits unchanged is kept
 * as it is.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tg_metric_label.h"

#define CHECK(cond)       \
    do {                  \
        if (!(cond))      \
            abort();      \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An independent, plain check of RFC 3629 well-formedness. */
static int valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        if ((s[i] & 0xE0) == 0xC0)
            len = 2, cp = s[i] & 0x1F;
        else if ((s[i] & 0xF0) == 0xE0)
            len = 3, cp = s[i] & 0x0F;
        else if ((s[i] & 0xF8) == 0xF0)
            len = 4, cp = s[i] & 0x07;
        else
            return 0;
        if (i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)
            || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char name[600], out[128], again[128];
    size_t slot = 16 + (size ? data[0] % 113 : 0), n;

    if (size >= sizeof(name))
        size = sizeof(name) - 1;
    memcpy(name, data, size);
    name[size] = '\0';
    memset(out, 0x5a, sizeof(out));
    n = tg_metric_label(name, out, slot);
    CHECK(n < slot && out[n] == '\0' && strlen(out) == n);
    for (size_t i = slot; i < sizeof(out); i++)
        CHECK(out[i] == 0x5a); /* nothing past the slot */
    CHECK(valid_utf8((const unsigned char *)out, n));
    CHECK(tg_metric_label(name, again, slot) == n && strcmp(out, again) == 0);
    if (strlen(name) < slot && valid_utf8((const unsigned char *)name, strlen(name)))
        CHECK(strcmp(out, name) == 0);
    return 0;
}
