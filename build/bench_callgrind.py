"""Instructions per connection of `httpd -X` under callgrind with mpm_prefork
(deterministic: one process, no listener thread). One httpd life per
instance runs every scenario; `--dump-before=ap_process_connection` writes one
profile per connection, so each profile holds exactly one connection (its
processing, lingering close and the next accept). The first connection of
each scenario is a warm-up and is left out."""

import glob
import json
import os
import re
import socket
import subprocess
import time

from tg_httpd import APACHE, run
import tls10_flood

DUMP_FN = "ap_process_connection"
REQUEST = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"

# (key, title, s_client arguments, success expected, peer signature expected)
SCENARIOS = [
    ("tls13_ecdsa", "TLS 1.3, ECDSA certificate", ["-tls1_3", "-sigalgs", "ecdsa_secp256r1_sha256"], True, "ECDSA"),
    ("tls13_rsa", "TLS 1.3, RSA certificate", ["-tls1_3", "-sigalgs", "rsa_pss_rsae_sha256"], True, "RSA-PSS"),
    ("tls12_ecdsa", "TLS 1.2, ECDSA certificate", ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"], True, "ECDSA"),
    ("tls12_rsa", "TLS 1.2, RSA certificate", ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"], True, "RSA-PSS"),
    ("tls10_9", "TLS 1.0 hello, 9 suites, rejected", ["-tls1"], False, None),
    # s_client offers at most 23 suites in a TLS 1.0 hello (the others need
    # TLS 1.2), so the 80-suite hello is tests/bench/tls10_flood.py's.
    ("tls10_80", "TLS 1.0 hello, 80 suites, rejected", "tls10_flood:80", False, None),
]
SUCCESS = [s[0] for s in SCENARIOS if s[3]]
REJECTED = [s[0] for s in SCENARIOS if not s[3]]


def command(outfile):
    return ["valgrind", "--tool=callgrind", "--dump-before=" + DUMP_FN,
            "--callgrind-out-file=" + outfile, APACHE, "-X", "-f"]


def connect_once(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass


def client(port, args, expect_ok, peer_sig):
    """One connection with openssl s_client; a request on a success."""
    if args == "tls10_flood:80":
        if tls10_flood.one(port, tls10_flood.client_hello(80, random=bytes(32)), 60) != "rejected":
            raise RuntimeError("the 80-suite TLS 1.0 hello was not answered by an alert")
        return
    cmd = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-servername",
           "localhost", "-brief", "-ign_eof"] + args
    rc, out = run(cmd, timeout=120, input=REQUEST if expect_ok else b"")
    ok = "CONNECTION ESTABLISHED" in out
    if ok != expect_ok:
        raise RuntimeError("s_client %s: handshake %s, expected %s:\n%s"
                           % (" ".join(args), ok, expect_ok, out))
    if expect_ok:
        if "200 OK" not in out or "Strict-Transport-Security" not in out:
            raise RuntimeError("s_client %s: no 200 with HSTS:\n%s" % (" ".join(args), out))
        m = re.search(r"^Signature type: (\S+)", out, re.M)
        if not m or m.group(1) != peer_sig:
            raise RuntimeError("s_client %s: peer signature %s, expected %s"
                               % (" ".join(args), m and m.group(1), peer_sig))


def life(h, n, deadline):
    """One httpd -X life under callgrind: every scenario, n + 1 connections
    each. Returns {scenario: [dump file per measured connection]}."""
    out = dump_path(h.root)
    proc = subprocess.Popen(command(out) + [h.conf_path], env=h.env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return collect(h, proc, out, SCENARIOS, n, deadline, "callgrind")


def dump_path(root):
    """The callgrind output path under root, its directory made and emptied."""
    outdir = os.path.join(root, "callgrind")
    os.makedirs(outdir, exist_ok=True)
    os.chmod(outdir, 0o777)  # httpd writes the dumps after dropping root
    out = os.path.join(outdir, "out")
    for old in glob.glob(out + "*"):
        os.unlink(old)
    return out


def collect(server, proc, out, scenarios, n, deadline, label):
    """Drive one life of `server` (running as proc under callgrind with
    --dump-before on each connection, dumps to out.N): every scenario, n + 1
    connections each, the first a warm-up. Returns {scenario: [dump file per
    measured connection]}."""
    dumps = {}
    try:
        server.wait_listening(timeout=120)  # one connection: dump 2
        index = 3  # dump k + 1 is written when connection k + 1 starts
        for key, _, args, ok, sig in scenarios:
            files = []
            for i in range(n + 1):
                if time.monotonic() > deadline:
                    raise RuntimeError("%s: time limit reached" % label)
                client(server.port, args, ok, sig)
                if i > 0:
                    files.append("%s.%d" % (out, index))
                index += 1
            dumps[key] = files
        connect_once(server.port)  # starts the dump of the last connection
        last = "%s.%d" % (out, index - 1)
        limit = time.monotonic() + 60
        while not os.path.exists(last) and time.monotonic() < limit:
            time.sleep(0.1)
        time.sleep(1.0)
    finally:
        proc.terminate()
        proc.wait(timeout=120)
    for files in dumps.values():
        for f in files:
            if not os.path.exists(f):
                raise RuntimeError("missing callgrind dump " + f)
    return dumps


# ---- reading callgrind profiles ---------------------------------------------

# The filter chain below a filter: inclusive of the module, but not its work.
CHAIN = ("ap_pass_brigade", "ap_get_brigade")


def parse(path, module):
    """(total Ir, Ir inside the module inclusive of what it calls, the same
    without the filter chain below its filters, {module function: inclusive
    Ir}). The module's inclusive cost is the sum of the calls that enter it
    from outside."""
    names = {"ob": {}, "fn": {}}
    total = 0
    entered = 0
    chain = 0
    incl = {}
    ob = cob = fn = cfn = None
    pending_call = False

    def name(kind, value):
        m = re.match(r"\((\d+)\)(?: (.*))?$", value)
        if not m:
            return value
        if m.group(2) is not None:
            names[kind][m.group(1)] = m.group(2)
        return names[kind].get(m.group(1), m.group(1))

    with open(path) as f:
        for line in f:
            if line[0].isdigit() or line[0] in "+-*":
                cost = int(line.split()[1]) if len(line.split()) > 1 else 0
                if pending_call:
                    pending_call = False
                    caller_in = ob == module
                    callee_in = (cob or ob) == module
                    if callee_in and not caller_in:
                        entered += cost
                    if caller_in:
                        incl[fn] = incl.get(fn, 0) + cost
                        if not callee_in and cfn and cfn.split("'")[0] in CHAIN:
                            chain += cost
                    cob = None
                elif ob == module:
                    incl[fn] = incl.get(fn, 0) + cost
                continue
            key, _, value = line.rstrip("\n").partition("=")
            if key == "ob":
                ob = name("ob", value)
            elif key == "cob":
                cob = name("ob", value)
            elif key == "fn":
                fn = name("fn", value)
                cob = None
            elif key == "cfn":
                cfn = name("fn", value)
            elif key == "calls":
                pending_call = True
            elif line.startswith("summary:") or line.startswith("totals:"):
                total = int(line.split()[1])
    return total, entered, entered - chain, incl


def measure(h, n, module, deadline):
    """{scenario: {"per_conn": mean Ir, "min", "max", "module": mean Ir in the
    module, "profile": a representative dump}}."""
    dumps = life(h, n, deadline)
    result = {}
    for key, files in dumps.items():
        parsed = [parse(f, module) for f in files]
        totals = [p[0] for p in parsed]
        inside = [p[1] for p in parsed]
        own = [p[2] for p in parsed]
        mid = sorted(range(len(files)), key=lambda i: totals[i])[len(files) // 2]
        result[key] = {"per_conn": sum(totals) / len(totals), "min": min(totals),
                       "max": max(totals), "module": sum(inside) / len(inside),
                       "own": sum(own) / len(own),
                       "profile": files[mid], "functions": parsed[mid][3]}
    return result


def annotate_module(profile, module, top=12):
    """Top inclusive functions of the module in one profile, as
    callgrind_annotate --inclusive=yes prints them."""
    rc, out = run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", profile],
                  timeout=120)
    lines = [l.rstrip() for l in out.splitlines() if os.path.basename(module) in l]
    return lines[:top]


def handshake_lines(event_log):
    """Handshake event lines in an event log (0 if none)."""
    try:
        with open(event_log) as f:
            return sum(1 for line in f if json.loads(line)["event"]["action"] == "tls-handshake")
    except OSError:
        return 0


def suites_offered(event_log):
    """Cipher-suite counts of the TLS 1.0 hellos in the event log, from their
    JA4 (characters 5-6 of "t10d0912...")."""
    counts = []
    try:
        with open(event_log) as f:
            for line in f:
                ja4 = json.loads(line).get("tls", {}).get("client", {}).get("ja4", "")
                if ja4.startswith("t10"):
                    counts.append(int(ja4[4:6]))
    except OSError:
        pass
    return sorted(set(counts))
