//! Ledger timings: durable appends one at a time and from concurrent appenders (which the
//! writer thread commits in groups), and chain verification of 20,000 and 100,000 entries,
//! reported in entries per second.
//!
//! Run with `cargo bench -p releasegate-runtime --bench ledger`. Every ledger lives in a fresh
//! temporary directory, so the figures include the fsync of the file system under `TMPDIR`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use runtime::ledger::{hash, EntryKind, EntryQuery, Ledger, NewEntry};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

/// Ledger sizes that the verification bench walks. One ledger grows through these sizes.
const VERIFY_ENTRIES: [u64; 2] = [20_000, 100_000];
/// Concurrent appenders in the batched bench.
const APPENDERS: [u64; 2] = [4, 16];

/// Builds a decision entry shaped like the server's, with a unique id per `sequence`.
fn decision(sequence: u64) -> NewEntry {
    let decision_id = format!("{sequence:064x}");
    let payload = serde_json::json!({
        "type": "decision",
        "decision_id": decision_id,
        "status": "BLOCKED",
        "response_status": "BLOCKED",
        "allow": false,
        "reason_code": "POLICY_BLOCKED",
        "reason": "SEC-PR-001: High risk change requires additional approval",
        "mode": "permissive",
        "issue_key": format!("PAY-{sequence}"),
        "project_key": "PAY",
        "environment": "PRODUCTION",
        "transition": {"id": "31", "name": "Release", "source_status": "Ready for Release", "target_status": "Done"},
        "actor": {"account_id": "5b10ac8d82e05b22cc7d4ef5", "email": "dana@example.com", "roles": ["Engineer"]},
        "repo": "acme-payments/ledger-service",
        "policies": [{"policy_id": "SEC-PR-001", "version": "1.0.0", "outcome": "BLOCK"}],
        "input_snapshot": {"risk.level": "HIGH", "approvals.count": 1, "change.changed_files": 27},
    });
    NewEntry {
        kind: EntryKind::Decision,
        decision_id,
        override_id: None,
        repo: Some("acme-payments/ledger-service".to_string()),
        issue_key: Some(format!("PAY-{sequence}")),
        payload,
    }
}

/// Appends entries from `appenders` threads at once, taking sequence numbers from `next` until
/// it reaches `end`.
fn append_concurrently(ledger: &Ledger, next: &AtomicU64, end: u64, appenders: u64) {
    std::thread::scope(|scope| {
        for _ in 0..appenders {
            scope.spawn(|| loop {
                let sequence = next.fetch_add(1, Ordering::Relaxed);
                if sequence >= end {
                    return;
                }
                let appended = ledger.append(decision(sequence)).expect("append succeeds");
                assert!(!appended.existed);
            });
        }
    });
}

fn appends(criterion: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let ledger = Ledger::open(&dir.path().join("append.db")).expect("ledger opens");
    let next = AtomicU64::new(0);
    let mut group = criterion.benchmark_group("ledger append");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(1));
    group.bench_function("one at a time", |bencher| {
        bencher.iter(|| ledger.append(decision(next.fetch_add(1, Ordering::Relaxed))).expect("append succeeds"))
    });
    for appenders in APPENDERS {
        group.bench_function(BenchmarkId::new("concurrent appenders", appenders), |bencher| {
            bencher.iter_custom(|iterations| {
                let first = next.fetch_add(iterations, Ordering::Relaxed);
                let cursor = AtomicU64::new(first);
                let start = Instant::now();
                append_concurrently(&ledger, &cursor, first + iterations, appenders);
                start.elapsed()
            })
        });
    }
    group.finish();
}

fn verification(criterion: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let ledger = Ledger::open(&dir.path().join("verify.db")).expect("ledger opens");
    let mut group = criterion.benchmark_group("ledger verify");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    let mut appended = 0;
    for entries in VERIFY_ENTRIES {
        append_concurrently(&ledger, &AtomicU64::new(appended), entries, 32);
        appended = entries;
        let checked = ledger.verify(None).expect("verification runs");
        assert!(checked.valid);
        assert_eq!(checked.checked, entries);
        group.throughput(Throughput::Elements(entries));
        group.bench_function(BenchmarkId::new("whole chain", entries), |bencher| {
            bencher.iter(|| black_box(ledger.verify(None)).expect("runs"))
        });
        group.bench_function(BenchmarkId::new("one repo's chain", entries), |bencher| {
            bencher.iter(|| black_box(ledger.verify(Some("acme-payments/ledger-service"))).expect("runs"))
        });
    }
    group.finish();
    floor(criterion, &dir.path().join("verify.db"), appended);
}

/// Measures, each alone on one thread, the two costs of every verified entry: reading its row
/// from SQLite, and SHA-256 over the bytes that `entry_hash` and `repo_entry_hash` cover. A walk
/// on N cores cannot verify more than N / (read + hash) entries per second.
fn floor(criterion: &mut Criterion, path: &std::path::Path, entries: u64) {
    let mut group = criterion.benchmark_group("ledger verify floor");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(entries));
    group.bench_function(BenchmarkId::new("read rows, one thread", entries), |bencher| {
        bencher.iter(|| black_box(read_rows(path)))
    });
    let hashed = hashed_bytes(path);
    assert_eq!(hashed.len() as u64, entries);
    group.bench_function(BenchmarkId::new("SHA-256 only, one thread", entries), |bencher| {
        bencher.iter(|| {
            for entry in &hashed {
                let digest = hash::entry_digest(&entry.prev_hash, &entry.header, &entry.payload);
                black_box(hash::repo_digest(&entry.repo_prev_hash, &hash::to_hex(&digest)));
            }
        })
    });
    group.finish();
}

const SELECT_ENTRIES: &str = "SELECT seq, kind, decision_id, override_id, repo, issue_key, recorded_at, payload, \
     prev_hash, entry_hash, repo_seq, repo_prev_hash, repo_entry_hash FROM ledger_entries ORDER BY seq";

/// Reads every column of every entry the way a walk does, borrowing each value, and returns the
/// total length so that nothing is optimized away.
fn read_rows(path: &std::path::Path) -> usize {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .expect("read connection");
    let mut statement = conn.prepare(SELECT_ENTRIES).expect("statement");
    let mut rows = statement.query([]).expect("query");
    let mut total = 0;
    while let Some(row) = rows.next().expect("row") {
        for index in 0..13 {
            total += match row.get_ref(index).expect("column") {
                ValueRef::Text(bytes) | ValueRef::Blob(bytes) => bytes.len(),
                ValueRef::Integer(value) => value as usize,
                _ => 0,
            };
        }
    }
    total
}

/// The bytes that one entry's two digests cover.
struct HashedBytes {
    prev_hash: Vec<u8>,
    header: Vec<u8>,
    payload: Vec<u8>,
    repo_prev_hash: Vec<u8>,
}

fn hashed_bytes(path: &std::path::Path) -> Vec<HashedBytes> {
    let ledger = Ledger::open_read_only(path).expect("ledger opens");
    let entries = ledger.entries(&EntryQuery::default()).expect("entries");
    entries
        .iter()
        .map(|entry| {
            let mut header = Vec::new();
            hash::write_header(
                &mut header,
                &hash::Header {
                    seq: entry.seq,
                    kind: entry.kind.as_str(),
                    decision_id: &entry.decision_id,
                    override_id: entry.override_id.as_deref(),
                    repo: entry.repo.as_deref(),
                    issue_key: entry.issue_key.as_deref(),
                    recorded_at: &entry.recorded_at,
                },
            );
            HashedBytes {
                prev_hash: entry.prev_hash.clone().into_bytes(),
                header,
                payload: entry.payload.clone().into_bytes(),
                repo_prev_hash: entry.repo_prev_hash.clone().unwrap_or_default().into_bytes(),
            }
        })
        .collect()
}

criterion_group!(benches, appends, verification);
criterion_main!(benches);
