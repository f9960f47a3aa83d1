//! Strict parsing of the override endpoint's body.

use serde_json::{Map, Value};

use crate::overrides::parse_expiry;
use crate::request::RequestError;
use crate::stored_override::OverrideInput;

const KEYS: [&str; 5] = [
    "decision_id",
    "actor_account_id",
    "actor_email",
    "reason",
    "expires_at",
];

/// A parsed override body; `decision_id` is required unless the path names the decision.
#[derive(Clone, Debug)]
pub struct OverrideBody {
    pub decision_id: Option<String>,
    pub input: OverrideInput,
}

pub fn parse_override_body(body: &[u8]) -> Result<OverrideBody, RequestError> {
    let value: Value = crate::strict_json::parse(body)
        .map_err(|error| RequestError::new("body", format!("malformed JSON: {error}")))?;
    let Value::Object(object) = value else {
        return Err(RequestError::new("body", "expected a JSON object"));
    };
    if let Some(key) = object.keys().find(|key| !KEYS.contains(&key.as_str())) {
        return Err(RequestError::new(
            key.clone(),
            format!("unknown field; expected one of: {}", KEYS.join(", ")),
        ));
    }
    let input = OverrideInput {
        account_id: string(&object, "actor_account_id")?,
        email: string(&object, "actor_email")?,
        reason: string(&object, "reason")?,
        expires_at: string(&object, "expires_at")?,
    };
    if let Some(text) = &input.expires_at {
        parse_expiry(text).map_err(|message| RequestError::new("expires_at", message))?;
    }
    if input.account_id.is_none() && input.email.is_none() {
        return Err(RequestError::new(
            "actor_account_id",
            "missing required field (or give actor_email)",
        ));
    }
    Ok(OverrideBody {
        decision_id: string(&object, "decision_id")?,
        input,
    })
}

fn string(object: &Map<String, Value>, field: &str) -> Result<Option<String>, RequestError> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(RequestError::new(field, "expected a string")),
    }
}
