#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use grammar::{parse_expression, parse_file, ExprKind, OpKind, ParseErrorKind, PolicyItem, Rule};
use proptest::prelude::*;

fn slice(text: &str, span: grammar::Span) -> &str {
    &text[span.start..span.end]
}

#[test]
fn file_parses_all_blocks() {
    let text = r#"# header comment
policy SOC2_CC8 {
    version: "1.0.0"
    name: "SOC 2"
    description: "d"
    effective_date: "2026-01-01"
    supersedes: "OLD"
    scope: "transition"
    control c1 { signals: [a.b, c] evidence: [a.b,] }
    rules {
        require approvals.count >= 1
        when x == true { enforce WARN message "w" }
    }
    compliance { SOC2: "CC8.1", HIPAA: "164.312" }
}
policy Second { rules { when y { enforce COMPLIANT message "ok" } } }
"#;
    let file = parse_file(text).unwrap();
    assert_eq!(file.policies.len(), 2);
    let policy = &file.policies[0];
    assert_eq!(policy.name.text, "SOC2_CC8");
    assert_eq!(slice(text, policy.name.span), "SOC2_CC8");
    let metas: Vec<&str> = policy
        .items
        .iter()
        .filter_map(|item| match item {
            PolicyItem::Meta(meta) => Some(meta.key.text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(metas, ["version", "name", "description", "effective_date", "supersedes", "scope"]);
    let PolicyItem::Control(control) = &policy.items[6] else { panic!() };
    assert_eq!(control.fields[0].paths.len(), 2);
    assert_eq!(slice(text, control.fields[1].paths[0].span), "a.b");
    let PolicyItem::Rules(rules) = &policy.items[7] else { panic!() };
    let Rule::Require(require) = &rules.rules[0] else { panic!() };
    assert_eq!(require.path.text, "approvals.count");
    assert_eq!(require.op.kind, OpKind::Ge);
    assert_eq!(slice(text, require.span), "require approvals.count >= 1");
    let Rule::When(when) = &rules.rules[1] else { panic!() };
    assert_eq!(when.effect.text, "WARN");
    assert_eq!(when.message.value, "w");
    let PolicyItem::Compliance(compliance) = &policy.items[8] else { panic!() };
    assert_eq!(compliance.entries[1].value.value, "164.312");
}

#[test]
fn expression_spans_are_byte_offsets() {
    let text = "é.x == \"ü\" or b";
    // A non-ASCII identifier is not allowed; the error span must still be a byte range.
    let error = parse_expression(text).unwrap_err();
    assert_eq!(error.span.start, 0);
    let text = "name == \"ü\" or b";
    let expr = parse_expression(text).unwrap();
    let ExprKind::Or(lhs, rhs) = &expr.kind else { panic!() };
    assert_eq!(slice(text, lhs.span), "name == \"ü\"");
    assert_eq!(slice(text, rhs.span), "b");
}

#[test]
fn keywords_allowed_after_dot() {
    let expr = parse_expression("a.in.not.and contains \"x\"").unwrap();
    let ExprKind::Compare { op, lhs, .. } = &expr.kind else { panic!() };
    assert_eq!(op.kind, OpKind::Contains);
    assert_eq!(lhs.kind, ExprKind::Path("a.in.not.and".to_owned()));
}

#[test]
fn precedence_binds_not_tighter_than_and() {
    let expr = parse_expression("not a and b or c").unwrap();
    let ExprKind::Or(lhs, _) = &expr.kind else { panic!("or is outermost") };
    let ExprKind::And(not_a, _) = &lhs.kind else { panic!("and binds tighter than or") };
    assert!(matches!(not_a.kind, ExprKind::Not(_)));
}

#[test]
fn not_in_and_negative_numbers() {
    let expr = parse_expression("x not  in [-1, 2.50, true]").unwrap();
    let ExprKind::Compare { op, rhs, .. } = &expr.kind else { panic!() };
    assert_eq!(op.kind, OpKind::NotIn);
    let ExprKind::List(items) = &rhs.kind else { panic!() };
    assert_eq!(items[0].kind, ExprKind::Number("-1".to_owned()));
    assert_eq!(items[1].kind, ExprKind::Number("2.50".to_owned()));
    assert_eq!(items[2].kind, ExprKind::Bool(true));
}

#[test]
fn any_function_name_parses() {
    let expr = parse_expression("whatever(a.b, 1)").unwrap();
    let ExprKind::Call { name, args } = &expr.kind else { panic!() };
    assert_eq!(name.text, "whatever");
    assert_eq!(args.len(), 2);
}

#[test]
fn string_escapes_resolve() {
    let expr = parse_expression(r#"a == "q\"b\\n\n\t\u{1F600}\u00E9""#).unwrap();
    let ExprKind::Compare { rhs, .. } = &expr.kind else { panic!() };
    assert_eq!(rhs.kind, ExprKind::String("q\"b\\n\n\t😀é".to_owned()));
}

#[test]
fn error_kinds_are_classified() {
    let cases = [
        ("a = 1", ParseErrorKind::UnknownOperator, "="),
        ("a <> 1", ParseErrorKind::UnknownOperator, "<>"),
        ("a === 1", ParseErrorKind::UnknownOperator, "==="),
        ("a => 1", ParseErrorKind::UnknownOperator, "=>"),
        ("a && b", ParseErrorKind::UnknownOperator, "&&"),
        ("a equals 1", ParseErrorKind::UnknownOperator, "equals"),
        ("a == \"open", ParseErrorKind::UnterminatedString, "\"open"),
        ("a == \"\\q\"", ParseErrorKind::InvalidEscape, "\\q"),
        ("a == \"\\u{D800}\"", ParseErrorKind::InvalidEscape, "\\u{D800}"),
        ("a inn [1]", ParseErrorKind::UnknownKeyword, "inn"),
        ("a ==", ParseErrorKind::UnexpectedEof, ""),
        ("a == 1 )", ParseErrorKind::Syntax, ")"),
    ];
    for (text, kind, found) in cases {
        let error = parse_expression(text).unwrap_err();
        assert_eq!(error.kind, kind, "{text}: {error:?}");
        assert_eq!(slice(text, error.span), found, "{text}");
    }
}

#[test]
fn operator_errors_carry_suggestion() {
    let error = parse_expression("a <> 1").unwrap_err();
    assert_eq!(error.suggestion.as_deref(), Some("!="));
    assert!(error.expected.contains("an operator such as `==` or `in`") || error.expected.contains("a value"), "{error:?}");
}

#[test]
fn keyword_errors_list_candidates() {
    let error = parse_file("policy P { rules { whne a { enforce BLOCK message \"m\" } } }").unwrap_err();
    assert_eq!(error.kind, ParseErrorKind::UnknownKeyword);
    assert_eq!(error.word.as_deref(), Some("whne"));
    assert!(error.keywords.contains(&"when"));
    assert_eq!(error.suggestion.as_deref(), Some("when"));
    assert_eq!(error.expected, "`require`, `when` or `}`");
    assert_eq!(error.message(), "unknown keyword `whne`");
}

#[test]
fn expected_words_are_human() {
    let error = parse_expression("risk.level \"HIGH\"").unwrap_err();
    assert_eq!(error.kind, ParseErrorKind::Syntax);
    assert!(error.expected.starts_with("an operator such as `==` or `in`"), "{}", error.expected);
    assert_eq!(error.found, "a string");
}

#[test]
fn empty_file_parses_to_no_policies() {
    assert!(parse_file("  # nothing\n").unwrap().policies.is_empty());
    assert_eq!(parse_expression("   ").unwrap_err().kind, ParseErrorKind::UnexpectedEof);
}

proptest! {
    #[test]
    fn parse_never_panics(text in "\\PC{0,80}") {
        let _ = parse_file(&text);
        let _ = parse_expression(&text);
    }

    #[test]
    fn error_spans_stay_in_bounds(text in "[a-z .=<>!\"\\\\(){}\\[\\]0-9,#\n-]{0,60}") {
        if let Err(error) = parse_expression(&text) {
            prop_assert!(error.span.start <= error.span.end && error.span.end <= text.len());
            prop_assert!(text.is_char_boundary(error.span.start) && text.is_char_boundary(error.span.end));
        }
        if let Err(error) = parse_file(&text) {
            prop_assert!(error.span.start <= error.span.end && error.span.end <= text.len());
        }
    }
}
