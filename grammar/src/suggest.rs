//! "Did you mean" suggestions: the nearest candidate by edit distance. The grammar uses it for
//! keyword typos; the compiler re-exports it as `compiler::suggest` for every other suggestion.

/// Returns the candidate closest to `word` by Levenshtein distance, or `None` when even the
/// closest one is too far to be a plausible typo.
///
/// The threshold grows with the word: at most 1 edit for words of up to 3 characters, 2 for up
/// to 6, and a third of the length beyond that. Comparison ignores ASCII case, so `block`
/// suggests `BLOCK`. On a tie the first candidate wins, so callers control the order.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_ascii_lowercase();
    let limit = max_distance(word.chars().count());
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let distance = levenshtein(&word_lower, &candidate.to_ascii_lowercase());
        let better = best.is_none_or(|(best_distance, _)| distance < best_distance);
        if distance <= limit && better {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

fn max_distance(length: usize) -> usize {
    match length {
        0..=3 => 1,
        4..=6 => 2,
        _ => length / 3,
    }
}

/// Returns the Levenshtein edit distance between `a` and `b`, counted in characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b_chars: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b_chars.len()).collect();
    for (i, a_char) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(previous.len());
        current.push(i + 1);
        for (j, b_char) in b_chars.iter().enumerate() {
            let substitution = previous.get(j).copied().unwrap_or(0) + usize::from(a_char != *b_char);
            let deletion = previous.get(j + 1).copied().unwrap_or(0) + 1;
            let insertion = current.get(j).copied().unwrap_or(0) + 1;
            current.push(substitution.min(deletion).min(insertion));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_keyword_typo() {
        assert_eq!(nearest("whne", ["when", "enforce", "message"]), Some("when"));
        assert_eq!(nearest("enforse", ["when", "enforce", "message"]), Some("enforce"));
    }

    #[test]
    fn nearest_ignores_case() {
        assert_eq!(nearest("BLOK", ["BLOCK", "WARN", "COMPLIANT"]), Some("BLOCK"));
        assert_eq!(nearest("block", ["BLOCK", "WARN"]), Some("BLOCK"));
    }

    #[test]
    fn nearest_rejects_far_words() {
        assert_eq!(nearest("banana", ["when", "enforce"]), None);
        assert_eq!(nearest("x", ["approvals.count"]), None);
    }

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("same", "same"), 0);
    }
}
