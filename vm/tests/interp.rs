//! Interpreter semantics: three-valued logic, missing signals, traces and the budget.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use serde_json::json;
use vm::outcome::{Outcome, Truth};
use vm::{Bundle, EvalOptions, PolicyIdx};

fn bundle() -> Bundle {
    Bundle::from_bytes(&common::tiny_bytes()).unwrap()
}

fn run(bundle: &Bundle, input: serde_json::Value, policy: u32) -> vm::outcome::PolicyResult {
    let frame = bundle.frame_from_value(&input).unwrap();
    let options = EvalOptions { trace: true, budget: 100 };
    bundle.evaluate(&frame, &[PolicyIdx(policy)], &options).remove(0)
}

#[test]
fn condition_true_gives_effect_and_message() {
    let result = run(&bundle(), json!({"risk": {"level": "HIGH"}, "approvals.count": 0}), 0);
    assert_eq!(result.outcome, Outcome::Block);
    assert_eq!(result.message(), Some("P-1 fired"));
    assert!(result.missing.is_empty());
}

#[test]
fn condition_false_is_compliant() {
    let result = run(&bundle(), json!({"risk": {"level": "HIGH"}, "approvals": {"count": 3}}), 0);
    assert_eq!(result.outcome, Outcome::Compliant);
    assert_eq!(result.message(), None);
}

#[test]
fn and_short_circuits_on_false() {
    let result = run(&bundle(), json!({"risk.level": "LOW"}), 0);
    assert_eq!(result.outcome, Outcome::Compliant);
    assert!(result.missing.is_empty(), "short circuit must skip approvals.count");
    assert_eq!(result.trace.unwrap().len(), 1);
}

#[test]
fn missing_then_true_is_undetermined() {
    let result = run(&bundle(), json!({"approvals.count": 0}), 0);
    assert_eq!(result.outcome, Outcome::Undetermined);
    assert_eq!(result.missing, vec!["risk.level".to_string()]);
}

#[test]
fn unknown_and_false_is_false() {
    let result = run(&bundle(), json!({"approvals.count": 5}), 0);
    assert_eq!(result.outcome, Outcome::Compliant);
    assert_eq!(result.missing, vec!["risk.level".to_string()]);
}

#[test]
fn trace_reports_actual_values() {
    let result = run(&bundle(), json!({"risk.level": "HIGH", "approvals.count": 0}), 0);
    let trace = result.trace.unwrap();
    assert_eq!(trace.len(), 2);
    assert_eq!(trace[0].control, "risk.level == \"HIGH\"");
    assert_eq!(trace[0].signal.as_deref(), Some("risk.level"));
    assert_eq!(trace[0].actual, json!("HIGH"));
    assert_eq!(trace[0].result, Truth::True);
    assert_eq!(trace[1].actual, json!(0));
    assert_eq!(trace[1].result, Truth::True);
}

#[test]
fn trace_is_absent_unless_requested() {
    let bundle = bundle();
    let frame = bundle.frame_from_json("{}").unwrap();
    let result = bundle.evaluate(&frame, &[PolicyIdx(0)], &EvalOptions::default()).remove(0);
    assert_eq!(result.trace, None);
}

#[test]
fn list_in_set_matches_any_element() {
    let bundle = bundle();
    assert_eq!(run(&bundle, json!({"tags": ["docs", "urgent"]}), 1).outcome, Outcome::Warn);
    assert_eq!(run(&bundle, json!({"tags": ["docs"]}), 1).outcome, Outcome::Compliant);
    assert_eq!(run(&bundle, json!({"tags": []}), 1).outcome, Outcome::Compliant);
    assert_eq!(run(&bundle, json!({"tags": null}), 1).outcome, Outcome::Undetermined);
}

#[test]
fn budget_exhaustion_is_an_error_outcome() {
    let bundle = bundle();
    let frame = bundle.frame_from_json(r#"{"risk.level":"HIGH","approvals.count":0}"#).unwrap();
    let options = EvalOptions { trace: false, budget: 3 };
    let result = bundle.evaluate(&frame, &[PolicyIdx(0)], &options).remove(0);
    assert_eq!(result.outcome, Outcome::Error);
    assert!(result.message().unwrap().contains("budget of 3 exhausted"));
}

#[test]
fn budget_counts_every_plain_instruction() {
    // Policy 0 runs all nine of its instructions on this input, two compare triples among them.
    let bundle = bundle();
    let frame = bundle.frame_from_json(r#"{"risk.level":"HIGH","approvals.count":0}"#).unwrap();
    let outcome = |budget| bundle.evaluate(&frame, &[PolicyIdx(0)], &EvalOptions { trace: false, budget }).remove(0);
    assert_eq!(outcome(9).outcome, Outcome::Block);
    for budget in [0, 1, 2, 5, 8] {
        let result = outcome(budget);
        assert_eq!(result.outcome, Outcome::Error, "budget {budget}");
        assert!(result.message().unwrap().contains(&format!("budget of {budget} exhausted")));
    }
}

#[test]
fn disabled_policy_is_not_evaluated() {
    let mut program = common::tiny_program();
    program.policies[0].enabled = false;
    let bundle = Bundle::from_bytes(&vm::artifact::write_artifact(&program).bytes).unwrap();
    let result = run(&bundle, json!({"risk.level": "HIGH", "approvals.count": 0}), 0);
    assert_eq!(result.outcome, Outcome::Disabled);
    assert_eq!(result.trace, None);
    assert!(!bundle.policies()[0].enabled);
}

#[test]
fn out_of_range_policy_index_is_skipped() {
    let bundle = bundle();
    let frame = bundle.frame_from_json("{}").unwrap();
    assert!(bundle.evaluate(&frame, &[PolicyIdx(9)], &EvalOptions::default()).is_empty());
}

#[test]
fn resolve_ref_matches_ids() {
    let bundle = bundle();
    assert_eq!(bundle.resolve_ref("P-2"), vec![PolicyIdx(1)]);
    assert!(bundle.resolve_ref("P-3").is_empty());
}

#[test]
fn resolve_ref_expands_dsl_groups() {
    let mut program = common::tiny_program();
    program.policies[0].id = "SOC2-CC8.R1".into();
    program.policies[1].id = "SOC2-CC8.R2".into();
    let bundle = Bundle::from_bytes(&vm::artifact::write_artifact(&program).bytes).unwrap();
    assert_eq!(bundle.resolve_ref("SOC2_CC8"), vec![PolicyIdx(0), PolicyIdx(1)]);
}

#[test]
fn policy_info_carries_metadata() {
    let bundle = bundle();
    let info = &bundle.policies()[0];
    assert_eq!(info.effect, "BLOCK");
    assert_eq!(info.requires.approvals, Some(2));
    assert_eq!(info.requires.roles, vec!["ReleaseManager".to_string()]);
    assert_eq!(info.compliance.get("SOC2").map(String::as_str), Some("CC8.1"));
    assert_eq!(info.policy_hash.len(), 64);
}

#[test]
fn bundle_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Bundle>();
    assert_send_sync::<vm::Frame>();
}
