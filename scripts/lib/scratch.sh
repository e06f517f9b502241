# Sourced by the scripts that run the built artifacts against the HeyGen
# simulator (conformance.sh, wassette.sh, remote-mcp.sh, mcp-inspector.sh,
# wasmcloud-cluster.sh): a scratch dir whose background
# processes are stopped on exit, and the simulator started in it.

# scratch_dir KEEP_VAR: sets $work, a new scratch dir removed on exit (kept,
# and named on stderr, when the variable named KEEP_VAR is set), and $pids,
# the background processes stopped on exit; each is started under `timeout`,
# which passes the signal on. Replaces any EXIT trap.
scratch_dir() {
    work="$(mktemp -d)"
    pids=()
    _scratch_keep="$1"
    trap _scratch_cleanup EXIT
    trap 'exit 130' INT TERM
}

_scratch_cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ -n "${!_scratch_keep:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}

# free_port: a loopback TCP port free at the time of asking, on stdout.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_simulator HOST_BIN KEY [NAME [OPTION...]]: starts `HOST_BIN simulator`
# on a free loopback port with the API key KEY and any further options (its
# log in $work/simulator-NAME.out), and sets $base to its URL; exits 1 if it
# has not said its URL within 5 s.
start_simulator() {
    local log="$work/simulator-${3:-main}.out"
    timeout 900 "$1" simulator --port 0 --key "$2" "${@:4}" >"$log" 2>&1 </dev/null &
    pids+=($!)
    base=""
    for _ in $(seq 50); do
        base="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -1 || true)"
        [ -n "$base" ] && break
        sleep 0.1
    done
    [ -n "$base" ] || { echo "the simulator did not start: $(cat "$log")" >&2; exit 1; }
}
