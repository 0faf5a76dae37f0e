//! The `then` functions of custom rules: each takes the value at the field (`None`: the
//! field is not there) and says why it fails, if it does. Options are compiled once per run
//! (regular expressions, phrase sets), when the rule is read.

use serde_json::Value as Json;

use crate::model::LanguageCode;
use crate::rules::wording::{ByLanguage, FoldedText, PhraseSet};

/// A function of a `then` clause, with its options.
#[derive(Debug)]
pub enum Function {
    Truthy,
    Falsy,
    Defined,
    Undefined,
    Pattern {
        matches: Option<Pattern>,
        not_matches: Option<Pattern>,
    },
    Length {
        min: Option<f64>,
        max: Option<f64>,
    },
    Enumeration {
        values: Vec<Json>,
    },
    Casing {
        casing: Casing,
        disallow_digits: bool,
        separator: Option<Separator>,
    },
    /// A list's items (by `keyed_by`, a key of each) or a mapping's keys are sorted.
    Alphabetical {
        keyed_by: Option<String>,
    },
    /// A mapping sets exactly one of `properties`.
    Xor {
        properties: Vec<String>,
    },
    ContainsPhrase {
        any: Option<Box<ByLanguage<PhraseSet>>>,
        none: Option<Box<ByLanguage<PhraseSet>>>,
    },
    /// A JSON Schema the value must be valid against, compiled when the rule is read.
    JsonSchema {
        validator: Box<jsonschema::Validator>,
    },
}

/// The functions as rule files write them, each with the options it takes: what the rule
/// file reader accepts and the custom-rule JSON Schema lists.
pub const FUNCTIONS: &[(&str, &[&str])] = &[
    ("truthy", &[]),
    ("falsy", &[]),
    ("defined", &[]),
    ("undefined", &[]),
    ("pattern", &["match", "not_match"]),
    ("length", &["min", "max"]),
    ("enumeration", &["values"]),
    ("casing", &["type", "disallow_digits", "separator"]),
    ("alphabetical", &["keyed_by"]),
    ("xor", &["properties"]),
    ("contains_phrase", &["any", "none"]),
    ("json_schema", &["schema"]),
    ("every_path_passes", &["to", "through"]),
    ("reachable", &["step"]),
];

/// The keys of `casing`'s `separator` option.
pub const SEPARATOR_KEYS: &[&str] = &["char", "allow_leading"];

/// The names of the functions, in [`FUNCTIONS`]' order.
pub fn names() -> impl Iterator<Item = &'static str> + Clone {
    FUNCTIONS.iter().map(|(name, _)| *name)
}

/// A regular expression with the text it was written as (for messages).
#[derive(Debug)]
pub struct Pattern {
    pub regex: regex::Regex,
    pub written: String,
}

/// Spectral's casing types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Casing {
    Flat,
    Camel,
    Pascal,
    Kebab,
    Cobol,
    Snake,
    Macro,
}

impl Casing {
    pub const NAMES: &'static [&'static str] = &[
        "flat", "camel", "pascal", "kebab", "cobol", "snake", "macro",
    ];

    pub fn parse(name: &str) -> Option<Casing> {
        Some(match name {
            "flat" => Casing::Flat,
            "camel" => Casing::Camel,
            "pascal" => Casing::Pascal,
            "kebab" => Casing::Kebab,
            "cobol" => Casing::Cobol,
            "snake" => Casing::Snake,
            "macro" => Casing::Macro,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        Casing::NAMES[self as usize]
    }

    /// Whether `text` is in this case, as Spectral's `casing` defines each: a first letter
    /// of the case's kind, then letters (and digits unless disallowed) where camel and
    /// pascal case allow no two capitals in a row after the first character. A separator
    /// joins several such words (`/users/{id}` style), one of them leading when allowed.
    /// An empty text passes: Spectral does not check one.
    fn holds(self, text: &str, disallow_digits: bool, separator: Option<Separator>) -> bool {
        let Some(separator) = separator else {
            return text.is_empty() || self.word(text, disallow_digits);
        };
        if text.is_empty() || (separator.allow_leading && text.chars().eq([separator.char])) {
            return true;
        }
        let text = match text.strip_prefix(separator.char) {
            Some(rest) if separator.allow_leading => rest,
            _ => text,
        };
        text.split(separator.char)
            .all(|word| self.word(word, disallow_digits))
    }

    fn word(self, text: &str, disallow_digits: bool) -> bool {
        let digit = |c: char| c.is_ascii_digit() && !disallow_digits;
        let lower = |c: char| c.is_ascii_lowercase() || digit(c);
        let upper = |c: char| c.is_ascii_uppercase() || digit(c);
        let chars: Vec<char> = text.chars().collect();
        let Some(&first) = chars.first() else {
            return false;
        };
        // Words joined by `-` or `_`, each non-empty, all of one kind of letter.
        let joined = |separator: char, letter: &dyn Fn(char) -> bool| {
            text.split(separator)
                .all(|w| !w.is_empty() && w.chars().all(letter))
        };
        // After the first character, a capital is followed by a small letter, a digit or
        // the end: `orderId` and `OrderID2` are camel and pascal, `orderID` is not.
        let humps = |from: usize| {
            chars.iter().all(|&c| c.is_ascii_alphabetic() || digit(c))
                && (from..chars.len()).all(|i| {
                    !chars[i].is_ascii_uppercase() || chars.get(i + 1).is_none_or(|&n| lower(n))
                })
        };
        match self {
            Casing::Flat => first.is_ascii_lowercase() && chars.iter().all(|&c| lower(c)),
            Casing::Camel => first.is_ascii_lowercase() && humps(1),
            Casing::Pascal => first.is_ascii_uppercase() && humps(1),
            Casing::Kebab => first.is_ascii_lowercase() && joined('-', &lower),
            Casing::Cobol => first.is_ascii_uppercase() && joined('-', &upper),
            Casing::Snake => first.is_ascii_lowercase() && joined('_', &lower),
            Casing::Macro => first.is_ascii_uppercase() && joined('_', &upper),
        }
    }
}

/// `casing`'s `separator`: the character that joins cased words, and whether the text may
/// start with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Separator {
    pub char: char,
    pub allow_leading: bool,
}

/// JavaScript's truthiness, as Spectral's `truthy` and `falsy` judge it.
fn truthy(value: Option<&Json>) -> bool {
    match value {
        None | Some(Json::Null) | Some(Json::Bool(false)) => false,
        Some(Json::String(s)) => !s.is_empty(),
        Some(Json::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
        Some(_) => true,
    }
}

/// A scalar's text for comparison and messages; a list or mapping as compact JSON.
pub fn text_of(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Why a value fails a function: the words after the field (`does not match /STOP$/`) and,
/// for a phrase found inside a string, the bytes of the string that matched.
#[derive(Debug, PartialEq, Eq)]
pub struct Failure {
    pub reason: String,
    pub within: Option<(usize, usize)>,
    /// The item of a list, or the entry of a mapping (in the order written), the failure is
    /// about: the first one out of order.
    pub item: Option<usize>,
}

impl Failure {
    fn new(reason: impl Into<String>) -> Option<Failure> {
        Some(Failure {
            reason: reason.into(),
            within: None,
            item: None,
        })
    }
}

impl Function {
    /// Why `value` (the field's value; `None` if it is not there) fails, or `None` if it
    /// passes. Functions about a value's content pass a missing one: `defined` says it is
    /// missing. `language` chooses a phrase list by language.
    pub fn check(&self, value: Option<&Json>, language: Option<&LanguageCode>) -> Option<Failure> {
        match self {
            Function::Truthy if truthy(value) => None,
            Function::Truthy => Failure::new(match value {
                None => "is missing".into(),
                Some(v) => format!("is empty or false (`{}`)", text_of(v)),
            }),
            Function::Falsy => match value {
                Some(v) if truthy(value) => {
                    Failure::new(format!("must be empty or false, not `{}`", text_of(v)))
                }
                _ => None,
            },
            Function::Defined => match value {
                None => Failure::new("is missing"),
                Some(_) => None,
            },
            Function::Undefined => value
                .and_then(|v| Failure::new(format!("must not be set (it is `{}`)", text_of(v)))),
            Function::Pattern {
                matches,
                not_matches,
            } => {
                let Some(Json::String(text)) = value else {
                    return None;
                };
                if let Some(p) = matches.as_ref().filter(|p| !p.regex.is_match(text)) {
                    return Failure::new(format!("does not match `{}`", p.written));
                }
                let p = not_matches.as_ref()?;
                let found = p.regex.find(text)?;
                Some(Failure {
                    reason: format!(
                        "must not match `{}` (it has `{}`)",
                        p.written,
                        found.as_str()
                    ),
                    within: Some((found.start(), found.end())),
                    item: None,
                })
            }
            Function::Length { min, max } => {
                let (length, unit) = match value? {
                    Json::String(s) => (s.chars().count() as f64, "characters"),
                    Json::Array(items) => (items.len() as f64, "items"),
                    Json::Object(map) => (map.len() as f64, "keys"),
                    Json::Number(n) => (n.as_f64()?, ""),
                    Json::Bool(_) | Json::Null => return None,
                };
                let shown = |n: f64| {
                    if unit.is_empty() {
                        format!("{n}")
                    } else {
                        format!("{n} {unit}")
                    }
                };
                if let Some(min) = min.filter(|&m| length < m) {
                    return Failure::new(format!(
                        "is shorter than the minimum of {} ({})",
                        shown(min),
                        shown(length)
                    ));
                }
                let max = max.filter(|&m| length > m)?;
                Failure::new(format!(
                    "is longer than the maximum of {} ({})",
                    shown(max),
                    shown(length)
                ))
            }
            Function::Enumeration { values } => {
                let value = value?;
                if values.iter().any(|v| v == value) {
                    return None;
                }
                let allowed: Vec<String> = values.iter().map(text_of).collect();
                Failure::new(format!(
                    "must be one of {}, not `{}`",
                    allowed.join(", "),
                    text_of(value)
                ))
            }
            Function::Casing {
                casing,
                disallow_digits,
                separator,
            } => {
                let Some(Json::String(text)) = value else {
                    return None;
                };
                if casing.holds(text, *disallow_digits, *separator) {
                    return None;
                }
                Failure::new(format!("`{text}` is not {} case", casing.name()))
            }
            Function::Alphabetical { keyed_by } => alphabetical(value?, keyed_by.as_deref()),
            Function::Xor { properties } => {
                let Some(Json::Object(map)) = value else {
                    return None;
                };
                let set: Vec<String> = properties
                    .iter()
                    .filter(|p| map.contains_key(p.as_str()))
                    .map(|p| format!("`{p}`"))
                    .collect();
                let named = || {
                    let all: Vec<String> = properties.iter().map(|p| format!("`{p}`")).collect();
                    all.join(", ")
                };
                match set.len() {
                    1 => None,
                    0 => Failure::new(format!(
                        "sets none of {}: exactly one of them must be set",
                        named()
                    )),
                    _ => Failure::new(format!(
                        "sets {}: exactly one of {} may be set",
                        set.join(" and "),
                        named()
                    )),
                }
            }
            Function::ContainsPhrase { any, none } => {
                let Some(Json::String(text)) = value else {
                    return None;
                };
                let folded = FoldedText::new(text);
                if let Some(any) = any {
                    if any
                        .for_language(language)
                        .find_in(&folded, 0, usize::MAX)
                        .is_empty()
                    {
                        return Failure::new("has none of the required phrases");
                    }
                }
                let none = none.as_ref()?.for_language(language);
                let found = none.find_in(&folded, 0, usize::MAX).into_iter().next()?;
                Some(Failure {
                    reason: format!("contains `{}`", &text[found.start..found.end]),
                    within: Some((found.start, found.end)),
                    item: None,
                })
            }
            Function::JsonSchema { validator } => {
                let error = validator.validate(value?).err()?;
                Failure::new(schema_failure(&error))
            }
        }
    }
}

/// `alphabetical` on a list (of texts and numbers, or of mappings by `keyed_by`) or on a
/// mapping's keys: the first item that is not in order, or one that cannot be ordered.
/// Texts compare as Spectral's `localeCompare` orders letters: by letter regardless of case,
/// a small letter before its capital; numbers by value; a text and a number are not compared.
fn alphabetical(value: &Json, keyed_by: Option<&str>) -> Option<Failure> {
    let items: Vec<Json> = match value {
        Json::Array(items) => items.clone(),
        // A mapping's keys; the caller hands a mapping as the list of its keys in the order
        // they are written (a JSON object has lost it).
        Json::Object(map) => map.keys().map(|k| Json::String(k.clone())).collect(),
        _ => return None,
    };
    let fail = |index: usize, reason: String| {
        Some(Failure {
            reason,
            within: None,
            item: Some(index),
        })
    };
    let mut keys = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let key = match keyed_by {
            None => item,
            Some(by) => match item {
                Json::Object(map) => map.get(by).unwrap_or(&Json::Null),
                _ => {
                    return fail(
                        index,
                        format!("item {index} is not a mapping, so it has no `{by}` to sort by"),
                    )
                }
            },
        };
        if !matches!(key, Json::String(_) | Json::Number(_)) {
            let what = match keyed_by {
                Some(by) => format!("the `{by}` of item {index}"),
                None => format!("item {index}"),
            };
            return fail(
                index,
                format!("{what} is `{}`, neither a text nor a number", text_of(key)),
            );
        }
        keys.push(key);
    }
    let index = keys
        .windows(2)
        .position(|pair| sort_order(pair[0], pair[1]) == std::cmp::Ordering::Greater)?;
    let (first, second) = (text_of(keys[index]), text_of(keys[index + 1]));
    match keyed_by {
        None => fail(
            index,
            format!("is not in alphabetical order: `{first}` must be placed after `{second}`"),
        ),
        Some(by) => fail(
            index,
            format!(
                "is not in alphabetical order of `{by}`: `{first}` must be placed after `{second}`"
            ),
        ),
    }
}

fn sort_order(a: &Json, b: &Json) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Json::Number(a), Json::Number(b)) => {
            let (a, b) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            a.partial_cmp(&b).unwrap_or(Ordering::Equal)
        }
        (Json::String(a), Json::String(b)) => {
            let folded = a.to_lowercase().cmp(&b.to_lowercase());
            // Equal but for case: the small letter first, as localeCompare puts it.
            folded.then_with(|| {
                a.chars()
                    .zip(b.chars())
                    .find(|(x, y)| x != y)
                    .map_or(Ordering::Equal, |(x, y)| {
                        x.is_uppercase().cmp(&y.is_uppercase())
                    })
            })
        }
        _ => Ordering::Equal,
    }
}

/// The first error of a value against a schema: where in the value (a JSON pointer below
/// it; nothing for the value itself) and what failed, cut at 200 characters.
fn schema_failure(error: &jsonschema::ValidationError) -> String {
    let what = error.to_string();
    let what = match what.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &what[..cut]),
        None => what,
    };
    let at = error.instance_path().as_str();
    if at.is_empty() {
        format!("fails the schema: {what}")
    } else {
        format!("fails the schema at `{at}`: {what}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pattern(text: &str) -> Option<Pattern> {
        Some(Pattern {
            regex: regex::Regex::new(text).unwrap(),
            written: text.into(),
        })
    }

    fn phrases(list: &[&str]) -> Option<Box<ByLanguage<PhraseSet>>> {
        let set = PhraseSet::new(list.iter().copied());
        Some(Box::new(ByLanguage::new(
            &[("en".to_string(), set)],
            |parts| PhraseSet::merged(parts.iter().copied()),
        )))
    }

    fn reason(function: &Function, value: Option<Json>) -> Option<String> {
        function.check(value.as_ref(), None).map(|f| f.reason)
    }

    #[test]
    fn presence_and_truthiness_follow_spectral() {
        assert_eq!(
            reason(&Function::Truthy, None).as_deref(),
            Some("is missing")
        );
        for falsy in [json!(""), json!(0), json!(false), json!(null)] {
            assert!(reason(&Function::Truthy, Some(falsy.clone())).is_some());
            assert!(reason(&Function::Falsy, Some(falsy)).is_none());
        }
        for truthy in [json!("x"), json!(1), json!([]), json!({})] {
            assert!(reason(&Function::Truthy, Some(truthy.clone())).is_none());
            assert!(reason(&Function::Falsy, Some(truthy)).is_some());
        }
        assert!(reason(&Function::Defined, Some(json!(null))).is_none());
        assert_eq!(
            reason(&Function::Defined, None).as_deref(),
            Some("is missing")
        );
        assert_eq!(
            reason(&Function::Undefined, Some(json!("x"))).as_deref(),
            Some("must not be set (it is `x`)")
        );
    }

    #[test]
    fn patterns_report_the_text_that_matched() {
        let function = Function::Pattern {
            matches: pattern("STOP$"),
            not_matches: pattern("(?i)competitor"),
        };
        assert!(reason(&function, Some(json!("Reply STOP"))).is_none());
        assert_eq!(
            reason(&function, Some(json!("Reply"))).as_deref(),
            Some("does not match `STOP$`")
        );
        let found = function
            .check(Some(&json!("Better than Competitor. STOP")), None)
            .unwrap();
        assert_eq!(found.within, Some((12, 22)));
        // Not a string: nothing to match.
        assert!(reason(&function, Some(json!(3))).is_none());
        assert!(reason(&function, None).is_none());
    }

    #[test]
    fn length_counts_characters_items_and_keys() {
        let function = Function::Length {
            min: Some(2.0),
            max: Some(3.0),
        };
        assert!(reason(&function, Some(json!("äöü"))).is_none());
        assert_eq!(
            reason(&function, Some(json!("äöüß"))).as_deref(),
            Some("is longer than the maximum of 3 characters (4 characters)")
        );
        assert_eq!(
            reason(&function, Some(json!([1]))).as_deref(),
            Some("is shorter than the minimum of 2 items (1 items)")
        );
        assert!(reason(&function, Some(json!({"a": 1, "b": 2}))).is_none());
        assert!(reason(&function, Some(json!(5))).is_some());
    }

    #[test]
    fn enumeration_and_casing() {
        let function = Function::Enumeration {
            values: vec![json!("UTILITY"), json!("MARKETING")],
        };
        assert!(reason(&function, Some(json!("UTILITY"))).is_none());
        assert_eq!(
            reason(&function, Some(json!("utility"))).as_deref(),
            Some("must be one of UTILITY, MARKETING, not `utility`")
        );
        for (casing, good, bad) in [
            (Casing::Snake, "order_shipped_2", "orderShipped"),
            (Casing::Kebab, "order-shipped", "order_shipped"),
            (Casing::Camel, "orderShipped", "OrderShipped"),
            (Casing::Pascal, "OrderShipped", "orderShipped"),
            (Casing::Macro, "ORDER_SHIPPED", "Order_Shipped"),
            (Casing::Cobol, "ORDER-SHIPPED", "ORDER_SHIPPED"),
            (Casing::Flat, "ordershipped", "order_shipped"),
        ] {
            let function = Function::Casing {
                casing,
                disallow_digits: false,
                separator: None,
            };
            assert!(
                reason(&function, Some(json!(good))).is_none(),
                "{casing:?} {good}"
            );
            assert!(
                reason(&function, Some(json!(bad))).is_some(),
                "{casing:?} {bad}"
            );
        }
        let no_digits = Function::Casing {
            casing: Casing::Snake,
            disallow_digits: true,
            separator: None,
        };
        assert!(reason(&no_digits, Some(json!("order_2"))).is_some());
    }

    fn casing(casing: Casing, separator: Option<Separator>) -> Function {
        Function::Casing {
            casing,
            disallow_digits: false,
            separator,
        }
    }

    #[test]
    fn casing_follows_spectral_definitions() {
        // Spectral's camel and pascal cases allow no two capitals in a row after the first
        // character; every case starts with a letter.
        for (kind, good, bad) in [
            (Casing::Camel, "orderId2", "orderID"),
            (Casing::Camel, "a1B2", "1order"),
            (Casing::Pascal, "OrderId", "OrderID"),
            (Casing::Pascal, "AB", "ABC"),
            (Casing::Flat, "order2", "2order"),
            (Casing::Kebab, "a-b2-c", "a--b"),
            (Casing::Snake, "a_b", "_a"),
        ] {
            assert!(
                reason(&casing(kind, None), Some(json!(good))).is_none(),
                "{kind:?} {good}"
            );
            assert!(
                reason(&casing(kind, None), Some(json!(bad))).is_some(),
                "{kind:?} {bad}"
            );
        }
        // An empty text is not checked, as Spectral does not check one.
        assert!(reason(&casing(Casing::Camel, None), Some(json!(""))).is_none());
    }

    #[test]
    fn casing_with_a_separator_checks_each_word() {
        let separator = Some(Separator {
            char: '/',
            allow_leading: true,
        });
        let paths = casing(Casing::Kebab, separator);
        for good in ["/users/order-items", "users/x", "/"] {
            assert!(reason(&paths, Some(json!(good))).is_none(), "{good}");
        }
        for bad in ["/users//x", "/Users", "//x", "/users/"] {
            assert!(reason(&paths, Some(json!(bad))).is_some(), "{bad}");
        }
        let no_leading = casing(
            Casing::Camel,
            Some(Separator {
                char: '.',
                allow_leading: false,
            }),
        );
        assert!(reason(&no_leading, Some(json!("order.itemId"))).is_none());
        assert!(reason(&no_leading, Some(json!(".order"))).is_some());
    }

    #[test]
    fn alphabetical_finds_the_first_item_out_of_order() {
        let plain = Function::Alphabetical { keyed_by: None };
        assert!(reason(&plain, Some(json!(["apple", "Banana", "cherry"]))).is_none());
        assert!(reason(&plain, Some(json!(["a", "A", "b"]))).is_none());
        assert!(reason(&plain, Some(json!([1, 2, 10]))).is_none());
        let found = plain
            .check(Some(&json!(["apple", "cherry", "banana"])), None)
            .unwrap();
        assert_eq!(
            found.reason,
            "is not in alphabetical order: `cherry` must be placed after `banana`"
        );
        assert_eq!(found.item, Some(1));
        assert!(reason(&plain, Some(json!([10, 2]))).is_some());
        // What cannot be ordered is said, at its item.
        let mixed = plain.check(Some(&json!(["a", {"b": 1}])), None).unwrap();
        assert_eq!(mixed.item, Some(1));
        assert!(
            mixed.reason.contains("neither a text nor a number"),
            "{}",
            mixed.reason
        );
        // Not a list or a mapping, or too short to be out of order: nothing to sort.
        assert!(reason(&plain, Some(json!("ba"))).is_none());
        assert!(reason(&plain, Some(json!(["b"]))).is_none());
        assert!(reason(&plain, None).is_none());

        let keyed = Function::Alphabetical {
            keyed_by: Some("name".into()),
        };
        assert!(reason(&keyed, Some(json!([{"name": "a"}, {"name": "b"}]))).is_none());
        let found = keyed
            .check(Some(&json!([{"name": "b"}, {"name": "a"}])), None)
            .unwrap();
        assert_eq!(
            found.reason,
            "is not in alphabetical order of `name`: `b` must be placed after `a`"
        );
        let missing = keyed
            .check(Some(&json!([{"name": "a"}, {"title": "b"}])), None)
            .unwrap();
        assert_eq!(
            missing.reason,
            "the `name` of item 1 is `null`, neither a text nor a number"
        );
        assert_eq!(
            reason(&keyed, Some(json!([{"name": "a"}, "b"]))).as_deref(),
            Some("item 1 is not a mapping, so it has no `name` to sort by")
        );
    }

    #[test]
    fn xor_wants_exactly_one_of_the_properties() {
        let function = Function::Xor {
            properties: vec!["url".into(), "phone_number".into()],
        };
        assert!(reason(&function, Some(json!({"url": "https://a.example"}))).is_none());
        assert_eq!(
            reason(&function, Some(json!({"text": "x"}))).as_deref(),
            Some("sets none of `url`, `phone_number`: exactly one of them must be set")
        );
        assert_eq!(
            reason(&function, Some(json!({"url": "u", "phone_number": "p"}))).as_deref(),
            Some("sets `url` and `phone_number`: exactly one of `url`, `phone_number` may be set")
        );
        // Not a mapping: nothing to look into.
        assert!(reason(&function, Some(json!("url"))).is_none());
        assert!(reason(&function, None).is_none());
    }

    #[test]
    fn a_schema_failure_names_where_in_the_value_and_what_failed() {
        let schema = json!({
            "type": "object",
            "required": ["url"],
            "properties": {"url": {"type": "string", "pattern": "^https://"}},
        });
        let function = Function::JsonSchema {
            validator: Box::new(jsonschema::validator_for(&schema).unwrap()),
        };
        assert!(reason(&function, Some(json!({"url": "https://a.example"}))).is_none());
        assert_eq!(
            reason(&function, Some(json!({"url": "http://a.example"}))).as_deref(),
            Some("fails the schema at `/url`: \"http://a.example\" does not match \"^https://\"")
        );
        assert_eq!(
            reason(&function, Some(json!({}))).as_deref(),
            Some("fails the schema: \"url\" is a required property")
        );
        // A missing field passes: `defined` says it is missing.
        assert!(reason(&function, None).is_none());
        let long = "x".repeat(300);
        let cut = reason(&function, Some(json!({"url": long}))).unwrap();
        assert!(cut.ends_with('…') && cut.chars().count() < 260, "{cut}");
    }

    #[test]
    fn phrases_match_case_folded_on_word_boundaries() {
        let function = Function::ContainsPhrase {
            any: phrases(&["reply stop"]),
            none: phrases(&["cheapest"]),
        };
        assert!(reason(&function, Some(json!("Deals! Reply  STOP to opt out"))).is_none());
        assert_eq!(
            reason(&function, Some(json!("Deals! Reply STOPPED"))).as_deref(),
            Some("has none of the required phrases")
        );
        let found = function
            .check(Some(&json!("The CHEAPEST deals. Reply STOP")), None)
            .unwrap();
        assert_eq!(found.reason, "contains `CHEAPEST`");
        assert_eq!(found.within, Some((4, 12)));
    }
}
