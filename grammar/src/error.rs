//! Parse errors as data: what went wrong, where, what was expected and what was found.

use pest::error::{Error as PestError, ErrorVariant, InputLocation};

use crate::cst::Span;
use crate::expected::{describe_expected, keywords_for, word_operator};
use crate::parser::Rule;
use crate::scan::{scan_string, skip_trivia, StringScan};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParseErrorKind {
    /// Any other syntax error, described by `expected` and `found`.
    Syntax,
    /// A string literal without its closing quote on the same line.
    UnterminatedString,
    /// An escape sequence that strings do not support, such as `\q` or `\u{D800}`.
    InvalidEscape,
    /// An operator from another language, such as `=`, `=>`, `<>`, `===` or `&&`.
    UnknownOperator,
    /// A word where a keyword belongs, such as `whne` for `when`.
    UnknownKeyword,
    /// The input ended while more was expected.
    UnexpectedEof,
    /// Nesting of parentheses, lists or `not` deeper than the parser accepts.
    TooDeep,
    /// The syntax tree builder met a shape the grammar does not produce (a bug, not bad input).
    Internal,
}

/// A parse error with byte offsets into the parsed text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub span: Span,
    /// The expected input in words, such as "an operator such as `==` or `in`".
    pub expected: String,
    /// The input found instead, such as "`=`", "the word `whne`" or "end of input".
    pub found: String,
    /// The replacement for an unknown operator (`==` for `=`), or for an unknown keyword the
    /// nearest valid keyword by edit distance (`when` for `whne`), when one is close enough.
    pub suggestion: Option<String>,
    /// For [`ParseErrorKind::UnknownKeyword`]: the keywords valid at this position.
    pub keywords: Vec<&'static str>,
    /// The word found, for an unknown keyword.
    pub word: Option<String>,
    message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

impl ParseError {
    fn new(kind: ParseErrorKind, span: Span, message: String) -> ParseError {
        ParseError {
            kind,
            span,
            expected: String::new(),
            found: String::new(),
            suggestion: None,
            keywords: Vec::new(),
            word: None,
            message,
        }
    }

    /// Returns a one-line description such as "unknown operator `=`".
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn internal(span: Span, message: String) -> ParseError {
        ParseError::new(ParseErrorKind::Internal, span, message)
    }

    pub(crate) fn invalid_escape(span: Span, escape: &str) -> ParseError {
        let mut error = ParseError::new(
            ParseErrorKind::InvalidEscape,
            span,
            format!("invalid escape sequence `{escape}` in string"),
        );
        error.expected = "one of \\\" \\\\ \\n \\t \\r \\u{XXXX} or \\uXXXX".to_owned();
        error.found = format!("`{escape}`");
        error
    }

    pub(crate) fn too_deep(span: Span, limit: usize) -> ParseError {
        let mut error = ParseError::new(
            ParseErrorKind::TooDeep,
            span,
            format!("expression nested more than {limit} levels deep"),
        );
        error.expected = format!("at most {limit} nested parentheses, lists or `not`");
        error.found = "deeper nesting".to_owned();
        error
    }

    /// Converts a pest error into a classified [`ParseError`] by looking at the text at the
    /// error position.
    pub(crate) fn from_pest(error: &PestError<Rule>, text: &str) -> ParseError {
        let raw_pos = match error.location {
            InputLocation::Pos(pos) => pos,
            InputLocation::Span((start, _)) => start,
        };
        let positives: Vec<Rule> = match &error.variant {
            ErrorVariant::ParsingError { positives, .. } => positives.clone(),
            ErrorVariant::CustomError { .. } => Vec::new(),
        };
        classify(text, skip_trivia(text, raw_pos), &positives)
    }
}

fn classify(text: &str, pos: usize, positives: &[Rule]) -> ParseError {
    let expected = describe_expected(positives);
    let rest = text.get(pos..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return end_of_input(text.len(), expected);
    };
    if first == '"' {
        return string_error(rest, pos, expected);
    }
    if is_operator_char(first) {
        let start = operator_run_start(text, pos);
        let rest = text.get(start..).unwrap_or("");
        return operator_error(rest, start, expected, positives);
    }
    if first.is_ascii_alphabetic() || first == '_' {
        return word_error(rest, pos, expected, positives);
    }
    if first == '\'' {
        let mut error = syntax(Span::new(pos, pos + 1), expected, "`'`".to_owned());
        error.message = "strings use double quotes, found `'`".to_owned();
        return error;
    }
    if first.is_ascii_digit() || first == '-' {
        let len = rest.chars().take_while(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '.' | '-')).count();
        let token = rest.get(..len.max(1)).unwrap_or("-");
        return syntax(Span::new(pos, pos + token.len()), expected, format!("`{token}`"));
    }
    let span = Span::new(pos, pos + first.len_utf8());
    syntax(span, expected, format!("`{first}`"))
}

fn syntax(span: Span, expected: String, found: String) -> ParseError {
    let mut error = ParseError::new(ParseErrorKind::Syntax, span, format!("expected {expected}, found {found}"));
    error.expected = expected;
    error.found = found;
    error
}

fn end_of_input(len: usize, expected: String) -> ParseError {
    let message = format!("unexpected end of input, expected {expected}");
    let mut error = ParseError::new(ParseErrorKind::UnexpectedEof, Span::new(len, len), message);
    error.expected = expected;
    error.found = "end of input".to_owned();
    error
}

fn string_error(rest: &str, pos: usize, expected: String) -> ParseError {
    match scan_string(rest) {
        StringScan::Unterminated(len) => {
            let message = "unterminated string: the closing `\"` is missing on this line".to_owned();
            let mut error = ParseError::new(ParseErrorKind::UnterminatedString, Span::new(pos, pos + len), message);
            error.expected = "`\"` before the end of the line".to_owned();
            error.found = "end of line".to_owned();
            error
        }
        StringScan::BadEscape { offset, len } => {
            let start = pos + offset;
            ParseError::invalid_escape(Span::new(start, start + len), rest.get(offset..offset + len).unwrap_or("\\"))
        }
        StringScan::Complete(len) => syntax(Span::new(pos, pos + len), expected, "a string".to_owned()),
    }
}

/// Walks back from `pos` over operator characters, so that `<>` is reported whole even though
/// the parser accepted its `<` and failed at `>`.
fn operator_run_start(text: &str, pos: usize) -> usize {
    let before = text.get(..pos).unwrap_or("");
    let run = before.chars().rev().take_while(|ch| is_operator_char(*ch)).count();
    pos - run
}

fn is_operator_char(ch: char) -> bool {
    matches!(ch, '=' | '<' | '>' | '!' | '&' | '|' | '~')
}

/// Replacement for operators that other languages use.
fn operator_replacement(op: &str) -> Option<&'static str> {
    match op {
        "=" | "===" | "=~" => Some("=="),
        "=>" => Some(">="),
        "=<" => Some("<="),
        "<>" | "!==" | "~=" => Some("!="),
        "&&" | "&" => Some("and"),
        "||" | "|" => Some("or"),
        "!" => Some("not"),
        _ => None,
    }
}

fn operator_error(rest: &str, pos: usize, expected: String, positives: &[Rule]) -> ParseError {
    let run_len = rest.chars().take_while(|ch| is_operator_char(*ch)).map(char::len_utf8).sum::<usize>();
    let op = rest.get(..run_len).unwrap_or("");
    let span = Span::new(pos, pos + run_len);
    let expects_operator = positives.iter().any(|r| matches!(r, Rule::cmp_op | Rule::kw_and | Rule::kw_or | Rule::path));
    let Some(replacement) = operator_replacement(op) else {
        return syntax(span, expected, format!("`{op}`"));
    };
    if !expects_operator && !matches!(replacement, "not") {
        return syntax(span, expected, format!("`{op}`"));
    }
    let message = format!("unknown operator `{op}`");
    let mut error = ParseError::new(ParseErrorKind::UnknownOperator, span, message);
    error.expected = expected;
    error.found = format!("`{op}`");
    error.suggestion = Some(replacement.to_owned());
    error
}

fn word_error(rest: &str, pos: usize, expected: String, positives: &[Rule]) -> ParseError {
    let word_len = rest.chars().take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '_').count();
    let word = rest.get(..word_len).unwrap_or("");
    let span = Span::new(pos, pos + word_len);
    let found = format!("the word `{word}`");
    if positives.contains(&Rule::cmp_op) {
        if let Some(op) = word_operator(word) {
            let mut error = ParseError::new(ParseErrorKind::UnknownOperator, span, format!("unknown operator `{word}`"));
            error.expected = expected;
            error.found = found;
            error.suggestion = Some(op.to_owned());
            return error;
        }
    }
    let keywords = keywords_for(positives);
    if keywords.is_empty() || keywords.contains(&word) {
        return syntax(span, expected, found);
    }
    let mut error = ParseError::new(ParseErrorKind::UnknownKeyword, span, format!("unknown keyword `{word}`"));
    error.expected = expected;
    error.found = found;
    error.suggestion = crate::suggest::nearest(word, keywords.iter().copied()).map(str::to_owned);
    error.keywords = keywords;
    error.word = Some(word.to_owned());
    error
}
