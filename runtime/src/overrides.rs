//! Override rules: a justification is required, an expiry may not be in the past, only roles the
//! role map allows may override, and nobody may override a change they requested or authored
//! (separation of duties).

use serde::Serialize;
use serde_json::{json, Value};
use time::OffsetDateTime;
use vm::decision::ReasonCode;

use crate::canonical::to_canonical_json;
use crate::clock::{format_rfc3339, parse_rfc3339};

/// The acting person: a Jira account id, an email or both, with the roles the role map gives them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub account_id: Option<String>,
    pub email: Option<String>,
    pub roles: Vec<String>,
}

impl Actor {
    pub fn to_json(&self) -> Value {
        json!({"account_id": self.account_id, "email": self.email, "roles": self.roles})
    }

    /// Whether any identity of `self` equals `identity` (ASCII case-insensitive).
    fn is(&self, identity: &str) -> bool {
        let same = |mine: &Option<String>| {
            mine.as_deref()
                .is_some_and(|mine| mine.eq_ignore_ascii_case(identity))
        };
        same(&self.account_id) || same(&self.email)
    }
}

/// The people behind the change being overridden.
#[derive(Clone, Debug, Default)]
pub struct ChangeOwners {
    /// The actor of the blocked transition.
    pub requester: Actor,
    /// The pull request author's login from the risk metadata, when known.
    pub pr_author: Option<String>,
}

/// An override as requested, before validation.
#[derive(Clone, Debug)]
pub struct OverrideRequest {
    pub actor: Actor,
    pub reason: Option<String>,
    /// RFC 3339, for example `2026-12-31T00:00:00Z`.
    pub expires_at: Option<String>,
}

/// A validated override, ready to be recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidOverride {
    pub override_id: String,
    pub actor: Actor,
    pub reason: String,
    pub expires_at: Option<String>,
}

/// A rejected override: the reason code and a message naming the rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct OverrideRejected {
    pub reason_code: ReasonCode,
    pub message: String,
}

fn rejected(reason_code: ReasonCode, message: String) -> OverrideRejected {
    OverrideRejected {
        reason_code,
        message,
    }
}

/// Parses an expiry timestamp; the error text names the expected format.
pub fn parse_expiry(text: &str) -> Result<OffsetDateTime, String> {
    parse_rfc3339(text).ok_or_else(|| {
        format!("`{text}` is not an RFC 3339 timestamp such as 2026-12-31T00:00:00Z")
    })
}

/// Applies the override rules in order: justification, expiry, authorization, separation of
/// duties. `may_override` is the role map's verdict on the actor.
pub fn validate_override(
    decision_id: &str,
    request: &OverrideRequest,
    may_override: bool,
    owners: &ChangeOwners,
    now: OffsetDateTime,
) -> Result<ValidOverride, OverrideRejected> {
    let reason = request.reason.as_deref().map(str::trim).unwrap_or("");
    if reason.is_empty() {
        return Err(rejected(
            ReasonCode::OverrideJustificationRequired,
            "an override needs a justification (override_reason)".to_string(),
        ));
    }
    let expires_at = normalized_expiry(request.expires_at.as_deref(), now)?;
    if !may_override {
        return Err(rejected(
            ReasonCode::OverrideNotAuthorized,
            not_authorized_message(&request.actor),
        ));
    }
    check_separation_of_duties(&request.actor, owners)?;
    let seed = json!({
        "decision_id": decision_id,
        "actor": request.actor.to_json(),
        "reason": reason,
        "expires_at": expires_at,
    });
    let override_id = crate::hex::sha256_hex(to_canonical_json(&seed).as_bytes());
    Ok(ValidOverride {
        override_id,
        actor: request.actor.clone(),
        reason: reason.to_string(),
        expires_at,
    })
}

fn normalized_expiry(
    expires_at: Option<&str>,
    now: OffsetDateTime,
) -> Result<Option<String>, OverrideRejected> {
    let Some(text) = expires_at else {
        return Ok(None);
    };
    let moment =
        parse_expiry(text).map_err(|message| rejected(ReasonCode::OverrideExpired, message))?;
    if moment <= now {
        return Err(rejected(
            ReasonCode::OverrideExpired,
            format!("the override expiry {text} is in the past"),
        ));
    }
    Ok(Some(format_rfc3339(moment)))
}

fn not_authorized_message(actor: &Actor) -> String {
    let who = actor
        .account_id
        .as_deref()
        .or(actor.email.as_deref())
        .unwrap_or("unknown actor");
    let roles = if actor.roles.is_empty() {
        "none".to_string()
    } else {
        actor.roles.join(", ")
    };
    format!("{who} (roles: {roles}) holds no role that the role map allows to override")
}

fn check_separation_of_duties(
    actor: &Actor,
    owners: &ChangeOwners,
) -> Result<(), OverrideRejected> {
    let requester = &owners.requester;
    let requested = [&requester.account_id, &requester.email]
        .into_iter()
        .flatten()
        .any(|identity| actor.is(identity));
    if requested {
        return Err(rejected(
            ReasonCode::SodSelfOverride,
            "separation of duties: the actor who requested the transition may not override it"
                .to_string(),
        ));
    }
    if owners
        .pr_author
        .as_deref()
        .is_some_and(|author| actor.is(author))
    {
        return Err(rejected(
            ReasonCode::SodSelfOverride,
            "separation of duties: the pull request author may not override its block".to_string(),
        ));
    }
    Ok(())
}
