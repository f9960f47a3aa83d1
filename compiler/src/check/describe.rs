//! The types an expression can have, and how messages describe them.

use vm::signal::SignalType;

use crate::ast::{Expr, ExprKind, Literal};

/// The type of an expression during checking.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Ty {
    Bool,
    Int,
    Number,
    String,
    /// A string signal restricted to these values.
    Enum(Vec<String>),
    /// A list signal or list literal with this element type.
    List(Elem),
    /// The expression already has a reported error, so later rules report nothing more about it.
    Error,
}

/// The element type of a list. An empty list literal has `Unknown` elements and fits any list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Elem {
    Bool,
    Int,
    Number,
    String,
    Unknown,
}

impl Ty {
    pub(super) fn from_signal(ty: &SignalType) -> Ty {
        match ty {
            SignalType::Bool => Ty::Bool,
            SignalType::Int => Ty::Int,
            SignalType::Number => Ty::Number,
            SignalType::String => Ty::String,
            SignalType::Enum(values) => Ty::Enum(values.clone()),
            SignalType::ListString => Ty::List(Elem::String),
            SignalType::ListInt => Ty::List(Elem::Int),
        }
    }

    pub(super) fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::Number)
    }

    pub(super) fn is_stringy(&self) -> bool {
        matches!(self, Ty::String | Ty::Enum(_))
    }

    /// Returns the element type a scalar of this type has inside a list, if it is a scalar.
    pub(super) fn as_elem(&self) -> Option<Elem> {
        match self {
            Ty::Bool => Some(Elem::Bool),
            Ty::Int => Some(Elem::Int),
            Ty::Number => Some(Elem::Number),
            Ty::String | Ty::Enum(_) => Some(Elem::String),
            Ty::List(_) | Ty::Error => None,
        }
    }

    /// Returns the type's name with an article, such as "an int" or "a list of strings".
    pub(super) fn describe(&self) -> String {
        match self {
            Ty::Bool => "a bool".to_string(),
            Ty::Int => "an int".to_string(),
            Ty::Number => "a number".to_string(),
            Ty::String => "a string".to_string(),
            Ty::Enum(values) => format!("an enum of {}", values.join(", ")),
            Ty::List(elem) => format!("a list of {}", elem.plural()),
            Ty::Error => "invalid".to_string(),
        }
    }
}

impl Elem {
    /// Returns whether values of the two element types can be compared.
    pub(super) fn fits(self, other: Elem) -> bool {
        let numeric = |elem: Elem| matches!(elem, Elem::Int | Elem::Number);
        self == other
            || self == Elem::Unknown
            || other == Elem::Unknown
            || (numeric(self) && numeric(other))
    }

    fn plural(self) -> &'static str {
        match self {
            Elem::Bool => "bools",
            Elem::Int => "ints",
            Elem::Number => "numbers",
            Elem::String => "strings",
            Elem::Unknown => "values",
        }
    }
}

/// Returns how a message names an operand: the path itself, or the literal as written.
pub(super) fn operand(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Path(path) => format!("`{path}`"),
        ExprKind::Literal(literal) => format!("`{}`", literal_text(literal)),
        ExprKind::List(_) => "the list".to_string(),
        ExprKind::Call { func, .. } => format!("`{}(...)`", func.value.as_str()),
        ExprKind::Compare { .. } | ExprKind::Not(_) | ExprKind::And(..) | ExprKind::Or(..) => {
            "the condition".to_string()
        }
    }
}

/// Returns a literal as DSL source text.
pub(super) fn literal_text(literal: &Literal) -> String {
    match literal {
        Literal::Bool(flag) => flag.to_string(),
        Literal::Int(number) => number.to_string(),
        Literal::Decimal(number) => number.to_string(),
        Literal::String(text) => format!("{text:?}"),
    }
}
