//! `releasegate compile` through the real binary: outputs, determinism and exit codes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_releasegate")).args(args).current_dir(cwd).env("NO_COLOR", "1").output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every file under `dir`, relative to it, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    files.sort();
    files
}

/// Copies the shipped policies into `target`, writing files in the given order.
fn copy_policies(target: &Path, reverse: bool) {
    let source = repo().join("policies");
    let mut files = files_under(&source);
    if reverse {
        files.reverse();
    }
    for file in files {
        let to = target.join(&file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(source.join(&file), to).unwrap();
    }
}

#[test]
fn compile_writes_artifact_and_manifest() {
    let out = tempfile::tempdir().unwrap();
    let output = run_in(&repo(), &["compile", "policies", "-o", out.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("compiled "), "{stdout}");

    let manifest_text = std::fs::read_to_string(out.path().join("manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&manifest_text).unwrap();
    let bundle_hash = manifest["bundle_hash"].as_str().unwrap();
    assert!(stdout.contains(&format!("bundle_hash: {bundle_hash}")), "{stdout}");
    assert_eq!(manifest["format_version"], 2);
    assert_eq!(manifest["artifact"], "bundle.rgb");
    assert!(manifest["policies"].as_array().unwrap().len() >= 10);
    assert!(!manifest_text.contains(repo().to_str().unwrap()), "manifest holds an absolute path");
}

#[test]
fn artifact_holds_no_absolute_path() {
    let out = tempfile::tempdir().unwrap();
    let policies = repo().join("policies");
    let output = run_in(out.path(), &["compile", policies.to_str().unwrap(), "-o", "build"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let bytes = std::fs::read(out.path().join("build/bundle.rgb")).unwrap();
    let needle = repo().to_str().unwrap().as_bytes().to_vec();
    assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_slice()));
    assert!(bytes.windows(b"risk/high-risk-approvals.yaml".len()).any(|w| w == b"risk/high-risk-approvals.yaml"));
}

#[test]
fn shuffled_copy_compiles_to_identical_bytes() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    copy_policies(&first.path().join("policies"), false);
    copy_policies(&second.path().join("copy-of-policies"), true);

    let a = run_in(first.path(), &["compile", "policies", "-o", "out"]);
    let b = run_in(second.path(), &["compile", "./copy-of-policies/", "-o", "elsewhere/out"]);
    assert_eq!(a.status.code(), Some(0), "{}", text(&a.stderr));
    assert_eq!(b.status.code(), Some(0), "{}", text(&b.stderr));

    let bytes_a = std::fs::read(first.path().join("out/bundle.rgb")).unwrap();
    let bytes_b = std::fs::read(second.path().join("elsewhere/out/bundle.rgb")).unwrap();
    assert_eq!(bytes_a, bytes_b, "artifact bytes differ between copies");
    let manifest_a = std::fs::read(first.path().join("out/manifest.json")).unwrap();
    let manifest_b = std::fs::read(second.path().join("elsewhere/out/manifest.json")).unwrap();
    assert_eq!(manifest_a, manifest_b);
}

#[test]
fn argument_order_does_not_change_bytes() {
    let dir = tempfile::tempdir().unwrap();
    copy_policies(&dir.path().join("p"), false);
    let forward = ["compile", "p/risk", "p/security", "p/compliance", "--schema", "p/signals.yaml", "-o", "one"];
    let backward = ["compile", "p/compliance", "p/security", "p/risk", "--schema", "p/signals.yaml", "-o", "two"];
    assert_eq!(run_in(dir.path(), &forward).status.code(), Some(0));
    assert_eq!(run_in(dir.path(), &backward).status.code(), Some(0));
    let one = std::fs::read(dir.path().join("one/bundle.rgb")).unwrap();
    let two = std::fs::read(dir.path().join("two/bundle.rgb")).unwrap();
    assert_eq!(one, two);
}

#[test]
fn source_errors_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("policies/signals.yaml"), dir.path().join("signals.yaml")).unwrap();
    let policy = "policy_id: BAD-001\nname: \"Bad\"\nwhen: \"risk.levle == \\\"HIGH\\\"\"\nenforcement:\n  result: BLOCK\n  message: \"x\"\n";
    std::fs::write(dir.path().join("bad.yaml"), policy).unwrap();
    let output = run_in(dir.path(), &["compile", ".", "-o", "out"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("unknown_signal"), "{stderr}");
    assert!(stderr.contains("compilation failed"), "{stderr}");
    assert!(!dir.path().join("out/bundle.rgb").exists());
}

#[test]
fn missing_source_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(dir.path(), &["compile", "no-such-dir", "-o", "out"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("no-such-dir"));
}

#[test]
fn missing_schema_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.yaml"), "policy_id: A\nname: a\nwhen: \"true\"\nenforcement: {result: WARN, message: m}\n").unwrap();
    let output = run_in(dir.path(), &["compile", ".", "-o", "out"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("--schema"), "{}", text(&output.stderr));
}

/// Runs `releasegate ARGS` with stdout a pipe whose reading end is already closed, as with
/// `releasegate … | head -0`, and returns the exit code and stderr.
fn run_with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_releasegate"))
        .current_dir(repo())
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    (output.status.code(), text(&output.stderr))
}

#[test]
fn closed_stdout_keeps_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let (code, stderr) = run_with_closed_stdout(&["compile", "policies", "-o", out]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(Path::new(out).join("bundle.rgb").exists());

    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "policy_id: B-1\nname: b\nwhen: \"risk.levl == 1\"\nenforcement: {result: BLOCK, message: x}\n").unwrap();
    let (code, stderr) = run_with_closed_stdout(&["check", "--format", "json", bad.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
