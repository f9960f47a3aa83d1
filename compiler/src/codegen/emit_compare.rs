//! Controls: comparisons, `exists()` and bool tests. Each one gets a control-table entry so
//! the trace can report its text, the signal it read and the actual value.

use vm::instr::{CompareOp, Instr};
use vm::program::{ActualSide, Control};

use super::emitter::{Emitter, CODE_BAD_CALL};
use super::render::render_expr;
use crate::ast::{CmpOp, Expr, ExprKind, Func};

impl Emitter<'_> {
    pub(crate) fn compare(&mut self, expr: &Expr, op: CmpOp, lhs: &Expr, rhs: &Expr) {
        self.value(lhs);
        self.value(rhs);
        let actual = match lhs.kind {
            ExprKind::Literal(_) | ExprKind::List(_) => ActualSide::Rhs,
            _ => ActualSide::Lhs,
        };
        let signal = first_path(lhs).or_else(|| first_path(rhs)).and_then(|p| self.signals.lookup(p));
        let control = self.add_control(Control { text: render_expr(expr), signal, actual });
        self.emit(Instr::Compare(compare_op(op), control));
    }

    /// `exists(path)` as a condition; `len()` is not a condition.
    pub(crate) fn call_condition(&mut self, expr: &Expr) {
        let ExprKind::Call { func, args } = &expr.kind else {
            return;
        };
        match func.value {
            Func::Exists => self.exists(expr, args),
            Func::Len => {
                let message = format!("`{}` is a number, not a condition", render_expr(expr));
                self.error(super::emitter::CODE_NOT_A_CONDITION, message, expr.span, "compare it, e.g. `len(x) > 0`");
            }
        }
    }

    pub(crate) fn exists(&mut self, expr: &Expr, args: &[Expr]) {
        let Some(id) = self.single_path_arg(expr, args) else {
            return;
        };
        let control = Control { text: render_expr(expr), signal: Some(id), actual: ActualSide::Lhs };
        let control = self.add_control(control);
        self.emit(Instr::Exists(id, control));
    }

    /// Emits a bare bool path or literal used as a condition.
    pub(crate) fn test(&mut self, expr: &Expr) {
        self.value(expr);
        let signal = first_path(expr).and_then(|p| self.signals.lookup(p));
        let control = self.add_control(Control { text: render_expr(expr), signal, actual: ActualSide::Lhs });
        self.emit(Instr::Test(control));
    }

    /// Returns the signal of a one-argument call such as `exists(risk.level)`.
    pub(crate) fn single_path_arg(&mut self, expr: &Expr, args: &[Expr]) -> Option<vm::ids::SignalId> {
        match args {
            [Expr { kind: ExprKind::Path(path), span }] => self.signal(path, *span),
            _ => {
                let message = format!("`{}` takes exactly one signal path", render_expr(expr));
                self.error(CODE_BAD_CALL, message, expr.span, "expected one signal path");
                None
            }
        }
    }
}

/// Returns the first signal path inside an operand, looking through calls such as `len(x)`.
fn first_path(expr: &Expr) -> Option<&str> {
    match &expr.kind {
        ExprKind::Path(path) => Some(path),
        ExprKind::Call { args, .. } => args.iter().find_map(first_path),
        _ => None,
    }
}

fn compare_op(op: CmpOp) -> CompareOp {
    match op {
        CmpOp::Eq => CompareOp::Eq,
        CmpOp::Ne => CompareOp::Ne,
        CmpOp::Gt => CompareOp::Gt,
        CmpOp::Ge => CompareOp::Ge,
        CmpOp::Lt => CompareOp::Lt,
        CmpOp::Le => CompareOp::Le,
        CmpOp::In => CompareOp::In,
        CmpOp::NotIn => CompareOp::NotIn,
        CmpOp::Contains => CompareOp::Contains,
    }
}
