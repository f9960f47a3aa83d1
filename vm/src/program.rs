//! The in-memory bundle: what the compiler builds and what the artifact reader returns.

use std::collections::BTreeMap;

use crate::constant::Constant;
use crate::ids::SignalId;
use crate::instr::Instr;
use crate::signal::SignalDecl;

/// A whole compiled bundle, before hashing and serialisation.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// Version of the compiler that built the bundle, for example `0.1.0`.
    pub compiler_version: String,
    /// Every signal of the schema, sorted by name; `SignalId(i)` is position `i`.
    pub signals: Vec<SignalDecl>,
    pub constants: Vec<Constant>,
    /// Sorted by policy id; `PolicyIdx(i)` is position `i`.
    pub policies: Vec<CompiledPolicy>,
}

/// Effect of a policy whose condition is true.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Effect {
    Compliant = 0,
    Warn = 1,
    Block = 2,
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

/// One compiled policy: its metadata, its control table and its code.
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledPolicy {
    pub id: String,
    pub version: String,
    pub name: String,
    pub description: Option<String>,
    /// `pull_request`, `commit` or `transition`.
    pub scope: String,
    /// For a DSL rule, the name of its `policy` block.
    pub group: Option<String>,
    pub enabled: bool,
    pub effect: Effect,
    pub message: String,
    pub approvals: Option<u32>,
    pub roles: Vec<String>,
    pub evidence: Vec<String>,
    pub compliance: BTreeMap<String, String>,
    /// Free metadata as compact JSON with sorted keys (`{}` when there is none).
    pub metadata_json: String,
    pub controls: Vec<Control>,
    pub code: Vec<Instr>,
    /// Source location of the policy, which is not part of the policy hash.
    pub source: Option<SourceLocation>,
}

/// A comparison, call or bool test that the trace reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control {
    /// Source text, for example `risk.level == "HIGH"`.
    pub text: String,
    /// The signal the control reads, if any.
    pub signal: Option<SignalId>,
    /// Operand that the trace reports as the actual value: the left one unless it is a literal.
    pub actual: ActualSide,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActualSide {
    Lhs = 0,
    Rhs = 1,
}

/// A policy's place in its source file: a path relative to the compile root and a byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceLocation {
    pub file: String,
    pub start: u32,
    pub end: u32,
    /// 1-based line of `start`.
    pub line: u32,
}
