//! Every file of a run, with the cross-file index rules resolve references against.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::model::{Contents, Document, Template};
use crate::source::{LineIndex, Span, Tree};

/// One file of the run, loaded once and shared by every rule and report.
#[derive(Debug)]
pub struct SourceFile {
    /// Relative to the working directory, with `/` separators.
    pub path: String,
    /// Relative to the config's folder, for per-file settings.
    pub config_path: String,
    pub text: String,
    pub lines: LineIndex,
    pub tree: Option<Tree>,
    pub contents: Contents,
    /// Byte ranges holding secrets (from sensitive findings, whether or not their rule is
    /// reported): reports that show source show [`SourceFile::shown_text`], never `text`.
    pub secrets: Vec<Span>,
}

impl SourceFile {
    pub fn empty(path: String, config_path: String) -> Self {
        SourceFile {
            path,
            config_path,
            text: String::new(),
            lines: LineIndex::new(""),
            tree: None,
            contents: Contents::default(),
            secrets: Vec::new(),
        }
    }

    /// The text as reports may show it: every character of a secret replaced by `*` (one per
    /// byte, so every span and line still points at the same place).
    pub fn shown_text(&self) -> Cow<'_, str> {
        if self.secrets.is_empty() {
            return Cow::Borrowed(&self.text);
        }
        let mut bytes = self.text.clone().into_bytes();
        for span in &self.secrets {
            let end = span.end.min(bytes.len());
            for byte in bytes.iter_mut().take(end).skip(span.start) {
                // Every byte of the span, including the continuation bytes of a multi-byte
                // character: the result stays valid UTF-8 with the same length.
                *byte = b'*';
            }
        }
        match String::from_utf8(bytes) {
            Ok(text) => Cow::Owned(text),
            // Unreachable: a span covers whole characters. Show nothing rather than a secret.
            Err(_) => Cow::Owned(String::new()),
        }
    }
}

/// Where a template is defined: file and document index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TemplateLocation {
    pub file: usize,
    pub document: usize,
}

pub struct Workspace {
    pub files: Vec<SourceFile>,
    /// Templates by (name, language); language codes compare case-insensitively.
    templates: HashMap<(String, String), Vec<TemplateLocation>>,
}

fn template_key(name: &str, language: &str) -> (String, String) {
    (
        name.to_string(),
        language.to_ascii_lowercase().replace('-', "_"),
    )
}

impl Workspace {
    pub fn new(files: Vec<SourceFile>) -> Self {
        let mut templates: HashMap<_, Vec<_>> = HashMap::new();
        for (file, source) in files.iter().enumerate() {
            for (document, doc) in source.contents.documents.iter().enumerate() {
                if let Document::Template(t) = doc {
                    if let (Some(name), Some(language)) = (&t.name, &t.language) {
                        templates
                            .entry(template_key(&name.value, &language.value))
                            .or_default()
                            .push(TemplateLocation { file, document });
                    }
                }
            }
        }
        Workspace { files, templates }
    }

    /// Every document of the run with the index of its file.
    pub fn documents(&self) -> impl Iterator<Item = (usize, &Document)> {
        self.files
            .iter()
            .enumerate()
            .flat_map(|(i, f)| f.contents.documents.iter().map(move |d| (i, d)))
    }

    /// The first definition of a template, with its file index.
    pub fn template(&self, name: &str, language: &str) -> Option<(usize, &Template)> {
        let location = self.templates.get(&template_key(name, language))?.first()?;
        match self.files[location.file]
            .contents
            .documents
            .get(location.document)?
        {
            Document::Template(t) => Some((location.file, t)),
            _ => None,
        }
    }

    pub fn tree(&self, file: usize) -> Option<&Tree> {
        self.files.get(file)?.tree.as_ref()
    }
}
