/*
 * tg_fingerprint: JA3 and JA4 client fingerprints of a parsed ClientHello.
 *
 * JA3: salesforce/ja3 (string + MD5). JA4: FoxIO technical_details/JA4.md
 * (hashed form and the raw, sorted JA4_r). Rules and conformance data:
 * docs/fingerprints.md.
 *
 * The digests are not computed here: the caller hands in MD5 and SHA-256 as
 * tg_digest_fn (mod_src/ossl/tg_ossl_digest.h has OpenSSL's). Nothing is
 * allocated; every output goes to a caller buffer with an explicit size, and
 * a buffer that is too small gives TG_FP_NO_SPACE.
 *
 * Work buffers: strings are built in `work`; tg_fp_work_size(h) bytes always
 * suffice (a few hundred for a browser hello).
 */
#ifndef TG_FINGERPRINT_H
#define TG_FINGERPRINT_H

#include <stddef.h>

#include "tg_hello.h"

/* Writes the digest of data[0..len) to out (16 bytes MD5, 32 bytes SHA-256). */
typedef void tg_digest_fn(const void *data, size_t len, unsigned char *out);

#define TG_JA3_SIZE 33   /* 32 lower-case hex digits + NUL */
#define TG_JA4_SIZE 37   /* "t13d1516h2_8daaf6152771_e5627efa2ab1" + NUL */
#define TG_JA4_A_LEN 10  /* the "t13d1516h2" part */

/* JA4 transport character. */
#define TG_JA4_TCP 't'
#define TG_JA4_QUIC 'q'
#define TG_JA4_DTLS 'd'

typedef enum tg_fp_err_t {
    TG_FP_OK = 0,
    TG_FP_NO_SPACE,     /* an output or work buffer is too small */
    TG_FP_INVALID_ARG,  /* NULL pointer or unknown transport */
    TG_FP_ERR_COUNT
} tg_fp_err_t;

/* Both fingerprints, NUL-terminated, and the strings they hash. */
typedef struct tg_fp_t {
    char ja3[TG_JA3_SIZE];
    char ja4[TG_JA4_SIZE];
    const char *ja3_string;  /* in the caller's work buffer, NUL-terminated */
    size_t ja3_len;
    const char *ja4_r;       /* JA4_r (transport 't'), in the work buffer too */
    size_t ja4_r_len;
} tg_fp_t;

/* Stable lower-case name of a tg_fp_err_t, never NULL. */
const char *tg_fp_err_name(int err);

/* Bytes of work space enough for this hello: for tg_fingerprint() (both
 * strings side by side), and so for each single function too. */
size_t tg_fp_work_size(const tg_hello_t *h);

/* JA3 input string, e.g. "771,4865-4866,0-23-65281,29-23,0"; *len excludes NUL. */
int tg_ja3_string(const tg_hello_t *h, char *out, size_t size, size_t *len);

/* JA3: MD5 of the JA3 string as 32 lower-case hex digits. */
int tg_ja3(const tg_hello_t *h, tg_digest_fn *md5, char *work, size_t work_size,
           char *out, size_t out_size);

/*
 * JA4_r, the raw sorted form: "t13d1516h2_<ciphers>_<extensions>[_<sigalgs>]".
 * size must be at least tg_fp_work_size(h) (the sort needs room beyond the
 * string); *len excludes the NUL.
 */
int tg_ja4_raw(const tg_hello_t *h, char transport, char *out, size_t size,
               size_t *len);

/* JA4, e.g. "t13d1516h2_8daaf6152771_e5627efa2ab1". */
int tg_ja4(const tg_hello_t *h, char transport, tg_digest_fn *sha256, char *work,
           size_t work_size, char *out, size_t out_size);

/*
 * Every fingerprint in one call: the JA3 string and its MD5, JA4_r
 * (transport 't') and JA4 hashed from that very JA4_r. Both strings stay in
 * work (out points at them). JA3 comes first: when only JA4_r does not
 * fit, out keeps JA3 and its string and TG_FP_NO_SPACE is returned.
 */
int tg_fingerprint(const tg_hello_t *h, tg_digest_fn *md5, tg_digest_fn *sha256,
                   char *work, size_t work_size, tg_fp_t *out);

#endif /* TG_FINGERPRINT_H */
