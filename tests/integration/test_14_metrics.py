"""The shared counters and their Prometheus page: every failure provoked by a
real client is counted exactly, by reason, stage and vhost, across several
child processes, under the event, worker and prefork MPMs, and a graceful restart
in between keeps every count. The page passes `promtool check metrics`, is
served only where Require allows, and mod_status's page gets a section."""

import os
import socket
import subprocess
import time

import pytest

from tg_httpd import curl, require_tool, s_client
from tg_metrics import Scrape, fetch, plain_vhost, scrape_after_start, wait_scrape
from tg_rawtls import client_hello, records, send_and_close

HTTP_ON_TLS = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"


def connect_and_close(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass


# reason -> (how to provoke it once, the stage it fails at or None for any)
PROVOKE = {
    "protocol_version": (lambda h: s_client(h.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0"),
                         "client_hello"),
    "no_shared_cipher": (lambda h: s_client(h.port, "-tls1_2", "-cipher", "AES128-SHA:AES256-SHA"),
                         "client_hello"),
    "no_shared_group": (lambda h: s_client(h.port, "-tls1_3", "-groups", "P-521:ffdhe2048"),
                        "client_hello"),
    "not_tls": (lambda h: send_and_close(h.port, HTTP_ON_TLS), None),
    "client_rejected_certificate": (
        lambda h: s_client(h.port, "-tls1_3", "-verify_return_error", "-CAfile",
                           h.certs.other_ca), None),
    "client_aborted": (lambda h: send_and_close(h.port, records(client_hello()), wait=0.2), None),
    "empty_connection": (lambda h: connect_and_close(h.port), None),
}


def metrics_conf(h, mpm_lines, extra_modules=("authz_host",), server_lines=""):
    h.write(h.base_conf(h.modules(list(extra_modules))) + mpm_lines
            + "Listen 127.0.0.1:%d\n" % h.port
            + "TLSGuardProfile intermediate\nTLSGuardEventLog logs/events.json\n"
            + server_lines + "\n" + h.ssl_vhost() + plain_vhost(h))


MPM_LINES = {
    # two processes (or three) share the counters
    "event": "StartServers 2\nMinSpareThreads 10\nThreadsPerChild 5\nServerLimit 4\n",
    "worker": "StartServers 2\nMinSpareThreads 10\nThreadsPerChild 5\nServerLimit 4\n",
    "prefork": "StartServers 3\nMinSpareServers 3\nMaxSpareServers 6\n",
}


def provoke(h, counts):
    for reason, n in counts.items():
        for _ in range(n):
            PROVOKE[reason][0](h)


def failures(s, reason=None):
    kw = {"reason": reason} if reason else {}
    return s.sum("tlsguard_handshake_failures_total", **kw)


def check_counts(h, base, expect, successes, audit_lines=0):
    total = sum(expect.values())
    vhost = "localhost:%d" % h.port

    def grew(s, name, **labels):
        return s.sum(name, **labels) - base.sum(name, **labels)

    # the last handshakes and event lines are counted at close, after the client is done
    def done(s):
        return (grew(s, "tlsguard_handshakes_total", vhost=vhost, outcome="failure") >= total
                and grew(s, "tlsguard_handshakes_total", vhost=vhost, outcome="success")
                >= successes
                and grew(s, "tlsguard_events_written_total", sink="logs/events.json")
                >= total + audit_lines)
    s = wait_scrape(h, done)
    time.sleep(0.5)  # nothing more may come
    s = Scrape(h.http_port)
    for reason, n in expect.items():
        got = s.sum("tlsguard_handshake_failures_total", vhost=vhost, reason=reason) - \
            base.sum("tlsguard_handshake_failures_total", vhost=vhost, reason=reason)
        assert got == n, "%s: %d counted, %d provoked\n%s" % (reason, got, n, s.text)
        stage = PROVOKE[reason][1]
        if stage:
            assert s.sum("tlsguard_handshake_failures_total", vhost=vhost, reason=reason,
                         stage=stage) - base.sum("tlsguard_handshake_failures_total",
                                                 vhost=vhost, reason=reason, stage=stage) == n
    for name, labels, n in (
            ("tlsguard_handshakes_total", {"vhost": vhost, "outcome": "failure"}, total),
            ("tlsguard_handshake_failures_total", {"vhost": vhost}, total),
            ("tlsguard_handshakes_total", {"vhost": vhost, "outcome": "success"}, successes),
            ("tlsguard_handshake_successes_total", {"version": "TLSv1.3"}, successes),
            ("tlsguard_events_written_total", {"sink": "logs/events.json"}, total + audit_lines)):
        got = s.sum(name, **labels) - base.sum(name, **labels)
        assert got == n, "%s%s: %d, expected %d\n%s" % (name, labels, got, n, s.text)
    return s


@pytest.mark.parametrize("mpm", ["event", "worker", "prefork"])
def test_exact_counts_across_children_and_graceful_restart(make_httpd, certs, mpm):
    h = make_httpd(mpm)
    metrics_conf(h, MPM_LINES[mpm])
    h.start()
    base = scrape_after_start(h)
    assert len(h.child_pids()) >= 2, "the counters are to be shared by several children"
    first = {"protocol_version": 3, "no_shared_cipher": 2, "no_shared_group": 1, "not_tls": 2,
             "client_rejected_certificate": 1, "client_aborted": 1, "empty_connection": 2}
    provoke(h, first)
    for _ in range(2):
        rc, out = curl(h.port, "/", "--tlsv1.3", cacert=certs.ca)
        assert rc == 0 and " 200 " in out, out
    after_first = check_counts(h, base, first, 2)

    h.graceful()
    kept = Scrape(h.http_port)
    written = ("tlsguard_events_written_total", frozenset({("sink", "logs/events.json")}))
    for key, v in after_first.samples.items():
        # the restart's start-up audit writes one line for the one TLS vhost
        want = v + 1 if key == written else v
        assert kept.samples.get(key) == want, "graceful restart: %r %s -> %s" % (
            key, v, kept.samples.get(key))
    assert set(kept.samples) == set(after_first.samples)

    second = {"protocol_version": 2, "no_shared_cipher": 1, "not_tls": 1, "empty_connection": 1}
    provoke(h, second)
    assert s_client(h.port, "-tls1_3")[0]
    both = {r: first.get(r, 0) + second.get(r, 0) for r in set(first) | set(second)}
    check_counts(h, base, both, 3, audit_lines=1)


def test_promtool_check_metrics(httpd, certs):
    require_tool("promtool")
    metrics_conf(httpd, "")
    httpd.start()
    provoke(httpd, {"protocol_version": 1, "no_shared_cipher": 1, "not_tls": 1})
    assert curl(httpd.port, "/", "--tlsv1.2", cacert=certs.ca)[0] == 0
    # the curl's success is counted at its close, after curl is done
    s = wait_scrape(httpd, lambda s: failures(s) >= 3
                    and s.series("tlsguard_handshake_successes_total"))
    assert s.series("tlsguard_handshake_successes_total"), s.text
    assert set(s.types) == {
        "tlsguard_handshakes_total", "tlsguard_handshake_failures_total",
        "tlsguard_handshake_successes_total", "tlsguard_would_reject_total",
        "tlsguard_events_written_total", "tlsguard_events_suppressed_total",
        "tlsguard_events_dropped_total", "tlsguard_start_time_seconds"}
    for name, kind in s.types.items():
        assert name.startswith("tlsguard_")
        assert kind == ("gauge" if name == "tlsguard_start_time_seconds" else "counter")
        assert name.endswith("_total") == (kind == "counter")
    proc = subprocess.run(["promtool", "check", "metrics"], input=s.text, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    assert proc.returncode == 0 and proc.stdout.strip() == "", proc.stdout + "\n" + s.text


def test_page_only_where_require_allows(httpd):
    metrics_conf(httpd, "")
    httpd.start()
    status, _, body = fetch(httpd.http_port, "/tlsguard-metrics-elsewhere")
    assert status == 403 and "tlsguard_" not in body
    status, _, body = fetch(httpd.http_port, "/")
    assert status == 200 and "tlsguard_" not in body
    proc = subprocess.run(["curl", "-sS", "-i", "-X", "POST", "--data", "x",
                           "http://127.0.0.1:%d/tlsguard-metrics" % httpd.http_port],
                          stdout=subprocess.PIPE, text=True, timeout=15)
    assert " 405 " in proc.stdout.splitlines()[0], proc.stdout
    allow = [l for l in proc.stdout.splitlines() if l.startswith("Allow: ")]
    assert allow and {"GET", "HEAD"} <= set(allow[0][7:].strip().split(",")), proc.stdout
    proc = subprocess.run(["curl", "-sS", "-I", "http://127.0.0.1:%d/tlsguard-metrics"
                           % httpd.http_port], stdout=subprocess.PIPE, text=True, timeout=15)
    assert " 200 " in proc.stdout.splitlines()[0] and "text/plain; version=0.0.4" in proc.stdout
    assert "tlsguard_" not in proc.stdout


def test_mod_status_section(httpd):
    status_location = ('<Location "/server-status">\n    SetHandler server-status\n'
                       '    Require ip 127.0.0.1\n</Location>\n')
    metrics_conf(httpd, "", extra_modules=("authz_host", "status"),
                 server_lines=status_location)
    httpd.start()
    scrape_after_start(httpd)  # the harness's connection is counted in the total below
    provoke(httpd, {"protocol_version": 2})
    s = wait_scrape(httpd, lambda s: failures(s, "protocol_version") >= 2)
    failed = int(s.sum("tlsguard_handshakes_total", outcome="failure"))
    status, _, auto = fetch(httpd.http_port, "/server-status?auto")
    assert status == 200
    assert "TLSGuardHandshakeFailures: %d\n" % failed in auto, auto
    assert "TLSGuardEventsWritten: " in auto
    status, _, page = fetch(httpd.http_port, "/server-status")
    assert status == 200 and "<h2>mod_tlsguard</h2>" in page
    assert "protocol_version</td><td>2</td>" in page, page


def test_vhost_labels_are_bounded(httpd):
    """More virtual hosts than the shared segment has slots for (255 named):
    the page never grows past 255 vhost labels plus "(other)", and a failure on
    a vhost without a slot still counts, under vhost="(other)"."""
    h = httpd
    names = ["v%03d.test" % i for i in range(270)]
    vhosts = "".join(h.ssl_vhost("", name=n) for n in names)
    h.write(h.base_conf(h.modules(["authz_host"])) + "Listen 127.0.0.1:%d\n" % h.port
            + "TLSGuardProfile intermediate\n" + h.ssl_vhost() + vhosts + plain_vhost(h))
    h.start()
    base = scrape_after_start(h)
    labels = {l["vhost"] for l in base.series("tlsguard_handshakes_total")}
    labels |= {l["vhost"] for l in base.series("tlsguard_handshake_failures_total")}
    assert len(labels - {"(other)"}) <= 255, sorted(labels)
    slotless = [n for n in names if "%s:%d" % (n, h.port) not in labels]
    slotted = [n for n in names if "%s:%d" % (n, h.port) in labels]
    assert len(slotless) >= 270 + 1 - 255 and slotted, (len(slotless), len(slotted))
    ok, out = s_client(h.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0", sni=slotless[0])
    assert not ok, out
    s = wait_scrape(h, lambda s: failures(s) > failures(base))
    assert s.sum("tlsguard_handshake_failures_total", vhost="(other)",
                 reason="protocol_version") - \
        base.sum("tlsguard_handshake_failures_total", vhost="(other)",
                 reason="protocol_version") == 1, s.text[-3000:]
    ok, out = s_client(h.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0", sni=slotted[0])
    assert not ok, out
    s2 = wait_scrape(h, lambda x: failures(x) > failures(s))
    assert s2.sum("tlsguard_handshake_failures_total", vhost="%s:%d" % (slotted[0], h.port),
                  reason="protocol_version") == 1
    assert failures(s2) - failures(base) == 2  # nothing lost, nothing counted twice


SUITES_13 = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
             "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"]
GROUPS_13 = ["X25519", "X448", "P-256", "P-384", "P-521", "ffdhe2048", "ffdhe3072", "ffdhe4096"]
CIPHERS_12 = ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
              "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES128-CCM", "ECDHE-ECDSA-AES256-CCM",
              "ECDHE-ECDSA-ARIA128-GCM-SHA256", "ECDHE-ECDSA-ARIA256-GCM-SHA384",
              "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384",
              "ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-ARIA128-GCM-SHA256", "ECDHE-ARIA256-GCM-SHA384"]
GROUPS_12 = ["X25519", "X448", "P-256", "P-384", "P-521", "brainpoolP256r1", "brainpoolP384r1",
             "brainpoolP512r1"]


def test_success_combinations_are_bounded(httpd):
    """More distinct version x cipher x group successes than the segment has
    slots for (127 named): the page shows at most 127 combinations, each
    counted once, the rest under "(other)", and the sum is every success."""
    h = httpd
    server = ("TLSGuardProtocols TLSv1.2 TLSv1.3\nTLSGuardCiphers %s\nTLSGuardCipherSuites %s\n"
              "TLSGuardGroups %s\n" % (":".join(CIPHERS_12), ":".join(SUITES_13),
                                       ":".join(dict.fromkeys(GROUPS_13 + GROUPS_12))))
    metrics_conf(h, "", server_lines=server)
    h.start()
    base = scrape_after_start(h)
    assert not base.series("tlsguard_handshake_successes_total"), base.text
    clients = [("-tls1_3", "-ciphersuites", s, "-groups", g) for s in SUITES_13 for g in GROUPS_13]
    # TLS 1.2 signs with ECDSA only on a curve the client lists (P-256); the
    # client's first group is the one negotiated (server cipher order off)
    clients += [("-tls1_2", "-cipher", c, "-groups", g if "ECDSA" not in c or g == "P-256"
                 else g + ":P-256") for c in CIPHERS_12 for g in GROUPS_12]
    for c in clients:  # each one a combination of its own
        ok, out = s_client(h.port, *c)
        assert ok, "%r:\n%s" % (c, out)
    assert len(clients) > 127
    s = wait_scrape(h, lambda x: x.sum("tlsguard_handshake_successes_total") >= len(clients))
    series = s.series("tlsguard_handshake_successes_total")
    named = [l for l in series if l["version"] != "(other)"]
    assert len(named) == 127, len(named)
    assert all(s.sum("tlsguard_handshake_successes_total", **l) == 1 for l in named), s.text
    assert len({(l["version"], l["cipher"], l["group"]) for l in named}) == 127
    other = s.sum("tlsguard_handshake_successes_total", version="(other)")
    assert other == len(clients) - 127, s.text[-3000:]
    assert s.sum("tlsguard_handshake_successes_total") == len(clients)


def test_hostile_names_make_a_valid_page_that_survives_restarts(httpd):
    """Names from the configuration as label values: a ServerName in
    Latin-1 (not UTF-8: a scraper refused the whole page), quotes and
    backslashes in a sink, and names longer than a slot. Two long names that
    share their first 127 bytes were two series with one label (and the page
    a duplicate), and a long name found no slot again at a graceful restart:
    a new one, its counters back at zero."""
    require_tool("promtool")
    h = httpd
    long_name = "x" * 60 + "." + "x" * 60 + "." + "x" * 20  # DNS labels of at most 63
    sinks = ["logs/" + "a" * 130 + "-1.json", "logs/" + "a" * 130 + "-2.json",
             'logs/we"ird\\name.json']
    vhosts = [h.ssl_vhost('TLSGuardEventLog "%s"\n' % sinks[0], name=long_name + ".one.test"),
              h.ssl_vhost('TLSGuardEventLog "%s"\n' % sinks[1], name=long_name + ".two.test"),
              h.ssl_vhost('TLSGuardEventLog "%s"\n' % sinks[2].replace("\\", "\\\\")
                          .replace('"', '\\"'), name="caf\xe9.test")]
    conf = (h.base_conf(h.modules(["authz_host"])) + "Listen 127.0.0.1:%d\n" % h.port
            + "TLSGuardProfile intermediate\nTLSGuardEventLog logs/events.json\n"
            + h.ssl_vhost() + "".join(vhosts) + plain_vhost(h))
    with open(h.conf_path, "wb") as f:
        f.write(conf.encode("latin-1"))
    h.start()
    assert os.path.exists(os.path.join(h.root, sinks[2])), "the sink's own path"
    base = scrape_after_start(h)

    def check(s):
        proc = subprocess.run(["promtool", "check", "metrics"], input=s.text, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        assert proc.returncode == 0 and proc.stdout.strip() == "", proc.stdout
        vh = {l["vhost"] for l in s.series("tlsguard_handshakes_total")}
        sk = {l["sink"] for l in s.series("tlsguard_events_written_total")}
        # as on the page: the parser keeps the format's escapes
        assert r"caf\\xe9.test:%d" % h.port in vh, vh
        longs = [v for v in vh if v.startswith(long_name[:100])]
        assert len(longs) == 2 and all(len(v.encode()) == 127 and "~" in v for v in longs), vh
        assert r'logs/we\"ird\\name.json' in sk, sk
        assert len([k for k in sk if k.startswith("logs/aaa")]) == 2, sk
        return {l["sink"]: s.sum("tlsguard_events_written_total", **l)
                for l in s.series("tlsguard_events_written_total")}

    written = check(base)
    # one failure on the first long-named vhost (SNI picks it)
    ok, out = s_client(h.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0", sni=long_name + ".one.test")
    assert not ok, out
    s = wait_scrape(h, lambda x: failures(x) > failures(base))
    long1 = [v for v in {l["vhost"] for l in s.series("tlsguard_handshakes_total")}
             if v.startswith(long_name[:100]) and s.sum("tlsguard_handshakes_total", vhost=v,
                                                  outcome="failure") == 1]
    assert len(long1) == 1, s.text
    h.graceful()
    kept = Scrape(h.http_port)
    after = check(kept)
    assert kept.sum("tlsguard_handshakes_total", vhost=long1[0], outcome="failure") == 1, \
        kept.text
    for sink, n in written.items():  # the restart's audit line, and nothing lost
        assert after[sink] >= n + 1, (sink, n, after[sink])
