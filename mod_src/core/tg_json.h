/*
 * tg_json.h - a JSON writer into a caller buffer with a hard capacity.
 *
 * No allocation, no locale, no stdio. Built for one-line log events that must
 * stay below a byte limit (one atomic write()) and be valid JSON however much
 * had to be left out.
 *
 * Guarantees
 *   - The writer never writes at or beyond buf[cap].
 *   - Room for the closing bracket of every open container is held back at
 *     all times, so tg_json_end_object()/tg_json_end_array() always succeed,
 *     and tg_json_finish() on a balanced document always yields valid JSON.
 *   - Every element is all-or-nothing: a value (or a key with its value)
 *     that does not fit is not written at all; the call returns TG_JSON_EFULL
 *     and the document stays valid. Nothing partial is ever left behind.
 *   - Callers need not check each return: after a refused key, its value is
 *     swallowed; after a refused begin_object/begin_array, everything up to
 *     the matching end call is swallowed. tg_json_truncated() then says that
 *     something was left out.
 *   - Output is valid UTF-8 whatever bytes come in (see strings below).
 *
 * Reserve: tg_json_set_reserve(j, n) keeps n more bytes free, on top of the
 * closing brackets: every element that would leave less is refused. Use it to
 * keep room for fields written last (a "truncated" flag, the trailing
 * newline); lower it again right before writing them.
 *
 * Marks: tg_json_mark() records the writer state between elements and
 * tg_json_rollback() returns to it, dropping everything written since, e.g.
 * an array element made of several values of which one did not fit
 * (tg_json_refused_since() tells). Roll back in LIFO order only (a mark is
 * invalid once an older mark was rolled back to). Taken right after a key,
 * a mark points before that key: rolling back drops the key as well.
 *
 * Strings (keys and values) are written from (bytes, length):
 *   - '"' and '\\' are escaped as \" and \\;
 *   - control bytes 0x00-0x1f use \b \t \n \f \r or \u00XX (lower-case hex),
 *     and DEL (0x7f) is written as \u007f so logs stay printable;
 *   - well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, nothing above
 *     U+10FFFF) is copied unchanged;
 *   - every byte that does not begin a well-formed sequence is replaced by
 *     U+FFFD (bytes EF BF BD) and decoding resumes at the next byte; so a
 *     truncated 3-byte sequence "E2 82" becomes two U+FFFD.
 *
 * Typical use (a 4096-byte line, newline included):
 *
 *   char line[4096];
 *   tg_json_t j;
 *   tg_json_init(&j, line, sizeof line);
 *   tg_json_set_reserve(&j, 20);           // ,"truncated":true + '\n'
 *   tg_json_begin_object(&j);
 *   tg_json_field_str(&j, "reason", "no_shared_cipher");
 *   ...                                    // long lists may get cut
 *   tg_json_set_reserve(&j, 1);            // keep the newline's byte
 *   if (tg_json_truncated(&j))
 *       tg_json_field_bool(&j, "truncated", true);
 *   tg_json_end_object(&j);
 *   long n = tg_json_finish_line(&j);      // appends '\n'; n <= 4096
 */
#ifndef TG_JSON_H
#define TG_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Deepest nesting of objects and arrays. */
#define TG_JSON_MAX_DEPTH 32

/* Return codes. */
#define TG_JSON_OK 0
#define TG_JSON_EFULL (-1)  /* element refused for lack of room */
#define TG_JSON_ESTATE (-2) /* misuse (sticky): e.g. value without key */

typedef struct {
    char *buf;
    size_t cap;        /* hard limit: bytes buf may hold */
    size_t len;        /* bytes written */
    size_t reserve;    /* extra bytes kept free, see tg_json_set_reserve() */
    size_t key_start;  /* len before the pending key and its comma */
    uint32_t obj_bits; /* bit d: container at depth d+1 is an object */
    uint32_t any_bits; /* bit d: container at depth d+1 has an element */
    unsigned depth;    /* open containers in buf */
    unsigned skip;     /* refused containers still open (swallowed) */
    unsigned refused;  /* elements refused so far */
    bool key_pending;  /* a key awaits its value */
    bool skip_value;   /* a key was refused: swallow its value */
    bool done;         /* the top-level value is complete */
    int err;           /* sticky TG_JSON_ESTATE, or TG_JSON_OK */
} tg_json_t;

/* A saved writer state (see Marks above). */
typedef struct {
    tg_json_t state;
} tg_json_mark_t;

void tg_json_init(tg_json_t *j, char *buf, size_t cap);
void tg_json_set_reserve(tg_json_t *j, size_t reserve);

int tg_json_begin_object(tg_json_t *j);
int tg_json_end_object(tg_json_t *j);
int tg_json_begin_array(tg_json_t *j);
int tg_json_end_array(tg_json_t *j);

/* Object member name (never NULL); the next call must write its value. */
int tg_json_key(tg_json_t *j, const char *key); /* NUL-terminated */
int tg_json_key_n(tg_json_t *j, const char *key, size_t len);

/* Values. tg_json_str() writes null for a NULL pointer. */
int tg_json_string(tg_json_t *j, const char *s, size_t len);
int tg_json_str(tg_json_t *j, const char *s);
int tg_json_int(tg_json_t *j, int64_t v);
int tg_json_uint(tg_json_t *j, uint64_t v);
int tg_json_bool(tg_json_t *j, bool v);
int tg_json_null(tg_json_t *j);
/* A string of lower-case hex digits, two per byte. */
int tg_json_hex(tg_json_t *j, const void *data, size_t len);

/*
 * Text the caller vouches for: printable ASCII without '"' or '\\', such as
 * the module's own keys and the names of its tables (test_names holds every
 * table name to that), with its length known. Copied without an escape
 * pass; where the fast path cannot decide (no room, a key pending, ...) the
 * general, escaping path writes it. klen is strlen(key).
 */
int tg_json_plain(tg_json_t *j, const char *s, size_t len);
int tg_json_field_plain(tg_json_t *j, const char *key, size_t klen, const char *s,
                        size_t len);
/* A string literal as (pointer, length) for the calls above. */
#define TG_JSON_LIT(s) (s), (sizeof(s) - 1)

/* Key and value in one call; both or neither are written. */
int tg_json_field_string(tg_json_t *j, const char *key, const char *s,
                         size_t len);
int tg_json_field_str(tg_json_t *j, const char *key, const char *s);
int tg_json_field_int(tg_json_t *j, const char *key, int64_t v);
int tg_json_field_uint(tg_json_t *j, const char *key, uint64_t v);
int tg_json_field_bool(tg_json_t *j, const char *key, bool v);

tg_json_mark_t tg_json_mark(const tg_json_t *j);
void tg_json_rollback(tg_json_t *j, const tg_json_mark_t *m);
/* true if an element was refused after the mark was taken. */
bool tg_json_refused_since(const tg_json_t *j, const tg_json_mark_t *m);

/*
 * Groups: a member whose value is an object or array, dropped whole when
 * nothing fitted inside it, and, when atomic (a small record such as an
 * alert), also when any part of it was refused, so no half record is left.
 */
typedef struct {
    tg_json_mark_t mark;
    size_t inner; /* len right after the opening bracket */
    bool array;
    bool atomic;
} tg_json_group_t;

/* key: plain text, as for tg_json_plain(). */
void tg_json_group_begin(tg_json_t *j, tg_json_group_t *g, const char *key, bool array,
                         bool atomic);
void tg_json_group_end(tg_json_t *j, const tg_json_group_t *g);

/* Budget: lets what is written next use at most `budget` bytes from here on
 * (less when only `tail` bytes would be left for what follows), by raising
 * the reserve; set the reserve back to `tail` afterwards. */
void tg_json_budget(tg_json_t *j, size_t budget, size_t tail);

/* true once any element was refused (lists were cut). */
bool tg_json_truncated(const tg_json_t *j);

/*
 * Length of the finished document (not NUL-terminated), or TG_JSON_ESTATE
 * (misuse, unbalanced, or no top-level value) or TG_JSON_EFULL (the
 * top-level value itself was refused).
 */
long tg_json_finish(const tg_json_t *j);
/* Appends '\n' to a finished document; the length including it, or error. */
long tg_json_finish_line(tg_json_t *j);

#endif /* TG_JSON_H */
