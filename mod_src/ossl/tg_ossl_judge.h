/* What the judge (core/tg_judge) needs from OpenSSL, read once at start-up:
 * a policy as OpenSSL would enforce it on a vhost, and the vhost's
 * certificates' key types. */
#ifndef TG_OSSL_JUDGE_H
#define TG_OSSL_JUDGE_H

#include <openssl/ssl.h>

#include "tg_judge.h"
#include "tg_ossl_policy.h"

/* The policy pol (resolved as res) applied the way enforcement applies it
 * to vhost_ctx, on a context of its own: vhost_ctx is read, never changed.
 * Returns 0, or -1 with err set (the policy cannot be applied there). */
int tg_ossl_judge_policy(SSL_CTX *vhost_ctx, const tg_policy_t *pol,
                         const tg_ossl_resolved_t *res, tg_judge_policy_t *out, char *err,
                         size_t errlen);

/* Key types (RSA bits, the ECDSA curve) of every server certificate of ctx.
 * Leaves ctx's current certificate at the first. */
void tg_ossl_judge_certs(SSL_CTX *ctx, tg_judge_certs_t *out);

#endif
