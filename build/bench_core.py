"""The core's work per failed handshake (tests/bench/bench_event.c: parse +
fingerprints + classify + encode) in ns and in instructions, and the crypto
ceiling of one core from `openssl speed`."""

import glob
import os
import re

from tg_httpd import run

ENTRY = "tg_event_build"


def hellos(top):
    return sorted(glob.glob(os.path.join(top, "tests", "data", "hellos", "*.hex")))


def ns_per_event(binary, hello, iterations, digests="ossl"):
    rc, out = run([binary, hello, str(iterations)] + (["null"] if digests == "null" else []),
                  timeout=600)
    m = re.search(r"(\d+)-byte line, (\d+) ns per event", out)
    if rc != 0 or not m:
        raise RuntimeError("%s %s: %s" % (binary, hello, out))
    return int(m.group(2)), int(m.group(1))


def instructions_per_event(binary, hello, workdir, calls=10, digests="ossl"):
    """Ir inclusive of ENTRY per call, and the top functions of the profile."""
    out = os.path.join(workdir, "cg-core-%s-%s.out" % (os.path.basename(hello), digests))
    cmd = ["valgrind", "--tool=callgrind", "--toggle-collect=" + ENTRY,
           "--callgrind-out-file=" + out, binary, hello, str(calls)]
    if digests == "null":
        cmd.append("null")
    rc, text = run(cmd, timeout=600)
    if rc != 0:
        raise RuntimeError("callgrind %s: %s" % (binary, text[-2000:]))
    total = None
    with open(out) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                total = int(line.split()[1])
    if total is None:
        raise RuntimeError("no totals in " + out)
    return total / calls, out


def annotate(profile, top=15):
    """The functions under ENTRY, by inclusive cost (the callers above it,
    main and the start-up frames, are left out)."""
    rc, out = run(["callgrind_annotate", "--inclusive=yes", profile], timeout=120)
    rows = [l.rstrip() for l in out.splitlines() if re.match(r"^\s*[\d,]+ \(", l)]
    callers = ("PROGRAM TOTALS", "(below main)", "libc_start", ":main ", ":0x")
    # each function once, the row that names its object
    rows = [r for r in rows if " [" in r and not any(c in r for c in callers)]
    return rows[:top]


def microbench(binary, top, workdir, iterations):
    """[{hello, bytes, ns, ns_null, ir, ir_null, profile}] per captured hello."""
    rows = []
    for hello in hellos(top):
        ns, size = ns_per_event(binary, hello, iterations)
        ns_null, _ = ns_per_event(binary, hello, iterations, "null")
        ir, prof = instructions_per_event(binary, hello, workdir)
        ir_null, _ = instructions_per_event(binary, hello, workdir, digests="null")
        rows.append({"hello": os.path.basename(hello)[:-4], "bytes": size, "ns": ns,
                     "ns_null": ns_null, "ir": ir, "ir_null": ir_null, "profile": prof})
    return rows


SPEED_CMD = ["openssl", "speed", "-seconds", "2", "ecdsap256", "ecdhx25519"]


def crypto_ceiling():
    """ECDSA P-256 signs/s and X25519 derives/s on one core; a full TLS 1.3
    handshake with an ECDSA certificate costs the server one sign, one X25519
    key generation and one derive (the key generation counted as a derive:
    openssl speed times the derive only)."""
    rc, out = run(SPEED_CMD, timeout=120)
    sign = re.search(r"256 bits ecdsa \(nistp256\)\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)", out)
    ecdh = re.search(r"253 bits ecdh \(X25519\)\s+\S+\s+([\d.]+)", out)
    if rc != 0 or not sign or not ecdh:
        raise RuntimeError("openssl speed: " + out[-2000:])
    s, x = float(sign.group(1)), float(ecdh.group(1))
    return {"sign": s, "x25519": x, "ceiling": 1.0 / (1.0 / s + 2.0 / x)}
