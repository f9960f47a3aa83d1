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

fn value_of(text: &str) -> Value {
    let root = parse(text, SourceId(0)).unwrap();
    map_entry(&root, "k").value.value.clone()
}

fn same_value(got: &Value, expected: &Value) -> bool {
    match (got, expected) {
        (Value::Float(a), Value::Float(b)) if a.is_nan() && b.is_nan() => true,
        _ => got == expected,
    }
}

fn string(text: &str) -> Value {
    Value::String(text.to_string())
}

/// Each case was checked against serde_yaml 0.9.34 reading `k: CASE` into a `serde_yaml::Value`.
#[test]
fn scalar_typing_matches_serde_yaml() {
    let cases: Vec<(&str, Value)> = vec![
        ("", Value::Null),
        ("~", Value::Null),
        ("null", Value::Null),
        ("Null", Value::Null),
        ("NULL", Value::Null),
        ("nUll", string("nUll")),
        ("true", Value::Bool(true)),
        ("True", Value::Bool(true)),
        ("TRUE", Value::Bool(true)),
        ("false", Value::Bool(false)),
        ("False", Value::Bool(false)),
        ("tRue", string("tRue")),
        ("yes", string("yes")),
        ("no", string("no")),
        ("on", string("on")),
        ("off", string("off")),
        ("y", string("y")),
        ("0", Value::Int(0)),
        ("-0", Value::Int(0)),
        ("+0", Value::Int(0)),
        ("+5", Value::Int(5)),
        ("-5", Value::Int(-5)),
        ("++5", string("++5")),
        ("+-5", string("+-5")),
        ("00", string("00")),
        ("017", string("017")),
        ("-0123", string("-0123")),
        ("0x1F", Value::Int(31)),
        ("0x1f", Value::Int(31)),
        ("+0x1F", Value::Int(31)),
        ("-0x1F", Value::Int(-31)),
        ("0X1F", string("0X1F")),
        ("0x", string("0x")),
        ("0o17", Value::Int(15)),
        ("-0o17", Value::Int(-15)),
        ("0b101", Value::Int(5)),
        ("1_000", string("1_000")),
        ("1,000", string("1,000")),
        ("1e3", Value::Float(1000.0)),
        ("1E3", Value::Float(1000.0)),
        ("1.5", Value::Float(1.5)),
        ("-1.5", Value::Float(-1.5)),
        ("+1.5", Value::Float(1.5)),
        (".5", Value::Float(0.5)),
        ("5.", Value::Float(5.0)),
        ("1.0", Value::Float(1.0)),
        ("1e", string("1e")),
        ("e3", string("e3")),
        ("1e400", string("1e400")),
        (".inf", Value::Float(f64::INFINITY)),
        (".Inf", Value::Float(f64::INFINITY)),
        (".INF", Value::Float(f64::INFINITY)),
        ("+.inf", Value::Float(f64::INFINITY)),
        ("-.inf", Value::Float(f64::NEG_INFINITY)),
        ("-.Inf", Value::Float(f64::NEG_INFINITY)),
        ("inf", string("inf")),
        ("-inf", string("-inf")),
        ("infinity", string("infinity")),
        (".nan", Value::Float(f64::NAN)),
        (".NaN", Value::Float(f64::NAN)),
        (".NAN", Value::Float(f64::NAN)),
        ("+.nan", string("+.nan")),
        ("nan", string("nan")),
        ("NaN", string("NaN")),
        ("9223372036854775807", Value::Int(i64::MAX)),
        ("-9223372036854775808", Value::Int(i64::MIN)),
        (
            "9223372036854775808",
            Value::Float(9_223_372_036_854_775_808.0),
        ),
        (
            "18446744073709551615",
            Value::Float(18_446_744_073_709_551_615.0),
        ),
        (
            "99999999999999999999999999999999999999999",
            Value::Float(1e41),
        ),
        ("'5'", string("5")),
        ("\"5\"", string("5")),
        ("'true'", string("true")),
        ("\"null\"", string("null")),
        ("\"~\"", string("~")),
        ("!!str 5", string("5")),
        ("!!str true", string("true")),
        ("!!int \"5\"", Value::Int(5)),
        ("!!int 0x10", Value::Int(16)),
        ("!!float 5", Value::Float(5.0)),
        ("!!binary aGk=", string("aGk=")),
        ("!custom 5", Value::Int(5)),
        ("!custom \"5\"", string("5")),
        ("12:30", string("12:30")),
        ("2024-01-01", string("2024-01-01")),
        ("1.2.3", string("1.2.3")),
        ("|\n  5\n", string("5\n")),
        (">\n  a\n  b\n", string("a b\n")),
    ];
    for (case, expected) in cases {
        let got = value_of(&format!("k: {case}\n"));
        assert!(
            same_value(&got, &expected),
            "`k: {case}` gave {got:?}, expected {expected:?}"
        );
    }
}

/// Each case was checked against how serde_yaml 0.9.34 displays the key of `CASE: v`.
#[test]
fn scalar_key_text_matches_serde_yaml() {
    let cases = [
        ("1e3", "1000.0"),
        ("0x1F", "31"),
        ("+5", "5"),
        ("1.5", "1.5"),
        ("1.0", "1.0"),
        ("0.1", "0.1"),
        ("1e20", "1e20"),
        ("1e-7", "1e-7"),
        ("true", "true"),
        ("~", "null"),
        (".inf", ".inf"),
        ("-.inf", "-.inf"),
        (".nan", ".nan"),
        ("18446744073709551615", "18446744073709551615"),
        ("'1e3'", "1e3"),
    ];
    for (key, expected) in cases {
        let text = format!("{key}: v\n");
        let root = parse(&text, SourceId(0)).unwrap();
        let entries = root.as_map().unwrap();
        assert_eq!(entries[0].key.value, expected, "key `{key}`");
        assert_eq!(text_of(&text, entries[0].key.span), key, "key `{key}`");
    }
}

#[test]
fn core_tag_mismatch_is_rejected() {
    for case in ["!!bool yes", "!!null x", "!!int 1_000", "!!float abc"] {
        let text = format!("k: {case}\n");
        let problems = parse(&text, SourceId(0)).unwrap_err();
        let [YamlProblem::Syntax { message, span, .. }] = problems.as_slice() else {
            panic!("`{case}` gave {problems:?}");
        };
        assert!(message.starts_with("invalid value"), "`{case}`: {message}");
        assert_eq!(text_of(&text, *span), case, "`{case}`");
    }
}

/// serde_yaml compares keys by value: `0x1` and `1` are the same integer, `1` and `"1"` differ.
#[test]
fn duplicate_keys_compare_typed_values() {
    let duplicates = [
        "a: 1\na: 2\n",
        "{a: 1, a: 2}\n",
        "0x1: a\n1: b\n",
        "~: a\nnull: b\n",
        ".nan: 1\n.nan: 2\n",
        "'a': 1\n\"a\": 2\n",
    ];
    for text in duplicates {
        let problems = parse(text, SourceId(0)).unwrap_err();
        let is_duplicate = matches!(problems.as_slice(), [YamlProblem::DuplicateKey { .. }]);
        assert!(is_duplicate, "{text:?} gave {problems:?}");
    }
    for text in [
        "1: a\n\"1\": b\n",
        "1: a\n1.0: b\n",
        "true: a\n\"true\": b\n",
    ] {
        let root = parse(text, SourceId(0));
        assert!(root.is_ok(), "{text:?} gave {root:?}");
    }
}

#[test]
fn duplicate_key_spans_are_exact() {
    let text =
        "signals:\n  r: {type: int,\n      'type': bool}\n  s: {}\n  # s: again\n  \"s\": {}\n";
    let problems = parse(text, SourceId(0)).unwrap_err();
    let [first, second] = problems.as_slice() else {
        panic!("expected two duplicates, got {problems:?}");
    };

    let YamlProblem::DuplicateKey {
        key,
        span,
        first: earlier,
    } = first
    else {
        panic!("expected a duplicate, got {first:?}");
    };
    assert_eq!(key, "type");
    assert_eq!(text_of(text, *span), "'type'");
    assert_eq!(span.start, text.find("'type'").unwrap());
    assert_eq!(earlier.start, text.find("type").unwrap());
    assert_eq!(text_of(text, *earlier), "type");

    let YamlProblem::DuplicateKey {
        key,
        span,
        first: earlier,
    } = second
    else {
        panic!("expected a duplicate, got {second:?}");
    };
    assert_eq!(key, "s");
    assert_eq!(text_of(text, *span), "\"s\"");
    assert_eq!(earlier.start, text.find("s: {}").unwrap());
}

#[test]
fn complex_key_is_rejected_at_key() {
    let text = "a: 1\n? [b, c]\n: 2\n";
    let problems = parse(text, SourceId(0)).unwrap_err();
    let [YamlProblem::ComplexKey { span }] = problems.as_slice() else {
        panic!("expected a complex key, got {problems:?}");
    };
    assert_eq!(text_of(text, *span), "[b, c]");
}

#[test]
fn alias_copies_anchored_value() {
    let text = "a: &shared [X-1, X-2]\nb: *shared\n";
    let root = parse(text, SourceId(0)).unwrap();
    let a = &map_entry(&root, "a").value;
    let b = &map_entry(&root, "b").value;
    assert_eq!(a.value, b.value);
    assert_eq!(text_of(text, b.span), "*shared");
    let items = b.as_seq().unwrap();
    assert_eq!(items[1].span.start, text.find("X-2").unwrap());
}

#[test]
fn alias_takes_latest_anchor() {
    let text = "a: &x 1\nb: &x 2\nc: *x\n";
    let root = parse(text, SourceId(0)).unwrap();
    assert_eq!(map_entry(&root, "c").value.value, Value::Int(2));
}

/// serde_yaml 0.9 does not apply `<<` merge keys when reading a `Value`, so neither does this.
#[test]
fn merge_key_is_ordinary_key() {
    let text = "base: &b {k: 1}\nother:\n  <<: *b\n  j: 2\n";
    let root = parse(text, SourceId(0)).unwrap();
    let other = &map_entry(&root, "other").value;
    let merge = map_entry(other, "<<");
    assert_eq!(text_of(text, merge.value.span), "*b");
    assert!(merge.value.as_map().is_some());
}

#[test]
fn alias_as_key_is_typed() {
    let text = "a: &k 31\nt:\n  *k : [X]\n  31: [Y]\n";
    let problems = parse(text, SourceId(0)).unwrap_err();
    let [YamlProblem::DuplicateKey { key, span, first }] = problems.as_slice() else {
        panic!("expected a duplicate, got {problems:?}");
    };
    assert_eq!(key, "31");
    assert_eq!(text_of(text, *first), "*k");
    assert_eq!(span.start, text.rfind("31").unwrap());
}

#[test]
fn alias_expansion_is_bounded() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g"];
    for pair in names.windows(2) {
        let item = format!("*{}", pair[0]);
        let items = [item.as_str(); 10].join(", ");
        text.push_str(&format!("{}: &{} [{items}]\n", pair[1], pair[1]));
    }
    let problems = parse(&text, SourceId(0)).unwrap_err();
    let [YamlProblem::Alias { message, span }] = problems.as_slice() else {
        panic!("expected one problem, got {problems:?}");
    };
    assert!(message.contains("more than 100000 values"), "{message}");
    assert_eq!(text_of(&text, *span), "*d");
}

#[test]
fn alias_inside_own_anchor_is_rejected() {
    let text = "a: &x [1, *x]\n";
    let problems = parse(text, SourceId(0)).unwrap_err();
    let [YamlProblem::Alias { span, .. }] = problems.as_slice() else {
        panic!("expected one problem, got {problems:?}");
    };
    assert_eq!(text_of(text, *span), "*x");
}

#[test]
fn unknown_alias_is_syntax_error() {
    let problems = parse("a: *nowhere\n", SourceId(0)).unwrap_err();
    let [YamlProblem::Syntax { message, .. }] = problems.as_slice() else {
        panic!("expected a syntax problem, got {problems:?}");
    };
    assert!(message.contains("unknown anchor"), "{message}");
}

#[test]
fn second_document_is_rejected() {
    let text = "a: 1\n---\nb: 2\n";
    let problems = parse(text, SourceId(0)).unwrap_err();
    let [YamlProblem::Syntax { message, span, .. }] = problems.as_slice() else {
        panic!("expected a syntax problem, got {problems:?}");
    };
    assert!(message.contains("second YAML document"), "{message}");
    assert_eq!(span.start, text.find('b').unwrap());
}

#[test]
fn tab_indentation_is_flagged() {
    let text = "a:\n\tb: 1\n";
    let problems = parse(text, SourceId(0)).unwrap_err();
    let [YamlProblem::Syntax { span, tab, .. }] = problems.as_slice() else {
        panic!("expected a syntax problem, got {problems:?}");
    };
    assert!(*tab);
    assert_eq!(span.start, 3);
    assert_eq!(span.end, 4);
}

#[test]
fn bad_input_never_panics() {
    let deep = "[".repeat(200);
    let inputs = [
        "\t",
        "[",
        "{a: [}",
        "*x",
        "&x",
        "? ",
        "- - -",
        ":",
        "a: \"\\q\"",
        "a: 'unterminated",
        "a: |\n x\n  y\n z",
        "\u{feff}a: 1",
        "a: é\n\tb: ü",
        "%YAML 9.9\n---\na: 1",
        "!!map [1]",
        "a: !<tag:yaml.org,2002:int> x",
        deep.as_str(),
    ];
    for input in inputs {
        let _ = parse(input, SourceId(0));
    }
}

#[test]
fn nesting_limit_is_syntax_error() {
    let text = format!("{}{}", "[".repeat(70), "]".repeat(70));
    let problems = parse(&text, SourceId(0)).unwrap_err();
    let [YamlProblem::Syntax { message, .. }] = problems.as_slice() else {
        panic!("expected a syntax problem, got {problems:?}");
    };
    assert!(message.contains("deeper than 64 levels"), "{message}");
}

fn schema_errors(text: &str) -> Vec<crate::diagnostic::Diagnostic> {
    let mut sources = crate::span::SourceMap::new();
    let id = sources.add("signals.yaml", text);
    crate::schema::Schema::parse(&sources, id).unwrap_err()
}

fn transition_errors(text: &str) -> Vec<crate::diagnostic::Diagnostic> {
    let mut sources = crate::span::SourceMap::new();
    let id = sources.add("transitions.yaml", text);
    crate::maps::TransitionMap::parse(&sources, id).unwrap_err()
}

#[test]
fn diagnostic_in_multiline_flow_mapping() {
    let text =
        "signals:\n  risk.level: {type: enum,\n    values: [LOW, HIGH],\n    required: \"yes\"}\n";
    let errors = schema_errors(text);
    let [error] = errors.as_slice() else {
        panic!("expected one error, got {errors:?}");
    };
    assert_eq!(error.code, "releasegate::schema::wrong_type");
    assert_eq!(text_of(text, error.span), "\"yes\"");
    assert_eq!(error.span.start, text.find("\"yes\"").unwrap());
}

#[test]
fn diagnostic_after_block_scalar() {
    let text = "signals:\n  a:\n    type: int\n    description: |\n      type: bool\n      required: maybe\n    required: maybe\n";
    let errors = schema_errors(text);
    let [error] = errors.as_slice() else {
        panic!("expected one error, got {errors:?}");
    };
    assert_eq!(error.code, "releasegate::schema::wrong_type");
    assert_eq!(text_of(text, error.span), "maybe");
    assert_eq!(error.span.start, text.rfind("maybe").unwrap());
}

#[test]
fn diagnostic_on_block_scalar_value() {
    let text = "signals:\n  a:\n    type: >\n      integer\n    required: true\n";
    let errors = schema_errors(text);
    let [error] = errors.as_slice() else {
        panic!("expected one error, got {errors:?}");
    };
    assert_eq!(error.code, "releasegate::schema::unknown_type");
    assert_eq!(error.span.start, text.find("integer").unwrap());
    assert_eq!(text_of(text, error.span), "integer");
}

#[test]
fn diagnostic_on_quoted_nested_key() {
    let text = "signals:\n  'risk.level':\n    \"type\": int\n    'requried': true\n";
    let errors = schema_errors(text);
    let [error] = errors.as_slice() else {
        panic!("expected one error, got {errors:?}");
    };
    assert_eq!(error.code, "releasegate::schema::unknown_key");
    assert_eq!(text_of(text, error.span), "'requried'");
}

#[test]
fn diagnostic_with_comments_between_entries() {
    let text = "signals:\n  # risk.level:\n  #   type: integer\n  risk.level:\n    # type: bool\n    type: integer # not bool\n";
    let errors = schema_errors(text);
    let [error] = errors.as_slice() else {
        panic!("expected one error, got {errors:?}");
    };
    assert_eq!(error.code, "releasegate::schema::unknown_type");
    assert_eq!(text_of(text, error.span), "integer");
    assert_eq!(error.span.start, text.rfind("integer").unwrap());
}

#[test]
fn diagnostic_in_nested_flow_collections() {
    let text = "transitions:\n  PRODUCTION: {DEFAULT: {\n      \"Ready -> Done\": {policy: SEC-PR-001},\n      \"31\": [SEC-PR-002]}}\n";
    let errors = transition_errors(text);
    let [error] = errors.as_slice() else {
        panic!("expected one error, got {errors:?}");
    };
    assert_eq!(error.code, "releasegate::maps::wrong_type");
    assert_eq!(text_of(text, error.span), "{policy: SEC-PR-001}");
}

#[test]
fn diagnostic_on_plain_multiline_value() {
    let text = "transitions:\n  PRODUCTION:\n    DEFAULT:\n      \"Ready -> Done\": SEC-PR-001\n        SEC-PR-002\n";
    let errors = transition_errors(text);
    let [error] = errors.as_slice() else {
        panic!("expected one error, got {errors:?}");
    };
    assert_eq!(error.code, "releasegate::maps::wrong_type");
    assert_eq!(text_of(text, error.span), "SEC-PR-001\n        SEC-PR-002");
}

#[test]
fn diagnostic_inside_aliased_table() {
    let text = "transitions:\n  PRODUCTION:\n    DEFAULT: &table\n      \"Ready -> Done\": SEC-PR-001\n  STAGING:\n    DEFAULT: *table\n";
    let errors = transition_errors(text);
    assert_eq!(errors.len(), 2, "{errors:?}");
    for error in &errors {
        assert_eq!(error.code, "releasegate::maps::wrong_type");
        assert_eq!(text_of(text, error.span), "SEC-PR-001");
    }
}

#[test]
fn alias_problem_diagnostic_has_help() {
    let text = "signals:\n  a: &self {type: int, x: [*self]}\n";
    let errors = schema_errors(text);
    let [error] = errors.as_slice() else {
        panic!("expected one error, got {errors:?}");
    };
    assert_eq!(error.code, "releasegate::schema::yaml_syntax");
    assert_eq!(text_of(text, error.span), "*self");
    assert_eq!(error.label, "this alias cannot be expanded");
    let help = error.help.as_deref().unwrap();
    assert!(help.contains("write the values out"), "{help}");
}

#[test]
fn alias_expansion_depth_is_bounded() {
    let nested = format!("{}{}", "[".repeat(60), "]".repeat(60));
    let text = format!("a: &deep {nested}\nb: [[[[[[[[[[*deep]]]]]]]]]]\n");
    let problems = parse(&text, SourceId(0)).unwrap_err();
    let [YamlProblem::Alias { message, span }] = problems.as_slice() else {
        panic!("expected one problem, got {problems:?}");
    };
    assert!(message.contains("deeper than 64 levels"), "{message}");
    assert_eq!(text_of(&text, *span), "*deep");
}
