#!/usr/bin/env bash
# What 20 custom rules cost: the same walint binary on the same corpus with the rules of
# bench/custom-rules/rules/ (templates, flows as written and through the conversation model,
# the two conversation functions, webhooks, campaigns, WhatsApp Flows) and without them
# (bench/custom-rules/none.yaml, a config that names none). The target: less than 20% more.
#
# Usage: bench/custom-rules.sh WALINT [CORPUS] [RUNS]
#   WALINT  a release build of walint
#   CORPUS  default target/bench-corpora/c10k (made by ../shared/bench/gen-corpus.py
#           CORPUS --files 10000 --seed 1 when missing)
#   RUNS    timed runs of each, after one warm-up (default 7); medians of wall and CPU.
# With CALLGRIND=1 it counts instructions instead (valgrind --tool=callgrind, one run each),
# which other work on the machine does not skew: use a smaller corpus then (1k files).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
walint="${1:?usage: bench/custom-rules.sh WALINT [CORPUS] [RUNS]}"
corpus="${2:-$here/../target/bench-corpora/c10k}"
runs="${3:-7}"
if [ ! -d "$corpus" ]; then
    python3 "$here/../../shared/bench/gen-corpus.py" "$corpus" --files 10000 --seed 1
fi
with="$here/custom-rules/walint.yaml"
without="$here/custom-rules/none.yaml"
if [ "$(ls "$here/custom-rules/rules" | wc -l)" != 20 ]; then
    echo "bench/custom-rules.sh: bench/custom-rules/rules/ should hold 20 rules" >&2
    exit 2
fi
if [ "${CALLGRIND:-0}" = 1 ]; then
    log="$(mktemp)"
    trap 'rm -f "$log"' EXIT
    count() {
        # Exit 1 is walint's "found something".
        valgrind --tool=callgrind --callgrind-out-file=/dev/null --log-file="$log" \
            "$walint" check --config "$1" -f json "$corpus" >/dev/null || [ $? = 1 ]
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$log"
    }
    base=$(count "$without")
    custom=$(count "$with")
    python3 -c "b, c = $base, $custom; print(f'instructions without custom rules: {b:,}\nwith 20 custom rules:             {c:,}\nadded: {100 * (c - b) / b:.1f}%')"
    exit 0
fi
measure() { python3 "$here/measure.py" "$runs" "$walint" check --config "$1" -f json "$corpus"; }
base=$(measure "$without")
custom=$(measure "$with")
python3 - "$base" "$custom" <<'PY'
import json, sys
b, c = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for key in ("wall", "cpu"):
    print(f"{key}: without custom rules {b[key]:.3f} s, with 20 {c[key]:.3f} s: {100 * (c[key] - b[key]) / b[key]:+.1f}%")
PY
uptime
