//! The hash layout of the ledger. Changing any byte here breaks every existing ledger.
//!
//! `entry_hash` is the lowercase hex SHA-256 of these bytes, in order:
//!
//! ```text
//! prev_hash   64 ASCII bytes, lowercase hex (64 zeros for seq 1)
//! 0x0A
//! header      canonical JSON of the entry's columns (see below)
//! 0x0A
//! payload     the stored payload: canonical JSON, UTF-8
//! ```
//!
//! The header is a canonical JSON object (keys sorted, no whitespace, serde_json string escaping)
//! with exactly these keys, absent values written as `null`:
//!
//! ```text
//! {"decision_id":"…","issue_key":"…"|null,"kind":"decision"|"override","override_id":"…"|null,
//!  "recorded_at":"2026-12-04T16:03:49.123456Z","repo":"…"|null,"seq":17}
//! ```
//!
//! Canonical JSON contains no raw newline, so the two 0x0A separators cannot be forged by a field.
//!
//! `repo_entry_hash` (entries with a repo only) is the lowercase hex SHA-256 of
//! `repo_prev_hash (64 ASCII hex) || 0x0A || entry_hash (64 ASCII hex)`, where `repo_prev_hash`
//! is the `repo_entry_hash` of the previous entry with the same repo, or 64 zeros for the first.

use std::io::Write as _;

use sha2::{Digest, Sha256};

/// `prev_hash` of the first entry, and `repo_prev_hash` of a repo's first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Hex length of a SHA-256 digest.
pub const HASH_HEX_LEN: usize = 64;

/// A hash in its stored form: 64 lowercase hex ASCII bytes.
pub type HexHash = [u8; HASH_HEX_LEN];

/// The hashed columns of an entry, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Header<'a> {
    pub seq: u64,
    pub kind: &'a str,
    pub decision_id: &'a str,
    pub override_id: Option<&'a str>,
    pub repo: Option<&'a str>,
    pub issue_key: Option<&'a str>,
    pub recorded_at: &'a str,
}

/// Clears `buffer` and writes the canonical JSON header into it.
pub fn write_header(buffer: &mut Vec<u8>, header: &Header<'_>) {
    buffer.clear();
    buffer.extend_from_slice(b"{\"decision_id\":");
    push_string(buffer, header.decision_id);
    buffer.extend_from_slice(b",\"issue_key\":");
    push_optional(buffer, header.issue_key);
    buffer.extend_from_slice(b",\"kind\":");
    push_string(buffer, header.kind);
    buffer.extend_from_slice(b",\"override_id\":");
    push_optional(buffer, header.override_id);
    buffer.extend_from_slice(b",\"recorded_at\":");
    push_string(buffer, header.recorded_at);
    buffer.extend_from_slice(b",\"repo\":");
    push_optional(buffer, header.repo);
    buffer.extend_from_slice(b",\"seq\":");
    // `io::Write` for `Vec<u8>` only grows the vector and never returns an error.
    let _ = write!(buffer, "{}}}", header.seq);
}

fn push_optional(buffer: &mut Vec<u8>, value: Option<&str>) {
    match value {
        Some(text) => push_string(buffer, text),
        None => buffer.extend_from_slice(b"null"),
    }
}

fn push_string(buffer: &mut Vec<u8>, text: &str) {
    // serde_json fails only on non-string map keys and I/O errors, and a `Vec<u8>` sink has neither.
    let _ = serde_json::to_writer(&mut *buffer, text);
}

/// Computes the entry digest over `prev_hash || 0x0A || header || 0x0A || payload`.
pub fn entry_digest(prev_hash: &[u8], header: &[u8], payload: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash);
    hasher.update(b"\n");
    hasher.update(header);
    hasher.update(b"\n");
    hasher.update(payload);
    hasher.finalize().into()
}

/// Computes the repo-chain digest over `repo_prev_hash || 0x0A || entry_hash`.
pub fn repo_digest(repo_prev_hash: &[u8], entry_hash: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(repo_prev_hash);
    hasher.update(b"\n");
    hasher.update(entry_hash);
    hasher.finalize().into()
}

/// Encodes a digest as 64 lowercase hex ASCII bytes, without allocating.
pub fn to_hex(digest: &[u8; 32]) -> HexHash {
    let mut out = [0u8; HASH_HEX_LEN];
    for (pair, byte) in out.chunks_exact_mut(2).zip(digest) {
        if let [high, low] = pair {
            *high = hex_digit(byte >> 4);
            *low = hex_digit(byte & 0x0f);
        }
    }
    out
}

fn hex_digit(nibble: u8) -> u8 {
    if nibble < 10 {
        b'0' + nibble
    } else {
        b'a' + nibble - 10
    }
}

/// Returns the hex as a `String` (the bytes are ASCII by construction).
pub fn hex_string(hex: &HexHash) -> String {
    hex.iter().map(|&byte| char::from(byte)).collect()
}

/// Hashes an entry and returns its `entry_hash` hex.
pub fn entry_hash(prev_hash: &str, header: &Header<'_>, payload: &str) -> String {
    let mut buffer = Vec::with_capacity(256);
    write_header(&mut buffer, header);
    hex_string(&to_hex(&entry_digest(
        prev_hash.as_bytes(),
        &buffer,
        payload.as_bytes(),
    )))
}

/// Hashes a repo link and returns its `repo_entry_hash` hex.
pub fn repo_entry_hash(repo_prev_hash: &str, entry_hash: &str) -> String {
    hex_string(&to_hex(&repo_digest(
        repo_prev_hash.as_bytes(),
        entry_hash.as_bytes(),
    )))
}
