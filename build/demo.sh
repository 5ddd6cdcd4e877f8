#!/usr/bin/env bash
# Build mod_tlsguard, start a private httpd on 127.0.0.1 with a generated
# certificate and the module, and show real clients accepted and rejected.
set -euo pipefail
. "$(dirname "$0")/common.sh"

tg_install_packages
tg_build --enable-werror
TG_MODULE="$TG_TOP/mod_tlsguard.so" /usr/bin/python3 "$TG_TOP/build/demo.py"
