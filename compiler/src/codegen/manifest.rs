//! The readable JSON manifest written beside the artifact.

use serde::Serialize;
use std::collections::BTreeMap;

use vm::artifact::Artifact;

#[derive(Debug, Serialize)]
pub struct Manifest {
    pub artifact: String,
    pub format_version: u16,
    pub compiler_version: String,
    pub bundle_hash: String,
    pub artifact_sha256: String,
    pub signal_count: usize,
    pub policies: Vec<ManifestPolicy>,
}

#[derive(Debug, Serialize)]
pub struct ManifestPolicy {
    pub id: String,
    pub version: String,
    pub name: String,
    pub policy_hash: String,
    pub effect: String,
    pub enabled: bool,
    /// Source file relative to the compile root, or its file name.
    pub source: Option<String>,
    pub line: Option<u32>,
    pub compliance: BTreeMap<String, String>,
}

/// Describes an artifact stored under the file name `artifact`.
pub fn build_manifest(artifact: &Artifact, artifact_name: &str) -> Manifest {
    let program = &artifact.program;
    let policies = program
        .policies
        .iter()
        .zip(&artifact.policy_hashes)
        .map(|(p, hash)| ManifestPolicy {
            id: p.id.clone(),
            version: p.version.clone(),
            name: p.name.clone(),
            policy_hash: hash.clone(),
            effect: p.effect.as_str().to_string(),
            enabled: p.enabled,
            source: p.source.as_ref().map(|s| s.file.clone()),
            line: p.source.as_ref().map(|s| s.line),
            compliance: p.compliance.clone(),
        })
        .collect();
    Manifest {
        artifact: artifact_name.to_string(),
        format_version: artifact.format_version,
        compiler_version: program.compiler_version.clone(),
        bundle_hash: artifact.bundle_hash.clone(),
        artifact_sha256: artifact.artifact_sha256.clone(),
        signal_count: program.signals.len(),
        policies,
    }
}

/// Pretty JSON with a trailing newline.
pub fn manifest_json(artifact: &Artifact, artifact_name: &str) -> String {
    let manifest = build_manifest(artifact, artifact_name);
    let mut text = serde_json::to_string_pretty(&manifest).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}
