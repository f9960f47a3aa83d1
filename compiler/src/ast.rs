//! The policy AST that all three front ends (YAML, JSON, DSL) lower to.
//!
//! One [`Policy`] is one compiled policy: a DSL rule `P.R1` is a `Policy` of its own. The
//! condition is a single [`Expr`]: YAML `controls` and `when` are joined with `and`, and a DSL
//! `require` is already negated. When the condition is true the policy fires with `effect`.

use std::collections::BTreeMap;

use crate::span::{Span, Spanned};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    PullRequest,
    Commit,
    Transition,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::PullRequest => "pull_request",
            Scope::Commit => "commit",
            Scope::Transition => "transition",
        }
    }
}

/// The effect of a policy whose condition is true.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Effect {
    Compliant,
    Warn,
    Block,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Compliant => "COMPLIANT",
            Effect::Warn => "WARN",
            Effect::Block => "BLOCK",
        }
    }
}

/// The syntax a policy was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Syntax {
    Yaml,
    Json,
    Dsl,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// Compiled id: `SEC-PR-001` for YAML/JSON, `SOC2-CC8.R1` for the first rule of DSL `SOC2_CC8`.
    pub id: Spanned<String>,
    /// For a DSL rule, the name of the `policy` block it came from (`SOC2_CC8`).
    pub group: Option<Spanned<String>>,
    pub syntax: Syntax,
    pub version: Spanned<String>,
    pub name: Spanned<String>,
    pub description: Option<String>,
    pub scope: Scope,
    pub enabled: bool,
    pub condition: Expr,
    pub effect: Spanned<Effect>,
    pub message: Spanned<String>,
    pub requires: Option<Requires>,
    /// Signals copied into the decision's evidence.
    pub evidence: Vec<Spanned<String>>,
    /// DSL `control` blocks of the policy this rule came from.
    pub controls: Vec<ControlBlock>,
    /// Compliance mapping, for example `SOC2 -> CC8.1`.
    pub compliance: BTreeMap<String, String>,
    /// Free metadata from YAML/JSON `metadata:` other than `compliance`, as JSON values.
    pub metadata: BTreeMap<String, serde_json::Value>,
    pub effective_date: Option<String>,
    pub supersedes: Option<String>,
    /// The whole policy document or DSL rule.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Requires {
    pub approvals: Option<Spanned<u32>>,
    pub roles: Vec<Spanned<String>>,
}

/// A DSL `control NAME { signals: [...] evidence: [...] }` block.
#[derive(Clone, Debug, PartialEq)]
pub struct ControlBlock {
    pub name: Spanned<String>,
    pub signals: Vec<Spanned<String>>,
    pub evidence: Vec<Spanned<String>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    /// `[a, b, c]`; elements are literal expressions.
    List(Vec<Expr>),
    /// A dotted signal path such as `risk.level`.
    Path(String),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare {
        op: Spanned<CmpOp>,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Call {
        func: Spanned<Func>,
        args: Vec<Expr>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Bool(bool),
    Int(i64),
    Decimal(f64),
    String(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
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

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::In => "in",
            CmpOp::NotIn => "not in",
            CmpOp::Contains => "contains",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Func {
    /// `exists(path)`: true when the signal is present in the input; never unknown.
    Exists,
    /// `len(path)`: number of elements of a list signal, or characters of a string signal.
    Len,
}

impl Func {
    pub fn as_str(self) -> &'static str {
        match self {
            Func::Exists => "exists",
            Func::Len => "len",
        }
    }
}
