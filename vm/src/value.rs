//! Typed signal values held in a [`crate::Frame`].

use serde_json::json;

/// A present signal value; its variant always matches the signal's declared type (an enum
/// signal contains a `String` that is one of the enum's values).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Number(f64),
    String(String),
    ListString(Vec<String>),
    ListInt(Vec<i64>),
}

impl Value {
    /// Converts the value back to JSON, for traces and input snapshots.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Bool(b) => json!(b),
            Value::Int(i) => json!(i),
            Value::Number(n) => json!(n),
            Value::String(s) => json!(s),
            Value::ListString(items) => json!(items),
            Value::ListInt(items) => json!(items),
        }
    }
}
