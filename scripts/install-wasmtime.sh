#!/usr/bin/env bash
# Installs the pinned `wasmtime` CLI (used by the `wasmtime serve` tests and the
# benchmark) into a per-user cache, once, and prints its path. Later runs on the
# same machine find it there and return at once.
#
#   scripts/install-wasmtime.sh        # prints e.g. ~/.cache/heygen-plugin/wasmtime-48.0.8/bin/wasmtime
#
# The CLI is built from crates.io (no prebuilt binaries are reachable here)
# with only the features we use: `run`, `serve` and `compile`.
set -euo pipefail

version=48.0.8
root="${HEYGEN_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/heygen-plugin}/wasmtime-$version"
bin="$root/bin/wasmtime"

if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "wasmtime $version"; then
    echo "$bin"
    exit 0
fi

echo "installing wasmtime-cli $version into $root (about 10-15 minutes on 2 cores)..." >&2
cargo install --locked --quiet --root "$root" wasmtime-cli --version "=$version" \
    --no-default-features \
    --features run,serve,compile,cranelift,component-model,component-model-async,parallel-compilation,pooling-allocator,cache,config >&2
"$bin" --version >&2
echo "$bin"
