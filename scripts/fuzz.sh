#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for a while and reports, per target,
# the executions and exec/s from libFuzzer's final stats and whether it crashed.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
#
# Needs the nightly toolchain (the repo pins stable, hence `cargo +nightly`);
# installs cargo-fuzz if it is missing. Each target starts from its committed
# seeds (fuzz/seeds/<target>) plus the git-ignored corpus it grows
# (fuzz/corpus/<target>). Crash inputs land in fuzz/artifacts/<target>.
# Exits 1 if any target crashed.
set -uo pipefail

secs="${1:-60}"
case "$secs" in '' | *[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET]" >&2; exit 2 ;; esac
targets=(answers inputs)

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/fuzz" || exit 2

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "installing cargo-fuzz..." >&2
    cargo install cargo-fuzz --locked || exit 2
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "the nightly toolchain is missing: rustup toolchain install nightly" >&2
    exit 2
fi

cargo +nightly fuzz build || exit 2

logs="$(mktemp -d)"
crashed=0
results=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "seeds/$t"
    echo "== $t: ${secs} s" >&2
    cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$secs" -print_final_stats=1 >"$logs/$t.log" 2>&1
    status=$?
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.log" | tail -n1)"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$logs/$t.log" | tail -n1)"
    if [ -z "$execs" ]; then
        # No final stats (e.g. after a crash): fall back to the last status line.
        last="$(grep -E '^#[0-9]+' "$logs/$t.log" | tail -n1)"
        execs="$(sed -E 's/^#([0-9]+).*/\1/' <<<"$last")"
        rate="$(sed -nE 's/.*exec\/s: ([0-9]+).*/\1/p' <<<"$last")"
    fi
    crash="no"
    if [ "$status" -ne 0 ] || grep -qE '^==[0-9]+== ?ERROR: libFuzzer|deadly signal|panicked at' "$logs/$t.log"; then
        crash="YES"
        crashed=1
        artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$logs/$t.log" | tail -n1)"
        panic="$(grep -m1 -A1 'panicked at' "$logs/$t.log" | tr '\n' ' ')"
        echo "$t crashed (exit $status): ${panic:-see $logs/$t.log}" >&2
        [ -n "$artifact" ] && echo "  input: fuzz/$artifact (cargo +nightly fuzz fmt $t $artifact)" >&2
    fi
    results+=("$(printf '%-14s %14s %10s %6s' "$t" "${execs:-?}" "${rate:-?}" "$crash")")
done

printf '%-14s %14s %10s %6s\n' target executions exec/s crash
printf '%s\n' "${results[@]}"
echo "(logs in $logs)"
exit "$crashed"
