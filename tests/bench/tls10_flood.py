"""A TLS 1.0 ClientHello flood for the benchmark: each connection sends one
TLS 1.0 hello (9 or 80 cipher suites, the shapes of `openssl s_client -tls1`
and of `-tls1 -cipher ALL:@SECLEVEL=0`), reads the server's answer up to its
first alert or the close, and resets the connection. Bounded in count and in
time; several processes.

  tls10_flood.py PORT [--count N] [--seconds S] [--procs P] [--suites 9|80]

Prints one JSON object: connections, rejections (an alert record came back),
other (anything else), seconds.
"""

import argparse
import json
import os
import socket
import struct
import sys
import time

# The 9 suites of `openssl s_client -tls1` (OpenSSL 3.0, security level 1
# for TLS 1.0), SCSV last.
SUITES_9 = [0xC00A, 0xC014, 0x0039, 0xC009, 0xC013, 0x0033, 0x0035, 0x002F, 0x00FF]


def suites_80():
    """79 distinct suites as a wide legacy client offers them, SCSV last."""
    legacy = [0xC00A, 0xC014, 0x0039, 0xC009, 0xC013, 0x0033, 0x0035, 0x002F,
              0xC005, 0xC00F, 0xC004, 0xC00E, 0x0038, 0x0032, 0x0088, 0x0087,
              0x0086, 0x0085, 0x0045, 0x0044, 0x0043, 0x0042, 0x0084, 0x0041,
              0x0016, 0x0013, 0x000A, 0xC008, 0xC012, 0xC003, 0xC00D, 0x0005,
              0x0004, 0xC007, 0xC011, 0xC002, 0xC00C, 0x0096, 0x0099, 0x0098,
              0x0097, 0x009A, 0x0066, 0x00A8, 0x00A9, 0x008C, 0x008D, 0x008B,
              0x008A, 0xC035, 0xC036, 0xC034, 0xC033, 0x0090, 0x0091, 0x008F,
              0x008E, 0x0094, 0x0095, 0x0093, 0x0092, 0xC01C, 0xC01F, 0xC01B,
              0xC01E, 0xC01A, 0xC01D, 0xC021, 0xC022, 0xC020, 0x00B0, 0x00B1,
              0x00B4, 0x00B5, 0x00B8, 0x00B9, 0xC0A4, 0xC0A5, 0xC0A8]
    return legacy[:79] + [0x00FF]


def client_hello(nsuites=9, sni="localhost", random=None):
    """One TLS record holding a TLS 1.0 ClientHello."""
    suites = SUITES_9 if nsuites == 9 else suites_80()
    name = sni.encode()
    ext = b""
    ext += struct.pack(">HHHBH", 0, len(name) + 5, len(name) + 3, 0, len(name)) + name
    ext += struct.pack(">HHB3B", 11, 4, 3, 0, 1, 2)                      # ec_point_formats
    groups = [0x001D, 0x0017, 0x001E, 0x0019, 0x0018]
    ext += struct.pack(">HHH", 10, 2 + 2 * len(groups), 2 * len(groups))
    ext += b"".join(struct.pack(">H", g) for g in groups)                  # supported_groups
    ext += struct.pack(">HH", 35, 0)                                       # session_ticket
    ext += struct.pack(">HH", 22, 0)                                       # encrypt_then_mac
    ext += struct.pack(">HH", 23, 0)                                       # extended_master_secret
    body = struct.pack(">H", 0x0301) + (random or os.urandom(32)) + b"\x00"
    body += struct.pack(">H", 2 * len(suites)) + b"".join(struct.pack(">H", s) for s in suites)
    body += b"\x01\x00" + struct.pack(">H", len(ext)) + ext
    hs = b"\x01" + struct.pack(">I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs


RESET = struct.pack("ii", 1, 0)


def one(port, hello, timeout):
    """'rejected' if an alert record came back, else 'other'."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, RESET)  # no TIME_WAIT here
    s.settimeout(timeout)
    try:
        s.connect(("127.0.0.1", port))
        s.sendall(hello)
        data = b""
        while len(data) < 7:
            chunk = s.recv(64)
            if not chunk:
                break
            data += chunk
        return "rejected" if data[:1] == b"\x15" else "other"
    except OSError:
        return "other"
    finally:
        s.close()


def worker(port, hello, count, deadline, timeout, out_fd):
    done = {"rejected": 0, "other": 0}
    while count > 0 and time.monotonic() < deadline:
        done[one(port, hello, timeout)] += 1
        count -= 1
    os.write(out_fd, (json.dumps(done) + "\n").encode())


def flood(port, count, seconds, procs=4, nsuites=9, timeout=5.0, nice=0):
    """count hellos from procs processes (each os.nice(nice) first: a load
    generator that shares the server's machine can yield to it)."""
    hello = client_hello(nsuites)
    start = time.monotonic()
    deadline = start + seconds
    r, w = os.pipe()
    pids = []
    for i in range(procs):
        share = count // procs + (1 if i < count % procs else 0)
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                if nice:
                    os.nice(nice)
                worker(port, hello, share, deadline, timeout, w)
            finally:
                os._exit(0)
        pids.append(pid)
    os.close(w)
    for pid in pids:
        os.waitpid(pid, 0)
    elapsed = time.monotonic() - start
    with os.fdopen(r) as f:
        parts = [json.loads(line) for line in f if line.strip()]
    rej = sum(p["rejected"] for p in parts)
    other = sum(p["other"] for p in parts)
    return {"connections": rej + other, "rejections": rej, "other": other,
            "seconds": elapsed}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("port", type=int)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--procs", type=int, default=4)
    ap.add_argument("--suites", type=int, choices=(9, 80), default=9)
    a = ap.parse_args(argv)
    print(json.dumps(flood(a.port, a.count, a.seconds, a.procs, a.suites)))


if __name__ == "__main__":
    sys.exit(main())
