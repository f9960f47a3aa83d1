//! Invalid inputs and their rendered diagnostics.
//!
//! Each file in `tests/fixtures/invalid/` is named `GROUP.NAME--DESCRIPTION.EXT` and must produce
//! the code `releasegate::GROUP::NAME`. A name ending `.signals.yaml`, `.transitions.yaml` or
//! `.roles.yaml` is read as a signal schema, transition map or role map; every other file is a
//! policy file checked against the shipped `policies/signals.yaml`. The rendered report (plain,
//! 100 columns) of every fixture is an insta snapshot in `tests/snapshots/`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use compiler::ast::Policy;
use compiler::check::check_policies;
use compiler::diagnostic::Diagnostic;
use compiler::frontend::lower_file;
use compiler::maps::{RoleMap, TransitionMap};
use compiler::pipeline::check_paths;
use compiler::render::{Renderer, Style};
use compiler::schema::Schema;
use compiler::sources::read_source;
use compiler::span::{SourceId, SourceMap};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The fixture directory relative to the package, which is the working directory of `cargo
/// test`, so that file names in snapshots do not depend on the checkout location.
fn fixture_dir() -> PathBuf {
    PathBuf::from("tests/fixtures/invalid")
}

fn shipped_schema_path() -> PathBuf {
    manifest_dir().join("../policies/signals.yaml")
}

fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// Returns the code a fixture name promises: `check.unknown_signal--typo.yaml` gives
/// `releasegate::check::unknown_signal`.
fn expected_code(name: &str) -> String {
    let (code, _) = name
        .split_once("--")
        .unwrap_or_else(|| panic!("fixture {name} has no `--` in its name"));
    let (group, rest) = code
        .split_once('.')
        .unwrap_or_else(|| panic!("fixture {name} has no group"));
    format!("releasegate::{group}::{rest}")
}

fn shipped_schema() -> Schema {
    let mut sources = SourceMap::new();
    let id = read_source(&mut sources, &shipped_schema_path()).unwrap();
    Schema::parse(&sources, id).unwrap()
}

fn shipped_policies() -> Vec<Policy> {
    let checked = check_paths(
        &[manifest_dir().join("../policies")],
        &shipped_schema_path(),
    )
    .unwrap();
    checked.policies
}

/// Runs the part of the pipeline that a fixture's kind needs and returns its findings.
fn diagnose(
    sources: &SourceMap,
    id: SourceId,
    name: &str,
    schema: &Schema,
    shipped: &[Policy],
) -> Vec<Diagnostic> {
    if name.ends_with(".signals.yaml") {
        return Schema::parse(sources, id).err().unwrap_or_default();
    }
    if name.ends_with(".transitions.yaml") {
        let (map, mut found) = TransitionMap::parse_partial(sources, id);
        found.extend(
            map.map(|map| map.check_references(shipped))
                .unwrap_or_default(),
        );
        return found;
    }
    if name.ends_with(".roles.yaml") {
        return match RoleMap::parse(sources, id) {
            Ok((_, warnings)) => warnings,
            Err(found) => found,
        };
    }
    let (policies, mut found) = lower_file(sources, id);
    found.extend(check_policies(&policies, schema));
    found
}

fn render(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let mut renderer = Renderer::new(sources, Style::PLAIN);
    diagnostics
        .iter()
        .map(|diagnostic| renderer.render(diagnostic) + "\n")
        .collect()
}

#[test]
fn fixtures_match_codes_and_snapshots() {
    let schema = shipped_schema();
    let shipped = shipped_policies();
    let names = fixture_names();
    assert!(names.len() >= 30, "only {} fixtures", names.len());
    for name in &names {
        let mut sources = SourceMap::new();
        let path = fixture_dir().join(name);
        let mut found = Vec::new();
        match read_source(&mut sources, &path) {
            Ok(id) => found = diagnose(&sources, id, name, &schema, &shipped),
            Err(diagnostic) => found.push(diagnostic),
        }
        found.sort_by_key(|d| (d.span.start, d.code));
        let codes: Vec<&str> = found.iter().map(|d| d.code).collect();
        let expected = expected_code(name);
        assert!(
            codes.contains(&expected.as_str()),
            "{name}: expected {expected}, found {codes:?}"
        );
        let rendered = render(&sources, &found);
        insta::assert_snapshot!(name.as_str(), rendered);
    }
}

/// Returns every code of the front ends, the schema loader, the checker and the map parsers.
fn all_codes() -> Vec<&'static str> {
    let mut codes = compiler::frontend::codes::ALL.to_vec();
    codes.extend(compiler::schema::CODES_ALL);
    codes.extend(compiler::check::CODES);
    codes.extend(compiler::maps::CODES_ALL);
    codes
}

/// Codes that no committed fixture can produce, with the generated test that covers them.
const GENERATED: [(&str, &str); 1] = [(
    "releasegate::io::read_failed",
    "unreadable_file_is_read_failed",
)];

#[test]
fn every_code_has_a_fixture() {
    let covered: Vec<String> = fixture_names()
        .iter()
        .map(|name| expected_code(name))
        .collect();
    let generated: Vec<&str> = GENERATED.iter().map(|(code, _)| *code).collect();
    let missing: Vec<&str> = all_codes()
        .into_iter()
        .filter(|code| !covered.iter().any(|c| c == code) && !generated.contains(code))
        .collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
}

#[test]
fn unreadable_file_is_read_failed() {
    let dir = tempfile::tempdir().unwrap();
    let mut sources = SourceMap::new();
    let diagnostic = read_source(&mut sources, dir.path()).unwrap_err();
    assert_eq!(diagnostic.code, "releasegate::io::read_failed");
}

/// Writes a policy file of at least `size` bytes: many valid policies with a type error near the
/// end, so the checker must read all of it.
fn write_large_policy_file(path: &Path, size: usize) {
    let mut text = String::with_capacity(size + 1024);
    text.push_str("policies:\n");
    let mut index = 0;
    while text.len() < size {
        text.push_str(&format!(
            "  - policy_id: BULK-{index:06}\n    name: \"Bulk policy {index}\"\n    when: \"risk.score > {index} and risk.level in [\\\"HIGH\\\", \\\"CRITICAL\\\"]\"\n    enforcement:\n      result: WARN\n      message: \"Bulk policy {index} fired\"\n"
        ));
        index += 1;
    }
    text.push_str("  - policy_id: BULK-LAST\n    name: \"Last\"\n    when: \"approvals.count == \\\"2\\\"\"\n    enforcement:\n      result: BLOCK\n      message: \"x\"\n");
    std::fs::write(path, text).unwrap();
}

#[test]
fn five_megabyte_file_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bulk.yaml");
    write_large_policy_file(&path, 5 * 1024 * 1024);
    let checked = check_paths(&[&path], &shipped_schema_path()).unwrap();
    let codes: Vec<&str> = checked.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec!["releasegate::check::type_mismatch"]);
    assert!(
        checked.policies.len() > 10_000,
        "{} policies",
        checked.policies.len()
    );
    let rendered = render(&checked.sources, &checked.diagnostics);
    assert!(rendered.contains("bulk.yaml"), "{rendered}");
}
