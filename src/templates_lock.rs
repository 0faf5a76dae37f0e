//! The templates lock: what Meta said of each template of a WhatsApp Business Account, as
//! `walint templates pull` fetched it, kept in the repository so `walint check` stays offline.
//!
//! The file is JSON, pretty-printed with sorted keys and templates sorted by name, language
//! and id, so the same answer from Meta gives the same bytes and a pull request shows what
//! changed. It holds no secret: no token, no URL with one. Read back, an entry needs only
//! `name`, `language` and `status` (a hand-written lock in a test or an example).

pub mod drift;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::catalogue::RuleId;
use crate::date::parse_rfc3339;

/// The rules that have nothing to check without a lock (WA101 reads the repository's
/// `status` fields then).
pub const LOCK_RULES: [RuleId; 3] = [RuleId::WA117, RuleId::WA118, RuleId::WA119];

/// The lock's file name beside walint.yaml unless `templates_lock:` says otherwise.
pub const DEFAULT_FILE: &str = "walint-templates.lock.json";

/// The format this walint writes and reads.
pub const LOCK_VERSION: u32 = 1;

/// The largest lock walint reads (a lock of thousands of templates is a few MiB).
const MAX_LOCK_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplatesLock {
    pub lock_version: u32,
    pub waba_id: String,
    pub graph_api_version: String,
    /// RFC 3339, UTC: when the pull ran (`SOURCE_DATE_EPOCH` when set).
    pub fetched_at: String,
    pub templates: Vec<LockedTemplate>,
}

/// One template as Meta reported it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedTemplate {
    pub name: String,
    pub language: String,
    pub id: Option<String>,
    /// Meta's review status, upper case (`APPROVED`, `PAUSED`, `REJECTED`, ...).
    pub status: String,
    pub category: Option<String>,
    pub previous_category: Option<String>,
    /// `quality_score.score`: `GREEN`, `YELLOW`, `RED` or `UNKNOWN`.
    pub quality: Option<String>,
    /// Why Meta rejected it; `null` for Meta's `NONE`.
    pub rejected_reason: Option<String>,
    pub parameter_format: Option<String>,
    /// SHA-256 of the components as compact JSON with sorted keys: what Meta reviewed.
    #[serde(default)]
    pub components_sha256: String,
    /// The components as Meta holds them, keys sorted.
    #[serde(default = "no_components")]
    pub components: Value,
}

fn no_components() -> Value {
    Value::Array(Vec::new())
}

impl LockedTemplate {
    /// One entry of the API's `data` list; `index` (from 1) names it in errors.
    pub fn from_api(item: &Value, index: usize) -> Result<LockedTemplate, String> {
        let text = |key: &str| item.get(key).and_then(scalar_text);
        let upper = |key: &str| text(key).map(|t| t.to_ascii_uppercase());
        let required = |key: &str| {
            text(key).ok_or_else(|| format!("template {index} of Meta's answer has no `{key}`"))
        };
        let components = canonical(item.get("components").unwrap_or(&Value::Array(Vec::new())));
        let quality = match item.get("quality_score") {
            Some(Value::Object(score)) => score.get("score").and_then(scalar_text),
            Some(other) => scalar_text(other),
            None => None,
        };
        Ok(LockedTemplate {
            name: required("name")?,
            language: required("language")?,
            id: text("id"),
            status: required("status")?.to_ascii_uppercase(),
            category: upper("category"),
            previous_category: upper("previous_category"),
            quality: quality.map(|q| q.to_ascii_uppercase()),
            rejected_reason: upper("rejected_reason").filter(|r| r != "NONE"),
            parameter_format: upper("parameter_format"),
            components_sha256: components_sha256(&components),
            components,
        })
    }

    fn key(&self) -> (&str, &str, &str) {
        (&self.name, &self.language, self.id.as_deref().unwrap_or(""))
    }
}

/// A string, or a number Meta sent as one (ids).
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `value` with every object's keys in sorted order, so equal content gives equal bytes.
pub fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut sorted = Map::new();
            for key in keys {
                sorted.insert(key.clone(), canonical(&map[key]));
            }
            Value::Object(sorted)
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// SHA-256 (hex) of canonical components as compact JSON.
pub fn components_sha256(components: &Value) -> String {
    let text = serde_json::to_string(&canonical(components)).unwrap_or_default();
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

impl TemplatesLock {
    /// A lock from the API's templates, sorted; the same template twice (pages that overlap)
    /// is kept once.
    pub fn from_api(
        waba_id: &str,
        graph_api_version: &str,
        fetched_at: String,
        items: &[Value],
    ) -> Result<TemplatesLock, String> {
        let mut templates = items
            .iter()
            .enumerate()
            .map(|(i, item)| LockedTemplate::from_api(item, i + 1))
            .collect::<Result<Vec<_>, _>>()?;
        templates.sort_by(|a, b| a.key().cmp(&b.key()));
        templates.dedup();
        Ok(TemplatesLock {
            lock_version: LOCK_VERSION,
            waba_id: waba_id.to_string(),
            graph_api_version: graph_api_version.to_string(),
            fetched_at,
            templates,
        })
    }

    /// The lock as written: pretty JSON and a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a lock's text; `shown` names the file in errors.
    pub fn parse(text: &str, shown: &str) -> Result<TemplatesLock, String> {
        let lock: TemplatesLock = serde_json::from_str(crate::source::strip_bom(text))
            .map_err(|e| {
                let what = one_sentence(&e.to_string());
                if e.line() == 0 {
                    format!("{shown}: not a templates lock: {what}")
                } else {
                    format!(
                        "{shown}:{}:{}: not a templates lock: {what}; `walint templates pull` writes a new one",
                        e.line(),
                        e.column()
                    )
                }
            })?;
        if parse_rfc3339(&lock.fetched_at).is_none() {
            return Err(format!(
                "{shown}: `fetched_at` is `{}`, not a time like 2026-01-01T06:00:00Z",
                lock.fetched_at
            ));
        }
        let mut lock = lock;
        // Sorted as `pull` writes it, so lookups are binary searches whoever wrote the file.
        lock.templates.sort_by(|a, b| a.key().cmp(&b.key()));
        if lock.lock_version != LOCK_VERSION {
            return Err(format!(
                "{shown}: lock_version {} is not {LOCK_VERSION}, the version this walint reads; run `walint templates pull` with this walint",
                lock.lock_version
            ));
        }
        Ok(lock)
    }

    /// Reads the lock at `path`; `Ok(None)` when there is none.
    pub fn read(path: &Path, shown: &str) -> Result<Option<TemplatesLock>, String> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {shown}: {e}")),
            Ok(meta) if !meta.is_file() => return Err(format!("{shown} is not a file")),
            Ok(meta) if meta.len() > MAX_LOCK_BYTES => {
                return Err(format!(
                    "{shown} is {} MiB; walint reads templates locks up to {} MiB",
                    meta.len() / 1_048_576,
                    MAX_LOCK_BYTES / 1_048_576
                ))
            }
            Ok(_) => {}
        }
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
        TemplatesLock::parse(&text, shown).map(Some)
    }

    /// Writes the lock through a file beside it, renamed into place: a reader never sees
    /// half a lock.
    pub fn write(&self, path: &Path) -> Result<(), String> {
        let shown = path.display();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| DEFAULT_FILE.to_string());
        let partial: PathBuf = path.with_file_name(format!(".{name}.partial"));
        std::fs::write(&partial, self.to_json())
            .map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
        std::fs::rename(&partial, path).map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            format!("cannot write {shown}: {e}")
        })
    }

    /// `fetched_at` in seconds since 1970 (a parsed lock always has one).
    pub fn fetched_at_seconds(&self) -> i64 {
        parse_rfc3339(&self.fetched_at).unwrap_or(0)
    }

    /// The entry for one template, when Meta has it.
    pub fn find(&self, name: &str, language: &str) -> Option<&LockedTemplate> {
        let at = self
            .templates
            .partition_point(|t| (t.name.as_str(), t.language.as_str()) < (name, language));
        self.templates
            .get(at)
            .filter(|t| t.name == name && t.language == language)
    }

    /// What changed from `self` to `newer`, one line each; empty when only `fetched_at`
    /// differs.
    pub fn changes(&self, newer: &TemplatesLock) -> Vec<String> {
        let mut lines = Vec::new();
        if self.waba_id != newer.waba_id {
            lines.push(format!(
                "WhatsApp Business Account {} → {}",
                self.waba_id, newer.waba_id
            ));
        }
        if self.graph_api_version != newer.graph_api_version {
            lines.push(format!(
                "Graph API version {} → {}",
                self.graph_api_version, newer.graph_api_version
            ));
        }
        let label = |t: &LockedTemplate| format!("{} ({})", t.name, t.language);
        for old in &self.templates {
            if newer.find(&old.name, &old.language).is_none() {
                lines.push(format!(
                    "{}: gone from Meta (was {})",
                    label(old),
                    old.status
                ));
            }
        }
        for new in &newer.templates {
            let Some(old) = self.find(&new.name, &new.language) else {
                lines.push(format!("{}: new, {}", label(new), new.status));
                continue;
            };
            let mut what = String::new();
            let mut field = |name: &str, a: Option<&str>, b: Option<&str>| {
                if a != b {
                    let _ = write!(
                        what,
                        "{}{name} {} → {}",
                        if what.is_empty() { "" } else { ", " },
                        a.unwrap_or("none"),
                        b.unwrap_or("none")
                    );
                }
            };
            field("status", Some(&old.status), Some(&new.status));
            field("quality", old.quality.as_deref(), new.quality.as_deref());
            field("category", old.category.as_deref(), new.category.as_deref());
            field(
                "rejected reason",
                old.rejected_reason.as_deref(),
                new.rejected_reason.as_deref(),
            );
            field("id", old.id.as_deref(), new.id.as_deref());
            field(
                "parameter format",
                old.parameter_format.as_deref(),
                new.parameter_format.as_deref(),
            );
            if old.components_sha256 != new.components_sha256 {
                what.push_str(if what.is_empty() { "" } else { ", " });
                what.push_str("components changed");
            }
            if old.previous_category != new.previous_category && what.is_empty() {
                what.push_str("previous category changed");
            }
            if !what.is_empty() {
                lines.push(format!("{}: {what}", label(new)));
            }
        }
        lines
    }
}

/// A serde message without its trailing position (reported separately).
fn one_sentence(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn api_template(name: &str, language: &str, status: &str) -> Value {
        json!({
            "name": name, "language": language, "status": status, "category": "UTILITY",
            "id": "1667192013751005", "rejected_reason": "NONE",
            "quality_score": {"score": "GREEN", "date": 1758412800},
            "components": [{"type": "BODY", "text": "Hi {{1}}", "example": {"body_text": [["Maria"]]}}]
        })
    }

    #[test]
    fn a_lock_is_sorted_and_the_same_bytes_for_the_same_answer() {
        let items = [
            api_template("order_shipped", "pt_BR", "APPROVED"),
            api_template("order_shipped", "en_US", "PAUSED"),
            api_template("account_alert", "en_US", "approved"),
        ];
        let lock =
            TemplatesLock::from_api("1", "v23.0", "2026-01-01T00:00:00Z".into(), &items).unwrap();
        let order: Vec<(&str, &str)> = lock
            .templates
            .iter()
            .map(|t| (t.name.as_str(), t.language.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                ("account_alert", "en_US"),
                ("order_shipped", "en_US"),
                ("order_shipped", "pt_BR")
            ]
        );
        let first = &lock.templates[0];
        assert_eq!(first.status, "APPROVED");
        assert_eq!(first.quality.as_deref(), Some("GREEN"));
        assert_eq!(first.rejected_reason, None);
        let mut reversed = items.clone();
        reversed.reverse();
        let again = TemplatesLock::from_api("1", "v23.0", "2026-01-01T00:00:00Z".into(), &reversed)
            .unwrap();
        assert_eq!(lock.to_json(), again.to_json());
        assert_eq!(TemplatesLock::parse(&lock.to_json(), "lock").unwrap(), lock);
    }

    #[test]
    fn a_fetch_time_walint_cannot_read_back_is_refused() {
        let mut lock = TemplatesLock::from_api("1", "v23.0", "soon".into(), &[]).unwrap();
        assert!(TemplatesLock::parse(&lock.to_json(), "l.json")
            .unwrap_err()
            .contains("`fetched_at` is `soon`"));
        lock.fetched_at = "2026-01-01T06:00:00Z".into();
        assert_eq!(
            TemplatesLock::parse(&lock.to_json(), "l.json")
                .unwrap()
                .fetched_at_seconds(),
            1_767_247_200
        );
    }

    #[test]
    fn a_hand_written_lock_in_any_order_is_found_by_name_and_language() {
        let text = r#"{"lock_version": 1, "waba_id": "1", "graph_api_version": "v23.0",
            "fetched_at": "2026-01-01T00:00:00Z", "templates": [
              {"name": "b", "language": "en", "status": "PAUSED"},
              {"name": "a", "language": "pt_BR", "status": "APPROVED"},
              {"name": "a", "language": "en", "status": "REJECTED"}]}"#;
        let lock = TemplatesLock::parse(text, "l.json").unwrap();
        let status = |n: &str, l: &str| lock.find(n, l).map(|t| t.status.as_str());
        assert_eq!(status("a", "en"), Some("REJECTED"));
        assert_eq!(status("a", "pt_BR"), Some("APPROVED"));
        assert_eq!(status("b", "en"), Some("PAUSED"));
        assert_eq!(status("b", "pt_BR"), None);
        assert_eq!(status("c", "en"), None);
        assert_eq!(lock.templates[0].components, Value::Array(Vec::new()));
    }

    #[test]
    fn the_components_hash_ignores_key_order_only() {
        let a = json!([{"type": "BODY", "text": "Hi"}]);
        let b = json!([{"text": "Hi", "type": "BODY"}]);
        let c = json!([{"type": "BODY", "text": "Hi!"}]);
        assert_eq!(components_sha256(&a), components_sha256(&b));
        assert_ne!(components_sha256(&a), components_sha256(&c));
    }

    #[test]
    fn a_template_without_name_language_or_status_is_an_error() {
        let error =
            LockedTemplate::from_api(&json!({"name": "a", "language": "en"}), 3).unwrap_err();
        assert_eq!(error, "template 3 of Meta's answer has no `status`");
    }

    #[test]
    fn changes_name_what_moved() {
        let old = TemplatesLock::from_api(
            "1",
            "v23.0",
            "2026-01-01T00:00:00Z".into(),
            &[
                api_template("a", "en", "APPROVED"),
                api_template("b", "en", "APPROVED"),
            ],
        )
        .unwrap();
        let mut paused = api_template("a", "en", "PAUSED");
        paused["quality_score"] = json!({"score": "RED"});
        let new = TemplatesLock::from_api(
            "1",
            "v23.0",
            "2026-02-01T00:00:00Z".into(),
            &[paused, api_template("c", "en", "PENDING")],
        )
        .unwrap();
        assert_eq!(
            old.changes(&new),
            [
                "b (en): gone from Meta (was APPROVED)",
                "a (en): status APPROVED → PAUSED, quality GREEN → RED",
                "c (en): new, PENDING",
            ]
        );
        let mut later = old.clone();
        later.fetched_at = "2027-01-01T00:00:00Z".into();
        assert!(old.changes(&later).is_empty());
    }

    #[test]
    fn a_broken_or_foreign_lock_is_an_error_with_its_place() {
        let error =
            TemplatesLock::parse("{\"lock_version\": 1,\n \"extra\": 2}", "l.json").unwrap_err();
        assert!(error.starts_with("l.json:2:"), "{error}");
        assert!(error.contains("unknown field `extra`"), "{error}");
        let mut lock =
            TemplatesLock::from_api("1", "v1.0", "2026-01-01T00:00:00Z".into(), &[]).unwrap();
        lock.lock_version = 2;
        let error = TemplatesLock::parse(&lock.to_json(), "l.json").unwrap_err();
        assert!(error.contains("lock_version 2"), "{error}");
    }
}
