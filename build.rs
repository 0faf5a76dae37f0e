//! Generates the rule catalogue's code from the rule documents of `rules/` (`WA*.yaml`):
//! the documents themselves, embedded in the binary so the catalogue ships with the code that
//! implements it; a `RuleId` constant per rule, so a misspelt code does not compile; and a
//! typed accessor per rule option, whose default and range are those of the YAML.

use std::fmt::Write as _;
use std::{env, fs, path::Path};

use granit_parser::{Event, Parser};
use sha2::{Digest, Sha256};

/// Just enough of a YAML value to read a rule document's code and options.
enum Yaml {
    Scalar(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn text(&self, key: &str) -> Option<&str> {
        match self.get(key) {
            Some(Yaml::Scalar(s)) => Some(s),
            _ => None,
        }
    }
}

fn read_yaml(text: &str) -> Result<Yaml, String> {
    // Open collections; a map keeps the key that waits for its value.
    enum Open {
        Seq(Vec<Yaml>),
        Map(Vec<(String, Yaml)>, Option<String>),
    }
    let mut stack: Vec<Open> = Vec::new();
    let mut root = None;
    let mut place = |stack: &mut Vec<Open>, value: Yaml| -> Result<(), String> {
        match stack.last_mut() {
            None => root = Some(value),
            Some(Open::Seq(items)) => items.push(value),
            Some(Open::Map(entries, key)) => match (key.take(), value) {
                (Some(key), value) => entries.push((key, value)),
                (None, Yaml::Scalar(text)) => *key = Some(text),
                (None, _) => return Err("a key that is not a string".into()),
            },
        }
        Ok(())
    };
    for event in Parser::new_from_str(text) {
        let (event, _) = event.map_err(|e| e.to_string())?;
        match event {
            Event::Scalar(value, ..) => place(&mut stack, Yaml::Scalar(value.into_owned()))?,
            Event::SequenceStart(..) => stack.push(Open::Seq(Vec::new())),
            Event::MappingStart(..) => stack.push(Open::Map(Vec::new(), None)),
            Event::SequenceEnd | Event::MappingEnd => {
                let value = match stack.pop() {
                    Some(Open::Seq(items)) => Yaml::Seq(items),
                    Some(Open::Map(entries, _)) => Yaml::Map(entries),
                    None => return Err("unbalanced document".into()),
                };
                place(&mut stack, value)?;
            }
            Event::Alias(_) => return Err("aliases are not used in rule documents".into()),
            _ => {}
        }
    }
    root.ok_or_else(|| "empty document".into())
}

/// An option of a rule document, as its accessor is generated.
struct RuleOption {
    name: String,
    kind: String,
    default: String,
    min: Option<String>,
    max: Option<String>,
    description: String,
}

fn read_options(doc: &Yaml) -> Result<Vec<RuleOption>, String> {
    let Some(list) = doc.get("options") else {
        return Ok(Vec::new());
    };
    let Yaml::Seq(items) = list else {
        return Err("`options` must be a list".into());
    };
    items
        .iter()
        .map(|item| {
            let field = |key: &str| {
                item.text(key)
                    .map(str::to_string)
                    .ok_or(format!("an option without `{key}`"))
            };
            Ok(RuleOption {
                name: field("name")?,
                kind: field("type")?,
                default: field("default")?,
                min: item.text("min").map(str::to_string),
                max: item.text("max").map(str::to_string),
                description: field("description")?,
            })
        })
        .collect()
}

/// `integer` options are counts (a u32 from `min`, at least 0, to `max`); `number` options are
/// any finite f64 within `min..=max`.
fn accessor(code: &str, option: &RuleOption) -> Result<String, String> {
    let constant = format!("{code}_{}", option.name.to_ascii_uppercase());
    let doc = format!(
        "    /// {code} `{}` ({}, default {}): {}\n",
        option.name, option.kind, option.default, option.description
    );
    let body = match option.kind.as_str() {
        "integer" => {
            let whole = |text: &str, what: &str| {
                text.parse::<u32>().map_err(|_| {
                    format!(
                        "`{}`: {what} `{text}` is not a whole number from 0",
                        option.name
                    )
                })
            };
            let default = whole(&option.default, "default")?;
            let min = option
                .min
                .as_deref()
                .map(|m| whole(m, "min"))
                .transpose()?
                .unwrap_or(0);
            let max = option
                .max
                .as_deref()
                .map(|m| whole(m, "max"))
                .transpose()?
                .unwrap_or(u32::MAX);
            if !(min..=max).contains(&default) {
                return Err(format!(
                    "`{}`: default {default} is outside {min}..={max}",
                    option.name
                ));
            }
            format!(
                "    pub const {constant}: IntegerOption = IntegerOption {{ rule: RuleId::{code}, name: {:?}, default: {default}, min: {min}, max: {max} }};\n",
                option.name
            )
        }
        "number" => {
            let number = |text: &str, what: &str| {
                text.parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite())
                    .map(|n| format!("{n:?}"))
                    .ok_or(format!(
                        "`{}`: {what} `{text}` is not a finite number",
                        option.name
                    ))
            };
            let default = number(&option.default, "default")?;
            let min = option
                .min
                .as_deref()
                .map(|m| number(m, "min"))
                .transpose()?
                .unwrap_or("f64::NEG_INFINITY".into());
            let max = option
                .max
                .as_deref()
                .map(|m| number(m, "max"))
                .transpose()?
                .unwrap_or("f64::INFINITY".into());
            format!(
                "    pub const {constant}: NumberOption = NumberOption {{ rule: RuleId::{code}, name: {:?}, default: {default}, min: {min}, max: {max} }};\n",
                option.name
            )
        }
        other => {
            return Err(format!(
                "`{}`: unknown type `{other}` (integer or number)",
                option.name
            ))
        }
    };
    Ok(doc + &body)
}

/// `WALINT_DOCS_URL`, the page each built-in rule is documented at (SARIF's `helpUri`, read
/// by src/report/sarif.rs): an http(s) URL with `{code}` where the rule's code goes. Checked
/// here, so that a build with a wrong one fails instead of writing it into every report.
fn check_docs_url() {
    println!("cargo:rerun-if-env-changed=WALINT_DOCS_URL");
    let Some(url) = env::var("WALINT_DOCS_URL")
        .ok()
        .filter(|url| !url.is_empty())
    else {
        return;
    };
    let absolute = url.starts_with("https://") || url.starts_with("http://");
    let plain = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '"');
    if !(absolute && plain && url.contains("{code}")) {
        panic!(
            "WALINT_DOCS_URL `{url}` must be an absolute http(s) URL with `{{code}}` where a \
             rule's code goes, e.g. https://git.example.com/walint/blob/v0.1.0/rules/{{code}}.yaml"
        );
    }
}

/// A Rust string literal of `text`.
fn literal(text: &str) -> String {
    format!("{text:?}")
}

/// A text field as the catalogue keeps it: trimmed at the end.
fn text_field(doc: &Yaml, key: &str) -> Result<String, String> {
    doc.text(key)
        .map(|t| literal(t.trim_end()))
        .ok_or(format!("no `{key}` text"))
}

fn strings(doc: &Yaml, key: &str) -> Result<String, String> {
    let items = match doc.get(key) {
        None => return Ok("Vec::new()".into()),
        Some(Yaml::Seq(items)) => items,
        Some(_) => return Err(format!("`{key}` must be a list of strings")),
    };
    let items = items
        .iter()
        .map(|item| match item {
            Yaml::Scalar(s) => Ok(format!("{}.to_string()", literal(s))),
            _ => Err(format!("`{key}` must be a list of strings")),
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(format!("vec![{}]", items.join(", ")))
}

/// An f64 literal of a number as written.
fn float(text: &str) -> Result<String, String> {
    text.parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .map(|n| format!("{n:?}"))
        .ok_or(format!("`{text}` is not a finite number"))
}

fn option_doc(option: &RuleOption) -> Result<String, String> {
    let kind = match option.kind.as_str() {
        "integer" => "OptionType::Integer",
        "number" => "OptionType::Number",
        other => return Err(format!("unknown option type `{other}`")),
    };
    let bound = |b: &Option<String>| -> Result<String, String> {
        Ok(match b {
            Some(text) => format!("Some({})", float(text)?),
            None => "None".into(),
        })
    };
    Ok(format!(
        "OptionDoc {{ name: {}.to_string(), kind: {kind}, default: {}, min: {}, max: {}, description: {}.to_string() }}",
        literal(&option.name),
        float(&option.default)?,
        bound(&option.min)?,
        bound(&option.max)?,
        literal(&option.description),
    ))
}

fn examples(doc: &Yaml) -> Result<String, String> {
    let items = match doc.get("examples") {
        None => return Ok("Vec::new()".into()),
        Some(Yaml::Seq(items)) => items,
        Some(_) => return Err("`examples` must be a list".into()),
    };
    let items = items
        .iter()
        .map(|item| {
            let kind = match item.text("kind") {
                Some("failing") => "ExampleKind::Failing",
                Some("passing") => "ExampleKind::Passing",
                other => return Err(format!("example kind {other:?}")),
            };
            let Some(Yaml::Map(files)) = item.get("files") else {
                return Err("an example without `files`".into());
            };
            let files = files
                .iter()
                .map(|(name, text)| match text {
                    Yaml::Scalar(text) => Ok(format!(
                        "({}.to_string(), {}.to_string())",
                        literal(name),
                        literal(text)
                    )),
                    _ => Err(format!("example file `{name}` must be a text")),
                })
                .collect::<Result<Vec<_>, String>>()?;
            let expect = match item.get("expect") {
                None => Vec::new(),
                Some(Yaml::Scalar(place)) => vec![literal(place)],
                Some(Yaml::Seq(places)) => places
                    .iter()
                    .map(|place| match place {
                        Yaml::Scalar(place) => Ok(literal(place)),
                        _ => Err("`expect` lists places as texts".to_string()),
                    })
                    .collect::<Result<Vec<_>, String>>()?,
                Some(_) => return Err("`expect` lists places as texts".into()),
            };
            Ok(format!(
                "Example {{ kind: {kind}, description: {}.to_string(), files: vec![{}], expect: vec![{}] }}",
                literal(item.text("description").unwrap_or_default()),
                files.join(", "),
                expect
                    .iter()
                    .map(|place| format!("{place}.to_string()"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(format!("vec![{}]", items.join(",\n            ")))
}

/// The chatbot formats a conversation-flow rule says it checks or not (`formats:`), by the
/// names `Dialect::key` gives them (`the_formats_are_those_of_the_dialects` holds the two
/// equal). A rule's checks run only on the flows of the formats it checks.
const FORMATS: [&str; 5] = ["walint", "rapidpro", "typebot", "twilio-studio", "n8n"];

/// How many single-character edits turn `a` into `b`.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            previous = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// "; did you mean `rapidpro`?" for a format name close to a known one.
fn format_hint(name: &str) -> String {
    FORMATS
        .iter()
        .map(|known| (edits(&name.to_ascii_lowercase(), known), known))
        .filter(|(distance, known)| *distance <= (known.len() / 3).max(2))
        .min()
        .map_or(String::new(), |(_, known)| {
            format!("; did you mean `{known}`?")
        })
}

/// A rule's `formats:`, `{checked: [NAME...], not_checked: {NAME: why}}`, naming each format
/// of [`FORMATS`] once: the `Coverage` list the catalogue keeps (in [`FORMATS`] order) and the
/// mask of the formats checked (bit i for `FORMATS[i]`). A rule of another category without
/// it checks every format.
fn formats(doc: &Yaml) -> Result<(String, u8), String> {
    let all = (1u8 << FORMATS.len()) - 1;
    let Some(written) = doc.get("formats") else {
        if doc.text("category") == Some("conversation-flow") {
            return Err(format!(
                "a conversation-flow rule says which formats it checks: `formats: {{checked: [...], not_checked: {{FORMAT: why not}}}}`, naming each of {}",
                FORMATS.join(", ")
            ));
        }
        return Ok(("Vec::new()".into(), all));
    };
    let Yaml::Map(entries) = written else {
        return Err("`formats` is a mapping with `checked` and `not_checked`".into());
    };
    let mut why: Vec<Option<Option<String>>> = vec![None; FORMATS.len()];
    let mut say = |name: &str, reason: Option<String>| -> Result<(), String> {
        let Some(index) = FORMATS.iter().position(|f| *f == name) else {
            return Err(format!(
                "`formats`: unknown format `{name}`{} (the formats are {})",
                format_hint(name),
                FORMATS.join(", ")
            ));
        };
        if why[index].is_some() {
            return Err(format!("`formats` names `{name}` twice"));
        }
        why[index] = Some(reason);
        Ok(())
    };
    for (key, value) in entries {
        match (key.as_str(), value) {
            ("checked", Yaml::Seq(names)) => {
                for name in names {
                    let Yaml::Scalar(name) = name else {
                        return Err("`formats.checked` lists format names".into());
                    };
                    say(name, None)?;
                }
            }
            ("not_checked", Yaml::Map(reasons)) => {
                for (name, reason) in reasons {
                    match reason {
                        Yaml::Scalar(reason) if !reason.trim().is_empty() && !reason.contains('\n') => {
                            say(name, Some(reason.trim().to_string()))?
                        }
                        _ => {
                            return Err(format!(
                                "`formats.not_checked.{name}` says in one line why the rule does not apply to the format"
                            ))
                        }
                    }
                }
            }
            ("checked", _) => return Err("`formats.checked` is a list of format names".into()),
            ("not_checked", _) => {
                return Err(
                    "`formats.not_checked` maps a format name to why it is not checked".into(),
                )
            }
            (other, _) => {
                let hint = ["checked", "not_checked"]
                    .iter()
                    .find(|k| edits(other, k) <= 3)
                    .map_or(String::new(), |k| format!("; did you mean `{k}`?"));
                return Err(format!(
                    "`formats`: unknown key `{other}`{hint} (checked, not_checked)"
                ));
            }
        }
    }
    let mut coverage = Vec::new();
    let mut mask = 0u8;
    for (index, (format, said)) in FORMATS.iter().zip(why).enumerate() {
        let Some(reason) = said else {
            return Err(format!(
                "`formats` does not say whether the rule checks `{format}`: list it under `checked`, or say why not under `not_checked`"
            ));
        };
        if reason.is_none() {
            mask |= 1 << index;
        }
        coverage.push(format!(
            "Coverage {{ format: {}.to_string(), not_checked: {} }}",
            literal(format),
            match reason {
                Some(reason) => format!("Some({}.to_string())", literal(&reason)),
                None => "None".into(),
            }
        ));
    }
    Ok((format!("vec![{}]", coverage.join(", ")), mask))
}

/// The rule document as the `RuleDoc` the catalogue reads from it, so a run does not parse
/// 200 KB of YAML at start-up; `the_generated_rules_are_those_the_documents_read_as` keeps the
/// two readings equal.
fn rule_doc(doc: &Yaml, options: &[RuleOption], formats: &str) -> Result<String, String> {
    let severity = match doc.text("severity") {
        Some("error") => "Severity::Error",
        Some("warning") => "Severity::Warning",
        Some("info") => "Severity::Info",
        other => return Err(format!("severity {other:?}")),
    };
    let autofix = match doc.text("autofix") {
        None => "None",
        Some("safe") => "Some(Applicability::Safe)",
        Some("unsafe") => "Some(Applicability::Unsafe)",
        Some(other) => return Err(format!("autofix `{other}`")),
    };
    let options = options
        .iter()
        .map(option_doc)
        .collect::<Result<Vec<_>, String>>()?;
    Ok(format!(
        "        RuleDoc {{\n            id: RuleId(0),\n            code: Arc::from({}),\n            name: Arc::from({}),\n            severity: {severity},\n            category: {}.to_string(),\n            summary: {}.to_string(),\n            rationale: {}.to_string(),\n            fix: {}.to_string(),\n            autofix: {autofix},\n            sources: {},\n            controls: {},\n            security_severity: {},\n            options: vec![{}],\n            examples: {},\n            formats: {formats},\n        }},\n",
        text_field(doc, "code")?,
        text_field(doc, "name")?,
        text_field(doc, "category")?,
        text_field(doc, "summary")?,
        text_field(doc, "rationale")?,
        text_field(doc, "fix")?,
        strings(doc, "sources")?,
        strings(doc, "controls")?,
        match doc.text("security_severity") {
            Some(score) => format!("Some({})", float(score)?),
            None => "None".into(),
        },
        options.join(", "),
        examples(doc)?,
    ))
}

fn main() {
    check_docs_url();
    println!("cargo:rerun-if-changed=rules");
    let mut names: Vec<String> = fs::read_dir("rules")
        .map(|dir| {
            dir.filter_map(|entry| entry.ok())
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .filter(|name| name.starts_with("WA") && name.ends_with(".yaml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let root = env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let mut documents = String::new();
    let mut ids = String::new();
    let mut codes = String::new();
    let mut options = String::new();
    let mut docs = String::new();
    let mut masks = String::new();
    for (index, file) in names.iter().enumerate() {
        let path = Path::new(&root).join("rules").join(file);
        let text =
            fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read rules/{file}: {e}"));
        let fail = |message: String| -> ! { panic!("rules/{file}: {message}") };
        let doc = read_yaml(&text).unwrap_or_else(|e| fail(e));
        let code = doc.text("code").unwrap_or_else(|| fail("no `code`".into()));
        let name = doc.text("name").unwrap_or_else(|| fail("no `name`".into()));
        if file.strip_suffix(".yaml") != Some(code) {
            fail(format!(
                "the file of rule `{code}` must be named {code}.yaml"
            ));
        }
        if !code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            fail(format!("`{code}` is not a rule code (capitals and digits)"));
        }
        let _ = writeln!(
            documents,
            "    ({file:?}, include_str!(concat!({root:?}, \"/rules/\", {file:?}))),"
        );
        let _ = write!(codes, "{code:?}, ");
        let _ = writeln!(
            ids,
            "    /// {code} {name} (rules/{file}).\n    pub const {code}: RuleId = RuleId({index});"
        );
        let rule_options = read_options(&doc).unwrap_or_else(|e| fail(e));
        for option in &rule_options {
            options.push_str(&accessor(code, option).unwrap_or_else(|e| fail(e)));
        }
        let (coverage, mask) = formats(&doc).unwrap_or_else(|e| fail(e));
        let _ = write!(masks, "{mask:#07b}, ");
        docs.push_str(&rule_doc(&doc, &rule_options, &coverage).unwrap_or_else(|e| fail(e)));
    }
    // The catalogue's SHA-256 that reports state: every rule document (name and text, NUL
    // after each, in file order), then controls.yaml.
    let mut hasher = Sha256::new();
    for file in &names {
        let text = fs::read(Path::new(&root).join("rules").join(file))
            .unwrap_or_else(|e| panic!("cannot read rules/{file}: {e}"));
        for part in [file.as_bytes(), &text] {
            hasher.update(part);
            hasher.update([0]);
        }
    }
    hasher.update(b"controls.yaml\0");
    hasher.update(
        fs::read(Path::new(&root).join("rules/controls.yaml"))
            .unwrap_or_else(|e| panic!("cannot read rules/controls.yaml: {e}")),
    );
    let sha256: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let code = format!(
        "/// SHA-256 over every rule document (name and text, in file order) and controls.yaml.\n\
         pub const CATALOGUE_SHA256: &str = {sha256:?};\n\n\
         /// Every rule document of `rules/`, by file name, in code order.\n\
         pub static RULE_DOCUMENTS: &[(&str, &str)] = &[\n{documents}];\n\n\
         /// How many rules are built in: their ids come first in every catalogue.\n\
         pub const BUILTIN_RULES: usize = {};\n\n\
         /// The codes of the built-in rules, by id.\n\
         const BUILTIN_CODES: [&str; BUILTIN_RULES] = [{codes}];\n\n\
         /// The chatbot formats a rule's `formats:` may name, in the order of the masks' bits.\n\
         pub const FORMAT_NAMES: [&str; {}] = {FORMATS:?};\n\n\
         /// The formats each built-in rule checks, by id: bit i for `FORMAT_NAMES[i]`.\n\
         const CHECKED_FORMATS: [u8; BUILTIN_RULES] = [{masks}];\n\n\
         impl RuleId {{\n{ids}}}\n\n\
         /// The built-in rules as their documents read, in code order.\n\
         fn builtin_rule_docs() -> Vec<RuleDoc> {{\n    vec![\n{docs}    ]\n}}\n\n\
         /// The options of the built-in rules, typed, with the defaults and ranges of their YAML.\n\
         pub mod options {{\n    use super::{{IntegerOption, NumberOption, RuleId}};\n\n{options}}}\n",
        names.len(),
        FORMATS.len(),
    );
    let out = Path::new(&env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("catalogue.rs");
    if let Err(error) = fs::write(&out, code) {
        panic!("cannot write {}: {error}", out.display());
    }
}
