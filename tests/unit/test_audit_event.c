/* test_audit_event.c - the audit and watch lines: valid, bounded, cut cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tg_audit_event.h"
#include "tg_event.h"

#define NOW_US INT64_C(1764583200000000) /* 2025-12-01T10:00:00Z */

static tg_audit_cert_t certs[TG_AUDIT_MAX_CERTS];

static void fill_cert(tg_audit_cert_t *c, int leaf, unsigned n_sans)
{
    memset(c, 0, sizeof(*c));
    c->leaf = leaf;
    snprintf(c->subject, sizeof(c->subject), "CN=www.example.org");
    snprintf(c->issuer, sizeof(c->issuer), "CN=Example CA");
    snprintf(c->serial, sizeof(c->serial), "0A1B");
    snprintf(c->key_type, sizeof(c->key_type), "EC");
    snprintf(c->curve, sizeof(c->curve), "P-256");
    snprintf(c->sig_alg, sizeof(c->sig_alg), "ecdsa-with-SHA256");
    memset(c->sha256, 'A', 64);
    for (unsigned i = 0; i < n_sans; i++)
        snprintf(c->sans[i], sizeof(c->sans[i]), "name%u.example.org", i);
    c->n_sans = n_sans;
    c->key.bits = 256;
    c->key.not_before = NOW_US / 1000000 - 86400;
    c->key.not_after = NOW_US / 1000000 + 10 * 86400 + 3600;
}

static tg_audit_t *audit(unsigned n_certs)
{
    static tg_audit_t a;
    memset(&a, 0, sizeof(a));
    a.now_us = NOW_US;
    a.version = "0.1.0";
    a.vhost = "<VirtualHost> at /etc/apache2/sites-enabled/www.conf:1 (www.example.org:443)";
    a.policy = "intermediate";
    a.mode = "enforce";
    a.versions = "TLSv1.2-TLSv1.3";
    a.ciphers12 = "ECDHE-ECDSA-AES128-GCM-SHA256";
    a.suites13 = "TLS_AES_128_GCM_SHA256";
    a.groups = "X25519:prime256v1";
    a.session_cache = "server";
    a.names[0] = "www.example.org";
    a.covered[0] = 1;
    a.n_names = 1;
    a.chain_verified = 1;
    for (unsigned i = 0; i < n_certs; i++)
        fill_cert(&certs[i], i % 2 == 0, i % 2 == 0 ? TG_AUDIT_MAX_SANS : 0);
    a.certs = certs;
    a.n_certs = n_certs;
    tg_audit_add_dev(&a, "ocsp_stapling", "OCSP stapling is off");
    return &a;
}

static void test_days_left_floors(void **state)
{
    (void)state;
    assert_int_equal(tg_audit_days_left(NOW_US, NOW_US / 1000000 + 86399), 0);
    assert_int_equal(tg_audit_days_left(NOW_US, NOW_US / 1000000 + 5 * 86400), 5);
    assert_int_equal(tg_audit_days_left(NOW_US, NOW_US / 1000000 - 1), -1);
    assert_int_equal(tg_audit_days_left(NOW_US, NOW_US / 1000000 - 86401), -2);
}

static void test_watch_action(void **state)
{
    (void)state;
    assert_string_equal(tg_watch_action(-1, 30), "certificate-expired");
    assert_string_equal(tg_watch_action(29, 30), "certificate-expiring");
    assert_null(tg_watch_action(30, 30));
    assert_null(tg_watch_action(0, 0));
}

static void test_one_certificate_is_whole(void **state)
{
    char line[TG_EVENT_LINE_MAX];
    size_t n = tg_audit_encode(audit(1), line, sizeof(line));
    (void)state;
    assert_true(n > 0 && n < sizeof(line) && line[n - 1] == '\n');
    line[n - 1] = '\0';
    assert_non_null(strstr(line, "\"action\":\"tls-config-audit\""));
    assert_non_null(strstr(line, "\"deviations\":[{\"rule\":\"ocsp_stapling\""));
    assert_non_null(strstr(line, "\"public_key_curve\":\"P-256\""));
    assert_non_null(strstr(line, "\"days_left\":10,"));
    assert_null(strstr(line, "truncated"));
}

static void test_many_certificates_are_cut_with_the_flag(void **state)
{
    char line[TG_EVENT_LINE_MAX];
    size_t n = tg_audit_encode(audit(TG_AUDIT_MAX_CERTS), line, sizeof(line));
    (void)state;
    assert_true(n > 0 && n <= sizeof(line) && line[n - 1] == '\n');
    assert_non_null(strstr(line, ",\"truncated\":true}}\n"));
    assert_non_null(strstr(line, "\"deviations\":[{")); /* first: never cut */
}

static void test_watch_line(void **state)
{
    char line[TG_EVENT_LINE_MAX];
    tg_watch_t w = {NOW_US, "0.1.0", "v", "modern", &certs[0], 30, 4242};
    size_t n;
    (void)state;
    fill_cert(&certs[0], 1, 2);
    n = tg_watch_encode(&w, line, sizeof(line));
    assert_true(n > 0 && line[n - 1] == '\n');
    assert_non_null(strstr(line, "\"action\":\"certificate-expiring\""));
    assert_non_null(strstr(line, "\"process\":{\"pid\":4242}"));
    assert_non_null(strstr(line, "\"certificate\":{\"role\":\"leaf\",\"days_left\":10,"
                                 "\"warn_days\":30}"));
}

/* The longest names a record holds: the line keeps tlsguard's head and the
 * deviations, and cuts the certificate list instead. */
static void test_long_names_never_cost_the_head(void **state)
{
    char line[TG_EVENT_LINE_MAX];
    tg_audit_t *a = audit(TG_AUDIT_MAX_CERTS);
    size_t n;
    (void)state;
    for (unsigned c = 0; c < TG_AUDIT_MAX_CERTS; c++) {
        for (unsigned i = 0; i < certs[c].n_sans; i++) {
            memset(certs[c].sans[i], 'x', sizeof(certs[c].sans[i]) - 1);
            certs[c].sans[i][sizeof(certs[c].sans[i]) - 1] = '\0';
        }
        memset(certs[c].subject, 's', sizeof(certs[c].subject) - 1);
        certs[c].subject[sizeof(certs[c].subject) - 1] = '\0';
    }
    n = tg_audit_encode(a, line, sizeof(line));
    assert_true(n > 0 && line[n - 1] == '\n');
    line[n - 1] = '\0';
    assert_non_null(strstr(line, "\"mode\":\"enforce\",\"audit\":{\"deviations\":[{"));
    assert_non_null(strstr(line, "\"certificates\":["));
    assert_non_null(strstr(line, "\"truncated\":true}}"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_left_floors),
        cmocka_unit_test(test_watch_action),
        cmocka_unit_test(test_one_certificate_is_whole),
        cmocka_unit_test(test_many_certificates_are_cut_with_the_flag),
        cmocka_unit_test(test_watch_line),
        cmocka_unit_test(test_long_names_never_cost_the_head),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
