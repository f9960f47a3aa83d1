//! JSON request bodies parsed into `serde_json::Value` with duplicate object keys rejected.
//!
//! `serde_json` keeps the last of two equal keys, so `{"environment":"DEV","environment":"PRODUCTION"}`
//! would be read as PRODUCTION while a proxy or a log reader might see DEV. Every body that
//! can change a decision goes through [`parse`] instead, which fails on the second key.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parses a JSON text, rejecting an object that names one key twice at any depth. The error
/// message is serde_json's, with line and column.
pub fn parse(body: &[u8]) -> Result<Value, serde_json::Error> {
    serde_json::from_slice::<StrictValue>(body).map(|strict| strict.0)
}

struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<StrictValue, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_string()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(StrictValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let StrictValue(value) = map.next_value()?;
            if object.contains_key(&key) {
                let message = format!("duplicate key {key:?} (each key may appear once per object)");
                return Err(de::Error::custom(message));
            }
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_matches_serde_json() {
        let text = r#"{"a":[1,-2,3.5,true,null,"x"],"b":{"c":{"d":18446744073709551615}},"e":""}"#;
        let expected: Value = serde_json::from_str(text).unwrap_or_default();
        assert_eq!(parse(text.as_bytes()).ok(), Some(expected));
    }

    #[test]
    fn parse_rejects_top_level_duplicate() {
        let error = parse(br#"{"environment":"DEV","environment":"PRODUCTION"}"#).err().map(|e| e.to_string());
        let message = error.unwrap_or_default();
        assert!(message.contains(r#"duplicate key "environment""#), "{message}");
        assert!(message.ends_with("(each key may appear once per object) at line 1 column 48"), "{message}");
    }

    #[test]
    fn parse_rejects_nested_duplicate() {
        let body = br#"{"transition":{"to":{"id":"1","id":"2"}}}"#;
        let message = parse(body).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains(r#"duplicate key "id""#), "{message}");
    }

    #[test]
    fn parse_allows_same_key_in_sibling_objects() {
        let body = br#"[{"id":1},{"id":2}]"#;
        assert!(parse(body).is_ok());
    }

    #[test]
    fn parse_rejects_malformed_text() {
        assert!(parse(b"{").is_err());
        assert!(parse(b"{} x").is_err());
    }
}
