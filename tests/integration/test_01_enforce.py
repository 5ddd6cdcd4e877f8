"""Enforcement of the intermediate and modern profiles with real clients."""

import pytest

from tg_httpd import gnutls, s_client, s_client_cipher, s_client_protocol, curl

WEAK_VHOST = "SSLProtocol all\nSSLCipherSuite ALL:@SECLEVEL=0\nSSLHonorCipherOrder on"


@pytest.fixture
def intermediate(httpd):
    httpd.simple("TLSGuardProfile intermediate")
    httpd.start()
    return httpd


@pytest.fixture
def weak_vhost_intermediate(httpd):
    """A vhost whose own mod_ssl settings allow everything."""
    httpd.simple("TLSGuardProfile intermediate", WEAK_VHOST)
    httpd.start()
    return httpd


def assert_protocol_version_alert(out):
    # The server answers an unsupported version with alert 70 (protocol_version).
    assert "alert protocol version" in out or "alert number 70" in out, out


@pytest.mark.parametrize("version", ["-tls1", "-tls1_1"])
def test_old_versions_rejected_with_protocol_version_alert(weak_vhost_intermediate, version):
    ok, out = s_client(weak_vhost_intermediate.port, version, "-cipher", "ALL:@SECLEVEL=0")
    assert not ok, out
    assert_protocol_version_alert(out)


@pytest.mark.parametrize("cipher", [
    "AES128-SHA",                  # static RSA key exchange, CBC
    "AES256-GCM-SHA384",           # static RSA key exchange, AEAD
    "ECDHE-RSA-AES128-SHA",        # CBC with ECDHE
    "ECDHE-ECDSA-AES256-SHA384",   # CBC-SHA384 with ECDHE
    "DHE-RSA-AES128-GCM-SHA256",   # finite-field DHE, dropped by Mozilla 5.8
])
def test_tls12_weak_ciphers_rejected_openssl(weak_vhost_intermediate, cipher):
    ok, out = s_client(weak_vhost_intermediate.port, "-tls1_2", "-cipher", cipher + ":@SECLEVEL=0")
    assert not ok, out
    assert "handshake failure" in out or "alert number 40" in out, out


@pytest.mark.parametrize("priority", [
    "NONE:+VERS-TLS1.2:+3DES-CBC:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL",      # DES-CBC3-SHA
    "NONE:+VERS-TLS1.2:+AES-128-CBC:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL",   # AES128-SHA
    "NONE:+VERS-TLS1.2:+ARCFOUR-128:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL",   # RC4
    "NONE:+VERS-TLS1.2:+AES-128-CBC:+ECDHE-RSA:+ECDHE-ECDSA:+SHA1:+SHA256:+COMP-NULL:"
    "+SIGN-ALL:+GROUP-ALL",                                              # ECDHE CBC
])
def test_tls12_weak_ciphers_rejected_gnutls(weak_vhost_intermediate, priority):
    ok, out = gnutls(weak_vhost_intermediate.port, priority)
    assert not ok, out
    # gnutls either reports the server's handshake_failure alert or, when it
    # cannot even offer the suite, an empty cipher list: the server must not
    # have negotiated anything.
    assert "Handshake was completed" not in out, out


@pytest.mark.parametrize("priority", [
    "NONE:+VERS-TLS1.2:+AES-128-CBC:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL",
    "NONE:+VERS-TLS1.2:+AES-128-CBC:+ECDHE-RSA:+ECDHE-ECDSA:+SHA1:+SHA256:+COMP-NULL:"
    "+SIGN-ALL:+GROUP-ALL",
])
def test_gnutls_weak_clients_succeed_without_the_module(make_httpd, priority):
    """Proves the weak gnutls clients above really offer what they claim: a
    plain mod_ssl vhost that allows everything accepts them. (Debian's OpenSSL
    is built without 3DES and RC4, so those two are refused by any server.)"""
    h = make_httpd()
    h.write(h.base_conf(h.modules(with_tlsguard=False)) + "Listen 127.0.0.1:%d\n" % h.port
            + h.ssl_vhost(WEAK_VHOST))
    h.start()
    ok, out = gnutls(h.port, priority)
    assert ok, out
    assert "AES-128-CBC" in out, out


@pytest.mark.parametrize("cipher,cert", [
    ("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDSA"),
    ("ECDHE-ECDSA-AES256-GCM-SHA384", "ECDSA"),
    ("ECDHE-ECDSA-CHACHA20-POLY1305", "ECDSA"),
    ("ECDHE-RSA-AES128-GCM-SHA256", "RSA"),
    ("ECDHE-RSA-AES256-GCM-SHA384", "RSA"),
    ("ECDHE-RSA-CHACHA20-POLY1305", "RSA"),
])
def test_tls12_strong_ciphers_accepted(weak_vhost_intermediate, cipher, cert):
    ok, out = s_client(weak_vhost_intermediate.port, "-tls1_2", "-cipher", cipher)
    assert ok, out
    assert s_client_protocol(out) == "TLSv1.2"
    assert s_client_cipher(out) == cipher


def test_tls13_accepted(weak_vhost_intermediate):
    ok, out = s_client(weak_vhost_intermediate.port, "-tls1_3")
    assert ok, out
    assert s_client_protocol(out) == "TLSv1.3"


def test_tls13_with_curl(intermediate, certs):
    rc, out = curl(intermediate.port, "/", "--tlsv1.3", cacert=certs.ca)
    assert rc == 0, out
    assert "hello from mod_tlsguard tests" in out


def test_tls12_with_gnutls(intermediate, certs):
    ok, out = gnutls(intermediate.port, "NORMAL:-VERS-ALL:+VERS-TLS1.2", cacert=certs.ca)
    assert ok, out
    assert "TLS1.2" in out, out


def test_curl_tls11_rejected(intermediate, certs):
    rc, out = curl(intermediate.port, "/", "--tlsv1.1", "--tls-max", "1.1",
                   "--ciphers", "DEFAULT:@SECLEVEL=0", cacert=certs.ca)
    assert rc != 0, out


@pytest.mark.parametrize("version", ["-tls1", "-tls1_1", "-tls1_3"])
def test_a_policy_topped_at_tls12_answers_other_versions_with_alert_70(httpd, version):
    """OpenSSL's start-of-handshake check of the highest version it knows is
    no negotiation: a refusal there would reset the connection with an
    internal error instead of alert 70."""
    httpd.simple("TLSGuardProfile intermediate\nTLSGuardEventLog logs/events.json",
                 WEAK_VHOST + "\nTLSGuardProtocols TLSv1.2")
    httpd.start()
    ok, out = s_client(httpd.port, version, "-cipher", "ALL:@SECLEVEL=0")
    assert not ok, out
    assert_protocol_version_alert(out)
    ok, out = s_client(httpd.port, "-tls1_2")
    assert ok and s_client_protocol(out) == "TLSv1.2", out
    assert "internal error" not in httpd.log()


def test_modern_rejects_tls12(httpd):
    httpd.simple("TLSGuardProfile modern", WEAK_VHOST)
    httpd.start()
    ok, out = s_client(httpd.port, "-tls1_2")
    assert not ok, out
    assert_protocol_version_alert(out)
    ok, out = s_client(httpd.port, "-tls1_3")
    assert ok, out


def test_groups_enforced(weak_vhost_intermediate):
    # intermediate allows X25519, P-256, P-384; a client offering only P-521 fails.
    ok, out = s_client(weak_vhost_intermediate.port, "-tls1_3", "-groups", "P-521")
    assert not ok, out
    ok, out = s_client(weak_vhost_intermediate.port, "-tls1_3", "-groups", "P-384")
    assert ok, out


def test_server_overrides_sslopensslconfcmd(httpd):
    httpd.simple("TLSGuardProfile intermediate",
                 "SSLOpenSSLConfCmd Groups P-521\nSSLOpenSSLConfCmd MinProtocol TLSv1")
    httpd.start()
    ok, out = s_client(httpd.port, "-tls1_3", "-groups", "X25519")
    assert ok, out
    ok, out = s_client(httpd.port, "-tls1_1", "-cipher", "ALL:@SECLEVEL=0")
    assert not ok, out


def test_startup_line_per_vhost(weak_vhost_intermediate):
    lines = weak_vhost_intermediate.log_lines("TLSGUARD-001")
    assert len(lines) == 1, weak_vhost_intermediate.log()
    line = lines[0]
    assert "profile intermediate" in line
    assert "TLSv1.2-TLSv1.3" in line
    assert "ECDHE-ECDSA-AES128-GCM-SHA256" in line
    assert "skipped groups X25519MLKEM768" in line
    assert "added in OpenSSL 3.5" in line
    assert "deviations from the profile: none" in line
