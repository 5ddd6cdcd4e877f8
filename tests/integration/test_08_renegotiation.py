"""Renegotiation and post-handshake authentication under the policy.

What the start-up line promises, each part proved with a real client:
client-initiated renegotiation is refused; mod_ssl's server-initiated one (a
per-directory SSLCipherSuite or SSLVerifyClient, TLS 1.2) succeeds inside the
policy and fails outside it; TLS 1.3 post-handshake authentication for a
per-directory SSLVerifyClient. Every later handshake that does not complete
writes one event with a stage of its own; one that completes writes none of
its own."""

import os
import subprocess
import threading
import time

import pytest

from tg_httpd import curl, run
from test_05_events import Events, validator  # noqa: F401 (the schema fixture)

RULE = ("renegotiation server-initiated only, inside the policy (per-directory "
        "SSLCipherSuite or SSLVerifyClient), client-initiated refused")

# TLS 1.2 ciphers of a client that also offers one outside the intermediate profile
OFFER = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-SHA:@SECLEVEL=0"
FIRST = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"  # the client's first choice

LOCATIONS = {
    # a subset of the policy: renegotiates, and stays inside it
    "inside": "SSLCipherSuite ECDHE-RSA-AES256-GCM-SHA384",
    # a CBC suite the intermediate profile excludes
    "outside": "SSLCipherSuite ECDHE-RSA-AES128-SHA:@SECLEVEL=0",
    "optional": "SSLVerifyClient optional",
    "require": "SSLVerifyClient require",
}


def client_cert(certs, name, ca, ca_key):
    """A client certificate (clientAuth) signed by ca; returns (cert, key)."""
    d = certs.dir
    key, csr, crt, ext = (os.path.join(d, name + s) for s in (".key", ".csr", ".pem", ".ext"))
    if not os.path.exists(crt):
        with open(ext, "w") as f:
            f.write("extendedKeyUsage=clientAuth\n")
        for cmd in (["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=" + name],
                    ["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key,
                     "-CAcreateserial", "-out", crt, "-days", "30", "-extfile", ext]):
            rc, out = run(["openssl"] + cmd)
            assert rc == 0, out
    return crt, key


def renegotiating_server(h, certs, server_lines=""):
    locations = ""
    for path, line in LOCATIONS.items():
        os.makedirs(os.path.join(h.docroot, path), exist_ok=True)
        with open(os.path.join(h.docroot, path, "index.html"), "w") as f:
            f.write("%s\n" % path)
        locations += '    <Location "/%s/">\n        %s\n    </Location>\n' % (path, line)
    vhost = "    SSLCACertificateFile %s\n%s" % (certs.ca, locations)
    h.write(h.base_conf() + "Listen 127.0.0.1:%d\n" % h.port
            + "TLSGuardProfile intermediate\nTLSGuardEventLog logs/events.json\n"
            + server_lines + "\n" + h.ssl_vhost(vhost, ec=False))
    h.start()


@pytest.fixture
def reneg(httpd, certs, validator):
    renegotiating_server(httpd, certs)
    events = Events(httpd, validator)
    events.new(1)  # the harness's own connect-and-close while waiting for the port
    return events


class SClient:
    """openssl s_client kept open: what it prints is collected while the test
    writes to it, so each step can wait for the client's answer."""

    def __init__(self, port, *args):
        cmd = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port,
               "-servername", "localhost", *args]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.out = b""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for chunk in iter(lambda: self.proc.stdout.read1(4096), b""):
            self.out += chunk

    def text(self):
        return self.out.decode("utf-8", "replace")

    def wait_for(self, marker, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline and marker not in self.text():
            if self.proc.poll() is not None and not self.reader.is_alive():
                break
            time.sleep(0.05)
        return marker in self.text()

    def send(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def close(self, timeout=10):
        """Closes stdin and waits for the client to end; returns its output."""
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(timeout=5)
        return self.text()


def request(path):
    return ("GET /%s/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            % path).encode()


def later_failure(e, reason, stage, version):
    """A failed later handshake: the first one's tunnel and values stay."""
    assert e["event"]["outcome"] == "failure"
    assert e["tlsguard"]["reason"] == reason, e
    assert e["tlsguard"]["stage"] == stage, e
    assert e["tls"]["established"] is True
    assert e["tls"]["version"] == version
    assert e["tlsguard"]["policy"] == "intermediate"
    assert e["tls"]["client"]["server_name"] == "localhost"


def test_startup_line_states_the_renegotiation_rule(httpd, certs):
    renegotiating_server(httpd, certs)
    lines = httpd.log_lines("TLSGUARD-001")
    assert lines and all(RULE in l for l in lines), lines
    assert not any("renegotiation off" in l for l in lines), lines


def test_client_initiated_renegotiation_is_refused(reneg):
    c = SClient(reneg.h.port, "-tls1_2")
    assert c.wait_for("Verify return code"), c.text()  # first handshake done
    c.send(b"R\n")
    assert c.wait_for("RENEGOTIATING"), c.text()
    c.wait_for("no renegotiation", timeout=5)
    out = c.close()
    assert "no renegotiation" in out, out  # the server's refusal, as OpenSSL's client reports it
    e = reneg.one()
    later_failure(e, "renegotiation_refused", "renegotiation", "1.2")
    assert e["event"]["type"] == ["connection", "denied"]
    assert e["tlsguard"]["tls_error"] == "renegotiation_refused"
    assert e["tlsguard"]["alert"]["sent"] == {"level": "warning", "code": 100,
                                              "name": "no_renegotiation"}
    assert e["tlsguard"]["alert"]["received"]["name"] == "handshake_failure"


@pytest.mark.parametrize("path", ["inside", "optional"])
def test_server_initiated_inside_the_policy_succeeds(httpd, certs, validator, path):
    """One success event for the connection, none for the renegotiation."""
    renegotiating_server(httpd, certs, "TLSGuardEvents all")
    events = Events(httpd, validator)
    events.new(1)
    rc, out = curl(httpd.port, "/%s/" % path, "-v", "--tlsv1.2", "--tls-max", "1.2",
                   "--ciphers", OFFER, cacert=certs.ca)
    assert rc == 0 and "200 OK" in out, out
    assert "Hello request (0)" in out, out  # mod_ssl did renegotiate
    e = events.one()
    assert e["event"]["outcome"] == "success"
    assert e["tlsguard"]["stage"] == "established"
    assert e["tls"]["cipher"] == FIRST  # the first handshake's


def test_server_initiated_outside_the_policy_fails_with_an_event(reneg, certs):
    rc, out = curl(reneg.h.port, "/outside/", "-v", "--tlsv1.2", "--tls-max", "1.2",
                   "--ciphers", OFFER, cacert=certs.ca)
    assert "Hello request (0)" in out, out
    assert "200 OK" not in out, out
    e = reneg.one()
    later_failure(e, "no_shared_cipher", "renegotiation", "1.2")
    assert e["tls"]["cipher"] == FIRST
    assert e["tlsguard"]["alert"]["sent"]["name"] == "handshake_failure"
    assert e["tlsguard"]["last_message"] == {"received": "client_hello",
                                             "sent": "hello_request"}
    assert e["error"]["message"] == "no shared cipher"


def test_client_refusing_our_renegotiation(reneg):
    c = SClient(reneg.h.port, "-tls1_2", "-no_renegotiation", "-ign_eof")
    assert c.wait_for("Verify return code"), c.text()
    c.send(request("optional"))
    out = c.close()
    assert "200 OK" not in out, out
    e = reneg.one()
    later_failure(e, "client_rejected_renegotiation", "renegotiation", "1.2")
    assert e["tlsguard"]["alert"]["received"] == {"level": "warning", "code": 100,
                                                  "name": "no_renegotiation"}
    assert e["tlsguard"]["last_message"]["sent"] == "hello_request"


@pytest.mark.parametrize("who,alert", [("nobody", "certificate_required"),
                                       ("stranger", "unknown_ca")])
def test_post_handshake_auth_failure_writes_an_event(reneg, certs, who, alert):
    args = ["-tls1_3", "-enable_pha", "-ign_eof"]
    if who == "stranger":
        crt, key = client_cert(certs, "stranger", certs.other_ca, certs.other_ca_key)
        args += ["-cert", crt, "-key", key]
    c = SClient(reneg.h.port, *args)
    assert c.wait_for("Verify return code"), c.text()
    c.send(request("require"))
    out = c.close()
    assert "200 OK" not in out, out
    e = reneg.one()
    later_failure(e, "client_certificate_invalid", "post_handshake_auth", "1.3")
    assert e["tlsguard"]["alert"]["sent"]["name"] == alert
    assert e["tlsguard"]["last_message"]["sent"] == "certificate_request"


def test_post_handshake_auth_success_writes_no_event(reneg, certs):
    crt, key = client_cert(certs, "member", certs.ca, certs.ca_key)
    c = SClient(reneg.h.port, "-tls1_3", "-enable_pha", "-ign_eof", "-cert", crt, "-key", key)
    assert c.wait_for("Verify return code"), c.text()
    c.send(request("require"))
    out = c.close()
    assert "200 OK" in out and "require" in out, out
    reneg.new(0)
