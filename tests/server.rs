//! `walint server` driven as an editor drives it: the real binary, JSON-RPC over its standard
//! input and output. Every wait has a time limit, so a server that stops answering fails the
//! test instead of hanging it.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(20);

/// One line, with an emoji (two UTF-16 units) before the language code WA112 reports.
const TEMPLATE: &str = r#"{"components": [{"type": "BODY", "text": "Your order 😀 has shipped."}], "name": "order_update", "language": "en-US", "category": "UTILITY", "status": "APPROVED"}
"#;

const FLOW: &str = "flow: bot\nentry: hi\nkeywords: {STOP: out, AGENT: human}\nnodes:\n  hi:\n    type: template\n    template: {name: order_update, language: en_US}\n    next: human\n  human: {type: handoff}\n  out: {type: opt_out}\n";

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    fn start(root: &Path) -> Client {
        let binary = std::env::var_os("WALINT_BIN")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| assert_cmd::cargo::cargo_bin("walint"));
        let mut child = Command::new(binary)
            .arg("server")
            .current_dir(root)
            .env("SOURCE_DATE_EPOCH", common::EPOCH)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length: ") {
                        length = value.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let message = serde_json::from_slice(&body).expect("the server writes JSON");
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            next_id: 0,
        };
        let folder = json!([{"uri": file_uri(root), "name": "project"}]);
        let result = client.request(
            "initialize",
            json!({"processId": null, "capabilities": {}, "workspaceFolders": folder}),
        );
        assert_eq!(result["result"]["serverInfo"]["name"], "walint", "{result}");
        assert_eq!(
            result["result"]["capabilities"]["positionEncoding"],
            "utf-16"
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response (notifications that come first are kept
    /// out of the way: they are not what is waited for).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m["id"] == id)
    }

    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(message) if wanted(&message) => return message,
                Ok(_) => {}
                Err(error) => panic!("no answer from walint server within {WAIT:?}: {error}"),
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let message = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// `shutdown`, then `exit`: the server ends with exit code 0.
    fn shut_down(mut self) {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null);
        assert_eq!(self.exit_code(), Some(0));
    }

    fn exit_code(&mut self) -> Option<i32> {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("walint server did not exit within {WAIT:?}");
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or(""))
        .collect()
}

fn project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("walint.yaml"), config).unwrap();
    std::fs::write(dir.path().join("bot.yaml"), FLOW).unwrap();
    std::fs::write(dir.path().join("promo.json"), TEMPLATE).unwrap();
    dir
}

#[test]
fn diagnostics_have_utf16_ranges_a_quick_fix_repairs_them_and_the_server_shuts_down() {
    // The workspace's walint.yaml makes WA112 a warning: the server must apply it.
    let dir = project("rules:\n  WA112: warning\n");
    let root = dir.path().canonicalize().unwrap();
    let mut client = Client::start(&root);
    let uri = file_uri(&root.join("promo.json"));
    client.open(&uri, "json", TEMPLATE);
    let found = client.diagnostics(&uri);
    assert_eq!(codes(&found), ["WA112"], "{found:?}");
    let wa112 = &found[0];
    // `en-US` with its quotes starts at character 108 (0-based); the emoji before it is two
    // UTF-16 units, so the protocol's column is 109.
    assert_eq!(
        wa112["range"],
        json!({"start": {"line": 0, "character": 109}, "end": {"line": 0, "character": 116}})
    );
    assert_eq!(wa112["severity"], 2, "walint.yaml makes it a warning");
    assert_eq!(wa112["source"], "walint");

    let response = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": wa112["range"], "context": {"diagnostics": [wa112]}}),
    );
    let actions = response["result"].as_array().unwrap().clone();
    let fix = actions
        .iter()
        .find(|a| a["kind"] == "quickfix" && a["isPreferred"] == true)
        .unwrap_or_else(|| panic!("no preferred quick fix in {actions:?}"));
    let edits = fix["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{edits:?}");
    // The edit replaces the value inside the quotes.
    assert_eq!(
        edits[0]["range"],
        json!({"start": {"line": 0, "character": 110}, "end": {"line": 0, "character": 115}})
    );
    // The edit applied as an editor applies it: characters of the line, in UTF-16 units.
    let line: Vec<u16> = TEMPLATE.trim_end().encode_utf16().collect();
    let start = edits[0]["range"]["start"]["character"].as_u64().unwrap() as usize;
    let end = edits[0]["range"]["end"]["character"].as_u64().unwrap() as usize;
    let new_text: Vec<u16> = edits[0]["newText"]
        .as_str()
        .unwrap()
        .encode_utf16()
        .collect();
    let fixed_line = [&line[..start], &new_text[..], &line[end..]].concat();
    let fixed = format!("{}\n", String::from_utf16(&fixed_line).unwrap());
    assert!(fixed.contains(r#""language": "en_US""#), "{fixed}");

    // The fixed text, sent as the editor's change, has nothing left to report.
    client.change(&uri, 2, &fixed);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());

    // source.fixAll.walint makes the same change in one edit of the whole text.
    client.change(&uri, 3, TEMPLATE);
    assert_eq!(codes(&client.diagnostics(&uri)), ["WA112"]);
    let response = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri},
               "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let actions = response["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.walint");
    let edit = &actions[0]["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], fixed.as_str());
    client.shut_down();
}

#[test]
fn a_template_renamed_in_the_editor_rechecks_the_open_flow_that_sends_it() {
    let dir = project("rules: {}\n");
    let root = dir.path().canonicalize().unwrap();
    let mut client = Client::start(&root);
    let bot = file_uri(&root.join("bot.yaml"));
    let promo = file_uri(&root.join("promo.json"));
    client.open(&bot, "yaml", FLOW);
    assert_eq!(client.diagnostics(&bot), Vec::<Value>::new());
    // The template is read from disk until it is opened; renamed in the editor, the flow's
    // reference names no template of the workspace (WA211), at the name on line 7.
    client.open(&promo, "json", TEMPLATE);
    assert_eq!(codes(&client.diagnostics(&bot)), Vec::<&str>::new());
    let renamed = TEMPLATE.replace("order_update", "order_update_v2");
    client.change(&promo, 2, &renamed);
    let found = client.diagnostics(&bot);
    assert_eq!(codes(&found), ["WA211"], "{found:?}");
    assert_eq!(found[0]["range"]["start"]["line"], 6);
    // Hover on the finding shows the rule's summary.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": bot}, "position": found[0]["range"]["start"]}),
    );
    let shown = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(shown.starts_with("**WA211**"), "{hover}");
    // A YAML file offers to suppress the finding above its line, the reason left to type.
    let response = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": bot}, "range": found[0]["range"], "context": {"diagnostics": found}}),
    );
    let actions = response["result"].as_array().unwrap();
    let suppress = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap_or("")
                .starts_with("Suppress WA211")
        })
        .unwrap_or_else(|| panic!("no suppression in {actions:?}"));
    let edit = &suppress["edit"]["changes"][&bot][0];
    assert_eq!(edit["range"]["start"], json!({"line": 6, "character": 0}));
    assert_eq!(edit["newText"], "    # walint-ignore WA211: \n");
    // Closed, the template is the disk's again, and the flow is clean.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": promo}}),
    );
    assert_eq!(client.diagnostics(&promo), Vec::<Value>::new());
    assert_eq!(client.diagnostics(&bot), Vec::<Value>::new());
    client.shut_down();
}

#[test]
fn a_config_error_is_shown_on_walint_yaml_and_a_fixed_config_is_read_again_on_save() {
    let dir = project("rulez:\n  WA112: warning\n");
    let root = dir.path().canonicalize().unwrap();
    let mut client = Client::start(&root);
    let config = file_uri(&root.join("walint.yaml"));
    let found = client.diagnostics(&config);
    assert_eq!(found.len(), 1, "{found:?}");
    let message = found[0]["message"].as_str().unwrap();
    assert!(message.contains("rulez"), "{message}");
    assert!(message.contains("did you mean `rules`"), "{message}");
    assert_eq!(
        found[0]["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    // Meanwhile the built-in rules run: WA112 is an error.
    let promo = file_uri(&root.join("promo.json"));
    client.open(&promo, "json", TEMPLATE);
    assert_eq!(client.diagnostics(&promo)[0]["severity"], 1);
    // Fixed and saved: the config applies, its error goes.
    std::fs::write(root.join("walint.yaml"), "rules:\n  WA112: warning\n").unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": config}}),
    );
    assert_eq!(client.diagnostics(&config), Vec::<Value>::new());
    assert_eq!(client.diagnostics(&promo)[0]["severity"], 2);
    client.shut_down();
}

#[test]
fn bad_messages_are_answered_with_errors_and_the_server_goes_on() {
    let dir = project("rules: {}\n");
    let root = dir.path().canonicalize().unwrap();
    let mut client = Client::start(&root);
    // Parameters of the wrong shape, an unknown method, a document walint does not check,
    // a URI that is no file, positions past the end: answered, never a crash.
    client.notify("textDocument/didOpen", json!({"textDocument": 7}));
    let log = client.wait_for(|m| m["method"] == "window/logMessage");
    assert!(
        log["params"]["message"]
            .as_str()
            .unwrap()
            .contains("textDocument/didOpen"),
        "{log}"
    );
    let response = client.request("textDocument/codeAction", json!({"range": "everywhere"}));
    assert_eq!(response["error"]["code"], -32602, "{response}");
    let response = client.request("textDocument/definition", json!({}));
    assert_eq!(response["error"]["code"], -32601, "{response}");
    client.open("untitled:Untitled-1", "yaml", "flow: x\n");
    let notes = file_uri(&root.join("notes.txt"));
    client.open(&notes, "plaintext", "hello\n");
    let promo = file_uri(&root.join("promo.json"));
    client.open(&promo, "json", "{\"name\": ");
    let found = client.diagnostics(&promo);
    assert_eq!(codes(&found), ["WA001"], "{found:?}");
    let response = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": promo}, "position": {"line": 99, "character": 99}}),
    );
    assert!(response.get("error").is_none(), "{response}");
    let response = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": promo},
               "range": {"start": {"line": 40, "character": 0}, "end": {"line": 41, "character": 9}},
               "context": {"diagnostics": []}}),
    );
    assert_eq!(response["result"], json!([]), "{response}");
    client.shut_down();
}

#[test]
fn exit_without_shutdown_ends_the_server_with_exit_code_1() {
    let dir = project("rules: {}\n");
    let root = dir.path().canonicalize().unwrap();
    let mut client = Client::start(&root);
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_code(), Some(1));
}

#[test]
fn a_hostile_content_length_ends_the_server_with_a_message_not_an_allocation() {
    let dir = project("rules: {}\n");
    let binary = std::env::var_os("WALINT_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| assert_cmd::cargo::cargo_bin("walint"));
    let mut child = Command::new(binary)
        .arg("server")
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // 93 TB announced, two bytes sent, and the client stays connected.
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"Content-Length: 99999999999999\r\n\r\n{}")
        .unwrap();
    stdin.flush().unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > WAIT {
            let _ = child.kill();
            panic!("the server still runs {WAIT:?} after a message it cannot take");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(stdin);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "cannot read the client's messages: a message of 99999999999999 bytes is over the 64 MiB walint server reads"
        ),
        "{stderr}"
    );
}
