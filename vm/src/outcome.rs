//! Results of evaluating policies against one input.

use std::sync::Arc;

use serde::Serialize;

/// Three-valued truth: comparisons that read a missing signal are `Unknown`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Truth {
    True,
    False,
    Unknown,
}

/// The outcome of one policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// The condition did not fire, or fired with effect COMPLIANT.
    Compliant,
    Warn,
    Block,
    /// The condition ended `Unknown` because signals were missing.
    Undetermined,
    /// The policy is disabled and was not evaluated.
    Disabled,
    /// The evaluation ran out of instruction budget or hit a type fault.
    Error,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Compliant => "COMPLIANT",
            Outcome::Warn => "WARN",
            Outcome::Block => "BLOCK",
            Outcome::Undetermined => "UNDETERMINED",
            Outcome::Disabled => "DISABLED",
            Outcome::Error => "ERROR",
        }
    }
}

/// One comparison or function call the VM evaluated, with the value it actually read.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceStep {
    /// Source text of the control, for example `risk.level == "HIGH"`.
    pub control: String,
    /// The signal it read, if any.
    pub signal: Option<String>,
    /// The value read from the input; `null` when the signal was missing.
    pub actual: serde_json::Value,
    pub result: Truth,
}

/// The result of evaluating one policy.
///
/// The id, version, hash and message are shared with the loaded bundle, so building a result
/// copies no text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicyResult {
    pub policy_id: Arc<str>,
    pub version: Arc<str>,
    /// Hex SHA-256 of the policy's canonical compiled form.
    pub policy_hash: Arc<str>,
    pub outcome: Outcome,
    /// The policy's message when it fired (BLOCK or WARN), or why it errored.
    pub message: Option<Arc<str>>,
    /// Signals that were read but missing from the input, sorted and unique.
    pub missing: Vec<String>,
    /// Present only when tracing was requested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<Vec<TraceStep>>,
}
