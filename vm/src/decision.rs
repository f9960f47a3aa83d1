//! Combination of policy results into one decision status and reason code.

use serde::Serialize;

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
