"""OpenSSL options that weaken a profile are reset on every guarded context,
named at start-up, and do not reach a guarded name-based vhost from a
TLSGuard Off default vhost (docs/enforcement.md, "Options that weaken a
profile")."""

import re

from tg_hellomut import default_extensions, exchange, hello, records

EXT_ETM, EXT_EMS, EXT_TICKET = 22, 23, 35
CBC_SUITE = 0xc027  # ECDHE-RSA-AES128-SHA256: in nist-800-52r2's list

WEAKENING = {
    "-EncryptThenMac": "Options -EncryptThenMac",
    "-ExtendedMasterSecret": "Options -ExtendedMasterSecret",
    "AllowNoDHEKex": "Options AllowNoDHEKex",
    "UnsafeLegacyRenegotiation": "Options UnsafeLegacyRenegotiation",
    "UnsafeLegacyServerConnect": "Options UnsafeLegacyServerConnect",
    "ClientRenegotiation": "Options ClientRenegotiation",
    "-AntiReplay": "Options -AntiReplay",
    "Compression": "SSLCompression on / Options Compression",
}


def cbc_hello(name):
    """A TLS 1.2 hello offering one CBC suite, Encrypt-then-MAC, the extended
    master secret and session tickets."""
    exts = default_extensions(name, tls13=False) + [(EXT_ETM, b""), (EXT_TICKET, b"")]
    return records(hello(exts, ciphers=(CBC_SUITE,)))


def server_extensions(h, name):
    ans = exchange(h.port, cbc_hello(name))
    assert ans.version == 0x0303 and ans.cipher == CBC_SUITE, ans
    return ans.extensions


def start(h, a_lines, b_lines=None):
    text = h.base_conf() + "Listen 127.0.0.1:%d\n" % h.port + h.ssl_vhost(a_lines, name="a.test")
    if b_lines is not None:
        text += h.ssl_vhost(b_lines, name="b.test")
    h.write(text)
    h.start()


def test_every_weakening_option_is_reset_and_named(httpd):
    options = ",".join(WEAKENING)
    start(httpd, "TLSGuardProfile nist-800-52r2\n    SSLOpenSSLConfCmd Options " + options)
    warnings = httpd.log_lines("TLSGUARD-004")
    for opt, named in WEAKENING.items():
        hits = [w for w in warnings if '"%s"' % named in w]
        assert len(hits) == 1, (opt, warnings)
        assert "httpd.conf:" in hits[0] and "nist-800-52r2" in hits[0], hits[0]
    assert len(warnings) == len(WEAKENING), warnings
    exts = server_extensions(httpd, b"a.test")
    assert EXT_ETM in exts and EXT_EMS in exts, exts


def test_weakened_context_without_the_module_really_is_weaker(httpd):
    """The control: the wire check sees the option when nothing resets it."""
    start(httpd, "TLSGuard Off\n    SSLCipherSuite ECDHE-RSA-AES128-SHA256\n"
                 "    SSLOpenSSLConfCmd Options -EncryptThenMac,-ExtendedMasterSecret")
    exts = server_extensions(httpd, b"a.test")
    assert EXT_ETM not in exts and EXT_EMS not in exts, exts
    assert not httpd.log_lines("TLSGUARD-004")


def test_default_configuration_has_no_warning(httpd):
    start(httpd, "TLSGuardProfile nist-800-52r2")
    assert not httpd.log_lines("TLSGUARD-004"), httpd.log()
    assert EXT_ETM in server_extensions(httpd, b"a.test")


def test_unguarded_default_vhost_options_do_not_reach_a_guarded_sni_vhost(httpd):
    start(httpd, "TLSGuard Off\n    SSLCipherSuite ECDHE-RSA-AES128-SHA256\n"
                 "    SSLOpenSSLConfCmd Options -EncryptThenMac",
          "TLSGuardProfile nist-800-52r2")
    assert EXT_ETM not in server_extensions(httpd, b"a.test")
    assert EXT_ETM in server_extensions(httpd, b"b.test")


def test_session_tickets_follow_the_profile(httpd):
    start(httpd, "TLSGuardProfile intermediate\n    TLSGuardCiphers ECDHE-RSA-AES128-SHA256",
          "TLSGuardProfile nist-800-52r2")
    assert EXT_TICKET not in server_extensions(httpd, b"a.test")
    assert EXT_TICKET in server_extensions(httpd, b"b.test")
    lines = httpd.log_lines("TLSGUARD-001")
    assert any("a.test" in l and "session tickets off" in l for l in lines), lines
    assert any("b.test" in l and "session tickets on" in l for l in lines), lines


def test_long_cipher_lists_are_accepted_and_reported_whole(httpd):
    """TLSGuardCiphers ALL: every cipher the start-up line lists is accepted,
    however long the list (no cap at 64 entries or 2048 bytes)."""
    start(httpd, "TLSGuardCiphers ALL")
    line = httpd.log_lines("TLSGUARD-001")[0]
    listed = re.search(r"TLS 1\.2 ciphers (\S+);", line).group(1).split(":")
    assert len(listed) > 64, len(listed)
    assert len(":".join(listed)) > 2048
    from tg_httpd import s_client
    tail = [c for c in listed[-40:] if c.startswith(("ECDHE-RSA", "AES", "ECDHE-ECDSA"))
            and "CCM" not in c and "ARIA" not in c and "CAMELLIA" not in c]
    assert len(tail) >= 3, listed[-40:]
    for cipher in tail[-3:]:
        ok, out = s_client(httpd.port, "-tls1_2", "-cipher", cipher + ":@SECLEVEL=0", sni="a.test")
        assert ok, (cipher, out)
