//! Resolves the escapes of a DSL string literal.

use crate::cst::Span;
use crate::error::ParseError;

/// Resolves `\" \\ \n \t \r \u{X..} \uXXXX` in `raw`, the text between the quotes, which starts
/// at byte `offset` of the parsed text. The grammar has already checked the escape syntax, so
/// the only error left is a `\u` escape that is not a Unicode scalar value (a surrogate or a
/// value above `10FFFF`).
pub(crate) fn unescape(raw: &str, offset: usize) -> Result<String, Box<ParseError>> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(backslash) = rest.find('\\') {
        out.push_str(rest.get(..backslash).unwrap_or(""));
        let escape = rest.get(backslash..).unwrap_or("");
        let (ch, len) = escape_value(escape).ok_or_else(|| {
            let start = offset + (raw.len() - rest.len()) + backslash;
            let len = escape_len(escape);
            Box::new(ParseError::invalid_escape(Span::new(start, start + len), escape.get(..len).unwrap_or(escape)))
        })?;
        out.push(ch);
        rest = escape.get(len..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

/// Returns the character an escape at the start of `text` stands for, and its length in bytes.
fn escape_value(text: &str) -> Option<(char, usize)> {
    let mut chars = text.chars();
    chars.next();
    let simple = match chars.next()? {
        '"' => '"',
        '\\' => '\\',
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'u' => return unicode_escape(text),
        _ => return None,
    };
    Some((simple, 2))
}

fn unicode_escape(text: &str) -> Option<(char, usize)> {
    let after_u = text.get(2..)?;
    let (digits, len) = if let Some(braced) = after_u.strip_prefix('{') {
        let close = braced.find('}')?;
        (braced.get(..close)?, 2 + 1 + close + 1)
    } else {
        (after_u.get(..4)?, 2 + 4)
    };
    let value = u32::from_str_radix(digits, 16).ok()?;
    Some((char::from_u32(value)?, len))
}

/// Returns the length of the escape at the start of `text` as far as it looks like one, for
/// error spans.
fn escape_len(text: &str) -> usize {
    let body = text.get(1..).unwrap_or("");
    if let Some(braced) = body.strip_prefix("u{") {
        return braced.find('}').map_or(text.len(), |close| 3 + close + 1);
    }
    if body.starts_with('u') {
        let hex = body.chars().skip(1).take(4).take_while(char::is_ascii_hexdigit).count();
        return 2 + hex;
    }
    1 + body.chars().next().map_or(0, char::len_utf8)
}
