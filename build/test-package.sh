#!/usr/bin/env bash
# Install the Debian package built by build/package.sh on this machine and test
# it the way an administrator uses it, with Debian's own apache2 layout:
#   apt-get install ./libapache2-mod-tlsguard_*.deb   (module not enabled yet)
#   a2enmod ssl tlsguard; a2ensite default-ssl; reinstall (stays enabled)
#   apache2ctl configtest; apache2ctl start
#   TLS 1.0 refused, TLS 1.3 accepted, a TLS 1.2 suite the profile forbids refused
#   apache2ctl stop; apt-get remove (disables it, keeps the conffiles);
#   install again (stays disabled); a2enmod tlsguard; a2dismod tlsguard
#   (plain mod_ssl accepts that TLS 1.2 suite again)
#   apt-get purge libapache2-mod-tlsguard: nothing of the package is left
# Every step asserts its result. apache2 listens on 127.0.0.1 only (ports.conf
# is changed for the test) and is started and stopped by the test alone (a
# policy-rc.d keeps maintainer scripts from starting it, as build/common.sh
# does). On exit, also on failure, apache2 is stopped and what the test changed
# (enabled modules and sites, ports.conf, the state under /var/lib/apache2,
# logs, run directories, the policy-rc.d and a snakeoil certificate it had to
# create) is put back as it was. Needs root.
# Usage: build/test-package.sh [path/to/libapache2-mod-tlsguard_*.deb]
set -euo pipefail
. "$(dirname "$0")/common.sh"
export LC_ALL=C

PKG=libapache2-mod-tlsguard
MODS=/usr/lib/apache2/modules
AVAIL=/etc/apache2/mods-available
ENABLED=/etc/apache2/mods-enabled
PIDFILE=/var/run/apache2/apache2.pid
STATE_DIRS="/etc/apache2/mods-enabled /etc/apache2/sites-enabled /var/lib/apache2
/var/run/apache2 /var/lock/apache2 /var/log/apache2"
SNAKEOIL_CERT=/etc/ssl/certs/ssl-cert-snakeoil.pem
SNAKEOIL_KEY=/etc/ssl/private/ssl-cert-snakeoil.key

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok   $*"; }
step() { echo "== $*"; }

[ "$(id -u)" -eq 0 ] || fail "run as root: it installs, enables and purges a package"
# shellcheck disable=SC2086
tg_install_packages $TG_PACKAGE_TEST_PACKAGES

deb=${1:-}
if [ -z "$deb" ]; then
    deb=$(ls "$TG_TOP"/obj/package/${PKG}_*.deb 2>/dev/null | head -n 1 || true)
fi
[ -n "$deb" ] && [ -f "$deb" ] || fail "no package: run build/package.sh first (or name the .deb)"
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
apache_running() { [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

# ---- preflight: a machine that is not serving on 80/443 and does not have the package
dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "install ok installed" \
    && fail "$PKG is installed already; purge it first"
apache_running && fail "the system apache2 is running ($PIDFILE): not touching it"
for port in 80 443; do
    listening $port && fail "something listens on 127.0.0.1:$port already"
done

# ---- remember the state the test changes, and put it back on exit --------------------
work=$(mktemp -d)
snapshot() {
    local d
    for d in $STATE_DIRS; do
        [ -e "$d" ] && find "$d" -printf '%y\t%s\t%p\t%l\n'
    done | sort -t "$(printf '\t')" -k3,3
}
snapshot > "$work/before"
cp -p /etc/apache2/ports.conf "$work/ports.conf"
made_snakeoil=""
made_policy_rc=""
started=""

restore() {
    local rc=$? type size path link
    set +e
    if [ -n "$started" ]; then # a start still under way writes its pid file late
        for _ in $(seq 100); do apache_running && break; sleep 0.1; done
    fi
    if [ -n "$started" ] && apache_running; then
        apache2ctl stop
        for _ in $(seq 100); do apache_running || break; sleep 0.1; done
        apache_running && kill "$(cat "$PIDFILE")"
    fi
    if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "ok installed"; then
        a2dismod -q -f tlsguard >/dev/null 2>&1
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "$PKG" >/dev/null
    fi
    cp -p "$work/ports.conf" /etc/apache2/ports.conf
    snapshot > "$work/after"
    # added since: remove (deepest first); removed since: re-create; logs: cut back
    join -t "$(printf '\t')" -1 3 -2 3 -v 2 -o 2.3 "$work/before" "$work/after" \
        | sort -r | while IFS= read -r path; do rm -rf "$path"; done
    join -t "$(printf '\t')" -1 3 -2 3 -v 1 -o 1.1,1.2,1.3,1.4 "$work/before" "$work/after" \
        | while IFS="$(printf '\t')" read -r type size path link; do
            case $type in
                d) mkdir -p "$path" ;;
                l) ln -s "$link" "$path" ;;
                f) touch "$path" ;;
            esac
        done
    while IFS="$(printf '\t')" read -r type size path link; do
        case $path in
            /var/log/apache2/*) [ "$type" = f ] && [ -f "$path" ] && truncate -s "$size" "$path" ;;
        esac
    done < "$work/before"
    [ -n "$made_policy_rc" ] && rm -f /usr/sbin/policy-rc.d
    if [ -n "$made_snakeoil" ]; then
        find /etc/ssl/certs -maxdepth 1 -lname ssl-cert-snakeoil.pem -delete
        rm -f "$SNAKEOIL_CERT" "$SNAKEOIL_KEY"
    fi
    snapshot > "$work/restored"
    if ! cmp -s <(cut -f1,3,4 "$work/before") <(cut -f1,3,4 "$work/restored"); then
        echo "FAIL: apache2 state not restored:" >&2
        diff <(cut -f1,3,4 "$work/before") <(cut -f1,3,4 "$work/restored") >&2
        rc=1
    fi
    rm -rf "$work"
    [ $rc -eq 0 ] && echo "== package test passed; apache2 stopped, state restored" \
        || echo "== package test FAILED (apache2 stopped, state restored)" >&2
    exit $rc
}
trap restore EXIT

# Maintainer scripts restart apache2 through invoke-rc.d (removing an enabled
# module does): here only the test starts it.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    made_policy_rc=1
fi

# 127.0.0.1 only, on Debian's ports
cat > /etc/apache2/ports.conf <<'EOF'
# build/test-package.sh: 127.0.0.1 only while the package is tested
Listen 127.0.0.1:80
<IfModule ssl_module>
	Listen 127.0.0.1:443
</IfModule>
EOF

# Debian's default-ssl site uses the snakeoil certificate ssl-cert makes on install
if [ ! -f "$SNAKEOIL_CERT" ] || [ ! -f "$SNAKEOIL_KEY" ]; then
    make-ssl-cert generate-default-snakeoil
    made_snakeoil=1
fi

start_apache() {
    local log_size
    log_size=$(stat -c %s /var/log/apache2/error.log 2>/dev/null || echo 0)
    apache2ctl start || fail "apache2ctl start"
    started=1
    for _ in $(seq 100); do listening 443 && break; sleep 0.1; done
    listening 443 || fail "apache2 does not listen on 127.0.0.1:443: $(tail -n 20 /var/log/apache2/error.log)"
    # httpd listens from its first configuration pass on; the start-up lines
    # of the real pass come before the MPM's "resuming normal operations".
    for _ in $(seq 100); do
        START_LOG=$(tail -c +"$((log_size + 1))" /var/log/apache2/error.log)
        grep -q "resuming normal operations" <<<"$START_LOG" && return 0
        sleep 0.1
    done
    fail "apache2 did not finish starting: $START_LOG"
}

stop_apache() {
    apache2ctl stop || fail "apache2ctl stop"
    for _ in $(seq 100); do apache_running || listening 443 || break; sleep 0.1; done
    ! apache_running && ! listening 443 || fail "apache2 did not stop"
    started=""
}

# s_client prints "New, <version of the suite>, Cipher is X" after a handshake,
# "New, (NONE), Cipher is (NONE)" without one.
handshake_done() { grep -q "^New, " <<<"$1" && ! grep -q "^New, (NONE)" <<<"$1"; }

# tls_client NAME EXPECT(accepted|refused) s_client-options...
tls_client() {
    local name=$1 expect=$2 out rc=0
    shift 2
    out=$(timeout 10 openssl s_client -connect 127.0.0.1:443 "$@" </dev/null 2>&1) || rc=$?
    TLS_OUT=$out
    if [ "$expect" = accepted ]; then
        [ $rc -eq 0 ] && handshake_done "$out" \
            || fail "$name: expected a handshake, got rc $rc: $(grep -m 4 -E '^New|alert|Protocol  *:|Cipher  *:' <<<"$out")"
        ok "$name: accepted ($(grep -m 1 "^New, " <<<"$out"))"
    else
        [ $rc -ne 0 ] && ! handshake_done "$out" \
            || fail "$name: expected a refused handshake, got rc $rc: $(grep -m 4 -E '^New|Protocol  *:|Cipher  *:' <<<"$out")"
        ok "$name: refused, $(grep -m 1 -o 'alert [a-z ]*' <<<"$out" || echo 'no alert')"
    fi
}

# ---- install ---------------------------------------------------------------------------
step "apt-get install $deb"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb"
dpkg-query -W -f='${Status}' "$PKG" | grep -q "install ok installed" || fail "$PKG not installed"
ok "$PKG $(dpkg-query -W -f='${Version}' "$PKG") installed"

for f in "$MODS/mod_tlsguard.so" "$AVAIL/tlsguard.load" "$AVAIL/tlsguard.conf" \
         /usr/share/doc/$PKG/README.Debian /usr/share/doc/$PKG/copyright \
         /usr/share/doc/$PKG/docs/tlsguard-event.schema.json \
         /usr/share/doc/$PKG/examples/tlsguard-modern.conf \
         /usr/bin/tlsguard-report /usr/share/man/man1/tlsguard-report.1.gz; do
    [ -f "$f" ] || fail "$f missing"
done
ok "module, tlsguard.load/.conf, docs, schema, examples and tlsguard-report in place"
summary=$(printf '%s\n' '{"event":{"action":"tls-handshake","outcome":"failure"},"tlsguard":{"reason":"protocol_version","stage":"client_hello"}}' \
    | tlsguard-report --json -) || fail "tlsguard-report failed on standard input"
python3 -c 'import json, sys; t = json.load(sys.stdin)["totals"]; sys.exit(t["failures"] != 1)' \
    <<<"$summary" || fail "tlsguard-report counted wrong: $summary"
ok "tlsguard-report (on PATH) counts one failure read from standard input"
conffiles=$(dpkg-query -W -f='${Conffiles}' "$PKG" | awk '{print $1}' | sort | tr '\n' ' ')
[ "$conffiles" = "$AVAIL/tlsguard.conf $AVAIL/tlsguard.load " ] || fail "conffiles: $conffiles"
ok "conffiles: $conffiles"
depends=$(dpkg-query -W -f='${Depends}' "$PKG")
for d in "apache2-api-20120211" "apache2-bin (>= 2.4.47)" "libssl3" "python3"; do
    grep -qF "$d" <<<"$depends" || fail "Depends lacks $d: $depends"
done
ok "Depends: $depends"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' \
    /usr/share/doc/$PKG/docs/tlsguard-event.schema.json || fail "installed schema is not JSON"

# not enabled on installation
a2query -q -m tlsguard && fail "the package enabled tlsguard on installation"
[ ! -e "$ENABLED/tlsguard.load" ] || fail "$ENABLED/tlsguard.load exists after installation"
ok "not enabled on installation"
dpkg -L "$PKG" > "$work/files"

# ---- enable, configure, serve ----------------------------------------------------------
step "a2enmod ssl tlsguard; a2ensite default-ssl"
a2enmod ssl tlsguard
a2ensite default-ssl
a2query -q -m ssl && a2query -q -m tlsguard || fail "ssl and tlsguard not both enabled"
[ -L "$ENABLED/tlsguard.load" ] && [ -L "$ENABLED/tlsguard.conf" ] || fail "tlsguard links missing"
a2query -q -s default-ssl || fail "default-ssl not enabled"
ok "ssl, tlsguard and default-ssl enabled"
if a2dismod -q ssl >/dev/null 2>&1; then fail "a2dismod ssl accepted while tlsguard depends on it"; fi
a2query -q -m ssl || fail "a2dismod ssl disabled ssl"
ok "a2dismod ssl refused: tlsguard.load declares Depends: ssl"

step "apt-get install --reinstall (the upgrade path)"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --reinstall "$deb"
a2query -q -m tlsguard && [ -L "$ENABLED/tlsguard.load" ] || fail "reinstalling disabled tlsguard"
ok "still enabled"

step "apache2ctl configtest"
out=$(apache2ctl configtest 2>&1) || fail "configtest: $out"
grep -q "Syntax OK" <<<"$out" || fail "configtest: $out"
ok "Syntax OK"

step "apache2ctl start (tlsguard enabled)"
start_apache
grep -q "TLSGUARD-001: <VirtualHost> at /etc/apache2/sites-enabled/default-ssl.conf" <<<"$START_LOG" \
    || fail "no TLSGUARD-001 line for default-ssl: $START_LOG"
grep "TLSGUARD-001" <<<"$START_LOG" | head -n 1 | cut -c1-160
ok "the module enforces on default-ssl"

tls_client "TLS 1.0 client" refused -tls1 -cipher "ALL:@SECLEVEL=0"
grep -q "alert protocol version" <<<"$TLS_OUT" || fail "TLS 1.0: no protocol_version alert: $TLS_OUT"
tls_client "TLS 1.3 client" accepted -tls1_3
grep -q "^New, TLSv1.3, Cipher is TLS_" <<<"$TLS_OUT" || fail "TLS 1.3 not negotiated"
code=$(curl -sk --tlsv1.3 -o /dev/null -w '%{http_code} %{ssl_verify_result}' https://127.0.0.1/) \
    || fail "curl --tlsv1.3"
[ "${code%% *}" = 200 ] || fail "curl --tlsv1.3: HTTP $code"
ok "curl --tlsv1.3: HTTP 200 from default-ssl"
tls_client "TLS 1.2 AES128-SHA (static RSA, CBC) client" refused -tls1_2 -cipher AES128-SHA

step "apache2ctl stop"
stop_apache
ok "stopped"

# ---- remove while enabled, install again ----------------------------------------------
step "apt-get remove $PKG (enabled)"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -q "$PKG"
dpkg-query -W -f='${Status}' "$PKG" | grep -q "deinstall ok config-files" \
    || fail "after remove: $(dpkg-query -W -f='${Status}' "$PKG")"
a2query -q -m tlsguard && fail "tlsguard still enabled after remove"
[ ! -e "$ENABLED/tlsguard.load" ] && [ ! -e "$MODS/mod_tlsguard.so" ] || fail "module left enabled or installed"
[ -f "$AVAIL/tlsguard.load" ] && [ -f "$AVAIL/tlsguard.conf" ] || fail "remove deleted the conffiles"
ok "removed: disabled, module gone, conffiles kept"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb"
a2query -q -m tlsguard && fail "installing again enabled tlsguard"
ok "installed again: still disabled"

# ---- disable: plain mod_ssl takes what the profile refused -------------------------------
step "a2enmod tlsguard; a2dismod tlsguard"
a2enmod tlsguard
a2query -q -m tlsguard || fail "a2enmod tlsguard"
a2dismod tlsguard
a2query -q -m tlsguard && fail "tlsguard still enabled"
[ ! -e "$ENABLED/tlsguard.load" ] && [ ! -e "$ENABLED/tlsguard.conf" ] || fail "tlsguard links left"
ok "disabled"
start_apache
grep -q "TLSGUARD" <<<"$START_LOG" && fail "TLSGUARD lines with the module disabled: $START_LOG"
tls_client "TLS 1.2 AES128-SHA client, plain mod_ssl" accepted -tls1_2 -cipher AES128-SHA
stop_apache
ok "the refusal above was the module's"

# ---- purge -----------------------------------------------------------------------------
step "apt-get purge $PKG"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "$PKG"
dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "ok installed" && fail "$PKG still installed"
dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "config-files" && fail "$PKG conffiles left"
left=""
while IFS= read -r path; do
    [ "$path" = /. ] && continue
    [ -e "$path" ] || [ -L "$path" ] || continue
    dpkg-query -S "$path" >/dev/null 2>&1 && continue # a directory other packages own
    left="$left $path"
done < "$work/files"
[ -z "$left" ] || fail "left after purge:$left"
for path in "$MODS/mod_tlsguard.so" "$AVAIL/tlsguard.load" "$AVAIL/tlsguard.conf" \
            "$ENABLED/tlsguard.load" "$ENABLED/tlsguard.conf" /usr/share/doc/$PKG; do
    [ ! -e "$path" ] || fail "$path left after purge"
done
state=$(find /var/lib/apache2 -name tlsguard)
[ -z "$state" ] || fail "a2enmod state left after purge: $state"
ok "purged: none of the $(wc -l < "$work/files") paths of the package left, no a2enmod state"
