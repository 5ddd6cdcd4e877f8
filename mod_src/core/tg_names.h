/*
 * tg_names.h - names for the numbers TLS puts on the wire (IANA registries).
 *
 * Tables, each sorted by code, with binary-search lookup by code and a linear
 * (configuration-time) lookup by name:
 *
 *   kind                 code   iana name             openssl spelling   alias
 *   TG_NAMES_CIPHER      16 bit TLS_ECDHE_RSA_WITH_.. ECDHE-RSA-AES128.. -
 *   TG_NAMES_GROUP       16 bit secp256r1             prime256v1         P-256
 *   TG_NAMES_SIGALG      16 bit rsa_pss_rsae_sha256   -                  -
 *   TG_NAMES_EXT         16 bit server_name           -                  -
 *   TG_NAMES_ALERT        8 bit handshake_failure     -                  -
 *   TG_NAMES_HANDSHAKE    8 bit client_hello          -                  -
 *   TG_NAMES_CONTENT      8 bit handshake             -                  -
 *
 * Protocol versions have their own table (tg_version_t) because they carry
 * three spellings: OpenSSL's ("TLSv1.2"), ECS tls.version ("1.2") and ECS
 * tls.version_protocol ("tls").
 *
 * Sources: the IANA "Transport Layer Security (TLS) Parameters" and "TLS
 * Extensions" registries (cipher suites, supported groups, signature schemes,
 * extension types, alerts, handshake and content types). OpenSSL spellings of
 * cipher suites come from OpenSSL 3.0's tls1.h/ssl3.h and are checked in
 * tests/unit/test_names.c against `openssl ciphers` on the build host. A few
 * code points that real clients send but IANA never assigned are included and
 * marked as such in tg_names.c (NPN, ALPS, Channel ID, TLS 1.2 hash/signature
 * pairs that TLS 1.3 reserved, the post-quantum Kyber draft group).
 *
 * Name lookups compare ASCII case-insensitively and accept the IANA name,
 * the OpenSSL spelling and the alias. They return -1 for an unknown name.
 *
 * GREASE values (RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa) are not table entries:
 * entry lookups return NULL for them, while the string lookups
 * (tg_names_name() and the per-kind wrappers) return "GREASE" for ciphers,
 * groups, signature schemes, extensions and versions.
 *
 * Unknown codes: every lookup returns NULL; tg_names_hex() formats the code as
 * "0x%04x" into a caller buffer and tg_names_or_hex() does both in one call.
 *
 * All returned strings are static; nothing allocates; all functions are
 * thread-safe.
 */
#ifndef TG_NAMES_H
#define TG_NAMES_H

#include <stddef.h>
#include <stdint.h>

/* The name every GREASE value maps to. */
#define TG_NAMES_GREASE "GREASE"
/* Buffer size that always holds tg_names_hex() output plus its NUL. */
#define TG_NAMES_HEX_MAX 7

typedef enum {
    TG_NAMES_CIPHER = 0,
    TG_NAMES_GROUP,
    TG_NAMES_SIGALG,
    TG_NAMES_EXT,
    TG_NAMES_ALERT,
    TG_NAMES_HANDSHAKE,
    TG_NAMES_CONTENT,
    TG_NAMES_KIND_COUNT
} tg_names_kind_t;

/* One registry entry. Fields other than code and iana may be NULL. */
typedef struct {
    uint16_t code;
    const char *iana;    /* registry name, e.g. "TLS_AES_128_GCM_SHA256" */
    const char *openssl; /* OpenSSL's spelling where it has one */
    const char *alias;   /* one more accepted spelling, e.g. "P-256" */
} tg_name_t;

/* One protocol version. */
typedef struct {
    uint16_t code;        /* wire value, e.g. 0x0303 */
    const char *openssl;  /* "TLSv1.2", as SSL_get_version() prints it */
    const char *ecs;      /* ECS tls.version: "1.2" */
    const char *protocol; /* ECS tls.version_protocol: "tls", "ssl", "dtls" */
} tg_version_t;

/* ---- generic access ---------------------------------------------------- */

/* The table of one kind (sorted by code) and its entry count in *count. */
const tg_name_t *tg_names_table(tg_names_kind_t kind, size_t *count);
/* The entry for code, or NULL (unknown code, GREASE, bad kind). */
const tg_name_t *tg_names_find(tg_names_kind_t kind, uint16_t code);
/* The IANA name, "GREASE" where that applies, or NULL. */
const char *tg_names_name(tg_names_kind_t kind, uint16_t code);
/* The code for an IANA name, OpenSSL spelling or alias; -1 when unknown. */
int tg_names_code(tg_names_kind_t kind, const char *name);

/* Writes "0x%04x" (lower case) into buf; returns buf, or "" if cap < 7. */
const char *tg_names_hex(uint16_t code, char *buf, size_t cap);
/* tg_names_name(), falling back to tg_names_hex() for unknown codes. */
const char *tg_names_or_hex(tg_names_kind_t kind, uint16_t code, char *buf,
                            size_t cap);


/* ---- per-kind shorthands ----------------------------------------------- */

/* Cipher suites: the entry (iana + openssl), or NULL. */
const tg_name_t *tg_names_cipher(uint16_t code);
const char *tg_names_cipher_iana(uint16_t code);    /* or "GREASE"/NULL */
const char *tg_names_cipher_openssl(uint16_t code); /* NULL when none */
int tg_names_cipher_code(const char *name);

/* Supported groups: IANA name ("x25519"), or "GREASE"/NULL. */
const char *tg_names_group(uint16_t code);
const char *tg_names_group_openssl(uint16_t code); /* "X25519"; NULL if none */
int tg_names_group_code(const char *name);

/* Signature schemes. */
const char *tg_names_sigalg(uint16_t code);
int tg_names_sigalg_code(const char *name);

/* Extension types. */
const char *tg_names_ext(uint16_t code);
int tg_names_ext_code(const char *name);

/* Alert descriptions (0..255) and levels (1 warning, 2 fatal). */
const char *tg_names_alert(uint8_t code);
int tg_names_alert_code(const char *name);
const char *tg_names_alert_level(uint8_t level);

/* Handshake message types and record content types. */
const char *tg_names_handshake(uint8_t type);
int tg_names_handshake_code(const char *name);
const char *tg_names_content(uint8_t type);

/* ---- protocol versions ------------------------------------------------- */

const tg_version_t *tg_names_versions(size_t *count);
const tg_version_t *tg_names_version_find(uint16_t code);
/* "TLSv1.2"; "GREASE" for GREASE values; NULL when unknown. */
const char *tg_names_version(uint16_t code);
/* "1.2" (ECS tls.version); NULL when unknown or GREASE. */
const char *tg_names_version_ecs(uint16_t code);
/* "tls" (ECS tls.version_protocol); NULL when unknown or GREASE. */
const char *tg_names_version_protocol(uint16_t code);
/*
 * Code for "SSLv2", "SSLv3", "TLSv1", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3",
 * "DTLSv1", "DTLSv1.0", "DTLSv1.2", "DTLSv1.3" (case-insensitive); -1 else.
 */
int tg_names_version_code(const char *name);

#endif /* TG_NAMES_H */
