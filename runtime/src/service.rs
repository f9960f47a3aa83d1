//! The transition check use case, independent of HTTP: the server, the CLI and the demo call it
//! in process.

use std::collections::BTreeSet;
use std::path::Path;

use compiler::maps::{RoleMap, TransitionMap};
use serde_json::{json, Value};
use time::OffsetDateTime;
use vm::decision::{combine, Mode, ReasonCode, Status};
use vm::{Bundle, EvalOptions, Frame, InputError, PolicyIdx};

use crate::decision::{self, Evaluation};
use crate::jira::{JiraClient, JiraConfig};
use crate::ledger::{EntryKind, Ledger, LedgerError, NewEntry};
use crate::metrics::Metrics;
use crate::overrides::{
    parse_expiry, validate_override, Actor, ChangeOwners, OverrideRequest, ValidOverride,
};
use crate::request::{RequestError, TransitionRequest};
use crate::risk::RiskMetadata;
use crate::risk_store::{RiskStore, RiskStoreError};
use crate::signals::{
    resolve_signals, snapshot_to_value, SignalSources, Snapshot, DERIVED_SIGNALS,
};

/// Everything a service needs besides its database.
pub struct ServiceConfig {
    pub bundle: Bundle,
    pub transitions: TransitionMap,
    pub roles: RoleMap,
    pub mode: Mode,
    pub jira: Option<JiraConfig>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    RiskStore(#[from] RiskStoreError),
}

/// Failure of a transition check that recorded no decision.
#[derive(Debug)]
pub enum CheckError {
    /// The request is invalid (HTTP 400); nothing was written.
    Invalid(RequestError),
    /// The decision could not be read or stored; `response` is the ERROR decision to return.
    Storage { response: Value, message: String },
}

impl From<RequestError> for CheckError {
    fn from(error: RequestError) -> CheckError {
        CheckError::Invalid(error)
    }
}

/// A recorded decision.
#[derive(Clone, Debug)]
pub struct CheckOutcome {
    pub response: Value,
    pub decision_id: String,
    /// True when the same decision was already stored and nothing was appended.
    pub existed: bool,
}

pub struct Service {
    pub(crate) bundle: Bundle,
    pub(crate) transitions: TransitionMap,
    pub(crate) roles: RoleMap,
    pub(crate) mode: Mode,
    pub(crate) ledger: Ledger,
    pub(crate) risk_store: RiskStore,
    jira: Option<JiraClient>,
    pub(crate) metrics: Metrics,
    declared: BTreeSet<String>,
}

impl Service {
    /// Opens the ledger at `db` (creating it when missing), then the risk store in the same file.
    pub fn open(config: ServiceConfig, db: &Path) -> Result<Service, ServiceError> {
        let ledger = Ledger::open(db)?;
        let risk_store = RiskStore::open(db)?;
        let declared = config
            .bundle
            .signals()
            .iter()
            .map(|signal| signal.name.clone())
            .collect();
        Ok(Service {
            bundle: config.bundle,
            transitions: config.transitions,
            roles: config.roles,
            mode: config.mode,
            ledger,
            risk_store,
            jira: config.jira.map(JiraClient::new),
            metrics: Metrics::default(),
            declared,
        })
    }

    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    pub fn risk_store(&self) -> &RiskStore {
        &self.risk_store
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Returns the roles the role map gives an actor.
    pub fn roles_of(&self, account_id: Option<&str>, email: Option<&str>) -> Vec<String> {
        self.roles
            .roles_of(account_id.unwrap_or(""), email.unwrap_or(""))
    }

    /// Decides a transition check: resolves signals, evaluates the mapped policies, applies an
    /// inline override and records the decision. A repeated identical request (same bundle, mode,
    /// request and snapshot) returns the stored decision and appends nothing.
    pub fn check(
        &self,
        request: &TransitionRequest,
        received_at: OffsetDateTime,
    ) -> Result<CheckOutcome, CheckError> {
        let risk = self.risk_for(request)?;
        let roles = self.roles_of(
            Some(&request.actor_account_id),
            request.actor_email.as_deref(),
        );
        let sources = SignalSources {
            roles: &roles,
            risk: risk.as_ref(),
            received_at,
            declared: &self.declared,
        };
        let snapshot = resolve_signals(request, &sources)?;
        let frame = self
            .bundle
            .frame_from_value(&snapshot_to_value(&snapshot))
            .map_err(input_error)?;
        let inline_override = inline_override_request(request, &roles)?;
        let decision_id =
            decision::decision_id(self.bundle.bundle_hash(), self.mode, request, &snapshot);
        let storage = |error: LedgerError| self.storage_failure(request, &decision_id, &error);

        // A repeated request is found by the ledger writer, which looks the decision id up in
        // the same write transaction, so no separate read runs before the evaluation.
        let evaluation = self.evaluate(request, &frame, risk.is_some());
        let context = DecisionContext {
            request,
            snapshot: &snapshot,
            risk: risk.as_ref(),
            roles: &roles,
            decision_id: &decision_id,
        };
        let applied =
            self.apply_inline_override(&context, &evaluation, inline_override, received_at);
        let payload = self.decision_payload(&context, &evaluation, &applied);
        let response = decision::response_from_payload(&payload);
        let tally = decision_tally(&payload);
        // The payload moves into the ledger entry, so only an applied override, which needs the
        // decision's fields for its own entry, keeps a copy.
        let override_source = match &applied {
            Ok(Some(valid)) => Some((valid, payload.clone())),
            _ => None,
        };
        let appended = self
            .ledger
            .append(decision_entry(request, payload))
            .map_err(storage)?;
        if appended.existed {
            return self.stored_outcome(&appended.entry).map_err(storage);
        }
        if let Some((valid, decision)) = &override_source {
            append_override(&self.ledger, decision, valid).map_err(storage)?;
        }
        self.record(tally);
        Ok(CheckOutcome {
            response,
            decision_id,
            existed: false,
        })
    }

    /// Risk metadata from the request, else the local risk store, else Jira (when configured).
    /// A store or Jira failure is logged here, and the check goes on without risk metadata.
    fn risk_for(&self, request: &TransitionRequest) -> Result<Option<RiskMetadata>, RequestError> {
        if let Some(value) = &request.releasegate_risk {
            let risk = RiskMetadata::from_property(value, "request").map_err(|error| {
                let field = match error.path() {
                    "" => "releasegate_risk".to_string(),
                    path => format!("releasegate_risk.{path}"),
                };
                RequestError::new(field, error.problem())
            })?;
            return Ok(Some(risk));
        }
        match self.risk_store.get(&request.issue_key) {
            Ok(Some(risk)) => return Ok(Some(risk)),
            Ok(None) => {}
            Err(error) => {
                tracing::error!(issue_key = %request.issue_key, %error, "risk store read failed; treating risk metadata as missing")
            }
        }
        let Some(jira) = &self.jira else {
            return Ok(None);
        };
        match jira.risk_property(&request.issue_key) {
            Ok(risk) => Ok(risk),
            Err(error) => {
                tracing::warn!(issue_key = %request.issue_key, %error, "Jira risk property read failed; treating risk metadata as missing");
                Ok(None)
            }
        }
    }

    /// Looks up the mapped policies and evaluates them; the early exits follow the reason-code
    /// table (no mapping, unknown reference, no risk metadata).
    fn evaluate(&self, request: &TransitionRequest, frame: &Frame, has_risk: bool) -> Evaluation {
        let strict = self.mode == Mode::Strict;
        let references = self.mapped_references(request);
        if references.is_empty() {
            return no_policies_mapped(request, strict);
        }
        let invalid: Vec<&str> = references
            .iter()
            .filter(|r| self.bundle.resolve_ref(r).is_empty())
            .map(String::as_str)
            .collect();
        if !invalid.is_empty() {
            return invalid_references(&invalid, strict);
        }
        if !has_risk {
            return missing_risk(request, strict);
        }
        let mut indexes: Vec<PolicyIdx> = Vec::new();
        for index in references
            .iter()
            .flat_map(|reference| self.bundle.resolve_ref(reference))
        {
            if !indexes.contains(&index) {
                indexes.push(index);
            }
        }
        let options = EvalOptions {
            trace: true,
            ..EvalOptions::default()
        };
        let results = self.bundle.evaluate(frame, &indexes, &options);
        let combined = combine(&results, self.mode);
        let (requirements, unlock_conditions) =
            decision::unlock_details(&results, self.bundle.policies());
        Evaluation {
            status: combined.status,
            reason_code: combined.reason_code,
            reason: combined.reason,
            results,
            requirements,
            unlock_conditions,
        }
    }

    fn mapped_references(&self, request: &TransitionRequest) -> Vec<String> {
        let found = self.transitions.lookup(
            request.environment.as_str(),
            &request.project_key,
            &request.transition_id,
            &request.source_status,
            &request.target_status,
            request.transition_name.as_deref().unwrap_or(""),
        );
        found.map(<[String]>::to_vec).unwrap_or_default()
    }

    /// Applies `context_overrides.override` to a decision that does not allow. `Ok(None)`: no
    /// override requested or nothing to override.
    fn apply_inline_override(
        &self,
        context: &DecisionContext<'_>,
        evaluation: &Evaluation,
        request: Option<OverrideRequest>,
        now: OffsetDateTime,
    ) -> Result<Option<ValidOverride>, crate::overrides::OverrideRejected> {
        let Some(request) = request else {
            return Ok(None);
        };
        let environment = context.request.environment;
        let status = decision::response_status(evaluation.status, environment);
        if decision::allows(status, self.mode, environment) {
            return Ok(None);
        }
        // The requester overrides inline, so separation of duties is checked against the pull
        // request's author only.
        let owners = ChangeOwners {
            requester: Actor::default(),
            pr_author: context.risk.and_then(|risk| risk.pr_author.clone()),
        };
        let may_override = self.roles.may_override(&request.actor.roles);
        validate_override(context.decision_id, &request, may_override, &owners, now).map(Some)
    }

    fn decision_payload(
        &self,
        context: &DecisionContext<'_>,
        evaluation: &Evaluation,
        applied: &Result<Option<ValidOverride>, crate::overrides::OverrideRejected>,
    ) -> Value {
        let request = context.request;
        let environment = request.environment;
        let (status, reason_code, reason, override_value) = match applied {
            Ok(Some(valid)) => {
                let reason = format!(
                    "override by {} applied: {}",
                    actor_name(&valid.actor),
                    valid.reason
                );
                (
                    Status::Allowed,
                    ReasonCode::OverrideApplied,
                    reason,
                    override_json(valid),
                )
            }
            Ok(None) => (
                evaluation.status,
                evaluation.reason_code,
                evaluation.reason.clone(),
                Value::Null,
            ),
            Err(rejected) => (
                Status::Blocked,
                rejected.reason_code,
                rejected.message.clone(),
                Value::Null,
            ),
        };
        let response_status = decision::response_status(status, environment);
        let overrides = &request.context_overrides;
        let risk = context.risk;
        let repo = overrides
            .repo
            .clone()
            .or_else(|| risk.and_then(|risk| risk.repo.clone()));
        let pr_number = overrides
            .pr_number
            .or_else(|| risk.and_then(|risk| risk.pr_number));
        let policies: Vec<Value> = evaluation
            .results
            .iter()
            .map(decision::policy_json)
            .collect();
        let inputs_present: Vec<&String> = context
            .snapshot
            .iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(name, _)| name)
            .collect();
        json!({
            "type": "decision",
            "decision_id": context.decision_id,
            "status": status.as_str(),
            "response_status": response_status.as_str(),
            "allow": decision::allows(response_status, self.mode, environment),
            "reason_code": reason_code.as_str(),
            "reason": reason,
            "mode": decision::mode_name(self.mode),
            "issue_key": request.issue_key,
            "project_key": request.project_key,
            "issue_type": request.issue_type,
            "environment": environment.as_str(),
            "transition": {
                "id": request.transition_id,
                "name": request.transition_name,
                "source_status": request.source_status,
                "target_status": request.target_status,
            },
            "actor": {"account_id": request.actor_account_id, "email": request.actor_email, "roles": context.roles},
            "repo": repo,
            "pr_number": pr_number,
            "ref": overrides.git_ref,
            "pr_author": risk.and_then(|risk| risk.pr_author.clone()),
            "risk_source": risk.map(|risk| risk.source.clone()),
            "bundle_hash": self.bundle.bundle_hash(),
            "policies": policies,
            "input_snapshot": snapshot_to_value(context.snapshot),
            "inputs_present": inputs_present,
            "requirements": evaluation.requirements,
            "unlock_conditions": evaluation.unlock_conditions,
            "evaluated": {
                "status": evaluation.status.as_str(),
                "reason_code": evaluation.reason_code.as_str(),
                "reason": evaluation.reason,
            },
            "override_id": override_value.get("override_id").cloned().unwrap_or(Value::Null),
            "override": override_value,
            "trace": decision::trace_json(&evaluation.results),
        })
    }

    /// Builds the response for a decision found in the ledger. A stored OVERRIDE_APPLIED decision whose
    /// override entry is missing (the process stopped between the two appends) gets it now.
    fn stored_outcome(&self, entry: &crate::ledger::Entry) -> Result<CheckOutcome, LedgerError> {
        let payload = entry.payload_value().unwrap_or(Value::Null);
        if let Some(valid) = override_from_payload(&payload) {
            if self.ledger.overrides_for(&entry.decision_id)?.is_empty() {
                append_override(&self.ledger, &payload, &valid)?;
            }
        }
        self.count(&payload);
        Ok(CheckOutcome {
            response: decision::response_from_payload(&payload),
            decision_id: entry.decision_id.clone(),
            existed: true,
        })
    }

    fn count(&self, payload: &Value) {
        self.record(decision_tally(payload));
    }

    fn record(&self, tally: Option<(Status, ReasonCode)>) {
        if let Some((status, code)) = tally {
            self.metrics.record_decision(status, code);
        }
    }

    /// Builds the ERROR decision returned when the ledger fails; it is not recorded.
    fn storage_failure(
        &self,
        request: &TransitionRequest,
        decision_id: &str,
        error: &LedgerError,
    ) -> CheckError {
        let environment = request.environment;
        let allow = decision::allows(Status::Error, self.mode, environment);
        tracing::error!(decision_id, issue_key = %request.issue_key, %error, "ledger failure during a transition check");
        self.metrics.record_error();
        let response = json!({
            "allow": allow,
            "status": Status::Error.as_str(),
            "reason_code": ReasonCode::SystemError.as_str(),
            "reason": format!("the decision could not be recorded: {error}"),
            "decision_id": decision_id,
            "policy_hash": self.bundle.bundle_hash(),
            "requirements": [],
            "unlock_conditions": [],
            "policies": [],
            "override_id": null,
            "issue_key": request.issue_key,
            "environment": environment.as_str(),
            "mode": decision::mode_name(self.mode),
        });
        CheckError::Storage {
            response,
            message: error.to_string(),
        }
    }
}

/// The parts of one check that the payload needs.
pub(crate) struct DecisionContext<'a> {
    request: &'a TransitionRequest,
    snapshot: &'a Snapshot,
    risk: Option<&'a RiskMetadata>,
    roles: &'a [String],
    decision_id: &'a str,
}

/// Returns the metrics key of a decision payload: its response status, and whether an
/// override was applied (`OverrideApplied`, else `PolicyAllowed`).
fn decision_tally(payload: &Value) -> Option<(Status, ReasonCode)> {
    let status = payload
        .get("response_status")
        .and_then(Value::as_str)
        .and_then(parse_status)?;
    let reason = payload.get("reason_code").and_then(Value::as_str);
    let code = if reason == Some(ReasonCode::OverrideApplied.as_str()) {
        ReasonCode::OverrideApplied
    } else {
        ReasonCode::PolicyAllowed
    };
    Some((status, code))
}

fn decision_entry(request: &TransitionRequest, payload: Value) -> NewEntry {
    let text = |name: &str| {
        payload
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    NewEntry {
        kind: EntryKind::Decision,
        decision_id: text("decision_id").unwrap_or_default(),
        override_id: None,
        repo: text("repo"),
        issue_key: Some(request.issue_key.clone()),
        payload,
    }
}

fn inline_override_request(
    request: &TransitionRequest,
    roles: &[String],
) -> Result<Option<OverrideRequest>, RequestError> {
    let overrides = &request.context_overrides;
    if !overrides.override_requested {
        return Ok(None);
    }
    if let Some(expires_at) = &overrides.override_expires_at {
        parse_expiry(expires_at).map_err(|message| {
            RequestError::new("context_overrides.override_expires_at", message)
        })?;
    }
    Ok(Some(OverrideRequest {
        actor: Actor {
            account_id: Some(request.actor_account_id.clone()),
            email: request.actor_email.clone(),
            roles: roles.to_vec(),
        },
        reason: overrides.override_reason.clone(),
        expires_at: overrides.override_expires_at.clone(),
    }))
}

fn override_json(valid: &ValidOverride) -> Value {
    json!({
        "override_id": valid.override_id,
        "actor": valid.actor.to_json(),
        "reason": valid.reason,
        "expires_at": valid.expires_at,
    })
}

fn override_from_payload(payload: &Value) -> Option<ValidOverride> {
    let object = payload.get("override")?.as_object()?;
    let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_string);
    let actor = object.get("actor")?;
    let roles = actor
        .get("roles")
        .and_then(Value::as_array)
        .map(|roles| {
            roles
                .iter()
                .filter_map(|r| r.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Some(ValidOverride {
        override_id: text(object.get("override_id"))?,
        actor: Actor {
            account_id: text(actor.get("account_id")),
            email: text(actor.get("email")),
            roles,
        },
        reason: text(object.get("reason"))?,
        expires_at: text(object.get("expires_at")),
    })
}

pub(crate) fn actor_name(actor: &Actor) -> String {
    actor
        .account_id
        .clone()
        .or_else(|| actor.email.clone())
        .unwrap_or_else(|| "unknown actor".to_string())
}

pub(crate) fn parse_status(text: &str) -> Option<Status> {
    [
        Status::Allowed,
        Status::Blocked,
        Status::Skipped,
        Status::Error,
        Status::Conditional,
    ]
    .into_iter()
    .find(|status| status.as_str() == text)
}

/// Maps a VM input error to a 400 naming the field: `signals.NAME` for signals the request's
/// `signals` object set, the signal name otherwise.
fn input_error(error: InputError) -> RequestError {
    let signal = match &error {
        InputError::WrongType { signal, .. }
        | InputError::NotInEnum { signal, .. }
        | InputError::Duplicate { signal } => signal.clone(),
        InputError::NotAnObject { path, .. } => path.clone(),
        InputError::Json(_) => "signals".to_string(),
    };
    let field = if DERIVED_SIGNALS.contains(&signal.as_str()) {
        signal
    } else {
        format!("signals.{signal}")
    };
    RequestError::new(field, error.to_string())
}

fn no_policies_mapped(request: &TransitionRequest, strict: bool) -> Evaluation {
    let (status, code) = if strict {
        (Status::Blocked, ReasonCode::NoPoliciesMappedStrict)
    } else {
        (Status::Skipped, ReasonCode::NoPoliciesMapped)
    };
    let reason = format!(
        "no policy is mapped to transition {} ({} -> {}) of project {} in {}",
        request.transition_id,
        request.source_status,
        request.target_status,
        request.project_key,
        request.environment.as_str()
    );
    Evaluation::early(
        status,
        code,
        reason,
        vec!["map policies to this transition in transitions.yaml".to_string()],
    )
}

fn invalid_references(invalid: &[&str], strict: bool) -> Evaluation {
    let (status, code) = if strict {
        (Status::Blocked, ReasonCode::InvalidPolicyReferenceStrict)
    } else {
        (Status::Skipped, ReasonCode::InvalidPolicyReference)
    };
    let reason = format!(
        "the transition map names policies that are not in the bundle: {}",
        invalid.join(", ")
    );
    Evaluation::early(
        status,
        code,
        reason,
        vec!["fix the transition map or recompile the bundle with these policies".to_string()],
    )
}

fn missing_risk(request: &TransitionRequest, strict: bool) -> Evaluation {
    let (status, code) = if strict {
        (Status::Blocked, ReasonCode::MissingRiskMetadataStrict)
    } else {
        (Status::Skipped, ReasonCode::MissingRiskMetadata)
    };
    let reason = format!("no risk metadata for issue {}", request.issue_key);
    let unlock = format!(
        "attach risk metadata to {} (GitHub pull request webhook, `releasegate risk attach`, or the releasegate_risk issue property)",
        request.issue_key
    );
    Evaluation::early(status, code, reason, vec![unlock])
}

pub(crate) fn append_override(
    ledger: &Ledger,
    decision: &Value,
    valid: &ValidOverride,
) -> Result<crate::ledger::Appended, LedgerError> {
    let text = |name: &str| {
        decision
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let payload = json!({
        "type": "override",
        "override_id": valid.override_id,
        "decision_id": text("decision_id"),
        "actor": valid.actor.to_json(),
        "reason": valid.reason,
        "expires_at": valid.expires_at,
        "issue_key": text("issue_key"),
        "repo": text("repo"),
        "pr_number": decision.get("pr_number").cloned().unwrap_or(Value::Null),
        "result_status": "ALLOWED",
    });
    ledger.append(NewEntry {
        kind: EntryKind::Override,
        decision_id: text("decision_id").unwrap_or_default(),
        override_id: Some(valid.override_id.clone()),
        repo: text("repo"),
        issue_key: text("issue_key"),
        payload,
    })
}
