#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use compiler::frontend::lower_file;
use compiler::span::SourceMap;
use proptest::prelude::*;

/// Text built from policy-like fragments, so that the parsers get past their first token.
fn policy_like() -> impl Strategy<Value = String> {
    let fragment = prop::sample::select(vec![
        "policy", "P_1", "{", "}", "rules", "when", "require", "enforce", "BLOCK", "message", "\"m\"", "\"",
        "control", "signals:", "[", "]", "(", ")", ",", "a.b", "==", "=", "in", "not", "and", "or", "-1.5",
        "exists(", "len(", "\n", " ", "#", "\\u{", "policy_id:", "when:", "controls:", "- ", "  ", ":", "---",
        "enforcement:", "result:", "{\"", "\":", "true", "null", "&a", "*a", "policies:",
    ]);
    prop::collection::vec(fragment, 0..40).prop_map(|parts| parts.concat())
}

fn lower_as(name: &str, text: &str) {
    let mut sources = SourceMap::new();
    let id = sources.add(name, text);
    let (policies, diags) = lower_file(&sources, id);
    for diag in &diags {
        assert!(diag.span.start <= diag.span.end, "{diag:?} in {text:?}");
        assert!(diag.span.end <= text.len(), "{diag:?} in {text:?}");
    }
    for policy in &policies {
        assert!(!policy.id.value.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn grammar_never_panics_on_any_string(text in any::<String>()) {
        let _ = grammar::parse_file(&text);
        let _ = grammar::parse_expression(&text);
    }

    #[test]
    fn grammar_never_panics_on_policy_like_text(text in policy_like()) {
        let _ = grammar::parse_file(&text);
        let _ = grammar::parse_expression(&text);
    }

    #[test]
    fn lower_file_never_panics(text in policy_like(), raw in any::<String>()) {
        for name in ["p.yaml", "p.json", "p.rgl"] {
            lower_as(name, &text);
            lower_as(name, &raw);
        }
    }

    #[test]
    fn lower_file_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let text = String::from_utf8_lossy(&bytes);
        for name in ["p.yaml", "p.json", "p.rgl"] {
            lower_as(name, &text);
        }
    }
}

#[test]
fn deep_nesting_is_rejected_not_overflowed() {
    let deep = format!("{}a{}", "(".repeat(5000), ")".repeat(5000));
    let error = grammar::parse_expression(&deep).unwrap_err();
    assert_eq!(error.kind, grammar::ParseErrorKind::TooDeep);
    let nots = format!("{} a", "not ".repeat(5000));
    assert_eq!(grammar::parse_expression(&nots).unwrap_err().kind, grammar::ParseErrorKind::TooDeep);
    let yaml = format!("{}1{}", "[".repeat(3000), "]".repeat(3000));
    lower_as("deep.yaml", &yaml);
}
