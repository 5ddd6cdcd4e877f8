"""Benchmark: instructions per TLS handshake of httpd (-X, one process) under
callgrind, plain mod_ssl (A) against mod_ssl + mod_tlsguard (B) with the same
effective TLS settings. Instruction counts are repeatable where wall-clock
rates on a shared 2-core machine are not.

  TG_MODULE=$PWD/mod_tlsguard.so python3 build/bench.py [handshakes]
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))

from tg_httpd import APACHE, Certs, Httpd, run, s_client  # noqa: E402

# Plain mod_ssl configured by hand to what the intermediate profile enforces.
PLAIN_VHOST = """    SSLProtocol -all +TLSv1.2 +TLSv1.3
    SSLCipherSuite ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305
    SSLOpenSSLConfCmd Groups X25519:prime256v1:secp384r1
    SSLSessionTickets off"""

SCENARIOS = [
    ("TLS 1.3 handshake", ["-tls1_3"], True),
    ("TLS 1.0 hello, rejected", ["-tls1"], False),  # 9 suites, a typical legacy client
    ("TLS 1.0 80-suite hello", ["-tls1", "-cipher", "ALL:@SECLEVEL=0"], False),
]


def callgrind_total(outfile):
    for line in open(outfile):
        if line.startswith("summary:") or line.startswith("totals:"):
            return int(line.split()[1])
    raise RuntimeError("no totals in " + outfile)


def run_once(h, args, expect_ok, n):
    """Total instructions of one httpd -X life: start, n connections, stop."""
    outdir = os.path.join(h.root, "callgrind")
    os.makedirs(outdir, exist_ok=True)
    os.chmod(outdir, 0o777)  # httpd writes it after dropping root
    out = os.path.join(outdir, "out")
    for old in glob.glob(out + "*"):
        os.unlink(old)
    with open(out, "w"):
        pass
    os.chmod(out, 0o666)  # valgrind creates it as root at start
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
                             APACHE, "-X", "-f", h.conf_path],
                            env=h.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        h.wait_listening(timeout=120)
        for _ in range(n):
            ok, text = s_client(h.port, *args, timeout=60)
            if ok != expect_ok:
                raise RuntimeError("unexpected result for %s: %s" % (args, text))
    finally:
        proc.terminate()
        proc.wait(timeout=120)
    return callgrind_total(out)


def measure(h, args, expect_ok, n):
    """Per connection: the difference between a life with n + 1 connections and
    one with 1 cancels start-up and shutdown."""
    return (run_once(h, args, expect_ok, n + 1) - run_once(h, args, expect_ok, 1)) / n


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    root = tempfile.mkdtemp(prefix="tlsguard-bench-")
    os.chmod(root, 0o755)
    certs = Certs(root)
    try:
        a = Httpd(os.path.join(root, "a"), certs)
        a.write(a.base_conf(a.modules(with_tlsguard=False)) + "Listen 127.0.0.1:%d\n" % a.port
                + a.ssl_vhost(PLAIN_VHOST))
        b = Httpd(os.path.join(root, "b"), certs)
        b.write(b.base_conf() + "Listen 127.0.0.1:%d\nTLSGuardProfile intermediate\n" % b.port
                + b.ssl_vhost())
        c = Httpd(os.path.join(root, "c"), certs)
        c.write(c.base_conf() + "Listen 127.0.0.1:%d\nTLSGuardProfile intermediate\n" % c.port
                + "TLSGuardEventLog logs/events.json\n" + c.ssl_vhost())
        print("instructions per connection, httpd -X under callgrind, %d connections each" % n)
        print("A: mod_ssl alone, B: + mod_tlsguard, C: + mod_tlsguard writing events")
        print("%-22s %12s %12s %12s %8s %8s" % ("scenario", "A", "B", "C", "B/A", "C/A"))
        for title, args, ok in SCENARIOS:
            ia, ib, ic = (measure(h, args, ok, n) for h in (a, b, c))
            print("%-22s %12.0f %12.0f %12.0f %8.4f %8.4f" % (title, ia, ib, ic, ib / ia, ic / ia))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
