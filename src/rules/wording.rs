//! Word lists (`rules/data/*.yaml`) and finding them in texts: case-insensitively, on word
//! boundaries, with the byte range of the match in the original text so a finding can
//! underline exactly the phrase.

use std::collections::HashMap;

use crate::data::{CommerceAreas, Ordered, Phrases, PhrasesByLanguage, RequestsByLanguage};
use crate::model::LanguageCode;

/// One character of a text folded to lower case, with the bytes it came from.
#[derive(Clone, Copy, Debug)]
struct Folded {
    c: char,
    /// Whether `c` is a word character: asked of each character by every list searched.
    word: bool,
    start: usize,
    end: usize,
}

/// A text folded for matching: lower case, curly apostrophes straightened.
pub struct FoldedText {
    chars: Vec<Folded>,
}

impl FoldedText {
    pub fn new(text: &str) -> Self {
        let mut chars = Vec::with_capacity(text.len());
        for (start, c) in text.char_indices() {
            let end = start + c.len_utf8();
            let c = if matches!(c, '\u{2019}' | '\u{2018}' | '`') {
                '\''
            } else {
                c
            };
            if c.is_ascii() {
                // The common case, without the Unicode case tables.
                let c = c.to_ascii_lowercase();
                chars.push(Folded {
                    c,
                    word: is_word_char(c),
                    start,
                    end,
                });
                continue;
            }
            for lower in c.to_lowercase() {
                chars.push(Folded {
                    c: lower,
                    word: is_word_char(lower),
                    start,
                    end,
                });
            }
        }
        FoldedText { chars }
    }

    fn is_word(&self, index: usize) -> bool {
        self.chars.get(index).is_some_and(|f| f.word)
    }

    /// Index of the first folded character at or after byte `offset`.
    fn index_of(&self, offset: usize) -> usize {
        self.chars.partition_point(|f| f.start < offset)
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A phrase in folded form; a space matches any run of white space.
#[derive(Clone, Debug)]
struct Phrase {
    text: String,
    chars: Vec<char>,
}

/// What a phrase of one character has as its second: less than every character.
const NO_SECOND: char = '\0';

fn second_char(phrase: &Phrase) -> char {
    phrase.chars.get(1).copied().unwrap_or(NO_SECOND)
}

/// A set of phrases, indexed by first character (a table for ASCII, a map for the rest).
#[derive(Clone, Debug)]
pub struct PhraseSet {
    phrases: Vec<Phrase>,
    ascii: Vec<Vec<usize>>,
    other: HashMap<char, Vec<usize>>,
}

impl Default for PhraseSet {
    fn default() -> Self {
        PhraseSet {
            phrases: Vec::new(),
            ascii: vec![Vec::new(); 128],
            other: HashMap::new(),
        }
    }
}

/// Where a phrase matched: bytes of the original text, and the phrase as listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match<'a> {
    pub start: usize,
    pub end: usize,
    pub phrase: &'a str,
}

impl PhraseSet {
    pub fn new<'a>(phrases: impl IntoIterator<Item = &'a str>) -> Self {
        let mut set = PhraseSet::default();
        for text in phrases {
            let folded: String = text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace(['\u{2019}', '\u{2018}'], "'")
                .to_lowercase();
            let chars: Vec<char> = folded.chars().collect();
            let Some(&first) = chars.first() else {
                continue;
            };
            let index = set.phrases.len();
            match set.ascii.get_mut(first as usize) {
                Some(slot) => slot.push(index),
                None => set.other.entry(first).or_default().push(index),
            }
            set.phrases.push(Phrase {
                text: text.to_string(),
                chars,
            });
        }
        // Each first character's phrases by their second one (stably, so that of two
        // phrases matching the same text the first listed still wins): a position is then
        // tried against the phrases that can match its next character too, not against all.
        let phrases = &set.phrases;
        for bucket in set.ascii.iter_mut().chain(set.other.values_mut()) {
            bucket.sort_by_key(|&i| second_char(&phrases[i]));
        }
        set
    }

    /// One set holding the phrases of several.
    pub fn merged<'a>(sets: impl IntoIterator<Item = &'a PhraseSet>) -> PhraseSet {
        let texts: Vec<&str> = sets
            .into_iter()
            .flat_map(|set| set.phrases.iter().map(|p| p.text.as_str()))
            .collect();
        PhraseSet::new(texts)
    }

    fn starting_with(&self, c: char) -> &[usize] {
        match self.ascii.get(c as usize) {
            Some(slot) => slot,
            None => self.other.get(&c).map_or(&[], Vec::as_slice),
        }
    }

    /// The end (exclusive, in folded characters) of `phrase` matched at `at`, if it matches
    /// there on word boundaries.
    fn match_at(&self, text: &FoldedText, phrase: &Phrase, at: usize) -> Option<usize> {
        let first = *phrase.chars.first()?;
        if is_word_char(first) && at > 0 && text.is_word(at - 1) {
            return None;
        }
        let mut i = at;
        for &p in &phrase.chars {
            if p == ' ' {
                let begin = i;
                while text.chars.get(i).is_some_and(|f| f.c.is_whitespace()) {
                    i += 1;
                }
                if i == begin {
                    return None;
                }
            } else if text.chars.get(i).map(|f| f.c) == Some(p) {
                i += 1;
            } else {
                return None;
            }
        }
        let last = *phrase.chars.last()?;
        if is_word_char(last) && text.is_word(i) {
            return None;
        }
        Some(i)
    }

    /// Every match in bytes `from..to` of the text, leftmost first; at one position the
    /// longest phrase wins, and matches do not overlap.
    pub fn find_in<'s>(&'s self, text: &FoldedText, from: usize, to: usize) -> Vec<Match<'s>> {
        let mut out = Vec::new();
        let mut at = text.index_of(from);
        let stop = text.index_of(to);
        while at < stop {
            // Inside a word no phrase can start: a phrase starting with a letter needs a word
            // boundary before it, and one starting with a symbol cannot match a letter.
            if at > 0 && text.is_word(at) && text.is_word(at - 1) {
                at += 1;
                while at < stop && text.is_word(at) {
                    at += 1;
                }
                continue;
            }
            let candidates = text
                .chars
                .get(at)
                .map_or(&[][..], |f| self.starting_with(f.c));
            if candidates.is_empty() {
                at += 1;
                continue;
            }
            // A phrase of one character, then those whose second character is the text's
            // next one (any whitespace is a phrase's space).
            let second = |&i: &usize| second_char(&self.phrases[i]);
            let singles = candidates.partition_point(|i| second(i) == NO_SECOND);
            let next = text
                .chars
                .get(at + 1)
                .map(|f| if f.c.is_whitespace() { ' ' } else { f.c });
            let same_next = match next {
                Some(c) => {
                    &candidates[candidates.partition_point(|i| second(i) < c)
                        ..candidates.partition_point(|i| second(i) <= c)]
                }
                None => &[][..],
            };
            let best = candidates[..singles]
                .iter()
                .chain(same_next)
                .filter_map(|&i| {
                    let phrase = &self.phrases[i];
                    self.match_at(text, phrase, at)
                        .filter(|&end| end <= stop)
                        .map(|end| (end, phrase))
                })
                .max_by_key(|(end, _)| *end);
            match best {
                Some((end, phrase)) => {
                    out.push(Match {
                        start: text.chars[at].start,
                        end: text.chars[end - 1].end,
                        phrase: &phrase.text,
                    });
                    at = end;
                }
                None => at += 1,
            }
        }
        out
    }

    #[cfg(test)]
    pub fn find<'s>(&'s self, text: &FoldedText) -> Vec<Match<'s>> {
        self.find_in(text, 0, usize::MAX)
    }
}

/// Per-language lists merged the way texts use them: a text in language L is checked
/// against L's list and the English one (English only for a language without a list),
/// a text of unknown language (conversation flows carry none) against every list.
#[derive(Debug, Default)]
pub struct ByLanguage<T> {
    with_english: Vec<(String, T)>,
    english: T,
    all: T,
}

impl<T> ByLanguage<T> {
    /// The same lists, each made into another value.
    pub fn map<U>(&self, f: impl Fn(&T) -> U) -> ByLanguage<U> {
        ByLanguage {
            with_english: self
                .with_english
                .iter()
                .map(|(language, t)| (language.clone(), f(t)))
                .collect(),
            english: f(&self.english),
            all: f(&self.all),
        }
    }

    /// `merge` combines several lists into one.
    pub fn new(lists: &[(String, T)], merge: impl Fn(&[&T]) -> T) -> Self {
        let english: Vec<&T> = lists
            .iter()
            .filter(|(l, _)| l == "en")
            .map(|(_, t)| t)
            .collect();
        let with_english = lists
            .iter()
            .map(|(language, list)| {
                let mut parts = english.clone();
                if language != "en" {
                    parts.push(list);
                }
                (language.clone(), merge(&parts))
            })
            .collect();
        let all: Vec<&T> = lists.iter().map(|(_, t)| t).collect();
        ByLanguage {
            with_english,
            english: merge(&english),
            all: merge(&all),
        }
    }

    /// The lists for a text in `language` (its base language's and English), or every list
    /// for a text of unknown language.
    pub fn for_language(&self, language: Option<&LanguageCode>) -> &T {
        let Some(language) = language else {
            return &self.all;
        };
        let base = language.base();
        self.with_english
            .iter()
            .find(|(l, _)| l.eq_ignore_ascii_case(base))
            .map_or(&self.english, |(_, t)| t)
    }
}

/// Phrases, and the longer phrases in which they mean something else: a phrase found inside
/// an exception ("hurry" in "no need to hurry") is not found.
#[derive(Clone, Debug, Default)]
pub struct PhrasesInContext {
    pub phrases: PhraseSet,
    pub except: PhraseSet,
}

impl PhrasesInContext {
    pub fn new(lists: &Phrases) -> Self {
        let set = |list: &[String]| PhraseSet::new(list.iter().map(String::as_str));
        PhrasesInContext {
            phrases: set(&lists.phrases),
            except: set(&lists.except),
        }
    }

    /// One set holding the phrases and exceptions of several.
    pub fn merged<'a>(sets: impl IntoIterator<Item = &'a PhrasesInContext>) -> Self {
        let sets: Vec<&PhrasesInContext> = sets.into_iter().collect();
        PhrasesInContext {
            phrases: PhraseSet::merged(sets.iter().map(|s| &s.phrases)),
            except: PhraseSet::merged(sets.iter().map(|s| &s.except)),
        }
    }

    /// Every match of a phrase in bytes `from..to` of the text that lies inside no exception.
    pub fn find_in<'s>(&'s self, text: &FoldedText, from: usize, to: usize) -> Vec<Match<'s>> {
        let found = self.phrases.find_in(text, from, to);
        if found.is_empty() {
            return found;
        }
        let exceptions = self.except.find_in(text, from, to);
        found
            .into_iter()
            .filter(|m| {
                !exceptions
                    .iter()
                    .any(|e| e.start <= m.start && m.end <= e.end)
            })
            .collect()
    }

    pub fn find<'s>(&'s self, text: &FoldedText) -> Vec<Match<'s>> {
        self.find_in(text, 0, usize::MAX)
    }
}

/// One set per language of a word list, in the list's order.
pub fn phrase_sets(lists: &PhrasesByLanguage) -> Vec<(String, PhrasesInContext)> {
    lists
        .0
        .iter()
        .map(|(language, list)| (language.clone(), PhrasesInContext::new(list)))
        .collect()
}

/// Phrase lists by language, merged for use.
pub fn phrases_by_language(lists: &PhrasesByLanguage) -> ByLanguage<PhrasesInContext> {
    ByLanguage::new(&phrase_sets(lists), |parts| {
        PhrasesInContext::merged(parts.iter().copied())
    })
}

/// WA122's phrases: one set per Commerce Policy area, with the area's key in the data file.
pub type AreaSets = Vec<(&'static str, PhrasesInContext)>;

/// WA122's lists by language, merged for use area by area (an exception of one area never
/// hides a phrase of another).
pub fn areas_by_language(lists: &Ordered<CommerceAreas<Phrases>>) -> ByLanguage<AreaSets> {
    let lists: Vec<(String, AreaSets)> = lists
        .0
        .iter()
        .map(|(language, areas)| {
            let sets = areas
                .entries()
                .into_iter()
                .map(|(area, list)| (area, PhrasesInContext::new(list)))
                .collect();
            (language.clone(), sets)
        })
        .collect();
    // Every language lists the same areas in the same order (`CommerceAreas::entries`).
    ByLanguage::new(&lists, |parts| {
        let Some(first) = parts.first() else {
            return Vec::new();
        };
        first
            .iter()
            .enumerate()
            .map(|(i, (area, _))| {
                let sets = parts.iter().filter_map(|p| p.get(i).map(|(_, set)| set));
                (*area, PhrasesInContext::merged(sets))
            })
            .collect()
    })
}

/// The lists of WA111: a request, a question, the data it asks for, the negations that
/// turn a sentence into advice, and who sends (a request after a sender is the business's
/// own action).
#[derive(Debug, Default)]
pub struct RequestLists {
    /// Requests and questions.
    pub requests: PhraseSet,
    pub subjects: PhrasesInContext,
    pub negations: PhrasesInContext,
    pub senders: PhraseSet,
}

/// WA111's lists by language, merged for use.
pub fn requests_by_language(lists: &RequestsByLanguage) -> ByLanguage<RequestLists> {
    let lists: Vec<(String, RequestLists)> = lists
        .0
        .iter()
        .map(|(language, words)| {
            let set = |list: &[String]| PhraseSet::new(list.iter().map(String::as_str));
            let asks = words.requests.iter().chain(&words.questions);
            let lists = RequestLists {
                requests: PhraseSet::new(asks.map(String::as_str)),
                subjects: PhrasesInContext {
                    phrases: set(&words.subjects),
                    except: set(&words.except_subjects),
                },
                negations: PhrasesInContext {
                    phrases: set(&words.negations),
                    except: set(&words.except_negations),
                },
                senders: set(&words.senders),
            };
            (language.clone(), lists)
        })
        .collect();
    ByLanguage::new(&lists, |parts| RequestLists {
        requests: PhraseSet::merged(parts.iter().map(|p| &p.requests)),
        subjects: PhrasesInContext::merged(parts.iter().map(|p| &p.subjects)),
        negations: PhrasesInContext::merged(parts.iter().map(|p| &p.negations)),
        senders: PhraseSet::merged(parts.iter().map(|p| &p.senders)),
    })
}

/// Words a sender may stand before its verb ("we will *soon* send").
const SENDER_GAP: usize = 2;

/// Whether a request is the business's own action: a sender before it in the sentence, at
/// most [`SENDER_GAP`] words and no comma between ("we will send your new password").
fn sent_by_business(text: &str, senders: &[Match], request: &Match) -> bool {
    senders.iter().any(|sender| {
        sender.end <= request.start
            && text.get(sender.end..request.start).is_some_and(|between| {
                !between.contains([',', ';', ':']) && word_count(between) <= SENDER_GAP
            })
    })
}

/// Byte ranges of the sentences of a text: they end at `.`, `!`, `?` or a line break.
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | '!' | '?' | '\n' | '¿' | '¡') {
            if i > start {
                out.push((start, i));
            }
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// Words (runs of letters, digits, underscores) in a text.
pub fn word_count(text: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        let word = is_word_char(c);
        if word && !in_word {
            count += 1;
        }
        in_word = word;
    }
    count
}

/// The first sentence of `text` that asks for sensitive data: the bytes from the request to
/// the end of what it asks for, and where the data named starts. The request may stand
/// anywhere before the data in the sentence ("send your order number and the card number you
/// paid with"): a sentence is one request, and its negations make it advice.
pub fn sensitive_request(text: &str, lists: &RequestLists) -> Option<(usize, usize, usize)> {
    let folded = FoldedText::new(text);
    // Most texts name no sensitive data at all: one scan of the whole text settles them (a
    // phrase found in a sentence is found in the whole text too).
    if lists.subjects.find_in(&folded, 0, text.len()).is_empty() {
        return None;
    }
    for (start, end) in sentences(text) {
        let senders = lists.senders.find_in(&folded, start, end);
        let requests: Vec<Match> = lists
            .requests
            .find_in(&folded, start, end)
            .into_iter()
            .filter(|request| !sent_by_business(text, &senders, request))
            .collect();
        if requests.is_empty() {
            continue;
        }
        let subjects = lists.subjects.find_in(&folded, start, end);
        let hit = subjects.iter().find_map(|subject| {
            requests
                .iter()
                .rfind(|r| r.end <= subject.start)
                .map(|request| (request.start, subject.end, subject.start))
        });
        if hit.is_some() && lists.negations.find_in(&folded, start, end).is_empty() {
            return hit;
        }
    }
    None
}

/// Spellings of `brand` as a word that differ from it: `ACME`, `acme`, `A.C.M.E.` and
/// `Acme-Shop` for `Acme Shop`, never the brand inside a longer word or a web address.
pub fn brand_variants(text: &str, brand: &str) -> Vec<(usize, usize)> {
    let words: Vec<Vec<char>> = brand
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().flat_map(char::to_lowercase).collect())
        .collect();
    let letters: Vec<char> = words.iter().flatten().copied().collect();
    if letters.is_empty() {
        return Vec::new();
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let lower = |i: usize| -> Option<char> {
        chars
            .get(i)
            .map(|&(_, c)| c.to_lowercase().next().unwrap_or(c))
    };
    let is_word = |i: usize| chars.get(i).is_some_and(|&(_, c)| is_word_char(c));
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if i > 0 && (is_word(i - 1) || matches!(chars[i - 1].1, '.' | '/' | '@' | '#')) {
            i += 1;
            continue;
        }
        let end = match_words(&words, &lower, i).or_else(|| match_initials(&letters, &lower, i));
        let Some(end) = end else {
            i += 1;
            continue;
        };
        // Not part of a longer word, a domain (`acme.example`) or an address.
        let next = chars.get(end).map(|&(_, c)| c);
        let after = chars.get(end + 1).map(|&(_, c)| c);
        let in_address =
            matches!(next, Some('.' | '@' | '/')) && after.is_some_and(char::is_alphanumeric);
        if is_word(end) || in_address {
            i += 1;
            continue;
        }
        let start_byte = chars[i].0;
        let end_byte = chars.get(end).map_or(text.len(), |&(b, _)| b);
        if text.get(start_byte..end_byte) != Some(brand) {
            out.push((start_byte, end_byte));
        }
        i = end;
    }
    out
}

/// The brand's words in order, any case, joined by nothing or by one space, hyphen, dot
/// or underscore (`acme shop`, `AcmeShop`, `Acme-Shop`); the end index in characters.
fn match_words(
    words: &[Vec<char>],
    lower: &dyn Fn(usize) -> Option<char>,
    at: usize,
) -> Option<usize> {
    let mut i = at;
    for (n, word) in words.iter().enumerate() {
        if n > 0 && matches!(lower(i), Some(' ' | '-' | '.' | '_')) {
            i += 1;
        }
        for &c in word {
            if lower(i) != Some(c) {
                return None;
            }
            i += 1;
        }
    }
    Some(i)
}

/// The brand's letters one by one, each followed by a dot (`A.C.M.E.`) or separated by
/// single spaces (`A C M E`); the end index in characters.
fn match_initials(
    letters: &[char],
    lower: &dyn Fn(usize) -> Option<char>,
    at: usize,
) -> Option<usize> {
    if letters.len() < 2 {
        return None;
    }
    let mut i = at;
    let separator = lower(at + 1)?;
    if !matches!(separator, '.' | ' ') {
        return None;
    }
    for (n, &c) in letters.iter().enumerate() {
        if lower(i) != Some(c) {
            return None;
        }
        i += 1;
        let last = n + 1 == letters.len();
        if lower(i) == Some(separator) && (separator == '.' || !last) {
            i += 1;
        } else if !last {
            return None;
        }
        if separator == '.' && lower(i) == Some(' ') && !last {
            i += 1;
        }
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data;

    fn found<'a>(set: &'a PhraseSet, text: &'a str) -> Vec<&'a str> {
        set.find(&FoldedText::new(text))
            .iter()
            .map(|m| &text[m.start..m.end])
            .collect()
    }

    #[test]
    fn each_position_is_tried_against_every_phrase_that_can_match_there() {
        // One-character phrases, phrases sharing a first character, a space matching any
        // whitespace, a phrase at the very end: the index by second character loses none.
        let set = PhraseSet::new(["€", "a b", "ab", "abc", "ax", "b", "zz top", "z"]);
        assert_eq!(
            found(&set, "€ a\tb ab abc ax b zz\n top z"),
            vec!["€", "a\tb", "ab", "abc", "ax", "b", "zz\n top", "z"]
        );
        // Of two phrases for the same text, the one found is the later listed, whatever
        // the index's order.
        let set = PhraseSet::new(["Sale", "sale", "SALE now"]);
        let text = FoldedText::new("big sale");
        assert_eq!(set.find(&text)[0].phrase, "sale");
    }

    #[test]
    fn phrases_match_case_insensitively_on_word_boundaries() {
        let set = PhraseSet::new(["discount", "% off", "promo code", "don't miss", "promoção"]);
        assert_eq!(
            found(&set, "Get 20% OFF with Promo   Code X — DON’T miss it"),
            vec!["% OFF", "Promo   Code", "DON’T miss"]
        );
        assert!(found(&set, "discounted prices, predisc, {{promo_code}}").is_empty());
        assert_eq!(found(&set, "Nossa PROMOÇÃO!"), vec!["PROMOÇÃO"]);
    }

    #[test]
    fn the_longest_phrase_at_a_position_wins() {
        let set = PhraseSet::new(["card number", "credit card number", "credit"]);
        assert_eq!(
            found(&set, "your credit card number"),
            vec!["credit card number"]
        );
    }

    #[test]
    fn sentences_and_words() {
        assert_eq!(
            sentences("Hi. How are you?\nFine"),
            vec![(0, 2), (3, 15), (17, 21)]
        );
        assert_eq!(word_count(" us your full "), 3);
    }

    #[test]
    fn brand_spellings_as_words_only() {
        let spans = |text: &str, brand: &str| -> Vec<String> {
            brand_variants(text, brand)
                .into_iter()
                .map(|(s, e)| text[s..e].to_string())
                .collect()
        };
        assert_eq!(
            spans("ACME and acme and A.C.M.E. and Acme and A C M E", "Acme"),
            vec!["ACME", "acme", "A.C.M.E.", "A C M E"]
        );
        assert!(spans("Acmeville, Pacme, acme.example/deals, x@acme.io", "Acme").is_empty());
        assert_eq!(
            spans(
                "Acme Shop, ACME SHOP, AcmeShop, acme-shop, Acme and a shop",
                "Acme Shop"
            ),
            vec!["ACME SHOP", "AcmeShop", "acme-shop"]
        );
    }

    #[test]
    fn requests_for_sensitive_data_but_not_advice() {
        let lists = requests_by_language(&data::load(data::SENSITIVE_REQUESTS));
        let code = |text: &str| LanguageCode::new(text);
        let english = lists.for_language(Some(&code("en_US")));
        let check = |text: &str| -> Option<String> {
            sensitive_request(text, english).map(|(s, e, _)| text[s..e].to_string())
        };
        let text = "Thanks! Please send us your full card number.";
        assert_eq!(
            sensitive_request(text, english).map(|(s, e, _)| &text[s..e]),
            Some("send us your full card number")
        );
        assert_eq!(check("Never share your PIN with anyone."), None);
        assert_eq!(
            check("Reply with your PIN").as_deref(),
            Some("Reply with your PIN")
        );
        assert_eq!(check("Send your order number and we will check."), None);
        // The request and the data may be far apart in one sentence; the nearest request
        // before the data starts the finding.
        assert_eq!(
            check("Please send your order number and the card number you paid with.").as_deref(),
            Some("send your order number and the card number")
        );
        assert_eq!(check("We never ask for your card number.").as_deref(), None);
        assert_eq!(
            check("Send your order number. Your card number is safe with us.").as_deref(),
            None
        );
        assert_eq!(check("Use this code to reset your password."), None);
        // A German request is only read as one in German text (or in a flow).
        let de = "Bitte senden Sie uns Ihre PIN.";
        assert_eq!(sensitive_request(de, english), None);
        assert!(sensitive_request(de, lists.for_language(Some(&code("de")))).is_some());
        assert!(sensitive_request(de, lists.for_language(None)).is_some());
        let pt = "Olá! Digite seu CPF para continuar.";
        assert_eq!(
            sensitive_request(pt, lists.for_language(Some(&code("pt_BR"))))
                .map(|(s, e, _)| &pt[s..e]),
            Some("Digite seu CPF")
        );
    }
}
