#!/usr/bin/env bash
# Opt-in: the MCP Inspector's CLI mode (`@modelcontextprotocol/inspector`
# from the npm registry, pinned below; about 140 MB installed, so not in CI)
# against the HTTP face's `POST /mcp` under the real `wasmtime serve` and
# the simulator: tools/list, a tools/call, a call with a bad argument and
# one without the token.
#
#   cargo test --workspace     # builds what this script runs
#   scripts/mcp-inspector.sh
#
# The Inspector goes into ~/.cache/heygen-plugin. Overridable: HEYGEN_HOST,
# HEYGEN_ARTIFACTS, WASMTIME, INSPECTOR_KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
. "$repo/scripts/lib/scratch.sh"
. "$repo/scripts/lib/face.sh"

inspector_version=2.12.0
dir="${XDG_CACHE_HOME:-$HOME/.cache}/heygen-plugin/inspector-$inspector_version"
if [ ! -x "$dir/node_modules/.bin/mcp-inspector" ]; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-audit --no-fund --loglevel=error \
        "@modelcontextprotocol/inspector@$inspector_version" >&2
fi
inspector=("$dir/node_modules/.bin/mcp-inspector" --cli)

scratch_dir INSPECTOR_KEEP
key=sim_test_key_0123456789abcdef
token="inspector-token-$RANDOM$RANDOM"
start_simulator "$host_bin" "$key"
start_face "HEYGEN_BASE_URL=$base" "HEYGEN_API_KEY=$key" "HEYGEN_FACE_TOKEN=$token"
url="$face_url"
auth=(--header "Authorization: Bearer $token")

# check WHAT PYTHON-EXPRESSION FILE: the expression holds for the JSON in FILE (as `r`).
check() {
    python3 -c 'import json,sys; r=json.load(open(sys.argv[2])); assert eval(sys.argv[1]), sys.argv[1]' "$2" "$3" ||
        { echo "FAILED: $1: $(head -c 400 "$3")" >&2; exit 1; }
    echo "ok: $1"
}
"${inspector[@]}" "$url" "${auth[@]}" --method tools/list >"$work/list.json"
check "tools/list offers the default toolsets" 'len(r["tools"]) == 29 and all("outputSchema" in t for t in r["tools"])' "$work/list.json"
"${inspector[@]}" "$url" "${auth[@]}" --method tools/call --tool-name get_remaining_credits >"$work/call.json"
check "tools/call answers the card" 'r["isError"] is False and r["structuredContent"]["success"] is True' "$work/call.json"
# The Inspector prints the result and exits 1 for an `isError` one.
"${inspector[@]}" "$url" "${auth[@]}" --method tools/call --tool-name retrieve_video_link --tool-arg video_id=a/b >"$work/bad.json" 2>"$work/bad.err" || true
check "a bad argument is refused before sending" 'r["isError"] is True and r["structuredContent"]["error"].startswith("invalid_input:")' "$work/bad.json"
"${inspector[@]}" "$url" --method tools/call --tool-name get_remaining_credits >"$work/anonymous.json" 2>&1 </dev/null || true
check "a call without the token is refused" '"error" in r' "$work/anonymous.json"
echo "MCP Inspector $inspector_version: all checks passed"
