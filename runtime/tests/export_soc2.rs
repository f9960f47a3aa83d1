//! SOC 2 export from a real ledger: record contents, filters, JSON shape and CSV read back with
//! the csv crate.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;

use runtime::export::{build_soc2, write_csv, write_json, ExportQuery, COLUMNS};
use runtime::ledger::{EntryKind, Ledger, NewEntry};
use rusqlite::Connection;
use serde_json::{json, Value};

fn decision_payload(id: &str, status: &str, repo: &str, reason: &str) -> Value {
    json!({
        "type": "decision",
        "decision_id": id,
        "status": status,
        "response_status": status,
        "allow": status == "ALLOWED",
        "reason_code": format!("POLICY_{status}"),
        "reason": reason,
        "mode": "strict",
        "issue_key": "PAY-7",
        "project_key": "PAY",
        "issue_type": "Story",
        "environment": "PRODUCTION",
        "transition": {"id": "31", "name": "Release", "source_status": "Ready for Release", "target_status": "Done"},
        "actor": {"account_id": "5b10ac8d82e05b22cc7d4ef5", "email": "dev@example.com", "roles": ["Engineer"]},
        "repo": repo,
        "pr_number": 128,
        "ref": "refs/heads/main",
        "bundle_hash": "b".repeat(64),
        "policies": [
            {"policy_id": "SEC-PR-001", "version": "1.2.0", "policy_hash": "c".repeat(64), "outcome": "BLOCK", "message": reason, "missing": []},
            {"policy_id": "SOC2-CC8.R1", "version": "1.0.0", "policy_hash": "d".repeat(64), "outcome": "COMPLIANT", "message": "", "missing": []}
        ],
        "input_snapshot": {"risk.level": "HIGH"},
        "inputs_present": ["risk.level", "approvals.count"],
        "requirements": [],
        "unlock_conditions": [],
        "override_id": null,
        "trace": []
    })
}

fn decision(id: &str, status: &str, repo: &str, reason: &str) -> NewEntry {
    NewEntry {
        kind: EntryKind::Decision,
        decision_id: id.to_owned(),
        override_id: None,
        repo: Some(repo.to_owned()),
        issue_key: Some("PAY-7".to_owned()),
        payload: decision_payload(id, status, repo, reason),
    }
}

fn override_of(decision_id: &str, override_id: &str, repo: &str) -> NewEntry {
    NewEntry {
        kind: EntryKind::Override,
        decision_id: decision_id.to_owned(),
        override_id: Some(override_id.to_owned()),
        repo: Some(repo.to_owned()),
        issue_key: Some("PAY-7".to_owned()),
        payload: json!({
            "type": "override",
            "override_id": override_id,
            "decision_id": decision_id,
            "actor": {"account_id": "712020:5f1e-release-manager", "email": "rita@example.com", "roles": ["ReleaseManager"]},
            "reason": "+hotfix approved by CAB",
            "expires_at": "2026-12-31T00:00:00Z",
            "issue_key": "PAY-7",
            "repo": repo,
            "pr_number": 128,
            "result_status": "ALLOWED"
        }),
    }
}

/// d1 BLOCKED in acme/api with an override, d2 ALLOWED in acme/web, d3 BLOCKED in acme/api.
fn sample_ledger(path: &Path) -> Ledger {
    let ledger = Ledger::open(path).unwrap();
    ledger
        .append(decision(
            "d1",
            "BLOCKED",
            "acme/api",
            "=HYPERLINK(\"http://x\")",
        ))
        .unwrap();
    ledger
        .append(decision(
            "d2",
            "ALLOWED",
            "acme/web",
            "All policies passed, \"quoted\"",
        ))
        .unwrap();
    ledger.append(override_of("d1", "o1", "acme/api")).unwrap();
    ledger
        .append(decision("d3", "BLOCKED", "acme/api", "-2+3"))
        .unwrap();
    ledger
}

fn csv_text(ledger: &Ledger, query: &ExportQuery) -> String {
    let export = build_soc2(ledger, query).unwrap();
    let mut out = Vec::new();
    write_csv(&export, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn read_csv(text: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader.records().map(Result::unwrap).collect();
    (header, rows)
}

fn column(header: &[String], name: &str) -> usize {
    header.iter().position(|column| column == name).unwrap()
}

#[test]
fn records_join_latest_override() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = sample_ledger(&dir.path().join("ledger.db"));
    let query = ExportQuery {
        verify_chain: true,
        ..Default::default()
    };
    let export = build_soc2(&ledger, &query).unwrap();

    assert_eq!(export.contract, "soc2_v1");
    assert_eq!(export.records.len(), 3);
    let first = &export.records[0];
    assert_eq!(first.decision_id, "d1");
    assert_eq!(first.decision.as_deref(), Some("BLOCKED"));
    assert_eq!(first.reason_code.as_deref(), Some("POLICY_BLOCKED"));
    assert_eq!(first.override_id.as_deref(), Some("o1"));
    assert_eq!(
        first.override_reason.as_deref(),
        Some("+hotfix approved by CAB")
    );
    assert_eq!(
        first.override_expires_at.as_deref(),
        Some("2026-12-31T00:00:00Z")
    );
    assert_eq!(first.override_actor["email"], "rita@example.com");
    assert_eq!(
        first.policy_version,
        json!({"SEC-PR-001": "1.2.0", "SOC2-CC8.R1": "1.0.0"})
    );
    assert_eq!(first.pr_number, json!(128));
    assert_eq!(first.chain_verified, Some(true));
    assert_eq!(first.ledger_seq, 1);
    assert_eq!(export.records[1].override_id, None);
    assert_eq!(export.ledger.size, 4);
    assert_eq!(export.ledger.verified, Some(true));
}

#[test]
fn filters_by_repo_status_limit() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = sample_ledger(&dir.path().join("ledger.db"));
    let ids = |query: ExportQuery| -> Vec<String> {
        let export = build_soc2(&ledger, &query).unwrap();
        export
            .records
            .into_iter()
            .map(|record| record.decision_id)
            .collect()
    };
    let api = || Some("acme/api".to_owned());
    assert_eq!(
        ids(ExportQuery {
            repo: api(),
            ..Default::default()
        }),
        ["d1", "d3"]
    );
    let blocked = ExportQuery {
        status: Some("blocked".to_owned()),
        ..Default::default()
    };
    assert_eq!(ids(blocked), ["d1", "d3"]);
    assert_eq!(
        ids(ExportQuery {
            repo: api(),
            limit: Some(1),
            ..Default::default()
        }),
        ["d1"]
    );
    let future = ExportQuery {
        since: Some("2999-01-01".to_owned()),
        ..Default::default()
    };
    assert!(ids(future).is_empty());
}

#[test]
fn unverified_export_leaves_chain_null() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = sample_ledger(&dir.path().join("ledger.db"));
    let export = build_soc2(&ledger, &ExportQuery::default()).unwrap();
    assert_eq!(export.ledger.verified, None);
    assert!(export
        .records
        .iter()
        .all(|record| record.chain_verified.is_none()));
}

#[test]
fn tampered_entry_marks_later_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    drop(sample_ledger(&path));
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER ledger_entries_no_update;
         UPDATE ledger_entries SET payload = replace(payload, 'ALLOWED', 'BLOCKED') WHERE seq = 2;",
    )
    .unwrap();

    let ledger = Ledger::open_existing(&path).unwrap();
    let query = ExportQuery {
        verify_chain: true,
        ..Default::default()
    };
    let export = build_soc2(&ledger, &query).unwrap();
    let verified: Vec<_> = export
        .records
        .iter()
        .map(|record| record.chain_verified)
        .collect();
    // d1 (seq 1) has its override at seq 3, after the bad entry 2.
    assert_eq!(verified, [Some(false), Some(false), Some(false)]);
    assert_eq!(export.ledger.verified, Some(false));
}

#[test]
fn json_export_shape() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = sample_ledger(&dir.path().join("ledger.db"));
    let query = ExportQuery {
        repo: Some("acme/web".to_owned()),
        verify_chain: true,
        ..Default::default()
    };
    let export = build_soc2(&ledger, &query).unwrap();
    let mut out = Vec::new();
    write_json(&export, &mut out).unwrap();
    let value: Value = serde_json::from_slice(&out).unwrap();

    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["contract", "generated_at", "ledger", "records", "repo"]
    );
    assert_eq!(value["contract"], "soc2_v1");
    assert_eq!(value["repo"], "acme/web");
    assert_eq!(value["ledger"]["size"], 4);
    assert_eq!(value["ledger"]["verified"], true);
    assert_eq!(value["ledger"]["head_hash"].as_str().unwrap().len(), 64);
    let records = value["records"].as_array().unwrap();
    assert_eq!(records.len(), 1);
    let record_keys: Vec<&str> = records[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected: Vec<&str> = COLUMNS.to_vec();
    expected.sort_unstable();
    assert_eq!(record_keys, expected);
    assert_eq!(records[0]["actor"]["roles"], json!(["Engineer"]));
}

#[test]
fn csv_header_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = sample_ledger(&dir.path().join("ledger.db"));
    let text = csv_text(
        &ledger,
        &ExportQuery {
            verify_chain: true,
            ..Default::default()
        },
    );
    let (header, rows) = read_csv(&text);

    let required = [
        "decision_id",
        "decision",
        "reason_code",
        "human_message",
        "actor",
        "policy_version",
        "inputs_present",
        "override_id",
        "chain_verified",
        "repo",
        "pr_number",
        "created_at",
    ];
    assert_eq!(&header[..12], required);
    assert_eq!(header, COLUMNS);
    assert_eq!(rows.len(), 3);
    assert!(text.contains("\r\n"), "RFC 4180 rows end with CRLF");

    let row = &rows[0];
    assert_eq!(&row[column(&header, "decision_id")], "d1");
    assert_eq!(&row[column(&header, "chain_verified")], "true");
    assert_eq!(&row[column(&header, "pr_number")], "128");
    assert_eq!(&row[column(&header, "ledger_seq")], "1");
    assert_eq!(
        &row[column(&header, "override_expires_at")],
        "2026-12-31T00:00:00Z"
    );
}

#[test]
fn csv_nested_values_are_compact_json() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = sample_ledger(&dir.path().join("ledger.db"));
    let (header, rows) = read_csv(&csv_text(&ledger, &ExportQuery::default()));
    let row = &rows[0];
    assert_eq!(
        &row[column(&header, "actor")],
        r#"{"account_id":"5b10ac8d82e05b22cc7d4ef5","email":"dev@example.com","roles":["Engineer"]}"#
    );
    assert_eq!(
        &row[column(&header, "inputs_present")],
        r#"["risk.level","approvals.count"]"#
    );
    assert_eq!(
        &row[column(&header, "policy_version")],
        r#"{"SEC-PR-001":"1.2.0","SOC2-CC8.R1":"1.0.0"}"#
    );
    assert_eq!(
        &row[column(&header, "transition")],
        r#"{"id":"31","name":"Release","source_status":"Ready for Release","target_status":"Done"}"#
    );
    assert_eq!(&row[column(&header, "chain_verified")], "");
}

#[test]
fn csv_neutralizes_formula_cells() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = sample_ledger(&dir.path().join("ledger.db"));
    let (header, rows) = read_csv(&csv_text(&ledger, &ExportQuery::default()));
    let message = column(&header, "human_message");
    assert_eq!(&rows[0][message], "'=HYPERLINK(\"http://x\")");
    assert_eq!(&rows[1][message], "All policies passed, \"quoted\"");
    assert_eq!(&rows[2][message], "'-2+3");
    assert_eq!(
        &rows[0][column(&header, "override_reason")],
        "'+hotfix approved by CAB"
    );

    for (input, expected) in [
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("", ""),
        ("a=b", "a=b"),
    ] {
        assert_eq!(
            runtime::export::neutralize_cell(input),
            expected,
            "{input:?}"
        );
    }
}

#[test]
fn csv_header_without_records() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("empty.db")).unwrap();
    let text = csv_text(
        &ledger,
        &ExportQuery {
            verify_chain: true,
            ..Default::default()
        },
    );
    assert_eq!(text, format!("{}\r\n", COLUMNS.join(",")));
}
