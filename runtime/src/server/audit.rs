//! Audit endpoints: ledger verification, one stored decision, and the SOC 2 export.

use serde_json::{json, Value};

use super::query::{Query, QueryError};
use super::reply::Reply;
use crate::export::{build_soc2, write_csv, write_json, ExportQuery, CONTRACT};
use crate::ledger::normalize_timestamp;
use crate::service::Service;

/// Query parameters of `GET /audit/ledger/verify`.
const VERIFY_PARAMS: [&str; 1] = ["repo"];

/// Query parameters of `GET /audit/export`.
const EXPORT_PARAMS: [&str; 8] = [
    "repo",
    "contract",
    "format",
    "status",
    "since",
    "until",
    "limit",
    "verify_chain",
];

/// `GET /audit/ledger/verify` with an optional `repo`.
pub fn verify(service: &Service, query: &Query) -> Reply {
    if let Err(error) = query.check_params(&VERIFY_PARAMS) {
        return invalid_param(&error);
    }
    let repo = query.get("repo").map(String::as_str);
    match service.ledger().verify(repo) {
        Ok(verification) => Reply::json(200, &json!(verification)),
        Err(error) => {
            tracing::error!(%error, "ledger verification failed to run");
            Reply::error(503, "storage_error", &error.to_string(), None)
        }
    }
}

/// Returns the stored decision with its input snapshot and trace, its ledger position, and its overrides.
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

/// `GET /audit/export?repo=R&contract=soc2_v1&format=json|csv` with optional `status`, `since`,
/// `until`, `limit` and `verify_chain`.
pub fn export(service: &Service, query: &Query) -> Reply {
    let export_query = match export_query(query) {
        Ok(export_query) => export_query,
        Err(reply) => return reply,
    };
    let format = query.get("format").map(String::as_str).unwrap_or("json");
    let export = match build_soc2(service.ledger(), &export_query) {
        Ok(export) => export,
        Err(error) => {
            tracing::error!(%error, "export failed");
            return Reply::error(503, "export_failed", &error.to_string(), None);
        }
    };
    let mut body = Vec::new();
    let (written, content_type) = match format {
        "csv" => (write_csv(&export, &mut body), "text/csv; charset=utf-8"),
        _ => (write_json(&export, &mut body), "application/json"),
    };
    match written {
        Ok(()) => Reply {
            status: 200,
            content_type,
            body,
        },
        Err(error) => {
            tracing::error!(%error, "writing the export failed");
            Reply::error(500, "export_failed", &error.to_string(), None)
        }
    }
}

fn invalid_param(error: &QueryError) -> Reply {
    Reply::error(400, "invalid_request", &error.message, Some(&error.param))
}

fn export_query(query: &Query) -> Result<ExportQuery, Reply> {
    query
        .check_params(&EXPORT_PARAMS)
        .map_err(|error| invalid_param(&error))?;
    let invalid =
        |field: &str, message: String| Reply::error(400, "invalid_request", &message, Some(field));
    if let Some(contract) = query
        .get("contract")
        .filter(|contract| contract.as_str() != CONTRACT)
    {
        return Err(invalid(
            "contract",
            format!("unknown contract `{contract}`; the only contract is {CONTRACT}"),
        ));
    }
    if let Some(format) = query
        .get("format")
        .filter(|format| !matches!(format.as_str(), "json" | "csv"))
    {
        return Err(invalid(
            "format",
            format!("unknown format `{format}`; use json or csv"),
        ));
    }
    let limit = match query.get("limit") {
        Some(text) => Some(
            text.parse::<usize>()
                .map_err(|_| invalid("limit", format!("`{text}` is not a non-negative integer")))?,
        ),
        None => None,
    };
    let verify_chain = match query.get("verify_chain").map(String::as_str) {
        None | Some("false") | Some("0") => false,
        Some("true") | Some("1") | Some("") => true,
        Some(other) => {
            return Err(invalid(
                "verify_chain",
                format!("`{other}` is not one of true, 1, false, 0 (an empty value means true)"),
            ))
        }
    };
    let status = match query.get("status") {
        Some(text) => Some(export_status(text).ok_or_else(|| {
            invalid(
                "status",
                format!("unknown status `{text}`; use ALLOWED, BLOCKED, SKIPPED, ERROR or CONDITIONAL"),
            )
        })?),
        None => None,
    };
    for bound in ["since", "until"] {
        if let Some(text) = query.get(bound) {
            normalize_timestamp(text).map_err(|error| invalid(bound, error.to_string()))?;
        }
    }
    Ok(ExportQuery {
        repo: query.get("repo").cloned(),
        status,
        since: query.get("since").cloned(),
        until: query.get("until").cloned(),
        limit,
        verify_chain,
    })
}

/// Returns the upper-case ledger status named by `text`, in any case.
fn export_status(text: &str) -> Option<String> {
    let upper = text.to_ascii_uppercase();
    let known = ["ALLOWED", "BLOCKED", "SKIPPED", "ERROR", "CONDITIONAL"];
    known.contains(&upper.as_str()).then_some(upper)
}
