#!/usr/bin/env bash
# Packs one release archive, as the release workflow publishes it and the GitHub Action
# downloads it:
#
#   package.sh VERSION TARGET BINARY OUT_DIR
#
# writes OUT_DIR/walint-vVERSION-TARGET.tar.gz (.zip for Windows targets), holding the folder
# walint-vVERSION-TARGET/ with the binary, README.md and LICENSE, and beside it
# ARCHIVE.sha256 in the `sha256sum` format (`HASH  NAME`), which `sha256sum -c` checks.
set -euo pipefail
[ "$#" -eq 4 ] || {
  echo "usage: $0 VERSION TARGET BINARY OUT_DIR" >&2
  exit 2
}
version="${1#v}" target="$2" binary="$3" out="$4"
root="$(cd "$(dirname "$0")/../.." && pwd)"
name="walint-v$version-$target"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/"
cp "$root/README.md" "$root/LICENSE" "$stage/$name/"
case "$target" in
  *windows*)
    archive="$name.zip"
    if command -v 7z >/dev/null 2>&1; then
      (cd "$stage" && 7z a -tzip -bso0 "$out/$archive" "$name")
    else
      (cd "$stage" && zip -qr "$out/$archive" "$name")
    fi
    ;;
  *)
    archive="$name.tar.gz"
    tar -C "$stage" -czf "$out/$archive" "$name"
    ;;
esac
if command -v sha256sum >/dev/null 2>&1; then
  (cd "$out" && sha256sum "$archive" >"$archive.sha256")
else
  (cd "$out" && shasum -a 256 "$archive" >"$archive.sha256")
fi
echo "$out/$archive"
