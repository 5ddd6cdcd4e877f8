"""TLSGuardMode report and TLSGuardReportProfile: mod_ssl's own settings
govern the handshake, and every hello the profile would refuse becomes one
would_reject event, with the reason enforcement would give and the first
request's User-Agent, Host and method. Every event is validated against the
schema and ECS (test_05_events' checker)."""

import json
import os

import pytest

from test_05_events import Events, validator  # noqa: F401 (fixture)
from tg_httpd import curl, run, s_client

LEGACY = "SSLProtocol all\nSSLCipherSuite ALL:@SECLEVEL=0\n"
UA = "tlsguard-report-test/1.0 (\"quoted\")"


def report_server(h, server_lines="TLSGuardProfile intermediate\nTLSGuardMode report\n",
                  events="failures"):
    h.write(h.base_conf() + "Listen 127.0.0.1:%d\n" % h.port + server_lines
            + "TLSGuardEventLog logs/events.json\nTLSGuardEvents %s\n" % events
            + h.ssl_vhost(LEGACY))
    h.start()
    return h


class Reports(Events):
    """The would_reject events alone (the harness's connect-and-close and
    real failures are handshake events of their own)."""

    def lines(self):
        return [l for l in super().lines() if json.loads(l)["tlsguard"].get("verdict")]


@pytest.fixture
def rep(httpd, validator):  # noqa: F811
    report_server(httpd)
    return Reports(httpd, validator)


def would_reject(e, reason, policy="intermediate", mode_policy="intermediate"):
    t = e["tlsguard"]
    assert t["verdict"] == "would_reject", e
    assert t["reason"] == reason, e
    assert t["stage"] == "client_hello"
    assert t["mode"] == "report"
    assert t["report_policy"] == policy
    assert t["policy"] == mode_policy
    if reason != "policy_unresolved":  # the guard's verdict, not a judge's step
        assert t["report_rule"].startswith("J")
    assert e["event"]["type"] == ["connection", "info"]
    assert e["source"]["ip"] == "127.0.0.1"


def test_tls10_client_succeeds_and_is_reported_with_its_user_agent(rep, certs):
    rc, out = curl(rep.h.port, "/", "--tlsv1.0", "--tls-max", "1.0", "--ciphers",
                   "DEFAULT:@SECLEVEL=0", "-A", UA, cacert=certs.ca)
    assert rc == 0 and " 200 " in out.splitlines()[0], out
    e = rep.one()
    would_reject(e, "protocol_version")
    assert e["user_agent"]["original"] == UA
    assert e["url"]["domain"] == "localhost"
    assert e["http"]["request"]["method"] == "GET"
    assert e["tls"]["established"] is True
    assert e["tls"]["version"] == "1.0"
    assert e["event"]["outcome"] == "success"
    assert e["tlsguard"]["client"]["versions"] == ["TLSv1"]
    assert e["tlsguard"]["report_rule"] == "J01"


def test_modern_client_is_not_reported(rep, certs):
    rc, out = curl(rep.h.port, "/", "-A", "modern", cacert=certs.ca)
    assert rc == 0 and " 200 " in out.splitlines()[0], out
    rc, out = curl(rep.h.port, "/", "--tls-max", "1.2", "--tlsv1.2", "-A", "tls12", "--ciphers",
                   "AES128-SHA", cacert=certs.ca)
    assert rc == 0, out
    e = rep.one()  # the only report is the second client's
    would_reject(e, "no_shared_cipher")
    assert e["user_agent"]["original"] == "tls12"


@pytest.mark.parametrize("args,reason,rule,accepted", [
    (["-tls1_2", "-cipher", "AES128-SHA:AES256-SHA:DES-CBC3-SHA:@SECLEVEL=0"],
     "no_shared_cipher", "J08", True),
    (["-tls1_3", "-groups", "X448"], "no_shared_group", "J06", True),
    (["-tls1_2", "-sigalgs", "RSA+SHA1:ECDSA+SHA1", "-cipher", "DEFAULT:@SECLEVEL=0"],
     "no_shared_sigalg", "J07", True),
    # mod_ssl's own range (SSLProtocol all) refuses this one as well
    (["-tls1_2", "-fallback_scsv"], "inappropriate_fallback", "J02", False),
])
def test_refusals_are_reported_with_their_reason(rep, args, reason, rule, accepted):
    ok, out = s_client(rep.h.port, *args)
    assert ok == accepted, out  # mod_ssl's settings decide
    e = rep.one()
    would_reject(e, reason)
    assert e["tlsguard"]["report_rule"] == rule
    assert "user_agent" not in e  # no request came: written at close


def test_no_report_for_a_hello_the_profile_accepts(rep):
    for args in (["-tls1_3"], ["-tls1_2"], ["-tls1_3", "-groups", "X448:X25519"]):
        ok, out = s_client(rep.h.port, *args)
        assert ok, out
    ok, out = s_client(rep.h.port, "-tls1_1", "-cipher", "ALL:@SECLEVEL=0")
    assert ok, out
    would_reject(rep.one(), "protocol_version")  # the first report is this one


def test_report_mode_leaves_mod_ssl_settings_alone(httpd):
    report_server(httpd)
    assert httpd.log_lines("TLSGUARD-005"), httpd.log()
    assert not httpd.log_lines("TLSGUARD-001")
    assert "mode report" in " ".join(httpd.log_lines("TLSGUARD-040"))
    ok, out = s_client(httpd.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0")
    assert ok and "TLSv1" in out, out


def test_report_profile_under_enforced_intermediate(httpd, validator, certs):  # noqa: F811
    report_server(httpd, "TLSGuardProfile intermediate\nTLSGuardReportProfile modern\n")
    reports = Reports(httpd, validator)
    rc, out = curl(httpd.port, "/", "--tlsv1.2", "--tls-max", "1.2", "-A", "legacy-app",
                   cacert=certs.ca)
    assert rc == 0 and " 200 " in out.splitlines()[0], out
    e = reports.one()
    would_reject(e, "protocol_version", policy="modern")
    assert e["user_agent"]["original"] == "legacy-app"
    assert e["tls"]["version"] == "1.2"
    # the enforced profile still refuses TLS 1.0; modern would too, and says so
    ok, _ = s_client(httpd.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0")
    assert not ok
    e = reports.one()
    would_reject(e, "protocol_version", policy="modern")
    assert e["event"]["outcome"] == "failure" and e["tls"]["established"] is False
    ok, _ = s_client(httpd.port, "-tls1_3")
    assert ok
    rc, out = curl(httpd.port, "/", "--tlsv1.2", "--tls-max", "1.2", "-A", "second",
                   cacert=certs.ca)
    assert rc == 0, out
    assert reports.one()["user_agent"]["original"] == "second"


def test_http2_requests_report_once(httpd, validator, certs):  # noqa: F811
    httpd.write(httpd.base_conf(httpd.modules(["http2"])) + "Listen 127.0.0.1:%d\n" % httpd.port
                + "TLSGuardProfile modern\nTLSGuardMode report\n"
                + "TLSGuardEventLog logs/events.json\n"
                + httpd.ssl_vhost(LEGACY + "Protocols h2 http/1.1"))
    httpd.start()
    reports = Reports(httpd, validator)
    rc, out = curl(httpd.port, "/", "--http2", "--tlsv1.2", "--tls-max", "1.2", "-A", "h2-app",
                   "https://localhost:%d/index.html" % httpd.port, cacert=certs.ca)
    assert rc == 0, out
    e = reports.one()
    would_reject(e, "protocol_version", policy="modern", mode_policy="modern")
    assert e["user_agent"]["original"] == "h2-app"
    assert e["tls"]["next_protocol"] == "h2"


@pytest.mark.parametrize("line,needle", [
    ("TLSGuardMode watch", "TLSGuardMode: unknown mode \"watch\""),
    ("TLSGuardReportProfile strict", "TLSGuardReportProfile: unknown profile \"strict\""),
])
def test_bad_values_fail_configtest(httpd, line, needle):
    httpd.simple(vhost_lines=line)
    rc, out = httpd.configtest()
    assert rc != 0
    assert needle in out, out
    assert "<VirtualHost> at %s:" % httpd.conf_path in out, out


def test_report_profile_that_cannot_hold_the_vhost_adjustments_fails(httpd):
    httpd.simple(vhost_lines="TLSGuardProtocols TLSv1.2\nTLSGuardReportProfile modern")
    rc, out = httpd.configtest()
    assert rc != 0
    assert "TLSGuardReportProfile modern" in out and "TLS 1.2 ciphers" in out, out


def test_guard_refusal_becomes_a_report_on_a_report_vhost(httpd, validator):  # noqa: F811
    """A hello our parser refuses (a duplicate unknown extension) while OpenSSL
    selects b.test by its name: the connection carries the default vhost's
    settings. Enforced, the guard refuses it (policy_unresolved,
    test_07_sni_mutations); on a report-mode b.test it goes on, reported."""
    from tg_hellomut import default_extensions, exchange, hello, records

    h = httpd
    h.write(h.base_conf() + "Listen 127.0.0.1:%d\n" % h.port
            + h.ssl_vhost("TLSGuardProfile intermediate\n"
                          "    TLSGuardEventLog logs/a.json", name="a.test")
            + h.ssl_vhost("TLSGuardProfile intermediate\n    TLSGuardMode report\n"
                          "    TLSGuardEventLog logs/b.json", name="b.test"))
    h.start()
    reports = Reports(h, validator, path="logs/b.json")
    exts = default_extensions(b"b.test") + [(0x1234, b""), (0x1234, b"")]
    ans = exchange(h.port, records(hello(exts)))
    assert not ans.refused, ans
    e = reports.one()
    would_reject(e, "policy_unresolved")
    assert e["tlsguard"]["vhost"] == "b.test"
    assert "report_rule" not in e["tlsguard"]


def test_report_without_an_event_log_warns(httpd):
    httpd.simple(vhost_lines="TLSGuardMode report")
    httpd.start()
    assert httpd.log_lines("TLSGUARD-006"), httpd.log()
    ok, out = s_client(httpd.port, "-tls1_2")
    assert ok, out


def test_a_vhost_drops_an_inherited_report_profile(httpd, validator, certs):  # noqa: F811
    httpd.write(httpd.base_conf() + "Listen 127.0.0.1:%d\n" % httpd.port
                + "TLSGuardProfile intermediate\nTLSGuardReportProfile modern\n"
                + "TLSGuardEventLog logs/events.json\n"
                + httpd.ssl_vhost("TLSGuardReportProfile none", name="a.test")
                + httpd.ssl_vhost("", name="b.test"))
    httpd.start()
    reports = Reports(httpd, validator)
    for name in ("a.test", "b.test"):
        rc, out = curl(httpd.port, "/", "--tlsv1.2", "--tls-max", "1.2", "-A", name,
                       host=name, cacert=certs.ca)
        assert rc == 0, out
    e = reports.one()  # b.test's alone
    would_reject(e, "protocol_version", policy="modern")
    assert e["tlsguard"]["vhost"] == "b.test"


def test_every_would_reject_is_counted_even_when_its_event_is_suppressed(httpd, validator):  # noqa: F811
    """tlsguard_would_reject_total counts each verdict; the events share the
    vhost's TLSGuardEventRate bucket (two events, one of them perhaps the
    harness's connect-and-close, then none for an hour)."""
    from tg_metrics import plain_vhost, scrape_after_start, wait_scrape

    h = httpd
    h.write(h.base_conf(h.modules(["authz_host"])) + "Listen 127.0.0.1:%d\n" % h.port
            + "TLSGuardProfile intermediate\nTLSGuardMode report\n"
            + "TLSGuardEventLog logs/events.json\nTLSGuardEventRate 1/h burst 2\n"
            + h.ssl_vhost(LEGACY) + plain_vhost(h))
    h.start()
    rep = Reports(h, validator)
    before = scrape_after_start(h)
    for _ in range(3):
        ok, out = s_client(h.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0")
        assert ok, out  # mod_ssl's settings govern: accepted
    for _ in range(2):
        ok, out = s_client(h.port, "-tls1_2", "-cipher", "AES128-SHA")
        assert ok, out

    def grew(name, **labels):
        return after.sum(name, **labels) - before.sum(name, **labels)

    # a verdict is counted when its connection closes, after the client is done,
    # and the handshake itself just after it
    after = wait_scrape(h, lambda s: s.sum("tlsguard_would_reject_total")
                        - before.sum("tlsguard_would_reject_total") >= 5
                        and s.sum("tlsguard_handshakes_total", outcome="success")
                        - before.sum("tlsguard_handshakes_total", outcome="success") >= 5)
    written = [json.loads(l) for l in rep.lines()]
    assert 1 <= len(written) <= 2, written
    for e in written:
        would_reject(e, "protocol_version")  # the first ones the bucket let through
        rep.validator.validate(e)
    assert grew("tlsguard_would_reject_total", reason="protocol_version",
                report_policy="intermediate") == 3
    assert grew("tlsguard_would_reject_total", reason="no_shared_cipher",
                report_policy="intermediate") == 2
    assert grew("tlsguard_would_reject_total") == 5
    assert grew("tlsguard_events_suppressed_total") == 5 - len(written)
    assert grew("tlsguard_handshakes_total", outcome="success") == 5


def test_would_rejects_are_counted_without_an_event_log(httpd):
    from tg_metrics import plain_vhost, scrape_after_start, wait_scrape

    h = httpd
    h.write(h.base_conf(h.modules(["authz_host"])) + "Listen 127.0.0.1:%d\n" % h.port
            + "TLSGuardProfile intermediate\nTLSGuardReportProfile modern\n"
            + h.ssl_vhost(LEGACY) + plain_vhost(h))
    h.start()
    before = scrape_after_start(h)
    ok, out = s_client(h.port, "-tls1_2")
    assert ok, out  # intermediate is enforced: TLS 1.2 is served
    after = wait_scrape(h, lambda s: s.sum("tlsguard_would_reject_total")
                        > before.sum("tlsguard_would_reject_total"))
    assert (after.sum("tlsguard_would_reject_total", reason="protocol_version",
                      report_policy="modern")
            - before.sum("tlsguard_would_reject_total", reason="protocol_version",
                         report_policy="modern")) == 1
