//! "Did you mean" suggestions for misspelt keys, codes and values.

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo
/// or `word` abbreviates it (`warn` → `warning`).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| {
            let candidate = c.to_ascii_lowercase();
            let abbreviates = word.len() >= 3 && candidate.starts_with(&word);
            let d = if abbreviates {
                1
            } else {
                distance(&word, &candidate)
            };
            (d, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// ` did you mean `x`?` or nothing.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let keys = ["include", "exclude", "fail_on"];
        assert_eq!(closest("exlude", keys), Some("exclude"));
        assert_eq!(closest("failon", keys), Some("fail_on"));
        assert_eq!(closest("colour", keys), None);
        assert_eq!(closest("warn", ["error", "warning"]), Some("warning"));
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
