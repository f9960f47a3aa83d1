//! Serialises a [`Program`] to artifact bytes, computing every hash.

use super::codec::{write_constant, write_policy, write_signal, RefMode};
use super::encode::ByteWriter;
use super::hash::{artifact_hash, bundle_hash, policy_hash, to_hex, Hash};
use super::layout::*;
use crate::program::{Program, SourceLocation};

/// A serialised bundle and its hashes.
#[derive(Clone, Debug, PartialEq)]
pub struct Artifact {
    pub bytes: Vec<u8>,
    /// Hex SHA-256 of the artifact bytes without the hash field (the value in the header).
    pub artifact_sha256: String,
    pub bundle_hash: String,
    /// Hex policy hashes, in policy order.
    pub policy_hashes: Vec<String>,
    pub format_version: u16,
    pub program: Program,
}

/// Serialises the program. The policies must already be sorted by id; the compiler does that.
pub fn write_artifact(program: &Program) -> Artifact {
    let hashes: Vec<Hash> = program
        .policies
        .iter()
        .map(|p| policy_hash(p, &program.signals, &program.constants))
        .collect();
    let entries: Vec<(&str, &str, Hash)> = program
        .policies
        .iter()
        .zip(&hashes)
        .map(|(p, h)| (p.id.as_str(), p.version.as_str(), *h))
        .collect();
    let bundle = bundle_hash(&entries);

    let (bytes, file_hash) = write_bytes(program, &bundle, &hashes);
    Artifact {
        bytes,
        artifact_sha256: to_hex(&file_hash),
        bundle_hash: to_hex(&bundle),
        policy_hashes: hashes.iter().map(|h| to_hex(h)).collect(),
        format_version: FORMAT_VERSION,
        program: program.clone(),
    }
}

/// Writes the header and every section into one buffer, then patches the total length and
/// the artifact hash into the header.
fn write_bytes(program: &Program, bundle: &Hash, hashes: &[Hash]) -> (Vec<u8>, Hash) {
    // Starting capacity: a bundle of a few small policies fits without growing the buffer.
    let mut w = ByteWriter::with_capacity(4096);
    w.raw(&MAGIC);
    w.u16(FORMAT_VERSION);
    w.u16(0);
    // The total length and the artifact hash are placeholders until every section is written.
    w.u32(0);
    w.raw(&[0; 32]);
    w.section(SECTION_META, |w| write_meta(w, program, bundle));
    w.section(SECTION_SIGNALS, |w| write_signals(w, program));
    w.section(SECTION_CONSTANTS, |w| write_constants(w, program));
    w.section(SECTION_POLICIES, |w| write_policies(w, program, hashes));
    w.section(SECTION_SOURCES, |w| write_sources(w, program));

    let total = u32::try_from(w.bytes.len()).unwrap_or(u32::MAX);
    w.patch_u32(LENGTH_OFFSET, total);
    let prefix = w.bytes.get(..HASH_RANGE.start).unwrap_or_default();
    let body = w.bytes.get(HEADER_LEN..).unwrap_or_default();
    let file_hash = artifact_hash(prefix, body);
    w.patch(HASH_RANGE.start, &file_hash);
    (w.bytes, file_hash)
}

fn write_meta(w: &mut ByteWriter, program: &Program, bundle: &Hash) {
    w.str(&program.compiler_version);
    w.raw(bundle);
}

fn write_signals(w: &mut ByteWriter, program: &Program) {
    w.len(program.signals.len());
    program.signals.iter().for_each(|decl| write_signal(w, decl));
}

fn write_constants(w: &mut ByteWriter, program: &Program) {
    w.len(program.constants.len());
    program.constants.iter().for_each(|c| write_constant(w, c));
}

fn write_policies(w: &mut ByteWriter, program: &Program, hashes: &[Hash]) {
    w.len(program.policies.len());
    for (policy, hash) in program.policies.iter().zip(hashes) {
        write_policy(w, policy, RefMode::Indexed);
        w.raw(hash);
    }
}

fn write_sources(w: &mut ByteWriter, program: &Program) {
    w.len(program.policies.len());
    for policy in &program.policies {
        write_source(w, policy.source.as_ref());
    }
}

fn write_source(w: &mut ByteWriter, source: Option<&SourceLocation>) {
    let Some(source) = source else {
        w.u8(0);
        return;
    };
    w.u8(1);
    w.str(&source.file);
    w.u32(source.start);
    w.u32(source.end);
    w.u32(source.line);
}
