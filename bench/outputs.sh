#!/usr/bin/env bash
# Writes every output of walint on the bundled inputs into a folder, so two builds can be
# compared byte for byte (`diff -r before/ after/`) when a change must not alter output.
#
# Usage: bench/outputs.sh WALINT OUT_DIR [CORPUS_DIR]
#
#   WALINT      the walint binary to run
#   OUT_DIR     created; one file per input set, format and command
#   CORPUS_DIR  optionally a large corpus (e.g. from ../shared/bench/gen-corpus.py) to add
#
# Covers: every format of `check` on examples/*, each tests/fixtures/* folder and the
# corpus (SOURCE_DATE_EPOCH fixed, so the audit reports are reproducible), the exit codes,
# `rules` in both formats and `explain` of every rule.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
walint=$(realpath "$1")
out=$(realpath -m "$2")
corpus=${3:-}
root=$(cd "$(dirname "$0")/.." && pwd)
export SOURCE_DATE_EPOCH=1767225600 # 2026-01-01, so dates in reports do not move
export NO_COLOR=1
mkdir -p "$out"
formats=(human concise json sarif junit github gitlab markdown html)

run_set() { # name folder [extra args...]
    local name=$1 dir=$2
    shift 2
    for format in "${formats[@]}"; do
        local status=0
        (cd "$dir" && GITHUB_STEP_SUMMARY= "$walint" check --format "$format" "$@" . \
            >"$out/$name.$format" 2>"$out/$name.$format.stderr") || status=$?
        echo "$status" >"$out/$name.$format.exit"
    done
}

# Copies outside the repository, so the reports name no git commit and two builds of
# different commits compare equal.
inputs=$(mktemp -d)
trap 'rm -rf "$inputs"' EXIT
cp -r "$root/examples" "$inputs/examples"
cp -r "$root/tests/fixtures" "$inputs/fixtures"
for example in "$inputs"/examples/*/; do
    run_set "example-$(basename "$example")" "$example"
done
for fixture in "$inputs"/fixtures/*/; do
    run_set "fixture-$(basename "$fixture")" "$fixture"
    if [ -f "$fixture/walint-baseline.json" ]; then
        run_set "fixture-$(basename "$fixture")-baseline" "$fixture" --baseline walint-baseline.json
    fi
done
if [ -n "$corpus" ]; then
    run_set corpus "$(realpath "$corpus")" --no-config
fi
"$walint" rules >"$out/rules.txt"
"$walint" rules --format json >"$out/rules.json"
for code in $("$walint" rules --format json | python3 -c 'import json,sys; print(" ".join(r["code"] for r in json.load(sys.stdin)["rules"]))'); do
    "$walint" explain "$code" >"$out/explain-$code.txt"
done
echo "bench/outputs.sh: $(ls "$out" | wc -l) files in $out"
