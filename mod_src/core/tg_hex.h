/* tg_hex: lower-case hex digits, the one helper the fingerprints, the JSON
 * writer and the name tables share. */
#ifndef TG_HEX_H
#define TG_HEX_H

#include <stddef.h>
#include <stdint.h>

#define TG_HEX_DIGITS "0123456789abcdef"

/* n bytes as 2 * n hex digits at out; no NUL. Returns the end. */
static inline char *tg_hex_bytes(char *out, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        *out++ = TG_HEX_DIGITS[b[i] >> 4];
        *out++ = TG_HEX_DIGITS[b[i] & 15];
    }
    return out;
}

/* A 16-bit value as 4 hex digits at out; no NUL. Returns the end. */
static inline char *tg_hex_u16(char *out, uint16_t v)
{
    out[0] = TG_HEX_DIGITS[v >> 12];
    out[1] = TG_HEX_DIGITS[(v >> 8) & 15];
    out[2] = TG_HEX_DIGITS[(v >> 4) & 15];
    out[3] = TG_HEX_DIGITS[v & 15];
    return out + 4;
}

#endif /* TG_HEX_H */
