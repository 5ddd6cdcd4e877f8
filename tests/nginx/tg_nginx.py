"""A private nginx (Debian's /usr/sbin/nginx) with ngx_http_tlsguard_module,
in a temporary prefix, listening on 127.0.0.1 only. The certificates and the
clients come from tests/integration (tg_httpd)."""

import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))

from tg_httpd import ErrorLog, free_port, process_exists, run  # noqa: E402,F401

NGINX = os.environ.get("TG_NGINX", "/usr/sbin/nginx")
MODULE = os.environ.get("TG_NGINX_MODULE", "")
LD_PRELOAD = os.environ.get("TG_NGINX_LD_PRELOAD", "")  # the sanitizers' runtime


class Nginx(ErrorLog):
    """One private nginx: write(conf) then start(); stop() at the end."""

    def __init__(self, root, certs):
        self.root = root
        self.certs = certs
        self.port = free_port()
        self.conf_path = os.path.join(root, "nginx.conf")
        self.error_log = os.path.join(root, "error.log")
        self.pid_path = os.path.join(root, "nginx.pid")
        self.htdocs = os.path.join(root, "htdocs")
        os.makedirs(self.htdocs, exist_ok=True)
        os.makedirs(os.path.join(root, "logs"), exist_ok=True)
        with open(os.path.join(self.htdocs, "index.html"), "w") as f:
            f.write("hello from nginx\n")
        self.started = False

    # ---- configuration --------------------------------------------------
    def cert_lines(self, rsa=True, ec=True):
        lines = []
        if rsa:
            lines += ["ssl_certificate %s;" % self.certs.rsa,
                      "ssl_certificate_key %s;" % self.certs.rsa_key]
        if ec:
            lines += ["ssl_certificate %s;" % self.certs.ec,
                      "ssl_certificate_key %s;" % self.certs.ec_key]
        return "\n        ".join(lines)

    def server(self, body="", name="localhost", port=None, default=False, ssl=True, http2=False):
        port = port or self.port
        return """
    server {
        listen 127.0.0.1:%d%s%s%s;
        server_name %s;
        %s
        root %s;
        %s
    }""" % (port, " ssl" if ssl else "", " http2" if http2 else "",
            " default_server" if default else "", name,
            self.cert_lines() if ssl else "", self.htdocs, body)

    def conf(self, http_lines="", servers=None, with_module=True, main_lines=""):
        module = "load_module %s;" % MODULE if with_module else ""
        if servers is None:
            servers = self.server()
        return """%s
%s
worker_processes 1;
pid %s;
error_log %s notice;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path %s/tmp_body;
    proxy_temp_path %s/tmp_proxy;
    fastcgi_temp_path %s/tmp_fastcgi;
    uwsgi_temp_path %s/tmp_uwsgi;
    scgi_temp_path %s/tmp_scgi;
    %s
    %s
}
""" % (module, main_lines, self.pid_path, self.error_log, *([self.root] * 5), http_lines,
       servers)

    def write(self, text):
        with open(self.conf_path, "w") as f:
            f.write(text)

    def simple(self, http_lines="", server_lines=""):
        self.write(self.conf(http_lines, self.server(server_lines)))

    # ---- life cycle -----------------------------------------------------
    def cmd(self, *args):
        return [NGINX, "-p", self.root, "-c", self.conf_path, "-e", self.error_log, *args]

    def env(self):
        """nginx's environment: with the sanitizers, their runtime preloaded and
        one report file per process in the prefix (sanitizer/asan.<pid>)."""
        if not LD_PRELOAD:
            return None
        reports = os.path.join(self.root, "sanitizer")
        os.makedirs(reports, exist_ok=True)
        os.chmod(reports, 0o777)  # the workers run as another user
        env = dict(os.environ)
        env["LD_PRELOAD"] = LD_PRELOAD
        env["ASAN_OPTIONS"] = "%s:log_path=%s" % (os.environ.get("TG_ASAN_OPTIONS", ""),
                                                 os.path.join(reports, "asan"))
        return env

    def sanitizer_reports(self):
        """{path: text} of every ASan/UBSan report nginx's processes wrote."""
        import glob
        reports = {}
        for path in glob.glob(os.path.join(self.root, "sanitizer", "asan.*")):
            with open(path, errors="replace") as f:
                reports[path] = f.read()
        for line in self.log().splitlines():
            if "runtime error:" in line:
                reports.setdefault("error.log", "")
                reports["error.log"] += line + "\n"
        return reports

    def configtest(self):
        return run(self.cmd("-t"), env=self.env())

    def start(self, expect_ok=True):
        rc, out = run(self.cmd(), env=self.env())
        if expect_ok:
            assert rc == 0, "nginx did not start:\n%s\n%s" % (out, self.log())
            self.started = True
            self.wait_listening()
        elif rc == 0:
            self.started = True
        return rc, out

    def pid(self):
        try:
            with open(self.pid_path) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def wait_listening(self, timeout=10):
        import socket
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("nginx is not listening on %d:\n%s" % (self.port, self.log()))

    def workers(self):
        """The worker processes' pids (children of the master)."""
        master = self.pid()
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)],
                             stdout=subprocess.PIPE).stdout.decode()
        return sorted(int(p) for p in out.split())

    def reload(self, timeout=10):
        """nginx -s reload; waits until the old workers are gone."""
        old = self.workers()
        rc, out = run(self.cmd("-s", "reload"), env=self.env())
        assert rc == 0, out
        deadline = time.time() + timeout
        while time.time() < deadline:
            now = self.workers()
            if now and not set(now) & set(old):
                return
            time.sleep(0.05)
        raise AssertionError("the workers were not replaced:\n" + self.log())

    def stop(self):
        pid = self.pid()
        if not self.started or pid is None:
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.time() + 10
        while time.time() < deadline and process_exists(pid):
            time.sleep(0.05)
        self.started = False

    def alerts(self):
        """[emerg]/[alert]/[crit] lines: nginx's own signs of trouble."""
        return [l for l in self.log().splitlines()
                if re.search(r"\[(emerg|alert|crit)\]", l)]
