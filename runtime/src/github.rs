//! GitHub `pull_request` webhooks: verify the signature, classify risk from the PR counters and
//! attach it to every Jira issue key in the PR title and body.
//!
//! Only counters, the repository name, the PR number and the author's login are kept. No source,
//! diff or token is stored.

use serde_json::{json, Value};

use crate::issue_key::scan_issue_keys;
use crate::risk::{shortened_json, ChangeCounters, RiskMetadata, MAX_COUNTER};
use crate::risk_store::{RiskStore, RiskStoreError};
use crate::secure_compare::verify_github_signature;

/// PR actions whose counters are (re)computed; other actions are acknowledged and ignored.
const RISK_ACTIONS: [&str; 5] = [
    "opened",
    "synchronize",
    "reopened",
    "edited",
    "ready_for_review",
];

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("missing X-Hub-Signature-256 header; a webhook secret is configured")]
    SignatureMissing,
    #[error("X-Hub-Signature-256 does not match the body under the configured secret")]
    SignatureInvalid,
    #[error("invalid pull_request payload: {0}")]
    Malformed(String),
    #[error(transparent)]
    Store(#[from] RiskStoreError),
}

/// The headers of a webhook delivery that matter here.
#[derive(Clone, Copy, Debug, Default)]
pub struct WebhookHeaders<'a> {
    pub event: Option<&'a str>,
    pub signature: Option<&'a str>,
    pub delivery: Option<&'a str>,
}

/// Result of a webhook delivery: the HTTP status and the JSON body to return.
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookOutcome {
    pub status: u16,
    pub body: Value,
}

/// Handles one delivery. The signature is checked first when `secret` is set.
pub fn handle_webhook(
    body: &[u8],
    headers: WebhookHeaders<'_>,
    secret: Option<&[u8]>,
    store: &RiskStore,
) -> Result<WebhookOutcome, WebhookError> {
    if let Some(secret) = secret {
        let signature = headers.signature.ok_or(WebhookError::SignatureMissing)?;
        if !verify_github_signature(secret, body, signature) {
            return Err(WebhookError::SignatureInvalid);
        }
    }
    let payload: Value = crate::strict_json::parse(body)
        .map_err(|error| WebhookError::Malformed(format!("body is not JSON: {error}")))?;
    match headers.event.unwrap_or("pull_request") {
        "ping" => Ok(ignored("ping")),
        "pull_request" => handle_pull_request(&payload, store),
        other => Ok(ignored(other)),
    }
}

fn ignored(event: &str) -> WebhookOutcome {
    WebhookOutcome {
        status: 202,
        body: json!({"ignored": true, "event": event}),
    }
}

fn handle_pull_request(payload: &Value, store: &RiskStore) -> Result<WebhookOutcome, WebhookError> {
    let action = payload.get("action").and_then(Value::as_str).unwrap_or("");
    if !RISK_ACTIONS.contains(&action) {
        return Ok(ignored(&format!("pull_request.{action}")));
    }
    let pull_request = payload
        .get("pull_request")
        .ok_or_else(|| WebhookError::Malformed("missing `pull_request`".to_string()))?;
    let mut risk = RiskMetadata::from_counters(counters(pull_request)?, "github");
    risk.repo = payload
        .pointer("/repository/full_name")
        .and_then(Value::as_str)
        .map(str::to_string);
    risk.pr_number = pull_request.get("number").and_then(Value::as_u64);
    risk.pr_author = pull_request
        .pointer("/user/login")
        .and_then(Value::as_str)
        .map(str::to_string);
    risk.computed_at = Some(crate::clock::rfc3339_now());

    let keys = issue_keys(pull_request);
    for key in &keys {
        let stored = match store.get(key) {
            Ok(stored) => stored,
            // A row that cannot be read is replaced, so that new metadata repairs it.
            Err(error @ RiskStoreError::Unusable { .. }) => {
                tracing::warn!(issue_key = %key, %error, "replacing unusable stored risk metadata");
                None
            }
            Err(error) => return Err(error.into()),
        };
        if !lowers_other_pull_request(stored.as_ref(), &risk) {
            store.put(key, &risk)?;
        }
    }
    Ok(WebhookOutcome {
        status: 200,
        body: json!({
            "issue_keys": keys,
            "risk_level": risk.level.as_str(),
            "risk_score": risk.score,
            "repo": risk.repo,
            "pr_number": risk.pr_number,
        }),
    })
}

/// Whether storing `incoming` would lower the risk that another pull request attached.
///
/// An update of the same pull request replaces its metadata, so a PR that shrinks gets a lower
/// level. A different, smaller pull request that merely names the issue must not clear the risk
/// of a large one, or its author could lift a block by opening a one-line PR.
fn lowers_other_pull_request(stored: Option<&RiskMetadata>, incoming: &RiskMetadata) -> bool {
    let Some(stored) = stored else {
        return false;
    };
    let same_pull_request = stored.repo == incoming.repo && stored.pr_number == incoming.pr_number;
    !same_pull_request && incoming.level < stored.level
}

fn counters(pull_request: &Value) -> Result<ChangeCounters, WebhookError> {
    Ok(ChangeCounters {
        changed_files: counter(pull_request, "changed_files")?,
        additions: counter(pull_request, "additions")?,
        deletions: counter(pull_request, "deletions")?,
    })
}

/// Reads the counter `name` of the pull request: a JSON integer from 0 to [`MAX_COUNTER`].
fn counter(pull_request: &Value, name: &str) -> Result<u64, WebhookError> {
    let Some(value) = pull_request.get(name) else {
        return Err(WebhookError::Malformed(format!(
            "`pull_request.{name}` is missing"
        )));
    };
    value
        .as_u64()
        .filter(|count| *count <= MAX_COUNTER)
        .ok_or_else(|| {
            WebhookError::Malformed(format!(
                "`pull_request.{name}` is {}; expected a whole number from 0 to {MAX_COUNTER}",
                shortened_json(value)
            ))
        })
}

/// Most issue keys one pull request attaches risk to. GitHub gives up on a delivery after 10
/// seconds, and a body listing thousands of keys took longer than that to store.
pub const MAX_ISSUE_KEYS: usize = 50;

/// Issue keys from the PR title, then the body; each key once, at most [`MAX_ISSUE_KEYS`].
fn issue_keys(pull_request: &Value) -> Vec<String> {
    let title = pull_request
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("");
    let body = pull_request
        .get("body")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut keys = scan_issue_keys(&format!("{title}\n{body}"));
    keys.truncate(MAX_ISSUE_KEYS);
    keys
}
