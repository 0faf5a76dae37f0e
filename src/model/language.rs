//! Template language codes, and the one way walint compares them.

use std::fmt;

/// A template's language code as written: `en_US`, `pt_BR`, `de`. WhatsApp spells codes
/// `ll` or `ll_CC`; people also write `en-US` or `en_us`, and walint takes those for the
/// same language as WhatsApp's spelling ([`LanguageCode::matches`]), while WA112 says how
/// to write them.
///
/// `==` and the order compare the codes as written (what messages show); [`matches`]
/// compares them as templates are looked up.
///
/// [`matches`]: LanguageCode::matches
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LanguageCode(String);

impl LanguageCode {
    pub fn new(written: impl Into<String>) -> Self {
        LanguageCode(written.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code in the form lookups compare: lower case, `-` read as `_` (`en-US` →
    /// `en_us`).
    pub fn key(&self) -> String {
        self.0
            .chars()
            .map(|c| match c {
                '-' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect()
    }

    /// The same code, ignoring case and reading `-` as `_`: `en-us` matches `en_US`.
    pub fn matches(&self, other: &LanguageCode) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .bytes()
                .zip(other.0.bytes())
                .all(|(a, b)| fold(a) == fold(b))
    }

    /// The language without its region, as written: `pt_BR` → `pt`, `en-US` → `en`.
    pub fn base(&self) -> &str {
        self.0.split(['_', '-']).next().unwrap_or("")
    }

    /// The same language, whatever the region: `en_GB` and `EN-us`.
    pub fn same_language(&self, other: &LanguageCode) -> bool {
        self.base().eq_ignore_ascii_case(other.base())
    }
}

/// One byte of a code as lookups compare it. ASCII folding keeps every other byte (and so
/// the length and every character boundary) as it is.
fn fold(byte: u8) -> u8 {
    match byte {
        b'-' => b'_',
        b => b.to_ascii_lowercase(),
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> LanguageCode {
        LanguageCode::new(text)
    }

    #[test]
    fn codes_match_ignoring_case_and_the_separator() {
        assert!(code("en-us").matches(&code("en_US")));
        assert!(code("PT_br").matches(&code("pt-BR")));
        assert!(!code("en").matches(&code("en_US")));
        assert!(!code(" en_US").matches(&code("en_US")));
        assert_eq!(code("En-Us").key(), "en_us");
        assert_eq!(code("São").key(), "são");
        // As written, they differ.
        assert_ne!(code("en-us"), code("en_US"));
        assert_eq!(code("en-us").to_string(), "en-us");
    }

    #[test]
    fn the_base_language_is_the_part_before_the_region() {
        assert_eq!(code("pt_BR").base(), "pt");
        assert_eq!(code("en-US").base(), "en");
        assert_eq!(code("fil").base(), "fil");
        assert_eq!(code("").base(), "");
        assert!(code("EN-gb").same_language(&code("en_US")));
        assert!(!code("es").same_language(&code("pt_BR")));
    }
}
