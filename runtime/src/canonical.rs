//! Canonical JSON: the one byte form of a JSON value that the ledger hashes and stores.
//!
//! Rules: object keys sorted by their UTF-8 bytes, no whitespace anywhere, strings escaped and
//! numbers formatted exactly as `serde_json` 1.x writes them (`serde_json::to_string`). Keys are
//! sorted here explicitly, so the output does not depend on whether `serde_json`'s
//! `preserve_order` feature is enabled somewhere in the build.

use std::fmt::Write as _;

use serde_json::Value;

/// Returns the canonical JSON text of `value`.
pub fn to_canonical_json(value: &Value) -> String {
    let mut out = String::with_capacity(256);
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => {
            // `Number`'s Display is serde_json's own number formatting (itoa / shortest float).
            let _ = write!(out, "{number}");
        }
        Value::String(text) => write_string(out, text),
        Value::Array(items) => write_array(out, items),
        Value::Object(map) => write_object(out, map),
    }
}

fn write_array(out: &mut String, items: &[Value]) {
    out.push('[');
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_value(out, item);
    }
    out.push(']');
}

fn write_object(out: &mut String, map: &serde_json::Map<String, Value>) {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_unstable_by(|left, right| left.0.as_bytes().cmp(right.0.as_bytes()));
    out.push('{');
    for (index, (key, item)) in entries.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_string(out, key);
        out.push(':');
        write_value(out, item);
    }
    out.push('}');
}

/// Writes `text` as a JSON string literal with serde_json's escaping.
pub(crate) fn write_string(out: &mut String, text: &str) {
    // serde_json fails only on non-string map keys and I/O errors, and a `&str` has neither.
    match serde_json::to_string(text) {
        Ok(literal) => out.push_str(&literal),
        Err(_) => out.push_str("\"\""),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_bytes_are_pinned() {
        let value = json!({
            "zeta": [3, 1.5, -2, 1e21, null],
            "alpha": {"b": true, "a": false, "B": "x"},
            "text": "quote \" backslash \\ newline \n tab \t bell \u{7} é 😀",
            "empty": {},
            "list": [],
        });
        let expected = concat!(
            r#"{"alpha":{"B":"x","a":false,"b":true},"empty":{},"list":[],"#,
            r#""text":"quote \" backslash \\ newline \n tab \t bell \u0007 é 😀","#,
            r#""zeta":[3,1.5,-2,1e+21,null]}"#
        );
        assert_eq!(to_canonical_json(&value), expected);
    }

    #[test]
    fn key_order_ignores_insertion_order() {
        let forward: Value = serde_json::from_str(r#"{"a":1,"b":{"y":2,"x":1}}"#).unwrap();
        let backward: Value = serde_json::from_str(r#"{"b":{"x":1,"y":2},"a":1}"#).unwrap();
        assert_eq!(to_canonical_json(&forward), to_canonical_json(&backward));
    }

    #[test]
    fn keys_sort_by_utf8_bytes() {
        let value = json!({"é": 1, "z": 2, "Z": 3, "_": 4});
        assert_eq!(to_canonical_json(&value), r#"{"Z":3,"_":4,"z":2,"é":1}"#);
    }

    #[test]
    fn canonical_text_round_trips() {
        let value = json!({"n": 12345678901234567u64, "f": 0.1, "s": "a\u{0}b"});
        let text = to_canonical_json(&value);
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(to_canonical_json(&parsed), text);
    }
}
