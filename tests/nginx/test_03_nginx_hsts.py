"""HSTS under nginx: exactly one Strict-Transport-Security header on every
response sent over TLS, nginx's own errors (400, 404, 414, 494, 500, return)
included, over HTTP/1.1 and HTTP/2; none over plain HTTP, including nginx's
"plain HTTP request was sent to HTTPS port" 400. Side by side with
`add_header Strict-Transport-Security ... always`, asserting where it differs."""

import re
import socket
import ssl

import pytest

from tg_httpd import free_port, run
from tg_rawtls import send_and_close

OURS = "max-age=63072000; includeSubDomains; preload"
THEIRS = "max-age=63072000; includeSubDomains; preload"
APP = "max-age=1"

LOCATIONS = """
        location = /ret { return 200 "returned\\n"; }
        location = /redirect { return 301 https://localhost/; }
        location = /fail { return 500; }
        location /other { add_header X-Other 1; }
        location /app { add_header Strict-Transport-Security "%s" always; }
        location /keep { tlsguard_hsts_existing keep;
                         add_header Strict-Transport-Security "%s" always; }
        location /off { tlsguard_hsts off; }
""" % (APP, APP)

# (name, raw request bytes, expected status)
H1_CASES = [
    ("200", b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 200),
    ("404", b"GET /missing HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 404),
    ("400", b"GET / HTTP/1.1\r\nHost: bad host\r\nConnection: close\r\n\r\n", 400),
    ("414", b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414),
    ("494", b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n", 400),
    ("500", b"GET /fail HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 500),
    ("return", b"GET /ret HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 200),
    ("redirect", b"GET /redirect HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 301),
    ("other-location", b"GET /other HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
     404),
]


def tls_request(port, request):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["http/1.1"])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            s.sendall(request)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
    return parse(data)


def parse(data):
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else 0
    sts = [l.split(":", 1)[1].strip() for l in lines[1:]
           if l.lower().startswith("strict-transport-security:")]
    return status, sts


def h2(port, path):
    rc, out = run(["curl", "-sk", "--http2", "-o", "/dev/null", "-D", "-", "--max-time", "10",
                   "--resolve", "localhost:%d:127.0.0.1" % port,
                   "https://localhost:%d%s" % (port, path)], timeout=20)
    assert rc == 0, out
    assert out.startswith("HTTP/2 "), out
    status = int(out.split()[1])
    sts = [l.split(":", 1)[1].strip() for l in out.splitlines()
           if l.lower().startswith("strict-transport-security:")]
    return status, sts


@pytest.fixture
def ours(nginx):
    plain = free_port()
    nginx.write(nginx.conf(
        "ssl_protocols TLSv1.2 TLSv1.3;\n    tlsguard_hsts \"%s\";" % OURS,
        nginx.server(LOCATIONS, http2=True)
        + nginx.server("", port=plain, ssl=False)))
    nginx.start()
    nginx.plain_port = plain
    return nginx


@pytest.fixture
def theirs(make_nginx):
    n = make_nginx()
    plain = free_port()
    n.write(n.conf(
        "ssl_protocols TLSv1.2 TLSv1.3;\n"
        "    add_header Strict-Transport-Security \"%s\" always;" % THEIRS,
        n.server(LOCATIONS.replace("tlsguard_hsts_existing keep;", "")
                 .replace("location /off { tlsguard_hsts off; }", ""), http2=True)
        + n.server("", port=plain, ssl=False), with_module=False))
    n.start()
    n.plain_port = plain
    return n


@pytest.mark.parametrize("name,request_bytes,status", H1_CASES, ids=[c[0] for c in H1_CASES])
def test_http1_every_tls_response_has_exactly_one(ours, theirs, name, request_bytes, status):
    got_status, sts = tls_request(ours.port, request_bytes)
    assert got_status == status, (got_status, sts)
    assert sts == [OURS], sts
    their_status, their_sts = tls_request(theirs.port, request_bytes)
    assert their_status == status
    if name == "other-location":
        # add_header is not inherited by a location with add_header of its own
        assert their_sts == [], their_sts
    else:
        assert their_sts == [THEIRS], their_sts


@pytest.mark.parametrize("path,status", [("/", 200), ("/missing", 404), ("/fail", 500),
                                         ("/ret", 200), ("/redirect", 301), ("/other", 404)])
def test_http2_every_response_has_exactly_one(ours, theirs, path, status):
    assert h2(ours.port, path) == (status, [OURS])
    their = h2(theirs.port, path)
    assert their[0] == status
    assert their[1] == ([] if path == "/other" else [THEIRS]), their


def test_http2_long_uri_error(ours):
    status, sts = h2(ours.port, "/" + "a" * 9000)
    assert status in (400, 404, 414) and sts == [OURS], (status, sts)  # h2 limits differ


def test_plain_http_on_the_tls_port_gets_none(ours, theirs):
    request = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    answer = send_and_close(ours.port, request, wait=0.3)
    assert b"plain HTTP request was sent to HTTPS port" in answer, answer
    assert parse(answer) == (400, []), answer
    # add_header ... always sends HSTS in plain text here (RFC 6797 §7.2 forbids it)
    answer = send_and_close(theirs.port, request, wait=0.3)
    assert b"plain HTTP request was sent to HTTPS port" in answer, answer
    assert parse(answer) == (400, [THEIRS]), answer


def test_plain_http_server_gets_none(ours):
    answer = send_and_close(ours.plain_port, b"GET / HTTP/1.0\r\n\r\n", wait=0.3)
    assert parse(answer) == (200, []), answer


def test_existing_header_replaced_or_kept(ours):
    get = b"GET /%s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    assert tls_request(ours.port, get % b"app")[1] == [OURS]
    assert tls_request(ours.port, get % b"keep")[1] == [APP]
    assert tls_request(ours.port, get % b"off")[1] == []


def test_on_takes_the_profile_default(nginx):
    nginx.simple("ssl_protocols TLSv1.2 TLSv1.3;\n    tlsguard_hsts on;")
    nginx.start()
    _, sts = tls_request(nginx.port, b"GET / HTTP/1.1\r\nHost: localhost\r\n"
                                     b"Connection: close\r\n\r\n")
    assert len(sts) == 1 and re.fullmatch(r"max-age=\d+; includeSubDomains", sts[0]), sts


@pytest.mark.parametrize("value,pattern", [
    ('"max-age=abc"', r'"tlsguard_hsts": max-age'),
    ('"includeSubDomains"', r'"tlsguard_hsts": .*max-age'),
    ('"max-age=10; preload"', r'"tlsguard_hsts": .*preload'),
])
def test_bad_values_refused(nginx, value, pattern):
    nginx.simple("tlsguard_hsts %s;" % value)
    rc, out = nginx.configtest()
    assert rc != 0 and re.search(pattern, out), out
