//! Per-policy metadata that callers read without touching bytecode.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::program::{CompiledPolicy, SourceLocation};

/// Unlock conditions reported with a BLOCK or WARN outcome.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Requires {
    pub approvals: Option<u32>,
    pub roles: Vec<String>,
}

/// One row of the bundle's policy table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyInfo {
    pub id: String,
    pub version: String,
    pub name: String,
    pub description: Option<String>,
    /// For a DSL rule, the name of its `policy` block (`SOC2_CC8` for `SOC2-CC8.R1`).
    pub group: Option<String>,
    pub scope: String,
    /// Hex SHA-256 of the policy's canonical compiled form.
    pub policy_hash: String,
    /// A disabled policy is compiled but never evaluated; its outcome is DISABLED.
    pub enabled: bool,
    /// `BLOCK`, `WARN` or `COMPLIANT`.
    pub effect: String,
    pub message: String,
    pub requires: Requires,
    pub evidence: Vec<String>,
    pub compliance: BTreeMap<String, String>,
    /// Free metadata as compact JSON with sorted keys.
    pub metadata_json: String,
    /// Source file (relative to the compile root) and 1-based line, when known.
    pub source: Option<String>,
}

impl PolicyInfo {
    pub(crate) fn new(policy: &CompiledPolicy, policy_hash: String) -> PolicyInfo {
        PolicyInfo {
            id: policy.id.clone(),
            version: policy.version.clone(),
            name: policy.name.clone(),
            description: policy.description.clone(),
            group: policy.group.clone(),
            scope: policy.scope.clone(),
            policy_hash,
            enabled: policy.enabled,
            effect: policy.effect.as_str().to_string(),
            message: policy.message.clone(),
            requires: Requires { approvals: policy.approvals, roles: policy.roles.clone() },
            evidence: policy.evidence.clone(),
            compliance: policy.compliance.clone(),
            metadata_json: policy.metadata_json.clone(),
            source: policy.source.as_ref().map(describe_source),
        }
    }
}

fn describe_source(source: &SourceLocation) -> String {
    format!("{}:{}", source.file, source.line)
}
