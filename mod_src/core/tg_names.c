/*
 * tg_names.c - IANA registry tables and their lookups (see tg_names.h).
 *
 * Every table is sorted by code with no duplicates; test_names.c walks each
 * one to keep it that way, so lookups can binary-search.
 */
#include "tg_names.h"

#include "tg_hello.h" /* tg_is_grease */
#include "tg_hex.h"

#include <stdbool.h>

#define S(code, iana, ossl) {code, iana, ossl, NULL}
#define N(code, iana) {code, iana, NULL, NULL}
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Cipher suites: the whole IANA registry (352 suites incl. the two SCSVs).
 * OpenSSL names exist for what OpenSSL 3.0 implements or once implemented
 * (RC4, 3DES, SEED, IDEA appear in its headers but not in most builds).
 */
static const tg_name_t ciphers[] = {
    S(0x0000, "TLS_NULL_WITH_NULL_NULL", NULL),
    S(0x0001, "TLS_RSA_WITH_NULL_MD5", "NULL-MD5"),
    S(0x0002, "TLS_RSA_WITH_NULL_SHA", "NULL-SHA"),
    S(0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", NULL),
    S(0x0004, "TLS_RSA_WITH_RC4_128_MD5", "RC4-MD5"),
    S(0x0005, "TLS_RSA_WITH_RC4_128_SHA", "RC4-SHA"),
    S(0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", NULL),
    S(0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA", "IDEA-CBC-SHA"),
    S(0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", NULL),
    S(0x0009, "TLS_RSA_WITH_DES_CBC_SHA", NULL),
    S(0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES-CBC3-SHA"),
    S(0x000b, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA", NULL),
    S(0x000c, "TLS_DH_DSS_WITH_DES_CBC_SHA", NULL),
    S(0x000d, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA", NULL),
    S(0x000e, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA", NULL),
    S(0x000f, "TLS_DH_RSA_WITH_DES_CBC_SHA", NULL),
    S(0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA", NULL),
    S(0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", NULL),
    S(0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA", NULL),
    S(0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", "DHE-DSS-DES-CBC3-SHA"),
    S(0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", NULL),
    S(0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", NULL),
    S(0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", "DHE-RSA-DES-CBC3-SHA"),
    S(0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5", NULL),
    S(0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", "ADH-RC4-MD5"),
    S(0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA", NULL),
    S(0x001a, "TLS_DH_anon_WITH_DES_CBC_SHA", NULL),
    S(0x001b, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", "ADH-DES-CBC3-SHA"),
    S(0x001e, "TLS_KRB5_WITH_DES_CBC_SHA", NULL),
    S(0x001f, "TLS_KRB5_WITH_3DES_EDE_CBC_SHA", NULL),
    S(0x0020, "TLS_KRB5_WITH_RC4_128_SHA", NULL),
    S(0x0021, "TLS_KRB5_WITH_IDEA_CBC_SHA", NULL),
    S(0x0022, "TLS_KRB5_WITH_DES_CBC_MD5", NULL),
    S(0x0023, "TLS_KRB5_WITH_3DES_EDE_CBC_MD5", NULL),
    S(0x0024, "TLS_KRB5_WITH_RC4_128_MD5", NULL),
    S(0x0025, "TLS_KRB5_WITH_IDEA_CBC_MD5", NULL),
    S(0x0026, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA", NULL),
    S(0x0027, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA", NULL),
    S(0x0028, "TLS_KRB5_EXPORT_WITH_RC4_40_SHA", NULL),
    S(0x0029, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5", NULL),
    S(0x002a, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5", NULL),
    S(0x002b, "TLS_KRB5_EXPORT_WITH_RC4_40_MD5", NULL),
    S(0x002c, "TLS_PSK_WITH_NULL_SHA", "PSK-NULL-SHA"),
    S(0x002d, "TLS_DHE_PSK_WITH_NULL_SHA", "DHE-PSK-NULL-SHA"),
    S(0x002e, "TLS_RSA_PSK_WITH_NULL_SHA", "RSA-PSK-NULL-SHA"),
    S(0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA"),
    S(0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA", NULL),
    S(0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA", NULL),
    S(0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", "DHE-DSS-AES128-SHA"),
    S(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE-RSA-AES128-SHA"),
    S(0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", "ADH-AES128-SHA"),
    S(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", "AES256-SHA"),
    S(0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA", NULL),
    S(0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA", NULL),
    S(0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", "DHE-DSS-AES256-SHA"),
    S(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", "DHE-RSA-AES256-SHA"),
    S(0x003a, "TLS_DH_anon_WITH_AES_256_CBC_SHA", "ADH-AES256-SHA"),
    S(0x003b, "TLS_RSA_WITH_NULL_SHA256", "NULL-SHA256"),
    S(0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256", "AES128-SHA256"),
    S(0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256", "AES256-SHA256"),
    S(0x003e, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256", NULL),
    S(0x003f, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256", NULL),
    S(0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", "DHE-DSS-AES128-SHA256"),
    S(0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", "CAMELLIA128-SHA"),
    S(0x0042, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA", NULL),
    S(0x0043, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA", NULL),
    S(0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", "DHE-DSS-CAMELLIA128-SHA"),
    S(0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", "DHE-RSA-CAMELLIA128-SHA"),
    S(0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", "ADH-CAMELLIA128-SHA"),
    S(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "DHE-RSA-AES128-SHA256"),
    S(0x0068, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256", NULL),
    S(0x0069, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256", NULL),
    S(0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", "DHE-DSS-AES256-SHA256"),
    S(0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", "DHE-RSA-AES256-SHA256"),
    S(0x006c, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", "ADH-AES128-SHA256"),
    S(0x006d, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", "ADH-AES256-SHA256"),
    S(0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", "CAMELLIA256-SHA"),
    S(0x0085, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA", NULL),
    S(0x0086, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA", NULL),
    S(0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", "DHE-DSS-CAMELLIA256-SHA"),
    S(0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", "DHE-RSA-CAMELLIA256-SHA"),
    S(0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", "ADH-CAMELLIA256-SHA"),
    S(0x008a, "TLS_PSK_WITH_RC4_128_SHA", "PSK-RC4-SHA"),
    S(0x008b, "TLS_PSK_WITH_3DES_EDE_CBC_SHA", "PSK-3DES-EDE-CBC-SHA"),
    S(0x008c, "TLS_PSK_WITH_AES_128_CBC_SHA", "PSK-AES128-CBC-SHA"),
    S(0x008d, "TLS_PSK_WITH_AES_256_CBC_SHA", "PSK-AES256-CBC-SHA"),
    S(0x008e, "TLS_DHE_PSK_WITH_RC4_128_SHA", "DHE-PSK-RC4-SHA"),
    S(0x008f, "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA", "DHE-PSK-3DES-EDE-CBC-SHA"),
    S(0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA", "DHE-PSK-AES128-CBC-SHA"),
    S(0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA", "DHE-PSK-AES256-CBC-SHA"),
    S(0x0092, "TLS_RSA_PSK_WITH_RC4_128_SHA", "RSA-PSK-RC4-SHA"),
    S(0x0093, "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA", "RSA-PSK-3DES-EDE-CBC-SHA"),
    S(0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA", "RSA-PSK-AES128-CBC-SHA"),
    S(0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA", "RSA-PSK-AES256-CBC-SHA"),
    S(0x0096, "TLS_RSA_WITH_SEED_CBC_SHA", "SEED-SHA"),
    S(0x0097, "TLS_DH_DSS_WITH_SEED_CBC_SHA", NULL),
    S(0x0098, "TLS_DH_RSA_WITH_SEED_CBC_SHA", NULL),
    S(0x0099, "TLS_DHE_DSS_WITH_SEED_CBC_SHA", "DHE-DSS-SEED-SHA"),
    S(0x009a, "TLS_DHE_RSA_WITH_SEED_CBC_SHA", "DHE-RSA-SEED-SHA"),
    S(0x009b, "TLS_DH_anon_WITH_SEED_CBC_SHA", "ADH-SEED-SHA"),
    S(0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256", "AES128-GCM-SHA256"),
    S(0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384", "AES256-GCM-SHA384"),
    S(0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "DHE-RSA-AES128-GCM-SHA256"),
    S(0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "DHE-RSA-AES256-GCM-SHA384"),
    S(0x00a0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256", NULL),
    S(0x00a1, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384", NULL),
    S(0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", "DHE-DSS-AES128-GCM-SHA256"),
    S(0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", "DHE-DSS-AES256-GCM-SHA384"),
    S(0x00a4, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256", NULL),
    S(0x00a5, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384", NULL),
    S(0x00a6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", "ADH-AES128-GCM-SHA256"),
    S(0x00a7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", "ADH-AES256-GCM-SHA384"),
    S(0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256", "PSK-AES128-GCM-SHA256"),
    S(0x00a9, "TLS_PSK_WITH_AES_256_GCM_SHA384", "PSK-AES256-GCM-SHA384"),
    S(0x00aa, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", "DHE-PSK-AES128-GCM-SHA256"),
    S(0x00ab, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384", "DHE-PSK-AES256-GCM-SHA384"),
    S(0x00ac, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256", "RSA-PSK-AES128-GCM-SHA256"),
    S(0x00ad, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384", "RSA-PSK-AES256-GCM-SHA384"),
    S(0x00ae, "TLS_PSK_WITH_AES_128_CBC_SHA256", "PSK-AES128-CBC-SHA256"),
    S(0x00af, "TLS_PSK_WITH_AES_256_CBC_SHA384", "PSK-AES256-CBC-SHA384"),
    S(0x00b0, "TLS_PSK_WITH_NULL_SHA256", "PSK-NULL-SHA256"),
    S(0x00b1, "TLS_PSK_WITH_NULL_SHA384", "PSK-NULL-SHA384"),
    S(0x00b2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256", "DHE-PSK-AES128-CBC-SHA256"),
    S(0x00b3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384", "DHE-PSK-AES256-CBC-SHA384"),
    S(0x00b4, "TLS_DHE_PSK_WITH_NULL_SHA256", "DHE-PSK-NULL-SHA256"),
    S(0x00b5, "TLS_DHE_PSK_WITH_NULL_SHA384", "DHE-PSK-NULL-SHA384"),
    S(0x00b6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256", "RSA-PSK-AES128-CBC-SHA256"),
    S(0x00b7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384", "RSA-PSK-AES256-CBC-SHA384"),
    S(0x00b8, "TLS_RSA_PSK_WITH_NULL_SHA256", "RSA-PSK-NULL-SHA256"),
    S(0x00b9, "TLS_RSA_PSK_WITH_NULL_SHA384", "RSA-PSK-NULL-SHA384"),
    S(0x00ba, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", "CAMELLIA128-SHA256"),
    S(0x00bb, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256", NULL),
    S(0x00bc, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256", NULL),
    S(0x00bd, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256", "DHE-DSS-CAMELLIA128-SHA256"),
    S(0x00be, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "DHE-RSA-CAMELLIA128-SHA256"),
    S(0x00bf, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256", "ADH-CAMELLIA128-SHA256"),
    S(0x00c0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", "CAMELLIA256-SHA256"),
    S(0x00c1, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256", NULL),
    S(0x00c2, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256", NULL),
    S(0x00c3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256", "DHE-DSS-CAMELLIA256-SHA256"),
    S(0x00c4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", "DHE-RSA-CAMELLIA256-SHA256"),
    S(0x00c5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256", "ADH-CAMELLIA256-SHA256"),
    S(0x00c6, "TLS_SM4_GCM_SM3", NULL),
    S(0x00c7, "TLS_SM4_CCM_SM3", NULL),
    S(0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", NULL),
    S(0x1301, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256"),
    S(0x1302, "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"),
    S(0x1303, "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256"),
    S(0x1304, "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_SHA256"),
    S(0x1305, "TLS_AES_128_CCM_8_SHA256", "TLS_AES_128_CCM_8_SHA256"),
    S(0x1306, "TLS_AEGIS_256_SHA384", NULL),
    S(0x1307, "TLS_AEGIS_128L_SHA256", NULL),
    S(0x5600, "TLS_FALLBACK_SCSV", NULL),
    S(0xc001, "TLS_ECDH_ECDSA_WITH_NULL_SHA", NULL),
    S(0xc002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA", NULL),
    S(0xc003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA", NULL),
    S(0xc004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA", NULL),
    S(0xc005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA", NULL),
    S(0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", "ECDHE-ECDSA-NULL-SHA"),
    S(0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "ECDHE-ECDSA-RC4-SHA"),
    S(0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-ECDSA-DES-CBC3-SHA"),
    S(0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "ECDHE-ECDSA-AES128-SHA"),
    S(0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "ECDHE-ECDSA-AES256-SHA"),
    S(0xc00b, "TLS_ECDH_RSA_WITH_NULL_SHA", NULL),
    S(0xc00c, "TLS_ECDH_RSA_WITH_RC4_128_SHA", NULL),
    S(0xc00d, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA", NULL),
    S(0xc00e, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", NULL),
    S(0xc00f, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA", NULL),
    S(0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA", "ECDHE-RSA-NULL-SHA"),
    S(0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "ECDHE-RSA-RC4-SHA"),
    S(0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "ECDHE-RSA-DES-CBC3-SHA"),
    S(0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE-RSA-AES128-SHA"),
    S(0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "ECDHE-RSA-AES256-SHA"),
    S(0xc015, "TLS_ECDH_anon_WITH_NULL_SHA", "AECDH-NULL-SHA"),
    S(0xc016, "TLS_ECDH_anon_WITH_RC4_128_SHA", "AECDH-RC4-SHA"),
    S(0xc017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA", "AECDH-DES-CBC3-SHA"),
    S(0xc018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", "AECDH-AES128-SHA"),
    S(0xc019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", "AECDH-AES256-SHA"),
    S(0xc01a, "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA", "SRP-3DES-EDE-CBC-SHA"),
    S(0xc01b, "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA", "SRP-RSA-3DES-EDE-CBC-SHA"),
    S(0xc01c, "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA", "SRP-DSS-3DES-EDE-CBC-SHA"),
    S(0xc01d, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA", "SRP-AES-128-CBC-SHA"),
    S(0xc01e, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA", "SRP-RSA-AES-128-CBC-SHA"),
    S(0xc01f, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA", "SRP-DSS-AES-128-CBC-SHA"),
    S(0xc020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA", "SRP-AES-256-CBC-SHA"),
    S(0xc021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA", "SRP-RSA-AES-256-CBC-SHA"),
    S(0xc022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA", "SRP-DSS-AES-256-CBC-SHA"),
    S(0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "ECDHE-ECDSA-AES128-SHA256"),
    S(0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "ECDHE-ECDSA-AES256-SHA384"),
    S(0xc025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256", NULL),
    S(0xc026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384", NULL),
    S(0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "ECDHE-RSA-AES128-SHA256"),
    S(0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "ECDHE-RSA-AES256-SHA384"),
    S(0xc029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256", NULL),
    S(0xc02a, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384", NULL),
    S(0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"),
    S(0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"),
    S(0xc02d, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", NULL),
    S(0xc02e, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384", NULL),
    S(0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"),
    S(0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"),
    S(0xc031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", NULL),
    S(0xc032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384", NULL),
    S(0xc033, "TLS_ECDHE_PSK_WITH_RC4_128_SHA", "ECDHE-PSK-RC4-SHA"),
    S(0xc034, "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA", "ECDHE-PSK-3DES-EDE-CBC-SHA"),
    S(0xc035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA", "ECDHE-PSK-AES128-CBC-SHA"),
    S(0xc036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA", "ECDHE-PSK-AES256-CBC-SHA"),
    S(0xc037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", "ECDHE-PSK-AES128-CBC-SHA256"),
    S(0xc038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384", "ECDHE-PSK-AES256-CBC-SHA384"),
    S(0xc039, "TLS_ECDHE_PSK_WITH_NULL_SHA", "ECDHE-PSK-NULL-SHA"),
    S(0xc03a, "TLS_ECDHE_PSK_WITH_NULL_SHA256", "ECDHE-PSK-NULL-SHA256"),
    S(0xc03b, "TLS_ECDHE_PSK_WITH_NULL_SHA384", "ECDHE-PSK-NULL-SHA384"),
    S(0xc03c, "TLS_RSA_WITH_ARIA_128_CBC_SHA256", NULL),
    S(0xc03d, "TLS_RSA_WITH_ARIA_256_CBC_SHA384", NULL),
    S(0xc03e, "TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256", NULL),
    S(0xc03f, "TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384", NULL),
    S(0xc040, "TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256", NULL),
    S(0xc041, "TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384", NULL),
    S(0xc042, "TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256", NULL),
    S(0xc043, "TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384", NULL),
    S(0xc044, "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256", NULL),
    S(0xc045, "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384", NULL),
    S(0xc046, "TLS_DH_anon_WITH_ARIA_128_CBC_SHA256", NULL),
    S(0xc047, "TLS_DH_anon_WITH_ARIA_256_CBC_SHA384", NULL),
    S(0xc048, "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256", NULL),
    S(0xc049, "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384", NULL),
    S(0xc04a, "TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256", NULL),
    S(0xc04b, "TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384", NULL),
    S(0xc04c, "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256", NULL),
    S(0xc04d, "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384", NULL),
    S(0xc04e, "TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256", NULL),
    S(0xc04f, "TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384", NULL),
    S(0xc050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256", "ARIA128-GCM-SHA256"),
    S(0xc051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384", "ARIA256-GCM-SHA384"),
    S(0xc052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", "DHE-RSA-ARIA128-GCM-SHA256"),
    S(0xc053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", "DHE-RSA-ARIA256-GCM-SHA384"),
    S(0xc054, "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256", "DH-RSA-ARIA128-GCM-SHA256"),
    S(0xc055, "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384", "DH-RSA-ARIA256-GCM-SHA384"),
    S(0xc056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256", "DHE-DSS-ARIA128-GCM-SHA256"),
    S(0xc057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384", "DHE-DSS-ARIA256-GCM-SHA384"),
    S(0xc058, "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256", "DH-DSS-ARIA128-GCM-SHA256"),
    S(0xc059, "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384", "DH-DSS-ARIA256-GCM-SHA384"),
    S(0xc05a, "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256", "ADH-ARIA128-GCM-SHA256"),
    S(0xc05b, "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384", "ADH-ARIA256-GCM-SHA384"),
    S(0xc05c, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", "ECDHE-ECDSA-ARIA128-GCM-SHA256"),
    S(0xc05d, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", "ECDHE-ECDSA-ARIA256-GCM-SHA384"),
    S(0xc05e, "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256", "ECDH-ECDSA-ARIA128-GCM-SHA256"),
    S(0xc05f, "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384", "ECDH-ECDSA-ARIA256-GCM-SHA384"),
    S(0xc060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", "ECDHE-ARIA128-GCM-SHA256"),
    S(0xc061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", "ECDHE-ARIA256-GCM-SHA384"),
    S(0xc062, "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256", "ECDH-ARIA128-GCM-SHA256"),
    S(0xc063, "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384", "ECDH-ARIA256-GCM-SHA384"),
    S(0xc064, "TLS_PSK_WITH_ARIA_128_CBC_SHA256", NULL),
    S(0xc065, "TLS_PSK_WITH_ARIA_256_CBC_SHA384", NULL),
    S(0xc066, "TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256", NULL),
    S(0xc067, "TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384", NULL),
    S(0xc068, "TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256", NULL),
    S(0xc069, "TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384", NULL),
    S(0xc06a, "TLS_PSK_WITH_ARIA_128_GCM_SHA256", "PSK-ARIA128-GCM-SHA256"),
    S(0xc06b, "TLS_PSK_WITH_ARIA_256_GCM_SHA384", "PSK-ARIA256-GCM-SHA384"),
    S(0xc06c, "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256", "DHE-PSK-ARIA128-GCM-SHA256"),
    S(0xc06d, "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384", "DHE-PSK-ARIA256-GCM-SHA384"),
    S(0xc06e, "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256", "RSA-PSK-ARIA128-GCM-SHA256"),
    S(0xc06f, "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384", "RSA-PSK-ARIA256-GCM-SHA384"),
    S(0xc070, "TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256", NULL),
    S(0xc071, "TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384", NULL),
    S(0xc072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", "ECDHE-ECDSA-CAMELLIA128-SHA256"),
    S(0xc073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", "ECDHE-ECDSA-CAMELLIA256-SHA384"),
    S(0xc074, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", NULL),
    S(0xc075, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", NULL),
    S(0xc076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", "ECDHE-RSA-CAMELLIA128-SHA256"),
    S(0xc077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", "ECDHE-RSA-CAMELLIA256-SHA384"),
    S(0xc078, "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256", NULL),
    S(0xc079, "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384", NULL),
    S(0xc07a, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256", NULL),
    S(0xc07b, "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384", NULL),
    S(0xc07c, "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256", NULL),
    S(0xc07d, "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384", NULL),
    S(0xc07e, "TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256", NULL),
    S(0xc07f, "TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384", NULL),
    S(0xc080, "TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256", NULL),
    S(0xc081, "TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384", NULL),
    S(0xc082, "TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256", NULL),
    S(0xc083, "TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384", NULL),
    S(0xc084, "TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256", NULL),
    S(0xc085, "TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384", NULL),
    S(0xc086, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", NULL),
    S(0xc087, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384", NULL),
    S(0xc088, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", NULL),
    S(0xc089, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384", NULL),
    S(0xc08a, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256", NULL),
    S(0xc08b, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384", NULL),
    S(0xc08c, "TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256", NULL),
    S(0xc08d, "TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384", NULL),
    S(0xc08e, "TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256", NULL),
    S(0xc08f, "TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384", NULL),
    S(0xc090, "TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256", NULL),
    S(0xc091, "TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384", NULL),
    S(0xc092, "TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256", NULL),
    S(0xc093, "TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384", NULL),
    S(0xc094, "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256", "PSK-CAMELLIA128-SHA256"),
    S(0xc095, "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384", "PSK-CAMELLIA256-SHA384"),
    S(0xc096, "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", "DHE-PSK-CAMELLIA128-SHA256"),
    S(0xc097, "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", "DHE-PSK-CAMELLIA256-SHA384"),
    S(0xc098, "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256", "RSA-PSK-CAMELLIA128-SHA256"),
    S(0xc099, "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384", "RSA-PSK-CAMELLIA256-SHA384"),
    S(0xc09a, "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", "ECDHE-PSK-CAMELLIA128-SHA256"),
    S(0xc09b, "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", "ECDHE-PSK-CAMELLIA256-SHA384"),
    S(0xc09c, "TLS_RSA_WITH_AES_128_CCM", "AES128-CCM"),
    S(0xc09d, "TLS_RSA_WITH_AES_256_CCM", "AES256-CCM"),
    S(0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM", "DHE-RSA-AES128-CCM"),
    S(0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM", "DHE-RSA-AES256-CCM"),
    S(0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8", "AES128-CCM8"),
    S(0xc0a1, "TLS_RSA_WITH_AES_256_CCM_8", "AES256-CCM8"),
    S(0xc0a2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", "DHE-RSA-AES128-CCM8"),
    S(0xc0a3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", "DHE-RSA-AES256-CCM8"),
    S(0xc0a4, "TLS_PSK_WITH_AES_128_CCM", "PSK-AES128-CCM"),
    S(0xc0a5, "TLS_PSK_WITH_AES_256_CCM", "PSK-AES256-CCM"),
    S(0xc0a6, "TLS_DHE_PSK_WITH_AES_128_CCM", "DHE-PSK-AES128-CCM"),
    S(0xc0a7, "TLS_DHE_PSK_WITH_AES_256_CCM", "DHE-PSK-AES256-CCM"),
    S(0xc0a8, "TLS_PSK_WITH_AES_128_CCM_8", "PSK-AES128-CCM8"),
    S(0xc0a9, "TLS_PSK_WITH_AES_256_CCM_8", "PSK-AES256-CCM8"),
    S(0xc0aa, "TLS_PSK_DHE_WITH_AES_128_CCM_8", "DHE-PSK-AES128-CCM8"),
    S(0xc0ab, "TLS_PSK_DHE_WITH_AES_256_CCM_8", "DHE-PSK-AES256-CCM8"),
    S(0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "ECDHE-ECDSA-AES128-CCM"),
    S(0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", "ECDHE-ECDSA-AES256-CCM"),
    S(0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "ECDHE-ECDSA-AES128-CCM8"),
    S(0xc0af, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", "ECDHE-ECDSA-AES256-CCM8"),
    S(0xc0b0, "TLS_ECCPWD_WITH_AES_128_GCM_SHA256", NULL),
    S(0xc0b1, "TLS_ECCPWD_WITH_AES_256_GCM_SHA384", NULL),
    S(0xc0b2, "TLS_ECCPWD_WITH_AES_128_CCM_SHA256", NULL),
    S(0xc0b3, "TLS_ECCPWD_WITH_AES_256_CCM_SHA384", NULL),
    S(0xc0b4, "TLS_SHA256_SHA256", NULL),
    S(0xc0b5, "TLS_SHA384_SHA384", NULL),
    S(0xc100, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC", NULL),
    S(0xc101, "TLS_GOSTR341112_256_WITH_MAGMA_CTR_OMAC", NULL),
    S(0xc102, "TLS_GOSTR341112_256_WITH_28147_CNT_IMIT", NULL),
    S(0xc103, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L", NULL),
    S(0xc104, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_L", NULL),
    S(0xc105, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S", NULL),
    S(0xc106, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_S", NULL),
    S(0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"),
    S(0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"),
    S(0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "DHE-RSA-CHACHA20-POLY1305"),
    S(0xccab, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", "PSK-CHACHA20-POLY1305"),
    S(0xccac, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-PSK-CHACHA20-POLY1305"),
    S(0xccad, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256", "DHE-PSK-CHACHA20-POLY1305"),
    S(0xccae, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256", "RSA-PSK-CHACHA20-POLY1305"),
    S(0xd001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256", NULL),
    S(0xd002, "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384", NULL),
    S(0xd003, "TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256", NULL),
    S(0xd005, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256", NULL),
};

/* Supported groups (named curves, finite-field groups, hybrids). */
static const tg_name_t groups[] = {
    N(0x0001, "sect163k1"), N(0x0002, "sect163r1"), N(0x0003, "sect163r2"),
    N(0x0004, "sect193r1"), N(0x0005, "sect193r2"), N(0x0006, "sect233k1"),
    N(0x0007, "sect233r1"), N(0x0008, "sect239k1"), N(0x0009, "sect283k1"),
    N(0x000a, "sect283r1"), N(0x000b, "sect409k1"), N(0x000c, "sect409r1"),
    N(0x000d, "sect571k1"), N(0x000e, "sect571r1"), N(0x000f, "secp160k1"),
    N(0x0010, "secp160r1"), N(0x0011, "secp160r2"), N(0x0012, "secp192k1"),
    {0x0013, "secp192r1", "prime192v1", "P-192"},
    N(0x0014, "secp224k1"),
    {0x0015, "secp224r1", "secp224r1", "P-224"},
    N(0x0016, "secp256k1"),
    {0x0017, "secp256r1", "prime256v1", "P-256"},
    {0x0018, "secp384r1", "secp384r1", "P-384"},
    {0x0019, "secp521r1", "secp521r1", "P-521"},
    S(0x001a, "brainpoolP256r1", "brainpoolP256r1"),
    S(0x001b, "brainpoolP384r1", "brainpoolP384r1"),
    S(0x001c, "brainpoolP512r1", "brainpoolP512r1"),
    S(0x001d, "x25519", "X25519"),
    S(0x001e, "x448", "X448"),
    /* OpenSSL 3.2 and later */
    S(0x001f, "brainpoolP256r1tls13", "brainpoolP256r1tls13"),
    S(0x0020, "brainpoolP384r1tls13", "brainpoolP384r1tls13"),
    S(0x0021, "brainpoolP512r1tls13", "brainpoolP512r1tls13"),
    N(0x0022, "GC256A"), N(0x0023, "GC256B"), N(0x0024, "GC256C"),
    N(0x0025, "GC256D"), N(0x0026, "GC512A"), N(0x0027, "GC512B"),
    N(0x0028, "GC512C"), N(0x0029, "curveSM2"),
    S(0x0100, "ffdhe2048", "ffdhe2048"),
    S(0x0101, "ffdhe3072", "ffdhe3072"),
    S(0x0102, "ffdhe4096", "ffdhe4096"),
    S(0x0103, "ffdhe6144", "ffdhe6144"),
    S(0x0104, "ffdhe8192", "ffdhe8192"),
    /* ML-KEM: OpenSSL 3.5 and later */
    S(0x0200, "MLKEM512", "MLKEM512"),
    S(0x0201, "MLKEM768", "MLKEM768"),
    S(0x0202, "MLKEM1024", "MLKEM1024"),
    S(0x11eb, "SecP256r1MLKEM768", "SecP256r1MLKEM768"),
    S(0x11ec, "X25519MLKEM768", "X25519MLKEM768"),
    S(0x11ed, "SecP384r1MLKEM1024", "SecP384r1MLKEM1024"),
    /* pre-standard Kyber hybrids, marked obsolete by IANA; no OpenSSL name */
    N(0x6399, "X25519Kyber768Draft00"),
    N(0x639a, "SecP256r1Kyber768Draft00"),
    N(0xff01, "arbitrary_explicit_prime_curves"),
    N(0xff02, "arbitrary_explicit_char2_curves"),
};

/*
 * Signature schemes. 0x0202, 0x0301-0x0303 and 0x0402/0x0502/0x0602 are TLS
 * 1.2 hash/signature pairs (DSA, SHA-224) that TLS 1.3 reserved; clients
 * still offer them, so they keep their conventional names.
 */
static const tg_name_t sigalgs[] = {
    N(0x0201, "rsa_pkcs1_sha1"), N(0x0202, "dsa_sha1"), N(0x0203, "ecdsa_sha1"),
    N(0x0301, "rsa_pkcs1_sha224"), N(0x0302, "dsa_sha224"),
    N(0x0303, "ecdsa_sha224"), N(0x0401, "rsa_pkcs1_sha256"),
    N(0x0402, "dsa_sha256"), N(0x0403, "ecdsa_secp256r1_sha256"),
    N(0x0420, "rsa_pkcs1_sha256_legacy"), N(0x0501, "rsa_pkcs1_sha384"),
    N(0x0502, "dsa_sha384"), N(0x0503, "ecdsa_secp384r1_sha384"),
    N(0x0520, "rsa_pkcs1_sha384_legacy"), N(0x0601, "rsa_pkcs1_sha512"),
    N(0x0602, "dsa_sha512"), N(0x0603, "ecdsa_secp521r1_sha512"),
    N(0x0620, "rsa_pkcs1_sha512_legacy"), N(0x0704, "eccsi_sha256"),
    N(0x0705, "iso_ibs1"), N(0x0706, "iso_ibs2"), N(0x0707, "iso_chinese_ibs"),
    N(0x0708, "sm2sig_sm3"), N(0x0709, "gostr34102012_256a"),
    N(0x070a, "gostr34102012_256b"), N(0x070b, "gostr34102012_256c"),
    N(0x070c, "gostr34102012_256d"), N(0x070d, "gostr34102012_512a"),
    N(0x070e, "gostr34102012_512b"), N(0x070f, "gostr34102012_512c"),
    N(0x0804, "rsa_pss_rsae_sha256"), N(0x0805, "rsa_pss_rsae_sha384"),
    N(0x0806, "rsa_pss_rsae_sha512"), N(0x0807, "ed25519"), N(0x0808, "ed448"),
    N(0x0809, "rsa_pss_pss_sha256"), N(0x080a, "rsa_pss_pss_sha384"),
    N(0x080b, "rsa_pss_pss_sha512"),
    N(0x081a, "ecdsa_brainpoolP256r1tls13_sha256"),
    N(0x081b, "ecdsa_brainpoolP384r1tls13_sha384"),
    N(0x081c, "ecdsa_brainpoolP512r1tls13_sha512"),
    N(0x0904, "mldsa44"), N(0x0905, "mldsa65"), N(0x0906, "mldsa87"),
};

/* Extension types. */
static const tg_name_t exts[] = {
    N(0, "server_name"), N(1, "max_fragment_length"),
    N(2, "client_certificate_url"), N(3, "trusted_ca_keys"),
    N(4, "truncated_hmac"), N(5, "status_request"), N(6, "user_mapping"),
    N(7, "client_authz"), N(8, "server_authz"), N(9, "cert_type"),
    N(10, "supported_groups"), N(11, "ec_point_formats"), N(12, "srp"),
    N(13, "signature_algorithms"), N(14, "use_srtp"), N(15, "heartbeat"),
    N(16, "application_layer_protocol_negotiation"),
    N(17, "status_request_v2"), N(18, "signed_certificate_timestamp"),
    N(19, "client_certificate_type"), N(20, "server_certificate_type"),
    N(21, "padding"), N(22, "encrypt_then_mac"),
    N(23, "extended_master_secret"), N(24, "token_binding"),
    N(25, "cached_info"), N(26, "tls_lts"), N(27, "compress_certificate"),
    N(28, "record_size_limit"), N(29, "pwd_protect"), N(30, "pwd_clear"),
    N(31, "password_salt"), N(32, "ticket_pinning"),
    N(33, "tls_cert_with_extern_psk"), N(34, "delegated_credential"),
    N(35, "session_ticket"), N(36, "TLMSP"), N(37, "TLMSP_proxying"),
    N(38, "TLMSP_delegate"), N(39, "supported_ekt_ciphers"),
    N(41, "pre_shared_key"), N(42, "early_data"), N(43, "supported_versions"),
    N(44, "cookie"), N(45, "psk_key_exchange_modes"),
    N(47, "certificate_authorities"), N(48, "oid_filters"),
    N(49, "post_handshake_auth"), N(50, "signature_algorithms_cert"),
    N(51, "key_share"), N(52, "transparency_info"),
    N(53, "connection_id_deprecated"), /* IANA: "connection_id (deprecated)" */
    N(54, "connection_id"), N(55, "external_id_hash"),
    N(56, "external_session_id"), N(57, "quic_transport_parameters"),
    N(58, "ticket_request"), N(59, "dnssec_chain"),
    N(60, "sequence_number_encryption_algorithms"), N(61, "rrc"),
    N(62, "tls_flags"),
    N(13172, "next_protocol_negotiation"), /* not IANA: NPN, old clients */
    N(17513, "application_settings"),      /* not IANA: ALPS, Chrome */
    N(17613, "application_settings_v2"),   /* not IANA: ALPS new code point */
    N(30032, "channel_id"),                /* not IANA: old Chrome */
    N(64768, "ech_outer_extensions"), N(65037, "encrypted_client_hello"),
    N(65281, "renegotiation_info"),
};

/* Alert descriptions. */
static const tg_name_t alerts[] = {
    N(0, "close_notify"), N(10, "unexpected_message"), N(20, "bad_record_mac"),
    N(21, "decryption_failed"), N(22, "record_overflow"),
    N(30, "decompression_failure"), N(40, "handshake_failure"),
    N(41, "no_certificate"), N(42, "bad_certificate"),
    N(43, "unsupported_certificate"), N(44, "certificate_revoked"),
    N(45, "certificate_expired"), N(46, "certificate_unknown"),
    N(47, "illegal_parameter"), N(48, "unknown_ca"), N(49, "access_denied"),
    N(50, "decode_error"), N(51, "decrypt_error"),
    N(52, "too_many_cids_requested"), N(60, "export_restriction"),
    N(70, "protocol_version"), N(71, "insufficient_security"),
    N(80, "internal_error"), N(86, "inappropriate_fallback"),
    N(90, "user_canceled"), N(100, "no_renegotiation"),
    N(109, "missing_extension"), N(110, "unsupported_extension"),
    N(111, "certificate_unobtainable"), N(112, "unrecognized_name"),
    N(113, "bad_certificate_status_response"),
    N(114, "bad_certificate_hash_value"), N(115, "unknown_psk_identity"),
    N(116, "certificate_required"), N(117, "general_error"),
    N(120, "no_application_protocol"), N(121, "ech_required"),
};

/* Handshake message types (TLS 1.2 names kept where TLS 1.3 reserved them). */
static const tg_name_t handshakes[] = {
    N(0, "hello_request"), N(1, "client_hello"), N(2, "server_hello"),
    N(3, "hello_verify_request"), N(4, "new_session_ticket"),
    N(5, "end_of_early_data"), N(6, "hello_retry_request"),
    N(8, "encrypted_extensions"), N(9, "request_connection_id"),
    N(10, "new_connection_id"), N(11, "certificate"),
    N(12, "server_key_exchange"), N(13, "certificate_request"),
    N(14, "server_hello_done"), N(15, "certificate_verify"),
    N(16, "client_key_exchange"), N(17, "client_certificate_request"),
    N(20, "finished"), N(21, "certificate_url"), N(22, "certificate_status"),
    N(23, "supplemental_data"), N(24, "key_update"),
    N(25, "compressed_certificate"), N(26, "ekt_key"),
    N(67, "next_protocol"), /* not IANA: NPN, as OpenSSL reports it */
    N(254, "message_hash"),
};

/* Record content types. */
static const tg_name_t contents[] = {
    N(20, "change_cipher_spec"), N(21, "alert"), N(22, "handshake"),
    N(23, "application_data"), N(24, "heartbeat"), N(25, "tls12_cid"),
    N(26, "ack"),
};

static const tg_version_t versions[] = {
    {0x0002, "SSLv2", "2.0", "ssl"},
    {0x0300, "SSLv3", "3.0", "ssl"},
    {0x0301, "TLSv1", "1.0", "tls"},
    {0x0302, "TLSv1.1", "1.1", "tls"},
    {0x0303, "TLSv1.2", "1.2", "tls"},
    {0x0304, "TLSv1.3", "1.3", "tls"},
    {0xfefc, "DTLSv1.3", "1.3", "dtls"},
    {0xfefd, "DTLSv1.2", "1.2", "dtls"},
    {0xfeff, "DTLSv1", "1.0", "dtls"},
};

/* Extra spellings accepted by tg_names_version_code(). */
static const struct {
    const char *name;
    uint16_t code;
} version_aliases[] = {
    {"TLSv1.0", 0x0301},
    {"DTLSv1.0", 0xfeff},
};

typedef struct {
    const tg_name_t *rows;
    size_t count;
    bool grease; /* GREASE values occur in this registry */
} table_t;

static const table_t tables[TG_NAMES_KIND_COUNT] = {
    [TG_NAMES_CIPHER] = {ciphers, COUNT(ciphers), true},
    [TG_NAMES_GROUP] = {groups, COUNT(groups), true},
    [TG_NAMES_SIGALG] = {sigalgs, COUNT(sigalgs), true},
    [TG_NAMES_EXT] = {exts, COUNT(exts), true},
    [TG_NAMES_ALERT] = {alerts, COUNT(alerts), false},
    [TG_NAMES_HANDSHAKE] = {handshakes, COUNT(handshakes), false},
    [TG_NAMES_CONTENT] = {contents, COUNT(contents), false},
};

static const char *const level_names[] = {NULL, "warning", "fatal"};

/* ---- helpers ----------------------------------------------------------- */

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* ASCII case-insensitive equality; NULL never matches. */
static bool same_name(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return false;
    while (*a != '\0' && ascii_lower((unsigned char)*a) ==
                             ascii_lower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

static const table_t *table_of(tg_names_kind_t kind)
{
    if ((unsigned)kind >= TG_NAMES_KIND_COUNT)
        return NULL;
    return &tables[kind];
}

/* ---- generic access ---------------------------------------------------- */

const tg_name_t *tg_names_table(tg_names_kind_t kind, size_t *count)
{
    const table_t *t = table_of(kind);

    if (count != NULL)
        *count = t != NULL ? t->count : 0;
    return t != NULL ? t->rows : NULL;
}

const tg_name_t *tg_names_find(tg_names_kind_t kind, uint16_t code)
{
    const table_t *t = table_of(kind);
    const tg_name_t *base;
    size_t n;

    if (t == NULL || t->count == 0)
        return NULL;
    /* branch-light binary search: base ends on the last code <= the key */
    base = t->rows;
    for (n = t->count; n > 1; n -= n / 2) {
        if (base[n / 2].code <= code)
            base += n / 2;
    }
    return base->code == code ? base : NULL;
}

const char *tg_names_name(tg_names_kind_t kind, uint16_t code)
{
    const table_t *t = table_of(kind);
    const tg_name_t *e;

    if (t == NULL)
        return NULL;
    if (t->grease && tg_is_grease(code))
        return TG_NAMES_GREASE;
    e = tg_names_find(kind, code);
    return e != NULL ? e->iana : NULL;
}

int tg_names_code(tg_names_kind_t kind, const char *name)
{
    const table_t *t = table_of(kind);

    if (t == NULL || name == NULL)
        return -1;
    for (size_t i = 0; i < t->count; i++) {
        const tg_name_t *e = &t->rows[i];

        if (same_name(name, e->iana) || same_name(name, e->openssl) ||
            same_name(name, e->alias))
            return e->code;
    }
    return -1;
}

const char *tg_names_hex(uint16_t code, char *buf, size_t cap)
{
    if (buf == NULL || cap < TG_NAMES_HEX_MAX)
        return "";
    buf[0] = '0';
    buf[1] = 'x';
    *tg_hex_u16(buf + 2, code) = '\0';
    return buf;
}

const char *tg_names_or_hex(tg_names_kind_t kind, uint16_t code, char *buf,
                            size_t cap)
{
    const char *name = tg_names_name(kind, code);

    return name != NULL ? name : tg_names_hex(code, buf, cap);
}

/* ---- per-kind shorthands ----------------------------------------------- */

const tg_name_t *tg_names_cipher(uint16_t code)
{
    return tg_names_find(TG_NAMES_CIPHER, code);
}

const char *tg_names_cipher_iana(uint16_t code)
{
    return tg_names_name(TG_NAMES_CIPHER, code);
}

const char *tg_names_cipher_openssl(uint16_t code)
{
    const tg_name_t *e = tg_names_cipher(code);

    return e != NULL ? e->openssl : NULL;
}

int tg_names_cipher_code(const char *name)
{
    return tg_names_code(TG_NAMES_CIPHER, name);
}

const char *tg_names_group(uint16_t code)
{
    return tg_names_name(TG_NAMES_GROUP, code);
}

const char *tg_names_group_openssl(uint16_t code)
{
    const tg_name_t *e = tg_names_find(TG_NAMES_GROUP, code);

    return e != NULL ? e->openssl : NULL;
}

int tg_names_group_code(const char *name)
{
    return tg_names_code(TG_NAMES_GROUP, name);
}

const char *tg_names_sigalg(uint16_t code)
{
    return tg_names_name(TG_NAMES_SIGALG, code);
}

int tg_names_sigalg_code(const char *name)
{
    return tg_names_code(TG_NAMES_SIGALG, name);
}

const char *tg_names_ext(uint16_t code)
{
    return tg_names_name(TG_NAMES_EXT, code);
}

int tg_names_ext_code(const char *name)
{
    return tg_names_code(TG_NAMES_EXT, name);
}

const char *tg_names_alert(uint8_t code)
{
    return tg_names_name(TG_NAMES_ALERT, code);
}

int tg_names_alert_code(const char *name)
{
    return tg_names_code(TG_NAMES_ALERT, name);
}

const char *tg_names_alert_level(uint8_t level)
{
    return level < COUNT(level_names) ? level_names[level] : NULL;
}

const char *tg_names_handshake(uint8_t type)
{
    return tg_names_name(TG_NAMES_HANDSHAKE, type);
}

int tg_names_handshake_code(const char *name)
{
    return tg_names_code(TG_NAMES_HANDSHAKE, name);
}

const char *tg_names_content(uint8_t type)
{
    return tg_names_name(TG_NAMES_CONTENT, type);
}

/* ---- protocol versions ------------------------------------------------- */

const tg_version_t *tg_names_versions(size_t *count)
{
    if (count != NULL)
        *count = COUNT(versions);
    return versions;
}

const tg_version_t *tg_names_version_find(uint16_t code)
{
    for (size_t i = 0; i < COUNT(versions); i++) {
        if (versions[i].code == code)
            return &versions[i];
    }
    return NULL;
}

const char *tg_names_version(uint16_t code)
{
    const tg_version_t *v = tg_names_version_find(code);

    if (v == NULL && tg_is_grease(code))
        return TG_NAMES_GREASE;
    return v != NULL ? v->openssl : NULL;
}

const char *tg_names_version_ecs(uint16_t code)
{
    const tg_version_t *v = tg_names_version_find(code);

    return v != NULL ? v->ecs : NULL;
}

const char *tg_names_version_protocol(uint16_t code)
{
    const tg_version_t *v = tg_names_version_find(code);

    return v != NULL ? v->protocol : NULL;
}

int tg_names_version_code(const char *name)
{
    for (size_t i = 0; i < COUNT(versions); i++) {
        if (same_name(name, versions[i].openssl))
            return versions[i].code;
    }
    for (size_t i = 0; i < COUNT(version_aliases); i++) {
        if (same_name(name, version_aliases[i].name))
            return version_aliases[i].code;
    }
    return -1;
}
