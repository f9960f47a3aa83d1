//! Type rules for conditions: every signal exists, every operator fits its operand types, enum
//! literals are values of their enum, and the whole condition is a bool.

use super::describe::{operand, Elem, Ty};
use super::{
    BAD_CALL, CONTAINS_NON_LIST, IN_NON_LIST, MIXED_LIST, NOT_BOOLEAN, TYPE_MISMATCH,
    UNKNOWN_ENUM_VALUE, UNKNOWN_SIGNAL,
};
use crate::ast::{CmpOp, Expr, ExprKind, Func, Literal, Policy};
use crate::diagnostic::Diagnostic;
use crate::schema::Schema;
use crate::span::{Span, Spanned};
use crate::suggest;

/// Type-checks the condition of `policy`.
pub(super) fn check_condition(policy: &Policy, schema: &Schema) -> Vec<Diagnostic> {
    let mut checker = TypeChecker {
        schema,
        diagnostics: Vec::new(),
    };
    let ty = checker.expr(&policy.condition);
    if ty != Ty::Bool && ty != Ty::Error {
        checker
            .diagnostics
            .push(not_boolean_condition(&policy.condition, &ty));
    }
    checker.diagnostics
}

/// Reports `name` as an unknown signal, with the nearest schema signal as a suggestion.
pub(super) fn unknown_signal(name: &str, span: Span, schema: &Schema) -> Diagnostic {
    let message = format!("unknown signal `{name}`");
    let diagnostic = Diagnostic::error(
        UNKNOWN_SIGNAL,
        message,
        span,
        "not declared in the signal schema",
    );
    match suggest::nearest(name, schema.names()) {
        Some(nearest) => diagnostic.with_help(format!("did you mean `{nearest}`?")),
        None => diagnostic.with_help("declare the signal in signals.yaml, or fix its name"),
    }
}

fn not_boolean_condition(condition: &Expr, ty: &Ty) -> Diagnostic {
    let message = format!(
        "a condition must be a bool, but {} is {}",
        operand(condition),
        ty.describe()
    );
    Diagnostic::error(
        NOT_BOOLEAN,
        message,
        condition.span,
        format!("this is {}", ty.describe()),
    )
    .with_help("compare the value, for example `risk.score > 50`, or use a bool signal")
}

struct TypeChecker<'a> {
    schema: &'a Schema,
    diagnostics: Vec<Diagnostic>,
}

impl TypeChecker<'_> {
    fn expr(&mut self, expr: &Expr) -> Ty {
        match &expr.kind {
            ExprKind::Literal(literal) => literal_ty(literal),
            ExprKind::List(items) => self.list(items),
            ExprKind::Path(path) => self.path(path, expr.span),
            ExprKind::Not(inner) => self.boolean_operands("not", &[inner]),
            ExprKind::And(lhs, rhs) => self.boolean_operands("and", &[lhs, rhs]),
            ExprKind::Or(lhs, rhs) => self.boolean_operands("or", &[lhs, rhs]),
            ExprKind::Compare { op, lhs, rhs } => self.compare(op.clone(), lhs, rhs),
            ExprKind::Call { func, args } => self.call(expr, func.clone(), args),
        }
    }

    fn path(&mut self, path: &str, span: Span) -> Ty {
        match self.schema.lookup(path) {
            Some(signal) => Ty::from_signal(&signal.decl.ty),
            None => {
                self.diagnostics
                    .push(unknown_signal(path, span, self.schema));
                Ty::Error
            }
        }
    }

    fn boolean_operands(&mut self, keyword: &str, operands: &[&Expr]) -> Ty {
        for operand_expr in operands {
            let ty = self.expr(operand_expr);
            if ty != Ty::Bool && ty != Ty::Error {
                let message = format!(
                    "`{keyword}` needs bool operands, but {} is {}",
                    operand(operand_expr),
                    ty.describe()
                );
                let diagnostic = Diagnostic::error(
                    NOT_BOOLEAN,
                    message,
                    operand_expr.span,
                    format!("this is {}", ty.describe()),
                )
                .with_help("compare the value first, for example `risk.score > 50`");
                self.diagnostics.push(diagnostic);
            }
        }
        Ty::Bool
    }

    fn list(&mut self, items: &[Expr]) -> Ty {
        let mut first: Option<(Elem, &Expr)> = None;
        let mut mixed = false;
        for item in items {
            let ty = self.expr(item);
            if ty == Ty::Error {
                mixed = true;
                continue;
            }
            let Some(elem) = ty.as_elem() else {
                self.diagnostics.push(nested_list(item, &ty));
                mixed = true;
                continue;
            };
            match first {
                None => first = Some((elem, item)),
                Some((first_elem, first_item)) if !first_elem.fits(elem) => {
                    self.diagnostics
                        .push(mixed_list(item, &ty, first_item, first_elem));
                    mixed = true;
                }
                Some((first_elem, first_item)) => {
                    first = Some((widen(first_elem, elem), first_item))
                }
            }
        }
        match (mixed, first) {
            (true, _) => Ty::Error,
            (false, Some((elem, _))) => Ty::List(elem),
            (false, None) => Ty::List(Elem::Unknown),
        }
    }

    fn compare(&mut self, op: Spanned<CmpOp>, lhs: &Expr, rhs: &Expr) -> Ty {
        let lhs_ty = self.expr(lhs);
        let rhs_ty = self.expr(rhs);
        if lhs_ty == Ty::Error || rhs_ty == Ty::Error {
            return Ty::Bool;
        }
        let operator = op.value;
        let sides = Sides {
            op,
            lhs,
            lhs_ty: &lhs_ty,
            rhs,
            rhs_ty: &rhs_ty,
        };
        let found = match operator {
            CmpOp::Eq | CmpOp::Ne => equality(&sides),
            CmpOp::Gt | CmpOp::Ge | CmpOp::Lt | CmpOp::Le => ordering(&sides),
            CmpOp::In | CmpOp::NotIn => membership(&sides),
            CmpOp::Contains => contains(&sides),
        };
        self.diagnostics.extend(found);
        Ty::Bool
    }

    fn call(&mut self, call: &Expr, func: Spanned<Func>, args: &[Expr]) -> Ty {
        let result = match func.value {
            Func::Exists => Ty::Bool,
            Func::Len => Ty::Int,
        };
        let [arg] = args else {
            self.diagnostics.push(bad_arity(call, func, args.len()));
            return result;
        };
        let ExprKind::Path(path) = &arg.kind else {
            self.diagnostics.push(bad_argument(arg, func));
            return result;
        };
        let ty = self.path(path, arg.span);
        let measurable = matches!(ty, Ty::List(_) | Ty::String | Ty::Enum(_) | Ty::Error);
        if func.value == Func::Len && !measurable {
            self.diagnostics.push(bad_len(arg, &ty));
        }
        result
    }
}

fn literal_ty(literal: &Literal) -> Ty {
    match literal {
        Literal::Bool(_) => Ty::Bool,
        Literal::Int(_) => Ty::Int,
        Literal::Decimal(_) => Ty::Number,
        Literal::String(_) => Ty::String,
    }
}

fn widen(a: Elem, b: Elem) -> Elem {
    match (a, b) {
        (Elem::Unknown, other) | (other, Elem::Unknown) => other,
        (Elem::Int, Elem::Number) | (Elem::Number, Elem::Int) => Elem::Number,
        (same, _) => same,
    }
}

fn nested_list(item: &Expr, ty: &Ty) -> Diagnostic {
    let message = format!(
        "a list element must be a single value, but this is {}",
        ty.describe()
    );
    Diagnostic::error(MIXED_LIST, message, item.span, "nested list")
        .with_help("write a flat list of strings or numbers")
}

fn mixed_list(item: &Expr, ty: &Ty, first: &Expr, first_elem: Elem) -> Diagnostic {
    let first_ty = match first_elem {
        Elem::Bool => Ty::Bool,
        Elem::Int | Elem::Unknown => Ty::Int,
        Elem::Number => Ty::Number,
        Elem::String => Ty::String,
    };
    let message = format!("list mixes {} and {}", first_ty.describe(), ty.describe());
    Diagnostic::error(
        MIXED_LIST,
        message,
        item.span,
        format!("this is {}", ty.describe()),
    )
    .with_help(
        "every element of a list must have the same type; quote strings and leave numbers bare",
    )
    .with_related(
        first.span,
        format!("the first element is {}", first_ty.describe()),
    )
}

fn bad_arity(call: &Expr, func: Spanned<Func>, count: usize) -> Diagnostic {
    let name = func.value.as_str();
    let message =
        format!("`{name}` takes exactly one signal path, but {count} arguments were given");
    Diagnostic::error(BAD_CALL, message, call.span, format!("{count} arguments"))
        .with_help(format!("write `{name}(some.signal)`"))
}

fn bad_argument(arg: &Expr, func: Spanned<Func>) -> Diagnostic {
    let name = func.value.as_str();
    let message = format!(
        "the argument of `{name}` must be a signal path, but it is {}",
        operand(arg)
    );
    Diagnostic::error(BAD_CALL, message, arg.span, "not a signal path")
        .with_help(format!("write `{name}(some.signal)` without quotes"))
}

fn bad_len(arg: &Expr, ty: &Ty) -> Diagnostic {
    let message = format!(
        "`len` needs a list or string signal, but {} is {}",
        operand(arg),
        ty.describe()
    );
    Diagnostic::error(
        BAD_CALL,
        message,
        arg.span,
        format!("this is {}", ty.describe()),
    )
    .with_help("compare the value itself instead of its length")
}

/// The two operands of a comparison with their types.
struct Sides<'a> {
    op: Spanned<CmpOp>,
    lhs: &'a Expr,
    lhs_ty: &'a Ty,
    rhs: &'a Expr,
    rhs_ty: &'a Ty,
}

fn equality(sides: &Sides) -> Vec<Diagnostic> {
    let (lhs, rhs) = (sides.lhs_ty, sides.rhs_ty);
    if let (Ty::Enum(values), _) = (lhs, rhs) {
        if rhs.is_stringy() {
            return enum_values(sides.lhs, values, std::slice::from_ref(sides.rhs));
        }
    }
    if let (_, Ty::Enum(values)) = (lhs, rhs) {
        if lhs.is_stringy() {
            return enum_values(sides.rhs, values, std::slice::from_ref(sides.lhs));
        }
    }
    let fits = match (lhs, rhs) {
        // The VM compares lists only with `in`, `not in` and `contains`; `==` on a list faults.
        (Ty::List(_), _) | (_, Ty::List(_)) => false,
        _ => {
            (lhs.is_numeric() && rhs.is_numeric())
                || (lhs.is_stringy() && rhs.is_stringy())
                || (lhs == &Ty::Bool && rhs == &Ty::Bool)
        }
    };
    match fits {
        true => Vec::new(),
        false => vec![mismatch(sides)],
    }
}

/// Reports every string literal among `candidates` that is not a value of the enum `signal`.
fn enum_values(signal: &Expr, values: &[String], candidates: &[Expr]) -> Vec<Diagnostic> {
    let literals = candidates
        .iter()
        .filter_map(|candidate| match &candidate.kind {
            ExprKind::Literal(Literal::String(text)) => Some((text, candidate.span)),
            _ => None,
        });
    let unknown = literals.filter(|(text, _)| !values.contains(text));
    unknown
        .map(|(text, span)| unknown_enum_value(signal, values, text, span))
        .collect()
}

fn unknown_enum_value(signal: &Expr, values: &[String], text: &str, span: Span) -> Diagnostic {
    let message = format!("{text:?} is not a value of {}", operand(signal));
    let diagnostic = Diagnostic::error(UNKNOWN_ENUM_VALUE, message, span, "not in the enum");
    let listed = values.join(", ");
    match suggest::nearest(text, values.iter().map(String::as_str)) {
        Some(nearest) => {
            diagnostic.with_help(format!("did you mean {nearest:?}? The values are {listed}"))
        }
        None => diagnostic.with_help(format!("the values are {listed}")),
    }
}

fn ordering(sides: &Sides) -> Vec<Diagnostic> {
    let offender = match (sides.lhs_ty.is_numeric(), sides.rhs_ty.is_numeric()) {
        (true, true) => return Vec::new(),
        (false, _) => (sides.lhs, sides.lhs_ty),
        (true, false) => (sides.rhs, sides.rhs_ty),
    };
    let (expr, ty) = offender;
    let op = sides.op.value.as_str();
    let message = format!(
        "`{op}` needs numbers, but {} is {}",
        operand(expr),
        ty.describe()
    );
    let help = match ty {
        Ty::Enum(_) => {
            "enum values have no order: list the values that should match with `in [...]`"
        }
        Ty::Bool => "compare a bool with `== true` or `== false`",
        Ty::String => "compare strings with `==`, `!=`, `in` or `not in`",
        _ => "compare two numbers, or use `len(...)` for the size of a list",
    };
    vec![Diagnostic::error(
        TYPE_MISMATCH,
        message,
        expr.span,
        format!("this is {}", ty.describe()),
    )
    .with_help(help)
    .with_related(sides.op.span, format!("`{op}` orders numbers"))]
}

fn membership(sides: &Sides) -> Vec<Diagnostic> {
    let Ty::List(elem) = sides.rhs_ty else {
        return vec![in_non_list(sides)];
    };
    let lhs_elem = match sides.lhs_ty {
        Ty::List(inner) => Some(*inner),
        scalar => scalar.as_elem(),
    };
    if !lhs_elem.is_some_and(|lhs_elem| lhs_elem.fits(*elem)) {
        return vec![mismatch(sides)];
    }
    match (sides.lhs_ty, &sides.rhs.kind) {
        (Ty::Enum(values), ExprKind::List(items)) => enum_values(sides.lhs, values, items),
        _ => Vec::new(),
    }
}

fn in_non_list(sides: &Sides) -> Diagnostic {
    let op = sides.op.value.as_str();
    let message = format!(
        "`{op}` needs a list on the right, but {} is {}",
        operand(sides.rhs),
        sides.rhs_ty.describe()
    );
    Diagnostic::error(
        IN_NON_LIST,
        message,
        sides.rhs.span,
        format!("this is {}", sides.rhs_ty.describe()),
    )
    .with_help("write a list such as `[\"HIGH\", \"CRITICAL\"]`, or compare one value with `==`")
}

fn contains(sides: &Sides) -> Vec<Diagnostic> {
    let Ty::List(elem) = sides.lhs_ty else {
        let message = format!(
            "`contains` needs a list on the left, but {} is {}",
            operand(sides.lhs),
            sides.lhs_ty.describe()
        );
        let diagnostic = Diagnostic::error(CONTAINS_NON_LIST, message, sides.lhs.span, format!("this is {}", sides.lhs_ty.describe()))
            .with_help("use `contains` on a list signal such as `actor.roles`, or compare a single value with `==`");
        return vec![diagnostic];
    };
    match sides.rhs_ty.as_elem() {
        Some(rhs_elem) if rhs_elem.fits(*elem) => Vec::new(),
        _ => vec![mismatch(sides)],
    }
}

fn mismatch(sides: &Sides) -> Diagnostic {
    let rhs_is_literal = matches!(sides.rhs.kind, ExprKind::Literal(_) | ExprKind::List(_));
    let lhs_is_literal = matches!(sides.lhs.kind, ExprKind::Literal(_) | ExprKind::List(_));
    let (primary, primary_ty, other, other_ty) = match lhs_is_literal && !rhs_is_literal {
        true => (sides.lhs, sides.lhs_ty, sides.rhs, sides.rhs_ty),
        false => (sides.rhs, sides.rhs_ty, sides.lhs, sides.lhs_ty),
    };
    let op = sides.op.value.as_str();
    let message = format!(
        "`{op}` cannot compare {} ({}) with {} ({})",
        operand(sides.lhs),
        sides.lhs_ty.describe(),
        operand(sides.rhs),
        sides.rhs_ty.describe()
    );
    Diagnostic::error(
        TYPE_MISMATCH,
        message,
        primary.span,
        format!("this is {}", primary_ty.describe()),
    )
    .with_help(mismatch_help(primary, other_ty))
    .with_related(
        other.span,
        format!("{} is {}", operand(other), other_ty.describe()),
    )
}

fn mismatch_help(primary: &Expr, other_ty: &Ty) -> String {
    if let ExprKind::Literal(Literal::String(text)) = &primary.kind {
        if other_ty.is_numeric() && text.trim().parse::<f64>().is_ok() {
            return format!("write the number without quotes: {}", text.trim());
        }
        if other_ty == &Ty::Bool && (text == "true" || text == "false") {
            return format!("write the bool without quotes: {text}");
        }
    }
    match other_ty {
        Ty::Enum(values) => format!(
            "compare with one of the quoted values {}",
            values.join(", ")
        ),
        Ty::List(_) => {
            "use `contains` to test one element of a list, or `in` to test against a list"
                .to_string()
        }
        other => format!("compare with {}", other.describe()),
    }
}
