"""A real Prometheus (Debian's prometheus, a private configuration and data
directory, listening on 127.0.0.1) scrapes the module's page every second;
its HTTP API answers tlsguard_handshake_failures_total{reason="protocol_version"}
with the number of failures provoked, and it loads the alert rules of
docs/tlsguard-alerts.yml (the README's example)."""

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from tg_httpd import free_port, require_tool, s_client
from tg_metrics import Scrape
from test_14_metrics import metrics_conf

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ALERTS = os.path.join(ROOT, "docs", "tlsguard-alerts.yml")

CONFIG = """global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - {alerts}
scrape_configs:
  - job_name: tlsguard
    metrics_path: /tlsguard-metrics
    static_configs:
      - targets: ["127.0.0.1:{port}"]
"""


class Prometheus:
    def __init__(self, root, target_port):
        self.dir = os.path.join(root, "prometheus")
        os.makedirs(os.path.join(self.dir, "data"))
        self.port = free_port()
        self.config = os.path.join(self.dir, "prometheus.yml")
        with open(self.config, "w") as f:
            f.write(CONFIG.format(alerts=ALERTS, port=target_port))
        self.log = open(os.path.join(self.dir, "prometheus.log"), "w+")
        self.proc = subprocess.Popen(
            ["prometheus", "--config.file=" + self.config,
             "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
             "--web.listen-address=127.0.0.1:%d" % self.port],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=self.dir)

    def output(self):
        self.log.seek(0)
        return self.log.read()

    def get(self, path, **params):
        url = "http://127.0.0.1:%d%s" % (self.port, path)
        if params:
            url += "?" + urllib.parse.urlencode(params)
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode()

    def wait_ready(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            assert self.proc.poll() is None, "prometheus exited:\n" + self.output()
            try:
                self.get("/-/ready")
                return
            except OSError:
                time.sleep(0.3)
        raise AssertionError("prometheus not ready:\n" + self.output())

    def query(self, expr):
        """The instant vector of expr: [(labels, value)]."""
        answer = json.loads(self.get("/api/v1/query", query=expr))
        assert answer["status"] == "success", answer
        return [(r["metric"], float(r["value"][1])) for r in answer["data"]["result"]]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture
def prometheus(httpd):
    require_tool("prometheus")
    metrics_conf(httpd, "")
    httpd.start()
    p = Prometheus(httpd.root, httpd.http_port)
    yield p
    p.stop()
    shutil.rmtree(p.dir, ignore_errors=True)


def wait_for(p, expr, want, timeout=45):
    deadline = time.time() + timeout
    got = None
    while time.time() < deadline:
        got = p.query(expr)
        if got and got[0][1] == want:
            return got
        time.sleep(0.5)
    raise AssertionError("%s: %r, expected %s\n%s" % (expr, got, want, p.output()[-3000:]))


def test_prometheus_scrapes_and_answers(httpd, prometheus):
    p = prometheus
    p.wait_ready()
    wait_for(p, 'up{job="tlsguard"}', 1)
    provoked = 4
    for _ in range(provoked):
        ok, _ = s_client(httpd.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0")
        assert not ok
    vhost = "localhost:%d" % httpd.port
    got = wait_for(p, 'tlsguard_handshake_failures_total{reason="protocol_version"}', provoked)
    assert len(got) == 1
    labels = got[0][0]
    assert labels["vhost"] == vhost and labels["stage"] == "client_hello", labels
    assert labels["job"] == "tlsguard"
    # what Prometheus stored is what the page says
    page = Scrape(httpd.http_port)
    assert page.sum("tlsguard_handshake_failures_total", reason="protocol_version") == provoked
    # the README's alert rules are loaded and evaluated against these series
    rules = json.loads(p.get("/api/v1/rules"))
    names = {r["name"]: r for g in rules["data"]["groups"] for r in g["rules"]}
    assert {"TLSGuardHandshakeFailures", "TLSGuardEventsDropped"} <= set(names), rules
    assert all(r["health"] in ("ok", "unknown") for r in names.values()), names
    wait_for(p, 'count(sum by (reason) (rate(tlsguard_handshake_failures_total[5m])))',
             len(p.query("sum by (reason) (tlsguard_handshake_failures_total)")))
