#!/usr/bin/env bash
# Writes the seed inputs of the fuzz targets into OUT_DIR, from the bundled examples and
# test fixtures and, when it is there, the real corpus in ../shared/corpus/real. Each file
# becomes one seed per input shape the targets read:
#
#   OUT_DIR/json      the file as it is (.json only): read_json
#   OUT_DIR/yaml      the file as it is (YAML reads JSON too): read_yaml
#   OUT_DIR/file      a byte naming the syntax (0 YAML, 1 JSON), then the file: loader and
#                     the read_<kind> targets
#   OUT_DIR/render    that byte, four bytes of an extra finding's span, then the file:
#                     the render_<format> targets
#
# Usage: fuzz/seed.sh OUT_DIR
set -euo pipefail
[ $# -eq 1 ] || { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1
mkdir -p "$out/json" "$out/yaml" "$out/file" "$out/render"
sources=("$root/examples" "$root/tests/fixtures")
[ -d "$root/../shared/corpus/real" ] && sources+=("$root/../shared/corpus/real")
count=0
while IFS= read -r -d '' file; do
    name=$(sha1sum "$file" | cut -c1-16)
    case "$file" in
        *.json) syntax='\001'; cp "$file" "$out/json/$name" ;;
        *) syntax='\000' ;;
    esac
    cp "$file" "$out/yaml/$name"
    { printf "$syntax"; cat "$file"; } >"$out/file/$name"
    # The extra finding spans bytes 16..48 of the file.
    { printf "$syntax"'\020\000\040\000'; cat "$file"; } >"$out/render/$name"
    count=$((count + 1))
done < <(find "${sources[@]}" -type f \( -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) -print0)
echo "fuzz/seed.sh: $count files from ${#sources[@]} folders into $out" >&2
