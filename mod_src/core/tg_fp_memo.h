/*
 * tg_fp_memo: tg_fingerprint() with a per-thread memory of its last results.
 *
 * Failed handshakes come in floods of one client stack's hello (a scanner, a
 * broken client retrying): byte for byte the same but for the random and the
 * session id, which no fingerprint reads. Every fingerprint is a function of
 * the legacy version, the cipher list and the extension block alone (and of
 * the digests), so a hello whose three are equal to a remembered one gets the
 * remembered strings copied into work instead of rebuilt, sorted and hashed.
 */
#ifndef TG_FP_MEMO_H
#define TG_FP_MEMO_H

#include "tg_fingerprint.h"

/* Same contract and same results as tg_fingerprint(); parse_err is what
 * tg_hello_parse() returned for h: only a whole hello is remembered (a cut
 * one may carry half an extension's parse beyond its key). */
int tg_fingerprint_memo(const tg_hello_t *h, int parse_err, tg_digest_fn *md5,
                        tg_digest_fn *sha256, char *work, size_t work_size, tg_fp_t *out);

#endif /* TG_FP_MEMO_H */
