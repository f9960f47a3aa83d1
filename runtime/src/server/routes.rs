//! Request routing: method and path to a handler, each returning a `Reply`.

use std::time::Instant;

use serde_json::{json, Value};
use time::OffsetDateTime;
use vm::decision::ReasonCode;

use super::query::Query;
use super::reply::Reply;
use crate::forge::forge_to_request;
use crate::github::{handle_webhook, WebhookError, WebhookHeaders};
use crate::override_request::parse_override_body;
use crate::request::{parse_transition_request, RequestError};
use crate::service::{CheckError, CheckOutcome, Service};
use crate::stored_override::OverrideFailure;

/// A request as the routes see it: method, path, query, the headers they read and the body.
pub struct Incoming<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a Query,
    pub headers: WebhookHeaders<'a>,
    pub body: &'a [u8],
    pub received_at: OffsetDateTime,
}

/// Settings the routes need besides the service.
pub struct RouteConfig {
    pub github_secret: Option<Vec<u8>>,
}

/// Dispatches one request.
pub fn route(service: &Service, config: &RouteConfig, incoming: &Incoming<'_>) -> Reply {
    let path = incoming.path.trim_end_matches('/');
    // HEAD is GET without the body, which tiny_http leaves out of the reply.
    let method = match incoming.method {
        "HEAD" => "GET",
        other => other,
    };
    match (method, path) {
        ("GET", "/healthz") => healthz(service),
        ("POST", "/integrations/jira/transition/check") => transition_check(service, incoming),
        ("POST", "/integrations/jira/forge/validate") => forge_validate(service, incoming),
        ("GET", "/integrations/jira/metrics/internal") => {
            Reply::json(200, &service.metrics().to_json())
        }
        ("GET", "/metrics") => Reply::text(
            200,
            "text/plain; version=0.0.4",
            service.metrics().to_prometheus(),
        ),
        ("GET", "/audit/export") => super::audit::export(service, incoming.query),
        ("GET", "/audit/ledger/verify") => super::audit::verify(service, incoming.query),
        ("POST", "/audit/overrides") => override_decision(service, None, incoming),
        ("POST", "/webhooks/github") => github_webhook(service, config, incoming),
        ("GET", "/audit/decisions") => Reply::error(
            404,
            "not_found",
            "no decision id in the path; use /audit/decisions/{decision_id}",
            None,
        ),
        ("GET", _) if path.starts_with("/audit/decisions/") => {
            super::audit::decision(service, path.trim_start_matches("/audit/decisions/"))
        }
        ("POST", _) if is_decision_override_path(path) => {
            let decision_id = path
                .trim_start_matches("/integrations/jira/decisions/")
                .trim_end_matches("/override");
            override_decision(service, Some(decision_id), incoming)
        }
        (_, _) if KNOWN_PATHS.contains(&path) => Reply::error(
            405,
            "method_not_allowed",
            &format!("{} is not allowed on {path}", incoming.method),
            None,
        ),
        _ => Reply::error(404, "not_found", &format!("no endpoint at {path}"), None),
    }
}

const KNOWN_PATHS: [&str; 10] = [
    "/healthz",
    "/integrations/jira/transition/check",
    "/integrations/jira/forge/validate",
    "/integrations/jira/metrics/internal",
    "/metrics",
    "/audit/export",
    "/audit/ledger/verify",
    "/audit/overrides",
    "/webhooks/github",
    "/audit/decisions",
];

fn is_decision_override_path(path: &str) -> bool {
    path.strip_prefix("/integrations/jira/decisions/")
        .and_then(|rest| rest.strip_suffix("/override"))
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

fn healthz(service: &Service) -> Reply {
    Reply::json(
        200,
        &json!({"status": "ok", "bundle_hash": service.bundle().bundle_hash()}),
    )
}

pub fn invalid_request(error: &RequestError) -> Reply {
    Reply::error(
        400,
        "invalid_request",
        &error.to_string(),
        Some(&error.field),
    )
}

fn transition_check(service: &Service, incoming: &Incoming<'_>) -> Reply {
    let started = Instant::now();
    let reply = match parse_transition_request(incoming.body) {
        Ok(request) => check_reply(service, service.check(&request, incoming.received_at)),
        Err(error) => {
            tracing::warn!(field = %error.field, %error, "rejected transition check");
            invalid_request(&error)
        }
    };
    service.metrics().observe_latency(started.elapsed());
    reply
}

fn check_reply(service: &Service, result: Result<CheckOutcome, CheckError>) -> Reply {
    match result {
        Ok(outcome) => {
            log_decision(&outcome);
            Reply::json(200, &outcome.response)
        }
        Err(CheckError::Invalid(error)) => {
            tracing::warn!(field = %error.field, %error, "rejected transition check");
            invalid_request(&error)
        }
        Err(CheckError::Storage { response, message }) => {
            let decision_id = response
                .get("decision_id")
                .and_then(Value::as_str)
                .unwrap_or("");
            tracing::error!(decision_id, error = %message, bundle_hash = service.bundle().bundle_hash(), "decision not recorded");
            Reply::json(503, &response)
        }
    }
}

fn log_decision(outcome: &CheckOutcome) {
    let text = |name: &str| {
        outcome
            .response
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    tracing::info!(
        decision_id = %outcome.decision_id,
        status = %text("status"),
        reason_code = %text("reason_code"),
        issue_key = %text("issue_key"),
        repeated = outcome.existed,
        "transition check answered"
    );
}

fn forge_validate(service: &Service, incoming: &Incoming<'_>) -> Reply {
    let started = Instant::now();
    let request = match forge_to_request(incoming.body) {
        Ok(request) => request,
        Err(error) => {
            tracing::warn!(field = %error.field, %error, "rejected Forge validation");
            return invalid_request(&error);
        }
    };
    let result = service.check(&request, incoming.received_at);
    service.metrics().observe_latency(started.elapsed());
    let response = match result {
        Ok(outcome) => {
            log_decision(&outcome);
            outcome.response
        }
        Err(CheckError::Invalid(error)) => return invalid_request(&error),
        Err(CheckError::Storage { response, message }) => {
            tracing::error!(error = %message, "Forge validation decision not recorded");
            response
        }
    };
    let allow = response
        .get("allow")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let message = response
        .get("reason")
        .and_then(Value::as_str)
        .unwrap_or("blocked by ReleaseGate");
    let error_message = if allow {
        Value::Null
    } else {
        json!(format!("ReleaseGate: {message}"))
    };
    Reply::json(
        200,
        &json!({"result": allow, "errorMessage": error_message}),
    )
}

fn github_webhook(service: &Service, config: &RouteConfig, incoming: &Incoming<'_>) -> Reply {
    let secret = config.github_secret.as_deref();
    match handle_webhook(
        incoming.body,
        incoming.headers,
        secret,
        service.risk_store(),
    ) {
        Ok(outcome) => {
            tracing::info!(delivery = incoming.headers.delivery.unwrap_or(""), body = %outcome.body, "GitHub webhook handled");
            Reply::json(outcome.status, &outcome.body)
        }
        Err(error) => {
            tracing::warn!(delivery = incoming.headers.delivery.unwrap_or(""), %error, "GitHub webhook rejected");
            match error {
                WebhookError::SignatureMissing | WebhookError::SignatureInvalid => {
                    Reply::error(401, "invalid_signature", &error.to_string(), None)
                }
                WebhookError::Malformed(_) => {
                    Reply::error(400, "invalid_request", &error.to_string(), None)
                }
                WebhookError::Store(_) => {
                    Reply::error(503, "storage_error", &error.to_string(), None)
                }
            }
        }
    }
}

fn override_decision(service: &Service, path_id: Option<&str>, incoming: &Incoming<'_>) -> Reply {
    let body = match parse_override_body(incoming.body) {
        Ok(body) => body,
        Err(error) => return invalid_request(&error),
    };
    let Some(decision_id) = path_id.map(str::to_string).or(body.decision_id) else {
        return invalid_request(&RequestError::new("decision_id", "missing required field"));
    };
    match service.override_decision(&decision_id, &body.input, incoming.received_at) {
        Ok(outcome) => {
            tracing::info!(%decision_id, override_id = %outcome.override_id, repeated = outcome.existed, "override applied");
            Reply::json(200, &outcome.response)
        }
        Err(failure) => {
            tracing::warn!(%decision_id, error = %failure, "override rejected");
            override_failure_reply(&decision_id, &failure)
        }
    }
}

fn override_failure_reply(decision_id: &str, failure: &OverrideFailure) -> Reply {
    let message = failure.to_string();
    match failure {
        OverrideFailure::NotFound(_) => Reply::error(404, "not_found", &message, None),
        OverrideFailure::NotBlocked { .. } | OverrideFailure::AlreadyOverridden { .. } => {
            Reply::error(409, "conflict", &message, None)
        }
        OverrideFailure::Rejected(rejected) => {
            let status = match rejected.reason_code {
                ReasonCode::OverrideNotAuthorized | ReasonCode::SodSelfOverride => 403,
                _ => 422,
            };
            let body = json!({
                "allow": false,
                "status": "BLOCKED",
                "reason_code": rejected.reason_code.as_str(),
                "reason": rejected.message,
                "decision_id": decision_id,
            });
            Reply::json(status, &body)
        }
        OverrideFailure::Ledger(_) => Reply::error(503, "storage_error", &message, None),
        OverrideFailure::Corrupt(_) => Reply::error(500, "corrupt_decision", &message, None),
    }
}
