//! Decisions: the deterministic decision id, the status shown to the caller, the ledger payload
//! and the HTTP response built from it.

use serde_json::{json, Value};
use vm::decision::{Mode, ReasonCode, Status};
use vm::outcome::{Outcome, PolicyResult};
use vm::PolicyInfo;

use crate::canonical::to_canonical_json;
use crate::hex::sha256_hex;
use crate::request::{Environment, TransitionRequest};
use crate::signals::{snapshot_to_value, Snapshot};

/// The result of evaluating a transition before any override.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// The ledger status: CONDITIONAL is kept here even in PRODUCTION.
    pub status: Status,
    pub reason_code: ReasonCode,
    pub reason: String,
    pub results: Vec<PolicyResult>,
    pub requirements: Vec<Value>,
    pub unlock_conditions: Vec<String>,
}

impl Evaluation {
    /// An evaluation that ended before any policy ran (no mapping, bad reference, no risk).
    pub fn early(
        status: Status,
        reason_code: ReasonCode,
        reason: String,
        unlock: Vec<String>,
    ) -> Evaluation {
        Evaluation {
            status,
            reason_code,
            reason,
            results: Vec::new(),
            requirements: Vec::new(),
            unlock_conditions: unlock,
        }
    }
}

pub fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Strict => "strict",
        Mode::Permissive => "permissive",
    }
}

/// Returns the status sent to the caller. CONDITIONAL never allows, so in PRODUCTION it is
/// sent as BLOCKED.
pub fn response_status(status: Status, environment: Environment) -> Status {
    match (status, environment) {
        (Status::Conditional, Environment::Production) => Status::Blocked,
        (status, _) => status,
    }
}

/// `allow`: true for ALLOWED and SKIPPED, and for ERROR only in permissive mode outside
/// PRODUCTION.
pub fn allows(status: Status, mode: Mode, environment: Environment) -> bool {
    match status {
        Status::Error => mode == Mode::Permissive && environment != Environment::Production,
        other => other.allows(),
    }
}

/// SHA-256 over the canonical JSON of the bundle hash, the mode, the normalized request and the
/// resolved input snapshot. The receive time enters only through the hour-granular time signals.
pub fn decision_id(
    bundle_hash: &str,
    mode: Mode,
    request: &TransitionRequest,
    snapshot: &Snapshot,
) -> String {
    let request_value = serde_json::to_value(request).unwrap_or(Value::Null);
    let seed = json!({
        "bundle_hash": bundle_hash,
        "mode": mode_name(mode),
        "request": request_value,
        "input_snapshot": snapshot_to_value(snapshot),
    });
    sha256_hex(to_canonical_json(&seed).as_bytes())
}

/// Requirements and unlock conditions of the policies that fired (BLOCK or WARN) or could not be
/// decided.
pub fn unlock_details(results: &[PolicyResult], infos: &[PolicyInfo]) -> (Vec<Value>, Vec<String>) {
    let mut requirements = Vec::new();
    let mut unlock = Vec::new();
    for result in results {
        if result.outcome == Outcome::Undetermined {
            unlock.push(format!(
                "{}: provide signal(s) {}",
                result.policy_id(),
                result.missing.join(", ")
            ));
        }
        if !matches!(result.outcome, Outcome::Block | Outcome::Warn) {
            continue;
        }
        let Some(info) = infos.iter().find(|info| info.id == result.policy_id()) else {
            continue;
        };
        let requires = &info.requires;
        if requires.approvals.is_none() && requires.roles.is_empty() {
            continue;
        }
        requirements.push(json!({
            "policy_id": info.id,
            "approvals": requires.approvals,
            "roles": requires.roles,
        }));
        unlock.push(describe_requirement(&info.id, requires));
    }
    (requirements, unlock)
}

fn describe_requirement(policy_id: &str, requires: &vm::Requires) -> String {
    let approvals = requires
        .approvals
        .map(|count| format!("{count} approval(s)"));
    let roles =
        (!requires.roles.is_empty()).then(|| format!("from role(s) {}", requires.roles.join(", ")));
    let parts: Vec<String> = approvals.into_iter().chain(roles).collect();
    format!("{policy_id}: {}", parts.join(" "))
}

/// One policy's result as stored and returned.
pub fn policy_json(result: &PolicyResult) -> Value {
    json!({
        "policy_id": result.policy_id(),
        "version": result.version(),
        "policy_hash": result.policy_hash(),
        "outcome": result.outcome.as_str(),
        "message": result.message(),
        "missing": result.missing,
    })
}

pub fn trace_json(results: &[PolicyResult]) -> Value {
    let traces: Vec<Value> = results
        .iter()
        .map(|result| json!({"policy_id": result.policy_id(), "steps": result.trace}))
        .collect();
    Value::Array(traces)
}

/// The HTTP response of a decision, built from its stored (or about to be stored) payload.
pub fn response_from_payload(payload: &Value) -> Value {
    let field = |name: &str| payload.get(name).cloned().unwrap_or(Value::Null);
    json!({
        "allow": field("allow"),
        "status": field("response_status"),
        "reason_code": field("reason_code"),
        "reason": field("reason"),
        "decision_id": field("decision_id"),
        "policy_hash": field("bundle_hash"),
        "requirements": field("requirements"),
        "unlock_conditions": field("unlock_conditions"),
        "policies": field("policies"),
        "override_id": field("override_id"),
        "issue_key": field("issue_key"),
        "environment": field("environment"),
        "mode": field("mode"),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::request::parse_transition_request;

    /// The canonical seed of the request below: keys sorted at every level, absent request fields
    /// written as null, the snapshot as given (unset signals as null).
    const SEED: &str = concat!(
        r#"{"bundle_hash":"abababababababababababababababababababababababababababababababab","#,
        r#""input_snapshot":{"approvals.count":1,"risk.level":"HIGH","time.hour":null},"#,
        r#""mode":"permissive","request":{"actor_account_id":"5b10ac8d82e05b22cc7d4ef5","#,
        r#""actor_email":null,"context_overrides":{"override":false,"override_expires_at":null,"#,
        r#""override_reason":null,"pr_number":null,"ref":null,"repo":null},"environment":"PRODUCTION","#,
        r#""issue_key":"PAY-1842","issue_type":null,"project_key":"PAY","releasegate_risk":null,"#,
        r#""signals":{"approvals":{"count":1}},"source_status":"Ready for Release","#,
        r#""target_status":"Done","transition_id":"31","transition_name":"Release"}}"#,
    );

    #[test]
    fn decision_id_bytes_are_pinned() {
        let body = br#"{"issue_key":"PAY-1842","transition_id":"31","transition_name":"Release",
            "source_status":"Ready for Release","target_status":"Done",
            "actor_account_id":"5b10ac8d82e05b22cc7d4ef5","environment":"PRODUCTION",
            "signals":{"approvals":{"count":1}}}"#;
        let request = parse_transition_request(body).unwrap();
        let mut snapshot = Snapshot::new();
        snapshot.insert("approvals.count".to_string(), json!(1));
        snapshot.insert("risk.level".to_string(), json!("HIGH"));
        snapshot.insert("time.hour".to_string(), Value::Null);

        let id = decision_id(&"ab".repeat(32), Mode::Permissive, &request, &snapshot);
        assert_eq!(id, sha256_hex(SEED.as_bytes()));
        // The same value from Python: hashlib.sha256(SEED.encode()).hexdigest().
        assert_eq!(id, "17eeb6f92c343e2997e97cffbc66a7ff9d75e6b00b93da1acb93b4a1ab3df635");
    }
}
