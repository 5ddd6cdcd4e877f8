"""The mutated-hello table of the Apache adapter against three server blocks
with different profiles and event logs on one address: whichever block nginx
selects, its whole policy applies or the handshake is refused, and the event
goes to that block's log under its name."""

import os
import time

import pytest

from test_07_sni_mutations import (POLICIES, ROWS, allowed, base, default_extensions,  # noqa: F401
                                   exchange, msg, new_event, sink_lines)
from test_07_sni_mutations import validator  # noqa: F401  (the schema + ECS fixture)

# Where nginx's selection differs from mod_ssl's (the Apache table's third
# column): nginx lower-cases the name and drops one trailing dot
# (ngx_http_validate_host) and takes the first name of a list, as OpenSSL
# hands it over. nginx selects in OpenSSL's servername callback, after
# OpenSSL has parsed every extension: a hello OpenSSL refuses while parsing
# them (or its cipher list, or a name it cannot decode) stays on the default
# block, where mod_ssl, selecting earlier, had switched.
NGINX_SELECTS = {
    "sni-trailing-dot": "b.test",
    "sni-two-names": "b.test",
    "sni-nul-inside": "a.test",
    "bad-point-formats-tls12": "a.test",
    "bad-psk-modes-tls13": "a.test",
    "odd-groups": "a.test",
    "odd-sigalgs": "a.test",
    "odd-versions": "a.test",
    "short-key-share": "a.test",
    "odd-cipher-list": "a.test",
}


@pytest.fixture(scope="module")
def server(make_module_nginx):
    n = make_module_nginx
    blocks = [n.server("tlsguard_profile intermediate;\n        tlsguard_event_log "
                       "logs/a.test.json;", name="a.test", default=True),
              n.server("tlsguard_profile nist-800-52r2;\n        tlsguard_event_log "
                       "logs/b.test.json;", name="b.test"),
              n.server("tlsguard_protocols TLSv1.2;\n        tlsguard_event_log "
                       "logs/c.test.json;", name="c.test")]
    n.write(n.conf("ssl_protocols TLSv1.2 TLSv1.3;", "".join(blocks)))
    n.start()
    deadline = time.time() + 5
    while time.time() < deadline and not sink_lines(n)["a.test"]:
        time.sleep(0.05)
    time.sleep(0.3)
    return n


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_mutated_hello(server, validator, row):  # noqa: F811
    name, make, vhost = row
    vhost = NGINX_SELECTS.get(name, vhost)
    before = sink_lines(server)
    ans = exchange(server.port, make())
    policy = POLICIES[vhost]
    if not ans.refused:
        assert not allowed(policy, ans), "%s negotiated outside %s's policy: %r (%s)" % (
            name, vhost, ans, allowed(policy, ans))
    sink, event = new_event(server, before)
    validator.validate(event)
    assert sink == vhost, "event in %s's log, expected %s's: %r" % (sink, vhost, event)
    assert event["tlsguard"]["vhost"] == vhost
    assert event["tlsguard"]["policy"] == policy["profile"]
    if ans.refused and event["tlsguard"].get("tls_error") == "policy_unresolved":
        assert event["tlsguard"]["reason"] in ("malformed_hello", "policy_unresolved")


def test_forecast_failure_is_refused_and_named(server):
    """A TLS 1.3 hello for b.test offering only X25519 (nist has none) is
    refused, with or without a duplicate unknown type our parser refuses."""
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
