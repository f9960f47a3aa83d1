//! `releasegate check` through the real binary: exit codes, output formats and the shipped
//! policies.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema() -> PathBuf {
    repo().join("policies/signals.yaml")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_releasegate"))
        .args(args)
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    let schema = schema();
    let mut all = vec!["check", "--schema", schema.to_str().unwrap()];
    all.extend_from_slice(args);
    all.push(dir.to_str().unwrap());
    run(&all)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const VALID: &str = "policy_id: CLI-OK-001\nname: \"Valid\"\nwhen: \"risk.score > 80\"\nenforcement:\n  result: BLOCK\n  message: \"x\"\n";
const TYPE_ERROR: &str = "policy_id: CLI-ERR-001\nname: \"Error\"\nwhen: 'approvals.count == \"2\"'\nenforcement:\n  result: BLOCK\n  message: \"x\"\n";
const WARNING_ONLY: &str = "policy_id: CLI-WARN-001\nname: \"Warning\"\nwhen: \"1 == 1 and risk.score > 3\"\nenforcement:\n  result: WARN\n  message: \"x\"\n";

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn shipped_policies_are_clean() {
    let output = run(&["check", "policies/"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains(": 0 errors, 0 warnings"), "{text}");
    assert!(text.starts_with("checked "), "{text}");
}

#[test]
fn clean_directory_exits_zero() {
    let dir = dir_with(&[("ok.yaml", VALID)]);
    let output = run_in(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stderr(&output).trim(),
        "checked 2 files, 1 policy: 0 errors, 0 warnings"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn errors_exit_one() {
    let dir = dir_with(&[("ok.yaml", VALID), ("bad.yaml", TYPE_ERROR)]);
    let output = run_in(dir.path(), &[]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("releasegate::check::type_mismatch"), "{text}");
    assert!(text.contains("bad.yaml:3:"), "{text}");
    assert!(text.contains("1 error, 0 warnings"), "{text}");
    assert!(!text.contains('\u{1b}'), "colour escape in {text}");
}

#[test]
fn warnings_exit_zero_unless_denied() {
    let dir = dir_with(&[("warn.yaml", WARNING_ONLY)]);
    let allowed = run_in(dir.path(), &[]);
    assert_eq!(allowed.status.code(), Some(0), "{}", stderr(&allowed));
    assert!(stderr(&allowed).contains("releasegate::check::always_true"));
    let denied = run_in(dir.path(), &["--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1), "{}", stderr(&denied));
}

#[test]
fn missing_path_exits_two() {
    let output = run(&["check", "no/such/dir"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no/such/dir"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn unreadable_schema_exits_two() {
    let dir = dir_with(&[("ok.yaml", VALID)]);
    let output = run(&[
        "check",
        "--schema",
        "no/such/signals.yaml",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot read signal schema no/such/signals.yaml"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn usage_error_exits_two() {
    assert_eq!(run(&["check"]).status.code(), Some(2));
    assert_eq!(
        run(&["check", "--format", "xml", "policies/"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn json_output_shape() {
    let dir = dir_with(&[("bad.yaml", TYPE_ERROR), ("warn.yaml", WARNING_ONLY)]);
    let output = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    let first = &findings[0];
    assert!(first["file"].as_str().unwrap().ends_with("bad.yaml"));
    assert_eq!(first["line"], 3);
    assert_eq!(first["column"], 27);
    assert_eq!(first["end_line"], 3);
    assert_eq!(first["end_column"], 30);
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "releasegate::check::type_mismatch");
    assert!(first["message"]
        .as_str()
        .unwrap()
        .contains("approvals.count"));
    assert_eq!(first["label"], "this is a string");
    assert_eq!(first["help"], "write the number without quotes: 2");
    assert_eq!(first["related"][0]["line"], 3);
    assert_eq!(findings[1]["severity"], "warning");
    assert_eq!(json["summary"]["files"], 3);
    assert_eq!(json["summary"]["policies"], 2);
    assert_eq!(json["summary"]["errors"], 1);
    assert_eq!(json["summary"]["warnings"], 1);
}

#[test]
fn findings_sorted_by_file() {
    let dir = dir_with(&[
        (
            "b.yaml",
            TYPE_ERROR.replace("CLI-ERR-001", "CLI-ERR-002").as_str(),
        ),
        ("a.yaml", TYPE_ERROR),
    ]);
    let output = run_in(dir.path(), &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let files: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 2);
    assert!(files[0].ends_with("a.yaml"), "{files:?}");
    assert!(files[1].ends_with("b.yaml"), "{files:?}");
}

#[test]
fn help_explains_formats_and_exit_codes() {
    let output = run(&["check", "--help"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0));
    assert!(text.contains("--deny-warnings"), "{text}");
    assert!(text.contains("Exit codes:"), "{text}");
    assert!(text.contains("\"end_column\""), "{text}");
    assert!(text.contains("transitions.yaml"), "{text}");
}

#[test]
fn long_or_chain_does_not_overflow() {
    let terms: Vec<String> = (0..3000).map(|i| format!("risk.score > {i}")).collect();
    let policy = format!(
        "policy_id: CLI-LONG-001\nname: \"Long chain\"\nwhen: \"{}\"\nenforcement:\n  result: BLOCK\n  message: \"x\"\n",
        terms.join(" or ")
    );
    let dir = dir_with(&[("long.yaml", &policy)]);
    let output = run_in(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn list_equality_is_type_mismatch() {
    let policy = "policy_id: CLI-LISTEQ-001\nname: \"List equality\"\nwhen: \"approvals.roles == approvals.roles\"\nenforcement:\n  result: BLOCK\n  message: \"x\"\n";
    let dir = dir_with(&[("listeq.yaml", policy)]);
    let output = run_in(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("releasegate::check::type_mismatch"), "{}", stderr(&output));
}

#[test]
fn odd_directory_entries_are_findings() {
    let dir = dir_with(&[("real.yaml", VALID)]);
    std::os::unix::fs::symlink("/nonexistent/policy.yaml", dir.path().join("dangling.yaml")).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("sub/loop")).unwrap();
    let fifo = dir.path().join("fifo.yaml");
    let created = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(created.success(), "mkfifo failed");

    // Reading the FIFO would block, so the run gets a deadline instead of `output()`.
    let schema = schema();
    let mut child = Command::new(env!("CARGO_BIN_EXE_releasegate"))
        .args(["check", "--format", "json", "--schema", schema.to_str().unwrap(), dir.path().to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("check did not finish; it is reading the FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let text = report.to_string();
    for name in ["dangling.yaml", "fifo.yaml"] {
        assert!(text.contains(name), "{name} is not reported: {text}");
    }
    assert!(text.contains("not a regular file"), "{text}");
    // The loop is walked once. Were `sub/loop/real.yaml` read too, its policy id would be
    // reported as a duplicate of `real.yaml`.
    assert_eq!(text.matches("real.yaml").count(), 0, "{text}");
}

#[test]
fn byte_order_mark_is_ignored() {
    let dsl = "\u{FEFF}policy BOM_DSL {\n  rules { require approvals.count >= 1 }\n}\n";
    let json = "\u{FEFF}{\"policy_id\":\"BOM-JSON\",\"name\":\"t\",\"when\":\"risk.score > 80\",\"enforcement\":{\"result\":\"BLOCK\",\"message\":\"x\"}}\n";
    let yaml = format!("\u{FEFF}{VALID}");
    let dir = dir_with(&[("bom.rgl", dsl), ("bom.json", json), ("bom.yaml", &yaml)]);
    let output = run_in(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    // A finding on the first line counts columns from the first visible character.
    let broken = dir_with(&[("bad.rgl", "\u{FEFF}@policy X {}\n")]);
    let output = run_in(broken.path(), &["--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["findings"][0]["line"], 1, "{report}");
    assert_eq!(report["findings"][0]["column"], 1, "{report}");
}
