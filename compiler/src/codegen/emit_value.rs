//! Operands: literals and list literals (interned in the constant pool), signal paths, `len()`,
//! and nested conditions used as values.

use vm::constant::{Constant, SetConst};
use vm::ids::SignalId;
use vm::instr::Instr;

use super::emitter::{Emitter, CODE_BAD_LIST, CODE_UNKNOWN_SIGNAL};
use super::render::render_expr;
use crate::ast::{Expr, ExprKind, Func, Literal};
use crate::span::Span;

impl Emitter<'_> {
    /// Emits code that leaves one value on the stack.
    pub(crate) fn value(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Literal(literal) => {
                let idx = self.pool.intern(literal_constant(literal));
                self.emit(Instr::PushConst(idx));
            }
            ExprKind::List(items) => self.list(expr, items),
            ExprKind::Path(path) => {
                if let Some(id) = self.signal(path, expr.span) {
                    self.emit(Instr::LoadSignal(id));
                }
            }
            ExprKind::Call { func, args } if func.value == Func::Len => {
                if let Some(id) = self.single_path_arg(expr, args) {
                    self.emit(Instr::LoadSignal(id));
                    self.emit(Instr::Len);
                }
            }
            _ => self.condition(expr),
        }
    }

    pub(crate) fn signal(&mut self, path: &str, span: Span) -> Option<SignalId> {
        let id = self.signals.lookup(path);
        if id.is_none() {
            let message = format!("unknown signal `{path}`");
            self.error(CODE_UNKNOWN_SIGNAL, message, span, "not declared in the signal schema");
        }
        id
    }

    fn list(&mut self, expr: &Expr, items: &[Expr]) {
        let literals: Option<Vec<&Literal>> = items
            .iter()
            .map(|item| match &item.kind {
                ExprKind::Literal(literal) => Some(literal),
                _ => None,
            })
            .collect();
        match literals.and_then(|literals| list_set(&literals)) {
            Some(set) => {
                let idx = self.pool.intern(Constant::Set(set));
                self.emit(Instr::PushConst(idx));
            }
            None => {
                let message = format!("list `{}` must hold literals of one type", render_expr(expr));
                self.error(CODE_BAD_LIST, message, expr.span, "mixed or non-literal elements");
            }
        }
    }
}

fn literal_constant(literal: &Literal) -> Constant {
    match literal {
        Literal::Bool(b) => Constant::Bool(*b),
        Literal::Int(i) => Constant::Int(*i),
        Literal::Decimal(d) => Constant::Number(*d),
        Literal::String(s) => Constant::String(s.clone()),
    }
}

/// Builds a sorted set from list literals. Integers and decimals together make a number set;
/// any other mix is rejected. The empty list is an empty string set.
fn list_set(items: &[&Literal]) -> Option<SetConst> {
    let all = |f: fn(&Literal) -> bool| items.iter().all(|l| f(l));
    if all(|l| matches!(l, Literal::String(_))) {
        let strings = items.iter().filter_map(|l| match l {
            Literal::String(s) => Some(s.clone()),
            _ => None,
        });
        return Some(SetConst::strings(strings.collect()));
    }
    if all(|l| matches!(l, Literal::Int(_))) {
        let ints = items.iter().filter_map(|l| match l {
            Literal::Int(i) => Some(*i),
            _ => None,
        });
        return Some(SetConst::ints(ints.collect()));
    }
    if all(|l| matches!(l, Literal::Int(_) | Literal::Decimal(_))) {
        let numbers = items.iter().filter_map(|l| match l {
            Literal::Int(i) => Some(*i as f64),
            Literal::Decimal(d) => Some(*d),
            _ => None,
        });
        return Some(SetConst::numbers(numbers.collect()));
    }
    if all(|l| matches!(l, Literal::Bool(_))) {
        let bools = items.iter().filter_map(|l| match l {
            Literal::Bool(b) => Some(*b),
            _ => None,
        });
        return Some(SetConst::bools(bools.collect()));
    }
    None
}
