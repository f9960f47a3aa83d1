//! Turns one checked `ast::Policy` into a `vm::program::CompiledPolicy`.

use std::path::{Path, PathBuf};

use vm::program::{CompiledPolicy, Effect, SourceLocation};

use super::constants::ConstantPool;
use super::emitter::Emitter;
use super::signals::SignalTable;
use crate::ast::{self, Policy};
use crate::diagnostic::Diagnostic;
use crate::span::{SourceMap, Span};

/// Source of file names: the loaded files and the roots they were found under.
#[derive(Clone, Copy)]
pub struct SourceNames<'a> {
    pub map: &'a SourceMap,
    /// The paths given to the compiler. A file under one of these directories is named
    /// relative to it, and any other file by its file name alone.
    pub roots: &'a [PathBuf],
}

pub(crate) fn compile_policy(
    policy: &Policy,
    signals: &SignalTable,
    pool: &mut ConstantPool,
    sources: Option<SourceNames<'_>>,
) -> Result<CompiledPolicy, Vec<Diagnostic>> {
    let emitted = Emitter::new(signals, pool).emit_policy(&policy.condition)?;
    Ok(CompiledPolicy {
        id: policy.id.value.clone(),
        version: policy.version.value.clone(),
        name: policy.name.value.clone(),
        description: policy.description.clone(),
        scope: policy.scope.as_str().to_string(),
        group: policy.group.as_ref().map(|g| g.value.clone()),
        enabled: policy.enabled,
        effect: effect(policy.effect.value),
        message: policy.message.value.clone(),
        approvals: policy.requires.as_ref().and_then(|r| r.approvals.as_ref().map(|a| a.value)),
        roles: policy.requires.as_ref().map(|r| r.roles.iter().map(|s| s.value.clone()).collect()).unwrap_or_default(),
        evidence: policy.evidence.iter().map(|s| s.value.clone()).collect(),
        compliance: policy.compliance.clone(),
        metadata_json: canonical_json(&serde_json::Value::Object(policy.metadata.clone().into_iter().collect())),
        controls: emitted.controls,
        code: emitted.code,
        source: sources.and_then(|names| locate(names, policy.span)),
    })
}

fn effect(effect: ast::Effect) -> Effect {
    match effect {
        ast::Effect::Compliant => Effect::Compliant,
        ast::Effect::Warn => Effect::Warn,
        ast::Effect::Block => Effect::Block,
    }
}

/// Compact JSON with object keys sorted at every level, whatever serde_json's map order is.
pub(crate) fn canonical_json(value: &serde_json::Value) -> String {
    sorted(value).to_string()
}

fn sorted(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(&String, &serde_json::Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k.clone(), sorted(v))).collect())
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

fn locate(names: SourceNames<'_>, span: Span) -> Option<SourceLocation> {
    let file = names.map.get(span.source)?;
    let line = file.text.get(..span.start).map_or(1, |before| before.matches('\n').count() + 1);
    Some(SourceLocation {
        file: relative_name(&file.name, names.roots),
        start: u32::try_from(span.start).unwrap_or(u32::MAX),
        end: u32::try_from(span.end).unwrap_or(u32::MAX),
        line: u32::try_from(line).unwrap_or(u32::MAX),
    })
}

/// Names a source file relative to the root directory it was found under, with `/`
/// separators, or by its file name alone, so no absolute path reaches the artifact.
pub fn relative_name(name: &str, roots: &[PathBuf]) -> String {
    let path = Path::new(name);
    let relative = roots.iter().filter(|root| root.is_dir()).find_map(|root| path.strip_prefix(root).ok());
    let relative = match relative {
        Some(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => PathBuf::from(path.file_name().unwrap_or(path.as_os_str())),
    };
    let parts: Vec<String> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    parts.join("/")
}
