/*
 * A small ClientHello builder shared by the parser and fingerprint tests.
 * Include after <cmocka.h>; every function is static inline, so a test that
 * uses only some of them stays warning-free. Not a test program itself.
 */
#ifndef TG_TEST_HELLO_BUILDER_H
#define TG_TEST_HELLO_BUILDER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HB_CAP 200000

typedef struct hb_t {
    uint8_t b[HB_CAP];
    size_t len;
    size_t ext_at; /* offset of the extension block length, 0 if none */
} hb_t;

static hb_t hb_store;

static inline void put8(hb_t *m, unsigned v)
{
    assert_true(m->len < HB_CAP);
    m->b[m->len++] = (uint8_t)v;
}

static inline void put16(hb_t *m, unsigned v)
{
    put8(m, v >> 8);
    put8(m, v & 0xff);
}

static inline void putn(hb_t *m, const void *p, size_t n)
{
    assert_true(m->len + n <= HB_CAP);
    memcpy(m->b + m->len, p, n);
    m->len += n;
}

static inline void set16(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void set24(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 16);
    set16(p + 1, v);
}

/* Header, version, random (0x11 * 32), session id, ciphers, null compression. */
static inline hb_t *hb_begin(uint16_t version, const uint16_t *ciphers, size_t n, size_t sid)
{
    hb_t *m = &hb_store;
    size_t i;

    m->len = 0;
    m->ext_at = 0;
    put8(m, 1);
    put8(m, 0);
    put16(m, 0);
    put16(m, version);
    for (i = 0; i < 32; i++)
        put8(m, 0x11);
    put8(m, (unsigned)sid);
    for (i = 0; i < sid; i++)
        put8(m, 0x22);
    put16(m, (unsigned)(2 * n));
    for (i = 0; i < n; i++)
        put16(m, ciphers[i]);
    put8(m, 1);
    put8(m, 0);
    return m;
}

static inline void hb_ext(hb_t *m, uint16_t type, const void *body, size_t len)
{
    if (!m->ext_at) {
        m->ext_at = m->len;
        put16(m, 0);
    }
    put16(m, type);
    put16(m, (unsigned)len);
    putn(m, body, len);
}

/* An extension whose body is one vector (1- or 2-byte length) of 16-bit values. */
static inline void hb_ext_u16(hb_t *m, uint16_t type, unsigned prefix, const uint16_t *v,
                              size_t n)
{
    uint8_t body[1024];
    size_t i, off = 0;

    assert_true(prefix + 2 * n <= sizeof body);
    if (prefix == 2)
        body[off++] = (uint8_t)((2 * n) >> 8);
    body[off++] = (uint8_t)(2 * n);
    for (i = 0; i < n; i++, off += 2)
        set16(body + off, v[i]);
    hb_ext(m, type, body, off);
}

/* server_name with one host_name entry of n bytes. */
static inline void hb_sni(hb_t *m, const char *name, size_t n)
{
    uint8_t body[300];

    assert_true(n + 5 <= sizeof body);
    set16(body, n + 3);
    body[2] = 0;
    set16(body + 3, n);
    memcpy(body + 5, name, n);
    hb_ext(m, 0x0000, body, n + 5);
}

/* ALPN from "\x02h2\x08http/1.1"-style length-prefixed names. */
static inline void hb_alpn(hb_t *m, const void *list, size_t n)
{
    uint8_t body[4096];

    assert_true(n + 2 <= sizeof body);
    set16(body, n);
    memcpy(body + 2, list, n);
    hb_ext(m, 0x0010, body, n + 2);
}

/* key_share with one share of `group` (a one-byte key). */
static inline void hb_key_share(hb_t *m, uint16_t group)
{
    uint8_t body[7];

    set16(body, 5);
    set16(body + 2, group);
    set16(body + 4, 1);
    body[6] = 0x42;
    hb_ext(m, 0x0033, body, sizeof body);
}

/* Fills in the extension block and handshake lengths; returns the size. */
static inline size_t hb_end(hb_t *m)
{
    if (m->ext_at)
        set16(m->b + m->ext_at, m->len - m->ext_at - 2);
    set24(m->b + 1, m->len - 4);
    return m->len;
}

/* Exact-size heap copy so AddressSanitizer catches any over-read. */
static inline uint8_t *dup_exact(const uint8_t *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);

    assert_non_null(c);
    memcpy(c, p, n);
    return c;
}

#endif /* TG_TEST_HELLO_BUILDER_H */
