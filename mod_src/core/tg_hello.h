/*
 * tg_hello: a bounded, allocation-free, zero-copy ClientHello parser.
 *
 * The parser fills a tg_hello_t with views (pointer + length) into the
 * caller's bytes; nothing is copied except by tg_hello_parse_records(), and
 * only when the hello spans several records. Views stay valid as long as the
 * input (or the scratch buffer) does.
 *
 * Strict on structure (every length must fit its container exactly), lenient
 * on semantics the fingerprints still need to describe: an empty cipher list,
 * an empty ALPN name or an empty supported_versions list parse fine.
 */
#ifndef TG_HELLO_H
#define TG_HELLO_H

#include <stddef.h>
#include <stdint.h>

/* A read-only window into caller-owned bytes. */
typedef struct tg_view_t {
    const uint8_t *p;
    size_t len;
} tg_view_t;

/* Result codes of tg_hello_parse() and tg_hello_parse_records(). */
typedef enum tg_hello_err_t {
    TG_HELLO_OK = 0,
    TG_HELLO_TRUNCATED,           /* input ends before the announced message or record */
    TG_HELLO_NOT_HANDSHAKE,       /* first record is not a handshake record (22) */
    TG_HELLO_NOT_CLIENT_HELLO,    /* handshake type is not client_hello (1) */
    TG_HELLO_BAD_RECORD,          /* record length 0 or > 2^14, bad version, interleaved type */
    TG_HELLO_BAD_LENGTH,          /* a length field disagrees with its container */
    TG_HELLO_ODD_LIST,            /* a list of 16-bit values has an odd byte length */
    TG_HELLO_BAD_EXTENSION,       /* a located extension's body is malformed */
    TG_HELLO_DUPLICATE_EXTENSION, /* the same extension type twice (RFC 8446 §4.2) */
    TG_HELLO_TOO_LARGE,           /* the reassembled hello does not fit the scratch buffer */
    TG_HELLO_INVALID_ARG,         /* NULL where a pointer is required */
    TG_HELLO_ERR_COUNT
} tg_hello_err_t;

/* Extension types the parser locates (IANA TLS ExtensionType values). */
enum {
    TG_HELLO_EXT_SERVER_NAME = 0x0000,
    TG_HELLO_EXT_SUPPORTED_GROUPS = 0x000a,
    TG_HELLO_EXT_EC_POINT_FORMATS = 0x000b,
    TG_HELLO_EXT_SIGNATURE_ALGORITHMS = 0x000d,
    TG_HELLO_EXT_ALPN = 0x0010,
    TG_HELLO_EXT_SUPPORTED_VERSIONS = 0x002b,
    TG_HELLO_EXT_PSK_KEY_EXCHANGE_MODES = 0x002d,
    TG_HELLO_EXT_KEY_SHARE = 0x0033
};

/* Bits of tg_hello_t.seen: which located extensions were present and valid. */
enum {
    TG_HELLO_SEEN_SERVER_NAME = 1u << 0,
    TG_HELLO_SEEN_SUPPORTED_GROUPS = 1u << 1,
    TG_HELLO_SEEN_EC_POINT_FORMATS = 1u << 2,
    TG_HELLO_SEEN_SIGNATURE_ALGORITHMS = 1u << 3,
    TG_HELLO_SEEN_ALPN = 1u << 4,
    TG_HELLO_SEEN_SUPPORTED_VERSIONS = 1u << 5,
    TG_HELLO_SEEN_PSK_KEY_EXCHANGE_MODES = 1u << 6,
    TG_HELLO_SEEN_KEY_SHARE = 1u << 7
};

#define TG_HELLO_MAX_EXT 64        /* extension types kept in order */
#define TG_HELLO_MAX_KEY_SHARES 16 /* key_share groups kept in order */
#define TG_HELLO_RANDOM_LEN 32
#define TG_HELLO_MAX_RECORD 16384  /* largest plaintext record (RFC 8446 §5.1) */

typedef struct tg_hello_t {
    size_t msg_len;           /* bytes of the handshake message: 4 + body */
    size_t err_offset;        /* on error: offset in the message where it was found */
    uint16_t record_version;  /* first record's version (records entry only), else 0 */
    uint16_t legacy_version;  /* ClientHello.legacy_version, e.g. 0x0303 */
    tg_view_t random;         /* 32 bytes */
    tg_view_t session_id;     /* 0..32 bytes */
    tg_view_t ciphers;        /* cipher_suites, 2 bytes each (tg_u16_*) */
    tg_view_t compression;    /* compression_methods, 1 byte each */

    int has_extensions;       /* the extensions block exists (it may be empty) */
    tg_view_t extensions;     /* raw block after its length; on error cut to the
                                 extensions parsed before the faulty one */
    size_t ext_total;         /* extensions parsed, GREASE included */
    size_t ext_n;             /* entries in ext_types: min(ext_total, MAX_EXT) */
    int ext_overflow;         /* more than TG_HELLO_MAX_EXT extensions */
    uint16_t ext_types[TG_HELLO_MAX_EXT]; /* wire order, GREASE included */

    uint32_t seen;            /* TG_HELLO_SEEN_* bits */
    int has_sni;              /* a host_name entry was found */
    tg_view_t sni;            /* first host_name (not NUL-terminated) */
    tg_view_t versions;       /* supported_versions, 16-bit list */
    tg_view_t groups;         /* supported_groups, 16-bit list */
    tg_view_t sigalgs;        /* signature_algorithms, 16-bit list */
    tg_view_t alpn;           /* raw protocol_name_list (after its 2-byte length) */
    tg_view_t alpn_first;     /* first ProtocolName; len 0 if none or empty */
    tg_view_t key_share;      /* raw client_shares (after its 2-byte length) */
    size_t key_share_n;       /* groups stored in key_share_groups */
    int key_share_overflow;   /* more than TG_HELLO_MAX_KEY_SHARES shares */
    uint16_t key_share_groups[TG_HELLO_MAX_KEY_SHARES];
    tg_view_t psk_modes;      /* psk_key_exchange_modes, 1 byte each */
    tg_view_t ec_point_formats; /* ec_point_formats, 1 byte each */
} tg_hello_t;

/* Walks a raw extension block; see tg_hello_ext_first(). */
typedef struct tg_ext_iter_t {
    tg_view_t block;
    size_t off;
} tg_ext_iter_t;

/*
 * Parses one handshake message as OpenSSL's message callback hands it over:
 * type 0x01, 3-byte length, body, no record header. Bytes after the message
 * are ignored (h->msg_len says how many were used). Returns a tg_hello_err_t;
 * on error h still describes everything parsed before the fault.
 */
int tg_hello_parse(const uint8_t *msg, size_t len, tg_hello_t *h);

/*
 * Parses a ClientHello from raw TLS records (content type 22) as read from the
 * socket. A hello inside the first record is parsed in place; one spread over
 * several records is reassembled into scratch (TG_HELLO_TOO_LARGE if it does
 * not fit). Views then point into data or into scratch.
 */
int tg_hello_parse_records(const uint8_t *data, size_t len, uint8_t *scratch,
                           size_t scratch_len, tg_hello_t *h);

/* Stable lower-case name of a tg_hello_err_t ("truncated"...), never NULL. */
const char *tg_hello_err_name(int err);

/* Starts walking h->extensions; tg_hello_ext_next() yields each extension. */
void tg_hello_ext_first(const tg_hello_t *h, tg_ext_iter_t *it);
int tg_hello_ext_next(tg_ext_iter_t *it, uint16_t *type, tg_view_t *body);

/* Extension types in wire order, GREASE included: the stored ext_types,
 * or, past TG_HELLO_MAX_EXT of them, the block itself. */
typedef struct tg_ext_types_t {
    const tg_hello_t *h;
    size_t i;
    tg_ext_iter_t it;
} tg_ext_types_t;

void tg_hello_types_first(const tg_hello_t *h, tg_ext_types_t *t);
int tg_hello_types_next(tg_ext_types_t *t, uint16_t *type);

/* Finds the body of extension `type`; returns 1 if present, else 0. */
int tg_hello_find_ext(const tg_hello_t *h, uint16_t type, tg_view_t *body);

/* GREASE values of RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa. */
static inline int tg_is_grease(uint16_t v)
{
    return (v & 0x0f0fu) == 0x0a0au && (v >> 8) == (v & 0xffu);
}

/* 16-bit big-endian lists (ciphers, groups, sigalgs, versions). */
static inline size_t tg_u16_count(tg_view_t v)
{
    return v.len / 2;
}

static inline uint16_t tg_u16_at(tg_view_t v, size_t i)
{
    return (uint16_t)((unsigned)v.p[2 * i] << 8 | v.p[2 * i + 1]);
}

#endif /* TG_HELLO_H */
