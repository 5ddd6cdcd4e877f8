#!/usr/bin/env bash
# Build mod_tlsguard and run every test: `make check` (the layer check, unit
# tests (cmocka), integration (a private httpd driven by real clients), the
# example configurations, every fuzz target for FUZZ_SECONDS (default 60)
# under ASan + UBSan), then, reconfigured with --enable-sanitizers, the unit
# tests again under ASan + UBSan, and the module under ASan + UBSan in
# Debian's httpd against hostile input, report mode, the counters, graceful
# restarts and handshakes cut by a stop (ASAN_TESTS, at most ASAN_SECONDS,
# default 300), and the nginx module
# in Debian's nginx against the mutated and the reference hellos.
set -euo pipefail
. "$(dirname "$0")/common.sh"

tg_install_packages
tg_build --enable-werror
make check FUZZ_SECONDS="${FUZZ_SECONDS:-60}"

echo "== unit tests under ASan + UBSan"
tg_build --enable-werror --enable-sanitizers
make check-unit

# The sanitizer build of the module in httpd, the ASan runtime preloaded
# (SAN_PRELOAD); any ASan or UBSan report fails the test that caused it.
ASAN_TESTS="tests/integration/test_09_hostile.py tests/integration/test_07_sni_mutations.py"
ASAN_TESTS="$ASAN_TESTS tests/integration/test_13_report.py tests/integration/test_14_metrics.py"
ASAN_TESTS="$ASAN_TESTS tests/integration/test_05_events_at_stop.py"
echo "== the module under ASan + UBSan in httpd: $ASAN_TESTS"
timeout --kill-after=10 "${ASAN_SECONDS:-300}" make check-integration TESTS="$ASAN_TESTS"

# The same for the nginx module (built instrumented in this configuration),
# in Debian's nginx with the ASan runtime preloaded: the mutated hellos, the
# reference hellos, and every event path (reasons, sinks, reopen, lost lines).
if grep -q '^NGINX_DEV *= *[^ ]' Makefile; then
    NGINX_ASAN_TESTS="tests/nginx/test_07_nginx_sni_mutations.py tests/nginx/test_06_nginx_ja4_reference.py"
    NGINX_ASAN_TESTS="$NGINX_ASAN_TESTS tests/nginx/test_05_nginx_events.py"
    echo "== the nginx module under ASan + UBSan in nginx: $NGINX_ASAN_TESTS"
    timeout --kill-after=10 "${ASAN_SECONDS:-300}" make check-nginx NGINX_TESTS="$NGINX_ASAN_TESTS"
fi
echo "== all tests passed"
