#!/usr/bin/env bash
# Build the Debian package libapache2-mod-tlsguard (debian/, dpkg-buildpackage -b
# -us -uc) from a copy of the repository's files in obj/package/src, so the work
# tree and its own build stay as they are, then run lintian on it. The package
# ends up in obj/package/: libapache2-mod-tlsguard_<version>_<arch>.deb (and the
# -dbgsym .ddeb, .buildinfo, .changes).
set -euo pipefail
. "$(dirname "$0")/common.sh"

# shellcheck disable=SC2086
tg_install_packages $TG_PACKAGE_BUILD_PACKAGES

cd "$TG_TOP"
out="$TG_TOP/obj/package"
src="$out/src"

version=$(dpkg-parsechangelog -l debian/changelog -S Version)
upstream=$(sed -n 's/^AC_INIT(\[mod_tlsguard\], \[\([^]]*\)\].*/\1/p' configure.ac)
if [ "$version" != "$upstream" ]; then
    echo "debian/changelog says $version, configure.ac says $upstream" >&2
    exit 1
fi

tree_state() {
    if git -C "$TG_TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git -C "$TG_TOP" status --porcelain --untracked-files=all
    fi
}
before=$(tree_state)

# The repository's files, nothing it ignores (its own build, obj/, ...).
rm -rf "$out"
mkdir -p "$src"
if git -C "$TG_TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$TG_TOP" ls-files -z --cached --others --exclude-standard \
        | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
        | tar --null -T - -cf - | tar -xf - -C "$src"
else
    tar --exclude-vcs --exclude-vcs-ignores --exclude=./obj -cf - . | tar -xf - -C "$src"
fi

echo "== dpkg-buildpackage -b -us -uc (libapache2-mod-tlsguard $version)"
(cd "$src" && DEB_BUILD_OPTIONS="parallel=2 ${DEB_BUILD_OPTIONS:-}" dpkg-buildpackage -b -us -uc)

arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb="$out/libapache2-mod-tlsguard_${version}_${arch}.deb"
changes="$out/libapache2-mod-tlsguard_${version}_${arch}.changes"
[ -f "$deb" ] && [ -f "$changes" ] || { echo "no $deb or $changes" >&2; exit 1; }
rm -rf "$src"

# An error or a warning fails the build. There are no overrides: lintian
# 2.116 reports no tag for the package, at any level.
echo "== lintian"
lintian --fail-on error,warning --display-info "$changes"
echo "lintian: no errors, no warnings"

after=$(tree_state)
if [ "$before" != "$after" ]; then
    echo "the package build changed the work tree:" >&2
    diff <(echo "$before") <(echo "$after") >&2 || true
    exit 1
fi

echo "== package: $deb"
dpkg-deb --info "$deb" | sed -n 's/^ \(Package\|Version\|Architecture\|Depends\):/  \1:/p'
dpkg-deb --contents "$deb" | awk '{print "  " $6}'
