//! `walint templates pull` and `walint templates status` through the real binary, against a
//! stub of the Graph API on 127.0.0.1 (no network here): three pages, throttling and server
//! errors retried, Meta's errors in one sentence with exit 2, bounded answers, `--check`,
//! and the access token in no output and no file.

mod common;
#[path = "support/graph_stub.rs"]
mod graph_stub;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use graph_stub::{Reply, Request, Stub};
use serde_json::{json, Value};

use common::{command, root, stderr, stdout};

/// Shaped like a real system user token, so a leak would be recognisable anywhere.
const TOKEN: &str = "EAAGm0PX4ZCpsBAKZBwalintStubToken7c3f9a1d2e4b6c8";
const WABA: &str = "102290129340398";

fn meta_templates() -> Vec<Value> {
    let path = root().join("tests/support/graph_api/message_templates.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Meta's answer for one page of `templates`, `per_page` at a time: the page after the
/// cursor `pageN`, with `paging.next` (on Meta's own host, which walint must not call) while
/// more remain.
fn page(request: &Request, templates: &[Value], per_page: usize) -> Reply {
    let index: usize = request
        .param("after")
        .and_then(|a| a.strip_prefix("page").and_then(|n| n.parse().ok()))
        .unwrap_or(1);
    let start = (index - 1) * per_page;
    let data: Vec<Value> = templates
        .iter()
        .skip(start)
        .take(per_page)
        .cloned()
        .collect();
    let mut paging = json!({"cursors": {"before": format!("before{index}"), "after": format!("page{}", index + 1)}});
    if start + per_page < templates.len() {
        paging["next"] = json!(format!(
            "https://graph.facebook.com/v23.0/{WABA}/message_templates?limit={per_page}&after=page{}",
            index + 1
        ));
    }
    Reply::json(200, json!({"data": data, "paging": paging}).to_string())
}

/// A copy of the fixture repository to pull into.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy(
        &root().join("tests/fixtures/templates_lock/repo"),
        dir.path(),
    );
    dir
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn lock_path(dir: &Path) -> PathBuf {
    dir.join("walint-templates.lock.json")
}

/// `walint ARGS` in `dir` with the token in the environment; fails the test if the token
/// shows up in the output or in any file of `dir`.
fn walint_with_token(dir: &Path, args: &[&str]) -> Output {
    let output = command(dir, args)
        .env("WHATSAPP_ACCESS_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert_no_token(&output, dir);
    output
}

fn pull(dir: &Path, stub: &Stub, extra: &[&str]) -> Output {
    let mut args = vec!["templates", "pull", "--graph-url", &stub.url];
    args.extend_from_slice(extra);
    walint_with_token(dir, &args)
}

fn assert_no_token(output: &Output, dir: &Path) {
    for (what, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains(TOKEN), "the token is in {what}: {text}");
        assert!(
            !text.contains(&TOKEN[8..]),
            "part of the token is in {what}: {text}"
        );
    }
    for file in files(dir) {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        assert!(!text.contains(TOKEN), "the token is in {}", file.display());
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A pull that must fail with exit 2, one line on stderr, and no lock written.
fn failed_pull(stub: &Stub, extra: &[&str]) -> String {
    let dir = repository();
    let output = pull(dir.path(), stub, extra);
    let message = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{message}{}",
        stdout(&output)
    );
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(!lock_path(dir.path()).exists());
    message
}

#[test]
fn three_pages_become_one_sorted_lock_and_the_token_goes_only_in_the_header() {
    let templates = meta_templates();
    let stub = Stub::start(move |request, _| page(request, &templates, 2));
    let dir = repository();
    let output = pull(dir.path(), &stub, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "Wrote walint-templates.lock.json: 5 templates of WhatsApp Business Account 102290129340398 (Graph API v23.0): 3 APPROVED, 1 PAUSED, 1 REJECTED.\n"
    );
    let lock = std::fs::read_to_string(lock_path(dir.path())).unwrap();
    insta::assert_snapshot!("lock_file", lock);

    let requests = stub.requests();
    assert_eq!(requests.len(), 3);
    let cursors: Vec<Option<String>> = requests.iter().map(|r| r.param("after")).collect();
    assert_eq!(cursors, [None, Some("page2".into()), Some("page3".into())]);
    for request in &requests {
        assert_eq!(request.path, format!("/v23.0/{WABA}/message_templates"));
        assert_eq!(
            request.authorization.as_deref(),
            Some(&*format!("Bearer {TOKEN}"))
        );
        assert!(
            !request.query.contains(TOKEN),
            "token in the query: {}",
            request.query
        );
        assert_eq!(
            request.param("fields").as_deref(),
            Some("id,name,language,status,category,previous_category,quality_score,rejected_reason,parameter_format,components")
        );
        assert!(request
            .head
            .to_ascii_lowercase()
            .contains("\r\nuser-agent: walint/"));
    }

    // The same answer again gives the same bytes, and `--check` agrees without writing.
    let again = pull(dir.path(), &stub, &[]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(lock_path(dir.path())).unwrap(),
        lock
    );
    let check = pull(dir.path(), &stub, &["--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    assert_eq!(
        stdout(&check),
        "walint-templates.lock.json is up to date: 5 templates of WhatsApp Business Account 102290129340398 (Graph API v23.0): 3 APPROVED, 1 PAUSED, 1 REJECTED.\n"
    );
}

#[test]
fn check_exits_1_and_names_the_changes_without_writing() {
    let dir = repository();
    let templates = meta_templates();
    let stub = Stub::start(move |request, _| page(request, &templates, 2));
    assert_eq!(pull(dir.path(), &stub, &[]).status.code(), Some(0));
    let before = std::fs::read(lock_path(dir.path())).unwrap();

    let mut changed = meta_templates();
    changed[1]["status"] = json!("PAUSED");
    changed[1]["quality_score"] = json!({"score": "RED"});
    changed[3]["components"][0]["text"] = json!("Hi {{1}}, your parcel comes tomorrow.");
    changed.remove(2);
    let stub = Stub::start(move |request, _| page(request, &changed, 2));
    let check = pull(dir.path(), &stub, &["--check"]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    assert_eq!(
        stdout(&check),
        "walint-templates.lock.json is out of date; `walint templates pull` would change:\n  \
         legacy_notice (pt_BR): gone from Meta (was APPROVED)\n  \
         delivery_update (en_US): components changed\n  \
         order_shipped (en_US): status APPROVED → PAUSED, quality GREEN → RED\n"
    );
    assert_eq!(std::fs::read(lock_path(dir.path())).unwrap(), before);

    // Without `--check` the same changes are written and listed.
    let output = pull(dir.path(), &stub, &[]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("\n  order_shipped (en_US): status APPROVED → PAUSED"));
    assert_ne!(std::fs::read(lock_path(dir.path())).unwrap(), before);
}

#[test]
fn check_without_a_lock_exits_1() {
    let templates = meta_templates();
    let stub = Stub::start(move |request, _| page(request, &templates, 2));
    let dir = repository();
    let output = pull(dir.path(), &stub, &["--check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).starts_with("walint-templates.lock.json does not exist"));
    assert!(!lock_path(dir.path()).exists());
}

#[test]
fn a_429_is_retried_after_the_seconds_retry_after_asks() {
    let templates = meta_templates();
    let stub = Stub::start(move |request, n| match n {
        0 => Reply::graph_error(429, 80007, None, "(#80007) Rate limit issues")
            .with_header("Retry-After", "1"),
        _ => page(request, &templates, 10),
    });
    let dir = repository();
    let started = Instant::now();
    let output = pull(dir.path(), &stub, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(stub.requests().len(), 2);
    assert!(lock_path(dir.path()).exists());
}

#[test]
fn a_server_error_is_retried_with_backoff() {
    let templates = meta_templates();
    let stub = Stub::start(move |request, n| match n {
        0 => Reply::json(500, "<html>Internal Server Error</html>"),
        _ => page(request, &templates, 10),
    });
    let dir = repository();
    let output = pull(dir.path(), &stub, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stub.requests().len(), 2);
    assert!(lock_path(dir.path()).exists());
}

#[test]
fn throttling_that_asks_for_minutes_ends_the_pull_at_once() {
    let usage = r#"{"102290129340398":[{"type":"whatsapp_business_management","call_count":100,"total_cputime":2,"total_time":2,"estimated_time_to_regain_access":30}]}"#;
    let stub = Stub::start(move |_, _| {
        Reply::graph_error(400, 80007, None, "(#80007) Rate limit issues")
            .with_header("X-Business-Use-Case-Usage", usage)
    });
    let started = Instant::now();
    let message = failed_pull(&stub, &[]);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(
        message,
        "walint: error: Meta is throttling calls to the Graph API (code 80007: (#80007) Rate limit issues), and Meta asks to wait 30 minutes before the next call; run `walint templates pull` again then\n"
    );
    assert_eq!(stub.requests().len(), 1);
}

#[test]
fn an_expired_token_is_one_sentence_and_exit_2() {
    let stub = Stub::start(|_, _| {
        Reply::graph_error(
            401,
            190,
            Some(463),
            "Error validating access token: Session has expired on Friday, 02-Jan-26 08:00:00 PST.",
        )
    });
    assert_eq!(
        failed_pull(&stub, &[]),
        "walint: error: the access token in WHATSAPP_ACCESS_TOKEN has expired (code 190, subcode 463); create a new system user token with the whatsapp_business_management permission\n"
    );
    assert_eq!(stub.requests().len(), 1, "an expired token is not retried");
}

#[test]
fn a_permission_error_or_a_wrong_account_says_which() {
    let stub = Stub::start(|_, _| Reply::graph_error(403, 200, None, "(#200) Permissions error"));
    assert_eq!(
        failed_pull(&stub, &[]),
        "walint: error: the access token may not read the templates of WhatsApp Business Account 102290129340398 (code 200); give its system user the whatsapp_business_management permission on that account\n"
    );
    let stub = Stub::start(|_, _| {
        Reply::graph_error(
            400,
            100,
            Some(33),
            "Unsupported get request. Object with ID '1' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
        )
    });
    assert_eq!(
        failed_pull(&stub, &["--waba-id", "1"]),
        "walint: error: WhatsApp Business Account 1 does not exist or this token cannot see it (code 100, subcode 33); check `--waba-id` or `meta.waba_id` in walint.yaml, and the token's whatsapp_business_management permission\n"
    );
}

#[test]
fn a_body_that_is_not_the_graph_api_is_an_error() {
    let stub = Stub::start(|_, _| Reply::json(200, "<html><body>Welcome to nginx!</body></html>"));
    let message = failed_pull(&stub, &[]);
    assert!(
        message.starts_with("walint: error: 127.0.0.1:")
            && message.contains("answered HTTP 200 with a body that is not JSON"),
        "{message}"
    );
    let stub = Stub::start(|_, _| Reply::json(200, r#"{"id": "102290129340398"}"#));
    assert!(failed_pull(&stub, &[]).contains("without a `data` list of templates"));
    let stub =
        Stub::start(|_, _| Reply::json(200, r#"{"data": [{"name": "a", "language": "en"}]}"#));
    assert_eq!(
        failed_pull(&stub, &[]),
        "walint: error: template 1 of Meta's answer has no `status`\n"
    );
}

#[test]
fn an_endless_paging_loop_is_bounded() {
    // New cursors forever: walint stops at its page limit.
    let stub = Stub::start(|request, n| {
        let data = json!([{"name": format!("t{n}"), "language": "en_US", "status": "APPROVED", "components": []}]);
        let _ = request;
        Reply::json(
            200,
            json!({"data": data, "paging": {"cursors": {"after": format!("c{n}")}, "next": "https://graph.facebook.com/next"}})
                .to_string(),
        )
    });
    let started = Instant::now();
    let message = failed_pull(&stub, &[]);
    assert!(started.elapsed() < Duration::from_secs(60));
    assert!(
        message.contains("kept announcing more pages after 500 (500 templates)"),
        "{message}"
    );
    assert_eq!(stub.requests().len(), 500);
    // The same cursor again: a loop, stopped on the second page.
    let stub = Stub::start(|_, _| {
        Reply::json(
            200,
            json!({"data": [], "paging": {"cursors": {"after": "MjQZD"}, "next": "https://graph.facebook.com/next"}})
                .to_string(),
        )
    });
    assert!(failed_pull(&stub, &[]).contains("returned the same page cursor twice"));
    assert_eq!(stub.requests().len(), 2);
}

#[test]
fn a_50_mb_body_is_not_read_to_the_end() {
    let stub = Stub::start(|_, _| Reply::Huge {
        bytes: 50 * 1024 * 1024,
    });
    let started = Instant::now();
    let message = failed_pull(&stub, &[]);
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(
        message.contains("sent more than 16 MiB for one page; walint stops reading there"),
        "{message}"
    );
}

#[test]
fn a_silent_server_times_out_and_a_closed_port_names_the_host() {
    let stub = Stub::start(|_, _| Reply::Silence(Duration::from_secs(10)));
    let started = Instant::now();
    let message = failed_pull(&stub, &["--timeout", "1"]);
    assert!(started.elapsed() < Duration::from_secs(8));
    assert!(
        message.contains("did not answer within 1 s (`--timeout`)"),
        "{message}"
    );

    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let dir = repository();
    let url = format!("http://127.0.0.1:{port}");
    let output = walint_with_token(dir.path(), &["templates", "pull", "--graph-url", &url]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!("walint: error: cannot reach 127.0.0.1:{port}: the connection was refused\n")
    );
}

#[test]
fn a_redirect_to_another_host_is_refused() {
    let stub = Stub::start(|_, _| {
        Reply::json(302, "").with_header("Location", "https://collector.example/steal")
    });
    assert!(failed_pull(&stub, &[])
        .contains("redirected walint to another host (collector.example); walint sends the access token only to the host it was given"));
}

#[test]
fn the_token_comes_only_from_the_environment_and_plain_http_only_to_loopback() {
    let dir = repository();
    let output = command(
        dir.path(),
        &["templates", "pull", "--graph-url", "http://127.0.0.1:9"],
    )
    .env_remove("WHATSAPP_ACCESS_TOKEN")
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("walint: error: WHATSAPP_ACCESS_TOKEN is not set"));
    let output = command(dir.path(), &["templates", "pull", "--token", TOKEN])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "there is no token flag");
    assert!(!stderr(&output).contains(TOKEN));

    let output = walint_with_token(
        dir.path(),
        &[
            "templates",
            "pull",
            "--graph-url",
            "http://graph.facebook.com",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("walint sends the access token only over HTTPS"));

    let output = walint_with_token(
        dir.path(),
        &[
            "templates",
            "pull",
            "--no-config",
            "--graph-url",
            "http://127.0.0.1:9",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "walint: error: which WhatsApp Business Account? Pass --waba-id or set `meta: {waba_id: ...}` in walint.yaml\n"
    );
}

#[test]
fn every_output_and_the_lock_are_free_of_the_token() {
    // Each answer of the stub that echoes the token back (as a careless proxy might): walint
    // still never shows it.
    let echo = format!("Invalid OAuth access token - Cannot parse access token {TOKEN}");
    let stub = Stub::start(move |_, _| Reply::graph_error(400, 190, None, &echo));
    let message = failed_pull(&stub, &[]);
    assert!(
        message.contains("has expired or is invalid (code 190)"),
        "{message}"
    );
    let stub =
        Stub::start(move |_, _| Reply::graph_error(400, 1234, None, &format!("odd {TOKEN}")));
    let message = failed_pull(&stub, &[]);
    assert!(message.contains("odd EAAG…redacted"), "{message}");

    let templates = meta_templates();
    let stub = Stub::start(move |request, _| page(request, &templates, 2));
    let dir = repository();
    for args in [
        vec!["templates", "pull", "--graph-url", &stub.url],
        vec!["templates", "pull", "--graph-url", &stub.url, "--check"],
        vec!["templates", "status"],
        vec!["templates", "status", "--format", "json"],
        vec!["check", "--format", "json"],
        vec!["check", "--format", "html"],
    ] {
        // `walint_with_token` asserts that neither output nor any file holds the token.
        walint_with_token(dir.path(), &args);
    }
    assert!(lock_path(dir.path()).exists());
}

#[test]
fn status_shows_each_template_against_the_lock() {
    let templates = meta_templates();
    let stub = Stub::start(move |request, _| page(request, &templates, 2));
    let dir = repository();
    assert_eq!(pull(dir.path(), &stub, &[]).status.code(), Some(0));

    let table = walint_with_token(dir.path(), &["templates", "status"]);
    assert_eq!(table.status.code(), Some(0), "{}", stderr(&table));
    insta::assert_snapshot!("status_table", stdout(&table));

    let json = walint_with_token(dir.path(), &["templates", "status", "--format", "json"]);
    assert_eq!(json.status.code(), Some(0));
    let value: Value = serde_json::from_str(&stdout(&json)).unwrap();
    insta::assert_json_snapshot!("status_json", value);
}

#[test]
fn status_without_a_lock_says_how_to_get_one() {
    let dir = repository();
    let output = command(dir.path(), &["templates", "status"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "walint: error: no templates lock at walint-templates.lock.json; `walint templates pull` writes it\n"
    );
}

/// `walint check ARGS` in a copy of the fixture repository, with the lock the stub gives.
fn pulled_repository() -> tempfile::TempDir {
    let templates = meta_templates();
    let stub = Stub::start(move |request, _| page(request, &templates, 2));
    let dir = repository();
    assert_eq!(pull(dir.path(), &stub, &[]).status.code(), Some(0));
    dir
}

#[test]
fn check_reads_meta_status_quality_and_drift_from_the_lock() {
    let dir = pulled_repository();
    let output = walint_with_token(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    insta::assert_snapshot!("check_with_lock", stdout(&output));

    // The same repository without the lock: the repository's own `status` fields, as before.
    std::fs::remove_file(lock_path(dir.path())).unwrap();
    let output = walint_with_token(dir.path(), &["check", "--format", "concise"]);
    let text = stdout(&output);
    assert_eq!(
        text.lines().filter(|l| l.contains("has no status")).count(),
        4,
        "{text}"
    );
    assert!(!text.contains("WA117") && !text.contains("WA118") && !text.contains("WA119"));
    assert!(text.ends_with("in 5 files.\n"), "{text}");
}

#[test]
fn a_run_from_a_folder_above_reads_the_nested_projects_own_lock() {
    let dir = pulled_repository();
    let alone = walint_with_token(dir.path(), &["check", "--format", "concise"]);
    let outer = tempfile::tempdir().unwrap();
    copy(dir.path(), &outer.path().join("shop"));
    let above = walint_with_token(outer.path(), &["check", "--format", "concise"]);
    assert_eq!(stderr(&above), "");
    let findings = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with("Found "))
            .map(str::to_string)
            .collect()
    };
    let expected: Vec<String> = findings(&stdout(&alone))
        .iter()
        .map(|l| format!("shop/{l}"))
        .collect();
    // Meta's status from shop's lock (WA117, WA118 and the lock's WA101), as in shop itself.
    assert!(
        expected.iter().any(|l| l.contains("[WA117]")),
        "{expected:?}"
    );
    assert_eq!(findings(&stdout(&above)), expected);
}

#[test]
fn an_old_lock_or_one_of_another_account_is_reported_in_the_lock() {
    let dir = pulled_repository();
    // 30 days after the pull; the default maximum age is 7 days.
    let output = command(
        dir.path(),
        &["check", "--format", "concise", "--select", "WA119"],
    )
    .env("SOURCE_DATE_EPOCH", "1769817600")
    .output()
    .unwrap();
    assert_eq!(
        stdout(&output),
        "walint-templates.lock.json:5:17: info[WA119] the templates lock was pulled on 2026-01-01, 30 days ago; its status of Meta's templates may be out of date (`templates_lock_max_age` is 7 days)\n\
         Found 1 problem (0 errors, 0 warnings, 1 info) in 6 files.\n"
    );
    // A longer allowance in walint.yaml, and another account.
    let config = dir.path().join("walint.yaml");
    std::fs::write(
        &config,
        "meta:\n  waba_id: \"999\"\ntemplates_lock_max_age: 60d\n",
    )
    .unwrap();
    let output = command(
        dir.path(),
        &["check", "--format", "concise", "--select", "WA119"],
    )
    .env("SOURCE_DATE_EPOCH", "1769817600")
    .output()
    .unwrap();
    assert_eq!(
        stdout(&output),
        "walint-templates.lock.json:3:14: info[WA119] the templates lock is of WhatsApp Business Account 102290129340398, but walint.yaml's `meta.waba_id` is 999\n\
         Found 1 problem (0 errors, 0 warnings, 1 info) in 6 files.\n"
    );
}

#[test]
fn the_audit_report_states_the_lock_and_each_template_s_meta_status() {
    let dir = pulled_repository();
    let output = walint_with_token(dir.path(), &["check", "--format", "markdown"]);
    let report = stdout(&output);
    let lock_row = report
        .lines()
        .find(|l| l.starts_with("| Templates lock |"))
        .expect("a Templates lock row");
    assert!(
        lock_row.contains("WhatsApp Business Account 102290129340398, fetched 2026-01-01T00:00:00Z (Graph API v23.0)"),
        "{lock_row}"
    );
    let start = report.find("## Templates at Meta").expect("the section");
    let end = report[start..].find("## Findings").unwrap() + start;
    insta::assert_snapshot!("audit_templates_at_meta", &report[start..end]);
    // The lock is evidence: it is in the inventory with its hash.
    assert!(report.contains("| `walint-templates.lock.json` | templates-lock |"));

    let html = stdout(&walint_with_token(
        dir.path(),
        &["check", "--format", "html"],
    ));
    assert!(html.contains("<h2>Templates at Meta</h2>"));
    assert!(html.contains("<td><code>welcome_offer</code></td><td>en_US</td><td><code>whatsapp&#x2f;templates&#x2f;marketing.yaml</code></td><td>REJECTED (PROMOTIONAL)</td><td>UNKNOWN</td></tr>"));
}

#[test]
fn a_lock_check_cannot_read_is_exit_2() {
    let dir = repository();
    std::fs::write(
        lock_path(dir.path()),
        "{\"lock_version\": 1,\n \"templates\": 3}\n",
    )
    .unwrap();
    let output = command(dir.path(), &["check"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("walint: error: walint-templates.lock.json:2:15: not a templates lock: invalid type: integer `3`"),
        "{}",
        stderr(&output)
    );
    let dir = repository();
    std::fs::write(
        dir.path().join("walint.yaml"),
        "templates_lock: meta/lock.json\n",
    )
    .unwrap();
    let output = command(dir.path(), &["check"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "walint: error: walint.yaml names the templates lock `meta/lock.json`, which does not exist; `walint templates pull` writes it\n"
    );
}
