//! Audit endpoints: ledger verification, one stored decision, and the SOC 2 export.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::reply::Reply;
use crate::service::Service;

pub fn verify(service: &Service, query: &BTreeMap<String, String>) -> Reply {
    let repo = query.get("repo").map(String::as_str);
    match service.ledger().verify(repo) {
        Ok(verification) => Reply::json(200, &json!(verification)),
        Err(error) => {
            tracing::error!(%error, "ledger verification failed to run");
            Reply::error(503, "storage_error", &error.to_string(), None)
        }
    }
}

/// The stored decision with its input snapshot and trace, its ledger position, and its overrides.
pub fn decision(service: &Service, decision_id: &str) -> Reply {
    let ledger = service.ledger();
    let found = ledger.decision(decision_id).and_then(|entry| match entry {
        Some(entry) => ledger
            .overrides_for(decision_id)
            .map(|overrides| Some((entry, overrides))),
        None => Ok(None),
    });
    match found {
        Ok(Some((entry, overrides))) => {
            let overrides: Vec<Value> = overrides
                .iter()
                .map(|o| o.payload_value().unwrap_or(Value::Null))
                .collect();
            Reply::json(
                200,
                &json!({
                    "decision": entry.payload_value().unwrap_or(Value::Null),
                    "ledger": {"seq": entry.seq, "recorded_at": entry.recorded_at, "entry_hash": entry.entry_hash, "prev_hash": entry.prev_hash},
                    "overrides": overrides,
                }),
            )
        }
        Ok(None) => Reply::error(
            404,
            "not_found",
            &format!("decision {decision_id} not found"),
            None,
        ),
        Err(error) => {
            tracing::error!(decision_id, %error, "reading a decision failed");
            Reply::error(503, "storage_error", &error.to_string(), None)
        }
    }
}

pub fn export(_service: &Service, _query: &BTreeMap<String, String>) -> Reply {
    // TODO: wire runtime::export once it lands.
    Reply::error(501, "not_implemented", "export is not available yet", None)
}
