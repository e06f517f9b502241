# Sourced (after scratch.sh) by the scripts that drive the HTTP face under
# the real `wasmtime serve` (remote-mcp.sh, mcp-inspector.sh): sets
# $host_bin, $face and $wasmtime (HEYGEN_HOST, HEYGEN_ARTIFACTS and WASMTIME
# override them), exits 2 if the built artifacts are missing, and clears the
# caller's HEYGEN_* so none reaches a component.
host_bin="${HEYGEN_HOST:-$repo/target/debug/heygen-host}"
face="${HEYGEN_ARTIFACTS:-$repo/target/wasm}/heygen_plugin_http.wasm"
wasmtime="${WASMTIME:-$("$repo/scripts/install-wasmtime.sh")}"
for f in "$host_bin" "$face"; do
    [ -e "$f" ] || { echo "missing $f: run 'cargo test --workspace' first" >&2; exit 2; }
done
for var in $(compgen -e | grep '^HEYGEN_' || true); do unset "$var"; done

# start_face NAME=VALUE...: the HTTP face under `wasmtime serve` on a free
# loopback port with those variables (its log in $work/serve.log); sets
# $face_url to its /mcp and returns once GET /actions answers (30 s at most).
start_face() {
    local port env=()
    port="$(free_port)"
    for pair in "$@"; do env+=(--env "$pair"); done
    timeout 900 "$wasmtime" serve -S cli --addr "127.0.0.1:$port" "${env[@]}" "$face" \
        >"$work/serve.log" 2>&1 </dev/null &
    pids+=($!)
    for _ in $(seq 300); do
        curl -s -o /dev/null "http://127.0.0.1:$port/actions" && break
        sleep 0.1
    done
    face_url="http://127.0.0.1:$port/mcp"
}
