"""Each server block gets exactly its own policy on a shared address, whatever
the default block's: nginx switches SSL_CTX after OpenSSL chose the version
and the group, so the module makes that choice the selected block's."""

import pytest

from tg_httpd import s_client, s_client_protocol


def blocks(n, default_lines, named):
    """The default block (localhost) and named blocks {name: lines}."""
    servers = n.server(default_lines, name="localhost", default=True)
    for name, lines in named.items():
        servers += n.server(lines, name=name)
    n.write(n.conf("ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n"
                   "    ssl_ciphers ALL:@SECLEVEL=0;", servers))
    n.start()
    return n


def refused(out):
    return "alert protocol version" in out or "alert number 70" in out


@pytest.fixture
def intermediate_default(nginx):
    return blocks(nginx, "tlsguard_profile intermediate;\n        tlsguard_groups X25519;", {
        "b.test": "tlsguard_profile modern;\n        tlsguard_groups secp384r1;",
        "c.test": "tlsguard off;",
    })


@pytest.fixture
def modern_default(nginx):
    return blocks(nginx, "tlsguard_profile modern;", {
        "a.test": "tlsguard_profile intermediate;",
    })


def test_modern_block_behind_intermediate_default_refuses_tls12(intermediate_default):
    ok, out = s_client(intermediate_default.port, "-tls1_2", sni="b.test")
    assert not ok and refused(out), out
    ok, out = s_client(intermediate_default.port, "-tls1_2", sni="localhost")
    assert ok, out


def test_named_block_gets_its_groups(intermediate_default):
    ok, out = s_client(intermediate_default.port, "-tls1_3", "-groups", "X25519:secp384r1",
                       sni="b.test")
    assert ok and "Server Temp Key: ECDH, secp384r1" in out, out
    ok, out = s_client(intermediate_default.port, "-tls1_3", "-groups", "X25519:secp384r1",
                       sni="localhost")
    assert ok and "Server Temp Key: X25519" in out, out


def test_intermediate_block_behind_modern_default_accepts_tls12(modern_default):
    ok, out = s_client(modern_default.port, "-tls1_2", sni="a.test")
    assert ok and s_client_protocol(out) == "TLSv1.2", out
    ok, out = s_client(modern_default.port, "-tls1_2", sni="localhost")
    assert not ok and refused(out), out
    ok, out = s_client(modern_default.port, "-tls1_2", sni="unknown.test")
    assert not ok and refused(out), out


def test_unguarded_block_gets_nginx_own_settings(intermediate_default):
    # tlsguard off: what nginx alone would give (its ssl_protocols allow TLS 1.0).
    ok, out = s_client(intermediate_default.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0",
                       sni="c.test")
    assert ok and s_client_protocol(out) == "TLSv1", out
    ok, out = s_client(intermediate_default.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0",
                       sni="localhost")
    assert not ok, out


def test_no_sni_and_unknown_names_get_the_default_block(intermediate_default):
    for sni in (None, "nobody.test"):
        ok, out = s_client(intermediate_default.port, "-tls1_2", sni=sni)
        assert ok and s_client_protocol(out) == "TLSv1.2", out
        ok, out = s_client(intermediate_default.port, "-tls1_1", "-cipher", "ALL:@SECLEVEL=0",
                           sni=sni)
        assert not ok, out


def test_strict_sni_refuses_unknown_names(nginx):
    blocks(nginx, "tlsguard_strict_sni on;", {"b.test": ""})
    ok, out = s_client(nginx.port, "-tls1_3", sni="nobody.test")
    assert not ok and ("unrecognized name" in out or "alert number 112" in out), out
    ok, out = s_client(nginx.port, "-tls1_3", sni="b.test")
    assert ok, out
    ok, out = s_client(nginx.port, "-tls1_3", sni=None)
    assert ok, out
