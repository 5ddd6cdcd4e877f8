/* What enforcement made of one vhost's SSL_CTX: the record the policy code
 * fills and the guard judges by. Plain data, OpenSSL types only. */
#ifndef TG_OSSL_EFFECTIVE_H
#define TG_OSSL_EFFECTIVE_H

#include <stdint.h>

#include <openssl/ssl.h>

typedef int (*SSL_CTX_security_callback_fn)(const SSL *s, const SSL_CTX *ctx, int op,
                                            int bits, int nid, void *other, void *ex);

/* The per-vhost result of enforcement, kept for SNI switches and reports. */
typedef struct tg_ossl_effective_t {
    int set;                    /* filled by tg_ossl_effective_record */
    int guarded;                /* 0: this context was left as mod_ssl made it */
    int report;                 /* TLSGuardMode report: the guard refuses nothing here */
    uint16_t min_version;       /* after intersecting with the vhost's own range */
    uint16_t max_version;
    uint16_t orig_min_version;  /* as mod_ssl configured the context */
    uint16_t orig_max_version;
    uint64_t orig_options;
    uint64_t options_set;       /* what the policy requires set / cleared */
    uint64_t options_cleared;
    uint64_t options_reset;     /* weakening options the configuration set, undone */
    int server_preference;
    const char *groups;         /* NULL: leave the connection's groups */
    SSL_CTX *ctx;               /* the vhost's context: its lists are the policy's */
    SSL_CTX_security_callback_fn chained; /* OpenSSL's own level checks */
    void *host;                 /* the host's record of the vhost (httpd: server_rec) */
} tg_ossl_effective_t;

#endif
