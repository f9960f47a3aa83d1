//! Lowering of parsed expressions (grammar CST) to AST expressions, and conversion of parse
//! errors to diagnostics. Used by the DSL and by YAML/JSON `when:` strings.

use grammar::{ExprKind as Cst, ParseError, ParseErrorKind};

use crate::ast::{CmpOp, Expr, ExprKind, Func, Literal};
use crate::diagnostic::Diagnostic;
use crate::frontend::codes;
use crate::span::{SourceId, Span, Spanned};
use crate::suggest::nearest;

const FUNCTIONS: [(&str, Func); 2] = [("exists", Func::Exists), ("len", Func::Len)];

/// Maps byte offsets of parsed text to spans in a source file.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Placement {
    source: SourceId,
    base: usize,
    /// The span used for every position when offsets cannot be mapped, or `None` when they map
    /// exactly. Escapes or line breaks in a YAML scalar make its text differ from the file.
    fallback: Option<Span>,
}

impl Placement {
    /// Offsets map one to one, starting at byte `base` of the file.
    pub fn exact(source: SourceId, base: usize) -> Placement {
        Placement { source, base, fallback: None }
    }

    /// Offsets cannot be mapped; every span points at `scalar`.
    pub fn approximate(scalar: Span) -> Placement {
        Placement { source: scalar.source, base: scalar.start, fallback: Some(scalar) }
    }

    pub fn span(&self, span: grammar::Span) -> Span {
        match self.fallback {
            Some(fallback) => fallback,
            None => Span::new(self.source, self.base + span.start, self.base + span.end),
        }
    }

    fn note(&self) -> Option<&'static str> {
        self.fallback.map(|_| {
            "NOTE: the position points at the start of the value, because its escapes or line breaks \
             make exact positions inside it unavailable"
        })
    }
}

/// Parses `text` as an expression and lowers it, reporting problems into `diags`.
pub(crate) fn parse_and_lower(text: &str, place: &Placement, diags: &mut Vec<Diagnostic>) -> Option<Expr> {
    match grammar::parse_expression(text) {
        Ok(cst) => lower(&cst, place, diags),
        Err(error) => {
            diags.push(parse_error(&error, place));
            None
        }
    }
}

/// Converts a grammar parse error into a diagnostic with a stable code and a help line.
pub(crate) fn parse_error(error: &ParseError, place: &Placement) -> Diagnostic {
    let (code, label, help) = describe_parse_error(error);
    let help = match place.note() {
        Some(note) => format!("{help}\n{note}"),
        None => help,
    };
    Diagnostic::error(code, error.message(), place.span(error.span), label).with_help(help)
}

fn describe_parse_error(error: &ParseError) -> (&'static str, String, String) {
    let expected = &error.expected;
    match error.kind {
        ParseErrorKind::UnterminatedString => (
            codes::PARSE_UNTERMINATED_STRING,
            "this string is not closed".to_owned(),
            "close the string with `\"` on the same line".to_owned(),
        ),
        ParseErrorKind::InvalidEscape => (
            codes::PARSE_SYNTAX,
            "invalid escape".to_owned(),
            format!("use {expected}, or write `\\\\` for a backslash"),
        ),
        ParseErrorKind::UnknownOperator => (
            codes::PARSE_UNKNOWN_OPERATOR,
            "unknown operator".to_owned(),
            match &error.suggestion {
                Some(op) => format!("did you mean `{op}`? Comparisons use ==, !=, >, >=, <, <=, in, not in, contains"),
                None => "comparisons use ==, !=, >, >=, <, <=, in, not in, contains".to_owned(),
            },
        ),
        ParseErrorKind::UnknownKeyword => (
            codes::PARSE_UNKNOWN_KEYWORD,
            format!("expected {expected}"),
            keyword_help(error),
        ),
        ParseErrorKind::UnexpectedEof => (
            codes::PARSE_UNEXPECTED_EOF,
            "input ends here".to_owned(),
            format!("the input ends too early: add {expected}"),
        ),
        ParseErrorKind::TooDeep => (
            codes::PARSE_TOO_DEEP,
            "nested too deeply".to_owned(),
            "remove redundant parentheses or split the condition into several rules".to_owned(),
        ),
        ParseErrorKind::Syntax | ParseErrorKind::Internal => (
            codes::PARSE_SYNTAX,
            format!("expected {expected}"),
            format!("write {expected} here"),
        ),
    }
}

fn keyword_help(error: &ParseError) -> String {
    match &error.suggestion {
        Some(keyword) => format!("did you mean `{keyword}`?"),
        None => format!("expected {} here", error.expected),
    }
}

/// Lowers a CST expression; `None` when some part was invalid (the reasons are in `diags`).
pub(crate) fn lower(cst: &grammar::Expr, place: &Placement, diags: &mut Vec<Diagnostic>) -> Option<Expr> {
    let span = place.span(cst.span);
    let kind = match &cst.kind {
        Cst::Or(lhs, rhs) => lower_pair(lhs, rhs, place, diags, ExprKind::Or)?,
        Cst::And(lhs, rhs) => lower_pair(lhs, rhs, place, diags, ExprKind::And)?,
        Cst::Not(inner) => ExprKind::Not(Box::new(lower(inner, place, diags)?)),
        Cst::Group(inner) => return lower(inner, place, diags),
        Cst::Compare { op, lhs, rhs } => {
            let op = Spanned::new(cmp_op(op.kind), place.span(op.span));
            let (lhs, rhs) = (lower(lhs, place, diags), lower(rhs, place, diags));
            ExprKind::Compare { op, lhs: Box::new(lhs?), rhs: Box::new(rhs?) }
        }
        Cst::Call { name, args } => call(name, args, span, place, diags)?,
        Cst::List(items) => {
            let lowered: Vec<Option<Expr>> = items.iter().map(|item| lower(item, place, diags)).collect();
            ExprKind::List(lowered.into_iter().collect::<Option<Vec<_>>>()?)
        }
        Cst::Path(path) => ExprKind::Path(path.clone()),
        Cst::Bool(value) => ExprKind::Literal(Literal::Bool(*value)),
        Cst::Number(text) => ExprKind::Literal(number(text, span, diags)?),
        Cst::String(value) => ExprKind::Literal(Literal::String(value.clone())),
    };
    Some(Expr { kind, span })
}

fn lower_pair(
    lhs: &grammar::Expr,
    rhs: &grammar::Expr,
    place: &Placement,
    diags: &mut Vec<Diagnostic>,
    make: fn(Box<Expr>, Box<Expr>) -> ExprKind,
) -> Option<ExprKind> {
    let (lhs, rhs) = (lower(lhs, place, diags), lower(rhs, place, diags));
    Some(make(Box::new(lhs?), Box::new(rhs?)))
}

pub(crate) fn cmp_op(op: grammar::OpKind) -> CmpOp {
    match op {
        grammar::OpKind::Eq => CmpOp::Eq,
        grammar::OpKind::Ne => CmpOp::Ne,
        grammar::OpKind::Gt => CmpOp::Gt,
        grammar::OpKind::Ge => CmpOp::Ge,
        grammar::OpKind::Lt => CmpOp::Lt,
        grammar::OpKind::Le => CmpOp::Le,
        grammar::OpKind::In => CmpOp::In,
        grammar::OpKind::NotIn => CmpOp::NotIn,
        grammar::OpKind::Contains => CmpOp::Contains,
    }
}

fn call(
    name: &grammar::Ident,
    args: &[grammar::Expr],
    span: Span,
    place: &Placement,
    diags: &mut Vec<Diagnostic>,
) -> Option<ExprKind> {
    let name_span = place.span(name.span);
    let Some((_, func)) = FUNCTIONS.iter().find(|(known, _)| *known == name.text) else {
        diags.push(unknown_function(&name.text, name_span));
        return None;
    };
    let is_single_path = matches!(args, [grammar::Expr { kind: Cst::Path(_), .. }]);
    if !is_single_path {
        let message = format!("`{}` takes exactly one signal path, found {} arguments", name.text, args.len());
        diags.push(
            Diagnostic::error(codes::PARSE_SYNTAX, message, span, "wrong arguments")
                .with_help(format!("write `{}(risk.level)` with one signal path", name.text)),
        );
        return None;
    }
    let args = args.iter().filter_map(|arg| lower(arg, place, diags)).collect();
    Some(ExprKind::Call { func: Spanned::new(*func, name_span), args })
}

fn unknown_function(name: &str, span: Span) -> Diagnostic {
    let help = match nearest(name, FUNCTIONS.iter().map(|(known, _)| *known)) {
        Some(known) => format!("did you mean `{known}`? Available functions: exists(path), len(path)"),
        None => "available functions: exists(path), len(path)".to_owned(),
    };
    Diagnostic::error(codes::PARSE_UNKNOWN_FUNCTION, format!("unknown function `{name}`"), span, "unknown function")
        .with_help(help)
}

fn number(text: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Option<Literal> {
    let parsed = if text.contains('.') {
        text.parse::<f64>().ok().filter(|value| value.is_finite()).map(Literal::Decimal)
    } else {
        text.parse::<i64>().ok().map(Literal::Int)
    };
    if parsed.is_none() {
        diags.push(
            Diagnostic::error(
                codes::PARSE_INVALID_NUMBER,
                format!("number `{text}` is out of range"),
                span,
                "out of range",
            )
            .with_help("integers must fit in 64 bits (about ±9.2e18); use a smaller number"),
        );
    }
    parsed
}
