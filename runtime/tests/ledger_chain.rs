//! Ledger basics on real SQLite files: append and read back, the append-only triggers, the exact
//! hash layout, idempotent appends and filtered reads.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;

use runtime::ledger::{EntryKind, EntryQuery, Ledger, LedgerError, NewEntry};
use rusqlite::Connection;
use serde_json::json;
use sha2::{Digest, Sha256};

const ZEROS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn decision(id: &str, repo: Option<&str>, status: &str) -> NewEntry {
    NewEntry {
        kind: EntryKind::Decision,
        decision_id: id.to_owned(),
        override_id: None,
        repo: repo.map(str::to_owned),
        issue_key: Some("PAY-42".to_owned()),
        payload: json!({"type": "decision", "decision_id": id, "status": status, "z": 1, "a": [2]}),
    }
}

fn override_of(decision_id: &str, override_id: &str, repo: Option<&str>) -> NewEntry {
    NewEntry {
        kind: EntryKind::Override,
        decision_id: decision_id.to_owned(),
        override_id: Some(override_id.to_owned()),
        repo: repo.map(str::to_owned),
        issue_key: Some("PAY-42".to_owned()),
        payload: json!({"type": "override", "override_id": override_id, "decision_id": decision_id}),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn raw(path: &Path) -> Connection {
    Connection::open(path).unwrap()
}

#[test]
fn append_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.db")).unwrap();

    let first = ledger
        .append(decision("d1", Some("acme/api"), "BLOCKED"))
        .unwrap();
    let second = ledger
        .append(override_of("d1", "o1", Some("acme/api")))
        .unwrap();

    assert!(!first.existed);
    assert_eq!(first.entry.seq, 1);
    assert_eq!(first.entry.prev_hash, ZEROS);
    assert_eq!(second.entry.seq, 2);
    assert_eq!(second.entry.prev_hash, first.entry.entry_hash);
    assert_eq!(
        first.entry.payload,
        r#"{"a":[2],"decision_id":"d1","status":"BLOCKED","type":"decision","z":1}"#
    );

    let stored = ledger.decision("d1").unwrap().unwrap();
    assert_eq!(stored, first.entry);
    let overrides = ledger.overrides_for("d1").unwrap();
    assert_eq!(overrides, vec![second.entry.clone()]);
    assert_eq!(ledger.entry(2).unwrap().unwrap(), second.entry);
    assert!(ledger.decision("missing").unwrap().is_none());
}

#[test]
fn recorded_at_has_fixed_microseconds() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.db")).unwrap();
    let entry = ledger
        .append(decision("d1", None, "ALLOWED"))
        .unwrap()
        .entry;
    let text = entry.recorded_at.as_bytes();
    assert_eq!(
        text.len(),
        "2026-12-04T16:03:49.123456Z".len(),
        "{}",
        entry.recorded_at
    );
    assert_eq!(text[10], b'T');
    assert_eq!(text[19], b'.');
    assert_eq!(*text.last().unwrap(), b'Z');
}

#[test]
fn reopen_continues_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let head = {
        let ledger = Ledger::open(&path).unwrap();
        ledger
            .append(decision("d1", Some("r"), "ALLOWED"))
            .unwrap()
            .entry
    };
    let ledger = Ledger::open_existing(&path).unwrap();
    let next = ledger
        .append(decision("d2", Some("r"), "ALLOWED"))
        .unwrap()
        .entry;
    assert_eq!(next.seq, 2);
    assert_eq!(next.prev_hash, head.entry_hash);
    assert_eq!(next.repo_seq, Some(2));
    assert_eq!(next.repo_prev_hash, head.repo_entry_hash);
    assert!(ledger.verify(None).unwrap().valid);
}

#[test]
fn update_and_delete_are_aborted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let ledger = Ledger::open(&path).unwrap();
    ledger.append(decision("d1", None, "ALLOWED")).unwrap();

    let conn = raw(&path);
    let update = conn
        .execute("UPDATE ledger_entries SET payload = '{}' WHERE seq = 1", [])
        .unwrap_err();
    assert!(
        update.to_string().contains("ledger is append-only"),
        "{update}"
    );
    let delete = conn.execute("DELETE FROM ledger_entries", []).unwrap_err();
    assert!(
        delete.to_string().contains("ledger is append-only"),
        "{delete}"
    );
    assert!(ledger.verify(None).unwrap().valid);
}

#[test]
fn wal_and_application_id_are_set() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let _ledger = Ledger::open(&path).unwrap();
    let conn = raw(&path);
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let application_id: i64 = conn
        .pragma_query_value(None, "application_id", |row| row.get(0))
        .unwrap();
    assert_eq!(application_id, runtime::ledger::APPLICATION_ID);
}

#[test]
fn entry_hash_layout_is_pinned() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.db")).unwrap();
    let first = ledger
        .append(decision("d1", Some("acme/api"), "BLOCKED"))
        .unwrap()
        .entry;
    let second = ledger
        .append(override_of("d1", "o\"1", None))
        .unwrap()
        .entry;

    let header = format!(
        r#"{{"decision_id":"d1","issue_key":"PAY-42","kind":"decision","override_id":null,"recorded_at":"{}","repo":"acme/api","seq":1}}"#,
        first.recorded_at
    );
    let hashed = format!("{ZEROS}\n{header}\n{}", first.payload);
    assert_eq!(first.entry_hash, sha256_hex(hashed.as_bytes()));

    let repo_hashed = format!("{ZEROS}\n{}", first.entry_hash);
    assert_eq!(first.repo_prev_hash.as_deref(), Some(ZEROS));
    assert_eq!(
        first.repo_entry_hash,
        Some(sha256_hex(repo_hashed.as_bytes()))
    );

    let header = format!(
        r#"{{"decision_id":"d1","issue_key":"PAY-42","kind":"override","override_id":"o\"1","recorded_at":"{}","repo":null,"seq":2}}"#,
        second.recorded_at
    );
    let hashed = format!("{}\n{header}\n{}", first.entry_hash, second.payload);
    assert_eq!(second.entry_hash, sha256_hex(hashed.as_bytes()));
    assert_eq!(second.repo_seq, None);
    assert_eq!(second.repo_entry_hash, None);
}

#[test]
fn duplicate_decision_appends_once() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.db")).unwrap();
    let first = ledger.append(decision("d1", None, "BLOCKED")).unwrap();
    let again = ledger.append(decision("d1", None, "ALLOWED")).unwrap();
    assert!(again.existed);
    assert_eq!(again.entry, first.entry);
    assert_eq!(ledger.checkpoint().unwrap().size, 1);
}

#[test]
fn duplicate_override_id_appends_once() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.db")).unwrap();
    ledger.append(decision("d1", None, "BLOCKED")).unwrap();
    let first = ledger.append(override_of("d1", "o1", None)).unwrap();
    let again = ledger.append(override_of("d1", "o1", None)).unwrap();
    assert!(again.existed);
    assert_eq!(again.entry.seq, first.entry.seq);
    assert_eq!(ledger.checkpoint().unwrap().size, 2);
}

#[test]
fn entries_filter_by_repo_kind_status_limit() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.db")).unwrap();
    ledger.append(decision("d1", Some("a"), "BLOCKED")).unwrap();
    ledger.append(decision("d2", Some("b"), "ALLOWED")).unwrap();
    ledger.append(override_of("d1", "o1", Some("a"))).unwrap();
    ledger.append(decision("d3", Some("a"), "ALLOWED")).unwrap();

    let seqs = |query: EntryQuery| -> Vec<u64> {
        ledger
            .entries(&query)
            .unwrap()
            .iter()
            .map(|entry| entry.seq)
            .collect()
    };
    let repo_a = || Some("a".to_owned());
    assert_eq!(seqs(EntryQuery::default()), vec![1, 2, 3, 4]);
    assert_eq!(
        seqs(EntryQuery {
            repo: repo_a(),
            ..Default::default()
        }),
        vec![1, 3, 4]
    );
    let decisions_a = EntryQuery {
        repo: repo_a(),
        kind: Some(EntryKind::Decision),
        ..Default::default()
    };
    assert_eq!(seqs(decisions_a.clone()), vec![1, 4]);
    let allowed = EntryQuery {
        status: Some("allowed".to_owned()),
        ..decisions_a.clone()
    };
    assert_eq!(seqs(allowed), vec![4]);
    assert_eq!(
        seqs(EntryQuery {
            limit: Some(1),
            ..decisions_a
        }),
        vec![1]
    );
}

#[test]
fn entries_filter_by_time() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.db")).unwrap();
    let first = ledger
        .append(decision("d1", None, "ALLOWED"))
        .unwrap()
        .entry;
    ledger.append(decision("d2", None, "ALLOWED")).unwrap();

    let since_first = EntryQuery {
        since: Some(first.recorded_at.clone()),
        ..Default::default()
    };
    assert_eq!(ledger.entries(&since_first).unwrap().len(), 2);
    let until_first = EntryQuery {
        until: Some(first.recorded_at.clone()),
        ..Default::default()
    };
    assert!(ledger.entries(&until_first).unwrap().is_empty());
    let future = EntryQuery {
        since: Some("2999-01-01".to_owned()),
        ..Default::default()
    };
    assert!(ledger.entries(&future).unwrap().is_empty());
    let offset = EntryQuery {
        until: Some("2999-01-01T01:00:00+01:00".to_owned()),
        ..Default::default()
    };
    assert_eq!(ledger.entries(&offset).unwrap().len(), 2);

    let invalid = EntryQuery {
        since: Some("yesterday".to_owned()),
        ..Default::default()
    };
    let error = ledger.entries(&invalid).unwrap_err();
    assert!(
        matches!(error, LedgerError::InvalidTimestamp { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("\"yesterday\""), "{error}");
}

#[test]
fn open_existing_rejects_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.db");
    let error = Ledger::open_existing(&path).unwrap_err();
    assert!(matches!(error, LedgerError::NotFound { .. }), "{error}");
    assert!(error.to_string().contains("absent.db"), "{error}");
    assert!(!path.exists());
}

#[test]
fn open_rejects_foreign_files() {
    let dir = tempfile::tempdir().unwrap();
    let text_file = dir.path().join("notes.db");
    std::fs::write(
        &text_file,
        "this is not a database, just some text bytes ".repeat(40),
    )
    .unwrap();
    let error = Ledger::open(&text_file).unwrap_err();
    assert!(matches!(error, LedgerError::NotALedger { .. }), "{error}");

    let other = dir.path().join("other.db");
    raw(&other)
        .execute_batch("CREATE TABLE users (id INTEGER)")
        .unwrap();
    let error = Ledger::open(&other).unwrap_err();
    assert!(matches!(error, LedgerError::NotALedger { .. }), "{error}");
    let mode: String = raw(&other)
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    assert_eq!(
        mode, "delete",
        "a foreign database must not be switched to WAL"
    );
}

#[test]
fn open_rejects_newer_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    drop(Ledger::open(&path).unwrap());
    raw(&path).pragma_update(None, "user_version", 99).unwrap();
    let error = Ledger::open_existing(&path).unwrap_err();
    assert!(
        matches!(error, LedgerError::NewerFormat { found: 99, .. }),
        "{error}"
    );
}

#[test]
fn read_only_open_reads_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let written = Ledger::open(&path).unwrap();
    let first = written
        .append(decision("d1", Some("r"), "ALLOWED"))
        .unwrap()
        .entry;

    let reader = Ledger::open_read_only(&path).unwrap();
    assert_eq!(reader.decision("d1").unwrap(), Some(first));
    assert!(reader.verify(None).unwrap().valid);
    assert_eq!(reader.checkpoint().unwrap().size, 1);

    written
        .append(decision("d2", Some("r"), "ALLOWED"))
        .unwrap();
    assert_eq!(
        reader.checkpoint().unwrap().size,
        2,
        "reads see later commits"
    );
}

#[test]
fn read_only_open_rejects_append() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    drop(Ledger::open(&path).unwrap());
    let reader = Ledger::open_read_only(&path).unwrap();
    let error = reader.append(decision("d1", None, "ALLOWED")).unwrap_err();
    assert!(
        matches!(error, LedgerError::OpenedReadOnly { .. }),
        "{error}"
    );
}

#[test]
fn read_only_open_rejects_missing_and_foreign() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent.db");
    let error = Ledger::open_read_only(&missing).unwrap_err();
    assert!(matches!(error, LedgerError::NotFound { .. }), "{error}");
    assert!(!missing.exists());

    let other = dir.path().join("other.db");
    raw(&other)
        .execute_batch("CREATE TABLE users (id INTEGER)")
        .unwrap();
    let error = Ledger::open_read_only(&other).unwrap_err();
    assert!(matches!(error, LedgerError::NotALedger { .. }), "{error}");

    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let error = Ledger::open_read_only(&empty).unwrap_err();
    assert!(matches!(error, LedgerError::NotALedger { .. }), "{error}");
}
