//! Risk metadata read from a fake Jira on 127.0.0.1, and 16 concurrent clients followed by a
//! full chain verification.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod server_support;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use server_support::{check_request, fixture, post, start, Options};

/// Serves the fixture property for PAY-1842 and 404 for other issues; records each request's
/// path and Authorization header.
/// Paths and Authorization headers the fake Jira received.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

fn fake_jira() -> (String, Seen, tiny_http::Server) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let base = format!("http://{}", server.server_addr().to_ip().unwrap());
    (base, Arc::new(Mutex::new(Vec::new())), server)
}

#[test]
fn risk_property_from_fake_jira() {
    let (base, seen, jira) = fake_jira();
    let seen_by_server = Arc::clone(&seen);
    let property = fixture("jira/issue_property_releasegate_risk.json");
    let jira = Arc::new(jira);
    let jira_thread = {
        let jira = Arc::clone(&jira);
        std::thread::spawn(move || {
            while let Ok(Some(request)) = jira.recv_timeout(Duration::from_secs(20)) {
                let auth = request.headers().iter().find(|h| h.field.equiv("Authorization")).map(|h| h.value.to_string()).unwrap_or_default();
                let path = request.url().to_string();
                seen_by_server.lock().unwrap().push((path.clone(), auth));
                let response = if path == "/rest/api/3/issue/PAY-1842/properties/releasegate_risk" {
                    tiny_http::Response::from_string(property.clone()).with_status_code(200)
                } else {
                    tiny_http::Response::from_string("{\"errorMessages\":[\"not found\"]}").with_status_code(404)
                };
                let _ = request.respond(response);
            }
        })
    };
    std::env::set_var("JIRA_BASE_URL", &base);
    std::env::set_var("JIRA_EMAIL", "bot@example.com");
    std::env::set_var("JIRA_API_TOKEN", "jira-token");
    let server = start(Options::default());
    std::env::remove_var("JIRA_BASE_URL");

    let (_, reply) = post(&server.url("/integrations/jira/transition/check"), &check_request(None));
    assert_eq!(reply["reason_code"], "POLICY_BLOCKED", "HIGH risk from Jira: {reply}");
    let decision = server.service.ledger().decision(reply["decision_id"].as_str().unwrap()).unwrap().unwrap();
    let payload = decision.payload_value().unwrap();
    assert_eq!(payload["risk_source"], "github");
    assert_eq!(payload["input_snapshot"]["change.changed_files"], 27);

    let mut other = check_request(None);
    other["issue_key"] = json!("PAY-1");
    let (_, reply) = post(&server.url("/integrations/jira/transition/check"), &other);
    assert_eq!(reply["reason_code"], "MISSING_RISK_METADATA", "404 from Jira: {reply}");

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].0, "/rest/api/3/issue/PAY-1842/properties/releasegate_risk");
    // base64("bot@example.com:jira-token")
    assert_eq!(seen[0].1, "Basic Ym90QGV4YW1wbGUuY29tOmppcmEtdG9rZW4=");
    jira.unblock();
    drop(server);
    let _ = jira_thread.join();
}

#[test]
fn sixteen_clients_then_verify() {
    let server = start(Options { workers: Some(8), ..Options::default() });
    let url = server.url("/integrations/jira/transition/check");
    let deadline = Instant::now() + Duration::from_secs(120);
    let threads: Vec<_> = (0..16)
        .map(|client| {
            let url = url.clone();
            std::thread::spawn(move || {
                let mut ids = Vec::new();
                for round in 0..10 {
                    if Instant::now() > deadline {
                        break;
                    }
                    let mut request = check_request(Some(if round % 2 == 0 { "HIGH" } else { "LOW" }));
                    request["issue_key"] = json!(format!("PAY-{}", client * 100 + round));
                    let (status, reply) = post(&url, &request);
                    assert_eq!(status, 200, "{reply}");
                    ids.push(reply["decision_id"].as_str().unwrap().to_string());
                }
                ids
            })
        })
        .collect();
    let ids: Vec<String> = threads.into_iter().flat_map(|thread| thread.join().unwrap()).collect();
    assert_eq!(ids.len(), 160);
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 160);
    let verification = server.service.ledger().verify(None).unwrap();
    assert!(verification.valid, "{verification:?}");
    assert_eq!(verification.checked, 160);
    for id in &ids {
        assert!(server.service.ledger().decision(id).unwrap().is_some(), "{id} missing");
    }
}
