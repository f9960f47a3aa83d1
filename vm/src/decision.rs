//! Combination of policy results into one decision status and reason code.

use serde::Serialize;

use crate::outcome::{Outcome, PolicyResult};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Allowed,
    Blocked,
    Skipped,
    Error,
    Conditional,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Allowed => "ALLOWED",
            Status::Blocked => "BLOCKED",
            Status::Skipped => "SKIPPED",
            Status::Error => "ERROR",
            Status::Conditional => "CONDITIONAL",
        }
    }

    /// `allow` is true only for ALLOWED and SKIPPED.
    pub fn allows(self) -> bool {
        matches!(self, Status::Allowed | Status::Skipped)
    }
}

/// Strict mode never fails open on missing critical inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    Permissive,
    Strict,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReasonCode {
    MissingRiskMetadata,
    MissingRiskMetadataStrict,
    NoPoliciesMapped,
    NoPoliciesMappedStrict,
    InvalidPolicyReference,
    InvalidPolicyReferenceStrict,
    MissingSignal,
    MissingSignalStrict,
    SystemError,
    PolicyAllowed,
    PolicyConditional,
    PolicyBlocked,
    OverrideApplied,
    OverrideJustificationRequired,
    OverrideExpired,
    OverrideNotAuthorized,
    SodSelfOverride,
}

impl ReasonCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::MissingRiskMetadata => "MISSING_RISK_METADATA",
            ReasonCode::MissingRiskMetadataStrict => "MISSING_RISK_METADATA_STRICT",
            ReasonCode::NoPoliciesMapped => "NO_POLICIES_MAPPED",
            ReasonCode::NoPoliciesMappedStrict => "NO_POLICIES_MAPPED_STRICT",
            ReasonCode::InvalidPolicyReference => "INVALID_POLICY_REFERENCE",
            ReasonCode::InvalidPolicyReferenceStrict => "INVALID_POLICY_REFERENCE_STRICT",
            ReasonCode::MissingSignal => "MISSING_SIGNAL",
            ReasonCode::MissingSignalStrict => "MISSING_SIGNAL_STRICT",
            ReasonCode::SystemError => "SYSTEM_ERROR",
            ReasonCode::PolicyAllowed => "POLICY_ALLOWED",
            ReasonCode::PolicyConditional => "POLICY_CONDITIONAL",
            ReasonCode::PolicyBlocked => "POLICY_BLOCKED",
            ReasonCode::OverrideApplied => "OVERRIDE_APPLIED",
            ReasonCode::OverrideJustificationRequired => "OVERRIDE_JUSTIFICATION_REQUIRED",
            ReasonCode::OverrideExpired => "OVERRIDE_EXPIRED",
            ReasonCode::OverrideNotAuthorized => "OVERRIDE_NOT_AUTHORIZED",
            ReasonCode::SodSelfOverride => "SOD_SELF_OVERRIDE",
        }
    }
}

/// Whether a policy reference from a transition map names `policy_id`.
///
/// A reference matches the id itself, or a DSL policy name whose rules compiled to
/// `NAME.R1`, `NAME.R2`, … (with `_` in the name read as `-`, as the compiler writes it).
pub fn policy_ref_matches(reference: &str, policy_id: &str) -> bool {
    if reference == policy_id {
        return true;
    }
    let group = reference.replace('_', "-");
    match policy_id.strip_prefix(group.as_str()).and_then(|rest| rest.strip_prefix(".R")) {
        Some(number) => !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

/// The decision for a set of policy results, before overrides and environment rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Combined {
    pub status: Status,
    pub reason_code: ReasonCode,
    pub reason: String,
}

/// Combines policy results, worst case first:
///
/// 1. any BLOCK gives BLOCKED (`POLICY_BLOCKED`);
/// 2. any ERROR gives ERROR (`SYSTEM_ERROR`);
/// 3. any UNDETERMINED in strict mode gives BLOCKED (`MISSING_SIGNAL_STRICT`);
/// 4. any WARN gives CONDITIONAL (`POLICY_CONDITIONAL`);
/// 5. any UNDETERMINED in permissive mode gives SKIPPED (`MISSING_SIGNAL`);
/// 6. otherwise ALLOWED (`POLICY_ALLOWED`), also when every policy is DISABLED.
///
/// An empty list gives `NO_POLICIES_MAPPED` (SKIPPED), or `NO_POLICIES_MAPPED_STRICT` (BLOCKED)
/// in strict mode. The reason lists the deciding policies with their messages.
pub fn combine(results: &[PolicyResult], mode: Mode) -> Combined {
    let strict = mode == Mode::Strict;
    if results.is_empty() {
        return match strict {
            true => combined(Status::Blocked, ReasonCode::NoPoliciesMappedStrict, "no policies to evaluate".into()),
            false => combined(Status::Skipped, ReasonCode::NoPoliciesMapped, "no policies to evaluate".into()),
        };
    }
    let with = |outcome: Outcome| results.iter().filter(move |r| r.outcome == outcome);
    if with(Outcome::Block).next().is_some() {
        return combined(Status::Blocked, ReasonCode::PolicyBlocked, fired(with(Outcome::Block)));
    }
    if with(Outcome::Error).next().is_some() {
        return combined(Status::Error, ReasonCode::SystemError, fired(with(Outcome::Error)));
    }
    let undetermined: Vec<&PolicyResult> = with(Outcome::Undetermined).collect();
    if strict && !undetermined.is_empty() {
        return combined(Status::Blocked, ReasonCode::MissingSignalStrict, missing(&undetermined));
    }
    if with(Outcome::Warn).next().is_some() {
        return combined(Status::Conditional, ReasonCode::PolicyConditional, fired(with(Outcome::Warn)));
    }
    if !undetermined.is_empty() {
        return combined(Status::Skipped, ReasonCode::MissingSignal, missing(&undetermined));
    }
    combined(Status::Allowed, ReasonCode::PolicyAllowed, allowed(results))
}

fn combined(status: Status, reason_code: ReasonCode, reason: String) -> Combined {
    Combined { status, reason_code, reason }
}

fn fired<'a>(results: impl Iterator<Item = &'a PolicyResult>) -> String {
    let parts: Vec<String> = results
        .map(|r| match r.message() {
            Some(message) => format!("{}: {message}", r.policy_id()),
            None => r.policy_id().to_string(),
        })
        .collect();
    parts.join("; ")
}

fn missing(results: &[&PolicyResult]) -> String {
    let parts: Vec<String> = results
        .iter()
        .map(|r| format!("{} is undetermined: missing signal(s) {}", r.policy_id(), r.missing.join(", ")))
        .collect();
    parts.join("; ")
}

fn allowed(results: &[PolicyResult]) -> String {
    let evaluated = results.iter().filter(|r| r.outcome != Outcome::Disabled).count();
    match evaluated {
        0 => "every mapped policy is disabled".into(),
        1 => "1 policy evaluated, none blocked".into(),
        n => format!("{n} policies evaluated, none blocked"),
    }
}
