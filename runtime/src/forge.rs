//! The Forge `jira:workflowValidator` payload, mapped to a transition check.
//!
//! Forge sends the issue key, the source and target status ids and the validator's
//! configuration. The payload is parsed leniently (unknown keys are ignored). Mapping:
//! - `issue.key` becomes the issue key (required);
//! - `configuration.source_status` and `configuration.target_status` are the statuses when set,
//!   else `transition.from.id` and `transition.to.id` (so transitions.yaml can map
//!   `"10021 -> 10002"`). A status is required from one of the two places;
//! - the transition id is `transition.id`, else `configuration.transition_id`, else
//!   `"<source>-><target>"`;
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
    let source_status = text("/configuration/source_status")
        .or_else(|| text("/transition/from/id"))
        .ok_or_else(|| status_missing("from", "source_status"))?;
    let target_status = text("/configuration/target_status")
        .or_else(|| text("/transition/to/id"))
        .ok_or_else(|| status_missing("to", "target_status"))?;
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
        .unwrap_or_else(|| format!("{source_status}->{target_status}"));
    Ok(TransitionRequest {
        project_key: text("/configuration/project_key").unwrap_or_else(|| project_of(&issue_key)),
        transition_id,
        transition_name: text("/transition/name")
            .or_else(|| text("/configuration/transition_name")),
        source_status,
        target_status,
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

/// Reports a status that neither the payload nor the configuration gives.
fn status_missing(side: &str, setting: &str) -> RequestError {
    RequestError::new(
        format!("transition.{side}.id"),
        format!("missing required field; send it, or set configuration.{setting} in the validator"),
    )
}

/// Jira ids arrive as strings or numbers.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number_text(number)),
        _ => None,
    }
}

/// Writes a whole number without a fraction, so that an id sent as the float `10021.0` is the
/// text `10021` and matches a `"10021 -> 10002"` entry in transitions.yaml.
fn number_text(number: &serde_json::Number) -> String {
    // Above 2^53 not every whole number is a float, so such a value keeps its float text.
    const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0;
    match number.as_f64() {
        Some(float)
            if number.is_f64() && float.fract() == 0.0 && float.abs() <= EXACT_LIMIT =>
        {
            format!("{}", float as i64)
        }
        _ => number.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: &str) -> Result<TransitionRequest, RequestError> {
        forge_to_request(body.as_bytes())
    }

    #[test]
    fn configured_statuses_need_no_ids() {
        let body = r#"{"issue":{"key":"PAY-1"},"transition":{"to":{"id":"10002"}},
            "configuration":{"source_status":"Ready for Release","target_status":"Done"}}"#;
        let parsed = request(body).map_err(|e| e.message);
        let parsed = parsed.as_ref().map(|r| (r.source_status.as_str(), r.target_status.as_str()));
        assert_eq!(parsed, Ok(("Ready for Release", "Done")));
    }

    #[test]
    fn status_ids_fill_unconfigured_sides() {
        let body = r#"{"issue":{"key":"PAY-1"},"transition":{"from":{"id":10021},"to":{"id":"10002"}},
            "configuration":{"target_status":"Done"}}"#;
        let parsed = request(body).map_err(|e| e.message);
        let parsed = parsed.as_ref().map(|r| (r.source_status.as_str(), r.target_status.as_str(), r.transition_id.as_str()));
        assert_eq!(parsed, Ok(("10021", "Done", "10021->Done")));
    }

    #[test]
    fn numeric_ids_become_text() {
        // (transition.id, from.id, to.id) as JSON, then the expected (source, target, transition id).
        let cases = [
            ("31.0", "10021.0", "1e4", ("10021", "10000", "31")),
            ("1e300", "10021.5", "-0.0", ("10021.5", "0", "1e+300")),
        ];
        for (transition, from, to, expected) in cases {
            let body = format!(
                r#"{{"issue":{{"key":"PAY-1"}},"transition":{{"id":{transition},"from":{{"id":{from}}},"to":{{"id":{to}}}}}}}"#
            );
            let parsed = request(&body).map_err(|e| e.message);
            let parsed = parsed.as_ref().map(|r| (r.source_status.as_str(), r.target_status.as_str(), r.transition_id.as_str()));
            assert_eq!(parsed, Ok(expected), "{body}");
        }
    }

    #[test]
    fn missing_source_names_both_places() {
        let body = r#"{"issue":{"key":"PAY-1"},"transition":{"to":{"id":"10002"}}}"#;
        let error = request(body).err();
        assert_eq!(error.as_ref().map(|e| e.field.as_str()), Some("transition.from.id"));
        let message = error.map(|e| e.message).unwrap_or_default();
        assert!(message.contains("configuration.source_status"), "{message}");
    }
}
