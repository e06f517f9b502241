#!/usr/bin/env bash
# Scale-out on real wasmCloud hosts: three `wash host` processes (wasmCloud
# v2, the pinned wash 2.10.3) on one NATS (Debian's nats-server), the HTTP
# face pulled from a local OCI registry (Debian's docker-registry) after
# `wash oci push`, and the HeyGen simulator behind them.
#
# wasmCloud's runtime-operator (placement) and runtime-gateway (HTTP routing)
# are Kubernetes controllers and cannot run here, so a STAND-IN does their
# two jobs over the hosts' real NATS protocol: scripts/wasmcloud-cluster/
# standin.py. Then, with the official Python MCP SDK's client
# (scripts/wasmcloud-cluster/drive.py):
#   1. 6 replicas spread 2/2/2; CLIENTS MCP clients make read calls for
#      SECONDS while host h2 is killed with SIGKILL halfway: every call must
#      succeed, and h2's replicas must run on the survivors within 2 s;
#   2. a create whose answer is lost with its host (the simulator stalls the
#      first create's answer; that host is killed): the stand-in does not
#      repeat it, the client repeats it with its idempotency_key, one video;
#   3. the same load against the surviving wash host directly, and
#   4. against one `wasmtime serve`, for req/s and p50/p99 (what the cluster
#      and the stand-in's Python router cost).
# Prints the figures as JSON lines (docs/running-at-scale.md quotes a run).
#
#   cargo test --workspace        # builds what this script runs
#   scripts/wasmcloud-cluster.sh [CLIENTS [SECONDS]]     # default 8 clients, 10 s
#
# Installs what is missing: nats-server and docker-registry with apt-get (as
# root), wash (scripts/install-wash.sh), and a virtualenv with the pinned `mcp`
# and `nats-py` packages from the Python registry, cached under
# ~/.cache/heygen-plugin. Overridable: HEYGEN_HOST, HEYGEN_ARTIFACTS, WASMTIME,
# CLUSTER_KEEP=1 (keep the scratch dir with every log).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
. "$repo/scripts/lib/scratch.sh"
. "$repo/scripts/lib/face.sh"
clients="${1:-8}"
seconds="${2:-10}"

missing=()
command -v nats-server >/dev/null || missing+=(nats-server)
command -v docker-registry >/dev/null || missing+=(docker-registry)
if [ "${#missing[@]}" -gt 0 ]; then
    as_root=()
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null || { echo "needs Debian's ${missing[*]} (apt-get install ${missing[*]})" >&2; exit 2; }
        as_root=(sudo)
    fi
    echo "installing Debian's ${missing[*]} ..." >&2
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get install -y -q "${missing[@]}" >/dev/null ||
        { "${as_root[@]}" apt-get update -q >/dev/null && "${as_root[@]}" apt-get install -y -q "${missing[@]}" >/dev/null; }
fi
wash="$("$repo/scripts/install-wash.sh")"

packages=(mcp==2.3.0 nats-py==2.16.0)
venv="${XDG_CACHE_HOME:-$HOME/.cache}/heygen-plugin/python-wasmcloud-cluster-mcp-2.3.0-nats-2.16.0"
if ! "$venv/bin/python" -c 'import mcp, nats' 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${packages[@]}"
fi
py="$venv/bin/python"

wait_port() {
    for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
    echo "nothing listens on 127.0.0.1:$1 ($2); logs in $work" >&2
    exit 1
}

scratch_dir CLUSTER_KEEP
key=sim_test_key_0123456789abcdef
token="cluster-token-$RANDOM$RANDOM"
start_simulator "$host_bin" "$key" main --stall-answer /v3/videos
"$host_bin" docs cases >"$work/cases.json"

nats_port="$(free_port)"
timeout 900 nats-server -a 127.0.0.1 -p "$nats_port" >"$work/nats.log" 2>&1 </dev/null &
pids+=($!)
registry_port="$(free_port)"
cat >"$work/registry.yml" <<EOF
version: 0.1
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$registry_port
EOF
timeout 900 docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 </dev/null &
pids+=($!)
wait_port "$nats_port" nats-server
wait_port "$registry_port" docker-registry
image="localhost:$registry_port/heygen-plugin-http:0.1.0"
"$wash" oci push --insecure "$image" "$face" >"$work/push.log" 2>&1

# The stand-in first: hosts announce themselves on start-up, then every 15 s.
router_port="$(free_port)"
host_args=()
declare -A http_port
for h in h1 h2 h3; do
    http_port[$h]="$(free_port)"
    host_args+=(--host "$h=127.0.0.1:${http_port[$h]}")
done
timeout 900 "$py" scripts/wasmcloud-cluster/standin.py --nats "nats://127.0.0.1:$nats_port" \
    --listen "127.0.0.1:$router_port" --image "$image" --replicas 6 "${host_args[@]}" \
    --env "HEYGEN_BASE_URL=$base" --env "HEYGEN_API_KEY=$key" --env "HEYGEN_FACE_TOKEN=$token" \
    --env HEYGEN_FACE_TOOLSETS=all --allowed-host 127.0.0.1 >"$work/standin.log" 2>&1 </dev/null &
pids+=($!)
wait_port "$router_port" standin

# The hosts are started without `timeout`, so that SIGKILL reaches wash itself.
pid_args=()
declare -A host_pid
for h in h1 h2 h3; do
    RAYON_NUM_THREADS=1 "$wash" host --host-name "$h" \
        --scheduler-nats-url "nats://127.0.0.1:$nats_port" --data-nats-url "nats://127.0.0.1:$nats_port" \
        --http-addr "127.0.0.1:${http_port[$h]}" --probe-addr "127.0.0.1:$(free_port)" \
        --allow-insecure-registries --max-concurrent-starts 1 --oci-cache-dir "$work/oci-$h" \
        >"$work/host-$h.log" 2>&1 </dev/null &
    host_pid[$h]=$!
    pids+=($!)
    pid_args+=(--pid "$h=$!")
done

state="http://127.0.0.1:$router_port/_standin/state"
for _ in $(seq 300); do
    grep -q "standin: placed" "$work/standin.log" && break
    sleep 0.1
done
grep -q "standin: placed" "$work/standin.log" || { echo "replicas not placed in 30 s: $(tail -5 "$work/standin.log")" >&2; exit 1; }
echo "placed: $(grep -m1 'standin: placed' "$work/standin.log")" >&2

router="http://127.0.0.1:$router_port/mcp"
echo "== 1. $clients MCP clients, read calls for $seconds s through the stand-in; h2 killed halfway" >&2
"$py" scripts/wasmcloud-cluster/drive.py load "$router" "$token" "$work/cases.json" "$clients" "$seconds" \
    --kill "h2=${host_pid[h2]}" --standin "$state"
echo "== 2. a create whose answer is lost with its host, repeated with its idempotency_key" >&2
"$py" scripts/wasmcloud-cluster/drive.py lost-create "$router" "$token" --standin "$state" "${pid_args[@]}"

echo "== 3. the same load against the last wash host directly, without the stand-in" >&2
last="$("$py" -c 'import json,sys,urllib.request as u; s=json.load(u.urlopen(sys.argv[1])); print(next(iter(s["spread"])))' "$state")"
"$py" scripts/wasmcloud-cluster/drive.py load "http://127.0.0.1:${http_port[$last]}/mcp" "$token" "$work/cases.json" \
    "$clients" "$seconds" --host-header r1.heygen.local

echo "== 4. the same load against one wasmtime serve" >&2
start_simulator "$host_bin" "$key" single
start_face "HEYGEN_BASE_URL=$base" "HEYGEN_API_KEY=$key" "HEYGEN_FACE_TOKEN=$token" HEYGEN_FACE_TOOLSETS=all
"$py" scripts/wasmcloud-cluster/drive.py load "$face_url" "$token" "$work/cases.json" "$clients" "$seconds"

# The simulator's own log names its key; nothing else may.
for log in "$work"/*.log; do
    if grep -q -e "$key" -e "$token" "$log"; then
        echo "FAILED: a secret in $(basename "$log")" >&2
        exit 1
    fi
done
echo "wasmcloud cluster: passed" >&2
