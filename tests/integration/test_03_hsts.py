"""HSTS: exactly one correct Strict-Transport-Security header on every response
sent over TLS (any status, error documents, mod_proxy, HTTP/1.1 and HTTP/2),
none over plain HTTP, and bad TLSGuardHSTS values refused by `apache2 -t`."""

import os
import re
import shutil
import socket
import ssl
import tempfile

import pytest

from tg_httpd import Httpd, curl, free_port, run

OURS = "max-age=63072000; includeSubDomains; preload"
BACKEND_STS = "max-age=1"      # what the proxied backend sends
CGI_STS = "max-age=5"          # what the CGI script sends
STS = "strict-transport-security"

SITE_MODULES = ["proxy", "proxy_http", "http2", "cgi", "auth_basic", "authn_core",
                "authn_file", "authz_user"]

FAIL_CGI = "#!/bin/sh\nexit 1\n"
STS_CGI = ("#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n"
           "Strict-Transport-Security: %s\\r\\n\\r\\nfrom cgi\\n'\n" % CGI_STS)

LONG_URI = "/" + "a" * 9000    # over LimitRequestLine (8190): 414


# ---- helpers ------------------------------------------------------------------

def split_response(text):
    """(status, [(name lower-case, value)]) of the final response in curl -i
    output or a raw HTTP/1.x answer (interim 1xx responses skipped)."""
    blocks = re.split(r"\r?\n\r?\n", text)
    status, headers = None, []
    for block in blocks:
        lines = block.splitlines()
        if not lines or not re.match(r"HTTP/[0-9.]+ \d{3}", lines[0]):
            if status is not None:
                break
            continue
        status = int(lines[0].split()[1])
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name.strip().lower(), value.strip()))
        if status >= 200:
            break
    return status, headers


def sts_of(text):
    status, headers = split_response(text)
    return status, [v for n, v in headers if n == STS]


def header(text, name):
    for n, v in split_response(text)[1]:
        if n == name.lower():
            return v
    return None


def https(port, path, *args, host="localhost", cacert=None, h2=False):
    proto = "--http2" if h2 else "--http1.1"
    rc, out = curl(port, path, proto, *args, host=host, cacert=cacert)
    assert rc == 0, out
    if h2:
        assert out.startswith("HTTP/2 "), out
    return out


def http(port, path, *args, host="localhost", h2c=False):
    proto = "--http2-prior-knowledge" if h2c else "--http1.1"
    cmd = ["curl", "-sS", "-i", "--max-time", "10", proto, *args,
           "http://127.0.0.1:%d%s" % (port, path), "-H", "Host: " + host]
    rc, out = run(cmd, timeout=15)
    assert rc == 0, out
    if h2c:
        assert out.startswith("HTTP/2 "), out
    return out


def raw_tls(port, data, sni, cacert):
    """Send bytes over TLS with the given SNI; return everything read."""
    ctx = ssl.create_default_context(cafile=cacert)
    ctx.set_alpn_protocols(["http/1.1"])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        with ctx.wrap_socket(sock, server_hostname=sni) as tls:
            tls.sendall(data)
            return read_all(tls)


def raw_plain(port, data):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        return read_all(sock)


def read_all(sock):
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except (ssl.SSLError, ConnectionResetError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("latin-1")


def write_cgi(h):
    cgi = os.path.join(h.root, "cgi-bin")
    os.makedirs(cgi, exist_ok=True)
    os.chmod(cgi, 0o755)
    for name, text in (("fail.cgi", FAIL_CGI), ("sts.cgi", STS_CGI)):
        path = os.path.join(cgi, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)
    with open(os.path.join(h.root, "htpasswd"), "w") as f:
        f.write("")
    errors = os.path.join(h.docroot, "errors")
    os.makedirs(errors, exist_ok=True)
    os.chmod(errors, 0o755)
    with open(os.path.join(errors, "notfound.html"), "w") as f:
        f.write("custom not-found page\n")


def site_lines(h, backend_port):
    """Locations giving every status the tests need, for any vhost."""
    return """ScriptAlias /cgi-bin/ "{root}/cgi-bin/"
<Directory "{root}/cgi-bin">
    Options +ExecCGI
    Require all granted
</Directory>
Redirect permanent /old /index.html
<Location /private>
    AuthType Basic
    AuthName private
    AuthUserFile "{root}/htpasswd"
    Require valid-user
</Location>
<Location /forbidden>
    Require all denied
</Location>
<Location /gone>
    ErrorDocument 404 /errors/notfound.html
</Location>
<Location /gone-text>
    ErrorDocument 404 "custom not-found text"
</Location>
ProxyPass /backend/ http://127.0.0.1:{backend}/
ProxyPassReverse /backend/ http://127.0.0.1:{backend}/
""".format(root=h.root, backend=backend_port)


def backend_vhost(port):
    """A plain-HTTP backend that sets its own header on every status."""
    return """<VirtualHost 127.0.0.1:{port}>
    ServerName backend
    TLSGuardHSTS Off
    Header always set Strict-Transport-Security "{sts}"
</VirtualHost>
""".format(port=port, sts=BACKEND_STS)


# ---- one server for the status x mode x protocol matrix -------------------------

@pytest.fixture(scope="module")
def site(certs):
    """TLS port: localhost (default vhost, replace) and b.test (keep); a plain
    HTTP front on http_port with the same locations; a backend for mod_proxy.
    TLSGuardHSTS is set once at server level and inherited by all three."""
    root = tempfile.mkdtemp(prefix="tlsguard-hsts-")
    os.chmod(root, 0o755)
    h = Httpd(root, certs)
    h.backend_port = free_port()
    write_cgi(h)
    h.write(h.base_conf(h.modules(SITE_MODULES))
            + "Listen 127.0.0.1:%d\nListen 127.0.0.1:%d\nListen 127.0.0.1:%d\n"
            % (h.port, h.http_port, h.backend_port)
            + "Protocols h2 h2c http/1.1\n"
            + "TLSGuardHSTS %s\n" % OURS
            + site_lines(h, h.backend_port)
            + h.ssl_vhost("")
            + h.ssl_vhost("    TLSGuardHSTSExisting keep", name="b.test")
            + "<VirtualHost 127.0.0.1:%d>\n    ServerName localhost\n</VirtualHost>\n"
            % h.http_port
            + backend_vhost(h.backend_port))
    h.start()
    yield h
    h.stop()
    shutil.rmtree(root, ignore_errors=True)


def etag_of(site, certs, host):
    out = https(site.port, "/index.html", host=host, cacert=certs.ca)
    etag = header(out, "ETag")
    assert etag, out
    return etag


# (name, path, expected status, header set by the application or backend)
CASES = [
    ("200", "/index.html", 200, None),
    ("301", "/old", 301, None),
    ("304", "/index.html", 304, None),
    ("401", "/private/", 401, None),
    ("403", "/forbidden/", 403, None),
    ("404", "/missing.html", 404, None),
    ("500-cgi", "/cgi-bin/fail.cgi", 500, None),
    ("errordocument-url", "/gone/x", 404, None),
    ("errordocument-text", "/gone-text/x", 404, None),
    ("cgi-own-header", "/cgi-bin/sts.cgi", 200, CGI_STS),
    ("proxy-200", "/backend/index.html", 200, BACKEND_STS),
    ("proxy-404", "/backend/missing.html", 404, BACKEND_STS),
]


def fetch(site, certs, path, host, h2, status):
    args = []
    if status == 304:
        args = ["-H", "If-None-Match: " + etag_of(site, certs, host)]
    return https(site.port, path, *args, host=host, cacert=certs.ca, h2=h2)


@pytest.mark.parametrize("h2", [False, True], ids=["http1.1", "h2"])
@pytest.mark.parametrize("host,mode", [("localhost", "replace"), ("b.test", "keep")])
@pytest.mark.parametrize("name,path,status,app", CASES, ids=[c[0] for c in CASES])
def test_tls_response_has_exactly_one_header(site, certs, name, path, status, app, host,
                                             mode, h2):
    out = fetch(site, certs, path, host, h2, status)
    got_status, values = sts_of(out)
    assert got_status == status, out
    want = app if (mode == "keep" and app) else OURS
    assert values == [want], out
    if name == "errordocument-url":
        assert "custom not-found page" in out
    if name == "errordocument-text":
        assert "custom not-found text" in out


@pytest.mark.parametrize("host", ["localhost", "b.test"])
def test_tls_414_has_the_header(site, certs, host):
    out = https(site.port, LONG_URI, host=host, cacert=certs.ca)
    assert sts_of(out) == (414, [OURS]), out[:2000]


def test_backend_really_sends_its_own_header(site):
    """The proxy cases above only prove replace/keep if the backend sends one."""
    for path, status in (("/index.html", 200), ("/missing.html", 404)):
        out = http(site.backend_port, path, host="backend")
        assert sts_of(out) == (status, [BACKEND_STS]), out


@pytest.mark.parametrize("h2c", [False, True], ids=["http1.1", "h2c"])
@pytest.mark.parametrize("name,path,status,app", CASES, ids=[c[0] for c in CASES])
def test_plain_http_never_has_the_header(site, certs, name, path, status, app, h2c):
    args = []
    if status == 304:
        etag = header(http(site.http_port, "/index.html"), "ETag")
        args = ["-H", "If-None-Match: " + etag]
    out = http(site.http_port, path, *args, h2c=h2c)
    assert sts_of(out) == (status, []), out


@pytest.mark.parametrize("h2", [False, True], ids=["http1.1", "h2"])
@pytest.mark.parametrize("path,status", [("/index.html", 200), ("/missing.html", 404),
                                         ("/backend/index.html", 200)])
def test_head_requests(site, certs, path, status, h2):
    out = https(site.port, path, "-I", cacert=certs.ca, h2=h2)
    assert sts_of(out) == (status, [OURS]), out
    out = http(site.http_port, path, "-I", h2c=h2)
    assert sts_of(out) == (status, []), out


@pytest.mark.parametrize("request_bytes,status", [
    (b"GET / HTTP/1.1\r\nHost: localhost\r\nno colon here\r\n\r\n", 400),
    (b"GET " + LONG_URI.encode() + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414),
    (b"GET / HTTP/1.1\r\n\r\n", 400),
])
def test_plain_http_errors_never_have_the_header(site, request_bytes, status):
    out = raw_plain(site.http_port, request_bytes)
    assert sts_of(out) == (status, []), out[:2000]


def test_plain_http_strips_a_header_the_application_sets(site):
    """RFC 6797 7.2: the CGI and the backend set one; over plain HTTP it goes."""
    for path in ("/cgi-bin/sts.cgi", "/backend/index.html"):
        out = http(site.http_port, path)
        assert sts_of(out) == (200, []), out


def test_startup_audit_line_per_vhost(site):
    lines = site.log_lines("TLSGUARD-020")
    # main server, the two TLS vhosts, the plain front and the backend; once each
    assert len(lines) == 5, "\n".join(lines)
    tls = [l for l in lines if "on 127.0.0.1:%d)" % site.port in l]
    assert len(tls) == 2, "\n".join(lines)
    for line in tls:
        assert 'HSTS "%s" on every HTTPS response' % OURS in line, line
        assert line.endswith("preload-ready: yes"), line
    assert any("(b.test on" in l and "application is kept" in l for l in tls), tls
    assert any("(localhost on" in l and "application is replaced" in l for l in tls), tls
    plain = [l for l in lines if "on 127.0.0.1:%d)" % site.http_port in l]
    assert len(plain) == 1 and "plain HTTP: no Strict-Transport-Security is sent" in plain[0]
    assert [l for l in lines if "[tlsguard:notice]" not in l] == []


# ---- errors raised before the vhost is chosen; mod_headers for comparison ---------

MOD_HEADERS_STS = "max-age=600"
HEADER_ALWAYS = 'Header always set Strict-Transport-Security "%s"' % MOD_HEADERS_STS

MALFORMED = [
    ("400-bad-header-line", b"GET / HTTP/1.1\r\nHost: %s\r\nno colon here\r\n\r\n", 400),
    ("400-bad-request-line", b"GET /\x7f HTTP/1.1 extra\r\nHost: %s\r\n\r\n", 400),
    ("414", b"GET " + LONG_URI.encode() + b" HTTP/1.1\r\nHost: %s\r\n\r\n", 414),
]


@pytest.fixture
def sni_vhosts(httpd):
    """localhost (default vhost): ours with one year; b.test: ours; c.test:
    only mod_headers' Header always set; a.test: ours switched Off."""
    write_cgi(httpd)
    httpd.write(httpd.base_conf()
                + "Listen 127.0.0.1:%d\n" % httpd.port
                + "ErrorDocument 404 /errors/notfound.html\n"
                + "ErrorDocument 400 /errors/notfound.html\n"
                + httpd.ssl_vhost("    TLSGuardHSTS max-age=31536000")
                + httpd.ssl_vhost("    TLSGuardHSTS %s" % OURS, name="b.test")
                + httpd.ssl_vhost("    " + HEADER_ALWAYS, name="c.test")
                + httpd.ssl_vhost("    TLSGuardHSTS Off", name="a.test"))
    httpd.start()
    return httpd


@pytest.mark.parametrize("name,request_bytes,status", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_early_error_on_sni_vhost_vs_mod_headers(sni_vhosts, certs, name, request_bytes,
                                                  status):
    """httpd answers these before it reads Host, with the default vhost's
    config. mod_headers (c.test) therefore loses its header; ours (b.test)
    follows the vhost the client named in SNI."""
    port = sni_vhosts.port
    ours = raw_tls(port, request_bytes % b"b.test", "b.test", certs.ca)
    theirs = raw_tls(port, request_bytes % b"c.test", "c.test", certs.ca)
    off = raw_tls(port, request_bytes % b"a.test", "a.test", certs.ca)
    assert sts_of(theirs) == (status, []), theirs[:2000]     # mod_headers' fault
    assert sts_of(ours) == (status, [OURS]), ours[:2000]     # ours, from the SNI vhost
    assert sts_of(off) == (status, []), off[:2000]           # Off there beats the default
    # Both send their header once the vhost is known:
    assert sts_of(https(port, "/", host="b.test", cacert=certs.ca)) == (200, [OURS])
    assert sts_of(https(port, "/", host="c.test", cacert=certs.ca)) == (200, [MOD_HEADERS_STS])


def test_host_header_decides_once_read(sni_vhosts, certs):
    """SNI b.test but Host localhost: httpd serves localhost (same TLS
    settings), so localhost's policy applies, not the SNI vhost's."""
    for path, status in (("/", 200), ("/missing", 404)):
        out = raw_tls(sni_vhosts.port, b"GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: "
                      b"close\r\n\r\n" % path.encode(), "b.test", certs.ca)
        assert sts_of(out) == (status, ["max-age=31536000"]), out[:2000]
    # the 404 went through the ErrorDocument redirect, a new request
    assert "custom not-found page" in out, out


def test_early_error_without_sni_uses_default_vhost(sni_vhosts):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", sni_vhosts.port), timeout=10) as sock:
        with ctx.wrap_socket(sock) as tls:   # no server_hostname: no SNI
            tls.sendall(MALFORMED[0][1] % b"b.test")
            out = read_all(tls)
    assert sts_of(out) == (400, ["max-age=31536000"]), out[:2000]


@pytest.fixture
def three_ports(httpd):
    """Three TLS ports: mod_headers only, ours only, both."""
    httpd.ports = [httpd.port, free_port(), free_port()]
    bodies = ["    " + HEADER_ALWAYS,
              "    TLSGuardHSTS " + OURS,
              "    " + HEADER_ALWAYS + "\n    TLSGuardHSTS " + OURS]
    backend = free_port()
    httpd.write(httpd.base_conf(httpd.modules(["proxy", "proxy_http"]))
                + "".join("Listen 127.0.0.1:%d\n" % p for p in httpd.ports + [backend])
                + "ProxyPass /backend/ http://127.0.0.1:%d/\n" % backend
                + backend_vhost(backend)
                + "".join(httpd.ssl_vhost(b, port=p) for p, b in zip(httpd.ports, bodies)))
    httpd.start()
    return httpd


def test_http_on_https_port_vs_mod_headers(three_ports, certs):
    """Plain HTTP sent to a TLS port gets a plain-text 400 from mod_ssl.
    mod_headers' `Header always set` puts the header on it, which RFC 6797
    7.2 forbids; ours never does, and removes mod_headers' one too."""
    only_headers, only_ours, both = three_ports.ports
    plain = b"GET / HTTP/1.0\r\n\r\n"
    theirs = raw_plain(only_headers, plain)
    assert "speaking plain HTTP to an SSL-enabled server port" in theirs, theirs
    assert sts_of(theirs) == (400, [MOD_HEADERS_STS]), theirs   # mod_headers' fault
    assert sts_of(raw_plain(only_ours, plain)) == (400, [])
    assert sts_of(raw_plain(both, plain)) == (400, [])
    # Over TLS all three send exactly one header; ours replaces mod_headers'.
    assert sts_of(https(only_headers, "/", cacert=certs.ca)) == (200, [MOD_HEADERS_STS])
    assert sts_of(https(only_ours, "/", cacert=certs.ca)) == (200, [OURS])
    assert sts_of(https(both, "/", cacert=certs.ca)) == (200, [OURS])
    assert sts_of(https(both, "/missing", cacert=certs.ca)) == (404, [OURS])


def test_backend_header_vs_mod_headers(three_ports, certs):
    """A proxied backend sends its own header: mod_headers' `always` one is
    added next to it (two headers); ours leaves exactly one."""
    only_headers, only_ours, both = three_ports.ports
    path = "/backend/index.html"
    out = https(only_headers, path, cacert=certs.ca)
    assert sorted(sts_of(out)[1]) == sorted([BACKEND_STS, MOD_HEADERS_STS]), out  # the fault
    assert sts_of(https(only_ours, path, cacert=certs.ca)) == (200, [OURS])
    assert sts_of(https(both, path, cacert=certs.ca)) == (200, [OURS])


# ---- Off, sections, spellings, profile defaults --------------------------------------

def test_off_excludes_vhost_location_and_directory(httpd, certs):
    nodir = os.path.join(httpd.docroot, "nodir")
    os.makedirs(nodir)
    os.chmod(nodir, 0o755)
    with open(os.path.join(nodir, "index.html"), "w") as f:
        f.write("no hsts here\n")
    httpd.write(httpd.base_conf()
                + "Listen 127.0.0.1:%d\n" % httpd.port
                + "TLSGuardHSTS %s\n" % OURS
                + "<Location /nohsts>\n    TLSGuardHSTS Off\n</Location>\n"
                + "<Directory \"%s\">\n    TLSGuardHSTS off\n</Directory>\n" % nodir
                + "<Location /short>\n    TLSGuardHSTS max-age=600\n</Location>\n"
                + httpd.ssl_vhost("")
                + httpd.ssl_vhost("    TLSGuardHSTS OFF", name="b.test"))
    httpd.start()
    port = httpd.port

    def get(path, host="localhost"):
        return sts_of(https(port, path, host=host, cacert=certs.ca))

    assert get("/") == (200, [OURS])
    assert get("/nohsts") == (404, [])
    assert get("/nohsts/missing") == (404, [])
    assert get("/nodir/") == (200, [])
    assert get("/nodir/missing") == (404, [])
    assert get("/short") == (404, ["max-age=600"])
    assert get("/", host="b.test") == (200, [])
    assert get("/missing", host="b.test") == (404, [])
    assert get("/short", host="b.test") == (404, ["max-age=600"])


SPELLINGS = [
    ("localhost", "max-age=63072000; includeSubDomains"),
    ("a.test", '"max-age=63072000; includeSubDomains"'),
    ("b.test", "'MAX-AGE=63072000;includesubdomains'"),
    ("c.test", '  max-age="063072000" ;   INCLUDESUBDOMAINS ;'),
]


def test_spellings_give_the_same_canonical_header(httpd, certs):
    """Quoted or not, any case, any spacing: one canonical header."""
    httpd.write(httpd.base_conf()
                + "Listen 127.0.0.1:%d\n" % httpd.port
                + "".join(httpd.ssl_vhost("    TLSGuardHSTS " + v, name=n)
                          for n, v in SPELLINGS))
    httpd.start()
    want = "max-age=63072000; includeSubDomains"
    for name, _ in SPELLINGS:
        out = https(httpd.port, "/", host=name, cacert=certs.ca)
        assert sts_of(out) == (200, [want]), (name, out)
        line = [l for l in httpd.log_lines("TLSGUARD-020") if "(%s on" % name in l]
        assert len(line) == 1 and 'HSTS "%s"' % want in line[0], line
        assert "preload-ready: no (preload is missing)" in line[0], line


PROFILE_DEFAULTS = [
    ("localhost", "intermediate", 63072000),
    ("a.test", "nist-800-52r2", 31536000),
    ("b.test", "bsi-tr-02102-2", 31536000),
    ("c.test", "modern", 63072000),
]


def test_on_takes_the_profile_default(httpd, certs):
    httpd.write(httpd.base_conf()
                + "Listen 127.0.0.1:%d\n" % httpd.port
                + "TLSGuardHSTS On\n"
                + "".join(httpd.ssl_vhost("    TLSGuardProfile " + p, name=n)
                          for n, p, _ in PROFILE_DEFAULTS))
    httpd.start()
    for name, profile, age in PROFILE_DEFAULTS:
        want = "max-age=%d; includeSubDomains" % age
        out = https(httpd.port, "/missing", host=name, cacert=certs.ca)
        assert sts_of(out) == (404, [want]), (name, out)
        line = [l for l in httpd.log_lines("TLSGUARD-020") if "(%s on" % name in l]
        assert len(line) == 1, line
        assert 'HSTS "%s"' % want in line[0] and "On, profile %s" % profile in line[0], line


def test_existing_keep_in_a_location(site, certs):
    """Existing=keep only where set: the same CGI header is replaced elsewhere."""
    out = https(site.port, "/cgi-bin/sts.cgi", host="localhost", cacert=certs.ca)
    assert sts_of(out) == (200, [OURS]), out
    out = https(site.port, "/cgi-bin/sts.cgi", host="b.test", cacert=certs.ca)
    assert sts_of(out) == (200, [CGI_STS]), out


# ---- bad values fail `apache2 -t` ----------------------------------------------------

BAD_VALUES = [
    ("TLSGuardHSTS", "TLSGuardHSTS: empty value: expected On, Off or a header value"),
    ("TLSGuardHSTS max-age=abc",
     'TLSGuardHSTS: max-age must be a non-negative integer, got "abc"'),
    ("TLSGuardHSTS max-age=-1", 'TLSGuardHSTS: max-age must be a non-negative integer, got "-1"'),
    ("TLSGuardHSTS includeSubDomains", "TLSGuardHSTS: max-age is required"),
    ("TLSGuardHSTS max-age", "TLSGuardHSTS: max-age needs a value, as in max-age=63072000"),
    ("TLSGuardHSTS max-age=600; includeSubDomain",
     'TLSGuardHSTS: unknown directive "includeSubDomain"'),
    ("TLSGuardHSTS max-age=600; max-age=700", "TLSGuardHSTS: max-age given twice"),
    ("TLSGuardHSTS max-age=63072000; preload", "TLSGuardHSTS: preload requires includeSubDomains"),
    ("TLSGuardHSTS max-age=600; includeSubDomains; preload",
     "TLSGuardHSTS: preload requires max-age >= 31536000 (one year), got 600"),
    ("TLSGuardHSTS max-age=600; includeSubDomains=yes",
     'TLSGuardHSTS: includeSubDomains takes no value, got "yes"'),
    ('TLSGuardHSTS "max-age=600', 'TLSGuardHSTS: no closing " for the opening one'),
    ("TLSGuardHSTS 'max-age=600' extra", 'TLSGuardHSTS: text after the closing quote: " extra"'),
    ("TLSGuardHSTS max-age=600 includeSubDomains",
     'TLSGuardHSTS: expected ";" after max-age, got "includeSubDomains"'),
    ("TLSGuardHSTS max-age=600, includeSubDomains",
     'TLSGuardHSTS: max-age must be a non-negative integer, got "600,"'),
    ("TLSGuardHSTS max-age=99999999999999999999",
     "TLSGuardHSTS: max-age must be at most 18446744073709551615"),
    ("TLSGuardHSTS Yes", 'TLSGuardHSTS: unknown directive "Yes"'),
    ("<Location /x>\nTLSGuardHSTS max-age=1; foo\n</Location>",
     'TLSGuardHSTS: unknown directive "foo"'),
    ("TLSGuardHSTSExisting overwrite",
     'TLSGuardHSTSExisting: unknown value "overwrite" (expected replace or keep)'),
    ("TLSGuardHSTSExisting", "TLSGuardHSTSExisting takes one argument"),
]


@pytest.mark.parametrize("line,message", BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
def test_bad_value_fails_configtest(httpd, line, message):
    httpd.simple(line)
    rc, out = httpd.configtest()
    assert rc != 0, out
    assert "Syntax error on line" in out, out
    assert message in out, out


def test_good_values_pass_configtest(httpd):
    httpd.simple("TLSGuardHSTS max-age=0\nTLSGuardHSTSExisting KEEP",
                 "TLSGuardHSTS on\n<Location /a>\nTLSGuardHSTS OFF\n</Location>")
    rc, out = httpd.configtest()
    assert rc == 0, out
    assert "Syntax OK" in out


def test_withdraw_and_short_age_are_audited(httpd, certs):
    httpd.simple("", "TLSGuardHSTS max-age=0")
    httpd.start()
    assert sts_of(https(httpd.port, "/", cacert=certs.ca)) == (200, ["max-age=0"])
    line = httpd.log_lines("TLSGUARD-020: <VirtualHost>")
    assert len(line) == 1, line
    assert "max-age=0 tells browsers to forget HSTS" in line[0], line
    assert ("preload-ready: no (max-age 0 is below 31536000 (one year); includeSubDomains "
            "is missing; preload is missing)") in line[0], line


def test_graceful_restart_keeps_working(httpd, certs):
    """Values are rebuilt with the new configuration: nothing dangles."""
    httpd.simple("TLSGuardHSTS On", "<Location /x>\n    TLSGuardHSTS %s\n</Location>" % OURS)
    httpd.start()
    for _ in range(2):
        assert sts_of(https(httpd.port, "/", cacert=certs.ca)) == (
            200, ["max-age=63072000; includeSubDomains"])
        assert sts_of(https(httpd.port, "/x", cacert=certs.ca)) == (404, [OURS])
        httpd.graceful()
    # one line per server and pass: start-up and two restarts
    assert len(httpd.log_lines("TLSGUARD-020: <VirtualHost>")) == 3
