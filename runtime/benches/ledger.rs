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
use runtime::ledger::{EntryKind, Ledger, NewEntry};

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
}

criterion_group!(benches, appends, verification);
criterion_main!(benches);
