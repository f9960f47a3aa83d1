//! `releasegate eval` through the real binary: outcomes, --explain, formats and exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Compiles the shipped policies into a temporary bundle directory.
fn bundle() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_releasegate"))
        .args(["compile", "policies", "-o", out.path().to_str().unwrap()])
        .current_dir(repo())
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0), "{}", text(&status.stderr));
    out
}

fn eval(bundle: &Path, input: &str, extra: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_releasegate"))
        .args(["eval", "--bundle", bundle.to_str().unwrap(), "--input", "-"])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A verb that rejects the bundle exits before reading stdin, so a broken pipe here is expected.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

const HIGH_RISK: &str = r#"{"risk":{"level":"HIGH"},"approvals":{"count":1}}"#;

#[test]
fn high_risk_blocks() {
    let dir = bundle();
    let output = eval(dir.path(), HIGH_RISK, &["--policy", "SEC-PR-001"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("SEC-PR-001  BLOCK"), "{stdout}");
    assert!(stdout.contains("decision: BLOCKED (POLICY_BLOCKED, deny)"), "{stdout}");
}

#[test]
fn explain_shows_controls_and_values() {
    let dir = bundle();
    let output = eval(dir.path(), HIGH_RISK, &["--policy", "SEC-PR-001", "--explain"]);
    let stdout = text(&output.stdout);
    assert!(stdout.contains(r#"risk.level in ["HIGH", "CRITICAL"] -> true (actual: "HIGH")"#), "{stdout}");
    assert!(stdout.contains("approvals.count < 2 -> true (actual: 1)"), "{stdout}");
}

#[test]
fn explain_marks_missing_values() {
    let dir = bundle();
    let output = eval(dir.path(), "{}", &["--policy", "SEC-PR-001", "--explain"]);
    let stdout = text(&output.stdout);
    assert!(stdout.contains("UNDETERMINED  missing: approvals.count, risk.level"), "{stdout}");
    assert!(stdout.contains("-> unknown (actual: missing)"), "{stdout}");
    assert!(stdout.contains("decision: SKIPPED (MISSING_SIGNAL, allow)"), "{stdout}");
}

#[test]
fn dsl_group_selects_every_rule() {
    let dir = bundle();
    let output = eval(dir.path(), r#"{"approvals.count": 0, "risk.level": "LOW"}"#, &["--policy", "SOC2_CC8"]);
    let stdout = text(&output.stdout);
    assert!(stdout.contains("SOC2-CC8.R1"), "{stdout}");
    assert!(stdout.contains("SOC2-CC8.R3"), "{stdout}");
    assert!(!stdout.contains("SEC-PR-001"), "{stdout}");
}

#[test]
fn strict_mode_blocks_on_missing() {
    let dir = bundle();
    let output = eval(dir.path(), "{}", &["--policy", "SEC-PR-001", "--strict"]);
    assert!(text(&output.stdout).contains("BLOCKED (MISSING_SIGNAL_STRICT, deny)"));
}

#[test]
fn json_format_parses() {
    let dir = bundle();
    let output = eval(dir.path(), HIGH_RISK, &["--policy", "SEC-PR-001", "--format", "json", "--explain"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["decision"]["status"], "BLOCKED");
    assert_eq!(json["decision"]["allow"], false);
    assert_eq!(json["policies"][0]["outcome"], "BLOCK");
    assert_eq!(json["policies"][0]["trace"][0]["actual"], "HIGH");
    assert_eq!(json["mode"], "permissive");
    assert_eq!(json["bundle_hash"].as_str().unwrap().len(), 64);
}

#[test]
fn input_file_is_read() {
    let dir = bundle();
    let input = dir.path().join("input.json");
    std::fs::write(&input, HIGH_RISK).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_releasegate"))
        .args(["eval", "--bundle", dir.path().join("bundle.rgb").to_str().unwrap()])
        .args(["--input", input.to_str().unwrap(), "--policy", "SEC-PR-001"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(text(&output.stdout).contains("BLOCK"));
}

#[test]
fn wrong_type_exits_1() {
    let dir = bundle();
    let output = eval(dir.path(), r#"{"approvals":{"count":"two"}}"#, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("signal approvals.count: expected an integer"));
}

#[test]
fn invalid_json_exits_1() {
    let dir = bundle();
    let output = eval(dir.path(), "{not json", &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("invalid JSON input"));
}

#[test]
fn non_object_input_exits_1() {
    let dir = bundle();
    for (input, found) in [("null", "null"), ("[]", "an array"), ("7", "a number")] {
        let output = eval(dir.path(), input, &[]);
        assert_eq!(output.status.code(), Some(1), "{input}");
        let stderr = text(&output.stderr);
        assert!(stderr.contains(&format!("input: expected an object of signals, got {found}")), "{input}: {stderr}");
    }
    // A null group leaves its signals unset.
    let output = eval(dir.path(), r#"{"risk":null}"#, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
}

#[test]
fn bom_input_is_read() {
    let dir = bundle();
    let output = eval(dir.path(), "\u{FEFF}{\"risk\":{\"level\":\"HIGH\"}}", &[]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
}

#[test]
fn unknown_policy_exits_1() {
    let dir = bundle();
    let output = eval(dir.path(), "{}", &["--policy", "NOPE-1"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("NOPE-1"));
}

#[test]
fn missing_bundle_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = eval(&dir.path().join("nothing"), "{}", &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("cannot read bundle"));
}

#[test]
fn tampered_bundle_exits_2() {
    let dir = bundle();
    let path = dir.path().join("bundle.rgb");
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x04;
    std::fs::write(&path, bytes).unwrap();
    let output = eval(dir.path(), "{}", &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("artifact hash mismatch"), "{}", text(&output.stderr));
}
