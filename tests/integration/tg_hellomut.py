"""ClientHellos as lists of extensions, so that a test can duplicate, break,
reorder or drop any of them, and a reader of the server's first flight that
says what it chose (version, cipher, group) or that it refused."""

import os
import socket
import struct
import time

HRR_RANDOM = bytes.fromhex(
    "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")

EXT_SNI, EXT_GROUPS, EXT_POINTS, EXT_SIGALGS, EXT_ALPN = 0, 10, 11, 13, 16
EXT_VERSIONS, EXT_PSK_MODES, EXT_KEY_SHARE = 43, 45, 51


def u8(b):
    return struct.pack("!B", len(b)) + b


def u16(b):
    return struct.pack("!H", len(b)) + b


def u16s(values):
    return b"".join(struct.pack("!H", v) for v in values)


def sni_body(name):
    return u16(b"\x00" + u16(name))


def default_extensions(name=b"b.test", tls13=True, groups=(0x001d, 0x0017),
                       shares=(0x001d,)):
    """[(type, body)] of a browser-like hello offering X25519 and P-256."""
    exts = []
    if name is not None:
        exts.append((EXT_SNI, sni_body(name)))
    exts += [
        (EXT_GROUPS, u16(u16s(groups))),
        (EXT_POINTS, u8(b"\x00")),
        (EXT_SIGALGS, u16(u16s((0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501)))),
        (EXT_ALPN, u16(u8(b"http/1.1"))),
        (23, b""),  # extended_master_secret
    ]
    if tls13:
        exts += [
            (EXT_VERSIONS, u8(u16s((0x0304, 0x0303)))),
            (EXT_PSK_MODES, u8(b"\x01")),
            (EXT_KEY_SHARE, u16(b"".join(
                struct.pack("!H", g) + u16(_share(g)) for g in shares))),
        ]
    return exts


def _share(group):
    if group == 0x001d:
        return os.urandom(32)
    if group == 0x0017:  # an uncompressed P-256 point (any bytes: the server
        return b"\x04" + os.urandom(64)  # fails later, after choosing)
    return os.urandom(32)


CIPHERS = (0x1303, 0x1301, 0x1302, 0xcca8, 0xcca9, 0xc02f, 0xc02b, 0xc030)


def hello(exts, ciphers=CIPHERS, raw_ext_block=None, raw_ciphers=None):
    """The ClientHello handshake message from a list of (type, body); the
    raw_ arguments replace a length-prefixed part with any bytes."""
    block = raw_ext_block if raw_ext_block is not None else b"".join(
        struct.pack("!H", t) + u16(b) for t, b in exts)
    cipher_part = raw_ciphers if raw_ciphers is not None else u16(u16s(ciphers))
    body = (b"\x03\x03" + os.urandom(32) + u8(os.urandom(32)) + cipher_part
            + u8(b"\x00") + u16(block))
    return b"\x01" + struct.pack("!I", len(body))[1:] + body


def records(message, size=16384):
    chunks = [message[i:i + size] for i in range(0, len(message), size)] or [b""]
    return b"".join(b"\x16\x03\x01" + struct.pack("!H", len(c)) + c for c in chunks)


class Answer:
    """What the server's first flight said."""

    def __init__(self):
        self.alert = None      # alert description sent by the server
        self.version = None    # negotiated (or HRR) version
        self.cipher = None
        self.group = None      # key share / HRR group / TLS 1.2 named curve
        self.hrr = False
        self.closed = False
        self.extensions = []   # ServerHello extension types, in order

    @property
    def refused(self):
        return self.version is None

    def __repr__(self):
        return "Answer(alert=%r version=%s cipher=%s group=%s hrr=%s)" % (
            self.alert, _hex(self.version), _hex(self.cipher), _hex(self.group), self.hrr)


def _hex(v):
    return None if v is None else "0x%04x" % v


def _parse_server_hello(body, ans):
    legacy = struct.unpack("!H", body[0:2])[0]
    random = body[2:34]
    sid_len = body[34]
    pos = 35 + sid_len
    ans.cipher = struct.unpack("!H", body[pos:pos + 2])[0]
    pos += 3  # cipher, compression
    ans.version = legacy
    ans.hrr = random == HRR_RANDOM
    if pos + 2 > len(body):
        return
    end = pos + 2 + struct.unpack("!H", body[pos:pos + 2])[0]
    pos += 2
    while pos + 4 <= end:
        etype, elen = struct.unpack("!HH", body[pos:pos + 4])
        data = body[pos + 4:pos + 4 + elen]
        ans.extensions.append(etype)
        if etype == EXT_VERSIONS and elen == 2:
            ans.version = struct.unpack("!H", data)[0]
        elif etype == EXT_KEY_SHARE and elen >= 2:
            ans.group = struct.unpack("!H", data[0:2])[0]
        pos += 4 + elen


def _parse_handshake(buf, ans):
    """Consume whole handshake messages; True when nothing more is needed."""
    while len(buf) >= 4:
        mtype = buf[0]
        mlen = struct.unpack("!I", b"\x00" + bytes(buf[1:4]))[0]
        if len(buf) < 4 + mlen:
            return False
        body = bytes(buf[4:4 + mlen])
        del buf[:4 + mlen]
        if mtype == 2:
            _parse_server_hello(body, ans)
            if ans.version == 0x0304 or ans.hrr:
                return True  # the rest of a TLS 1.3 flight is encrypted
        elif mtype == 12 and len(body) >= 3 and body[0] == 3:
            ans.group = struct.unpack("!H", body[1:3])[0]  # named_curve
            return True
        elif mtype == 14:
            return True  # ServerHelloDone without a key exchange
    return False


def exchange(port, data, timeout=3.0):
    """Send bytes and read the server's first flight until it says enough."""
    ans = Answer()
    hs = bytearray()
    deadline = time.time() + timeout
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        pending = b""
        while time.time() < deadline:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                ans.closed = True
                break
            pending += chunk
            while len(pending) >= 5:
                ctype = pending[0]
                rlen = struct.unpack("!H", pending[3:5])[0]
                if len(pending) < 5 + rlen:
                    break
                payload, pending = pending[5:5 + rlen], pending[5 + rlen:]
                if ctype == 21 and len(payload) >= 2:
                    ans.alert = payload[1]
                    return ans
                if ctype == 22:
                    hs += payload
                    if _parse_handshake(hs, ans):
                        return ans
    return ans
