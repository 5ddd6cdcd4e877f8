"""Bad configurations: `apache2 -t` (or, for conflicts only mod_ssl can reveal,
the start) fails with a message naming the directive, the vhost and the reason."""

import pytest

# (server-level lines, vhost lines, expected fragments of the message)
BAD_CONFIGS = [
    ("TLSGuardProfile medium", "",
     ['TLSGuardProfile: unknown profile "medium" (expected modern|intermediate|old|'
      'nist-800-52r2|bsi-tr-02102-2)']),
    ("TLSGuardProfile", "", ["TLSGuardProfile takes one argument"]),
    ("TLSGuard maybe", "", ["TLSGuard must be On or Off"]),
    ("TLSGuardProxy yes", "", ["TLSGuardProxy must be On or Off"]),
    ("TLSGuardProtocols TLSv1.4", "",
     ['TLSGuardProtocols: unknown protocol "TLSv1.4" (expected TLSv1, TLSv1.1, TLSv1.2 or '
      'TLSv1.3)']),
    ("TLSGuardProtocols SSLv3 TLSv1.2", "",
     ['TLSGuardProtocols: "SSLv3" is not allowed: SSL 2.0 and 3.0 are broken']),
    ("TLSGuardProtocols TLSv1.1 TLSv1.3", "",
     ["TLSGuardProtocols: protocols must form one range: TLSv1.2 is missing between "
      "TLSv1.1 and TLSv1.3"]),
    ("TLSGuardProtocols", "", ["TLSGuardProtocols: needs at least one protocol"]),
    ("TLSGuardCiphers NO-SUCH-CIPHER", "",
     ['TLSGuardCiphers: OpenSSL rejects the cipher list "NO-SUCH-CIPHER": no cipher match']),
    ("TLSGuardCiphers TLS_AES_128_GCM_SHA256", "",
     ['TLSGuardCiphers: OpenSSL rejects the cipher list "TLS_AES_128_GCM_SHA256"']),
    ("TLSGuardCipherSuites TLS_AES_128_GCM_SHA999", "",
     ['TLSGuardCipherSuites: OpenSSL rejects the TLS 1.3 cipher suites '
      '"TLS_AES_128_GCM_SHA999"']),
    ("TLSGuardGroups X25519::P-256", "",
     ['TLSGUARD-010: main server: TLSGuardGroups: "X25519::P-256" has an empty entry']),
    ("TLSGuardGroups NoSuchGroup", "",
     ['TLSGUARD-010: main server: TLSGuardGroups: unknown group "NoSuchGroup"']),
    ("", "TLSGuardProfile modern\n    TLSGuardProtocols TLSv1.2 TLSv1.3",
     ["TLSGUARD-010: <VirtualHost> at ", "httpd.conf:",
      "TLSGuardProtocols: enables TLSv1.2 but profile modern has no TLS 1.2 ciphers: "
      "set TLSGuardCiphers"]),
    ("TLSGuardProfile intermediate", "TLSGuardProfile nist",
     ['TLSGuardProfile: unknown profile "nist"', "Syntax error on line"]),
    ("", "TLSGuardCipherSuites TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384",
     ["TLSGuardCipherSuites: OpenSSL rejects the TLS 1.3 cipher suites"]),
]


@pytest.mark.parametrize("server,vhost,expected", BAD_CONFIGS,
                         ids=[c[0] or c[1].splitlines()[0] for c in BAD_CONFIGS])
def test_bad_config_fails_configtest(httpd, server, vhost, expected):
    httpd.simple(server, vhost)
    rc, out = httpd.configtest()
    assert rc != 0, out
    for fragment in expected:
        assert fragment in out, out


def test_good_config_passes_configtest(httpd):
    httpd.simple("TLSGuardProfile intermediate\nTLSGuardGroups X25519:P-256:X25519MLKEM768",
                 "TLSGuardProfile modern")
    rc, out = httpd.configtest()
    assert rc == 0, out
    assert "Syntax OK" in out


def test_without_mod_ssl_fails(httpd):
    httpd.write(httpd.base_conf(httpd.modules(with_ssl=False)).replace(
        "SSLSessionCache", "#").replace("SSLRandomSeed", "#")
        + "Listen 127.0.0.1:%d\nTLSGuardProfile modern\n" % httpd.port)
    rc, out = httpd.configtest()
    assert rc != 0, out
    assert "TLSGUARD-011: mod_tlsguard needs mod_ssl, which is not loaded" in out


def test_sslprotocol_conflict_stops_startup(httpd):
    """modern allows TLS 1.3 only; the vhost allows TLS 1.2 only: nothing left."""
    httpd.simple("TLSGuardProfile modern", "SSLProtocol -all +TLSv1.2")
    rc, out = httpd.configtest()
    assert rc == 0, out  # only mod_ssl's context reveals the conflict
    rc, out = httpd.start(expect_ok=False)
    assert not httpd.alive(), out
    assert "TLSGUARD-013: <VirtualHost> at " in out, out
    assert "cannot apply TLSGuardProfile modern: no protocol version left: SSLProtocol " \
           "allows TLSv1.2, the policy (profile modern) allows TLSv1.3" in out, out


def test_sslprotocol_narrower_than_profile_is_kept(httpd):
    """The module never widens what a vhost allows."""
    from tg_httpd import s_client
    httpd.simple("TLSGuardProfile intermediate", "SSLProtocol -all +TLSv1.3")
    httpd.start()
    ok, out = s_client(httpd.port, "-tls1_2")
    assert not ok, out
    ok, out = s_client(httpd.port, "-tls1_3")
    assert ok, out
    line = httpd.log_lines("TLSGUARD-001")[0]
    assert "TLSv1.3 (narrowed by the vhost's SSLProtocol)" in line, line


def test_deviation_is_reported(httpd):
    httpd.simple("TLSGuardProfile intermediate\nTLSGuardGroups X25519:secp384r1\n"
                 "TLSGuardCiphers ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384")
    httpd.start()
    line = httpd.log_lines("TLSGUARD-001")[0]
    assert "deviations from the profile: ciphers, groups" in line, line
    assert "groups X25519:secp384r1;" in line, line


def test_old_profile_warns(httpd):
    httpd.simple("TLSGuardProfile old")
    httpd.start()
    warn = httpd.log_lines("TLSGUARD-003")
    assert len(warn) == 1, httpd.log()
    assert "profile old is not recommended" in warn[0]
    from tg_httpd import s_client
    ok, out = s_client(httpd.port, "-tls1", "-cipher", "ECDHE-RSA-AES128-SHA:@SECLEVEL=0")
    assert ok, out  # old really allows TLS 1.0


def test_startup_lines_once_per_pass(httpd):
    """The dry-run configuration pass at start-up stays quiet: one line per vhost."""
    httpd.simple("TLSGuardProfile intermediate")
    httpd.start()
    assert len(httpd.log_lines("TLSGUARD-001")) == 1, httpd.log()
