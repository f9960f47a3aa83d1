//! Warnings for conditions that are always true or always false, and for rules that can never
//! fire. A condition is constant when it compares literals, is a bool literal, or combines
//! comparisons of one signal that contradict each other (`and`) or cover every value (`or`).
//!
//! "Always" assumes the signals are present: with a missing signal the VM's three-valued logic
//! gives unknown instead.

use std::cell::RefCell;
use std::collections::HashMap;

use super::domain::{literal_values, Atom, Domain, Val};
use super::{ALWAYS_FALSE, ALWAYS_TRUE, NEVER_FIRES};
use crate::ast::{CmpOp, Expr, ExprKind, Literal, Policy};
use crate::diagnostic::Diagnostic;
use crate::schema::Schema;
use crate::span::Span;
use vm::signal::SignalType;

/// Reports the constant parts of `policy`'s condition, and the policy itself when the whole
/// condition is always false. A condition that is exactly `true` is an explicit always-firing
/// policy and is not reported.
pub(super) fn check_constant(policy: &Policy, schema: &Schema) -> Vec<Diagnostic> {
    let folder = Folder { schema, memo: RefCell::default() };
    let mut diagnostics = Vec::new();
    let explicit_always = matches!(
        policy.condition.kind,
        ExprKind::Literal(Literal::Bool(true))
    );
    if !explicit_always {
        folder.report(&policy.condition, &mut diagnostics);
    }
    if folder.fold(&policy.condition) == Some(false) {
        diagnostics.push(never_fires(policy));
    }
    diagnostics
}

fn never_fires(policy: &Policy) -> Diagnostic {
    let message = format!("policy `{}` can never fire", policy.id.value);
    Diagnostic::warning(
        NEVER_FIRES,
        message,
        policy.id.span,
        "this rule can never fire",
    )
    .with_help("its condition is always false: fix the condition, or remove the rule")
    .with_related(policy.condition.span, "always false")
}

/// The reason a sub-condition is constant.
#[derive(Clone)]
enum Reason<'a> {
    BoolLiteral,
    Literals,
    Atom(&'a str),
    Conflict(&'a str, Vec<Span>),
}

/// The constant value of a sub-condition and the reason for it, or `None` when it is not
/// constant.
type Folded<'a> = Option<(bool, Reason<'a>)>;

struct Folder<'a> {
    schema: &'a Schema,
    /// Results of [`Folder::fold_with_reason`] by node address. `report` folds every node and
    /// folding a chain folds its members, so without it each node is folded once per ancestor.
    memo: RefCell<HashMap<*const Expr, Folded<'a>>>,
}

impl<'a> Folder<'a> {
    /// Returns the constant value of `expr`, if it has one.
    fn fold(&self, expr: &'a Expr) -> Option<bool> {
        self.fold_with_reason(expr).map(|(value, _)| value)
    }

    fn fold_with_reason(&self, expr: &'a Expr) -> Folded<'a> {
        let key: *const Expr = expr;
        if let Some(folded) = self.memo.borrow().get(&key) {
            return folded.clone();
        }
        let folded = self.fold_node(expr);
        self.memo.borrow_mut().insert(key, folded.clone());
        folded
    }

    fn fold_node(&self, expr: &'a Expr) -> Folded<'a> {
        match &expr.kind {
            ExprKind::Literal(Literal::Bool(flag)) => Some((*flag, Reason::BoolLiteral)),
            ExprKind::Compare { op, lhs, rhs } => self.fold_compare(expr, op.value, lhs, rhs),
            ExprKind::Not(inner) => self
                .fold_with_reason(inner)
                .map(|(value, reason)| (!value, reason)),
            ExprKind::And(..) => self.fold_chain(expr, true),
            ExprKind::Or(..) => self.fold_chain(expr, false),
            _ => None,
        }
    }

    fn fold_compare(
        &self,
        expr: &'a Expr,
        op: CmpOp,
        lhs: &'a Expr,
        rhs: &'a Expr,
    ) -> Folded<'a> {
        if let Some(value) = evaluate_literals(op, lhs, rhs) {
            return Some((value, Reason::Literals));
        }
        let atom = self.atom(expr)?;
        let path = atom.path;
        if self.conflict(std::slice::from_ref(&atom)).is_some() {
            return Some((false, Reason::Atom(path)));
        }
        let negated = atom.negate()?;
        self.conflict(&[negated])
            .map(|_| (true, Reason::Atom(path)))
    }

    /// Folds an `and` chain (`is_and`) or an `or` chain, looking at all of its members at once.
    fn fold_chain(&self, expr: &'a Expr, is_and: bool) -> Folded<'a> {
        let members = flatten(expr, is_and);
        let values: Vec<Option<bool>> = members.iter().map(|member| self.fold(member)).collect();
        let absorbing = !is_and;
        if values.contains(&Some(absorbing)) {
            return Some((absorbing, Reason::BoolLiteral));
        }
        if values.iter().all(|value| *value == Some(is_and)) {
            return Some((is_and, Reason::BoolLiteral));
        }
        let atoms = members.iter().filter_map(|member| self.atom(member));
        let atoms: Vec<Atom> = match is_and {
            true => atoms.collect(),
            false => atoms.filter_map(|atom| atom.negate()).collect(),
        };
        let (path, spans) = self.conflict(&atoms)?;
        Some((!is_and, Reason::Conflict(path, spans)))
    }

    /// Returns `expr` as one comparison of a scalar signal with literals, if it is one.
    fn atom(&self, expr: &'a Expr) -> Option<Atom<'a>> {
        match &expr.kind {
            ExprKind::Compare { op, lhs, rhs } => self.compare_atom(op.value, lhs, rhs, expr.span),
            ExprKind::Not(inner) => self.atom(inner)?.negate(),
            ExprKind::Path(path) if self.signal_type(path) == Some(&SignalType::Bool) => {
                Some(Atom {
                    path,
                    op: CmpOp::Eq,
                    values: vec![Val::Bool(true)],
                    span: expr.span,
                })
            }
            _ => None,
        }
    }

    fn compare_atom(&self, op: CmpOp, lhs: &'a Expr, rhs: &'a Expr, span: Span) -> Option<Atom<'a>> {
        let (path, op, literal) = match (&lhs.kind, &rhs.kind) {
            (ExprKind::Path(path), _) => (path, op, rhs),
            (_, ExprKind::Path(path)) => (path, flip(op)?, lhs),
            _ => return None,
        };
        let is_list = matches!(literal.kind, ExprKind::List(_));
        if is_list != matches!(op, CmpOp::In | CmpOp::NotIn) || op == CmpOp::Contains {
            return None;
        }
        let scalar = self
            .signal_type(path)
            .is_some_and(|ty| !matches!(ty, SignalType::ListString | SignalType::ListInt));
        let values = literal_values(literal)?;
        scalar.then(|| Atom {
            path,
            op,
            values,
            span,
        })
    }

    fn signal_type(&self, path: &str) -> Option<&'a SignalType> {
        self.schema.lookup(path).map(|signal| &signal.decl.ty)
    }

    /// Finds a signal whose atoms no value satisfies together, with the spans of those atoms.
    fn conflict(&self, atoms: &[Atom<'a>]) -> Option<(&'a str, Vec<Span>)> {
        let mut paths: Vec<&'a str> = Vec::new();
        for atom in atoms {
            if !paths.contains(&atom.path) {
                paths.push(atom.path);
            }
        }
        paths.into_iter().find_map(|path| {
            let on_path: Vec<&Atom> = atoms.iter().filter(|atom| atom.path == path).collect();
            let mut domain = self.domain(path)?;
            on_path.iter().for_each(|atom| domain.add(atom));
            domain.is_empty().then(|| {
                (
                    path,
                    on_path.iter().map(|atom| atom.span).collect(),
                )
            })
        })
    }

    fn domain(&self, path: &str) -> Option<Domain<'a>> {
        match self.signal_type(path)? {
            SignalType::Bool => Some(Domain::new(
                Some(vec![Val::Bool(true), Val::Bool(false)]),
                false,
            )),
            SignalType::Enum(values) => Some(Domain::new(
                Some(values.iter().map(|value| Val::Str(value)).collect()),
                false,
            )),
            SignalType::Int => Some(Domain::new(None, true)),
            SignalType::Number | SignalType::String => Some(Domain::new(None, false)),
            SignalType::ListString | SignalType::ListInt => None,
        }
    }

    /// Reports every sub-condition that is constant on its own, not only because a part of it is.
    fn report(&self, expr: &'a Expr, diagnostics: &mut Vec<Diagnostic>) {
        let children: Vec<&Expr> = match &expr.kind {
            ExprKind::And(..) => flatten(expr, true),
            ExprKind::Or(..) => flatten(expr, false),
            ExprKind::Not(inner) => vec![inner],
            _ => Vec::new(),
        };
        if let Some((value, reason)) = self.fold_with_reason(expr) {
            if children.iter().all(|child| self.fold(child).is_none()) {
                diagnostics.push(constant_warning(expr, value, reason));
            }
        }
        children
            .into_iter()
            .for_each(|child| self.report(child, diagnostics));
    }
}

/// Returns the members of the `and` chain (`is_and`) or `or` chain that starts at `expr`.
fn flatten(expr: &Expr, is_and: bool) -> Vec<&Expr> {
    let mut members = Vec::new();
    let mut pending = vec![expr];
    while let Some(next) = pending.pop() {
        match (&next.kind, is_and) {
            (ExprKind::And(lhs, rhs), true) | (ExprKind::Or(lhs, rhs), false) => {
                pending.push(rhs);
                pending.push(lhs);
            }
            _ => members.push(next),
        }
    }
    members
}

/// Returns the operator with its operands swapped: `1 < x` is `x > 1`.
fn flip(op: CmpOp) -> Option<CmpOp> {
    match op {
        CmpOp::Eq | CmpOp::Ne => Some(op),
        CmpOp::Gt => Some(CmpOp::Lt),
        CmpOp::Ge => Some(CmpOp::Le),
        CmpOp::Lt => Some(CmpOp::Gt),
        CmpOp::Le => Some(CmpOp::Ge),
        CmpOp::In | CmpOp::NotIn | CmpOp::Contains => None,
    }
}

/// Evaluates a comparison whose operands are both literals or lists of literals.
fn evaluate_literals(op: CmpOp, lhs: &Expr, rhs: &Expr) -> Option<bool> {
    let left = literal_values(lhs)?;
    let right = literal_values(rhs)?;
    let lhs_list = matches!(lhs.kind, ExprKind::List(_));
    let rhs_list = matches!(rhs.kind, ExprKind::List(_));
    match (op, lhs_list, rhs_list, left.as_slice(), right.as_slice()) {
        (CmpOp::Eq, _, _, _, _) => Some(left == right),
        (CmpOp::Ne, _, _, _, _) => Some(left != right),
        (CmpOp::In, false, true, [value], _) => Some(right.contains(value)),
        (CmpOp::NotIn, false, true, [value], _) => Some(!right.contains(value)),
        (CmpOp::Contains, true, false, _, [value]) => Some(left.contains(value)),
        (_, false, false, [Val::Num(a)], [Val::Num(b)]) => order(op, *a, *b),
        _ => None,
    }
}

fn order(op: CmpOp, a: f64, b: f64) -> Option<bool> {
    match op {
        CmpOp::Gt => Some(a > b),
        CmpOp::Ge => Some(a >= b),
        CmpOp::Lt => Some(a < b),
        CmpOp::Le => Some(a <= b),
        _ => None,
    }
}

fn constant_warning(expr: &Expr, value: bool, reason: Reason<'_>) -> Diagnostic {
    let (code, word) = match value {
        true => (ALWAYS_TRUE, "true"),
        false => (ALWAYS_FALSE, "false"),
    };
    let label = format!("always {word}");
    match reason {
        Reason::BoolLiteral => {
            let help = match value {
                true => {
                    "remove it: a policy that always fires says `when: \"true\"` and nothing else"
                }
                false => "remove it, or turn the policy off with `enabled: false`",
            };
            Diagnostic::warning(
                code,
                format!("the literal `{word}` makes this condition always {word}"),
                expr.span,
                label,
            )
            .with_help(help)
        }
        Reason::Literals => Diagnostic::warning(
            code,
            format!("this comparison of two literals is always {word}"),
            expr.span,
            label,
        )
        .with_help("compare a signal with a value, such as `risk.score > 50`"),
        Reason::Atom(path) => atom_warning(code, expr.span, value, path),
        Reason::Conflict(path, spans) => conflict_warning(code, expr.span, value, path, &spans),
    }
}

fn atom_warning(code: &'static str, span: Span, value: bool, path: &str) -> Diagnostic {
    let message = format!("this comparison is always {value} whenever `{path}` is present");
    let help = match value {
        true => format!("every value of `{path}` matches, so the comparison restricts nothing"),
        false => format!("no value of `{path}` can match: check the operator and the values"),
    };
    Diagnostic::warning(code, message, span, format!("always {value}")).with_help(help)
}

/// Reports conflicting comparisons at the last of them, with the others as related spans, so
/// that no two labels overlap.
fn conflict_warning(
    code: &'static str,
    span: Span,
    value: bool,
    path: &str,
    spans: &[Span],
) -> Diagnostic {
    let (message, help, label) = match value {
        false => (
            format!("this condition is always false: the comparisons of `{path}` contradict each other"),
            format!("no value of `{path}` satisfies all of them; check the operators and values, or use `or`"),
            "contradicts the comparison before it",
        ),
        true => (
            format!("this condition is always true whenever `{path}` is present: the comparisons of `{path}` cover every value"),
            format!("every value of `{path}` matches one of them; check the operators and values, or use `and`"),
            "covers every value together with the comparison before it",
        ),
    };
    let Some((last, earlier)) = spans.split_last() else {
        return Diagnostic::warning(code, message, span, format!("always {value}")).with_help(help);
    };
    let diagnostic = Diagnostic::warning(code, message, *last, label).with_help(help);
    earlier.iter().fold(diagnostic, |diagnostic, atom| {
        diagnostic.with_related(*atom, "this comparison")
    })
}
