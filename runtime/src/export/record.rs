//! One `soc2_v1` record: a decision entry joined with its latest override entry.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::ledger::Entry;

/// A `soc2_v1` record. Field order is the CSV column order (`COLUMNS`); the first twelve fields
/// are the contract's required columns.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Soc2Record {
    pub decision_id: String,
    /// The decision's ledger status (`CONDITIONAL` is kept, not mapped to the response status).
    pub decision: Option<String>,
    pub reason_code: Option<String>,
    pub human_message: Option<String>,
    /// The decision's actor object: `{account_id, email, roles}`.
    pub actor: Value,
    /// Version of each evaluated policy: `{policy_id: version}`.
    pub policy_version: Value,
    /// Names of the signals present in the request.
    pub inputs_present: Value,
    pub override_id: Option<String>,
    /// True when the chain walk passed this decision and its override; `null` when not verified.
    pub chain_verified: Option<bool>,
    pub repo: Option<String>,
    pub pr_number: Value,
    /// The decision's `recorded_at`.
    pub created_at: String,
    pub issue_key: Option<String>,
    /// `{id, name, source_status, target_status}`.
    pub transition: Value,
    pub environment: Option<String>,
    pub bundle_hash: Option<String>,
    pub ledger_seq: u64,
    pub entry_hash: String,
    pub override_actor: Value,
    pub override_reason: Option<String>,
    pub override_expires_at: Option<String>,
    /// Hash of each evaluated policy: `{policy_id: policy_hash}`.
    pub policy_hashes: Value,
}

impl Soc2Record {
    /// Builds a record from a decision entry and the override that applies to it, if any.
    /// Payload fields that are absent (or a payload that is not JSON) give `null` cells.
    pub fn from_entries(
        decision: &Entry,
        override_entry: Option<&Entry>,
        chain_verified: Option<bool>,
    ) -> Self {
        let payload = parse(&decision.payload);
        let override_payload = override_entry.map(|entry| parse(&entry.payload));
        let overridden = override_payload.as_ref();
        let override_id = override_entry
            .and_then(|entry| entry.override_id.clone())
            .or_else(|| text(&payload, "override_id"));
        Self {
            decision_id: decision.decision_id.clone(),
            decision: text(&payload, "status"),
            reason_code: text(&payload, "reason_code"),
            human_message: text(&payload, "reason"),
            actor: field(&payload, "actor"),
            policy_version: per_policy(&payload, "version"),
            inputs_present: field(&payload, "inputs_present"),
            override_id,
            chain_verified,
            repo: decision.repo.clone().or_else(|| text(&payload, "repo")),
            pr_number: field(&payload, "pr_number"),
            created_at: decision.recorded_at.clone(),
            issue_key: decision
                .issue_key
                .clone()
                .or_else(|| text(&payload, "issue_key")),
            transition: field(&payload, "transition"),
            environment: text(&payload, "environment"),
            bundle_hash: text(&payload, "bundle_hash"),
            ledger_seq: decision.seq,
            entry_hash: decision.entry_hash.clone(),
            override_actor: overridden.map_or(Value::Null, |value| field(value, "actor")),
            override_reason: overridden.and_then(|value| text(value, "reason")),
            override_expires_at: overridden.and_then(|value| text(value, "expires_at")),
            policy_hashes: per_policy(&payload, "policy_hash"),
        }
    }
}

fn parse(payload: &str) -> Value {
    serde_json::from_str(payload).unwrap_or(Value::Null)
}

fn field(payload: &Value, key: &str) -> Value {
    payload.get(key).cloned().unwrap_or(Value::Null)
}

fn text(payload: &Value, key: &str) -> Option<String> {
    payload.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Maps `payload.policies[*]` to `{policy_id: policy[key]}`; `null` when there is no list.
fn per_policy(payload: &Value, key: &str) -> Value {
    let Some(policies) = payload.get("policies").and_then(Value::as_array) else {
        return Value::Null;
    };
    let mut map = Map::new();
    for policy in policies {
        if let Some(id) = policy.get("policy_id").and_then(Value::as_str) {
            map.insert(id.to_owned(), field(policy, key));
        }
    }
    Value::Object(map)
}
