//! The `check` pipeline: discover files, load the schema, lower every policy file, type-check
//! the policies and validate the maps, collecting every problem of every file in one run.

use std::path::{Path, PathBuf};

use crate::ast::Policy;
use crate::check::check_policies;
use crate::diagnostic::{Diagnostic, Severity};
use crate::frontend::lower_file;
use crate::maps::{RoleMap, TransitionMap};
use crate::schema::Schema;
use crate::sources::{discover, read_source, DiscoverError};
use crate::span::{SourceId, SourceMap};

/// A failure that stops a check from running at all, as opposed to problems found in the files.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    #[error("cannot read signal schema {path}: {source}")]
    SchemaUnreadable {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Everything one check run read and found.
#[derive(Debug, Default)]
pub struct Checked {
    pub sources: SourceMap,
    /// The schema the policies were checked against; `None` when it has errors, in which case
    /// the policies were parsed but not type-checked.
    pub schema: Option<Schema>,
    /// Policies of every file that lowered, in file order.
    pub policies: Vec<Policy>,
    /// The first transition map among the paths that parsed without errors.
    pub transitions: Option<TransitionMap>,
    /// The first role map among the paths that parsed without errors.
    pub roles: Option<RoleMap>,
    /// Every finding, sorted by file name, then byte offset, then code.
    pub diagnostics: Vec<Diagnostic>,
    /// Number of files read, the schema included.
    pub files: usize,
}

/// Counts for the one-line summary of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub policies: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl Checked {
    pub fn summary(&self) -> Summary {
        let count = |severity| {
            self.diagnostics
                .iter()
                .filter(|d| d.severity == severity)
                .count()
        };
        Summary {
            files: self.files,
            policies: self.policies.len(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
        }
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = |number: usize, one: &str, many: &str| match number {
            1 => format!("1 {one}"),
            _ => format!("{number} {many}"),
        };
        write!(
            formatter,
            "checked {}, {}: {}, {}",
            count(self.files, "file", "files"),
            count(self.policies, "policy", "policies"),
            count(self.errors, "error", "errors"),
            count(self.warnings, "warning", "warnings")
        )
    }
}

/// Checks every policy file, transition map, role map and signal schema under `paths` (files or
/// directories, walked recursively) against the schema at `schema_path`.
///
/// Transition-map references are checked against the policies of the same run, so they are only
/// checked when the run includes at least one policy file.
pub fn check_paths<P: AsRef<Path>>(
    paths: &[P],
    schema_path: &Path,
) -> Result<Checked, PipelineError> {
    let discovered = discover(paths)?;
    let mut run = Checked {
        schema: None,
        ..Checked::default()
    };
    run.schema = load_schema(&mut run, schema_path)?;
    for extra in discovered
        .signals
        .iter()
        .filter(|path| !same_file(path, schema_path))
    {
        if let Some(id) = read(&mut run, extra) {
            run.diagnostics
                .extend(Schema::parse(&run.sources, id).err().unwrap_or_default());
        }
    }
    for path in &discovered.policies {
        lower(&mut run, path);
    }
    if let Some(schema) = &run.schema {
        run.diagnostics
            .extend(check_policies(&run.policies, schema));
    }
    let check_references = !discovered.policies.is_empty();
    for path in &discovered.transitions {
        load_transitions(&mut run, path, check_references);
    }
    for path in &discovered.roles {
        load_roles(&mut run, path);
    }
    sort(&mut run);
    Ok(run)
}

fn load_schema(run: &mut Checked, path: &Path) -> Result<Option<Schema>, PipelineError> {
    if let Err(source) = std::fs::metadata(path) {
        return Err(PipelineError::SchemaUnreadable {
            path: path.to_path_buf(),
            source,
        });
    }
    let Some(id) = read(run, path) else {
        return Ok(None);
    };
    match Schema::parse(&run.sources, id) {
        Ok(schema) => Ok(Some(schema)),
        Err(found) => {
            run.diagnostics.extend(found);
            Ok(None)
        }
    }
}

/// Reads one file into the run's sources; a read or UTF-8 problem becomes a diagnostic.
fn read(run: &mut Checked, path: &Path) -> Option<SourceId> {
    run.files += 1;
    match read_source(&mut run.sources, path) {
        Ok(id) => Some(id),
        Err(diagnostic) => {
            run.diagnostics.push(diagnostic);
            None
        }
    }
}

fn lower(run: &mut Checked, path: &Path) {
    let Some(id) = read(run, path) else {
        return;
    };
    let (policies, found) = lower_file(&run.sources, id);
    run.policies.extend(policies);
    run.diagnostics.extend(found);
}

fn load_transitions(run: &mut Checked, path: &Path, check_references: bool) {
    let Some(id) = read(run, path) else {
        return;
    };
    let (map, found) = TransitionMap::parse_partial(&run.sources, id);
    let has_error = found.iter().any(|d| d.severity == Severity::Error);
    run.diagnostics.extend(found);
    let Some(map) = map else {
        return;
    };
    if check_references {
        run.diagnostics.extend(map.check_references(&run.policies));
    }
    if !has_error {
        run.transitions.get_or_insert(map);
    }
}

fn load_roles(run: &mut Checked, path: &Path) {
    let Some(id) = read(run, path) else {
        return;
    };
    match RoleMap::parse(&run.sources, id) {
        Ok((map, warnings)) => {
            run.diagnostics.extend(warnings);
            run.roles.get_or_insert(map);
        }
        Err(found) => run.diagnostics.extend(found),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Sorts findings by file name, then byte offset, then code, so output is stable.
fn sort(run: &mut Checked) {
    let sources = &run.sources;
    let name = |diagnostic: &Diagnostic| {
        sources
            .get(diagnostic.span.source)
            .map(|file| file.name.clone())
            .unwrap_or_default()
    };
    run.diagnostics
        .sort_by_cached_key(|d| (name(d), d.span.start, d.code, d.span.end, d.message.clone()));
    run.diagnostics.dedup();
}
