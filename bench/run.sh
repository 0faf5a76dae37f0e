#!/usr/bin/env bash
# walint's performance targets, measured in one run beside the floor of merely reading the
# same files and beside Spectral, and printed as one table.
#
# Usage: bench/run.sh [--runs N] [--no-scale] [--no-spectral] [--install-spectral] [--stages]
#
#   --runs N            timed runs per measurement, after one warm-up (default 7); medians.
#   --no-scale          skip the 30,000- and 100,000-file corpora (target 2).
#   --no-spectral       skip the comparison with Spectral (target 3).
#   --install-spectral  npm-install @stoplight/spectral-cli@6.16.3 into the tools folder
#                       when no `spectral` is found (otherwise target 3 says it was skipped).
#   --stages            also print the per-stage table of `cargo bench --bench pipeline`.
#
# Targets:
#   1. 10k corpus, JSON output: wall <= 3x the read floor, CPU <= 6x, peak RSS <= 64 MiB;
#      SARIF, HTML and Markdown output: peak RSS <= 100 MiB.
#   2. 100k files: <= 10 s wall, <= 300 MiB, cost per file about constant from 10k to 100k.
#   3. >= 50x faster than Spectral 6.16 with ../shared/peers/spectral-ruleset.yaml on the
#      2,000-file corpus (both timed here).
#   4. one file: `walint check FILE` <= 10 ms end to end.
#
# Corpora are made by ../shared/bench/gen-corpus.py (seed 1) into $BENCH_CORPORA (default
# target/bench-corpora) and kept between runs. Honours CARGO_TARGET_DIR. Timings come from
# bench/measure.py (wall, user+system CPU and peak RSS of each run, via os.wait4).
# Other work on the machine skews wall times; the load average is printed with the table.
set -euo pipefail

die() {
    echo "bench/run.sh: $*" >&2
    exit 2
}

runs=7
scale=1
spectral=1
install_spectral=0
stages=0
while [ $# -gt 0 ]; do
    case "$1" in
        -h | --help)
            sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        --runs)
            [ $# -ge 2 ] || die "--runs needs a number"
            runs=$2
            shift 2
            ;;
        --no-scale) scale=0; shift ;;
        --no-spectral) spectral=0; shift ;;
        --install-spectral) install_spectral=1; shift ;;
        --stages) stages=1; shift ;;
        *) die "unknown argument $1 (see --help)" ;;
    esac
done
case "$runs" in
    '' | *[!0-9]* | 0) die "--runs must be a positive whole number, not '$runs'" ;;
esac

root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
cd -- "$root"
target_dir=${CARGO_TARGET_DIR:-$root/target}
walint=$target_dir/release/walint
corpora=${BENCH_CORPORA:-$target_dir/bench-corpora}
tools=$target_dir/bench-tools
generator=$root/../shared/bench/gen-corpus.py
ruleset=$root/../shared/peers/spectral-ruleset.yaml
measure=("python3" "$root/bench/measure.py" "$runs")
mkdir -p -- "$corpora"

command -v python3 >/dev/null 2>&1 || die "python3 is needed (bench/measure.py, gen-corpus.py)"
[ -f "$generator" ] || die "$generator is missing: the corpora cannot be generated"

corpus() { # corpus N: the folder of the N-file corpus, generated once
    local dir=$corpora/files-$1
    if [ ! -f "$dir/.complete" ]; then
        rm -rf -- "$dir"
        echo "== generating $1 files into $dir" >&2
        python3 "$generator" "$dir" --files "$1" --seed 1 >/dev/null
        touch "$dir/.complete"
    fi
    echo "$dir"
}

field() { # field JSON NAME
    python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"
}

echo "== building walint (--release)" >&2
cargo build --release --quiet --bin walint
[ -x "$walint" ] || die "the build finished but $walint is missing"

results=$(mktemp)
trap 'rm -f -- "$results"' EXIT
row() { # row TARGET WHAT MEASURED LIMIT VERDICT
    printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results"
}
verdict() { # verdict VALUE LIMIT: "met" when VALUE <= LIMIT
    python3 -c 'import sys; print("met" if float(sys.argv[1]) <= float(sys.argv[2]) else "NOT MET")' "$1" "$2"
}
ratio() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
ms() { python3 -c 'import sys; print("%.1f ms" % (float(sys.argv[1]) * 1000))' "$1"; }
mib() { python3 -c 'import sys; print("%.1f MiB" % float(sys.argv[1]))' "$1"; }

load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')

# ---------------------------------------------------------------- 1. the 10k corpus
c10k=$(corpus 10000)
echo "== target 1: 10k corpus, read floor and walint" >&2
floor=$("${measure[@]}" sh -c 'find "$1" -type f \( -name "*.json" -o -name "*.yaml" -o -name "*.yml" \) -print0 | xargs -0 cat >/dev/null' sh "$c10k")
json=$("${measure[@]}" "$walint" check --no-config --format json -o /dev/null "$c10k")
floor_wall=$(field "$floor" wall)
floor_cpu=$(field "$floor" cpu)
wall=$(field "$json" wall)
cpu=$(field "$json" cpu)
rss=$(field "$json" rss_mib)
row 1 "read floor (find | xargs cat)" "wall $(ms "$floor_wall"), CPU $(ms "$floor_cpu")" "-" "-"
row 1 "walint -f json: wall / floor" "$(ms "$wall") = $(ratio "$wall" "$floor_wall")x" "3x" \
    "$(verdict "$(ratio "$wall" "$floor_wall")" 3)"
row 1 "walint -f json: CPU / floor" "$(ms "$cpu") = $(ratio "$cpu" "$floor_cpu")x" "6x" \
    "$(verdict "$(ratio "$cpu" "$floor_cpu")" 6)"
row 1 "walint -f json: peak RSS" "$(mib "$rss")" "64 MiB" "$(verdict "$rss" 64)"
for format in sarif html markdown; do
    m=$("${measure[@]}" "$walint" check --no-config --format "$format" -o /dev/null "$c10k")
    row 1 "walint -f $format: peak RSS (wall $(ms "$(field "$m" wall)"))" \
        "$(mib "$(field "$m" rss_mib)")" "100 MiB" "$(verdict "$(field "$m" rss_mib)" 100)"
done

# ---------------------------------------------------------------- 2. 100k files
if [ "$scale" -eq 1 ]; then
    echo "== target 2: 10k, 30k and 100k files" >&2
    per_file_10k=""
    for n in 10000 30000 100000; do
        dir=$(corpus "$n")
        m=$("${measure[@]}" "$walint" check --no-config --format json -o /dev/null "$dir")
        w=$(field "$m" wall)
        per_file=$(python3 -c 'import sys; print("%.1f" % (float(sys.argv[1]) / int(sys.argv[2]) * 1e6))' "$w" "$n")
        [ -n "$per_file_10k" ] || per_file_10k=$per_file
        row 2 "$n files: wall, per file, RSS" \
            "$(ms "$w"), ${per_file} us/file ($(ratio "$per_file" "$per_file_10k")x of 10k), $(mib "$(field "$m" rss_mib)")" \
            "$([ "$n" -eq 100000 ] && echo "10 s, 300 MiB" || echo "-")" \
            "$([ "$n" -eq 100000 ] && python3 -c 'import sys; print("met" if float(sys.argv[1]) <= 10 and float(sys.argv[2]) <= 300 else "NOT MET")' "$w" "$(field "$m" rss_mib)" || echo "-")"
    done
else
    row 2 "100k files" "skipped (--no-scale)" "10 s, 300 MiB" "-"
fi

# ---------------------------------------------------------------- 3. Spectral
spectral_bin=""
if [ "$spectral" -eq 1 ]; then
    if command -v spectral >/dev/null 2>&1; then
        spectral_bin=$(command -v spectral)
    elif [ -x "$tools/node_modules/.bin/spectral" ]; then
        spectral_bin=$tools/node_modules/.bin/spectral
    elif [ "$install_spectral" -eq 1 ]; then
        echo "== installing @stoplight/spectral-cli@6.16.3 into $tools" >&2
        npm install --prefix "$tools" --no-audit --no-fund --silent @stoplight/spectral-cli@6.16.3 >&2
        spectral_bin=$tools/node_modules/.bin/spectral
    fi
fi
if [ -n "$spectral_bin" ] && [ -f "$ruleset" ]; then
    echo "== target 3: Spectral and walint on the 2,000-file corpus" >&2
    c2k=$(corpus 2000)
    # Spectral exits 1 with findings; measure.py accepts 0 and 1 only, as for walint.
    s=$("${measure[@]}" sh -c 'cd "$1" && "$2" lint --quiet --ruleset "$3" --fail-severity error "**/*.json" "**/*.yaml" "**/*.yml" >/dev/null 2>&1; [ $? -le 1 ]' \
        sh "$c2k" "$spectral_bin" "$ruleset")
    w=$("${measure[@]}" "$walint" check --no-config --format json -o /dev/null "$c2k")
    speedup=$(ratio "$(field "$s" wall)" "$(field "$w" wall)")
    row 3 "Spectral $("$spectral_bin" --version 2>/dev/null) vs walint, 2k files" \
        "$(ms "$(field "$s" wall)") vs $(ms "$(field "$w" wall)") = ${speedup}x" ">= 50x" \
        "$(python3 -c 'import sys; print("met" if float(sys.argv[1]) >= 50 else "NOT MET")' "$speedup")"
else
    why="no spectral found (pass --install-spectral)"
    [ "$spectral" -eq 1 ] || why="skipped (--no-spectral)"
    [ -f "$ruleset" ] || why="$ruleset is missing"
    row 3 "Spectral vs walint, 2k files" "$why" ">= 50x" "-"
fi

# ---------------------------------------------------------------- 4. one file
one=$(find "$c10k" -type f -name '*.yaml' | sort | sed -n 1p)
m=$("${measure[@]}" "$walint" check --no-config --format json -o /dev/null "$one")
row 4 "walint check FILE (one template of the corpus)" "$(ms "$(field "$m" wall)")" "10 ms" \
    "$(verdict "$(field "$m" wall)" 0.010)"

# ---------------------------------------------------------------- table
echo
echo "walint $("$walint" --version | cut -d' ' -f2), $(nproc) CPUs, load average before timing: $load, $runs runs per figure (medians)"
echo
printf '| target | what | measured | limit | verdict |\n|---|---|---|---|---|\n'
while IFS=$'\t' read -r target what measured limit v; do
    printf '| %s | %s | %s | %s | %s |\n' "$target" "$what" "$measured" "$limit" "$v"
done <"$results"

if [ "$stages" -eq 1 ]; then
    echo
    echo "== stages: cargo bench --bench pipeline -- $c10k"
    cargo bench --bench pipeline -- "$c10k"
fi
