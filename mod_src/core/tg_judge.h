/*
 * tg_judge: would this ClientHello fail under that policy, and why?
 *
 * Report-only mode and TLSGuardReportProfile judge the hello the observer
 * already parsed against a policy that is not (or not yet) enforced, and
 * must give the reason enforcement would give. So the judge walks the
 * server's decisions in the order OpenSSL 3.0 takes them
 * (tls_early_post_process_client_hello, then tls_post_process_client_hello):
 *
 *   J11 pre_shared_key, if sent, is the last extension     malformed_hello
 *   J01 version: supported_versions, else legacy_version   protocol_version
 *   J02 TLS_FALLBACK_SCSV below the highest enabled version inappropriate_fallback
 *   J03 TLS 1.3: a suite in both lists                      no_shared_cipher
 *   J04 null compression offered                            malformed_hello
 *   J10 no empty signature_algorithms, supported_groups,
 *       signature_algorithms_cert or (TLS <= 1.2)
 *       ec_point_formats                                  malformed_hello
 *   J05 TLS 1.3: signature_algorithms present               malformed_hello
 *   J06 TLS 1.3: a key share of an allowed group, else a
 *       HelloRetryRequest for a group of supported_groups   no_shared_group
 *   J12 TLS 1.3: pre_shared_key with psk_key_exchange_modes malformed_hello
 *   J07 the signature algorithms share one with ours        no_shared_sigalg
 *   J08 TLS <= 1.2: a cipher of the version whose key
 *       exchange (ECDHE: a shared group) and authentication
 *       (a certificate that can sign for it) fit            no_shared_cipher
 *   J09 a signature algorithm the certificate can produce,
 *       of a certificate signature_algorithms_cert allows  no_shared_sigalg
 *
 * The policy comes in resolved against the TLS library (its cipher list
 * with each cipher's key exchange, authentication and versions, its groups,
 * its signature algorithms at the security level), read once at start-up;
 * the certificates as key types and the ECDSA curve. Nothing allocates; a
 * judgement costs a few list walks.
 *
 * What the judge cannot know (a client certificate, the ALPN choice, the
 * SNI decision, resumption) is left to the handshake: see docs/events.md.
 */
#ifndef TG_JUDGE_H
#define TG_JUDGE_H

#include <stddef.h>
#include <stdint.h>

#include "tg_classify.h"
#include "tg_hello.h"
#include "tg_policy.h"

#define TG_JUDGE_MAX_CIPHERS 160 /* every TLS <= 1.2 cipher OpenSSL 3.0 has */
#define TG_JUDGE_MAX_SUITES 8
#define TG_JUDGE_MAX_SIGALGS 48

/* Key exchange and authentication of a TLS <= 1.2 cipher. */
typedef enum tg_judge_kx_t {
    TG_KX_OTHER = 0, /* PSK, SRP, static DH...: never chosen by this server */
    TG_KX_RSA,
    TG_KX_ECDHE,
    TG_KX_DHE,
} tg_judge_kx_t;

typedef enum tg_judge_auth_t {
    TG_AUTH_OTHER = 0,
    TG_AUTH_RSA,
    TG_AUTH_ECDSA,
    TG_AUTH_NULL, /* anonymous */
} tg_judge_auth_t;

typedef struct tg_judge_cipher_t {
    uint16_t code;        /* IANA */
    uint16_t min_version; /* lowest protocol version that may use it */
    uint8_t kx;           /* tg_judge_kx_t */
    uint8_t auth;         /* tg_judge_auth_t */
} tg_judge_cipher_t;

/* A policy as the TLS library would enforce it on one virtual host. */
typedef struct tg_judge_policy_t {
    const char *name;          /* profile name, for events */
    uint16_t min_version;      /* after the vhost's own SSLProtocol */
    uint16_t max_version;
    tg_judge_cipher_t ciphers[TG_JUDGE_MAX_CIPHERS]; /* TLS <= 1.2, server order */
    size_t cipher_n;
    uint16_t suites[TG_JUDGE_MAX_SUITES]; /* TLS 1.3 */
    size_t suite_n;
    uint16_t groups[TG_POLICY_MAX_GROUPS]; /* the ones the library has, in order */
    size_t group_n;
    uint16_t sigalgs[TG_JUDGE_MAX_SIGALGS]; /* the server's, allowed at its level */
    size_t sigalg_n;
    int seclevel;
    int server_preference;     /* the server's cipher order wins */
    int dhe;                   /* DHE parameters are available (automatic) */
} tg_judge_policy_t;

/* How a certificate is signed by its issuer, for the client's
 * signature_algorithms_cert: the signature's key type and digest size. */
typedef enum tg_judge_certsig_t {
    TG_CERTSIG_UNKNOWN = 0, /* matches nothing the client may list */
    TG_CERTSIG_RSA_PKCS1,
    TG_CERTSIG_RSA_PSS,
    TG_CERTSIG_ECDSA,
    TG_CERTSIG_ED25519,
    TG_CERTSIG_ED448,
} tg_judge_certsig_t;

typedef struct tg_judge_signed_t {
    uint8_t kind;      /* tg_judge_certsig_t */
    uint8_t hash_len;  /* digest bytes (0 for EdDSA) */
} tg_judge_signed_t;

/* The vhost's certificates, as far as the judgement needs them. */
typedef struct tg_judge_certs_t {
    int rsa;              /* an RSA (rsaEncryption) key */
    unsigned rsa_bits;
    tg_judge_signed_t rsa_signed;
    int ecdsa;            /* an ECDSA key */
    uint16_t ecdsa_group; /* its curve as a TLS group code (0x0017 P-256) */
    tg_judge_signed_t ecdsa_signed;
} tg_judge_certs_t;

typedef struct tg_judgement_t {
    int reject;           /* 1: the handshake would fail */
    tg_reason_t reason;   /* TG_REASON_NONE when it would not */
    tg_stage_t stage;     /* client_hello for every refusal */
    const char *rule;     /* "J01".. deciding step, or "J00" for a pass (static) */
    uint16_t version;     /* what would be negotiated, as far as it got */
    uint16_t cipher;
    uint16_t group;       /* TLS 1.3 key exchange group (0 for TLS <= 1.2 RSA/DHE) */
    uint16_t sigalg;      /* 0: none chosen, or the legacy default */
    int retry;            /* a HelloRetryRequest would be sent */
} tg_judgement_t;

/* Judges hello (parsed without error) against p with certificates c. */
void tg_judge(const tg_hello_t *hello, const tg_judge_policy_t *p, const tg_judge_certs_t *c,
              tg_judgement_t *out);

/* OpenSSL 3.0's default server signature algorithms, before the security
 * level; *n set to their count. */
const uint16_t *tg_judge_default_sigalgs(size_t *n);

/* Security bits OpenSSL credits a signature algorithm with (0: unknown). */
int tg_judge_sigalg_bits(uint16_t sigalg);

/* Fills p->sigalgs from the default list, keeping those allowed at level. */
void tg_judge_set_sigalgs(tg_judge_policy_t *p, int level);

#endif /* TG_JUDGE_H */
