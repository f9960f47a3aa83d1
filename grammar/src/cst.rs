//! Concrete syntax tree of a DSL file or an expression. Every node keeps the byte span it was
//! parsed from, relative to the start of the parsed text.

/// Half-open byte range `start..end` in the parsed text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// Returns the smallest span that covers both `self` and `other`.
    pub fn join(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

/// A word such as a policy name, metadata key or function name.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub text: String,
    pub span: Span,
}

/// A string literal with its escapes resolved. `span` covers the quotes.
#[derive(Clone, Debug, PartialEq)]
pub struct StringLit {
    pub value: String,
    pub span: Span,
}

/// A whole `.rgl` file.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub policies: Vec<PolicyDecl>,
}

/// `policy NAME { ... }`.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDecl {
    pub name: Ident,
    pub items: Vec<PolicyItem>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PolicyItem {
    Meta(MetaField),
    Control(ControlDecl),
    Rules(RulesBlock),
    Compliance(ComplianceBlock),
}

/// A metadata field such as `version: "1.0.0"`.
#[derive(Clone, Debug, PartialEq)]
pub struct MetaField {
    pub key: Ident,
    pub value: StringLit,
    pub span: Span,
}

/// `control NAME { signals: [...] evidence: [...] }`.
#[derive(Clone, Debug, PartialEq)]
pub struct ControlDecl {
    pub name: Ident,
    pub fields: Vec<ControlField>,
    pub span: Span,
}

/// `signals: [a.b, c.d]` or `evidence: [...]` inside a control block.
#[derive(Clone, Debug, PartialEq)]
pub struct ControlField {
    pub key: Ident,
    pub paths: Vec<Ident>,
    pub span: Span,
}

/// `rules { ... }`.
#[derive(Clone, Debug, PartialEq)]
pub struct RulesBlock {
    pub rules: Vec<Rule>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    Require(RequireRule),
    When(WhenRule),
}

/// `require PATH OP VALUE`.
#[derive(Clone, Debug, PartialEq)]
pub struct RequireRule {
    pub path: Ident,
    pub op: Op,
    pub value: Expr,
    pub span: Span,
}

/// `when EXPR { enforce EFFECT message "..." }`.
#[derive(Clone, Debug, PartialEq)]
pub struct WhenRule {
    pub condition: Expr,
    /// `BLOCK`, `WARN` or `COMPLIANT`.
    pub effect: Ident,
    pub message: StringLit,
    pub span: Span,
}

/// `compliance { SOC2: "CC8.1" }`.
#[derive(Clone, Debug, PartialEq)]
pub struct ComplianceBlock {
    pub entries: Vec<ComplianceEntry>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ComplianceEntry {
    pub key: Ident,
    pub value: StringLit,
    pub span: Span,
}

/// A comparison operator with its span.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Op {
    pub kind: OpKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OpKind {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    In,
    NotIn,
    Contains,
}

impl OpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::Eq => "==",
            OpKind::Ne => "!=",
            OpKind::Gt => ">",
            OpKind::Ge => ">=",
            OpKind::Lt => "<",
            OpKind::Le => "<=",
            OpKind::In => "in",
            OpKind::NotIn => "not in",
            OpKind::Contains => "contains",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Compare { op: Op, lhs: Box<Expr>, rhs: Box<Expr> },
    /// `name(args)`. Any name parses; the lowering rejects unknown functions.
    Call { name: Ident, args: Vec<Expr> },
    /// `(expr)`, kept so that spans and rendering can show the parentheses.
    Group(Box<Expr>),
    List(Vec<Expr>),
    Path(String),
    Bool(bool),
    /// The number as written (`-3`, `0.25`); the lowering checks its range.
    Number(String),
    String(String),
}
