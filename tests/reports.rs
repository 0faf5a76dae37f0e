//! Every report format on one fixture repository (tests/fixtures/reports: suppressions in the
//! files and in the config, a baseline, every severity), and the behaviour of suppressions,
//! the baseline and standard input.
//!
//! The fixture is copied to a fresh folder outside any git repository before each run, so
//! the reports carry no commit, and `SOURCE_DATE_EPOCH` fixes their timestamp.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use common::{stderr, stdout};
use walint::report::meta::catalogue_sha256;

const EPOCH: &str = "1750000000";
const STAMP: &str = "2025-06-15T15:06:40Z";

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reports")
}

/// A copy of the fixture repository in a fresh temporary folder.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture(), dir.path());
    dir
}

/// `walint ARGS` at the fixture's own date (2025-06-15), which its snapshots show.
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = common::command(dir, args);
    command.env("SOURCE_DATE_EPOCH", EPOCH);
    command
}

fn walint_in(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().unwrap()
}

/// The fixture's report in `format`, with the baseline; the catalogue hash (which changes
/// with every rule document) is replaced by a placeholder.
fn report(format: &str) -> String {
    let dir = repo();
    let run = |format: &str| {
        let args = [
            "check",
            "--baseline",
            "walint-baseline.json",
            "--format",
            format,
        ];
        let output = walint_in(dir.path(), &args);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        stdout(&output)
    };
    // The report id hashes the catalogue too: the JSON report says which it is.
    common::mask_report_id(&run(format), &run("json"))
        .replace(&catalogue_sha256(), "[catalogue sha256]")
}

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    common::json_of(&walint_in(dir, &all))
}

/// A JSON report lets each file's text go once the file is checked and reads again the files
/// the cross-file findings land in; a SARIF report beside it keeps the texts. Both runs give
/// the same bytes.
#[test]
fn a_run_that_lets_texts_go_reports_what_one_that_keeps_them_does() {
    let dir = repo();
    let lets_go = walint_in(dir.path(), &["check", "--format", "json"]);
    let sarif = dir.path().join("out.sarif");
    let sarif_arg = format!("sarif={}", sarif.display());
    let keeps = walint_in(dir.path(), &["check", "--format", "json", "-o", &sarif_arg]);
    assert_eq!(lets_go.status.code(), Some(1), "{}", stderr(&lets_go));
    assert_eq!(stdout(&lets_go), stdout(&keeps));
    let report = common::json_of(&lets_go);
    let cross_file: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| ["WA101", "WA209"].contains(&d["rule"].as_str().unwrap()))
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(cross_file.len(), 3, "{cross_file:?}");
}

// One snapshot per format, all of the same run.

#[test]
fn human_report() {
    insta::assert_snapshot!(report("human"));
}

#[test]
fn concise_report() {
    insta::assert_snapshot!(report("concise"));
}

#[test]
fn json_report() {
    insta::assert_snapshot!(report("json"));
}

#[test]
fn sarif_report() {
    insta::assert_snapshot!(report("sarif"));
}

#[test]
fn junit_report() {
    insta::assert_snapshot!(report("junit"));
}

#[test]
fn github_report() {
    insta::assert_snapshot!(report("github"));
}

#[test]
fn gitlab_report() {
    insta::assert_snapshot!(report("gitlab"));
}

#[test]
fn markdown_report() {
    insta::assert_snapshot!(report("markdown"));
}

#[test]
fn html_report() {
    insta::assert_snapshot!(report("html"));
}

// What each finding of the fixture is, exactly.

#[test]
fn the_fixture_findings_sit_where_expected() {
    let text = report("concise");
    let expected = [
        "campaigns/summer_deals.yaml:5:20: error[WA501]",
        "flows/booking_bot.yaml:22:5: warning[WA201]",
        "flows/booking_bot.yaml:37:19: warning[WA005] `WA2O9` is not a walint rule; did you mean `WA209`?",
        "flows/booking_bot.yaml:40:22: error[WA209]",
        "flows/booking_bot.yaml:42:27: warning[WA005] `# walint-ignore WA203` matches no WA203 finding in the entry on line 42",
        "templates/legacy_winter_promo.json:5:13: info[WA101]",
        "walint.yaml:21:13: warning[WA005] override turns WA501 off for `campaigns/**` without a `reason`, so it suppresses nothing",
    ];
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), expected.len() + 1, "{text}");
    for (line, want) in lines.iter().zip(expected) {
        assert!(line.starts_with(want), "{line}\n  expected {want}");
    }
    assert!(
        text.ends_with("3 suppressed with a reason (listed in the json, sarif, markdown and html reports). Baseline walint-baseline.json: 1 hidden, 1 fixed.\n"),
        "{text}"
    );
}

#[test]
fn suppressed_findings_keep_their_reason_in_json() {
    let dir = repo();
    let value = json(dir.path(), &[]);
    let suppressed: Vec<(String, String, String, String, u64)> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| !d["suppression"].is_null())
        .map(|d| {
            let s = &d["suppression"];
            (
                format!("{}:{}", d["file"].as_str().unwrap(), d["line"]),
                d["rule"].as_str().unwrap().to_string(),
                s["kind"].as_str().unwrap().to_string(),
                format!("{}:{}", s["file"].as_str().unwrap(), s["line"]),
                s["reason"].as_str().unwrap().len() as u64,
            )
        })
        .collect();
    let places: Vec<_> = suppressed
        .iter()
        .map(|(at, rule, kind, by, _)| (at.as_str(), rule.as_str(), kind.as_str(), by.as_str()))
        .collect();
    assert_eq!(
        places,
        [
            (
                "flows/booking_bot.yaml:12",
                "WA201",
                "inSource",
                "flows/booking_bot.yaml:8"
            ),
            (
                "flows/legacy_faq.yaml:3",
                "WA203",
                "inSource",
                "flows/legacy_faq.yaml:1"
            ),
            ("webhooks.yaml:12", "WA401", "external", "walint.yaml:12"),
        ]
    );
    assert!(
        suppressed.iter().all(|s| s.4 > 20),
        "reasons are kept whole"
    );
    // Suppressed findings are not counted, and say so.
    assert_eq!(value["summary"]["suppressed"], 3);
    assert_eq!(value["summary"]["errors"], 3);
}

#[test]
fn suppressed_errors_do_not_fail_the_run() {
    let dir = repo();
    // The retired FAQ bot's only finding is suppressed for the whole file.
    // (The config's own reasonless override is still reported, as a warning.)
    let faq = walint_in(
        dir.path(),
        &["check", "flows/legacy_faq.yaml", "--format", "concise"],
    );
    assert_eq!(faq.status.code(), Some(0), "{}", stdout(&faq));
    assert_eq!(
        stdout(&faq),
        "walint.yaml:21:13: warning[WA005] override turns WA501 off for `campaigns/**` without a `reason`, so it suppresses nothing\n\
         Found 1 problem (0 errors, 1 warning, 0 infos) in 1 file. 1 suppressed with a reason (listed in the json, sarif, markdown and html reports).\n"
    );
    // The QA webhook is accepted by a config override with a JSON pointer.
    let hooks = walint_in(dir.path(), &["check", "webhooks.yaml"]);
    assert_eq!(hooks.status.code(), Some(0), "{}", stdout(&hooks));
}

#[test]
fn no_inline_ignores_is_an_audit_run() {
    let dir = repo();
    let output = walint_in(
        dir.path(),
        &[
            "check",
            "flows/legacy_faq.yaml",
            "--no-inline-ignores",
            "--format",
            "concise",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("flows/legacy_faq.yaml:3:8: error[WA203]"),
        "{text}"
    );
    assert!(
        !text.contains("flows/legacy_faq.yaml:1:"),
        "comments are not read at all: {text}"
    );
    // Config overrides still apply.
    let hooks = walint_in(
        dir.path(),
        &["check", "webhooks.yaml", "--no-inline-ignores"],
    );
    assert_eq!(hooks.status.code(), Some(0));
}

#[test]
fn a_suppression_without_reason_suppresses_nothing() {
    let dir = repo();
    let flow = dir.path().join("flows/legacy_faq.yaml");
    let text = std::fs::read_to_string(&flow).unwrap();
    let first_line_end = text.find('\n').unwrap();
    std::fs::write(
        &flow,
        format!("# walint-ignore-file WA203{}", &text[first_line_end..]),
    )
    .unwrap();
    let output = walint_in(
        dir.path(),
        &["check", "flows/legacy_faq.yaml", "--format", "concise"],
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("flows/legacy_faq.yaml:1:1: warning[WA005] `# walint-ignore-file WA203` gives no reason, so it suppresses nothing"), "{text}");
    assert!(
        text.contains("flows/legacy_faq.yaml:3:8: error[WA203]"),
        "{text}"
    );
}

#[test]
fn overrides_reach_into_json_by_pointer() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    std::fs::copy(
        fixture().join("templates/legacy_winter_promo.json"),
        dir.path().join("templates/legacy_winter_promo.json"),
    )
    .unwrap();
    let config = |pointer: &str| {
        format!(
            "overrides:\n  - files: [\"templates/legacy_*.json\"]\n    pointer: {pointer}\n    rules: {{WA101: off}}\n    reason: \"retired; kept until the 2025 audit\"\n"
        )
    };
    std::fs::write(dir.path().join("walint.yaml"), config("/status")).unwrap();
    let value = json(dir.path(), &[]);
    let d = &value["diagnostics"][0];
    assert_eq!(d["rule"], "WA101");
    assert_eq!(d["suppression"]["kind"], "external");
    assert_eq!(
        d["suppression"]["reason"],
        "retired; kept until the 2025 audit"
    );
    assert_eq!(d["suppression"]["file"], "walint.yaml");
    // Another pointer: the finding stays, and the override is reported as matching nothing.
    std::fs::write(dir.path().join("walint.yaml"), config("/components")).unwrap();
    let output = walint_in(dir.path(), &["check", "--format", "concise"]);
    let text = stdout(&output);
    assert!(
        text.contains("templates/legacy_winter_promo.json:5:13: warning[WA101]"),
        "{text}"
    );
    assert!(text.contains("walint.yaml:4:13: warning[WA005] override turning WA101 off for `templates/legacy_*.json` at `/components` matches no WA101 finding"), "{text}");
}

// The baseline.

#[test]
fn the_baseline_hides_exactly_what_it_recorded() {
    let dir = repo();
    let root = dir.path();
    let recorded = walint_in(root, &["baseline", "-o", "today.json"]);
    assert_eq!(recorded.status.code(), Some(0), "{}", stderr(&recorded));
    assert!(stderr(&recorded).contains("Recorded 8 findings in today.json"));
    let clean = walint_in(
        root,
        &["check", "--baseline", "today.json", "--format", "concise"],
    );
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert!(
        stdout(&clean).starts_with("No problems found in 8 files. 3 suppressed"),
        "{}",
        stdout(&clean)
    );
    assert!(
        stdout(&clean).ends_with("Baseline today.json: 8 hidden (8 without a reason), 0 fixed.\n")
    );

    // Moving lines does not bring old findings back.
    let flow = root.join("flows/booking_bot.yaml");
    let original = std::fs::read_to_string(&flow).unwrap();
    std::fs::write(&flow, format!("# Owner: travel desk\n\n{original}")).unwrap();
    let moved = walint_in(root, &["check", "--baseline", "today.json"]);
    assert_eq!(moved.status.code(), Some(0), "{}", stdout(&moved));

    // A new finding of the same rule in the same file is still reported.
    // (Flights now asks for the airport first, in a new menu with one button too many.)
    let extra = original
        .replace(
            "{title: \"Flights\", next: reminder}",
            "{title: \"Flights\", next: airports}",
        )
        .replace(
            "  unsubscribe:\n",
            "  airports:\n    type: menu\n    text: \"Which airport?\"\n    options:\n      - {title: \"Berlin\", next: reminder}\n      - {title: \"Munich\", next: reminder}\n      - {title: \"Hamburg\", next: reminder}\n      - {title: \"Frankfurt\", next: reminder}\n    fallback: human\n  unsubscribe:\n",
        );
    std::fs::write(&flow, &extra).unwrap();
    let new = walint_in(
        root,
        &["check", "--baseline", "today.json", "--format", "concise"],
    );
    let text = stdout(&new);
    assert_eq!(new.status.code(), Some(1), "{text}");
    assert!(
        text.starts_with(
            "flows/booking_bot.yaml:49:5: error[WA201] reply-button menu `airports` has 4 options"
        ),
        "{text}"
    );
    assert_eq!(text.lines().count(), 2, "only the new finding: {text}");

    // A fixed finding is counted as fixed.
    std::fs::write(&flow, &original).unwrap();
    let campaign = root.join("campaigns/summer_deals.yaml");
    let fixed = std::fs::read_to_string(&campaign)
        .unwrap()
        .replace("requires_opt_in: false", "requires_opt_in: true");
    std::fs::write(&campaign, fixed).unwrap();
    let after = walint_in(
        root,
        &["check", "--baseline", "today.json", "--format", "concise"],
    );
    assert!(
        stdout(&after).ends_with("Baseline today.json: 7 hidden (7 without a reason), 1 fixed.\n"),
        "{}",
        stdout(&after)
    );
}

fn baseline_entries(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    value["findings"].as_array().unwrap().clone()
}

#[test]
fn baseline_entries_keep_their_reason_and_date_when_recorded_again() {
    let dir = repo();
    let root = dir.path();
    let file = root.join("today.json");
    let first = walint_in(
        root,
        &[
            "baseline",
            "-o",
            "today.json",
            "--reason",
            "legacy, accepted by A. Auditor",
        ],
    );
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(
        !stderr(&first).contains("without a reason"),
        "{}",
        stderr(&first)
    );
    let entries = baseline_entries(&file);
    assert_eq!(entries.len(), 8);
    for e in &entries {
        assert_eq!(e["reason"], "legacy, accepted by A. Auditor", "{e}");
        assert_eq!(e["accepted"], "2025-06-15", "the run's date: {e}");
    }
    // One entry gets its own reason and an older date; another is dropped.
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let findings = value["findings"].as_array_mut().unwrap();
    findings[0]["reason"] = "kept: see TRV-1".into();
    findings[0]["accepted"] = "2024-01-02".into();
    let dropped = findings.remove(1);
    std::fs::write(&file, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    let again = command(
        root,
        &["baseline", "-o", "today.json", "--reason", "second pass"],
    )
    .env("SOURCE_DATE_EPOCH", "1760000000")
    .output()
    .unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let entries = baseline_entries(&file);
    assert_eq!(entries.len(), 8);
    let by_fingerprint = |fingerprint: &serde_json::Value| {
        entries
            .iter()
            .find(|e| &e["fingerprint"] == fingerprint)
            .unwrap()
            .clone()
    };
    let kept = by_fingerprint(&entries[0]["fingerprint"]);
    assert_eq!(kept["reason"], "kept: see TRV-1");
    assert_eq!(kept["accepted"], "2024-01-02");
    let new = by_fingerprint(&dropped["fingerprint"]);
    assert_eq!(new["reason"], "second pass");
    assert_eq!(new["accepted"], "2025-10-09");
    let untouched = entries
        .iter()
        .filter(|e| e["reason"] == "legacy, accepted by A. Auditor")
        .count();
    assert_eq!(untouched, 6, "{entries:?}");
}

#[test]
fn a_baseline_without_reasons_is_said_out_loud() {
    let dir = repo();
    let root = dir.path();
    let recorded = walint_in(root, &["baseline", "-o", "today.json"]);
    assert!(
        stderr(&recorded).contains("8 of them accepted without a reason"),
        "{}",
        stderr(&recorded)
    );
    let markdown = walint_in(
        root,
        &["check", "--baseline", "today.json", "--format", "markdown"],
    );
    let text = stdout(&markdown);
    assert!(
        text.contains(
            "3 findings suppressed and 8 hidden by the baseline `today.json`; 8 without a reason."
        ),
        "{text}"
    );
    assert_eq!(text.matches("**no reason given**").count(), 8, "{text}");
    // JSON lists each baselined finding beside the suppressed ones, reason empty.
    let value = json(root, &["--baseline", "today.json"]);
    let baselined: Vec<&serde_json::Value> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["suppression"]["kind"] == "baseline")
        .collect();
    assert_eq!(baselined.len(), 8);
    assert!(baselined.iter().all(|d| d["suppression"]["reason"] == ""
        && d["suppression"]["file"] == "today.json"
        && d["suppression"]["accepted"] == "2025-06-15"));
    assert_eq!(value["summary"]["baseline"]["without_reason"], 8);
    assert_eq!(value["summary"]["errors"], 0);
}

#[test]
fn bad_baseline_reasons_and_targets_are_exit_2() {
    let dir = repo();
    let root = dir.path();
    let empty = walint_in(root, &["baseline", "--reason", "  "]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(
        stderr(&empty).contains("--reason is empty"),
        "{}",
        stderr(&empty)
    );
    // A file that is not a baseline is not overwritten.
    let output = walint_in(root, &["baseline", "-o", "walint.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not a walint baseline")
            && stderr(&output).contains("not overwriting it"),
        "{}",
        stderr(&output)
    );
    let config = std::fs::read_to_string(root.join("walint.yaml")).unwrap();
    assert!(config.starts_with("# Northwind Travel"));
}

#[test]
fn the_report_id_names_the_inputs_not_the_time_or_the_format() {
    let dir = repo();
    let root = dir.path();
    let id = |args: &[&str], epoch: &str| {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        let output = command(root, &all)
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        let value = common::json_of(&output);
        value["run"]["report_id"].as_str().unwrap().to_string()
    };
    let first = id(&[], EPOCH);
    assert_eq!(first.len(), 64);
    assert_eq!(id(&[], "1760000000"), first, "another day, the same id");
    let markdown = walint_in(root, &["check", "--format", "markdown"]);
    assert!(stdout(&markdown).contains(&format!("| Report id | `{first}` |")));
    assert_ne!(id(&["--no-inline-ignores"], EPOCH), first, "another option");
    assert_ne!(
        id(&["--fail-on", "warning"], EPOCH),
        first,
        "another threshold"
    );
    let flow = root.join("flows/legacy_faq.yaml");
    let text = std::fs::read_to_string(&flow).unwrap();
    std::fs::write(&flow, format!("{text}\n")).unwrap();
    assert_ne!(id(&[], EPOCH), first, "another file content");
}

#[test]
fn scope_limitations_and_sign_off_in_every_audit_format() {
    let dir = repo();
    let root = dir.path();
    let args = [
        "check",
        "--select",
        "WA2,WA5",
        "--no-inline-ignores",
        "--format",
    ];
    let run = |format: &str| {
        let mut all = args.to_vec();
        all.push(format);
        stdout(&walint_in(root, &all))
    };
    let markdown = run("markdown");
    // The counts of the catalogue as built, so a new rule does not change this test.
    let rules = walint::catalogue::builtin().unwrap();
    let selected = rules
        .rules()
        .iter()
        .filter(|r| r.code.starts_with("WA2") || r.code.starts_with("WA5"))
        .count();
    let rules_line = format!(
        "| Rules | {selected} of {} run; `--select WA2,WA5` |",
        rules.rules().len()
    );
    for part in [
        "| Paths | `.` |",
        rules_line.as_str(),
        "| walint-ignore comments | disregarded (`--no-inline-ignores`) |",
        "| Skipped | 2 files found but not checked<br>`walint-baseline.json`: not a kind walint recognises<br>`walint.yaml`: not a kind walint recognises |",
        "\"Passed\" means no automated finding, not compliance",
        "Every policy control of the catalogue has at least one rule.",
        "| Reviewer | J. Okafor, compliance | | |",
        "policy data of 2026-05-08",
    ] {
        assert!(markdown.contains(part), "{part}\n{markdown}");
    }
    let html = run("html");
    for part in [
        "<tr><th>walint-ignore comments</th><td>disregarded (<code>--no-inline-ignores</code>)</td></tr>",
        "“Passed” means no automated finding, not compliance",
        "<tr><th>Prepared by</th><td>Ana Silva, platform team</td><td></td><td></td></tr>",
    ] {
        assert!(html.contains(part), "{part}");
    }
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let scope = &json["run"]["scope"];
    assert_eq!(scope["select"], serde_json::json!(["WA2", "WA5"]));
    assert_eq!(scope["inline_ignores"], false);
    assert_eq!(scope["skipped"][0]["path"], "walint-baseline.json");
    assert_eq!(
        json["run"]["attestation"]["organisation"],
        "Northwind Travel GmbH"
    );
    assert_eq!(json["run"]["policy_date"], "2026-05-08");
}

#[test]
fn a_dirty_tree_is_marked_with_the_checked_files_that_differ() {
    let dir = repo();
    let root = dir.path();
    let git = |args: &[&str]| {
        let output = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(root)
            .output()
            .unwrap();
        assert!(output.status.success(), "git {args:?}: {}", stderr(&output));
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "fixture"]);
    let clean = json(root, &[]);
    assert_eq!(clean["run"]["dirty"], false);
    assert_eq!(clean["run"]["changed_files"], serde_json::json!([]));
    // A checked file changed, a new one, and a change to a file walint does not check.
    let flow = root.join("flows/legacy_faq.yaml");
    let text = std::fs::read_to_string(&flow).unwrap();
    std::fs::write(&flow, format!("{text}\n")).unwrap();
    std::fs::copy(
        root.join("templates/trip_reminder.json"),
        root.join("templates/trip_reminder_copy.json"),
    )
    .unwrap();
    std::fs::write(root.join("NOTES.txt"), "not checked\n").unwrap();
    let dirty = json(root, &[]);
    assert_eq!(dirty["run"]["dirty"], true);
    assert_eq!(
        dirty["run"]["changed_files"],
        serde_json::json!([
            {"path": "flows/legacy_faq.yaml", "change": "modified"},
            {"path": "templates/trip_reminder_copy.json", "change": "untracked"}
        ])
    );
    // Named files are compared as themselves: an unchanged one is clean in a dirty tree,
    // and a name git would read as a glob is taken literally.
    std::fs::copy(
        root.join("templates/trip_reminder.json"),
        root.join("templates/[t]rip.json"),
    )
    .unwrap();
    let named = json(root, &["templates/trip_reminder.json"]);
    assert_eq!(named["run"]["dirty"], false);
    let named = json(root, &["flows/legacy_faq.yaml", "templates/[t]rip.json"]);
    assert_eq!(
        named["run"]["changed_files"],
        serde_json::json!([
            {"path": "flows/legacy_faq.yaml", "change": "modified"},
            {"path": "templates/[t]rip.json", "change": "untracked"}
        ])
    );
    std::fs::remove_file(root.join("templates/[t]rip.json")).unwrap();
    let markdown = stdout(&walint_in(root, &["check", "--format", "markdown"]));
    assert!(
        markdown.contains("**dirty**: 2 checked files differ from this commit, so the hashes under Files are those of the working tree<br>`flows/legacy_faq.yaml` (modified)<br>`templates/trip_reminder_copy.json` (untracked) |"),
        "{markdown}"
    );
    let html = stdout(&walint_in(root, &["check", "--format", "html"]));
    assert!(
        html.contains("<span class=\"pill failed\">dirty</span>"),
        "{html}"
    );
}

#[test]
fn the_baseline_works_from_another_folder() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&fixture(), &dir.path().join("travel"));
    let from_parent = walint_in(
        dir.path(),
        &[
            "check",
            "travel",
            "--baseline",
            "travel/walint-baseline.json",
            "--format",
            "concise",
        ],
    );
    let text = stdout(&from_parent);
    assert!(!text.contains("[WA101] template `trip_reminder`"), "{text}");
    assert!(
        text.ends_with("Baseline travel/walint-baseline.json: 1 hidden, 1 fixed.\n"),
        "{text}"
    );
}

#[test]
fn a_bad_baseline_is_exit_2() {
    let dir = repo();
    std::fs::write(dir.path().join("bad.json"), "{\"findings\": 3}").unwrap();
    let output = walint_in(dir.path(), &["check", "--baseline", "bad.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("bad.json: not a walint baseline"),
        "{}",
        stderr(&output)
    );
    let missing = walint_in(dir.path(), &["check", "--baseline", "nope.json"]);
    assert_eq!(missing.status.code(), Some(2));
}

// Standard input.

#[test]
fn stdin_is_linted_as_the_named_file() {
    let dir = repo();
    let text = std::fs::read_to_string(fixture().join("campaigns/summer_deals.yaml")).unwrap();
    let output = command(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "campaigns/new.yaml",
            "--format",
            "concise",
        ],
    )
    .write_stdin(text)
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.starts_with("campaigns/new.yaml:5:20: error[WA501]"),
        "{text}"
    );
    // The config of the folder applies: the reasonless override is reported.
    assert!(text.contains("walint.yaml:21:13: warning[WA005]"), "{text}");
}

#[test]
fn stdin_replaces_the_file_of_the_same_name_among_the_others() {
    let dir = repo();
    // The editor's buffer: the flow with the marketing path fixed by an opt-in node.
    let buffer = std::fs::read_to_string(fixture().join("flows/booking_bot.yaml"))
        .unwrap()
        .replace("next: deals}", "next: consent}")
        .replace(
            "  human:  #",
            "  consent:\n    type: opt_in\n    text: \"May we send you offers on WhatsApp? Reply YES or NO.\"\n    next: deals\n  human:  #",
        );
    let output = command(
        dir.path(),
        &[
            "check",
            "-",
            ".",
            "--stdin-filename",
            "flows/booking_bot.yaml",
            "--format",
            "concise",
        ],
    )
    .write_stdin(buffer)
    .output()
    .unwrap();
    let text = stdout(&output);
    assert!(
        !text.contains("error[WA209]"),
        "the buffer, not the file on disk: {text}"
    );
    assert!(
        text.contains("flows/booking_bot.yaml:22:5: warning[WA201]"),
        "{text}"
    );
    assert!(text.contains("in 8 files"), "one file, not two: {text}");
}

#[test]
fn stdin_filename_needs_a_dash() {
    let dir = repo();
    let output = walint_in(dir.path(), &["check", "--stdin-filename", "x.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("needs `-`"));
}

// What the tools that read each format expect.

#[test]
fn github_annotations_have_the_documented_shape() {
    let text = report("github");
    let annotations: Vec<&str> = text.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(annotations.len(), 7);
    for line in &annotations {
        let (command, rest) = line[2..].split_once(' ').unwrap();
        assert!(["error", "warning", "notice"].contains(&command), "{line}");
        let (properties, message) = rest.split_once("::").unwrap();
        let keys: Vec<&str> = properties
            .split(',')
            .map(|p| p.split_once('=').unwrap().0)
            .collect();
        assert_eq!(
            keys,
            ["file", "line", "endLine", "col", "endColumn", "title"],
            "{line}"
        );
        assert!(!message.contains('\n') && !message.is_empty());
    }
    assert!(annotations.contains(
        &"::notice file=templates/legacy_winter_promo.json,line=5,endLine=5,col=13,endColumn=23,\
          title=WA101 template-not-approved::template `winter_promo_2023` is REJECTED; Meta refuses \
          to send it%0Ahelp: fix the template and resubmit it, or delete it from the repository"
    ));
}

#[test]
fn github_format_appends_the_markdown_summary() {
    let dir = repo();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "# earlier step\n").unwrap();
    let output = command(dir.path(), &["check", "--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("# earlier step\n# walint compliance report\n"),
        "{text}"
    );
    assert!(text.contains("## Controls"));
}

#[test]
fn gitlab_code_quality_fields_are_present() {
    let value: serde_json::Value = serde_json::from_str(&report("gitlab")).unwrap();
    let issues = value.as_array().unwrap();
    assert_eq!(issues.len(), 7);
    let mut fingerprints = std::collections::BTreeSet::new();
    for issue in issues {
        assert!(issue["description"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(issue["check_name"].as_str().unwrap().starts_with("WA"));
        assert!(["info", "minor", "major", "critical", "blocker"]
            .contains(&issue["severity"].as_str().unwrap()));
        assert!(issue["location"]["path"].as_str().is_some());
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_string()));
    }
}

#[test]
fn junit_is_well_formed_with_a_suite_per_file() {
    let text = report("junit");
    let parsed = quick_junit::Report::deserialize_from_str(&text).unwrap();
    assert_eq!(
        parsed.test_suites.len(),
        9,
        "8 files and the config with a finding"
    );
    let failures: usize = parsed.test_suites.iter().map(|s| s.failures).sum();
    assert_eq!(failures, 2, "the two errors at --fail-on error");
    let warning = walint_in(
        &fixture(),
        &[
            "check",
            "--baseline",
            "walint-baseline.json",
            "--format",
            "junit",
            "--fail-on",
            "warning",
        ],
    );
    let parsed = quick_junit::Report::deserialize_from_str(&stdout(&warning)).unwrap();
    let failures: usize = parsed.test_suites.iter().map(|s| s.failures).sum();
    assert_eq!(failures, 6);
}

#[test]
fn sarif_regions_count_utf16_code_units_and_suppressions_are_marked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("c.yaml"),
        "campaign: emoji\ntemplate: {name: t, language: en_US}\naudience: {segment: \"🌴 fans\", requires_opt_in: false}\n",
    )
    .unwrap();
    let output = walint_in(
        dir.path(),
        &["check", "--select", "WA501", "--format", "sarif"],
    );
    let value = common::json_of(&output);
    let result = &value["runs"][0]["results"][0];
    let region = &result["locations"][0]["physicalLocation"]["region"];
    // `false` starts at character 48 of the line; the palm tree is two UTF-16 code units.
    assert_eq!(region["startColumn"], 49);
    assert_eq!(region["endColumn"], 54);
    assert_eq!(region["snippet"]["text"], "false");
    let concise = walint_in(
        dir.path(),
        &["check", "--select", "WA501", "--format", "concise"],
    );
    assert!(
        stdout(&concise).starts_with("c.yaml:3:48:"),
        "{}",
        stdout(&concise)
    );

    let value: serde_json::Value = serde_json::from_str(&report("sarif")).unwrap();
    let run = &value["runs"][0];
    assert_eq!(value["version"], "2.1.0");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let mut kinds = Vec::new();
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(result["partialFingerprints"]["walint/v1"].is_string());
        if let Some(suppressions) = result["suppressions"].as_array() {
            kinds.push(suppressions[0]["kind"].as_str().unwrap().to_string());
            assert!(suppressions[0]["justification"].as_str().unwrap().len() > 20);
        }
    }
    assert_eq!(kinds, ["inSource", "inSource", "external"]);
}

// The audit reports.

#[test]
fn html_is_self_contained_and_reproducible() {
    let first = report("html");
    let second = report("html");
    assert_eq!(first, second, "byte for byte under SOURCE_DATE_EPOCH");
    assert!(first.contains(STAMP));
    assert!(first.contains("<svg"), "the chart is inline");
    for external in ["<script", "<link", "src=", "url(http", "@import"] {
        assert!(!first.contains(external), "{external}");
    }
    for section in [
        "id=\"summary\"",
        "id=\"controls\"",
        "id=\"run\"",
        "id=\"files\"",
        "id=\"findings\"",
    ] {
        assert!(first.contains(section), "{section}");
    }
    assert!(first.contains("@media print"));
    // Escaped: the fixture's `{{name}}` and quotes come through as text.
    assert!(first.contains("&quot;status&quot;: <mark>&quot;REJECTED&quot;</mark>,"));
}

#[test]
fn markdown_and_html_carry_the_run_metadata() {
    let dir = repo();
    let commit = "0123456789abcdef0123456789abcdef01234567";
    std::fs::create_dir_all(dir.path().join(".git/refs/heads")).unwrap();
    std::fs::write(dir.path().join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(
        dir.path().join(".git/refs/heads/main"),
        format!("{commit}\n"),
    )
    .unwrap();
    let output = walint_in(dir.path(), &["check", "--format", "markdown"]);
    let text = stdout(&output);
    let config_hash = {
        use sha2::Digest;
        let bytes = std::fs::read(fixture().join("walint.yaml")).unwrap();
        sha2::Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    for part in [
        format!("| Git commit | `{commit}` |"),
        format!("| Config | `walint.yaml`, SHA-256 `{config_hash}` |"),
        format!("SHA-256 `{}`", catalogue_sha256()),
        "| Command | `walint check --format markdown` |".to_string(),
        format!("| Generated | {STAMP} (from SOURCE_DATE_EPOCH) |"),
    ] {
        assert!(text.contains(&part), "{part}\n{text}");
    }
}

#[test]
fn several_reports_in_one_run() {
    let dir = repo();
    let output = walint_in(
        dir.path(),
        &[
            "check",
            "--output",
            "sarif=out/walint.sarif",
            "--output",
            "html=report.html",
            "--format",
            "concise",
        ],
    );
    // A missing folder is an error, not a panic.
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let output = walint_in(
        dir.path(),
        &[
            "check",
            "--output",
            "sarif=out/walint.sarif",
            "--output",
            "html=report.html",
            "--format",
            "concise",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("error[WA209]"));
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/walint.sarif")).unwrap(),
    )
    .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
}

/// Reports are written as they are rendered; one that cannot be written to its end leaves its
/// file empty, not half a report. The file-size limit (`ulimit -f`, with SIGXFSZ ignored so a
/// write past it fails with EFBIG) stops the 470 KB JSON report of 300 templates after 8 KiB.
#[cfg(unix)]
#[test]
fn a_report_file_that_cannot_be_written_whole_is_left_empty() {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    std::fs::create_dir(&files).unwrap();
    for i in 0..300 {
        std::fs::write(
            files.join(format!("t{i}.json")),
            format!(
                r#"{{"name": "Promo {i}", "language": "en_US", "category": "UTILITY", "components": [{{"type": "BODY", "text": "Your order has shipped {{{{1}}}}"}}]}}"#
            ),
        )
        .unwrap();
    }
    let limited = "trap '' XFSZ; ulimit -f 16; exec \"$0\" \"$@\"";
    for format in ["json", "sarif", "html", "markdown", "concise"] {
        let report = dir.path().join(format!("report.{format}"));
        std::fs::write(&report, "the last run's report").unwrap();
        let target = format!("{format}=report.{format}");
        let args = [
            "check",
            "--no-config",
            "--format",
            "concise",
            "-o",
            &target,
            "files",
        ];
        let output = common::walint_sh(dir.path(), limited, &args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{format}: {}",
            stderr(&output)
        );
        assert_eq!(
            stderr(&output),
            format!("walint: error: cannot write `report.{format}`: File too large\n"),
            "{format}"
        );
        assert_eq!(std::fs::read(&report).unwrap(), b"", "{format}");
        // Without the limit the same run writes the whole report.
        let output = common::walint_sh(dir.path(), "exec \"$0\" \"$@\"", &args);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{format}: {}",
            stderr(&output)
        );
        let written = std::fs::read(&report).unwrap();
        assert!(
            written.len() > 16 * 1024,
            "{format}: {} bytes",
            written.len()
        );
    }
}

// The HTML report in a real browser: headless Chromium takes a screenshot, and the picture
// must show the report (the failed banner and the chart's colours), not a blank page.
// Skipped when no Chromium is installed, unless WALINT_REQUIRE_CHROMIUM is set (as in CI).

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    on_path(&["chromium", "chromium-browser", "google-chrome"])
}

/// The first of `names` found on PATH.
fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        names
            .iter()
            .map(|name| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// Headless Chromium as docs/reports.md runs it: no sandbox (root in a container), no
/// request of its own (updates, sync, field trials), a fresh profile, the page's own header
/// and footer instead of Chromium's.
fn headless(browser: &Path, profile: &Path) -> Command {
    let mut command = Command::new(browser);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .env("HOME", profile)
        .timeout(Duration::from_secs(120));
    command
}

#[test]
fn html_report_renders_in_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("WALINT_REQUIRE_CHROMIUM").is_none(),
            "WALINT_REQUIRE_CHROMIUM is set but no Chromium was found"
        );
        eprintln!("skipped: no chromium on PATH");
        return;
    };
    let dir = repo();
    let html = dir.path().join("report.html");
    let output = walint_in(
        dir.path(),
        &[
            "check",
            "--baseline",
            "walint-baseline.json",
            "--format",
            "html",
            "-o",
            "report.html",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let png = dir.path().join("report.png");
    let profile = dir.path().join("chromium-profile");
    let shot = headless(&browser, &profile)
        .args([
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--window-size=1280,1600",
        ])
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(png.is_file(), "no screenshot: {}", stderr(&shot));
    let bytes = std::fs::read(&png).unwrap();
    if let Some(keep) = std::env::var_os("WALINT_SCREENSHOT") {
        std::fs::write(keep, &bytes).unwrap();
    }
    let image = decode_png(&bytes);
    assert_eq!((image.width, image.height), (1280, 1600));
    let total = image.width * image.height;
    let ink = image
        .pixels()
        .filter(|p| p.iter().any(|&c| c < 235))
        .count();
    assert!(
        ink * 20 > total,
        "the page is blank: {ink} of {total} pixels have ink"
    );
    let near = |want: [u8; 3]| {
        image
            .pixels()
            .filter(|p| p.iter().zip(want).all(|(&c, w)| c.abs_diff(w) <= 6))
            .count()
    };
    assert!(
        near([201, 42, 42]) > 5_000,
        "the red `failed` banner and bars"
    );
    assert!(near([232, 89, 12]) > 500, "the chart's warning bars");
    assert!(near([25, 113, 194]) > 500, "the chart's info bar");
}

// The HTML report printed to PDF by headless Chromium, as docs/reports.md says to, then
// read back with poppler: pdftoppm draws each page, pdftotext gives its text. Page 1 shows
// the banner, every page carries the header and "Page N of M", the controls table is in it,
// no hash is broken across lines, and nothing runs into the side margins. Skipped without
// Chromium or poppler-utils, unless WALINT_REQUIRE_CHROMIUM is set (as in CI).

#[test]
fn html_report_prints_to_pdf() {
    let tools = (chromium(), on_path(&["pdftoppm"]), on_path(&["pdftotext"]));
    let (Some(browser), Some(pdftoppm), Some(pdftotext)) = tools else {
        assert!(
            std::env::var_os("WALINT_REQUIRE_CHROMIUM").is_none(),
            "WALINT_REQUIRE_CHROMIUM is set but Chromium, pdftoppm or pdftotext is missing: {tools:?}"
        );
        eprintln!("skipped: chromium, pdftoppm or pdftotext not on PATH");
        return;
    };
    // The fullest report: baseline, suppressions, comparison, sign-off.
    let dir = compared();
    let repo = dir.path().join("repo");
    let output = compare_run(dir.path(), &["--format", "html", "-o", "../report.html"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = common::json_of(&compare_run(dir.path(), &["--format", "json"]));
    let html = dir.path().join("report.html");
    let pdf = dir.path().join("report.pdf");
    let printed = headless(&browser, &dir.path().join("chromium-profile"))
        .arg("--no-pdf-header-footer")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(pdf.is_file(), "no PDF: {}", stderr(&printed));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));

    let text = |args: &[&str]| {
        let output = Command::new(&pdftotext)
            .args(args)
            .arg(&pdf)
            .arg("-")
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        assert!(output.status.success(), "pdftotext: {}", stderr(&output));
        stdout(&output)
    };
    let all = text(&[]);
    let pages = all.matches('\u{c}').count();
    assert!(pages >= 5, "{pages} pages");
    let id = report["run"]["report_id"].as_str().unwrap();
    for (n, page) in all.split('\u{c}').take(pages).enumerate() {
        let n = n + 1;
        assert!(
            page.contains(&format!("Page {n} of {pages}")),
            "page {n} has no page number:\n{page}"
        );
        assert!(
            page.contains("walint compliance report · failed"),
            "page {n}"
        );
        assert!(page.contains(&format!("report {}", &id[..16])), "page {n}");
    }
    let first = text(&["-f", "1", "-l", "1"]);
    assert!(first.contains("walint compliance report"), "{first}");
    assert!(first.contains("FAILED"), "{first}");
    for part in [
        "Controls",
        "WABP-OPT-IN",
        "Since the previous report",
        "Sign-off",
    ] {
        assert!(all.contains(part), "{part}");
    }
    // The rationale, collapsed on screen, is printed.
    assert!(all.contains("A business may contact a person only after"));
    // Every hash whole on one line: the report id, the catalogue's, each file's.
    let mut hashes = vec![id.to_string(), catalogue_sha256()];
    hashes.extend(std::fs::read_dir(repo.join("templates")).unwrap().map(|e| {
        walint::diagnostic::fingerprint::sha256(&std::fs::read(e.unwrap().path()).unwrap())
    }));
    for hash in &hashes {
        assert!(
            all.contains(hash.as_str()),
            "`{hash}` is broken across lines"
        );
    }

    // Chromium shrinks the whole document when something in it is too wide for the page,
    // rather than let it spill into the margin: the body text (10 pt) would then come out
    // smaller than the 8 pt header in the page's margin, which no shrinking touches.
    let boxes = text(&["-bbox", "-f", "1", "-l", "1"]);
    let number = |word: &str, key: &str| -> f64 {
        let at = word.find(key).unwrap() + key.len();
        word[at..at + word[at..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    let (mut header, mut body) = (Vec::new(), Vec::new());
    for word in boxes.split("<word ").skip(1) {
        let (top, bottom) = (number(word, "yMin=\""), number(word, "yMax=\""));
        // The top margin is 16 mm, 45 pt.
        if bottom < 45.0 {
            header.push(bottom - top);
        } else if top > 45.0 && bottom < 792.0 - 45.0 {
            body.push(bottom - top);
        }
    }
    body.sort_by(f64::total_cmp);
    let (header, body) = (header[0], body[body.len() / 2]);
    assert!(
        body > header * 1.1,
        "the page is shrunk to fit something too wide: body words {body:.1} pt high, the header's {header:.1} pt"
    );

    let prefix = dir.path().join("page");
    let drawn = Command::new(&pdftoppm)
        .args(["-r", "40", "-png"])
        .arg(&pdf)
        .arg(&prefix)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(drawn.status.success(), "pdftoppm: {}", stderr(&drawn));
    let mut images: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    images.sort();
    assert_eq!(images.len(), pages);
    if let Some(keep) = std::env::var_os("WALINT_PDF_PAGE") {
        std::fs::copy(&images[0], keep).unwrap();
    }
    for (n, path) in images.iter().enumerate() {
        let page = decode_png(&std::fs::read(path).unwrap());
        // The side margins are 12 mm (19 px at 40 dpi): the outer 12 px stay paper white.
        let edge = 12;
        let spilled = (0..page.height)
            .flat_map(|y| {
                (0..edge)
                    .chain(page.width - edge..page.width)
                    .map(move |x| (x, y))
            })
            .filter(|&(x, y)| {
                let at = (y * page.width + x) * page.channels;
                page.data[at..at + 3].iter().any(|&c| c < 235)
            })
            .count();
        assert_eq!(spilled, 0, "page {} runs into its side margin", n + 1);
        if n == 0 {
            let ink = page.pixels().filter(|p| p.iter().any(|&c| c < 235)).count();
            let total = page.width * page.height;
            assert!(
                ink * 20 > total,
                "page 1 is blank: {ink} of {total} pixels have ink"
            );
            let red = page
                .pixels()
                .filter(|p| {
                    p.iter()
                        .zip([201u8, 42, 42])
                        .all(|(&c, w)| c.abs_diff(w) <= 8)
                })
                .count();
            assert!(
                red * 50 > total,
                "page 1 has no red `failed` banner: {red} of {total}"
            );
        }
    }
}

#[test]
fn a_pdf_output_points_at_printing_the_html_report() {
    let dir = repo();
    let output = walint_in(dir.path(), &["check", "-o", "pdf=report.pdf"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).ends_with(
            "; for a PDF, print the html report with headless Chromium (docs/reports.md)\n"
        ),
        "{}",
        stderr(&output)
    );
}

struct Image {
    width: usize,
    height: usize,
    channels: usize,
    data: Vec<u8>,
}

impl Image {
    /// RGB of each pixel.
    fn pixels(&self) -> impl Iterator<Item = &[u8]> {
        self.data
            .chunks_exact(self.channels)
            .map(|p| &p[..3.min(p.len())])
    }
}

/// A minimal decoder for the PNGs Chromium writes: 8-bit RGB or RGBA, not interlaced.
fn decode_png(bytes: &[u8]) -> Image {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let (mut width, mut height, mut channels) = (0, 0, 0);
    let mut idat = Vec::new();
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        let kind = &bytes[at + 4..at + 8];
        let data = &bytes[at + 8..at + 8 + len];
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(data[0..4].try_into().unwrap()) as usize;
                height = u32::from_be_bytes(data[4..8].try_into().unwrap()) as usize;
                assert_eq!(data[8], 8, "bit depth");
                channels = match data[9] {
                    2 => 3,
                    6 => 4,
                    other => panic!("colour type {other}"),
                };
                assert_eq!(data[12], 0, "interlaced");
            }
            b"IDAT" => idat.extend_from_slice(data),
            b"IEND" => break,
            _ => {}
        }
        at += 12 + len;
    }
    let raw = miniz_oxide::inflate::decompress_to_vec_zlib(&idat).unwrap();
    let stride = width * channels;
    let mut out = vec![0u8; stride * height];
    for y in 0..height {
        let filter = raw[y * (stride + 1)];
        let line = &raw[y * (stride + 1) + 1..(y + 1) * (stride + 1)];
        for x in 0..stride {
            let a = if x >= channels {
                out[y * stride + x - channels]
            } else {
                0
            };
            let b = if y > 0 { out[(y - 1) * stride + x] } else { 0 };
            let c = if x >= channels && y > 0 {
                out[(y - 1) * stride + x - channels]
            } else {
                0
            };
            out[y * stride + x] = match filter {
                0 => line[x],
                1 => line[x].wrapping_add(a),
                2 => line[x].wrapping_add(b),
                3 => line[x].wrapping_add(((a as u16 + b as u16) / 2) as u8),
                4 => {
                    let p = a as i16 + b as i16 - c as i16;
                    let (pa, pb, pc) = (
                        (p - a as i16).abs(),
                        (p - b as i16).abs(),
                        (p - c as i16).abs(),
                    );
                    let predictor = if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    };
                    line[x].wrapping_add(predictor)
                }
                other => panic!("filter {other}"),
            };
        }
    }
    Image {
        width,
        height,
        channels,
        data: out,
    }
}

#[test]
fn no_report_shows_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secrets"),
        dir.path(),
    );
    let secrets = [
        "Qm7vR2xK9pT4wZ8nL3sB6d",
        "9b1f4c7e2a6d8b0c3e5f7a9d1b3c5e7f",
        "Tr0ub4dor-And-3",
        "EAABsbCS1iHgBAOz7ZCqYw9ZBnxZCkvZB2Xq4ZAp0ZC8ZBvRZCjN3KdZCZAeZBLq",
    ];
    for format in [
        "human", "concise", "json", "sarif", "junit", "github", "gitlab", "markdown", "html",
    ] {
        let output = walint_in(dir.path(), &["check", "--format", format]);
        let text = stdout(&output);
        assert!(text.contains("WA003"), "{format}");
        for secret in secrets {
            assert!(!text.contains(secret), "{format} shows {secret}");
        }
    }
    // The baseline records fingerprints and masked messages only.
    walint_in(dir.path(), &["baseline", "-o", "b.json"]);
    let baseline = std::fs::read_to_string(dir.path().join("b.json")).unwrap();
    for secret in secrets {
        assert!(!baseline.contains(secret), "baseline shows {secret}");
    }
}

/// A rule defined at run time (as a project's own rules will be) is reported like a built-in
/// one: its code and name in every format, its catalogue entry in SARIF's rule list.
#[test]
fn a_rule_defined_at_run_time_is_reported_in_every_format() {
    use std::sync::Arc;
    use walint::catalogue::{builtin, RuleId};
    use walint::config::FailOn;
    use walint::diagnostic::{Diagnostic, FileId, Severity};
    use walint::report::{render, ReportFormat, ReportInput, RunMeta};
    use walint::source::{LineIndex, Position, Span};
    use walint::workspace::SourceFile;

    let mut catalogue = (*builtin().unwrap()).clone();
    let mut doc = catalogue.rule(RuleId::WA201).clone();
    doc.code = "ACME001".into();
    doc.name = "acme-menu-style".into();
    doc.summary = "Menus follow the Acme style guide.".into();
    let acme = catalogue.define(doc).unwrap();
    let catalogue = Arc::new(catalogue);
    let text = "flow: bot\nentry: hi\n";
    let file = SourceFile {
        id: FileId::input(0),
        path: "bot.yaml".into(),
        config_path: "bot.yaml".into(),
        lines: LineIndex::new(text),
        text: text.into(),
        kinds: Vec::new(),
        sha256: String::new(),
        secrets: Vec::new(),
        redaction: Default::default(),
        notes: Vec::new(),
    };
    let rule = catalogue.rule(acme);
    let diagnostic = Diagnostic {
        rule: acme,
        code: rule.code.clone(),
        name: rule.name.clone(),
        severity: Severity::Warning,
        message: "menu `hi` breaks the style guide".into(),
        help: None,
        file: "bot.yaml".into(),
        file_id: file.id,
        span: Span::new(17, 19),
        start: Position { line: 2, column: 8 },
        end: Position {
            line: 2,
            column: 10,
        },
        pointer: "/entry".into(),
        fingerprint: "0123456789abcdef".into(),
        related: Vec::new(),
        suppressed: None,
        fix: None,
    };
    let meta = RunMeta::collect(Path::new("."), None, &catalogue, Vec::new());
    let files = [file];
    let diagnostics = [diagnostic];
    let input = ReportInput {
        files: &files,
        config_files: &[],
        diagnostics: &diagnostics,
        color: false,
        width: None,
        fail_on: FailOn::At(Severity::Warning),
        catalogue: &catalogue,
        enabled: &[acme],
        baseline: None,
        previous: None,
        meta: &meta,
    };
    let json: serde_json::Value =
        serde_json::from_str(&render(ReportFormat::Json, &input).text).unwrap();
    assert_eq!(json["diagnostics"][0]["rule"], "ACME001");
    assert_eq!(json["diagnostics"][0]["name"], "acme-menu-style");
    let sarif: serde_json::Value =
        serde_json::from_str(&render(ReportFormat::Sarif, &input).text).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["rules"][0]["id"], "ACME001");
    assert_eq!(
        run["tool"]["driver"]["rules"][0]["shortDescription"]["text"],
        "Menus follow the Acme style guide."
    );
    assert_eq!(run["results"][0]["ruleId"], "ACME001");
    for format in [
        ReportFormat::Human,
        ReportFormat::Concise,
        ReportFormat::Junit,
        ReportFormat::Github,
        ReportFormat::Gitlab,
        ReportFormat::Markdown,
        ReportFormat::Html,
    ] {
        let rendered = render(format, &input);
        assert!(rendered.failures.is_empty(), "{format:?}: {rendered:?}");
        let text = rendered.text;
        assert!(text.contains("ACME001"), "{format:?}: {text}");
    }
}

// `--compare`: this run against the JSON report of an earlier one.

/// The fixture's copy in `repo/` of a fresh folder, and beside it `previous.json`: the JSON
/// report of the fixture as it was at an earlier audit run (`--no-inline-ignores`, no
/// baseline), when the campaign still asked for opt-in and the booking template linked to
/// its tickets over plain HTTP.
fn compared() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    common::copy_dir(&fixture(), &repo);
    let edit = |file: &str, from: &str, to: &str| {
        let path = repo.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    };
    edit(
        "campaigns/summer_deals.yaml",
        "requires_opt_in: false",
        "requires_opt_in: true",
    );
    edit(
        "templates/booking_confirmed.json",
        "We will send your tickets",
        "See http://northwind.example/tickets; we will send your tickets",
    );
    let earlier = walint_in(&repo, &["check", "--no-inline-ignores", "--format", "json"]);
    assert_eq!(earlier.status.code(), Some(1), "{}", stderr(&earlier));
    std::fs::write(dir.path().join("previous.json"), &earlier.stdout).unwrap();
    common::copy_dir(&fixture(), &repo);
    dir
}

/// `walint check --baseline walint-baseline.json --compare ../previous.json ARGS` in the
/// fixture's copy.
fn compare_run(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec![
        "check",
        "--baseline",
        "walint-baseline.json",
        "--compare",
        "../previous.json",
    ];
    all.extend_from_slice(args);
    walint_in(&dir.join("repo"), &all)
}

/// The comparison report in `format`, with this run's and the previous report's ids, the
/// previous file's hash and the catalogue hash (all of which change with every rule
/// document) replaced by placeholders.
fn comparison_report(format: &str) -> String {
    let dir = compared();
    let run = |format: &str| {
        let output = compare_run(dir.path(), &["--format", format]);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        stdout(&output)
    };
    let json = run("json");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let previous = &value["comparison"]["previous"];
    common::mask_report_id(&run(format), &json)
        .replace(
            previous["report_id"].as_str().unwrap(),
            "[previous report id]",
        )
        .replace(previous["sha256"].as_str().unwrap(), "[previous sha256]")
        .replace(&catalogue_sha256(), "[catalogue sha256]")
}

#[test]
fn json_report_with_comparison() {
    insta::assert_snapshot!(comparison_report("json"));
}

#[test]
fn markdown_report_with_comparison() {
    insta::assert_snapshot!(comparison_report("markdown"));
}

#[test]
fn html_report_with_comparison() {
    insta::assert_snapshot!(comparison_report("html"));
}

#[test]
fn the_comparison_sorts_every_finding_of_both_runs() {
    let dir = compared();
    let output = compare_run(dir.path(), &["--format", "json"]);
    let report = common::json_of(&output);
    let comparison = &report["comparison"];
    assert_eq!(
        comparison["totals"],
        serde_json::json!({"new": 3, "fixed": 1, "accepted": 3, "still_open": 4})
    );
    let rule_of = |fingerprint: &serde_json::Value| {
        let entry = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| &d["fingerprint"] == fingerprint)
            .unwrap();
        format!("{} {}", entry["rule"], entry["line"])
    };
    let new: Vec<String> = comparison["new"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| rule_of(&n["fingerprint"]))
        .collect();
    // The campaign's opt-in, and the two bad suppressions the audit run did not read.
    assert_eq!(new, ["\"WA501\" 5", "\"WA005\" 37", "\"WA005\" 42"]);
    let fixed = &comparison["fixed"][0];
    assert_eq!(fixed["rule"], "WA108");
    assert_eq!(fixed["file"], "templates/booking_confirmed.json");
    assert_eq!(fixed["was_accepted"], false);
    let accepted: Vec<String> = comparison["accepted"]
        .as_array()
        .unwrap()
        .iter()
        .map(rule_of)
        .collect();
    // Two walint-ignore comments the audit run disregarded, and the baseline's entry.
    assert_eq!(accepted, ["\"WA201\" 12", "\"WA101\" 31", "\"WA203\" 3"]);
    assert_eq!(
        comparison["previous"]["file"], "../previous.json",
        "named as given"
    );
    let human = stdout(&compare_run(dir.path(), &[]));
    assert!(
        human.ends_with(" Since ../previous.json: 3 new, 1 fixed, 3 accepted, 4 still open.\n"),
        "{human}"
    );
    let markdown = stdout(&compare_run(dir.path(), &["--format", "markdown"]));
    assert!(markdown
        .contains("Since `../previous.json`: **3 new**, 1 fixed, 3 accepted, 4 still open."));
    // The findings section marks what is new.
    assert!(markdown.contains("#### error WA501 campaign-missing-opt-in at 5:20 (new)"));
}

#[test]
fn a_run_compared_with_its_own_report_changed_nothing() {
    let dir = repo();
    let root = dir.path();
    let own = walint_in(root, &["check", "--format", "json", "-o", "own.json"]);
    assert_eq!(own.status.code(), Some(1), "{}", stderr(&own));
    let again = json(root, &["--compare", "own.json"]);
    let totals = &again["comparison"]["totals"];
    assert_eq!(totals["new"], 0);
    assert_eq!(totals["fixed"], 0);
    assert_eq!(totals["accepted"], 0);
    assert_eq!(totals["still_open"], 8);
    // Moving a finding's lines changes no fingerprint: still open, not fixed and new.
    let flow = root.join("flows/booking_bot.yaml");
    let text = std::fs::read_to_string(&flow).unwrap();
    std::fs::write(&flow, format!("# moved down\n\n{text}")).unwrap();
    let moved = json(root, &["--compare", "own.json"]);
    assert_eq!(moved["comparison"]["totals"], again["comparison"]["totals"]);
}

#[test]
fn compare_reads_only_a_json_report_of_this_walint() {
    let dir = repo();
    let root = dir.path();
    let sarif = walint_in(root, &["check", "--format", "sarif", "-o", "log.sarif"]);
    assert_eq!(sarif.status.code(), Some(1), "{}", stderr(&sarif));
    let report = stdout(&walint_in(root, &["check", "--format", "json"]));
    let version = format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(report.contains(&version));
    std::fs::write(
        root.join("old.json"),
        report.replacen(&version, "\"version\": \"0.0.1\"", 1),
    )
    .unwrap();
    std::fs::write(root.join("cut.json"), &report[..report.len() / 2]).unwrap();
    std::fs::write(root.join("latin1.json"), b"{\"tool\": \"caf\xe9\"}").unwrap();
    let ours = env!("CARGO_PKG_VERSION");
    for (file, said) in [
        ("log.sarif", "`log.sarif` is not a walint JSON report (it is a SARIF log); --compare reads the output of `walint check --format json`".to_string()),
        ("walint-baseline.json", "`walint-baseline.json` is not a walint JSON report (it is a baseline, which `--baseline` reads)".to_string()),
        ("walint.yaml", "`walint.yaml` is not a walint JSON report (not valid JSON: expected value at line 1 column 1)".to_string()),
        ("cut.json", "`cut.json` is not a walint JSON report (not valid JSON: EOF while parsing".to_string()),
        ("latin1.json", "`latin1.json` is not UTF-8 text, so not a walint JSON report".to_string()),
        ("old.json", format!("`old.json` is a JSON report of walint 0.0.1, this is walint {ours}: the rules and fingerprints of another version may differ")),
        ("missing.json", "cannot read the report to compare with `missing.json`: ".to_string()),
    ] {
        let output = walint_in(root, &["check", "--compare", file]);
        assert_eq!(output.status.code(), Some(2), "{file}");
        assert!(output.stdout.is_empty(), "{file}: no report");
        assert!(
            stderr(&output).starts_with(&format!("walint: error: {said}")),
            "{file}: {}",
            stderr(&output)
        );
    }
}
