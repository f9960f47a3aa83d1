//! Constant-time comparison of secrets and HMAC signatures.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(left: &[u8], right: &[u8]) -> bool {
    if left.len() != right.len() {
        return false;
    }
    left.iter()
        .zip(right)
        .fold(0u8, |difference, (a, b)| difference | (a ^ b))
        == 0
}

/// Checks a GitHub `X-Hub-Signature-256` header value (`sha256=<hex>`) against the HMAC-SHA256 of
/// `body` under `secret`. The digest comparison is constant-time (`hmac`'s `verify_slice`).
pub fn verify_github_signature(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Some(hex) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Some(expected) = decode_hex(hex) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// Computes the `X-Hub-Signature-256` header value for `body`.
pub fn github_signature(secret: &[u8], body: &[u8]) -> String {
    let digest = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(body);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    };
    format!("sha256={}", crate::hex::encode(&digest))
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() & 1 == 1 {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| {
            let pair = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(pair, 16).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_round_trip() {
        let header = github_signature(b"s3cret", b"{\"a\":1}");
        assert!(verify_github_signature(b"s3cret", b"{\"a\":1}", &header));
        assert!(!verify_github_signature(b"other", b"{\"a\":1}", &header));
        assert!(!verify_github_signature(b"s3cret", b"{\"a\":2}", &header));
        assert!(!verify_github_signature(b"s3cret", b"{\"a\":1}", "sha1=00"));
    }

    #[test]
    fn compares_bytes() {
        assert!(constant_time_eq(b"token", b"token"));
        assert!(!constant_time_eq(b"token", b"tokex"));
        assert!(!constant_time_eq(b"token", b"token2"));
    }
}
