#!/usr/bin/python3
"""Records the first ClientHello a TLS client sends to 127.0.0.1.

  capture.py PORT OUTFILE "DESCRIPTION"

Listens on 127.0.0.1:PORT, reads the first connection's bytes until the
ClientHello's handshake records are complete, writes them as hex (record
headers included, exactly as sent) to OUTFILE with DESCRIPTION as a comment,
then closes every connection without answering. Start the client after the
listener prints "listening"; the client then fails, which is expected.
"""
import socket
import sys
import time


def hello_complete(buf):
    msg, pos = b"", 0
    while pos + 5 <= len(buf):
        length = int.from_bytes(buf[pos + 3:pos + 5], "big")
        if buf[pos] != 22 or pos + 5 + length > len(buf):
            return None
        msg += buf[pos + 5:pos + 5 + length]
        pos += 5 + length
        if len(msg) >= 4 and len(msg) >= 4 + int.from_bytes(msg[1:4], "big"):
            return buf[:pos]
    return None


def main(port, out, description):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(8)
    srv.settimeout(60)
    print("listening", flush=True)
    conn, _ = srv.accept()
    conn.settimeout(10)
    buf, records = b"", None
    while records is None:
        chunk = conn.recv(65536)
        if not chunk:
            raise SystemExit("connection closed before a full ClientHello")
        buf += chunk
        records = hello_complete(buf)
    conn.close()
    with open(out, "w") as f:
        f.write("# %s\n" % description)
        f.write("# captured %s on 127.0.0.1; TLS records as sent\n"
                % time.strftime("%Y-%m-%d"))
        hexed = records.hex()
        for i in range(0, len(hexed), 64):
            f.write(hexed[i:i + 64] + "\n")
    srv.settimeout(2)
    try:
        while True:  # later connections (browser preconnects) get closed
            srv.accept()[0].close()
    except OSError:
        pass
    print("wrote %d bytes to %s" % (len(records), out))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3])
