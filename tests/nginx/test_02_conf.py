"""Bad configurations fail `nginx -t` with the directive, the file:line and
the reason; a good one passes."""

import re

import pytest

# (id, http-level lines, server-level lines, the marker line the message must
#  point at (a substring of it), regex of the message)
BAD = [
    ("flag", "", "tlsguard maybe;", "tlsguard maybe",
     r'invalid value "maybe" in "tlsguard" directive, it must be "on" or "off"'),
    ("strict-sni-flag", "", "tlsguard_strict_sni yes;", "tlsguard_strict_sni",
     r'invalid value "yes" in "tlsguard_strict_sni" directive'),
    ("unknown-profile", "", "tlsguard_profile bogus;", "tlsguard_profile bogus",
     r'"tlsguard_profile": unknown profile "bogus" \(expected [a-z0-9|-]*intermediate'),
    ("duplicate-profile", "", "tlsguard_profile modern;\n        tlsguard_profile old;",
     "tlsguard_profile old", r'"tlsguard_profile" directive is duplicate'),
    ("profile-arguments", "", "tlsguard_profile;", "tlsguard_profile;",
     r'invalid number of arguments in "tlsguard_profile" directive'),
    ("unknown-protocol", "", "tlsguard_protocols TLSv1.2 TLSv9;", "TLSv9",
     r'"tlsguard_protocols": unknown protocol "TLSv9"'),
    ("ssl3", "", "tlsguard_protocols SSLv3 TLSv1.2;", "SSLv3",
     r'"tlsguard_protocols": "SSLv3" is not allowed: SSL 2.0 and 3.0 are broken'),
    ("protocol-hole", "", "tlsguard_protocols TLSv1.1 TLSv1.3;", "TLSv1.1 TLSv1.3",
     r'"tlsguard_protocols": protocols must form one range: TLSv1.2 is missing'),
    ("bad-ciphers", "", "tlsguard_ciphers NOT-A-CIPHER;", "NOT-A-CIPHER",
     r'"tlsguard_ciphers": .*NOT-A-CIPHER'),
    ("empty-ciphers", "", 'tlsguard_ciphers "";', "tlsguard_ciphers",
     r'"tlsguard_ciphers": empty list'),
    ("bad-suites", "", "tlsguard_cipher_suites TLS_NOPE_SHA256;", "TLS_NOPE",
     r'"tlsguard_cipher_suites": .*TLS_NOPE_SHA256'),
    ("location", "", "location / { tlsguard on; }", "location /",
     r'"tlsguard" directive is not allowed here'),
    # Found when the block's policy is built: the message names the block
    # and where the directive at fault was given.
    ("unknown-group", "", "tlsguard_groups X25519:nosuchgroup;", "nosuchgroup",
     r"TLSGUARD-010: server block at {conf}:\d+ \(localhost\): \"tlsguard_groups\" in "
     r"{conf}:{line}: .*nosuchgroup"),
    ("modern-with-tls12", "", "tlsguard_profile modern;\n        tlsguard_protocols TLSv1.2 TLSv1.3;",
     "tlsguard_protocols",
     r"TLSGUARD-010: server block at {conf}:\d+ \(localhost\): \"tlsguard_protocols\" in "
     r"{conf}:{line}: enables TLSv1.2 but profile modern has no TLS 1.2 ciphers: set "
     r"tlsguard_ciphers"),
    ("inherited-bad-group", "tlsguard_groups nosuchgroup;", "", "nosuchgroup",
     r"TLSGUARD-010: server block at {conf}:\d+ \(localhost\): \"tlsguard_groups\" in "
     r"{conf}:{line}: "),
    ("empty-intersection", "", "ssl_protocols TLSv1 TLSv1.1;", "ssl_protocols TLSv1 TLSv1.1",
     r"TLSGUARD-013: server block at {conf}:\d+ \(localhost\): cannot apply tlsguard_profile "
     r"intermediate with this block's ssl_protocols: no protocol version left: ssl_protocols "
     r"allows TLSv1-TLSv1.1"),
]


def line_of(text, marker):
    for i, line in enumerate(text.splitlines(), 1):
        if marker in line:
            return i
    raise AssertionError("marker %r not in the configuration" % marker)


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_configuration_refused(nginx, case):
    _, http_lines, server_lines, marker, pattern = case
    text = nginx.conf("ssl_protocols TLSv1.2 TLSv1.3;\n    " + http_lines
                      if "ssl_protocols" not in server_lines else http_lines,
                      nginx.server(server_lines))
    nginx.write(text)
    rc, out = nginx.configtest()
    assert rc != 0, out
    line = line_of(text, marker)
    conf = re.escape(nginx.conf_path)
    regex = pattern.replace("{conf}", conf).replace("{line}", str(line))
    emerg = [l for l in out.splitlines() if "[emerg]" in l]
    assert emerg, out
    assert re.search(regex, emerg[0]), (regex, out)
    if "{line}" not in pattern and "TLSGUARD-013" not in pattern:
        # nginx's own form: "... in /path/nginx.conf:LINE"
        assert emerg[0].endswith(" in %s:%d" % (nginx.conf_path, line)), (line, out)
    # The running configuration never changes: nothing was started.
    assert nginx.pid() is None


def test_good_configuration_passes(nginx):
    nginx.write(nginx.conf(
        "ssl_protocols TLSv1.2 TLSv1.3;\n    tlsguard on;\n    tlsguard_profile intermediate;\n"
        "    tlsguard_groups X25519:prime256v1;",
        nginx.server("tlsguard_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256;"
                     "\n        tlsguard_cipher_suites TLS_AES_128_GCM_SHA256;"
                     "\n        tlsguard_strict_sni on;")))
    rc, out = nginx.configtest()
    assert rc == 0, out
    (line,) = nginx.log_lines("TLSGUARD-001")
    assert "deviations from the profile: ciphers, cipher suites, groups" in line, line
    assert "TLS 1.3 suites TLS_AES_128_GCM_SHA256;" in line, line
