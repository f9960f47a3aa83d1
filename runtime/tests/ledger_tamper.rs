//! Tamper detection on real SQLite files: the triggers are dropped and rows edited behind the
//! ledger's back, then verification must name the first bad seq.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use runtime::ledger::{EntryKind, FailureReason, Ledger, LedgerError, NewEntry, Verification};
use rusqlite::Connection;
use serde_json::json;

fn decision(index: usize, repo: &str) -> NewEntry {
    NewEntry {
        kind: EntryKind::Decision,
        decision_id: format!("decision-{index}"),
        override_id: None,
        repo: Some(repo.to_owned()),
        issue_key: Some(format!("PAY-{index}")),
        payload: json!({"type": "decision", "status": "ALLOWED", "index": index}),
    }
}

/// Writes 10 entries: odd seqs in repo `acme/api`, even seqs in `acme/web`.
fn ledger_with_entries(dir: &Path) -> PathBuf {
    let path = dir.join("ledger.db");
    let ledger = Ledger::open(&path).unwrap();
    for index in 1..=10 {
        let repo = if index % 2 == 1 {
            "acme/api"
        } else {
            "acme/web"
        };
        ledger.append(decision(index, repo)).unwrap();
    }
    path
}

/// Opens the file directly and drops the append-only triggers, as an attacker with file access
/// could.
fn tamper(path: &Path, sql: &str) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER ledger_entries_no_update; DROP TRIGGER ledger_entries_no_delete;",
    )
    .unwrap();
    conn.execute_batch(sql).unwrap();
}

fn verify(path: &Path, repo: Option<&str>) -> Verification {
    Ledger::open_existing(path).unwrap().verify(repo).unwrap()
}

fn assert_broken(verification: &Verification, seq: u64, reason: FailureReason) {
    assert!(!verification.valid, "{verification:?}");
    assert_eq!(verification.seq, Some(seq), "{verification:?}");
    assert_eq!(verification.reason, Some(reason), "{verification:?}");
}

#[test]
fn intact_chain_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_with_entries(dir.path());
    let ledger = Ledger::open_existing(&path).unwrap();
    let verification = ledger.verify(None).unwrap();
    assert!(verification.valid, "{verification:?}");
    assert_eq!(verification.checked, 10);
    assert_eq!(
        verification.head_hash,
        ledger.entry(10).unwrap().unwrap().entry_hash
    );
    assert_eq!(verification.reason, None);
    assert_eq!(ledger.verify(Some("acme/api")).unwrap().checked, 5);
}

#[test]
fn edited_payload_reports_its_seq() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_with_entries(dir.path());
    tamper(
        &path,
        "UPDATE ledger_entries SET payload = replace(payload, 'ALLOWED', 'BLOCKED') WHERE seq = 4",
    );
    let verification = verify(&path, None);
    assert_broken(&verification, 4, FailureReason::HashMismatch);
    assert_eq!(verification.checked, 3);
}

#[test]
fn edited_header_column_reports_its_seq() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_with_entries(dir.path());
    tamper(
        &path,
        "UPDATE ledger_entries SET issue_key = 'PAY-999' WHERE seq = 6",
    );
    assert_broken(&verify(&path, None), 6, FailureReason::HashMismatch);
}

#[test]
fn flipped_entry_hash_reports_its_seq() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_with_entries(dir.path());
    let conn = Connection::open(&path).unwrap();
    let stored: String = conn
        .query_row(
            "SELECT entry_hash FROM ledger_entries WHERE seq = 7",
            [],
            |row| row.get(0),
        )
        .unwrap();
    let flipped_first = if stored.starts_with('0') { "1" } else { "0" };
    let flipped = format!("{flipped_first}{}", &stored[1..]);
    tamper(
        &path,
        &format!("UPDATE ledger_entries SET entry_hash = '{flipped}' WHERE seq = 7"),
    );
    assert_broken(&verify(&path, None), 7, FailureReason::HashMismatch);
}

#[test]
fn flipped_prev_hash_reports_its_seq() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_with_entries(dir.path());
    tamper(
        &path,
        "UPDATE ledger_entries SET prev_hash = (CASE substr(prev_hash, 1, 1) WHEN 'f' THEN 'e' ELSE 'f' END) || substr(prev_hash, 2) WHERE seq = 5",
    );
    assert_broken(&verify(&path, None), 5, FailureReason::PrevHashMismatch);
}

#[test]
fn deleted_middle_entry_is_seq_gap() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_with_entries(dir.path());
    tamper(&path, "DELETE FROM ledger_entries WHERE seq = 3");
    assert_broken(&verify(&path, None), 4, FailureReason::SeqGap);
}

#[test]
fn renumbered_entry_is_seq_gap() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_with_entries(dir.path());
    tamper(&path, "UPDATE ledger_entries SET seq = 15 WHERE seq = 10");
    assert_broken(&verify(&path, None), 15, FailureReason::SeqGap);
}

#[test]
fn repo_chain_detects_tampering_in_its_repo() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_with_entries(dir.path());
    tamper(
        &path,
        "UPDATE ledger_entries SET payload = '{}' WHERE seq = 6",
    );

    let web = verify(&path, Some("acme/web"));
    assert_broken(&web, 6, FailureReason::HashMismatch);
    assert_eq!(web.checked, 2);
    let api = verify(&path, Some("acme/api"));
    assert!(api.valid, "{api:?}");
    assert_eq!(api.checked, 5);
    let unknown = verify(&path, Some("acme/none"));
    assert!(unknown.valid);
    assert_eq!(unknown.checked, 0);
}

#[test]
fn repo_chain_detects_removed_repo_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_with_entries(dir.path());
    // The acme/api walk no longer sees entry 3, so repo_seq jumps from 1 to 3 at seq 5. The full
    // walk fails earlier, at seq 3, because the repo column is part of the hashed header.
    tamper(
        &path,
        "UPDATE ledger_entries SET repo = 'elsewhere' WHERE seq = 3",
    );
    let api = verify(&path, Some("acme/api"));
    assert_broken(&api, 5, FailureReason::RepoSeqGap);
    assert_broken(&verify(&path, None), 3, FailureReason::HashMismatch);
}

#[test]
fn repo_link_mismatch_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_with_entries(dir.path());
    tamper(
        &path,
        "UPDATE ledger_entries SET repo_prev_hash = (CASE substr(repo_prev_hash, 1, 1) WHEN 'a' THEN 'b' ELSE 'a' END) || substr(repo_prev_hash, 2) WHERE seq = 8",
    );
    assert_broken(
        &verify(&path, Some("acme/web")),
        8,
        FailureReason::RepoLinkMismatch,
    );
    assert_broken(&verify(&path, None), 8, FailureReason::RepoLinkMismatch);
}

#[test]
fn repo_hash_mismatch_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_with_entries(dir.path());
    tamper(
        &path,
        "UPDATE ledger_entries SET repo_entry_hash = (CASE substr(repo_entry_hash, 1, 1) WHEN 'a' THEN 'b' ELSE 'a' END) || substr(repo_entry_hash, 2) WHERE seq = 9",
    );
    assert_broken(
        &verify(&path, Some("acme/api")),
        9,
        FailureReason::RepoHashMismatch,
    );
}

#[test]
fn malformed_row_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_with_entries(dir.path());
    tamper(
        &path,
        "UPDATE ledger_entries SET repo_seq = NULL WHERE seq = 2",
    );
    assert_broken(&verify(&path, None), 2, FailureReason::MalformedEntry);
}

#[test]
fn truncated_tail_needs_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_with_entries(dir.path());
    let saved = Ledger::open_existing(&path).unwrap().checkpoint().unwrap();
    assert_eq!(saved.size, 10);

    tamper(&path, "DELETE FROM ledger_entries WHERE seq > 7");
    let ledger = Ledger::open_existing(&path).unwrap();
    let walk = ledger.verify(None).unwrap();
    assert!(
        walk.valid,
        "a truncated chain is still a valid chain: {walk:?}"
    );
    assert_eq!(walk.checked, 7);

    let against = ledger.verify_checkpoint(&saved).unwrap();
    assert_broken(&against, 8, FailureReason::Truncated);
}

#[test]
fn rewritten_history_fails_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_with_entries(dir.path());
    let saved = Ledger::open_existing(&path).unwrap().checkpoint().unwrap();

    // Cut the tail and append new entries: the chain is valid and longer, but not the same.
    tamper(&path, "DELETE FROM ledger_entries WHERE seq > 8");
    let ledger = Ledger::open_existing(&path).unwrap();
    for index in 20..24 {
        ledger.append(decision(index, "acme/api")).unwrap();
    }
    assert!(ledger.verify(None).unwrap().valid);
    let against = ledger.verify_checkpoint(&saved).unwrap();
    assert_broken(&against, 10, FailureReason::CheckpointMismatch);
}

#[test]
fn grown_ledger_passes_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_with_entries(dir.path());
    let ledger = Ledger::open_existing(&path).unwrap();
    let saved = ledger.checkpoint().unwrap();
    ledger.append(decision(11, "acme/api")).unwrap();
    let against = ledger.verify_checkpoint(&saved).unwrap();
    assert!(against.valid, "{against:?}");
    assert_eq!(against.checked, 11);
}

#[test]
fn startup_check_fails_on_corruption() {
    let dir = tempfile::tempdir().unwrap();
    let path = ledger_with_entries(dir.path());
    tamper(
        &path,
        "UPDATE ledger_entries SET payload = '{}' WHERE seq = 2",
    );
    let ledger = Ledger::open_existing(&path).unwrap();

    let error = ledger.verify_at_startup(true).unwrap_err();
    assert!(
        matches!(
            error,
            LedgerError::Corrupted {
                seq: 2,
                reason: FailureReason::HashMismatch,
                ..
            }
        ),
        "{error}"
    );
    let tolerated = ledger.verify_at_startup(false).unwrap();
    assert!(!tolerated.valid);
}

#[test]
fn verification_json_shape() {
    let broken = Verification {
        valid: false,
        checked: 3,
        head_hash: "ab".repeat(32),
        reason: Some(FailureReason::PrevHashMismatch),
        seq: Some(4),
    };
    let text = serde_json::to_string(&broken).unwrap();
    assert_eq!(
        text,
        format!(
            r#"{{"valid":false,"checked":3,"head_hash":"{}","reason":"prev_hash_mismatch","seq":4}}"#,
            "ab".repeat(32)
        )
    );
    let valid = Verification {
        reason: None,
        seq: None,
        valid: true,
        ..broken
    };
    let text = serde_json::to_string(&valid).unwrap();
    assert!(!text.contains("reason"), "{text}");
    assert!(!text.contains("seq"), "{text}");
}
