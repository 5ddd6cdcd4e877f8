"""Hostile input over raw sockets: oversized, fragmented, truncated and
malformed ClientHellos, SSLv2, junk. For every row the connection ends within
a bound, the server keeps serving, and exactly one valid JSON event line is
written for the connection, with no raw control byte in the file. Graceful
restarts under a load of good and bad handshakes.

With the module built by --enable-sanitizers (build/test.sh runs this file so),
every row also asserts that AddressSanitizer and UBSan wrote no report, and
more tests prove that the runtime is live in every process and that reports
of deliberate bugs arrive where the checks look."""

import collections
import json
import os
import random
import re
import shutil
import socket
import ssl
import struct
import tempfile
import threading
import time

import jsonschema
import pytest

from tg_httpd import LD_PRELOAD, Httpd, curl, run, wait_for
from tg_rawtls import client_hello, records

BOUND = 5.0  # seconds a hostile connection may take to end (httpd's Timeout is 10)
CANARY = os.environ.get("TG_ASAN_CANARY", "")
SCHEMA_PATH = os.environ.get("TG_EVENT_SCHEMA") or os.path.join(
    os.path.dirname(__file__), "..", "..", "docs", "tlsguard-event.schema.json")

needs_sanitizers = pytest.mark.skipif(
    not LD_PRELOAD, reason="module built without --enable-sanitizers (no runtime preloaded)")


# ---- hostile hellos -----------------------------------------------------------

def _ext(kind, body):
    return struct.pack("!HH", kind, len(body)) + body


def with_extensions(msg, extra, front=False):
    """The ClientHello message `msg` with `extra` (encoded extensions) added to
    its extension block, every length adjusted."""
    body = msg[4:]
    off = 2 + 32
    off += 1 + body[off]                                   # session id
    off += 2 + struct.unpack("!H", body[off:off + 2])[0]   # cipher suites
    off += 1 + body[off]                                   # compression methods
    exts = body[off + 2:]
    exts = extra + exts if front else exts + extra
    body = body[:off] + struct.pack("!H", len(exts)) + exts
    return b"\x01" + struct.pack("!I", len(body))[1:] + body


def padded_hello(size, sni=b"localhost"):
    """A TLS 1.3 ClientHello of exactly `size` bytes (header included), made
    up to size with a padding extension (RFC 7685)."""
    base = client_hello(server_name=sni)
    pad = size - len(base) - 4
    assert pad >= 0
    msg = with_extensions(base, _ext(21, b"\x00" * pad))
    assert len(msg) == size
    return msg


def record(content_type, payload, version=b"\x03\x01"):
    return bytes([content_type]) + version + struct.pack("!H", len(payload)) + payload


def records_at(msg, sizes):
    """`msg` cut into handshake records of the given sizes (the last takes the rest)."""
    out, off = b"", 0
    for n in sizes:
        out += record(22, msg[off:off + n])
        off += n
    return out + (record(22, msg[off:]) if off < len(msg) else b"")


def sslv2_hello(version, ciphers):
    """An SSLv2-format ClientHello (RFC 6101 E.1 / RFC 5246 E.2): 2-byte length
    with the top bit set, msg type 1, version, 3-byte cipher specs, challenge."""
    specs = b"".join(struct.pack("!I", c)[1:] for c in ciphers)
    challenge = bytes(range(16))
    body = (b"\x01" + struct.pack("!H", version) + struct.pack("!HHH", len(specs), 0,
                                                                len(challenge))
            + specs + challenge)
    return struct.pack("!H", 0x8000 | len(body)) + body


def truncated_consistent(msg, keep):
    """The first `keep` bytes of the hello body, framed as a complete message
    and record: every outer length agrees, the inner ones do not."""
    body = msg[4:4 + keep]
    return records(b"\x01" + struct.pack("!I", len(body))[1:] + body)


def junk(seed, n):
    return random.Random(seed).randbytes(n)


# Server names the module must bound and escape (RFC 6066 allows 1..2^16-1
# bytes on the wire; host names end at 255).
SNI = {
    "255": b"a" * 250 + b".test",
    "256": b"a" * 251 + b".test",
    "4000": b"a" * 3995 + b".test",
    "empty": b"",
    "nul": b"b.test\x00.evil",
    "cr": b"b.test\r",
    "lf": b'b.test\n{"x":1}',
    "esc": b"\x1b[31mred\x1b[0m.test",
    "every-control-byte": bytes(range(1, 32)),
}


def _rows():
    base = client_hello()
    b_hello = client_hello(server_name=b"b.test")
    many_exts = b"".join(_ext(0x4000 + i, bytes([i]) * (i % 5)) for i in range(100))
    ciphers_3000 = tuple(range(0x0100, 0x0100 + 2997)) + (0x1301, 0xc02b, 0xc02f)
    rows = [
        # id, bytes to send, then half-close (else wait for the server's answer)
        ("hello-20k-4k-records", records(padded_hello(20480), split=4096), False),
        ("hello-20k-16k-record-and-continuation",
         records_at(padded_hello(20480), [16384]), False),
        ("hello-20k-b.test", records(padded_hello(20480, sni=b"b.test"), split=16384), False),
        ("hello-16384-one-record", records(padded_hello(16384)), False),
        ("hello-16388-two-records", records_at(padded_hello(16388), [16384]), False),
        ("hello-16389-two-records", records_at(padded_hello(16389), [16384]), False),
        ("hello-65000", records(padded_hello(65000), split=16384), False),  # extensions ~full
        ("extensions-100-after", records(with_extensions(base, many_exts)), False),
        ("extensions-100-before-b.test",
         records(with_extensions(b_hello, many_exts, front=True)), False),
        ("ciphers-3000-one-record", records(client_hello(ciphers=ciphers_3000)), False),
        ("ciphers-3000-1k-records", records(client_hello(ciphers=ciphers_3000), split=1000),
         False),
        ("ciphers-3000-no-known", records(client_hello(ciphers=tuple(range(0x0100, 0x0100 + 3000)))),
         False),
        ("records-7-bytes", records(base, split=7), False),
        ("records-7-bytes-b.test", records(b_hello, split=7), False),
        ("records-1-byte", records(base, split=1), False),
    ] + [("sni-" + n, records(client_hello(server_name=sni)), False) for n, sni in SNI.items()] + [
        ("sslv2-hello-sslv2", sslv2_hello(0x0002, (0x010080, 0x020080, 0x0700c0)), False),
        ("sslv2-hello-tls12", sslv2_hello(0x0303, (0x00c02f, 0x00c030, 0x00009c, 0x00002f)),
         False),
        ("sslv2-hello-tls13", sslv2_hello(0x0304, (0x001301, 0x00c02f)), False),
        ("junk-1k", junk(1, 1024), True),
        ("junk-64k", junk(2, 65536), True),
        ("junk-in-handshake-record", record(22, junk(3, 300)), True),
        ("junk-hello-body", records(b"\x01\x00\x01\x2c" + junk(4, 300)), False),
        ("junk-hello-body-2", records(b"\x01\x00\x01\x2c" + junk(5, 300)), False),
        ("junk-after-hello", records(base) + junk(6, 512), True),
        ("empty-records-then-hello", record(22, b"") * 3 + records(base), False),
        ("empty-records-only", record(22, b"") * 40, True),
        ("empty-alert-and-ccs-records", record(21, b"") + record(20, b"") + records(base),
         False),
        ("record-claims-65535-then-close", b"\x16\x03\x01\xff\xff", True),
        ("record-claims-16385-then-close", b"\x16\x03\x01\x40\x01" + b"\x01" * 100, True),
        ("hello-claims-16m-then-close", record(22, b"\x01\xff\xff\xff" + b"\x03\x03"), True),
    ]
    # Truncated hellos: the stream cut at every ninth byte, then the client
    # closes; and the body cut at every ninth byte inside a record whose
    # lengths agree, so that the server reads a complete but broken message.
    stream = records(base)
    for cut in range(1, len(stream), 9):
        rows.append(("cut-stream-%d" % cut, stream[:cut], True))
    for keep in range(0, len(base) - 4, 9):
        rows.append(("cut-body-%d" % keep, truncated_consistent(base, keep), False))
    return rows


ROWS = _rows()


# ---- one connection -----------------------------------------------------------

def converse(port, data, half_close, bound=BOUND):
    """Send `data` on a new connection and see how it ends: returns (client
    port, the server's answer, "closed"/"reset"/None for still open, seconds).
    A client that did not half-close waits for the server's first record (or
    its close), then closes its side: the server must end the connection."""
    start = time.monotonic()
    answer, end = b"", None
    s = socket.create_connection(("127.0.0.1", port), timeout=bound)
    cport = s.getsockname()[1]

    def left():
        return max(0.01, bound - (time.monotonic() - start))

    def shut():
        try:
            s.shutdown(socket.SHUT_WR)
            return None
        except OSError:  # ENOTCONN: the server has reset the connection already
            return "reset"

    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            end = "reset"  # refused before the client finished sending
        if end is None and half_close:
            end = shut()
        while end is None:
            s.settimeout(left())
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                end = "reset"
                break
            except socket.timeout:
                break
            if not chunk:
                end = "closed"
                break
            answer += chunk
            if not half_close and first_record_complete(answer):
                half_close = True
                end = shut()
    finally:
        s.close()
    return cport, answer, end, time.monotonic() - start


def first_record_complete(answer):
    if answer.startswith(b"HTTP/"):
        return b"\r\n\r\n" in answer
    return len(answer) >= 5 and len(answer) >= 5 + struct.unpack("!H", answer[3:5])[0]


def outcome(answer):
    """What the server did: refused (alert, HTTP error, silent close) or went on."""
    if not answer:
        return "closed"
    if answer.startswith(b"HTTP/1.1 400"):
        return "http-400"
    if answer[0] == 21:
        return "alert"
    if answer[0] == 22 and len(answer) > 5 and answer[5] == 2:
        return "server-hello"
    return "unexpected %r" % answer[:16]


# ---- the server ---------------------------------------------------------------

def hostile_conf(h, more=""):
    """a.test (default, intermediate) and b.test (nist-800-52r2) on one address,
    events of both into one file."""
    h.write(h.base_conf() + "Listen 127.0.0.1:%d\n" % h.port
            + "TLSGuardProfile intermediate\nTLSGuardEventLog logs/events.json\n"
            + "TLSGuardEventRate off\n" + more + "\n"
            + h.ssl_vhost("", name="a.test")
            + h.ssl_vhost("TLSGuardProfile nist-800-52r2", name="b.test"))


def crash_lines(h):
    """Error-log lines about children that died of a signal."""
    return [l for l in h.log().splitlines() if "exit signal" in l or "AH00052" in l]


def assert_no_reports(h):
    reports = h.sanitizer_reports()
    assert not reports, "sanitizer reports:\n" + "\n".join(
        "== %s\n%s" % (p, t[:4000]) for p, t in reports.items())


class EventFile:
    def __init__(self, h, validator):
        self.path = os.path.join(h.root, "logs", "events.json")
        self.validator = validator

    def raw(self):
        try:
            with open(self.path, "rb") as f:
                return f.read()
        except FileNotFoundError:
            return b""

    def events(self):
        """Every whole line, each checked: JSON, schema-valid, one write (a torn
        write would run two lines together). A tail without its newline is a
        write still being copied in: since() waits for it to end."""
        raw = self.raw()
        bad = sorted({b for b in raw if b < 0x20 and b != 0x0a})
        assert not bad, "raw control bytes %r in the event file" % bad
        whole = raw[:raw.rfind(b"\n") + 1]
        self.tail = raw[len(whole):]
        out = []
        for line in whole.decode("utf-8").splitlines():
            assert len(line.encode()) + 1 <= 4096
            ev = json.loads(line)
            self.validator.validate(ev)
            if ev["event"]["action"] == "tls-handshake":  # not the start-up audit
                out.append(ev)
        return out

    def since(self, count, timeout=5):
        """The events after the first `count`, once there is at least one."""
        deadline = time.time() + timeout
        while len(self.events()) <= count and time.time() < deadline:
            time.sleep(0.05)
        return self.settled()[count:]

    def settled(self, timeout=2):
        """Every event, once the file ends with a whole line (a torn one never does)."""
        deadline = time.time() + timeout
        events = self.events()
        while self.tail and time.time() < deadline:
            time.sleep(0.05)
            events = self.events()
        assert not self.tail, "the event file ends inside a line: %r" % self.tail[-200:]
        return events


@pytest.fixture(scope="module")
def validator():
    with open(SCHEMA_PATH) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture(scope="module")
def hostile(certs, validator):
    """One server for every row; sanitizer reports checked after each row and
    at shutdown."""
    root = tempfile.mkdtemp(prefix="tlsguard-httpd-")
    os.chmod(root, 0o755)
    h = Httpd(root, certs)
    hostile_conf(h)
    h.start()
    ev = EventFile(h, validator)
    ev.parent = h.pid()
    ev.reports, ev.crashes = {}, 0
    # the harness's connect-and-close while it waited for the port
    assert [e["tlsguard"]["reason"] for e in ev.since(0)] == ["empty_connection"]
    yield h, ev
    h.stop()
    try:
        assert_no_reports(h)
        assert not crash_lines(h), h.log()
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("name,data,half_close", ROWS, ids=[r[0] for r in ROWS])
def test_hostile_row(hostile, name, data, half_close):
    h, ev = hostile
    before = len(ev.events())
    cport, answer, end, took = converse(h.port, data, half_close)
    assert end is not None, "%s: the connection was still open after %.1f s" % (name, BOUND)
    assert took < BOUND
    result = outcome(answer)
    print("%s: %s, %s after %.3f s" % (name, result, end, took))
    assert not result.startswith("unexpected"), (name, result)

    # the server stays up and answers a normal HTTPS request
    rc, out = curl(h.port, "/", "-k", host="a.test")
    assert rc == 0 and " 200 " in out.splitlines()[0] and "hello from mod_tlsguard" in out, out
    assert h.pid() == ev.parent and h.alive()
    crashes = crash_lines(h)[ev.crashes:]
    ev.crashes += len(crashes)
    assert not crashes, crashes
    # reports this row caused (an earlier row's stay with it; all fail at the end)
    new = {p: t for p, t in h.sanitizer_reports().items() if ev.reports.get(p) != t}
    ev.reports.update(new)
    assert not new, "sanitizer reports:\n" + "\n".join(
        "== %s\n%s" % (p, t[:4000]) for p, t in new.items())

    # exactly one event, for this connection (written before the server closed
    # it; the request above writes none)
    new = ev.since(before)
    assert len(new) == 1, (name, new)
    e = new[0]
    assert e["source"]["port"] == cport, (name, cport, e)
    assert e["event"]["outcome"] == "failure", e
    assert e["source"]["ip"] == "127.0.0.1"
    assert e["tlsguard"]["vhost"] in ("a.test", "b.test"), e
    got = e.get("tls", {}).get("client", {}).get("server_name")
    sent = SNI.get(name[4:]) if name.startswith("sni-") else None
    if sent is not None and got is not None:
        assert got == sent.decode(), (name, got)  # the wire bytes, escaped in the file
    if name in WHOLE_LARGE_HELLOS:
        # read whole across records: fingerprinted, nothing left out
        client = e["tls"]["client"]
        assert client.get("ja3") and e["tlsguard"]["client"].get("ja4"), (name, e)
        assert "hello_error" not in e["tlsguard"]["client"], (name, e)
        assert not e["tlsguard"].get("truncated"), (name, e)


# Hellos larger than one record that the observer must keep whole.
WHOLE_LARGE_HELLOS = ("hello-16388-two-records", "hello-16389-two-records",
                      "hello-20k-4k-records", "hello-20k-16k-record-and-continuation")


def record_lengths(stream):
    out = []
    while stream:
        n = struct.unpack("!H", stream[3:5])[0]
        out.append(n)
        stream = stream[5 + n:]
    return out


def hello_lists(msg):
    """(cipher count, extension types) of a ClientHello message."""
    body = msg[4:]
    off = 2 + 32
    off += 1 + body[off]
    n = struct.unpack("!H", body[off:off + 2])[0]
    off += 2 + n
    off += 1 + body[off]
    end = off + 2 + struct.unpack("!H", body[off:off + 2])[0]
    off += 2
    types = []
    while off < end:
        kind, size = struct.unpack("!HH", body[off:off + 4])
        types.append(kind)
        off += 4 + size
    assert off == end == len(body)
    return n // 2, types


def test_the_rows_are_what_they_say():
    rows = {r[0]: r[1] for r in ROWS}
    assert record_lengths(rows["hello-20k-4k-records"]) == [4096] * 5
    assert record_lengths(rows["hello-20k-16k-record-and-continuation"]) == [16384, 4096]
    assert record_lengths(rows["hello-16389-two-records"]) == [16384, 5]
    assert set(record_lengths(rows["records-7-bytes"])[:-1]) == {7}
    assert len(record_lengths(rows["ciphers-3000-1k-records"])) == 7
    ciphers, types = hello_lists(rows["ciphers-3000-one-record"][5:])
    assert ciphers == 3000
    ciphers, types = hello_lists(rows["extensions-100-after"][5:])
    assert len([t for t in types if 0x4000 <= t < 0x4100]) == 100 and len(types) == 108
    assert hello_lists(padded_hello(20480))[1][-1] == 21
    assert [len(SNI[n]) for n in ("255", "256", "4000")] == [255, 256, 4000]
    v2 = rows["sslv2-hello-tls12"]
    assert v2[0] & 0x80 and ((v2[0] & 0x7f) << 8 | v2[1]) == len(v2) - 2 and v2[2] == 1
    assert sum(1 for n in rows if n.startswith("cut-")) >= 40


# ---- the sanitizer run proves itself ----------------------------------------

def wait_reports(h, timeout=10):
    deadline = time.time() + timeout
    while not h.sanitizer_reports() and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # let the dying child finish its report
    return h.sanitizer_reports()


@needs_sanitizers
def test_the_sanitizer_runtime_is_live_in_every_process(make_httpd):
    """The parent and each child map exactly one ASan runtime, the one the
    module was built against, and have its shadow memory set up."""
    h = make_httpd()
    hostile_conf(h)
    h.start()
    # the port listens (the parent's socket) before the parent has forked its children
    wait_for(lambda: h.child_pids(), what="the child processes")
    kids = h.child_pids()
    assert kids, "no child processes"
    want = os.path.realpath(LD_PRELOAD)
    for pid in [h.pid()] + kids:
        with open("/proc/%d/maps" % pid) as f:
            maps = f.read().splitlines()
        runtimes = {l.split()[-1] for l in maps if "libasan" in l}
        assert runtimes == {want}, (pid, runtimes)
        assert any(l.split()[-1] == os.path.realpath(os.environ["TG_MODULE"]) for l in maps)
        spans = [[int(a, 16) for a in l.split()[0].split("-")] for l in maps]
        assert any(a <= 0x7fff8000 < b for a, b in spans), "no ASan shadow in %d" % pid
    rc, out = run(["ldd", os.environ["TG_MODULE"]])
    needed = re.search(r"(libasan\.so\.\d+) => (\S+)", out)
    assert needed and os.path.realpath(needed.group(2)) == want, out


@needs_sanitizers
@pytest.mark.parametrize("path,kind,where", [
    ("/asan-canary", "ERROR: AddressSanitizer: heap-buffer-overflow", "in canary_handler "),
    ("/segv-canary", "ERROR: AddressSanitizer: SEGV on unknown address", "in canary_handler "),
    ("/ubsan-canary", "runtime error: signed integer overflow", "mod_asan_canary.c:"),
], ids=["asan", "segv", "ubsan"])
def test_a_memory_error_in_a_module_is_reported(make_httpd, path, kind, where):
    """A deliberate bug in an instrumented module loaded beside mod_tlsguard
    (tests/integration/mod_asan_canary.c) ends in a report that the checks
    above would fail on; then the server goes on with a new child."""
    assert CANARY and os.path.exists(CANARY), "make check-integration builds %r" % CANARY
    h = make_httpd()
    hostile_conf(h, "LoadModule asan_canary_module %s" % CANARY)
    h.start()
    rc, out = curl(h.port, "/", "-k", host="a.test")
    assert rc == 0, out
    assert_no_reports(h)
    rc, out = curl(h.port, path, "-k", host="a.test")
    assert rc != 0, out  # the child died in the middle of the request
    reports = wait_reports(h)
    assert len(reports) == 1, reports
    (report_path, text), = reports.items()
    assert kind in text and where in text, text
    with pytest.raises(AssertionError):
        assert_no_reports(h)
    if report_path == h.error_log:  # seen: not a finding
        open(report_path, "w").close()
    else:
        os.unlink(report_path)
    assert_no_reports(h)
    deadline = time.time() + 10
    while time.time() < deadline:
        rc, out = curl(h.port, "/", "-k", host="a.test")
        if rc == 0:
            break
        time.sleep(0.2)
    assert rc == 0 and " 200 " in out, out


# ---- graceful restarts under load --------------------------------------------

RESTARTS = 10
LOAD_ROWS = ["records-7-bytes", "sni-nul", "junk-1k", "cut-body-45", "sslv2-hello-tls12",
             "hello-20k-4k-records", "extensions-100-before-b.test", "cut-stream-55"]


def good_request(port, ctx, name):
    with socket.create_connection(("127.0.0.1", port), timeout=BOUND) as raw:
        with ctx.wrap_socket(raw, server_hostname=name) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % name.encode())
            answer = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                answer += chunk
    return answer


def test_graceful_restarts_under_load(make_httpd, validator, certs):
    """10 graceful restarts (apache2 -k graceful) while a client alternates
    good handshakes (a.test, b.test, with a request) and hostile rows: every
    good one gets its page, every bad one ends within the bound with exactly
    one event, and the server serves afterwards with no sanitizer report."""
    h = make_httpd()
    hostile_conf(h)
    h.start()
    ev = EventFile(h, validator)
    assert len(ev.since(0)) == 1  # the harness's connect-and-close
    rows = {r[0]: r for r in ROWS}
    bad = [rows[n] for n in LOAD_ROWS]
    ctx = ssl.create_default_context(cafile=certs.ca)
    stats = {"good": 0, "bad": [], "failures": []}
    stop = threading.Event()

    def load():
        deadline = time.monotonic() + 120
        i = 0
        while not stop.is_set() and i < 50000 and time.monotonic() < deadline:
            try:
                if i % 2 == 0:
                    name = "a.test" if i % 4 == 0 else "b.test"
                    answer = good_request(h.port, ctx, name)
                    if not answer.startswith(b"HTTP/1.1 200"):
                        stats["failures"].append((name, answer[:100]))
                    stats["good"] += 1
                else:
                    row = bad[(i // 2) % len(bad)]
                    cport, answer, end, took = converse(h.port, row[1], row[2])
                    if end is None or took >= BOUND:
                        stats["failures"].append((row[0], end, took))
                    stats["bad"].append((cport, row[0]))
            except (OSError, ssl.SSLError) as exc:
                stats["failures"].append(("connection %d" % i, repr(exc)))
            i += 1

    client = threading.Thread(target=load)
    start = time.monotonic()
    client.start()
    try:
        for _ in range(RESTARTS):
            h.graceful()
    finally:
        stop.set()
        client.join(60)
    took = time.monotonic() - start
    assert not client.is_alive()
    print("%d graceful restarts in %.1f s; %d good and %d hostile connections"
          % (RESTARTS, took, stats["good"], len(stats["bad"])))
    assert not stats["failures"], stats["failures"]
    assert stats["good"] >= 2 * RESTARTS and len(stats["bad"]) >= 2 * RESTARTS, stats
    assert len(h.log_lines("AH00493")) == RESTARTS  # SIGUSR1 received. Doing graceful restart

    rc, out = curl(h.port, "/", "-k", host="b.test")
    assert rc == 0 and " 200 " in out, out
    # one event per hostile connection, none for the good ones (a client port
    # can come round again: the server closes first, so the client keeps no
    # TIME_WAIT)
    want = collections.Counter(p for p, _ in stats["bad"])
    got = collections.Counter(e["source"]["port"] for e in ev.settled()[1:])
    assert got == want, ("ports with the wrong number of events",
                         sorted(set(got.items()) ^ set(want.items()))[:20])
    assert not crash_lines(h), h.log()
    if LD_PRELOAD:  # the children of the last generation run the runtime too
        maps = []
        for pid in h.child_pids():
            try:
                with open("/proc/%d/maps" % pid) as f:
                    maps.append(f.read())
            except FileNotFoundError:  # an old child that has just gone
                pass
        maps = [m for m in maps if m]  # one on its way out maps nothing
        assert maps and all("libasan" in m for m in maps), maps
    h.stop()
    assert_no_reports(h)
