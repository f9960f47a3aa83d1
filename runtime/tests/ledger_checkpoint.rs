//! WAL checkpoints run on the ledger's checkpoint thread while the ledger stays open, with the
//! write connection's automatic checkpoint turned off.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::time::{Duration, Instant};

use runtime::ledger::{EntryKind, Ledger, NewEntry};
use serde_json::json;

/// Decisions appended: more than the checkpoint thread's 64-entry round, and at up to 5 WAL pages
/// each (one transaction per append), under SQLite's 1,000-page automatic checkpoint.
const ENTRIES: usize = 100;

fn decision(index: usize) -> NewEntry {
    let id = format!("{index:064x}");
    NewEntry {
        kind: EntryKind::Decision,
        payload: json!({"type": "decision", "decision_id": id, "padding": "x".repeat(4000)}),
        decision_id: id,
        override_id: None,
        repo: Some("acme/checkpoint".to_string()),
        issue_key: None,
    }
}

#[test]
fn checkpoint_copies_wal_while_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let ledger = Ledger::open(&path).unwrap();
    let initial = std::fs::metadata(&path).unwrap().len();
    for index in 0..ENTRIES {
        ledger.append(decision(index)).unwrap();
    }

    // Only a checkpoint writes pages into the database file, because the appends went to the
    // WAL. The first round covers at least the first 64 entries.
    let expected = initial + 64 * 4000;
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut size = std::fs::metadata(&path).unwrap().len();
    while size < expected && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        size = std::fs::metadata(&path).unwrap().len();
    }
    assert!(size >= expected, "database file is {size} bytes, expected at least {expected} after checkpoints");

    let verification = ledger.verify(None).unwrap();
    assert!(verification.valid);
    assert_eq!(verification.checked, ENTRIES as u64);
}
