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
            let edits = distance(&word, &candidate);
            // Of two candidates as close, the one fewer edits away: `message` is a typo of
            // `messages` before it abbreviates `message_echoes`.
            (if abbreviates { 1 } else { edits }, edits, c)
        })
        .filter(|(d, _, _)| *d <= limit)
        .min_by_key(|(d, edits, c)| (*d, *edits, *c))
        .map(|(_, _, c)| c)
}

/// Edit distance over characters, a swap of two neighbours counting as one edit (optimal
/// string alignment): `inptu` is one typo from `input`, as `jsno` is from `json`.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Rows i-2, i-1 and i of the table.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut row: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j - 1] + cost)
                .min(previous[j] + 1)
                .min(row[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            row[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut row);
    }
    previous[b.len()]
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
        assert_eq!(
            closest("message", ["message_echoes", "messages"]),
            Some("messages")
        );
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("inptu", "input"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(closest("jsno", ["json", "junit"]), Some("json"));
    }
}
