//! Helpers shared by the front-end tests.

#![allow(dead_code)]

use compiler::ast::{Expr, ExprKind, Policy};
use compiler::diagnostic::Diagnostic;
use compiler::frontend::lower_file;
use compiler::span::{SourceMap, Span};

pub struct Lowered {
    pub sources: SourceMap,
    pub policies: Vec<Policy>,
    pub diags: Vec<Diagnostic>,
}

impl Lowered {
    /// Returns the source text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        let file = self.sources.get(span.source).expect("span points into a known file");
        &file.text[span.start..span.end]
    }

    pub fn codes(&self) -> Vec<&'static str> {
        self.diags.iter().map(|diag| diag.code).collect()
    }

    /// Returns the only diagnostic, failing the test when there are none or several.
    pub fn single(&self) -> &Diagnostic {
        assert_eq!(self.diags.len(), 1, "expected one diagnostic, got {:#?}", self.diags);
        &self.diags[0]
    }

    pub fn policy(&self, id: &str) -> &Policy {
        self.policies
            .iter()
            .find(|policy| policy.id.value == id)
            .unwrap_or_else(|| panic!("no policy {id} in {:?}", self.ids()))
    }

    pub fn ids(&self) -> Vec<&str> {
        self.policies.iter().map(|policy| policy.id.value.as_str()).collect()
    }
}

/// Lowers `text` as if it were the file `name` (the extension picks the front end).
pub fn lower(name: &str, text: &str) -> Lowered {
    let mut sources = SourceMap::new();
    let id = sources.add(name, text);
    let (policies, diags) = lower_file(&sources, id);
    Lowered { sources, policies, diags }
}

/// Lowers a file that must be free of diagnostics.
pub fn lower_ok(name: &str, text: &str) -> Lowered {
    let lowered = lower(name, text);
    assert!(lowered.diags.is_empty(), "unexpected diagnostics: {:#?}", lowered.diags);
    lowered
}

/// Renders an expression as a fully parenthesized string, for compact assertions.
pub fn show(expr: &Expr) -> String {
    let list = |items: &[Expr]| items.iter().map(show).collect::<Vec<_>>().join(", ");
    match &expr.kind {
        ExprKind::Literal(literal) => format!("{literal:?}"),
        ExprKind::List(items) => format!("[{}]", list(items)),
        ExprKind::Path(path) => path.clone(),
        ExprKind::Not(inner) => format!("(not {})", show(inner)),
        ExprKind::And(lhs, rhs) => format!("({} and {})", show(lhs), show(rhs)),
        ExprKind::Or(lhs, rhs) => format!("({} or {})", show(lhs), show(rhs)),
        ExprKind::Compare { op, lhs, rhs } => format!("({} {} {})", show(lhs), op.value.as_str(), show(rhs)),
        ExprKind::Call { func, args } => format!("{}({})", func.value.as_str(), list(args)),
    }
}

/// Finds the first comparison in `expr` (depth first) whose left side is `path`.
pub fn find_compare<'e>(expr: &'e Expr, path: &str) -> Option<&'e Expr> {
    match &expr.kind {
        ExprKind::Compare { lhs, .. } if matches!(&lhs.kind, ExprKind::Path(p) if p == path) => Some(expr),
        ExprKind::Not(inner) => find_compare(inner, path),
        ExprKind::And(lhs, rhs) | ExprKind::Or(lhs, rhs) => find_compare(lhs, path).or_else(|| find_compare(rhs, path)),
        _ => None,
    }
}
