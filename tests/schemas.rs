//! `walint schema NAME` and the committed schemas/*.json: the same bytes, valid JSON Schemas,
//! and in agreement with walint's own readers on every example and fixture of the repository
//! and every example of the rule catalogue: a file walint reads without a schema problem
//! validates, and one walint reports a schema problem in (WA002, or a config error) does not.

mod common;

use std::path::{Path, PathBuf};

use common::{root, stderr, stdout, walint};
use serde_json::Value;
use walint::catalogue;
use walint::config::{Config, FILE_NAMES};
use walint::diagnostic::Severity;
use walint::model::{self, Kind};
use walint::source::{parse, Format, Tree};

const NAMES: [&str; 5] = ["config", "flow", "webhook", "campaign", "custom-rule"];

fn committed(name: &str) -> String {
    std::fs::read_to_string(root().join("schemas").join(format!("{name}.json"))).unwrap()
}

fn validator(name: &str) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&committed(name)).unwrap();
    jsonschema::draft7::new(&schema).unwrap_or_else(|e| panic!("schemas/{name}.json: {e}"))
}

#[test]
fn the_committed_schemas_are_what_walint_schema_prints() {
    for name in NAMES {
        let output = walint(&["schema", name]);
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
        assert!(
            stdout(&output) == committed(name),
            "schemas/{name}.json differs from `walint schema {name}`: regenerate them with `walint schema --dir schemas`"
        );
    }
    // `--dir` writes the same files, and schemas/ holds no other.
    let dir = tempfile::tempdir().unwrap();
    let output = walint(&["schema", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().count(), NAMES.len());
    let files = |dir: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(files(dir.path()), files(&root().join("schemas")));
    for name in NAMES {
        let written = std::fs::read_to_string(dir.path().join(format!("{name}.json"))).unwrap();
        assert_eq!(written, committed(name), "{name}");
    }
}

#[test]
fn list_names_every_schema_and_an_unknown_name_is_a_usage_error_with_the_names() {
    let list = stdout(&walint(&["schema", "--list"]));
    assert_eq!(list.lines().count(), NAMES.len(), "{list}");
    for name in NAMES {
        assert!(
            list.lines()
                .any(|l| l.starts_with(name) && l.contains(&format!("schemas/{name}.json"))),
            "{list}"
        );
    }
    let unknown = walint(&["schema", "flw"]);
    assert_eq!(unknown.status.code(), Some(2));
    let message = stderr(&unknown);
    assert!(message.contains("invalid value 'flw'"), "{message}");
    assert!(
        message.contains("a similar value exists: 'flow'"),
        "{message}"
    );
    assert!(
        message.contains("[possible values: config, flow, webhook, campaign, custom-rule]"),
        "{message}"
    );
    let none = walint(&["schema"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(stderr(&none).contains("<NAME>"), "{}", stderr(&none));
}

#[test]
fn every_schema_is_a_valid_draft_7_schema() {
    for name in NAMES {
        let schema: Value = serde_json::from_str(&committed(name)).unwrap();
        if let Err(error) = jsonschema::draft7::meta::validate(&schema) {
            panic!("schemas/{name}.json is not a valid draft 7 schema: {error}");
        }
    }
}

/// The schema a document root is of, if it is one of walint's own formats.
fn schema_of(tree: &Tree, root: walint::source::NodeId) -> Option<&'static str> {
    match model::recognise(tree, root)? {
        Kind::Flow => Some("flow"),
        // Meta's `subscribed_apps` override body is Meta's format, not walint's.
        Kind::Webhook if tree.get(root, "webhooks").is_some() => Some("webhook"),
        Kind::Campaign => Some("campaign"),
        _ => None,
    }
}

/// One file of walint's formats: whether walint reads it without a schema problem, and the
/// schema errors of its documents (`schema: /pointer: message`).
struct Verdict {
    walint_ok: bool,
    schema_errors: Vec<String>,
}

fn schema_errors(name: &str, instance: &Value) -> Vec<String> {
    validator(name)
        .iter_errors(instance)
        .map(|e| format!("{name}: {}: {e}", e.instance_path()))
        .collect()
}

/// `file` is the file's name; `path` where it is, for a config whose custom rules are loaded
/// from beside it (a rule example's config has none).
fn judge(file: &str, path: Option<&Path>, text: &str) -> Option<Verdict> {
    let format = Format::from_path(file)?;
    let tree = parse(text, format).ok()?;
    let base = file.rsplit('/').next().unwrap_or(file);
    // A custom rule file (the fixtures keep them in `.walint/rules/`): valid when walint
    // loads its rule.
    if let Some(path) = path.filter(|_| file.contains("/.walint/rules/")) {
        let catalogue = catalogue::builtin().unwrap();
        let walint_ok = walint::custom::load_file(path, file, &catalogue).is_ok();
        let instance = tree
            .documents
            .first()
            .map_or(Value::Null, |&root| walint::custom::json::of(&tree, root));
        return Some(Verdict {
            walint_ok,
            schema_errors: schema_errors("custom-rule", &instance),
        });
    }
    if FILE_NAMES.contains(&base) {
        let catalogue = catalogue::builtin().unwrap();
        let walint_ok = match path {
            Some(path) => {
                let folder = path.parent().unwrap();
                // A problem of a rule file it loads is the rule file's (its own schema's).
                match walint::discover::load_config(Some(path), false, folder, folder, &catalogue) {
                    Ok(_) => true,
                    Err(e) => !e.starts_with(&format!("{base}:")),
                }
            }
            None => Config::parse(text, file, &catalogue).is_ok(),
        };
        let instance = tree
            .documents
            .first()
            .map_or(Value::Null, |&root| walint::custom::json::of(&tree, root));
        let schema_errors = if instance.is_null() {
            Vec::new()
        } else {
            schema_errors("config", &instance)
        };
        return Some(Verdict {
            walint_ok,
            schema_errors,
        });
    }
    let roots: Vec<(walint::source::NodeId, Option<&str>)> = tree
        .documents
        .iter()
        .map(|&root| (root, schema_of(&tree, root)))
        .collect();
    // Files of walint's formats only: another kind's problems (a template's) are not theirs.
    if roots.iter().all(|(_, schema)| schema.is_none())
        || roots
            .iter()
            .any(|&(root, schema)| schema.is_none() && model::recognise(&tree, root).is_some())
    {
        return None;
    }
    let contents = model::read(&tree);
    let walint_ok = tree.duplicate_keys.is_empty()
        && !contents.problems.iter().any(|p| {
            p.rule == model::reader::SCHEMA_VIOLATION
                && p.severity.is_none_or(|s| s == Severity::Error)
        });
    let schema_errors = roots
        .iter()
        .filter_map(|&(root, schema)| Some((root, schema?)))
        .flat_map(|(root, schema)| schema_errors(schema, &walint::custom::json::of(&tree, root)))
        .collect();
    Some(Verdict {
        walint_ok,
        schema_errors,
    })
}

fn shown(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Every example and fixture, and every file of the rule catalogue's examples: (name, where
/// it is, text).
fn every_document() -> Vec<(String, Option<PathBuf>, String)> {
    let mut paths = Vec::new();
    for dir in ["examples", "tests/fixtures"] {
        files_under(&root().join(dir), &mut paths);
    }
    paths.sort();
    let mut out: Vec<(String, Option<PathBuf>, String)> = paths
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            Some((shown(&path), Some(path), text))
        })
        .collect();
    for rule in catalogue::builtin().unwrap().rules() {
        for (index, example) in rule.examples.iter().enumerate() {
            for (name, text) in &example.files {
                out.push((
                    format!("rules/{}.yaml example {} {name}", rule.code, index + 1),
                    None,
                    text.clone(),
                ));
            }
        }
    }
    out
}

#[test]
fn every_example_and_fixture_agrees_with_the_schemas() {
    let mut valid = 0;
    let mut rejected = 0;
    let mut disagreements = Vec::new();
    for (name, path, text) in every_document() {
        let file = name.rsplit(' ').next().unwrap_or(&name);
        let Some(verdict) = judge(file, path.as_deref(), &text) else {
            continue;
        };
        match (verdict.walint_ok, verdict.schema_errors.is_empty()) {
            (true, true) => valid += 1,
            (false, false) => rejected += 1,
            (true, false) => disagreements.push(format!(
                "{name}: walint reads it, the schema rejects it:\n    {}",
                verdict.schema_errors.join("\n    ")
            )),
            (false, true) => disagreements.push(format!(
                "{name}: walint reports a schema problem, the schema accepts it"
            )),
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    eprintln!("{valid} documents valid, {rejected} rejected by both walint and the schemas");
    assert!(
        valid >= 30 && rejected >= 10,
        "{valid} valid, {rejected} rejected"
    );
}

/// The documents made to fail (tests/fixtures/schemas/invalid), each saying on its first line
/// where it is wrong: walint reports a problem and the schema rejects the value there.
#[test]
fn each_document_made_to_fail_is_rejected_where_it_is_wrong() {
    let mut paths = Vec::new();
    files_under(&root().join("tests/fixtures/schemas/invalid"), &mut paths);
    paths.sort();
    assert!(paths.len() >= 7, "{paths:?}");
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = shown(&path);
        let pointer = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# rejected at:"))
            .unwrap_or_else(|| panic!("{name} does not start with `# rejected at: POINTER`"))
            .trim();
        let verdict = judge(&name, Some(&path), &text).unwrap();
        assert!(
            !verdict.walint_ok,
            "{name}: walint reads it without a problem"
        );
        assert!(
            verdict
                .schema_errors
                .iter()
                .any(|e| e.split(": ").nth(1) == Some(pointer)),
            "{name}: no schema error at `{pointer}`: {:#?}",
            verdict.schema_errors
        );
    }
}

/// Every property name a schema defines, at any depth (the rule codes and names under
/// `rules:` aside: the catalogue test covers them).
fn property_names(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                if key == "properties" {
                    if let Value::Object(properties) = value {
                        out.extend(properties.keys().cloned());
                    }
                }
                if key == "definitions" {
                    if let Value::Object(definitions) = value {
                        for (name, definition) in definitions {
                            if name == "node" || name == "flow" || name == "custom_rule" {
                                property_names(definition, out);
                            }
                        }
                    }
                    continue;
                }
                property_names(value, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| property_names(i, out)),
        _ => {}
    }
}

fn keys_used(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                out.push(key.clone());
                keys_used(value, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| keys_used(i, out)),
        _ => {}
    }
}

/// The documents that use every key (tests/fixtures/schemas/full) are read by walint without
/// a problem and valid, and use every property each schema defines: so a schema names no key
/// walint's reader does not take.
#[test]
fn every_key_of_a_schema_is_one_walint_reads() {
    let full = root().join("tests/fixtures/schemas/full");
    for (name, file) in [
        ("config", "config/walint.yaml"),
        ("flow", "flow.yaml"),
        ("webhook", "webhook.yaml"),
        ("campaign", "campaign.yaml"),
    ] {
        let path = full.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let verdict = judge(file, Some(&path), &text).unwrap();
        assert!(verdict.walint_ok, "{file}: walint reports a problem");
        assert!(
            verdict.schema_errors.is_empty(),
            "{:#?}",
            verdict.schema_errors
        );
        let tree = parse(&text, Format::Yaml).unwrap();
        let mut used = Vec::new();
        keys_used(
            &walint::custom::json::of(&tree, tree.documents[0]),
            &mut used,
        );
        let schema: Value = serde_json::from_str(&committed(name)).unwrap();
        let mut defined = Vec::new();
        property_names(&schema, &mut defined);
        defined.sort();
        defined.dedup();
        let unused: Vec<&String> = defined.iter().filter(|k| !used.contains(k)).collect();
        assert!(
            unused.is_empty(),
            "{file} uses none of {unused:?} of schemas/{name}.json"
        );
    }
}

/// The code block of README.md after `<!-- ci: NAME -->`.
fn readme_snippet(name: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let marker = format!("<!-- ci: {name} -->\n");
    let after = &readme[readme.find(&marker).unwrap() + marker.len()..];
    let body = &after[after.find('\n').unwrap() + 1..];
    body[..body.find("\n```").unwrap()].to_string()
}

/// The README's editor snippets name the schemas `walint init` writes, and its flow is one
/// walint and the flow schema both accept (.ci/integrations runs them in yaml-language-server).
#[test]
fn the_readme_snippets_name_the_schemas_walint_init_writes() {
    let settings: Value = serde_json::from_str(&readme_snippet("vscode-yaml-schemas")).unwrap();
    let mapped: Vec<&String> = settings["yaml.schemas"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    let expected: Vec<String> = NAMES
        .iter()
        .map(|n| format!(".walint/schemas/{n}.json"))
        .collect();
    let mut sorted_mapped: Vec<&str> = mapped.iter().map(|s| s.as_str()).collect();
    sorted_mapped.sort_unstable();
    let mut sorted_expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    sorted_expected.sort_unstable();
    assert_eq!(sorted_mapped, sorted_expected);
    let flow = readme_snippet("yaml-modeline");
    assert!(flow
        .lines()
        .any(|l| l == "# yaml-language-server: $schema=../../.walint/schemas/flow.json"));
    let verdict = judge("support_bot.yaml", None, &flow).unwrap();
    assert!(
        verdict.walint_ok && verdict.schema_errors.is_empty(),
        "{:?}",
        verdict.schema_errors
    );
}

/// Every custom rule file of the fixtures (the seven worked rules of docs/custom-rules.md among
/// them) validates against schemas/custom-rule.json, and the bad one is rejected by both at its
/// misspelt function.
#[test]
fn the_fixture_rule_files_agree_with_the_custom_rule_schema() {
    let mut paths = Vec::new();
    files_under(&root().join("tests/fixtures"), &mut paths);
    paths.sort();
    let mut valid = Vec::new();
    for path in paths
        .iter()
        .filter(|p| shown(p).contains("/.walint/rules/"))
    {
        let name = shown(path);
        let text = std::fs::read_to_string(path).unwrap();
        let verdict = judge(&name, Some(path), &text).unwrap();
        if name.ends_with("custom/test/bad/.walint/rules/webhook-hosts.yaml") {
            assert!(!verdict.walint_ok, "{name}");
            assert!(
                verdict
                    .schema_errors
                    .iter()
                    .any(|e| e.starts_with("custom-rule: /match/then: ") && e.contains("patern")),
                "{name}: {:?}",
                verdict.schema_errors
            );
        } else {
            assert!(verdict.walint_ok, "{name}");
            assert_eq!(verdict.schema_errors, Vec::<String>::new(), "{name}");
            valid.push(name);
        }
    }
    assert!(valid.len() >= 10, "{valid:?}");
    assert!(
        valid
            .iter()
            .any(|n| n.ends_with("worked/.walint/rules/templates-per-category.yaml")),
        "{valid:?}"
    );
}
