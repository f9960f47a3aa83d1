//! Helpers that read a located YAML tree into typed values and report shape problems as
//! diagnostics, with the codes of the file kind being read (schema, transition map, role map).
#![allow(
    clippy::result_large_err,
    reason = "a Diagnostic is the error of every reader, and these paths are cold"
)]

use super::{Entry, Node, YamlProblem};
use crate::diagnostic::Diagnostic;
use crate::span::{SourceId, SourceMap, Span, Spanned};
use crate::suggest;

/// The diagnostic codes for the shape problems of one file kind.
#[derive(Clone, Copy, Debug)]
pub struct Codes {
    pub syntax: &'static str,
    pub duplicate_key: &'static str,
    pub unknown_key: &'static str,
    pub missing_key: &'static str,
    pub wrong_type: &'static str,
}

/// Parses source `id` of `sources` as YAML, turning parser problems into diagnostics.
pub fn parse_source(
    sources: &SourceMap,
    id: SourceId,
    codes: Codes,
) -> Result<Node, Vec<Diagnostic>> {
    let Some(file) = sources.get(id) else {
        let span = Span::new(id, 0, 0);
        let missing = Diagnostic::error(codes.syntax, "source file is not loaded", span, "here");
        return Err(vec![missing]);
    };
    super::parse(&file.text, id).map_err(|problems| {
        problems
            .into_iter()
            .map(|p| problem_diagnostic(p, codes))
            .collect()
    })
}

fn problem_diagnostic(problem: YamlProblem, codes: Codes) -> Diagnostic {
    match problem {
        YamlProblem::Syntax { message, span, tab } => {
            let help = match tab {
                true => "YAML indentation must use spaces: replace the tab with spaces",
                false => "fix the YAML syntax; quote values that contain `: `, `#`, `[` or `{`",
            };
            Diagnostic::error(
                codes.syntax,
                format!("invalid YAML: {message}"),
                span,
                "the YAML parser stopped here",
            )
            .with_help(help)
        }
        YamlProblem::DuplicateKey { key, span, first } => Diagnostic::error(
            codes.duplicate_key,
            format!("duplicate key `{key}`"),
            span,
            "written again here",
        )
        .with_help("each key may appear once in a mapping; merge the two entries or remove one")
        .with_related(first, "first written here"),
        YamlProblem::Alias { message, span } => {
            Diagnostic::error(codes.syntax, message, span, "this alias cannot be expanded")
                .with_help("write the values out in place of the alias, or nest fewer aliases")
        }
        YamlProblem::ComplexKey { span } => Diagnostic::error(
            codes.wrong_type,
            "a mapping key must be a string",
            span,
            "this mapping has a list or mapping as a key",
        ),
    }
}

/// Returns the entries of a mapping, or a diagnostic naming what was expected.
pub fn expect_map<'a>(node: &'a Node, what: &str, codes: Codes) -> Result<&'a [Entry], Diagnostic> {
    node.as_map()
        .ok_or_else(|| wrong_type(node, what, "a mapping", codes))
}

/// Returns the items of a list of strings (numbers and booleans are taken as their text).
pub fn expect_string_list(
    node: &Node,
    what: &str,
    codes: Codes,
) -> Result<Vec<Spanned<String>>, Diagnostic> {
    let items = node
        .as_seq()
        .ok_or_else(|| wrong_type(node, what, "a list of strings", codes))?;
    items
        .iter()
        .map(|item| expect_string(item, what, codes))
        .collect()
}

/// Returns a scalar as a string (numbers and booleans are taken as their text).
pub fn expect_string(node: &Node, what: &str, codes: Codes) -> Result<Spanned<String>, Diagnostic> {
    match node.scalar_text() {
        Some(text) => Ok(Spanned::new(text, node.span)),
        None => Err(wrong_type(node, what, "a string", codes)),
    }
}

pub fn wrong_type(node: &Node, what: &str, expected: &str, codes: Codes) -> Diagnostic {
    let message = format!("{what} must be {expected}, found {}", node.kind_name());
    let help = match expected {
        "a list of strings" => {
            "write a list such as `[A, B]`, or one `- item` per line".to_string()
        }
        "a mapping" => {
            "write `key: value` entries on the lines below, indented by two spaces".to_string()
        }
        other => format!("write {other} here"),
    };
    Diagnostic::error(
        codes.wrong_type,
        message,
        node.span,
        format!("expected {expected}"),
    )
    .with_help(help)
}

/// Reports every key of `entries` that is not in `allowed`, with the nearest allowed key.
pub fn unknown_keys(
    entries: &[Entry],
    allowed: &[&str],
    what: &str,
    codes: Codes,
) -> Vec<Diagnostic> {
    let unknown = entries
        .iter()
        .filter(|entry| !allowed.contains(&entry.key.value.as_str()));
    unknown
        .map(|entry| unknown_key(&entry.key, allowed, what, codes))
        .collect()
}

fn unknown_key(key: &Spanned<String>, allowed: &[&str], what: &str, codes: Codes) -> Diagnostic {
    let message = format!("unknown key `{}` in {what}", key.value);
    let diagnostic = Diagnostic::error(codes.unknown_key, message, key.span, "unknown key");
    let expected = allowed
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match suggest::nearest(&key.value, allowed.iter().copied()) {
        Some(nearest) => diagnostic.with_help(format!(
            "did you mean `{nearest}`? Allowed keys: {expected}"
        )),
        None => diagnostic.with_help(format!("allowed keys: {expected}")),
    }
}

/// Returns the entry for `key`.
pub fn get<'a>(entries: &'a [Entry], key: &str) -> Option<&'a Entry> {
    entries.iter().find(|entry| entry.key.value == key)
}

/// Returns the entry for `key`, or a diagnostic at `span` saying that it is missing.
pub fn require<'a>(
    entries: &'a [Entry],
    key: &str,
    what: &str,
    span: Span,
    codes: Codes,
) -> Result<&'a Entry, Diagnostic> {
    get(entries, key).ok_or_else(|| {
        let message = format!("{what} has no `{key}` key");
        Diagnostic::error(
            codes.missing_key,
            message,
            span,
            format!("`{key}` is missing"),
        )
        .with_help(format!("add a `{key}:` entry"))
    })
}

/// Moves an error into `diagnostics` and returns the value, if any.
pub fn push_err<T>(result: Result<T, Diagnostic>, diagnostics: &mut Vec<Diagnostic>) -> Option<T> {
    result
        .map_err(|diagnostic| diagnostics.push(diagnostic))
        .ok()
}
