"""A raw TLS client for tests: builds ClientHello records with any bytes in
them (server name, ALPN) and sends them over a plain socket, so that tests can
provoke what real TLS libraries refuse to send."""

import os
import socket
import struct
import time


def _u8(b):
    return struct.pack("!B", len(b)) + b


def _u16(b):
    return struct.pack("!H", len(b)) + b


def _ext(kind, body):
    return struct.pack("!H", kind) + _u16(body)


def client_hello(server_name=b"localhost", alpn=(b"http/1.1",), tls13=True,
                 ciphers=(0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f), groups=(0x001d, 0x0017)):
    """The ClientHello handshake message (type, length, body)."""
    exts = b""
    if server_name is not None:
        exts += _ext(0, _u16(b"\x00" + _u16(server_name)))
    exts += _ext(10, _u16(b"".join(struct.pack("!H", g) for g in groups)))
    exts += _ext(11, _u8(b"\x00"))
    exts += _ext(13, _u16(b"".join(struct.pack("!H", s) for s in
                                   (0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501))))
    if alpn:
        exts += _ext(16, _u16(b"".join(_u8(p) for p in alpn)))
    if tls13:
        exts += _ext(43, _u8(b"\x03\x04\x03\x03"))
        exts += _ext(45, _u8(b"\x01"))
        exts += _ext(51, _u16(struct.pack("!HH", 0x001d, 32) + os.urandom(32)))
    body = (b"\x03\x03" + os.urandom(32) + _u8(os.urandom(32))
            + _u16(b"".join(struct.pack("!H", c) for c in ciphers)) + _u8(b"\x00") + _u16(exts))
    return b"\x01" + struct.pack("!I", len(body))[1:] + body


def records(message, split=None):
    """Wrap a handshake message in TLS records; split=n cuts it into n-byte records."""
    chunks = [message] if not split else [message[i:i + split]
                                          for i in range(0, len(message), split)]
    return b"".join(b"\x16\x03\x01" + struct.pack("!H", len(c)) + c for c in chunks)


def send_and_close(port, data, wait=0.3):
    """Send bytes, read what the server answers for a moment, close."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(data)
        time.sleep(wait)
        s.setblocking(False)
        try:
            return s.recv(65536)
        except (BlockingIOError, ConnectionResetError):
            return b""


def send_and_linger(port, data, seconds):
    """Send bytes, then stay silent until the server closes (or seconds pass);
    returns how long the server took to close."""
    start = time.time()
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as s:
        s.sendall(data)
        try:
            while s.recv(4096):
                pass
        except (socket.timeout, ConnectionResetError):
            pass
    return time.time() - start
