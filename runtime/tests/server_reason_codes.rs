//! Every reason code of the decision table, in permissive and in strict mode, over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod server_support;

use serde_json::{json, Value};
use server_support::{check_request, ledger_size, post, start, Options, TestServer};

struct Case {
    name: &'static str,
    request: fn() -> Value,
    permissive: (&'static str, &'static str, bool),
    strict: (&'static str, &'static str, bool),
}

fn with(mut request: Value, pointer_key: &str, value: Value) -> Value {
    request[pointer_key] = value;
    request
}

fn no_risk() -> Value {
    check_request(None)
}
fn unmapped() -> Value {
    with(check_request(Some("LOW")), "target_status", json!("Closed"))
}
fn ghost_reference() -> Value {
    with(check_request(Some("LOW")), "transition_id", json!("ghost"))
}
fn missing_signal() -> Value {
    with(check_request(Some("LOW")), "signals", json!({}))
}
fn allowed() -> Value {
    check_request(Some("LOW"))
}
fn conditional_production() -> Value {
    check_request(Some("MEDIUM"))
}
fn conditional_staging() -> Value {
    with(check_request(Some("MEDIUM")), "environment", json!("STAGING"))
}
fn blocked() -> Value {
    check_request(Some("HIGH"))
}
fn budget_error_staging() -> Value {
    let request = with(check_request(Some("LOW")), "transition_id", json!("slow"));
    with(request, "environment", json!("STAGING"))
}
fn budget_error_production() -> Value {
    with(check_request(Some("LOW")), "transition_id", json!("slow"))
}
fn inline_override(actor: &str, reason: Option<&str>, expires_at: Option<&str>) -> Value {
    let mut request = with(check_request(Some("HIGH")), "actor_account_id", json!(actor));
    request["actor_email"] = Value::Null;
    request["context_overrides"] = json!({
        "override": true,
        "override_reason": reason,
        "override_expires_at": expires_at,
    });
    request
}
fn override_applied() -> Value {
    inline_override("rm-1", Some("hotfix for incident INC-7"), Some("2999-01-01T00:00:00Z"))
}
fn override_without_reason() -> Value {
    inline_override("rm-1", None, None)
}
fn override_expired() -> Value {
    inline_override("rm-1", Some("late"), Some("2001-01-01T00:00:00Z"))
}
fn override_not_authorized() -> Value {
    inline_override("eng-1", Some("I am sure"), None)
}
fn override_by_pr_author() -> Value {
    let mut request = inline_override("rm-1", Some("my own change"), None);
    request["releasegate_risk"] = json!({"risk_level": "HIGH", "pr_author": "rm-1"});
    request
}

const CASES: [Case; 15] = [
    Case { name: "no risk metadata", request: no_risk, permissive: ("SKIPPED", "MISSING_RISK_METADATA", true), strict: ("BLOCKED", "MISSING_RISK_METADATA_STRICT", false) },
    Case { name: "no policy mapped", request: unmapped, permissive: ("SKIPPED", "NO_POLICIES_MAPPED", true), strict: ("BLOCKED", "NO_POLICIES_MAPPED_STRICT", false) },
    Case { name: "unknown policy reference", request: ghost_reference, permissive: ("SKIPPED", "INVALID_POLICY_REFERENCE", true), strict: ("BLOCKED", "INVALID_POLICY_REFERENCE_STRICT", false) },
    Case { name: "missing signal", request: missing_signal, permissive: ("SKIPPED", "MISSING_SIGNAL", true), strict: ("BLOCKED", "MISSING_SIGNAL_STRICT", false) },
    Case { name: "policies allow", request: allowed, permissive: ("ALLOWED", "POLICY_ALLOWED", true), strict: ("ALLOWED", "POLICY_ALLOWED", true) },
    Case { name: "warn in production", request: conditional_production, permissive: ("BLOCKED", "POLICY_CONDITIONAL", false), strict: ("BLOCKED", "POLICY_CONDITIONAL", false) },
    Case { name: "warn in staging", request: conditional_staging, permissive: ("CONDITIONAL", "POLICY_CONDITIONAL", false), strict: ("CONDITIONAL", "POLICY_CONDITIONAL", false) },
    Case { name: "policy blocks", request: blocked, permissive: ("BLOCKED", "POLICY_BLOCKED", false), strict: ("BLOCKED", "POLICY_BLOCKED", false) },
    Case { name: "evaluation error outside production", request: budget_error_staging, permissive: ("ERROR", "SYSTEM_ERROR", true), strict: ("ERROR", "SYSTEM_ERROR", false) },
    Case { name: "evaluation error in production", request: budget_error_production, permissive: ("ERROR", "SYSTEM_ERROR", false), strict: ("ERROR", "SYSTEM_ERROR", false) },
    Case { name: "valid override", request: override_applied, permissive: ("ALLOWED", "OVERRIDE_APPLIED", true), strict: ("ALLOWED", "OVERRIDE_APPLIED", true) },
    Case { name: "override without reason", request: override_without_reason, permissive: ("BLOCKED", "OVERRIDE_JUSTIFICATION_REQUIRED", false), strict: ("BLOCKED", "OVERRIDE_JUSTIFICATION_REQUIRED", false) },
    Case { name: "expired override", request: override_expired, permissive: ("BLOCKED", "OVERRIDE_EXPIRED", false), strict: ("BLOCKED", "OVERRIDE_EXPIRED", false) },
    Case { name: "override by engineer", request: override_not_authorized, permissive: ("BLOCKED", "OVERRIDE_NOT_AUTHORIZED", false), strict: ("BLOCKED", "OVERRIDE_NOT_AUTHORIZED", false) },
    Case { name: "override by PR author", request: override_by_pr_author, permissive: ("BLOCKED", "SOD_SELF_OVERRIDE", false), strict: ("BLOCKED", "SOD_SELF_OVERRIDE", false) },
];

fn run_table(server: &TestServer, strict: bool) {
    for case in &CASES {
        let (status, reason_code, allow) = if strict { case.strict } else { case.permissive };
        let label = format!("{} ({})", case.name, if strict { "strict" } else { "permissive" });
        let before = ledger_size(server);
        let (http, body) = post(&server.url("/integrations/jira/transition/check"), &(case.request)());
        assert_eq!(http, 200, "{label}: {body}");
        assert_eq!(body["status"], status, "{label}: {body}");
        assert_eq!(body["reason_code"], reason_code, "{label}: {body}");
        assert_eq!(body["allow"], allow, "{label}: {body}");
        let decision_id = body["decision_id"].as_str().unwrap();
        assert_eq!(decision_id.len(), 64, "{label}");
        let stored = server.service.ledger().decision(decision_id).unwrap();
        assert!(stored.is_some(), "{label}: decision not in the ledger");
        let appended = ledger_size(server) - before;
        let expected = if reason_code == "OVERRIDE_APPLIED" { 2 } else { 1 };
        assert_eq!(appended, expected, "{label}: ledger entries appended");
    }
}

#[test]
fn reason_codes_permissive() {
    let server = start(Options::default());
    run_table(&server, false);
    assert!(server.service.ledger().verify(None).unwrap().valid);
}

#[test]
fn reason_codes_strict() {
    let server = start(Options { strict: true, ..Options::default() });
    run_table(&server, true);
    assert!(server.service.ledger().verify(None).unwrap().valid);
}

#[test]
fn conditional_kept_in_ledger() {
    let server = start(Options::default());
    let (_, body) = post(&server.url("/integrations/jira/transition/check"), &conditional_production());
    assert_eq!(body["status"], "BLOCKED");
    let entry = server.service.ledger().decision(body["decision_id"].as_str().unwrap()).unwrap().unwrap();
    let payload = entry.payload_value().unwrap();
    assert_eq!(payload["status"], "CONDITIONAL");
    assert_eq!(payload["response_status"], "BLOCKED");
}

#[test]
fn blocked_lists_requirements() {
    let server = start(Options::default());
    let (_, body) = post(&server.url("/integrations/jira/transition/check"), &blocked());
    assert_eq!(body["reason"], "RISK-HIGH: High risk change requires additional approval");
    assert_eq!(body["requirements"][0]["policy_id"], "RISK-HIGH");
    assert_eq!(body["requirements"][0]["approvals"], 2);
    assert_eq!(body["policy_hash"], server.service.bundle().bundle_hash());
    let outcomes: Vec<&str> = body["policies"].as_array().unwrap().iter().map(|p| p["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, vec!["BLOCK", "COMPLIANT", "COMPLIANT"]);
}
