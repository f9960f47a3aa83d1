//! The shipped policies/ folder: it must check without findings, compile, and decide the demo
//! requests (the Jira fixture blocks, a low-risk approved request passes).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::path::{Path, PathBuf};

use compiler::ast::Policy;
use compiler::check::check_policies;
use compiler::frontend::lower_file;
use compiler::maps::{RoleMap, TransitionMap};
use compiler::schema::Schema;
use compiler::sources::{discover, read_source};
use compiler::span::SourceMap;
use serde_json::{json, Value};
use vm::outcome::{Outcome, PolicyResult};
use vm::{Bundle, EvalOptions};

fn policies_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies")
}

struct Shipped {
    policies: Vec<Policy>,
    schema: Schema,
    transitions: TransitionMap,
    roles: RoleMap,
}

fn load() -> Shipped {
    let found = discover(&[policies_dir()]).unwrap();
    let mut sources = SourceMap::new();
    let mut policies = Vec::new();
    for path in &found.policies {
        let id = read_source(&mut sources, path).unwrap();
        let (lowered, diags) = lower_file(&sources, id);
        assert!(diags.is_empty(), "{}: {diags:#?}", path.display());
        policies.extend(lowered);
    }
    let schema_id = read_source(&mut sources, &found.signals[0]).unwrap();
    let schema = Schema::parse(&sources, schema_id).unwrap();
    let transitions = TransitionMap::parse_str(&std::fs::read_to_string(&found.transitions[0]).unwrap()).unwrap();
    let roles = RoleMap::parse_str(&std::fs::read_to_string(&found.roles[0]).unwrap()).unwrap();
    Shipped { policies, schema, transitions, roles }
}

#[test]
fn shipped_policies_check_without_findings() {
    let shipped = load();
    assert!(shipped.policies.len() >= 15);
    let findings = check_policies(&shipped.policies, &shipped.schema);
    assert!(findings.is_empty(), "{findings:#?}");
    let references = shipped.transitions.check_references(&shipped.policies);
    assert!(references.is_empty(), "{references:#?}");
}

#[test]
fn shipped_policies_cover_each_syntax() {
    let shipped = load();
    let files = discover(&[policies_dir()]).unwrap().policies;
    for extension in ["yaml", "json", "rgl"] {
        let count = files.iter().filter(|path| path.extension().unwrap() == extension).count();
        assert!(count >= 4, "{count} {extension} files");
    }
    assert!(shipped.policies.iter().any(|policy| policy.compliance.contains_key("HIPAA")));
}

/// Builds the input snapshot the runtime would resolve for the Jira fixture request.
fn fixture_input(shipped: &Shipped) -> (Value, Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/jira/transition_check_request.json");
    let request: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let risk = &request["releasegate_risk"];
    let metrics = &risk["metrics"];
    let account = request["actor_account_id"].as_str().unwrap();
    let roles = shipped.roles.roles_of(account, request["actor_email"].as_str().unwrap());
    let input = json!({
        "environment": request["environment"],
        "transition.id": request["transition_id"],
        "transition.name": request["transition_name"],
        "transition.source_status": request["source_status"],
        "transition.target_status": request["target_status"],
        "issue.key": request["issue_key"],
        "issue.type": request["issue_type"],
        "project.key": request["project_key"],
        "actor.account_id": account,
        "actor.email": request["actor_email"],
        "actor.roles": roles,
        "risk.level": risk["risk_level"],
        "risk.score": risk["risk_score"],
        "core_risk.severity_level": risk["risk_level"],
        "change.changed_files": metrics["changed_files_count"],
        "change.additions": metrics["additions"],
        "change.deletions": metrics["deletions"],
        "change.total_churn": metrics["total_churn"],
        "time.utc_hour": 10,
        "time.weekday": "WEDNESDAY",
        "time.date": "2026-12-02",
        "approvals": request["signals"]["approvals"],
    });
    (request, input)
}

fn evaluate(shipped: &Shipped, request: &Value, input: &Value) -> Vec<PolicyResult> {
    let artifact = compiler::codegen::compile_bundle(&shipped.policies, &shipped.schema).unwrap();
    let bundle = Bundle::from_bytes(&artifact.bytes).unwrap();
    let references = shipped
        .transitions
        .lookup(
            request["environment"].as_str().unwrap(),
            request["project_key"].as_str().unwrap(),
            request["transition_id"].as_str().unwrap(),
            request["source_status"].as_str().unwrap(),
            request["target_status"].as_str().unwrap(),
            request["transition_name"].as_str().unwrap(),
        )
        .expect("the fixture transition is mapped")
        .to_vec();
    let indices: Vec<_> = references.iter().flat_map(|reference| bundle.resolve_ref(reference)).collect();
    assert!(indices.len() >= references.len());
    let frame = bundle.frame_from_value(input).unwrap();
    bundle.evaluate(&frame, &indices, &EvalOptions { trace: false, budget: 100_000 })
}

#[test]
fn fixture_request_is_blocked() {
    let shipped = load();
    let (request, input) = fixture_input(&shipped);
    let results = evaluate(&shipped, &request, &input);
    let blocked: Vec<&PolicyResult> = results.iter().filter(|result| result.outcome == Outcome::Block).collect();
    assert!(
        blocked.iter().any(|result| result.policy_id() == "SEC-PR-001"),
        "{results:#?}"
    );
    let message = blocked[0].message().unwrap();
    assert!(message.contains("approvals"), "{message}");
}

#[test]
fn low_risk_approved_request_passes() {
    let shipped = load();
    let (request, mut input) = fixture_input(&shipped);
    input["risk.level"] = json!("LOW");
    input["core_risk.severity_level"] = json!("LOW");
    input["risk.score"] = json!(25);
    input["change.changed_files"] = json!(3);
    input["change.additions"] = json!(40);
    input["change.deletions"] = json!(12);
    input["change.total_churn"] = json!(52);
    input["approvals"] = json!({"count": 2, "roles": ["Engineer", "ReleaseManager"]});
    let results = evaluate(&shipped, &request, &input);
    for result in &results {
        assert_eq!(result.outcome, Outcome::Compliant, "{result:#?}");
    }
}
