//! YAML policy files: parsed with saphyr-parser into a spanned tree, then lowered.

use crate::ast::{Policy, Syntax};
use crate::diagnostic::Diagnostic;
use crate::frontend::codes;
use crate::frontend::document::{lower_documents, DocumentContext};
use crate::yaml_tree::parse_documents;
use crate::span::{SourceFile, Span};

pub(crate) fn lower_yaml(file: &SourceFile) -> (Vec<Policy>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let documents = match parse_documents(&file.text, file.id) {
        Ok(documents) => documents,
        Err(error) => {
            let span = point(file, error.offset);
            let diagnostic = Diagnostic::error(codes::YAML_SYNTAX, format!("invalid YAML: {}", error.message), span, "here")
                .with_help("fix the YAML syntax at this position (check indentation, quotes and `key: value` pairs)");
            return (Vec::new(), vec![diagnostic]);
        }
    };
    let cx = DocumentContext { source: file.id, text: &file.text, syntax: Syntax::Yaml };
    let policies = lower_documents(&documents, &cx, &mut diags);
    (policies, diags)
}

/// Returns a one-character span at `offset`, or an empty one at the end of the file.
pub(crate) fn point(file: &SourceFile, offset: usize) -> Span {
    let offset = offset.min(file.text.len());
    let width = file.text.get(offset..).and_then(|rest| rest.chars().next()).map_or(0, char::len_utf8);
    Span::new(file.id, offset, offset + width)
}
