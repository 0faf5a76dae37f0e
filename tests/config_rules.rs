//! The configuration side of an integration: webhooks (WA401–WA406), campaigns (WA501–WA504),
//! secrets (WA003) and API versions (WA004), through the real binary on fixture folders.
//!
//! Every run fixes the date with SOURCE_DATE_EPOCH (2026-01-01), so WA004 and WA504 do not
//! depend on the day the tests run.

mod common;

use std::path::Path;
use std::process::Output;

use common::{command, root, stdout, EPOCH};

/// `walint ARGS` in the repository root on another day (SOURCE_DATE_EPOCH seconds).
fn walint_at(epoch: &str, args: &[&str]) -> Output {
    command(&root(), args)
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .unwrap()
}

fn walint(args: &[&str]) -> Output {
    walint_at(EPOCH, args)
}

/// `file:line:col: severity[CODE]` of every finding, in report order.
fn locations(output: &Output) -> Vec<String> {
    stdout(output)
        .lines()
        .filter(|l| l.contains(": error[") || l.contains(": warning[") || l.contains(": info["))
        .map(|l| l.split(']').next().unwrap_or("").to_string() + "]")
        .collect()
}

const WEBHOOKS: &str = "tests/fixtures/webhooks/failing";
const CAMPAIGNS: &str = "tests/fixtures/campaigns";
const SECRETS: &str = "tests/fixtures/secrets";

#[test]
fn webhook_rules_fire_at_the_exact_key() {
    let output = walint(&["check", WEBHOOKS, "--no-config", "--format", "concise"]);
    assert_eq!(output.status.code(), Some(1));
    let f = "tests/fixtures/webhooks/failing";
    assert_eq!(
        locations(&output),
        [
            format!("{f}/override_placeholder.json:3:20: warning[WA405]"),
            format!("{f}/override_too_long.json:2:28: error[WA406]"),
            format!("{f}/webhooks.yaml:9:23: error[WA402]"),
            format!("{f}/webhooks.yaml:17:5: error[WA402]"),
            format!("{f}/webhooks.yaml:23:27: error[WA403]"),
            format!("{f}/webhooks.yaml:32:27: error[WA403]"),
            format!("{f}/webhooks.yaml:45:14: error[WA407]"),
            format!("{f}/webhooks.yaml:51:19: warning[WA405]"),
            format!("{f}/webhooks.yaml:59:27: error[WA406]"),
            format!("{f}/webhooks.yaml:68:54: error[WA406]"),
            format!("{f}/webhooks.yaml:82:24: warning[WA004]"),
        ]
    );
}

#[test]
fn human_report_of_the_webhook_fixtures() {
    let output = walint(&["check", WEBHOOKS, "--no-config"]);
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn a_realistic_production_config_is_clean() {
    let dir = "tests/fixtures/webhooks/clean";
    let config = format!("{dir}/walint.yaml");
    let output = walint(&["check", dir, "-c", &config, "--format", "concise"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stdout(&output), "No problems found in 4 files.\n");
}

#[test]
fn the_config_environment_decides_when_a_webhook_has_none() {
    let dir = "tests/fixtures/webhooks/production_config";
    let config = format!("{dir}/walint.yaml");
    let output = walint(&["check", dir, "-c", &config, "--format", "concise"]);
    assert_eq!(
        locations(&output),
        [format!("{dir}/webhooks.yaml:4:27: error[WA403]")]
    );
    assert!(stdout(&output).contains("(production per walint.yaml)"));
    // Without the config the webhook has no environment: nothing to say.
    let output = walint(&["check", dir, "--no-config", "--format", "concise"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn campaign_rules_fire_at_the_exact_key() {
    let output = walint(&["check", CAMPAIGNS, "--no-config", "--format", "concise"]);
    assert_eq!(output.status.code(), Some(1));
    let f = CAMPAIGNS;
    assert_eq!(
        locations(&output),
        [
            format!("{f}/black_friday.yaml:7:19: error[WA503]"),
            format!("{f}/daily_deals.yaml:10:31: warning[WA502]"),
            format!("{f}/no_cap.yaml:2:1: warning[WA502]"),
            format!("{f}/us_launch.yaml:8:19: error[WA504]"),
        ]
    );
}

#[test]
fn human_report_of_the_campaign_fixtures() {
    let output = walint(&["check", CAMPAIGNS, "--no-config"]);
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn the_weekly_cap_is_a_rule_option() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("walint.yaml");
    std::fs::write(&config, "rules:\n  WA502: {max_per_week: 7}\n").unwrap();
    let config = config.to_string_lossy().into_owned();
    let output = walint(&["check", CAMPAIGNS, "-c", &config, "--format", "concise"]);
    let found = locations(&output);
    assert!(
        found.iter().all(|l| !l.contains("daily_deals")),
        "{found:?}"
    );
    assert!(found.iter().any(|l| l.contains("no_cap.yaml")), "{found:?}");
}

#[test]
fn us_marketing_is_allowed_before_april_2025() {
    // 2025-03-31: Meta still delivered marketing templates to US numbers.
    let output = walint_at(
        "1743379200",
        &["check", CAMPAIGNS, "--no-config", "--format", "concise"],
    );
    assert!(!stdout(&output).contains("WA504"), "{}", stdout(&output));
}

#[test]
fn graph_versions_expire_by_the_run_date() {
    let args = [
        "check",
        WEBHOOKS,
        "--no-config",
        "--select",
        "WA004",
        "--format",
        "concise",
    ];
    // 2025-09-11: v17.0 is still served, for one more day (an info); 2025-09-12: it is not.
    let day_before = stdout(&walint_at("1757548800", &args));
    assert!(
        day_before.contains("info[WA004] Graph API version `v17.0` expires in 1 day: Meta stops serving it on 2025-09-12"),
        "{day_before}"
    );
    assert!(!day_before.contains("warning[WA004]"), "{day_before}");
    // 2025-06-13, 91 days before: nothing yet.
    assert!(!stdout(&walint_at("1749772800", &args)).contains("WA004"));
    let text = stdout(&walint_at("1757635200", &args));
    assert!(text.contains("`v17.0` is past its end of life: Meta stopped serving it on 2025-09-12"));
}

#[test]
fn secret_rules_fire_at_the_exact_value() {
    let output = walint(&["check", SECRETS, "--no-config", "--format", "concise"]);
    assert_eq!(output.status.code(), Some(1));
    let f = SECRETS;
    assert_eq!(
        locations(&output),
        [
            format!("{f}/campaign.yaml:11:15: error[WA003]"),
            // `crm:` is no key of walint's campaign format.
            format!("{f}/campaign.yaml:13:1: error[WA002]"),
            format!("{f}/campaign.yaml:14:12: error[WA003]"),
            format!("{f}/templates.json:16:94: error[WA003]"),
            format!("{f}/webhooks.yaml:6:19: error[WA003]"),
            format!("{f}/webhooks.yaml:7:17: error[WA003]"),
            format!("{f}/webhooks.yaml:13:27: error[WA406]"),
            format!("{f}/webhooks.yaml:13:33: error[WA003]"),
            format!("{f}/webhooks.yaml:20:28: error[WA003]"),
        ]
    );
}

#[test]
fn human_report_of_the_secret_fixtures() {
    let output = walint(&["check", SECRETS, "--no-config"]);
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn json_report_of_the_secret_fixtures() {
    let output = walint(&["check", SECRETS, "--no-config", "--format", "json"]);
    let text = stdout(&output);
    insta::assert_snapshot!(common::mask_report_id(&text, &text));
}

/// The secrets planted in tests/fixtures/secrets.
const PLANTED: [&str; 8] = [
    "Qm7vR2xK9pT4wZ8nL3sB6d",
    "9b1f4c7e2a6d8b0c3e5f7a9d1b3c5e7f",
    "Tr0ub4dor-And-3",
    "EAABsbCS1iHgBAOz7ZCqYw9ZBnxZCkvZB2Xq4ZAp0ZC8ZBvRZCjN3KdZCZAeZBLq",
    "EAAJBw5yZC8xZBqK0pZCZAcLTmN4rZB7wZAvhZCGd9ZA1ZBq3sEk",
    "738194026153847|Xq9Lr2Vb7Nw4Ks8Pz3Tm6Hc1Jd5Fg",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    // Also the weak verify token of the webhook fixtures.
    "changeme",
];

/// No part of a planted secret past the 4 characters a message may show.
fn assert_no_secret(what: &str, text: &str) {
    for secret in PLANTED {
        let tail: Vec<char> = secret.chars().skip(4).collect();
        for window in tail.windows(6.min(tail.len())) {
            let window: String = window.iter().collect();
            assert!(
                !text.contains(&window),
                "{what} shows `{window}` of a planted secret:\n{text}"
            );
        }
    }
}

#[test]
fn no_secret_survives_into_any_output() {
    for dir in [SECRETS, WEBHOOKS] {
        for format in ["human", "concise", "json"] {
            // Also when WA003 itself is not reported: the masking does not depend on it.
            for extra in [&[][..], &["--ignore", "WA003"][..]] {
                let mut args = vec!["check", dir, "--no-config", "--format", format];
                args.extend_from_slice(extra);
                let output = walint(&args);
                let what = format!("{format} {dir} {extra:?}");
                assert_no_secret(&what, &stdout(&output));
                assert_no_secret(&what, &String::from_utf8_lossy(&output.stderr));
            }
        }
    }
}

#[test]
fn the_real_webhook_corpus_has_findings_only_on_override_payloads() {
    let corpus = root().join("../shared/corpus/real/webhooks");
    if !corpus.is_dir() {
        eprintln!("skipped: {} does not exist (CI has it)", corpus.display());
        return;
    }
    let corpus = corpus.canonicalize().unwrap();
    let output = walint(&[
        "check",
        corpus.to_str().unwrap(),
        "--no-config",
        "--format",
        "concise",
    ]);
    let found = locations(&output);
    // Meta's own example leaves `YOUR_VERIFY_TOKEN_PLACEHOLDER` as the verify token.
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].ends_with(
            "meta-openapi-v23_subscribed-apps-request-custom-callback.yaml:2:33: warning[WA405]"
        ),
        "{found:?}"
    );
    for line in &found {
        let file = Path::new(line.split(':').next().unwrap_or(""));
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.contains("override_callback_uri"), "{line}");
    }
}

#[test]
fn a_rule_turned_off_in_the_config_is_not_reported_even_when_it_reads_whole_files() {
    let dir = tempfile::tempdir().unwrap();
    // No callback_url (WA002, the loader's own) and an app secret (WA003, a whole-file check).
    std::fs::write(
        dir.path().join("hooks.yaml"),
        "webhooks:\n  - name: a\n    url: https://hooks.example/wa\n    app_secret: \"8f3a9c2e7b1d4f6a0c5e9b2d7f1a3c8e\"\n",
    )
    .unwrap();
    let folder = dir.path().to_string_lossy().into_owned();
    let before = locations(&walint(&[
        "check",
        &folder,
        "--no-config",
        "--format",
        "concise",
    ]));
    assert!(before.iter().any(|l| l.contains("[WA003]")), "{before:?}");
    assert!(before.iter().any(|l| l.contains("[WA002]")), "{before:?}");
    let config = dir.path().join("walint.yaml");
    std::fs::write(&config, "rules:\n  WA003: off\n  WA002: off\n").unwrap();
    let config = config.to_string_lossy().into_owned();
    let after = locations(&walint(&[
        "check", &folder, "-c", &config, "--format", "concise",
    ]));
    let others: Vec<&String> = before
        .iter()
        .filter(|l| !l.contains("[WA003]") && !l.contains("[WA002]"))
        .collect();
    assert!(!others.is_empty(), "{before:?}");
    assert_eq!(after.iter().collect::<Vec<_>>(), others);
}

#[test]
fn on_premises_api_markers_are_errors_after_the_sunset_and_warnings_before() {
    let f = "tests/fixtures/on_premises";
    let after = walint(&["check", f, "--no-config", "--format", "concise"]);
    assert_eq!(after.status.code(), Some(1));
    // The self-hosted `/v1/messages` is only likely: a warning; the Cloud API and Vonage's
    // public `/v1/messages` in cloud.yaml are nothing.
    assert_eq!(
        locations(&after),
        [
            format!("{f}/price_drop.yaml:12:22: error[WA408]"),
            format!("{f}/price_drop.yaml:14:17: error[WA408]"),
            format!("{f}/restock_alert.yaml:12:39: error[WA408]"),
            format!("{f}/restock_alert.yaml:13:42: warning[WA408]"),
        ]
    );
    assert!(stdout(&after).contains(
        "`/v1/users/login` on `wa.acme.internal:9090` is the On-Premises client's login: Meta sunset the On-Premises API on 2025-10-23"
    ));
    // 2025-06-01: the sunset is still ahead, and said with its date.
    let before = walint_at(
        "1748736000",
        &["check", f, "--no-config", "--format", "concise"],
    );
    let found = locations(&before);
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(
        found.iter().all(|l| l.ends_with("warning[WA408]")),
        "{found:?}"
    );
    assert!(stdout(&before).contains("Meta sunsets the On-Premises API on 2025-10-23"));
}
