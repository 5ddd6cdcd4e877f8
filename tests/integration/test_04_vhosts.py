"""Name-based virtual hosts with different policies on one address, TLSGuard
Off, graceful restarts and the other MPMs (docs/enforcement.md)."""

import pytest

from tg_httpd import curl, gnutls, s_client, s_client_cipher, s_client_protocol

WEAK = "SSLProtocol all\n    SSLCipherSuite ALL:@SECLEVEL=0"


def three_vhosts(h, a_lines="", b_lines="", c_lines="", server="TLSGuardProfile intermediate"):
    """a.test is the address's default vhost; b.test and c.test are selected by SNI."""
    h.write(h.base_conf() + "Listen 127.0.0.1:%d\n%s\n" % (h.port, server)
            + h.ssl_vhost(a_lines, name="a.test")
            + h.ssl_vhost(b_lines, name="b.test")
            + h.ssl_vhost(c_lines, name="c.test"))
    h.start()
    return h


def test_each_vhost_gets_its_own_versions(httpd):
    three_vhosts(httpd, b_lines="TLSGuardProfile modern")
    ok, out = s_client(httpd.port, "-tls1_2", sni="a.test")
    assert ok and s_client_protocol(out) == "TLSv1.2", out
    ok, out = s_client(httpd.port, "-tls1_2", sni="b.test")
    assert not ok, out
    assert "alert protocol version" in out or "alert number 70" in out, out
    ok, out = s_client(httpd.port, "-tls1_3", sni="b.test")
    assert ok, out
    # No SNI and an unknown name both stay on the default vhost's policy.
    ok, out = s_client(httpd.port, "-tls1_2", sni=None)
    assert ok, out
    ok, out = s_client(httpd.port, "-tls1_2", sni="nobody.test")
    assert ok, out


def test_modern_default_vhost_intermediate_sni_vhost(httpd):
    """The reverse: the stricter policy on the default vhost must not leak."""
    three_vhosts(httpd, a_lines="TLSGuardProfile modern", server="")
    ok, out = s_client(httpd.port, "-tls1_2", sni="a.test")
    assert not ok, out
    ok, out = s_client(httpd.port, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256",
                       sni="b.test")
    assert ok and s_client_protocol(out) == "TLSv1.2", out


def test_each_vhost_gets_its_own_groups(httpd):
    three_vhosts(httpd, b_lines="TLSGuardGroups secp384r1")
    ok, out = s_client(httpd.port, "-tls1_3", "-groups", "X25519", sni="a.test")
    assert ok, out
    ok, out = s_client(httpd.port, "-tls1_3", "-groups", "X25519", sni="b.test")
    assert not ok, out
    ok, out = s_client(httpd.port, "-tls1_3", "-groups", "P-384", sni="b.test")
    assert ok, out
    # And the other way round: b.test's groups do not restrict a.test.
    ok, out = s_client(httpd.port, "-tls1_3", "-groups", "P-256", sni="a.test")
    assert ok, out


def test_each_vhost_gets_its_own_ciphers_and_order(httpd):
    three_vhosts(httpd, b_lines="TLSGuardProfile nist-800-52r2",
                 c_lines="TLSGuardCiphers ECDHE-RSA-AES256-GCM-SHA384")
    # nist has no ChaCha20; intermediate does.
    ok, out = s_client(httpd.port, "-tls1_2", "-cipher", "ECDHE-RSA-CHACHA20-POLY1305",
                       sni="a.test")
    assert ok, out
    ok, out = s_client(httpd.port, "-tls1_2", "-cipher", "ECDHE-RSA-CHACHA20-POLY1305",
                       sni="b.test")
    assert not ok, out
    # nist uses the server's order: AES-128-GCM first even if the client prefers AES-256.
    ok, out = s_client(httpd.port, "-tls1_2", "-cipher",
                       "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256", sni="b.test")
    assert ok and s_client_cipher(out) == "ECDHE-RSA-AES128-GCM-SHA256", out
    # intermediate leaves the choice to the client.
    ok, out = s_client(httpd.port, "-tls1_2", "-cipher",
                       "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256", sni="a.test")
    assert ok and s_client_cipher(out) == "ECDHE-RSA-AES256-GCM-SHA384", out
    ok, out = s_client(httpd.port, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256",
                       sni="c.test")
    assert not ok, out


def test_tls13_suites_per_vhost(httpd):
    three_vhosts(httpd, b_lines="TLSGuardCipherSuites TLS_AES_256_GCM_SHA384")
    ok, out = s_client(httpd.port, "-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256",
                       sni="b.test")
    assert not ok, out
    ok, out = s_client(httpd.port, "-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256",
                       sni="a.test")
    assert ok, out


def test_guard_off_vhost_behind_guarded_default(httpd):
    """c.test has TLSGuard Off and allows everything itself: mod_ssl's own behaviour."""
    three_vhosts(httpd, c_lines="TLSGuard Off\n    " + WEAK)
    ok, out = gnutls(httpd.port, "NONE:+VERS-TLS1.2:+AES-128-CBC:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL",
                     host="c.test")
    assert ok, out
    ok, out = s_client(httpd.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0", sni="c.test")
    assert ok and s_client_protocol(out) == "TLSv1", out
    # ... while the guarded default vhost still refuses both.
    ok, out = s_client(httpd.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0", sni="a.test")
    assert not ok, out
    assert len(httpd.log_lines("TLSGUARD-002")) == 1, httpd.log()
    assert len(httpd.log_lines("TLSGUARD-001")) == 2, httpd.log()


def test_guard_off_everywhere_leaves_mod_ssl_untouched(make_httpd):
    """TLSGuard Off must behave exactly like a server without the module."""
    results = {}
    for variant in ("module-off", "no-module"):
        h = make_httpd()
        modules = h.modules(with_tlsguard=(variant == "module-off"))
        server = "TLSGuard Off\n" if variant == "module-off" else ""
        h.write(h.base_conf(modules) + "Listen 127.0.0.1:%d\n%s" % (h.port, server)
                + h.ssl_vhost(WEAK + "\n    SSLHonorCipherOrder on"))
        h.start()
        probes = []
        for args in (["-tls1"], ["-tls1_1"], ["-tls1_2", "-cipher", "AES128-SHA"],
                     ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA"], ["-tls1_3"],
                     ["-tls1_2", "-cipher",
                      "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"]):
            if "-cipher" in args:
                args[-1] += ":@SECLEVEL=0"
            else:
                args += ["-cipher", "ALL:@SECLEVEL=0"]
            ok, out = s_client(h.port, *args)
            probes.append((ok, s_client_protocol(out), s_client_cipher(out)))
        results[variant] = probes
        h.stop()
    assert results["module-off"] == results["no-module"]
    assert results["no-module"][0][0] is True  # TLS 1.0 really works without the module


def test_enforcement_survives_graceful_restart(httpd):
    three_vhosts(httpd, b_lines="TLSGuardProfile modern")
    for _ in range(2):
        httpd.graceful()
        ok, out = s_client(httpd.port, "-tls1_1", "-cipher", "ALL:@SECLEVEL=0", sni="a.test")
        assert not ok, out
        ok, out = s_client(httpd.port, "-tls1_2", sni="b.test")
        assert not ok, out
        ok, out = s_client(httpd.port, "-tls1_2", sni="a.test")
        assert ok, out
    # one line per vhost for the start and for each restart
    assert len(httpd.log_lines("TLSGUARD-001")) == 3 * 3, httpd.log()


def test_graceful_restart_applies_a_changed_profile(httpd):
    httpd.simple("TLSGuardProfile intermediate")
    httpd.start()
    ok, out = s_client(httpd.port, "-tls1_2")
    assert ok, out
    httpd.simple("TLSGuardProfile modern")
    httpd.graceful()
    ok, out = s_client(httpd.port, "-tls1_2")
    assert not ok, out


@pytest.mark.parametrize("mpm", ["prefork", "worker"])
def test_other_mpms(make_httpd, certs, mpm):
    h = make_httpd(mpm=mpm)
    h.simple("TLSGuardProfile intermediate", WEAK)
    h.start()
    ok, out = s_client(h.port, "-tls1_1", "-cipher", "ALL:@SECLEVEL=0")
    assert not ok, out
    ok, out = s_client(h.port, "-tls1_2", "-cipher", "AES128-SHA:@SECLEVEL=0")
    assert not ok, out
    rc, out = curl(h.port, "/", "--tlsv1.3", cacert=certs.ca)
    assert rc == 0 and "200 OK" in out, out
    h.graceful()
    ok, out = s_client(h.port, "-tls1_1", "-cipher", "ALL:@SECLEVEL=0")
    assert not ok, out
    assert "mpm_%s:notice" % mpm in h.log(), h.log()


def test_proxy_contexts(make_httpd, certs):
    """TLSGuardProxy On holds mod_proxy's backend connections to the policy."""
    backend = make_httpd()
    backend.simple("TLSGuard Off", "SSLProtocol -all +TLSv1.2")
    backend.start()
    front = make_httpd()
    for proxy_mode, expect in (("Off", "200 OK"), ("On", "Error during SSL Handshake with remote server")):
        proxy = """SSLProxyEngine on
    SSLProxyCACertificateFile {ca}
    SSLProxyCheckPeerName off
    ProxyPass /back/ https://127.0.0.1:{port}/
    TLSGuardProfile modern
    TLSGuardProxy {mode}""".format(ca=certs.ca, port=backend.port, mode=proxy_mode)
        front.write(front.base_conf(front.modules(["proxy", "proxy_http"]))
                    + "Listen 127.0.0.1:%d\n" % front.port + front.ssl_vhost(proxy))
        front.start()
        rc, out = curl(front.port, "/back/index.html", cacert=certs.ca)
        assert expect in out, (proxy_mode, out, front.log())
        proxy_lines = [l for l in front.log().splitlines() if "proxy context of" in l]
        tag = "TLSGUARD-001" if proxy_mode == "On" else "TLSGUARD-002"
        assert proxy_lines and tag in proxy_lines[0], front.log()
        front.stop()


def test_per_directory_renegotiation_stays_inside_the_policy(make_httpd, certs):
    """mod_ssl renegotiates TLS 1.2 connections for a per-directory SSLCipherSuite
    and puts its own cipher string on the connection; the policy still wins."""
    results = {}
    for variant in ("guarded", "no-module"):
        h = make_httpd()
        modules = h.modules(with_tlsguard=(variant == "guarded"))
        loc = ('<Location "/">\n        SSLCipherSuite ECDHE-RSA-AES128-SHA:@SECLEVEL=0\n'
               '    </Location>')
        h.write(h.base_conf(modules) + "Listen 127.0.0.1:%d\n" % h.port
                + h.ssl_vhost(WEAK + "\n    " + loc, ec=False))
        h.start()
        rc, out = curl(h.port, "/index.html", "--tlsv1.2", "--tls-max", "1.2", "-v",
                       "--ciphers", "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA:@SECLEVEL=0",
                       cacert=certs.ca)
        results[variant] = (rc, out)
        h.stop()
    rc, out = results["no-module"]
    assert rc == 0 and "200 OK" in out, out  # without the module the weak cipher is used
    rc, out = results["guarded"]
    assert "200 OK" not in out, out


def test_vhosts_without_own_directives_keep_their_own_range(httpd):
    """b.test and c.test set no TLSGuard directive; c.test narrows itself with
    SSLProtocol. Each must keep its own effective range: b.test still takes
    TLS 1.2 after the SNI switch, c.test does not."""
    three_vhosts(httpd, a_lines="TLSGuardProfile intermediate",
                 c_lines="SSLProtocol -all +TLSv1.3", server="")
    ok, out = s_client(httpd.port, "-tls1_2", sni="b.test")
    assert ok and s_client_protocol(out) == "TLSv1.2", out
    ok, out = s_client(httpd.port, "-tls1_2", sni="c.test")
    assert not ok, out
    lines = httpd.log_lines("TLSGUARD-001")
    assert sum("narrowed by the vhost's SSLProtocol" in l for l in lines) == 1, lines
