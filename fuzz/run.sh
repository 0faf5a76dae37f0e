#!/usr/bin/env bash
# Runs every cargo fuzz target for SECONDS each (two at a time), seeded from the bundled
# fixtures, the real corpus when it is there (fuzz/seed.sh) and the inputs kept in
# fuzz/corpus/TARGET, then prints each target's executions per second and coverage.
# Exits 1 if any target found a crash, a hang or a leak (its input is in fuzz/artifacts/).
#
# Usage: fuzz/run.sh [SECONDS] [TARGET...]     (default 60 seconds, every target)
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
cd "$root"
seeds=$(mktemp -d)
logs=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
fuzz/seed.sh "$seeds"
cargo +nightly fuzz build
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)

run_one() { # target
    local target=$1 shape
    case "$target" in
        read_json | read_previous_report) shape=json ;;
        read_yaml) shape=yaml ;;
        render_*) shape=render ;;
        *) shape=file ;;
    esac
    mkdir -p "fuzz/corpus/$target"
    # -max_len bounds mutated inputs (seeds longer than that are read up to it); -timeout
    # makes an input that takes 10 s (a hang, or quadratic work) a failure.
    if cargo +nightly fuzz run "$target" "$root/fuzz/corpus/$target" "$seeds/$shape" -- \
        -max_total_time="$seconds" -max_len=32768 -timeout=10 -rss_limit_mb=3072 \
        -print_final_stats=1 >"$logs/$target.log" 2>&1; then
        echo "ok $target"
    else
        echo "FAILED $target"
    fi
}
export -f run_one
export root seeds logs seconds
printf '%s\n' "${targets[@]}" | xargs -P 2 -I{} bash -c 'run_one {}' | sort >"$logs/results"

status=0
printf '%-20s %10s %10s %8s %8s  %s\n' target runs exec/s cov ft result
for target in "${targets[@]}"; do
    log="$logs/$target.log"
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
    result=$(grep -E " $target\$" "$logs/results" | cut -d' ' -f1)
    printf '%-20s %10s %10s %8s %8s  %s\n' "$target" "${runs:--}" "${speed:--}" "${cov:--}" \
        "${ft:--}" "$result"
    if [ "$result" != ok ]; then
        status=1
        echo "--- $target ---" >&2
        grep -E -A30 'panicked|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -60 >&2 || tail -40 "$log" >&2
    fi
done
exit $status
