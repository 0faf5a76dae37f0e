//! What every integration test needs to run the real binary the same way.
// Each test crate uses its own subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;

/// A fixed run date (2026-01-01): date-dependent rules (WA004, WA504) stay deterministic.
pub const EPOCH: &str = "1767225600";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `walint ARGS` in `dir`: no colour, the fixed width of a report that is not read in a
/// terminal (no `COLUMNS`; standard output and error are pipes), the fixed date, no CI
/// summary file, a time limit.
/// `WALINT_BIN=/path/to/walint` runs another build instead (an older release, to see a
/// regression test fail there).
pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = match std::env::var_os("WALINT_BIN") {
        Some(binary) => Command::new(binary),
        None => Command::cargo_bin("walint").unwrap(),
    };
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("GITHUB_STEP_SUMMARY")
        .args(args)
        .timeout(Duration::from_secs(60));
    command
}

pub fn walint_in(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().unwrap()
}

/// `walint ARGS` in the repository root.
pub fn walint(args: &[&str]) -> Output {
    walint_in(&root(), args)
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// The JSON a run printed (a JSON or SARIF report, `rules --format json`): the one parser of
/// the integration tests' reports. A run that printed none fails the test with the parse
/// error and what the run said on standard error.
pub fn json_of(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "standard output is not JSON ({e}); standard error: {}",
            stderr(output)
        )
    })
}

/// `walint ARGS` in `dir` through `sh -c SCRIPT`, where the script runs the binary as
/// `"$0" "$@"` (`exec "$0" "$@" > /dev/full`, `ulimit -v N && exec "$0" "$@"`).
pub fn walint_sh(dir: &Path, script: &str, args: &[&str]) -> Output {
    let mut command = Command::new("sh");
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("GITHUB_STEP_SUMMARY")
        .arg("-c")
        .arg(script)
        .arg(assert_cmd::cargo::cargo_bin("walint"))
        .args(args)
        .timeout(Duration::from_secs(120));
    command.output().unwrap()
}

/// `text` with the report id of a JSON report (`run.report_id`) written as `[report id]`
/// (and its first 16 digits as `[report id prefix]`):
/// the id hashes the catalogue, which changes with every rule document. `json` is the JSON
/// report of the same run (`text` itself when it is one).
pub fn mask_report_id(text: &str, json: &str) -> String {
    let key = "\"report_id\": \"";
    let Some(at) = json.find(key) else {
        return text.to_string();
    };
    let start = at + key.len();
    let id = &json[start..start + json[start..].find('"').unwrap()];
    assert_eq!(id.len(), 64, "{id}");
    // The printed page header shows the id's first 16 digits.
    text.replace(id, "[report id]")
        .replace(&id[..16], "[report id prefix]")
}

/// A copy of the folder `from` (with its subfolders) at `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
