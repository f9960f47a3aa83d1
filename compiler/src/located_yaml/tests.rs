#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::*;

fn text_of(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

fn map_entry<'a>(node: &'a Node, key: &str) -> &'a Entry {
    node.as_map()
        .unwrap()
        .iter()
        .find(|entry| entry.key.value == key)
        .unwrap()
}

#[test]
fn block_mapping_spans() {
    let text = "signals:\n  risk.level:\n    type: enum # kind\n    values: [LOW, HIGH]\n  \"x.y\": {type: int}\n";
    let root = parse(text, SourceId(0)).unwrap();
    let signals = &map_entry(&root, "signals").value;
    let level = map_entry(signals, "risk.level");
    assert_eq!(text_of(text, level.key.span), "risk.level");
    let kind = map_entry(&level.value, "type");
    assert_eq!(text_of(text, kind.value.span), "enum");
    let values = map_entry(&level.value, "values");
    let items = values.value.as_seq().unwrap();
    assert_eq!(text_of(text, items[1].span), "HIGH");
    let flow = map_entry(signals, "x.y");
    assert_eq!(text_of(text, flow.key.span), "\"x.y\"");
    let flow_type = map_entry(&flow.value, "type");
    assert_eq!(text_of(text, flow_type.key.span), "type");
    assert_eq!(text_of(text, flow_type.value.span), "int");
}

#[test]
fn block_sequence_spans() {
    let text = "override_roles:\n- ReleaseManager\n- SecurityOfficer\nlist:\n  - a: 1\n    b: 2\n  - a: 3\n";
    let root = parse(text, SourceId(0)).unwrap();
    let roles = map_entry(&root, "override_roles")
        .value
        .as_seq()
        .unwrap()
        .to_vec();
    assert_eq!(text_of(text, roles[1].span), "SecurityOfficer");
    let list = map_entry(&root, "list").value.as_seq().unwrap().to_vec();
    let b = map_entry(&list[0], "b");
    assert_eq!(text_of(text, b.value.span), "2");
    let second_a = map_entry(&list[1], "a");
    assert_eq!(second_a.key.span.start, text.rfind("a: 3").unwrap());
}

#[test]
fn numeric_key_is_text() {
    let text = "t:\n  31: [SEC-PR-002]\n";
    let root = parse(text, SourceId(0)).unwrap();
    let t = &map_entry(&root, "t").value;
    let entry = map_entry(t, "31");
    assert_eq!(text_of(text, entry.key.span), "31");
    let item = &entry.value.as_seq().unwrap()[0];
    assert_eq!(text_of(text, item.span), "SEC-PR-002");
}

#[test]
fn duplicate_key_has_both_spans() {
    let text = "a:\n  b: 1\n  c: 2\n  b: 3\n";
    let problems = parse(text, SourceId(0)).unwrap_err();
    let [YamlProblem::DuplicateKey { key, span, first }] = problems.as_slice() else {
        panic!("expected one duplicate, got {problems:?}");
    };
    assert_eq!(key, "b");
    assert_eq!(span.start, 19);
    assert_eq!(first.start, 5);
}

#[test]
fn duplicate_in_sibling_items_is_fine() {
    let text = "list:\n  - a: 1\n  - a: 2\n";
    assert!(parse(text, SourceId(0)).is_ok());
}

#[test]
fn syntax_error_points_at_location() {
    let text = "a: [1, 2\nb: 3\n";
    let problems = parse(text, SourceId(0)).unwrap_err();
    let [YamlProblem::Syntax { span, .. }] = problems.as_slice() else {
        panic!("expected a syntax problem, got {problems:?}");
    };
    assert!(span.start <= text.len());
}

#[test]
fn block_scalar_lines_are_not_keys() {
    let text = "a: |\n  x: 1\n  x: 2\nb: 2\n";
    let root = parse(text, SourceId(0)).unwrap();
    let b = map_entry(&root, "b");
    assert_eq!(text_of(text, b.value.span), "2");
}

#[test]
fn empty_text_is_null() {
    assert_eq!(parse("", SourceId(0)).unwrap().value, Value::Null);
    assert_eq!(
        parse("# nothing\n", SourceId(0)).unwrap().value,
        Value::Null
    );
}

#[test]
fn flow_list_on_next_line() {
    let text = "t:\n  \"Ready -> Done\":\n    [A-1, B-2,\n     C-3]\n  other: [D]\n";
    let root = parse(text, SourceId(0)).unwrap();
    let t = &map_entry(&root, "t").value;
    let entry = map_entry(t, "Ready -> Done");
    let items = entry.value.as_seq().unwrap();
    assert_eq!(text_of(text, items[0].span), "A-1");
    assert_eq!(text_of(text, items[2].span), "C-3");
    assert_eq!(text_of(text, map_entry(t, "other").value.span), "[D]");
}
