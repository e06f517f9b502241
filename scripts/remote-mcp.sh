#!/usr/bin/env bash
# The HTTP face's `POST /mcp` (MCP over Streamable HTTP) under the real
# `wasmtime serve`, driven by the official Python MCP SDK (the `mcp` package
# of the Python package registry, pinned below) against the HeyGen simulator:
# scripts/remote-mcp/client.py initializes, lists the tools, calls every tool,
# gets a wait's progress over SSE, is refused bad input and a call without a
# token, and goes on working, in the handshake revision (2025-11-25) and in
# the stateless one (2026-07-28, the SDK's `Client` in its default mode). (The Rust SDK's client does the same in
# `cargo test`: host/tests/all/remote_mcp.rs.)
#
#   cargo test --workspace     # builds what this script runs
#   scripts/remote-mcp.sh
#
# The SDK goes into a virtualenv cached under ~/.cache/heygen-plugin.
# Overridable: HEYGEN_HOST, HEYGEN_ARTIFACTS, WASMTIME, REMOTE_MCP_KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
. "$repo/scripts/lib/scratch.sh"
. "$repo/scripts/lib/face.sh"

sdk="mcp==2.3.0"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/heygen-plugin"
venv="$cache/python-${sdk/==/-}"

if ! "$venv/bin/python" -c 'import mcp' 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$sdk"
fi
echo "python MCP SDK: $("$venv/bin/pip" show mcp | grep '^Version')" >&2

scratch_dir REMOTE_MCP_KEEP
key=sim_test_key_0123456789abcdef
token="remote-mcp-token-$RANDOM$RANDOM"
start_simulator "$host_bin" "$key"
start_face "HEYGEN_BASE_URL=$base" "HEYGEN_API_KEY=$key" "HEYGEN_FACE_TOKEN=$token" HEYGEN_FACE_TOOLSETS=all
"$host_bin" docs cases >"$work/cases.json"
"$venv/bin/python" scripts/remote-mcp/client.py "$face_url" "$token" "$work/cases.json"
