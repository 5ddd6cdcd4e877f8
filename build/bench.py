"""Benchmark of mod_tlsguard against plain mod_ssl (A) with the same effective
TLS settings and HSTS from mod_headers; B is mod_ssl + mod_tlsguard writing
events. Prints PASS/FAIL against the targets of the performance budget and
writes bench/results.md.

  TG_MODULE=$PWD/mod_tlsguard.so python3 build/bench.py [--quick] [options]

Sections: callgrind (instructions per connection, httpd -X, mpm_prefork: the
primary figure), throughput (h2load and a TLS 1.0 flood, event MPM, ABBA
pairs), memory (child VmRSS over many connections), core (the core's work per
captured hello), crypto (openssl speed), nginx (instructions per connection of
nginx with ngx_http_tlsguard_module against plain nginx). Every loop is bounded in count and
time; every server listens on 127.0.0.1.
"""

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
sys.path.insert(0, os.path.join(TOP, "tests", "bench"))

from tg_httpd import APACHE, MODULE, Certs, Httpd, run  # noqa: E402
import bench_callgrind as cg  # noqa: E402
import bench_core  # noqa: E402
import bench_load  # noqa: E402
import bench_nginx  # noqa: E402

SECTIONS = ("callgrind", "throughput", "memory", "core", "crypto", "nginx")

TARGET_SUCCESS = 1.01
TARGET_REJECTED = 1.10
TARGET_SUPPRESSED = 1.02  # a failure TLSGuardEventRate keeps out of the log, vs B0's bare rejection
TARGET_CORE_IR = 15000
TARGET_RSS_KIB = 1024  # per child per 100,000 connections


def options(argv):
    ap = argparse.ArgumentParser(description="mod_tlsguard benchmark (see build/bench.py)")
    ap.add_argument("--quick", action="store_true",
                    help="a short run for development: few connections and pairs")
    ap.add_argument("--only", default=",".join(SECTIONS),
                    help="comma-separated sections, of: " + ",".join(SECTIONS))
    ap.add_argument("--connections", type=int, help="callgrind: measured connections per scenario (20)")
    ap.add_argument("--pairs", type=int, help="throughput: ABBA pairs (20)")
    ap.add_argument("--seconds", type=int, help="throughput: seconds per keep-alive and flood run (3)")
    ap.add_argument("--handshakes", type=int, help="throughput: full handshakes per run (6000)")
    ap.add_argument("--rss-connections", type=int, help="memory: connections (100000)")
    ap.add_argument("--rss-seconds", type=float, help="memory: time bound of the run (240)")
    ap.add_argument("--iterations", type=int, help="core: iterations per hello for ns (50000)")
    ap.add_argument("--time-limit", type=float, default=1800,
                    help="seconds for the whole run; sections past it stop early (1800)")
    ap.add_argument("--output", default=os.path.join(TOP, "bench", "results.md"))
    p = ap.parse_args(argv)
    defaults = {"connections": (20, 3), "pairs": (20, 2), "seconds": (3, 1),
                "handshakes": (6000, 1000), "rss_connections": (100000, 10000),
                "rss_seconds": (240.0, 60.0), "iterations": (50000, 5000)}
    for k, (full, quick) in defaults.items():
        if getattr(p, k) is None:
            setattr(p, k, quick if p.quick else full)
    p.clients = 8
    p.flood_procs = 4
    p.rss_good = 0.25
    p.sections = [s for s in p.only.split(",") if s]
    for s in p.sections:
        if s not in SECTIONS:
            ap.error("unknown section " + s)
    return p


# ---- the instances -----------------------------------------------------------

def effective_settings(root, certs):
    """Start the module once and read its start-up lines: the effective TLS
    settings of the intermediate profile and the HSTS value it sends."""
    h = Httpd(os.path.join(root, "probe"), certs)
    h.write(h.base_conf() + "LogLevel warn tlsguard:notice\nListen 127.0.0.1:%d\n" % h.port
            + "TLSGuardProfile intermediate\n" + h.ssl_vhost("TLSGuardHSTS On"))
    h.start()
    h.stop()
    log = h.log()
    line = next((l for l in log.splitlines() if "TLSGUARD-001" in l and "<VirtualHost>" in l), "")
    hsts = re.search(r'TLSGUARD-020: <VirtualHost>.*?: HSTS "([^"]+)"', log)

    def get(pattern):
        m = re.search(pattern, line)
        if not m:
            raise RuntimeError("no %r in the start-up line:\n%s" % (pattern, line or log))
        return m

    versions = get(r"\]: (TLSv1\.\d)(?:-(TLSv1\.\d))?;")
    lo, hi = versions.group(1), versions.group(2) or versions.group(1)
    all_versions = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
    names = all_versions[all_versions.index(lo if lo != "TLSv1.0" else "TLSv1"):
                         all_versions.index(hi) + 1]
    if not hsts:
        raise RuntimeError("no HSTS line at start-up:\n" + log)
    return {"line": line.split("]: ", 1)[-1] if "]: " in line else line,
            "protocol": "-all " + " ".join("+" + v for v in names),
            "ciphers12": get(r"TLS 1\.2 ciphers (\S+);").group(1),
            "suites13": get(r"TLS 1\.3 suites (\S+);").group(1),
            "groups": get(r"; groups (\S+);").group(1),
            "server_order": get(r"server cipher order (on|off)").group(1),
            "seclevel": get(r"security level (\d+)").group(1),
            "tickets": get(r"session tickets (on|off)").group(1),
            "hsts": hsts.group(1)}


def plain_vhost(eff):
    return "\n".join("    " + l for l in (
        "SSLProtocol " + eff["protocol"],
        "SSLCipherSuite %s:@SECLEVEL=%s" % (eff["ciphers12"], eff["seclevel"]),
        "SSLCipherSuite TLSv1.3 " + eff["suites13"],
        "SSLOpenSSLConfCmd Groups " + eff["groups"],
        "SSLHonorCipherOrder " + eff["server_order"],
        "SSLSessionTickets " + eff["tickets"],
        'Header always set Strict-Transport-Security "%s"' % eff["hsts"]))


def instance(kind, root, certs, eff, mpm, server_lines="", cache=True, rsa=True, use=""):
    """A: plain mod_ssl; B: + mod_tlsguard with events; B0: without events;
    BS: with events, every failure but the first suppressed (TLSGuardEventRate)."""
    h = Httpd(os.path.join(root, "-".join(x for x in (kind, mpm, use) if x)), certs, mpm=mpm)
    base = h.base_conf(h.modules(with_tlsguard=kind != "A"))
    if not cache:  # h2load resumes sessions: every handshake is to be a full one
        base = re.sub(r"SSLSessionCache \S+", "SSLSessionCache none", base)
    conf = base + server_lines + "Listen 127.0.0.1:%d\n" % h.port
    if kind == "A":
        conf += h.ssl_vhost(plain_vhost(eff), rsa=rsa)
    else:
        conf += "TLSGuardProfile intermediate\n"
        if kind in ("B", "BS"):
            conf += "TLSGuardEventLog logs/events.json\n"
        if kind == "BS":  # the harness's first connection takes the only token
            conf += "TLSGuardEventRate 1/h burst 1\n"
        conf += h.ssl_vhost("    TLSGuardHSTS On", rsa=rsa)
    h.write(conf)
    return h


# ---- report ------------------------------------------------------------------

def first_line(cmd):
    try:
        rc, out = run(cmd, timeout=30)
        return out.strip().splitlines()[0] if out.strip() else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    rc, commit = run(["git", "-C", TOP, "rev-parse", "--short", "HEAD"])
    rc2, dirty = run(["git", "-C", TOP, "status", "--porcelain", "--untracked-files=no"])
    apache = first_line([APACHE, "-v"])
    return {"nproc": os.cpu_count(), "cpu": model, "kernel": platform.release(),
            "apache": apache.replace("Server version: ", ""),
            "openssl": first_line(["openssl", "version"]),
            "gcc": first_line(["gcc", "--version"]),
            "valgrind": first_line(["valgrind", "--version"]),
            "h2load": first_line(["h2load", "--version"]),
            "commit": commit.strip() + (" (with uncommitted changes)" if dirty.strip() else "")}


def fmt(x, digits=0):
    return ("{:,.%df}" % digits).format(x)


class Report:
    def __init__(self):
        self.lines = []
        self.verdicts = []

    def add(self, text=""):
        self.lines.append(text)

    def verdict(self, ok, what):
        word = "PASS" if ok else "FAIL"
        self.verdicts.append("%s %s" % (word, what))
        print("%s %s" % (word, what), flush=True)
        return ok


def section_callgrind(p, rep, root, certs, eff, deadline):
    n = p.connections
    print("== callgrind: %d measured connections per scenario, three httpd -X lives" % n, flush=True)
    res = {}
    for kind in ("A", "B", "B0", "BS"):
        h = instance(kind, root, certs, eff, "prefork")
        t0 = time.monotonic()
        res[kind] = cg.measure(h, n, MODULE, deadline)
        print("   %s: %.0f s" % (kind, time.monotonic() - t0), flush=True)
        if kind == "B":
            res["suites"] = cg.suites_offered(os.path.join(h.root, "logs", "events.json"))
        if kind == "BS":
            res["bs_lines"] = cg.handshake_lines(os.path.join(h.root, "logs", "events.json"))
    rep.add("## Instructions per connection (primary figure)")
    rep.add()
    rep.add("`httpd -X` with mpm_prefork under callgrind; one life per instance runs every "
            "scenario, %d measured connections each after one warm-up connection; "
            "`--dump-before=%s` writes one profile per connection. A success is a full "
            "handshake by `openssl s_client` and one `GET /` (a 200 with "
            "Strict-Transport-Security); a rejected hello is refused with protocol_version. "
            "Module share: instructions inside mod_tlsguard.so inclusive of what it calls "
            "(the sum of the calls entering it from outside), in B; the inclusive cost of a "
            "filter holds the filters below it too (mod_ssl's encryption of the response for "
            "the HSTS filter), so the next column leaves out the module's calls to %s."
            % (n, cg.DUMP_FN, " and ".join(cg.CHAIN)))
    rep.add()
    rep.add("A: mod_ssl alone, the same effective settings, HSTS by `Header always set`. "
            "B: + mod_tlsguard, events to a file, TLSGuardHSTS On. "
            "B0: + mod_tlsguard without an event log.")
    rep.add()
    rep.add("| scenario (mean per connection) | A | B | B0 | B/A | B0/A | B min-max | module share of B | "
            "without the filter chain |")
    rep.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    missed = []
    for key, title, _, ok, _ in cg.SCENARIOS:
        a, b, b0 = res["A"][key], res["B"][key], res["B0"][key]
        ratio = b["per_conn"] / a["per_conn"]
        share = b["module"] / b["per_conn"]
        rep.add("| %s | %s | %s | %s | %.4f | %.4f | %s-%s | %s (%.2f %%) | %s (%.2f %%) |" % (
            title, fmt(a["per_conn"]), fmt(b["per_conn"]), fmt(b0["per_conn"]), ratio,
            b0["per_conn"] / a["per_conn"], fmt(b["min"]), fmt(b["max"]),
            fmt(b["module"]), 100 * share, fmt(b["own"]), 100 * b["own"] / b["per_conn"]))
        target = TARGET_SUCCESS if ok else TARGET_REJECTED
        if not rep.verdict(ratio <= target, "instructions B/A %.4f <= %.2f: %s" % (ratio, target, title)):
            missed.append((key, title))
    rep.add()
    rep.add("### A suppressed failure")
    rep.add()
    rep.add("BS: B with `TLSGuardEventRate 1/h burst 1`, so every measured failure is counted "
            "and summarized but neither fingerprinted nor encoded nor written; against the "
            "module's bare rejection (B0: counted, no event log) and against mod_ssl alone "
            "(A). BS's event log holds %d handshake event line(s) "
            "for its %d rejected hellos (the first connection took the only token)."
            % (res["bs_lines"], (n + 1) * len(cg.REJECTED)))
    rep.add()
    rep.add("| scenario (mean per connection) | A | B0 | BS | B | BS/B0 | BS/A | BS/B |")
    rep.add("|---|---:|---:|---:|---:|---:|---:|---:|")
    for key, title, _, ok, _ in cg.SCENARIOS:
        if ok:
            continue
        a, b0, bs, b = res["A"][key], res["B0"][key], res["BS"][key], res["B"][key]
        ratio = bs["per_conn"] / b0["per_conn"]
        rep.add("| %s | %s | %s | %s | %s | %.4f | %.4f | %.4f |" % (
            title, fmt(a["per_conn"]), fmt(b0["per_conn"]), fmt(bs["per_conn"]),
            fmt(b["per_conn"]), ratio, bs["per_conn"] / a["per_conn"],
            bs["per_conn"] / b["per_conn"]))
        rep.verdict(ratio <= TARGET_SUPPRESSED,
                    "instructions BS/B0 %.4f <= %.2f: %s, suppressed" % (ratio, TARGET_SUPPRESSED, title))
    rep.add()
    if res.get("suites"):
        rep.add("Cipher suites in the rejected hellos, from B's events: %s."
                % ", ".join(str(s) for s in res["suites"]))
        rep.add()
    for key, title in missed:
        b, a = res["B"][key], res["A"][key]
        target = TARGET_SUCCESS if key in cg.SUCCESS else TARGET_REJECTED
        allowed = (target - 1) * a["per_conn"]
        rep.add("### Where B's instructions go: %s" % title)
        rep.add()
        rep.add("B - A = %s instructions per connection; B/A <= %.2f allows %s, so the module "
                "has to do this connection's work in %s fewer instructions (%.0f %% of its "
                "extra cost). Its own inclusive share is %s. Top inclusive functions of the "
                "module (callgrind_annotate --inclusive=yes on connection profile %s):"
                % (fmt(b["per_conn"] - a["per_conn"]), target, fmt(allowed),
                   fmt(b["per_conn"] - a["per_conn"] - allowed),
                   100 * (b["per_conn"] - a["per_conn"] - allowed) / (b["per_conn"] - a["per_conn"]),
                   fmt(b["module"]), os.path.basename(b["profile"])))
        rep.add()
        rep.add("```")
        rows = cg.annotate_module(b["profile"], MODULE)
        if not rows:
            rows = ["%12s  %s" % (fmt(v), f) for f, v in
                    sorted(b["functions"].items(), key=lambda kv: -kv[1])[:12]]
        for r in rows:
            rep.add(r)
        rep.add("```")
        rep.add()
    return res


def section_throughput(p, rep, root, certs, eff, deadline):
    print("== throughput: %d ABBA pairs, event MPM" % p.pairs, flush=True)
    a = instance("A", root, certs, eff, "event", bench_load.EVENT_PROCESSES, cache=False, rsa=False)
    b = instance("B", root, certs, eff, "event", bench_load.EVENT_PROCESSES, cache=False, rsa=False)
    ratios, rates, cores = bench_load.throughput(a, b, p, deadline)
    n = ratios["handshakes"]["n"]
    rep.add("## Throughput (secondary)")
    rep.add()
    rep.add("Event MPM, two children of 25 threads, ECDSA certificate only, no session cache "
            "and no tickets (h2load would resume otherwise). %d pairs, both instances "
            "restarted before every pair, order ABBA. Full handshakes: `h2load --h1 -H "
            "'Connection: close' -n %d -c %d` (a new connection per request). Keep-alive: "
            "`h2load --h1 -c %d -D %g --warm-up-time 1`. Rejections: tests/bench/tls10_flood.py, "
            "%d processes for %g s, each connection a TLS 1.0 hello (9 suites) answered by an "
            "alert. Ratios are B/A per pair. Callgrind counts instructions in user space "
            "only; the system call that writes each event to B's log shows here, not in "
            "the instruction counts."
            % (n, p.handshakes, p.clients, p.clients, p.seconds, p.flood_procs, p.seconds))
    rep.add()
    rep.add("| metric | A median | B median | B/A median | B/A quartiles | B/A min-max |")
    rep.add("|---|---:|---:|---:|---:|---:|")
    titles = {"handshakes": "full handshakes/s", "keepalive": "keep-alive requests/s",
              "rejections": "TLS 1.0 rejections/s"}
    for m, title in titles.items():
        r = ratios[m]
        rep.add("| %s | %s | %s | %.3f | %.3f-%.3f | %.3f-%.3f |" % (
            title, fmt(rates[m]["A"]["median"]), fmt(rates[m]["B"]["median"]), r["median"],
            r["q1"], r["q3"], r["min"], r["max"]))
    rep.add()
    for m, title in titles.items():
        r = ratios[m]
        ok = r["q1"] <= 1.0 <= r["q3"]
        rep.verdict(ok, "throughput %s: B/A median %.3f, quartiles %.3f-%.3f %s 1.00 (%d pairs)"
                    % (title, r["median"], r["q1"], r["q3"], "contain" if ok else "exclude", n))
    rep.add("Within noise means: 1.00 lies between the lower and the upper quartile of the "
            "pair ratios.")
    rep.add()
    return rates, cores


def section_memory(p, rep, root, certs, eff, deadline):
    print("== memory: %d connections per instance, one child" % p.rss_connections, flush=True)
    rep.add("## Memory")
    rep.add()
    rep.add("Event MPM with one child of 16 threads; VmRSS of the child from /proc/<pid>/status "
            "after %d warm-up connections of the same mix and after %d more: %d %% full "
            "handshakes (h2load, Connection: close, 8 clients) and the rest TLS 1.0 hellos "
            "(tests/bench/tls10_flood.py, 2 processes), at once, bounded to %g s."
            % (max(p.rss_connections // 10, 2000), p.rss_connections, round(100 * p.rss_good),
               p.rss_seconds))
    rep.add()
    rep.add("| instance | connections | seconds | VmRSS before KiB | after KiB | growth KiB | per 100,000 |")
    rep.add("|---|---:|---:|---:|---:|---:|---:|")
    out = {}
    for kind in ("A", "B"):
        if time.monotonic() > deadline:
            break
        h = instance(kind, root, certs, eff, "event", bench_load.ONE_CHILD, use="memory")
        m = bench_load.memory(h, p)
        conns = m["good"] + m["failing"]
        growth = m["after"] - m["before"]
        per = growth * 100000.0 / conns if conns else float("inf")
        out[kind] = m
        rep.add("| %s | %s (%s good) | %.0f | %s | %s | %+d | %+.0f KiB |" % (
            kind, fmt(conns), fmt(m["good"]), m["seconds"], fmt(m["before"]), fmt(m["after"]),
            growth, per))
        if kind == "B":
            enough = conns >= 0.9 * p.rss_connections
            rep.verdict(enough and per < TARGET_RSS_KIB,
                        "RSS growth of B %+d KiB over %d connections (%+.0f KiB per 100,000) < 1 MiB%s"
                        % (growth, conns, per, "" if enough else " (run incomplete)"))
    rep.add()
    return out


def section_core(p, rep, workdir):
    print("== core: bench_event per captured hello", flush=True)
    binary = os.path.join(TOP, "obj", "bench", "bench_event")
    if not os.path.exists(binary):
        raise RuntimeError("%s is missing: make bench-event" % binary)
    rows = bench_core.microbench(binary, TOP, workdir, p.iterations)
    rep.add("## Core work per hello")
    rep.add()
    rep.add("tests/bench/bench_event.c (`make bench-event`): `%s` = parse + JA3 + JA4 + "
            "classify + encode of one event per captured hello in tests/data/hellos/. ns: wall "
            "clock over %d calls; instructions: callgrind `--toggle-collect=%s`, 10 calls. "
            "\"null\": the three digests replaced by a stub (the core's own work)."
            % (bench_core.ENTRY, p.iterations, bench_core.ENTRY))
    rep.add()
    rep.add("| hello | event bytes | ns | instructions | ns, null digests | instructions, null digests |")
    rep.add("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        rep.add("| %s | %d | %s | %s | %s | %s |" % (r["hello"], r["bytes"], fmt(r["ns"]),
                                                    fmt(r["ir"]), fmt(r["ns_null"]), fmt(r["ir_null"])))
    rep.add()
    worst = max(rows, key=lambda r: r["ir"])
    ok = rep.verdict(worst["ir"] < TARGET_CORE_IR,
                     "core work %s instructions per hello (worst: %s) < %s"
                     % (fmt(worst["ir"]), worst["hello"], fmt(TARGET_CORE_IR)))
    if not ok:
        rep.add("### Where the core's instructions go: %s" % worst["hello"])
        rep.add()
        rep.add("The target needs %s fewer instructions per event for this hello (%.0f %%); "
                "the digests account for %s of its %s. callgrind_annotate --inclusive=yes, "
                "10 calls:" % (fmt(worst["ir"] - TARGET_CORE_IR + 1),
                               100 * (worst["ir"] - TARGET_CORE_IR + 1) / worst["ir"],
                               fmt(worst["ir"] - worst["ir_null"]), fmt(worst["ir"])))
        rep.add()
        rep.add("```")
        for r in bench_core.annotate(worst["profile"]):
            rep.add(r)
        rep.add("```")
        rep.add()
    return rows


def section_crypto(p, rep, throughput_result):
    print("== crypto: " + " ".join(bench_core.SPEED_CMD), flush=True)
    c = bench_core.crypto_ceiling()
    rep.add("## Crypto ceiling")
    rep.add()
    rep.add("`%s`: ECDSA P-256 %s signs/s, X25519 %s derives/s on one core. A full TLS 1.3 "
            "handshake with the ECDSA certificate costs the server one sign, one X25519 key "
            "generation and one derive; counting the key generation as a derive, one core "
            "reaches at most %s handshakes/s."
            % (" ".join(bench_core.SPEED_CMD), fmt(c["sign"]), fmt(c["x25519"]), fmt(c["ceiling"])))
    rep.add()
    if throughput_result:
        rates, cores = throughput_result
        rep.add("| instance | full handshakes/s (median) | httpd cores used (median) | per core | fraction of the ceiling |")
        rep.add("|---|---:|---:|---:|---:|")
        for k in ("A", "B"):
            hs = rates["handshakes"][k]["median"]
            used = cores[k]["median"]
            rep.add("| %s | %s | %.2f | %s | %.0f %% |" % (
                k, fmt(hs), used, fmt(hs / used), 100 * hs / used / c["ceiling"]))
        rep.add()
        rep.add("Cores used: the httpd processes' user + system CPU time over the h2load run's "
                "wall time, from /proc/<pid>/stat.")
        rep.add()
    return c


def main(argv=None):
    p = options(sys.argv[1:] if argv is None else argv)
    if not MODULE:
        raise SystemExit("TG_MODULE is not set: run build/bench.sh")
    start = time.monotonic()
    deadline = start + p.time_limit
    root = tempfile.mkdtemp(prefix="tlsguard-bench-")
    os.chmod(root, 0o755)
    rep = Report()
    info = machine()
    body = Report()
    try:
        certs = Certs(root)
        eff = effective_settings(root, certs)
        tp = None
        if "callgrind" in p.sections:
            section_callgrind(p, body, root, certs, eff, deadline)
        if "throughput" in p.sections:
            tp = section_throughput(p, body, root, certs, eff, deadline)
        if "memory" in p.sections:
            section_memory(p, body, root, certs, eff, deadline)
        if "core" in p.sections:
            section_core(p, body, root)
        if "crypto" in p.sections:
            section_crypto(p, body, tp)
        if "nginx" in p.sections:
            bench_nginx.section(p, body, root, certs, deadline, fmt, TARGET_SUCCESS,
                                TARGET_REJECTED)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    elapsed = time.monotonic() - start
    rep.add("# mod_tlsguard benchmark results")
    rep.add()
    rep.add("Measured at commit %s. Written by `build/bench.sh`; not run by CI." % info["commit"])
    rep.add()
    args = sys.argv[1:] if argv is None else argv
    rep.add("Command: `%s` (%.0f s)." % (" ".join(["build/bench.sh"] + list(args)), elapsed))
    rep.add()
    rep.add("Machine: %s CPUs (nproc), %s, Linux %s. Versions: %s; %s; %s; %s; %s."
            % (info["nproc"], info["cpu"], info["kernel"], info["apache"], info["openssl"],
               info["gcc"], info["valgrind"], info["h2load"]))
    rep.add()
    rep.add("A, plain mod_ssl, is configured from the module's start-up line for the "
            "intermediate profile:")
    rep.add()
    rep.add("```")
    rep.add(eff["line"])
    rep.add("```")
    rep.add()
    rep.add("to")
    rep.add()
    rep.add("```")
    rep.add(plain_vhost(eff))
    rep.add("```")
    rep.add()
    rep.add("## Verdicts")
    rep.add()
    for v in body.verdicts:
        rep.add("- " + v)
    rep.add()
    text = "\n".join(rep.lines + body.lines).rstrip() + "\n"
    os.makedirs(os.path.dirname(p.output), exist_ok=True)
    with open(p.output, "w") as f:
        f.write(text)
    print("wrote %s (%.0f s)" % (p.output, elapsed))
    return 1 if any(v.startswith("FAIL") for v in body.verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
