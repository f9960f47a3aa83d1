//! Policy and bundle hashes.
//!
//! - `policy_hash` = SHA-256 of the policy's canonical record: the same field sequence as its
//!   `POLS` record (see `codec::write_policy`), except that every signal reference is written
//!   as the full signal declaration (name, type tag, enum values, required flag) and every
//!   constant reference as the constant itself (tag and payload). The hash therefore depends
//!   only on the policy, never on its neighbours in the bundle, its source file or its span.
//! - `bundle_hash` = SHA-256 over the policies sorted by (policy_id, version), each written as
//!   `u32` LE byte length of the id, the id's UTF-8 bytes, `u32` LE byte length of the version,
//!   the version's UTF-8 bytes, then the 32 raw bytes of its policy hash.
//!
//! Both are shown as lower-case hex.

use sha2::{Digest, Sha256};

use super::codec::{write_policy, RefMode};
use super::encode::ByteWriter;
use crate::constant::Constant;
use crate::program::CompiledPolicy;
use crate::signal::SignalDecl;

pub type Hash = [u8; 32];

/// Returns the SHA-256 of the policy's canonical compiled form.
pub fn policy_hash(policy: &CompiledPolicy, signals: &[SignalDecl], constants: &[Constant]) -> Hash {
    // Starting capacity: a typical policy record fits without growing the buffer.
    let mut w = ByteWriter::with_capacity(1024);
    write_policy(&mut w, policy, RefMode::Canonical { signals, constants });
    Sha256::digest(&w.bytes).into()
}

/// Returns the bundle hash over `(policy_id, version, policy_hash)` entries in any order.
pub fn bundle_hash(entries: &[(&str, &str, Hash)]) -> Hash {
    let mut sorted: Vec<&(&str, &str, Hash)> = entries.iter().collect();
    sorted.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut w = ByteWriter::with_capacity(entries.len() * 64);
    for (id, version, hash) in sorted {
        w.str(id);
        w.str(version);
        w.raw(hash);
    }
    Sha256::digest(&w.bytes).into()
}

/// Returns the SHA-256 of an artifact with its hash field left out.
pub fn artifact_hash(prefix: &[u8], rest: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(prefix);
    hasher.update(rest);
    hasher.finalize().into()
}

/// Returns `hash` as lower-case hex, two digits per byte.
pub fn to_hex(hash: &[u8]) -> String {
    let mut hex = String::with_capacity(hash.len() * 2);
    for &byte in hash {
        for nibble in [byte >> 4, byte & 0x0f] {
            hex.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::to_hex;

    #[test]
    fn to_hex_matches_format() {
        let bytes: Vec<u8> = (0..=255).collect();
        let expected: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(to_hex(&bytes), expected);
    }

    #[test]
    fn to_hex_of_empty_is_empty() {
        assert_eq!(to_hex(&[]), "");
    }
}
