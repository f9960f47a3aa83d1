#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod frontend_support;

use compiler::ast::{Effect, ExprKind, Scope, Syntax};
use compiler::frontend::codes;
use frontend_support::{lower, lower_ok, show};

const SOC2: &str = r#"policy SOC2_CC8 {
    version: "1.1.0"
    name: "SOC 2 CC8 - Change Management"
    description: "Changes are authorized before deployment."
    effective_date: "2026-01-01"
    supersedes: "SOC2_CC8_OLD"

    control change_approval {
        signals: [approvals.count, approvals.has_security]
        evidence: [approvals.count, approvals.roles]
    }

    rules {
        # comment to end of line
        require approvals.count >= 1
        when licenses.banned_detected == true {
            enforce BLOCK
            message "Unauthorized software license detected."
        }
        when risk.level in ["HIGH", "CRITICAL"] and not approvals.has_security {
            enforce WARN
            message "Security approval required for high risk."
        }
    }

    compliance {
        SOC2: "CC8.1"
        ISO27001: "A.8.32"
    }
}
"#;

#[test]
fn dsl_rules_expand_in_order() {
    let lowered = lower_ok("soc2.rgl", SOC2);
    assert_eq!(lowered.ids(), ["SOC2-CC8.R1", "SOC2-CC8.R2", "SOC2-CC8.R3"]);
    for policy in &lowered.policies {
        assert_eq!(policy.group.as_ref().unwrap().value, "SOC2_CC8");
        assert_eq!(policy.syntax, Syntax::Dsl);
        assert_eq!(policy.version.value, "1.1.0");
        assert_eq!(policy.name.value, "SOC 2 CC8 - Change Management");
        assert_eq!(policy.scope, Scope::Transition);
        assert_eq!(policy.effective_date.as_deref(), Some("2026-01-01"));
        assert_eq!(policy.supersedes.as_deref(), Some("SOC2_CC8_OLD"));
        assert_eq!(policy.compliance.get("ISO27001").map(String::as_str), Some("A.8.32"));
    }
    let r2 = lowered.policy("SOC2-CC8.R2");
    assert_eq!(r2.effect.value, Effect::Block);
    assert_eq!(r2.message.value, "Unauthorized software license detected.");
    let r3 = lowered.policy("SOC2-CC8.R3");
    assert_eq!(r3.effect.value, Effect::Warn);
    assert_eq!(
        show(&r3.condition),
        r#"((risk.level in [String("HIGH"), String("CRITICAL")]) and (not approvals.has_security))"#
    );
}

#[test]
fn dsl_require_negates_comparison() {
    let lowered = lower_ok("soc2.rgl", SOC2);
    let r1 = lowered.policy("SOC2-CC8.R1");
    assert_eq!(r1.effect.value, Effect::Block);
    assert_eq!(show(&r1.condition), "(not (approvals.count >= Int(1)))");
    assert_eq!(r1.message.value, "Requirement failed: approvals.count >= 1");
    assert_eq!(lowered.slice(r1.span), "require approvals.count >= 1");
}

#[test]
fn dsl_require_message_renders_canonically() {
    let text = "policy P {\n rules {\n  require risk.level not   in [\"HIGH\",\"CRITICAL\"]\n  require ratio <= 0.50\n  require tag == \"a\\\"b\"\n }\n}\n";
    let lowered = lower_ok("p.rgl", text);
    let messages: Vec<&str> = lowered.policies.iter().map(|policy| policy.message.value.as_str()).collect();
    assert_eq!(
        messages,
        [
            r#"Requirement failed: risk.level not in ["HIGH", "CRITICAL"]"#,
            "Requirement failed: ratio <= 0.5",
            r#"Requirement failed: tag == "a\"b""#,
        ]
    );
}

#[test]
fn dsl_controls_feed_every_rule_and_evidence() {
    let lowered = lower_ok("soc2.rgl", SOC2);
    for policy in &lowered.policies {
        assert_eq!(policy.controls.len(), 1);
        let control = &policy.controls[0];
        assert_eq!(control.name.value, "change_approval");
        let signals: Vec<&str> = control.signals.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(signals, ["approvals.count", "approvals.has_security"]);
        let evidence: Vec<&str> = policy.evidence.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(evidence, ["approvals.count", "approvals.roles"]);
    }
    let control = &lowered.policies[0].controls[0];
    assert_eq!(lowered.slice(control.signals[1].span), "approvals.has_security");
}

#[test]
fn dsl_spans_point_at_source() {
    let lowered = lower_ok("soc2.rgl", SOC2);
    let r3 = lowered.policy("SOC2-CC8.R3");
    assert_eq!(lowered.slice(r3.effect.span), "WARN");
    assert_eq!(lowered.slice(r3.message.span), "\"Security approval required for high risk.\"");
    assert_eq!(lowered.slice(r3.version.span), "\"1.1.0\"");
    assert_eq!(lowered.slice(r3.group.as_ref().unwrap().span), "SOC2_CC8");
    let ExprKind::And(lhs, _) = &r3.condition.kind else { panic!() };
    let ExprKind::Compare { op, rhs, .. } = &lhs.kind else { panic!() };
    assert_eq!(lowered.slice(op.span), "in");
    assert_eq!(lowered.slice(rhs.span), "[\"HIGH\", \"CRITICAL\"]");
}

#[test]
fn dsl_defaults_and_scope_field() {
    let text = "policy FREEZE_WINDOW {\n scope: \"pull_request\"\n rules { when release.freeze_active { enforce BLOCK message \"Frozen\" } }\n}\npolicy Other { rules { when a.b { enforce COMPLIANT message \"ok\" } } }\n";
    let lowered = lower_ok("f.rgl", text);
    let freeze = lowered.policy("FREEZE-WINDOW.R1");
    assert_eq!(freeze.scope, Scope::PullRequest);
    assert_eq!(freeze.version.value, "1.0.0");
    assert_eq!(freeze.name.value, "FREEZE_WINDOW");
    let other = lowered.policy("Other.R1");
    assert_eq!(other.scope, Scope::Transition);
}

#[test]
fn dsl_keyword_paths_and_functions() {
    let text = "policy P { rules { when a.in.not == 1 or (exists(x.when) and len(actor.roles) > 0) { enforce WARN message \"m\" } } }";
    let lowered = lower_ok("p.rgl", text);
    assert_eq!(
        show(&lowered.policies[0].condition),
        "((a.in.not == Int(1)) or (exists(x.when) and (len(actor.roles) > Int(0))))"
    );
}

#[test]
fn dsl_precedence_or_and_not() {
    let text = "policy P { rules { when not a or b and c == -2.5 { enforce WARN message \"m\" } } }";
    let lowered = lower_ok("p.rgl", text);
    assert_eq!(show(&lowered.policies[0].condition), "((not a) or (b and (c == Decimal(-2.5))))");
}

#[test]
fn dsl_unterminated_string() {
    let text = "policy P {\n  name: \"oops\n}\n";
    let lowered = lower("p.rgl", text);
    let diag = lowered.single();
    assert_eq!(diag.code, codes::PARSE_UNTERMINATED_STRING);
    assert_eq!(lowered.slice(diag.span), "\"oops");
}

#[test]
fn dsl_unknown_operators_suggest() {
    for (op, suggestion) in [("=", "=="), ("=>", ">="), ("<>", "!="), ("===", "==")] {
        let text = format!("policy P {{ rules {{ when risk.score {op} 3 {{ enforce BLOCK message \"m\" }} }} }}");
        let lowered = lower("p.rgl", &text);
        let diag = lowered.single();
        assert_eq!(diag.code, codes::PARSE_UNKNOWN_OPERATOR, "{op}");
        assert_eq!(lowered.slice(diag.span), op);
        let help = diag.help.as_deref().unwrap();
        assert!(help.starts_with(&format!("did you mean `{suggestion}`?")), "{op}: {help}");
    }
}

#[test]
fn dsl_keyword_typos_suggest() {
    for (typo, keyword) in [("whne", "when"), ("enforse", "enforce"), ("mesage", "message"), ("BLOK", "BLOCK"), ("versoin", "version")] {
        let text = "policy P {\n version: \"1.0.0\"\n rules {\n  when a == 1 {\n   enforce BLOCK\n   message \"m\"\n  }\n }\n}\n";
        let original = match keyword {
            "versoin" => "version",
            other => other,
        };
        let text = text.replacen(original, typo, 1);
        let lowered = lower("p.rgl", &text);
        let diag = lowered.single();
        assert_eq!(diag.code, codes::PARSE_UNKNOWN_KEYWORD, "{typo}");
        assert_eq!(lowered.slice(diag.span), typo);
        let help = diag.help.as_deref().unwrap();
        let expected = if keyword == "versoin" { "version" } else { keyword };
        assert_eq!(help, format!("did you mean `{expected}`?"), "{typo}");
    }
}

#[test]
fn dsl_unexpected_end_of_input() {
    let text = "policy P {\n rules {\n  when a ==";
    let lowered = lower("p.rgl", text);
    let diag = lowered.single();
    assert_eq!(diag.code, codes::PARSE_UNEXPECTED_EOF);
    assert_eq!(diag.span.start, text.len());
}

#[test]
fn dsl_generic_syntax_error() {
    let lowered = lower("p.rgl", "policy P { rules { when a == 1 { enforce BLOCK message 42 } } }");
    let diag = lowered.single();
    assert_eq!(diag.code, codes::PARSE_SYNTAX);
    assert_eq!(lowered.slice(diag.span), "42");
    assert!(diag.message.contains("a string in double quotes"), "{diag:?}");
}

#[test]
fn dsl_unknown_function_and_bad_number() {
    let lowered = lower("p.rgl", "policy P { rules { when size(a) > 1 { enforce WARN message \"m\" } } }");
    assert_eq!(lowered.single().code, codes::PARSE_UNKNOWN_FUNCTION);
    assert_eq!(lowered.slice(lowered.single().span), "size");
    let lowered = lower("p.rgl", "policy P { rules { require a > 123456789012345678901234 } }");
    assert_eq!(lowered.single().code, codes::PARSE_INVALID_NUMBER);
    assert_eq!(lowered.slice(lowered.single().span), "123456789012345678901234");
}

#[test]
fn dsl_semantic_errors() {
    let lowered = lower("p.rgl", "policy P { version: \"1\" scope: \"transitions\" }");
    let mut codes_found = lowered.codes();
    codes_found.sort_unstable();
    assert_eq!(codes_found, [codes::POLICY_INVALID_VALUE, codes::POLICY_INVALID_VALUE, codes::POLICY_NO_CONDITION]);
    let lowered = lower("p.rgl", "policy P { name: \"a\" name: \"b\" rules { require a == 1 } }");
    assert_eq!(lowered.single().code, codes::POLICY_DUPLICATE_KEY);
    assert_eq!(lower("p.rgl", "# nothing here\n").codes(), [codes::POLICY_EMPTY_FILE]);
}

#[test]
fn dsl_string_escapes() {
    let text = "policy P { rules { when a == \"tab\\tquote\\\"u\\u{e9}\\u00e9\" { enforce WARN message \"line\\nnext\" } } }";
    let lowered = lower_ok("p.rgl", text);
    assert_eq!(show(&lowered.policies[0].condition), "(a == String(\"tab\\tquote\\\"uéé\"))");
    assert_eq!(lowered.policies[0].message.value, "line\nnext");
}

#[test]
fn dsl_deep_nesting_is_reported() {
    let condition = format!("{}a{}", "(".repeat(100), ")".repeat(100));
    let text = format!("policy P {{ rules {{ when {condition} {{ enforce WARN message \"m\" }} }} }}");
    let lowered = lower("deep.rgl", &text);
    assert_eq!(lowered.single().code, codes::PARSE_TOO_DEEP);
}

#[test]
fn every_code_is_listed_once() {
    let mut all = codes::ALL.to_vec();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), codes::ALL.len());
    assert!(all.iter().all(|code| code.starts_with("releasegate::")));
}
