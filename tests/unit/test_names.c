/*
 * test_names.c - the IANA names tables: order, uniqueness, known entries,
 * aliases, GREASE, unknown codes, and agreement with the host's OpenSSL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tg_hello.h"
#include "tg_names.h"

#define OPENSSL_CIPHERS_FILE "tests/data/openssl-ciphers.txt"

static const uint16_t grease[] = {0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a,
                                  0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a,
                                  0x8a8a, 0x9a9a, 0xaaaa, 0xbaba,
                                  0xcaca, 0xdada, 0xeaea, 0xfafa};

/* Linear reference lookup, to check the binary search against. */
static const tg_name_t *scan(tg_names_kind_t kind, uint16_t code)
{
    size_t n;
    const tg_name_t *t = tg_names_table(kind, &n);

    for (size_t i = 0; i < n; i++) {
        if (t[i].code == code)
            return &t[i];
    }
    return NULL;
}

static void test_tables_sorted_and_unique(void **state)
{
    (void)state;
    for (int k = 0; k < TG_NAMES_KIND_COUNT; k++) {
        size_t n;
        const tg_name_t *t = tg_names_table((tg_names_kind_t)k, &n);

        assert_non_null(t);
        assert_true(n > 0);
        for (size_t i = 0; i < n; i++) {
            assert_non_null(t[i].iana);
            assert_true(t[i].iana[0] != '\0');
            assert_false(tg_is_grease(t[i].code));
            if (i > 0 && t[i - 1].code >= t[i].code) {
                fail_msg("kind %d: 0x%04x after 0x%04x", k, t[i].code,
                         t[i - 1].code);
            }
        }
    }
}

static void test_every_name_maps_back(void **state)
{
    (void)state;
    for (int k = 0; k < TG_NAMES_KIND_COUNT; k++) {
        size_t n;
        const tg_name_t *t = tg_names_table((tg_names_kind_t)k, &n);

        for (size_t i = 0; i < n; i++) {
            const char *names[] = {t[i].iana, t[i].openssl, t[i].alias};

            for (size_t j = 0; j < 3; j++) {
                if (names[j] == NULL)
                    continue;
                /* a name shared by two codes would map to the first one */
                if (tg_names_code((tg_names_kind_t)k, names[j]) != t[i].code)
                    fail_msg("kind %d: \"%s\" does not map to 0x%04x", k,
                             names[j], t[i].code);
            }
        }
    }
}

/* Names go into JSON and logs: printable ASCII, no quote or backslash. */
static void check_plain(const char *name)
{
    if (name == NULL)
        return;
    for (const char *p = name; *p != '\0'; p++) {
        if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
            fail_msg("name \"%s\" has byte 0x%02x", name, (unsigned char)*p);
    }
}

static void test_names_are_plain_ascii(void **state)
{
    size_t n;
    const tg_version_t *v = tg_names_versions(&n);

    (void)state;
    for (size_t i = 0; i < n; i++) {
        check_plain(v[i].openssl);
        check_plain(v[i].ecs);
        check_plain(v[i].protocol);
    }
    for (int k = 0; k < TG_NAMES_KIND_COUNT; k++) {
        const tg_name_t *t = tg_names_table((tg_names_kind_t)k, &n);

        for (size_t i = 0; i < n; i++) {
            check_plain(t[i].iana);
            check_plain(t[i].openssl);
            check_plain(t[i].alias);
        }
    }
}

static void test_binary_search_matches_scan(void **state)
{
    (void)state;
    for (int k = 0; k < TG_NAMES_KIND_COUNT; k++) {
        for (uint32_t c = 0; c <= 0xffff; c++) {
            const tg_name_t *want = scan((tg_names_kind_t)k, (uint16_t)c);

            assert_ptr_equal(tg_names_find((tg_names_kind_t)k, (uint16_t)c),
                             want);
        }
    }
}

static void test_known_ciphers(void **state)
{
    const tg_name_t *e = tg_names_cipher(0xc02f);

    (void)state;
    assert_non_null(e);
    assert_int_equal(e->code, 0xc02f);
    assert_string_equal(e->iana, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assert_string_equal(e->openssl, "ECDHE-RSA-AES128-GCM-SHA256");
    assert_string_equal(tg_names_cipher_iana(0x1301), "TLS_AES_128_GCM_SHA256");
    assert_string_equal(tg_names_cipher_openssl(0x1301),
                        "TLS_AES_128_GCM_SHA256");
    assert_string_equal(tg_names_cipher_iana(0x000a),
                        "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
    assert_string_equal(tg_names_cipher_openssl(0x000a), "DES-CBC3-SHA");
    assert_string_equal(tg_names_cipher_openssl(0x0005), "RC4-SHA");
    assert_string_equal(tg_names_cipher_iana(0x0003),
                        "TLS_RSA_EXPORT_WITH_RC4_40_MD5");
    assert_null(tg_names_cipher_openssl(0x0003)); /* export: no OpenSSL name */
    assert_string_equal(tg_names_cipher_iana(0x0001), "TLS_RSA_WITH_NULL_MD5");
    assert_string_equal(tg_names_cipher_openssl(0x0034), "ADH-AES128-SHA");
    assert_string_equal(tg_names_cipher_iana(0x0030),
                        "TLS_DH_DSS_WITH_AES_128_CBC_SHA");
    assert_string_equal(tg_names_cipher_openssl(0xc09c), "AES128-CCM");
    assert_string_equal(tg_names_cipher_openssl(0x0041), "CAMELLIA128-SHA");
    assert_string_equal(tg_names_cipher_openssl(0xc050), "ARIA128-GCM-SHA256");
    assert_string_equal(tg_names_cipher_openssl(0x0096), "SEED-SHA");
    assert_string_equal(tg_names_cipher_openssl(0x00a8),
                        "PSK-AES128-GCM-SHA256");
    assert_string_equal(tg_names_cipher_iana(0x00ff),
                        "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
    assert_string_equal(tg_names_cipher_iana(0x5600), "TLS_FALLBACK_SCSV");
    assert_null(tg_names_cipher_openssl(0x5600));
}

static void test_cipher_table_size(void **state)
{
    size_t n;

    (void)state;
    assert_non_null(tg_names_table(TG_NAMES_CIPHER, &n));
    assert_int_equal(n, 352); /* every assigned IANA suite incl. the SCSVs */
}

static void test_cipher_by_name(void **state)
{
    (void)state;
    assert_int_equal(tg_names_cipher_code("ECDHE-RSA-AES128-GCM-SHA256"),
                     0xc02f);
    assert_int_equal(
        tg_names_cipher_code("tls_ecdhe_rsa_with_aes_128_gcm_sha256"), 0xc02f);
    assert_int_equal(tg_names_cipher_code("TLS_CHACHA20_POLY1305_SHA256"),
                     0x1303);
    assert_int_equal(tg_names_cipher_code("ECDHE-RSA-AES128-GCM-SHA25"), -1);
    assert_int_equal(tg_names_cipher_code(""), -1);
    assert_int_equal(tg_names_cipher_code(NULL), -1);
}

static void test_groups(void **state)
{
    (void)state;
    assert_string_equal(tg_names_group(29), "x25519");
    assert_string_equal(tg_names_group_openssl(29), "X25519");
    assert_string_equal(tg_names_group(23), "secp256r1");
    assert_string_equal(tg_names_group_openssl(23), "prime256v1");
    assert_string_equal(tg_names_group(0x0100), "ffdhe2048");
    assert_string_equal(tg_names_group(0x0104), "ffdhe8192");
    assert_string_equal(tg_names_group(0x001f), "brainpoolP256r1tls13");
    assert_string_equal(tg_names_group(0x0021), "brainpoolP512r1tls13");
    assert_string_equal(tg_names_group(0x11ec), "X25519MLKEM768");
    assert_string_equal(tg_names_group(0x11eb), "SecP256r1MLKEM768");
    assert_string_equal(tg_names_group(0x11ed), "SecP384r1MLKEM1024");
    assert_string_equal(tg_names_group(0x6399), "X25519Kyber768Draft00");
    assert_null(tg_names_group_openssl(0x6399));
    assert_string_equal(tg_names_group(25), "secp521r1");
    assert_string_equal(tg_names_group(30), "x448");
}

static void test_group_aliases(void **state)
{
    static const struct {
        const char *name;
        int code;
    } cases[] = {
        {"P-256", 23},       {"p-256", 23},      {"prime256v1", 23},
        {"secp256r1", 23},   {"SECP256R1", 23},  {"P-384", 24},
        {"secp384r1", 24},   {"P-521", 25},      {"secp521r1", 25},
        {"X25519", 29},      {"x25519", 29},     {"X448", 30},
        {"ffdhe3072", 0x0101}, {"x25519mlkem768", 0x11ec},
        {"P-255", -1},       {"x2551", -1},      {"", -1},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (tg_names_group_code(cases[i].name) != cases[i].code)
            fail_msg("\"%s\": want %d", cases[i].name, cases[i].code);
    }
    assert_int_equal(tg_names_group_code(NULL), -1);
}

static void test_sigalgs(void **state)
{
    (void)state;
    assert_string_equal(tg_names_sigalg(0x0401), "rsa_pkcs1_sha256");
    assert_string_equal(tg_names_sigalg(0x0804), "rsa_pss_rsae_sha256");
    assert_string_equal(tg_names_sigalg(0x0807), "ed25519");
    assert_string_equal(tg_names_sigalg(0x0403), "ecdsa_secp256r1_sha256");
    assert_string_equal(tg_names_sigalg(0x0303), "ecdsa_sha224");
    assert_int_equal(tg_names_sigalg_code("RSA_PSS_RSAE_SHA384"), 0x0805);
    assert_null(tg_names_sigalg(0x0800));
}

static void test_extensions(void **state)
{
    static const struct {
        uint16_t code;
        const char *name;
    } cases[] = {
        {0, "server_name"},
        {10, "supported_groups"},
        {13, "signature_algorithms"},
        {16, "application_layer_protocol_negotiation"},
        {43, "supported_versions"},
        {51, "key_share"},
        {65281, "renegotiation_info"},
        {17513, "application_settings"},
        {65037, "encrypted_client_hello"},
        {35, "session_ticket"},
        {23, "extended_master_secret"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_string_equal(tg_names_ext(cases[i].code), cases[i].name);
        assert_int_equal(tg_names_ext_code(cases[i].name), cases[i].code);
    }
    assert_null(tg_names_ext(40)); /* reserved, never assigned */
    assert_null(tg_names_ext(0xfe0c));
}

static void test_alerts(void **state)
{
    (void)state;
    assert_string_equal(tg_names_alert(0), "close_notify");
    assert_string_equal(tg_names_alert(40), "handshake_failure");
    assert_string_equal(tg_names_alert(48), "unknown_ca");
    assert_string_equal(tg_names_alert(70), "protocol_version");
    assert_string_equal(tg_names_alert(86), "inappropriate_fallback");
    assert_string_equal(tg_names_alert(112), "unrecognized_name");
    assert_string_equal(tg_names_alert(120), "no_application_protocol");
    assert_int_equal(tg_names_alert_code("Bad_Certificate"), 42);
    assert_null(tg_names_alert(1));
    assert_null(tg_names_alert(255));
    assert_string_equal(tg_names_alert_level(1), "warning");
    assert_string_equal(tg_names_alert_level(2), "fatal");
    assert_null(tg_names_alert_level(0));
    assert_null(tg_names_alert_level(3));
}

static void test_handshake_and_content(void **state)
{
    static const struct {
        uint8_t code;
        const char *name;
    } cases[] = {
        {1, "client_hello"},         {2, "server_hello"},
        {4, "new_session_ticket"},   {8, "encrypted_extensions"},
        {11, "certificate"},         {12, "server_key_exchange"},
        {13, "certificate_request"}, {14, "server_hello_done"},
        {15, "certificate_verify"},  {16, "client_key_exchange"},
        {20, "finished"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_string_equal(tg_names_handshake(cases[i].code), cases[i].name);
        assert_int_equal(tg_names_handshake_code(cases[i].name),
                         cases[i].code);
    }
    assert_null(tg_names_handshake(7));
    assert_string_equal(tg_names_content(21), "alert");
    assert_string_equal(tg_names_content(22), "handshake");
    assert_null(tg_names_content(19));
}

static void test_grease(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(grease) / sizeof(grease[0]); i++) {
        uint16_t g = grease[i];

        assert_true(tg_is_grease(g));
        assert_null(tg_names_cipher(g));
        assert_string_equal(tg_names_cipher_iana(g), TG_NAMES_GREASE);
        assert_string_equal(tg_names_group(g), TG_NAMES_GREASE);
        assert_string_equal(tg_names_sigalg(g), TG_NAMES_GREASE);
        assert_string_equal(tg_names_ext(g), TG_NAMES_GREASE);
        assert_string_equal(tg_names_version(g), TG_NAMES_GREASE);
        assert_null(tg_names_version_ecs(g));
    }
    /* exactly 16 GREASE values exist */
    unsigned count = 0;
    for (uint32_t c = 0; c <= 0xffff; c++)
        count += tg_is_grease((uint16_t)c) ? 1 : 0;
    assert_int_equal(count, 16);
    assert_false(tg_is_grease(0x0a1a));
    assert_false(tg_is_grease(0x0b0b));
    /* GREASE does not apply to alerts: 0x0a is unexpected_message */
    assert_string_equal(tg_names_alert(0x0a), "unexpected_message");
}

static void test_unknown_and_hex(void **state)
{
    char buf[TG_NAMES_HEX_MAX];
    char small[6];

    (void)state;
    assert_null(tg_names_cipher(0x1316));
    assert_null(tg_names_cipher_iana(0xffff));
    assert_null(tg_names_group(0x1234));
    assert_null(tg_names_name(TG_NAMES_KIND_COUNT, 1));
    assert_null(tg_names_find((tg_names_kind_t)99, 1));
    assert_int_equal(tg_names_code((tg_names_kind_t)99, "x25519"), -1);
    assert_string_equal(tg_names_hex(0x1234, buf, sizeof buf), "0x1234");
    assert_string_equal(tg_names_hex(0xabcd, buf, sizeof buf), "0xabcd");
    assert_string_equal(tg_names_hex(0x0000, buf, sizeof buf), "0x0000");
    assert_string_equal(tg_names_hex(0x00ff, small, sizeof small), "");
    assert_string_equal(tg_names_or_hex(TG_NAMES_GROUP, 0x1234, buf,
                                        sizeof buf), "0x1234");
    assert_string_equal(tg_names_or_hex(TG_NAMES_GROUP, 29, buf, sizeof buf),
                        "x25519");
    assert_string_equal(tg_names_or_hex(TG_NAMES_EXT, 0x2a2a, buf, sizeof buf),
                        "GREASE");
}

static void test_versions(void **state)
{
    size_t n;
    const tg_version_t *v = tg_names_versions(&n);

    (void)state;
    assert_true(n >= 6);
    for (size_t i = 1; i < n; i++)
        assert_true(v[i - 1].code < v[i].code);
    assert_string_equal(tg_names_version(0x0303), "TLSv1.2");
    assert_string_equal(tg_names_version_ecs(0x0303), "1.2");
    assert_string_equal(tg_names_version_protocol(0x0303), "tls");
    assert_string_equal(tg_names_version(0x0301), "TLSv1");
    assert_string_equal(tg_names_version_ecs(0x0301), "1.0");
    assert_string_equal(tg_names_version(0x0304), "TLSv1.3");
    assert_string_equal(tg_names_version(0x0300), "SSLv3");
    assert_string_equal(tg_names_version_protocol(0x0300), "ssl");
    assert_string_equal(tg_names_version(0x0002), "SSLv2");
    assert_string_equal(tg_names_version(0xfefd), "DTLSv1.2");
    assert_string_equal(tg_names_version_protocol(0xfefd), "dtls");
    assert_null(tg_names_version(0x0305));
    assert_null(tg_names_version_ecs(0x7f17));
}

static void test_version_names(void **state)
{
    static const struct {
        const char *name;
        int code;
    } cases[] = {
        {"TLSv1", 0x0301},   {"TLSv1.0", 0x0301}, {"tlsv1.0", 0x0301},
        {"TLSv1.1", 0x0302}, {"TLSV1.2", 0x0303}, {"tlsv1.2", 0x0303},
        {"TLSv1.3", 0x0304}, {"SSLv3", 0x0300},   {"DTLSv1.2", 0xfefd},
        {"DTLSv1", 0xfeff},  {"DTLSv1.0", 0xfeff}, {"TLSv1.4", -1},
        {"TLS1.2", -1},      {"", -1},            {"TLSv1.2 ", -1},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (tg_names_version_code(cases[i].name) != cases[i].code)
            fail_msg("\"%s\": want %d", cases[i].name, cases[i].code);
    }
    assert_int_equal(tg_names_version_code(NULL), -1);
}

/* Parses "0xC0,0x2F - IANA - OPENSSL ..." ; returns 1 on a data line. */
static int parse_cipher_line(const char *line, unsigned *code, char *iana,
                             char *ossl)
{
    unsigned hi, lo;

    if (line[0] == '#' || line[0] == '\n' || line[0] == '\0')
        return 0;
    if (sscanf(line, "0x%x,0x%x - %127s - %127s", &hi, &lo, iana, ossl) != 4)
        fail_msg("unparsable line: %s", line);
    *code = (hi << 8) | lo;
    return 1;
}

static void test_openssl_cipher_list_agrees(void **state)
{
    FILE *f = fopen(OPENSSL_CIPHERS_FILE, "r");
    char line[512], iana[128], ossl[128];
    unsigned code, lines = 0;

    (void)state;
    if (f == NULL)
        fail_msg("cannot open %s (run from the repository root)",
                 OPENSSL_CIPHERS_FILE);
    while (fgets(line, sizeof line, f) != NULL) {
        const tg_name_t *e;

        if (!parse_cipher_line(line, &code, iana, ossl))
            continue;
        lines++;
        e = tg_names_cipher((uint16_t)code);
        if (e == NULL)
            fail_msg("0x%04x %s missing", code, ossl);
        if (strcmp(e->iana, iana) != 0)
            fail_msg("0x%04x: IANA name %s, want %s", code, e->iana, iana);
        if (e->openssl == NULL || strcmp(e->openssl, ossl) != 0)
            fail_msg("0x%04x: OpenSSL name %s, want %s", code,
                     e->openssl ? e->openssl : "(null)", ossl);
        assert_int_equal(tg_names_cipher_code(ossl), (int)code);
        assert_int_equal(tg_names_cipher_code(iana), (int)code);
    }
    fclose(f);
    /* OpenSSL 3.0 on Debian 12: 155 TLS 1.2 suites + 5 TLS 1.3 suites */
    assert_true(lines >= 160);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_sorted_and_unique),
        cmocka_unit_test(test_every_name_maps_back),
        cmocka_unit_test(test_names_are_plain_ascii),
        cmocka_unit_test(test_binary_search_matches_scan),
        cmocka_unit_test(test_known_ciphers),
        cmocka_unit_test(test_cipher_table_size),
        cmocka_unit_test(test_cipher_by_name),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_group_aliases),
        cmocka_unit_test(test_sigalgs),
        cmocka_unit_test(test_extensions),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_handshake_and_content),
        cmocka_unit_test(test_grease),
        cmocka_unit_test(test_unknown_and_hex),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_version_names),
        cmocka_unit_test(test_openssl_cipher_list_agrees),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
