//! Strict parsing of the transition check request (`POST /integrations/jira/transition/check`).
//!
//! The caller is a ReleaseGate user, so the parser rejects unknown keys, wrong types and values
//! outside an enum, and every error names the offending field.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::issue_key::is_issue_key;

/// A rejected request body: the field at fault (dotted path) and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid field `{field}`: {message}")]
pub struct RequestError {
    pub field: String,
    pub message: String,
}

impl RequestError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> RequestError {
        RequestError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The deployment environment of a transition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Environment {
    Production,
    Staging,
    Dev,
    Unknown,
}

impl Environment {
    pub const NAMES: [&'static str; 4] = ["PRODUCTION", "STAGING", "DEV", "UNKNOWN"];

    pub fn parse(text: &str) -> Option<Environment> {
        match text {
            "PRODUCTION" => Some(Environment::Production),
            "STAGING" => Some(Environment::Staging),
            "DEV" => Some(Environment::Dev),
            "UNKNOWN" => Some(Environment::Unknown),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Production => "PRODUCTION",
            Environment::Staging => "STAGING",
            Environment::Dev => "DEV",
            Environment::Unknown => "UNKNOWN",
        }
    }
}

/// The `context_overrides` object: an inline override request and the change's source control
/// coordinates.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ContextOverrides {
    #[serde(rename = "override")]
    pub override_requested: bool,
    pub override_reason: Option<String>,
    pub override_expires_at: Option<String>,
    pub repo: Option<String>,
    pub pr_number: Option<u64>,
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
}

/// A validated transition check request. Serialized, it is the normalized request that goes into
/// the decision id seed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TransitionRequest {
    pub issue_key: String,
    pub transition_id: String,
    pub transition_name: Option<String>,
    pub source_status: String,
    pub target_status: String,
    pub actor_account_id: String,
    pub actor_email: Option<String>,
    pub environment: Environment,
    /// The project key from the request, or the issue key's prefix when the request has none.
    pub project_key: String,
    pub issue_type: Option<String>,
    pub context_overrides: ContextOverrides,
    /// The `releasegate_risk` issue property value, when the caller already read it.
    pub releasegate_risk: Option<Value>,
    /// Extra signal values, nested or with dotted keys, as sent.
    pub signals: Map<String, Value>,
}

const TOP_LEVEL_KEYS: [&str; 13] = [
    "issue_key",
    "transition_id",
    "transition_name",
    "source_status",
    "target_status",
    "actor_account_id",
    "actor_email",
    "environment",
    "project_key",
    "issue_type",
    "context_overrides",
    "releasegate_risk",
    "signals",
];

const OVERRIDE_KEYS: [&str; 6] = [
    "override",
    "override_reason",
    "override_expires_at",
    "repo",
    "pr_number",
    "ref",
];

/// Parses and validates a request body.
pub fn parse_transition_request(body: &[u8]) -> Result<TransitionRequest, RequestError> {
    let value: Value = crate::strict_json::parse(body)
        .map_err(|error| RequestError::new("body", format!("malformed JSON: {error}")))?;
    let Value::Object(object) = value else {
        return Err(RequestError::new("body", "expected a JSON object"));
    };
    transition_request_from_object(&object)
}

/// Validates an already decoded request object.
pub fn transition_request_from_object(
    object: &Map<String, Value>,
) -> Result<TransitionRequest, RequestError> {
    reject_unknown_keys(object, &TOP_LEVEL_KEYS, "")?;
    let issue_key = required_string(object, "issue_key")?;
    if !is_issue_key(&issue_key) {
        return Err(RequestError::new(
            "issue_key",
            format!("`{issue_key}` is not a Jira issue key such as PAY-1842"),
        ));
    }
    let environment = parse_environment(object)?;
    let project_key = match optional_string(object, "project_key")? {
        Some(key) => key,
        None => project_of(&issue_key),
    };
    Ok(TransitionRequest {
        transition_id: transition_id(object)?,
        transition_name: optional_string(object, "transition_name")?,
        source_status: required_string(object, "source_status")?,
        target_status: required_string(object, "target_status")?,
        actor_account_id: required_string(object, "actor_account_id")?,
        actor_email: optional_string(object, "actor_email")?,
        environment,
        project_key,
        issue_type: optional_string(object, "issue_type")?,
        context_overrides: context_overrides(object.get("context_overrides"))?,
        releasegate_risk: releasegate_risk(object.get("releasegate_risk"))?,
        signals: signals(object.get("signals"))?,
        issue_key,
    })
}

/// The project key of an issue key: the part before the last `-`.
pub fn project_of(issue_key: &str) -> String {
    match issue_key.rsplit_once('-') {
        Some((project, _)) => project.to_string(),
        None => issue_key.to_string(),
    }
}

fn reject_unknown_keys(
    object: &Map<String, Value>,
    known: &[&str],
    prefix: &str,
) -> Result<(), RequestError> {
    match object.keys().find(|key| !known.contains(&key.as_str())) {
        Some(key) => Err(RequestError::new(
            format!("{prefix}{key}"),
            format!("unknown field; expected one of: {}", known.join(", ")),
        )),
        None => Ok(()),
    }
}

fn required_string(object: &Map<String, Value>, field: &str) -> Result<String, RequestError> {
    optional_string(object, field)?
        .ok_or_else(|| RequestError::new(field, "missing required field"))
}

fn optional_string(
    object: &Map<String, Value>,
    field: &str,
) -> Result<Option<String>, RequestError> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => {
            Err(RequestError::new(field, "must not be empty"))
        }
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(wrong_type(field, "a string", other)),
    }
}

/// Reports a field whose JSON type is not `expected`, for example "a string".
pub(crate) fn wrong_type(field: &str, expected: &str, found: &Value) -> RequestError {
    RequestError::new(
        field,
        format!("expected {expected}, found {}", type_name(found)),
    )
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn parse_environment(object: &Map<String, Value>) -> Result<Environment, RequestError> {
    let text = required_string(object, "environment")?;
    Environment::parse(&text).ok_or_else(|| {
        RequestError::new(
            "environment",
            format!("`{text}` is not one of {}", Environment::NAMES.join(", ")),
        )
    })
}

/// `transition_id` may be a string or a non-negative integer; both normalize to a string.
fn transition_id(object: &Map<String, Value>) -> Result<String, RequestError> {
    match object.get("transition_id") {
        None | Some(Value::Null) => {
            Err(RequestError::new("transition_id", "missing required field"))
        }
        Some(Value::Number(number)) => match number.as_u64() {
            Some(id) => Ok(id.to_string()),
            None => Err(RequestError::new(
                "transition_id",
                format!("expected a non-negative integer or a string, found {number}"),
            )),
        },
        Some(_) => required_string(object, "transition_id"),
    }
}

fn context_overrides(value: Option<&Value>) -> Result<ContextOverrides, RequestError> {
    let object = match value {
        None | Some(Value::Null) => return Ok(ContextOverrides::default()),
        Some(Value::Object(object)) => object,
        Some(other) => return Err(wrong_type("context_overrides", "an object", other)),
    };
    reject_unknown_keys(object, &OVERRIDE_KEYS, "context_overrides.")?;
    let field = |name: &str| format!("context_overrides.{name}");
    let string = |name: &str| -> Result<Option<String>, RequestError> {
        optional_string(object, name).map_err(|error| RequestError::new(field(name), error.message))
    };
    Ok(ContextOverrides {
        override_requested: override_flag(object.get("override"))?,
        override_reason: string("override_reason")?,
        override_expires_at: string("override_expires_at")?,
        repo: string("repo")?,
        pr_number: pr_number(object.get("pr_number"))?,
        git_ref: string("ref")?,
    })
}

fn override_flag(value: Option<&Value>) -> Result<bool, RequestError> {
    match value {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(flag)) => Ok(*flag),
        Some(other) => Err(wrong_type("context_overrides.override", "a boolean", other)),
    }
}

fn pr_number(value: Option<&Value>) -> Result<Option<u64>, RequestError> {
    let field = "context_overrides.pr_number";
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => number.as_u64().map(Some).ok_or_else(|| {
            RequestError::new(
                field,
                format!("expected a positive integer, found {number}"),
            )
        }),
        Some(other) => Err(wrong_type(field, "an integer", other)),
    }
}

/// The issue property value may be the full property (`{key, value}`), its value object, or a bare
/// level string; the risk module interprets it.
fn releasegate_risk(value: Option<&Value>) -> Result<Option<Value>, RequestError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(value @ (Value::Object(_) | Value::String(_))) => Ok(Some(value.clone())),
        Some(other) => Err(wrong_type("releasegate_risk", "an object", other)),
    }
}

fn signals(value: Option<&Value>) -> Result<Map<String, Value>, RequestError> {
    match value {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(object)) => Ok(object.clone()),
        Some(other) => Err(wrong_type("signals", "an object", other)),
    }
}
