"""Handshake events under nginx: every reason nginx can produce, provoked by a
real client, each event checked against the JSON Schema and ECS (the checker
of tests/integration/test_05_events.py); the syslog sink, and a receiver that
stops reading does not stall nginx."""

import json
import os
import re
import signal
import socket
import time

import pytest

from tg_httpd import curl, run, s_client, wait_for
from tg_rawtls import client_hello, records, send_and_close, send_and_linger
from test_05_events import EventChecker, Events, common  # noqa: F401  (the shared checks)
# the same client and the same event on both adapters: run here with this file's `ev`
from test_05_events import (test_client_aborting_after_hello,  # noqa: F401
                            test_client_rejects_our_certificate,
                            test_connect_and_close_is_empty_connection,
                            test_exactly_one_event_per_failed_connection,
                            test_hello_over_several_records_is_parsed,
                            test_no_common_group, test_no_event_for_success_unless_asked,
                            test_weak_ciphers_no_shared_cipher)
import tg_ecs

SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "docs",
                           "tlsguard-event.schema.json")
WEAK = ("ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n"
        "    ssl_ciphers ALL:@SECLEVEL=0;")


@pytest.fixture(scope="module")
def validator():
    with open(SCHEMA_PATH) as f:
        return EventChecker(json.load(f), tg_ecs.Table())


def guarded(n, http_lines="", server_lines="", more_servers="", http2=False):
    n.write(n.conf(WEAK + "\n    tlsguard_profile intermediate;\n"
                   "    tlsguard_event_log events.json;\n    " + http_lines,
                   n.server(server_lines, default=True, http2=http2) + more_servers))
    n.start()
    return n


@pytest.fixture
def ev(nginx, validator):
    guarded(nginx)
    events = Events(nginx, validator, path="events.json")
    events.new(1)  # the harness's own connect-and-close while waiting for the port
    return events


def test_tls10_client_protocol_version(ev):
    ok, _ = s_client(ev.h.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0")
    assert not ok
    e = ev.one()
    common(e, "protocol_version", "client_hello")
    assert e["tlsguard"]["alert"]["sent"] == {"level": "fatal", "code": 70,
                                               "name": "protocol_version"}
    assert e["tlsguard"]["client"]["versions"] == ["TLSv1"]
    assert e["tls"]["client"]["server_name"] == "localhost"
    assert e["tlsguard"]["vhost"] == "localhost"
    assert e["error"]["message"] == "unsupported protocol"
    assert len(e["tls"]["client"]["ja3"]) == 32
    assert e["tlsguard"]["client"]["ja4"].startswith("t10d")


def test_plain_http_on_tls_port(ev):
    # nginx answers it itself, in plain text, without OpenSSL.
    answer = send_and_close(ev.h.port, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400"), answer
    assert b"plain HTTP request was sent to HTTPS port" in answer
    e = ev.one()
    common(e, "not_tls", "client_hello")
    assert e["tlsguard"]["tls_error"] == "http_request"
    assert e["tlsguard"]["first_bytes"].startswith("474554"), e  # "GET"


def test_handshake_timeout(nginx, validator):
    # nginx 1.22 bounds the handshake with client_header_timeout.
    guarded(nginx, "client_header_timeout 2s;")
    events = Events(nginx, validator, path="events.json")
    events.new(1)
    partial = records(client_hello())[:60]
    took = send_and_linger(nginx.port, partial, seconds=15)
    assert 1.5 < took < 10, took
    e = events.one()
    common(e, "timeout", "client_hello")
    assert e["tlsguard"]["bytes_in"] >= 5
    assert e["tlsguard"]["duration_us"] >= 1500000


def test_unknown_server_name_with_strict_sni(nginx, validator):
    guarded(nginx, "tlsguard_strict_sni on;", more_servers=nginx.server("", name="b.test"))
    events = Events(nginx, validator, path="events.json")
    events.new(1)
    ok, out = s_client(nginx.port, "-tls1_3", sni="nobody.test")
    assert not ok, out
    e = events.one()
    common(e, "unknown_server_name", "client_hello")
    assert e["tls"]["client"]["server_name"] == "nobody.test"
    assert e["tlsguard"]["alert"]["sent"]["name"] == "unrecognized_name"
    assert s_client(nginx.port, "-tls1_3", sni="b.test")[0]
    assert s_client(nginx.port, "-tls1_3", sni=None)[0]
    events.new(0)


def test_alpn_without_a_common_protocol(ev):
    # nginx refuses an ALPN list without http/1.1 or h2 itself (alert 120).
    ok, out = s_client(ev.h.port, "-tls1_3", "-alpn", "imap")
    assert not ok, out
    e = ev.one()
    assert e["event"]["outcome"] == "failure"
    assert e["tlsguard"]["alert"]["sent"]["code"] == 120, e
    assert e["tlsguard"]["reason"] == "alpn_mismatch", e
    assert e["tlsguard"]["client"]["alpn"] == ["imap"]


def test_client_renegotiation_refused(ev):
    import subprocess
    proc = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % ev.h.port,
                           "-tls1_2", "-servername", "localhost"],
                          input=b"R\n", stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=15)
    out = proc.stdout.decode("utf-8", "replace")
    assert "RENEGOTIATING" in out, out
    e = ev.one()
    assert e["tlsguard"]["reason"] == "renegotiation_refused", e
    assert e["tlsguard"]["stage"] == "renegotiation", e


def test_success_events_with_all(nginx, validator, certs):
    guarded(nginx, "tlsguard_events all;", http2=True)
    events = Events(nginx, validator, path="events.json")
    events.new(1)
    rc, out = curl(nginx.port, "/", "--http2", cacert=certs.ca)
    assert rc == 0, out
    e = events.one()
    assert e["event"]["outcome"] == "success"
    assert e["tls"]["established"] is True and e["tls"]["version"] == "1.3"
    assert e["tls"]["next_protocol"] == "h2"
    assert e["tls"]["curve"] == "x25519"
    assert e["tlsguard"]["stage"] == "established"
    assert "reason" not in e["tlsguard"]


def test_success_sampling(nginx, validator):
    guarded(nginx, "tlsguard_events sample=3;")
    events = Events(nginx, validator, path="events.json")
    events.new(1)
    for _ in range(9):
        assert s_client(nginx.port, "-tls1_3")[0]
    assert all(e["event"]["outcome"] == "success" for e in events.new(3))
    s_client(nginx.port, "-tls1")
    assert events.one()["tlsguard"]["reason"] == "protocol_version"


def test_event_goes_to_the_selected_blocks_log(nginx, validator):
    other = nginx.server("tlsguard_profile modern;\n        tlsguard_event_log b.json;",
                         name="b.test")
    guarded(nginx, more_servers=other)
    a = Events(nginx, validator, path="events.json")
    b = Events(nginx, validator, path="b.json")
    a.new(1)
    ok, _ = s_client(nginx.port, "-tls1_2", sni="b.test")
    assert not ok
    e = b.one()
    assert e["tlsguard"]["vhost"] == "b.test" and e["tlsguard"]["policy"] == "modern", e
    assert e["tlsguard"]["reason"] == "protocol_version", e
    a.new(0)


@pytest.fixture
def receiver(nginx):
    path = os.path.join(nginx.root, "syslog.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    os.chmod(path, 0o666)  # nginx's workers run as another user
    sock.settimeout(10)
    yield path, sock
    sock.close()


def test_syslog_sink(nginx, validator, receiver):
    path, sock = receiver
    nginx.simple(WEAK + "\n    tlsguard_event_log syslog:local3@%s;" % path, "")
    nginx.start()
    ok, _ = s_client(nginx.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0")
    assert not ok
    deadline = time.time() + 10
    while time.time() < deadline:
        msg = sock.recv(8192).decode("utf-8")
        if '"protocol_version"' in msg:
            break
    pri = int(msg[1:msg.index(">")])
    assert pri == 19 * 8 + 5, msg  # local3.notice
    assert msg[msg.index(">") + 1:].startswith("1 "), msg  # RFC 5424 VERSION
    e = json.loads(msg[msg.index("{"):])
    validator.validate(e)
    assert not msg.endswith("\n")


def drain(sock, least=0, timeout=10):
    """How many datagrams the receiver holds, each a whole JSON event; waits
    up to timeout for the first `least` (the worker sends after the client is done)."""
    deadline = time.time() + timeout
    got = 0
    try:
        while True:
            sock.settimeout(max(0.5, deadline - time.time()) if got < least else 0.5)
            msg = sock.recv(8192).decode("utf-8")
            json.loads(msg[msg.index("{"):])
            got += 1
    except socket.timeout:
        pass
    return got


def dgram_queue_length():
    """How many datagrams a receiver's queue holds before senders block."""
    try:
        with open("/proc/sys/net/unix/max_dgram_qlen") as f:
            return int(f.read())
    except (OSError, ValueError):
        return 512


def test_stalled_syslog_receiver_does_not_stall_nginx(nginx, receiver):
    path, sock = receiver  # bound, never read: its queue fills
    nginx.simple(WEAK + "\n    tlsguard_event_log syslog:local3@%s;" % path, "")
    nginx.start()
    failures = min(dgram_queue_length(), 1000) + 30  # more than the queue holds
    start = time.time()
    for _ in range(failures):
        send_and_close(nginx.port, b"\x16\x03\x01\x00\x05hello", wait=0)
    ok, out = s_client(nginx.port, "-tls1_3")
    took = time.time() - start
    assert ok, out
    assert took < 60, took
    got = drain(sock)  # whole datagrams; the rest were dropped
    assert 0 < got < failures, (got, failures)  # some were dropped, none torn


LOST = re.compile(r"TLSGUARD-030: tlsguard_event_log \"(?P<sink>[^\"]+)\": (?P<n>\d+) event "
                  r"line\(s\) lost (?P<when>[a-z ]+); this worker: (?P<written>\d+) written, "
                  r"(?P<lost>\d+) lost")


def test_lost_lines_are_reported_and_add_up(nginx, receiver):
    """A receiver that stops reading: the worker reports the first loss at
    once (TLSGUARD-030, naming the sink and the error), then once an interval,
    and the rest as it exits; written + lost is every event, and the receiver
    got exactly the lines written."""
    path, sock = receiver
    nginx.write(nginx.conf(WEAK + "\n    tlsguard_event_log syslog:local3@%s;" % path,
                           main_lines="env TLSGUARD_REPORT_INTERVAL=1;"))
    nginx.start()
    failures = min(dgram_queue_length(), 1000) + 30
    for _ in range(failures):
        send_and_close(nginx.port, b"\x16\x03\x01\x00\x05hello", wait=0)
    deadline = time.time() + 10
    while not LOST.search(nginx.log()) and time.time() < deadline:
        time.sleep(0.1)
    first = LOST.search(nginx.log())
    assert first, nginx.log()
    assert first["sink"] == path and int(first["n"]) >= 1, first.group(0)
    assert "Resource temporarily unavailable" in nginx.log(), nginx.log()
    # the worker may still be at the failures after its first report: wait for one counting all
    wait_for(lambda: any(int(r["written"]) + int(r["lost"]) == failures + 1
                         for r in LOST.finditer(nginx.log())), what="every event's report")
    got = drain(sock)
    nginx.stop()
    reports = list(LOST.finditer(nginx.log()))
    last = reports[-1]
    # every event of this worker: the harness's connect-and-close, then the failures
    assert int(last["written"]) + int(last["lost"]) == failures + 1, last.group(0)
    assert int(last["written"]) == got, (last.group(0), got)
    assert sum(int(r["n"]) for r in reports) == int(last["lost"]), [r.group(0) for r in reports]


def test_dead_syslog_receiver_costs_counted_losses(nginx, receiver):
    """A receiver that dies (its socket file left behind: ECONNREFUSED) and comes
    back: nginx keeps serving, the events meanwhile are lost and reported, and
    the new receiver at the same path gets the next ones."""
    path, sock = receiver
    nginx.write(nginx.conf(WEAK + "\n    tlsguard_event_log syslog:local3@%s;" % path,
                           main_lines="env TLSGUARD_REPORT_INTERVAL=1;"))
    nginx.start()
    refused = b"\x16\x03\x01\x00\x05hello"
    send_and_close(nginx.port, refused, wait=0)
    assert drain(sock, 2) == 2  # the harness's connect-and-close, then the failure
    sock.close()
    dead = 5
    for _ in range(dead):
        send_and_close(nginx.port, refused, wait=0)
    ok, out = s_client(nginx.port, "-tls1_3")
    assert ok, out
    deadline = time.time() + 10
    while not LOST.search(nginx.log()) and time.time() < deadline:
        time.sleep(0.1)
    assert LOST.search(nginx.log()), nginx.log()
    assert "Connection refused" in nginx.log(), nginx.log()

    os.unlink(path)  # what a restarted daemon does: a new socket at the path
    back = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    back.bind(path)
    os.chmod(path, 0o666)
    try:
        for _ in range(2):
            send_and_close(nginx.port, refused, wait=0)
        time.sleep(0.5)
        assert drain(back, 2) == 2
    finally:
        back.close()
    nginx.stop()
    reports = list(LOST.finditer(nginx.log()))
    # a report comes only with new losses, so the last one may come before or
    # after the two lines to the new receiver (the good handshake writes none)
    assert int(reports[-1]["lost"]) == dead, reports[-1].group(0)
    assert int(reports[-1]["written"]) in (2, 2 + 2), reports[-1].group(0)
    assert sum(int(r["n"]) for r in reports) == dead, [r.group(0) for r in reports]


BAD_EVENT_CONF = [
    ("tlsguard_events sometimes;", r'"tlsguard_events": unknown value "sometimes"'),
    ("tlsguard_events sample=0;", r'"tlsguard_events": "sample=0": N must be'),
    ("tlsguard_event_log syslog:nosuch;", r'"tlsguard_event_log": unknown syslog facility'),
    ("tlsguard_event_log syslog@relative/path;", r'"tlsguard_event_log": syslog socket path'),
    ("tlsguard_event_log /nonexistent-dir/x/events.json;",
     r'"tlsguard_event_log": cannot open "/nonexistent-dir/x/events.json"'),
]


@pytest.mark.parametrize("line,pattern", BAD_EVENT_CONF, ids=[b[0] for b in BAD_EVENT_CONF])
def test_bad_event_directives(nginx, line, pattern):
    import re
    nginx.simple(line)
    rc, out = nginx.configtest()
    assert rc != 0, out
    assert re.search(pattern + r".* in %s:\d+" % re.escape(nginx.conf_path), out), out


def test_proxy_protocol_header_is_not_taken_for_plain_http(nginx, validator):
    nginx.write(nginx.conf(WEAK + "\n    tlsguard_event_log events.json;",
                           nginx.server("").replace(" ssl;", " ssl proxy_protocol;")))
    nginx.start()
    events = Events(nginx, validator, path="events.json")
    events.new(1)
    header = b"PROXY TCP4 192.0.2.7 127.0.0.1 51000 443\r\n"
    send_and_close(nginx.port, header + records(client_hello()), wait=0.3)
    e = events.one()
    assert e["tlsguard"]["reason"] == "client_aborted", e
    assert e["tlsguard"].get("tls_error") != "http_request", e
    assert e["tls"]["client"]["server_name"] == "localhost"


def test_reopen_after_rotation_writes_to_the_new_file(ev):
    """logrotate renames the log, then `nginx -s reopen` (USR1): the next
    events go to a new file under the configured name (the workers run as
    another user, so the master reopens it for them, as for nginx's own logs)."""
    n = ev.h
    ok, _ = s_client(n.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0")
    assert not ok
    common(ev.one(), "protocol_version", "client_hello")
    path = os.path.join(n.root, "events.json")
    rotated = path + ".1"
    os.rename(path, rotated)
    before = open(rotated).read()
    rc, out = run(n.cmd("-s", "reopen"), env=n.env())
    assert rc == 0, out
    deadline = time.time() + 10
    while not os.path.exists(path) and time.time() < deadline:
        time.sleep(0.05)
    assert os.path.exists(path), "nginx -s reopen did not make a new events.json:\n" + n.log()
    ok, _ = s_client(n.port, "-tls1_1", "-cipher", "ALL:@SECLEVEL=0")
    assert not ok
    ev.seen = 0  # the new file starts empty
    e = ev.one()
    common(e, "protocol_version", "client_hello")
    assert e["tlsguard"]["client"]["versions"] == ["TLSv1.1"]
    assert open(rotated).read() == before  # nothing more went to the rotated file


@pytest.mark.parametrize("signal_name", ["stop", "quit"])
def test_handshake_under_way_at_stop_has_its_event(nginx, validator, signal_name):
    """`nginx -s stop` (SIGTERM, systemd's last resort) exits the worker without
    closing its connections; `quit` (SIGQUIT) waits for the handshake to end
    (client_header_timeout). Either way the connection has exactly one event."""
    guarded(nginx, "client_header_timeout 2s;")
    events = Events(nginx, validator, path="events.json")
    events.new(1)
    master = nginx.pid()
    with socket.create_connection(("127.0.0.1", nginx.port), timeout=5) as s:
        s.sendall(records(client_hello())[:60])
        time.sleep(0.5)
        rc, out = run(nginx.cmd("-s", signal_name), env=nginx.env())
        assert rc == 0, out
        deadline = time.time() + 10
        while time.time() < deadline and os.path.exists("/proc/%d" % master):
            time.sleep(0.05)
        assert not os.path.exists("/proc/%d" % master), nginx.log()
    nginx.started = False
    e = events.one()
    assert e["event"]["outcome"] == "failure", e
    assert e["tlsguard"]["stage"] == "client_hello", e
    assert e["tlsguard"]["bytes_in"] >= 5, e
    # cut by the stop: no reason of the client's; waited for: the timeout
    assert e["tlsguard"]["reason"] == {"stop": "other", "quit": "timeout"}[signal_name], e


def test_failed_reload_keeps_events_for_respawned_workers(nginx, validator):
    """A reload whose configuration is refused (here a block whose policy
    cannot be applied, and no event log) leaves the running configuration:
    a worker the master forks afterwards (after a crash) still writes events."""
    guarded(nginx)
    events = Events(nginx, validator, path="events.json")
    events.new(1)
    good = open(nginx.conf_path).read()
    nginx.write(nginx.conf("ssl_protocols TLSv1;\n    tlsguard_profile modern;"))
    os.kill(nginx.pid(), signal.SIGHUP)  # `nginx -s reload` would refuse it itself
    deadline = time.time() + 10
    while "TLSGUARD-013" not in nginx.log() and time.time() < deadline:
        time.sleep(0.05)
    assert "TLSGUARD-013" in nginx.log(), nginx.log()
    nginx.write(good)
    old = nginx.workers()
    os.kill(old[0], 9)
    deadline = time.time() + 10
    while time.time() < deadline and (not nginx.workers() or nginx.workers() == old):
        time.sleep(0.05)
    assert nginx.workers() and nginx.workers() != old, nginx.log()
    with open(nginx.error_log) as f:  # the crash was ours: not one for the fixture
        kept = [l for l in f if "exited on signal 9" not in l]
    with open(nginx.error_log, "w") as f:
        f.writelines(kept)
    ok, _ = s_client(nginx.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0")
    assert not ok
    common(events.one(), "protocol_version", "client_hello")
