"""A FIFO as the event log (a log shipper reading it): its reader going away
stops neither nginx's reopen (USR1, what logrotate sends) nor its master's
signals nor `nginx -s`; a stalled reader costs lost lines, never a wait; a
reader that comes back gets the next events."""

import os
import signal
import time

import pytest

from tg_httpd import curl, run
from tg_rawtls import send_and_close

REFUSED = b"\x16\x03\x01\x00\x05hello"  # one failed connection, one event line


@pytest.fixture
def fifo_nginx(nginx):
    path = os.path.join(nginx.root, "events.fifo")
    os.mkfifo(path)
    os.chmod(path, 0o666)
    reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    nginx.write(nginx.conf("tlsguard_event_log %s;" % path, nginx.server("", default=True)))
    nginx.start()
    nginx.fifo = path
    yield nginx, reader
    try:
        os.close(reader)
    except OSError:
        pass


def read_lines(fd, want, timeout=5):
    data, deadline = b"", time.time() + timeout
    while data.count(b"\n") < want and time.time() < deadline:
        try:
            chunk = os.read(fd, 65536)
            data += chunk
        except BlockingIOError:
            time.sleep(0.05)
    return data.count(b"\n")


def exited(pid, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_reopen_without_a_reader_does_not_hang_the_master(fifo_nginx):
    n, reader = fifo_nginx
    assert read_lines(reader, 1) >= 1  # the harness's connect-and-close
    os.close(reader)
    master = n.pid()
    os.kill(master, signal.SIGUSR1)  # logrotate's postrotate
    time.sleep(0.5)
    assert curl(n.port, "/", "-k")[0] == 0
    # a master stuck in open() of the FIFO never gets to its signals
    reader = os.open(n.fifo, os.O_RDONLY | os.O_NONBLOCK)  # the shipper is back
    send_and_close(n.port, REFUSED, wait=0)
    assert read_lines(reader, 1) == 1, n.log()
    os.close(reader)
    os.kill(master, signal.SIGUSR1)
    time.sleep(0.5)
    os.kill(master, signal.SIGTERM)
    assert exited(master, 10), "the master did not stop after a reopen without a reader"
    n.started = False


def test_nginx_s_works_without_a_reader(fifo_nginx):
    n, reader = fifo_nginx
    os.close(reader)
    rc, out = run(n.cmd("-s", "reopen"), env=n.env())
    assert rc == 0, out
    master = n.pid()
    rc, out = run(n.cmd("-s", "stop"), env=n.env())
    assert rc == 0, out
    assert exited(master, 10), n.log()
    n.started = False


def test_stalled_reader_loses_lines_and_nginx_serves(fifo_nginx):
    n, reader = fifo_nginx
    # the reader stays open and reads nothing: the pipe fills (64 KiB)
    start = time.time()
    for _ in range(120):
        send_and_close(n.port, REFUSED, wait=0)
    assert curl(n.port, "/", "-k")[0] == 0
    assert time.time() - start < 30
    got = read_lines(reader, 10 ** 6, timeout=2)
    assert 0 < got < 121, got
    send_and_close(n.port, REFUSED, wait=0)  # drained: the next one arrives
    assert read_lines(reader, 1) == 1, n.log()
