//! Request body size limit (`RELEASEGATE_MAX_BODY_BYTES`).

use std::io::Read;

/// Default body limit: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(Debug)]
pub enum BodyError {
    TooLarge { limit: usize },
    Io(std::io::Error),
}

/// Reads at most `limit` bytes of a body; a declared or actual size above it is `TooLarge`.
pub fn read_body(
    reader: &mut dyn Read,
    declared_length: Option<usize>,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    if declared_length.is_some_and(|length| length > limit) {
        return Err(BodyError::TooLarge { limit });
    }
    let mut body = Vec::with_capacity(declared_length.unwrap_or(0).min(limit));
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    reader
        .take(cap)
        .read_to_end(&mut body)
        .map_err(BodyError::Io)?;
    if body.len() > limit {
        return Err(BodyError::TooLarge { limit });
    }
    Ok(body)
}
