//! `releasegate demo` runs the whole story on the shipped policies and exits 0.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::process::Command;

#[test]
fn demo_prints_story() {
    let keep = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_releasegate"))
        .args(["demo", "--keep"])
        .arg(keep.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "stdout:\n{stdout}\nstderr:\n{}", String::from_utf8_lossy(&output.stderr));
    for expected in [
        "PAY-1842",
        "\"Ready for Release -> Done\"",
        "status: BLOCKED (POLICY_BLOCKED)",
        "block reason: SEC-PR-001:",
        "Override by 712020:rm-rita",
        "status: ALLOWED (OVERRIDE_APPLIED)",
        "decision id: ",
        "override id: ",
        "valid=true entries checked=2",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?} in:\n{stdout}");
    }
    for file in ["soc2_export.json", "soc2_export.csv"] {
        let path = keep.path().join(file);
        assert!(stdout.contains(path.to_str().unwrap()), "{file} path not printed");
        assert!(std::fs::metadata(&path).unwrap().len() > 0, "{file} is empty");
    }
    let csv = std::fs::read_to_string(keep.path().join("soc2_export.csv")).unwrap();
    assert!(csv.contains("OVERRIDE_APPLIED") || csv.contains("POLICY_BLOCKED"), "{csv}");
}
