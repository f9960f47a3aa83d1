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

    let mut body = ByteWriter::default();
    body.section(SECTION_META, &meta_payload(program, &bundle));
    body.section(SECTION_SIGNALS, &signals_payload(program));
    body.section(SECTION_CONSTANTS, &constants_payload(program));
    body.section(SECTION_POLICIES, &policies_payload(program, &hashes));
    body.section(SECTION_SOURCES, &sources_payload(program));

    let (bytes, file_hash) = assemble(&body.bytes);
    Artifact {
        bytes,
        artifact_sha256: to_hex(&file_hash),
        bundle_hash: to_hex(&bundle),
        policy_hashes: hashes.iter().map(|h| to_hex(h)).collect(),
        format_version: FORMAT_VERSION,
        program: program.clone(),
    }
}

fn assemble(body: &[u8]) -> (Vec<u8>, Hash) {
    let mut prefix = ByteWriter::default();
    prefix.raw(&MAGIC);
    prefix.u16(FORMAT_VERSION);
    prefix.u16(0);
    prefix.len(HEADER_LEN + body.len());
    let file_hash = artifact_hash(&prefix.bytes, body);

    let mut bytes = prefix.bytes;
    bytes.extend_from_slice(&file_hash);
    bytes.extend_from_slice(body);
    (bytes, file_hash)
}

fn meta_payload(program: &Program, bundle: &Hash) -> Vec<u8> {
    let mut w = ByteWriter::default();
    w.str(&program.compiler_version);
    w.raw(bundle);
    w.bytes
}

fn signals_payload(program: &Program) -> Vec<u8> {
    let mut w = ByteWriter::default();
    w.len(program.signals.len());
    program.signals.iter().for_each(|decl| write_signal(&mut w, decl));
    w.bytes
}

fn constants_payload(program: &Program) -> Vec<u8> {
    let mut w = ByteWriter::default();
    w.len(program.constants.len());
    program.constants.iter().for_each(|c| write_constant(&mut w, c));
    w.bytes
}

fn policies_payload(program: &Program, hashes: &[Hash]) -> Vec<u8> {
    let mut w = ByteWriter::default();
    w.len(program.policies.len());
    for (policy, hash) in program.policies.iter().zip(hashes) {
        write_policy(&mut w, policy, RefMode::Indexed);
        w.raw(hash);
    }
    w.bytes
}

fn sources_payload(program: &Program) -> Vec<u8> {
    let mut w = ByteWriter::default();
    w.len(program.policies.len());
    for policy in &program.policies {
        write_source(&mut w, policy.source.as_ref());
    }
    w.bytes
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
