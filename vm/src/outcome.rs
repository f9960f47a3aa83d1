//! Results of evaluating policies against one input.

use std::sync::Arc;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::labels::PolicyLabels;

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
/// The id, version, hash and message belong to the loaded bundle. A result holds one counted
/// reference to them, so building a result copies no text.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyResult {
    labels: Arc<PolicyLabels>,
    pub outcome: Outcome,
    /// The fault message of an ERROR outcome.
    fault: Option<String>,
    /// Signals that were read but missing from the input, sorted and unique.
    pub missing: Vec<String>,
    /// Present only when tracing was requested.
    pub trace: Option<Vec<TraceStep>>,
}

impl PolicyResult {
    pub(crate) fn from_run(labels: Arc<PolicyLabels>, outcome: Outcome, fault: Option<String>) -> PolicyResult {
        PolicyResult { labels, outcome, fault, missing: Vec::new(), trace: None }
    }

    /// Builds a result outside the VM, for callers that combine results they made themselves.
    /// `message` is the policy's message for BLOCK and WARN, and the fault for ERROR.
    pub fn new(policy_id: &str, version: &str, policy_hash: &str, outcome: Outcome, message: Option<String>) -> PolicyResult {
        let (message, fault) = match outcome {
            Outcome::Error => (String::new(), message),
            _ => (message.unwrap_or_default(), None),
        };
        let labels = PolicyLabels {
            id: policy_id.into(),
            version: version.into(),
            hash: policy_hash.into(),
            message: message.into(),
        };
        PolicyResult::from_run(Arc::new(labels), outcome, fault)
    }

    pub fn policy_id(&self) -> &str {
        &self.labels.id
    }

    pub fn version(&self) -> &str {
        &self.labels.version
    }

    /// Returns the hex SHA-256 of the policy's canonical compiled form.
    pub fn policy_hash(&self) -> &str {
        &self.labels.hash
    }

    /// Returns the policy's message when it fired (BLOCK or WARN), or why it errored.
    pub fn message(&self) -> Option<&str> {
        match self.outcome {
            Outcome::Block | Outcome::Warn => Some(&self.labels.message),
            Outcome::Error => self.fault.as_deref(),
            Outcome::Compliant | Outcome::Undetermined | Outcome::Disabled => None,
        }
    }
}

impl Serialize for PolicyResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = if self.trace.is_some() { 7 } else { 6 };
        let mut map = serializer.serialize_struct("PolicyResult", fields)?;
        map.serialize_field("policy_id", self.policy_id())?;
        map.serialize_field("version", self.version())?;
        map.serialize_field("policy_hash", self.policy_hash())?;
        map.serialize_field("outcome", &self.outcome)?;
        map.serialize_field("message", &self.message())?;
        map.serialize_field("missing", &self.missing)?;
        if let Some(trace) = &self.trace {
            map.serialize_field("trace", trace)?;
        }
        map.end()
    }
}
