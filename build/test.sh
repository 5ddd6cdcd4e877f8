#!/usr/bin/env bash
# Build mod_tlsguard and run every test: unit (cmocka), integration (a private
# httpd driven by real clients), the example configurations, every fuzz target
# for FUZZ_SECONDS (default 60) under ASan + UBSan, then the unit tests again
# under ASan + UBSan.
set -euo pipefail
. "$(dirname "$0")/common.sh"

tg_install_packages
tg_build --enable-werror
make check-unit
make check-integration
build/check-examples.sh

echo "== fuzz targets, ${FUZZ_SECONDS:-60} s each, ASan + UBSan, seeds in tests/data/fuzz-*"
make fuzz
make check-fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-60}"

echo "== unit tests under ASan + UBSan"
tg_build --enable-werror --enable-sanitizers
make check-unit
echo "== all tests passed"
