"""Instructions per connection of Debian's nginx with ngx_http_tlsguard_module
against plain nginx with the same effective TLS settings, under callgrind:
one process (`master_process off`), `--dump-before=ngx_event_accept` writes
one profile per connection (its handshake, request and close, up to the next
accept). The first connection of each scenario is a warm-up."""

import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "nginx"))

from tg_nginx import NGINX, Nginx  # noqa: E402
import bench_callgrind as cg  # noqa: E402

DUMP_FN = "ngx_event_accept"
MODULE = os.environ.get("TG_NGINX_MODULE", "")
KEYS = ("tls13_ecdsa", "tls12_ecdsa", "tls10_9", "tls10_80")
SCENARIOS = [s for s in cg.SCENARIOS if s[0] in KEYS]
HSTS = "max-age=63072000; includeSubDomains"
SINGLE = "master_process off;\ndaemon off;"


def effective(root, certs):
    """The module's start-up line for the intermediate profile, read back as
    plain nginx settings."""
    os.makedirs(os.path.join(root, "eff"), exist_ok=True)
    n = Nginx(os.path.join(root, "eff"), certs)
    n.simple("ssl_protocols TLSv1.2 TLSv1.3;\n    tlsguard_profile intermediate;")
    rc, out = n.configtest()
    if rc != 0:
        raise RuntimeError(out)
    (line,) = n.log_lines("TLSGUARD-001")
    get = lambda what: re.search(what + r" ([^;]+);", line).group(1)  # noqa: E731
    return {"line": line[line.index("TLSGUARD-001"):],
            "settings": "ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_ciphers %s;\n"
                        "    ssl_conf_command Ciphersuites %s;\n    ssl_ecdh_curve %s;\n"
                        "    ssl_session_tickets off;\n    ssl_prefer_server_ciphers off;"
                        % (get("TLS 1.2 ciphers"), get("TLS 1.3 suites"), get("groups"))}


def instance(kind, root, certs, eff):
    """A: plain nginx, add_header ... always. B: + the module, events to a
    file, tlsguard_hsts. B0: B without the event log."""
    d = os.path.join(root, "nginx-" + kind)
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o755)
    n = Nginx(d, certs)
    if kind == "A":
        n.write(n.conf(eff["settings"] + "\n    add_header Strict-Transport-Security \"%s\" "
                       "always;" % HSTS, with_module=False, main_lines=SINGLE))
    else:
        events = "    tlsguard_event_log events.json;\n" if kind == "B" else ""
        n.write(n.conf(eff["settings"] + "\n    tlsguard_profile intermediate;\n" + events
                       + "    tlsguard_hsts \"%s\";" % HSTS, main_lines=SINGLE))
    return n


def life(n, count, deadline):
    """One nginx life under callgrind, every scenario, count + 1 connections
    each: {scenario: [dump per measured connection]}."""
    out = cg.dump_path(n.root)
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", "--dump-before=" + DUMP_FN,
                             "--callgrind-out-file=" + out] + n.cmd(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cg.collect(n, proc, out, SCENARIOS, count, deadline, "nginx callgrind")


def measure(n, count, deadline):
    result = {}
    for key, files in life(n, count, deadline).items():
        parsed = [cg.parse(f, MODULE) for f in files]
        totals = [p[0] for p in parsed]
        result[key] = {"per_conn": sum(totals) / len(totals), "min": min(totals),
                       "max": max(totals)}
    return result


def section(p, rep, root, certs, deadline, fmt, target_success, target_rejected):
    if not MODULE or not os.path.exists(MODULE):
        rep.verdict(False, "nginx: TG_NGINX_MODULE names no built module")
        return
    n = p.connections
    print("== nginx callgrind: %d measured connections per scenario" % n, flush=True)
    eff = effective(root, certs)
    res = {kind: measure(instance(kind, root, certs, eff), n, deadline) for kind in ("A", "B", "B0")}
    rep.add("## nginx: instructions per connection")
    rep.add()
    rep.add("`%s` (Debian's nginx 1.22) with `master_process off` under callgrind, "
            "`--dump-before=%s`, %d measured connections per scenario after one warm-up. "
            "A: plain nginx with the module's effective settings for the intermediate profile "
            "and `add_header Strict-Transport-Security ... always`. B: + "
            "ngx_http_tlsguard_module (`tlsguard_profile intermediate`, events to a file, "
            "`tlsguard_hsts`). B0: B without an event log. Settings of A:"
            % (NGINX, DUMP_FN, n))
    rep.add()
    rep.add("```")
    rep.add(eff["settings"])
    rep.add("```")
    rep.add()
    rep.add("| scenario (mean per connection) | A | B | B0 | B/A | B0/A | B min-max |")
    rep.add("|---|---:|---:|---:|---:|---:|---:|")
    for key, title, _, ok, _ in SCENARIOS:
        a, b, b0 = res["A"][key], res["B"][key], res["B0"][key]
        ratio = b["per_conn"] / a["per_conn"]
        rep.add("| %s | %s | %s | %s | %.4f | %.4f | %s-%s |" % (
            title, fmt(a["per_conn"]), fmt(b["per_conn"]), fmt(b0["per_conn"]), ratio,
            b0["per_conn"] / a["per_conn"], fmt(b["min"]), fmt(b["max"])))
        target = target_success if ok else target_rejected
        rep.verdict(ratio <= target, "nginx instructions B/A %.4f <= %.2f: %s" % (ratio, target,
                                                                                  title))
    rep.add()
