"""The demo: a private httpd on 127.0.0.1 with mod_ssl and mod_tlsguard, a
generated certificate, and real clients that are accepted or rejected; then
the same clients against a private nginx with ngx_http_tlsguard_module."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))

from tg_httpd import Certs, Httpd, curl, gnutls, s_client, s_client_cipher, s_client_protocol  # noqa: E402
from tg_rawtls import send_and_close  # noqa: E402

# The vhost's own mod_ssl settings allow everything; the module holds it to the profile.
VHOST = """    SSLProtocol all
    SSLCipherSuite ALL:@SECLEVEL=0"""


def show(title, accepted, detail):
    print("  %-62s %s  %s" % (title, "ACCEPTED" if accepted else "REJECTED", detail))


ALERTS = {"40": "handshake_failure", "70": "protocol_version", "71": "insufficient_security"}


def alert_of(out):
    """The alert the server sent, as the client reports it."""
    m = re.search(r"alert number (\d+)", out) or re.search(r"Received alert \[(\d+)\]", out)
    if m:
        return "server sent alert %s (%s)" % (m.group(1), ALERTS.get(m.group(1), "?"))
    return out.strip().splitlines()[-1][-60:] if out.strip() else ""


def show_audit(events):
    """The start-up audit event of each vhost: what it negotiates, its certificates."""
    for e in events:
        if e["event"]["action"] != "tls-config-audit":
            continue
        a = e["tlsguard"]["audit"]
        print("\n  tls-config-audit  %s  profile=%s mode=%s %s tickets=%s stapling=%s" % (
            e["tlsguard"]["vhost"], e["tlsguard"]["policy"], e["tlsguard"]["mode"],
            a["versions"], a["session_tickets"], a["ocsp_stapling"]))
        for c in a["certificates"]:
            print("    %-5s %-20s %s %d %s, until %s (%d days), sha256 %s..." % (
                c["role"], c["subject"], c["key_type"], c["key_bits"],
                c["signature_algorithm"], c["not_after"][:10], c["days_left"], c["sha256"][:16]))
        print("    names: %s; chain: %s" % (
            ", ".join("%s%s" % (n["name"], "" if n["covered"] else " (NOT covered)")
                      for n in a["names"]),
            "verified" if a["chain"]["verified"] else a["chain"].get("error")))
        for d in a["deviations"]:
            print("    deviation %s: %s" % (d["rule"], d["detail"]))


REPORT_TOOL = os.path.join(os.path.dirname(__file__), "..", "tools", "tlsguard-report")


def report_run(root, certs):
    """The same clients against a report-only vhost: all accepted by mod_ssl's own
    settings, and each hello the profiles would refuse reported."""
    h = Httpd(os.path.join(root, "report"), certs)
    h.write(h.base_conf() + "Listen 127.0.0.1:%d\n" % h.port
            + "TLSGuardProfile intermediate\nTLSGuardMode report\n"
            + "TLSGuardReportProfile modern\n"
            + "TLSGuardEventLog logs/tlsguard-events.json\n"
            + h.ssl_vhost(VHOST))
    print("\n== report-only mode: TLSGuardMode report (intermediate), TLSGuardReportProfile "
          "modern, https://127.0.0.1:%d/" % h.port)
    try:
        h.start()
        for line in h.log_lines("TLSGUARD-005"):
            print("  " + line)
        for agent, args in (("legacy-pos/2.1", ["--tlsv1.0", "--tls-max", "1.0", "--ciphers",
                                                "DEFAULT:@SECLEVEL=0"]),
                            ("inventory-sync/5", ["--tlsv1.2", "--tls-max", "1.2", "--ciphers",
                                                  "AES128-SHA"]),
                            ("mobile-app/7", ["--tlsv1.2", "--tls-max", "1.2"]),
                            ("browser/120", ["--tlsv1.3"])):
            rc, out = curl(h.port, "/", "-A", agent, *args, cacert=certs.ca)
            show("curl -A %s %s" % (agent, " ".join(args[:3])), rc == 0,
                 out.splitlines()[0] if rc == 0 else out.strip()[-60:])
        time.sleep(0.5)
        events = os.path.join(h.root, "logs", "tlsguard-events.json")
        print("\n  would_reject events (%s):" % events)
        for line in open(events).read().splitlines():
            e = json.loads(line)
            t = e["tlsguard"]
            if t.get("verdict") != "would_reject":
                continue
            print("  %-12s %-16s rule=%s tls=%s ua=%s host=%s" % (
                t["report_policy"], t["reason"], t.get("report_rule", "-"),
                e["tls"].get("version", "-"), e.get("user_agent", {}).get("original", "-"),
                e.get("url", {}).get("domain", "-")))
        print("\n== tools/tlsguard-report %s" % events)
        out = subprocess.run(["/usr/bin/python3", REPORT_TOOL, events], stdout=subprocess.PIPE,
                             check=True).stdout.decode()
        print("".join("  " + l + "\n" for l in out.splitlines()))
    finally:
        h.stop()


def battery(port, certs):
    """The same clients against any server: accepted or rejected, and why."""
    rc, out = curl(port, "/", "--tlsv1.3", cacert=certs.ca)
    show("curl, TLS 1.3", rc == 0, out.splitlines()[0] if rc == 0 else out.strip()[-60:])
    ok, out = s_client(port, "-tls1_3")
    show("openssl s_client -tls1_3", ok, "%s %s" % (s_client_protocol(out), s_client_cipher(out)))
    ok, out = s_client(port, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256")
    show("openssl s_client -tls1_2 ECDHE-RSA-AES128-GCM-SHA256", ok,
         "%s %s" % (s_client_protocol(out), s_client_cipher(out)))
    ok, out = s_client(port, "-tls1", "-cipher", "ALL:@SECLEVEL=0")
    show("openssl s_client -tls1 (TLS 1.0)", ok, alert_of(out))
    ok, out = s_client(port, "-tls1_1", "-cipher", "ALL:@SECLEVEL=0")
    show("openssl s_client -tls1_1 (TLS 1.1)", ok, alert_of(out))
    ok, out = s_client(port, "-tls1_2", "-cipher", "AES128-SHA:@SECLEVEL=0")
    show("openssl s_client -tls1_2 AES128-SHA (RSA key exchange, CBC)", ok, alert_of(out))
    ok, out = gnutls(port, "NONE:+VERS-TLS1.2:+AES-128-CBC:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL")
    show("gnutls-cli TLS 1.2 RSA-AES-128-CBC-SHA1", ok, alert_of(out))
    ok, out = gnutls(port, "NONE:+VERS-TLS1.2:+AES-128-CBC:+ECDHE-RSA:+SHA1:+COMP-NULL:"
                     "+SIGN-ALL:+GROUP-ALL")
    show("gnutls-cli TLS 1.2 ECDHE-RSA-AES-128-CBC-SHA1", ok, alert_of(out))
    send_and_close(port, b"GET / HTTP/1.0\r\n\r\n")
    show("plain HTTP spoken to the TLS port", False, "answered in clear text, no HSTS")
    rc, out = curl(port, "/", cacert=certs.ca)
    hsts = [l for l in out.splitlines() if l.lower().startswith("strict-transport-security")]
    print("\n== HTTPS response header: %s" % (hsts[0] if hsts else "(none)"))


def show_events(lines):
    """One line per failed handshake's event, then the first full event."""
    print("\n== one JSON event per failed handshake")
    for line in lines:
        e = json.loads(line)
        if e["event"]["action"] != "tls-handshake":
            continue
        t = e["tlsguard"]
        if "reason" not in t or t["bytes_in"] == 0 and t["reason"] == "empty_connection":
            continue  # the demo's own port probe
        print("  %-16s stage=%-12s alert=%-18s versions=%-8s ciphers offered=%d ja4=%s" % (
            t["reason"], t["stage"], t.get("alert", {}).get("sent", {}).get("name", "-"),
            ",".join(t.get("client", {}).get("versions", [])) or "-",
            len(e["tls"].get("client", {}).get("supported_ciphers", [])),
            t.get("client", {}).get("ja4", "-")))
    if lines:
        print("\n  the first full event:")
        print("  " + next(l for l in lines if '"protocol_version"' in l))


NGINX_MODULE = os.environ.get("TG_NGINX_MODULE") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "obj", "nginx", "ngx_http_tlsguard_module.so")


def nginx_demo(root, certs):
    """The same battery against Debian's nginx with ngx_http_tlsguard_module."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "nginx"))
    import tg_nginx
    if not os.path.exists(NGINX_MODULE) or not os.path.exists(tg_nginx.NGINX):
        print("\n== nginx: no module at %s (nginx-dev missing?): skipped" % NGINX_MODULE)
        return
    tg_nginx.MODULE = os.path.abspath(NGINX_MODULE)
    n = tg_nginx.Nginx(os.path.join(root, "nginx"), certs)
    os.chmod(n.root, 0o755)
    n.write(n.conf("ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n"
                   "    ssl_ciphers ALL:@SECLEVEL=0;\n"
                   "    tlsguard_profile intermediate;\n"
                   "    tlsguard_event_log tlsguard-events.json;\n"
                   "    tlsguard_hsts \"max-age=63072000; includeSubDomains\";"))
    print("\n\n== nginx.conf (prefix %s): the server block's own ssl_* allow everything" % n.root)
    print(open(n.conf_path).read())
    try:
        n.start()
        print("== start-up lines written by ngx_http_tlsguard_module")
        for line in n.log_lines("TLSGUARD-"):
            print("  " + line[line.index("TLSGUARD-"):])
        print("\n== clients against nginx at https://127.0.0.1:%d/" % n.port)
        battery(n.port, certs)
        time.sleep(0.5)
        events = os.path.join(n.root, "tlsguard-events.json")
        print("\n== the event log (%s)" % events)
        lines = open(events).read().splitlines() if os.path.exists(events) else []
        show_events(lines)
    finally:
        n.stop()


def main():
    root = tempfile.mkdtemp(prefix="tlsguard-demo-")
    os.chmod(root, 0o755)
    certs = Certs(root)
    h = Httpd(os.path.join(root, "server"), certs)
    h.write(h.base_conf() + "Listen 127.0.0.1:%d\n" % h.port
            + "TLSGuardProfile intermediate\n"
            + "TLSGuardEventLog logs/tlsguard-events.json\n"
            + "TLSGuardHSTS max-age=63072000; includeSubDomains\n"
            + h.ssl_vhost(VHOST + "\n    SSLCACertificateFile " + certs.ca))
    print("== httpd.conf (ServerRoot %s)" % h.root)
    print(open(h.conf_path).read())
    try:
        h.start()
        print("== start-up lines written by mod_tlsguard")
        for line in h.log_lines("TLSGUARD-"):
            print("  " + line)
        print("\n== clients against https://127.0.0.1:%d/" % h.port)
        battery(h.port, certs)
        time.sleep(0.5)
        events = os.path.join(h.root, "logs", "tlsguard-events.json")
        print("\n== the event log (%s)" % events)
        lines = open(events).read().splitlines() if os.path.exists(events) else []
        show_audit([json.loads(l) for l in lines])
        show_events(lines)
        h.stop()
        report_run(root, certs)
    finally:
        h.stop()
    try:
        nginx_demo(root, certs)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
