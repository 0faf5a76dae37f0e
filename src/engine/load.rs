//! From bytes or text to a file's tree and documents: what is left out of the run (too
//! large, not text, empty, not walint's), parse errors (WA001), duplicate keys and schema
//! problems (WA002), and the file's suppression comments.

use crate::catalogue::{Catalogue, RuleId};
use crate::diagnostic::fingerprint::sha256_of_parts;
use crate::diagnostic::{At, FileId, Finding};
use crate::formats;
use crate::model::{self, reader::SCHEMA_VIOLATION};
use crate::redact::Redaction;
use crate::source::{self, Format, Span, Tree, MAX_FILE_BYTES};
use crate::suppress::{self, InlineIgnore};
use crate::workspace::SourceFile;

use super::FileName;

pub const PARSE_ERROR: RuleId = RuleId::WA001;

/// Text that marks a file as meant for walint, so a parse error in it is worth reporting.
const MARKERS: [&str; 8] = [
    "\"components\"",
    "components:",
    "\"screens\"",
    "screens:",
    "webhooks:",
    "nodes:",
    "campaign:",
    "override_callback_uri",
];

/// Why a file was left out of the run (shown with `--verbose`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skipped {
    /// Over the size limit, with no walint marker and not named on the command line.
    TooLarge,
    /// Not UTF-8, with no walint marker and not named on the command line.
    NotText,
    Empty,
    /// Does not parse, with no walint marker and not named on the command line.
    Unparsable,
    /// Parses, but holds nothing walint recognises.
    NotRecognised,
    /// A chatbot platform's file walint recognises but does not check, by what it is
    /// ("Amazon Connect flow").
    NotChecked(&'static str),
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Skipped::TooLarge => "larger than 5 MiB and not a walint file",
            Skipped::NotText => "not UTF-8 text and not a walint file",
            Skipped::Empty => "empty",
            Skipped::Unparsable => "does not parse and carries no walint marker",
            Skipped::NotRecognised => "not a kind walint recognises",
            Skipped::NotChecked(platform) => {
                return write!(f, "recognised: {platform}; not checked");
            }
        })
    }
}

fn has_marker(text: &str) -> bool {
    MARKERS.iter().any(|m| text.contains(m))
}

/// A file as read: its tree and documents (none if it did not parse), its WA001/WA002
/// findings and its suppression comments.
pub(super) struct Loaded {
    pub file: SourceFile,
    pub tree: Option<Tree>,
    pub contents: model::Contents,
    pub findings: Vec<Finding>,
    pub ignores: Vec<InlineIgnore>,
}

impl Loaded {
    /// A file walint must report but cannot read: one WA001 at its start.
    pub fn unreadable(id: FileId, name: &FileName, message: String) -> Loaded {
        Loaded {
            file: SourceFile::empty(id, name.shown.clone(), name.config_path.clone()),
            tree: None,
            contents: model::Contents::default(),
            findings: vec![Finding::new(PARSE_ERROR, At::Raw(Span::default()), message)],
            ignores: Vec::new(),
        }
    }
}

/// Why some bytes are not parsed: a file to report as unreadable (WA001), or one to leave
/// out.
pub(super) enum Refused {
    Unreadable(String),
    Skipped(Skipped),
}

/// A file over the size limit (of `size` bytes; `None`: more than was read): reported when
/// it is walint's (`marked`) or asked for.
fn too_large(size: Option<u64>, marked: bool, explicit: bool) -> Refused {
    if explicit || marked {
        let limit = MAX_FILE_BYTES / 1_048_576;
        Refused::Unreadable(match size {
            Some(size) => format!(
                "file is {:.1} MiB; walint reads files up to {limit} MiB",
                size as f64 / 1_048_576.0,
            ),
            None => {
                format!("file is larger than {limit} MiB; walint reads files up to {limit} MiB")
            }
        })
    } else {
        Refused::Skipped(Skipped::TooLarge)
    }
}

/// UTF-16 and UTF-32 text, by its byte-order mark: its name, and the text for markers.
fn wide_text(bytes: &[u8]) -> Option<(&'static str, String)> {
    let units16 = |big: bool| -> String {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|p| {
                if big {
                    u16::from_be_bytes([p[0], p[1]])
                } else {
                    u16::from_le_bytes([p[0], p[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    let units32 = |big: bool| -> String {
        bytes[4..]
            .chunks_exact(4)
            .map(|q| {
                let q = [q[0], q[1], q[2], q[3]];
                char::from_u32(if big {
                    u32::from_be_bytes(q)
                } else {
                    u32::from_le_bytes(q)
                })
                .unwrap_or('\u{fffd}')
            })
            .collect()
    };
    if bytes.starts_with(&[0xff, 0xfe, 0, 0]) {
        Some(("UTF-32 (little-endian)", units32(false)))
    } else if bytes.starts_with(&[0, 0, 0xfe, 0xff]) {
        Some(("UTF-32 (big-endian)", units32(true)))
    } else if bytes.starts_with(&[0xff, 0xfe]) {
        Some(("UTF-16 (little-endian)", units16(false)))
    } else if bytes.starts_with(&[0xfe, 0xff]) {
        Some(("UTF-16 (big-endian)", units16(true)))
    } else {
        None
    }
}

/// Bytes as read from a file or standard input (all of it, or the limit and one byte of a
/// file of `size` bytes), as text.
pub(super) fn decode(bytes: Vec<u8>, size: Option<u64>, explicit: bool) -> Result<String, Refused> {
    if bytes.len() as u64 > MAX_FILE_BYTES || size.is_none_or(|s| s > MAX_FILE_BYTES) {
        let marked = has_marker(&String::from_utf8_lossy(&bytes));
        return Err(too_large(size, marked, explicit));
    }
    if let Some((encoding, text)) = wide_text(&bytes) {
        return Err(if explicit || has_marker(&text) {
            Refused::Unreadable(format!(
                "{encoding} text; walint reads UTF-8: convert it, e.g. with `iconv -f {} -t UTF-8`",
                encoding.split(' ').next().unwrap_or(encoding)
            ))
        } else {
            Refused::Skipped(Skipped::NotText)
        });
    }
    String::from_utf8(bytes).map_err(|error| {
        if explicit || has_marker(&String::from_utf8_lossy(error.as_bytes())) {
            Refused::Unreadable(format!(
                "not UTF-8 text (invalid byte at offset {})",
                error.utf8_error().valid_up_to()
            ))
        } else {
            Refused::Skipped(Skipped::NotText)
        }
    })
}

/// A text given as is (an editor's buffer): only its size can rule it out before parsing.
pub(super) fn check_size(text: &str, explicit: bool) -> Result<(), Refused> {
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(
            Some(text.len() as u64),
            has_marker(text),
            explicit,
        ));
    }
    Ok(())
}

/// The text without its byte-order mark, and the mark's bytes (none when it has none).
fn without_bom(text: String) -> (String, &'static [u8]) {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest.to_string(), "\u{feff}".as_bytes()),
        None => (text, &[]),
    }
}

/// A file's digest: of the file as read, byte-order mark included.
fn digest(bom: &[u8], text: &str) -> String {
    sha256_of_parts(&[bom, text.as_bytes()])
}

/// `file`, checked and its text let go, with its text again from `bytes` (the file read
/// again), masked as it was: `None` when the bytes are not those it was checked with.
pub(super) fn read_again(file: &SourceFile, bytes: Vec<u8>) -> Option<SourceFile> {
    let (mut text, bom) = without_bom(String::from_utf8(bytes).ok()?);
    if file.sha256.is_empty() || digest(bom, &text) != file.sha256 {
        return None;
    }
    Redaction::mask(&mut text, &file.secrets);
    Some(SourceFile {
        lines: source::LineIndex::new(&text),
        text,
        ..file.clone()
    })
}

/// Parses one file's text and reads its documents.
pub(super) fn load(
    id: FileId,
    name: &FileName,
    text: String,
    inline_ignores: bool,
    catalogue: &Catalogue,
    handoffs: &formats::Handoffs,
) -> Result<Loaded, Skipped> {
    let (text, bom) = without_bom(text);
    // Taken only of a file that is checked, as a skipped file's is never reported.
    let digest = |text: &str| digest(bom, text);
    if text.trim().is_empty() {
        return Err(Skipped::Empty);
    }
    let format = Format::from_path(&name.shown).unwrap_or(Format::Yaml);
    let lines = source::LineIndex::new(&text);
    let mut file = SourceFile {
        id,
        path: name.shown.clone(),
        config_path: name.config_path.clone(),
        lines,
        kinds: Vec::new(),
        secrets: Vec::new(),
        redaction: Redaction::default(),
        text,
        sha256: String::new(),
        notes: Vec::new(),
    };
    let ignores = |file: &SourceFile, tree: Option<&Tree>| {
        if inline_ignores && format == Format::Yaml {
            suppress::inline_ignores(&file.text, tree, &file.lines, catalogue)
        } else {
            Vec::new()
        }
    };
    match source::parse(&file.text, format) {
        Err(failure) => {
            if !(name.explicit || has_marker(&file.text)) {
                return Err(Skipped::Unparsable);
            }
            file.sha256 = digest(&file.text);
            let finding = Finding::new(PARSE_ERROR, At::Raw(failure.span), failure.message);
            let ignores = ignores(&file, None);
            Ok(Loaded {
                file,
                tree: None,
                contents: model::Contents::default(),
                findings: vec![finding],
                ignores,
            })
        }
        Ok(tree) => {
            let contents = formats::read_with(&tree, handoffs);
            if contents.documents.is_empty() {
                return Err(contents
                    .not_checked
                    .map_or(Skipped::NotRecognised, Skipped::NotChecked));
            }
            file.sha256 = digest(&file.text);
            let mut findings = contents.problems.clone();
            for duplicate in &tree.duplicate_keys {
                let first = file.lines.position(&file.text, duplicate.first.start);
                findings.push(
                    Finding::new(
                        SCHEMA_VIOLATION,
                        At::InFile(duplicate.map, duplicate.second),
                        format!(
                            "duplicate key `{}`: already defined at line {}, column {}; walint reads the first one",
                            duplicate.key, first.line, first.column
                        ),
                    )
                    .help("remove or rename one of the two keys"),
                );
            }
            let ignores = ignores(&file, Some(&tree));
            Ok(Loaded {
                file,
                tree: Some(tree),
                contents,
                findings,
                ignores,
            })
        }
    }
}
