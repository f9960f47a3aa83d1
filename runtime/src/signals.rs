//! Resolution of the signals of a transition check into the decision's input snapshot.
//!
//! Sources, in this order: the request fields, the role map (actor roles), the risk metadata
//! (request, local risk store or Jira), the receive time at hour granularity, and the request's
//! `signals` object for every other declared signal.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use crate::request::{RequestError, TransitionRequest};
use crate::risk::RiskMetadata;

/// The input snapshot: dotted signal name to value. Missing signals are absent.
pub type Snapshot = BTreeMap<String, Value>;

/// Signals that the runtime derives itself; the request's `signals` object may not set them.
pub const DERIVED_SIGNALS: [&str; 21] = [
    "environment",
    "transition.id",
    "transition.name",
    "transition.source_status",
    "transition.target_status",
    "issue.key",
    "issue.type",
    "project.key",
    "actor.account_id",
    "actor.email",
    "actor.roles",
    "risk.level",
    "risk.score",
    "core_risk.severity_level",
    "change.changed_files",
    "change.additions",
    "change.deletions",
    "change.total_churn",
    "time.utc_hour",
    "time.weekday",
    "time.date",
];

/// Everything the resolver reads besides the request.
pub struct SignalSources<'a> {
    /// The actor's roles from the role map, sorted and unique.
    pub roles: &'a [String],
    pub risk: Option<&'a RiskMetadata>,
    pub received_at: OffsetDateTime,
    /// Signal names declared in the bundle; extra signals must be among them.
    pub declared: &'a BTreeSet<String>,
}

/// Builds the input snapshot. Fails, naming the field, when the `signals` object shadows a
/// derived signal, names an undeclared signal or sets one signal twice.
pub fn resolve_signals(
    request: &TransitionRequest,
    sources: &SignalSources<'_>,
) -> Result<Snapshot, RequestError> {
    let mut snapshot = Snapshot::new();
    insert_request_signals(&mut snapshot, request, sources.roles);
    if let Some(risk) = sources.risk {
        insert_risk_signals(&mut snapshot, risk);
    }
    insert_time_signals(&mut snapshot, sources.received_at);
    for (name, value) in flatten_signals(&request.signals)? {
        check_extra_signal(&name, &snapshot, sources.declared)?;
        snapshot.insert(name, value);
    }
    Ok(snapshot)
}

fn insert_request_signals(snapshot: &mut Snapshot, request: &TransitionRequest, roles: &[String]) {
    let mut put = |name: &str, value: Option<&String>| {
        if let Some(value) = value {
            snapshot.insert(name.to_string(), json!(value));
        }
    };
    put(
        "environment",
        Some(&request.environment.as_str().to_string()),
    );
    put("transition.id", Some(&request.transition_id));
    put("transition.name", request.transition_name.as_ref());
    put("transition.source_status", Some(&request.source_status));
    put("transition.target_status", Some(&request.target_status));
    put("issue.key", Some(&request.issue_key));
    put("issue.type", request.issue_type.as_ref());
    put("project.key", Some(&request.project_key));
    put("actor.account_id", Some(&request.actor_account_id));
    put("actor.email", request.actor_email.as_ref());
    snapshot.insert("actor.roles".to_string(), json!(roles));
}

fn insert_risk_signals(snapshot: &mut Snapshot, risk: &RiskMetadata) {
    snapshot.insert("risk.level".to_string(), json!(risk.level.as_str()));
    snapshot.insert("risk.score".to_string(), json!(risk.score));
    snapshot.insert(
        "core_risk.severity_level".to_string(),
        json!(risk.level.as_str()),
    );
    if let Some(counters) = risk.counters {
        snapshot.insert(
            "change.changed_files".to_string(),
            json!(counters.changed_files),
        );
        snapshot.insert("change.additions".to_string(), json!(counters.additions));
        snapshot.insert("change.deletions".to_string(), json!(counters.deletions));
        snapshot.insert(
            "change.total_churn".to_string(),
            json!(counters.total_churn()),
        );
    }
}

/// Time signals at hour granularity, so that identical requests within one UTC hour resolve to
/// the same snapshot (and so the same decision id).
fn insert_time_signals(snapshot: &mut Snapshot, received_at: OffsetDateTime) {
    let utc = received_at.to_offset(time::UtcOffset::UTC);
    let date = utc.date();
    snapshot.insert("time.utc_hour".to_string(), json!(utc.hour()));
    snapshot.insert(
        "time.weekday".to_string(),
        json!(weekday_name(date.weekday())),
    );
    let text = format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    );
    snapshot.insert("time.date".to_string(), json!(text));
}

/// Weekday names as the signal schema's enum spells them.
fn weekday_name(weekday: time::Weekday) -> &'static str {
    match weekday {
        time::Weekday::Monday => "MONDAY",
        time::Weekday::Tuesday => "TUESDAY",
        time::Weekday::Wednesday => "WEDNESDAY",
        time::Weekday::Thursday => "THURSDAY",
        time::Weekday::Friday => "FRIDAY",
        time::Weekday::Saturday => "SATURDAY",
        time::Weekday::Sunday => "SUNDAY",
    }
}

fn check_extra_signal(
    name: &str,
    snapshot: &Snapshot,
    declared: &BTreeSet<String>,
) -> Result<(), RequestError> {
    let field = format!("signals.{name}");
    if DERIVED_SIGNALS.contains(&name) {
        return Err(RequestError::new(
            field,
            "this signal is derived from the request, the role map, the risk metadata or the \
             receive time and may not be set in `signals`",
        ));
    }
    if !declared.contains(name) {
        return Err(RequestError::new(
            field,
            "unknown signal; declare it in signals.yaml",
        ));
    }
    if snapshot.contains_key(name) {
        return Err(RequestError::new(
            field,
            "signal set twice (nested and dotted keys)",
        ));
    }
    Ok(())
}

/// Flattens nested objects into dotted names; non-object values are leaves.
fn flatten_signals(signals: &Map<String, Value>) -> Result<Vec<(String, Value)>, RequestError> {
    let mut leaves = Vec::new();
    flatten_into("", signals, &mut leaves);
    let mut seen = BTreeSet::new();
    for (name, _) in &leaves {
        if !seen.insert(name.clone()) {
            return Err(RequestError::new(
                format!("signals.{name}"),
                "signal set twice (nested and dotted keys)",
            ));
        }
    }
    Ok(leaves)
}

fn flatten_into(prefix: &str, object: &Map<String, Value>, leaves: &mut Vec<(String, Value)>) {
    for (key, value) in object {
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Object(inner) => flatten_into(&name, inner, leaves),
            leaf => leaves.push((name, leaf.clone())),
        }
    }
}

/// The snapshot as one JSON object with dotted keys, the form the VM reads.
pub fn snapshot_to_value(snapshot: &Snapshot) -> Value {
    Value::Object(
        snapshot
            .iter()
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect(),
    )
}
