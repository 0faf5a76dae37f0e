#!/usr/bin/env bash
# Shrinks fuzz/corpus/TARGET to the inputs that reach code the seeds (fuzz/seed.sh) do
# not: libFuzzer merges the corpus into a copy of the seeds, counting edges only (not how
# often each is hit) and picking a small set that covers them, and only the inputs it adds
# are kept. Run it after a long fuzzing session, before committing the corpus.
#
# Usage: fuzz/minimize.sh [TARGET...]     (default every target)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
fuzz/seed.sh "$seeds"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)
for target in "${targets[@]}"; do
    case "$target" in
        read_json) shape=json ;;
        read_yaml) shape=yaml ;;
        render_*) shape=render ;;
        *) shape=file ;;
    esac
    corpus="fuzz/corpus/$target"
    [ -d "$corpus" ] || continue
    merged=$(mktemp -d)
    cp "$seeds/$shape"/* "$merged/"
    cargo +nightly fuzz run "$target" "$merged" "$root/$corpus" -- -merge=1 -set_cover_merge=1 \
        -use_counters=0 -max_len=32768 -timeout=10 >/dev/null 2>&1
    rm -rf "$corpus"
    mkdir -p "$corpus"
    for file in "$merged"/*; do
        [ -e "$seeds/$shape/$(basename "$file")" ] || mv "$file" "$corpus/"
    done
    rm -rf "$merged"
    echo "$target: $(find "$corpus" -type f | wc -l) inputs kept, $(du -sh "$corpus" | cut -f1)"
done
