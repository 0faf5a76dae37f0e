//! The `{{…}}` placeholders of a template text, and everything that looks like a broken one.

/// What a `{{…}}` placeholder holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VariableKind {
    /// `{{1}}`, `{{2}}`, …
    Positional(u32),
    /// `{{first_name}}`: letters, digits and underscores, not only digits. Whether the name
    /// is one Meta accepts (lowercase letters and underscores) is for the rules to say.
    Named(String),
    /// Something that looks meant as a variable but is not one.
    Malformed(Malformed),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Malformed {
    /// `{{ 1 }}`, `{{#}}`, `{{}}`, `{{first-name}}`: not a number or a name.
    Content,
    /// `{{1` with no `}}` before the next brace or the end of the line.
    Unclosed,
    /// `{{1}` or `{1}}` or `{1}`: braces missing.
    MissingBrace,
    /// `{{{1}}}`: braces doubled up.
    ExtraBraces,
    /// `}}` that closes nothing.
    StrayClose,
}

/// A placeholder found in a text: bytes `start..end` of the decoded text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    pub start: usize,
    pub end: usize,
    pub kind: VariableKind,
}

/// Every `{{…}}` placeholder of a text, and everything that looks like a broken one, in
/// order. One pass, linear in the text; all delimiters are ASCII, so every range falls on
/// character boundaries.
pub fn variables(text: &str) -> Vec<Variable> {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let at = |i: usize| bytes.get(i).copied();
    let mut out = Vec::new();
    let mut i = 0;
    while i < len {
        if at(i) == Some(b'{') && at(i + 1) == Some(b'{') {
            let open = i;
            let content_start = i + 2;
            let mut k = content_start;
            while k < len && !matches!(bytes[k], b'{' | b'}' | b'\n') {
                k += 1;
            }
            if at(k) == Some(b'}') && at(k + 1) == Some(b'}') {
                let content = &text[content_start..k];
                let mut start = open;
                let mut end = k + 2;
                while start > 0 && at(start - 1) == Some(b'{') {
                    start -= 1;
                }
                while at(end) == Some(b'}') {
                    end += 1;
                }
                let kind = if start != open || end != k + 2 {
                    VariableKind::Malformed(Malformed::ExtraBraces)
                } else {
                    classify(content)
                };
                out.push(Variable { start, end, kind });
                i = end;
            } else if at(k) == Some(b'}') {
                out.push(Variable {
                    start: open,
                    end: k + 1,
                    kind: VariableKind::Malformed(Malformed::MissingBrace),
                });
                i = k + 1;
            } else if k == content_start && at(k) == Some(b'{') {
                // `{{{`: look again one brace later; the run is reported as ExtraBraces.
                i += 1;
            } else {
                let end = content_start + text[content_start..k].trim_end().len();
                out.push(Variable {
                    start: open,
                    end: end.max(content_start),
                    kind: VariableKind::Malformed(Malformed::Unclosed),
                });
                i = k.max(i + 1);
            }
        } else if at(i) == Some(b'{') && at(i + 1).is_some_and(|b| b.is_ascii_digit()) {
            // `{1}` or `{1}}`: a positional variable with a brace missing.
            let mut k = i + 1;
            while at(k).is_some_and(|b| b.is_ascii_digit()) {
                k += 1;
            }
            if at(k) == Some(b'}') {
                let mut end = k + 1;
                while at(end) == Some(b'}') {
                    end += 1;
                }
                out.push(Variable {
                    start: i,
                    end,
                    kind: VariableKind::Malformed(Malformed::MissingBrace),
                });
                i = end;
            } else {
                i = k;
            }
        } else if at(i) == Some(b'}') && at(i + 1) == Some(b'}') {
            let mut end = i + 2;
            while at(end) == Some(b'}') {
                end += 1;
            }
            out.push(Variable {
                start: i,
                end,
                kind: VariableKind::Malformed(Malformed::StrayClose),
            });
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

fn classify(content: &str) -> VariableKind {
    if !content.is_empty() && content.bytes().all(|b| b.is_ascii_digit()) {
        return match content.parse::<u32>() {
            Ok(n) => VariableKind::Positional(n),
            Err(_) => VariableKind::Malformed(Malformed::Content),
        };
    }
    if !content.is_empty()
        && content
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return VariableKind::Named(content.to_string());
    }
    VariableKind::Malformed(Malformed::Content)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kinds(text: &str) -> Vec<(&str, VariableKind)> {
        variables(text)
            .into_iter()
            .map(|v| (&text[v.start..v.end], v.kind))
            .collect()
    }

    #[test]
    fn finds_positional_and_named_variables_with_their_ranges() {
        let text = "Hi {{1}}, order {{2}} ships {{ship_date}}.";
        assert_eq!(
            kinds(text),
            vec![
                ("{{1}}", VariableKind::Positional(1)),
                ("{{2}}", VariableKind::Positional(2)),
                ("{{ship_date}}", VariableKind::Named("ship_date".into())),
            ]
        );
        assert_eq!(variables("price ${{2}}")[0].start, 7);
        assert!(variables("no variables here {} { } }").is_empty());
    }

    #[test]
    fn ranges_are_bytes_of_the_decoded_text() {
        let text = "Olá {{1}}, código {{2}}";
        let found = variables(text);
        assert_eq!(&text[found[0].start..found[0].end], "{{1}}");
        assert_eq!(&text[found[1].start..found[1].end], "{{2}}");
    }

    #[test]
    fn reports_broken_placeholders() {
        use Malformed::*;
        let cases = [
            ("Hi {{ 1 }}!", "{{ 1 }}", Content),
            ("Hi {{#}}!", "{{#}}", Content),
            ("Hi {{}}!", "{{}}", Content),
            ("Hi {{first-name}}", "{{first-name}}", Content),
            ("Hi {{1}, bye", "{{1}", MissingBrace),
            ("Hi {1}}, bye", "{1}}", MissingBrace),
            ("Hi {1}, bye", "{1}", MissingBrace),
            ("Hi {{{1}}}, bye", "{{{1}}}", ExtraBraces),
            ("Hi {{1 and more", "{{1 and more", Unclosed),
            ("Hi 1}} there", "}}", StrayClose),
        ];
        for (text, shown, kind) in cases {
            assert_eq!(
                kinds(text),
                vec![(shown, VariableKind::Malformed(kind))],
                "{text}"
            );
        }
        // A broken placeholder does not swallow the next good one.
        assert_eq!(
            kinds("{{1 then {{2}}"),
            vec![
                ("{{1 then", VariableKind::Malformed(Unclosed)),
                ("{{2}}", VariableKind::Positional(2)),
            ]
        );
        assert_eq!(
            kinds("{{99999999999}}"),
            vec![("{{99999999999}}", VariableKind::Malformed(Content))]
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn no_text_makes_the_variable_parser_panic(text in "(\\PC|[{}\n])*") {
            let mut last = 0;
            for v in variables(&text) {
                prop_assert!(v.start < v.end && v.end <= text.len());
                prop_assert!(v.start >= last, "ranges are in order and do not overlap");
                prop_assert!(text.is_char_boundary(v.start) && text.is_char_boundary(v.end));
                last = v.end;
            }
        }

        #[test]
        fn brace_soup_never_panics(text in "[{}a1 _#\n]{0,64}") {
            for v in variables(&text) {
                prop_assert!(text.get(v.start..v.end).is_some());
            }
        }
    }
}
