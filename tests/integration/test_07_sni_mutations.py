"""Whichever vhost mod_ssl selects, its whole policy applies or the handshake
is refused, and the event goes to that vhost's sink under its name: a table of
mutated ClientHellos (duplicates, malformed bodies of every extension the
module's parser reads, truncated and oversized lists, odd orders, odd server
names) against name-based vhosts with different profiles and sinks."""

import json
import os
import shutil
import struct
import tempfile
import time

import jsonschema
import pytest

import tg_ecs
from tg_httpd import Httpd, whole_lines
from tg_hellomut import (EXT_ALPN, EXT_GROUPS, EXT_KEY_SHARE, EXT_POINTS,
                         EXT_PSK_MODES, EXT_SIGALGS, EXT_SNI, EXT_VERSIONS,
                         default_extensions, hello, records, exchange, sni_body,
                         u16, u16s)

TLS12, TLS13 = 0x0303, 0x0304
MOZILLA13 = {0x1301, 0x1302, 0x1303}
INTERMEDIATE12 = {0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8}

# What each vhost's policy allows (profiles of mod_src/core/tg_profile.c, as
# this OpenSSL resolves them: X25519MLKEM768 is skipped).
POLICIES = {
    "a.test": {"profile": "intermediate", "versions": {TLS12, TLS13},
               "suites": MOZILLA13, "ciphers": INTERMEDIATE12,
               "groups": {0x001d, 0x0017, 0x0018}},
    "b.test": {"profile": "nist-800-52r2", "versions": {TLS12, TLS13},
               "suites": {0x1301, 0x1302, 0x1304, 0x1305},
               "ciphers": {0xc02b, 0xc02c, 0xc0ac, 0xc0ad, 0xc0ae, 0xc0af, 0xc02f,
                           0xc030, 0x009e, 0x009f, 0xc09e, 0xc09f, 0xc0a2, 0xc0a3,
                           0xc023, 0xc024, 0xc027, 0xc028, 0x0067, 0x006b},
               "groups": {0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102}},
    "c.test": {"profile": "intermediate", "versions": {TLS12},
               "suites": set(), "ciphers": INTERMEDIATE12,
               "groups": {0x001d, 0x0017, 0x0018}},
}


@pytest.fixture(scope="module")
def server(certs):
    root = tempfile.mkdtemp(prefix="tlsguard-sni-")
    os.chmod(root, 0o755)
    h = Httpd(root, certs)
    vhosts = [h.ssl_vhost("TLSGuardProfile intermediate\n"
                          "    TLSGuardEventLog logs/a.test.json", name="a.test"),
              h.ssl_vhost("TLSGuardProfile nist-800-52r2\n"
                          "    TLSGuardEventLog logs/b.test.json", name="b.test"),
              h.ssl_vhost("TLSGuardProtocols TLSv1.2\n"
                          "    TLSGuardEventLog logs/c.test.json", name="c.test")]
    h.write(h.base_conf() + "Listen 127.0.0.1:%d\n" % h.port + "".join(vhosts))
    h.start()
    # start() probes the port: wait for that connection's event first
    deadline = time.time() + 5
    while time.time() < deadline and not sink_lines(h)["a.test"]:
        time.sleep(0.05)
    time.sleep(0.3)
    yield h
    h.stop()
    shutil.rmtree(root, ignore_errors=True)


def sink_lines(h):
    out = {}
    for name in POLICIES:
        out[name] = whole_lines(os.path.join(h.root, "logs", name + ".json"))
    return out


SCHEMA = os.path.join(os.path.dirname(__file__), "..", "..", "docs",
                      "tlsguard-event.schema.json")


@pytest.fixture(scope="module")
def validator():
    """Schema and ECS field definitions, each event checked against both."""
    with open(SCHEMA) as f:
        schema = json.load(f)
    check = jsonschema.validators.validator_for(schema)(schema)
    table = tg_ecs.Table()

    class Both:
        @staticmethod
        def validate(event):
            check.validate(event)
            assert not tg_ecs.problems(event, table), tg_ecs.problems(event, table)
    return Both


def new_event(h, before, timeout=5):
    """The one event written since `before`, and the sink it is in."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        now = sink_lines(h)
        added = {n: now[n][len(before[n]):] for n in now}
        if sum(len(v) for v in added.values()) >= 1:
            time.sleep(0.2)
            now = sink_lines(h)
            added = {n: now[n][len(before[n]):] for n in now}
            got = [(n, l) for n, ls in added.items() for l in ls]
            assert len(got) == 1, "one event expected, got %r" % got
            return got[0][0], json.loads(got[0][1])
        time.sleep(0.05)
    raise AssertionError("no event written")


# ---- mutations ----------------------------------------------------------------

def replace(exts, etype, body):
    return [(t, body if t == etype else b) for t, b in exts]


def duplicate(exts, etype):
    out = []
    for t, b in exts:
        out.append((t, b))
        if t == etype:
            out.append((t, b))
    return out


def tls12(name=b"b.test"):
    return default_extensions(name, tls13=False)


def base(name=b"b.test"):
    return default_extensions(name)


def sni_last(exts):
    return [e for e in exts if e[0] != EXT_SNI] + [e for e in exts if e[0] == EXT_SNI]


def unknown(n, start=0x3000):
    return [(start + i, b"\x00" * (i % 5)) for i in range(n)]


def msg(exts, **kw):
    return records(hello(exts, **kw))


def raw_block(exts, tail):
    """The extension block as bytes with `tail` appended (broken framing)."""
    return b"".join(struct.pack("!H", t) + u16(b) for t, b in exts) + tail


ROWS = [
    # (id, bytes on the wire, vhost mod_ssl selects)
    ("baseline", lambda: msg(base()), "b.test"),
    ("baseline-tls12", lambda: msg(tls12()), "b.test"),
    ("duplicate-unknown", lambda: msg(base() + [(0x1234, b""), (0x1234, b"")]), "b.test"),
    ("duplicate-unknown-bodies", lambda: msg(base() + [(0x4455, b"\x01"), (0x4455, b"\x02\x03")]),
     "b.test"),
    ("duplicate-grease", lambda: msg([(0x0a0a, b"")] + base() + [(0x0a0a, b"\x00")]), "b.test"),
    ("duplicate-unknown-tls12", lambda: msg(tls12() + [(0x1234, b""), (0x1234, b"")]), "b.test"),
    ("duplicate-sni", lambda: msg(duplicate(base(), EXT_SNI)), "a.test"),
    ("duplicate-groups", lambda: msg(duplicate(base(), EXT_GROUPS)), "a.test"),
    ("duplicate-key-share", lambda: msg(duplicate(base(), EXT_KEY_SHARE)), "a.test"),
    ("bad-point-formats-tls13", lambda: msg(replace(base(), EXT_POINTS, b"\x05\x00")), "b.test"),
    ("bad-point-formats-tls12", lambda: msg(replace(tls12(), EXT_POINTS, b"\x05\x00")), "b.test"),
    ("bad-psk-modes-tls12", lambda: msg(tls12() + [(EXT_PSK_MODES, b"\x07\x01")]), "b.test"),
    ("bad-psk-modes-tls13", lambda: msg(replace(base(), EXT_PSK_MODES, b"\x07\x01")), "b.test"),
    ("odd-groups", lambda: msg(replace(base(), EXT_GROUPS, b"\x00\x03\x00\x1d\x00")), "b.test"),
    ("empty-groups", lambda: msg(replace(base(), EXT_GROUPS, b"\x00\x00")), "b.test"),
    ("odd-sigalgs", lambda: msg(replace(base(), EXT_SIGALGS, b"\x00\x03\x04\x03\x08")), "b.test"),
    ("empty-alpn-name", lambda: msg(replace(base(), EXT_ALPN, b"\x00\x01\x00")), "b.test"),
    ("odd-versions", lambda: msg(replace(base(), EXT_VERSIONS, b"\x03\x03\x04\x03")), "b.test"),
    ("short-key-share", lambda: msg(replace(base(), EXT_KEY_SHARE, b"\x00\x24\x00\x1d\x00\x20")),
     "b.test"),
    ("oversized-groups", lambda: msg(replace(base(), EXT_GROUPS,
                                             u16(u16s([0x0017] + list(range(0x2000, 0x2000 + 2000)))))),
     "b.test"),
    ("3000-ciphers", lambda: msg(base(), ciphers=[0x1301, 0xc02f] + list(range(0x5000, 0x5000 + 2998))),
     "b.test"),
    ("100-extensions", lambda: msg(base() + unknown(100)), "b.test"),
    ("reversed-order", lambda: msg(list(reversed(base()))), "b.test"),
    ("sni-last", lambda: msg(sni_last(base())), "b.test"),
    ("sni-uppercase", lambda: msg(base(b"B.TEST")), "b.test"),
    ("sni-trailing-dot", lambda: msg(base(b"b.test.")), "a.test"),
    ("sni-unknown-name", lambda: msg(base(b"nobody.test")), "a.test"),
    ("no-sni", lambda: msg(base(None)), "a.test"),
    ("sni-empty-name", lambda: msg(replace(base(), EXT_SNI, sni_body(b""))), "a.test"),
    ("sni-empty-list", lambda: msg(replace(base(), EXT_SNI, b"\x00\x00")), "a.test"),
    ("sni-list-too-long", lambda: msg(replace(base(), EXT_SNI, b"\x00\x20\x00\x00\x06b.test")),
     "a.test"),
    ("sni-two-names", lambda: msg(replace(base(), EXT_SNI,
                                          u16(b"\x00" + u16(b"b.test") + b"\x00" + u16(b"a.test")))),
     "a.test"),
    ("sni-other-type-first", lambda: msg(replace(base(), EXT_SNI,
                                                 u16(b"\x01" + u16(b"x") + b"\x00" + u16(b"b.test")))),
     "a.test"),
    # mod_ssl compares the name as a C string: it selects b.test
    ("sni-nul-inside", lambda: msg(base(b"b.test\x00.evil")), "b.test"),
    ("ext-length-beyond-block", lambda: msg([], raw_ext_block=raw_block(base(), b"\x12\x34\x00\x40")),
     "a.test"),
    # OpenSSL checks the cipher list after mod_ssl's switch
    ("odd-cipher-list", lambda: msg(base(), raw_ciphers=b"\x00\x03\x13\x01\x13"), "b.test"),
    ("7-byte-records-duplicate", lambda: records(hello(base() + [(0x1234, b""), (0x1234, b"")]), 7),
     "b.test"),
    ("tls12-only-vhost-duplicate", lambda: msg(base(b"c.test") + [(0x1234, b""), (0x1234, b"")]),
     "c.test"),
    ("tls12-only-vhost-bad-points", lambda: msg(replace(base(b"c.test"), EXT_POINTS, b"\x05\x00")),
     "c.test"),
    ("tls12-only-vhost-baseline", lambda: msg(base(b"c.test")), "c.test"),
]


def allowed(policy, ans):
    """Empty if what the server chose is inside the policy, else what is not."""
    bad = []
    if ans.version not in policy["versions"]:
        bad.append("version %#06x" % ans.version)
    suites = policy["suites"] if ans.version == TLS13 else policy["ciphers"]
    if ans.cipher not in suites:
        bad.append("cipher %#06x" % ans.cipher)
    if ans.version == TLS13 and ans.group is None:
        bad.append("no key share group")
    if ans.group is not None and ans.group not in policy["groups"]:
        bad.append("group %#06x" % ans.group)
    return bad


def test_table_is_large_enough():
    assert len(ROWS) >= 20
    assert len({r[0] for r in ROWS}) == len(ROWS)


def check_mutated_hello(server, validator, name, make, vhost):
    """One row on a server of either adapter: refused, or negotiated inside
    the policy of the vhost (server block) that was selected, whose sink gets
    the one event under its name."""
    before = sink_lines(server)
    ans = exchange(server.port, make())
    policy = POLICIES[vhost]
    if not ans.refused:
        assert not allowed(policy, ans), "%s negotiated outside %s's policy: %r (%s)" % (
            name, vhost, ans, allowed(policy, ans))
    sink, event = new_event(server, before)
    validator.validate(event)
    assert sink == vhost, "event in %s's sink, expected %s's: %r" % (sink, vhost, event)
    assert event["tlsguard"]["vhost"] == vhost
    assert event["tlsguard"]["policy"] == policy["profile"]
    if ans.refused and event["tlsguard"].get("tls_error") == "policy_unresolved":
        assert event["tlsguard"]["reason"] in ("malformed_hello", "policy_unresolved")
        assert event["tlsguard"]["stage"] == "client_hello"


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_mutated_hello(server, validator, row):
    check_mutated_hello(server, validator, *row)


def test_forecast_failure_is_refused_and_named(server):
    """The review's repro: a TLS 1.3 hello for b.test offering only X25519 is
    refused (nist has no X25519), with or without a duplicate unknown type."""
    only_x25519 = default_extensions(b"b.test", groups=(0x001d,))
    for exts in (only_x25519, only_x25519 + [(0x1234, b""), (0x1234, b"")]):
        before = sink_lines(server)
        ans = exchange(server.port, msg(exts))
        assert ans.refused, ans
        sink, event = new_event(server, before)
        assert sink == "b.test" and event["tlsguard"]["vhost"] == "b.test", event
    assert event["tlsguard"]["reason"] == "malformed_hello", event
    assert event["tlsguard"]["tls_error"] == "policy_unresolved", event
    assert event["tlsguard"]["client"]["hello_error"] == "duplicate_extension", event


@pytest.mark.parametrize("name", [b"a" * 251 + b".test", b"a" * 4000])
def test_server_name_openssl_cannot_decode_is_a_malformed_hello(server, validator, name):
    """A name over RFC 6066's 255 bytes: OpenSSL answers alert 112 with its own
    "bad extension"; the hello is malformed, not a request for an unknown name."""
    before = sink_lines(server)
    ans = exchange(server.port, msg(base(name)))
    assert ans.refused and ans.alert == 112, ans
    sink, event = new_event(server, before)
    validator.validate(event)
    assert sink == "a.test"
    assert event["tlsguard"]["reason"] == "malformed_hello", event
    assert event["tlsguard"]["tls_error"] == "malformed", event
