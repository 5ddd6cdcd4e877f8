#!/usr/bin/env bash
# Benchmarks (not part of the tests): instructions per handshake, plain mod_ssl
# against mod_ssl + mod_tlsguard, under callgrind. Usage: build/bench.sh [connections]
set -euo pipefail
. "$(dirname "$0")/common.sh"
TG_PACKAGES="$TG_PACKAGES valgrind"
tg_install_packages
tg_build --enable-werror
TG_MODULE="$TG_TOP/mod_tlsguard.so" /usr/bin/python3 "$TG_TOP/build/bench.py" "$@"
