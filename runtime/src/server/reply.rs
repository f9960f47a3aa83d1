//! HTTP replies built by the routes, independent of tiny_http.

use serde_json::{json, Value};

#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(status: u16, value: &Value) -> Reply {
        Reply {
            status,
            content_type: "application/json",
            body: value.to_string().into_bytes(),
        }
    }

    pub fn text(status: u16, content_type: &'static str, text: String) -> Reply {
        Reply {
            status,
            content_type,
            body: text.into_bytes(),
        }
    }

    /// Builds a JSON error: `{"error": CODE, "message": ..., "field": ...}`.
    pub fn error(status: u16, code: &str, message: &str, field: Option<&str>) -> Reply {
        let mut body = json!({"error": code, "message": message});
        if let (Some(field), Some(object)) = (field, body.as_object_mut()) {
            object.insert("field".to_string(), json!(field));
        }
        Reply::json(status, &body)
    }
}
