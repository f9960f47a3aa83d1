//! `releasegate demo`: the whole story on the shipped policies, in a fresh temporary ledger.
//!
//! A GitHub webhook attaches HIGH risk to PAY-1842, the `Ready for Release -> Done` transition is
//! BLOCKED, a release manager overrides it, the ledger is exported as JSON and CSV and verified.
//! Every step goes over HTTP to a server started in process on 127.0.0.1 port 0.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use runtime::secure_compare::github_signature;
use runtime::server::{self, RunningServer, ServerConfig};
use runtime::service::Service;
use runtime::settings::{map_path, service_config, SourcePaths};
use serde_json::{json, Value};

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Keep the ledger and the export files in DIR (created when missing) instead of a temporary
    /// directory that is removed at exit.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// Policy directory to compile (with its signals.yaml, transitions.yaml and roles.yaml).
    #[arg(long, default_value = "policies")]
    pub policies: PathBuf,
}

const ISSUE_KEY: &str = "PAY-1842";
const REQUESTER: &str = "5b10ac8d82e05b22cc7d4ef5";
const REQUESTER_EMAIL: &str = "dana@example.com";
const RELEASE_MANAGER: &str = "712020:rm-rita";
const OVERRIDE_REASON: &str = "Settlement fix approved by the change advisory board (CAB-2026-118)";
const WEBHOOK_SECRET: &str = "releasegate-demo-secret";

/// Exit codes: 0 the story ran as expected, 1 a step returned an unexpected result, 2 the policies or the
/// temporary directory could not be set up.
pub fn run(args: DemoArgs) -> Exit {
    let workdir = match WorkDir::new(args.keep.as_deref()) {
        Ok(workdir) => workdir,
        Err(message) => return fail(Exit::Usage, &message),
    };
    let (running, service) = match start(&args.policies, workdir.path()) {
        Ok(started) => started,
        Err(message) => return fail(Exit::Usage, &message),
    };
    let base = format!("http://{}", running.addr());
    outln!("ReleaseGate demo");
    outln!(
        "  policies:  {} (bundle {})",
        args.policies.display(),
        service.bundle().bundle_hash()
    );
    outln!(
        "  ledger:    {}",
        workdir.path().join("releasegate.db").display()
    );
    outln!("  server:    {base}");
    let result = story(&base, workdir.path());
    running.shutdown();
    match result {
        Ok(()) => {
            if args.keep.is_none() {
                outln!("\n(The temporary directory is removed now; pass --keep DIR to keep the files.)");
            }
            Exit::Success
        }
        Err(message) => fail(Exit::Findings, &message),
    }
}

fn fail(exit: Exit, message: &str) -> Exit {
    eprintln!("error: demo failed: {message}");
    exit
}

/// The demo's directory: `--keep DIR`, or a temporary directory removed on drop.
struct WorkDir {
    kept: Option<PathBuf>,
    temporary: Option<tempfile::TempDir>,
}

impl WorkDir {
    fn new(keep: Option<&Path>) -> Result<WorkDir, String> {
        if let Some(dir) = keep {
            std::fs::create_dir_all(dir)
                .map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
            if dir.join("releasegate.db").exists() {
                return Err(format!(
                    "{} already holds a ledger; pass an empty directory to --keep",
                    dir.display()
                ));
            }
            return Ok(WorkDir {
                kept: Some(dir.to_path_buf()),
                temporary: None,
            });
        }
        let temporary = tempfile::Builder::new()
            .prefix("releasegate-demo-")
            .tempdir()
            .map_err(|error| format!("cannot create a temporary directory: {error}"))?;
        Ok(WorkDir {
            kept: None,
            temporary: Some(temporary),
        })
    }

    fn path(&self) -> &Path {
        match (&self.kept, &self.temporary) {
            (Some(dir), _) => dir,
            (None, Some(temporary)) => temporary.path(),
            (None, None) => Path::new("."),
        }
    }
}

fn start(policies: &Path, dir: &Path) -> Result<(RunningServer, Arc<Service>), String> {
    let paths = SourcePaths {
        bundle: None,
        transition_map: map_path(None, policies, "transitions.yaml"),
        role_map: map_path(None, policies, "roles.yaml"),
        strict: false,
        policies: policies.to_path_buf(),
    };
    let mut config = service_config(&paths).map_err(|error| error.to_string())?;
    config.jira = None;
    let service =
        Service::open(config, &dir.join("releasegate.db")).map_err(|error| error.to_string())?;
    let service = Arc::new(service);
    let server_config = ServerConfig {
        addr: "127.0.0.1:0".to_string(),
        workers: 2,
        github_secret: Some(WEBHOOK_SECRET.as_bytes().to_vec()),
        ..ServerConfig::default()
    };
    let running =
        server::start(Arc::clone(&service), server_config).map_err(|error| error.to_string())?;
    Ok((running, service))
}

fn story(base: &str, dir: &Path) -> Result<(), String> {
    attach_risk(base)?;
    let decision_id = attempt_transition(base)?;
    override_block(base, &decision_id)?;
    export(base, dir)?;
    verify(base)
}

fn attach_risk(base: &str) -> Result<(), String> {
    let body = pull_request_event().to_string();
    let signature = github_signature(WEBHOOK_SECRET.as_bytes(), body.as_bytes());
    let headers = [
        ("X-GitHub-Event", "pull_request"),
        ("X-Hub-Signature-256", signature.as_str()),
    ];
    let reply = expect(
        send(
            "POST",
            &format!("{base}/webhooks/github"),
            Some(&body),
            &headers,
        )?,
        200,
    )?;
    outln!("\n1. GitHub pull_request webhook (signed): acme-payments/ledger-service #912");
    outln!("   counters: 27 files changed, +1184 -203 lines");
    let keys: Vec<&str> = reply["issue_keys"]
        .as_array()
        .map(|keys| keys.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    outln!(
        "   risk {} (score {}) attached to {}",
        text(&reply, "risk_level"),
        reply["risk_score"],
        keys.join(", ")
    );
    if reply["risk_level"] != "HIGH" {
        return Err(format!("expected HIGH risk, got {}", reply["risk_level"]));
    }
    Ok(())
}

fn attempt_transition(base: &str) -> Result<String, String> {
    let request = json!({
        "issue_key": ISSUE_KEY,
        "transition_id": "31",
        "transition_name": "Release",
        "source_status": "Ready for Release",
        "target_status": "Done",
        "actor_account_id": REQUESTER,
        "actor_email": REQUESTER_EMAIL,
        "environment": "PRODUCTION",
        "project_key": "PAY",
        "issue_type": "Story",
        "context_overrides": {"repo": "acme-payments/ledger-service", "pr_number": 912},
        "signals": {"approvals": {"count": 1, "roles": ["Engineer"]}},
    });
    let url = format!("{base}/integrations/jira/transition/check");
    let reply = expect(send("POST", &url, Some(&request.to_string()), &[])?, 200)?;
    outln!("\n2. Jira issue {ISSUE_KEY}: transition \"Ready for Release -> Done\" (id 31) in PRODUCTION");
    outln!("   requested by {REQUESTER} ({REQUESTER_EMAIL})");
    outln!(
        "   status: {} ({})",
        text(&reply, "status"),
        text(&reply, "reason_code")
    );
    outln!("   block reason: {}", text(&reply, "reason"));
    outln!("   decision id: {}", text(&reply, "decision_id"));
    if reply["status"] != "BLOCKED" || reply["allow"] != false {
        return Err(format!("expected BLOCKED, got {reply}"));
    }
    Ok(text(&reply, "decision_id"))
}

fn override_block(base: &str, decision_id: &str) -> Result<(), String> {
    let url = format!("{base}/integrations/jira/decisions/{decision_id}/override");
    let body = json!({"actor_account_id": RELEASE_MANAGER, "reason": OVERRIDE_REASON});
    let reply = expect(send("POST", &url, Some(&body.to_string()), &[])?, 200)?;
    outln!(
        "\n3. Override by {RELEASE_MANAGER} (roles {})",
        reply["actor"]["roles"]
    );
    outln!("   reason: {OVERRIDE_REASON}");
    outln!(
        "   status: {} ({})",
        text(&reply, "status"),
        text(&reply, "reason_code")
    );
    outln!("   override id: {}", text(&reply, "override_id"));
    outln!("   overridden decision id: {decision_id}");
    if reply["status"] != "ALLOWED" {
        return Err(format!("expected ALLOWED, got {reply}"));
    }
    Ok(())
}

fn export(base: &str, dir: &Path) -> Result<(), String> {
    outln!("\n4. SOC 2 export (soc2_v1)");
    for format in ["json", "csv"] {
        let url = format!("{base}/audit/export?contract=soc2_v1&format={format}&verify_chain=true");
        let (status, body) = send("GET", &url, None, &[])?;
        if status != 200 {
            return Err(format!("export as {format} answered {status}: {body}"));
        }
        let path = dir.join(format!("soc2_export.{format}"));
        std::fs::write(&path, body)
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        outln!("   {format}: {}", path.display());
    }
    Ok(())
}

fn verify(base: &str) -> Result<(), String> {
    let reply = expect(
        send("GET", &format!("{base}/audit/ledger/verify"), None, &[])?,
        200,
    )?;
    outln!(
        "\n5. Ledger verification: valid={} entries checked={} head={}",
        reply["valid"],
        reply["checked"],
        text(&reply, "head_hash")
    );
    if reply["valid"] != true || reply["checked"] != 2 {
        return Err(format!("expected a valid chain of 2 entries, got {reply}"));
    }
    Ok(())
}

fn text(value: &Value, name: &str) -> String {
    value
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn expect((status, body): (u16, String), expected: u16) -> Result<Value, String> {
    if status != expected {
        return Err(format!("expected HTTP {expected}, got {status}: {body}"));
    }
    serde_json::from_str(&body).map_err(|error| format!("reply is not JSON ({error}): {body}"))
}

fn send(
    method: &str,
    url: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> Result<(u16, String), String> {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .build();
    let mut request = agent.request(method, url);
    for (name, value) in headers {
        request = request.set(name, value);
    }
    let result = match body {
        Some(body) => request
            .set("Content-Type", "application/json")
            .send_string(body),
        None => request.call(),
    };
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(error) => return Err(format!("{method} {url} failed: {error}")),
    };
    let status = response.status();
    let body = response
        .into_string()
        .map_err(|error| format!("reading the reply of {url}: {error}"))?;
    Ok((status, body))
}

/// Builds the GitHub `pull_request` `opened` event for PR #912; only its counters, keys and
/// author matter.
fn pull_request_event() -> Value {
    json!({
        "action": "opened",
        "number": 912,
        "pull_request": {
            "number": 912,
            "state": "open",
            "title": "PAY-1842: switch settlement batch to the new ledger schema",
            "body": "Implements the schema change from PAY-1842.\n\nAlso touches SEC-77 (key rotation helper).",
            "user": {"login": "dana-example"},
            "additions": 1184,
            "deletions": 203,
            "changed_files": 27,
        },
        "repository": {"full_name": "acme-payments/ledger-service"},
    })
}
