/*
 * fuzz_json.c - libFuzzer target for the bounded JSON writer.
 *
 * The input is a small program: a capacity, a reserve, then operations
 * (open/close containers, keys, strings of raw fuzz bytes, numbers, hex,
 * marks and rollbacks, reserve changes). A shadow of the nesting keeps the
 * call sequence legal, so any TG_JSON_ESTATE is a writer bug. Checks:
 *   - nothing is written at or past the capacity (the buffer is exactly
 *     cap bytes on the heap, so ASan sees any overrun);
 *   - a finished document is valid JSON and valid UTF-8, within the cap;
 *   - a document that was not truncated equals the same program's output
 *     with unlimited room;
 *   - only a refused top-level value makes tg_json_finish() fail.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Imod_src/core \
 *     tests/fuzz/fuzz_json.c mod_src/core/tg_json.c -o fuzz_json
 *   ./fuzz_json tests/data/fuzz-json/
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tg_json.h"

#define CHECK(cond)       \
    do {                  \
        if (!(cond))      \
            abort();      \
    } while (0)

#define MAX_MARKS 8
#define BIG_CAP (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- validator: RFC 8259 grammar, RFC 3629 UTF-8 ----------------------- */

typedef struct {
    const uint8_t *p, *end;
    int depth;
} val_t;

static int v_value(val_t *v);

static int v_utf8(val_t *v)
{
    const uint8_t *s = v->p;
    size_t avail = (size_t)(v->end - s), len;
    uint8_t lo = 0x80, hi = 0xbf;

    if (s[0] < 0x80) {
        v->p++;
        return 1;
    }
    if (s[0] < 0xc2 || s[0] > 0xf4)
        return 0;
    len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
    lo = s[0] == 0xe0 ? 0xa0 : s[0] == 0xf0 ? 0x90 : 0x80;
    hi = s[0] == 0xed ? 0x9f : s[0] == 0xf4 ? 0x8f : 0xbf;
    if (avail < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
    }
    v->p += len;
    return 1;
}

static int is_hex(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (c >= 'A' && c <= 'F');
}

static int v_string(val_t *v)
{
    if (v->p >= v->end || *v->p++ != '"')
        return 0;
    while (v->p < v->end && *v->p != '"') {
        if (*v->p < 0x20)
            return 0;
        if (*v->p != '\\') {
            if (!v_utf8(v))
                return 0;
            continue;
        }
        if (++v->p >= v->end)
            return 0;
        if (*v->p == 'u') {
            for (int i = 0; i < 4; i++) {
                if (++v->p >= v->end || !is_hex(*v->p))
                    return 0;
            }
        } else if (memchr("\"\\/bfnrt", *v->p, 8) == NULL) {
            return 0;
        }
        v->p++;
    }
    if (v->p >= v->end)
        return 0;
    v->p++;
    return 1;
}

static int v_number(val_t *v)
{
    const uint8_t *s;

    if (v->p < v->end && *v->p == '-')
        v->p++;
    if (v->p < v->end && *v->p == '0') {
        v->p++;
        return 1; /* the writer emits integers only */
    }
    s = v->p;
    while (v->p < v->end && *v->p >= '0' && *v->p <= '9')
        v->p++;
    return v->p > s;
}

static int v_lit(val_t *v, const char *lit, size_t n)
{
    if ((size_t)(v->end - v->p) < n || memcmp(v->p, lit, n) != 0)
        return 0;
    v->p += n;
    return 1;
}

static int v_container(val_t *v, uint8_t close, int object)
{
    if (++v->depth > TG_JSON_MAX_DEPTH)
        return 0;
    v->p++;
    if (v->p < v->end && *v->p == close) {
        v->p++;
        v->depth--;
        return 1;
    }
    for (;;) {
        if (object && (!v_string(v) || v->p >= v->end || *v->p++ != ':'))
            return 0;
        if (!v_value(v) || v->p >= v->end)
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
    if (v->p >= v->end)
        return 0;
    switch (*v->p) {
    case '{': return v_container(v, '}', 1);
    case '[': return v_container(v, ']', 0);
    case '"': return v_string(v);
    case 't': return v_lit(v, "true", 4);
    case 'f': return v_lit(v, "false", 5);
    case 'n': return v_lit(v, "null", 4);
    default: return v_number(v);
    }
}

/* The writer emits no whitespace, so none is accepted. */
static int json_valid(const char *s, size_t n)
{
    val_t v = {(const uint8_t *)s, (const uint8_t *)s + n, 0};

    return v_value(&v) && v.p == v.end;
}

/* ---- the program ------------------------------------------------------- */

/* Call-level model of the nesting, to keep calls legal. */
typedef struct {
    uint8_t kind[TG_JSON_MAX_DEPTH]; /* 1 object, 2 array */
    unsigned depth;
    int key_pending;
    int done;
} shadow_t;

typedef struct {
    const uint8_t *p, *end;
} input_t;

static uint8_t next_byte(input_t *in)
{
    return in->p < in->end ? *in->p++ : 0;
}

/* A length byte then that many bytes (fewer at the end of input). */
static const char *next_bytes(input_t *in, size_t *n)
{
    size_t want = next_byte(in), avail = (size_t)(in->end - in->p);
    const char *s = (const char *)in->p;

    *n = want < avail ? want : avail;
    in->p += *n;
    return s;
}

static uint64_t next_u64(input_t *in)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++)
        v = (v << 8) | next_byte(in);
    return v;
}

static int in_object(const shadow_t *s)
{
    return s->depth > 0 && s->kind[s->depth - 1] == 1;
}

/* Makes a value legal here: supplies a key inside objects. */
static int value_slot(tg_json_t *j, shadow_t *s)
{
    if (s->depth == 0 && s->done)
        return 0;
    if (in_object(s) && !s->key_pending)
        CHECK(tg_json_key(j, "k") != TG_JSON_ESTATE);
    s->key_pending = 0;
    if (s->depth == 0)
        s->done = 1;
    return 1;
}

static void open_container(tg_json_t *j, shadow_t *s, int object)
{
    if (s->depth >= TG_JSON_MAX_DEPTH || !value_slot(j, s))
        return;
    s->done = 0;
    s->kind[s->depth++] = object ? 1 : 2;
    CHECK((object ? tg_json_begin_object(j) : tg_json_begin_array(j)) !=
          TG_JSON_ESTATE);
}

static void close_container(tg_json_t *j, shadow_t *s)
{
    int object;

    if (s->depth == 0)
        return;
    if (s->key_pending)
        CHECK(tg_json_null(j) != TG_JSON_ESTATE);
    s->key_pending = 0;
    object = s->kind[--s->depth] == 1;
    if (s->depth == 0)
        s->done = 1;
    CHECK((object ? tg_json_end_object(j) : tg_json_end_array(j)) !=
          TG_JSON_ESTATE);
}

typedef struct {
    tg_json_mark_t mark;
    shadow_t shadow;
} saved_t;

typedef struct {
    saved_t marks[MAX_MARKS];
    unsigned count;
} mark_stack_t;

static void push_mark(const tg_json_t *j, const shadow_t *s, mark_stack_t *m)
{
    if (m->count == MAX_MARKS)
        return;
    m->marks[m->count].mark = tg_json_mark(j);
    m->marks[m->count].shadow = *s;
    /* a mark taken after a key points before it */
    m->marks[m->count].shadow.key_pending = 0;
    m->count++;
}

static void pop_mark(tg_json_t *j, shadow_t *s, mark_stack_t *m, int always)
{
    saved_t *top;

    if (m->count == 0)
        return;
    top = &m->marks[--m->count];
    if (always || tg_json_refused_since(j, &top->mark)) {
        tg_json_rollback(j, &top->mark);
        *s = top->shadow;
    }
}

static void scalar_op(tg_json_t *j, shadow_t *s, uint8_t op, input_t *in)
{
    const char *bytes;
    size_t n;
    int rc;

    switch (op) {
    case 5: case 10: bytes = next_bytes(in, &n); break;
    case 6: case 7: n = (size_t)next_u64(in); bytes = NULL; break;
    default: n = next_byte(in); bytes = NULL; break;
    }
    if (!value_slot(j, s))
        return;
    switch (op) {
    case 5: rc = tg_json_string(j, bytes, n); break;
    case 6: rc = tg_json_int(j, (int64_t)n); break;
    case 7: rc = tg_json_uint(j, (uint64_t)n); break;
    case 8: rc = tg_json_bool(j, n & 1); break;
    case 9: rc = tg_json_null(j); break;
    default: rc = tg_json_hex(j, bytes, n); break;
    }
    CHECK(rc != TG_JSON_ESTATE);
}

static void key_op(tg_json_t *j, shadow_t *s, input_t *in)
{
    size_t n;
    const char *key = next_bytes(in, &n);

    if (!in_object(s) || s->key_pending)
        return;
    CHECK(tg_json_key_n(j, key, n) != TG_JSON_ESTATE);
    s->key_pending = 1;
}

static void field_op(tg_json_t *j, shadow_t *s, input_t *in)
{
    size_t kn, vn;
    const char *key = next_bytes(in, &kn), *val = next_bytes(in, &vn);
    char k[256];

    if (!in_object(s) || s->key_pending)
        return;
    memcpy(k, key, kn); /* the field helpers take a NUL-terminated key */
    k[kn] = '\0';
    CHECK(tg_json_field_string(j, k, val, vn) != TG_JSON_ESTATE);
}

static void run(tg_json_t *j, input_t in)
{
    shadow_t s = {{0}, 0, 0, 0};
    mark_stack_t marks = {.count = 0};

    while (in.p < in.end) {
        uint8_t op = next_byte(&in) % 16;

        switch (op) {
        case 0: open_container(j, &s, 1); break;
        case 1: close_container(j, &s); break;
        case 2: open_container(j, &s, 0); break;
        case 3: close_container(j, &s); break;
        case 4: key_op(j, &s, &in); break;
        case 11: push_mark(j, &s, &marks); break;
        case 12: pop_mark(j, &s, &marks, 1); break;
        case 13: tg_json_set_reserve(j, next_byte(&in)); break;
        case 14: field_op(j, &s, &in); break;
        case 15: pop_mark(j, &s, &marks, 0); break;
        default: scalar_op(j, &s, op, &in); break;
        }
    }
    while (s.depth > 0)
        close_container(j, &s);
    CHECK(j->err == TG_JSON_OK); /* every call was legal */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char big[BIG_CAP];
    input_t in = {data, data + size};
    size_t cap = ((size_t)next_byte(&in) << 8 | next_byte(&in)) % 4200;
    uint8_t flags = next_byte(&in);
    char *buf = malloc(cap > 0 ? cap : 1);
    tg_json_t j, ref;
    long n, want;

    CHECK(buf != NULL);
    tg_json_init(&j, buf, cap);
    tg_json_set_reserve(&j, flags & 0x1f);
    run(&j, in);
    n = tg_json_finish(&j);
    /* ESTATE only when no top-level value was written (or kept) */
    CHECK(n != TG_JSON_ESTATE || !j.done);
    if (n == TG_JSON_EFULL)
        CHECK(tg_json_truncated(&j));
    if (n >= 0) {
        CHECK((size_t)n <= cap);
        CHECK(json_valid(buf, (size_t)n));
        if (!tg_json_truncated(&j)) {
            tg_json_init(&ref, big, sizeof big);
            tg_json_set_reserve(&ref, flags & 0x1f);
            run(&ref, in);
            want = tg_json_finish(&ref);
            CHECK(want == n && memcmp(big, buf, (size_t)n) == 0);
        }
    }
    if (n >= 0 && (flags & 0x80)) {
        long line = tg_json_finish_line(&j);

        if ((size_t)n < cap)
            CHECK(line == n + 1 && buf[n] == '\n');
        else
            CHECK(line == TG_JSON_EFULL);
    }
    free(buf);
    return 0;
}
