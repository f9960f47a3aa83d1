//! Defensive artifact reader: checks magic, version, length and hash before it parses a
//! section, checks every length while parsing, then validates all indices and the bytecode.

use super::codec::{read_constant, read_policy, read_signal};
use super::decode::{malformed, ByteReader};
use super::hash::{artifact_hash, bundle_hash, policy_hash, to_hex, Hash};
use super::layout::*;
use super::validate::validate_program;
use crate::error::LoadError;
use crate::program::{CompiledPolicy, Program, SourceLocation};

/// A verified artifact.
#[derive(Clone, Debug)]
pub struct LoadedArtifact {
    pub program: Program,
    pub policy_hashes: Vec<Hash>,
    pub bundle_hash: Hash,
    pub artifact_sha256: Hash,
    pub format_version: u16,
}

/// Parses and verifies artifact bytes. Never panics, whatever the input.
pub fn read_artifact(bytes: &[u8]) -> Result<LoadedArtifact, LoadError> {
    let file_hash = check_header(bytes)?;
    let body = bytes.get(HEADER_LEN..).unwrap_or_default();
    let mut r = ByteReader::new(body, HEADER_LEN);

    let (compiler_version, stored_bundle) = read_meta(&mut section(&mut r, SECTION_META)?)?;
    let signals = read_list(&mut section(&mut r, SECTION_SIGNALS)?, 6, read_signal)?;
    let constants = read_list(&mut section(&mut r, SECTION_CONSTANTS)?, 2, read_constant)?;
    let (mut policies, hashes) = read_policies(&mut section(&mut r, SECTION_POLICIES)?)?;
    read_sources(&mut section(&mut r, SECTION_SOURCES)?, &mut policies)?;
    r.finish("the last section")?;

    let program = Program { compiler_version, signals, constants, policies };
    validate_program(&program)?;
    verify_hashes(&program, &hashes, &stored_bundle)?;
    Ok(LoadedArtifact {
        program,
        policy_hashes: hashes,
        bundle_hash: stored_bundle,
        artifact_sha256: file_hash,
        format_version: FORMAT_VERSION,
    })
}

/// Checks magic, version, flags, total length and the artifact hash, in that order.
fn check_header(bytes: &[u8]) -> Result<Hash, LoadError> {
    let prefix = bytes.get(..MAGIC.len()).unwrap_or(bytes);
    if Some(prefix) != MAGIC.get(..prefix.len()) {
        return Err(LoadError::BadMagic { found: describe_magic(prefix), expected: describe_magic(&MAGIC) });
    }
    let mut r = ByteReader::new(bytes, 0);
    r.take(MAGIC.len(), "magic")?;
    check_version(r.u16("format version")?)?;
    let flags = r.u16("flags")?;
    if flags != 0 {
        return Err(malformed(10, format!("unknown header flags 0x{flags:04x}")));
    }
    let total = r.u32("artifact length")? as usize;
    check_length(total, bytes.len())?;
    let stored = r.hash("artifact hash")?;
    let computed = artifact_hash(bytes.get(..16).unwrap_or_default(), bytes.get(HEADER_LEN..).unwrap_or_default());
    if stored != computed {
        return Err(LoadError::Tampered { stored: to_hex(&stored), computed: to_hex(&computed) });
    }
    Ok(stored)
}

fn describe_magic(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}

fn check_version(found: u16) -> Result<(), LoadError> {
    if found > FORMAT_VERSION {
        return Err(LoadError::NewerVersion { found, supported: FORMAT_VERSION });
    }
    if found < FORMAT_VERSION {
        return Err(LoadError::OlderVersion { found, supported: FORMAT_VERSION });
    }
    Ok(())
}

fn check_length(total: usize, actual: usize) -> Result<(), LoadError> {
    if total < HEADER_LEN {
        return Err(malformed(12, format!("artifact length {total} is shorter than the {HEADER_LEN}-byte header")));
    }
    if actual < total {
        return Err(LoadError::Truncated {
            context: "the artifact".into(),
            offset: 0,
            needed: total,
            available: actual,
        });
    }
    if actual > total {
        return Err(malformed(total, format!("{} unexpected bytes after the artifact's end", actual - total)));
    }
    Ok(())
}

/// Reads the next section, which must carry `tag`, and returns a reader over its payload.
fn section<'a>(r: &mut ByteReader<'a>, tag: [u8; 4]) -> Result<ByteReader<'a>, LoadError> {
    let offset = r.offset();
    // The context texts are only formatted when a read fails, because this runs on every load.
    let name = String::from_utf8_lossy(&tag);
    let found = r.take_with(4, || format!("section {name} tag"))?;
    if found != tag {
        let found = String::from_utf8_lossy(found);
        return Err(malformed(offset, format!("expected section {name}, found {found:?}")));
    }
    let len = r.u32_with(|| format!("section {name} length"))? as usize;
    let base = r.offset();
    Ok(ByteReader::new(r.take_with(len, || format!("section {name}"))?, base))
}

fn read_meta(r: &mut ByteReader<'_>) -> Result<(String, Hash), LoadError> {
    let version = r.str("compiler version")?;
    let bundle = r.hash("bundle hash")?;
    r.finish("section META")?;
    Ok((version, bundle))
}

fn read_list<T>(
    r: &mut ByteReader<'_>,
    min_item: usize,
    read: fn(&mut ByteReader<'_>) -> Result<T, LoadError>,
) -> Result<Vec<T>, LoadError> {
    let count = r.count(min_item, "table")?;
    let items = (0..count).map(|_| read(r)).collect::<Result<Vec<T>, LoadError>>()?;
    r.finish("the table")?;
    Ok(items)
}

fn read_policies(r: &mut ByteReader<'_>) -> Result<(Vec<CompiledPolicy>, Vec<Hash>), LoadError> {
    let count = r.count(64, "policies")?;
    let mut policies = Vec::with_capacity(count);
    let mut hashes = Vec::with_capacity(count);
    for _ in 0..count {
        policies.push(read_policy(r)?);
        hashes.push(r.hash("policy hash")?);
    }
    r.finish("section POLS")?;
    Ok((policies, hashes))
}

fn read_sources(r: &mut ByteReader<'_>, policies: &mut [CompiledPolicy]) -> Result<(), LoadError> {
    let offset = r.offset();
    let count = r.u32("source count")? as usize;
    if count != policies.len() {
        return Err(malformed(offset, format!("{count} source entries for {} policies", policies.len())));
    }
    for policy in policies.iter_mut() {
        policy.source = read_source(r)?;
    }
    r.finish("section SRCS")
}

fn read_source(r: &mut ByteReader<'_>) -> Result<Option<SourceLocation>, LoadError> {
    if !r.bool("source flag")? {
        return Ok(None);
    }
    let file = r.str("source file")?;
    let start = r.u32("source start")?;
    let end = r.u32("source end")?;
    let line = r.u32("source line")?;
    Ok(Some(SourceLocation { file, start, end, line }))
}

fn verify_hashes(program: &Program, stored: &[Hash], stored_bundle: &Hash) -> Result<(), LoadError> {
    for (policy, stored) in program.policies.iter().zip(stored) {
        let computed = policy_hash(policy, &program.signals, &program.constants);
        if &computed != stored {
            return Err(LoadError::PolicyHashMismatch {
                policy: policy.id.clone(),
                stored: to_hex(stored),
                computed: to_hex(&computed),
            });
        }
    }
    let entries: Vec<(&str, &str, Hash)> = program
        .policies
        .iter()
        .zip(stored)
        .map(|(p, h)| (p.id.as_str(), p.version.as_str(), *h))
        .collect();
    let computed = bundle_hash(&entries);
    if &computed != stored_bundle {
        return Err(LoadError::BundleHashMismatch { stored: to_hex(stored_bundle), computed: to_hex(&computed) });
    }
    Ok(())
}
