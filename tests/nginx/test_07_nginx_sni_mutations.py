"""The mutated-hello table of the Apache adapter against three server blocks
with different profiles and event logs on one address: whichever block nginx
selects, its whole policy applies or the handshake is refused, and the event
goes to that block's log under its name."""

import os
import time

import pytest

from test_07_sni_mutations import ROWS, check_mutated_hello, sink_lines
# the same hello and the same answer on both adapters: run here with this file's `server`
from test_07_sni_mutations import test_forecast_failure_is_refused_and_named  # noqa: F401
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
    check_mutated_hello(server, validator, name, make, NGINX_SELECTS.get(name, vhost))
