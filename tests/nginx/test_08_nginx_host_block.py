"""A request names its server block again (Host, :authority) after the
handshake: a client that negotiated under one block's policy (its server
name, or none) must not be served by a block with another policy, over
HTTP/1.1 or HTTP/2 (connection coalescing); nginx alone would serve it."""

import subprocess

import pytest


def curl(port, host, *args, sni="localhost"):
    """(status, body) of GET / with `Host: host`, the handshake made for sni
    (None: no server name, by connecting to 127.0.0.1)."""
    target = sni or "127.0.0.1"
    cmd = ["curl", "-sk", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}",
           "-H", "Host: " + host, *args]
    if sni:
        cmd += ["--resolve", "%s:%d:127.0.0.1" % (sni, port)]
    cmd.append("https://%s:%d/" % (target, port))
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         timeout=20).stdout.decode(errors="replace")
    body, _, status = out.rpartition("\n")
    return status.strip(), body


@pytest.fixture(scope="module")
def blocks(make_module_nginx):
    n = make_module_nginx
    servers = n.server("tlsguard_profile intermediate;\n        return 200 \"default\";",
                       name="localhost", default=True, http2=True)
    servers += n.server("tlsguard_profile modern;\n        return 200 \"modern\";",
                        name="b.test", http2=True)
    servers += n.server("tlsguard_profile intermediate;\n        return 200 \"alike\";",
                        name="c.test", http2=True)
    servers += n.server("tlsguard off;\n        return 200 \"off\";", name="d.test",
                        http2=True)
    n.write(n.conf("ssl_protocols TLSv1.2 TLSv1.3;", servers))
    n.start()
    return n


@pytest.mark.parametrize("http", ["--http1.1", "--http2"])
@pytest.mark.parametrize("sni", ["localhost", None])
def test_tls12_handshake_does_not_reach_a_tls13_only_block(blocks, http, sni):
    status, body = curl(blocks.port, "b.test", http, "--tls-max", "1.2", sni=sni)
    assert status == "421" and "modern" not in body, (status, body)


@pytest.mark.parametrize("http", ["--http1.1", "--http2"])
def test_unguarded_block_not_reached_from_a_guarded_one(blocks, http):
    status, body = curl(blocks.port, "d.test", http, sni="localhost")
    assert status == "421" and body != "off", (status, body)
    status, body = curl(blocks.port, "localhost", http, sni="d.test")
    assert status == "421" and body != "default", (status, body)


@pytest.mark.parametrize("http", ["--http1.1", "--http2"])
def test_blocks_with_the_same_policy_share_connections(blocks, http):
    assert curl(blocks.port, "c.test", http, sni="localhost") == ("200", "alike")
    assert curl(blocks.port, "localhost", http, sni="c.test") == ("200", "default")
    assert curl(blocks.port, "b.test", http, "--tls-max", "1.3", sni="b.test") \
        == ("200", "modern")


def test_own_block_served(blocks):
    for name, body in (("localhost", "default"), ("b.test", "modern"), ("d.test", "off")):
        assert curl(blocks.port, name, "--http2", sni=name) == ("200", body)


def certless(n, lines, name):
    """A server block on the TLS address without a certificate of its own:
    nginx negotiates its connections with the default block's context."""
    return n.server(lines, name=name).replace(n.cert_lines(), "")


@pytest.mark.parametrize("sni", ["b.test", "c.test", None])
def test_block_without_its_own_context_and_another_policy(nginx, sni):
    servers = nginx.server("tlsguard_profile intermediate;\n        return 200 \"default\";",
                           name="localhost", default=True)
    servers += certless(nginx, "tlsguard_profile modern;\n        return 200 \"modern\";",
                        "b.test")
    servers += certless(nginx, "return 200 \"alike\";", "c.test")
    nginx.write(nginx.conf("ssl_protocols TLSv1.2 TLSv1.3;\n    tlsguard_profile intermediate;",
                           servers))
    nginx.start()
    status, body = curl(nginx.port, "b.test", "--tls-max", "1.2", sni=sni)
    assert status == "421" and "modern" not in body, (status, body)
    # the same policy as the default block's (inherited): served
    assert curl(nginx.port, "c.test", "--tls-max", "1.2", sni=sni) == ("200", "alike")


def test_error_page_of_another_block_not_served(nginx):
    """nginx refuses a request with a second Host while reading it, in the
    block the first one selected, and its error_page is an internal redirect
    there: it is not served over another block's connection either."""
    servers = nginx.server("tlsguard_profile intermediate;\n        return 200 \"default\";",
                           name="localhost", default=True)
    servers += nginx.server("tlsguard_profile modern;\n        error_page 400 /err.html;\n"
                            "        location = /err.html { return 200 \"modern-page\"; }",
                            name="b.test")
    nginx.write(nginx.conf("ssl_protocols TLSv1.2 TLSv1.3;", servers))
    nginx.start()
    req = b"GET / HTTP/1.1\r\nHost: b.test\r\nHost: b.test\r\nConnection: close\r\n\r\n"
    out = subprocess.run(["openssl", "s_client", "-quiet", "-tls1_2", "-servername", "localhost",
                          "-connect", "127.0.0.1:%d" % nginx.port], input=req,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=20).stdout
    assert out.startswith(b"HTTP/1.1 421 "), out
    assert b"modern-page" not in out, out
