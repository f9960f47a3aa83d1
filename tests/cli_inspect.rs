//! `releasegate inspect` through the real binary: a snapshot for the shipped policies and the
//! disabled-policy marker.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_releasegate")).args(args).current_dir(cwd).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn inspect_shipped_policies() {
    let out = tempfile::tempdir().unwrap();
    let compiled = run(&repo(), &["compile", "policies", "-o", out.path().to_str().unwrap()]);
    assert_eq!(compiled.status.code(), Some(0), "{}", text(&compiled.stderr));
    let output = run(&repo(), &["inspect", out.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    insta::assert_snapshot!("inspect_shipped_policies", text(&output.stdout));
}

#[test]
fn inspect_marks_disabled_policies() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("policies/signals.yaml"), dir.path().join("signals.yaml")).unwrap();
    let disabled = "policy_id: OFF-001\nname: \"Off\"\nenabled: false\nwhen: \"risk.score > 80\"\nenforcement:\n  result: BLOCK\n  message: \"x\"\n";
    std::fs::write(dir.path().join("off.yaml"), disabled).unwrap();
    assert_eq!(run(dir.path(), &["compile", ".", "-o", "out"]).status.code(), Some(0));

    let output = run(dir.path(), &["inspect", "out/bundle.rgb"]);
    let stdout = text(&output.stdout);
    assert!(stdout.contains("policies:         1 (1 disabled)"), "{stdout}");
    assert!(stdout.contains("DISABLED"), "{stdout}");
    assert!(stdout.contains("policy OFF-001 1.0.0 (BLOCK, disabled):"), "{stdout}");

    std::fs::write(dir.path().join("in.json"), r#"{"risk":{"score":99}}"#).unwrap();
    let eval = run(dir.path(), &["eval", "--bundle", "out", "--input", "in.json"]);
    assert!(text(&eval.stdout).contains("OFF-001  DISABLED"), "{}", text(&eval.stdout));
}

#[test]
fn inspect_rejects_a_non_artifact() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.rgb"), "{}").unwrap();
    let output = run(dir.path(), &["inspect", "x.rgb"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("not a ReleaseGate bundle"));
}
