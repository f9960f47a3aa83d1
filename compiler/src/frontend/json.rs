//! JSON policy files. serde_json checks the syntax first, because its errors carry a line and
//! column. The accepted text is then read with the YAML tree builder (JSON is a subset of
//! YAML 1.2), so that keys and values keep their byte spans and duplicate keys are reported.

use crate::ast::{Policy, Syntax};
use crate::diagnostic::Diagnostic;
use crate::frontend::codes;
use crate::frontend::document::{lower_documents, DocumentContext};
use crate::yaml_tree::parse_documents;
use crate::frontend::yaml::point;
use crate::span::SourceFile;

pub(crate) fn lower_json(file: &SourceFile) -> (Vec<Policy>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let cx = DocumentContext { source: file.id, text: &file.text, syntax: Syntax::Json };
    if file.text.trim().is_empty() {
        return (lower_documents(&[], &cx, &mut diags), diags);
    }
    if let Err(error) = serde_json::from_str::<serde::de::IgnoredAny>(&file.text) {
        let offset = line_column_offset(&file.text, error.line(), error.column());
        return (Vec::new(), vec![json_syntax(file, offset, &error.to_string())]);
    }
    let documents = match parse_documents(&file.text, file.id) {
        Ok(documents) => documents,
        Err(error) => return (Vec::new(), vec![json_syntax(file, error.offset, &error.message)]),
    };
    let policies = lower_documents(&documents, &cx, &mut diags);
    (policies, diags)
}

fn json_syntax(file: &SourceFile, offset: usize, message: &str) -> Diagnostic {
    Diagnostic::error(codes::JSON_SYNTAX, format!("invalid JSON: {message}"), point(file, offset), "here")
        .with_help("fix the JSON syntax at this position (check commas, quotes and brackets)")
}

/// Converts serde_json's 1-based line and column (a byte count within the line) to a byte
/// offset. serde_json reports column 0 for an error at the very start of a line.
fn line_column_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}
