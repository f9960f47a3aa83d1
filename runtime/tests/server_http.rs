//! HTTP behaviour: input validation, auth, body limit, idempotency, Forge, GitHub, metrics and
//! audit endpoints, over real sockets and a real SQLite ledger.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod server_support;

use runtime::secure_compare::github_signature;
use serde_json::{json, Value};
use server_support::{check_request, fixture, get, ledger_size, post, send, start, Options};

const CHECK: &str = "/integrations/jira/transition/check";

fn bad_inputs() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let mut cases: Vec<(&'static str, Vec<u8>, &'static str)> = vec![
        ("malformed JSON", b"{\"issue_key\": ".to_vec(), "body"),
        ("not an object", b"[1, 2]".to_vec(), "body"),
    ];
    let mut json_cases: Vec<(&'static str, Value, &'static str)> = Vec::new();
    let mut missing = check_request(Some("LOW"));
    missing.as_object_mut().unwrap().remove("issue_key");
    json_cases.push(("missing issue_key", missing, "issue_key"));
    let mut missing_env = check_request(Some("LOW"));
    missing_env.as_object_mut().unwrap().remove("environment");
    json_cases.push(("missing environment", missing_env, "environment"));
    let mut wrong_type = check_request(Some("LOW"));
    wrong_type["actor_email"] = json!(42);
    json_cases.push(("wrong type", wrong_type, "actor_email"));
    let mut bad_enum = check_request(Some("LOW"));
    bad_enum["environment"] = json!("prod");
    json_cases.push(("enum value", bad_enum, "environment"));
    let mut unknown = check_request(Some("LOW"));
    unknown["issue_kee"] = json!("PAY-1");
    json_cases.push(("unknown key", unknown, "issue_kee"));
    let mut unknown_override = check_request(Some("LOW"));
    unknown_override["context_overrides"] = json!({"overide": true});
    json_cases.push(("unknown nested key", unknown_override, "context_overrides.overide"));
    let mut shadow = check_request(Some("LOW"));
    shadow["signals"] = json!({"risk.level": "LOW"});
    json_cases.push(("shadowed signal", shadow, "signals.risk.level"));
    let mut undeclared = check_request(Some("LOW"));
    undeclared["signals"] = json!({"approvals": {"count": 1, "colour": "red"}});
    json_cases.push(("undeclared signal", undeclared, "signals.approvals.colour"));
    let mut signal_type = check_request(Some("LOW"));
    signal_type["signals"] = json!({"approvals.count": "two"});
    json_cases.push(("signal type", signal_type, "signals.approvals.count"));
    let mut transition_id = check_request(Some("LOW"));
    transition_id["transition_id"] = json!(true);
    json_cases.push(("transition id type", transition_id, "transition_id"));
    let mut issue_key = check_request(Some("LOW"));
    issue_key["issue_key"] = json!("not a key");
    json_cases.push(("issue key format", issue_key, "issue_key"));
    let mut expiry = check_request(Some("HIGH"));
    expiry["context_overrides"] = json!({"override": true, "override_reason": "x", "override_expires_at": "tomorrow"});
    json_cases.push(("expiry format", expiry, "context_overrides.override_expires_at"));
    let mut risk = check_request(None);
    risk["releasegate_risk"] = json!({"colour": "red"});
    json_cases.push(("unusable risk", risk, "releasegate_risk"));
    for (name, value, field) in json_cases {
        cases.push((name, value.to_string().into_bytes(), field));
    }
    cases.push(("duplicate key", duplicate_environment(), "body"));
    cases
}

/// Builds a valid LOW-risk request whose text names `environment` twice, DEV first.
fn duplicate_environment() -> Vec<u8> {
    let text = check_request(Some("LOW")).to_string();
    let rest = text.strip_prefix('{').unwrap();
    format!(r#"{{"environment":"DEV",{rest}"#).into_bytes()
}

#[test]
fn duplicate_key_is_rejected_by_name() {
    let server = start(Options::default());
    let (status, reply) = send("POST", &server.url(CHECK), Some(&duplicate_environment()), &[]);
    assert_eq!(status, 400, "{reply}");
    let message = reply["message"].as_str().unwrap_or_default();
    assert!(message.contains(r#"duplicate key "environment""#), "{reply}");
    let forge = br#"{"issue":{"key":"PAY-1","key":"PAY-2"}}"#;
    let (status, reply) = send("POST", &server.url("/integrations/jira/forge/validate"), Some(forge), &[]);
    assert_eq!(status, 400, "{reply}");
    assert_eq!(ledger_size(&server), 0, "a rejected request wrote to the ledger");
}

#[test]
fn bad_input_names_field() {
    let server = start(Options::default());
    for (name, body, field) in bad_inputs() {
        let (status, reply) = send("POST", &server.url(CHECK), Some(&body), &[]);
        assert_eq!(status, 400, "{name}: {reply}");
        assert_eq!(reply["error"], "invalid_request", "{name}");
        assert_eq!(reply["field"], field, "{name}: {reply}");
    }
    assert_eq!(ledger_size(&server), 0, "a rejected request wrote to the ledger");
}

#[test]
fn token_required_except_healthz() {
    let server = start(Options { api_token: Some("s3cret-token".to_string()), ..Options::default() });
    let body = check_request(Some("LOW")).to_string();
    let url = server.url(CHECK);
    let (status, _) = send("POST", &url, Some(body.as_bytes()), &[]);
    assert_eq!(status, 401);
    let (status, _) = send("POST", &url, Some(body.as_bytes()), &[("Authorization", "Bearer wrong")]);
    assert_eq!(status, 401);
    let (status, _) = send("GET", &server.url("/metrics"), None, &[]);
    assert_eq!(status, 401);
    assert_eq!(ledger_size(&server), 0);
    let (status, _) = get(&server.url("/healthz"));
    assert_eq!(status, 200);
    let (status, reply) = send("POST", &url, Some(body.as_bytes()), &[("Authorization", "Bearer s3cret-token")]);
    assert_eq!(status, 200, "{reply}");
    assert_eq!(ledger_size(&server), 1);
}

#[test]
fn oversized_body_gets_413() {
    let server = start(Options { max_body_bytes: Some(2048), ..Options::default() });
    let mut request = check_request(Some("LOW"));
    request["transition_name"] = json!("x".repeat(4096));
    let (status, reply) = post(&server.url(CHECK), &request);
    assert_eq!(status, 413, "{reply}");
    assert_eq!(ledger_size(&server), 0);
    let (status, _) = post(&server.url(CHECK), &check_request(Some("LOW")));
    assert_eq!(status, 200);
}

#[test]
fn repeated_request_is_idempotent() {
    let server = start(Options::default());
    let request = check_request(Some("HIGH"));
    let (_, first) = post(&server.url(CHECK), &request);
    let size = ledger_size(&server);
    let (_, second) = post(&server.url(CHECK), &request);
    assert_eq!(first, second);
    assert_eq!(ledger_size(&server), size);
    let mut other = request.clone();
    other["actor_email"] = json!("rita@example.com");
    let (_, third) = post(&server.url(CHECK), &other);
    assert_ne!(third["decision_id"], first["decision_id"]);
    assert_eq!(ledger_size(&server), size + 1);
}

#[test]
fn fixture_request_is_accepted() {
    let server = start(Options::default());
    let body = fixture("jira/transition_check_request.json");
    let (status, reply) = send("POST", &server.url(CHECK), Some(body.as_bytes()), &[]);
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["status"], "BLOCKED");
    assert_eq!(reply["reason_code"], "POLICY_BLOCKED");
    let (_, stored) = get(&server.url(&format!("/audit/decisions/{}", reply["decision_id"].as_str().unwrap())));
    let decision = &stored["decision"];
    assert_eq!(decision["repo"], "acme-payments/ledger-service");
    assert_eq!(decision["pr_number"], 912);
    assert_eq!(decision["input_snapshot"]["change.total_churn"], 1387);
    assert_eq!(decision["input_snapshot"]["approvals.count"], 1);
    assert_eq!(decision["actor"]["roles"], json!(["Engineer"]));
}

#[test]
fn forge_validator_with_fixture() {
    let server = start(Options::default());
    let body = fixture("jira/forge_validator_event.json");
    let (status, reply) = send("POST", &server.url("/integrations/jira/forge/validate"), Some(body.as_bytes()), &[]);
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["result"], true, "no mapping for status ids is SKIPPED: {reply}");
    assert!(reply["errorMessage"].is_null());
    assert_eq!(ledger_size(&server), 1);

    let mut event: Value = serde_json::from_str(&body).unwrap();
    event["configuration"]["source_status"] = json!("Ready for Release");
    event["configuration"]["target_status"] = json!("Done");
    server.service.risk_store().put("PAY-1842", &runtime::risk::RiskMetadata::from_level(runtime::risk::RiskLevel::High, "manual")).unwrap();
    let (status, reply) = post(&server.url("/integrations/jira/forge/validate"), &event);
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["result"], false, "{reply}");
    assert!(reply["errorMessage"].as_str().unwrap().contains("High risk change requires additional approval"));

    let (status, reply) = post(&server.url("/integrations/jira/forge/validate"), &json!({"issue": {}}));
    assert_eq!(status, 400);
    assert_eq!(reply["field"], "issue.key");
}

#[test]
fn webhook_signature_replaces_bearer_token() {
    let secret = "webhook-secret";
    let token = "api-token";
    let body = fixture("github/pull_request_opened.json");
    let event = ("X-GitHub-Event", "pull_request");
    let signature = github_signature(secret.as_bytes(), body.as_bytes());

    let options = Options { api_token: Some(token.to_string()), github_secret: Some(secret.to_string()), ..Options::default() };
    let server = start(options);
    let url = server.url("/webhooks/github");
    let (status, reply) = send("POST", &url, Some(body.as_bytes()), &[event, ("X-Hub-Signature-256", &signature)]);
    assert_eq!(status, 200, "signed webhook without a bearer token: {reply}");
    let slash = server.url("/webhooks/github/");
    let (status, reply) = send("POST", &slash, Some(body.as_bytes()), &[event, ("X-Hub-Signature-256", &signature)]);
    assert_eq!(status, 200, "signed webhook with a trailing slash: {reply}");
    let (status, _) = get(&server.url("/healthz/"));
    assert_eq!(status, 200, "health check with a trailing slash");
    let (status, _) = send("POST", &url, Some(body.as_bytes()), &[event]);
    assert_eq!(status, 401, "unsigned webhook without a bearer token");
    let (status, _) = post(&server.url(CHECK), &check_request(Some("LOW")));
    assert_eq!(status, 401, "other endpoints still need the token");

    let token_only = start(Options { api_token: Some(token.to_string()), ..Options::default() });
    let (status, _) = send("POST", &token_only.url("/webhooks/github"), Some(body.as_bytes()), &[event]);
    assert_eq!(status, 401, "without a webhook secret the webhook needs the token");
    let bearer = format!("Bearer {token}");
    let (status, reply) =
        send("POST", &token_only.url("/webhooks/github"), Some(body.as_bytes()), &[event, ("Authorization", &bearer)]);
    assert_eq!(status, 200, "{reply}");
}

#[test]
fn github_webhook_signature() {
    let secret = "webhook-secret";
    let server = start(Options { github_secret: Some(secret.to_string()), ..Options::default() });
    let body = fixture("github/pull_request_opened.json");
    let url = server.url("/webhooks/github");
    let signature = github_signature(secret.as_bytes(), body.as_bytes());
    let event = ("X-GitHub-Event", "pull_request");

    let (status, _) = send("POST", &url, Some(body.as_bytes()), &[event]);
    assert_eq!(status, 401, "missing signature");
    let wrong = github_signature(b"other", body.as_bytes());
    let (status, _) = send("POST", &url, Some(body.as_bytes()), &[event, ("X-Hub-Signature-256", &wrong)]);
    assert_eq!(status, 401, "wrong signature");
    assert!(server.service.risk_store().get("PAY-1842").unwrap().is_none());

    let (status, reply) = send("POST", &url, Some(body.as_bytes()), &[event, ("X-Hub-Signature-256", &signature)]);
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["issue_keys"], json!(["PAY-1842", "SEC-77"]));
    assert_eq!(reply["risk_level"], "HIGH");
    for key in ["PAY-1842", "SEC-77"] {
        let risk = server.service.risk_store().get(key).unwrap().unwrap();
        assert_eq!(risk.level, runtime::risk::RiskLevel::High);
        assert_eq!(risk.score, 85);
        assert_eq!(risk.counters.unwrap().total_churn(), 1387);
        assert_eq!(risk.repo.as_deref(), Some("acme-payments/ledger-service"));
        assert_eq!(risk.pr_author.as_deref(), Some("dana-example"));
    }
    let (_, reply) = post(&server.url(CHECK), &check_request(None));
    assert_eq!(reply["reason_code"], "POLICY_BLOCKED", "risk from the store: {reply}");

    let mut small: serde_json::Value = serde_json::from_str(&body).unwrap();
    small["number"] = json!(913);
    small["pull_request"]["number"] = json!(913);
    small["pull_request"]["changed_files"] = json!(1);
    small["pull_request"]["additions"] = json!(1);
    small["pull_request"]["deletions"] = json!(0);
    small["pull_request"]["user"]["login"] = json!("someone-else");
    let small = small.to_string();
    let signature = github_signature(secret.as_bytes(), small.as_bytes());
    let (status, reply) = send("POST", &url, Some(small.as_bytes()), &[event, ("X-Hub-Signature-256", &signature)]);
    assert_eq!(status, 200, "{reply}");
    let kept = server.service.risk_store().get("PAY-1842").unwrap().unwrap();
    assert_eq!(kept.level, runtime::risk::RiskLevel::High, "a smaller PR does not lower the risk");
    assert_eq!(kept.pr_number, Some(912));
}

#[test]
fn stored_override_endpoint() {
    let server = start(Options::default());
    let (_, blocked) = post(&server.url(CHECK), &check_request(Some("HIGH")));
    let id = blocked["decision_id"].as_str().unwrap();
    let url = server.url(&format!("/integrations/jira/decisions/{id}/override"));

    let (status, reply) = post(&url, &json!({"actor_account_id": "rm-1"}));
    assert_eq!((status, reply["reason_code"].clone()), (422, json!("OVERRIDE_JUSTIFICATION_REQUIRED")));
    let (status, reply) = post(&url, &json!({"actor_account_id": "eng-1", "reason": "x"}));
    assert_eq!((status, reply["reason_code"].clone()), (403, json!("OVERRIDE_NOT_AUTHORIZED")));
    let (status, reply) = post(&url, &json!({"actor_email": "rita@example.com", "reason": "x", "expires_at": "2000-01-01T00:00:00Z"}));
    assert_eq!((status, reply["reason_code"].clone()), (422, json!("OVERRIDE_EXPIRED")));
    let (status, reply) = post(&url, &json!({"actor_email": "rita@example.com", "reason": "x", "expires_at": "tomorrow"}));
    assert_eq!(status, 400, "{reply}");
    assert_eq!(reply["field"], "expires_at");
    assert_eq!(ledger_size(&server), 1, "rejected overrides append nothing");

    let body = json!({"actor_account_id": "rm-1", "reason": "approved in CAB-12"});
    let (status, applied) = post(&url, &body);
    assert_eq!(status, 200, "{applied}");
    assert_eq!(applied["status"], "ALLOWED");
    assert_eq!(applied["reason_code"], "OVERRIDE_APPLIED");
    assert_eq!(ledger_size(&server), 2);
    let (status, again) = post(&url, &body);
    assert_eq!(status, 200);
    assert_eq!(again["override_id"], applied["override_id"]);
    assert_eq!(ledger_size(&server), 2, "the same override appends once");
    let (status, _) = post(&url, &json!({"actor_account_id": "rm-1", "reason": "another"}));
    assert_eq!(status, 409);

    let (_, stored) = get(&server.url(&format!("/audit/decisions/{id}")));
    assert_eq!(stored["overrides"][0]["decision_id"], id);
    assert_eq!(stored["overrides"][0]["actor"]["roles"], json!(["ReleaseManager"]));
    let (_, metrics) = get(&server.url("/integrations/jira/metrics/internal"));
    assert_eq!(metrics["overrides_used"], 1);
}

#[test]
fn concurrent_overrides_apply_once() {
    let server = start(Options::default());
    let (_, blocked) = post(&server.url(CHECK), &check_request(Some("HIGH")));
    let id = blocked["decision_id"].as_str().unwrap().to_string();
    let url = server.url(&format!("/integrations/jira/decisions/{id}/override"));
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..12)
            .map(|i| {
                let url = url.clone();
                scope.spawn(move || {
                    let body = json!({"actor_account_id": "rm-1", "reason": format!("approved in CAB-{i}")});
                    post(&url, &body).0
                })
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap()).collect()
    });
    assert_eq!(statuses.iter().filter(|status| **status == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|status| **status == 409).count(), 11, "{statuses:?}");
    assert_eq!(ledger_size(&server), 2, "one decision and one override");
}

#[test]
fn stored_override_separation_of_duties() {
    let server = start(Options::default());
    let mut request = check_request(Some("HIGH"));
    request["actor_account_id"] = json!("rm-1");
    request["actor_email"] = json!("rita@example.com");
    let (_, blocked) = post(&server.url(CHECK), &request);
    let id = blocked["decision_id"].as_str().unwrap();
    let (status, reply) = post(&server.url("/audit/overrides"), &json!({"decision_id": id, "actor_email": "RITA@example.com", "reason": "mine"}));
    assert_eq!(status, 403, "{reply}");
    assert_eq!(reply["reason_code"], "SOD_SELF_OVERRIDE");
    assert_eq!(ledger_size(&server), 1);
}

#[test]
fn metrics_and_audit_endpoints() {
    let server = start(Options::default());
    let (_, metrics) = get(&server.url("/integrations/jira/metrics/internal"));
    for name in ["transitions_evaluated", "transitions_blocked", "overrides_used", "skipped_count", "transitions_error"] {
        assert_eq!(metrics[name], 0, "{name}");
    }
    post(&server.url(CHECK), &check_request(Some("HIGH")));
    post(&server.url(CHECK), &check_request(None));
    let (_, metrics) = get(&server.url("/integrations/jira/metrics/internal"));
    assert_eq!(metrics["transitions_evaluated"], 2);
    assert_eq!(metrics["transitions_blocked"], 1);
    assert_eq!(metrics["skipped_count"], 1);
    let (status, text) = get(&server.url("/metrics"));
    assert_eq!(status, 200);
    let text = text.as_str().unwrap();
    assert!(text.contains("releasegate_transitions_evaluated_total 2"), "{text}");
    assert!(text.contains("releasegate_transition_check_duration_seconds_count 2"), "{text}");
    assert!(text.contains("le=\"+Inf\"} 2"), "{text}");

    let (status, verify) = get(&server.url("/audit/ledger/verify"));
    assert_eq!(status, 200);
    assert_eq!(verify["valid"], true);
    assert_eq!(verify["checked"], 2);
    let (status, _) = get(&server.url("/audit/decisions/0000"));
    assert_eq!(status, 404);
    let (status, _) = get(&server.url("/nowhere"));
    assert_eq!(status, 404);
    let (status, _) = get(&server.url(CHECK));
    assert_eq!(status, 405);
}

#[test]
fn export_json_and_csv() {
    let server = start(Options::default());
    let body = fixture("jira/transition_check_request.json");
    let (_, reply) = send("POST", &server.url(CHECK), Some(body.as_bytes()), &[]);
    let id = reply["decision_id"].as_str().unwrap();
    let url = server.url("/audit/export?repo=acme-payments%2Fledger-service&contract=soc2_v1&format=json&verify_chain=true");
    let (status, export) = get(&url);
    assert_eq!(status, 200, "{export}");
    assert_eq!(export["contract"], "soc2_v1");
    assert_eq!(export["records"][0]["decision_id"], id);
    assert_eq!(export["records"][0]["chain_verified"], true);
    let (status, csv) = get(&server.url("/audit/export?format=csv"));
    assert_eq!(status, 200);
    let csv = csv.as_str().unwrap();
    assert!(csv.starts_with("decision_id,decision,reason_code,human_message,actor,policy_version"), "{csv}");
    assert!(csv.contains(id));
    let (status, reply) = get(&server.url("/audit/export?contract=soc3"));
    assert_eq!(status, 400);
    assert_eq!(reply["field"], "contract");
    let (status, reply) = get(&server.url("/audit/export?status=bogus"));
    assert_eq!(status, 400, "{reply}");
    assert_eq!(reply["field"], "status");
    let (status, blocked) = get(&server.url("/audit/export?status=blocked"));
    assert_eq!(status, 200, "{blocked}");
    assert_eq!(blocked["records"][0]["decision_id"], id);
}

#[test]
fn webhook_caps_issue_keys() {
    let server = start(Options::default());
    let mut payload: serde_json::Value = serde_json::from_str(&fixture("github/pull_request_opened.json")).unwrap();
    let keys: Vec<String> = (1..=60).map(|n| format!("OPS-{n}")).collect();
    payload["pull_request"]["title"] = json!("bulk change");
    payload["pull_request"]["body"] = json!(keys.join(" "));
    let body = payload.to_string();
    let (status, reply) = send("POST", &server.url("/webhooks/github"), Some(body.as_bytes()), &[("X-GitHub-Event", "pull_request")]);
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["issue_keys"].as_array().unwrap().len(), runtime::github::MAX_ISSUE_KEYS);
    assert!(server.service.risk_store().get("OPS-50").unwrap().is_some());
    assert!(server.service.risk_store().get("OPS-51").unwrap().is_none());
}

#[test]
fn webhook_counter_errors_name_value() {
    let server = start(Options::default());
    let fixture_text = fixture("github/pull_request_opened.json");
    let max = runtime::risk::MAX_COUNTER;
    // (counter, JSON text put in its place or None to remove it, text the message must contain).
    let too_large = (max + 1).to_string();
    let cases: Vec<(&str, Option<&str>, String)> = vec![
        ("changed_files", Some("-1"), format!("`pull_request.changed_files` is -1; expected a whole number from 0 to {max}")),
        ("changed_files", Some("1.5"), format!("`pull_request.changed_files` is 1.5; expected a whole number from 0 to {max}")),
        ("changed_files", Some("1180591620717411303424"), "`pull_request.changed_files` is 1.1805916207174113e".to_string()),
        ("additions", Some(&too_large), format!("`pull_request.additions` is {too_large}; expected a whole number from 0 to {max}")),
        ("deletions", Some("\"12\""), format!("`pull_request.deletions` is \"12\"; expected a whole number from 0 to {max}")),
        ("deletions", Some("null"), format!("`pull_request.deletions` is null; expected a whole number from 0 to {max}")),
        ("additions", None, "`pull_request.additions` is missing".to_string()),
    ];
    for (counter, replacement, expected) in cases {
        let original = match counter {
            "changed_files" => r#""changed_files": 27"#,
            "additions" => r#""additions": 1184,"#,
            _ => r#""deletions": 203,"#,
        };
        assert!(fixture_text.contains(original), "fixture lacks {original}");
        let body = match replacement {
            Some(text) if counter == "changed_files" => fixture_text.replace(original, &format!(r#""{counter}": {text}"#)),
            Some(text) => fixture_text.replace(original, &format!(r#""{counter}": {text},"#)),
            None => fixture_text.replace(original, ""),
        };
        let (status, reply) = send("POST", &server.url("/webhooks/github"), Some(body.as_bytes()), &[("X-GitHub-Event", "pull_request")]);
        assert_eq!(status, 400, "{counter} {replacement:?}: {reply}");
        assert_eq!(reply["error"], "invalid_request", "{reply}");
        let message = reply["message"].as_str().unwrap_or_default();
        assert!(message.contains(&expected), "{counter} {replacement:?}: {message}");
        if replacement.is_some() {
            assert!(message.ends_with(&format!("expected a whole number from 0 to {max}")), "{message}");
        }
    }
    assert!(server.service.risk_store().get("PAY-1842").unwrap().is_none(), "a rejected webhook stored risk");
}

#[test]
fn forge_wrong_type_names_field() {
    let server = start(Options::default());
    let url = server.url("/integrations/jira/forge/validate");
    for id in [json!(true), json!({"id": 1}), json!([10002])] {
        let event = json!({"issue": {"key": "PAY-1842"}, "transition": {"from": {"id": "10021"}, "to": {"id": id}}});
        let (status, reply) = post(&url, &event);
        assert_eq!(status, 400, "{event}: {reply}");
        assert_eq!(reply["error"], "invalid_request", "{reply}");
        assert_eq!(reply["field"], "transition.to.id", "{reply}");
        let message = reply["message"].as_str().unwrap_or_default();
        assert!(message.contains("expected a string or a number"), "{message}");
    }
    assert_eq!(ledger_size(&server), 0, "a rejected payload wrote to the ledger");
}

#[test]
fn invalid_risk_level_is_named() {
    let server = start(Options::default());
    let cases = [
        (json!("EXTREME"), "releasegate_risk"),
        (json!({"risk_level": "EXTREME"}), "releasegate_risk.risk_level"),
        (json!({"key": "releasegate_risk", "value": {"releasegate_risk": "EXTREME"}}), "releasegate_risk.value.releasegate_risk"),
    ];
    for (risk, field) in cases {
        let mut request = check_request(None);
        request["releasegate_risk"] = risk.clone();
        let (status, reply) = post(&server.url(CHECK), &request);
        assert_eq!(status, 400, "{risk}: {reply}");
        assert_eq!(reply["field"], field, "{reply}");
        let message = reply["message"].as_str().unwrap_or_default();
        assert!(message.contains(r#""EXTREME" is not a risk level"#), "{message}");
        assert!(message.contains("LOW, MEDIUM, HIGH, CRITICAL"), "{message}");
    }
    assert_eq!(ledger_size(&server), 0, "a rejected request wrote to the ledger");
}

#[test]
fn audit_query_errors_name_param() {
    let server = start(Options::default());
    // (path and query, field named in the error, text the message must contain).
    let cases = [
        ("/audit/export?since=yesterday", "since", r#"invalid timestamp "yesterday": expected RFC 3339"#),
        ("/audit/export?until=2026-13-45", "until", r#"invalid timestamp "2026-13-45": expected RFC 3339"#),
        ("/audit/export?since=2026-12-04&until=noon", "until", r#""noon""#),
        ("/audit/export?repo=a&repo=b", "repo", "query parameter `repo` is given 2 times; give it once"),
        ("/audit/export?format=csv&format=json", "format", "query parameter `format` is given 2 times"),
        ("/audit/export?colour=red", "colour", "unknown query parameter `colour`; expected one of: repo, contract"),
        ("/audit/ledger/verify?repo=a&repo=b", "repo", "query parameter `repo` is given 2 times"),
        ("/audit/ledger/verify?repository=a", "repository", "unknown query parameter `repository`; expected one of: repo"),
        ("/audit/export?verify_chain=yes", "verify_chain", "`yes` is not one of true, 1, false, 0"),
    ];
    for (path, field, expected) in cases {
        let (status, reply) = get(&server.url(path));
        assert_eq!(status, 400, "{path}: {reply}");
        assert_eq!(reply["error"], "invalid_request", "{path}: {reply}");
        assert_eq!(reply["field"], field, "{path}: {reply}");
        let message = reply["message"].as_str().unwrap_or_default();
        assert!(message.contains(expected), "{path}: {message}");
    }
    let (status, reply) = get(&server.url("/audit/export?since=2026-12-04&until=2026-12-05T00:00:00%2B01:00"));
    assert_eq!(status, 200, "valid bounds: {reply}");
}

#[test]
fn decisions_path_without_id() {
    let server = start(Options::default());
    for path in ["/audit/decisions", "/audit/decisions/"] {
        let (status, reply) = get(&server.url(path));
        assert_eq!(status, 404, "{path}: {reply}");
        let message = reply["message"].as_str().unwrap_or_default();
        assert!(message.contains("/audit/decisions/{decision_id}"), "{path}: {message}");
    }
}
