//! The Forge `jira:workflowValidator` payload, mapped to a transition check.
//!
//! Forge sends the issue key, the source and target status ids and the validator's
//! configuration. The payload is parsed leniently: unknown keys are ignored, but a field that is
//! read must be a string or a number. Mapping:
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
use crate::request::{
    project_of, wrong_type, ContextOverrides, Environment, RequestError, TransitionRequest,
};

/// The actor recorded when the Forge payload names none.
pub const FORGE_ACTOR: &str = "forge-validator";

/// Maps a Forge validator payload to a transition request.
///
/// A field that is read must be a string or a number when present. Absent, `null` and blank
/// fields count as missing, and a field of another type is a 400 that names it.
pub fn forge_to_request(body: &[u8]) -> Result<TransitionRequest, RequestError> {
    let value: Value = crate::strict_json::parse(body)
        .map_err(|error| RequestError::new("body", format!("malformed JSON: {error}")))?;
    let text = |path: &str| scalar_field(&value, path);
    let issue_key = text("issue.key")?
        .ok_or_else(|| RequestError::new("issue.key", "missing required field"))?;
    if !is_issue_key(&issue_key) {
        return Err(RequestError::new(
            "issue.key",
            format!("`{issue_key}` is not a Jira issue key"),
        ));
    }
    let source_status = first_field(
        &value,
        &["configuration.source_status", "transition.from.id"],
    )?
    .ok_or_else(|| status_missing("from", "source_status"))?;
    let target_status = first_field(&value, &["configuration.target_status", "transition.to.id"])?
        .ok_or_else(|| status_missing("to", "target_status"))?;
    let environment = match text("configuration.environment")? {
        Some(name) => Environment::parse(&name).ok_or_else(|| {
            RequestError::new(
                "configuration.environment",
                format!("`{name}` is not one of {}", Environment::NAMES.join(", ")),
            )
        })?,
        None => Environment::Unknown,
    };
    let transition_id = first_field(&value, &["transition.id", "configuration.transition_id"])?
        .unwrap_or_else(|| format!("{source_status}->{target_status}"));
    let project_key = match text("configuration.project_key")? {
        Some(key) => key,
        None => project_of(&issue_key),
    };
    Ok(TransitionRequest {
        project_key,
        transition_id,
        transition_name: first_field(
            &value,
            &["transition.name", "configuration.transition_name"],
        )?,
        source_status,
        target_status,
        actor_account_id: first_field(&value, &["accountId", "user.accountId"])?
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

/// Reads the first of `paths` that is present. A later path is not read, so a value of the
/// wrong type there is ignored when an earlier path gives a value.
fn first_field(value: &Value, paths: &[&str]) -> Result<Option<String>, RequestError> {
    for path in paths {
        if let Some(text) = scalar_field(value, path)? {
            return Ok(Some(text));
        }
    }
    Ok(None)
}

/// Reads the id or name at the dotted `path` as text, because Jira sends ids as strings or
/// numbers.
///
/// Returns `None` when the field or an object above it is absent, `null` or a blank string. A
/// field that is not a string or a number, or a parent that is not an object, is an error that
/// names it.
fn scalar_field(value: &Value, path: &str) -> Result<Option<String>, RequestError> {
    let mut current = value;
    let mut walked = String::new();
    for segment in path.split('.') {
        let object = match current {
            Value::Object(object) => object,
            Value::Null => return Ok(None),
            other if walked.is_empty() => return Err(wrong_type("body", "an object", other)),
            other => return Err(wrong_type(&walked, "an object", other)),
        };
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(segment);
        match object.get(segment) {
            Some(next) => current = next,
            None => return Ok(None),
        }
    }
    match current {
        Value::Null => Ok(None),
        Value::String(text) if text.trim().is_empty() => Ok(None),
        Value::String(text) => Ok(Some(text.clone())),
        Value::Number(number) => Ok(Some(number_text(number))),
        other => Err(wrong_type(path, "a string or a number", other)),
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
            // 2^53 as a float is still read as an integer; 2^53 + 2 and 1e20 keep the float text.
            ("9007199254740992.0", "9007199254740994.0", "1e20", ("9007199254740994.0", "1e+20", "9007199254740992")),
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

    #[test]
    fn wrong_type_names_field() {
        // (JSON body, field named in the error, type named in the message).
        let cases = [
            (r#"{"issue":{"key":"PAY-1"},"transition":{"from":{"id":"1"},"to":{"id":true}}}"#, "transition.to.id", "a boolean"),
            (r#"{"issue":{"key":"PAY-1"},"transition":{"from":{"id":{"v":1}},"to":{"id":"2"}}}"#, "transition.from.id", "an object"),
            (r#"{"issue":{"key":"PAY-1"},"transition":{"from":{"id":"1"},"to":{"id":[2]}}}"#, "transition.to.id", "an array"),
            (r#"{"issue":{"key":"PAY-1"},"transition":{"id":false,"from":{"id":"1"},"to":{"id":"2"}}}"#, "transition.id", "a boolean"),
            (r#"{"issue":{"key":["PAY-1"]},"transition":{"from":{"id":"1"},"to":{"id":"2"}}}"#, "issue.key", "an array"),
            (r#"{"issue":{"key":"PAY-1"},"transition":{"to":{"id":"2"}},"configuration":{"source_status":{}}}"#, "configuration.source_status", "an object"),
            (r#"{"issue":{"key":"PAY-1"},"transition":{"from":{"id":"1"}},"configuration":{"target_status":true}}"#, "configuration.target_status", "a boolean"),
            (r#"{"issue":{"key":"PAY-1"},"transition":{"from":{"id":"1"},"to":{"id":"2"}},"configuration":{"environment":["DEV"]}}"#, "configuration.environment", "an array"),
            (r#"{"issue":{"key":"PAY-1"},"transition":{"from":{"id":"1"},"to":{"id":"2"}},"configuration":{"transition_id":{}}}"#, "configuration.transition_id", "an object"),
            (r#"{"issue":{"key":"PAY-1"},"transition":{"from":{"id":"1"},"to":{"id":"2"}},"configuration":{"project_key":true}}"#, "configuration.project_key", "a boolean"),
            (r#"{"issue":{"key":"PAY-1"},"transition":{"from":{"id":"1"},"to":{"id":"2"}},"configuration":{"transition_name":[]}}"#, "configuration.transition_name", "an array"),
            (r#"{"issue":{"key":"PAY-1"},"transition":{"from":{"id":"1"},"to":"2"}}"#, "transition.to", "a string"),
            (r#"{"issue":"PAY-1"}"#, "issue", "a string"),
            (r#"[1]"#, "body", "an array"),
        ];
        for (body, field, found) in cases {
            let error = request(body).err();
            assert_eq!(error.as_ref().map(|e| e.field.as_str()), Some(field), "{body}");
            let message = error.map(|e| e.message).unwrap_or_default();
            assert!(message.ends_with(&format!("found {found}")), "{body}: {message}");
            let expected = if field == "transition.to" || field == "issue" || field == "body" {
                "expected an object"
            } else {
                "expected a string or a number"
            };
            assert!(message.starts_with(expected), "{body}: {message}");
        }
    }

    #[test]
    fn unread_fallback_is_not_checked() {
        let body = r#"{"issue":{"key":"PAY-1"},"transition":{"from":{"id":true},"to":{"id":"2"}},
            "configuration":{"source_status":"Ready for Release"}}"#;
        let parsed = request(body).map(|r| r.source_status);
        assert_eq!(parsed.map_err(|e| e.message), Ok("Ready for Release".to_string()));
    }

    #[test]
    fn null_and_blank_count_as_missing() {
        let body = r#"{"issue":{"key":"PAY-1"},"transition":{"from":{"id":null},"to":{"id":"2"}},
            "configuration":{"source_status":"  "}}"#;
        let error = request(body).err();
        assert_eq!(error.as_ref().map(|e| e.field.as_str()), Some("transition.from.id"));
        let message = error.map(|e| e.message).unwrap_or_default();
        assert!(message.starts_with("missing required field"), "{message}");
    }
}
