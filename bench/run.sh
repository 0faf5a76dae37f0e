#!/usr/bin/env bash
# End-to-end benchmark of `walint check` on a large synthetic monorepo.
#
# Usage: bench/run.sh [DIR] [--files N]
#
#   DIR        a folder to lint. If it is omitted or "", a corpus of N files is generated
#              into a temporary folder (removed at the end). If DIR is missing or empty,
#              the corpus is generated into it (and kept).
#   --files N  size of a generated corpus (default 10000).
#
# Generating needs ../shared/bench/gen-corpus.py next to the repository and python3.
# Reports: wall time of `walint check DIR --format json -o /dev/null` (hyperfine when
# installed, otherwise a loop timed with `date`), peak RSS (`/usr/bin/time -v`),
# files/second, the baseline of merely reading the same files with cat, the ratio
# walint/read, and the per-stage table of `cargo bench --bench pipeline -- DIR`.
#
# Honours CARGO_TARGET_DIR. Set BENCH_OUT to keep hyperfine exports in a given folder.
set -euo pipefail

usage() {
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
}

die() {
    echo "bench/run.sh: $*" >&2
    exit 2
}

have() {
    command -v "$1" >/dev/null 2>&1
}

# ---------------------------------------------------------------- arguments
dir=""
files=10000
dir_given=0
while [ $# -gt 0 ]; do
    case "$1" in
        -h | --help)
            usage
            exit 0
            ;;
        --files)
            [ $# -ge 2 ] || die "--files needs a number"
            files=$2
            shift 2
            ;;
        --files=*)
            files=${1#--files=}
            shift
            ;;
        -*)
            die "unknown option $1 (see --help)"
            ;;
        *)
            [ "$dir_given" -eq 0 ] || die "only one folder may be given"
            dir=$1
            dir_given=1
            shift
            ;;
    esac
done
case "$files" in
    '' | *[!0-9]*) die "--files must be a positive whole number, not '$files'" ;;
esac
[ "$files" -gt 0 ] || die "--files must be a positive whole number"

# The folder is relative to where the script was called from; resolve it before moving.
if [ -n "$dir" ]; then
    mkdir -p -- "$dir"
    dir=$(cd -- "$dir" && pwd -P)
fi

root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
cd -- "$root"

target_dir=${CARGO_TARGET_DIR:-$root/target}
walint=$target_dir/release/walint
out=${BENCH_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/walint-bench-out.XXXXXX")}
mkdir -p -- "$out"
out=$(cd -- "$out" && pwd -P)

cleanup_dir=""
cleanup() {
    if [ -n "$cleanup_dir" ]; then
        rm -rf -- "$cleanup_dir"
    fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- corpus
generator=$root/../shared/bench/gen-corpus.py
if [ -z "$dir" ] || [ -z "$(ls -A -- "$dir")" ]; then
    if [ ! -f "$generator" ]; then
        die "cannot generate a corpus: $generator does not exist (pass a folder to lint instead)"
    fi
    have python3 || die "python3 is needed to run $generator"
    if [ -z "$dir" ]; then
        dir=$(mktemp -d "${TMPDIR:-/tmp}/walint-corpus.XXXXXX")
        cleanup_dir=$dir
    fi
    echo "== generating $files files into $dir"
    python3 "$generator" "$dir" --files "$files"
elif [ "$dir_given" -eq 1 ] && [ "$files" -ne 10000 ]; then
    echo "note: $dir is not empty, so it is used as is and --files is ignored" >&2
fi

count=$(find "$dir" -type f \( -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) | wc -l)
count=$((count + 0))
[ "$count" -gt 0 ] || die "no .json/.yaml/.yml files under $dir"
bytes=$(find "$dir" -type f \( -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) -print0 |
    xargs -0 cat | wc -c)

# ---------------------------------------------------------------- build
echo "== building walint (--release) into $target_dir"
cargo build --release --bin walint
[ -x "$walint" ] || die "build finished but $walint is missing"

# walint exits 1 when it finds problems, which a synthetic corpus has on purpose;
# 2 means it could not run at all.
set +e
"$walint" check "$dir" --format json -o /dev/null
status=$?
set -e
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    die "walint check failed with exit status $status"
fi

q_walint=$(printf '%q' "$walint")
q_dir=$(printf '%q' "$dir")
walint_cmd="$q_walint check $q_dir --format json -o /dev/null"
read_cmd="find $q_dir -type f \\( -name '*.json' -o -name '*.yaml' -o -name '*.yml' \\) -print0 | xargs -0 cat > /dev/null"

# ---------------------------------------------------------------- timing
# Other work on the machine skews every figure: note the load before timing.
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
echo "load average before timing: $load"
# time_runs NAME COMMAND: sets MEDIAN and MIN (seconds) for COMMAND, run by a shell,
# 1 warm-up and 10 timed runs. A non-zero exit status is not an error (walint's 1).
MEDIAN=""
MIN=""
time_runs() {
    local name=$1 cmd=$2
    if have hyperfine; then
        hyperfine --warmup 1 --runs 10 --ignore-failure --style basic \
            --command-name "$name" \
            --export-markdown "$out/$name.md" \
            --export-json "$out/$name.json" \
            "$cmd"
        have python3 || die "python3 is needed to read hyperfine's JSON export"
        MEDIAN=$(python3 -c 'import json,sys; print("%.6f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$out/$name.json")
        MIN=$(python3 -c 'import json,sys; print("%.6f" % json.load(open(sys.argv[1]))["results"][0]["min"])' "$out/$name.json")
        echo
        cat "$out/$name.md"
    else
        local _run start end
        : >"$out/$name.times"
        bash -c "$cmd" || true
        for _run in 1 2 3 4 5 6 7 8 9 10; do
            start=$(date +%s.%N)
            bash -c "$cmd" || true
            end=$(date +%s.%N)
            awk -v s="$start" -v e="$end" 'BEGIN { printf "%.6f\n", e - s }' >>"$out/$name.times"
        done
        MIN=$(sort -g "$out/$name.times" | head -n 1)
        MEDIAN=$(sort -g "$out/$name.times" | awk '{ t[NR] = $1 } END { printf "%.6f\n", (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }')
        echo "$name: min $MIN s, median $MEDIAN s (10 runs after 1 warm-up, date +%s.%N)"
    fi
}

if ! have hyperfine; then
    echo "note: hyperfine not found, timing with date (apt-get install hyperfine for better numbers)" >&2
fi

echo
echo "== wall time: walint check"
time_runs walint "$walint_cmd"
walint_median=$MEDIAN
walint_min=$MIN

echo
echo "== wall time: read baseline (find | xargs cat)"
time_runs read "$read_cmd"
read_median=$MEDIAN
read_min=$MIN

echo
echo "== peak memory"
rss_kib=""
if [ -x /usr/bin/time ]; then
    set +e
    /usr/bin/time -v "$walint" check "$dir" --format json -o /dev/null 2>"$out/time-v.txt"
    set -e
    rss_kib=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$out/time-v.txt")
    [ -n "$rss_kib" ] || die "could not read the peak RSS from /usr/bin/time -v (see $out/time-v.txt)"
    echo "peak RSS: $rss_kib KiB"
else
    echo "/usr/bin/time is missing: install it for peak memory (Debian/Ubuntu: apt-get install time)" >&2
fi

# ---------------------------------------------------------------- summary
echo
echo "== summary"
awk -v n="$count" -v bytes="$bytes" -v cpus="$(nproc 2>/dev/null || echo '?')" -v load="$load" \
    -v wmed="$walint_median" -v wmin="$walint_min" \
    -v rmed="$read_median" -v rmin="$read_min" -v rss="$rss_kib" 'BEGIN {
    printf "machine:            %s CPUs, load average %s before timing\n", cpus, load
    printf "corpus:             %d files, %.1f MiB\n", n, bytes / 1048576
    printf "walint wall time:   median %.1f ms, min %.1f ms\n", wmed * 1000, wmin * 1000
    printf "walint files/s:     %.0f (median)\n", n / wmed
    if (rss != "") printf "walint peak RSS:    %.1f MiB\n", rss / 1024
    else printf "walint peak RSS:    not measured\n"
    printf "read baseline:      median %.1f ms, min %.1f ms, %.0f files/s\n", rmed * 1000, rmin * 1000, n / rmed
    printf "ratio walint/read:  %.2f (median)\n", wmed / rmed
    verdict = (wmed < 1.0) ? "under" : "OVER"
    printf "target 1 s:         %s (%.1f ms)\n", verdict, wmed * 1000
    if (rss != "") {
        verdict = (rss / 1024 < 100) ? "under" : "OVER"
        printf "target 100 MiB:     %s (%.1f MiB)\n", verdict, rss / 1024
    }
}'
echo "hyperfine exports and logs: $out"

# ---------------------------------------------------------------- stages
echo
echo "== stages: cargo bench --bench pipeline -- $dir"
cargo bench --bench pipeline -- "$dir"
