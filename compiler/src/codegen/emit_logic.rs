//! Conditions: `not`, and short-circuit `and`/`or` with three-valued results.
//!
//! `a and b` compiles to `a; jump_if_false END; b; and; END:`. When `a` is false the jump skips
//! `b` and leaves false; otherwise `and` combines `a` (true or unknown) with `b`, so
//! `unknown and false` is false. `or` mirrors this with `jump_if_true`.

use vm::instr::Instr;

use super::emitter::{Emitter, CODE_NOT_A_CONDITION};
use crate::ast::{Expr, ExprKind, Literal};

impl Emitter<'_> {
    /// Emits code that leaves one truth on the stack.
    pub(crate) fn condition(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Not(inner) => {
                self.condition(inner);
                self.emit(Instr::Not);
            }
            ExprKind::And(a, b) => self.short_circuit(a, b, Instr::JumpIfFalse, Instr::And),
            ExprKind::Or(a, b) => self.short_circuit(a, b, Instr::JumpIfTrue, Instr::Or),
            ExprKind::Compare { op, lhs, rhs } => self.compare(expr, op.value, lhs, rhs),
            ExprKind::Call { .. } => self.call_condition(expr),
            ExprKind::Path(_) | ExprKind::Literal(Literal::Bool(_)) => self.test(expr),
            ExprKind::Literal(_) | ExprKind::List(_) => {
                let message = format!("`{}` is not a condition", super::render::render_expr(expr));
                self.error(CODE_NOT_A_CONDITION, message, expr.span, "expected a comparison or a bool");
            }
        }
    }

    fn short_circuit(&mut self, a: &Expr, b: &Expr, jump: fn(vm::ids::CodePos) -> Instr, combine: Instr) {
        let end = self.labels.new_label();
        self.condition(a);
        self.emit_jump(jump, end);
        self.condition(b);
        self.emit(combine);
        self.bind(end);
    }
}
