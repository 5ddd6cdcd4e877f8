#!/usr/bin/env bash
# The layers' include boundaries, checked on the compiler's own dependency
# lists (the .d files that -MD writes beside each object):
#   - mod_src/core depends on mod_src/core and the C library only;
#   - mod_src/ossl depends on no httpd or APR header;
#   - mod_src/nginx (built by nginx's own make, without .d files) includes
#     headers of core/, ossl/, nginx and OpenSSL, never the httpd adapter's.
# -I flags alone cannot forbid OpenSSL's headers to the core: they live in
# /usr/include with the C library's. So the C library is defined here as
# what its headers pull in when compiled with the core's own flags.
#
# usage: check-layers.sh "CC FLAGS..." "FORBIDDEN_DIR..." CORE_OBJDIR OSSL_OBJDIR
set -euo pipefail
cc=$1 forbidden=$2 core_obj=$3 ossl_obj=$4
top=$(cd "$(dirname "$0")/.." && pwd)

# C11's headers, and the POSIX ones the core may use.
C_LIBRARY="assert.h complex.h ctype.h errno.h fenv.h float.h inttypes.h iso646.h limits.h
locale.h math.h setjmp.h signal.h stdalign.h stdarg.h stdatomic.h stdbool.h stddef.h stdint.h
stdio.h stdlib.h stdnoreturn.h string.h tgmath.h threads.h time.h uchar.h wchar.h wctype.h
strings.h sys/types.h"

# deps FILE...: every prerequisite named in the .d files, one canonical path a line.
deps() {
    sed -e 's/^[^:]*://' -e 's/\\$//' "$@" | tr ' ' '\n' | sed '/^$/d' \
        | (cd "$top" && xargs -r realpath -m) | sort -u
}

allowed=$(mktemp)
trap 'rm -f "$allowed" "$allowed.d"' EXIT
for h in $C_LIBRARY; do
    printf '#if __has_include(<%s>)\n#include <%s>\n#endif\n' "$h" "$h"
done | (cd "$top" && $cc -M -MF "$allowed.d" -x c - -o /dev/null)
deps "$allowed.d" > "$allowed"

failed=0
shopt -s nullglob
core_d=("$top/$core_obj"/*.d)
ossl_d=("$top/$ossl_obj"/*.d)
if [ ${#core_d[@]} -eq 0 ] || [ ${#ossl_d[@]} -eq 0 ]; then
    echo "check-layers: no dependency lists in $core_obj or $ossl_obj (build first)" >&2
    exit 1
fi

for d in "${core_d[@]}"; do
    while read -r f; do
        case $f in "$top"/mod_src/core/*) continue ;; esac
        if ! grep -qxF "$f" "$allowed"; then
            echo "check-layers: ${d#"$top"/} depends on $f: core code may include" \
                 "mod_src/core and the C library only (build/check-layers.sh C_LIBRARY)" >&2
            failed=1
        fi
    done < <(deps "$d")
done

for d in "${ossl_d[@]}"; do
    while read -r f; do
        for dir in $forbidden; do
            case $f in "$(realpath -m "$dir")"/*)
                echo "check-layers: ${d#"$top"/} depends on $f: OpenSSL glue may" \
                     "include no httpd or APR header" >&2
                failed=1 ;;
            esac
        done
    done < <(deps "$d")
done

for f in "$top"/mod_src/nginx/*.[ch]; do
    while read -r inc; do
        if [ -e "$top/mod_src/apache/$inc" ] || case $inc in httpd.h|http_*.h|apr_*.h|apr.h) true ;; *) false ;; esac; then
            echo "check-layers: ${f#"$top"/} includes $inc: the nginx adapter may use" \
                 "core/ and ossl/ only" >&2
            failed=1
        fi
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]\([^>"]*\)[>"].*/\1/p' "$f")
done

[ "$failed" -eq 0 ] && echo "check-layers: core, ossl and nginx stay within their layers"
exit "$failed"
