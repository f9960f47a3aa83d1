//! `releasegate export` run as the real binary on real ledger files.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use runtime::ledger::{EntryKind, Ledger, NewEntry};
use serde_json::{json, Value};

fn releasegate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_releasegate"))
        .args(args)
        .env_remove("RELEASEGATE_DB")
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn decision(id: &str, status: &str, repo: &str, reason: &str) -> NewEntry {
    NewEntry {
        kind: EntryKind::Decision,
        decision_id: id.to_owned(),
        override_id: None,
        repo: Some(repo.to_owned()),
        issue_key: Some("PAY-9".to_owned()),
        payload: json!({
            "type": "decision", "decision_id": id, "status": status, "reason_code": "POLICY_BLOCKED",
            "reason": reason, "environment": "PRODUCTION", "repo": repo, "pr_number": 12,
            "actor": {"account_id": "5b10", "email": "dev@example.com", "roles": []},
            "inputs_present": ["risk.level"],
            "policies": [{"policy_id": "SEC-PR-001", "version": "1.0.0", "policy_hash": "ab"}]
        }),
    }
}

fn sample_ledger(dir: &Path) -> PathBuf {
    let path = dir.join("ledger.db");
    let ledger = Ledger::open(&path).unwrap();
    ledger
        .append(decision("d1", "BLOCKED", "acme/api", "@risk too high"))
        .unwrap();
    ledger
        .append(decision("d2", "ALLOWED", "acme/web", "ok"))
        .unwrap();
    ledger
        .append(decision("d3", "BLOCKED", "acme/api", "needs approval"))
        .unwrap();
    path
}

#[test]
fn json_export_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_ledger(dir.path());
    let output = releasegate(&["export", "--db", db.to_str().unwrap(), "--repo", "acme/api"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let export: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(export["contract"], "soc2_v1");
    assert_eq!(export["repo"], "acme/api");
    assert_eq!(export["ledger"]["size"], 3);
    assert_eq!(export["ledger"]["verified"], true);
    let ids: Vec<&str> = export["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|record| record["decision_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["d1", "d3"]);
}

#[test]
fn csv_export_to_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_ledger(dir.path());
    let out = dir.path().join("export.csv");
    let output = releasegate(&[
        "export",
        "--db",
        db.to_str().unwrap(),
        "--format",
        "csv",
        "--status",
        "blocked",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty());

    let mut reader = csv::Reader::from_path(&out).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(&header[..3], ["decision_id", "decision", "reason_code"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let message = header
        .iter()
        .position(|name| name == "human_message")
        .unwrap();
    assert_eq!(&rows[0][message], "'@risk too high");
    let verified = header
        .iter()
        .position(|name| name == "chain_verified")
        .unwrap();
    assert_eq!(&rows[0][verified], "true");
}

#[test]
fn limit_and_no_verify() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_ledger(dir.path());
    let output = releasegate(&[
        "export",
        "--db",
        db.to_str().unwrap(),
        "--limit",
        "1",
        "--no-verify",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let export: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(export["records"].as_array().unwrap().len(), 1);
    assert_eq!(export["ledger"]["verified"], Value::Null);
    assert_eq!(export["records"][0]["chain_verified"], Value::Null);
}

#[test]
fn broken_chain_exports_and_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_ledger(dir.path());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER ledger_entries_no_update;
         UPDATE ledger_entries SET payload = '{}' WHERE seq = 2;",
    )
    .unwrap();
    drop(conn);

    let output = releasegate(&["export", "--db", db.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("failed verification"),
        "{}",
        stderr(&output)
    );
    let export: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(export["ledger"]["verified"], false);
    assert_eq!(export["records"][0]["chain_verified"], true);
    assert_eq!(export["records"][1]["chain_verified"], false);
}

#[test]
fn missing_db_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("absent.db");
    let output = releasegate(&["export", "--db", db.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("does not exist"),
        "{}",
        stderr(&output)
    );
    assert!(!db.exists());
}

#[test]
fn invalid_time_or_status_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_ledger(dir.path());
    let db = db.to_str().unwrap();
    let since = releasegate(&["export", "--db", db, "--since", "last week"]);
    assert_eq!(since.status.code(), Some(2));
    assert!(
        stderr(&since).contains("invalid timestamp \"last week\""),
        "{}",
        stderr(&since)
    );
    let status = releasegate(&["export", "--db", db, "--status", "MAYBE"]);
    assert_eq!(status.status.code(), Some(2));
}
