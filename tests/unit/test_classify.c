/*
 * tg_classify: every row of the reason table (R01-R31) and of the stage
 * table (S01-S13), the order between rows, the policy judgement, and the
 * observations of docs/events.md's "observed on this host" table (from
 * DESIGN.md), built by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hello_builder.h"
#include "tg_classify.h"
#include "tg_hello.h"
#include "tg_observation.h"
#include "tg_policy.h"
#include "tg_profile.h"

/* ---- hellos (tests/unit/hello_builder.h) ------------------------------------ */

static tg_hello_t hello;

/* Handshake header, legacy_version, random, empty session id, two suites. */
static void hello_begin(uint16_t version)
{
    static const uint16_t suites[] = {0x1301, 0xc02f};

    hb_begin(version, suites, 2, 0);
}

static void ext_u16_list(uint16_t type, const uint16_t *v, size_t n, int byte_len)
{
    hb_ext_u16(&hb_store, type, byte_len ? 1 : 2, v, n);
}

/* Closes the lengths and parses; returns the parse result. */
static int hello_end(void)
{
    return tg_hello_parse(hb_store.b, hb_end(&hb_store), &hello);
}

/* A TLS 1.3 browser-like hello: versions 1.3 and 1.2, x25519 + P-256. */
static const tg_hello_t *modern_hello(void)
{
    static const uint16_t versions[] = {0x1a1a, 0x0304, 0x0303};
    static const uint16_t groups[] = {0x2a2a, 0x001d, 0x0017};

    hello_begin(0x0303);
    ext_u16_list(TG_HELLO_EXT_SUPPORTED_VERSIONS, versions, 3, 1);
    ext_u16_list(TG_HELLO_EXT_SUPPORTED_GROUPS, groups, 3, 0);
    hb_key_share(&hb_store, 0x001d);
    assert_int_equal(hello_end(), TG_HELLO_OK);
    return &hello;
}

/* A TLS 1.0 client without supported_versions. */
static const tg_hello_t *tls10_hello(void)
{
    static const uint16_t groups[] = {0x0017};

    hello_begin(0x0301);
    ext_u16_list(TG_HELLO_EXT_SUPPORTED_GROUPS, groups, 1, 0);
    assert_int_equal(hello_end(), TG_HELLO_OK);
    return &hello;
}

/* ---- observations ----------------------------------------------------------- */

static tg_observation_t obs;
static tg_verdict_t v;

static const uint8_t tls_start[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};

/* A hello arrived, nothing sent yet (the start of every TLS case). */
static void seen_hello(void)
{
    tg_observation_init(&obs);
    memcpy(obs.first_bytes, tls_start, sizeof tls_start);
    obs.first_len = sizeof tls_start;
    obs.bytes_in = 517;
    obs.hello = hb_store.b;
    obs.hello_len = 64;
    obs.hellos = 1;
    obs.msgs_in = 1;
    obs.last_msg_in = 1;
    obs.handshake_started = 1;
}

static void raw_only(const char *bytes, size_t n)
{
    tg_observation_init(&obs);
    memcpy(obs.first_bytes, bytes, n < TG_OBS_FIRST_BYTES ? n : TG_OBS_FIRST_BYTES);
    obs.first_len = n < TG_OBS_FIRST_BYTES ? n : TG_OBS_FIRST_BYTES;
    obs.bytes_in = n;
}

static void alert_out(uint8_t desc)
{
    obs.alert_sent = (tg_obs_alert_t){1, 2, desc};
}

static void alert_in(uint8_t desc)
{
    obs.alert_received = (tg_obs_alert_t){1, 2, desc};
}

static void classify(const tg_hello_t *h, int err, const tg_policy_t *p)
{
    memset(&v, 0xff, sizeof v);
    tg_classify(&obs, h, err, p, &v);
}

static void expect(tg_reason_t reason, const char *rrule, tg_stage_t stage,
                   const char *srule)
{
    assert_string_equal(tg_reason_name(v.reason), tg_reason_name(reason));
    assert_int_equal(v.reason, reason);
    assert_string_equal(v.reason_rule, rrule);
    assert_string_equal(tg_stage_name(v.stage), tg_stage_name(stage));
    assert_int_equal(v.stage, stage);
    assert_string_equal(v.stage_rule, srule);
    assert_int_equal(v.success, reason == TG_REASON_NONE);
}

/* A policy whose TLSGuardGroups says `groups` (resolved at build time). */
static tg_policy_t with_groups(const tg_policy_t *base, const char *groups)
{
    tg_policy_overrides_t ov = {.groups = groups};
    tg_policy_t p;
    char err[256];

    assert_int_equal(tg_policy_build(base->profile, &ov, &p, err, sizeof err), 0);
    return p;
}

static tg_policy_t policy_of(const char *profile)
{
    tg_policy_t p;
    char err[256];

    assert_int_equal(tg_policy_build(tg_profile_find(profile),
                                     &(tg_policy_overrides_t){0}, &p, err,
                                     sizeof err), 0);
    return p;
}

/* ---- the table of DESIGN.md: what was observed on this host ------------------- */

static void test_observed_tls10_only(void **state)
{
    (void)state;
    seen_hello();
    alert_out(70);
    obs.tls_error = TG_TLSERR_UNSUPPORTED_PROTOCOL;
    classify(tls10_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_PROTOCOL_VERSION, "R06", TG_STAGE_CLIENT_HELLO, "S02");
    assert_false(v.judged);
}

static void test_observed_weak_ciphers(void **state)
{
    (void)state;
    seen_hello();
    alert_out(40);
    obs.tls_error = TG_TLSERR_NO_SHARED_CIPHER;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_NO_SHARED_CIPHER, "R07", TG_STAGE_CLIENT_HELLO, "S02");
}

static void test_observed_plain_http(void **state)
{
    (void)state;
    raw_only("GET / HTTP/1.1\r\nHost: x\r\n", 25);
    obs.tls_error = TG_TLSERR_HTTP_REQUEST;
    classify(NULL, TG_HELLO_OK, NULL);
    expect(TG_REASON_NOT_TLS, "R04", TG_STAGE_CLIENT_HELLO, "S02");
}

static void test_observed_unknown_ca_tls13(void **state)
{
    (void)state;
    seen_hello();
    obs.last_msg_out = 20; /* our Finished */
    alert_in(48);
    obs.tls_error = TG_TLSERR_PEER_ALERT;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_REJECTED_CERTIFICATE, "R13", TG_STAGE_CERTIFICATE,
           "S03");
}

static void test_observed_unknown_ca_tls12(void **state)
{
    (void)state;
    seen_hello();
    obs.last_msg_out = 14; /* ServerHelloDone */
    alert_in(48);
    obs.tls_error = TG_TLSERR_PEER_ALERT;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_REJECTED_CERTIFICATE, "R13", TG_STAGE_CERTIFICATE,
           "S03");
}

static void test_observed_connect_and_close(void **state)
{
    (void)state;
    tg_observation_init(&obs);
    obs.peer_eof = 1;
    classify(NULL, TG_HELLO_OK, NULL);
    expect(TG_REASON_EMPTY_CONNECTION, "R03", TG_STAGE_CLIENT_HELLO, "S02");
}

static void test_observed_partial_hello_timeout(void **state)
{
    (void)state;
    raw_only("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
    obs.read_timeout = 1;
    obs.handshake_started = 1;
    classify(NULL, TG_HELLO_OK, NULL);
    expect(TG_REASON_TIMEOUT, "R02", TG_STAGE_CLIENT_HELLO, "S02");
}

static void test_observed_good_tls13(void **state)
{
    (void)state;
    seen_hello();
    obs.last_msg_in = 20;
    obs.last_msg_out = 4; /* NewSessionTicket */
    obs.handshake_done = 1;
    obs.version = 0x0304;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_NONE, "R01", TG_STAGE_ESTABLISHED, "S01");
    assert_true(v.success);
    assert_string_equal(tg_reason_name(v.reason), "none");
}

/* ---- every reason row ----------------------------------------------------------- */

static void test_r02_timeout_wins_over_eof(void **state)
{
    (void)state;
    seen_hello();
    obs.last_msg_out = 14;
    obs.read_timeout = 1;
    obs.peer_eof = 1;
    obs.tls_error = TG_TLSERR_UNEXPECTED_EOF;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_TIMEOUT, "R02", TG_STAGE_KEY_EXCHANGE, "S09");
}

static void test_r03_needs_silence(void **state)
{
    (void)state;
    /* no raw observer: bytes_in stays 0, the library still says HTTP */
    tg_observation_init(&obs);
    obs.tls_error = TG_TLSERR_HTTP_REQUEST;
    classify(NULL, TG_HELLO_OK, NULL);
    expect(TG_REASON_NOT_TLS, "R04", TG_STAGE_CLIENT_HELLO, "S02");

    /* closed without a byte, the library saw the EOF */
    tg_observation_init(&obs);
    obs.tls_error = TG_TLSERR_UNEXPECTED_EOF;
    obs.peer_eof = 1;
    obs.handshake_started = 1;
    classify(NULL, TG_HELLO_OK, NULL);
    expect(TG_REASON_EMPTY_CONNECTION, "R03", TG_STAGE_CLIENT_HELLO, "S02");

    /* one byte counted: not empty any more */
    obs.bytes_in = 1;
    classify(NULL, TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_ABORTED, "R20", TG_STAGE_CLIENT_HELLO, "S02");
}

static void test_r04_not_tls_library_and_raw(void **state)
{
    static const struct {
        const char *bytes;
        size_t n;
        tg_tls_error_t lib;
        int not_tls;
    } cases[] = {
        {"CONNECT a:443 HTTP/1.1", 22, TG_TLSERR_HTTPS_PROXY_REQUEST, 1},
        {"\x15\x03\x01\x00\x02\x02\x28", 7, TG_TLSERR_NOT_TLS, 1},
        {"SSH-2.0-OpenSSH_9.2", 19, TG_TLSERR_NONE, 1},  /* raw */
        {"\x00\x00\x00\x00", 4, TG_TLSERR_OTHER, 1},      /* raw */
        {"\x16\x02\x00", 3, TG_TLSERR_NONE, 1},           /* major 2 */
        {"\x16\x03", 2, TG_TLSERR_NONE, 0},               /* a TLS start */
        {"\x16", 1, TG_TLSERR_NONE, 0},
        {"\x80\x2e\x01\x03\x01", 5, TG_TLSERR_NONE, 0},   /* SSL 2.0 hello */
        {"\x80\x2e\x02", 3, TG_TLSERR_NONE, 1},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        raw_only(cases[i].bytes, cases[i].n);
        obs.tls_error = cases[i].lib;
        obs.peer_eof = 1;
        classify(NULL, TG_HELLO_OK, NULL);
        if (cases[i].not_tls)
            expect(TG_REASON_NOT_TLS, "R04", TG_STAGE_CLIENT_HELLO, "S02");
        else
            assert_int_not_equal(v.reason, TG_REASON_NOT_TLS);
    }
}

static void test_r04_raw_needs_no_hello(void **state)
{
    (void)state;
    /* a hello was captured: the raw bytes do not decide (a proxy header
     * before the hello, say) */
    seen_hello();
    memcpy(obs.first_bytes, "PROXY TCP4 ", 11);
    obs.tls_error = TG_TLSERR_OTHER;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_OTHER, "R21", TG_STAGE_CLIENT_HELLO, "S02");
}

static void test_r05_inappropriate_fallback(void **state)
{
    (void)state;
    seen_hello();
    obs.tls_error = TG_TLSERR_INAPPROPRIATE_FALLBACK;
    alert_out(86);
    classify(tls10_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_INAPPROPRIATE_FALLBACK, "R05", TG_STAGE_CLIENT_HELLO, "S02");

    /* the alert alone, with an unmapped library reason */
    obs.tls_error = TG_TLSERR_OTHER;
    classify(tls10_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_INAPPROPRIATE_FALLBACK, "R05", TG_STAGE_CLIENT_HELLO, "S02");
}

static void test_r06_protocol_version_by_alert(void **state)
{
    (void)state;
    /* the client refused the version of our ServerHello */
    seen_hello();
    obs.last_msg_out = 2;
    alert_in(70);
    obs.tls_error = TG_TLSERR_PEER_ALERT;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_PROTOCOL_VERSION, "R06", TG_STAGE_SERVER_HELLO, "S07");
}

static void test_r07_to_r09_library_decides(void **state)
{
    tg_policy_t modern = policy_of("modern");

    (void)state;
    seen_hello();
    alert_out(40);
    /* the library's cipher verdict stands although the policy judgement
     * would say protocol_version */
    obs.tls_error = TG_TLSERR_NO_SHARED_CIPHER;
    classify(tls10_hello(), TG_HELLO_OK, &modern);
    expect(TG_REASON_NO_SHARED_CIPHER, "R07", TG_STAGE_CLIENT_HELLO, "S02");
    assert_false(v.judged);

    obs.tls_error = TG_TLSERR_NO_SHARED_GROUP;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_NO_SHARED_GROUP, "R08", TG_STAGE_CLIENT_HELLO, "S02");

    obs.tls_error = TG_TLSERR_NO_SHARED_SIGALG;
    obs.last_msg_out = TG_OBS_NO_MSG;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_NO_SHARED_SIGALG, "R09", TG_STAGE_CLIENT_HELLO, "S02");
}

static void test_r10_unknown_server_name(void **state)
{
    (void)state;
    seen_hello();
    obs.tls_error = TG_TLSERR_UNRECOGNIZED_NAME;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_UNKNOWN_SERVER_NAME, "R10", TG_STAGE_CLIENT_HELLO, "S02");

    obs.tls_error = TG_TLSERR_CALLBACK_FAILED;
    alert_out(112);
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_UNKNOWN_SERVER_NAME, "R10", TG_STAGE_CLIENT_HELLO, "S02");

    /* a name OpenSSL could not decode (over 255 bytes, a NUL): alert 112
     * with the library's "bad extension" is a malformed hello */
    obs.tls_error = TG_TLSERR_MALFORMED;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_MALFORMED_HELLO, "R14", TG_STAGE_CLIENT_HELLO, "S02");
}

static void test_r11_alpn_mismatch(void **state)
{
    (void)state;
    seen_hello();
    obs.tls_error = TG_TLSERR_NO_APPLICATION_PROTOCOL;
    alert_out(120);
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_ALPN_MISMATCH, "R11", TG_STAGE_CLIENT_HELLO, "S02");

    /* the client refused the protocol we picked: it judged our hello */
    seen_hello();
    obs.last_msg_out = 20;
    alert_in(120);
    obs.tls_error = TG_TLSERR_PEER_ALERT;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_ALPN_MISMATCH, "R11", TG_STAGE_SERVER_HELLO, "S04");
}

/* A hello offering ALPN "imap" (and h2 when both is set). */
static const tg_hello_t *alpn_hello(int both)
{
    static const uint8_t imap[] = {0x00, 0x05, 0x04, 'i', 'm', 'a', 'p'};
    static const uint8_t two[] = {0x00, 0x08, 0x04, 'i', 'm', 'a', 'p', 0x02, 'h', '2'};

    hello_begin(0x0303);
    hb_ext(&hb_store, TG_HELLO_EXT_ALPN, both ? two : imap, both ? sizeof two : sizeof imap);
    assert_int_equal(hello_end(), TG_HELLO_OK);
    return &hello;
}

static void test_r17_alpn_choice_not_offered(void **state)
{
    (void)state;
    /* mod_ssl fell back to http/1.1 for a client offering only imap; the
     * client answered our Finished with decode_error */
    seen_hello();
    obs.last_msg_out = 20;
    memcpy(obs.alpn, "http/1.1", 8);
    obs.alpn_len = 8;
    alert_in(50);
    obs.tls_error = TG_TLSERR_PEER_ALERT;
    classify(alpn_hello(0), TG_HELLO_OK, NULL);
    expect(TG_REASON_ALPN_MISMATCH, "R17", TG_STAGE_SERVER_HELLO, "S04");
    assert_true(v.judged);

    /* or it just closed */
    obs.alert_received.seen = 0;
    obs.tls_error = TG_TLSERR_UNEXPECTED_EOF;
    classify(alpn_hello(0), TG_HELLO_OK, NULL);
    expect(TG_REASON_ALPN_MISMATCH, "R17", TG_STAGE_SERVER_HELLO, "S04");

    /* an offered choice is no mismatch; prefixes do not count */
    memcpy(obs.alpn, "h2", 2);
    obs.alpn_len = 2;
    classify(alpn_hello(1), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_ABORTED, "R20", TG_STAGE_FINISHED, "S10");
    memcpy(obs.alpn, "ima", 3);
    obs.alpn_len = 3;
    classify(alpn_hello(1), TG_HELLO_OK, NULL);
    expect(TG_REASON_ALPN_MISMATCH, "R17", TG_STAGE_SERVER_HELLO, "S04");

    /* no ALPN in the hello, or an unparsed hello: nothing to judge */
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_ABORTED, "R20", TG_STAGE_FINISHED, "S10");
    classify(alpn_hello(0), TG_HELLO_BAD_EXTENSION, NULL);
    expect(TG_REASON_MALFORMED_HELLO, "R15", TG_STAGE_FINISHED, "S10");

    /* the library's specific reason wins */
    obs.tls_error = TG_TLSERR_PEER_CERTIFICATE;
    obs.last_msg_in = 11;
    classify(alpn_hello(0), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_CERTIFICATE_INVALID, "R12", TG_STAGE_CERTIFICATE,
           "S03");

    /* a completed handshake is a success whatever was selected */
    seen_hello();
    obs.handshake_done = 1;
    memcpy(obs.alpn, "http/1.1", 8);
    obs.alpn_len = 8;
    classify(alpn_hello(0), TG_HELLO_OK, NULL);
    expect(TG_REASON_NONE, "R01", TG_STAGE_ESTABLISHED, "S01");
}

static void test_r12_client_certificate_invalid(void **state)
{
    (void)state;
    /* TLS 1.3: our Finished out, the client's Certificate in, refused */
    seen_hello();
    obs.last_msg_out = 20;
    obs.last_msg_in = 11;
    obs.tls_error = TG_TLSERR_PEER_CERTIFICATE;
    alert_out(48);
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_CERTIFICATE_INVALID, "R12", TG_STAGE_CERTIFICATE,
           "S03");

    /* none sent although required */
    obs.tls_error = TG_TLSERR_PEER_NO_CERTIFICATE;
    alert_out(116);
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_CERTIFICATE_INVALID, "R12", TG_STAGE_CERTIFICATE,
           "S03");

    /* TLS 1.2: the alert we sent is enough, library reason unmapped */
    seen_hello();
    obs.last_msg_out = 14;
    obs.last_msg_in = 11;
    obs.tls_error = TG_TLSERR_OTHER;
    alert_out(45);
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_CERTIFICATE_INVALID, "R12", TG_STAGE_CERTIFICATE,
           "S03");
}

static void test_r13_every_certificate_alert(void **state)
{
    static const uint8_t alerts[] = {42, 43, 44, 45, 46, 48, 111, 113, 114};

    (void)state;
    for (size_t i = 0; i < sizeof alerts; i++) {
        seen_hello();
        obs.last_msg_out = 20;
        alert_in(alerts[i]);
        obs.tls_error = TG_TLSERR_PEER_ALERT;
        classify(modern_hello(), TG_HELLO_OK, NULL);
        expect(TG_REASON_CLIENT_REJECTED_CERTIFICATE, "R13",
               TG_STAGE_CERTIFICATE, "S03");
    }
    /* certificate_required is only ever ours to send */
    alert_in(116);
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_OTHER, "R21", TG_STAGE_FINISHED, "S10");
}

static void test_r14_r15_malformed_hello(void **state)
{
    int err;

    (void)state;
    /* the library could not decode the hello */
    seen_hello();
    obs.tls_error = TG_TLSERR_MALFORMED;
    alert_out(50);
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_MALFORMED_HELLO, "R14", TG_STAGE_CLIENT_HELLO, "S02");

    /* a later message was malformed: not the hello (R27) */
    obs.last_msg_out = 14;
    obs.last_msg_in = 16;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_PROTOCOL_VIOLATION, "R27", TG_STAGE_KEY_EXCHANGE, "S05");

    /* our parser refuses the captured hello (a list length off by one) */
    modern_hello();
    hb_store.b[4 + 2 + 32 + 1 + 1] = 5; /* cipher_suites length 4 -> 5 */
    err = tg_hello_parse(hb_store.b, hb_store.len, &hello);
    assert_int_not_equal(err, TG_HELLO_OK);
    seen_hello();
    obs.peer_eof = 1;
    classify(&hello, err, NULL);
    expect(TG_REASON_MALFORMED_HELLO, "R15", TG_STAGE_CLIENT_HELLO, "S02");

    /* the library's specific reason beats our parser's */
    obs.tls_error = TG_TLSERR_UNSUPPORTED_PROTOCOL;
    classify(&hello, err, NULL);
    expect(TG_REASON_PROTOCOL_VERSION, "R06", TG_STAGE_CLIENT_HELLO, "S02");
}

static void test_r32_r33_guard_refusal(void **state)
{
    int err;

    (void)state;
    /* the guard refused every version (alert 70): its reason wins over R06 */
    seen_hello();
    obs.tls_error = TG_TLSERR_POLICY_UNRESOLVED;
    alert_out(70);
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_POLICY_UNRESOLVED, "R33", TG_STAGE_CLIENT_HELLO, "S02");

    /* and when our parser refused the hello (a duplicate extension), the
     * hello is what the event blames */
    modern_hello();
    hb_store.b[4 + 2 + 32 + 1 + 1] = 5;
    err = tg_hello_parse(hb_store.b, hb_store.len, &hello);
    assert_int_not_equal(err, TG_HELLO_OK);
    classify(&hello, err, NULL);
    expect(TG_REASON_MALFORMED_HELLO, "R32", TG_STAGE_CLIENT_HELLO, "S02");
}

static void test_r15_not_for_our_own_cut(void **state)
{
    int err;

    (void)state;
    modern_hello();
    err = tg_hello_parse(hb_store.b, hb_store.len - 3, &hello);
    assert_int_equal(err, TG_HELLO_TRUNCATED);
    seen_hello();
    obs.peer_eof = 1;
    obs.hello_truncated = 1; /* longer than TG_OBS_MAX_HELLO: our cut */
    classify(&hello, err, NULL);
    expect(TG_REASON_CLIENT_ABORTED, "R20", TG_STAGE_CLIENT_HELLO, "S02");

    obs.hello_truncated = 0; /* the client's own message was short */
    classify(&hello, err, NULL);
    expect(TG_REASON_MALFORMED_HELLO, "R15", TG_STAGE_CLIENT_HELLO, "S02");
}

static void test_r16_internal_error(void **state)
{
    (void)state;
    seen_hello();
    obs.tls_error = TG_TLSERR_INTERNAL;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_INTERNAL_ERROR, "R16", TG_STAGE_CLIENT_HELLO, "S02");

    obs.tls_error = TG_TLSERR_NONE;
    obs.last_msg_out = 2;
    alert_out(80);
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_INTERNAL_ERROR, "R16", TG_STAGE_SERVER_HELLO, "S07");
}

static void test_r18_judged_protocol_version(void **state)
{
    tg_policy_t modern = policy_of("modern");
    tg_policy_t old = policy_of("old");

    (void)state;
    seen_hello();
    alert_out(40);
    obs.tls_error = TG_TLSERR_OTHER;
    classify(tls10_hello(), TG_HELLO_OK, &modern);
    expect(TG_REASON_PROTOCOL_VERSION, "R18", TG_STAGE_CLIENT_HELLO, "S02");
    assert_true(v.judged);

    /* inside the old profile's range: no judgement, the fallback row */
    classify(tls10_hello(), TG_HELLO_OK, &old);
    expect(TG_REASON_OTHER, "R21", TG_STAGE_CLIENT_HELLO, "S02");
    assert_false(v.judged);

    /* no policy: no judgement */
    classify(tls10_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_OTHER, "R21", TG_STAGE_CLIENT_HELLO, "S02");

    /* an unparsed hello is never judged */
    classify(tls10_hello(), TG_HELLO_BAD_EXTENSION, &modern);
    assert_int_not_equal(v.reason, TG_REASON_PROTOCOL_VERSION);
}

static void test_r19_judged_no_shared_group(void **state)
{
    static const uint16_t ffdhe[] = {0x0100, 0x0101};
    tg_policy_t inter = policy_of("intermediate");
    tg_policy_t nist = policy_of("nist-800-52r2");

    (void)state;
    hello_begin(0x0303);
    ext_u16_list(TG_HELLO_EXT_SUPPORTED_GROUPS, ffdhe, 2, 0);
    assert_int_equal(hello_end(), TG_HELLO_OK);
    seen_hello();
    obs.tls_error = TG_TLSERR_NONE;
    alert_out(40);
    classify(&hello, TG_HELLO_OK, &inter);
    expect(TG_REASON_NO_SHARED_GROUP, "R19", TG_STAGE_CLIENT_HELLO, "S02");
    assert_true(v.judged);

    /* NIST lists ffdhe2048: shared, so not this row */
    classify(&hello, TG_HELLO_OK, &nist);
    expect(TG_REASON_OTHER, "R21", TG_STAGE_CLIENT_HELLO, "S02");
}

static void test_r20_client_aborted(void **state)
{
    (void)state;
    /* TLS 1.2 client closes after our ServerHelloDone */
    seen_hello();
    obs.last_msg_out = 14;
    obs.tls_error = TG_TLSERR_UNEXPECTED_EOF;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_ABORTED, "R20", TG_STAGE_KEY_EXCHANGE, "S09");

    /* closed with no library reason */
    seen_hello();
    obs.peer_eof = 1;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_ABORTED, "R20", TG_STAGE_CLIENT_HELLO, "S02");

    /* close_notify and user_canceled from the client */
    seen_hello();
    obs.last_msg_out = 20;
    obs.tls_error = TG_TLSERR_PEER_ALERT;
    alert_in(0);
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_ABORTED, "R20", TG_STAGE_FINISHED, "S10");
    alert_in(90);
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_ABORTED, "R20", TG_STAGE_FINISHED, "S10");
}

static void test_r21_other(void **state)
{
    (void)state;
    /* insufficient_security from the client after our ServerHelloDone */
    seen_hello();
    obs.last_msg_out = 14;
    alert_in(71);
    obs.tls_error = TG_TLSERR_PEER_ALERT;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_OTHER, "R21", TG_STAGE_KEY_EXCHANGE, "S09");

    /* an out-of-range library code is treated as "other" */
    seen_hello();
    obs.tls_error = (tg_tls_error_t)77;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_OTHER, "R21", TG_STAGE_CLIENT_HELLO, "S02");
}

/* ---- protocol violations after the hello ------------------------------------------- */

/* The hello answered (TLS 1.2: up to ServerHelloDone; TLS 1.3: up to our
 * Finished), then the library's reason. */
static void answered(int last_out, tg_tls_error_t e)
{
    seen_hello();
    obs.last_msg_out = last_out;
    obs.tls_error = e;
}

static void test_r25_to_r27_library_protocol_violations(void **state)
{
    static const struct {
        tg_tls_error_t lib;
        uint8_t alert;
        int last_in, last_out;
        tg_reason_t reason;
        const char *rule;
        tg_stage_t stage;
        const char *srule;
    } cases[] = {
        /* TLS 1.3: random bytes in place of the client's Finished */
        {TG_TLSERR_BAD_RECORD_MAC, 20, 1, 20, TG_REASON_BAD_RECORD_MAC, "R25",
         TG_STAGE_FINISHED, "S10"},
        /* TLS 1.2: the client's Finished MAC is wrong ("digest check failed") */
        {TG_TLSERR_DECRYPT_ERROR, 51, 20, 14, TG_REASON_DECRYPT_ERROR, "R26",
         TG_STAGE_FINISHED, "S06"},
        /* TLS 1.2: a ClientKeyExchange whose lengths disagree */
        {TG_TLSERR_MALFORMED, 50, 16, 14, TG_REASON_PROTOCOL_VIOLATION, "R27",
         TG_STAGE_KEY_EXCHANGE, "S05"},
        /* TLS 1.2: application data, a second ClientHello, an oversized
         * message where the ClientKeyExchange belongs */
        {TG_TLSERR_MALFORMED, 10, 1, 14, TG_REASON_PROTOCOL_VIOLATION, "R27",
         TG_STAGE_KEY_EXCHANGE, "S09"},
        {TG_TLSERR_MALFORMED, 47, 1, 14, TG_REASON_PROTOCOL_VIOLATION, "R27",
         TG_STAGE_KEY_EXCHANGE, "S09"},
        /* a record over 2^14 + 2048 bytes after the hello: not "not TLS" */
        {TG_TLSERR_NOT_TLS, 22, 1, 14, TG_REASON_PROTOCOL_VIOLATION, "R24",
         TG_STAGE_KEY_EXCHANGE, "S09"},
        {TG_TLSERR_NOT_TLS, 22, 1, 20, TG_REASON_PROTOCOL_VIOLATION, "R24",
         TG_STAGE_FINISHED, "S10"},
        /* a record of the wrong version after the hello: not protocol_version,
         * although OpenSSL's alert is protocol_version */
        {TG_TLSERR_NOT_TLS, 70, 1, 14, TG_REASON_PROTOCOL_VIOLATION, "R24",
         TG_STAGE_KEY_EXCHANGE, "S09"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        answered(cases[i].last_out, cases[i].lib);
        obs.last_msg_in = cases[i].last_in;
        alert_out(cases[i].alert);
        classify(modern_hello(), TG_HELLO_OK, NULL);
        expect(cases[i].reason, cases[i].rule, cases[i].stage, cases[i].srule);
        /* the alert does not decide where the library spoke */
        obs.alert_sent.seen = 0;
        classify(modern_hello(), TG_HELLO_OK, NULL);
        expect(cases[i].reason, cases[i].rule, cases[i].stage, cases[i].srule);
    }
}

static void test_r25_to_r27_library_beats_our_parser(void **state)
{
    int err;

    (void)state;
    modern_hello();
    hb_store.b[4 + 2 + 32 + 1 + 1] = 5;
    err = tg_hello_parse(hb_store.b, hb_store.len, &hello);
    assert_int_not_equal(err, TG_HELLO_OK);
    answered(20, TG_TLSERR_BAD_RECORD_MAC);
    classify(&hello, err, NULL);
    expect(TG_REASON_BAD_RECORD_MAC, "R25", TG_STAGE_FINISHED, "S10");
}

static void test_r24_r04_record_layer_with_and_without_hello(void **state)
{
    (void)state;
    /* the same record-layer reason before any hello is not TLS */
    raw_only("\x16\x03\x03\x48\x01", 5);
    obs.tls_error = TG_TLSERR_NOT_TLS;
    classify(NULL, TG_HELLO_OK, NULL);
    expect(TG_REASON_NOT_TLS, "R04", TG_STAGE_CLIENT_HELLO, "S02");

    /* a hello counted but not copied (no memory) still is a hello */
    obs.hellos = 1;
    obs.last_msg_in = 1;
    obs.last_msg_out = 2;
    classify(NULL, TG_HELLO_OK, NULL);
    expect(TG_REASON_PROTOCOL_VIOLATION, "R24", TG_STAGE_SERVER_HELLO, "S07");
}

static void test_r28_to_r31_alerts_either_way(void **state)
{
    static const struct {
        uint8_t alert;
        tg_reason_t reason;
        const char *rule;
    } cases[] = {
        {10, TG_REASON_PROTOCOL_VIOLATION, "R31"}, /* unexpected_message */
        {20, TG_REASON_BAD_RECORD_MAC, "R29"},
        {22, TG_REASON_PROTOCOL_VIOLATION, "R31"}, /* record_overflow */
        {47, TG_REASON_PROTOCOL_VIOLATION, "R31"}, /* illegal_parameter */
        {50, TG_REASON_PROTOCOL_VIOLATION, "R31"}, /* decode_error */
        {51, TG_REASON_DECRYPT_ERROR, "R30"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* from the client, after our Finished (TLS 1.3) */
        answered(20, TG_TLSERR_PEER_ALERT);
        alert_in(cases[i].alert);
        classify(modern_hello(), TG_HELLO_OK, NULL);
        expect(cases[i].reason, cases[i].rule, TG_STAGE_FINISHED, "S10");
        /* ours, with a library reason the table does not know */
        answered(14, TG_TLSERR_OTHER);
        alert_out(cases[i].alert);
        classify(modern_hello(), TG_HELLO_OK, NULL);
        expect(cases[i].reason, cases[i].rule, TG_STAGE_KEY_EXCHANGE, "S09");
        /* a decoding alert before we answered anything: the hello broke the
         * rules (the record-protection alerts cannot come before keys) */
        if (cases[i].reason != TG_REASON_PROTOCOL_VIOLATION)
            continue;
        answered(TG_OBS_NO_MSG, TG_TLSERR_OTHER);
        alert_out(cases[i].alert);
        classify(modern_hello(), TG_HELLO_OK, NULL);
        expect(TG_REASON_MALFORMED_HELLO, "R28", TG_STAGE_CLIENT_HELLO, "S02");
    }
}

static void test_alert_rows_come_after_the_judgement(void **state)
{
    (void)state;
    /* decode_error from a client refusing an ALPN choice it never offered
     * stays alpn_mismatch (R17) */
    answered(20, TG_TLSERR_PEER_ALERT);
    memcpy(obs.alpn, "http/1.1", 8);
    obs.alpn_len = 8;
    alert_in(50);
    classify(alpn_hello(0), TG_HELLO_OK, NULL);
    expect(TG_REASON_ALPN_MISMATCH, "R17", TG_STAGE_SERVER_HELLO, "S04");
    /* and a hello our parser refuses still names the hello (R15) */
    classify(alpn_hello(0), TG_HELLO_BAD_EXTENSION, NULL);
    expect(TG_REASON_MALFORMED_HELLO, "R15", TG_STAGE_FINISHED, "S10");
}

/* ---- later handshakes: renegotiation, post-handshake authentication ---------------- */

/* The first handshake completed; a later one of this kind began, with fresh
 * outcome fields (as the observer leaves them). */
static void later_began(tg_obs_phase_t phase)
{
    seen_hello();
    obs.handshake_done = 1;
    obs.version = 0x0303;
    obs.cipher = 0xc02f;
    obs.phase = phase;
    obs.later_handshakes = 1;
    obs.last_msg_in = TG_OBS_NO_MSG;
    obs.last_msg_out = TG_OBS_NO_MSG;
}

static void test_later_handshake_completed_is_success(void **state)
{
    (void)state;
    later_began(TG_OBS_PHASE_RENEGOTIATION);
    obs.last_msg_in = 20;
    obs.phase_done = 1;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_NONE, "R01", TG_STAGE_ESTABLISHED, "S01");

    later_began(TG_OBS_PHASE_POST_HANDSHAKE_AUTH);
    obs.phase_done = 1;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_NONE, "R01", TG_STAGE_ESTABLISHED, "S01");
}

static void test_s12_renegotiation_failures(void **state)
{
    (void)state;
    /* a per-directory cipher outside the policy: no shared cipher */
    later_began(TG_OBS_PHASE_RENEGOTIATION);
    obs.last_msg_out = 0; /* HelloRequest */
    obs.last_msg_in = 1;
    obs.tls_error = TG_TLSERR_NO_SHARED_CIPHER;
    alert_out(40);
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_NO_SHARED_CIPHER, "R07", TG_STAGE_RENEGOTIATION, "S12");

    /* a client certificate refused in the renegotiation */
    obs.last_msg_out = 14;
    obs.last_msg_in = 11;
    obs.tls_error = TG_TLSERR_PEER_CERTIFICATE;
    alert_out(48);
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_CERTIFICATE_INVALID, "R12", TG_STAGE_RENEGOTIATION,
           "S12");

    /* the client closed in the middle of it */
    obs.alert_sent.seen = 0;
    obs.tls_error = TG_TLSERR_UNEXPECTED_EOF;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_ABORTED, "R20", TG_STAGE_RENEGOTIATION, "S12");

    /* still running when the connection closed, nothing said */
    obs.tls_error = TG_TLSERR_NONE;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_OTHER, "R21", TG_STAGE_RENEGOTIATION, "S12");
}

static void test_s13_post_handshake_auth_failures(void **state)
{
    (void)state;
    later_began(TG_OBS_PHASE_POST_HANDSHAKE_AUTH);
    obs.last_msg_out = 13;
    obs.last_msg_in = 11;
    obs.tls_error = TG_TLSERR_PEER_NO_CERTIFICATE;
    alert_out(116);
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_CERTIFICATE_INVALID, "R12",
           TG_STAGE_POST_HANDSHAKE_AUTH, "S13");

    obs.tls_error = TG_TLSERR_PEER_CERTIFICATE;
    alert_out(48);
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_CERTIFICATE_INVALID, "R12",
           TG_STAGE_POST_HANDSHAKE_AUTH, "S13");
}

static void test_r22_renegotiation_refused(void **state)
{
    (void)state;
    /* we refused the client's renegotiation; it gave up with a fatal alert */
    later_began(TG_OBS_PHASE_RENEGOTIATION);
    obs.tls_error = TG_TLSERR_RENEGOTIATION_REFUSED;
    obs.alert_sent = (tg_obs_alert_t){1, 1, 100};
    alert_in(40);
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_RENEGOTIATION_REFUSED, "R22", TG_STAGE_RENEGOTIATION, "S12");

    /* the alert alone says it too */
    obs.tls_error = TG_TLSERR_PEER_ALERT;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_RENEGOTIATION_REFUSED, "R22", TG_STAGE_RENEGOTIATION, "S12");
}

static void test_r23_client_rejected_renegotiation(void **state)
{
    (void)state;
    later_began(TG_OBS_PHASE_RENEGOTIATION);
    obs.last_msg_out = 0;
    obs.tls_error = TG_TLSERR_NO_RENEGOTIATION;
    obs.alert_received = (tg_obs_alert_t){1, 1, 100};
    alert_out(40);
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_REJECTED_RENEGOTIATION, "R23",
           TG_STAGE_RENEGOTIATION, "S12");

    obs.tls_error = TG_TLSERR_OTHER;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_REJECTED_RENEGOTIATION, "R23",
           TG_STAGE_RENEGOTIATION, "S12");
}

/* What judged the first handshake does not judge a later one. */
static void test_later_handshake_is_not_judged_by_the_first_hello(void **state)
{
    tg_policy_t modern = policy_of("modern");
    int err;

    (void)state;
    /* versions outside the policy (the first handshake was 1.0, say) */
    later_began(TG_OBS_PHASE_RENEGOTIATION);
    obs.tls_error = TG_TLSERR_PEER_ALERT;
    classify(tls10_hello(), TG_HELLO_OK, &modern);
    expect(TG_REASON_OTHER, "R21", TG_STAGE_RENEGOTIATION, "S12");
    assert_false(v.judged);

    /* a first hello our parser refuses */
    modern_hello();
    hb_store.b[4 + 2 + 32 + 1 + 1] = 5;
    err = tg_hello_parse(hb_store.b, hb_store.len, &hello);
    assert_int_not_equal(err, TG_HELLO_OK);
    classify(&hello, err, NULL);
    expect(TG_REASON_OTHER, "R21", TG_STAGE_RENEGOTIATION, "S12");

    /* the ALPN choice of the first handshake */
    memcpy(obs.alpn, "http/1.1", 8);
    obs.alpn_len = 8;
    classify(alpn_hello(0), TG_HELLO_OK, NULL);
    expect(TG_REASON_OTHER, "R21", TG_STAGE_RENEGOTIATION, "S12");
}

/* ---- every stage row ------------------------------------------------------------- */

static void stage_case(int in, int out, tg_stage_t stage, const char *rule)
{
    seen_hello();
    obs.last_msg_in = in;
    obs.last_msg_out = out;
    obs.tls_error = TG_TLSERR_OTHER;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    assert_int_equal(v.stage, stage);
    assert_string_equal(v.stage_rule, rule);
}

static void test_stage_rows(void **state)
{
    (void)state;
    stage_case(1, TG_OBS_NO_MSG, TG_STAGE_CLIENT_HELLO, "S02");
    stage_case(15, 20, TG_STAGE_CERTIFICATE, "S03");  /* client CertificateVerify */
    stage_case(25, 20, TG_STAGE_CERTIFICATE, "S03");  /* compressed certificate */
    stage_case(16, 14, TG_STAGE_KEY_EXCHANGE, "S05"); /* ClientKeyExchange */
    stage_case(20, 20, TG_STAGE_FINISHED, "S06");
    stage_case(67, 14, TG_STAGE_FINISHED, "S06");     /* NPN before Finished */
    stage_case(5, 20, TG_STAGE_FINISHED, "S06");      /* EndOfEarlyData */
    stage_case(1, 2, TG_STAGE_SERVER_HELLO, "S07");   /* HelloRetryRequest */
    stage_case(1, 6, TG_STAGE_SERVER_HELLO, "S07");
    stage_case(1, 8, TG_STAGE_SERVER_HELLO, "S07");
    stage_case(1, 11, TG_STAGE_CERTIFICATE, "S08");
    stage_case(1, 22, TG_STAGE_CERTIFICATE, "S08");
    stage_case(1, 15, TG_STAGE_CERTIFICATE, "S08");
    stage_case(1, 25, TG_STAGE_CERTIFICATE, "S08");
    stage_case(1, 12, TG_STAGE_KEY_EXCHANGE, "S09");
    stage_case(1, 13, TG_STAGE_KEY_EXCHANGE, "S09");
    stage_case(1, 14, TG_STAGE_KEY_EXCHANGE, "S09");
    stage_case(1, 20, TG_STAGE_FINISHED, "S10");
    stage_case(1, 4, TG_STAGE_FINISHED, "S10");
    stage_case(1, 0, TG_STAGE_CLIENT_HELLO, "S11");   /* HelloRequest */
    stage_case(99, 99, TG_STAGE_CLIENT_HELLO, "S11"); /* unknown types */
    stage_case(300, 254, TG_STAGE_CLIENT_HELLO, "S11");
}

static void test_stage_received_wins_over_sent(void **state)
{
    (void)state;
    /* a certificate alert beats every later-step message */
    seen_hello();
    obs.last_msg_in = 16;
    obs.last_msg_out = 14;
    alert_in(42);
    obs.tls_error = TG_TLSERR_PEER_ALERT;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    expect(TG_REASON_CLIENT_REJECTED_CERTIFICATE, "R13", TG_STAGE_CERTIFICATE,
           "S03");

    /* nothing sent beats everything received */
    seen_hello();
    obs.last_msg_in = 20;
    obs.tls_error = TG_TLSERR_OTHER;
    classify(modern_hello(), TG_HELLO_OK, NULL);
    assert_string_equal(v.stage_rule, "S02");
}

/* ---- judgement helpers and names ------------------------------------------------------ */

static void test_versions_outside(void **state)
{
    static const uint16_t only_grease[] = {0x3a3a};
    static const uint16_t drafts[] = {0x7f1c, 0x0304};
    tg_policy_t modern = policy_of("modern");
    tg_policy_t inter = policy_of("intermediate");

    (void)state;
    assert_int_equal(tg_classify_versions_outside(modern_hello(), &modern), 0);
    assert_int_equal(tg_classify_versions_outside(tls10_hello(), &modern), 1);
    assert_int_equal(tg_classify_versions_outside(tls10_hello(), &inter), 1);

    /* without supported_versions a 1.2 client also speaks 1.2 */
    hello_begin(0x0303);
    assert_int_equal(hello_end(), TG_HELLO_OK);
    assert_int_equal(tg_classify_versions_outside(&hello, &inter), 0);
    assert_int_equal(tg_classify_versions_outside(&hello, &modern), 1);

    /* GREASE is never a version; drafts outside, 1.3 inside */
    hello_begin(0x0303);
    ext_u16_list(TG_HELLO_EXT_SUPPORTED_VERSIONS, only_grease, 1, 1);
    assert_int_equal(hello_end(), TG_HELLO_OK);
    assert_int_equal(tg_classify_versions_outside(&hello, &inter), 1);
    hello_begin(0x0303);
    ext_u16_list(TG_HELLO_EXT_SUPPORTED_VERSIONS, drafts, 2, 1);
    assert_int_equal(hello_end(), TG_HELLO_OK);
    assert_int_equal(tg_classify_versions_outside(&hello, &modern), 0);

    assert_int_equal(tg_classify_versions_outside(NULL, &modern), 0);
    assert_int_equal(tg_classify_versions_outside(&hello, NULL), 0);
}

static void test_groups_outside(void **state)
{
    static const uint16_t x448[] = {0x1a1a, 0x001e};
    static const uint16_t grease[] = {0x1a1a};
    tg_policy_t inter = policy_of("intermediate");
    tg_policy_t custom = inter;

    (void)state;
    assert_int_equal(tg_classify_groups_outside(modern_hello(), &inter), 0);

    hello_begin(0x0303);
    ext_u16_list(TG_HELLO_EXT_SUPPORTED_GROUPS, x448, 2, 0);
    assert_int_equal(hello_end(), TG_HELLO_OK);
    assert_int_equal(tg_classify_groups_outside(&hello, &inter), 1);

    /* a key share in the policy counts as shared */
    hb_key_share(&hb_store, 0x0017);
    assert_int_equal(hello_end(), TG_HELLO_OK);
    assert_int_equal(tg_classify_groups_outside(&hello, &inter), 0);

    /* policy names in any spelling tg_names knows; unknown ones skipped */
    hello_begin(0x0303);
    ext_u16_list(TG_HELLO_EXT_SUPPORTED_GROUPS, x448, 2, 0);
    assert_int_equal(hello_end(), TG_HELLO_OK);
    custom = with_groups(&inter, "no-such-group:X448");
    assert_int_equal(tg_classify_groups_outside(&hello, &custom), 0);
    custom = with_groups(&inter, "no-such-group");
    assert_int_equal(tg_classify_groups_outside(&hello, &custom), 0);
    custom.group_n = 0; /* a policy with no group at all */
    assert_int_equal(tg_classify_groups_outside(&hello, &custom), 0);

    /* only GREASE offered, or no extension: nothing to judge */
    hello_begin(0x0303);
    ext_u16_list(TG_HELLO_EXT_SUPPORTED_GROUPS, grease, 1, 0);
    assert_int_equal(hello_end(), TG_HELLO_OK);
    assert_int_equal(tg_classify_groups_outside(&hello, &inter), 0);
    assert_int_equal(tg_classify_groups_outside(tls10_hello(), NULL), 0);
}

static void test_names(void **state)
{
    static const char *const reasons[] = {
        "none", "protocol_version", "no_shared_cipher", "no_shared_group",
        "no_shared_sigalg", "unknown_server_name", "client_rejected_certificate",
        "client_certificate_invalid", "alpn_mismatch", "inappropriate_fallback",
        "malformed_hello", "not_tls", "client_aborted", "timeout",
        "empty_connection", "internal_error", "policy_unresolved",
        "renegotiation_refused",
        "client_rejected_renegotiation", "protocol_violation", "bad_record_mac",
        "decrypt_error", "other"};
    static const char *const stages[] = {"client_hello", "server_hello",
                                         "certificate", "key_exchange",
                                         "finished", "established",
                                         "renegotiation", "post_handshake_auth"};

    (void)state;
    assert_int_equal(sizeof reasons / sizeof reasons[0], TG_REASON_COUNT);
    for (int i = 0; i < TG_REASON_COUNT; i++)
        assert_string_equal(tg_reason_name((tg_reason_t)i), reasons[i]);
    assert_string_equal(tg_reason_name(TG_REASON_COUNT), "other");
    assert_int_equal(sizeof stages / sizeof stages[0], TG_STAGE_COUNT);
    for (int i = 0; i < TG_STAGE_COUNT; i++)
        assert_string_equal(tg_stage_name((tg_stage_t)i), stages[i]);
    assert_string_equal(tg_stage_name(TG_STAGE_COUNT), "client_hello");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_observed_tls10_only),
        cmocka_unit_test(test_observed_weak_ciphers),
        cmocka_unit_test(test_observed_plain_http),
        cmocka_unit_test(test_observed_unknown_ca_tls13),
        cmocka_unit_test(test_observed_unknown_ca_tls12),
        cmocka_unit_test(test_observed_connect_and_close),
        cmocka_unit_test(test_observed_partial_hello_timeout),
        cmocka_unit_test(test_observed_good_tls13),
        cmocka_unit_test(test_r02_timeout_wins_over_eof),
        cmocka_unit_test(test_r03_needs_silence),
        cmocka_unit_test(test_r04_not_tls_library_and_raw),
        cmocka_unit_test(test_r04_raw_needs_no_hello),
        cmocka_unit_test(test_r05_inappropriate_fallback),
        cmocka_unit_test(test_r06_protocol_version_by_alert),
        cmocka_unit_test(test_r07_to_r09_library_decides),
        cmocka_unit_test(test_r10_unknown_server_name),
        cmocka_unit_test(test_r11_alpn_mismatch),
        cmocka_unit_test(test_r12_client_certificate_invalid),
        cmocka_unit_test(test_r13_every_certificate_alert),
        cmocka_unit_test(test_r14_r15_malformed_hello),
        cmocka_unit_test(test_r15_not_for_our_own_cut),
        cmocka_unit_test(test_r32_r33_guard_refusal),
        cmocka_unit_test(test_r16_internal_error),
        cmocka_unit_test(test_r17_alpn_choice_not_offered),
        cmocka_unit_test(test_r18_judged_protocol_version),
        cmocka_unit_test(test_r19_judged_no_shared_group),
        cmocka_unit_test(test_r20_client_aborted),
        cmocka_unit_test(test_r21_other),
        cmocka_unit_test(test_r25_to_r27_library_protocol_violations),
        cmocka_unit_test(test_r25_to_r27_library_beats_our_parser),
        cmocka_unit_test(test_r24_r04_record_layer_with_and_without_hello),
        cmocka_unit_test(test_r28_to_r31_alerts_either_way),
        cmocka_unit_test(test_alert_rows_come_after_the_judgement),
        cmocka_unit_test(test_later_handshake_completed_is_success),
        cmocka_unit_test(test_s12_renegotiation_failures),
        cmocka_unit_test(test_s13_post_handshake_auth_failures),
        cmocka_unit_test(test_r22_renegotiation_refused),
        cmocka_unit_test(test_r23_client_rejected_renegotiation),
        cmocka_unit_test(test_later_handshake_is_not_judged_by_the_first_hello),
        cmocka_unit_test(test_stage_rows),
        cmocka_unit_test(test_stage_received_wins_over_sent),
        cmocka_unit_test(test_versions_outside),
        cmocka_unit_test(test_groups_outside),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
