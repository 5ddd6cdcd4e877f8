/* The certificate rules of each profile: key types and sizes, curves,
 * lifespan, signature hashes. Data rows with their sources in tg_certrules.c. */
#ifndef TG_CERTRULES_H
#define TG_CERTRULES_H

#include <stddef.h>
#include <stdint.h>

/* Facts about one certificate, as the TLS library read them. */
typedef struct tg_cert_key_t {
    const char *type;      /* "RSA", "EC", "ED25519", ... */
    unsigned bits;         /* key size */
    const char *curve;     /* NIST name ("P-256") or OpenSSL short name; NULL if not EC */
    const char *sig_hash;  /* digest of the signature: "SHA1", "SHA256", ...; NULL: none */
    int64_t not_before;    /* Unix seconds */
    int64_t not_after;
    int self_signed;       /* a trust anchor: its own signature is not checked */
} tg_cert_key_t;

/* One profile's rules. */
typedef struct tg_certrules_t {
    const char *profile;     /* tg_profile_t.name */
    unsigned rsa_min_bits;   /* 0: RSA keys not allowed */
    const char *curves;      /* allowed EC curves, ":"-separated and framed (":P-256:") */
    unsigned max_days;       /* longest lifespan of a leaf certificate; 0: no limit */
    const char *source;
} tg_certrules_t;

/* The rules of a profile, NULL if it has none. */
const tg_certrules_t *tg_certrules_find(const char *profile);

/* One broken rule: a stable id and a sentence. */
typedef struct tg_cert_deviation_t {
    const char *rule;        /* "key_type", "rsa_key_size", "curve", "lifespan",
                                "sha1_signature" */
    char detail[256];
} tg_cert_deviation_t;

/* Checks one certificate (leaf: 1 for the server's own) against rules; writes
 * at most cap deviations, returns how many it found (may exceed cap). */
size_t tg_certrules_check(const tg_certrules_t *rules, const tg_cert_key_t *key, int leaf,
                          tg_cert_deviation_t *out, size_t cap);

#endif
