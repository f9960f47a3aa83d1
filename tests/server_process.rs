//! The real `releasegate serve` process: kill -9 under load and restart on the same ledger, and
//! the `risk` and `override` verbs on its database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_releasegate");

fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Starts `releasegate serve` on port 0 and reads the bound address from its first stdout line.
fn serve(db: &Path, extra_env: &[(&str, &str)]) -> (Child, String) {
    let mut command = Command::new(BIN);
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--workers", "4", "--policies"])
        .arg(repo_path("policies"))
        .arg("--db")
        .arg(db)
        .env_remove("RELEASEGATE_API_TOKEN")
        .env_remove("JIRA_BASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (name, value) in extra_env {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let base = line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("unexpected first line {line:?}")).to_string();
    (child, base)
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new().timeout(Duration::from_secs(10)).build()
}

/// Sends a POST. A reply whose body was cut off (the server was killed while writing it) is an
/// error, because the client never received the decision.
fn post(url: &str, body: &Value) -> Result<(u16, Value), String> {
    match agent().post(url).send_string(&body.to_string()) {
        Ok(response) => {
            let status = response.status();
            let text = response.into_string().map_err(|error| error.to_string())?;
            Ok((status, serde_json::from_str(&text).map_err(|error| error.to_string())?))
        }
        Err(ureq::Error::Status(status, response)) => Ok((status, serde_json::from_str(&response.into_string().unwrap()).unwrap_or(Value::Null))),
        Err(error) => Err(error.to_string()),
    }
}

fn get(url: &str) -> (u16, Value) {
    match agent().get(url).call() {
        Ok(response) => (response.status(), serde_json::from_str(&response.into_string().unwrap()).unwrap()),
        Err(ureq::Error::Status(status, response)) => (status, serde_json::from_str(&response.into_string().unwrap()).unwrap_or(Value::Null)),
        Err(error) => panic!("GET {url}: {error}"),
    }
}

fn check_request(issue_key: &str, level: Option<&str>) -> Value {
    let mut request = json!({
        "issue_key": issue_key,
        "transition_id": "31",
        "transition_name": "Release",
        "source_status": "Ready for Release",
        "target_status": "Done",
        "actor_account_id": "5b10ac8d82e05b22cc7d4ef5",
        "actor_email": "dana@example.com",
        "environment": "PRODUCTION",
        "project_key": "PAY",
        "signals": {"approvals": {"count": 1}},
    });
    if let Some(level) = level {
        request["releasegate_risk"] = json!({"risk_level": level});
    }
    request
}

#[test]
fn kill_under_load_keeps_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let (mut child, base) = serve(&db, &[]);
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now() + Duration::from_secs(60);
    let clients: Vec<_> = (0..4)
        .map(|client| {
            let (url, acknowledged, stop) = (format!("{base}/integrations/jira/transition/check"), Arc::clone(&acknowledged), Arc::clone(&stop));
            std::thread::spawn(move || {
                for round in 0..500 {
                    if stop.load(Ordering::SeqCst) || Instant::now() > deadline {
                        break;
                    }
                    let request = check_request(&format!("PAY-{}", client * 1000 + round), Some("HIGH"));
                    match post(&url, &request) {
                        Ok((200, reply)) => acknowledged.lock().unwrap().push(reply["decision_id"].as_str().unwrap().to_string()),
                        Ok((status, reply)) => panic!("unexpected {status}: {reply}"),
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    while acknowledged.lock().unwrap().len() < 40 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 40, "only {} decisions acknowledged", acknowledged.len());

    let (mut child, base) = serve(&db, &[("RELEASEGATE_LEDGER_VERIFY_ON_STARTUP", "true")]);
    let (status, verification) = get(&format!("{base}/audit/ledger/verify"));
    assert_eq!(status, 200);
    assert_eq!(verification["valid"], true, "{verification}");
    assert!(verification["checked"].as_u64().unwrap() >= acknowledged.len() as u64);
    for id in &acknowledged {
        let (status, _) = get(&format!("{base}/audit/decisions/{id}"));
        assert_eq!(status, 200, "acknowledged decision {id} lost");
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

fn releasegate(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(BIN).args(args).env_remove("RELEASEGATE_DB").output().unwrap();
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn risk_and_override_verbs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let db_arg = db.to_str().unwrap();
    let roles = repo_path("policies/roles.yaml");
    let roles_arg = roles.to_str().unwrap();

    let (code, stdout, stderr) = releasegate(&["risk", "attach", "PAY-7", "--changed-files", "27", "--additions", "1184", "--deletions", "203", "--repo", "acme/x", "--pr", "9", "--db", db_arg]);
    assert_eq!(code, 0, "{stderr}");
    let attached: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(attached["value"]["risk_level"], "HIGH");
    let (code, stdout, _) = releasegate(&["risk", "show", "PAY-7", "--db", db_arg]);
    assert_eq!(code, 0);
    assert!(stdout.contains("\"total_churn\": 1387"), "{stdout}");
    let (code, _, _) = releasegate(&["risk", "show", "PAY-8", "--db", db_arg]);
    assert_eq!(code, 1);
    let (code, _, _) = releasegate(&["risk", "attach", "PAY-7", "--level", "HUGE", "--db", db_arg]);
    assert_eq!(code, 2);
    let (code, _, stderr) = releasegate(&["risk", "attach", "PAY-7", "--changed-files", "1", "--additions", "18446744073709551615", "--deletions", "0", "--db", db_arg]);
    assert_eq!(code, 2, "a counter above the int signal range is rejected");
    assert!(stderr.contains("--additions is larger than"), "{stderr}");
    let (_, stdout, _) = releasegate(&["risk", "show", "PAY-7", "--db", db_arg]);
    assert!(stdout.contains("\"total_churn\": 1387"), "the rejected attach left the stored risk alone: {stdout}");

    let (mut child, base) = serve(&db, &[]);
    let (status, blocked) = post(&format!("{base}/integrations/jira/transition/check"), &check_request("PAY-7", None)).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 200);
    assert_eq!(blocked["status"], "BLOCKED", "risk from `risk attach`: {blocked}");
    let id = blocked["decision_id"].as_str().unwrap();

    let base_args = ["override", id, "--db", db_arg, "--role-map", roles_arg];
    let with = |extra: &[&str]| releasegate(&[&base_args[..], extra].concat());
    let (code, _, stderr) = with(&["--actor", "712020:rm-rita"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("OVERRIDE_JUSTIFICATION_REQUIRED"), "{stderr}");
    let (code, _, stderr) = with(&["--actor", "712020:eng-eli", "--reason", "ok"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("OVERRIDE_NOT_AUTHORIZED"), "{stderr}");
    let (code, _, stderr) = with(&["--actor", "rita@example.com", "--reason", "ok", "--expires-at", "2001-01-01T00:00:00Z"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("OVERRIDE_EXPIRED"), "{stderr}");
    let (code, stdout, stderr) = with(&["--actor", "712020:rm-rita", "--reason", "CAB approved", "--expires-at", "2999-01-01T00:00:00Z"]);
    assert_eq!(code, 0, "{stderr}");
    let applied: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(applied["reason_code"], "OVERRIDE_APPLIED");
    assert_eq!(applied["ledger_seq"], 2);
    let (code, _, _) = releasegate(&["override", "ffff", "--actor", "712020:rm-rita", "--reason", "x", "--db", db_arg, "--role-map", roles_arg]);
    assert_eq!(code, 2);
}

#[test]
fn override_rejects_bad_expiry() {
    let (code, _, stderr) = releasegate(&["override", "0123", "--actor", "712020:rm-rita", "--reason", "x", "--expires-at", "tomorrow"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is not an RFC 3339 timestamp"), "{stderr}");
}

#[test]
fn empty_api_token_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let output = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--policies"])
        .arg(repo_path("policies"))
        .arg("--db")
        .arg(&db)
        .env("RELEASEGATE_API_TOKEN", "  ")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("RELEASEGATE_API_TOKEN is set but empty"), "{stderr}");
}

#[test]
fn workers_outside_range_are_rejected() {
    assert_serve_rejects("--workers", &["0", "1025", "many"]);
}

/// Runs `serve` with each of `values` for `flag` and checks for exit 2, a message naming the
/// flag, and no ledger file.
fn assert_serve_rejects(flag: &str, values: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    for value in values {
        let output = Command::new(BIN)
            .args(["serve", "--addr", "127.0.0.1:0", flag, value, "--policies"])
            .arg(repo_path("policies"))
            .arg("--db")
            .arg(&db)
            .env_remove("RELEASEGATE_IO_TIMEOUT")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{flag} {value}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(flag), "{flag} {value}: {stderr}");
    }
    assert!(!db.exists(), "a rejected serve created the ledger");
}

#[test]
fn descriptor_exhaustion_keeps_accepting() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    // `serve` with 64 file descriptors: each connection takes two of them.
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 64 && exec \"$0\" \"$@\"")
        .arg(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--workers", "2", "--policies"])
        .arg(repo_path("policies"))
        .arg("--db")
        .arg(&db)
        .env_remove("RELEASEGATE_API_TOKEN")
        .env_remove("JIRA_BASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let base = line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("unexpected first line {line:?}")).to_string();
    let addr: std::net::SocketAddr = base.trim_start_matches("http://").parse().unwrap();

    let connections: Vec<std::net::TcpStream> =
        (0..80).filter_map(|_| std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()).collect();
    // Give the accept loop time to run out of descriptors, then free them.
    std::thread::sleep(Duration::from_millis(500));
    drop(connections);
    std::thread::sleep(Duration::from_millis(300));

    let answer = agent().get(&format!("{base}/healthz")).call().map(|response| response.status());
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(answer.map_err(|error| error.to_string()), Ok(200));
}

#[test]
fn io_timeout_outside_range_is_rejected() {
    assert_serve_rejects("--io-timeout", &["0", "3601", "soon"]);
}

/// Environment settings that `serve` reads, removed from every run that checks one of them.
const SERVE_SETTINGS: [&str; 8] = [
    "RELEASEGATE_STRICT_MODE",
    "RELEASEGATE_API_TOKEN",
    "RELEASEGATE_MAX_BODY_BYTES",
    "RELEASEGATE_GITHUB_WEBHOOK_SECRET",
    "RELEASEGATE_LEDGER_VERIFY_ON_STARTUP",
    "RELEASEGATE_LEDGER_FAIL_ON_CORRUPTION",
    "RELEASEGATE_IO_TIMEOUT",
    "JIRA_BASE_URL",
];

#[test]
fn bad_env_setting_leaves_no_ledger() {
    let cases = [
        ("RELEASEGATE_MAX_BODY_BYTES", "abc"),
        ("RELEASEGATE_MAX_BODY_BYTES", "0"),
        ("RELEASEGATE_STRICT_MODE", "maybe"),
        ("RELEASEGATE_API_TOKEN", " "),
        ("RELEASEGATE_GITHUB_WEBHOOK_SECRET", ""),
        ("RELEASEGATE_LEDGER_VERIFY_ON_STARTUP", "perhaps"),
        ("RELEASEGATE_LEDGER_FAIL_ON_CORRUPTION", "sometimes"),
        ("RELEASEGATE_IO_TIMEOUT", "abc"),
        ("RELEASEGATE_IO_TIMEOUT", "0"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    for (name, value) in cases {
        let mut command = Command::new(BIN);
        command
            .args(["serve", "--addr", "127.0.0.1:0", "--policies"])
            .arg(repo_path("policies"))
            .arg("--db")
            .arg(&db);
        for setting in SERVE_SETTINGS {
            command.env_remove(setting);
        }
        let output = command.env(name, value).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}={value:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(name), "{name}={value:?}: {stderr}");
        assert!(!db.exists(), "{name}={value:?} created the ledger");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "{name}={value:?} left files");
    }
}

#[test]
fn io_timeout_error_names_source() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    let run = |flag_value: Option<&str>, env_value: &str| {
        let mut command = Command::new(BIN);
        command.args(["serve", "--addr", "127.0.0.1:0"]);
        if let Some(value) = flag_value {
            command.args(["--io-timeout", value]);
        }
        let output = command.arg("--db").arg(&db).env("RELEASEGATE_IO_TIMEOUT", env_value).output().unwrap();
        (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
    };
    let (code, stderr) = run(None, "abc");
    assert_eq!(code, Some(2));
    assert!(stderr.contains("invalid value 'abc' in RELEASEGATE_IO_TIMEOUT (read for --io-timeout)"), "{stderr}");
    let (code, stderr) = run(Some("soon"), "30");
    assert_eq!(code, Some(2));
    assert!(stderr.contains("invalid value 'soon' for --io-timeout"), "{stderr}");
    assert!(!stderr.contains("RELEASEGATE_IO_TIMEOUT"), "the flag, not the variable, was wrong: {stderr}");
    assert!(!db.exists(), "a rejected serve created the ledger");
}

/// Serves one Jira issue property read on 127.0.0.1 with `body`, and returns the base URL and
/// a thread that yields the request line it received.
fn fake_jira_once(body: &'static str) -> (String, std::thread::JoinHandle<String>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let thread = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap() == 1 {
            head.push(byte[0]);
        }
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(response.as_bytes()).unwrap();
        String::from_utf8_lossy(&head).lines().next().unwrap_or_default().to_string()
    });
    (base, thread)
}

#[test]
fn invalid_jira_risk_is_logged() {
    let (jira_base, jira) = fake_jira_once(r#"{"key":"releasegate_risk","value":{"risk_level":"EXTREME"}}"#);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let log_path = dir.path().join("serve.log");
    let mut command = Command::new(BIN);
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--workers", "2", "--policies"])
        .arg(repo_path("policies"))
        .arg("--db")
        .arg(&db);
    for setting in SERVE_SETTINGS {
        command.env_remove(setting);
    }
    let mut child = command
        .env_remove("RUST_LOG")
        .env("JIRA_BASE_URL", &jira_base)
        .env("JIRA_EMAIL", "bot@example.com")
        .env("JIRA_API_TOKEN", "jira-secret-token")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let base = line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("unexpected first line {line:?}")).to_string();

    let reply = post(&format!("{base}/integrations/jira/transition/check"), &check_request("PAY-1842", None));
    child.kill().unwrap();
    child.wait().unwrap();
    let (status, reply) = reply.unwrap();
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["reason_code"], "MISSING_RISK_METADATA", "{reply}");
    assert_eq!(jira.join().unwrap(), "GET /rest/api/3/issue/PAY-1842/properties/releasegate_risk HTTP/1.1");

    let log = std::fs::read_to_string(&log_path).unwrap();
    let warnings: Vec<&str> = log.lines().filter(|line| line.contains("WARN") && line.contains("PAY-1842")).collect();
    assert_eq!(warnings.len(), 1, "{log}");
    assert!(warnings[0].contains(r#""EXTREME" is not a risk level"#), "{log}");
    assert!(warnings[0].contains("value.risk_level"), "{log}");
    assert!(!log.contains("jira-secret-token"), "the token was logged: {log}");
    // base64("bot@example.com:jira-secret-token"), the Authorization header value.
    assert!(!log.contains("Ym90QGV4YW1wbGUuY29tOmppcmEtc2VjcmV0LXRva2Vu"), "the header was logged: {log}");
}
