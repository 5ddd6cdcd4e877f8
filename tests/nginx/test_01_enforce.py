"""Enforcement on nginx's server blocks: the profile rows with real clients,
over ssl_protocols/ssl_ciphers that allow everything; the range intersected
with ssl_protocols, never widened; reload keeps it."""

import re

import pytest

from tg_httpd import gnutls, s_client, s_client_protocol

WEAK = ("ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n"
        "    ssl_ciphers ALL:@SECLEVEL=0;\n    ssl_prefer_server_ciphers on;")


def started(n, http_lines="", server_lines="", with_module=True):
    n.write(n.conf(http_lines, n.server(server_lines), with_module=with_module))
    n.start()
    return n


@pytest.fixture
def weak_intermediate(nginx):
    return started(nginx, WEAK + "\n    tlsguard_profile intermediate;")


@pytest.fixture
def weak_plain(make_nginx):
    """The same weak settings without the module: the control."""
    return started(make_nginx(), WEAK, with_module=False)


def protocol_refused(out):
    return "alert protocol version" in out or "alert number 70" in out


@pytest.mark.parametrize("version", ["-tls1", "-tls1_1"])
def test_old_versions_refused(weak_intermediate, weak_plain, version):
    ok, out = s_client(weak_intermediate.port, version, "-cipher", "ALL:@SECLEVEL=0")
    assert not ok and protocol_refused(out), out
    ok, out = s_client(weak_plain.port, version, "-cipher", "ALL:@SECLEVEL=0")
    assert ok, "plain nginx with these settings should accept %s:\n%s" % (version, out)


@pytest.mark.parametrize("cipher", [
    "AES128-SHA",                 # static RSA, CBC
    "AES256-GCM-SHA384",          # static RSA, AEAD
    "ECDHE-RSA-AES128-SHA",       # CBC with ECDHE
    "ECDHE-ECDSA-AES256-SHA384",  # CBC-SHA384
    "DHE-RSA-AES128-GCM-SHA256",  # finite-field DHE
])
def test_tls12_weak_ciphers_refused(weak_intermediate, weak_plain, cipher):
    ok, out = s_client(weak_intermediate.port, "-tls1_2", "-cipher", cipher + ":@SECLEVEL=0")
    assert not ok, out
    assert "handshake failure" in out or "alert number 40" in out, out
    if cipher.startswith("DHE"):
        return  # nginx has no DH parameters unless ssl_dhparam is set
    ok, out = s_client(weak_plain.port, "-tls1_2", "-cipher", cipher + ":@SECLEVEL=0")
    assert ok, "plain nginx should accept %s:\n%s" % (cipher, out)


@pytest.mark.parametrize("priority", [
    "NONE:+VERS-TLS1.2:+3DES-CBC:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL",     # DES-CBC3-SHA
    "NONE:+VERS-TLS1.2:+AES-128-CBC:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL",  # AES128-SHA
    "NONE:+VERS-TLS1.2:+ARCFOUR-128:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL",  # RC4
])
def test_tls12_weak_ciphers_refused_gnutls(weak_intermediate, priority):
    ok, out = gnutls(weak_intermediate.port, priority)
    assert not ok, out


@pytest.mark.parametrize("cipher", ["ECDHE-ECDSA-AES128-GCM-SHA256",
                                    "ECDHE-RSA-AES256-GCM-SHA384",
                                    "ECDHE-ECDSA-CHACHA20-POLY1305"])
def test_tls12_aead_accepted(weak_intermediate, cipher):
    ok, out = s_client(weak_intermediate.port, "-tls1_2", "-cipher", cipher)
    assert ok and "Ciphersuite: " + cipher in out, out


def test_tls13_accepted(weak_intermediate):
    ok, out = s_client(weak_intermediate.port, "-tls1_3")
    assert ok and s_client_protocol(out) == "TLSv1.3", out


def test_modern_refuses_tls12(nginx):
    started(nginx, WEAK + "\n    tlsguard_profile modern;")
    ok, out = s_client(nginx.port, "-tls1_2")
    assert not ok and protocol_refused(out), out
    ok, out = s_client(nginx.port, "-tls1_3")
    assert ok and s_client_protocol(out) == "TLSv1.3", out


@pytest.mark.parametrize("version", ["-tls1", "-tls1_3"])
def test_a_policy_topped_at_tls12_answers_other_versions_with_alert_70(nginx, version):
    started(nginx, WEAK + "\n    tlsguard_protocols TLSv1.2;")
    ok, out = s_client(nginx.port, version, "-cipher", "ALL:@SECLEVEL=0")
    assert not ok and protocol_refused(out), out
    ok, out = s_client(nginx.port, "-tls1_2")
    assert ok and s_client_protocol(out) == "TLSv1.2", out


def test_default_profile_is_intermediate(nginx):
    started(nginx, WEAK)
    ok, out = s_client(nginx.port, "-tls1_1", "-cipher", "ALL:@SECLEVEL=0")
    assert not ok and protocol_refused(out), out
    assert nginx.log_lines("profile intermediate"), nginx.log()


def test_range_is_narrowed_by_ssl_protocols_never_widened(nginx):
    started(nginx, "ssl_protocols TLSv1.3;\n    tlsguard_profile intermediate;")
    ok, out = s_client(nginx.port, "-tls1_2")
    assert not ok, out
    ok, out = s_client(nginx.port, "-tls1_3")
    assert ok, out
    (line,) = nginx.log_lines("TLSGUARD-001")
    assert ": TLSv1.3 (narrowed by ssl_protocols);" in line, line


def test_tls13_profile_range_with_old_only_ssl_protocols_refuses(nginx):
    nginx.write(nginx.conf("ssl_protocols TLSv1 TLSv1.1;"))
    rc, out = nginx.configtest()
    assert rc != 0, out
    assert re.search(r"\[emerg\].*TLSGUARD-013: server block at \S+nginx\.conf:\d+ "
                     r"\(localhost\): cannot apply tlsguard_profile intermediate", out), out
    assert "ssl_protocols allows TLSv1-TLSv1.1, the policy (profile intermediate) allows " \
           "TLSv1.2-TLSv1.3" in out, out


def test_one_notice_per_server_block(nginx):
    second = nginx.server(name="b.test", port=nginx.port)
    nginx.write(nginx.conf("ssl_protocols TLSv1.2 TLSv1.3;\n    tlsguard_profile intermediate;",
                           nginx.server() + second.replace("root", "tlsguard_profile modern;\n"
                                                                    "        root", 1)))
    nginx.start()
    lines = nginx.log_lines("TLSGUARD-001")
    assert len(lines) == 2, lines
    assert "(localhost): profile intermediate" in lines[0], lines
    assert "(b.test): profile modern" in lines[1], lines
    blocks = [int(re.search(r"nginx\.conf:(\d+)", l).group(1)) for l in lines]
    assert blocks[0] < blocks[1], lines


def test_off_leaves_nginx_settings(nginx):
    started(nginx, WEAK + "\n    tlsguard off;")
    ok, out = s_client(nginx.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0")
    assert ok, out
    assert nginx.log_lines("TLSGUARD-002"), nginx.log()


def test_reload_keeps_enforcement(nginx):
    started(nginx, WEAK + "\n    tlsguard_profile intermediate;")
    ok, out = s_client(nginx.port, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256")
    assert ok, out
    for _ in range(2):
        nginx.reload()
        ok, out = s_client(nginx.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0")
        assert not ok and protocol_refused(out), out
        ok, out = s_client(nginx.port, "-tls1_2", "-cipher", "AES128-SHA:@SECLEVEL=0")
        assert not ok, out
    # A reload with another profile takes it.
    nginx.write(nginx.conf(WEAK + "\n    tlsguard_profile modern;"))
    nginx.reload()
    ok, out = s_client(nginx.port, "-tls1_2")
    assert not ok and protocol_refused(out), out
    assert len(nginx.log_lines("profile modern")) == 1, nginx.log()
    assert not nginx.alerts(), nginx.alerts()
