"""The demo: a private httpd on 127.0.0.1 with mod_ssl and mod_tlsguard, a
generated certificate, and real clients that are accepted or rejected."""

import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "integration"))

from tg_httpd import Certs, Httpd, curl, gnutls, s_client, s_client_cipher, s_client_protocol  # noqa: E402

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


def main():
    root = tempfile.mkdtemp(prefix="tlsguard-demo-")
    os.chmod(root, 0o755)
    certs = Certs(root)
    h = Httpd(os.path.join(root, "server"), certs)
    h.write(h.base_conf() + "Listen 127.0.0.1:%d\nTLSGuardProfile intermediate\n" % h.port
            + h.ssl_vhost(VHOST))
    print("== httpd.conf (ServerRoot %s)" % h.root)
    print(open(h.conf_path).read())
    try:
        h.start()
        print("== start-up lines written by mod_tlsguard")
        for line in h.log_lines("TLSGUARD-"):
            print("  " + line)
        print("\n== clients against https://127.0.0.1:%d/" % h.port)
        rc, out = curl(h.port, "/", "--tlsv1.3", cacert=certs.ca)
        show("curl, TLS 1.3", rc == 0, out.splitlines()[0] if rc == 0 else out.strip()[-60:])
        ok, out = s_client(h.port, "-tls1_3")
        show("openssl s_client -tls1_3", ok, "%s %s" % (s_client_protocol(out), s_client_cipher(out)))
        ok, out = s_client(h.port, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256")
        show("openssl s_client -tls1_2 ECDHE-RSA-AES128-GCM-SHA256", ok,
             "%s %s" % (s_client_protocol(out), s_client_cipher(out)))
        ok, out = s_client(h.port, "-tls1", "-cipher", "ALL:@SECLEVEL=0")
        show("openssl s_client -tls1 (TLS 1.0)", ok, alert_of(out))
        ok, out = s_client(h.port, "-tls1_1", "-cipher", "ALL:@SECLEVEL=0")
        show("openssl s_client -tls1_1 (TLS 1.1)", ok, alert_of(out))
        ok, out = s_client(h.port, "-tls1_2", "-cipher", "AES128-SHA:@SECLEVEL=0")
        show("openssl s_client -tls1_2 AES128-SHA (RSA key exchange, CBC)", ok, alert_of(out))
        ok, out = gnutls(h.port, "NONE:+VERS-TLS1.2:+AES-128-CBC:+RSA:+SHA1:+COMP-NULL:+SIGN-ALL")
        show("gnutls-cli TLS 1.2 RSA-AES-128-CBC-SHA1", ok, alert_of(out))
        ok, out = gnutls(h.port, "NONE:+VERS-TLS1.2:+AES-128-CBC:+ECDHE-RSA:+SHA1:+COMP-NULL:"
                         "+SIGN-ALL:+GROUP-ALL")
        show("gnutls-cli TLS 1.2 ECDHE-RSA-AES-128-CBC-SHA1", ok, alert_of(out))
        events = os.path.join(h.root, "logs", "tlsguard-events.json")
        if os.path.exists(events):
            print("\n== handshake events (%s)" % events)
            print(open(events).read())
    finally:
        h.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
