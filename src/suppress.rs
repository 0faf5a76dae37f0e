//! Suppressions: `# walint-ignore CODE: reason` comments in YAML files and config
//! `overrides` that turn a rule off, each with the reason an audit report shows.
//!
//! A comment on a line of its own covers the entry that starts on the next line holding YAML
//! (blank and comment lines are skipped, so several comments can stand above one entry), with
//! everything nested under it. A comment at the end of a line covers the entry of that line.
//! `# walint-ignore-file CODE: reason` covers the whole file. Several codes are separated by
//! commas; rule names work too. A suppression without a reason suppresses nothing: WA005 says
//! so, as it does for an unknown code and for a suppression that matches no finding.

use std::collections::{BTreeMap, BTreeSet};

use granit_parser::{Event, Options, Parser};

use crate::catalogue::{Catalogue, RuleId};
use crate::config::Config;
use crate::diagnostic::{At, Diagnostic, FileFinding, Finding, Suppression, SuppressionKind};
use crate::source::{LineIndex, Span, Tree, MAX_NESTING};
use crate::suggest::did_you_mean;
use crate::workspace::SourceFile;

pub const SUPPRESSION_INVALID: RuleId = RuleId::WA005;

const LINE_MARKER: &str = "walint-ignore";
const FILE_MARKER: &str = "walint-ignore-file";

/// What an inline suppression covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The whole file (`walint-ignore-file`).
    File,
    /// An entry with everything under it: bytes `start..end` of the file.
    Entry(Span),
    /// One line, where no entry starts on it (a continuation line).
    Line(usize),
    /// Nothing: the comment stands at the end of the file.
    Nothing,
}

/// One code named by a suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedCode {
    /// As written (`WA201`, `menu-overloaded`).
    pub written: String,
    /// The rule it names, if it names one.
    pub code: Option<RuleId>,
    /// Where it is written.
    pub span: Span,
}

/// A `# walint-ignore` or `# walint-ignore-file` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlineIgnore {
    pub codes: Vec<NamedCode>,
    pub reason: Option<String>,
    pub scope: Scope,
    /// The whole comment, `#` included.
    pub comment: Span,
    /// 1-based line of the comment.
    pub line: usize,
    /// The line the comment covers (for messages); 0 for the file.
    pub target_line: usize,
}

impl InlineIgnore {
    fn covers(&self, diagnostic: &Diagnostic) -> bool {
        match self.scope {
            Scope::File => true,
            Scope::Entry(range) => {
                let at = diagnostic.span.start;
                at == range.start || (range.start <= at && at < range.end)
            }
            Scope::Line(line) => diagnostic.start.line == line,
            Scope::Nothing => false,
        }
    }

    fn written(&self, code: &NamedCode) -> String {
        let marker = if self.scope == Scope::File {
            FILE_MARKER
        } else {
            LINE_MARKER
        };
        format!("`# {marker} {}`", code.written)
    }
}

/// The suppression comments of one YAML file, in file order. Cheap for files without any.
pub fn inline_ignores(
    text: &str,
    tree: Option<&Tree>,
    lines: &LineIndex,
    catalogue: &Catalogue,
) -> Vec<InlineIgnore> {
    if !text.contains(LINE_MARKER) {
        return Vec::new();
    }
    let mut ignores: Vec<InlineIgnore> = comments(text)
        .into_iter()
        .filter_map(|span| parse_comment(text, span, lines, catalogue))
        .collect();
    if ignores.is_empty() {
        return ignores;
    }
    let targets: BTreeSet<usize> = ignores
        .iter()
        .filter(|i| i.scope == Scope::Nothing && i.target_line > 0)
        .map(|i| i.target_line)
        .collect();
    let entries = tree
        .map(|tree| outermost_entries(text, tree, lines, &targets))
        .unwrap_or_default();
    for ignore in &mut ignores {
        if ignore.scope == Scope::Nothing && ignore.target_line > 0 {
            ignore.scope = match entries.get(&ignore.target_line) {
                Some(&span) => Scope::Entry(span),
                None => Scope::Line(ignore.target_line),
            };
        }
    }
    ignores
}

/// Byte spans of every comment (`#` to the end of its line). YAML's own parser tells comments
/// from `#` inside strings and block scalars; a file it cannot parse falls back to comments
/// that stand on a line of their own.
fn comments(text: &str) -> Vec<Span> {
    let mut options = Options::default();
    options.flow_nesting_limit = MAX_NESTING;
    options.block_nesting_limit = MAX_NESTING;
    options.emit_comments = true;
    options.max_buffered_comment_events = usize::MAX;
    let mut found = Vec::new();
    for next in Parser::new_from_str_with_options(text, options) {
        match next {
            Ok((Event::Comment(..), span)) => {
                let start = byte_offset(text, span.start.byte_offset(), span.start.index());
                let end = byte_offset(text, span.end.byte_offset(), span.end.index());
                found.push(Span::new(start, end));
            }
            Ok(_) => {}
            Err(_) => return own_line_comments(text),
        }
    }
    found
}

fn byte_offset(text: &str, byte: Option<usize>, char_index: usize) -> usize {
    match byte {
        Some(byte) => byte.min(text.len()),
        None => text
            .char_indices()
            .nth(char_index)
            .map_or(text.len(), |(at, _)| at),
    }
}

fn own_line_comments(text: &str) -> Vec<Span> {
    let mut found = Vec::new();
    let mut offset = 0;
    // CRLF splits into a line and an empty one, which holds no comment.
    for line in text.split_inclusive(['\n', '\r']) {
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start().len();
        if content.trim_start().starts_with('#') {
            found.push(Span::new(offset + indent, offset + content.len()));
        }
        offset += line.len();
    }
    found
}

/// Reads one comment; `None` when it is not a walint suppression.
fn parse_comment(
    text: &str,
    span: Span,
    lines: &LineIndex,
    catalogue: &Catalogue,
) -> Option<InlineIgnore> {
    let comment = text.get(span.start..span.end)?;
    let payload = comment.strip_prefix('#')?;
    let trimmed = payload.trim_start();
    let (file_wide, rest) = if let Some(rest) = trimmed.strip_prefix(FILE_MARKER) {
        (true, rest)
    } else if let Some(rest) = trimmed.strip_prefix(LINE_MARKER) {
        (false, rest)
    } else {
        return None;
    };
    // `walint-ignored` or `walint-ignore-next-line` are not this marker.
    if !(rest.is_empty() || rest.starts_with([' ', '\t', ':', ','])) {
        return None;
    }
    let rest_start =
        span.start + 1 + (payload.len() - trimmed.len()) + (trimmed.len() - rest.len());
    let (codes_text, reason) = match rest.split_once(':') {
        Some((codes, reason)) => (codes, Some(reason.trim().to_string())),
        None => (rest, None),
    };
    let mut codes = Vec::new();
    let mut at = 0;
    for token in codes_text.split([',', ' ', '\t']) {
        if !token.is_empty() {
            let start = rest_start + at;
            codes.push(NamedCode {
                written: token.to_string(),
                code: catalogue.find(token).map(|doc| doc.id),
                span: Span::new(start, start + token.len()),
            });
        }
        at += token.len() + 1;
    }
    let line = lines.position(text, span.start).line;
    let line_start = lines.line_span(text, line).start;
    let own_line = text
        .get(line_start..span.start)
        .is_some_and(|before| before.trim().is_empty());
    let (scope, target_line) = if file_wide {
        (Scope::File, 0)
    } else if own_line {
        (Scope::Nothing, next_content_line(text, lines, line))
    } else {
        (Scope::Nothing, line)
    };
    Some(InlineIgnore {
        codes,
        reason: reason.filter(|r| !r.is_empty()),
        scope,
        comment: span,
        line,
        target_line,
    })
}

/// The first line after `line` that holds YAML, skipping blank and comment-only lines; 0 if none.
fn next_content_line(text: &str, lines: &LineIndex, line: usize) -> usize {
    (line + 1..=lines.line_count())
        .find(|&l| {
            let span = lines.line_span(text, l);
            let content = text.get(span.start..span.end).unwrap_or("").trim();
            !content.is_empty() && !content.starts_with('#')
        })
        .unwrap_or(0)
}

/// For each wanted line, the byte range of the outermost entry (a mapping key with its value,
/// or a sequence item) that starts on it.
fn outermost_entries(
    text: &str,
    tree: &Tree,
    lines: &LineIndex,
    wanted: &BTreeSet<usize>,
) -> BTreeMap<usize, Span> {
    let mut best: BTreeMap<usize, (usize, Span)> = BTreeMap::new();
    if wanted.is_empty() {
        return BTreeMap::new();
    }
    // Parents are created before their children, so depths fill in one pass.
    let mut depth = vec![0usize; tree.node_count()];
    for id in 0..tree.node_count() {
        let Some(parent) = tree.parent(id) else {
            continue;
        };
        let level = depth.get(parent).copied().unwrap_or(0) + 1;
        if let Some(slot) = depth.get_mut(id) {
            *slot = level;
        }
        let value = tree.span(id);
        let start = tree.key_span(id).map_or(value.start, |key| key.start);
        let line = lines.position(text, start).line;
        if !wanted.contains(&line) {
            continue;
        }
        let range = Span::new(start, value.end);
        let better = best
            .get(&line)
            .is_none_or(|(d, span)| level < *d || (level == *d && start < span.start));
        if better {
            best.insert(line, (level, range));
        }
    }
    best.into_iter()
        .map(|(line, (_, span))| (line, span))
        .collect()
}

/// What applying suppressions found wrong: WA005 findings in linted files, and WA005
/// diagnostics in the config file.
pub struct Applied {
    pub findings: Vec<FileFinding>,
    pub config_diagnostics: Vec<ConfigProblem>,
}

/// A WA005 problem in walint.yaml: where, and what.
pub struct ConfigProblem {
    pub span: Span,
    pub message: String,
    pub help: String,
}

/// Marks every diagnostic a suppression covers (in-source comments first, they are the more
/// specific), and reports the suppressions that are invalid or unused. `files` come in id
/// order and `ignores[i]` belongs to `files[i]`; `enabled` tells whether a rule ran, so a
/// suppression of a rule that was not run is not called unused.
pub fn apply(
    diagnostics: &mut [Diagnostic],
    files: &[SourceFile],
    ignores: &[Vec<InlineIgnore>],
    config: &Config,
    catalogue: &Catalogue,
    enabled: &dyn Fn(RuleId) -> bool,
) -> Applied {
    let mut used_inline: BTreeSet<(usize, usize, usize)> = BTreeSet::new();
    let mut used_override: BTreeSet<(usize, RuleId)> = BTreeSet::new();
    for diagnostic in diagnostics.iter_mut() {
        // The file's position among `files`; none for the config file.
        let Ok(file) = files.binary_search_by_key(&diagnostic.file_id, |f| f.id) else {
            continue;
        };
        let in_file = ignores.get(file).map(Vec::as_slice).unwrap_or(&[]);
        // Entry and line comments before file-wide ones: the closest reason is shown.
        let mut order: Vec<usize> = (0..in_file.len()).collect();
        order.sort_by_key(|&i| in_file[i].scope == Scope::File);
        for i in order {
            let ignore = &in_file[i];
            let Some(reason) = &ignore.reason else {
                continue;
            };
            for (k, named) in ignore.codes.iter().enumerate() {
                if named.code != Some(diagnostic.rule) || !ignore.covers(diagnostic) {
                    continue;
                }
                used_inline.insert((file, i, k));
                if diagnostic.suppressed.is_none() {
                    diagnostic.suppressed = Some(Box::new(Suppression {
                        kind: SuppressionKind::InSource,
                        reason: reason.clone(),
                        file: diagnostic.file.clone(),
                        line: ignore.line,
                        accepted: None,
                    }));
                }
            }
        }
        let Some(source) = files.get(file) else {
            continue;
        };
        if let Some(index) =
            config.suppression_for(diagnostic.rule, &source.config_path, &diagnostic.pointer)
        {
            used_override.insert((index, diagnostic.rule));
            if diagnostic.suppressed.is_none() {
                diagnostic.suppressed = external(config, source, diagnostic);
            }
        }
    }
    let mut findings = Vec::new();
    for ((file, in_file), source) in ignores.iter().enumerate().zip(files) {
        for (i, ignore) in in_file.iter().enumerate() {
            let used = |k| used_inline.contains(&(file, i, k));
            findings.extend(
                inline_problems(ignore, used, enabled, catalogue)
                    .into_iter()
                    .map(|finding| FileFinding {
                        file: source.id,
                        finding,
                    }),
            );
        }
    }
    let mut config_diagnostics = Vec::new();
    for (index, rule) in config.overrides.iter().enumerate() {
        let matched_a_file = files.iter().any(|f| rule.files.is_match(&f.config_path));
        let where_ = describe_override(rule);
        for (&id, setting) in &rule.rules {
            if !setting.off {
                continue;
            }
            let code = &catalogue.rule(id).code;
            let span = rule.rule_spans.get(&id).copied().unwrap_or(rule.span);
            if rule.reason.is_none() {
                config_diagnostics.push(ConfigProblem {
                    span,
                    message: format!(
                        "override turns {code} off for {where_} without a `reason`, so it suppresses nothing"
                    ),
                    help: "add `reason:` to the override: why these findings are accepted, and by whom".into(),
                });
            } else if matched_a_file
                && enabled(id)
                && id != SUPPRESSION_INVALID
                && !used_override.contains(&(index, id))
            {
                config_diagnostics.push(ConfigProblem {
                    span,
                    message: format!(
                        "override turning {code} off for {where_} matches no {code} finding"
                    ),
                    help: "remove the override (or this rule from it): the finding it accepted is gone"
                        .into(),
                });
            }
        }
    }
    Applied {
        findings,
        config_diagnostics,
    }
}

/// The config override that suppresses `diagnostic` (of a file in `source`), if any.
pub fn external(
    config: &Config,
    source: &SourceFile,
    diagnostic: &Diagnostic,
) -> Option<Box<Suppression>> {
    let index =
        config.suppression_for(diagnostic.rule, &source.config_path, &diagnostic.pointer)?;
    let rule = config.overrides.get(index)?;
    Some(Box::new(Suppression {
        kind: SuppressionKind::External,
        reason: rule.reason.clone().unwrap_or_default(),
        file: config.shown.clone(),
        line: config_line(config, rule.span),
        accepted: None,
    }))
}

fn config_line(config: &Config, span: Span) -> usize {
    let lines = LineIndex::new(&config.text);
    lines.position(&config.text, span.start).line
}

fn describe_override(rule: &crate::config::Override) -> String {
    let files = rule
        .patterns
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match &rule.pointer {
        Some(pointer) => format!("{files} at `{pointer}`"),
        None => files,
    }
}

fn inline_problems(
    ignore: &InlineIgnore,
    used: impl Fn(usize) -> bool,
    enabled: &dyn Fn(RuleId) -> bool,
    catalogue: &Catalogue,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let comment = At::Raw(ignore.comment);
    if ignore.codes.is_empty() {
        out.push(
            Finding::new(
                SUPPRESSION_INVALID,
                comment,
                "walint-ignore comment names no rule, so it suppresses nothing",
            )
            .help("name the rule and the reason: `# walint-ignore WA201: why this is accepted`"),
        );
        return out;
    }
    if ignore.reason.is_none() {
        let codes = ignore
            .codes
            .iter()
            .map(|c| c.written.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let marker = if ignore.scope == Scope::File {
            FILE_MARKER
        } else {
            LINE_MARKER
        };
        out.push(
            Finding::new(
                SUPPRESSION_INVALID,
                comment,
                format!("`# {marker} {codes}` gives no reason, so it suppresses nothing"),
            )
            .help(format!(
                "write the reason after a colon: `# {marker} {codes}: why this is accepted`"
            )),
        );
    }
    for (k, named) in ignore.codes.iter().enumerate() {
        let at = At::Raw(named.span);
        match named.code {
            None => {
                let codes = catalogue.rules().iter().flat_map(|r| [&*r.code, &*r.name]);
                out.push(
                    Finding::new(
                        SUPPRESSION_INVALID,
                        at,
                        format!(
                            "`{}` is not a walint rule{}",
                            named.written,
                            did_you_mean(&named.written, codes)
                        ),
                    )
                    .help("`walint rules` lists every code; this suppression protects nothing"),
                );
            }
            Some(SUPPRESSION_INVALID) => out.push(
                Finding::new(
                    SUPPRESSION_INVALID,
                    at,
                    "WA005 cannot be suppressed by a comment",
                )
                .help(
                    "fix the suppression, or turn WA005 off in walint.yaml (`rules: {WA005: off}`)",
                ),
            ),
            Some(id) if ignore.reason.is_some() && !used(k) && enabled(id) => {
                let code = &catalogue.rule(id).code;
                let place = match ignore.scope {
                    Scope::File => "this file".to_string(),
                    Scope::Nothing => "anything: nothing follows the comment".to_string(),
                    _ => format!("the entry on line {}", ignore.target_line),
                };
                out.push(
                    Finding::new(
                        SUPPRESSION_INVALID,
                        at,
                        format!(
                            "{} matches no {code} finding in {place}",
                            ignore.written(named)
                        ),
                    )
                    .help("delete the suppression: the finding it accepted is gone (or it stands above the wrong entry)"),
                );
            }
            Some(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::builtin;
    use crate::source::{parse, Format};

    fn ignores(text: &str) -> Vec<InlineIgnore> {
        let tree = parse(text, Format::Yaml).ok();
        let lines = LineIndex::new(text);
        inline_ignores(text, tree.as_ref(), &lines, &builtin().unwrap())
    }

    fn covered(text: &str, ignore: &InlineIgnore) -> String {
        match ignore.scope {
            Scope::Entry(span) => text[span.start..span.end].to_string(),
            other => format!("{other:?}"),
        }
    }

    const FLOW: &str = "\
flow: bot
entry: welcome
nodes:
  # walint-ignore WA201: four buttons approved
  welcome:
    type: menu
    options:
      - {title: a, next: b}  # walint-ignore WA999, menu-overloaded: legacy title
      - {title: b, next: b}
  done:
    type: end
";

    #[test]
    fn a_comment_above_covers_the_next_entry_with_everything_under_it() {
        let found = ignores(FLOW);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].line, 4);
        assert_eq!(found[0].reason.as_deref(), Some("four buttons approved"));
        let text = covered(FLOW, &found[0]);
        assert!(text.starts_with("welcome:"), "{text:?}");
        assert!(text.contains("{title: b, next: b}"), "{text:?}");
        assert!(!text.contains("done"), "{text:?}");
    }

    #[test]
    fn a_comment_at_the_end_of_a_line_covers_the_entry_of_that_line() {
        let found = ignores(FLOW);
        let second = &found[1];
        assert_eq!(covered(FLOW, second), "{title: a, next: b}");
        let codes: Vec<_> = second.codes.iter().map(|c| c.code).collect();
        assert_eq!(codes, [None, Some(RuleId::WA201)], "WA999 is no rule");
        assert_eq!(
            &FLOW[second.codes[1].span.start..second.codes[1].span.end],
            "menu-overloaded"
        );
    }

    #[test]
    fn file_wide_and_reasonless_comments() {
        let text =
            "# walint-ignore-file WA203: demo bot\n# walint-ignore WA201\nflow: x\nnodes: {}\n";
        let found = ignores(text);
        assert_eq!(found[0].scope, Scope::File);
        assert_eq!(found[1].reason, None);
        assert_eq!(covered(text, &found[1]), "flow: x");
    }

    #[test]
    fn hashes_inside_strings_and_block_scalars_are_not_comments() {
        let text =
            "text: \"# walint-ignore WA201: no\"\nbody: |\n  # walint-ignore WA201: no\nok: 1\n";
        assert!(ignores(text).is_empty());
    }

    #[test]
    fn look_alike_markers_are_not_suppressions() {
        let text = "a: 1 # walint-ignored WA201: x\nb: 2 # see walint-ignore docs\n";
        assert!(ignores(text).is_empty());
    }

    #[test]
    fn an_unparsable_file_still_honours_own_line_comments() {
        let text = "# walint-ignore-file WA001: generated, fixed upstream\nflow: [\n";
        let found = ignores(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].scope, Scope::File);
    }

    #[test]
    fn a_comment_at_the_end_of_the_file_covers_nothing() {
        let text = "a: 1\n# walint-ignore WA201: trailing\n";
        assert_eq!(ignores(text)[0].scope, Scope::Nothing);
    }
}
