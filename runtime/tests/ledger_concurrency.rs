//! Concurrent appends through the group-commit writer: no fork, no lost acknowledged entry,
//! and a duplicate decision appended once.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::HashSet;
use std::sync::{Arc, Barrier};

use runtime::ledger::{EntryKind, Ledger, NewEntry};
use serde_json::json;

const THREADS: usize = 16;
const PER_THREAD: usize = 25;

fn decision(id: String, repo: String) -> NewEntry {
    NewEntry {
        kind: EntryKind::Decision,
        payload: json!({"type": "decision", "decision_id": id, "status": "ALLOWED"}),
        decision_id: id,
        override_id: None,
        repo: Some(repo),
        issue_key: None,
    }
}

#[test]
fn concurrent_appends_never_fork() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Arc::new(Ledger::open(&dir.path().join("ledger.db")).unwrap());
    let barrier = Arc::new(Barrier::new(THREADS));

    let workers: Vec<_> = (0..THREADS)
        .map(|thread| {
            let ledger = Arc::clone(&ledger);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                (0..PER_THREAD)
                    .map(|index| {
                        let id = format!("t{thread}-{index}");
                        let repo = format!("repo-{}", thread % 3);
                        ledger.append(decision(id, repo)).unwrap().entry
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let acknowledged: Vec<_> = workers
        .into_iter()
        .flat_map(|worker| worker.join().unwrap())
        .collect();

    let total = (THREADS * PER_THREAD) as u64;
    let seqs: HashSet<u64> = acknowledged.iter().map(|entry| entry.seq).collect();
    assert_eq!(seqs.len() as u64, total, "two acknowledgements share a seq");
    assert_eq!(seqs, (1..=total).collect::<HashSet<_>>());
    for entry in &acknowledged {
        let stored = ledger.entry(entry.seq).unwrap().unwrap();
        assert_eq!(
            &stored, entry,
            "acknowledged entry {} differs on disk",
            entry.seq
        );
    }

    let verification = ledger.verify(None).unwrap();
    assert!(verification.valid, "{verification:?}");
    assert_eq!(verification.checked, total);
    for repo in 0..3 {
        let repo_check = ledger.verify(Some(&format!("repo-{repo}"))).unwrap();
        assert!(repo_check.valid, "{repo_check:?}");
    }
}

#[test]
fn concurrent_duplicate_decision_appends_once() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Arc::new(Ledger::open(&dir.path().join("ledger.db")).unwrap());
    let barrier = Arc::new(Barrier::new(THREADS));

    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let ledger = Arc::clone(&ledger);
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                ledger
                    .append(decision("same".to_owned(), "r".to_owned()))
                    .unwrap()
            })
        })
        .collect();
    let results: Vec<_> = workers
        .into_iter()
        .map(|worker| worker.join().unwrap())
        .collect();

    let fresh = results.iter().filter(|appended| !appended.existed).count();
    assert_eq!(fresh, 1, "exactly one caller appends");
    assert!(results.iter().all(|appended| appended.entry.seq == 1));
    assert_eq!(ledger.checkpoint().unwrap().size, 1);
}

fn override_of(decision_id: &str, override_id: &str) -> NewEntry {
    NewEntry {
        kind: EntryKind::Override,
        payload: json!({"type": "override", "decision_id": decision_id, "override_id": override_id}),
        decision_id: decision_id.to_string(),
        override_id: Some(override_id.to_string()),
        repo: None,
        issue_key: None,
    }
}

/// Two handles on one file stand for two processes (`serve` and `releasegate override`): each
/// has its own connection and writer thread, and only SQLite's write lock orders them.
#[test]
fn second_override_across_handles_returns_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let server = Ledger::open(&path).unwrap();
    let cli = Ledger::open(&path).unwrap();
    server.append(decision("d-1".to_string(), "repo".to_string())).unwrap();

    let first = server.append(override_of("d-1", "o-first")).unwrap();
    assert!(!first.existed);
    let second = cli.append(override_of("d-1", "o-second")).unwrap();
    assert!(second.existed, "a second override of one decision was appended");
    assert_eq!(second.entry.override_id.as_deref(), Some("o-first"));
    assert_eq!(second.entry.seq, first.entry.seq);

    let other = cli.append(override_of("d-2", "o-other")).unwrap();
    assert!(!other.existed, "an override of another decision was taken for a repeat");
    assert_eq!(server.overrides_for("d-1").unwrap().len(), 1);
}
