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
pub mod overrides;
pub mod decision;
pub mod export;
pub mod service;
pub mod stored_override;
pub mod strict_json;
pub mod forge;
pub mod override_request;
pub mod server;
pub mod loader;
pub mod settings;
