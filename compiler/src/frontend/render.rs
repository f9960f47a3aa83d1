//! Canonical text of DSL literals and comparisons, used for `require` messages.

use crate::ast::{CmpOp, Expr, ExprKind, Literal};

/// Renders `path op value` the way the DSL would write it, such as
/// `risk.level in ["HIGH", "CRITICAL"]`.
pub(crate) fn comparison(path: &str, op: CmpOp, value: &Expr) -> String {
    format!("{path} {} {}", op.as_str(), operand(value))
}

fn operand(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Literal(literal) => literal_text(literal),
        ExprKind::List(items) => format!("[{}]", items.iter().map(operand).collect::<Vec<_>>().join(", ")),
        ExprKind::Path(path) => path.clone(),
        _ => "…".to_owned(),
    }
}

pub(crate) fn literal_text(literal: &Literal) -> String {
    match literal {
        Literal::Bool(value) => value.to_string(),
        Literal::Int(value) => value.to_string(),
        Literal::Decimal(value) => format!("{value:?}"),
        Literal::String(value) => quoted(value),
    }
}

/// Quotes a string with the DSL's escapes.
fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            ch if ch.is_control() => out.push_str(&format!("\\u{{{:X}}}", u32::from(ch))),
            ch => out.push(ch),
        }
    }
    out.push('"');
    out
}
