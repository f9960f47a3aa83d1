//! Ledger entries: what a caller appends and what the ledger stores.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Kind of event an entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Decision,
    Override,
}

impl EntryKind {
    /// Returns the stored (and hashed) name: `decision` or `override`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Decision => "decision",
            Self::Override => "override",
        }
    }

    /// Parses a stored name; returns `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "decision" => Some(Self::Decision),
            "override" => Some(Self::Override),
            _ => None,
        }
    }
}

impl std::fmt::Display for EntryKind {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl FromSql for EntryKind {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Self::parse(text).ok_or_else(|| {
            FromSqlError::Other(format!("unknown ledger entry kind {text:?}").into())
        })
    }
}

/// An entry to append. The ledger assigns `seq`, `recorded_at` and the hashes.
#[derive(Clone, Debug, PartialEq)]
pub struct NewEntry {
    pub kind: EntryKind,
    pub decision_id: String,
    /// The override's id; set for overrides, `None` for decisions.
    pub override_id: Option<String>,
    pub repo: Option<String>,
    pub issue_key: Option<String>,
    /// Stored as canonical JSON (see `crate::canonical`).
    pub payload: Value,
}

/// A stored entry, exactly as it is in the ledger table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    pub kind: EntryKind,
    pub decision_id: String,
    pub override_id: Option<String>,
    pub repo: Option<String>,
    pub issue_key: Option<String>,
    /// UTC, RFC 3339 with `Z` and six fractional digits.
    pub recorded_at: String,
    /// Canonical JSON, exactly the bytes that were hashed.
    pub payload: String,
    pub prev_hash: String,
    pub entry_hash: String,
    /// Position in the repo's own chain (1, 2, 3, …); `None` when the entry has no repo.
    pub repo_seq: Option<u64>,
    pub repo_prev_hash: Option<String>,
    pub repo_entry_hash: Option<String>,
}

impl Entry {
    /// Parses the stored payload back into a JSON value.
    pub fn payload_value(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_str(&self.payload)
    }
}

/// The result of `Ledger::append`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appended {
    pub entry: Entry,
    /// True when an entry with the same decision id (for a decision) or override id (for an
    /// override) was already stored: `entry` is then that stored entry and nothing was appended.
    pub existed: bool,
}
