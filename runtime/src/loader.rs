//! Loading what the runtime serves: a compiled bundle (or policies compiled at start), the
//! transition map and the role map.

use std::path::{Path, PathBuf};

use compiler::codegen::CompileError;
use compiler::diagnostic::{Diagnostic, Severity};
use compiler::maps::{RoleMap, TransitionMap};
use compiler::span::SourceMap;
use vm::Bundle;

/// File name of the artifact inside a bundle directory (written by `releasegate compile`).
pub const ARTIFACT_FILE: &str = compiler::codegen::ARTIFACT_FILE;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", .path.display())]
    Bundle {
        path: PathBuf,
        source: vm::LoadError,
    },
    #[error("{}: {source}", .path.display())]
    Map {
        path: PathBuf,
        source: compiler::maps::MapError,
    },
    #[error("policies in {} do not compile:\n{}", .path.display(), .errors.join("\n"))]
    Compile { path: PathBuf, errors: Vec<String> },
}

/// Loads `DIR/bundle.rgb`, or the file itself when `path` is a file.
pub fn load_bundle(path: &Path) -> Result<Bundle, LoadError> {
    let file = if path.is_dir() {
        path.join(ARTIFACT_FILE)
    } else {
        path.to_path_buf()
    };
    let bytes = std::fs::read(&file).map_err(|source| LoadError::Read {
        path: file.clone(),
        source,
    })?;
    Bundle::from_bytes(&bytes).map_err(|source| LoadError::Bundle { path: file, source })
}

pub fn load_transition_map(path: &Path) -> Result<TransitionMap, LoadError> {
    let text = read_text(path)?;
    TransitionMap::parse_str(&text).map_err(|source| LoadError::Map {
        path: path.to_path_buf(),
        source,
    })
}

pub fn load_role_map(path: &Path) -> Result<RoleMap, LoadError> {
    let text = read_text(path)?;
    RoleMap::parse_str(&text).map_err(|source| LoadError::Map {
        path: path.to_path_buf(),
        source,
    })
}

fn read_text(path: &Path) -> Result<String, LoadError> {
    std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Compiles the policy files under `dir` against its `signals.yaml` and loads the result.
pub fn compile_policies(dir: &Path) -> Result<Bundle, LoadError> {
    let compile_error = |errors: Vec<String>| LoadError::Compile {
        path: dir.to_path_buf(),
        errors,
    };
    let compiled = compiler::codegen::compile_paths(&[dir.to_path_buf()], None).map_err(
        |error| match error {
            CompileError::Diagnostics {
                sources,
                diagnostics,
            } => compile_error(describe(&sources, &diagnostics)),
            other => compile_error(vec![other.to_string()]),
        },
    )?;
    Bundle::from_bytes(&compiled.artifact.bytes).map_err(|source| LoadError::Bundle {
        path: dir.to_path_buf(),
        source,
    })
}

/// Formats each error diagnostic as one line: `file:line:column: code: message`.
fn describe(sources: &SourceMap, diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity == Severity::Error)
        .map(|diagnostic| {
            let location = sources.get(diagnostic.span.source).map(|file| {
                let (line, column) = compiler::maps::line_column(&file.text, diagnostic.span.start);
                format!("{}:{line}:{column}", file.name)
            });
            format!(
                "{}: {}: {}",
                location.unwrap_or_default(),
                diagnostic.code,
                diagnostic.message
            )
        })
        .collect()
}
