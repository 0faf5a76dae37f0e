//! SARIF 2.1.0 for code-scanning services (GitHub, Azure DevOps, Sonar, ...).
//!
//! Regions count columns in UTF-16 code units, SARIF's default `columnKind`; `endColumn` is
//! the column after the last character. Suppressed findings are results with `suppressions`
//! (kind `inSource` for a walint-ignore comment, `external` for a config override) and their
//! reason as `justification`. Only rules that have results are listed in `tool.driver.rules`,
//! each with its documentation as `help` and, for GitHub code scanning, `tags` (its category,
//! `security` for a rule with a `security_severity`, its controls) and `security-severity`.
//!
//! Relative artifact URIs are relative to `%SRCROOT%`, the folder walint ran in (the
//! repository's root in CI, which is where code scanning resolves them). `originalUriBaseIds`
//! describes it without its absolute path, as SARIF allows, so that the log is the same on
//! every machine.
//!
//! A region's `snippet` is its text, given only when it is short (see [`excerpt`]); its
//! `contextRegion` is the lines around it, pulled in to `CONTEXT_CHARS` characters
//! either side of it on a long line, so a minified file's findings do not each copy its line.

use std::collections::BTreeMap;
use std::io;

use serde::Serialize;

use super::excerpt::excerpt;
use super::guard::{write_json, FileSeq, LazySeq};
use super::{RenderFailure, ReportInput};
use crate::catalogue::{source_parts, Catalogue, RuleDoc, DOCS_URL};
use crate::diagnostic::{Diagnostic, FileId, Severity};
use crate::source::Span;
use crate::workspace::SourceFile;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const FINGERPRINT_KEY: &str = "walint/v1";
/// The URI base id of every relative artifact URI, the one GitHub's examples use.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log<'a, A, R> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a, A, R>; 1],
}

/// The artifacts and results are serialised as they are made ([`LazySeq`], [`FileSeq`]):
/// the log is written without being held whole.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a, A, R> {
    tool: Tool<'a>,
    invocations: Vec<Invocation>,
    original_uri_base_ids: BTreeMap<&'static str, BaseId>,
    artifacts: A,
    results: R,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    /// The package's `repository`, when it has one (walint has no public home yet).
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text,
    full_description: Text,
    help: Help,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    category: &'a str,
    tags: Vec<&'a str>,
    /// GitHub's score of a security rule, a string as GitHub reads it (`"7.5"`).
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<String>,
}

/// An entry of `originalUriBaseIds`: what the base is, without its absolute URI.
#[derive(Serialize)]
struct BaseId {
    description: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
}

#[derive(Serialize)]
struct Artifact {
    location: ArtifactLocation,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    hashes: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    /// `%SRCROOT%` for a relative URI; an absolute one (`file://`) stands alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
    index: usize,
}

impl ArtifactLocation {
    fn of(path: &str, index: usize) -> ArtifactLocation {
        let uri = uri(path);
        let relative = !uri.is_empty() && !uri.starts_with("file://");
        ArtifactLocation {
            uri_base_id: relative.then_some(SRCROOT),
            uri,
            index,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
    #[serde(skip_serializing_if = "Option::is_none")]
    context_region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text>,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The bytes a shown path stands for: its `\xNN` escapes (see `discover::path_text`) turned
/// back into the bytes of the file's real name.
fn name_bytes(path: &str) -> Vec<u8> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes
            .get(i..i + 4)
            .filter(|e| e.starts_with(b"\\x"))
            .and_then(|e| std::str::from_utf8(&e[2..]).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 4;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

/// A path as a URI reference: relative paths stay relative (to the working directory, which
/// is the repository root in CI), absolute ones become `file://` URIs. Percent-encoded from
/// the bytes of the real name, which need not be UTF-8.
pub(super) fn uri(path: &str) -> String {
    let mut out = String::new();
    for byte in name_bytes(path) {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    if path.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}

/// SARIF messages are sentences: they end with a period.
fn sentence(message: &str) -> String {
    if message.ends_with(['.', '!', '?']) {
        message.to_string()
    } else {
        format!("{message}.")
    }
}

/// The region of `span`, with `snippet` as its text.
fn region(file: &SourceFile, span: Span, snippet: Option<&str>) -> Region {
    let start = file.lines.position(&file.text, span.start);
    let end = file.lines.position(&file.text, span.end);
    Region {
        start_line: start.line,
        start_column: file.lines.utf16_column(&file.text, span.start),
        end_line: end.line,
        end_column: file.lines.utf16_column(&file.text, span.end),
        snippet: snippet.map(|text| Text {
            text: text.to_string(),
        }),
    }
}

/// The region and its context: the line before and the line after, cut as
/// [`excerpt`] cuts them. A region too long to show whole has neither snippet nor context
/// (a context holds its region).
fn regions(
    file: Option<&SourceFile>,
    span: Span,
    lines: (usize, usize),
) -> (Region, Option<Region>) {
    let Some(file) = file.filter(|f| !f.text.is_empty()) else {
        let region = Region {
            start_line: lines.0.max(1),
            start_column: 1,
            end_line: lines.1.max(lines.0).max(1),
            end_column: 1,
            snippet: None,
        };
        return (region, None);
    };
    // Secrets are masked in the text already (see `crate::redact`).
    let shown = file.text.as_str();
    let cut = excerpt(shown, &file.lines, span, 1);
    let text = |s: Span| shown.get(s.start..s.end);
    if !cut.complete {
        return (region(file, span, None), None);
    }
    let mut span_lines = cut.span_lines();
    let (Some(first), Some(last)) = (span_lines.next(), cut.span_lines().last()) else {
        return (region(file, span, None), None);
    };
    // A context is one range: it takes the line before only when that line is shown whole
    // to its end, and the line after up to where it is cut.
    let before = cut.lines.iter().find(|l| l.number + 1 == first.number);
    let start = match before {
        Some(line) if !first.cut_before && !line.cut_after => line.start(),
        _ => first.start(),
    };
    let after = cut.lines.iter().find(|l| l.number == last.number + 1);
    let end = match after {
        Some(line) if !last.cut_after => line.end(),
        _ => last.end(),
    };
    let context = Span::new(start, end);
    (
        region(file, span, text(span)),
        Some(region(file, context, text(context))),
    )
}

/// The catalogue's texts are wrapped at 100 columns; plain-text viewers should wrap them
/// themselves, so single line breaks become spaces (paragraph breaks stay).
fn unwrap_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|paragraph| {
            paragraph
                .split('\n')
                .map(str::trim_end)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A rule's documentation as `help`: its summary, rationale and fix, what `--fix` does, its
/// options, controls and sources, as `walint explain` gives them (without the examples,
/// which `explain` shows). The plain text for viewers that wrap it themselves, Markdown for
/// GitHub.
fn help(doc: &RuleDoc, catalogue: &Catalogue) -> Help {
    let mut text = format!(
        "{}\n\n{}\n\nHow to fix: {}\n\n{}.",
        doc.summary,
        unwrap_lines(&doc.rationale),
        unwrap_lines(&doc.fix),
        doc.autofix_text()
    );
    let mut markdown = format!(
        "**{}**\n\n{}\n\n**How to fix**\n\n{}\n\n{}.",
        doc.summary,
        doc.rationale,
        doc.fix,
        doc.autofix_text()
    );
    if !doc.options.is_empty() {
        text.push_str("\n\nOptions (walint.yaml `rules:`):");
        markdown.push_str("\n\n**Options** (walint.yaml `rules:`)\n");
        for option in &doc.options {
            let line = format!(
                "{}, default {}. {}",
                option.expected(),
                option.default,
                option.description
            );
            text.push_str(&format!("\n- {}: {line}", option.name));
            markdown.push_str(&format!("\n- `{}`: {line}", option.name));
        }
    }
    if !doc.controls.is_empty() {
        text.push_str("\n\nControls:");
        markdown.push_str("\n\n**Controls**\n");
        for id in &doc.controls {
            let title = catalogue.control_title(id);
            text.push_str(&format!("\n- {id}: {title}"));
            markdown.push_str(&format!("\n- `{id}`: {title}"));
        }
    }
    if !doc.sources.is_empty() {
        text.push_str("\n\nSources:");
        markdown.push_str("\n\n**Sources**\n");
        for source in &doc.sources {
            text.push_str(&format!("\n- {source}"));
            let (url, note) = source_parts(source);
            markdown.push_str(&format!("\n- <{url}>"));
            if !note.is_empty() {
                markdown.push_str(&format!(" {note}"));
            }
        }
    }
    let explain = format!(
        "`walint explain {}` shows the rule with its examples.",
        doc.code
    );
    text.push_str(&format!("\n\n{explain}"));
    markdown.push_str(&format!("\n\n{explain}"));
    Help { text, markdown }
}

fn rule<'a>(doc: &'a RuleDoc, catalogue: &Catalogue) -> Rule<'a> {
    let security = doc.security_severity.is_some().then_some("security");
    Rule {
        id: &doc.code,
        name: &doc.name,
        short_description: Text {
            text: doc.summary.clone(),
        },
        full_description: Text {
            text: unwrap_lines(&doc.rationale),
        },
        help: help(doc, catalogue),
        help_uri: doc.documentation(DOCS_URL),
        default_configuration: Configuration {
            level: level(doc.severity),
        },
        properties: RuleProperties {
            category: &doc.category,
            tags: std::iter::once(doc.category.as_str())
                .chain(security)
                .chain(doc.controls.iter().map(String::as_str))
                .collect(),
            security_severity: doc.security_severity.map(|score| format!("{score:.1}")),
        },
    }
}

pub fn write<'a>(
    input: &ReportInput<'a>,
    failures: &mut Vec<RenderFailure>,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    // Artifacts: every file checked, then each config file a finding points into.
    let mut sources: Vec<&SourceFile> = input.files.iter().collect();
    sources.extend(input.config_files_used());
    let artifacts = LazySeq::new(sources.iter().enumerate().map(|(index, file)| Artifact {
        location: ArtifactLocation::of(&file.path, index),
        hashes: if file.sha256.is_empty() {
            BTreeMap::new()
        } else {
            BTreeMap::from([("sha-256", file.sha256.clone())])
        },
    }));
    // A result's artifact, as the artifact itself lists it.
    let location_of = |id: FileId| -> ArtifactLocation {
        let index = input.position(id);
        match sources.get(index) {
            Some(file) => ArtifactLocation::of(&file.path, index),
            None => ArtifactLocation {
                uri: String::new(),
                uri_base_id: None,
                index,
            },
        }
    };

    let mut codes: Vec<&str> = input.diagnostics.iter().map(|d| &*d.code).collect();
    codes.sort_unstable();
    codes.dedup();
    let docs: Vec<&RuleDoc> = codes
        .iter()
        .filter_map(|code| input.catalogue.find(code))
        .collect();
    let rule_index = |code: &str| docs.iter().position(|d| &*d.code == code).unwrap_or(0);

    let result = |d: &'a Diagnostic| {
        let file = input.source(d.file_id);
        let related_locations = d
            .related
            .iter()
            .enumerate()
            .map(|(id, r)| Location {
                id: Some(id + 1),
                physical_location: {
                    let (region, context_region) =
                        regions(input.source(r.file_id), r.span, (r.line, r.end_line));
                    PhysicalLocation {
                        artifact_location: location_of(r.file_id),
                        region,
                        context_region,
                    }
                },
                message: Some(Text {
                    text: sentence(&r.message),
                }),
            })
            .collect();
        SarifResult {
            rule_id: &d.code,
            rule_index: rule_index(&d.code),
            level: level(d.severity),
            message: Text {
                text: sentence(&d.message),
            },
            locations: vec![Location {
                id: None,
                physical_location: {
                    let (region, context_region) =
                        regions(file, d.span, (d.start.line, d.end.line));
                    PhysicalLocation {
                        artifact_location: location_of(d.file_id),
                        region,
                        context_region,
                    }
                },
                message: None,
            }],
            partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, d.fingerprint.as_str())]),
            related_locations,
            suppressions: d
                .suppressed
                .iter()
                .map(|s| Suppression {
                    kind: s.kind.as_str(),
                    status: "accepted",
                    justification: s.reason.clone(),
                })
                .collect(),
        }
    };
    let results = FileSeq::new(
        input.diagnostics.iter(),
        |diagnostics: &[&'a Diagnostic]| diagnostics.iter().map(|d| result(d)).collect(),
        failures,
    );

    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "walint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: Some(env!("CARGO_PKG_REPOSITORY")).filter(|u| !u.is_empty()),
                    rules: docs.iter().map(|doc| rule(doc, input.catalogue)).collect(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: true,
            }],
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                BaseId {
                    description: Text {
                        text: "The folder walint was run in (in CI, the repository's root), \
                               which relative artifact URIs start from. Its absolute path is \
                               left out, so that the log is the same on every machine."
                            .to_string(),
                    },
                },
            )]),
            artifacts,
            results,
            column_kind: "utf16CodeUnits",
        }],
    };
    write_json(out, &log)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::RuleId;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("flows/support bot.yaml"), "flows/support%20bot.yaml");
        assert_eq!(uri("/tmp/x#1.json"), "file:///tmp/x%231.json");
        assert_eq!(uri("templates/crème.json"), "templates/cr%C3%A8me.json");
        // A name that is not UTF-8, as `discover::path_text` writes it: the real bytes.
        assert_eq!(uri("caf\\xe9.yaml"), "caf%E9.yaml");
        assert_eq!(uri("a\\x5cb.json"), "a%5Cb.json");
    }

    #[test]
    fn wrapped_catalogue_text_is_unwrapped() {
        assert_eq!(unwrap_lines("one\ntwo\n\nthree"), "one two\n\nthree");
    }

    #[test]
    fn a_built_in_rule_links_to_its_page_only_when_the_build_names_one() {
        let catalogue = crate::catalogue::builtin().unwrap();
        let wa003 = catalogue.rule(RuleId::WA003);
        let docs = "https://git.example.com/walint/blob/v0.1.0/rules/{code}.yaml";
        assert_eq!(
            wa003.documentation(Some(docs)).as_deref(),
            Some("https://git.example.com/walint/blob/v0.1.0/rules/WA003.yaml")
        );
        // Not its first source: a policy page is not the rule's documentation.
        assert_eq!(wa003.documentation(None), None);
        assert_eq!(wa003.documentation(Some("")), None);
        // A rule defined at run time links to its own first source.
        let mut custom = (*catalogue).clone();
        let mut doc = wa003.clone();
        doc.code = "ACME001".into();
        doc.name = "acme-rule".into();
        doc.sources = vec!["https://acme.example/policies/secrets".into()];
        let id = custom.define(doc).unwrap();
        assert_eq!(
            custom.rule(id).documentation(Some(docs)).as_deref(),
            Some("https://acme.example/policies/secrets")
        );
    }

    #[test]
    fn a_security_rule_is_tagged_and_scored_for_code_scanning() {
        let catalogue = crate::catalogue::builtin().unwrap();
        let properties = |id: RuleId| {
            let rule = rule(catalogue.rule(id), &catalogue);
            serde_json::to_value(&rule.properties).unwrap()
        };
        assert_eq!(
            properties(RuleId::WA402),
            serde_json::json!({
                "category": "webhook",
                "tags": ["webhook", "security", "OWASP-WEBHOOK-AUTH"],
                "security-severity": "7.5"
            })
        );
        assert_eq!(
            properties(RuleId::WA201),
            serde_json::json!({
                "category": "conversation-flow",
                "tags": ["conversation-flow", "INTERACTIVE-LIMITS"]
            })
        );
    }

    #[test]
    fn help_gives_the_whole_rule_in_text_and_markdown() {
        let catalogue = crate::catalogue::builtin().unwrap();
        let doc = catalogue.rule(RuleId::WA201);
        let help = help(doc, &catalogue);
        for part in [
            doc.summary.as_str(),
            "How to fix",
            "Autofix: safe",
            "a whole number from 1 to 10, default 5",
            "INTERACTIVE-LIMITS",
            doc.sources[0].as_str(),
            "`walint explain WA201`",
        ] {
            assert!(help.text.contains(part), "{part}: {}", help.text);
            assert!(help.markdown.contains(part), "{part}: {}", help.markdown);
        }
        assert!(help.text.contains(&unwrap_lines(&doc.rationale)));
        assert!(help.markdown.contains(&doc.rationale));
        assert!(help.markdown.starts_with(&format!("**{}**", doc.summary)));
    }

    #[test]
    fn relative_uris_start_from_srcroot_and_absolute_ones_stand_alone() {
        let relative = ArtifactLocation::of("whatsapp/flows/bot.yaml", 0);
        assert_eq!(relative.uri_base_id, Some(SRCROOT));
        let absolute = ArtifactLocation::of("/srv/bot.yaml", 1);
        assert_eq!(
            (absolute.uri.as_str(), absolute.uri_base_id),
            ("file:///srv/bot.yaml", None)
        );
    }

    #[test]
    fn messages_end_with_a_period() {
        assert_eq!(sentence("menu has 4 options"), "menu has 4 options.");
        assert_eq!(sentence("done."), "done.");
    }
}
