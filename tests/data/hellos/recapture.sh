#!/bin/sh
# Re-captures the ClientHellos in this directory from the clients installed
# here, then recomputes expected.tsv with the independent Python code.
# Needs: openssl, curl, gnutls-cli (gnutls-bin), chromium. Run from anywhere.
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
port=${TG_CAPTURE_PORT:-48443}
py=/usr/bin/python3

capture() { # capture NAME "DESCRIPTION" CLIENT-COMMAND...
    name=$1 desc=$2
    shift 2
    "$py" "$dir/capture.py" "$port" "$dir/$name.hex" "$desc" > "$dir/.capture.log" 2>&1 &
    cap=$!
    until grep -q listening "$dir/.capture.log" 2>/dev/null; do sleep 0.1; done
    "$@" > /dev/null 2>&1 < /dev/null || true
    wait "$cap"
    rm -f "$dir/.capture.log"
}

ossl="openssl s_client -connect 127.0.0.1:$port"
capture openssl-tls13 "$(openssl version): s_client -servername localhost (defaults)" \
    $ossl -servername localhost
capture openssl-tls12-alpn "$(openssl version): s_client -tls1_2 -servername localhost -alpn http/1.1" \
    $ossl -tls1_2 -servername localhost -alpn http/1.1
capture openssl-all-ciphers "$(openssl version): s_client -noservername -cipher ALL:COMPLEMENTOFALL:@SECLEVEL=0 (93 suites)" \
    $ossl -noservername -cipher 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'
capture openssl-odd-alpn "$(openssl version): s_client -servername localhost -alpn '_x,h2' (first ALPN not alphanumeric)" \
    $ossl -servername localhost -alpn '_x,h2'
capture curl-default "$(curl --version | head -n 1 | cut -d' ' -f1-2): curl -k https://localhost:PORT/" \
    curl -sk --max-time 5 "https://localhost:$port/"
capture curl-tls12-http11 "$(curl --version | head -n 1 | cut -d' ' -f1-2): curl -k --http1.1 --tls-max 1.2 https://127.0.0.1:PORT/" \
    curl -sk --max-time 5 --http1.1 --tls-max 1.2 "https://127.0.0.1:$port/"
capture gnutls-default "$(gnutls-cli --version | head -n 1): gnutls-cli --insecure localhost" \
    timeout 5 gnutls-cli --insecure -p "$port" localhost
capture gnutls-legacy "$(gnutls-cli --version | head -n 1): gnutls-cli --insecure --priority NORMAL:+3DES-CBC:+ARCFOUR-128:+VERS-TLS1.0:-VERS-TLS1.3 localhost" \
    timeout 5 gnutls-cli --insecure -p "$port" --priority 'NORMAL:+3DES-CBC:+ARCFOUR-128:+VERS-TLS1.0:-VERS-TLS1.3' localhost
profile=$(mktemp -d)
capture chromium-headless "$(chromium --version 2>/dev/null): chromium --headless https://localhost:PORT/" \
    timeout 20 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" "https://localhost:$port/"
rm -rf "$profile"
"$py" "$dir/ja4_independent.py" --tsv "$dir"
