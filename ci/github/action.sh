#!/usr/bin/env bash
# The shell steps of walint's GitHub Action (action.yml), kept here so they can be run and
# tested outside GitHub with the environment variables GitHub sets.
#
#   action.sh resolve   which walint to install and where (outputs: version, source,
#                       install-dir, cache-key)
#   action.sh install   put that walint on PATH: already there (cache hit), else the release
#                       binary when the action is pinned to a release tag, else cargo install
#   action.sh check     run `walint check` with the action's inputs: annotations on the log,
#                       SARIF for code scanning, the Markdown report in the job summary
#
# Inputs arrive as WALINT_* environment variables (action.yml maps them); GitHub's own are
# GITHUB_ACTION_PATH, GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STEP_SUMMARY,
# GITHUB_SERVER_URL, GITHUB_ACTION_REPOSITORY, GITHUB_ACTION_REF, RUNNER_OS, RUNNER_ARCH,
# RUNNER_TEMP and RUNNER_TOOL_CACHE.
set -euo pipefail

fail() {
  echo "::error title=walint action::$*"
  exit 2
}

# name=value on the step's outputs.
output() {
  echo "$1=$2" >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$@"
  else
    shasum -a 256 "$@"
  fi
}

# The Rust target of the release archive for this runner.
release_target() {
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) return 1 ;;
  esac
}

# The version of the walint sources that come with the action.
action_version() {
  sed -n 's/^version = "\(.*\)"$/\1/p' "$GITHUB_ACTION_PATH/Cargo.toml" | head -n 1
}

resolve() {
  local version source digest
  if [ -n "${WALINT_VERSION:-}" ]; then
    version="${WALINT_VERSION#v}"
    source=crates.io
    digest=crates.io
  else
    version="$(action_version)"
    [ -n "$version" ] || fail "cannot read the version of walint in $GITHUB_ACTION_PATH/Cargo.toml"
    source=action
    # A branch such as @main moves while its version stays: key the cache by the sources.
    digest="$(cd "$GITHUB_ACTION_PATH" &&
      find Cargo.toml Cargo.lock build.rs src rules -type f | LC_ALL=C sort |
      while IFS= read -r file; do sha256 "$file"; done | sha256 | cut -c1-16)"
  fi
  local dir="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:?RUNNER_TEMP is not set}}/walint/$version-$digest/${RUNNER_ARCH:-unknown}"
  output version "$version"
  output source "$source"
  output install-dir "$dir"
  output cache-key "walint-$version-$digest-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}"
}

# The release archive of `v$version`, checked against its published SHA-256.
download_release() {
  local version="$1" dir="$2" target base archive tmp
  target="$(release_target)" || return 1
  [ -n "${GITHUB_ACTION_REPOSITORY:-}" ] || return 1
  base="${GITHUB_SERVER_URL:-https://github.com}/$GITHUB_ACTION_REPOSITORY/releases/download/v$version"
  case "$target" in
    *windows*) archive="walint-v$version-$target.zip" ;;
    *) archive="walint-v$version-$target.tar.gz" ;;
  esac
  command -v curl >/dev/null 2>&1 || return 1
  tmp="$(mktemp -d "${RUNNER_TEMP:-/tmp}/walint-release.XXXXXX")"
  if ! curl --fail --silent --show-error --location --retry 3 -o "$tmp/$archive" "$base/$archive" ||
    ! curl --fail --silent --show-error --location --retry 3 -o "$tmp/$archive.sha256" "$base/$archive.sha256"; then
    echo "No release archive $archive at $base; building walint instead."
    rm -rf "$tmp"
    return 1
  fi
  (cd "$tmp" && sha256 -c "$archive.sha256") || fail "$archive does not match its published SHA-256"
  mkdir -p "$dir/bin"
  case "$archive" in
    *.zip) (cd "$tmp" && unzip -q "$archive") ;;
    *) tar -xzf "$tmp/$archive" -C "$tmp" ;;
  esac
  cp "$tmp/walint-v$version-$target"/walint* "$dir/bin/"
  rm -rf "$tmp"
}

install() {
  local version="${WALINT_INSTALL_VERSION:?}" source="${WALINT_INSTALL_SOURCE:?}"
  local dir="${WALINT_INSTALL_DIR:?}" exe="walint"
  [ "${RUNNER_OS:-}" = Windows ] && exe="walint.exe"
  if [ -x "$dir/bin/$exe" ] && "$dir/bin/$exe" --version | grep -qx "walint $version"; then
    echo "walint $version restored from the cache."
  elif { [ "$source" = crates.io ] || [ "${GITHUB_ACTION_REF:-}" = "v$version" ]; } &&
    download_release "$version" "$dir"; then
    echo "walint $version installed from the release archive."
  else
    command -v cargo >/dev/null 2>&1 ||
      fail "cargo is not on PATH: walint is built from source when no release binary fits; add a Rust toolchain step (dtolnay/rust-toolchain) first"
    if [ "$source" = crates.io ]; then
      cargo install --locked --root "$dir" walint --version "=$version"
    else
      cargo install --locked --root "$dir" --path "$GITHUB_ACTION_PATH"
    fi
  fi
  "$dir/bin/$exe" --version
  echo "$dir/bin" >>"${GITHUB_PATH:?GITHUB_PATH is not set}"
  output path "$dir/bin/$exe"
}

check() {
  local walint="${WALINT_BIN:-walint}"
  cd "${GITHUB_WORKSPACE:?GITHUB_WORKSPACE is not set}"
  # Paths and extra arguments are separated by spaces or newlines (no quoting, no globs).
  local -a paths=() extra=() args
  read -r -d '' -a paths <<<"${WALINT_PATHS:-.}" || true
  read -r -d '' -a extra <<<"${WALINT_ARGS:-}" || true
  [ "${#paths[@]}" -gt 0 ] || paths=(.)
  local sarif="${WALINT_SARIF_FILE:-walint.sarif}"
  case "$sarif" in
    /*) ;;
    *) sarif="$GITHUB_WORKSPACE/$sarif" ;;
  esac
  mkdir -p "$(dirname "$sarif")"
  args=(check "${paths[@]}" --format github --output "sarif=$sarif")
  [ -z "${WALINT_FAIL_ON:-}" ] || args+=(--fail-on "$WALINT_FAIL_ON")
  [ -z "${WALINT_BASELINE:-}" ] || args+=(--baseline "$WALINT_BASELINE")
  [ -z "${WALINT_CONFIG:-}" ] || args+=(--config "$WALINT_CONFIG")
  args+=("${extra[@]}")
  echo "walint ${args[*]}"
  local status=0
  "$walint" "${args[@]}" || status=$?
  output exit-code "$status"
  if [ -f "$sarif" ]; then
    output sarif-file "$sarif"
  fi
  case "$status" in
    0) ;;
    1) echo "::error title=walint::findings at or above the fail-on severity (see the annotations and the job summary)" ;;
    *) echo "::error title=walint::walint could not check the files (exit $status)" ;;
  esac
  return "$status"
}

case "${1:-}" in
  resolve) resolve ;;
  install) install ;;
  check) check ;;
  *)
    echo "usage: $0 resolve|install|check" >&2
    exit 2
    ;;
esac
