//! The text a policy result repeats on every evaluation, shared instead of copied.

use std::sync::Arc;

use crate::program::CompiledPolicy;

/// A policy's id, version, hash and message, allocated once when the bundle loads. Each
/// [`crate::outcome::PolicyResult`] holds counted references to them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PolicyLabels {
    pub(crate) id: Arc<str>,
    pub(crate) version: Arc<str>,
    pub(crate) hash: Arc<str>,
    pub(crate) message: Arc<str>,
}

impl PolicyLabels {
    pub(crate) fn new(policy: &CompiledPolicy, hash: &str) -> PolicyLabels {
        PolicyLabels {
            id: Arc::from(policy.id.as_str()),
            version: Arc::from(policy.version.as_str()),
            hash: Arc::from(hash),
            message: Arc::from(policy.message.as_str()),
        }
    }
}
