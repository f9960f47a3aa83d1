//! Front ends: YAML, JSON and the text DSL all lower to [`crate::ast::Policy`].
//!
//! [`lower_file`] picks the front end by file extension: `.rgl` is the DSL, `.json` is JSON and
//! everything else (`.yaml`, `.yml`) is YAML.

pub mod codes;
mod document;
mod dsl;
mod expr;
mod fields;
mod json;
mod render;
mod values;
mod yaml;

use crate::ast::Policy;
use crate::diagnostic::Diagnostic;
use crate::span::{SourceId, SourceMap, Span};

/// Lowers one source file to policies. Policies with errors are left out; every problem is in
/// the returned diagnostics, so a caller can report them all at once.
pub fn lower_file(sources: &SourceMap, id: SourceId) -> (Vec<Policy>, Vec<Diagnostic>) {
    let Some(file) = sources.get(id) else {
        let diagnostic = Diagnostic::error(
            codes::IO_READ_FAILED,
            format!("source {} is not in the source map", id.0),
            Span::new(id, 0, 0),
            "unknown source",
        )
        .with_help("read the file with `compiler::sources::read_source` before lowering it");
        return (Vec::new(), vec![diagnostic]);
    };
    let name = file.name.to_ascii_lowercase();
    if name.ends_with(".rgl") {
        dsl::lower_dsl(file)
    } else if name.ends_with(".json") {
        json::lower_json(file)
    } else {
        yaml::lower_yaml(file)
    }
}

/// Parses a standalone expression (as written in a `when:` string) whose text is the whole of
/// source `id`, and lowers it. Useful for tools and tests.
pub fn lower_expression(sources: &SourceMap, id: SourceId) -> (Option<crate::ast::Expr>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let Some(file) = sources.get(id) else { return (None, diags) };
    let expr = expr::parse_and_lower(&file.text, &expr::Placement::exact(id, 0), &mut diags);
    (expr, diags)
}
