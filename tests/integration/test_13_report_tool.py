"""tools/tlsguard-report on a log this test produces: every count is what
the test provoked, read from the file, from standard input and gzip'ed;
the HTML page is well-formed (parsed as XML) and shows the same numbers."""

import gzip
import json
import os
import shutil
import socket
import subprocess
import time
import xml.etree.ElementTree as ET

from tg_httpd import curl, s_client, whole_lines

TOOL = os.path.join(os.path.dirname(__file__), "..", "..", "tools", "tlsguard-report")
LEGACY = "SSLProtocol all\nSSLCipherSuite ALL:@SECLEVEL=0\n"


def tool(*args, stdin=None):
    proc = subprocess.run(["/usr/bin/python3", TOOL, *args], input=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.decode("utf-8")


def wait_lines(path, n, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        lines = [l for l in whole_lines(path)
                 if json.loads(l)["event"]["action"] == "tls-handshake"]
        if len(lines) >= n:
            return lines
        time.sleep(0.05)
    raise AssertionError("%d of %d events" % (len(lines), n))


def produce(h, certs):
    h.write(h.base_conf() + "Listen 127.0.0.1:%d\n" % h.port
            + "TLSGuardProfile intermediate\nTLSGuardMode report\n"
            + "TLSGuardEventLog logs/events.json\n" + h.ssl_vhost(LEGACY))
    h.start()  # its connect-and-close: one empty_connection failure
    for i in range(3):
        rc, out = curl(h.port, "/", "--tlsv1.0", "--tls-max", "1.0", "--ciphers",
                       "DEFAULT:@SECLEVEL=0", "-A", "old-app/1.%d" % (i % 2), cacert=certs.ca)
        assert rc == 0, out
    for _ in range(2):
        ok, out = s_client(h.port, "-tls1_2", "-cipher", "AES128-SHA:@SECLEVEL=0",
                           sni="weak.example")
        assert ok, out
    ok, out = s_client(h.port, "-tls1_3", "-groups", "X448", sni=None)
    assert ok, out
    rc, out = curl(h.port, "/", "-A", "modern", cacert=certs.ca)  # nothing to report
    assert rc == 0, out
    with socket.create_connection(("127.0.0.1", h.port)) as s:  # not_tls failure
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        s.recv(4096)
    return wait_lines(os.path.join(h.root, "logs", "events.json"), 8)


EXPECTED = {
    ("would_reject", "intermediate", "protocol_version", "client_hello"): 3,
    ("would_reject", "intermediate", "no_shared_cipher", "client_hello"): 2,
    ("would_reject", "intermediate", "no_shared_group", "client_hello"): 1,
    ("failure", "intermediate", "empty_connection", "client_hello"): 1,
    ("failure", "intermediate", "not_tls", "client_hello"): 1,
}


def check_json(summary):
    rows = {(r["kind"], r["policy"], r["reason"], r["stage"]): r for r in summary["rows"]}
    assert {k: r["count"] for k, r in rows.items()} == EXPECTED
    t = summary["totals"]
    assert t["would_reject"] == 6 and t["failures"] == 2
    assert t["handshakes"] == 2  # handshake events: failures only (TLSGuardEvents failures)
    assert t["would_reject_clients_ip"] == 1
    assert t["would_reject_clients_ja4"] == 3  # curl TLS 1.0, s_client weak, s_client X448
    old = rows[("would_reject", "intermediate", "protocol_version", "client_hello")]
    assert old["clients_ja4"] == 1
    assert sorted(old["top_user_agents"]) == [["old-app/1.0", 2], ["old-app/1.1", 1]]
    assert old["top_server_names"] == [["localhost", 3]]
    weak = rows[("would_reject", "intermediate", "no_shared_cipher", "client_hello")]
    assert weak["top_user_agents"] == [["(no request)", 2]]
    assert weak["top_server_names"] == [["weak.example", 2]]
    group = rows[("would_reject", "intermediate", "no_shared_group", "client_hello")]
    assert group["top_server_names"] == [["(no SNI)", 1]]
    assert old["first_seen"] <= old["last_seen"]
    assert t["first_seen"] <= old["first_seen"] and old["last_seen"] <= t["last_seen"]


def test_report_tool_counts_what_was_provoked(httpd, certs, tmp_path):
    produce(httpd, certs)
    log = os.path.join(httpd.root, "logs", "events.json")
    summary = json.loads(tool("--json", log))
    check_json(summary)
    # standard input, and a rotated gzip'ed file split in two
    with open(log, "rb") as f:
        data = f.read()
    assert json.loads(tool("--json", stdin=data)) == summary
    half = data.index(b"\n", len(data) // 2) + 1
    gz = tmp_path / "events.json.1.gz"
    with gzip.open(gz, "wb") as f:
        f.write(data[:half])
    rest = tmp_path / "events.json"
    rest.write_bytes(data[half:])
    assert json.loads(tool("--json", str(gz), str(rest))) == summary
    # the terminal table
    text = tool(log)
    assert "6 would_reject, 2 failures" in text
    assert "old-app/1.0 (2)" in text
    # the HTML page: well-formed, self-contained, the same numbers
    page = tmp_path / "report.html"
    tool("--html", str(page), log)
    body = page.read_text()
    assert "<script" not in body and "http://" not in body.replace(
        "http://www.w3.org/", "")
    root = ET.fromstring(body.replace("<!DOCTYPE html>", "", 1))
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    cells = {td.get("data-key"): td.text for td in root.iter("{%s}td" % ns["h"])
             if td.get("data-key")}
    assert cells["would_reject"] == "6" and cells["failures"] == "2"
    assert cells["handshakes"] == str(summary["totals"]["handshakes"])
    rows = root.find(".//h:table[@id='rows']/h:tbody", ns)
    got = {}
    for tr in rows:
        tds = [td.text for td in tr]
        got[tuple(tds[:4])] = int(tds[4])
    assert got == EXPECTED
    bars = [int(r.get("data-count")) for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert sorted(bars) == sorted(EXPECTED.values())


def test_report_tool_help_and_bad_input(tmp_path):
    assert "usage: tlsguard-report" in tool("--help")
    proc = subprocess.run(["/usr/bin/python3", TOOL, str(tmp_path / "missing")],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert proc.returncode == 2 and b"missing" in proc.stderr
    junk = tmp_path / "junk"
    junk.write_text("not json\n{\"event\": {\"action\": \"tls-config-audit\"}}\n"
                    # a summary with broken counts: skipped, or only its sane ones taken
                    "{\"event\": {\"action\": \"events-suppressed\"}, \"tlsguard\": "
                    "{\"suppressed\": {\"reasons\": \"many\"}}}\n"
                    "{\"event\": {\"action\": \"events-suppressed\"}, \"tlsguard\": "
                    "{\"suppressed\": {\"reasons\": {\"a\": -5, \"b\": \"7\", "
                    "\"protocol_version\": 2}}}}\n")
    summary = json.loads(tool("--json", str(junk)))
    assert summary["totals"]["suppressed_by_reason"] == {"protocol_version": 2}
    assert summary["totals"]["unreadable_lines"] == 2
    assert summary["totals"]["other_events"] == 1
    assert summary["rows"] == []


def test_report_tool_counts_what_the_rate_limit_left_out(httpd, monkeypatch):
    """Under TLSGuardEventRate the rows are lower bounds: the tool adds up the
    events-suppressed summaries, and written + suppressed is every report."""
    monkeypatch.setenv("TLSGUARD_SUPPRESSED_INTERVAL", "1")
    h = httpd
    h.write(h.base_conf() + "Listen 127.0.0.1:%d\n" % h.port
            + "TLSGuardProfile intermediate\nTLSGuardMode report\n"
            + "TLSGuardEventLog logs/events.json\nTLSGuardEventRate 1/h burst 1\n"
            + h.ssl_vhost(LEGACY))
    h.start()  # its connect-and-close: one empty_connection failure, perhaps the token
    for _ in range(4):
        ok, out = s_client(h.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0")
        assert ok, out
    path = os.path.join(h.root, "logs", "events.json")
    deadline = time.time() + 10
    summary = None
    while time.time() < deadline:
        summary = json.loads(tool("--json", path))["totals"]
        if summary["would_reject"] + summary["failures"] + summary["suppressed"] == 5:
            break
        time.sleep(0.2)
    assert summary["would_reject"] + summary["failures"] + summary["suppressed"] == 5, summary
    assert summary["suppressed"] >= 3, summary
    assert set(summary["suppressed_by_reason"]) <= {"protocol_version", "empty_connection"}
    assert "left out by TLSGuardEventRate" in tool(path)


def test_report_tool_survives_hostile_lines(tmp_path):
    """Lines of the wrong shape are skipped or read for what is sane, one at a
    time: wrong types, lone surrogates, a nesting too deep to decode, a line
    longer than any event; none stops the report, and wire text reaches the
    terminal and the page escaped."""
    good = {"@timestamp": "2026-12-01T10:00:00Z",
            "event": {"action": "tls-handshake", "outcome": "failure"},
            "source": {"ip": "192.0.2.9"},
            "user_agent": {"original": "<script>alert(1)</script>\x1b[31m"},
            "tls": {"client": {"server_name": "a.test"}},
            "tlsguard": {"reason": "protocol_version", "stage": "client_hello",
                         "policy": "intermediate", "client": {"ja4": "t10d"}}}

    def shaped(**over):
        e = json.loads(json.dumps(good))
        for path, value in over.items():
            d = e
            keys = path.split("__")
            for k in keys[:-1]:
                d = d[k]
            d[keys[-1]] = value
        return json.dumps(e)

    hostile = [
        shaped(tlsguard="x"),
        shaped(tlsguard__reason=["a"]),
        shaped(tlsguard__client={"ja4": ["a"]}),
        shaped(tlsguard__client="x"),
        shaped(user_agent={"original": 5}),
        shaped(user_agent={"original": ["x"]}),
        shaped(source=[1]),
        shaped(tls={"client": 7}),
        shaped(**{"@timestamp": 5}),
        shaped(user_agent={"original": "\ud800<b>"}),
        shaped(tlsguard__policy="\ud800\x1b[2J"),
        '{"a":' + "[" * 200000,
        '{"event": {"action": "tls-handshake"}, "pad": "' + "x" * (3 << 20) + '"}',
        "not json at all",
    ]
    log = tmp_path / "hostile.json"
    log.write_text("\n".join(hostile + [json.dumps(good)]) + "\n", encoding="utf-8",
                   errors="surrogatepass")
    summary = json.loads(tool("--json", str(log)))
    t = summary["totals"]
    # every shaped line is a failure event; the last four lines are not events
    assert t["failures"] == 12, t
    assert t["unreadable_lines"] == 3, t
    text = tool(str(log))
    assert "\x1b" not in text and "\\x1b" in text
    page = tmp_path / "hostile.html"
    tool("--html", str(page), str(log))
    body = page.read_text(encoding="utf-8")
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert "\x1b" not in body
    ET.fromstring(body)
