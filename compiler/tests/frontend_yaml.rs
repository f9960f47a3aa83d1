#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod frontend_support;

use compiler::ast::{Effect, ExprKind, Scope, Syntax};
use compiler::frontend::codes;
use frontend_support::{find_compare, lower, lower_ok, show};

const FULL: &str = r#"# High risk needs two approvals
policy_id: SEC-PR-001
version: "1.2.3"
name: "High Risk Requires Extra Approval"
description: Blocks risky changes without approvals.
scope: transition
enabled: false
controls:
  - signal: risk.level
    operator: "in"
    value: [HIGH, CRITICAL]
  - signal: approvals.count
    operator: "<"
    value: 2
when: "not approvals.has_security"
enforcement:
  result: BLOCK
  message: "High risk change requires additional approval"
requires:
  approvals: 2
  roles: [SecurityOfficer]
evidence:
  include: [risk.level, approvals.count]
metadata:
  compliance:
    SOC2: "CC8.1"
    HIPAA: 164.312
  priority: 10
  owner: { team: security }
"#;

#[test]
fn yaml_policy_lowers_every_field() {
    let lowered = lower_ok("policies/sec.yaml", FULL);
    let policy = lowered.policy("SEC-PR-001");
    assert_eq!(policy.syntax, Syntax::Yaml);
    assert_eq!(policy.version.value, "1.2.3");
    assert_eq!(policy.name.value, "High Risk Requires Extra Approval");
    assert_eq!(policy.description.as_deref(), Some("Blocks risky changes without approvals."));
    assert_eq!(policy.scope, Scope::Transition);
    assert!(!policy.enabled);
    assert_eq!(policy.effect.value, Effect::Block);
    assert_eq!(policy.message.value, "High risk change requires additional approval");
    let requires = policy.requires.as_ref().unwrap();
    assert_eq!(requires.approvals.as_ref().unwrap().value, 2);
    assert_eq!(requires.roles[0].value, "SecurityOfficer");
    let evidence: Vec<&str> = policy.evidence.iter().map(|item| item.value.as_str()).collect();
    assert_eq!(evidence, ["risk.level", "approvals.count"]);
    assert_eq!(policy.compliance.get("SOC2").map(String::as_str), Some("CC8.1"));
    assert_eq!(policy.compliance.get("HIPAA").map(String::as_str), Some("164.312"));
    assert_eq!(policy.metadata.get("priority"), Some(&serde_json::json!(10)));
    assert_eq!(policy.metadata.get("owner"), Some(&serde_json::json!({"team": "security"})));
    assert!(!policy.metadata.contains_key("compliance"));
    assert!(policy.group.is_none());
}

#[test]
fn yaml_controls_and_when_join_with_and() {
    let lowered = lower_ok("p.yaml", FULL);
    let condition = &lowered.policy("SEC-PR-001").condition;
    assert_eq!(
        show(condition),
        r#"(((risk.level in [String("HIGH"), String("CRITICAL")]) and (approvals.count < Int(2))) and (not approvals.has_security))"#
    );
}

#[test]
fn yaml_defaults_apply() {
    let text = "policy_id: P1\nname: n\ncontrols:\n  - {signal: secrets.detected, operator: '==', value: true}\nenforcement: {result: WARN, message: m}\n";
    let lowered = lower_ok("p.yml", text);
    let policy = lowered.policy("P1");
    assert_eq!(policy.version.value, "1.0.0");
    assert_eq!(policy.scope, Scope::PullRequest);
    assert!(policy.enabled);
    assert!(policy.requires.is_none());
    assert!(policy.evidence.is_empty());
    assert_eq!(show(&policy.condition), "(secrets.detected == Bool(true))");
}

#[test]
fn yaml_spans_point_at_keys_and_values() {
    let lowered = lower_ok("p.yaml", FULL);
    let policy = lowered.policy("SEC-PR-001");
    assert_eq!(lowered.slice(policy.id.span), "SEC-PR-001");
    assert_eq!(lowered.slice(policy.version.span), "\"1.2.3\"");
    assert_eq!(lowered.slice(policy.effect.span), "BLOCK");
    assert_eq!(lowered.slice(policy.evidence[1].span), "approvals.count");
    let count = find_compare(&policy.condition, "approvals.count").unwrap();
    let ExprKind::Compare { op, lhs, rhs } = &count.kind else { panic!("not a comparison") };
    assert_eq!(lowered.slice(lhs.span), "approvals.count");
    assert_eq!(lowered.slice(op.span), "\"<\"");
    assert_eq!(lowered.slice(rhs.span), "2");
    assert!(lowered.slice(policy.span).starts_with("policy_id: SEC-PR-001"));
}

#[test]
fn yaml_when_spans_map_into_file() {
    let text = "policy_id: P\nname: n\nwhen: risk.score >= 80 and exists(risk.level)\nenforcement: {result: BLOCK, message: m}\n---\npolicy_id: Q\nname: n\nwhen: \"len(actor.roles) == 0\"\nenforcement: {result: BLOCK, message: m}\n";
    let lowered = lower_ok("p.yaml", text);
    let p = lowered.policy("P");
    let score = find_compare(&p.condition, "risk.score").unwrap();
    let ExprKind::Compare { op, lhs, .. } = &score.kind else { panic!() };
    assert_eq!(lowered.slice(lhs.span), "risk.score");
    assert_eq!(lowered.slice(op.span), ">=");
    assert_eq!(lowered.slice(p.condition.span), "risk.score >= 80 and exists(risk.level)");
    let q = lowered.policy("Q");
    let ExprKind::Compare { lhs, .. } = &q.condition.kind else { panic!() };
    assert_eq!(lowered.slice(lhs.span), "len(actor.roles)");
}

#[test]
fn yaml_policies_list_and_documents() {
    let text = "policies:\n  - policy_id: A\n    name: a\n    when: \"true\"\n    enforcement: {result: COMPLIANT, message: ok}\n  - policy_id: B\n    name: b\n    when: \"false\"\n    enforcement: {result: WARN, message: w}\n";
    let lowered = lower_ok("list.yaml", text);
    assert_eq!(lowered.ids(), ["A", "B"]);
    let docs = "policy_id: C\nname: c\nwhen: \"true\"\nenforcement: {result: BLOCK, message: b}\n---\npolicy_id: D\nname: d\nwhen: \"true\"\nenforcement: {result: BLOCK, message: b}\n";
    assert_eq!(lower_ok("docs.yaml", docs).ids(), ["C", "D"]);
}

#[test]
fn yaml_unknown_keys_at_every_level() {
    let text = "policy_id: P\nname: n\nseverity: high\nwhen: \"true\"\nenforcement: {result: BLOCK, mesage: m}\nrequires: {approval: 2}\ncontrols:\n  - {signal: a.b, operator: '==', value: 1, extra: x}\n";
    let lowered = lower("p.yaml", text);
    let mut unknown: Vec<_> = lowered.diags.iter().filter(|diag| diag.code == codes::POLICY_UNKNOWN_KEY).collect();
    unknown.sort_by_key(|diag| diag.span.start);
    let keys: Vec<&str> = unknown.iter().map(|diag| lowered.slice(diag.span)).collect();
    assert_eq!(keys, ["severity", "mesage", "approval", "extra"]);
    let mesage = lowered.diags.iter().find(|diag| lowered.slice(diag.span) == "mesage").unwrap();
    assert!(mesage.help.as_deref().unwrap().contains("did you mean `message`?"), "{mesage:?}");
    assert!(lowered.policies.is_empty());
}

#[test]
fn yaml_duplicate_key_points_at_both() {
    let text = "policy_id: P\nname: n\nname: m\nwhen: \"true\"\nenforcement: {result: BLOCK, message: m}\n";
    let lowered = lower("p.yaml", text);
    let diag = lowered.single();
    assert_eq!(diag.code, codes::POLICY_DUPLICATE_KEY);
    assert_eq!(diag.span.start, text.find("name: m").unwrap());
    assert_eq!(diag.related[0].0.start, text.find("name: n").unwrap());
}

#[test]
fn yaml_missing_keys_are_reported() {
    let text = "policy_id: P\nwhen: \"true\"\nenforcement: {result: BLOCK}\n";
    let lowered = lower("p.yaml", text);
    let messages: Vec<&str> = lowered.diags.iter().map(|diag| diag.message.as_str()).collect();
    assert!(lowered.codes().iter().all(|code| *code == codes::POLICY_MISSING_KEY), "{:?}", lowered.diags);
    assert!(messages.contains(&"missing key `name` in policy"), "{messages:?}");
    assert!(messages.contains(&"missing key `message` in enforcement"), "{messages:?}");
}

#[test]
fn yaml_wrong_types_are_reported() {
    let text = "policy_id: P\nname: n\nenabled: \"yes\"\ncontrols: 5\nenforcement: {result: BLOCK, message: m}\nrequires: {approvals: two}\nversion: 1.0\n";
    let lowered = lower("p.yaml", text);
    let wrong: Vec<&str> = lowered
        .diags
        .iter()
        .filter(|diag| diag.code == codes::POLICY_WRONG_TYPE)
        .map(|diag| lowered.slice(diag.span))
        .collect();
    assert_eq!(wrong, ["1.0", "\"yes\"", "5", "two"]);
}

#[test]
fn yaml_invalid_enum_values_suggest() {
    let text = "policy_id: P\nname: n\nscope: pullrequest\nwhen: \"true\"\nenforcement: {result: BLOK, message: m}\n";
    let lowered = lower("p.yaml", text);
    assert_eq!(lowered.codes(), [codes::POLICY_INVALID_VALUE, codes::POLICY_INVALID_VALUE]);
    let helps: Vec<&str> = lowered.diags.iter().map(|diag| diag.help.as_deref().unwrap()).collect();
    assert!(helps[0].starts_with("did you mean `pull_request`?"), "{helps:?}");
    assert!(helps[1].starts_with("did you mean `BLOCK`?"), "{helps:?}");
    assert_eq!(lowered.slice(lowered.diags[1].span), "BLOK");
}

#[test]
fn yaml_bad_operator_suggests() {
    let text = "policy_id: P\nname: n\ncontrols:\n  - {signal: risk.level, operator: \"=\", value: HIGH}\n  - {signal: risk.score, operator: \"=>\", value: 80}\nenforcement: {result: BLOCK, message: m}\n";
    let lowered = lower("p.yaml", text);
    assert_eq!(lowered.codes(), [codes::POLICY_INVALID_VALUE, codes::POLICY_INVALID_VALUE]);
    assert!(lowered.diags[0].help.as_deref().unwrap().starts_with("did you mean `==`?"));
    assert!(lowered.diags[1].help.as_deref().unwrap().starts_with("did you mean `>=`?"));
    assert_eq!(lowered.slice(lowered.diags[0].span), "\"=\"");
}

#[test]
fn yaml_invalid_version_and_signal() {
    let text = "policy_id: P\nname: n\nversion: \"1.0\"\ncontrols:\n  - {signal: \"risk level\", operator: \"==\", value: HIGH}\nenforcement: {result: BLOCK, message: m}\n";
    let lowered = lower("p.yaml", text);
    assert_eq!(lowered.codes(), [codes::POLICY_INVALID_VALUE, codes::POLICY_INVALID_VALUE]);
    assert_eq!(lowered.slice(lowered.diags[0].span), "\"1.0\"");
    assert_eq!(lowered.slice(lowered.diags[1].span), "\"risk level\"");
}

#[test]
fn yaml_policy_without_condition_is_error() {
    let text = "policy_id: P\nname: n\nenforcement: {result: BLOCK, message: m}\n";
    let lowered = lower("p.yaml", text);
    let diag = lowered.single();
    assert_eq!(diag.code, codes::POLICY_NO_CONDITION);
    assert!(diag.help.as_deref().unwrap().contains("when: \"true\""));
    let empty_controls = "policy_id: P\nname: n\ncontrols: []\nenforcement: {result: BLOCK, message: m}\n";
    assert_eq!(lower("p.yaml", empty_controls).codes(), [codes::POLICY_NO_CONDITION]);
}

#[test]
fn yaml_empty_file_is_error() {
    for text in ["", "# only a comment\n", "---\n"] {
        let lowered = lower("empty.yaml", text);
        assert_eq!(lowered.codes(), [codes::POLICY_EMPTY_FILE], "{text:?}");
    }
}

#[test]
fn yaml_syntax_error_has_position() {
    let text = "policy_id: P\nname: [unclosed\nwhen: \"true\"\n";
    let lowered = lower("bad.yaml", text);
    let diag = lowered.single();
    assert_eq!(diag.code, codes::YAML_SYNTAX);
    assert!(diag.span.start > text.find("name").unwrap(), "{diag:?}");
}

#[test]
fn yaml_when_errors_point_into_file() {
    let text = "policy_id: P\nname: n\nwhen: risk.score => 80\nenforcement: {result: BLOCK, message: m}\n";
    let lowered = lower("p.yaml", text);
    let diag = lowered.single();
    assert_eq!(diag.code, codes::PARSE_UNKNOWN_OPERATOR);
    assert_eq!(lowered.slice(diag.span), "=>");
    assert!(diag.help.as_deref().unwrap().starts_with("did you mean `>=`?"));

    let quoted = "policy_id: P\nname: n\nwhen: \"risk.level = 'HIGH'\"\nenforcement: {result: BLOCK, message: m}\n";
    let lowered = lower("p.yaml", quoted);
    assert_eq!(lowered.slice(lowered.single().span), "=");
}

#[test]
fn yaml_when_with_escapes_points_at_scalar() {
    let text = "policy_id: P\nname: n\nwhen: \"risk.level == \\\"HIGH\\\" =\"\nenforcement: {result: BLOCK, message: m}\n";
    let lowered = lower("p.yaml", text);
    let diag = lowered.single();
    assert_eq!(diag.code, codes::PARSE_UNKNOWN_OPERATOR);
    assert!(lowered.slice(diag.span).starts_with("\"risk.level"), "{diag:?}");
    assert!(diag.help.as_deref().unwrap().contains("NOTE:"));
}

#[test]
fn yaml_unknown_function_suggests() {
    let text = "policy_id: P\nname: n\nwhen: \"exist(risk.level)\"\nenforcement: {result: BLOCK, message: m}\n";
    let lowered = lower("p.yaml", text);
    let diag = lowered.single();
    assert_eq!(diag.code, codes::PARSE_UNKNOWN_FUNCTION);
    assert_eq!(lowered.slice(diag.span), "exist");
    assert!(diag.help.as_deref().unwrap().starts_with("did you mean `exists`?"));
}

#[test]
fn yaml_out_of_range_number_is_invalid() {
    let text = "policy_id: P\nname: n\nwhen: \"risk.score > 99999999999999999999\"\nenforcement: {result: BLOCK, message: m}\n";
    let lowered = lower("p.yaml", text);
    assert_eq!(lowered.single().code, codes::PARSE_INVALID_NUMBER);
    assert_eq!(lowered.slice(lowered.single().span), "99999999999999999999");
}

#[test]
fn yaml_crlf_line_endings() {
    let text = "policy_id: P\r\nname: n\r\nwhen: risk.score > 3\r\nenforcement: {result: BLOCK, message: m}\r\n";
    let lowered = lower_ok("crlf.yaml", text);
    let policy = lowered.policy("P");
    assert_eq!(lowered.slice(policy.condition.span), "risk.score > 3");
    assert_eq!(lowered.slice(policy.name.span), "n");
}

#[test]
fn yaml_non_ascii_spans_are_bytes() {
    let text = "# Überprüfung\npolicy_id: P\nname: \"Prüfung\"\nwhen: project.key == \"ÄÖ\" or risk.score => 1\nenforcement: {result: BLOCK, message: m}\n";
    let lowered = lower("u.yaml", text);
    let diag = lowered.single();
    assert_eq!(lowered.slice(diag.span), "=>");

    let single_quoted = text.replace("\"ÄÖ\"", "'ÄÖ'");
    let lowered = lower("u.yaml", &single_quoted);
    let diag = lowered.single();
    assert_eq!(lowered.slice(diag.span), "'");
    assert_eq!(diag.message, "strings use double quotes, found `'`");
}
