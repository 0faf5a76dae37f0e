//! Issue 14's closing check, on its own so the resource use measured is this run's alone: a
//! folder holding a FIFO, a `/dev/zero` link, Meta's template list minified to 66 KB on one
//! line and a file with planted secrets is checked in every format in under a second of
//! CPU, under 100 MiB, with the findings each file should give and no secret anywhere.

#![cfg(unix)]

mod common;

use common::{stderr, walint_sh};

#[test]
fn a_hostile_folder_is_checked_fast_small_and_safe() {
    let dir = tempfile::tempdir().unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("x.yaml"))
        .status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("t.json")).unwrap();
    let templates: Vec<String> = (0..480)
        .map(|i| {
            format!(
                r#"{{"name":"spring_sale_{i}","language":"en_US","category":"MARKETING","status":"APPROVED","components":[{{"type":"BODY","text":"Big sale today!"}}]}}"#
            )
        })
        .collect();
    let list = format!("{{\"data\":[{}]}}", templates.join(","));
    assert!(list.len() > 66_000 && !list.contains('\n'));
    std::fs::write(dir.path().join("all.json"), &list).unwrap();
    let token = "EAAGm0PX4ZCpsBAKZBqZAhZCZCZAvWQZDZD1x9yKZBqs8Jd7ZAnZCmBZAwLZBZC5Xk3";
    std::fs::write(
        dir.path().join("hooks.yaml"),
        format!("# old: {token}\nwebhooks:\n  - name: {token}\n    callback_url: http://hooks.example/wa?access_token={token}\n"),
    )
    .unwrap();
    let formats = [
        "concise", "json", "sarif", "junit", "github", "gitlab", "markdown", "html",
    ];
    let mut args = vec!["check".to_string(), "--format".into(), "human".into()];
    for format in formats {
        args.extend(["-o".to_string(), format!("{format}=out.{format}")]);
    }
    args.push(".".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = walint_sh(dir.path(), "exec \"$0\" \"$@\"", &args);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    // SAFETY: getrusage fills the struct it is given; it is zeroed first.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    let cpu = usage.ru_utime.tv_sec as f64
        + usage.ru_utime.tv_usec as f64 / 1e6
        + usage.ru_stime.tv_sec as f64
        + usage.ru_stime.tv_usec as f64 / 1e6;
    let peak_mib = usage.ru_maxrss as f64 / 1024.0;
    // A second for an optimised build (`cargo test --release`); the debug build `cargo test`
    // uses runs several times slower, and gets five.
    let budget = if cfg!(debug_assertions) { 5.0 } else { 1.0 };
    assert!(cpu < budget, "{cpu:.2} s of CPU");
    assert!(peak_mib < 100.0, "{peak_mib:.0} MiB");
    let mut reports = vec![("human".to_string(), output.stdout.clone())];
    for format in formats {
        reports.push((
            format.to_string(),
            std::fs::read(dir.path().join(format!("out.{format}"))).unwrap(),
        ));
    }
    for (format, report) in &reports {
        let text = String::from_utf8_lossy(report);
        assert!(!text.contains(&token[..12]), "{format} shows the token");
    }
    let concise = String::from_utf8_lossy(&reports[1].1);
    for expected in [
        "x.yaml:1:1: error[WA001] not a regular file (a named pipe)",
        "t.json:1:1: error[WA001] not a regular file (a character device)",
        "all.json:1:",
        "hooks.yaml:4:19: error[WA401]",
        "error[WA003]",
    ] {
        assert!(concise.contains(expected), "{expected} missing:\n{concise}");
    }
}
