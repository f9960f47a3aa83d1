//! Finding and reading policy sources.
//!
//! [`discover`] walks files and directories (recursively, sorted by path) and classifies each
//! file by name:
//! - `signals.yaml` is the signal schema, `transitions.yaml` the transition map and
//!   `roles.yaml` the role map;
//! - files ending `.test.yaml` and anything under a directory named `tests` are policy test
//!   suites and are skipped;
//! - other `*.yaml`, `*.yml`, `*.json` and `*.rgl` files are policy files;
//! - other extensions are skipped.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::frontend::codes;
use crate::span::{SourceId, SourceMap, Span};

/// The classified files found by [`discover`], each list sorted by path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Discovered {
    pub policies: Vec<PathBuf>,
    pub signals: Vec<PathBuf>,
    pub transitions: Vec<PathBuf>,
    pub roles: Vec<PathBuf>,
}

/// The class that [`discover`] gives a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Policy,
    Signals,
    Transitions,
    Roles,
    Skipped,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("policy path {path} does not exist")]
    NotFound { path: PathBuf },
    #[error("cannot read directory {path}: {source}")]
    ReadDir { path: PathBuf, source: std::io::Error },
}

/// Walks `paths` and classifies every file found. A path named explicitly is classified like a
/// file found in a directory, except that the `tests` directory rule applies only below it.
pub fn discover<P: AsRef<Path>>(paths: &[P]) -> Result<Discovered, DiscoverError> {
    let mut files = Vec::new();
    let mut visited = HashSet::new();
    for path in paths {
        collect(path.as_ref(), &mut files, &mut visited)?;
    }
    files.sort();
    files.dedup();
    let mut found = Discovered::default();
    for file in files {
        match classify(&file) {
            FileKind::Policy => found.policies.push(file),
            FileKind::Signals => found.signals.push(file),
            FileKind::Transitions => found.transitions.push(file),
            FileKind::Roles => found.roles.push(file),
            FileKind::Skipped => {}
        }
    }
    Ok(found)
}

/// Adds `path`, or every file below it, to `files`. `visited` contains the canonical paths of the
/// directories walked so far, so a symbolic link back up the tree is walked only once.
fn collect(path: &Path, files: &mut Vec<PathBuf>, visited: &mut HashSet<PathBuf>) -> Result<(), DiscoverError> {
    let metadata = std::fs::metadata(path).map_err(|_| DiscoverError::NotFound { path: path.to_path_buf() })?;
    if !metadata.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    if !visited.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())) {
        return Ok(());
    }
    let read_error = |source| DiscoverError::ReadDir { path: path.to_path_buf(), source };
    for entry in std::fs::read_dir(path).map_err(read_error)? {
        let entry_path = entry.map_err(read_error)?.path();
        match std::fs::metadata(&entry_path) {
            Ok(found) if found.is_dir() => {
                if entry_path.file_name().is_some_and(|name| name != "tests") {
                    collect(&entry_path, files, visited)?;
                }
            }
            // A file, or a link that leads nowhere: `read_source` reports what cannot be read,
            // as a finding of that file.
            _ => files.push(entry_path),
        }
    }
    Ok(())
}

/// Classifies a file by its name alone.
pub fn classify(path: &Path) -> FileKind {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return FileKind::Skipped;
    };
    match name {
        "signals.yaml" => return FileKind::Signals,
        "transitions.yaml" => return FileKind::Transitions,
        "roles.yaml" => return FileKind::Roles,
        _ => {}
    }
    if name.ends_with(".test.yaml") {
        return FileKind::Skipped;
    }
    let extension = path.extension().and_then(|ext| ext.to_str()).unwrap_or("");
    match extension {
        "yaml" | "yml" | "json" | "rgl" => FileKind::Policy,
        _ => FileKind::Skipped,
    }
}

/// Reads a file into `sources`. A file that is not UTF-8 is still added (with invalid bytes
/// replaced by U+FFFD) so that the returned diagnostic can point at the first invalid byte.
#[expect(clippy::result_large_err, reason = "the shared pipeline contract returns the diagnostic itself")]
pub fn read_source(sources: &mut SourceMap, path: &Path) -> Result<SourceId, Diagnostic> {
    let name = path.display().to_string();
    // Reading a FIFO or a device could block for ever, so only regular files are opened.
    let bytes = match std::fs::metadata(path) {
        Ok(metadata) if !metadata.is_file() => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )),
        _ => std::fs::read(path),
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(error) => {
            let id = sources.add(name.clone(), "");
            let diagnostic = Diagnostic::error(
                codes::IO_READ_FAILED,
                format!("cannot read {name}: {error}"),
                Span::new(id, 0, 0),
                "unreadable file",
            )
            .with_help("check that the file exists and is readable");
            return Err(diagnostic);
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(sources.add(name, without_bom(text))),
        Err(error) => Err(not_utf8(sources, name, &error)),
    }
}

fn not_utf8(sources: &mut SourceMap, name: String, error: &std::string::FromUtf8Error) -> Diagnostic {
    let offset = error.utf8_error().valid_up_to();
    let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
    let id = sources.add(name.clone(), text);
    Diagnostic::error(
        codes::IO_NOT_UTF8,
        format!("{name} is not valid UTF-8 (first invalid byte at offset {offset})"),
        Span::new(id, offset, offset + char::REPLACEMENT_CHARACTER.len_utf8()),
        "invalid UTF-8 here",
    )
    .with_help("save the file as UTF-8")
}

/// Removes a leading UTF-8 byte order mark, which some Windows editors write. Every front end then
/// reads the same text, and lines and columns count from the first visible character.
pub fn without_bom(text: String) -> String {
    match text.strip_prefix('\u{FEFF}') {
        Some(rest) => rest.to_owned(),
        None => text,
    }
}
