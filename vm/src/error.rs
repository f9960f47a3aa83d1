//! Errors of loading an artifact and of decoding an input.

use thiserror::Error;

/// Reason an artifact was rejected. Every variant names the bad value and what to do.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum LoadError {
    #[error("not a ReleaseGate bundle: the file starts with {found} instead of the magic {expected}; pass the bundle.rgb written by `releasegate compile`")]
    BadMagic { found: String, expected: String },

    #[error("artifact is truncated: {context} needs {needed} bytes at offset {offset}, but the artifact has {available}; recompile or copy the whole file")]
    Truncated { context: String, offset: usize, needed: usize, available: usize },

    #[error("artifact format version {found} is newer than this build supports ({supported}); upgrade releasegate")]
    NewerVersion { found: u16, supported: u16 },

    #[error("artifact format version {found} is older than this build supports ({supported}); recompile the policies with this releasegate")]
    OlderVersion { found: u16, supported: u16 },

    #[error("artifact hash mismatch: the header says {stored} but the bytes hash to {computed}; the artifact was modified or corrupted, recompile it")]
    Tampered { stored: String, computed: String },

    #[error("policy {policy}: stored policy_hash {stored} does not match its compiled form ({computed}); recompile the bundle")]
    PolicyHashMismatch { policy: String, stored: String, computed: String },

    #[error("stored bundle_hash {stored} does not match the policy hashes ({computed}); recompile the bundle")]
    BundleHashMismatch { stored: String, computed: String },

    #[error("{location}: {what} index {index} is out of range (the bundle has {len}); recompile the bundle")]
    IndexOutOfRange { location: String, what: &'static str, index: u32, len: usize },

    #[error("{location}: invalid bytecode: {reason}; recompile the bundle")]
    InvalidBytecode { location: String, reason: String },

    #[error("malformed artifact at offset {offset}: {reason}; recompile the bundle")]
    Malformed { offset: usize, reason: String },
}

/// Reason an input document could not be decoded into a frame.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum InputError {
    #[error("invalid JSON input: {0}")]
    Json(String),

    #[error("signal {signal}: expected {expected}, got {found}")]
    WrongType { signal: String, expected: String, found: String },

    #[error("signal {signal}: {value:?} is not one of the enum values {allowed}")]
    NotInEnum { signal: String, value: String, allowed: String },

    #[error("signal {signal} is given twice in the input (as a repeated key, or both nested and as a dotted key); keep one")]
    Duplicate { signal: String },

    #[error("{path}: expected an object of signals, got {found}")]
    NotAnObject { path: String, found: String },
}
