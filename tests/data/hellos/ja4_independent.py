#!/usr/bin/python3
"""Independent JA3/JA4 computation for the captured ClientHellos.

Written separately from mod_src/core/tg_fingerprint.c (different language,
different structure: decode everything into Python lists first, then format)
so that the expected values in expected.tsv do not come from the code under
test. Standard library only (hashlib).

Usage:
  ja4_independent.py HEXFILE...         print name, JA3 string, JA3, JA4, JA4_r
  ja4_independent.py --tsv DIR          (re)write DIR/expected.tsv from DIR/*.hex
  ja4_independent.py --check-ref TSV    compare with a reference hellos.tsv
                                        (handshake messages, no record header)
"""
import csv
import glob
import hashlib
import os
import sys

GREASE = {(b << 8) | b for b in range(0x0A, 0x100, 0x10)}
VERSION_CODES = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10",
                 0x0300: "s3", 0x0002: "s2", 0xFEFF: "d1", 0xFEFD: "d2",
                 0xFEFC: "d3"}


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError("short read at %d" % self.pos)
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def num(self, n):
        return int.from_bytes(self.take(n), "big")

    def vector(self, n):
        return self.take(self.num(n))

    def done(self):
        return self.pos == len(self.data)


def pairs(raw):
    if len(raw) % 2:
        raise ValueError("odd 16-bit list")
    return [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]


def records_to_message(raw):
    """Joins the handshake fragments of consecutive type-22 records."""
    msg, pos = b"", 0
    while pos + 5 <= len(raw):
        ctype, length = raw[pos], int.from_bytes(raw[pos + 3:pos + 5], "big")
        if ctype != 22:
            raise ValueError("record type %d" % ctype)
        msg += raw[pos + 5:pos + 5 + length]
        pos += 5 + length
        if len(msg) >= 4 and len(msg) >= 4 + int.from_bytes(msg[1:4], "big"):
            return msg[:4 + int.from_bytes(msg[1:4], "big")]
    raise ValueError("incomplete ClientHello")


def decode_hello(msg):
    """Returns a dict of the lists the fingerprints need."""
    r = Reader(msg)
    if r.num(1) != 1:
        raise ValueError("not a ClientHello")
    body = Reader(r.vector(3))
    hello = {"version": body.num(2)}
    body.take(32)
    body.vector(1)
    hello["ciphers"] = pairs(body.vector(2))
    body.vector(1)
    hello["extensions"] = []
    hello["groups"], hello["formats"], hello["sigalgs"] = [], [], []
    hello["versions"], hello["alpn"], hello["sni"] = None, None, None
    if body.done():
        return hello
    ext = Reader(body.vector(2))
    while not ext.done():
        etype, edata = ext.num(2), ext.vector(2)
        hello["extensions"].append(etype)
        decode_extension(hello, etype, Reader(edata))
    return hello


def decode_extension(hello, etype, e):
    if etype == 0x0000:
        names = Reader(e.vector(2))
        while not names.done():
            kind, name = names.num(1), names.vector(2)
            if kind == 0 and hello["sni"] is None:
                hello["sni"] = name.decode("ascii", "replace")
    elif etype == 0x000A:
        hello["groups"] = pairs(e.vector(2))
    elif etype == 0x000B:
        hello["formats"] = list(e.vector(1))
    elif etype == 0x000D:
        hello["sigalgs"] = pairs(e.vector(2))
    elif etype == 0x0010:
        protos = Reader(e.vector(2))
        hello["alpn"] = []
        while not protos.done():
            hello["alpn"].append(protos.vector(1))
    elif etype == 0x002B:
        hello["versions"] = pairs(e.vector(1))


def no_grease(values):
    return [v for v in values if v not in GREASE]


def ja3_string(h):
    fields = [str(h["version"])]
    for values in (h["ciphers"], h["extensions"], h["groups"]):
        fields.append("-".join(str(v) for v in no_grease(values)))
    fields.append("-".join(str(v) for v in h["formats"]))
    return ",".join(fields)


def alpn_chars(h):
    if not h["alpn"] or len(h["alpn"][0]) == 0:
        return "00"
    first = h["alpn"][0]
    ends = chr(first[0]) + chr(first[-1])
    if all(c.isascii() and c.isalnum() for c in ends):
        return ends
    text = first.hex()
    return text[0] + text[-1]


def ja4_parts(h, transport="t"):
    offered = no_grease(h["versions"] or [])
    version = max(offered) if offered else h["version"]
    exts = no_grease(h["extensions"])
    ciphers = no_grease(h["ciphers"])
    head = "%s%s%s%02d%02d%s" % (
        transport, VERSION_CODES.get(version, "00"),
        "d" if 0x0000 in exts else "i",
        min(len(ciphers), 99), min(len(exts), 99), alpn_chars(h))
    cipher_list = ",".join("%04x" % v for v in sorted(ciphers))
    ext_list = ",".join("%04x" % v for v in sorted(exts)
                        if v not in (0x0000, 0x0010))
    sigs = ",".join("%04x" % v for v in no_grease(h["sigalgs"]))
    ext_part = ext_list + ("_" + sigs if sigs else "")
    return head, cipher_list, ext_part


def short_sha(text):
    if not text:
        return "0" * 12
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def fingerprints(msg):
    h = decode_hello(msg)
    j3 = ja3_string(h)
    head, ciphers, exts = ja4_parts(h)
    return {
        "sni": h["sni"] or "",
        "ja3_string": j3,
        "ja3": hashlib.md5(j3.encode()).hexdigest(),
        "ja4": "%s_%s_%s" % (head, short_sha(ciphers), short_sha(exts)),
        "ja4_r": "%s_%s_%s" % (head, ciphers, exts),
    }


def read_hex(path):
    text = "".join(line.strip() for line in open(path)
                   if line.strip() and not line.startswith("#"))
    return bytes.fromhex(text)


def write_tsv(directory):
    rows = []
    for path in sorted(glob.glob(os.path.join(directory, "*.hex"))):
        fp = fingerprints(records_to_message(read_hex(path)))
        rows.append([os.path.basename(path), fp["sni"], fp["ja3_string"],
                     fp["ja3"], fp["ja4"], fp["ja4_r"]])
    out = os.path.join(directory, "expected.tsv")
    with open(out, "w", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["file", "sni", "ja3_string", "ja3", "ja4", "ja4_r"])
        w.writerows(rows)
    print("wrote %d rows to %s" % (len(rows), out))


def check_reference(path):
    csv.field_size_limit(1 << 24)
    bad = 0
    rows = list(csv.DictReader(open(path), delimiter="\t"))
    for row in rows:
        fp = fingerprints(bytes.fromhex(row["client_hello_hex"]))
        for key in ("ja3_string", "ja3", "ja4", "ja4_r"):
            if row[key] and row[key] != fp[key]:
                bad += 1
                print("%s frame %s %s: want %s got %s" % (
                    row["pcap"], row["frame"], key, row[key], fp[key]))
    print("%d rows, %d mismatches" % (len(rows), bad))
    return 1 if bad else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--tsv":
        write_tsv(argv[2])
        return 0
    if len(argv) == 3 and argv[1] == "--check-ref":
        return check_reference(argv[2])
    if len(argv) < 2:
        print(__doc__)
        return 2
    for path in argv[1:]:
        fp = fingerprints(records_to_message(read_hex(path)))
        print("%s\t%s\t%s\t%s\t%s" % (os.path.basename(path), fp["ja3_string"],
                                      fp["ja3"], fp["ja4"], fp["ja4_r"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
