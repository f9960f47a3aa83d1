//! `releasegate test` through the real binary: the shipped suites, failures with a diff, and
//! exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_releasegate")).args(args).current_dir(cwd).env("NO_COLOR", "1").output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn suite_dir(suite: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("case.test.yaml"), suite).unwrap();
    dir
}

fn policies() -> String {
    repo().join("policies").display().to_string()
}

#[test]
fn shipped_suites_pass() {
    let output = run(&repo(), &["test"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}{}", text(&output.stderr));
    assert!(stdout.contains("test result: ok."), "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
}

#[test]
fn failing_case_shows_diff_and_exits_1() {
    let suite = "cases:\n  - name: expects the wrong decision\n    policies: [QA-001]\n    input: {tests.passed: false}\n    expect:\n      decision: ALLOWED\n      outcomes: {QA-001: COMPLIANT}\n";
    let dir = suite_dir(suite);
    let output = run(dir.path(), &["test", ".", "--policies", &policies()]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("FAIL case.test.yaml: expects the wrong decision"), "{stdout}");
    assert!(stdout.contains("- decision: ALLOWED\n    + decision: BLOCKED"), "{stdout}");
    assert!(stdout.contains("- outcome QA-001: COMPLIANT\n    + outcome QA-001: BLOCK"), "{stdout}");
    assert!(stdout.contains("test result: FAILED. 0 passed; 1 failed"), "{stdout}");
}

#[test]
fn bundle_option_skips_compiling() {
    let out = tempfile::tempdir().unwrap();
    assert_eq!(run(&repo(), &["compile", "policies", "-o", out.path().to_str().unwrap()]).status.code(), Some(0));
    let suite = "cases:\n  - name: passes\n    policies: [QA-001]\n    input: {}\n    expect: {decision: ALLOWED, missing: {QA-001: []}}\n";
    let dir = suite_dir(suite);
    let output = run(dir.path(), &["test", "case.test.yaml", "--bundle", out.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
    assert!(text(&output.stdout).contains("1 passed; 0 failed"));
}

#[test]
fn unknown_suite_key_exits_2() {
    let dir = suite_dir("cases:\n  - name: typo\n    input: {}\n    expect: {decison: ALLOWED}\n");
    let output = run(dir.path(), &["test", ".", "--policies", &policies()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("decison"), "{}", text(&output.stderr));
}

#[test]
fn misspelt_expectation_exits_2() {
    let cases = [
        ("expect: {decision: ALLOWD}", "expect.decision `ALLOWD` is not one of ALLOWED, BLOCKED"),
        ("expect: {outcomes: {SEC-PR-001: BLOCKED}}", "expect.outcomes.SEC-PR-001 `BLOCKED` is not one of COMPLIANT"),
    ];
    for (expect, message) in cases {
        let dir = suite_dir(&format!("cases:\n  - name: typo\n    input: {{}}\n    {expect}\n"));
        let output = run(dir.path(), &["test", ".", "--policies", &policies()]);
        assert_eq!(output.status.code(), Some(2), "{expect}");
        assert!(text(&output.stderr).contains(message), "{expect}: {}", text(&output.stderr));
    }
}

#[test]
fn invalid_input_fails_the_case() {
    let dir = suite_dir("cases:\n  - name: bad input\n    input: {risk.level: prod}\n    expect: {decision: ALLOWED}\n");
    let output = run(dir.path(), &["test", ".", "--policies", &policies()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stdout).contains("invalid input: signal risk.level"), "{}", text(&output.stdout));
}

#[test]
fn empty_directory_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(dir.path(), &["test", ".", "--policies", &policies()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("no *.test.yaml files"));
}
