# Shared set-up for the scripts in build/: Debian packages, configure, build.
# Sourced, not run.

TG_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Everything the build, the demo and the tests use, as Debian 12 packages.
TG_PACKAGES="gcc libc6-dev make autoconf automake pkg-config apache2 apache2-dev libssl-dev openssl
libcmocka-dev curl gnutls-bin nghttp2-client python3 python3-pytest python3-jsonschema
clang libclang-rt-14-dev rsyslog prometheus nginx nginx-dev"

# build/package.sh: dpkg-buildpackage, debhelper, lintian and debian/control's
# Build-Depends (dh_apache2 comes with apache2-dev).
TG_PACKAGE_BUILD_PACKAGES="build-essential dpkg-dev debhelper lintian autoconf automake
pkg-config apache2-dev libssl-dev libcmocka-dev"
# build/test-package.sh: Debian's apache2, the clients, and ssl-cert for the
# certificate of the default-ssl site.
TG_PACKAGE_TEST_PACKAGES="apache2 openssl curl ssl-cert"

# tg_missing_packages [PACKAGE...]: those not installed (default: TG_PACKAGES).
tg_missing_packages() {
    local missing="" p
    for p in ${*:-$TG_PACKAGES}; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing="$missing $p"
    done
    echo "$missing"
}

# tg_install_packages [PACKAGE...]: install the missing ones (default: TG_PACKAGES).
tg_install_packages() {
    local missing
    # shellcheck disable=SC2086
    missing=$(tg_missing_packages ${*:-$TG_PACKAGES})
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "Missing Debian packages. Install them as root, then run this again:" >&2
        echo "  apt-get update && apt-get install -y$missing" >&2
        exit 1
    fi
    echo "== installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    # Keep the packaged apache2 service from starting: we run private instances.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        TG_REMOVE_POLICY_RC=1
    fi
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
    [ -n "${TG_REMOVE_POLICY_RC:-}" ] && rm -f /usr/sbin/policy-rc.d
    return 0
}

# configure (once per option set) and build the module.
tg_build() {
    local opts="$*"
    cd "$TG_TOP"
    if [ ! -f Makefile ] || [ Makefile.in -nt Makefile ] || [ configure.ac -nt Makefile ] \
        || [ "$(cat obj/.configured 2>/dev/null)" != "$opts" ]; then
        autoreconf -fi
        # shellcheck disable=SC2086
        ./configure $opts
        make clean >/dev/null
        mkdir -p obj && echo "$opts" > obj/.configured
    fi
    make -j2
}
