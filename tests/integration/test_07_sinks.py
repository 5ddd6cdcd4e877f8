"""Every event a sink could not write is counted and reported
(TLSGUARD-030): at once, then at most once per interval whatever follows, and
when a process exits (graceful restart, shutdown). /dev/full refuses every
write, so every event is a drop. Each server runs one process (event MPM with
8 worker threads, or prefork)."""

import datetime
import re
import socket
import time

import pytest

from tg_rawtls import client_hello, records

# Refused at once (no shared cipher, alert 40): no key exchange, so the
# handshake costs about a millisecond and the log write is what is measured.
FAILING_HELLO = records(client_hello(tls13=False, server_name=b"sink.test",
                                     ciphers=(0x002f,)))

ONE_PROCESS_8_THREADS = """StartServers 1
ServerLimit 1
ThreadsPerChild 8
ThreadLimit 8
MinSpareThreads 1
MaxSpareThreads 16
MaxRequestWorkers 8
"""

# TLSGUARD-030 lines: time stamp, sink, count, then (from this release on)
# the last error and this process's totals.
REPORT = re.compile(
    r"^\[\w{3} (\w{3} +\d+ [\d:.]+) \d{4}\] .*TLSGUARD-030: TLSGuardEventLog (.+?): (\d+) "
    r"event\(s\) could not be written since the last report"
    r"(?:, last error: (.+?) \(this process: (\d+) written, (\d+) lost(; exiting)?\))?$", re.M)


# ---- clients ------------------------------------------------------------------

def failed_handshake(port, hello=FAILING_HELLO, timeout=5.0):
    """One refused handshake; returns the seconds until the server closed."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(hello)
        try:
            while s.recv(4096):
                pass
        except ConnectionResetError:
            pass
    return time.monotonic() - start


# ---- what the server reported -----------------------------------------------

def reports(h, spec):
    return [m for m in REPORT.finditer(h.log()) if m.group(2) == spec]


def reported_drops(h, spec):
    return sum(int(m.group(3)) for m in reports(h, spec))


def report_time(m):
    return datetime.datetime.strptime(m.group(1), "%b %d %H:%M:%S.%f")


def wait_for(predicate, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


ONE_PREFORK_PROCESS = """StartServers 1
ServerLimit 1
MinSpareServers 1
MaxSpareServers 1
MaxRequestWorkers 1
"""


def one_process_server(h, spec):
    processes = ONE_PREFORK_PROCESS if h.mpm == "prefork" else ONE_PROCESS_8_THREADS
    h.write(h.base_conf() + "Listen 127.0.0.1:%d\n" % h.port + processes
            + 'TLSGuardEventLog "%s"\n' % spec + h.ssl_vhost())
    h.start()  # its readiness probe is one connection: one failed handshake


# ---- reports: every drop, at most once per interval, and at exit ----------------

def full_disk_server(h):
    """/dev/full refuses every write (ENOSPC): every event is a drop."""
    spec = "/dev/full"
    one_process_server(h, spec)
    wait_for(lambda: reported_drops(h, spec) == 1, what="the first drop's report")
    return spec


@pytest.mark.parametrize("mpm", ["event", "prefork"])
def test_drops_reported_at_graceful_restart(make_httpd, mpm):
    h = make_httpd(mpm=mpm)
    spec = full_disk_server(h)
    for _ in range(3):
        failed_handshake(h.port)
    time.sleep(1.0)
    assert reported_drops(h, spec) == 1  # within the minute: held back
    h.graceful()  # nothing fails after this: the old process reports as it exits
    wait_for(lambda: reported_drops(h, spec) == 4, what="the exiting process's report")
    last = reports(h, spec)[-1]
    assert last.group(3, 6, 7) == ("3", "4", "; exiting"), last.group(0)


@pytest.mark.parametrize("mpm", ["event", "prefork"])
def test_drops_reported_at_shutdown(make_httpd, monkeypatch, mpm):
    monkeypatch.setenv("TLSGUARD_REPORT_INTERVAL", "0")  # invalid: warned, default kept
    h = make_httpd(mpm=mpm)
    spec = full_disk_server(h)
    for _ in range(2):
        failed_handshake(h.port)
    time.sleep(1.0)
    assert reported_drops(h, spec) == 1
    h.stop()
    assert reported_drops(h, spec) == 3, h.log()
    first, last = reports(h, spec)
    assert first.group(3, 4, 5, 6, 7) == ("1", "No space left on device", "0", "1", None)
    assert last.group(3, 4, 5, 6, 7) == ("2", "No space left on device", "0", "3", "; exiting")
    assert ('TLSGUARD-035: TLSGUARD_REPORT_INTERVAL="0" is not a number of seconds from 1 '
            'to 3600: lost events are reported at most every 60 s') in h.log()


def test_drops_reported_each_interval_without_a_later_failure(make_httpd, monkeypatch):
    """The old report waited for the next failure. Here nothing fails after
    the burst, and the report still comes one interval after the previous
    one (TLSGUARD_REPORT_INTERVAL, a test knob: 2 s instead of 60)."""
    monkeypatch.setenv("TLSGUARD_REPORT_INTERVAL", "2")
    h = make_httpd()
    spec = full_disk_server(h)
    for _ in range(3):
        failed_handshake(h.port)
    wait_for(lambda: len(reports(h, spec)) == 2, timeout=6, what="the second report")
    first, second = reports(h, spec)
    assert second.group(3, 7) == ("3", None), second.group(0)  # not at exit: the server runs
    gap = (report_time(second) - report_time(first)).total_seconds()
    assert 1.9 <= gap < 3.5, gap
    time.sleep(2.5)
    assert len(reports(h, spec)) == 2  # nothing new was lost: nothing to say
