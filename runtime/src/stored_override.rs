//! Overriding a stored BLOCKED decision (HTTP endpoint and `releasegate override`).

use serde_json::{json, Value};
use time::OffsetDateTime;

use compiler::maps::RoleMap;

use crate::ledger::{Entry, Ledger, LedgerError};
use crate::overrides::{validate_override, Actor, ChangeOwners, OverrideRejected, OverrideRequest};
use crate::service::{actor_name, append_override, Service};

/// Reasons an override of a stored decision was not applied.
#[derive(Debug, thiserror::Error)]
pub enum OverrideFailure {
    #[error("decision {0} not found in the ledger")]
    NotFound(String),
    #[error("decision {decision_id} is {status} and does not need an override")]
    NotBlocked { decision_id: String, status: String },
    #[error("decision {decision_id} was already overridden by {override_id}")]
    AlreadyOverridden {
        decision_id: String,
        override_id: String,
    },
    #[error("{0}")]
    Rejected(OverrideRejected),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("stored decision {0} has an unreadable payload")]
    Corrupt(String),
}

/// An applied (or already applied, identical) override.
#[derive(Clone, Debug)]
pub struct OverrideOutcome {
    pub response: Value,
    pub override_id: String,
    pub existed: bool,
}

/// Override request: the actor by Jira account id and/or email (the role map gives the roles),
/// the justification and the optional expiry.
#[derive(Clone, Debug, Default)]
pub struct OverrideInput {
    pub account_id: Option<String>,
    pub email: Option<String>,
    pub reason: Option<String>,
    pub expires_at: Option<String>,
}

impl Service {
    /// Validates and records an override of the stored decision `decision_id`, and counts it.
    pub fn override_decision(
        &self,
        decision_id: &str,
        input: &OverrideInput,
        now: OffsetDateTime,
    ) -> Result<OverrideOutcome, OverrideFailure> {
        let outcome = override_stored(&self.ledger, &self.roles, decision_id, input, now)?;
        if !outcome.existed {
            self.metrics.record_override();
        }
        Ok(outcome)
    }
}

/// Validates and records an override of the stored decision `decision_id`.
///
/// Separation of duties compares the actor with the decision's actor (account id and email) and
/// with the pull request author named by the decision's risk metadata.
pub fn override_stored(
    ledger: &Ledger,
    roles: &RoleMap,
    decision_id: &str,
    input: &OverrideInput,
    now: OffsetDateTime,
) -> Result<OverrideOutcome, OverrideFailure> {
    let entry = ledger
        .decision(decision_id)?
        .ok_or_else(|| OverrideFailure::NotFound(decision_id.to_string()))?;
    let payload = entry
        .payload_value()
        .map_err(|_| OverrideFailure::Corrupt(decision_id.to_string()))?;
    check_overridable(&payload, decision_id)?;

    let actor_roles = roles.roles_of(
        input.account_id.as_deref().unwrap_or(""),
        input.email.as_deref().unwrap_or(""),
    );
    let actor = Actor {
        account_id: input.account_id.clone(),
        email: input.email.clone(),
        roles: actor_roles,
    };
    let request = OverrideRequest {
        actor,
        reason: input.reason.clone(),
        expires_at: input.expires_at.clone(),
    };
    let may_override = roles.may_override(&request.actor.roles);
    let valid = validate_override(
        decision_id,
        &request,
        may_override,
        &owners_of(&payload),
        now,
    )
    .map_err(OverrideFailure::Rejected)?;

    if let Some(existing) = ledger.overrides_for(decision_id)?.first() {
        return existing_override(existing, &valid.override_id, decision_id);
    }
    // The writer checks again inside its write transaction. It returns the first override of
    // the decision instead of appending a second, which catches a concurrent override from this
    // process or another one on the same file.
    let appended = append_override(ledger, &payload, &valid)?;
    if appended.existed {
        return existing_override(&appended.entry, &valid.override_id, decision_id);
    }
    let response = json!({
        "allow": true,
        "status": "ALLOWED",
        "reason_code": "OVERRIDE_APPLIED",
        "reason": format!("override by {} applied: {}", actor_name(&valid.actor), valid.reason),
        "decision_id": decision_id,
        "override_id": valid.override_id,
        "actor": valid.actor.to_json(),
        "expires_at": valid.expires_at,
        "issue_key": payload.get("issue_key"),
        "ledger_seq": appended.entry.seq,
    });
    Ok(OverrideOutcome {
        response,
        override_id: valid.override_id,
        existed: false,
    })
}

fn check_overridable(payload: &Value, decision_id: &str) -> Result<(), OverrideFailure> {
    if payload.get("allow").and_then(Value::as_bool) == Some(false) {
        return Ok(());
    }
    let status = payload
        .get("response_status")
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    Err(OverrideFailure::NotBlocked {
        decision_id: decision_id.to_string(),
        status: status.to_string(),
    })
}

/// Returns the stored override when the same one is requested again, and rejects a different one.
fn existing_override(
    existing: &Entry,
    override_id: &str,
    decision_id: &str,
) -> Result<OverrideOutcome, OverrideFailure> {
    let stored_id = existing.override_id.clone().unwrap_or_default();
    if stored_id != override_id {
        return Err(OverrideFailure::AlreadyOverridden {
            decision_id: decision_id.to_string(),
            override_id: stored_id,
        });
    }
    let payload = existing.payload_value().unwrap_or(Value::Null);
    let response = json!({
        "allow": true,
        "status": "ALLOWED",
        "reason_code": "OVERRIDE_APPLIED",
        "reason": payload.get("reason"),
        "decision_id": decision_id,
        "override_id": stored_id,
        "actor": payload.get("actor"),
        "expires_at": payload.get("expires_at"),
        "issue_key": payload.get("issue_key"),
        "ledger_seq": existing.seq,
    });
    Ok(OverrideOutcome {
        response,
        override_id: stored_id,
        existed: true,
    })
}

fn owners_of(payload: &Value) -> ChangeOwners {
    let text = |pointer: &str| {
        payload
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    ChangeOwners {
        requester: Actor {
            account_id: text("/actor/account_id"),
            email: text("/actor/email"),
            roles: Vec::new(),
        },
        pr_author: text("/pr_author"),
    }
}
