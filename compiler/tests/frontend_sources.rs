#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use compiler::frontend::{codes, lower_file};
use compiler::sources::{classify, discover, read_source, DiscoverError, FileKind};
use compiler::span::SourceMap;

fn touch(root: &Path, relative: &str, text: &str) -> PathBuf {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, text).unwrap();
    path
}

fn names(root: &Path, paths: &[PathBuf]) -> Vec<String> {
    paths.iter().map(|path| path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/")).collect()
}

#[test]
fn discover_classifies_and_sorts() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for file in [
        "z.yaml",
        "a/b.rgl",
        "a/c.json",
        "a/d.yml",
        "signals.yaml",
        "transitions.yaml",
        "roles.yaml",
        "x.test.yaml",
        "tests/suite.yaml",
        "nested/tests/deep.yaml",
        "README.md",
        "notes.txt",
    ] {
        touch(root, file, "");
    }
    let found = discover(&[root]).unwrap();
    assert_eq!(names(root, &found.policies), ["a/b.rgl", "a/c.json", "a/d.yml", "z.yaml"]);
    assert_eq!(names(root, &found.signals), ["signals.yaml"]);
    assert_eq!(names(root, &found.transitions), ["transitions.yaml"]);
    assert_eq!(names(root, &found.roles), ["roles.yaml"]);
}

#[test]
fn discover_accepts_files_and_dedups() {
    let dir = tempfile::tempdir().unwrap();
    let file = touch(dir.path(), "p.yaml", "");
    let found = discover(&[file.clone(), file.clone(), dir.path().to_path_buf()]).unwrap();
    assert_eq!(found.policies, [file]);
}

#[test]
fn discover_missing_path_is_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let error = discover(&[&missing]).unwrap_err();
    assert!(matches!(error, DiscoverError::NotFound { .. }));
    assert!(error.to_string().contains("nope"));
}

#[test]
fn classify_by_name() {
    assert_eq!(classify(Path::new("x/signals.yaml")), FileKind::Signals);
    assert_eq!(classify(Path::new("x/p.YAML")), FileKind::Skipped);
    assert_eq!(classify(Path::new("x/p.test.yaml")), FileKind::Skipped);
    assert_eq!(classify(Path::new("p.rgl")), FileKind::Policy);
}

#[test]
fn read_source_rejects_invalid_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.yaml");
    fs::write(&path, b"policy_id: A\xff\xfe\n").unwrap();
    let mut sources = SourceMap::new();
    let diag = read_source(&mut sources, &path).unwrap_err();
    assert_eq!(diag.code, codes::IO_NOT_UTF8);
    assert_eq!(diag.span.start, "policy_id: A".len());
    let file = sources.get(diag.span.source).unwrap();
    assert_eq!(&file.text[diag.span.start..diag.span.end], "\u{FFFD}");
}

#[test]
fn read_source_then_lower_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = touch(
        dir.path(),
        "p.yaml",
        "policy_id: A\nname: a\nwhen: \"true\"\nenforcement: {result: BLOCK, message: m}\n",
    );
    let mut sources = SourceMap::new();
    let id = read_source(&mut sources, &path).unwrap();
    assert_eq!(sources.get(id).unwrap().name, path.display().to_string());
    let (policies, diags) = lower_file(&sources, id);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(policies[0].id.value, "A");
}

#[test]
fn read_source_missing_file_is_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let mut sources = SourceMap::new();
    let diag = read_source(&mut sources, &dir.path().join("gone.yaml")).unwrap_err();
    assert_eq!(diag.code, codes::IO_READ_FAILED);
}

#[test]
fn shipped_policies_lower_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies");
    let found = discover(&[&root]).unwrap();
    assert!(found.policies.len() >= 15, "{:?}", found.policies);
    let mut sources = SourceMap::new();
    let mut ids = Vec::new();
    for path in &found.policies {
        let id = read_source(&mut sources, path).unwrap();
        let (policies, diags) = lower_file(&sources, id);
        assert!(diags.is_empty(), "{}: {diags:#?}", path.display());
        assert!(!policies.is_empty(), "{}", path.display());
        ids.extend(policies.into_iter().map(|policy| policy.id.value));
    }
    let before = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), before, "duplicate policy ids: {ids:?}");
}
