#!/usr/bin/env bash
# Benchmark (not part of the tests, not run by CI): mod_tlsguard against plain
# mod_ssl with the same effective settings. Instructions per connection under
# callgrind (the primary figure), h2load and TLS 1.0 flood throughput in ABBA
# pairs, child memory, the core's work per hello and the crypto ceiling; and
# nginx with ngx_http_tlsguard_module against plain nginx under callgrind.
# Prints PASS/FAIL against the targets and writes bench/results.md.
# Usage: build/bench.sh [--quick] [--pairs N] [--connections N] [--only SECTIONS] ...
#        (build/bench.sh --help lists the options; a default run takes 10-15 minutes)
set -euo pipefail
. "$(dirname "$0")/common.sh"
TG_PACKAGES="$TG_PACKAGES valgrind"
tg_install_packages
tg_build --enable-werror
make bench-event
TG_MODULE="$TG_TOP/mod_tlsguard.so" TG_NGINX_MODULE="$TG_TOP/obj/nginx/ngx_http_tlsguard_module.so" \
  /usr/bin/python3 -u "$TG_TOP/build/bench.py" "$@"
