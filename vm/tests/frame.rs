//! Decoding inputs into typed frames.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use serde_json::json;
use vm::{Bundle, InputError, SignalId, Value};

fn bundle() -> Bundle {
    Bundle::from_bytes(&common::tiny_bytes()).unwrap()
}

#[test]
fn nested_and_dotted_keys_decode() {
    let bundle = bundle();
    let frame = bundle.frame_from_json(r#"{"risk":{"level":"HIGH"},"approvals.count":2,"tags":["a"]}"#).unwrap();
    assert_eq!(frame.get(SignalId(0)), Some(&Value::Int(2)));
    assert_eq!(frame.get(SignalId(1)), Some(&Value::String("HIGH".into())));
    assert_eq!(frame.get(SignalId(2)), Some(&Value::ListString(vec!["a".into()])));
}

#[test]
fn unknown_keys_are_ignored() {
    let bundle = bundle();
    let text = r#"{"other":{"deep":[1,{"x":2}]},"risk":{"level":"LOW","extra":true},"risk.other":1}"#;
    let frame = bundle.frame_from_json(text).unwrap();
    assert_eq!(frame.present().count(), 1);
}

#[test]
fn null_is_missing() {
    let frame = bundle().frame_from_json(r#"{"risk.level":null,"approvals":null}"#).unwrap();
    assert_eq!(frame.present().count(), 0);
}

#[test]
fn wrong_type_names_the_signal() {
    let err = bundle().frame_from_json(r#"{"approvals":{"count":"two"}}"#).unwrap_err();
    assert_eq!(
        err,
        InputError::WrongType {
            signal: "approvals.count".into(),
            expected: "an integer".into(),
            found: "the string \"two\"".into()
        }
    );
    assert_eq!(err.to_string(), "signal approvals.count: expected an integer, got the string \"two\"");
}

#[test]
fn decimal_for_int_is_rejected() {
    let err = bundle().frame_from_json(r#"{"approvals.count":1.5}"#).unwrap_err();
    assert!(matches!(err, InputError::WrongType { .. }), "{err}");
    let frame = bundle().frame_from_json(r#"{"approvals.count":2.0}"#).unwrap();
    assert_eq!(frame.get(SignalId(0)), Some(&Value::Int(2)));
}

#[test]
fn enum_value_outside_the_enum_is_rejected() {
    let err = bundle().frame_from_json(r#"{"risk.level":"prod"}"#).unwrap_err();
    assert!(matches!(err, InputError::NotInEnum { .. }), "{err}");
    assert!(err.to_string().contains("LOW, HIGH"));
}

#[test]
fn list_with_wrong_element_is_rejected() {
    let err = bundle().frame_from_json(r#"{"tags":["a",3]}"#).unwrap_err();
    assert!(matches!(err, InputError::WrongType { .. }), "{err}");
}

#[test]
fn duplicate_signal_is_rejected() {
    let err = bundle().frame_from_json(r#"{"risk":{"level":"LOW"},"risk.level":"HIGH"}"#).unwrap_err();
    assert_eq!(err, InputError::Duplicate { signal: "risk.level".into() });
}

#[test]
fn prefix_with_scalar_is_rejected() {
    let err = bundle().frame_from_json(r#"{"risk":"HIGH"}"#).unwrap_err();
    assert_eq!(err, InputError::NotAnObject { path: "risk".into(), found: "a string".into() });
}

#[test]
fn frame_keys_after_nested_object() {
    let bundle = bundle();
    let text = r#"{"risk":{"extra":{"x":1},"level":"LOW"},"approvals":{"count":3},"tags":["b"]}"#;
    let frame = bundle.frame_from_json(text).unwrap();
    assert_eq!(frame.get(SignalId(0)), Some(&Value::Int(3)));
    assert_eq!(frame.get(SignalId(1)), Some(&Value::String("LOW".into())));
    assert_eq!(frame.get(SignalId(2)), Some(&Value::ListString(vec!["b".into()])));
    let err = bundle.frame_from_json(r#"{"risk":{"level":"LOW"},"approvals":7}"#).unwrap_err();
    assert_eq!(err, InputError::NotAnObject { path: "approvals".into(), found: "a number".into() });
    let err = bundle.frame_from_json(r#"{"level":"LOW","risk":{"level":"LOW"},"level2":1,"risk":{"level":"LOW"}}"#);
    assert_eq!(err.unwrap_err(), InputError::Duplicate { signal: "risk.level".into() });
}

#[test]
fn non_object_input_is_rejected() {
    assert!(bundle().frame_from_json("[1,2]").is_err());
    assert!(matches!(bundle().frame_from_json("{").unwrap_err(), InputError::Json(_)));
    assert!(matches!(bundle().frame_from_json("{} x").unwrap_err(), InputError::Json(_)));
}

#[test]
fn value_and_text_decode_alike() {
    let bundle = bundle();
    let value = json!({"risk": {"level": "HIGH"}, "approvals.count": 1, "tags": ["x", "y"]});
    let from_value = bundle.frame_from_value(&value).unwrap();
    let from_text = bundle.frame_from_json(&value.to_string()).unwrap();
    assert_eq!(from_value, from_text);
    assert_eq!(bundle.snapshot(&from_value).len(), 3);
}
