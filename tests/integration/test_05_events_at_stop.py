"""A handshake under way when httpd stops or restarts has its event, like
any other connection, under the event, worker and prefork MPMs.

An ungraceful stop (`apachectl stop`, SIGTERM) or restart (`apachectl
restart`, SIGHUP) ends a child's connections at once; a thread blocked in a
handshake read would stay blocked until the read times out (Timeout: 10 s in
this harness, 300 s in Debian) and httpd kills the process first (after
about nine seconds). The module writes the
event of such a connection as the child stops (reason `other`: nothing of
the client's ended it). A graceful stop (SIGWINCH) lets the handshake end on
its own: here mod_reqtimeout's handshake timeout."""

import signal
import socket
import time

import pytest

from test_05_events import Events, validator  # noqa: F401
from tg_metrics import plain_vhost, wait_scrape
from tg_rawtls import client_hello, records

HALF_HELLO = 60  # a record header and the start of a ClientHello: the server waits for more


def started(h, validator, extra=""):
    """h started with an event log; its events, past the harness's connect-and-close."""
    h.write(h.base_conf(h.modules(["authz_host"])) + "Listen 127.0.0.1:%d\n" % h.port
            + "TLSGuardProfile intermediate\nTLSGuardEventLog logs/events.json\n" + extra
            + h.ssl_vhost() + plain_vhost(h))
    h.start()
    events = Events(h, validator)
    events.new(1)
    return h, events


def cut_by(h, action):
    """Starts a handshake, leaves it half sent, and runs action(h) while the
    server waits for the rest; returns the client's port."""
    with socket.create_connection(("127.0.0.1", h.port), timeout=5) as s:
        s.sendall(records(client_hello())[:HALF_HELLO])
        time.sleep(0.5)  # the server is in its read
        action(h)
        return s.getsockname()[1]


def check(e, port, reason):
    t = e["tlsguard"]
    assert e["event"]["outcome"] == "failure", e
    assert e["source"]["port"] == port, e
    assert (t["reason"], t["stage"], t["bytes_in"]) == (reason, "client_hello", HALF_HELLO), e


MPMS = ["event", "worker", "prefork"]


@pytest.mark.parametrize("mpm", MPMS)
def test_stop_writes_the_event_of_a_handshake_under_way(make_httpd, validator, mpm):
    h, events = started(make_httpd(mpm), validator)
    port = cut_by(h, lambda h: h.stop(signal.SIGTERM))
    check(events.one(), port, "other")


@pytest.mark.parametrize("mpm", MPMS)
def test_restart_writes_the_event_and_counts_it(make_httpd, validator, mpm):
    h, events = started(make_httpd(mpm), validator)
    port = cut_by(h, lambda h: h.restart("restart"))
    check(events.one(), port, "other")
    s = wait_scrape(h, lambda s: s.sum("tlsguard_handshake_failures_total", reason="other") >= 1)
    assert s.sum("tlsguard_handshake_failures_total", reason="other") == 1, s.text  # counters survive


@pytest.mark.parametrize("mpm", MPMS)
def test_graceful_stop_lets_the_handshake_time_out(make_httpd, validator, mpm):
    h, events = started(make_httpd(mpm), validator, "RequestReadTimeout handshake=2\n")
    port = cut_by(h, lambda h: h.stop(signal.SIGWINCH))
    check(events.one(), port, "timeout")
