"""A private Apache httpd (Debian's /usr/sbin/apache2) with mod_ssl and
mod_tlsguard, in a temporary ServerRoot, listening on 127.0.0.1 only."""

import os
import re
import shutil
import signal
import socket
import subprocess
import time

APACHE = os.environ.get("TG_APACHE", "/usr/sbin/apache2")
MODDIR = os.environ.get("TG_APACHE_MODULES", "/usr/lib/apache2/modules")
MODULE = os.environ.get("TG_MODULE", "")
LD_PRELOAD = os.environ.get("TG_LD_PRELOAD", "")

BASE_MODULES = [
    "authz_core", "mime", "dir", "alias", "socache_shmcb",
    "reqtimeout", "headers", "env", "setenvif",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, timeout=30, input=None, env=None):
    """Run a command, return (returncode, stdout+stderr as text)."""
    proc = subprocess.run(cmd, input=input, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout, env=env)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


# The event MPM in one child: what a test counts per process (a sink's loss
# reports, the success sample) is then the server's. Otherwise the parent adds
# children for its spare threads a second after the start, and connections
# may land in either.
ONE_PROCESS_8_THREADS = """StartServers 1
ServerLimit 1
ThreadsPerChild 8
ThreadLimit 8
MinSpareThreads 1
MaxSpareThreads 16
MaxRequestWorkers 8
"""


def wait_for(predicate, timeout=10.0, what="condition"):
    """Polls predicate() until it is true; fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def whole_lines(path):
    """The file's complete lines, decoded. A reader can catch a write half copied in
    (Linux grows a file's size page by page), so a tail without its newline is left
    for the next read; a missing file has no lines."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    return data[:data.rfind(b"\n") + 1].decode("utf-8").splitlines()


class Certs:
    """A private CA and server certificates (RSA 2048 and ECDSA P-256) naming
    localhost, a.test, b.test and c.test; plus a second CA nobody trusts."""

    NAMES = ["localhost", "a.test", "b.test", "c.test"]

    def __init__(self, root):
        self.dir = os.path.join(root, "certs")
        os.makedirs(self.dir, exist_ok=True)
        self.ca_key, self.ca = self._ca("ca", "mod_tlsguard test CA")
        self.other_ca_key, self.other_ca = self._ca("other-ca", "unrelated CA")
        self.rsa_key, self.rsa = self._leaf("rsa", ["-newkey", "rsa:2048"])
        self.ec_key, self.ec = self._leaf(
            "ec", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"])

    def _path(self, name):
        return os.path.join(self.dir, name)

    def _openssl(self, *args):
        rc, out = run(["openssl", *args])
        if rc != 0:
            raise RuntimeError("openssl %s failed: %s" % (args[0], out))

    def _ca(self, name, cn):
        key, crt = self._path(name + ".key"), self._path(name + ".pem")
        self._openssl("req", "-x509", "-newkey", "ec", "-pkeyopt",
                      "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                      "-out", crt, "-days", "3650", "-subj", "/CN=" + cn,
                      "-addext", "basicConstraints=critical,CA:TRUE",
                      "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        return key, crt

    def _leaf(self, name, keyopts):
        key, csr, crt = (self._path(name + s) for s in (".key", ".csr", ".pem"))
        ext = self._path(name + ".ext")
        with open(ext, "w") as f:
            f.write("subjectAltName=" + ",".join("DNS:" + n for n in self.NAMES)
                    + "\nextendedKeyUsage=serverAuth\n")
        self._openssl("req", "-new", *keyopts, "-nodes", "-keyout", key,
                      "-out", csr, "-subj", "/CN=localhost")
        self._openssl("x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey",
                      self.ca_key, "-CAcreateserial", "-out", crt, "-days", "365",
                      "-extfile", ext)
        return key, crt


class ErrorLog:
    """Reading a server's error log (self.error_log), for httpd and nginx."""

    def log(self):
        try:
            with open(self.error_log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def log_lines(self, tag):
        return [l for l in self.log().splitlines() if tag in l]


class Httpd(ErrorLog):
    """One httpd instance. conf() builds httpd.conf from parts; start() runs it."""

    def __init__(self, root, certs, mpm="event"):
        self.root = root
        self.certs = certs
        self.mpm = mpm
        self.port = free_port()
        self.http_port = free_port()
        self.conf_path = os.path.join(root, "httpd.conf")
        self.error_log = os.path.join(root, "logs", "error.log")
        self.pid_file = os.path.join(root, "logs", "httpd.pid")
        self.docroot = os.path.join(root, "htdocs")
        for d in ("logs", "htdocs", "run"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        with open(os.path.join(self.docroot, "index.html"), "w") as f:
            f.write("hello from mod_tlsguard tests\n")
        os.chmod(root, 0o755)
        os.chmod(self.docroot, 0o755)
        self.started = False
        # With the sanitizer runtime preloaded, ASan writes one report file per
        # process here (log_path); the children run as User nobody. UBSan
        # (libubsan, loaded with the module) ignores log_path: its reports go
        # to httpd's stderr, the error log, kept here across restarts.
        self.sanitizer_dir = os.path.join(root, "sanitizer") if LD_PRELOAD else None
        self.ubsan_lines = []
        if self.sanitizer_dir:
            os.makedirs(self.sanitizer_dir, exist_ok=True)
            os.chmod(self.sanitizer_dir, 0o1777)

    # ---- configuration -------------------------------------------------
    def modules(self, extra=(), with_ssl=True, with_tlsguard=True):
        lines = ["LoadModule mpm_%s_module %s/mod_mpm_%s.so" % (self.mpm, MODDIR, self.mpm)]
        names = list(BASE_MODULES) + list(extra)
        if with_ssl:
            names.append("ssl")
        for name in names:
            lines.append("LoadModule %s_module %s/mod_%s.so" % (name, MODDIR, name))
        if with_tlsguard:
            if not MODULE:
                raise RuntimeError("TG_MODULE is not set: run the tests through make")
            lines.append("LoadModule tlsguard_module %s" % MODULE)
        return "\n".join(lines)

    def cert_lines(self, rsa=True, ec=True):
        lines = []
        if rsa:
            lines += ["SSLCertificateFile %s" % self.certs.rsa,
                      "SSLCertificateKeyFile %s" % self.certs.rsa_key]
        if ec:
            lines += ["SSLCertificateFile %s" % self.certs.ec,
                      "SSLCertificateKeyFile %s" % self.certs.ec_key]
        return "\n".join(lines)

    def base_conf(self, modules=None):
        user = ""
        if os.geteuid() == 0:
            user = "User nobody\nGroup nogroup\n"
        return """ServerRoot "{root}"
ServerName localhost
{modules}
{user}PidFile "{root}/logs/httpd.pid"
ErrorLog "{root}/logs/error.log"
LogLevel warn
DefaultRuntimeDir "{root}/run"
Mutex file:{root}/run default
SSLSessionCache shmcb:{root}/run/ssl_scache(512000)
SSLRandomSeed startup builtin
TypesConfig /etc/mime.types
DocumentRoot "{docroot}"
<Directory "{docroot}">
    AllowOverride None
    Require all granted
</Directory>
Timeout 10
KeepAliveTimeout 2
StartServers 1
""".format(root=self.root, modules=modules or self.modules(), user=user,
           docroot=self.docroot)

    def ssl_vhost(self, body="", name="localhost", port=None, rsa=True, ec=True):
        return """<VirtualHost 127.0.0.1:{port}>
    ServerName {name}
    SSLEngine on
{certs}
{body}
</VirtualHost>
""".format(port=port or self.port, name=name, certs=self.cert_lines(rsa, ec), body=body)

    def write(self, text):
        with open(self.conf_path, "w") as f:
            f.write(text)

    def simple(self, server_lines="", vhost_lines="", extra_modules=()):
        """Write a config with one SSL vhost on self.port."""
        self.write(self.base_conf(self.modules(extra_modules))
                   + "Listen 127.0.0.1:%d\n" % self.port + server_lines + "\n"
                   + self.ssl_vhost(vhost_lines))

    # ---- process control ------------------------------------------------
    def env(self):
        env = dict(os.environ)
        if LD_PRELOAD:
            env["LD_PRELOAD"] = LD_PRELOAD
            env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
            log_path = "log_path=" + os.path.join(self.sanitizer_dir, "asan")
            env["ASAN_OPTIONS"] = ":".join(o for o in (env["ASAN_OPTIONS"], log_path) if o)
        return env

    def sanitizer_reports(self):
        """{path: text} of every ASan report a process of this server wrote,
        and the UBSan reports of its error log (none without the runtime)."""
        reports = {}
        if self.sanitizer_dir and os.path.isdir(self.sanitizer_dir):
            for name in sorted(os.listdir(self.sanitizer_dir)):
                path = os.path.join(self.sanitizer_dir, name)
                with open(path, errors="replace") as f:
                    reports[path] = f.read()
        ubsan = self.ubsan_lines + self._ubsan_in_log()
        if ubsan:
            reports[self.error_log] = "\n".join(ubsan)
        return reports

    def _ubsan_in_log(self):
        if not self.sanitizer_dir:
            return []
        return [l for l in self.log().splitlines() if ": runtime error: " in l]

    def configtest(self):
        return run([APACHE, "-t", "-f", self.conf_path], env=self.env())

    def start(self, expect_ok=True):
        """Start httpd; returns (rc, output). With expect_ok, waits until it serves."""
        if os.path.exists(self.error_log):
            self.ubsan_lines += self._ubsan_in_log()
            os.unlink(self.error_log)
        rc, out = run([APACHE, "-f", self.conf_path, "-k", "start"], env=self.env())
        if not expect_ok:
            # httpd may fail in the daemonised child: wait for it to give up.
            time.sleep(0.5)
            deadline = time.time() + 10
            while time.time() < deadline and self.alive():
                time.sleep(0.2)
            return rc, out + self.log()
        if rc != 0:
            raise RuntimeError("httpd failed to start (%d): %s\n%s" % (rc, out, self.log()))
        self.started = True
        self.wait_listening()
        return rc, out

    def pid(self):
        try:
            with open(self.pid_file) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def alive(self):
        pid = self.pid()
        return bool(pid) and process_exists(pid)

    def child_pids(self):
        """This httpd's child processes (its piped loggers left out)."""
        parent, kids = self.pid(), []
        for p in os.listdir("/proc"):
            try:
                with open("/proc/%s/stat" % p) as f:
                    stat = f.read()
            except OSError:
                continue
            comm, rest = stat[stat.find("(") + 1:stat.rfind(")")], stat[stat.rfind(")") + 2:]
            if comm == os.path.basename(APACHE) and int(rest.split()[1]) == parent:
                kids.append(int(p))
        return kids

    def wait_listening(self, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.pid() and self.alive():
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        return
                except OSError:
                    pass
            time.sleep(0.1)
        raise RuntimeError("httpd does not listen on %d:\n%s" % (self.port, self.log()))

    def graceful(self):
        self.restart("graceful")

    def restart(self, kind="restart"):
        """`-k graceful` or `-k restart` (ungraceful: the children are stopped
        at once), back once the new generation runs."""
        before = self.log().count("resuming normal operations")
        rc, out = run([APACHE, "-f", self.conf_path, "-k", kind], env=self.env())
        assert rc == 0, out
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.log().count("resuming normal operations") > before:
                time.sleep(0.3)
                return
            time.sleep(0.1)
        raise RuntimeError("%s did not finish:\n%s" % (kind, self.log()))

    def stop(self, signum=signal.SIGTERM):
        """Stops httpd: SIGTERM (`-k stop`), or SIGWINCH (`-k graceful-stop`:
        the children finish their connections first); SIGKILL after 15 s."""
        pid = self.pid()
        if not pid:
            return
        try:
            os.kill(pid, signum)
        except OSError:
            return
        # A plain stop removes the pid file once its children are gone (the
        # parent's own cleanup goes on for a second or two); a graceful stop
        # removes it first, so there it is the process that is waited for.
        if signum == signal.SIGWINCH:
            running = lambda: process_exists(pid)  # noqa: E731
        else:
            running = self.alive
        deadline = time.time() + 15
        while time.time() < deadline and running():
            time.sleep(0.1)
        if running():
            os.kill(pid, signal.SIGKILL)
        self.started = False


def process_exists(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


# ---- clients --------------------------------------------------------------

def s_client(port, *args, sni="localhost", timeout=10):
    """openssl s_client; returns (handshake_ok, output)."""
    cmd = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-brief"]
    if sni:
        cmd += ["-servername", sni]
    cmd += list(args)
    rc, out = run(cmd, timeout=timeout, input=b"")
    ok = rc == 0 and ("CONNECTION ESTABLISHED" in out or "Protocol version" in out)
    return ok, out


def s_client_protocol(out):
    m = re.search(r"Protocol version: (\S+)", out)
    return m.group(1) if m else None


def s_client_cipher(out):
    m = re.search(r"Ciphersuite: (\S+)", out)
    return m.group(1) if m else None


def curl(port, path="/", *args, host="localhost", cacert=None, timeout=10):
    """curl over TLS; returns (returncode, output with -i headers)."""
    cmd = ["curl", "-sS", "-i", "--max-time", str(timeout),
           "--resolve", "%s:%d:127.0.0.1" % (host, port)]
    if cacert:
        cmd += ["--cacert", cacert]
    cmd += list(args) + ["https://%s:%d%s" % (host, port, path)]
    return run(cmd, timeout=timeout + 5)


def gnutls(port, priority, host="localhost", cacert=None, timeout=10):
    """gnutls-cli with a priority string; returns (handshake_ok, output)."""
    cmd = ["gnutls-cli", "--port", str(port), "--priority", priority, "--logfile=/dev/stdout"]
    if cacert:
        cmd += ["--x509cafile", cacert, "--verify-hostname", host]
    else:
        cmd += ["--insecure"]
    cmd += ["--sni-hostname", host, "127.0.0.1"]
    rc, out = run(cmd, timeout=timeout, input=b"")
    return rc == 0 and "Handshake was completed" in out, out


def require_tool(name):
    if not shutil.which(name):
        raise RuntimeError("%s is not installed: run build/test.sh (it installs it)" % name)
