//! Wall-clock helpers.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Returns the current UTC time as RFC 3339 with a `Z` suffix.
pub fn rfc3339_now() -> String {
    format_rfc3339(OffsetDateTime::now_utc())
}

pub fn format_rfc3339(moment: OffsetDateTime) -> String {
    moment
        .format(&Rfc3339)
        .unwrap_or_else(|_| moment.unix_timestamp().to_string())
}

/// Parses an RFC 3339 timestamp such as `2026-12-04T18:00:00Z`.
pub fn parse_rfc3339(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}
