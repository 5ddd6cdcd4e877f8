"""The report verdict equals the enforce outcome, with the same reason.

One httpd, six vhosts on six ports: the same profile enforced and reported,
each over an RSA-only, an ECDSA-only and an RSA+ECDSA vhost, all with
SSLProtocol all and SSLCipherSuite ALL:@SECLEVEL=0. Every client
configuration of CLIENTS (openssl s_client, gnutls-cli, curl) and every one
of the 82 reference ClientHellos (tests/data/ja4-reference, replayed raw)
meets each vhost. An enforce vhost's handshake event says what enforcement
did (a refusal at client_hello with its reason, or the handshake went on);
the report vhost's would_reject event (or its absence) says what the judge
concluded. Zero disagreements, and the matrix provokes every reason the
judge gives."""

import csv
import json
import os
import socket
import time

import pytest

from tg_httpd import run, whole_lines

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
REFERENCE = os.path.join(ROOT, "tests", "data", "ja4-reference", "hellos.tsv")
LEGACY = "SSLProtocol all\n    SSLCipherSuite ALL:@SECLEVEL=0\n"
CERTS = {"rsa": (True, False), "ecdsa": (False, True), "both": (True, True)}
JUDGED = {"protocol_version", "no_shared_cipher", "no_shared_group", "no_shared_sigalg",
          "inappropriate_fallback", "malformed_hello", "policy_unresolved"}
L0 = "ALL:@SECLEVEL=0"

# (tool, arguments): every one a distinct client configuration
CLIENTS = [
    ("s_client", ["-tls1_3"]),
    ("s_client", ["-tls1_2"]),
    ("s_client", ["-tls1_1", "-cipher", L0]),
    ("s_client", ["-tls1", "-cipher", L0]),
    ("s_client", ["-tls1_2", "-cipher", "AES128-SHA:AES256-SHA:@SECLEVEL=0"]),
    ("s_client", ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384"]),
    ("s_client", ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"]),
    ("s_client", ["-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384"]),
    ("s_client", ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA256"]),
    ("s_client", ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-CCM:ECDHE-ECDSA-AES256-CCM8"]),
    ("s_client", ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA"]),
    ("s_client", ["-tls1_2", "-cipher", "CAMELLIA128-SHA:@SECLEVEL=0"]),
    ("s_client", ["-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305"]),
    ("s_client", ["-tls1_2", "-groups", "P-521"]),
    ("s_client", ["-tls1_2", "-groups", "X448"]),
    ("s_client", ["-tls1_2", "-groups", "ffdhe2048"]),
    ("s_client", ["-tls1_2", "-sigalgs", "RSA+SHA1:ECDSA+SHA1", "-cipher", "DEFAULT:@SECLEVEL=0"]),
    ("s_client", ["-tls1_2", "-sigalgs", "rsa_pss_rsae_sha256"]),
    ("s_client", ["-tls1_2", "-sigalgs", "ECDSA+SHA256"]),
    ("s_client", ["-tls1_2", "-sigalgs", "RSA+SHA256:RSA+SHA512"]),
    ("s_client", ["-tls1_2", "-sigalgs", "ECDSA+SHA384"]),
    ("s_client", ["-tls1_3", "-groups", "X25519"]),
    ("s_client", ["-tls1_3", "-groups", "P-256"]),
    ("s_client", ["-tls1_3", "-groups", "X448"]),
    # only key share a refused group, an allowed one listed: HelloRetryRequest
    ("s_client", ["-tls1_3", "-groups", "X448:X25519"]),
    ("s_client", ["-tls1_3", "-groups", "P-521:P-384"]),
    ("s_client", ["-tls1_3", "-groups", "ffdhe2048"]),
    ("s_client", ["-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"]),
    ("s_client", ["-tls1_3", "-ciphersuites", "TLS_AES_128_CCM_SHA256"]),
    ("s_client", ["-tls1_3", "-ciphersuites", "TLS_AES_128_CCM_8_SHA256"]),
    ("s_client", ["-tls1_3", "-sigalgs", "ECDSA+SHA256"]),
    ("s_client", ["-tls1_3", "-sigalgs", "ECDSA+SHA384"]),
    ("s_client", ["-tls1_3", "-sigalgs", "rsa_pss_rsae_sha256"]),
    ("s_client", ["-tls1_3", "-sigalgs", "ed25519"]),
    ("s_client", ["-tls1_2", "-fallback_scsv"]),
    ("s_client", ["-tls1_1", "-fallback_scsv", "-cipher", L0]),
    ("s_client-nosni", ["-tls1_3"]),
    ("s_client-nosni", ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"]),
    ("gnutls", "NORMAL"),
    ("gnutls", "NORMAL:-VERS-ALL:+VERS-TLS1.2"),
    ("gnutls", "NORMAL:-VERS-ALL:+VERS-TLS1.0:+VERS-TLS1.1"),
    ("gnutls", "NONE:+VERS-TLS1.2:+3DES-CBC:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL:+CURVE-ALL"),
    ("gnutls", "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+RSA"),
    ("gnutls", "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-FFDHE2048"),
    ("gnutls", "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1"),
    ("gnutls", "NORMAL:-VERS-ALL:+VERS-TLS1.2:-SIGN-ALL:+SIGN-RSA-SHA1:+SIGN-ECDSA-SHA1:%VERIFY_ALLOW_SIGN_WITH_SHA1"),
    ("curl", []),
    ("curl", ["--tlsv1.2", "--tls-max", "1.2"]),
    ("curl", ["--tlsv1.0", "--tls-max", "1.0", "--ciphers", "DEFAULT:@SECLEVEL=0"]),
    ("curl", ["--tlsv1.2", "--tls-max", "1.2", "--ciphers", "ECDHE-RSA-AES128-GCM-SHA256"]),
    ("curl", ["--tlsv1.3", "--curves", "X448"]),
]


def agreement_server(h, profile):
    """Ports: {(mode, certs): port}; every vhost writes every handshake."""
    ports = {}
    text = h.base_conf() + "TLSGuardProfile %s\nTLSGuardEventLog logs/events.json\n" \
                           "TLSGuardEventRate off\nTLSGuardEvents all\n" % profile
    for mode in ("enforce", "report"):
        for certs, (rsa, ec) in CERTS.items():
            port = h.port if not ports else free_port(set(ports.values()))
            ports[(mode, certs)] = port
            text += "Listen 127.0.0.1:%d\n" % port
            text += h.ssl_vhost(LEGACY + "    TLSGuardMode %s\n" % mode, port=port,
                                rsa=rsa, ec=ec)
    h.write(text)
    h.start()
    return ports


def free_port(taken):
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in taken:
            return port


class Log:
    """The handshake events and the would_reject reports of the one log."""

    def __init__(self, h):
        self.path = os.path.join(h.root, "logs", "events.json")

    def events(self):
        lines = whole_lines(self.path)
        handshakes, reports = [], []
        for line in lines:
            e = json.loads(line)
            if e["event"]["action"] != "tls-handshake":
                continue
            (reports if e["tlsguard"].get("verdict") else handshakes).append(e)
        return handshakes, reports

    def wait(self, handshakes, timeout=10):
        """Until `handshakes` handshake events are written; returns both lists."""
        deadline = time.time() + timeout
        while True:
            hs, rs = self.events()
            if len(hs) >= handshakes or time.time() > deadline:
                return hs, rs
            time.sleep(0.02)


def enforce_outcome(e):
    t = e["tlsguard"]
    reason = t.get("reason")
    if reason in JUDGED and t["stage"] == "client_hello":
        return (reason, "client_hello")
    return None  # the handshake went past the hello


def report_outcome(reports):
    assert len(reports) <= 1, reports
    if not reports:
        return None
    t = reports[0]["tlsguard"]
    assert t["mode"] == "report"
    return (t["reason"], t["stage"])


def run_client(tool, args, port):
    if tool.startswith("s_client"):
        cmd = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-brief"]
        if tool == "s_client":
            cmd += ["-servername", "localhost"]
        run(cmd + list(args), timeout=15, input=b"")
    elif tool == "gnutls":
        run(["gnutls-cli", "--port", str(port), "--priority", args, "--insecure",
             "--sni-hostname", "localhost", "127.0.0.1"], timeout=15, input=b"")
    else:
        run(["curl", "-sS", "-k", "--max-time", "10", "-A", "agreement",
             "--resolve", "localhost:%d:127.0.0.1" % port] + list(args)
            + ["https://localhost:%d/" % port], timeout=15)


@pytest.mark.parametrize("profile", ["intermediate", "nist-800-52r2", "modern", "old",
                                     "bsi-tr-02102-2"])
def test_clients_report_what_enforcement_does(httpd, profile):
    assert len(CLIENTS) >= 40
    ports = agreement_server(httpd, profile)
    log = Log(httpd)
    # the harness's connect-and-close on the first port
    handshakes, reports = log.wait(1)
    seen, seen_reports = len(handshakes), len(reports)
    outcomes = {}
    for i, (tool, args) in enumerate(CLIENTS):
        for (mode, certs), port in sorted(ports.items()):
            run_client(tool, args, port)
            hs, rs = log.wait(seen + 1)
            assert len(hs) == seen + 1, "no event for %s %s on %s/%s" % (tool, args, mode, certs)
            # this connection's (a client port is reused in a long run: only
            # the reports written since the last connection count)
            new_reports = [r for r in rs[seen_reports:] if r["destination"]["port"] == port
                           and r["source"]["port"] == hs[-1]["source"]["port"]]
            assert len(new_reports) == len(rs) - seen_reports, rs[seen_reports:]
            seen, seen_reports = len(hs), len(rs)
            if mode == "enforce":
                outcomes[(i, certs, "enforce")] = enforce_outcome(hs[-1])
            else:
                outcomes[(i, certs, "report")] = report_outcome(new_reports)
    disagreements, reasons = compare(outcomes, len(CLIENTS),
                                     lambda i: "%s %s" % CLIENTS[i])
    print("%s: %d clients x 3 vhosts, reasons %s" % (profile, len(CLIENTS), reasons))
    assert disagreements == [], "\n".join(disagreements)
    if profile == "intermediate":
        for reason in ("protocol_version", "no_shared_cipher", "no_shared_group",
                       "no_shared_sigalg", "inappropriate_fallback"):
            assert reasons.get(reason), (reason, reasons)
        assert reasons.get("pass")


def compare(outcomes, n, name):
    disagreements, reasons = [], {}
    for i in range(n):
        for certs in CERTS:
            want = outcomes[(i, certs, "enforce")]
            got = outcomes[(i, certs, "report")]
            key = want[0] if want else "pass"
            reasons[key] = reasons.get(key, 0) + 1
            if want != got:
                disagreements.append("%s on %s: enforce %s, report %s" % (
                    name(i), certs, want, got))
    return disagreements, reasons


def reference_hellos():
    with open(REFERENCE, newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert len(rows) == 82
    return rows


def replay(port, message):
    """Sends the hello in TLS records, waits for the server's first answer,
    closes; returns the local port."""
    recs = b""
    for off in range(0, len(message), 16384):
        chunk = message[off:off + 16384]
        recs += b"\x16\x03\x01" + len(chunk).to_bytes(2, "big") + chunk
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        local = s.getsockname()[1]
        s.sendall(recs)
        try:
            s.recv(65536)
        except (socket.timeout, ConnectionResetError):
            pass
    return local


@pytest.mark.parametrize("profile", ["intermediate", "modern", "old", "nist-800-52r2",
                                     "bsi-tr-02102-2"])
def test_reference_hellos_report_what_enforcement_does(httpd, profile):
    ports = agreement_server(httpd, profile)
    log = Log(httpd)
    handshakes, _ = log.wait(1)
    rows = reference_hellos()
    sent = {}
    for i, row in enumerate(rows):
        message = bytes.fromhex(row["client_hello_hex"])
        for (mode, certs), port in sorted(ports.items()):
            sent[(port, replay(port, message))] = (i, certs, mode)
    hs, rs = log.wait(len(handshakes) + len(sent), timeout=30)
    by_conn = {}
    for e in hs:
        by_conn.setdefault((e["destination"]["port"], e["source"]["port"]), [None, []])[0] = e
    for r in rs:
        by_conn.setdefault((r["destination"]["port"], r["source"]["port"]), [None, []])[1].append(r)
    outcomes = {}
    for conn, (i, certs, mode) in sent.items():
        handshake, reports = by_conn.get(conn, (None, []))
        assert handshake, "no event for reference row %d on %s/%s" % (i + 1, mode, certs)
        outcomes[(i, certs, mode)] = (enforce_outcome(handshake) if mode == "enforce"
                                      else report_outcome(reports))
    disagreements, reasons = compare(
        outcomes, len(rows), lambda i: "reference row %d (%s frame %s)" % (
            i + 1, rows[i]["pcap"], rows[i]["frame"]))
    print("%s: 82 reference hellos x 3 vhosts, reasons %s" % (profile, reasons))
    assert disagreements == [], "\n".join(disagreements)
    assert reasons.get("pass")
    if profile == "modern":
        assert reasons.get("protocol_version")


def built_hellos():
    """Hellos no client library writes, for the judge's malformed and edge
    rows: (name, handshake message)."""
    from tg_hellomut import (EXT_GROUPS, EXT_KEY_SHARE, EXT_POINTS, EXT_SIGALGS,
                             EXT_VERSIONS, CIPHERS, default_extensions, hello, u8, u16, u16s)

    def without(exts, kind):
        return [(t, b) for t, b in exts if t != kind]

    def replace(exts, kind, body):
        return [(t, body if t == kind else b) for t, b in exts]

    def patched(message, offset, value):
        return message[:offset] + bytes([value]) + message[offset + 1:]

    tls13 = default_extensions(b"localhost")
    tls12 = default_extensions(b"localhost", tls13=False)
    compression = 4 + 2 + 32 + 33 + 2 + 2 * len(CIPHERS) + 1
    return [
        ("tls1.3 baseline", hello(tls13)),
        ("tls1.3 without signature_algorithms", hello(without(tls13, EXT_SIGALGS))),
        ("tls1.3 key_share without supported_groups", hello(without(tls13, EXT_GROUPS))),
        ("tls1.3 without key_share", hello(without(tls13, EXT_KEY_SHARE))),
        ("tls1.3 share of an unlisted group",
         hello(replace(tls13, EXT_GROUPS, u16(u16s((0x0017,)))))),
        ("tls1.3 sha-1 signature algorithms only",
         hello(replace(tls13, EXT_SIGALGS, u16(u16s((0x0201, 0x0203)))))),
        ("tls1.3 supported_versions under SSL 3.0", patched(hello(tls13), 5, 0x00)),
        ("tls1.2 baseline", hello(tls12)),
        ("tls1.2 fallback scsv", hello(tls12, ciphers=CIPHERS + (0x5600,))),
        ("tls1.2 without null compression", patched(hello(tls12), compression, 1)),
        ("tls1.2 without supported_groups", hello(without(tls12, EXT_GROUPS))),
        ("tls1.2 no versions extension, tls1.3 suites only",
         hello(without(tls13, EXT_VERSIONS), ciphers=(0x1301, 0x1302))),
        # an RSA key takes the RSA cipher whatever the signature algorithms,
        # then has none to sign with: no_shared_sigalg, not no_shared_cipher
        ("tls1.2 without signature_algorithms", hello(without(tls12, EXT_SIGALGS))),
        ("tls1.2 rsa_pss_pss signature algorithm only",
         hello(replace(tls12, EXT_SIGALGS, u16(u16s((0x0809,)))))),
        ("tls1.2 ed25519 signature algorithm only",
         hello(replace(tls12, EXT_SIGALGS, u16(u16s((0x0807,)))))),
        # empty lists OpenSSL refuses to decode
        ("tls1.2 empty signature_algorithms", hello(replace(tls12, EXT_SIGALGS, u16(b"")))),
        ("tls1.2 empty supported_groups", hello(replace(tls12, EXT_GROUPS, u16(b"")))),
        ("tls1.2 empty ec_point_formats", hello(replace(tls12, EXT_POINTS, u8(b"")))),
        ("tls1.3 empty signature_algorithms", hello(replace(tls13, EXT_SIGALGS, u16(b"")))),
        ("tls1.3 empty key_share", hello(replace(tls13, EXT_KEY_SHARE, u16(b"")))),
        ("supported_versions of unknown versions only",
         hello(replace(tls13, EXT_VERSIONS, u8(u16s((0x0305, 0x7f1c)))))),
        # signature_algorithms_cert: the test CA signs with ECDSA-SHA256
        ("tls1.3 signature_algorithms_cert rsa only",
         hello(tls13 + [(50, u16(u16s((0x0401, 0x0804))))])),
        ("tls1.3 signature_algorithms_cert of the CA",
         hello(tls13 + [(50, u16(u16s((0x0403,))))])),
        ("tls1.2 signature_algorithms_cert rsa only",
         hello(tls12 + [(50, u16(u16s((0x0401,))))])),
        ("tls1.2 empty signature_algorithms_cert", hello(tls12 + [(50, u16(b""))])),
        # pre_shared_key must come last, and with psk_key_exchange_modes
        ("pre_shared_key not last", hello([(41, u16(u16(b"A") + b"\0\0\0\0") + u16(u8(bytes(32))))] + tls13)),
        ("pre_shared_key not last, tls1.2", hello([(41, u16(u16(b"A") + b"\0\0\0\0") + u16(u8(bytes(32))))] + tls12)),
        ("pre_shared_key without psk_key_exchange_modes",
         hello([(t, b) for t, b in tls13 if t != 45] + [(41, u16(u16(b"A") + b"\0\0\0\0") + u16(u8(bytes(32))))])),
        ("supported_versions tls1.2 only, fallback scsv",
         hello(replace(tls13, EXT_VERSIONS, u8(u16s((0x0303,)))), ciphers=CIPHERS + (0x5600,))),
    ]


@pytest.mark.parametrize("profile", ["intermediate", "modern", "old"])
def test_built_hellos_report_what_enforcement_does(httpd, profile):
    ports = agreement_server(httpd, profile)
    log = Log(httpd)
    handshakes, _ = log.wait(1)
    rows = built_hellos()
    sent = {}
    for i, (_, message) in enumerate(rows):
        for (mode, certs), port in sorted(ports.items()):
            sent[(port, replay(port, message))] = (i, certs, mode)
    hs, rs = log.wait(len(handshakes) + len(sent), timeout=30)
    by_conn = {}
    for e in hs:
        by_conn.setdefault((e["destination"]["port"], e["source"]["port"]), [None, []])[0] = e
    for r in rs:
        by_conn.setdefault((r["destination"]["port"], r["source"]["port"]), [None, []])[1].append(r)
    outcomes = {}
    for conn, (i, certs, mode) in sent.items():
        handshake, reports = by_conn.get(conn, (None, []))
        assert handshake, "no event for %s on %s/%s" % (rows[i][0], mode, certs)
        outcomes[(i, certs, mode)] = (enforce_outcome(handshake) if mode == "enforce"
                                      else report_outcome(reports))
    disagreements, reasons = compare(outcomes, len(rows), lambda i: rows[i][0])
    print("%s: %d built hellos x 3 vhosts, reasons %s" % (profile, len(rows), reasons))
    assert disagreements == [], "\n".join(disagreements)
    if profile == "intermediate":
        for reason in ("malformed_hello", "no_shared_group", "no_shared_sigalg",
                       "inappropriate_fallback", "protocol_version", "no_shared_cipher"):
            assert reasons.get(reason), (reason, reasons)
