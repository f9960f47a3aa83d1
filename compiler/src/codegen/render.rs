//! Renders expressions back to DSL text for control labels in traces and the disassembly.

use crate::ast::{Expr, ExprKind, Literal};

pub fn render_expr(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Literal(literal) => render_literal(literal),
        ExprKind::List(items) => {
            let items: Vec<String> = items.iter().map(render_expr).collect();
            format!("[{}]", items.join(", "))
        }
        ExprKind::Path(path) => path.clone(),
        ExprKind::Not(inner) => format!("not {}", render_operand(inner)),
        ExprKind::And(a, b) => format!("{} and {}", render_operand(a), render_operand(b)),
        ExprKind::Or(a, b) => format!("{} or {}", render_operand(a), render_operand(b)),
        ExprKind::Compare { op, lhs, rhs } => {
            format!("{} {} {}", render_operand(lhs), op.value.as_str(), render_operand(rhs))
        }
        ExprKind::Call { func, args } => {
            let args: Vec<String> = args.iter().map(render_expr).collect();
            format!("{}({})", func.value.as_str(), args.join(", "))
        }
    }
}

/// Renders a sub-expression, in parentheses when it is itself a logical or comparison node.
fn render_operand(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::And(..) | ExprKind::Or(..) | ExprKind::Compare { .. } | ExprKind::Not(_) => {
            format!("({})", render_expr(expr))
        }
        _ => render_expr(expr),
    }
}

pub fn render_literal(literal: &Literal) -> String {
    match literal {
        Literal::Bool(b) => b.to_string(),
        Literal::Int(i) => i.to_string(),
        Literal::Decimal(d) => format!("{d:?}"),
        Literal::String(s) => format!("{s:?}"),
    }
}
