"""One JSON event per failed handshake, each reason provoked by a real client
and asserted field by field; every event validated against the schema and
checked against ECS's field definitions (tg_ecs, tests/data/ecs/)."""

import json
import os
import shutil
import socket
import threading
import time

import jsonschema
import pytest

import tg_ecs
from tg_httpd import ONE_PROCESS_8_THREADS, curl, s_client, wait_for, whole_lines
from tg_rawtls import client_hello, records, send_and_close, send_and_linger

SCHEMA_PATH = os.environ.get("TG_EVENT_SCHEMA") or os.path.join(os.path.dirname(__file__), "..", "..", "docs",
                           "tlsguard-event.schema.json")


class EventChecker:
    """validate(event): the JSON Schema, then ECS (names, types, allowed values)."""

    def __init__(self, schema, table):
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        self.schema = cls(schema, format_checker=jsonschema.FormatChecker())
        self.table = table

    def validate(self, event):
        self.schema.validate(event)
        problems = tg_ecs.problems(event, self.table)
        assert problems == [], "not ECS %s:\n%s\n%s" % (
            self.table.version, "\n".join(problems), json.dumps(event))


@pytest.fixture(scope="module")
def validator():
    with open(SCHEMA_PATH) as f:
        schema = json.load(f)
    return EventChecker(schema, tg_ecs.Table())


class Events:
    """The event log of one httpd: waits for lines, checks each against the schema."""

    def __init__(self, h, validator, path="logs/events.json"):
        self.h = h
        self.path = os.path.join(h.root, path)
        self.validator = validator
        self.seen = 0

    def lines(self):
        """The handshake events (the start-up audit's lines are test_12's)."""
        return [l for l in whole_lines(self.path) if json.loads(l)["event"]["action"] == "tls-handshake"]

    def new(self, count=1, timeout=10):
        """Exactly `count` new events (waits for them, then checks none more come)."""
        deadline = time.time() + timeout
        while time.time() < deadline and len(self.lines()) < self.seen + count:
            time.sleep(0.05)
        time.sleep(0.3)
        lines = self.lines()
        got = lines[self.seen:]
        self.seen = len(lines)
        assert len(got) == count, "expected %d new event(s), got %d:\n%s" % (
            count, len(got), "\n".join(got))
        events = []
        for line in got:
            assert len(line.encode()) + 1 < 4096
            ev = json.loads(line)
            self.validator.validate(ev)
            events.append(ev)
        return events

    def one(self, **kw):
        return self.new(1, **kw)[0]


def guarded(h, extra_server="", vhost="", more=""):
    h.write(h.base_conf(h.modules(["http2"])) + "Listen 127.0.0.1:%d\n" % h.port
            + "TLSGuardProfile intermediate\nTLSGuardEventLog logs/events.json\n"
            + extra_server + "\n" + h.ssl_vhost(vhost) + more)
    h.start()
    return h


@pytest.fixture
def ev(httpd, validator):
    guarded(httpd, vhost="Protocols h2 http/1.1")
    events = Events(httpd, validator)
    events.new(1)  # the harness's own connect-and-close while waiting for the port
    return events


def common(e, reason, stage):
    assert e["event"]["outcome"] == "failure"
    assert e["event"]["action"] == "tls-handshake"
    assert e["tls"]["established"] is False
    assert e["tlsguard"]["reason"] == reason, e
    assert e["tlsguard"]["stage"] == stage, e
    assert e["tlsguard"]["policy"] == "intermediate"
    assert e["tlsguard"]["mode"] == "enforce"
    assert e["source"]["ip"] == "127.0.0.1"
    assert e["destination"]["port"] > 0


def test_tls10_client_protocol_version(ev):
    ok, out = s_client(ev.h.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0")
    assert not ok
    e = ev.one()
    common(e, "protocol_version", "client_hello")
    assert e["tlsguard"]["alert"]["sent"] == {"level": "fatal", "code": 70,
                                               "name": "protocol_version"}
    assert e["tlsguard"]["client"]["versions"] == ["TLSv1"]
    assert e["tlsguard"]["client"]["legacy_version"] == "TLSv1"
    assert e["tls"]["client"]["server_name"] == "localhost"
    assert e["error"]["message"] == "unsupported protocol"
    assert e["tls"]["client"]["ja3"] and len(e["tls"]["client"]["ja3"]) == 32
    assert e["tlsguard"]["client"]["ja4"].startswith("t10d")


def test_tls11_client_lists_versions(ev):
    s_client(ev.h.port, "-tls1_1", "-cipher", "ALL:@SECLEVEL=0")
    e = ev.one()
    common(e, "protocol_version", "client_hello")
    assert e["tlsguard"]["client"]["versions"] == ["TLSv1.1"]


def test_weak_ciphers_no_shared_cipher(ev):
    ok, _ = s_client(ev.h.port, "-tls1_2", "-cipher", "AES128-SHA:AES256-SHA")
    assert not ok
    e = ev.one()
    common(e, "no_shared_cipher", "client_hello")
    assert e["tls"]["client"]["supported_ciphers"][:2] == [
        "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA"]
    assert e["tlsguard"]["alert"]["sent"]["name"] == "handshake_failure"


def test_no_common_group(ev):
    ok, _ = s_client(ev.h.port, "-tls1_3", "-groups", "P-521:ffdhe2048")
    assert not ok
    e = ev.one()
    common(e, "no_shared_group", "client_hello")
    assert e["tlsguard"]["client"]["groups"] == ["secp521r1", "ffdhe2048"]


@pytest.mark.parametrize("version,last_sent", [("-tls1_3", "finished"),
                                                ("-tls1_2", "server_hello_done")])
def test_client_rejects_our_certificate(ev, certs, version, last_sent):
    ok, out = s_client(ev.h.port, version, "-verify_return_error", "-CAfile", certs.other_ca)
    assert not ok, out
    e = ev.one()
    common(e, "client_rejected_certificate", "certificate")
    assert e["tlsguard"]["alert"]["received"] == {"level": "fatal", "code": 48,
                                                   "name": "unknown_ca"}
    assert e["tlsguard"]["last_message"]["sent"] == last_sent


def test_plain_http_on_tls_port(ev):
    answer = send_and_close(ev.h.port, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400"), answer
    e = ev.one()
    common(e, "not_tls", "client_hello")
    assert e["tlsguard"]["first_bytes"].startswith("474554"), e  # "GET"


def test_connect_and_close_is_empty_connection(ev):
    socket.create_connection(("127.0.0.1", ev.h.port)).close()
    e = ev.one()
    common(e, "empty_connection", "client_hello")
    assert e["tlsguard"]["bytes_in"] == 0


def test_client_aborting_after_hello(ev):
    send_and_close(ev.h.port, records(client_hello()), wait=0.2)
    e = ev.one()
    common(e, "client_aborted", "finished")  # our whole TLS 1.3 flight was sent
    assert e["tls"]["client"]["server_name"] == "localhost"
    assert e["tlsguard"]["last_message"]["received"] == "client_hello"


def test_hello_over_several_records_is_parsed(ev):
    send_and_close(ev.h.port, records(client_hello(server_name=b"split.test"), split=40),
                   wait=0.2)
    e = ev.one()
    assert e["tls"]["client"]["server_name"] == "split.test"
    assert e["tlsguard"]["client"]["ja4"].startswith("t13d")


def test_handshake_timeout(httpd, validator):
    guarded(httpd, "RequestReadTimeout handshake=2 header=5 body=5")
    events = Events(httpd, validator)
    events.new(1)
    partial = records(client_hello())[:60]
    took = send_and_linger(httpd.port, partial, seconds=15)
    assert 1.5 < took < 10, took
    e = events.one()
    common(e, "timeout", "client_hello")
    assert e["tlsguard"]["bytes_in"] == 60
    assert e["tlsguard"]["duration_us"] >= 1500000


def test_unknown_server_name_with_strict_sni(httpd, validator):
    # mod_ssl alone never fails a handshake for an unknown name (it only refuses
    # SNI-less requests with 403); TLSGuardStrictSNI ends it with unrecognized_name.
    guarded(httpd, "SSLStrictSNIVHostCheck on\nTLSGuardStrictSNI on",
            more=httpd.ssl_vhost("", name="b.test"))
    events = Events(httpd, validator)
    events.new(1)
    ok, out = s_client(httpd.port, "-tls1_3", sni="nobody.test")
    assert not ok, out
    e = events.one()
    common(e, "unknown_server_name", "client_hello")
    assert e["tls"]["client"]["server_name"] == "nobody.test"
    assert e["tlsguard"]["alert"]["sent"]["name"] == "unrecognized_name"
    # known names, and clients without SNI, still get through
    assert s_client(httpd.port, "-tls1_3", sni="b.test")[0]
    assert s_client(httpd.port, "-tls1_3", sni=None)[0]
    assert [e["tlsguard"].get("reason") for e in events.new(0)] == []


def test_alpn_mismatch(ev):
    ok, out = s_client(ev.h.port, "-tls1_3", "-alpn", "imap")
    assert not ok, out
    e = ev.one()
    common(e, "alpn_mismatch", "server_hello")  # the server's choice, refused by the client
    assert e["tlsguard"]["client"]["alpn"] == ["imap"]


def test_no_event_for_success_unless_asked(ev, certs):
    rc, out = curl(ev.h.port, "/", "--tlsv1.3", cacert=certs.ca)
    assert rc == 0, out
    ok, _ = s_client(ev.h.port, "-tls1_2")
    assert ok
    ev.new(0)


def test_success_events_with_all(httpd, validator, certs):
    guarded(httpd, "TLSGuardEvents all", "Protocols h2 http/1.1")
    events = Events(httpd, validator)
    events.new(1)
    rc, out = curl(httpd.port, "/", "--http2", cacert=certs.ca)
    assert rc == 0, out
    e = events.one()
    assert e["event"]["outcome"] == "success"
    assert e["tls"]["established"] is True
    assert e["tls"]["version"] == "1.3" and e["tls"]["version_protocol"] == "tls"
    assert e["tls"]["cipher"].startswith("TLS_AES_") or "CHACHA20" in e["tls"]["cipher"]
    assert e["tls"]["next_protocol"] == "h2"
    assert e["tls"]["client"]["server_name"] == "localhost"
    assert e["tls"]["resumed"] is False
    assert e["tls"]["curve"] == "x25519"
    assert e["tlsguard"]["stage"] == "established"
    assert "reason" not in e["tlsguard"]


def test_success_sampling(httpd, validator):
    guarded(httpd, "TLSGuardEvents sample 3\n" + ONE_PROCESS_8_THREADS)  # sampled per process
    events = Events(httpd, validator)
    events.new(1)
    for _ in range(9):
        assert s_client(httpd.port, "-tls1_3")[0]
    successes = events.new(3)
    assert all(e["event"]["outcome"] == "success" for e in successes)
    s_client(httpd.port, "-tls1")  # failures are never sampled
    assert events.one()["tlsguard"]["reason"] == "protocol_version"


@pytest.mark.parametrize("sni,alpn", [
    (b'quo"te\\back', b'al"pn'),
    (b"new\nline\r\tx", b"a\nb"),
    (b"bad\xff\xfeutf8\xc3", b"\xc3\x28\xa0"),
    (b"ctl\x01\x1f\x7f", b"\x00\x01"),
])
def test_wire_strings_are_escaped(ev, sni, alpn):
    send_and_close(ev.h.port, records(client_hello(server_name=sni, alpn=(alpn,))), wait=0.2)
    e = ev.one()
    line = ev.lines()[ev.seen - 1]
    assert "\n" not in line and "\r" not in line
    got = e["tls"]["client"]["server_name"]
    # valid UTF-8 round-trips; invalid bytes are replaced, never passed raw
    assert got == sni.decode("utf-8", "replace") or "\ufffd" in got, (got, sni)
    if b"\xff" not in sni and b"\xc3" not in sni:
        assert got == sni.decode()
    assert e["tlsguard"]["client"]["alpn"][0].replace("\ufffd", "") != ""


def test_exactly_one_event_per_failed_connection(ev):
    for _ in range(5):
        s_client(ev.h.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0")
    evs = ev.new(5)
    ports = {e["source"]["port"] for e in evs}
    assert len(ports) == 5


def flood(port, n):
    """n concurrent failing clients (TLS 1.0 hellos), each on its own socket."""
    hello = records(client_hello(tls13=False, server_name=b"flood.test", ciphers=(0x002f,)))
    errors = []

    def one():
        try:
            send_and_close(port, hello, wait=0.3)
        except OSError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


@pytest.mark.parametrize("sink", ["file", "pipe"])
def test_32_concurrent_failures(make_httpd, validator, sink):
    h = make_httpd(mpm="prefork")
    rotatelogs = shutil.which("rotatelogs") or "/usr/bin/rotatelogs"
    target = ("logs/events.json" if sink == "file"
              else '"|%s -n 2 %s/logs/events.json 10M"' % (rotatelogs, h.root))
    h.write(h.base_conf() + "Listen 127.0.0.1:%d\nTLSGuardEventLog %s\n" % (h.port, target)
            + "StartServers 4\nMinSpareServers 4\n" + h.ssl_vhost())
    h.start()
    events = Events(h, validator)
    events.new(1)
    flood(h.port, 32)
    evs = events.new(32, timeout=20)
    assert all(e["tlsguard"]["reason"] == "no_shared_cipher" for e in evs)
    assert all(e["tls"]["client"]["server_name"] == "flood.test" for e in evs)
    assert len({e["source"]["port"] for e in evs}) == 32
    assert len(h.child_pids()) >= 2, "the failures were to meet several processes"


def test_bad_event_directives(httpd):
    for line, msg in [
        ("TLSGuardEvents some", 'TLSGuardEvents: unknown value "some" (expected failures, all '
                                'or sample N)'),
        ("TLSGuardEvents sample 0", "TLSGuardEvents: sample needs a whole number from 1 to "
                                    "1000000"),
        ("TLSGuardEvents sample x", "TLSGuardEvents: sample needs a whole number"),
        ("TLSGuardEvents all 3", 'TLSGuardEvents: "all" takes no number'),
        ("TLSGuardEventLog syslog:local9", 'TLSGuardEventLog: unknown syslog facility "local9"'),
        ("TLSGuardEventLog syslogx", 'TLSGuardEventLog: unknown sink "syslogx"'),
        ('TLSGuardEventLog "|"', 'TLSGuardEventLog: "|" must be followed by a program'),
    ]:
        httpd.simple(line)
        rc, out = httpd.configtest()
        assert rc != 0 and msg in out, (line, out)


def test_unwritable_event_log_fails_start(httpd):
    httpd.simple("TLSGuardEventLog /nonexistent-dir/events.json")
    rc, out = httpd.start(expect_ok=False)
    assert not httpd.alive()
    assert "TLSGUARD-031: TLSGuardEventLog /nonexistent-dir/events.json: cannot open" in out, out


def test_sink_errors_are_counted_not_fatal(httpd, validator):
    """/dev/full fails every write: connections are unaffected, the error log
    says how many events were lost, at most once a minute."""
    httpd.simple("TLSGuardEventLog /dev/full\n" + ONE_PROCESS_8_THREADS)  # reported per process
    httpd.start()
    for _ in range(3):
        ok, out = s_client(httpd.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0")
        assert not ok and "alert number 70" in out, out
    assert s_client(httpd.port, "-tls1_3")[0]
    # the reporter thread writes the first drop's report after the drop
    wait_for(lambda: httpd.log_lines("TLSGUARD-030"), what="the first drop's report")
    time.sleep(0.5)  # a report not held back would come at once
    reports = httpd.log_lines("TLSGUARD-030")
    assert len(reports) == 1, httpd.log()  # rate-limited: one line for the burst
    assert "TLSGuardEventLog /dev/full: 1 event(s) could not be written" in reports[0]
    assert "No space left on device" in reports[0]


@pytest.fixture
def dev_log():
    """Our own syslog socket at /dev/log for the test (needs root); a system
    one is moved aside meanwhile and put back."""
    if os.geteuid() != 0:
        pytest.fail("the syslog test needs root: it binds /dev/log")
    saved = "/dev/log.tlsguard-test"
    had = os.path.lexists("/dev/log")
    if had:
        os.rename("/dev/log", saved)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        sock.bind("/dev/log")
        os.chmod("/dev/log", 0o666)
        sock.settimeout(10)
        yield sock
    finally:
        sock.close()
        os.unlink("/dev/log")
        if had:
            os.rename(saved, "/dev/log")


def test_syslog_sink(httpd, validator, dev_log):
    httpd.simple("TLSGuardEventLog syslog:local3")
    httpd.start()
    ok, _ = s_client(httpd.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0")
    assert not ok
    while True:
        msg = dev_log.recv(8192).decode("utf-8")
        if '"protocol_version"' in msg:
            break
    pri = int(msg[1:msg.index(">")])
    assert pri == 19 * 8 + 5, msg  # local3.notice
    e = json.loads(msg[msg.index("{"):])
    validator.validate(e)
    assert e["tlsguard"]["reason"] == "protocol_version"
    assert not msg.endswith("\n")
