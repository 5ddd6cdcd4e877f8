"""Throughput A/B with h2load and a TLS 1.0 flood (event MPM), and the child's
resident memory over many connections. Servers listen on 127.0.0.1 only."""

import os
import re
import statistics
import subprocess
import time

from tg_httpd import run
import tls10_flood

CLK_TCK = os.sysconf("SC_CLK_TCK")

# Two children of 25 threads each, none started or stopped during a run.
EVENT_PROCESSES = """ServerLimit 2
StartServers 2
ThreadsPerChild 25
MaxRequestWorkers 50
MinSpareThreads 25
MaxSpareThreads 75
MaxConnectionsPerChild 0
MaxKeepAliveRequests 0
"""

# One child for the memory figure.
ONE_CHILD = """ServerLimit 1
StartServers 1
ThreadsPerChild 16
MaxRequestWorkers 16
MinSpareThreads 1
MaxSpareThreads 16
MaxConnectionsPerChild 0
MaxKeepAliveRequests 0
"""


def h2load(port, args, timeout):
    """(requests per second, succeeded, output) of one h2load run over HTTP/1.1."""
    cmd = ["h2load", "--h1"] + args + ["https://127.0.0.1:%d/" % port]
    rc, out = run(cmd, timeout=timeout)
    m = re.search(r"finished in [^,]+, ([\d.]+) req/s", out)
    s = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded", out)
    if rc != 0 or not m or not s:
        raise RuntimeError("h2load %s failed:\n%s" % (" ".join(args), out[-2000:]))
    return float(m.group(1)), int(s.group(1)), out


def instance_pids(h):
    master = h.pid()
    pids = [master]
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == master:
                    pids.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return pids


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / CLK_TCK


def vm_rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for %d" % pid)


# ---- throughput --------------------------------------------------------------

def one_instance(h, p):
    """The three rates of one running instance, and the cores it used for the
    full handshakes."""
    pids = instance_pids(h)
    cpu0, t0 = cpu_seconds(pids), time.monotonic()
    hs, ok, _ = h2load(h.port, ["-H", "Connection: close", "-n", str(p.handshakes),
                                "-c", str(p.clients)], timeout=p.seconds * 20 + 60)
    cores = (cpu_seconds(pids) - cpu0) / (time.monotonic() - t0)
    if ok != p.handshakes:
        raise RuntimeError("h2load: %d of %d full handshakes succeeded" % (ok, p.handshakes))
    ka, _, _ = h2load(h.port, ["-c", str(p.clients), "-D", str(p.seconds),
                               "--warm-up-time", "1"], timeout=p.seconds + 60)
    fl = tls10_flood.flood(h.port, count=10 ** 7, seconds=p.seconds, procs=p.flood_procs)
    if fl["other"] > fl["connections"] // 100:
        raise RuntimeError("TLS 1.0 flood: %d of %d connections not rejected with an alert"
                           % (fl["other"], fl["connections"]))
    return {"handshakes": hs, "keepalive": ka,
            "rejections": fl["rejections"] / fl["seconds"], "hs_cores": cores}


def spread(values):
    values = sorted(values)
    if len(values) >= 2:
        q = statistics.quantiles(values, n=4, method="inclusive")
    else:
        q = [values[0], values[0], values[0]]
    return {"median": statistics.median(values), "q1": q[0], "q3": q[2],
            "min": values[0], "max": values[-1], "n": len(values)}


def throughput(a, b, p, deadline, log=print):
    """ABBA pairs; both instances restarted before every pair. Returns
    {metric: spread of B/A}, {metric: {"A": spread, "B": spread}} and the
    cores each instance used for its full handshakes. The instances are
    stopped however it ends."""
    runs = {"A": [], "B": []}
    try:
        for i in range(p.pairs):
            if time.monotonic() > deadline:
                log("   throughput: time limit reached after %d pairs" % i)
                break
            for h in (a, b):
                h.stop()
                h.start()
            order = (("A", a), ("B", b)) if i % 2 == 0 else (("B", b), ("A", a))
            for name, h in order:
                runs[name].append(one_instance(h, p))
            log("   pair %d (%s): B/A handshakes %.3f, keep-alive %.3f, rejections %.3f"
                % (i + 1, "".join(n for n, _ in order),
                   runs["B"][-1]["handshakes"] / runs["A"][-1]["handshakes"],
                   runs["B"][-1]["keepalive"] / runs["A"][-1]["keepalive"],
                   runs["B"][-1]["rejections"] / runs["A"][-1]["rejections"]))
    finally:
        for h in (a, b):
            h.stop()
    metrics = ("handshakes", "keepalive", "rejections")
    ratios = {m: spread([rb[m] / ra[m] for ra, rb in zip(runs["A"], runs["B"])])
              for m in metrics}
    rates = {m: {k: spread([r[m] for r in runs[k]]) for k in runs} for m in metrics}
    cores = {k: spread([r["hs_cores"] for r in runs[k]]) for k in runs}
    return ratios, rates, cores


# ---- memory --------------------------------------------------------------------

def the_child(h, timeout=15):
    """The one child (the parent listens before it forks it)."""
    limit = time.monotonic() + timeout
    while True:
        children = [pid for pid in instance_pids(h) if pid != h.pid()]
        if len(children) == 1 or time.monotonic() > limit:
            break
        time.sleep(0.1)
    if len(children) != 1:
        raise RuntimeError("expected one child, found %s" % children)
    return children[0]


def mixed(h, good, failing, seconds, clients):
    """good full handshakes (h2load) and failing TLS 1.0 hellos at once; returns
    the connections made."""
    cmd = ["h2load", "--h1", "-H", "Connection: close", "-n", str(good), "-c", str(clients),
           "https://127.0.0.1:%d/" % h.port]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    fl = tls10_flood.flood(h.port, count=failing, seconds=seconds, procs=2)
    try:
        out, _ = proc.communicate(timeout=max(seconds - fl["seconds"], 1) + 30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    m = re.search(rb"(\d+) succeeded", out)
    return (int(m.group(1)) if m else 0), fl["connections"]


def memory(h, p, log=print):
    """Child VmRSS before and after p.rss_connections mixed connections."""
    h.start()
    try:
        child = the_child(h)
        good = int(p.rss_connections * p.rss_good)
        # the same mix first: lazy start-up work, every thread's stack and allocator
        warm = max(p.rss_connections // 10, 2000)
        mixed(h, int(warm * p.rss_good), warm - int(warm * p.rss_good), p.rss_seconds, 8)
        before = vm_rss_kib(child)
        t0 = time.monotonic()
        ok, bad = mixed(h, good, p.rss_connections - good, p.rss_seconds, 8)
        elapsed = time.monotonic() - t0
        after = vm_rss_kib(child)
        if the_child(h) != child:
            raise RuntimeError("the child was replaced during the run")
        log("   %d good + %d failing connections in %.0f s: VmRSS %d -> %d KiB"
            % (ok, bad, elapsed, before, after))
        return {"before": before, "after": after, "good": ok, "failing": bad,
                "seconds": elapsed, "warm": warm}
    finally:
        h.stop()
