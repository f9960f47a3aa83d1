//! The transition map and the role map: which policies run at which Jira transition, and which
//! people hold which roles. Both are YAML files next to the policies (`policies/transitions.yaml`
//! and `policies/roles.yaml`). The runtime reads them with `parse_str`; `releasegate check` reads
//! them with `parse` and reports every problem with its span.

mod roles;
mod transitions;

pub use roles::{Member, RoleMap};
pub use transitions::{
    EnvironmentTable, ProjectTable, TransitionEntry, TransitionMap, DEFAULT_PROJECT, ENVIRONMENTS,
};

use crate::diagnostic::{Diagnostic, Severity};
use crate::located_yaml::read::Codes;
use crate::span::SourceFile;

/// Codes shared by both maps for problems with the YAML shape.
const CODES: Codes = Codes {
    syntax: "releasegate::maps::yaml_syntax",
    duplicate_key: "releasegate::maps::duplicate_key",
    unknown_key: "releasegate::maps::unknown_key",
    missing_key: "releasegate::maps::missing_key",
    wrong_type: "releasegate::maps::wrong_type",
};

/// Every diagnostic code the two map parsers can report.
pub const CODES_ALL: [&str; 11] = [
    CODES.syntax,
    CODES.duplicate_key,
    CODES.unknown_key,
    CODES.missing_key,
    CODES.wrong_type,
    transitions::UNKNOWN_ENVIRONMENT,
    transitions::BAD_TRANSITION_KEY,
    transitions::EMPTY_POLICY_LIST,
    transitions::DUPLICATE_REFERENCE,
    transitions::UNKNOWN_POLICY,
    roles::UNUSED_OVERRIDE_ROLE,
];

/// A transition map or role map text that has errors. The message lists every error with its
/// line and column.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MapError(String);

/// Formats the errors among `diagnostics` as one readable message for `MapError`.
fn map_error(kind: &str, file: &SourceFile, diagnostics: &[Diagnostic]) -> MapError {
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error);
    let lines: Vec<String> = errors.map(|d| error_line(file, d)).collect();
    MapError(format!("invalid {kind}:\n{}", lines.join("\n")))
}

fn error_line(file: &SourceFile, diagnostic: &Diagnostic) -> String {
    let (line, column) = line_column(&file.text, diagnostic.span.start);
    let help = diagnostic
        .help
        .as_deref()
        .map(|help| format!(" ({help})"))
        .unwrap_or_default();
    format!(
        "  line {line}, column {column}: {}{help}",
        diagnostic.message
    )
}

/// Returns the 1-based line and character column of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let head = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = head.matches('\n').count() + 1;
    let line_start = head.rfind('\n').map_or(0, |newline| newline + 1);
    let column = head
        .get(line_start..)
        .map_or(0, |rest| rest.chars().count())
        + 1;
    (line, column)
}

/// Splits the diagnostics of a parse into a result: `Ok` (with the warnings) when none is an error.
fn finish<T>(
    value: Option<T>,
    diagnostics: Vec<Diagnostic>,
) -> Result<(T, Vec<Diagnostic>), Vec<Diagnostic>> {
    let has_error = diagnostics.iter().any(|d| d.severity == Severity::Error);
    match value {
        Some(value) if !has_error => Ok((value, diagnostics)),
        _ => Err(diagnostics),
    }
}

#[cfg(test)]
mod tests;
