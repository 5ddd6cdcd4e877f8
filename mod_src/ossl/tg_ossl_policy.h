/* Applying a tg_policy_t to OpenSSL objects and reading the result back. */
#ifndef TG_OSSL_POLICY_H
#define TG_OSSL_POLICY_H

#include <openssl/ssl.h>

#include "tg_ossl_effective.h"
#include "tg_policy.h"

#define TG_OSSL_LIST_MAX 512 /* group lists: longer ones are refused, never cut */

/* A policy resolved against the linked OpenSSL: strings OpenSSL accepts, and the
 * groups the library lacks (skipped, reported at start-up). */
typedef struct tg_ossl_resolved_t {
    char groups[TG_OSSL_LIST_MAX];          /* the groups OpenSSL knows, in order */
    char skipped_groups[TG_OSSL_LIST_MAX];  /* profile groups this OpenSSL lacks */
    int n_ciphers12;                        /* TLS <= 1.2 ciphers the list selects */
    int n_suites13;
    tg_policy_setting_t failed;             /* on error: the setting at fault */
} tg_ossl_resolved_t;

/* One OpenSSL option a policy depends on (the table is in tg_ossl_policy.c). */
typedef struct tg_ossl_option_t {
    uint64_t bit;         /* SSL_OP_* */
    int policy_sets;      /* 1: the policy needs the bit set; 0: cleared */
    const char *weakened; /* "Options -EncryptThenMac": how a configuration weakens
                             it; NULL: not a configuration's choice, not reported */
    const char *why;      /* what the weakened state allows */
} tg_ossl_option_t;

/* Validate a policy against this OpenSSL (cipher strings, group names). Used at
 * configuration check time so that `apache2 -t` reports bad values. */
int tg_ossl_policy_resolve(const tg_policy_t *pol, tg_ossl_resolved_t *res, char *err,
                           size_t errlen);

/* Check one TLS 1.2 cipher list / TLS 1.3 suite list / group list alone. */
int tg_ossl_check_ciphers12(const char *list, char *err, size_t errlen);
int tg_ossl_check_suites13(const char *list, char *err, size_t errlen);

/* The context's protocol range, OpenSSL's 0 ("no limit") made explicit:
 * TLS 1.0 and TLS 1.3. */
uint16_t tg_ossl_ctx_min(SSL_CTX *ctx);
uint16_t tg_ossl_ctx_max(SSL_CTX *ctx);

/* Record what mod_ssl configured on ctx (before any change). */
void tg_ossl_effective_record(SSL_CTX *ctx, tg_ossl_effective_t *eff);

/* Rewrite ctx to the policy. Versions are the intersection of the context's own
 * range (SSLProtocol) and the policy's; an empty intersection is an error.
 * Everything else is replaced by the policy's values. */
int tg_ossl_policy_apply_ctx(SSL_CTX *ctx, const tg_policy_t *pol,
                             const tg_ossl_resolved_t *res, tg_ossl_effective_t *eff,
                             char *err, size_t errlen);

/* Re-apply the per-connection parts that do not follow an SNI switch of the
 * SSL_CTX (versions, groups, server preference). */
void tg_ossl_policy_apply_ssl(SSL *ssl, const tg_ossl_effective_t *eff);

/* The options table, for reports and tests. */
const tg_ossl_option_t *tg_ossl_option_table(size_t *count);

/* Every TLS 1.2 cipher (want13 = 0) or TLS 1.3 suite (1) ctx allows, colon
 * separated, into buf; like snprintf, returns the length the whole list
 * needs, so a caller can size buf and never cut it. */
size_t tg_ossl_describe_ciphers(SSL_CTX *ctx, int want13, char *buf, size_t cap);

/* Free the context used for configuration checks (at the end of each
 * configuration cycle; the next check makes a new one). */
void tg_ossl_release_scratch(void);

#endif
