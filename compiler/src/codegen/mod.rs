//! Code generation: checked policies and the schema's signal table to a `vm` program and
//! artifact bytes.
//!
//! Determinism: policies are sorted by id, signals by name, and constants are numbered in
//! first-use order over the sorted policies. Source files are named relative to the compile
//! root, so the same sources give the same bytes in any file order, directory or machine.

mod constants;
mod emit_compare;
mod emit_logic;
mod emit_value;
mod emitter;
pub mod labels;
pub mod manifest;
mod paths;
mod policy;
pub mod render;
mod signals;

use vm::artifact::{write_artifact, Artifact};
use vm::program::Program;
use vm::signal::SignalDecl;

use crate::ast::Policy;
use crate::diagnostic::Diagnostic;
use constants::ConstantPool;
use signals::SignalTable;

pub use labels::Label;
pub use manifest::{build_manifest, manifest_json, Manifest};
pub use paths::{compile_paths, CompileError, Compiled};
pub use policy::{relative_name, SourceNames};

/// Version recorded in every artifact.
pub const COMPILER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// File name of the artifact inside a bundle directory.
pub const ARTIFACT_FILE: &str = "bundle.rgb";
/// File name of the manifest inside a bundle directory.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Compiles policies against a signal table into a program. Returns every diagnostic found.
pub fn compile_program(
    policies: &[Policy],
    signals: &[SignalDecl],
    sources: Option<SourceNames<'_>>,
) -> Result<Program, Vec<Diagnostic>> {
    let table = SignalTable::new(signals);
    let mut sorted: Vec<&Policy> = policies.iter().collect();
    sorted.sort_by(|a, b| a.id.value.cmp(&b.id.value));

    let mut diagnostics = duplicate_ids(&sorted);
    let mut pool = ConstantPool::default();
    let mut compiled = Vec::with_capacity(sorted.len());
    for policy in sorted {
        match policy::compile_policy(policy, &table, &mut pool, sources) {
            Ok(policy) => compiled.push(policy),
            Err(found) => diagnostics.extend(found),
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    Ok(Program {
        compiler_version: COMPILER_VERSION.to_string(),
        signals: table.into_vec(),
        constants: pool.into_vec(),
        policies: compiled,
    })
}

/// Compiles policies against a signal table straight to artifact bytes.
pub fn compile_signals(
    policies: &[Policy],
    signals: &[SignalDecl],
    sources: Option<SourceNames<'_>>,
) -> Result<Artifact, Vec<Diagnostic>> {
    compile_program(policies, signals, sources).map(|program| write_artifact(&program))
}

fn duplicate_ids(sorted: &[&Policy]) -> Vec<Diagnostic> {
    sorted
        .windows(2)
        .filter_map(|pair| match pair {
            [a, b] if a.id.value == b.id.value => Some(
                Diagnostic::error(
                    emitter::CODE_DUPLICATE_POLICY,
                    format!("policy id `{}` is defined twice", b.id.value),
                    b.id.span,
                    "second definition",
                )
                .with_related(a.id.span, "first definition"),
            ),
            _ => None,
        })
        .collect()
}

/// Compiles checked policies against the schema's signal table into artifact bytes. Source
/// locations are left out; [`compile_signals`] with [`SourceNames`] records them.
pub fn compile_bundle(policies: &[Policy], schema: &crate::schema::Schema) -> Result<Artifact, Vec<Diagnostic>> {
    let decls: Vec<SignalDecl> = schema.signals().iter().map(|s| s.decl.clone()).collect();
    compile_signals(policies, &decls, None)
}
