//! Reading the texts customers see, for every rule that looks inside one: the web
//! addresses a text holds.

/// A web address found in a text: bytes `start..end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    pub start: usize,
    pub end: usize,
    /// Written with `http://` (not `https://`, not a bare `www.`).
    pub insecure: bool,
}

/// Every `http://`, `https://` and `www.` address of a text. An address starts at a word
/// boundary and runs to white space or a quote or angle bracket; trailing sentence
/// punctuation and WhatsApp formatting marks (`*bold*`) are not part of it.
pub fn urls(text: &str) -> Vec<Link> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let rest = &bytes[i..];
        let starts_with = |prefix: &[u8]| {
            rest.len() >= prefix.len() && rest[..prefix.len()].eq_ignore_ascii_case(prefix)
        };
        let (scheme, insecure) = if !boundary {
            (0, false)
        } else if starts_with(b"http://") {
            (7, true)
        } else if starts_with(b"https://") {
            (8, false)
        } else if starts_with(b"www.") {
            (4, false)
        } else {
            (0, false)
        };
        if scheme == 0 {
            i += 1;
            continue;
        }
        let mut end = i + scheme;
        while end < bytes.len()
            && !bytes[end].is_ascii_whitespace()
            && !matches!(bytes[end], b'"' | b'\'' | b'<' | b'>')
        {
            // Stop at non-ASCII white space too (no-break space); other characters are
            // part of the address (internationalised paths).
            let Some(c) = text[end..].chars().next() else {
                break;
            };
            if c.is_whitespace() {
                break;
            }
            end += c.len_utf8();
        }
        let mut trimmed = end;
        while trimmed > i + scheme {
            let last = bytes[trimmed - 1];
            let unbalanced_paren = last == b')' && !text[i..trimmed].contains('(');
            if matches!(
                last,
                b'.' | b',' | b';' | b':' | b'!' | b'?' | b'*' | b'_' | b'~' | b']'
            ) || unbalanced_paren
            {
                trimmed -= 1;
            } else {
                break;
            }
        }
        if trimmed > i + scheme {
            out.push(Link {
                start: i,
                end: trimmed,
                insecure,
            });
        }
        i = end.max(i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn found(text: &str) -> Vec<(&str, bool)> {
        urls(text)
            .into_iter()
            .map(|l| (&text[l.start..l.end], l.insecure))
            .collect()
    }

    #[test]
    fn finds_links_without_trailing_punctuation() {
        assert_eq!(
            found("See http://acme.example/a?b=1. Or *https://x.example/y*, www.acme.example!"),
            vec![
                ("http://acme.example/a?b=1", true),
                ("https://x.example/y", false),
                ("www.acme.example", false),
            ]
        );
        assert_eq!(
            found("(see HTTP://Acme.example/x)"),
            vec![("HTTP://Acme.example/x", true)]
        );
        assert_eq!(
            found("https://en.wikipedia.org/wiki/Foo_(bar)"),
            vec![("https://en.wikipedia.org/wiki/Foo_(bar)", false)]
        );
        assert!(found("xhttp://no http:// nohttps").is_empty());
    }

    proptest! {
        #[test]
        fn never_panics(text in "(\\PC|[ :/.wh])*") {
            for l in urls(&text) {
                prop_assert!(text.get(l.start..l.end).is_some());
            }
        }
    }
}
