#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::*;

fn parse(text: &str) -> Result<Schema, Vec<Diagnostic>> {
    let mut sources = SourceMap::new();
    let id = sources.add("signals.yaml", text);
    Schema::parse(&sources, id)
}

fn codes(text: &str) -> Vec<&'static str> {
    parse(text).unwrap_err().iter().map(|d| d.code).collect()
}

#[test]
fn loads_every_type() {
    let text = "signals:\n  a.b: {type: bool, required: true}\n  c: {type: int}\n  d: {type: number}\n  e: {type: string, description: x}\n  f:\n    type: enum\n    values: [LOW, HIGH]\n  g: {type: list<string>}\n  h: {type: \"list<int>\"}\n";
    let schema = parse(text).unwrap();
    let types: Vec<&str> = schema
        .signals()
        .iter()
        .map(|s| type_name(&s.decl.ty))
        .collect();
    assert_eq!(types, TYPE_NAMES.to_vec());
    assert!(schema.lookup("a.b").unwrap().decl.required);
    assert!(!schema.lookup("c").unwrap().decl.required);
    assert_eq!(
        schema.lookup("f").unwrap().decl.ty,
        SignalType::Enum(vec!["LOW".into(), "HIGH".into()])
    );
    assert_eq!(
        schema.lookup("e").unwrap().description.as_deref(),
        Some("x")
    );
    assert_eq!(
        &text[schema.lookup("f").unwrap().span.start..schema.lookup("f").unwrap().span.end],
        "f"
    );
}

#[test]
fn integer_suggests_int() {
    let errors = parse("signals:\n  approvals.count:\n    type: integer\n").unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, UNKNOWN_TYPE);
    assert!(errors[0]
        .help
        .as_deref()
        .unwrap()
        .starts_with("did you mean `int`?"));
    assert_eq!(errors[0].span.start, 38);
}

#[test]
fn enum_problems() {
    assert_eq!(
        codes("signals:\n  r:\n    type: enum\n"),
        vec![ENUM_WITHOUT_VALUES]
    );
    assert_eq!(
        codes("signals:\n  r:\n    type: enum\n    values: []\n"),
        vec![ENUM_WITHOUT_VALUES]
    );
    assert_eq!(
        codes("signals:\n  r:\n    type: enum\n    values: [A, B, A]\n"),
        vec![DUPLICATE_ENUM_VALUE]
    );
    assert_eq!(
        codes("signals:\n  r:\n    type: int\n    values: [A]\n"),
        vec![VALUES_WITHOUT_ENUM]
    );
}

#[test]
fn shape_problems() {
    assert_eq!(
        codes("signals:\n  r:\n    type: int\n    requried: true\n"),
        vec![CODES.unknown_key]
    );
    assert_eq!(
        codes("signals:\n  r:\n    required: true\n"),
        vec![CODES.missing_key]
    );
    assert_eq!(
        codes("signals:\n  r:\n    type: int\n    required: yes please\n"),
        vec![CODES.wrong_type]
    );
    assert_eq!(
        codes("signals:\n  r: {type: int}\n  r: {type: bool}\n"),
        vec![CODES.duplicate_key]
    );
    assert_eq!(
        codes("signals:\n  1r: {type: int}\n"),
        vec![INVALID_SIGNAL_NAME]
    );
    assert_eq!(codes(""), vec![CODES.missing_key]);
    assert_eq!(
        codes("signal:\n  r: {type: int}\n"),
        vec![CODES.unknown_key, CODES.missing_key]
    );
    assert_eq!(codes("signals: [a, b]\n"), vec![CODES.wrong_type]);
    assert_eq!(codes("signals:\n  r: {type: int\n"), vec![CODES.syntax]);
}

#[test]
fn reports_all_signals() {
    let errors = parse("signals:\n  a: {type: integer}\n  b: {type: boolean}\n  c: {type: enum}\n")
        .unwrap_err();
    assert_eq!(errors.len(), 3);
}

#[test]
fn signal_names() {
    assert!(is_signal_name("risk.level"));
    assert!(is_signal_name("_x.y_2"));
    assert!(!is_signal_name("risk..level"));
    assert!(!is_signal_name("risk.2x"));
    assert!(!is_signal_name(""));
    assert!(!is_signal_name("a-b"));
}
