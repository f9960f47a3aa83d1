//! The Forge `jira:workflowValidator` payload, mapped to a transition check.
//!
//! Forge sends the issue key, the source and target status ids and the validator's
//! configuration. The payload is parsed leniently (unknown keys are ignored). Mapping:
//! - `issue.key` becomes the issue key (required);
//! - `transition.from.id` and `transition.to.id` become the source and target statuses, unless
//!   the configuration names them (`source_status`, `target_status`), so transitions.yaml can map
//!   `"10021 -> 10002"`;
//! - the transition id is `transition.id`, else `configuration.transition_id`, else
//!   `"<from>-><to>"`;
//! - `configuration.environment` is the environment (default `UNKNOWN`);
//! - the actor is `accountId` or `user.accountId` when present, else `forge-validator`.

use serde_json::{Map, Value};

use crate::issue_key::is_issue_key;
use crate::request::{project_of, ContextOverrides, Environment, RequestError, TransitionRequest};

/// The actor recorded when the Forge payload names none.
pub const FORGE_ACTOR: &str = "forge-validator";

/// Maps a Forge validator payload to a transition request.
pub fn forge_to_request(body: &[u8]) -> Result<TransitionRequest, RequestError> {
    let value: Value = crate::strict_json::parse(body)
        .map_err(|error| RequestError::new("body", format!("malformed JSON: {error}")))?;
    let text = |pointer: &str| value.pointer(pointer).and_then(scalar_text);
    let issue_key = text("/issue/key")
        .ok_or_else(|| RequestError::new("issue.key", "missing required field"))?;
    if !is_issue_key(&issue_key) {
        return Err(RequestError::new(
            "issue.key",
            format!("`{issue_key}` is not a Jira issue key"),
        ));
    }
    let from = text("/transition/from/id")
        .ok_or_else(|| RequestError::new("transition.from.id", "missing required field"))?;
    let to = text("/transition/to/id")
        .ok_or_else(|| RequestError::new("transition.to.id", "missing required field"))?;
    let environment = match text("/configuration/environment") {
        Some(name) => Environment::parse(&name).ok_or_else(|| {
            RequestError::new(
                "configuration.environment",
                format!("`{name}` is not one of {}", Environment::NAMES.join(", ")),
            )
        })?,
        None => Environment::Unknown,
    };
    let transition_id = text("/transition/id")
        .or_else(|| text("/configuration/transition_id"))
        .unwrap_or_else(|| format!("{from}->{to}"));
    Ok(TransitionRequest {
        project_key: text("/configuration/project_key").unwrap_or_else(|| project_of(&issue_key)),
        transition_id,
        transition_name: text("/transition/name")
            .or_else(|| text("/configuration/transition_name")),
        source_status: text("/configuration/source_status").unwrap_or(from),
        target_status: text("/configuration/target_status").unwrap_or(to),
        actor_account_id: text("/accountId")
            .or_else(|| text("/user/accountId"))
            .unwrap_or_else(|| FORGE_ACTOR.to_string()),
        actor_email: None,
        environment,
        issue_type: None,
        context_overrides: ContextOverrides::default(),
        releasegate_risk: None,
        signals: Map::new(),
        issue_key,
    })
}

/// Jira ids arrive as strings or numbers.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}
