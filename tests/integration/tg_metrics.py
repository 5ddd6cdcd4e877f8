"""Reading mod_tlsguard's Prometheus page: a scrape over plain HTTP (so the
scrape adds no handshake of its own) and a small parser of the text format."""

import re
import time
import urllib.request

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')

METRICS_LOCATION = """<Location "/tlsguard-metrics">
    SetHandler tlsguard-metrics
    Require ip 127.0.0.1
</Location>
<Location "/tlsguard-metrics-elsewhere">
    SetHandler tlsguard-metrics
    Require ip 192.0.2.1
</Location>
"""


def plain_vhost(h):
    """A plain-HTTP vhost on h.http_port serving the metrics page."""
    return ("Listen 127.0.0.1:%d\n<VirtualHost 127.0.0.1:%d>\n    ServerName localhost\n%s"
            "</VirtualHost>\n" % (h.http_port, h.http_port, METRICS_LOCATION))


def fetch(port, path="/tlsguard-metrics", timeout=10):
    """(status, content type, body) of a GET over plain HTTP."""
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path))
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode("utf-8", "replace")


def parse(text):
    """{(name, frozenset of (label, value)): float}, and {name: type}."""
    samples, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
            continue
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, "not a sample line: %r" % line
        labels = frozenset(LABEL.findall(m.group(2) or ""))
        key = (m.group(1), labels)
        assert key not in samples, "duplicate series %r" % line
        samples[key] = float(m.group(3))
    return samples, types


class Scrape:
    def __init__(self, port):
        self.port = port
        status, ctype, body = fetch(port)
        assert status == 200, (status, body)
        assert ctype.startswith("text/plain; version=0.0.4"), ctype
        self.text = body
        self.samples, self.types = parse(body)

    def sum(self, name, **labels):
        """Sum of the series of name whose labels include labels."""
        want = set(labels.items())
        return sum(v for (n, l), v in self.samples.items() if n == name and want <= set(l))

    def series(self, name):
        return [dict(l) for (n, l) in self.samples if n == name]


def wait_scrape(h, done, timeout=10):
    """Scrape until done(scrape), or the timeout: a client is done before the
    server has finished its side of the connection (the close is counted last)."""
    deadline = time.time() + timeout
    while True:
        s = Scrape(h.http_port)
        if done(s) or time.time() > deadline:
            return s
        time.sleep(0.1)


def scrape_after_start(h, timeout=10):
    """The first scrape of a freshly started httpd, taken once the harness's own
    connect-and-close (its wait for the port) is counted and its event line, which
    follows the count, written: two scrapes 0.2 s apart that agree. Before that, a
    later scrape would find an empty_connection failure, or a line, no test provoked."""
    deadline = time.time() + timeout
    last = None
    while True:
        s = Scrape(h.http_port)
        counted = s.sum("tlsguard_handshake_failures_total", reason="empty_connection") >= 1
        if counted and last is not None and s.samples == last.samples:
            return s
        assert time.time() < deadline, "the harness's connection never settled\n" + s.text
        last = s if counted else None
        time.sleep(0.2)
