//! WA003 hardcoded-secret: access tokens, app secrets, verify tokens and other credentials
//! written into any value of any recognised file.
//!
//! Every finding is *sensitive*: its message shows only a redacted form of the value
//! ([`redact`]) and the engine masks the value's characters wherever a report shows source.
//! Detection parameters (prefixes, lengths, field names, entropy) are data:
//! `rules/data/secrets.yaml` and the placeholder lists of `rules/data/verify_tokens.yaml`.

use std::sync::LazyLock;

use super::{is_placeholder, FileContext};
use crate::catalogue::RuleId;
use crate::data::{self, Secrets, VerifyTokens, SECRETS, VERIFY_TOKENS};
use crate::diagnostic::{At, Finding};
use crate::source::{NodeId, Tree, Value};

pub const CODE: RuleId = RuleId::WA003;

/// Visits every scalar (string, or number as written) of a tree once, with the key it sits
/// under (a list's items get the list's key). Iterates over the arena: no recursion, so input
/// depth cannot overflow the stack, and aliases are not expanded (their targets are visited
/// where they are written).
pub(super) fn each_scalar(tree: &Tree, mut visit: impl FnMut(NodeId, &str, Option<&str>)) {
    let is_alias = |id: NodeId| tree.resolve(id) != id;
    let scalar = |id: NodeId| match tree.value(id) {
        Value::String(s) | Value::Number(s) => Some(s.as_str()),
        _ => None,
    };
    for id in 0..tree.node_count() {
        if is_alias(id) {
            continue;
        }
        match tree.value(id) {
            Value::Map(entries) => {
                for entry in entries {
                    if is_alias(entry.value) {
                        continue;
                    }
                    if let Some(text) = scalar(entry.value) {
                        visit(entry.value, text, Some(&entry.key));
                    } else if let Value::Seq(items) = tree.value(entry.value) {
                        for &item in items.iter().filter(|&&i| !is_alias(i)) {
                            if let Some(text) = scalar(item) {
                                visit(item, text, Some(&entry.key));
                            }
                        }
                    }
                }
            }
            Value::Seq(items) => {
                // Items of a list that is a mapping's value were visited with that key.
                let under_key = tree
                    .parent(id)
                    .is_some_and(|p| matches!(tree.value(p), Value::Map(_)));
                if !under_key {
                    for &item in items.iter().filter(|&&i| !is_alias(i)) {
                        if let Some(text) = scalar(item) {
                            visit(item, text, None);
                        }
                    }
                }
            }
            _ => {
                if tree.parent(id).is_none() {
                    if let Some(text) = scalar(id) {
                        visit(id, text, None);
                    }
                }
            }
        }
    }
}

/// What kind of secret a value holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretKind {
    MetaAccessToken,
    AppToken,
    AppSecret,
    VerifyToken,
    UrlPassword,
    /// A high-entropy value under a secret-named field.
    Generic,
}

/// A secret found inside a string value: bytes `start..end` of the decoded value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Secret {
    pub kind: SecretKind,
    pub start: usize,
    pub end: usize,
}

struct Rules {
    meta_prefix: String,
    meta_min_tail: usize,
    app_id_digits: (usize, usize),
    app_secret_length: (usize, usize),
    hex_length: usize,
    secret_words: Vec<String>,
    not_secret_keys: Vec<String>,
    verify_token_keys: Vec<String>,
    generic_min_length: usize,
    generic_min_entropy: f64,
    weak_words: Vec<String>,
    placeholder_markers: Vec<String>,
}

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let secrets: Secrets = data::load(SECRETS);
    let tokens: VerifyTokens = data::load(VERIFY_TOKENS);
    let lower = |list: Vec<String>| -> Vec<String> {
        list.into_iter().map(|s| s.to_ascii_lowercase()).collect()
    };
    Rules {
        meta_prefix: secrets.meta_token_prefix,
        meta_min_tail: secrets.meta_token_min_tail,
        app_id_digits: secrets.app_token_id_digits,
        app_secret_length: secrets.app_token_secret_length,
        hex_length: secrets.app_secret_hex_length,
        secret_words: lower(secrets.secret_key_words),
        not_secret_keys: lower(secrets.not_secret_keys),
        verify_token_keys: secrets
            .verify_token_keys
            .iter()
            .map(|k| normalise_key(k))
            .collect(),
        generic_min_length: secrets.generic_min_length,
        generic_min_entropy: secrets.generic_min_entropy_bits,
        weak_words: lower(tokens.words),
        placeholder_markers: lower(tokens.placeholder_markers),
    }
});

/// Shannon entropy of a string in bits per character.
pub fn entropy_bits(text: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut total = 0usize;
    for c in text.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    let total = total as f64;
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / total;
            -p * p.log2()
        })
        .sum()
}

/// A value someone is meant to replace (`YOUR_TOKEN`, `changeme`, `xxxx`), or a reference
/// filled in at deploy time (`${TOKEN}`): never a secret.
pub fn is_placeholder_value(value: &str) -> bool {
    if is_placeholder(value) {
        return true;
    }
    let lower = value.trim().to_ascii_lowercase();
    let squashed: String = lower
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .collect();
    RULES
        .placeholder_markers
        .iter()
        .any(|m| lower.contains(m.as_str()))
        || RULES.weak_words.contains(&squashed)
}

/// Lower case, with `-` and `.` read as `_` (`X-Api-Key` → `x_api_key`).
fn normalise_key(key: &str) -> String {
    key.to_ascii_lowercase().replace(['-', '.'], "_")
}

fn is_verify_token_key(key: &str) -> bool {
    let key = normalise_key(key);
    RULES.verify_token_keys.contains(&key)
}

/// Whether a key mentions a secret word (`Api-Key` mentions `api_key`), without allocating:
/// the quick test run on every key of every file before anything costlier.
fn mentions_secret_word(key: &str) -> bool {
    let normal = |b: u8| match b {
        b'-' | b'.' => b'_',
        other => other.to_ascii_lowercase(),
    };
    let key = key.as_bytes();
    RULES.secret_words.iter().any(|word| {
        let word = word.as_bytes();
        word.len() <= key.len()
            && key
                .windows(word.len())
                .any(|w| w.iter().zip(word).all(|(&a, &b)| normal(a) == b))
    })
}

/// A field whose name says it holds a secret (`app_secret`, `ACCESS_TOKEN`, `api-key`).
pub fn is_secret_key(key: &str) -> bool {
    let key = normalise_key(key);
    !RULES.not_secret_keys.contains(&key) && RULES.secret_words.iter().any(|w| key.contains(w))
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// `EAA…` runs of at least `meta_min_tail` letters and digits after the prefix.
fn meta_tokens(value: &str, out: &mut Vec<Secret>) {
    let bytes = value.as_bytes();
    let prefix = RULES.meta_prefix.as_str();
    let mut from = 0;
    while let Some(found) = value.get(from..).and_then(|rest| rest.find(prefix)) {
        let start = from + found;
        let mut end = start + prefix.len();
        while bytes.get(end).copied().is_some_and(is_token_char) {
            end += 1;
        }
        let boundary = start == 0 || !bytes.get(start - 1).copied().is_some_and(is_token_char);
        if boundary && end - start - prefix.len() >= RULES.meta_min_tail {
            out.push(Secret {
                kind: SecretKind::MetaAccessToken,
                start,
                end,
            });
        }
        from = end.max(start + 1);
    }
}

/// `<app_id>|<secret>` (or `%7C`): 15–16 digits, a bar, 27–40 characters of `[0-9A-Za-z_-]`.
fn app_tokens(value: &str, out: &mut Vec<Secret>) {
    let bytes = value.as_bytes();
    let is_secret_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let mut i = 0;
    while i < bytes.len() {
        let bar = if bytes.get(i) == Some(&b'|') {
            1
        } else if value
            .get(i..i + 3)
            .is_some_and(|s| s.eq_ignore_ascii_case("%7c"))
        {
            3
        } else {
            i += 1;
            continue;
        };
        let mut start = i;
        while start > 0 && bytes.get(start - 1).is_some_and(u8::is_ascii_digit) {
            start -= 1;
        }
        let digits = i - start;
        let mut end = i + bar;
        while bytes.get(end).copied().is_some_and(is_secret_char) {
            end += 1;
        }
        let secret = end - (i + bar);
        let (min_id, max_id) = RULES.app_id_digits;
        let (min_secret, max_secret) = RULES.app_secret_length;
        let id_boundary =
            start == 0 || !bytes.get(start - 1).is_some_and(u8::is_ascii_alphanumeric);
        if id_boundary
            && (min_id..=max_id).contains(&digits)
            && (min_secret..=max_secret).contains(&secret)
        {
            out.push(Secret {
                kind: SecretKind::AppToken,
                start,
                end,
            });
        }
        i = end.max(i + 1);
    }
}

/// Passwords in URLs: `scheme://user:password@host`.
fn url_passwords(value: &str, out: &mut Vec<Secret>) {
    let mut from = 0;
    while let Some(found) = value.get(from..).and_then(|rest| rest.find("://")) {
        let authority_start = from + found + 3;
        let rest = value.get(authority_start..).unwrap_or("");
        let authority_len = rest
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .unwrap_or(rest.len());
        let authority = rest.get(..authority_len).unwrap_or("");
        if let Some(at) = authority.rfind('@') {
            let userinfo = authority.get(..at).unwrap_or("");
            if let Some(colon) = userinfo.find(':') {
                let password = userinfo.get(colon + 1..).unwrap_or("");
                if !password.is_empty() && !is_placeholder_value(password) {
                    out.push(Secret {
                        kind: SecretKind::UrlPassword,
                        start: authority_start + colon + 1,
                        end: authority_start + at,
                    });
                }
            }
        }
        from = authority_start + authority_len;
    }
}

/// A name rather than a value: `WHATSAPP_API_KEY`, `token_cache_key`, `my-verify-token`.
fn looks_like_identifier(value: &str) -> bool {
    let upper_name = value
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    let lower_words = value
        .bytes()
        .all(|b| b.is_ascii_lowercase() || matches!(b, b'_' | b'-' | b'.'));
    upper_name || lower_words
}

/// Which shaped tokens a text can hold at all: each shape needs its marker somewhere in it,
/// and nearly every text has none, so one cheap search each spares the scans.
#[derive(Clone, Copy)]
struct Markers {
    meta: bool,
    app: bool,
    url: bool,
}

impl Markers {
    fn of(text: &str) -> Markers {
        let prefix = RULES.meta_prefix.as_str();
        Markers {
            meta: text.len() >= prefix.len() + RULES.meta_min_tail && text.contains(prefix),
            // One character at a time: `contains(char)` runs memchr, a set of two does not.
            app: text.contains('|') || text.contains('%'),
            // A password stands between `://` and an `@`.
            url: text.contains('@') && text.contains("://"),
        }
    }

    /// What to search for the chunks that may hold a token: one marker of each shape's.
    fn needles(self) -> Vec<&'static str> {
        let mut needles = Vec::new();
        if self.meta {
            needles.push(RULES.meta_prefix.as_str());
        }
        if self.app {
            needles.extend(["|", "%"]);
        }
        if self.url {
            needles.push("://");
        }
        needles
    }

    /// The shaped tokens of `text` (a value, or a chunk of the text the markers are of).
    fn tokens(self, text: &str, out: &mut Vec<Secret>) {
        if self.meta {
            meta_tokens(text, out);
        }
        if self.app {
            app_tokens(text, out);
        }
        if self.url {
            url_passwords(text, out);
        }
    }
}

/// Every secret in one scalar value, with the key it sits under.
pub fn find(value: &str, key: Option<&str>) -> Vec<Secret> {
    let mut out = Vec::new();
    if is_placeholder(value) {
        return out;
    }
    Markers::of(value).tokens(value, &mut out);
    if !out.is_empty() {
        return out;
    }
    // Only a field named like a secret can make a plain value one (verify-token fields all
    // mention `token`).
    let Some(key) = key.filter(|k| mentions_secret_word(k)) else {
        return out;
    };
    let trimmed = value.trim();
    if trimmed.is_empty() || is_placeholder_value(trimmed) {
        return out;
    }
    let start = value.len() - value.trim_start().len();
    let whole = |kind| Secret {
        kind,
        start,
        end: start + trimmed.len(),
    };
    if is_verify_token_key(key) {
        out.push(whole(SecretKind::VerifyToken));
    } else if is_secret_key(key) {
        let hex =
            trimmed.len() == RULES.hex_length && trimmed.bytes().all(|b| b.is_ascii_hexdigit());
        if hex {
            out.push(whole(SecretKind::AppSecret));
        } else if trimmed.chars().count() >= RULES.generic_min_length
            && !trimmed.contains(char::is_whitespace)
            && !trimmed.contains("://")
            && !looks_like_identifier(trimmed)
            && entropy_bits(trimmed) >= RULES.generic_min_entropy
        {
            out.push(whole(SecretKind::Generic));
        }
    }
    out
}

/// Where `needle` is first found in `text` at or after byte `from` (a one-byte needle by
/// memchr).
fn find_from(text: &str, from: usize, needle: &str) -> Option<usize> {
    let rest = text.get(from..)?;
    let found = match needle.as_bytes() {
        [byte] if byte.is_ascii() => rest.find(char::from(*byte)),
        _ => rest.find(needle),
    };
    found.map(|at| from + at)
}

/// Characters that end a chunk of raw text when looking for tokens: whitespace, quotes and
/// the punctuation around values in JSON and YAML, so a URL's userinfo never runs on into
/// the next value.
fn ends_chunk(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '"' | '\'' | '`' | ',' | '{' | '}' | '[' | ']' | '(' | ')' | '<' | '>' | '\\' | ';'
        )
}

/// A key's characters, as written before `:` or `=`.
fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// Secrets written anywhere in a file's raw text: tokens of a known shape wherever they are
/// (a value, a key, a comment, a file that does not parse), and the value of a
/// `key: value`, `"key": "value"` or `KEY=value` pair whose key names a secret. Byte spans
/// into `text`, sorted, not overlapping.
pub fn find_in_text(text: &str) -> Vec<(crate::source::Span, SecretKind)> {
    use crate::source::Span;
    let mut out: Vec<(Span, SecretKind)> = Vec::new();
    let mut push = |start: usize, secret: Secret| {
        out.push((
            Span::new(start + secret.start, start + secret.end),
            secret.kind,
        ));
    };
    // Shaped tokens, chunk by chunk. A token holds its shape's marker, so only a chunk with
    // a marker in it can hold one: the chunks are found around the markers (each marker
    // searched once over the text), in order, and no other character is read.
    let markers = Markers::of(text);
    let needles = markers.needles();
    let mut next: Vec<Option<usize>> = needles.iter().map(|n| find_from(text, 0, n)).collect();
    let mut done = 0;
    loop {
        for (needle, at) in needles.iter().zip(next.iter_mut()) {
            if at.is_some_and(|at| at < done) {
                *at = find_from(text, done, needle);
            }
        }
        let Some(at) = next.iter().flatten().min().copied() else {
            break;
        };
        let start = text
            .get(done..at)
            .and_then(|before| before.char_indices().rev().find(|&(_, c)| ends_chunk(c)))
            .map_or(done, |(i, c)| done + i + c.len_utf8());
        let end = text
            .get(at..)
            .and_then(|after| after.char_indices().find(|&(_, c)| ends_chunk(c)))
            .map_or(text.len(), |(i, _)| at + i);
        done = end.max(at + 1);
        if let Some(chunk) = text.get(start..end).filter(|c| c.len() >= 8) {
            let mut found = Vec::new();
            markers.tokens(chunk, &mut found);
            for secret in found {
                push(start, secret);
            }
        }
    }
    // Values under secret-named keys: each `:` or `=` with the key before it on its line (a
    // line ends after `\n` or `\r`). One pass over the bytes: all four are ASCII, so every
    // position found is a character boundary. The next of them is found by a search of its
    // own, which compiles to a tight loop; the body's state kept in the loop made every byte
    // of every file cost some thirty instructions.
    let bytes = text.as_bytes();
    let is_stop = |b: &u8| matches!(b, b'\n' | b'\r' | b':' | b'=');
    let mut line_start = 0;
    let mut from = 0;
    while let Some(found) = bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(is_stop))
    {
        let at = from + found;
        from = at + 1;
        if matches!(bytes[at], b'\n' | b'\r') {
            line_start = at + 1;
            continue;
        }
        let before = text[line_start..at].trim_end();
        let before = before.strip_suffix(['"', '\'']).unwrap_or(before);
        let key_start = before
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_key_char(c))
            .last()
            .map_or(before.len(), |(i, _)| i);
        let key = &before[key_start..];
        if key.is_empty() || !mentions_secret_word(key) {
            continue;
        }
        let line_end = bytes[at..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
            .map_or(text.len(), |i| at + i + 1);
        let after = &text[at + 1..line_end];
        let skipped = after.len() - after.trim_start().len();
        let rest = &after[skipped..];
        let (value, offset) = match rest.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let body = &rest[1..];
                (&body[..body.find(quote).unwrap_or(body.len())], 1)
            }
            _ => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || matches!(c, ',' | '}' | ']' | '#'))
                    .unwrap_or(rest.len());
                (&rest[..end], 0)
            }
        };
        let value_start = at + 1 + skipped + offset;
        for secret in find(value, Some(key)) {
            push(value_start, secret);
        }
    }
    out.sort_by_key(|(span, _)| (span.start, std::cmp::Reverse(span.end)));
    // One span for overlapping finds (a token that is also a key's value).
    let mut merged: Vec<(Span, SecretKind)> = Vec::with_capacity(out.len());
    for (span, kind) in out {
        match merged.last_mut() {
            Some((last, _)) if span.start < last.end => last.end = last.end.max(span.end),
            _ => merged.push((span, kind)),
        }
    }
    merged
}

/// The kind of a secret WA003 found: its shape if it has one, else a value known to be a
/// secret by where it is written.
pub fn kind_of(value: &str) -> SecretKind {
    find(value, None)
        .into_iter()
        .find(|s| s.start == 0 && s.end == value.len())
        .map_or(SecretKind::Generic, |s| s.kind)
}

/// The form a secret may be shown in: a public-looking prefix for tokens whose first
/// characters are structure (`EAAG…(68 chars)`), nothing but the length for the rest.
pub fn redact(secret: &str, kind: &SecretKind) -> String {
    let chars = secret.chars().count();
    let shows_prefix = matches!(kind, SecretKind::MetaAccessToken | SecretKind::AppToken);
    if shows_prefix && chars >= 16 {
        let prefix: String = secret.chars().take(4).collect();
        format!("{prefix}…({chars} chars)")
    } else {
        format!("…({chars} chars)")
    }
}

fn describe(kind: &SecretKind, shown: &str, key: Option<&str>) -> String {
    let under = key.map(|k| format!(" under `{k}`")).unwrap_or_default();
    match kind {
        SecretKind::MetaAccessToken => format!(
            "Meta access token `{shown}`{under} is written into the file; whoever reads it can act as your WhatsApp Business Account"
        ),
        SecretKind::AppToken => format!(
            "app access token `{shown}`{under} (app id|app secret) is written into the file"
        ),
        SecretKind::AppSecret => format!(
            "app secret `{shown}`{under} is written into the file; with it anyone can sign forged webhook events"
        ),
        SecretKind::VerifyToken => format!(
            "verify token `{shown}`{under} is a literal; keep it out of the file and reference it, e.g. ${{WA_VERIFY_TOKEN}}"
        ),
        SecretKind::UrlPassword => format!("password `{shown}` is written into a URL{under}"),
        SecretKind::Generic => format!("secret value `{shown}`{under} is written into the file"),
    }
}

/// WA003 hardcoded-secret, over every scalar of a recognised file.
pub fn hardcoded_secret(ctx: &FileContext, out: &mut Vec<Finding>) {
    each_scalar(ctx.tree, |node, value, key| {
        if !matches!(ctx.tree.value(node), Value::String(_)) {
            return;
        }
        for secret in find(value, key) {
            let text = value.get(secret.start..secret.end).unwrap_or("");
            let shown = redact(text, &secret.kind);
            out.push(
                Finding::new(
                    CODE,
                    At::InString(node, secret.start, secret.end),
                    describe(&secret.kind, &shown, key),
                )
                .help(
                    "move it to a secret store or the deployment environment and reference it \
                     (${NAME}); rotate it, since it stays in the repository's history",
                )
                .sensitive(),
            );
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "EAAGm0PX4ZCpsBAKZBqZAhZCZCZAvWQZDZD1x9yKZBqs8Jd7ZAnZCmBZAwLZBZC5Xk3";

    fn kinds(value: &str, key: Option<&str>) -> Vec<SecretKind> {
        find(value, key).into_iter().map(|s| s.kind).collect()
    }

    #[test]
    fn meta_tokens_anywhere() {
        assert_eq!(kinds(TOKEN, Some("note")), [SecretKind::MetaAccessToken]);
        let header = format!("Bearer {TOKEN}");
        let found = find(&header, Some("Authorization"));
        assert_eq!(found.len(), 1);
        assert_eq!(&header[found[0].start..found[0].end], TOKEN);
        let url = format!("https://graph.facebook.com/v23.0/me?access_token={TOKEN}&x=1");
        assert_eq!(kinds(&url, None), [SecretKind::MetaAccessToken]);
        // Too short, or inside a word: not a token.
        assert!(kinds("EAA1234", Some("token")).is_empty());
        assert!(kinds(&format!("X{TOKEN}"), None).is_empty());
    }

    #[test]
    fn app_tokens_and_app_secrets() {
        let app_token = "123456789012345|AbCdEfGhIjKlMnOpQrStUvWxYz0";
        assert_eq!(kinds(app_token, None), [SecretKind::AppToken]);
        assert_eq!(
            kinds("123456789012345%7CAbCdEfGhIjKlMnOpQrStUvWxYz0", None),
            [SecretKind::AppToken]
        );
        let hex = "6dca4e8f0b2a4c1d9e7f3a5b8c0d2e4f";
        assert_eq!(kinds(hex, Some("app_secret")), [SecretKind::AppSecret]);
        assert_eq!(
            kinds(hex, Some("facebook_app_secret")),
            [SecretKind::AppSecret]
        );
        // The same hex under a field that is not about secrets: an id or a hash.
        assert!(kinds(hex, Some("etag")).is_empty());
    }

    #[test]
    fn verify_tokens_and_generic_secrets() {
        assert_eq!(
            kinds("k8Jq2vX9pLm4nR7sT1wY", Some("verify_token")),
            [SecretKind::VerifyToken]
        );
        assert_eq!(
            kinds("sk_live_51Hx9Qa2Lk8Zp3Rt6Vw", Some("stripe_api_key")),
            [SecretKind::Generic]
        );
        assert_eq!(
            kinds(
                "https://bot:S3cr3tPassw0rd@hooks.acme.example/wa",
                Some("callback_url")
            ),
            [SecretKind::UrlPassword]
        );
    }

    #[test]
    fn pinned_false_positives() {
        // References and placeholders are not secrets.
        for value in [
            "${WA_VERIFY_TOKEN}",
            "{{verify_token}}",
            "<YOUR_VERIFY_TOKEN>",
            "YOUR_VERIFY_TOKEN_PLACEHOLDER",
            "changeme",
            "REPLACE_ME",
            "xxxxxxxxxxxxxxxxxxxx",
        ] {
            assert!(kinds(value, Some("verify_token")).is_empty(), "{value}");
            assert!(kinds(value, Some("app_secret")).is_empty(), "{value}");
        }
        // A template body that talks about tokens and passwords.
        assert!(kinds(
            "Your one-time token is {{1}}. Never share your password.",
            Some("text")
        )
        .is_empty());
        assert!(kinds(
            "Enter the verification token we sent you",
            Some("password_hint")
        )
        .is_empty());
        // Names of variables and settings, not values.
        assert!(kinds("WHATSAPP_ACCESS_TOKEN", Some("token_env")).is_empty());
        assert!(kinds("whatsapp-cloud-api-token", Some("secret_name")).is_empty());
        assert!(kinds("unused", Some("flow_token")).is_empty());
        assert!(kinds("https://auth.acme.example/oauth/token", Some("token_url")).is_empty());
        // Sentences under a secret-named key.
        assert!(kinds(
            "Please enter your password to continue",
            Some("password_prompt")
        )
        .is_empty());
        // Ids are numbers, not secrets.
        assert!(kinds("102290129340398", Some("waba_id")).is_empty());
        // A chatbot platform's reference to a credential it stores (Typebot's blocks), not
        // the credential: random-looking, but useless outside that platform's account.
        assert!(kinds("clwhwq9sf0005fst2cxft51xa", Some("credentialsId")).is_empty());
        assert!(kinds("clwhwq9sf0005fst2cxft51xa", Some("credential_id")).is_empty());
        assert_eq!(
            kinds("clwhwq9sf0005fst2cxft51xa", Some("credential")),
            [SecretKind::Generic]
        );
        // A URL with a user but no password, or a placeholder password.
        assert!(kinds("https://bot@hooks.acme.example/wa", None).is_empty());
        assert!(kinds("https://bot:${HOOK_PASSWORD}@hooks.acme.example/wa", None).is_empty());
    }

    /// What [`find_in_text`] finds in `text`, as the values written and their kinds.
    fn found_in(text: &str) -> Vec<(&str, SecretKind)> {
        find_in_text(text)
            .into_iter()
            .map(|(span, kind)| (&text[span.start..span.end], kind))
            .collect()
    }

    #[test]
    fn secrets_are_found_in_raw_text_wherever_they_are_written() {
        let text = format!(
            "# the old token: {TOKEN}\nwebhooks:\n  - callback_url: https://bot:hunter2pass@hooks.example/wa\n    verify_token: \"k8Jq2vX9pLm4nR7sT1wY\"\n    {{\"app_secret\": \"6dca4e8f0b2a4c1d9e7f3a5b8c0d2e4f\", broken\nAPI_KEY=sk_live_51Hx9Qa2Lk8Zp3Rt6Vw\n"
        );
        let found = found_in(&text);
        assert_eq!(
            found,
            [
                (TOKEN, SecretKind::MetaAccessToken),
                ("hunter2pass", SecretKind::UrlPassword),
                ("k8Jq2vX9pLm4nR7sT1wY", SecretKind::VerifyToken),
                ("6dca4e8f0b2a4c1d9e7f3a5b8c0d2e4f", SecretKind::AppSecret),
                ("sk_live_51Hx9Qa2Lk8Zp3Rt6Vw", SecretKind::Generic),
            ]
        );
        // Prose, references and placeholders are not secrets here either.
        let quiet = "verify_token: ${WA_VERIFY_TOKEN}\ntext: \"Never share your password: it is yours\"\ntoken_url: https://auth.example/oauth/token\n";
        assert!(find_in_text(quiet).is_empty(), "{:?}", find_in_text(quiet));
    }

    #[test]
    fn tokens_are_found_in_every_chunk_with_a_marker_and_only_there() {
        // Tokens at both ends of the text, two in one line, the `%7C` form after chunks of
        // `%` and `|` that hold none, and a URL's password: each chunk is read once.
        let text = format!(
            "111111111111111|AbCdEfGhIjKlMnOpQrStUvWxYz1 a|b 50%%%% off\n\"222222222222222%7CAbCdEfGhIjKlMnOpQrStUvWxYz2\",{{{TOKEN}}} https://u:pw12345678@h.example/ 333333333333333|AbCdEfGhIjKlMnOpQrStUvWxYz3"
        );
        let found = found_in(&text);
        assert_eq!(
            found,
            [
                (
                    "111111111111111|AbCdEfGhIjKlMnOpQrStUvWxYz1",
                    SecretKind::AppToken
                ),
                (
                    "222222222222222%7CAbCdEfGhIjKlMnOpQrStUvWxYz2",
                    SecretKind::AppToken
                ),
                (TOKEN, SecretKind::MetaAccessToken),
                ("pw12345678", SecretKind::UrlPassword),
                (
                    "333333333333333|AbCdEfGhIjKlMnOpQrStUvWxYz3",
                    SecretKind::AppToken
                ),
            ]
        );
        // A marker with no token around it finds nothing.
        assert!(find_in_text("a|b 50% EAA x://y @z").is_empty());
    }

    #[test]
    fn secret_words_match_any_spelling_of_the_key() {
        assert!(mentions_secret_word("X-Api-Key"));
        assert!(mentions_secret_word("ACCESS_TOKEN"));
        assert!(mentions_secret_word("hub.verify_token"));
        assert!(!mentions_secret_word("text"));
        assert!(!mentions_secret_word("tok"));
        assert!(is_verify_token_key("hub.verify_token"));
        assert!(is_verify_token_key("Verify-Token"));
    }

    #[test]
    fn redaction_keeps_only_what_is_public() {
        assert_eq!(
            redact(TOKEN, &SecretKind::MetaAccessToken),
            "EAAG…(67 chars)"
        );
        assert_eq!(
            redact("k8Jq2vX9pLm4nR7sT1wY", &SecretKind::VerifyToken),
            "…(20 chars)"
        );
    }

    #[test]
    fn walks_every_scalar_once_without_recursion() {
        // Deep nesting: the walk is a loop over the arena.
        let depth = 100;
        let text = format!(
            "{}{{\"token\": \"{TOKEN}\"}}{}",
            "{\"a\": ".repeat(depth),
            "}".repeat(depth)
        );
        let tree = crate::source::parse(&text, crate::source::Format::Json).unwrap();
        let mut seen = Vec::new();
        each_scalar(&tree, |_, value, key| {
            seen.push((value.to_string(), key.map(str::to_string)))
        });
        assert_eq!(seen, [(TOKEN.to_string(), Some("token".to_string()))]);

        let yaml = "a: &t secret-value-1234567890\nb: *t\nlist: [x, y]\n---\nplain\n";
        let tree = crate::source::parse(yaml, crate::source::Format::Yaml).unwrap();
        let mut seen = Vec::new();
        each_scalar(&tree, |_, value, key| {
            seen.push(format!("{}={value}", key.unwrap_or("-")))
        });
        assert_eq!(
            seen,
            ["a=secret-value-1234567890", "list=x", "list=y", "-=plain"]
        );
    }
}
