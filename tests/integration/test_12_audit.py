"""The start-up audit (docs/events.md, "Audit event"): one tls-config-audit
event per SSL vhost, from the parent, with the effective settings read back
from the vhost's SSL_CTX, every certificate of its chain and each deviation
from the profile; the certificate watch (certificate-expiring/-expired) at
start-up and again after TLSGuardCertWatchInterval, from one process only;
TLSGuardCertPolicy fail; TLSGuardSessionTickets. Every certificate is made
here with openssl req/ca, every event is checked against the JSON Schema and
ECS's field table."""

import json
import os
import re
import subprocess
import time

import pytest

from test_05_events import validator  # noqa: F401 (fixture)
from tg_httpd import whole_lines
from tg_hellomut import default_extensions, exchange, hello, records

EXT_TICKET = 35
ECDHE_ECDSA_AES128_GCM = 0xc02b
ECDHE_RSA_AES128_GCM = 0xc02f

CA_CONF = """[ca]
default_ca = ca_default
[ca_default]
database = {d}/index.txt
new_certs_dir = {d}/new
serial = {d}/serial
default_md = sha256
policy = policy_any
unique_subject = no
[policy_any]
commonName = supplied
"""


def openssl(*args):
    proc = subprocess.run(["openssl", *args], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    assert proc.returncode == 0, "openssl %s: %s" % (args[0], proc.stdout.decode())
    return proc.stdout.decode()


class Pki:
    """A root CA, an intermediate CA under it, and leaves signed by either,
    with any key, digest and validity (openssl ca -startdate/-enddate)."""

    def __init__(self, root):
        self.dir = os.path.join(root, "pki")
        os.makedirs(os.path.join(self.dir, "new"))
        open(os.path.join(self.dir, "index.txt"), "w").close()
        with open(os.path.join(self.dir, "serial"), "w") as f:
            f.write("1000\n")
        self.conf = self.path("ca.cnf")
        with open(self.conf, "w") as f:
            f.write(CA_CONF.format(d=self.dir))
        self.root_key, self.root = self.path("root.key"), self.path("root.pem")
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", self.root_key, "-out", self.root, "-days", "3650",
                "-subj", "/CN=audit test root", "-addext",
                "basicConstraints=critical,CA:TRUE", "-addext",
                "keyUsage=critical,keyCertSign,cRLSign")
        self.inter_key, self.inter = self.make("inter", "audit test intermediate",
                                               ca=True, days=3650)

    def path(self, name):
        return os.path.join(self.dir, name)

    def make(self, name, cn, key=("ec", "P-256"), sans=None, days=60, start=None,
             end=None, md="sha256", issuer="root", ca=False):
        keyfile, csr, crt, ext = (self.path(name + s) for s in (".key", ".csr", ".pem", ".ext"))
        keyopts = (["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:" + key[1]]
                   if key[0] == "ec" else ["-newkey", "rsa:%d" % key[1]])
        openssl("req", "-new", *keyopts, "-nodes", "-keyout", keyfile, "-out", csr,
                "-subj", "/CN=" + cn)
        with open(ext, "w") as f:
            if ca:
                f.write("basicConstraints=critical,CA:TRUE\n"
                        "keyUsage=critical,keyCertSign,cRLSign\n")
            else:
                f.write("subjectAltName=%s\nextendedKeyUsage=serverAuth\n"
                        % ",".join("DNS:" + n for n in (sans or [cn])))
        ca_crt, ca_key = ((self.root, self.root_key) if issuer == "root"
                          else (self.inter, self.inter_key))
        when = (["-startdate", start, "-enddate", end] if start else ["-days", str(days)])
        openssl("ca", "-batch", "-notext", "-config", self.conf, "-cert", ca_crt,
                "-keyfile", ca_key, "-in", csr, "-out", crt, "-extfile", ext, "-md", md,
                *when)
        return keyfile, crt


def facts(crt):
    """What openssl itself says about a certificate."""
    out = openssl("x509", "-in", crt, "-noout", "-nameopt", "RFC2253", "-subject",
                  "-issuer", "-serial", "-fingerprint", "-sha256", "-enddate")
    f = dict(l.split("=", 1) for l in out.strip().splitlines())
    return {"subject": f["subject"].strip(), "issuer": f["issuer"].strip(),
            "serial": f["serial"].strip(),
            "sha256": f["sha256 Fingerprint"].replace(":", ""),
            "not_after": f["notAfter"]}


def vhost(h, name, key, crt, body="", aliases=(), chain=None, ca=None):
    lines = ["<VirtualHost 127.0.0.1:%d>" % h.port, "    ServerName " + name]
    lines += ["    ServerAlias " + a for a in aliases]
    lines += ["    SSLEngine on", "    SSLCertificateFile " + crt,
              "    SSLCertificateKeyFile " + key,
              "    TLSGuardEventLog logs/events.json"]
    if chain:
        lines.append("    SSLCertificateChainFile " + chain)
    if ca:
        lines.append("    SSLCACertificateFile " + ca)
    if body:
        lines.append("    " + body.replace("\n", "\n    "))
    return "\n".join(lines + ["</VirtualHost>", ""])


def configure(h, vhosts, server_lines=""):
    """Debian's apache2 has mod_watchdog built in (apache2 -l)."""
    h.write(h.base_conf() + "Listen 127.0.0.1:%d\n" % h.port + server_lines + "\n"
            + "".join(vhosts))


def event_lines(h):
    return whole_lines(os.path.join(h.root, "logs", "events.json"))


def events(h, validator, action):  # noqa: F811
    out = []
    for line in event_lines(h):
        assert len(line.encode()) + 1 <= 4096, line
        ev = json.loads(line)
        if ev["event"]["action"] == action:
            validator.validate(ev)
            out.append(ev)
    return out


def audits(h, validator):  # noqa: F811
    by_name = {}
    for ev in events(h, validator, "tls-config-audit"):
        names = [n["name"] for n in ev["tlsguard"]["audit"]["names"]]
        by_name[names[0]] = ev
    return by_name


def rules(ev):
    return [d["rule"] for d in ev["tlsguard"]["audit"]["deviations"]]


def dev(ev, rule):
    hits = [d["detail"] for d in ev["tlsguard"]["audit"]["deviations"] if d["rule"] == rule]
    assert hits, (rule, ev["tlsguard"]["audit"]["deviations"])
    return hits[0]


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("audit-pki"))
    os.chmod(root, 0o755)
    p = Pki(root)
    os.chmod(p.dir, 0o755)
    return p


def test_ecdsa_p256_field_by_field(httpd, pki, validator):  # noqa: F811
    key, crt = pki.make("p256", "p256.test", sans=["p256.test", "www.p256.test"],
                        issuer="inter")
    configure(httpd, [vhost(httpd, "p256.test", key, crt, "TLSGuardHSTS On", chain=pki.inter,
                            ca=pki.root, aliases=["www.p256.test"])])
    httpd.start()
    ev = audits(httpd, validator)["p256.test"]
    f, fi = facts(crt), facts(pki.inter)
    assert ev["event"] == {"kind": "state", "category": ["configuration"], "type": ["info"],
                           "action": "tls-config-audit", "dataset": "tlsguard.audit"}
    x = ev["tls"]["server"]["x509"]
    assert x["subject"]["distinguished_name"] == f["subject"] == "CN=p256.test"
    assert x["issuer"]["distinguished_name"] == f["issuer"] == "CN=audit test intermediate"
    assert x["serial_number"] == f["serial"]
    assert x["public_key_algorithm"] == "EC"
    assert x["public_key_size"] == 256 and x["public_key_curve"] == "P-256"
    assert x["signature_algorithm"] == "ecdsa-with-SHA256"
    assert x["alternative_names"] == ["p256.test", "www.p256.test"]
    assert ev["tls"]["server"]["hash"]["sha256"] == f["sha256"]
    assert ev["tls"]["server"]["not_after"] == x["not_after"]
    assert time.strftime("%b %e %H:%M:%S %Y", time.strptime(
        x["not_after"], "%Y-%m-%dT%H:%M:%S.000000Z")) + " GMT" == f["not_after"]
    tg = ev["tlsguard"]
    assert tg["policy"] == "intermediate" and tg["mode"] == "enforce"
    assert re.match(r"<VirtualHost> at .*httpd.conf:\d+ \(p256.test:%d\)$" % httpd.port,
                    tg["vhost"]), tg["vhost"]
    a = tg["audit"]
    assert a["versions"] == "TLSv1.2-TLSv1.3"
    assert a["ciphers"] == ("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                            "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                            "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305")
    assert a["cipher_suites"] == ("TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
                                  "TLS_CHACHA20_POLY1305_SHA256")
    assert a["groups"] == "X25519:prime256v1:secp384r1"
    assert a["skipped_groups"] == {"names": "X25519MLKEM768", "added_in": "OpenSSL 3.5"}
    assert a["session_tickets"] is False and a["session_cache"] == "server"
    assert a["ocsp_stapling"] is False
    assert a["hsts"] == "max-age=63072000; includeSubDomains"
    assert all(o["state"] == "profile" and o["reset"] is False for o in a["options"])
    assert "Options -EncryptThenMac" in [o["name"] for o in a["options"]]
    assert a["names"] == [{"name": "p256.test", "covered": True},
                          {"name": "www.p256.test", "covered": True}]
    assert a["chain"] == {"verified": True}
    leaf, inter = a["certificates"]
    assert (leaf["role"], inter["role"]) == ("leaf", "chain")
    assert leaf["sha256"] == f["sha256"] and inter["sha256"] == fi["sha256"]
    assert inter["subject"] == "CN=audit test intermediate" and inter["key_bits"] == 256
    assert 58 <= leaf["days_left"] <= 60
    assert rules(ev) == ["ocsp_stapling"]
    assert "Mozilla Server Side TLS 6.0 (intermediate)" in dev(ev, "ocsp_stapling")
    notice = [l for l in httpd.log_lines("TLSGUARD-040") if "p256.test" in l]
    assert len(notice) == 1, notice
    assert '"CN=p256.test" issued by "CN=audit test intermediate", EC 256 P-256' in notice[0]
    assert "chain verified" in notice[0] and "sha256 " + f["sha256"] in notice[0]
    assert 'HSTS "max-age=63072000; includeSubDomains"' in notice[0]


def test_rsa_sizes_and_each_profiles_rules(httpd, pki, validator):  # noqa: F811
    k2, c2 = pki.make("rsa2048", "rsa2048.test", key=("rsa", 2048))
    k3, c3 = pki.make("rsa3072", "rsa3072.test", key=("rsa", 3072))
    kb, cb = pki.make("rsa2048bsi", "rsa2048-bsi.test", key=("rsa", 2048))
    km, cm = pki.make("modern-rsa", "modern-rsa.test", key=("rsa", 2048), days=200)
    configure(httpd, [
        vhost(httpd, "rsa2048.test", k2, c2, ca=pki.root),
        vhost(httpd, "rsa3072.test", k3, c3, "TLSGuardProfile bsi-tr-02102-2", ca=pki.root),
        vhost(httpd, "rsa2048-bsi.test", kb, cb, "TLSGuardProfile bsi-tr-02102-2",
              ca=pki.root),
        vhost(httpd, "modern-rsa.test", km, cm, "TLSGuardProfile modern", ca=pki.root)])
    httpd.start()
    got = audits(httpd, validator)
    x2 = got["rsa2048.test"]["tls"]["server"]["x509"]
    assert (x2["public_key_algorithm"], x2["public_key_size"]) == ("RSA", 2048)
    assert "public_key_curve" not in x2
    assert x2["signature_algorithm"] == "ecdsa-with-SHA256"
    assert rules(got["rsa2048.test"]) == ["ocsp_stapling"]
    assert got["rsa2048.test"]["tlsguard"]["audit"]["hsts"] == "off"
    x3 = got["rsa3072.test"]["tls"]["server"]["x509"]
    assert (x3["public_key_algorithm"], x3["public_key_size"]) == ("RSA", 3072)
    assert got["rsa3072.test"]["tlsguard"]["policy"] == "bsi-tr-02102-2"
    assert rules(got["rsa3072.test"]) == []  # BSI sets no stapling rule
    assert rules(got["rsa2048-bsi.test"]) == ["rsa_key_size"]
    assert "RSA 2048 bits, fewer than 3000 (BSI TR-02102-2" in dev(got["rsa2048-bsi.test"],
                                                                 "rsa_key_size")
    m = got["modern-rsa.test"]
    assert rules(m) == ["key_type", "lifespan", "ocsp_stapling"]
    assert "RSA keys are not allowed" in dev(m, "key_type")
    assert "valid for 200 days, more than 90" in dev(m, "lifespan")
    assert m["tlsguard"]["audit"]["versions"] == "TLSv1.3"
    assert m["tlsguard"]["audit"]["ciphers"] == ""


def test_expired_expiring_uncovered_missing_intermediate(httpd, pki, validator):  # noqa: F811
    ke, ce = pki.make("expired", "expired.test", start="20240101000000Z",
                      end="20240201000000Z")
    k5, c5 = pki.make("five", "five.test", days=5)
    ku, cu = pki.make("uncovered", "uncovered.test")
    km, cm = pki.make("orphan", "orphan.test", issuer="inter")
    configure(httpd, [
        vhost(httpd, "expired.test", ke, ce, ca=pki.root),
        vhost(httpd, "five.test", k5, c5, ca=pki.root),
        vhost(httpd, "uncovered.test", ku, cu, ca=pki.root, aliases=["other.test"]),
        vhost(httpd, "orphan.test", km, cm, ca=pki.root)])
    httpd.start()
    got = audits(httpd, validator)
    e = got["expired.test"]
    assert e["tls"]["server"]["x509"]["not_after"] == "2024-02-01T00:00:00.000000Z"
    assert e["tlsguard"]["audit"]["certificates"][0]["days_left"] < -600
    assert "expired" in rules(e) and dev(e, "expired") == "CN=expired.test: expired"
    assert e["tlsguard"]["audit"]["chain"] == {"verified": False,
                                               "error": "certificate has expired"}
    assert rules(e) == ["expired", "chain", "ocsp_stapling"]
    f = got["five.test"]
    assert rules(f) == ["expiring", "ocsp_stapling"]
    assert re.fullmatch(r"CN=five.test: expires in [45] days \(TLSGuardCertWarn 30\)",
                        dev(f, "expiring")), dev(f, "expiring")
    u = got["uncovered.test"]
    assert u["tlsguard"]["audit"]["names"] == [{"name": "uncovered.test", "covered": True},
                                               {"name": "other.test", "covered": False}]
    assert rules(u) == ["name_not_covered", "ocsp_stapling"]
    assert dev(u, "name_not_covered") == "other.test is not covered by the certificate's names"
    o = got["orphan.test"]
    assert o["tlsguard"]["audit"]["chain"] == {
        "verified": False, "error": "unable to get local issuer certificate",
        "missing_issuer": "CN=audit test intermediate"}
    assert rules(o) == ["missing_intermediate", "ocsp_stapling"]
    assert len(o["tlsguard"]["audit"]["certificates"]) == 1
    notice = [l for l in httpd.log_lines("TLSGUARD-040") if "orphan.test" in l][0]
    assert "chain NOT verified: unable to get local issuer certificate, missing " \
           "issuer CN=audit test intermediate" in notice
    assert dev(o, "missing_intermediate") == (
        "unable to get local issuer certificate: no certificate of issuer CN=audit test "
        "intermediate in the chain or the trust store (a missing intermediate or an "
        "untrusted root)")


def test_sha1_signed_certificate(httpd, pki, validator):  # noqa: F811
    """OpenSSL 3 at security level 2 refuses to load a SHA-1-signed certificate
    into mod_ssl; the vhost lowers its level (SSLCipherSuite @SECLEVEL=0) to
    load it, under the old profile (level 0)."""
    k, c = pki.make("sha1", "sha1.test", md="sha1", key=("rsa", 2048))
    configure(httpd, [vhost(httpd, "sha1.test", k, c, "SSLCipherSuite DEFAULT:@SECLEVEL=0\n"
                            "TLSGuardProfile old", ca=pki.root)])
    httpd.start()
    ev = audits(httpd, validator)["sha1.test"]
    assert ev["tls"]["server"]["x509"]["signature_algorithm"] == "ecdsa-with-SHA1"
    assert "sha1_signature" in rules(ev)
    assert dev(ev, "sha1_signature").startswith("CN=sha1.test: signed with SHA1")


def test_weakening_option_appears_truthfully(httpd, pki, validator):  # noqa: F811
    k, c = pki.make("etm", "etm.test")
    k2, c2 = pki.make("etm-off", "etm-off.test")
    configure(httpd, [
        vhost(httpd, "etm.test", k, c, "SSLOpenSSLConfCmd Options -EncryptThenMac",
              ca=pki.root),
        vhost(httpd, "etm-off.test", k2, c2, "TLSGuard Off\n"
              "SSLOpenSSLConfCmd Options -EncryptThenMac", ca=pki.root)])
    httpd.start()
    got = audits(httpd, validator)
    opts = {o["name"]: o for o in got["etm.test"]["tlsguard"]["audit"]["options"]}
    assert opts["Options -EncryptThenMac"] == {"name": "Options -EncryptThenMac",
                                               "state": "profile", "reset": True}
    assert sum(o["reset"] for o in opts.values()) == 1
    assert "option" not in rules(got["etm.test"])
    off = got["etm-off.test"]
    assert off["tlsguard"]["mode"] == "off"
    opts = {o["name"]: o for o in off["tlsguard"]["audit"]["options"]}
    assert opts["Options -EncryptThenMac"] == {"name": "Options -EncryptThenMac",
                                               "state": "weakened", "reset": False}
    assert dev(off, "option") == '"Options -EncryptThenMac" is in effect'


def ticket_offered(h, name, cipher):
    exts = default_extensions(name, tls13=False) + [(EXT_TICKET, b"")]
    ans = exchange(h.port, records(hello(exts, ciphers=(cipher,))))
    assert ans.version == 0x0303 and ans.cipher == cipher, ans
    return EXT_TICKET in ans.extensions


def test_session_tickets_off_under_mozilla_and_the_override(httpd, pki, validator):  # noqa: F811
    k, c = pki.make("tickets", "tickets.test")
    k2, c2 = pki.make("tickets-on", "tickets-on.test")
    configure(httpd, [vhost(httpd, "tickets.test", k, c, ca=pki.root),
                      vhost(httpd, "tickets-on.test", k2, c2, "TLSGuardSessionTickets On",
                            ca=pki.root)])
    httpd.start()
    assert not ticket_offered(httpd, b"tickets.test", ECDHE_ECDSA_AES128_GCM)
    assert ticket_offered(httpd, b"tickets-on.test", ECDHE_ECDSA_AES128_GCM)
    got = audits(httpd, validator)
    assert got["tickets.test"]["tlsguard"]["audit"]["session_tickets"] is False
    assert got["tickets-on.test"]["tlsguard"]["audit"]["session_tickets"] is True


def test_session_tickets_directive_turns_them_off_elsewhere(httpd, pki):
    k, c = pki.make("nist-off", "nist-off.test")
    configure(httpd, [vhost(httpd, "nist-off.test", k, c, "TLSGuardProfile nist-800-52r2\n"
                            "TLSGuardSessionTickets Off", ca=pki.root)])
    httpd.start()
    assert not ticket_offered(httpd, b"nist-off.test", ECDHE_ECDSA_AES128_GCM)


def test_watch_at_startup_and_after_the_interval_from_one_process(httpd, pki,
                                                                  validator):  # noqa: F811
    k, c = pki.make("watch", "watch.test", days=5)
    configure(httpd, [vhost(httpd, "watch.test", k, c, ca=pki.root)],
              "TLSGuardCertWatchInterval 2\nStartServers 3\nMinSpareThreads 75")
    httpd.start()
    first = events(httpd, validator, "certificate-expiring")
    assert len(first) == 1, first
    parent = httpd.pid()
    assert first[0]["process"]["pid"] == parent
    ev = first[0]
    assert ev["event"] == {"kind": "event", "category": ["configuration"], "type": ["info"],
                           "action": "certificate-expiring",
                           "dataset": "tlsguard.certificate"}
    cert = ev["tlsguard"]["certificate"]
    assert cert["role"] == "leaf" and cert["days_left"] in (4, 5) and cert["warn_days"] == 30
    assert ev["tls"]["server"]["x509"]["subject"]["distinguished_name"] == "CN=watch.test"
    assert ev["tls"]["server"]["hash"]["sha256"] == facts(c)["sha256"]
    deadline = time.time() + 15
    while time.time() < deadline and len(events(httpd, validator, "certificate-expiring")) < 3:
        time.sleep(0.2)
    t0 = time.time()
    later = events(httpd, validator, "certificate-expiring")[1:]
    assert len(later) >= 2, later
    pids = {e["process"]["pid"] for e in later}
    assert len(pids) == 1 and parent not in pids, pids
    # one line per interval: no second process writes the same check
    time.sleep(2.0 - (time.time() - t0) % 2.0 + 0.5)
    n = len(events(httpd, validator, "certificate-expiring"))
    stamps = [e["@timestamp"] for e in events(httpd, validator, "certificate-expiring")[1:]]
    assert len(stamps) == len(set(stamps)) == n - 1
    span = time.time() - t0 + 4.0
    assert n - 1 <= span / 2.0 + 1, (n, span)
    warnings = httpd.log_lines("TLSGUARD-043")
    assert len(warnings) == n, warnings
    assert "certificate-expiring: \"CN=watch.test\"" in warnings[0]


def test_expired_event_at_startup(httpd, pki, validator):  # noqa: F811
    k, c = pki.make("gone", "gone.test", start="20240101000000Z", end="20240201000000Z")
    configure(httpd, [vhost(httpd, "gone.test", k, c, ca=pki.root)])
    httpd.start()
    got = events(httpd, validator, "certificate-expired")
    assert len(got) == 1 and got[0]["tlsguard"]["certificate"]["days_left"] < -600, got
    assert events(httpd, validator, "certificate-expiring") == []


def test_audit_once_per_start_and_per_graceful_restart(httpd, pki, validator):  # noqa: F811
    k, c = pki.make("again", "again.test")
    configure(httpd, [vhost(httpd, "again.test", k, c, ca=pki.root)])
    httpd.start()
    assert len(events(httpd, validator, "tls-config-audit")) == 1
    assert len(httpd.log_lines("TLSGUARD-040")) == 1
    httpd.graceful()
    assert len(events(httpd, validator, "tls-config-audit")) == 2
    assert len(httpd.log_lines("TLSGUARD-040")) == 2


@pytest.mark.parametrize("case", ["expired", "uncovered"])
def test_cert_policy_fail_refuses_to_start(httpd, pki, case):
    if case == "expired":
        k, c = pki.make("f-expired", "f-expired.test", start="20240101000000Z",
                        end="20240201000000Z")
        v = vhost(httpd, "f-expired.test", k, c, "TLSGuardCertPolicy fail", ca=pki.root)
        want = "TLSGuardCertPolicy fail: expired: CN=f-expired.test: expired"
    else:
        k, c = pki.make("f-unc", "f-unc.test")
        v = vhost(httpd, "f-unc.test", k, c, "TLSGuardCertPolicy fail", ca=pki.root,
                  aliases=["nope.test"])
        want = ("TLSGuardCertPolicy fail: name_not_covered: nope.test is not covered by "
                "the certificate's names")
    configure(httpd, [v])
    rc, out = httpd.configtest()  # the module loads the certificate files itself
    assert rc != 0 and want in out, out
    rc, out = httpd.start(expect_ok=False)
    assert not httpd.alive(), out
    lines = [l for l in out.splitlines() if "TLSGUARD-042" in l]
    assert lines and want in lines[0], out
    assert re.search(r"<VirtualHost> at .*httpd.conf:\d+ \(f-", lines[0]), lines[0]


def test_cert_policy_warn_starts(httpd, pki):
    k, c = pki.make("w-expired", "w-expired.test", start="20240101000000Z",
                    end="20240201000000Z")
    configure(httpd, [vhost(httpd, "w-expired.test", k, c, ca=pki.root)])
    rc, out = httpd.configtest()
    assert rc == 0 and "TLSGUARD-042" not in out, out
    httpd.start()
    assert httpd.alive() and httpd.log_lines("TLSGUARD-042") == []


@pytest.mark.parametrize("line, message", [
    ("TLSGuardCertWarn soon", 'TLSGuardCertWarn: "soon" is not a number of days'),
    ("TLSGuardCertPolicy maybe", 'TLSGuardCertPolicy: unknown value "maybe"'),
    ("TLSGuardCertWatchInterval 0", 'TLSGuardCertWatchInterval: "0" is not a number'),
])
def test_directive_errors_name_the_directive_and_place(httpd, line, message):
    httpd.simple(line)
    rc, out = httpd.configtest()
    assert rc != 0 and message in out and "httpd.conf" in out, out


def test_audit_events_off_keeps_the_error_log_notices(httpd, pki, validator):  # noqa: F811
    k, c = pki.make("quiet", "quiet.test", days=5)
    configure(httpd, [vhost(httpd, "quiet.test", k, c, "TLSGuardAuditEvents Off",
                            ca=pki.root)])
    httpd.start()
    # only the readiness probe's own handshake event, if it came in time
    actions = [json.loads(l)["event"]["action"] for l in event_lines(httpd)]
    assert set(actions) <= {"tls-handshake"}, actions
    assert len(httpd.log_lines("TLSGUARD-040")) == 1
    assert len(httpd.log_lines("TLSGUARD-043")) == 1


def test_documented_audit_and_watch_examples_validate(validator):  # noqa: F811
    path = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "events.md")
    with open(path, encoding="utf-8") as f:
        blocks = re.findall(r"```jsonl\n(.*?)```", f.read(), re.S)
    lines = [l for b in blocks for l in b.splitlines() if l.strip()]
    actions = sorted(json.loads(l)["event"]["action"] for l in lines)
    assert actions == ["certificate-expiring", "events-suppressed", "tls-config-audit"], actions
    for line in lines:
        assert len(line.encode()) + 1 <= 4096
        validator.validate(json.loads(line))
