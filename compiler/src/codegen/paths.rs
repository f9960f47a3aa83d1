//! `compile_paths`: discover, read, lower, check and compile policy sources in one call.

use std::path::{Path, PathBuf};

use vm::artifact::Artifact;
use vm::signal::SignalDecl;

use super::{compile_signals, SourceNames};
use crate::check::check_policies;
use crate::diagnostic::{Diagnostic, Severity};
use crate::frontend::lower_file;
use crate::schema::Schema;
use crate::sources::{discover, read_source, DiscoverError};
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

/// Compiles every policy found under `paths` against the schema at `schema_path`, or against
/// the one `signals.yaml` among the sources when no schema path is given.
///
/// Source files are named in the artifact relative to the path they were found under.
pub fn compile_paths(paths: &[PathBuf], schema_path: Option<&Path>) -> Result<Compiled, CompileError> {
    let found = discover(paths)?;
    let schema_path = choose_schema(schema_path, &found.signals)?;
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();

    let schema = load_schema(&mut sources, &schema_path, &mut diagnostics);
    let mut policies = Vec::new();
    for file in &found.policies {
        match read_source(&mut sources, file) {
            Ok(id) => {
                let (lowered, found) = lower_file(&sources, id);
                policies.extend(lowered);
                diagnostics.extend(found);
            }
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    let Some(schema) = schema else {
        return Err(CompileError::Diagnostics { sources, diagnostics });
    };
    diagnostics.extend(check_policies(&policies, &schema));
    if count_errors(&diagnostics) > 0 {
        return Err(CompileError::Diagnostics { sources, diagnostics });
    }

    let decls: Vec<SignalDecl> = schema.signals().iter().map(|s| s.decl.clone()).collect();
    let names = SourceNames { map: &sources, roots: paths };
    match compile_signals(&policies, &decls, Some(names)) {
        Ok(artifact) => Ok(Compiled { artifact, warnings: diagnostics, policy_files: found.policies.len(), sources }),
        Err(errors) => {
            diagnostics.extend(errors);
            Err(CompileError::Diagnostics { sources, diagnostics })
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

fn load_schema(sources: &mut SourceMap, path: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<Schema> {
    let id = match read_source(sources, path) {
        Ok(id) => id,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            return None;
        }
    };
    match Schema::parse(sources, id) {
        Ok(schema) => Some(schema),
        Err(found) => {
            diagnostics.extend(found);
            None
        }
    }
}
