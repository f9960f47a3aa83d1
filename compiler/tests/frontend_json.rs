#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod frontend_support;

use compiler::ast::{Effect, ExprKind, Syntax};
use compiler::frontend::codes;
use frontend_support::{find_compare, lower, lower_ok, show};

const POLICY: &str = r#"{
  "policy_id": "SEC-SECRETS-001",
  "version": "2.0.0",
  "name": "Secrets Must Not Ship",
  "scope": "transition",
  "controls": [
    {"signal": "secrets.detected", "operator": "==", "value": true},
    {"signal": "secrets.count", "operator": ">", "value": 0}
  ],
  "when": "environment in [\"PRODUCTION\", \"STAGING\"]",
  "enforcement": {"result": "BLOCK", "message": "Secrets detected in the change"},
  "requires": {"approvals": 1, "roles": ["SecurityOfficer"]},
  "evidence": {"include": ["secrets.count"]},
  "metadata": {"compliance": {"SOC2": "CC6.1"}, "ratio": 0.5, "tags": ["a", null]}
}
"#;

#[test]
fn json_policy_lowers() {
    let lowered = lower_ok("secrets.json", POLICY);
    let policy = lowered.policy("SEC-SECRETS-001");
    assert_eq!(policy.syntax, Syntax::Json);
    assert_eq!(policy.version.value, "2.0.0");
    assert_eq!(policy.effect.value, Effect::Block);
    assert_eq!(policy.compliance.get("SOC2").map(String::as_str), Some("CC6.1"));
    assert_eq!(policy.metadata.get("ratio"), Some(&serde_json::json!(0.5)));
    assert_eq!(policy.metadata.get("tags"), Some(&serde_json::json!(["a", null])));
    assert_eq!(
        show(&policy.condition),
        r#"(((secrets.detected == Bool(true)) and (secrets.count > Int(0))) and (environment in [String("PRODUCTION"), String("STAGING")]))"#
    );
}

#[test]
fn json_spans_point_at_values() {
    let lowered = lower_ok("secrets.json", POLICY);
    let policy = lowered.policy("SEC-SECRETS-001");
    assert_eq!(lowered.slice(policy.id.span), "\"SEC-SECRETS-001\"");
    assert_eq!(lowered.slice(policy.message.span), "\"Secrets detected in the change\"");
    let count = find_compare(&policy.condition, "secrets.count").unwrap();
    let ExprKind::Compare { rhs, .. } = &count.kind else { panic!() };
    assert_eq!(lowered.slice(rhs.span), "0");
}

#[test]
fn json_when_with_escaped_quotes_points_at_scalar() {
    let text = POLICY.replace("environment in", "environment inn");
    let lowered = lower("secrets.json", &text);
    let diag = lowered.single();
    assert_eq!(diag.code, codes::PARSE_UNKNOWN_KEYWORD);
    assert!(lowered.slice(diag.span).starts_with("\"environment inn"), "{diag:?}");
    assert!(diag.help.as_deref().unwrap().contains("did you mean `in`?"), "{diag:?}");
}

#[test]
fn json_when_without_escapes_maps_exactly() {
    let text = POLICY.replace(r#""environment in [\"PRODUCTION\", \"STAGING\"]""#, r#""risk.score => 3""#);
    let lowered = lower("secrets.json", &text);
    let diag = lowered.single();
    assert_eq!(diag.code, codes::PARSE_UNKNOWN_OPERATOR);
    assert_eq!(lowered.slice(diag.span), "=>");
}

#[test]
fn json_duplicate_keys_detected() {
    let text = r#"{"policy_id": "A", "name": "a", "name": "b", "when": "true",
 "enforcement": {"result": "BLOCK", "message": "m", "message": "n"}}"#;
    let lowered = lower("dup.json", text);
    assert_eq!(lowered.codes(), [codes::POLICY_DUPLICATE_KEY, codes::POLICY_DUPLICATE_KEY]);
    assert_eq!(lowered.slice(lowered.diags[0].span), "\"name\"");
    assert_eq!(lowered.slice(lowered.diags[0].related[0].0), "\"name\"");
    assert!(lowered.diags[0].related[0].0.start < lowered.diags[0].span.start);
}

#[test]
fn json_syntax_error_has_offset() {
    let text = "{\n  \"policy_id\": \"A\",\n  \"name\": \"a\" \"when\": \"true\"\n}";
    let lowered = lower("bad.json", text);
    let diag = lowered.single();
    assert_eq!(diag.code, codes::JSON_SYNTAX);
    assert_eq!(diag.span.start, text.find("\"when\"").unwrap());
}

#[test]
fn json_trailing_comma_is_syntax_error() {
    let lowered = lower("bad.json", "{\"policy_id\": \"A\",}");
    assert_eq!(lowered.single().code, codes::JSON_SYNTAX);
}

#[test]
fn json_empty_file_is_error() {
    assert_eq!(lower("e.json", "  \n").codes(), [codes::POLICY_EMPTY_FILE]);
}

#[test]
fn json_policies_list() {
    let text = r#"{"policies": [
  {"policy_id": "A", "name": "a", "when": "true", "enforcement": {"result": "WARN", "message": "w"}},
  {"policy_id": "B", "name": "b", "when": "false", "enforcement": {"result": "COMPLIANT", "message": "c"}}
]}"#;
    assert_eq!(lower_ok("list.json", text).ids(), ["A", "B"]);
}

#[test]
fn json_wrong_types() {
    let text = r#"{"policy_id": 7, "name": "a", "enabled": "yes", "controls": 5, "enforcement": {"result": "BLOCK", "message": "m"}}"#;
    let lowered = lower("types.json", text);
    assert_eq!(lowered.codes().len(), 3, "{:#?}", lowered.diags);
    assert!(lowered.codes().iter().all(|code| *code == codes::POLICY_WRONG_TYPE));
}

#[test]
fn json_tabs_and_unicode_escapes() {
    let text = "{\n\t\"policy_id\": \"T\",\n\t\"name\": \"caf\\u00e9\",\n\t\"when\": \"risk.score >= 1e0 or true\",\n\t\"enforcement\": {\"result\": \"WARN\", \"message\": \"m\"}\n}\n";
    let lowered = lower("tabs.json", text);
    // `1e0` is not DSL syntax, so the when string fails to parse at the exact byte.
    let diag = lowered.single();
    assert_eq!(diag.code, codes::PARSE_SYNTAX);
    assert_eq!(lowered.slice(diag.span), "1e0");
    let fixed = text.replace("1e0", "1");
    let lowered = lower_ok("tabs.json", &fixed);
    assert_eq!(lowered.policy("T").name.value, "café");
}
