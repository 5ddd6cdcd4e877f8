#!/usr/bin/env bash
# Build obj/nginx/ngx_http_tlsguard_module.so against Debian's nginx-dev: a
# copy of /usr/share/nginx/src (the configured headers and conf_flags of
# Debian's /usr/sbin/nginx) under obj/nginx/src, configured once with those
# flags and --add-dynamic-module=mod_src/nginx, then `make modules`.
#
# usage: [CC=compiler] [TG_NGX_CC_OPT=flags] [TG_NGX_LD_OPT=flags] build/nginx-module.sh [NGINX_DEV_DIR]
#        (default /usr/share/nginx/src; flags default -g -O2: with the sanitizers'
#        flags the module runs in Debian's nginx with their runtime preloaded)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-/usr/share/nginx/src}
out=$top/obj/nginx
tree=$out/src

if [ ! -f "$src/conf_flags" ] || [ ! -x "$src/configure" ]; then
    echo "nginx-module: no nginx-dev tree in $src (apt-get install nginx-dev)" >&2
    exit 1
fi
# Configure again when the module's build description or the flags change.
stamp=$out/configured
cc=${CC:-cc}
cc_opt=${TG_NGX_CC_OPT:--g -O2}
ld_opt=${TG_NGX_LD_OPT:-}
want="$(cat "$src/conf_flags" "$top/mod_src/nginx/config" | md5sum) $(ls "$top"/mod_src/{core,ossl,nginx}/*.c | md5sum) $cc $cc_opt $ld_opt"
if [ ! -f "$tree/objs/Makefile" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    rm -rf "$tree"
    mkdir -p "$out"
    cp -a "$src" "$tree"
    # shellcheck disable=SC1091
    . "$tree/conf_flags"
    (cd "$tree" && ./configure "${NGX_CONF_FLAGS[@]}" --with-cc="$cc" \
        --with-cc-opt="$cc_opt" --with-ld-opt="$ld_opt" \
        --add-dynamic-module="$top/mod_src/nginx" > "$out/configure.log" 2>&1) \
        || { tail -n 30 "$out/configure.log" >&2; exit 1; }
    echo "$want" > "$stamp"
fi
make -C "$tree" -f objs/Makefile modules
cp "$tree/objs/ngx_http_tlsguard_module.so" "$out/ngx_http_tlsguard_module.so.new"
mv "$out/ngx_http_tlsguard_module.so.new" "$out/ngx_http_tlsguard_module.so"
