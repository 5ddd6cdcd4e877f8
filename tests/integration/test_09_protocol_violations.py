"""Protocol violations after the hello have a reason of their own.

Raw clients send a valid ClientHello, let the server answer, then break the
protocol: an unexpected record or message, bad lengths, an oversized record or
message, a bad ChangeCipherSpec, a record of the wrong version, undecryptable
bytes where the Finished belongs; and a relay that changes one byte of our
Certificate on its way to a real client makes that client's Finished wrong.
Each must come out as protocol_violation, bad_record_mac or decrypt_error with
its stage, never as other (nor as not_tls or protocol_version, which name
clients that never spoke TLS or shared no version)."""

import os
import select
import socket
import struct
import threading
import time

import pytest

from tg_httpd import run
from tg_rawtls import client_hello, records, send_and_close
from test_05_events import Events, validator  # noqa: F401 (the schema fixture)

TLS12 = records(client_hello(tls13=False, ciphers=(0xc02f, 0xc02b)))
TLS13 = records(client_hello())


def record(content_type, body, version=b"\x03\x03"):
    """One TLS record as the negotiated version would frame it."""
    return bytes([content_type]) + version + struct.pack("!H", len(body)) + body


def handshake(msg_type, body, length=None):
    """A handshake message; length overrides the one in its header."""
    n = len(body) if length is None else length
    return bytes([msg_type]) + struct.pack("!I", n)[1:] + body


# name, what follows the hello, reason, stage, alert we send, library message
VIOLATIONS = [
    ("tls13 undecryptable finished", TLS13 + record(23, os.urandom(64)),
     "bad_record_mac", "finished", "bad_record_mac", "decryption failed or bad record mac"),
    ("tls13 bad ccs", TLS13 + record(20, b"\x02"),
     "protocol_violation", "finished", "illegal_parameter", "invalid ccs message"),
    ("tls12 application data", TLS12 + record(23, os.urandom(64)),
     "protocol_violation", "key_exchange", "unexpected_message", "unexpected record"),
    ("tls12 second client hello",
     TLS12 + record(22, client_hello(tls13=False, ciphers=(0xc02f,))),
     "protocol_violation", "key_exchange", "unexpected_message", "unexpected message"),
    ("tls12 key exchange lengths disagree",
     TLS12 + record(22, handshake(16, b"\x41" + os.urandom(10))),
     "protocol_violation", "key_exchange", "decode_error", "length mismatch"),
    ("tls12 oversized message", TLS12 + record(22, handshake(16, os.urandom(32), 1 << 16)),
     "protocol_violation", "key_exchange", "illegal_parameter", "excessive message size"),
    ("tls12 record overflow", TLS12 + b"\x16\x03\x03" + struct.pack("!H", (1 << 14) + 2049)
     + os.urandom(64),
     "protocol_violation", "key_exchange", "record_overflow", "packet length too long"),
    ("tls12 bad ccs", TLS12 + record(20, b"\x01\x01"),
     "protocol_violation", "key_exchange", "unexpected_message", "bad change cipher spec"),
    ("tls12 record of another version",
     TLS12 + record(22, handshake(16, os.urandom(33)), version=b"\x03\x02"),
     "protocol_violation", "key_exchange", "protocol_version", "wrong version number"),
]


@pytest.fixture
def ev(httpd, validator):
    httpd.write(httpd.base_conf() + "Listen 127.0.0.1:%d\n" % httpd.port
                + "TLSGuardProfile intermediate\nTLSGuardEventLog logs/events.json\n"
                + httpd.ssl_vhost(""))
    httpd.start()
    events = Events(httpd, validator)
    events.new(1)  # the harness's own connect-and-close while waiting for the port
    return events


def violation(e, reason, stage, alert, message):
    assert e["event"]["outcome"] == "failure"
    assert e["event"]["type"] == ["connection", "end"]
    assert e["tlsguard"]["reason"] == reason, e
    assert e["tlsguard"]["stage"] == stage, e
    assert e["tlsguard"]["alert"]["sent"]["level"] == "fatal"
    assert e["tlsguard"]["alert"]["sent"]["name"] == alert, e
    assert e["error"]["message"] == message, e
    assert e["tls"]["established"] is False
    assert e["tls"]["client"]["server_name"] == "localhost"  # the hello was read


@pytest.mark.parametrize("name,data,reason,stage,alert,message", VIOLATIONS,
                         ids=[v[0] for v in VIOLATIONS])
def test_raw_violation_after_the_hello(ev, name, data, reason, stage, alert, message):
    answer = send_and_close(ev.h.port, data, wait=0.3)
    assert answer[:1] == b"\x16", (name, answer[:16])  # the server answered the hello
    violation(ev.one(), reason, stage, alert, message)


class Relay:
    """One connection relayed to the server; the first `find` in what the
    server sends is replaced by `replace` (same length) on its way."""

    def __init__(self, port, find, replace, seconds=15):
        assert len(find) == len(replace)
        self.port, self.find, self.replace = port, find, replace
        self.deadline = time.time() + seconds
        self.replaced = False
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(seconds)
        self.address = self.listener.getsockname()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _alter(self, held):
        i = held.find(self.find)
        if i < 0:
            return held, False
        self.replaced = True
        return held[:i] + self.replace + held[i + len(self.find):], True

    def _serve(self):
        client, _ = self.listener.accept()
        server = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        held = b""  # server bytes kept back until the replacement is made
        with client, server, self.listener:
            while time.time() < self.deadline:
                ready, _, _ = select.select([client, server], [], [], 0.2)
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    if s is client:
                        server.sendall(data)
                        continue
                    if self.replaced:
                        client.sendall(data)
                        continue
                    held, done = self._alter(held + data)
                    if done or len(held) > 65536:
                        client.sendall(held)
                        held = b""


def no_ems_config(root):
    """An OpenSSL configuration for the client alone: no extended master
    secret, so its keys stay ours while its transcript does not."""
    path = os.path.join(root, "client-no-ems.cnf")
    with open(path, "w") as f:
        f.write("openssl_conf = tlsguard_client\n[tlsguard_client]\nssl_conf = ssl\n"
                "[ssl]\nsystem_default = no_ems\n[no_ems]\nOptions = -ExtendedMasterSecret\n")
    return path


def test_wrong_finished_is_decrypt_error(ev):
    relay = Relay(ev.h.port, b"localhost", b"LOCALHOST")  # our certificate's subject
    env = dict(os.environ, OPENSSL_CONF=no_ems_config(ev.h.root))
    rc, out = run(["openssl", "s_client", "-connect", "%s:%d" % relay.address,
                   "-servername", "localhost", "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"],
                  input=b"", env=env)
    relay.thread.join(timeout=20)
    assert relay.replaced, out
    assert "subject=CN = LOCALHOST" in out, out  # the client saw the changed certificate
    assert "Extended master secret: no" in out, out
    assert "tlsv1 alert decrypt error" in out, out  # and our alert
    e = ev.one()
    violation(e, "decrypt_error", "finished", "decrypt_error", "digest check failed")
    assert e["tlsguard"]["last_message"] == {"received": "finished", "sent": "server_hello_done"}
