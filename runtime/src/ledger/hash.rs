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

/// Writes `text` as a JSON string, byte for byte as `serde_json` 1.x writes it.
fn push_string(buffer: &mut Vec<u8>, text: &str) {
    // serde_json escapes only `"`, `\\` and control characters below 0x20 and copies every other
    // byte unchanged, so a string without them is copied directly. Verification builds a header
    // for every entry, and this skips serde_json's per-byte escape loop there.
    if !needs_escape(text.as_bytes()) {
        buffer.reserve(text.len() + 2);
        buffer.push(b'"');
        buffer.extend_from_slice(text.as_bytes());
        buffer.push(b'"');
        return;
    }
    // serde_json fails only on non-string map keys and I/O errors, and a `Vec<u8>` sink has neither.
    let _ = serde_json::to_writer(&mut *buffer, text);
}

/// Returns true when `bytes` contains `"`, `\\` or a byte below 0x20.
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH_BITS: u64 = u64::from_ne_bytes([0x80; 8]);
    // The classic "has a byte less than n" word test (exact for n up to 0x80): the result is
    // non-zero exactly when some byte of `word` is below `n`.
    let has_byte_below =
        |word: u64, n: u8| word.wrapping_sub(ONES * u64::from(n)) & !word & HIGH_BITS != 0;
    let mut words = bytes.chunks_exact(8);
    for chunk in &mut words {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_ne_bytes(word);
        // A byte equal to `c` is a zero byte of `word ^ c`.
        if has_byte_below(word, 0x20)
            || has_byte_below(word ^ (ONES * u64::from(b'"')), 1)
            || has_byte_below(word ^ (ONES * u64::from(b'\\')), 1)
        {
            return true;
        }
    }
    words
        .remainder()
        .iter()
        .any(|&byte| byte < 0x20 || byte == b'"' || byte == b'\\')
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
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; HASH_HEX_LEN];
    for (pair, byte) in out.chunks_exact_mut(2).zip(digest) {
        if let ([high, low], Some(&high_digit), Some(&low_digit)) = (
            pair,
            DIGITS.get(usize::from(byte >> 4)),
            DIGITS.get(usize::from(byte & 0x0f)),
        ) {
            *high = high_digit;
            *low = low_digit;
        }
    }
    out
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pushed(text: &str) -> String {
        let mut buffer = Vec::new();
        push_string(&mut buffer, text);
        String::from_utf8(buffer).unwrap()
    }

    #[test]
    fn push_string_matches_serde_json_on_edge_cases() {
        let cases = [
            "",
            "PAY-42",
            "acme/payments",
            "quote \" inside",
            "back\\slash",
            "newline \n and tab \t",
            "bell \u{7} and unit separator \u{1f}",
            "delete \u{7f} is not escaped",
            "é 😀 non-ASCII stays raw",
            "\u{2028} line separator",
        ];
        for text in cases {
            assert_eq!(
                pushed(text),
                serde_json::to_string(text).unwrap(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn push_string_finds_escapes_at_every_offset() {
        for offset in 0..20 {
            for escaped in ['"', '\\', '\n', '\u{0}', '\u{1f}'] {
                let mut text = "x".repeat(20);
                text.insert(offset, escaped);
                assert_eq!(
                    pushed(&text),
                    serde_json::to_string(&text).unwrap(),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn to_hex_is_lowercase_hex() {
        let digest: [u8; 32] = std::array::from_fn(|index| (index * 37 + 5) as u8);
        let expected: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(hex_string(&to_hex(&digest)), expected);
    }

    proptest! {
        #[test]
        fn push_string_matches_serde_json(text in any::<String>()) {
            prop_assert_eq!(pushed(&text), serde_json::to_string(&text).unwrap());
        }
    }
}
