//! Timestamps of ledger entries: UTC, RFC 3339 with `Z` and exactly six fractional digits, so
//! that text order equals time order (`2026-12-04T16:03:49.123456Z`).

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, UtcOffset};

use super::LedgerError;

const STORED_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

/// Returns the current UTC time in the stored format.
pub fn now_utc() -> String {
    format_stored(OffsetDateTime::now_utc())
}

/// Formats `moment` in UTC in the stored format.
pub fn format_stored(moment: OffsetDateTime) -> String {
    let utc = moment.to_offset(UtcOffset::UTC);
    // Formatting fails only when the value lacks a component the format names, and a UTC
    // `OffsetDateTime` has every one of them.
    utc.format(STORED_FORMAT)
        .unwrap_or_else(|_| utc.to_string())
}

/// Parses an RFC 3339 timestamp (any offset) or a bare date (midnight UTC) and returns it in the
/// stored format, ready for text comparison with `recorded_at`.
pub fn normalize(text: &str) -> Result<String, LedgerError> {
    let trimmed = text.trim();
    if let Ok(moment) = OffsetDateTime::parse(trimmed, &Rfc3339) {
        return Ok(format_stored(moment));
    }
    match Date::parse(trimmed, DATE_FORMAT) {
        Ok(date) => Ok(format_stored(date.midnight().assume_utc())),
        Err(_) => Err(LedgerError::InvalidTimestamp {
            value: text.to_owned(),
        }),
    }
}
