#!/usr/bin/env bash
# `apache2 -t` on every conf-examples/*.conf, loaded as a2enmod would load it,
# beside mod_ssl and the built module.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
module="$top/mod_tlsguard.so"
[ -f "$module" ] || { echo "build the module first (make)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj /CN=localhost -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
export TLSGUARD_CERT="$work/cert.pem" TLSGUARD_KEY="$work/key.pem"
mods=/usr/lib/apache2/modules
# A free port, so that two runs on one machine do not collide.
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
failed=0
for example in "$top"/conf-examples/*.conf; do
    sed "s|/usr/lib/apache2/modules/mod_tlsguard.so|$module|" "$top/conf-examples/tlsguard.load" \
        > "$work/tlsguard.load"
    cat > "$work/httpd.conf" <<CONF
ServerRoot "$work"
ServerName localhost
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule socache_shmcb_module $mods/mod_socache_shmcb.so
LoadModule ssl_module $mods/mod_ssl.so
Include "$work/tlsguard.load"
ErrorLog "$work/error.log"
PidFile "$work/httpd.pid"
DefaultRuntimeDir "$work"
Mutex file:$work default
SSLSessionCache shmcb:$work/scache(102400)
Listen 127.0.0.1:$port
<VirtualHost 127.0.0.1:$port>
    ServerName localhost
    SSLEngine on
    SSLCertificateFile "$work/cert.pem"
    SSLCertificateKeyFile "$work/key.pem"
</VirtualHost>
Include "$example"
CONF
    if ! out=$(/usr/sbin/apache2 -t -f "$work/httpd.conf" 2>&1) || ! grep -q "Syntax OK" <<<"$out"; then
        echo "FAIL ${example#$top/} (apache2 -t): $out"
        failed=1
        continue
    fi
    # -t cannot run mod_ssl's contexts: start for real to apply every policy.
    rm -f "$work/error.log"
    if ! /usr/sbin/apache2 -f "$work/httpd.conf" -k start; then
        echo "FAIL ${example#$top/} (start): $(cat "$work/error.log")"
        failed=1
        continue
    fi
    for _ in $(seq 50); do [ -s "$work/httpd.pid" ] && break; sleep 0.1; done
    enforced=$(grep -c "TLSGUARD-001" "$work/error.log" || true)
    /usr/sbin/apache2 -f "$work/httpd.conf" -k stop
    for _ in $(seq 50); do [ -e "$work/httpd.pid" ] || break; sleep 0.1; done
    if [ "$enforced" -lt 1 ]; then
        echo "FAIL ${example#$top/}: no TLSGUARD-001 line: $(cat "$work/error.log")"
        failed=1
        continue
    fi
    echo "ok   ${example#$top/} (apache2 -t, started, $enforced vhost(s) enforced)"
done
exit $failed
