//! Shared setup for the server tests: policies in a temp dir, an in-process server on
//! 127.0.0.1 port 0 over a real SQLite file, and a small HTTP client.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use runtime::server::{self, RunningServer, ServerConfig};
use runtime::service::Service;
use runtime::settings::{service_config, SourcePaths};
use serde_json::Value;

pub const SIGNALS: &str = r#"
signals:
  environment: {type: enum, values: [PRODUCTION, STAGING, DEV, UNKNOWN], required: true}
  transition.id: {type: string}
  transition.name: {type: string}
  transition.source_status: {type: string}
  transition.target_status: {type: string}
  issue.key: {type: string}
  issue.type: {type: string}
  project.key: {type: string}
  actor.account_id: {type: string}
  actor.email: {type: string}
  actor.roles: {type: list<string>}
  risk.level: {type: enum, values: [LOW, MEDIUM, HIGH, CRITICAL]}
  risk.score: {type: int}
  core_risk.severity_level: {type: enum, values: [LOW, MEDIUM, HIGH, CRITICAL]}
  change.changed_files: {type: int}
  change.additions: {type: int}
  change.deletions: {type: int}
  change.total_churn: {type: int}
  time.utc_hour: {type: int}
  time.weekday: {type: enum, values: [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY]}
  time.date: {type: string}
  approvals.count: {type: int}
  approvals.roles: {type: list<string>}
"#;

pub const POLICIES: &str = r#"
policies:
  - policy_id: RISK-HIGH
    name: "High risk blocks"
    scope: transition
    controls:
      - {signal: risk.level, operator: "==", value: HIGH}
    enforcement: {result: BLOCK, message: "High risk change requires additional approval"}
    requires: {approvals: 2, roles: [ReleaseManager]}
  - policy_id: RISK-MEDIUM
    name: "Medium risk warns"
    scope: transition
    controls:
      - {signal: risk.level, operator: "==", value: MEDIUM}
    enforcement: {result: WARN, message: "Medium risk change needs a second look"}
  - policy_id: APPROVAL-1
    name: "One approval"
    scope: transition
    controls:
      - {signal: approvals.count, operator: "<", value: 1}
    enforcement: {result: BLOCK, message: "At least one approval is required"}
"#;

pub const TRANSITIONS: &str = r#"
transitions:
  PRODUCTION:
    DEFAULT:
      "Ready for Release -> Done": [RISK-HIGH, RISK-MEDIUM, APPROVAL-1]
      "ghost": [GHOST-1]
      "slow": [SLOW-1]
  STAGING:
    DEFAULT:
      "Ready for Release -> Done": [RISK-HIGH, RISK-MEDIUM, APPROVAL-1]
      "slow": [SLOW-1]
"#;

pub const ROLES: &str = r#"
members:
  "rm-1": [ReleaseManager]
  "rita@example.com": [ReleaseManager]
  "eng-1": [Engineer]
  "dana@example.com": [Engineer]
override_roles: [ReleaseManager]
"#;

/// A policy whose condition runs past the VM's instruction budget: a long chain of `or`
/// comparisons that never hold, so every one of them is evaluated.
pub fn slow_policy() -> String {
    let terms: Vec<String> = (0..4000).map(|i| format!("approvals.count == {}", -1 - i)).collect();
    format!(
        "\n  - policy_id: SLOW-1\n    name: \"Budget\"\n    scope: transition\n    when: \"{}\"\n    enforcement: {{result: BLOCK, message: \"never\"}}\n",
        terms.join(" or ")
    )
}

pub fn write_policies(dir: &Path) -> PathBuf {
    let policies = dir.join("policies");
    std::fs::create_dir_all(&policies).unwrap();
    std::fs::write(policies.join("signals.yaml"), SIGNALS).unwrap();
    std::fs::write(policies.join("policies.yaml"), format!("{POLICIES}{}", slow_policy())).unwrap();
    // The maps live outside the compiled directory: the compiler rejects a transition map that
    // names an unknown policy, and the tests need one (GHOST-1) to reach INVALID_POLICY_REFERENCE.
    let maps = dir.join("maps");
    std::fs::create_dir_all(&maps).unwrap();
    std::fs::write(maps.join("transitions.yaml"), TRANSITIONS).unwrap();
    std::fs::write(maps.join("roles.yaml"), ROLES).unwrap();
    policies
}

pub struct TestServer {
    pub base: String,
    pub running: Option<RunningServer>,
    pub service: Arc<Service>,
    pub db: PathBuf,
    pub dir: tempfile::TempDir,
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            running.shutdown();
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub strict: bool,
    pub api_token: Option<String>,
    pub max_body_bytes: Option<usize>,
    pub github_secret: Option<String>,
    pub workers: Option<usize>,
    pub io_timeout: Option<Duration>,
}

pub fn start(options: Options) -> TestServer {
    let dir = tempfile::tempdir().unwrap();
    let policies = write_policies(dir.path());
    let paths = SourcePaths {
        bundle: None,
        transition_map: dir.path().join("maps/transitions.yaml"),
        role_map: dir.path().join("maps/roles.yaml"),
        strict: options.strict,
        policies,
    };
    // The budget policy's long `or` chain recurses deeply in the compiler: compile on a thread
    // with a large stack.
    let config = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(move || service_config(&paths).unwrap())
        .unwrap()
        .join()
        .unwrap();
    let db = dir.path().join("releasegate.db");
    let service = Arc::new(Service::open(config, &db).unwrap());
    let server_config = ServerConfig {
        addr: "127.0.0.1:0".to_string(),
        workers: options.workers.unwrap_or(4),
        api_token: options.api_token.clone(),
        max_body_bytes: options.max_body_bytes.unwrap_or(runtime::server::DEFAULT_MAX_BODY_BYTES),
        github_secret: options.github_secret.clone().map(String::into_bytes),
        io_timeout: options.io_timeout.unwrap_or(runtime::server::DEFAULT_IO_TIMEOUT),
    };
    let running = server::start(Arc::clone(&service), server_config).unwrap();
    TestServer { base: format!("http://{}", running.addr()), running: Some(running), service, db, dir }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout(Duration::from_secs(30)).build()
}

/// Sends a request; returns the status and the body parsed as JSON (or a JSON string).
pub fn send(method: &str, url: &str, body: Option<&[u8]>, headers: &[(&str, &str)]) -> (u16, Value) {
    let mut request = agent().request(method, url);
    for (name, value) in headers {
        request = request.set(name, value);
    }
    let result = match body {
        Some(body) => request.set("Content-Type", "application/json").send_bytes(body),
        None => request.call(),
    };
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(error) => panic!("{method} {url} failed: {error}"),
    };
    let status = response.status();
    let text = response.into_string().unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

pub fn post(url: &str, body: &Value) -> (u16, Value) {
    send("POST", url, Some(body.to_string().as_bytes()), &[])
}

pub fn get(url: &str) -> (u16, Value) {
    send("GET", url, None, &[])
}

/// A transition check request in PRODUCTION for `Ready for Release -> Done`, by an engineer.
pub fn check_request(risk: Option<&str>) -> Value {
    let mut request = serde_json::json!({
        "issue_key": "PAY-1842",
        "transition_id": "31",
        "transition_name": "Release",
        "source_status": "Ready for Release",
        "target_status": "Done",
        "actor_account_id": "eng-1",
        "actor_email": "dana@example.com",
        "environment": "PRODUCTION",
        "project_key": "PAY",
        "issue_type": "Story",
        "signals": {"approvals": {"count": 1}},
    });
    if let Some(level) = risk {
        request["releasegate_risk"] = serde_json::json!({"risk_level": level});
    }
    request
}

pub fn ledger_size(server: &TestServer) -> u64 {
    server.service.ledger().checkpoint().unwrap().size
}

pub fn fixture(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures").join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|error| panic!("fixture {}: {error}", full.display()))
}
