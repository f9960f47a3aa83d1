//! ReleaseGate runtime: transition checks, the hash-chained ledger, overrides, export and HTTP.

pub mod canonical;
pub mod clock;
pub mod github;
pub mod hex;
pub mod issue_key;
pub mod jira;
pub mod ledger;
pub mod metrics;
pub mod request;
pub mod risk;
pub mod risk_store;
pub mod secure_compare;
pub mod signals;
pub mod canonical_seed;
pub mod overrides;
