/* Profile rows. Each row reproduces its source exactly; tests/unit/test_profile.c
 * pins every field so a change here is always deliberate. */
#include "tg_profile.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#define MOZILLA_TLS13 "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
#define MOZILLA_GROUPS "X25519MLKEM768:X25519:prime256v1:secp384r1"
#define TWO_YEARS 63072000u
/* The Mozilla generator's Apache output has "SSLSessionTickets off"
 * (mozilla/ssl-config-generator src/js/helpers/apache.js): httpd does not
 * rotate ticket keys, so tickets would outlive forward secrecy. */
#define MOZILLA_NO_TICKETS 1
/* "ocsp_staple": true in the modern and intermediate rows of guidelines 6.0.json
 * and in every row of 5.8.json. */
#define MOZILLA_OCSP 1
/* NIST SP 800-52r2 lists Certificate Status Request (OCSP stapling) among the
 * extensions a server shall support (as quoted in cisco/mercury
 * src/libmerc/crypto_assess.h). */
#define NIST_OCSP 1
/* BSI TR-02102-2 (2023-01): no stapling requirement verified from its text,
 * so none is audited. */
#define BSI_OCSP 0
/* NIST and BSI set no HSTS age: one year, the preload list's minimum. */
#define ONE_YEAR 31536000u

static const tg_profile_t profiles[] = {
    /* Mozilla Server Side TLS 6.0 (2026-04), "modern":
     * https://ssl-config.mozilla.org/guidelines/6.0.json (mozilla/ssl-config-generator
     * src/static/guidelines/6.0.json). TLS 1.3 only, no TLS 1.2 ciphers, client order. */
    {"modern", "Mozilla Server Side TLS 6.0 (modern)",
     TG_TLS1_3, TG_TLS1_3, "", MOZILLA_TLS13, MOZILLA_GROUPS, 0, 2, TWO_YEARS, 0, MOZILLA_NO_TICKETS, MOZILLA_OCSP},

    /* Mozilla Server Side TLS 6.0, "intermediate": TLS 1.2 + 1.3, the six ECDHE
     * AEAD suites of 6.0.json in its order, client order. */
    {"intermediate", "Mozilla Server Side TLS 6.0 (intermediate)",
     TG_TLS1_2, TG_TLS1_3,
     "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
     "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
     "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305",
     MOZILLA_TLS13, MOZILLA_GROUPS, 0, 2, TWO_YEARS, 0, MOZILLA_NO_TICKETS, MOZILLA_OCSP},

    /* Mozilla Server Side TLS 5.8 (2024-12), "old" (removed from 6.0 as not
     * recommended): TLS 1.0-1.3, 21 ciphers ending in 3DES, server order.
     * OpenSSL 3 refuses TLS < 1.2 (SHA-1/MD5 handshake signatures) above
     * security level 0, so the row needs level 0. */
    {"old", "Mozilla Server Side TLS 5.8 (old)",
     TG_TLS1_0, TG_TLS1_3,
     "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
     "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
     "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
     "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:"
     "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:"
     "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:"
     "ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:"
     "AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:"
     "AES128-SHA:AES256-SHA:DES-CBC3-SHA",
     MOZILLA_TLS13, MOZILLA_GROUPS, 1, 0, TWO_YEARS, 1, MOZILLA_NO_TICKETS, MOZILLA_OCSP},

    /* NIST SP 800-52 Rev. 2 (2019-08), https://doi.org/10.6028/NIST.SP.800-52r2:
     * TLS 1.2 shall, TLS 1.3 shall (since 2024-01-01); §3.3.1.1 cipher suites for
     * ECDSA and RSA certificates with ephemeral key exchange, in the document's
     * preference order (AEAD first, then CBC), limited to suites OpenSSL
     * implements (no static DH/ECDH, no DSA certificates); TLS 1.3 suites of
     * §3.3.1.2 (no ChaCha20); groups of §3.3.1.4 (NIST curves, FFDHE >= 2048). */
    {"nist-800-52r2", "NIST SP 800-52 Rev. 2 (2019)",
     TG_TLS1_2, TG_TLS1_3,
     "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
     "ECDHE-ECDSA-AES128-CCM:ECDHE-ECDSA-AES256-CCM:"
     "ECDHE-ECDSA-AES128-CCM8:ECDHE-ECDSA-AES256-CCM8:"
     "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"
     "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:"
     "DHE-RSA-AES128-CCM:DHE-RSA-AES256-CCM:DHE-RSA-AES128-CCM8:DHE-RSA-AES256-CCM8:"
     "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:"
     "ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:"
     "DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA256",
     "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
     "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256",
     "secp256r1:secp384r1:secp521r1:ffdhe2048:ffdhe3072:ffdhe4096",
     1, 2, ONE_YEAR, 0, 0, NIST_OCSP},

    /* BSI TR-02102-2, edition 2023-01: Table 1 (TLS 1.2 suites with PFS, in the
     * table's order), Table 11 (TLS 1.3 suites), Table 4 (groups; X25519 and
     * ffdhe2048 are not listed). DHE-DSS rows are kept as the table has them. */
    {"bsi-tr-02102-2", "BSI TR-02102-2 (2023-01)",
     TG_TLS1_2, TG_TLS1_3,
     "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:"
     "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
     "ECDHE-ECDSA-AES128-CCM:ECDHE-ECDSA-AES256-CCM:"
     "ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:"
     "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:"
     "DHE-DSS-AES128-SHA256:DHE-DSS-AES256-SHA256:"
     "DHE-DSS-AES128-GCM-SHA256:DHE-DSS-AES256-GCM-SHA384:"
     "DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA256:"
     "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:"
     "DHE-RSA-AES128-CCM:DHE-RSA-AES256-CCM",
     "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_AES_128_CCM_SHA256",
     "secp256r1:secp384r1:secp521r1:brainpoolP256r1:brainpoolP384r1:brainpoolP512r1:"
     "ffdhe3072:ffdhe4096",
     1, 2, ONE_YEAR, 0, 0, BSI_OCSP},
};

#define NPROFILES (sizeof(profiles) / sizeof(profiles[0]))

const tg_profile_t *tg_profile_find(const char *name)
{
    for (size_t i = 0; name && i < NPROFILES; i++) {
        if (strcasecmp(profiles[i].name, name) == 0)
            return &profiles[i];
    }
    return NULL;
}

const tg_profile_t *tg_profile_at(unsigned i)
{
    return i < NPROFILES ? &profiles[i] : NULL;
}

const char *tg_profile_names(void)
{
    return "modern|intermediate|old|nist-800-52r2|bsi-tr-02102-2";
}
