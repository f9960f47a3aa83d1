//! `releasegate ledger verify | checkpoint` run as the real binary on real ledger files.
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

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn sample_ledger(dir: &Path, entries: usize) -> PathBuf {
    let path = dir.join("ledger.db");
    let ledger = Ledger::open(&path).unwrap();
    for index in 1..=entries {
        let repo = if index % 2 == 0 {
            "acme/web"
        } else {
            "acme/api"
        };
        ledger
            .append(NewEntry {
                kind: EntryKind::Decision,
                decision_id: format!("d{index}"),
                override_id: None,
                repo: Some(repo.to_owned()),
                issue_key: Some("PAY-1".to_owned()),
                payload: json!({"type": "decision", "status": "ALLOWED", "index": index}),
            })
            .unwrap();
    }
    path
}

fn tamper(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER ledger_entries_no_update; DROP TRIGGER ledger_entries_no_delete;",
    )
    .unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn verify_valid_ledger_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_ledger(dir.path(), 5);
    let output = releasegate(&["ledger", "verify", "--db", db.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("valid, 5 entries verified"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn verify_reads_db_from_env() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_ledger(dir.path(), 2);
    let output = Command::new(env!("CARGO_BIN_EXE_releasegate"))
        .args(["ledger", "verify", "--format", "json"])
        .env("RELEASEGATE_DB", &db)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["checked"], 2);
}

#[test]
fn verify_broken_chain_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_ledger(dir.path(), 5);
    tamper(
        &db,
        "UPDATE ledger_entries SET payload = '{}' WHERE seq = 3",
    );

    let human = releasegate(&["ledger", "verify", "--db", db.to_str().unwrap()]);
    assert_eq!(human.status.code(), Some(1));
    assert!(
        stdout(&human).contains("BROKEN at seq 3: hash_mismatch"),
        "{}",
        stdout(&human)
    );

    let json = releasegate(&[
        "ledger",
        "verify",
        "--db",
        db.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(json.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(report["seq"], 3);
    assert_eq!(report["reason"], "hash_mismatch");
    assert_eq!(report["checked"], 2);
}

#[test]
fn verify_repo_chain_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_ledger(dir.path(), 6);
    tamper(
        &db,
        "UPDATE ledger_entries SET payload = '{}' WHERE seq = 4",
    );
    let db = db.to_str().unwrap();

    let api = releasegate(&[
        "ledger", "verify", "--db", db, "--repo", "acme/api", "--format", "json",
    ]);
    assert_eq!(api.status.code(), Some(0), "{}", stdout(&api));
    let web = releasegate(&[
        "ledger", "verify", "--db", db, "--repo", "acme/web", "--format", "json",
    ]);
    assert_eq!(web.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&web.stdout).unwrap();
    assert_eq!(report["seq"], 4);
}

#[test]
fn checkpoint_then_truncation_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_ledger(dir.path(), 6);
    let saved = dir.path().join("checkpoint.json");
    let db_text = db.to_str().unwrap();

    let output = releasegate(&[
        "ledger",
        "checkpoint",
        "--db",
        db_text,
        "-o",
        saved.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let checkpoint: Value =
        serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(checkpoint["size"], 6);
    assert_eq!(checkpoint["head_hash"].as_str().unwrap().len(), 64);
    assert!(checkpoint["recorded_at"].as_str().unwrap().ends_with('Z'));

    let intact = releasegate(&[
        "ledger",
        "verify",
        "--db",
        db_text,
        "--checkpoint",
        saved.to_str().unwrap(),
    ]);
    assert_eq!(intact.status.code(), Some(0), "{}", stdout(&intact));

    tamper(&db, "DELETE FROM ledger_entries WHERE seq > 4");
    let walk = releasegate(&["ledger", "verify", "--db", db_text]);
    assert_eq!(
        walk.status.code(),
        Some(0),
        "a cut chain still walks: {}",
        stdout(&walk)
    );
    let against = releasegate(&[
        "ledger",
        "verify",
        "--db",
        db_text,
        "--checkpoint",
        saved.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(against.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&against.stdout).unwrap();
    assert_eq!(report["reason"], "truncated");
    assert_eq!(report["seq"], 5);
}

#[test]
fn checkpoint_prints_json_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_ledger(dir.path(), 3);
    let output = releasegate(&["ledger", "checkpoint", "--db", db.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let checkpoint: Value = serde_json::from_slice(&output.stdout).unwrap();
    let keys: Vec<&str> = checkpoint
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["head_hash", "recorded_at", "size"]);
    assert_eq!(checkpoint["size"], 3);
}

#[test]
fn missing_db_exits_two_without_creating() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("absent.db");
    for verb in ["verify", "checkpoint"] {
        let output = releasegate(&["ledger", verb, "--db", db.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2), "{verb}");
        assert!(
            stderr(&output).contains("does not exist"),
            "{verb}: {}",
            stderr(&output)
        );
        assert!(!db.exists(), "{verb} created the ledger");
    }
}

#[test]
fn invalid_checkpoint_file_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    let db = sample_ledger(dir.path(), 1);
    let saved = dir.path().join("checkpoint.json");
    std::fs::write(&saved, "{\"size\": \"many\"}").unwrap();
    let output = releasegate(&[
        "ledger",
        "verify",
        "--db",
        db.to_str().unwrap(),
        "--checkpoint",
        saved.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("invalid checkpoint file"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn repo_with_checkpoint_is_usage_error() {
    let output = releasegate(&["ledger", "verify", "--repo", "a", "--checkpoint", "c.json"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn non_ledger_advice_fits_verb() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("notes.db");
    std::fs::write(&db, "plain text, not an SQLite database").unwrap();
    for verb in ["verify", "checkpoint"] {
        let output = releasegate(&["ledger", verb, "--db", db.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2), "{verb}");
        let message = stderr(&output);
        assert!(message.contains("is not a ReleaseGate ledger"), "{verb}: {message}");
        assert!(!message.contains("does not exist yet"), "{verb}: {message}");
    }
    // `risk attach` creates a missing ledger, so a new path is a fix there.
    let output = releasegate(&["risk", "attach", "PAY-1", "--level", "HIGH", "--db", db.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("or at a path that does not exist yet"), "{message}");
}

#[test]
fn directory_db_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    let cases: [&[&str]; 3] = [
        &["ledger", "verify", "--db", path],
        &["ledger", "checkpoint", "--db", path],
        &["risk", "attach", "PAY-1", "--level", "HIGH", "--db", path],
    ];
    for args in cases {
        let output = releasegate(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let message = stderr(&output);
        assert!(message.contains(&format!("ledger path {path} is a directory")), "{args:?}: {message}");
        assert!(message.contains("--db and RELEASEGATE_DB take a file"), "{args:?}: {message}");
        assert!(!message.contains("disk I/O error"), "{args:?}: {message}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "a rejected command wrote into the directory");
}
