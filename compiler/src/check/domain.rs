//! Comparisons of one signal with literals, and whether a set of them can hold together. This
//! finds contradictions such as `x == 1 and x == 2` or `x > 80 and x < 50`.

use crate::ast::{CmpOp, Expr, ExprKind, Literal};
use crate::span::Span;

/// A literal value in a comparison, borrowed from the policy or the schema.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Val<'a> {
    Num(f64),
    Str(&'a str),
    Bool(bool),
}

impl<'a> Val<'a> {
    pub(super) fn from_literal(literal: &'a Literal) -> Val<'a> {
        match literal {
            Literal::Bool(flag) => Val::Bool(*flag),
            #[expect(
                clippy::cast_precision_loss,
                reason = "comparison semantics match the VM, which compares ints and numbers as f64"
            )]
            Literal::Int(number) => Val::Num(*number as f64),
            Literal::Decimal(number) => Val::Num(*number),
            Literal::String(text) => Val::Str(text),
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            Val::Num(number) => Some(*number),
            Val::Str(_) | Val::Bool(_) => None,
        }
    }
}

/// Returns the value of a literal or a list of literals.
pub(super) fn literal_values(expr: &Expr) -> Option<Vec<Val<'_>>> {
    match &expr.kind {
        ExprKind::Literal(literal) => Some(vec![Val::from_literal(literal)]),
        ExprKind::List(items) => items.iter().map(single_literal).collect(),
        _ => None,
    }
}

fn single_literal(expr: &Expr) -> Option<Val<'_>> {
    match &expr.kind {
        ExprKind::Literal(literal) => Some(Val::from_literal(literal)),
        _ => None,
    }
}

/// One comparison of a signal with literals, written as `signal OP values`.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Atom<'a> {
    pub(super) path: &'a str,
    pub(super) op: CmpOp,
    /// One value, or the list of `in` / `not in`.
    pub(super) values: Vec<Val<'a>>,
    pub(super) span: Span,
}

impl<'a> Atom<'a> {
    /// Returns the atom that is true exactly when this one is false (for a present signal).
    pub(super) fn negate(self) -> Option<Atom<'a>> {
        let op = match self.op {
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Ge => CmpOp::Lt,
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::In => CmpOp::NotIn,
            CmpOp::NotIn => CmpOp::In,
            CmpOp::Contains => return None,
        };
        Some(Atom { op, ..self })
    }
}

/// The values a scalar signal may still take after some atoms.
#[derive(Clone, Debug)]
pub(super) struct Domain<'a> {
    /// A finite set of candidates (`==`, `in`, enum values, bools), when known.
    allowed: Option<Vec<Val<'a>>>,
    excluded: Vec<Val<'a>>,
    lower: Option<(f64, bool)>,
    upper: Option<(f64, bool)>,
    integer: bool,
}

impl<'a> Domain<'a> {
    /// Starts from every value: the enum or bool values when the type is finite.
    pub(super) fn new(finite: Option<Vec<Val<'a>>>, integer: bool) -> Domain<'a> {
        Domain {
            allowed: finite,
            excluded: Vec::new(),
            lower: None,
            upper: None,
            integer,
        }
    }

    pub(super) fn add(&mut self, atom: &Atom<'a>) {
        match atom.op {
            CmpOp::Eq | CmpOp::In => self.restrict(&atom.values),
            CmpOp::Ne | CmpOp::NotIn => self.excluded.extend(atom.values.iter().copied()),
            CmpOp::Gt | CmpOp::Ge => self.raise(
                atom.values.first().and_then(Val::number),
                atom.op == CmpOp::Ge,
            ),
            CmpOp::Lt | CmpOp::Le => self.reduce(
                atom.values.first().and_then(Val::number),
                atom.op == CmpOp::Le,
            ),
            CmpOp::Contains => {}
        }
    }

    fn restrict(&mut self, values: &[Val<'a>]) {
        let kept = match self.allowed.take() {
            Some(allowed) => allowed
                .into_iter()
                .filter(|value| values.contains(value))
                .collect(),
            None => values.to_vec(),
        };
        self.allowed = Some(kept);
    }

    fn raise(&mut self, bound: Option<f64>, inclusive: bool) {
        let Some(bound) = bound else { return };
        let tighter = match self.lower {
            None => true,
            Some((current, current_inclusive)) => {
                bound > current || (bound == current && !inclusive && current_inclusive)
            }
        };
        if tighter {
            self.lower = Some((bound, inclusive));
        }
    }

    fn reduce(&mut self, bound: Option<f64>, inclusive: bool) {
        let Some(bound) = bound else { return };
        let tighter = match self.upper {
            None => true,
            Some((current, current_inclusive)) => {
                bound < current || (bound == current && !inclusive && current_inclusive)
            }
        };
        if tighter {
            self.upper = Some((bound, inclusive));
        }
    }

    /// Returns whether no value satisfies every atom added so far.
    pub(super) fn is_empty(&self) -> bool {
        match &self.allowed {
            Some(allowed) => !allowed.iter().any(|value| self.admits(value)),
            None => self.range_is_empty(),
        }
    }

    fn admits(&self, value: &Val<'a>) -> bool {
        if self.excluded.contains(value) {
            return false;
        }
        let Some(number) = value.number() else {
            return self.lower.is_none() && self.upper.is_none();
        };
        let above = !self
            .lower
            .is_some_and(|(bound, inclusive)| number < bound || (!inclusive && number == bound));
        let below = !self
            .upper
            .is_some_and(|(bound, inclusive)| number > bound || (!inclusive && number == bound));
        above && below
    }

    fn range_is_empty(&self) -> bool {
        let (Some(lower), Some(upper)) = (self.lower, self.upper) else {
            return false;
        };
        let (low, high) = match self.integer {
            true => (integer_lower(lower), integer_upper(upper)),
            false => (lower, upper),
        };
        if low.0 > high.0 {
            return true;
        }
        if low.0 < high.0 {
            return false;
        }
        let single = low.1 && high.1;
        !single || self.excluded.contains(&Val::Num(low.0))
    }
}

/// Turns a lower bound on an int into an inclusive one: `x > 1.5` is `x >= 2`.
fn integer_lower((bound, inclusive): (f64, bool)) -> (f64, bool) {
    let ceiling = bound.ceil();
    match !inclusive && ceiling == bound {
        true => (bound + 1.0, true),
        false => (ceiling, true),
    }
}

/// Turns an upper bound on an int into an inclusive one: `x < 2` is `x <= 1`.
fn integer_upper((bound, inclusive): (f64, bool)) -> (f64, bool) {
    let floor = bound.floor();
    match !inclusive && floor == bound {
        true => (bound - 1.0, true),
        false => (floor, true),
    }
}
