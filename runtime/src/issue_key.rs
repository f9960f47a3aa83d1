//! Jira issue keys (`PROJECT-123`): validation and a scanner for free text, without regexes.

/// Checks whether `text` is exactly one issue key: an uppercase letter, one or more uppercase letters or
/// digits, a dash and one or more digits.
pub fn is_issue_key(text: &str) -> bool {
    match_key_at(text.as_bytes(), 0) == Some(text.len())
}

/// Returns every issue key in `text`, in order of first appearance and without duplicates.
///
/// A key must not be glued to a preceding letter or digit (`XPAY-1` is not `PAY-1`) nor followed
/// by one (`PAY-1842a` is no key).
pub fn scan_issue_keys(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut keys: Vec<String> = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let preceded_by_word = start > 0 && bytes.get(start - 1).is_some_and(is_word_byte);
        let end = if preceded_by_word {
            None
        } else {
            match_key_at(bytes, start)
        };
        match end {
            Some(end) if !bytes.get(end).is_some_and(is_word_byte) => {
                let key = text.get(start..end).unwrap_or_default().to_string();
                if !keys.contains(&key) {
                    keys.push(key);
                }
                start = end;
            }
            _ => start += 1,
        }
    }
    keys
}

/// Returns the end offset of the longest issue key that starts at `start`, if one does.
fn match_key_at(bytes: &[u8], start: usize) -> Option<usize> {
    let mut index = start;
    if !bytes.get(index)?.is_ascii_uppercase() {
        return None;
    }
    index += 1;
    let project_start = index;
    while bytes
        .get(index)
        .is_some_and(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        index += 1;
    }
    if index == project_start || bytes.get(index) != Some(&b'-') {
        return None;
    }
    index += 1;
    let number_start = index;
    while bytes.get(index).is_some_and(u8::is_ascii_digit) {
        index += 1;
    }
    (index > number_start).then_some(index)
}

fn is_word_byte(byte: &u8) -> bool {
    byte.is_ascii_alphanumeric() || *byte == b'_'
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn scans_fixture_text() {
        let text = "PAY-1842: switch\n\nImplements PAY-1842.\nAlso touches SEC-77 (key rotation).";
        assert_eq!(scan_issue_keys(text), vec!["PAY-1842", "SEC-77"]);
    }

    #[test]
    fn rejects_glued_and_short_keys() {
        assert!(scan_issue_keys("XPay-1 A-1 pay-2 PAY-1842a PAY-").is_empty());
        assert_eq!(scan_issue_keys("(AB1-9)"), vec!["AB1-9"]);
    }

    #[test]
    fn validates_whole_key() {
        assert!(is_issue_key("PAY-1842"));
        assert!(!is_issue_key("PAY-1842 "));
        assert!(!is_issue_key("P-1"));
        assert!(!is_issue_key("pay-1"));
    }
}
