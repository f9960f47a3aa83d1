//! The text a policy result repeats on every evaluation, shared instead of copied.

use crate::program::CompiledPolicy;

/// A policy's id, version, hash and message, allocated once when the bundle loads. Each
/// [`crate::outcome::PolicyResult`] holds one counted reference to them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PolicyLabels {
    pub(crate) id: Box<str>,
    pub(crate) version: Box<str>,
    pub(crate) hash: Box<str>,
    pub(crate) message: Box<str>,
}

impl PolicyLabels {
    pub(crate) fn new(policy: &CompiledPolicy, hash: &str) -> PolicyLabels {
        PolicyLabels {
            id: Box::from(policy.id.as_str()),
            version: Box::from(policy.version.as_str()),
            hash: Box::from(hash),
            message: Box::from(policy.message.as_str()),
        }
    }
}
