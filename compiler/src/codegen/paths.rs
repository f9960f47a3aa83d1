//! `compile_paths`: the check pipeline followed by code generation, in one call.

use std::path::{Path, PathBuf};

use vm::artifact::Artifact;
use vm::signal::SignalDecl;

use super::{compile_signals, SourceNames};
use crate::diagnostic::{Diagnostic, Severity};
use crate::pipeline::{check_paths, PipelineError};
use crate::sources::{discover, DiscoverError};
use crate::span::SourceMap;

/// A compiled bundle with the sources it came from and any warnings.
#[derive(Debug)]
pub struct Compiled {
    pub artifact: Artifact,
    pub sources: SourceMap,
    /// Warnings only; any error makes compilation fail.
    pub warnings: Vec<Diagnostic>,
    pub policy_files: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    #[error(transparent)]
    Discover(#[from] DiscoverError),

    #[error(transparent)]
    Pipeline(#[from] PipelineError),

    #[error("no signal schema found: none of the sources is named signals.yaml; pass --schema FILE")]
    NoSchema,

    #[error("{count} signal schemas found ({names}); pass the one to use with --schema FILE")]
    SeveralSchemas { count: usize, names: String },

    #[error("compilation failed with {} error(s)", count_errors(.diagnostics))]
    Diagnostics { sources: SourceMap, diagnostics: Vec<Diagnostic> },
}

fn count_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
}

/// Checks everything under `paths` like `releasegate check` (policies, schema, transition and
/// role maps) and compiles the policies when there is no error. Without `schema_path`, the one
/// `signals.yaml` among the sources is the schema.
///
/// Source files are named in the artifact relative to the path they were found under.
pub fn compile_paths(paths: &[PathBuf], schema_path: Option<&Path>) -> Result<Compiled, CompileError> {
    let found = discover(paths)?;
    let schema_path = choose_schema(schema_path, &found.signals)?;
    let checked = check_paths(paths, &schema_path)?;
    let has_errors = checked.has_errors();
    let (Some(schema), false) = (checked.schema, has_errors) else {
        return Err(CompileError::Diagnostics { sources: checked.sources, diagnostics: checked.diagnostics });
    };

    let decls: Vec<SignalDecl> = schema.signals().iter().map(|s| s.decl.clone()).collect();
    let names = SourceNames { map: &checked.sources, roots: paths };
    match compile_signals(&checked.policies, &decls, Some(names)) {
        Ok(artifact) => Ok(Compiled {
            artifact,
            warnings: checked.diagnostics,
            policy_files: found.policies.len(),
            sources: checked.sources,
        }),
        Err(errors) => {
            let mut diagnostics = checked.diagnostics;
            diagnostics.extend(errors);
            Err(CompileError::Diagnostics { sources: checked.sources, diagnostics })
        }
    }
}

fn choose_schema(explicit: Option<&Path>, discovered: &[PathBuf]) -> Result<PathBuf, CompileError> {
    if let Some(path) = explicit {
        return Ok(path.to_path_buf());
    }
    match discovered {
        [one] => Ok(one.clone()),
        [] => Err(CompileError::NoSchema),
        several => Err(CompileError::SeveralSchemas {
            count: several.len(),
            names: several.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
        }),
    }
}
