"""The 82 reference ClientHellos (tests/data/ja4-reference) replayed raw to a
private nginx: the JA3 and JA4 in each event equal the reference."""

import csv
import json
import os
import socket
import time

import pytest

from tg_httpd import whole_lines
from tg_rawtls import records

TABLE = os.path.join(os.path.dirname(__file__), "..", "data", "ja4-reference", "hellos.tsv")


def reference():
    with open(TABLE, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def replay(port, message):
    """Send the hello in records of at most 2^14 bytes; the local port names it."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        local = s.getsockname()[1]
        data = b"".join(records(message[i:i + 16384]) for i in range(0, len(message), 16384))
        s.sendall(data)
        time.sleep(0.05)
    return local


def test_82_reference_hellos_fingerprinted_as_the_reference(nginx):
    rows = reference()
    assert len(rows) == 82
    path = os.path.join(nginx.root, "events.json")
    nginx.simple("ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n"
                 "    tlsguard_event_log events.json;\n    tlsguard_events all;")
    nginx.start()
    sent = {replay(nginx.port, bytes.fromhex(r["client_hello_hex"])): r for r in rows}
    deadline = time.time() + 30
    found = {}
    while time.time() < deadline and len(found) < len(sent):
        for line in whole_lines(path):  # a line being written is read once it is whole
            e = json.loads(line)
            if e["source"]["port"] in sent:
                found[e["source"]["port"]] = e
        time.sleep(0.2)
    assert len(found) == len(sent), "%d of %d events" % (len(found), len(sent))
    wrong = []
    for port, row in sent.items():
        e = found[port]
        ja3 = e["tls"].get("client", {}).get("ja3")
        ja4 = e["tlsguard"].get("client", {}).get("ja4")
        if ja3 != row["ja3"] or ja4 != row["ja4"]:
            wrong.append("%s frame %s: ja3 %s (want %s), ja4 %s (want %s)" % (
                row["pcap"], row["frame"], ja3, row["ja3"], ja4, row["ja4"]))
    assert not wrong, "\n".join(wrong)
