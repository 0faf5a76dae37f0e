//! Secrets masked once, in the file's text, before anything is shown of it. Rules read the
//! real values (a rule must see a token to call it weak); everything a report shows of a
//! file comes from its masked text, and every message, help, pointer and related note is
//! scrubbed of the secrets' values (as written, in any letter case, or cut short), so a
//! fingerprint, a snippet or a message never carries one.

use std::borrow::Cow;

use crate::source::Span;

/// Replaces each character of `ordered` spans of `text` (sorted by start; overlaps and
/// empty spans are skipped) with its mask, handing each value masked to `found` first.
fn mask_in<K>(text: &mut String, ordered: &[(Span, K)], mut found: impl FnMut(&str, &K)) {
    if ordered.is_empty() {
        return;
    }
    let mut masked = String::with_capacity(text.len());
    let mut at = 0;
    for (span, kind) in ordered {
        let start = floor(text, span.start).max(at);
        let end = floor(text, span.end).max(start);
        let Some(value) = text.get(start..end).filter(|v| !v.is_empty()) else {
            continue;
        };
        masked.push_str(&text[at..start]);
        masked.extend(value.chars().map(mask_char));
        found(value, kind);
        at = end;
    }
    masked.push_str(&text[at..]);
    *text = masked;
}

/// What stands in for each character of a secret in the masked text: a character of the
/// same UTF-8 length, so every byte offset, line, column and UTF-16 column stays put.
fn mask_char(c: char) -> char {
    match c.len_utf8() {
        1 => '*',
        2 => '¤',
        3 => '∗',
        _ => '𝑥',
    }
}

/// Runs of these characters are compared with the secrets: what a token, a password or a
/// key is made of.
fn is_run_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '~' | '+' | '%' | '|')
}

/// A run this long that is part of a secret is taken for it (a value cut short).
const MIN_PARTIAL: usize = 8;
/// A secret this long is replaced wherever it is written, even inside a longer run; a
/// shorter one only as a run of its own (`pw` is not taken out of `pwd`).
const MIN_ANYWHERE: usize = 4;

/// The secrets of one file (or of several): each value as written, in lower case, and the
/// form it may be shown in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Redaction {
    secrets: Vec<(String, String)>,
}

impl Redaction {
    /// Masks `spans` of `text` (the secrets `rules::secrets::find_in_text` and WA003 found,
    /// each with its kind) and records their values with the form `redact` shows them in.
    pub fn apply<K: Clone>(
        text: &mut String,
        spans: &[(Span, K)],
        redact: impl Fn(&str, &K) -> String,
    ) -> Redaction {
        let mut redaction = Redaction::default();
        let mut ordered = spans.to_vec();
        ordered.sort_by_key(|(span, _)| span.start);
        mask_in(text, &ordered, |value, kind| {
            redaction.add(value, redact(value, kind))
        });
        redaction
    }

    /// Masks `spans` of `text` as [`Redaction::apply`] did when the text was first read:
    /// for a text read again, whose secrets are already recorded.
    pub fn mask(text: &mut String, spans: &[Span]) {
        let mut ordered: Vec<(Span, ())> = spans.iter().map(|&span| (span, ())).collect();
        ordered.sort_by_key(|(span, _)| span.start);
        mask_in(text, &ordered, |_, ()| {});
    }

    fn add(&mut self, value: &str, shown: String) {
        let lower = value.to_lowercase();
        if !self.secrets.iter().any(|(known, _)| *known == lower) {
            self.secrets.push((lower, shown));
            // Longest first: a secret that holds another is replaced whole.
            self.secrets
                .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.cmp(b)));
        }
    }

    /// Adds another file's secrets (for messages of cross-file rules).
    pub fn extend(&mut self, other: &Redaction) {
        for (lower, shown) in &other.secrets {
            if !self.secrets.iter().any(|(known, _)| known == lower) {
                self.secrets.push((lower.clone(), shown.clone()));
            }
        }
        self.secrets
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.cmp(b)));
    }

    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// `text` with every secret replaced by its redacted form: written whole (any letter
    /// case), or a run of token characters that is part of one.
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.secrets.is_empty() || text.is_empty() {
            return Cow::Borrowed(text);
        }
        let lower = text.to_lowercase();
        // `to_lowercase` may change byte lengths outside ASCII: compare only when it did not.
        let comparable = lower.len() == text.len();
        let mut out = String::with_capacity(text.len());
        let mut changed = false;
        let mut at = 0;
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let (start, c) = chars[i];
            // A whole secret starting here.
            let whole = comparable
                .then(|| {
                    self.secrets.iter().find(|(secret, _)| {
                        secret.len() >= MIN_ANYWHERE && lower[start..].starts_with(secret.as_str())
                    })
                })
                .flatten();
            if let Some((secret, shown)) = whole {
                out.push_str(&text[at..start]);
                out.push_str(shown);
                at = start + secret.len();
                changed = true;
                while i < chars.len() && chars[i].0 < at {
                    i += 1;
                }
                continue;
            }
            // A run of token characters that is part of a secret.
            if is_run_char(c) && (start == 0 || !text[..start].ends_with(is_run_char)) {
                let end = text[start..]
                    .find(|c: char| !is_run_char(c))
                    .map_or(text.len(), |n| start + n);
                let written = &text[start..end];
                let run = written.to_lowercase();
                // A word in lower case ("placeholder") is prose, even inside a secret.
                let word = written.chars().all(|c| c.is_lowercase());
                let part = self.secrets.iter().find(|(secret, _)| {
                    *secret == run
                        || (!word
                            && run.chars().count() >= MIN_PARTIAL
                            && secret.contains(run.as_str()))
                });
                if let Some((_, shown)) = part {
                    out.push_str(&text[at..start]);
                    out.push_str(shown);
                    at = end;
                    changed = true;
                    while i < chars.len() && chars[i].0 < at {
                        i += 1;
                    }
                    continue;
                }
            }
            i += 1;
        }
        if !changed {
            return Cow::Borrowed(text);
        }
        out.push_str(&text[at..]);
        Cow::Owned(out)
    }

    /// [`Redaction::scrub`] in place.
    pub fn scrub_in_place(&self, text: &mut String) {
        if let Cow::Owned(scrubbed) = self.scrub(text) {
            *text = scrubbed;
        }
    }
}

fn floor(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kinds as `rules::secrets` shows them: a token keeps its first four characters.
    #[derive(Clone)]
    enum SecretKind {
        MetaAccessToken,
        VerifyToken,
        Generic,
        UrlPassword,
    }

    fn redact(value: &str, kind: &SecretKind) -> String {
        let chars = value.chars().count();
        match kind {
            SecretKind::MetaAccessToken => {
                format!(
                    "{}…({chars} chars)",
                    value.chars().take(4).collect::<String>()
                )
            }
            SecretKind::VerifyToken | SecretKind::Generic | SecretKind::UrlPassword => {
                format!("…({chars} chars)")
            }
        }
    }

    const TOKEN: &str = "EAAGm0PX4ZCpsBAKZBqZAhZCZCZAvWQZDZD1x9yKZBqs8Jd7ZAnZCmBZAwLZBZC5Xk3";

    #[test]
    fn the_text_is_masked_with_the_same_layout() {
        let mut text = format!("token: {TOKEN}\npassword: pässwörd-123\n");
        let original = text.clone();
        let start = original.find("pä").unwrap();
        let spans = [
            (Span::new(7, 7 + TOKEN.len()), SecretKind::MetaAccessToken),
            (
                Span::new(start, start + "pässwörd-123".len()),
                SecretKind::Generic,
            ),
        ];
        let redaction = Redaction::apply(&mut text, &spans, redact);
        assert_eq!(text.len(), original.len());
        assert_eq!(text.chars().count(), original.chars().count());
        assert!(!text.contains(TOKEN) && !text.contains("pässwörd"));
        assert!(text.starts_with("token: ****"));
        assert!(text.contains("password: *¤***¤******\n"), "{text}");
        assert!(!redaction.is_empty());
    }

    #[test]
    fn messages_lose_the_secret_whole_cut_short_or_in_another_case() {
        let mut text = TOKEN.to_string();
        let redaction = Redaction::apply(
            &mut text,
            &[(Span::new(0, TOKEN.len()), SecretKind::MetaAccessToken)],
            redact,
        );
        let shown = "EAAG…(67 chars)";
        assert_eq!(
            redaction.scrub(&format!("webhook `{TOKEN}` is not HTTPS")),
            format!("webhook `{shown}` is not HTTPS")
        );
        assert_eq!(
            redaction.scrub(&format!(
                "rename it, e.g. to `{}`",
                TOKEN.to_ascii_lowercase()
            )),
            format!("rename it, e.g. to `{shown}`")
        );
        assert_eq!(
            redaction.scrub(&format!("starts `{}…`", &TOKEN[..20])),
            format!("starts `{shown}…`")
        );
        assert_eq!(
            redaction.scrub(&format!("/webhooks/{TOKEN}/url")),
            format!("/webhooks/{shown}/url")
        );
        // The redacted form itself, prose and other text stay.
        let mut text = "YOUR_VERIFY_TOKEN_PLACEHOLDER".to_string();
        let placeholder = Redaction::apply(
            &mut text,
            &[(Span::new(0, 29), SecretKind::VerifyToken)],
            redact,
        );
        assert_eq!(
            placeholder.scrub("a well-known placeholder (29 characters)"),
            "a well-known placeholder (29 characters)"
        );
        assert_eq!(redaction.scrub(shown), shown);
        assert!(matches!(
            redaction.scrub("menu has 4 options"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn short_secrets_are_replaced_only_whole() {
        let mut text = "pw".to_string();
        let redaction = Redaction::apply(
            &mut text,
            &[(Span::new(0, 2), SecretKind::UrlPassword)],
            redact,
        );
        assert_eq!(
            redaction.scrub("the pwd `pw` in https://u:pw@h"),
            "the pwd `…(2 chars)` in https://u:…(2 chars)@h"
        );
    }
}
