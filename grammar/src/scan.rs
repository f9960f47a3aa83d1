//! Small text scans used around the pest parser: trivia skipping, string checks and a nesting
//! limit that keeps the recursive descent parser off deep recursion.

/// Returns the first offset at or after `pos` that is not whitespace or inside a `#` comment.
pub(crate) fn skip_trivia(text: &str, mut pos: usize) -> usize {
    loop {
        let rest = text.get(pos..).unwrap_or("");
        let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        pos += rest.len() - trimmed.len();
        if !trimmed.starts_with('#') {
            return pos;
        }
        pos += trimmed.find('\n').unwrap_or(trimmed.len());
    }
}

/// The state of a string literal that starts at the beginning of a text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum StringScan {
    /// Closed on its line; the length includes both quotes.
    Complete(usize),
    /// No closing quote before the end of the line; the length runs to the end of the line.
    Unterminated(usize),
    /// An escape the grammar does not accept, at `offset` with `len` bytes.
    BadEscape { offset: usize, len: usize },
}

/// Scans the string literal at the start of `text` (which begins with `"`).
pub(crate) fn scan_string(text: &str) -> StringScan {
    let mut chars = text.char_indices().skip(1);
    while let Some((offset, ch)) = chars.next() {
        match ch {
            '"' => return StringScan::Complete(offset + 1),
            '\n' => return StringScan::Unterminated(offset),
            '\\' => {
                let escape = text.get(offset..).unwrap_or("");
                if let Some(len) = valid_escape_len(escape) {
                    for _ in 1..escape.get(..len).map_or(1, |e| e.chars().count()) {
                        chars.next();
                    }
                } else {
                    let len = 1 + escape.chars().nth(1).map_or(0, char::len_utf8);
                    return StringScan::BadEscape { offset, len };
                }
            }
            _ => {}
        }
    }
    StringScan::Unterminated(text.trim_end_matches(['\r']).len())
}

/// Returns the byte length of a well-formed escape at the start of `text`.
pub(crate) fn valid_escape_len(text: &str) -> Option<usize> {
    let body = text.get(1..)?;
    let first = body.chars().next()?;
    match first {
        '"' | '\\' | 'n' | 't' | 'r' => Some(2),
        'u' => {
            if let Some(braced) = body.get(1..).and_then(|b| b.strip_prefix('{')) {
                let close = braced.find('}')?;
                let digits = braced.get(..close)?;
                let ok = (1..=6).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_hexdigit());
                ok.then_some(3 + close + 1)
            } else {
                let digits = body.get(1..5)?;
                digits.chars().all(|c| c.is_ascii_hexdigit()).then_some(6)
            }
        }
        _ => None,
    }
}

/// Returns the byte offset where nesting of `(`, `[`, `{` and consecutive `not` words first
/// exceeds `limit`, ignoring strings and comments.
pub(crate) fn nesting_overflow(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut not_run = 0usize;
    let mut pos = 0usize;
    while let Some(&byte) = bytes.get(pos) {
        match byte {
            b'"' => pos += skip_string_bytes(bytes, pos),
            b'#' => pos += text.get(pos..).and_then(|rest| rest.find('\n')).unwrap_or(text.len() - pos),
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'n' if is_not_word(bytes, pos) => not_run += 1,
            b' ' | b'\t' | b'\r' | b'\n' | b'o' | b't' => {}
            _ => not_run = 0,
        }
        if depth + not_run > limit {
            return Some(pos);
        }
        pos += 1;
    }
    None
}

fn is_not_word(bytes: &[u8], pos: usize) -> bool {
    let is_word = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.');
    let before = pos.checked_sub(1).and_then(|p| bytes.get(p));
    bytes.get(pos..pos + 3) == Some(b"not".as_slice()) && !is_word(before) && !is_word(bytes.get(pos + 3))
}

/// Returns how many bytes to advance past the string at `pos`, stopping at the end of the line.
fn skip_string_bytes(bytes: &[u8], pos: usize) -> usize {
    let mut end = pos + 1;
    while let Some(&byte) = bytes.get(end) {
        match byte {
            b'\\' => end += 2,
            b'"' | b'\n' => return end - pos,
            _ => end += 1,
        }
    }
    end.min(bytes.len()) - pos
}
