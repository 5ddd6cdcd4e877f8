"""The event sinks against a broken consumer: a line is written whole or not
at all, a handshake never waits for a log, and every line that could not be
written is counted and reported (TLSGUARD-030) at once, then at most once per
interval whatever follows, and when a process exits (graceful restart,
shutdown).

Consumers: a syslog receiver that stops reading (a datagram socket bound on a
configured path and never read), one that starts late or restarts, Debian's
rsyslogd with a private configuration, and piped loggers that are slow,
stopped (SIGSTOP) or killed. Every server here runs one process of 8 worker
threads (event MPM), so a blocked write would hold a visible share of them;
the exit reports are checked under prefork too."""

import datetime
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import threading
import time

import pytest

from tg_httpd import ONE_PROCESS_8_THREADS, curl, wait_for, whole_lines
from tg_rawtls import client_hello, records

HERE = os.path.dirname(os.path.abspath(__file__))
LOGGER = os.path.join(HERE, "tg_pipelogger.py")
PYTHON = "/usr/bin/python3"
RSYSLOGD = "/usr/sbin/rsyslogd"

# Refused at once (no shared cipher, alert 40): no key exchange, so the
# handshake costs about a millisecond and the log write is what is measured.
FAILING_HELLO = records(client_hello(tls13=False, server_name=b"sink.test",
                                     ciphers=(0x002f,)))
# The same with 150 old suites (none in the policy): its event is cut to just
# under 4096 bytes, one line per pipe page, the case where a write that is
# split tears a line.
BIG_HELLO = records(client_hello(tls13=False, server_name=b"sink.test",
                                 ciphers=tuple(range(0x0001, 0x0097))))

# A handshake that waits for a full pipe or socket waited 100 ms (the old
# pipe timeout) or for ever (glibc syslog); one that does not takes a few ms.
MEDIAN_BOUND = 0.030
P90_BOUND = 0.060
GET_BOUND = 1.0

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


def drive(port, count, clients=8, budget=30.0, hello=FAILING_HELLO, until=None):
    """Refused handshakes from `clients` concurrent clients: count of them,
    or fewer once until(handshakes ended so far) is true; within budget
    seconds either way. Returns their durations in the order they ended."""
    durations, errors = [], []
    lock = threading.Lock()
    left = [count]
    deadline = time.monotonic() + budget

    def client():
        while time.monotonic() < deadline and not (until and until(len(durations))):
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            try:
                took = failed_handshake(port, hello)
            except OSError as exc:
                errors.append(exc)
                continue
            with lock:
                durations.append(took)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert until or len(durations) == count, "%d of %d handshakes in %.0f s" % (
        len(durations), count, budget)
    return durations


def flood_while_probing(h, certs, gets=5, least=100, most=20000, **kw):
    """Refused handshakes until `gets` GET / have run alongside them and at
    least `least` handshakes ended (at most `most`); asserts every GET
    answered in time. Returns the handshakes' durations."""
    with Prober(h.port, certs) as probe:
        durations = drive(h.port, most, until=lambda ended: len(probe.results) >= gets
                          and ended >= least, **kw)
    probe.assert_served()
    assert len(probe.results) >= gets and len(durations) >= least, (
        len(probe.results), len(durations))
    return durations


def get_root(port, certs):
    """GET / over TLS; returns (answered 200, seconds)."""
    start = time.monotonic()
    rc, out = curl(port, "/", cacert=certs.ca, timeout=3)
    took = time.monotonic() - start
    return rc == 0 and out.startswith("HTTP/1.1 200"), took


class Prober:
    """GET / back to back in the background while the block runs."""

    def __init__(self, port, certs):
        self.port, self.certs = port, certs
        self.results = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run)

    def _run(self):
        while not self.done.is_set():
            self.results.append(get_root(self.port, self.certs))
            self.done.wait(0.02)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()

    def assert_served(self):
        assert self.results, "no GET / ran"
        print("GET / %d times: max %.0f ms" % (len(self.results),
                                               max(t for _, t in self.results) * 1e3))
        slow = [took for ok, took in self.results if not ok or took >= GET_BOUND]
        assert not slow, "GET / failed or took >= %.1f s: %s of %d" % (
            GET_BOUND, slow, len(self.results))


def assert_not_held(durations):
    """Handshakes did not wait for the log: median and 90th percentile bounds."""
    ordered = sorted(durations)
    median = statistics.median(ordered)
    p90 = ordered[int(len(ordered) * 0.9)]
    print("%d failed handshakes: median %.1f ms, p90 %.1f ms, max %.1f ms" % (
        len(ordered), median * 1e3, p90 * 1e3, ordered[-1] * 1e3))
    assert median < MEDIAN_BOUND and p90 < P90_BOUND, (
        "failed handshakes held: median %.1f ms, p90 %.1f ms, max %.1f ms" % (
            median * 1e3, p90 * 1e3, ordered[-1] * 1e3))


def assert_still_serving(h, certs):
    ok, took = get_root(h.port, certs)
    assert ok and took < GET_BOUND, (ok, took)


# ---- what the server reported -----------------------------------------------

def reports(h, spec):
    return [m for m in REPORT.finditer(h.log()) if m.group(2) == spec]


def reported_drops(h, spec):
    return sum(int(m.group(3)) for m in reports(h, spec))


def report_time(m):
    return datetime.datetime.strptime(m.group(1), "%b %d %H:%M:%S.%f")


ONE_PREFORK_PROCESS = """StartServers 1
ServerLimit 1
MinSpareServers 1
MaxSpareServers 1
MaxRequestWorkers 1
"""


def one_process_server(h, spec):
    processes = ONE_PREFORK_PROCESS if h.mpm == "prefork" else ONE_PROCESS_8_THREADS
    h.write(h.base_conf() + "Listen 127.0.0.1:%d\n" % h.port + processes
            + 'TLSGuardEventLog "%s"\n' % spec
            + "TLSGuardAuditEvents Off\n"  # count the handshake path's lines only
            + "TLSGuardEventRate off\n"  # every failure reaches the sink
            + h.ssl_vhost())
    h.start()  # its readiness probe is one connection: one failed handshake


def children(h):
    parent = h.pid()
    return [pid for pid, ppid, cmd in processes() if ppid == parent and b"apache2" in cmd]


def processes():
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
            with open("/proc/%s/cmdline" % d, "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        yield int(d), int(stat.rsplit(")", 1)[1].split()[1]), cmd


# ---- configuration ----------------------------------------------------------------

BAD_SINKS = [
    ("syslog:local9", 'unknown syslog facility "local9" (expected user, daemon, auth, '
                      'authpriv, local0..local7)'),
    ("syslog:@/run/x.sock", 'unknown syslog facility ""'),
    ("syslog:local3@run/x.sock", 'syslog socket path "run/x.sock" is not absolute'),
    ("syslog:local3@", '"@" must be followed by the path of a syslog socket'),
    ("syslog:local3@/" + "x" * 110, 'syslog socket path "/%s" is 111 bytes long; an AF_UNIX '
                                    'address holds at most 107' % ("x" * 110)),
    ("syslogd", 'unknown sink "syslogd" (expected a file path, "|program" or '
                'syslog[:facility][@/socket/path])'),
]


def line_of(path, text):
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if text in line:
                return n
    raise AssertionError("%r not in %s" % (text, path))


@pytest.mark.parametrize("spec,message", BAD_SINKS, ids=[s[:24] for s, _ in BAD_SINKS])
def test_bad_sink_fails_configtest(httpd, spec, message):
    httpd.write(httpd.base_conf() + "Listen 127.0.0.1:%d\n" % httpd.port
                + httpd.ssl_vhost("TLSGuardEventLog %s" % spec))
    rc, out = httpd.configtest()
    assert rc != 0, out
    conf = httpd.conf_path
    assert "Syntax error on line %d of %s:" % (line_of(conf, "TLSGuardEventLog"), conf) in out, out
    assert "TLSGuardEventLog: " + message in out, out
    assert "(<VirtualHost> at %s:%d)" % (conf, line_of(conf, "<VirtualHost")) in out, out


@pytest.mark.parametrize("spec", ["syslog", "SYSLOG:Local3", "syslog@/run/x.sock",
                                  "syslog:daemon@/nonexistent/dir/x.sock",
                                  "syslog:local7@/" + "x" * 106])
def test_good_sink_passes_configtest(httpd, spec):
    httpd.simple("TLSGuardEventLog %s" % spec)
    rc, out = httpd.configtest()
    assert rc == 0 and "Syntax OK" in out, out


# ---- syslog: the module's own non-blocking datagram socket --------------------

SYSLOG_HEADER = re.compile(
    rb"^<(\d+)>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z) (\S+) tlsguard (\d+) - - ")


def host_field():
    name = socket.gethostname()[:255]
    return "".join(c if 0x21 <= ord(c) <= 0x7e else "_" for c in name) or "-"


def parse_syslog(msg):
    """(PRI, host, pid, event) of one datagram; asserts the RFC 5424 framing."""
    m = SYSLOG_HEADER.match(msg)
    assert m, msg[:120]
    assert not msg.endswith(b"\n")
    return int(m.group(1)), m.group(3).decode(), int(m.group(4)), json.loads(msg[m.end():])


@pytest.fixture
def dgram_receivers():
    """bind(path): an AF_UNIX datagram socket at path that the workers may
    send to; closed at the end."""
    made = []

    def bind(path):
        if os.path.exists(path):
            os.unlink(path)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(path)
        os.chmod(path, 0o666)
        made.append(s)
        return s

    yield bind
    for s in made:
        s.close()


def drain(sock):
    got = []
    sock.setblocking(False)
    while True:
        try:
            got.append(sock.recv(65536))
        except BlockingIOError:
            return got


def recv_n(sock, n, timeout=10.0):
    sock.settimeout(timeout)
    return [sock.recv(65536) for _ in range(n)]


def test_syslog_receiver_that_stops_reading(make_httpd, certs, dgram_receivers):
    """glibc's syslog() blocks in send() under a process-wide lock: a stalled
    receiver held every worker. Ours drops, counts and reports."""
    h = make_httpd()
    path = os.path.join(h.root, "run", "stalled.sock")
    stalled = dgram_receivers(path)  # bound, never read until the end
    spec = "syslog:local3@" + path
    one_process_server(h, spec)
    durations = flood_while_probing(h, certs, clients=12)
    n = len(durations)
    assert n >= 36
    assert_still_serving(h, certs)
    assert_not_held(durations)
    queued = drain(stalled)
    pids = set(children(h))
    h.stop()
    dropped = reported_drops(h, spec)
    assert dropped > 0, h.log()
    assert len(queued) + dropped == n + 1, (len(queued), dropped, h.log())
    assert all(m.group(4) == "Resource temporarily unavailable" for m in reports(h, spec))
    for msg in queued:
        pri, host, pid, event = parse_syslog(msg)
        assert pri == 19 * 8 + 5  # local3.notice
        assert host == host_field()
        assert pid in pids
        assert event["tlsguard"]["reason"] in ("no_shared_cipher", "empty_connection")


def test_syslog_receiver_late_and_restarted(make_httpd, dgram_receivers):
    """No receiver at start: a warning, and the events before it binds are
    counted as lost. A receiver that restarts (new socket at the same path)
    gets the next event after one reconnect."""
    h = make_httpd()
    path = os.path.join(h.root, "run", "late.sock")
    spec = "syslog:local3@" + path
    one_process_server(h, spec)
    assert "TLSGUARD-033: TLSGuardEventLog %s: no syslog receiver at %s yet" % (
        spec, path) in h.log()
    wait_for(lambda: reported_drops(h, spec) == 1, what="the first drop's report")
    assert reports(h, spec)[0].group(4) == "No such file or directory"

    first = dgram_receivers(path)
    for _ in range(2):
        failed_handshake(h.port)
    assert [parse_syslog(m)[3]["tlsguard"]["reason"] for m in recv_n(first, 2)] == [
        "no_shared_cipher"] * 2

    first.close()
    second = dgram_receivers(path)  # what a restarted daemon does
    for _ in range(2):
        failed_handshake(h.port)
    assert len(recv_n(second, 2)) == 2
    h.stop()
    assert reported_drops(h, spec) == 1, h.log()


RSYSLOG_CONF = """global(workDirectory="{dir}")
module(load="imuxsock" SysSock.Use="off")
module(load="mmjsonparse")
input(type="imuxsock" Socket="{sock}" UseSpecialParser="off" RateLimit.Interval="0")
template(name="tlsguard" type="string" string="%hostname% %app-name% %procid% %syslogfacility-text% %syslogseverity-text% %$.parsed% %$!all-json%\\n")
if $app-name == "tlsguard" then {{
    action(type="mmjsonparse" cookie="")
    set $.parsed = $parsesuccess;
    action(type="omfile" file="{out}" template="tlsguard")
}}
"""


@pytest.fixture
def rsyslogd():
    """start(dir): Debian's rsyslogd on a private socket in dir (never
    /dev/log), writing what it receives to a file there; returns (socket
    path, output path). Stopped at the end."""
    procs = []

    def start(d):
        if not os.access(RSYSLOGD, os.X_OK):
            pytest.fail("rsyslog is not installed: run build/test.sh (it installs it)")
        sock, out, conf = (os.path.join(d, n) for n in ("rsyslog.sock", "out.log",
                                                        "rsyslog.conf"))
        with open(conf, "w") as f:
            f.write(RSYSLOG_CONF.format(dir=d, sock=sock, out=out))
        with open(os.path.join(d, "rsyslogd.out"), "w+") as said:
            proc = subprocess.Popen([RSYSLOGD, "-n", "-f", conf, "-i",
                                     os.path.join(d, "rsyslogd.pid")],
                                    stdout=said, stderr=subprocess.STDOUT)
            procs.append(proc)
            wait_for(lambda: os.path.exists(sock) or proc.poll() is not None, what="rsyslogd")
            time.sleep(0.2)
            said.seek(0)
            complaints = said.read()
        assert proc.poll() is None and "error" not in complaints, complaints
        return sock, out

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)


def test_syslog_events_reach_rsyslogd_as_json(make_httpd, rsyslogd):
    h = make_httpd()
    sock, out = rsyslogd(os.path.join(h.root, "run"))  # a directory the workers may enter
    spec = "syslog:local3@" + sock
    one_process_server(h, spec)
    n = 20
    for i in range(n):  # every fourth one near 4 KiB: a datagram of about 4.3 KB
        failed_handshake(h.port, BIG_HELLO if i % 4 == 0 else FAILING_HELLO)

    def lines():
        return whole_lines(out)

    wait_for(lambda: len(lines()) >= n + 1, what="%d events in rsyslogd's file" % (n + 1))
    time.sleep(0.3)
    pids = set(children(h))
    h.stop()
    got = lines()
    assert len(got) == n + 1, got
    reasons = []
    for line in got:
        host, app, procid, facility, severity, parsed, payload = line.split(" ", 6)
        assert (host, app, facility, severity, parsed) == (
            host_field(), "tlsguard", "local3", "notice", "OK"), line
        assert int(procid) in pids
        event = json.loads(payload)
        assert event["event"]["action"] == "tls-handshake"
        assert event["tlsguard"]["vhost"] == "localhost"
        reasons.append(event["tlsguard"]["reason"])
    assert sorted(reasons) == ["empty_connection"] + ["no_shared_cipher"] * n
    assert not reports(h, spec), h.log()


# ---- piped loggers: one O_NONBLOCK write() of at most PIPE_BUF ------------------

def pipe_server(h, out, chunk=65536, pause=0.0):
    spec = "|%s %s %s %d %s" % (PYTHON, LOGGER, out, chunk, pause)
    one_process_server(h, spec)
    wait_for(lambda: os.path.exists(out) and os.path.getsize(out) > 0,
             what="the logger's first line")
    return spec


def the_logger(h, not_pid=None, timeout=10.0):
    """The one running piped logger that httpd's parent spawned."""
    found = []

    def one():
        found[:] = [pid for pid, ppid, cmd in processes()
                    if ppid == h.pid() and b"tg_pipelogger.py" in cmd and pid != not_pid]
        return len(found) == 1

    wait_for(one, timeout, "one piped logger")
    return found[0]


def wait_quiet(path, quiet=1.0, timeout=30.0):
    """Until the file has not grown for `quiet` seconds (the logger is done)."""
    last, since = -1, time.monotonic()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        size = os.path.getsize(path)
        if size != last:
            last, since = size, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.05)
    raise AssertionError("%s still growing after %.0f s" % (path, timeout))


def whole_json_lines(path):
    """Every byte of the file belongs to a whole line that parses as JSON."""
    with open(path, "rb") as f:
        data = f.read()
    assert data.endswith(b"\n"), data[-200:]
    lines = data.split(b"\n")[:-1]
    torn = []
    for line in lines:
        try:
            json.loads(line)
        except ValueError:
            torn.append(line[:80])
    assert not torn, "%d of %d lines are not whole JSON lines: %s" % (
        len(torn), len(lines), torn[:3])
    return lines


def test_slow_logger_gets_whole_lines_only(make_httpd, certs):
    """A logger that frees the pipe 512 bytes at a time: when several
    workers wait for room, APR's timed write retried with half the line and
    tore it (up to one of these near-4 KiB lines in three)."""
    h = make_httpd()
    out = os.path.join(h.root, "logs", "slow.json")
    spec = pipe_server(h, out, chunk=512, pause=0.005)  # about 100 KB/s
    # more clients than workers: every worker meets the full pipe at once
    durations = flood_while_probing(h, certs, clients=12, hello=BIG_HELLO)
    n = len(durations)
    assert_still_serving(h, certs)
    wait_quiet(out)
    h.stop()
    lines = whole_json_lines(out)
    assert statistics.mean(map(len, lines[1:])) > 3500  # the big ones, near PIPE_BUF
    dropped = reported_drops(h, spec)
    assert dropped > 0, "the pipe never filled: nothing was tested"
    assert len(lines) + dropped == n + 1, (len(lines), dropped)
    assert all(m.group(4) == "Resource temporarily unavailable" for m in reports(h, spec))
    assert_not_held(durations)


def test_stopped_logger_holds_no_handshake(make_httpd, certs):
    """A logger stopped with SIGSTOP: once the pipe is full every line is
    dropped at once, where the old pipe timeout held each worker 100 ms."""
    h = make_httpd()
    out = os.path.join(h.root, "logs", "stopped.json")
    spec = pipe_server(h, out)
    stopped_reader_holds_nothing(h, certs, the_logger(h), spec, out)


def stopped_reader_holds_nothing(h, certs, reader, spec, out):
    """Stops the process reading the sink `spec` (SIGSTOP) until its pipe is
    full, then: failures one by one each meet the full pipe and are not held,
    good clients are served; after SIGCONT and a stop, the lines the reader
    wrote to `out` plus the reported drops are every event (the harness's
    first connection included)."""
    os.kill(reader, signal.SIGSTOP)
    try:
        fill = 40  # a pipe holds 16 of these lines
        drive(h.port, fill, hello=BIG_HELLO)
        wait_for(lambda: reported_drops(h, spec) > 0, what="the pipe to fill")
        # one by one, each meeting a full pipe: at least 100, and 5 GET / meanwhile
        durations = flood_while_probing(h, certs, clients=1, hello=BIG_HELLO)
        assert_not_held(durations)
        assert_still_serving(h, certs)
    finally:
        os.kill(reader, signal.SIGCONT)
    wait_quiet(out)
    h.stop()
    lines = whole_json_lines(out)
    assert len(lines) + reported_drops(h, spec) == 1 + fill + len(durations)


def test_dead_logger_is_respawned_and_lines_stay_whole(make_httpd, certs):
    """A killed logger: httpd keeps the pipe's read end and respawns the
    program; meanwhile the pipe fills, then lines are dropped whole. SIGPIPE
    is ignored in httpd's children, so a closed pipe would be an EPIPE drop,
    never a dead worker."""
    h = make_httpd()
    out = os.path.join(h.root, "logs", "dead.json")
    spec = pipe_server(h, out)
    for pid in children(h):
        with open("/proc/%d/status" % pid) as f:
            ignored = int(re.search(r"^SigIgn:\s*([0-9a-f]+)", f.read(), re.M).group(1), 16)
        assert ignored & (1 << (signal.SIGPIPE - 1)), pid
    time.sleep(0.2)  # the logger is idle in read(): killing it loses nothing it holds
    logger = the_logger(h)
    os.kill(logger, signal.SIGKILL)
    killed = time.monotonic()
    durations = flood_while_probing(h, certs, hello=BIG_HELLO)
    n = len(durations)
    assert_not_held(durations)
    assert_still_serving(h, certs)
    the_logger(h, not_pid=logger)  # respawned by httpd
    print("logger respawned %.1f s after it was killed" % (time.monotonic() - killed))
    assert "piped log program '%s %s %s" % (PYTHON, LOGGER, out) in h.log()
    wait_quiet(out)
    h.stop()
    lines = whole_json_lines(out)
    assert len(lines) + reported_drops(h, spec) == n + 1



def test_old_generation_after_graceful_restart_counts_broken_pipe(make_httpd):
    """A graceful restart stops the logger and opens a new pipe; a process of
    the old generation that is still finishing a connection writes to a pipe
    nobody reads any more (httpd's children hold no read end): EPIPE, with
    SIGPIPE ignored, a counted drop rather than a dead worker or a silent
    loss."""
    h = make_httpd()
    out = os.path.join(h.root, "logs", "graceful.json")
    spec = "|%s %s %s" % (PYTHON, LOGGER, out)
    h.write(h.base_conf() + "Listen 127.0.0.1:%d\n" % h.port + ONE_PROCESS_8_THREADS
            + "RequestReadTimeout handshake=2\n" + 'TLSGuardEventLog "%s"\n' % spec
            + "TLSGuardAuditEvents Off\nTLSGuardEventRate off\n" + h.ssl_vhost())
    h.start()
    wait_for(lambda: os.path.exists(out) and os.path.getsize(out) > 0, what="the first line")
    with socket.create_connection(("127.0.0.1", h.port), timeout=10) as pending:
        pending.sendall(records(client_hello())[:60])  # half a hello: the old process waits
        time.sleep(0.3)
        h.graceful()
        for _ in range(3):
            failed_handshake(h.port)  # the new generation, its own pipe
        try:
            while pending.recv(4096):  # the old process gives up (handshake=2) and logs
                pass
        except (ConnectionResetError, socket.timeout):
            pass
    wait_for(lambda: reported_drops(h, spec) == 1, what="the broken pipe's report")
    # httpd stops its piped loggers with SIGTERM: let the new one read what it got
    wait_for(lambda: open(out, "rb").read().count(b"\n") >= 4, what="the new generation's lines")
    h.stop()
    lines = whole_json_lines(out)
    assert [json.loads(l)["tlsguard"]["reason"] for l in lines] == [
        "empty_connection"] + ["no_shared_cipher"] * 3
    assert [m.group(4) for m in reports(h, spec)] == ["Broken pipe"]

# ---- a named pipe (FIFO) given as a file path ----------------------------------

FIFO_READER = """import os, sys
fd = os.open(sys.argv[1], os.O_RDWR)  # its own write end: never an EOF
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        out.write(os.read(fd, 65536))
"""


def test_fifo_with_a_stopped_reader_holds_no_handshake(make_httpd, certs):
    """A FIFO named as a file sink (a log shipper's named pipe): a reader that
    stops (SIGSTOP) fills it, then every line is a counted drop; a blocking
    write() held every worker until the handshakes timed out."""
    h = make_httpd()
    fifo = os.path.join(h.root, "logs", "events.fifo")
    out = os.path.join(h.root, "logs", "fifo.json")
    os.mkfifo(fifo)
    reader = subprocess.Popen([PYTHON, "-c", FIFO_READER, fifo, out])
    try:
        wait_for(lambda: b"events.fifo" in open("/proc/%d/cmdline" % reader.pid, "rb").read()
                 and any(os.readlink("/proc/%d/fd/%s" % (reader.pid, fd)) == fifo
                         for fd in os.listdir("/proc/%d/fd" % reader.pid)),
                 what="the reader to open the FIFO")
        one_process_server(h, fifo)
        wait_for(lambda: os.path.getsize(out) > 0, what="the reader's first line")
        stopped_reader_holds_nothing(h, certs, reader.pid, fifo, out)
        assert all(m.group(4) == "Resource temporarily unavailable" for m in reports(h, fifo))
    finally:
        reader.kill()
        reader.wait()


def test_fifo_without_a_reader_fails_the_start(make_httpd):
    """A FIFO nobody reads: opening it for writing waited for a reader, so
    httpd hung at start for ever; now the start fails and says why."""
    h = make_httpd()
    fifo = os.path.join(h.root, "logs", "events.fifo")
    os.mkfifo(fifo)
    h.write(h.base_conf() + "Listen 127.0.0.1:%d\n" % h.port
            + 'TLSGuardEventLog "%s"\n' % fifo + h.ssl_vhost())
    started = time.monotonic()
    rc, out = h.start(expect_ok=False)
    assert time.monotonic() - started < 10, "httpd hung opening the FIFO"
    assert not h.alive(), out
    assert "TLSGUARD-031: TLSGuardEventLog %s: cannot open" % fifo in out, out
    assert "No such device or address" in out, out


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
