//! Deterministic ids: SHA-256 over the canonical JSON of a seed object.

use serde_json::Value;

/// Lowercase hex SHA-256 of the canonical JSON (sorted keys, no whitespace) of `seed`.
pub fn seed_hash(seed: &Value) -> String {
    crate::hex::sha256_hex(canonical_text(seed).as_bytes())
}

/// Canonical JSON: object keys sorted, no insignificant whitespace.
///
/// NOTE: serde_json's default `Map` is a `BTreeMap`, so `to_string` already sorts keys; this
/// relies on the `preserve_order` feature staying off for the workspace.
pub fn canonical_text(value: &Value) -> String {
    value.to_string()
}
