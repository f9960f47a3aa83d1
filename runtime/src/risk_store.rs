//! The local risk store: the latest risk metadata per Jira issue, in a plain SQLite table of the
//! ledger's database file. It is mutable state (a newer pull request replaces older metadata), so
//! it is not a ledger table and is not hash-chained.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};

use crate::risk::{RiskMetadata, RiskPropertyError};

#[derive(Debug, thiserror::Error)]
pub enum RiskStoreError {
    #[error("risk store database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored risk metadata for {issue_key} is not valid JSON: {source}")]
    Corrupt {
        issue_key: String,
        source: serde_json::Error,
    },
    #[error("stored risk metadata for {issue_key} is not usable: {error}")]
    Unusable {
        issue_key: String,
        error: RiskPropertyError,
    },
    #[error("risk store lock poisoned by a panicked thread")]
    Poisoned,
}

/// Risk metadata keyed by issue key.
pub struct RiskStore {
    connection: Mutex<Connection>,
}

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS risk_metadata (
    issue_key   TEXT PRIMARY KEY NOT NULL,
    metadata    TEXT NOT NULL,
    updated_at  TEXT NOT NULL
)";

impl RiskStore {
    /// Opens (and creates when needed) the `risk_metadata` table in the database at `path`.
    pub fn open(path: &Path) -> Result<RiskStore, RiskStoreError> {
        let connection = Connection::open(path)?;
        connection.busy_timeout(Duration::from_secs(10))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.execute(SCHEMA, [])?;
        Ok(RiskStore {
            connection: Mutex::new(connection),
        })
    }

    /// Stores `metadata` for `issue_key`, replacing what was there.
    pub fn put(&self, issue_key: &str, metadata: &RiskMetadata) -> Result<(), RiskStoreError> {
        let text = metadata.to_property().to_string();
        let now = crate::clock::rfc3339_now();
        let connection = self
            .connection
            .lock()
            .map_err(|_| RiskStoreError::Poisoned)?;
        connection.execute(
            "INSERT INTO risk_metadata (issue_key, metadata, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(issue_key) DO UPDATE SET metadata = excluded.metadata,
                                                  updated_at = excluded.updated_at",
            params![issue_key, text, now],
        )?;
        Ok(())
    }

    /// Returns the metadata stored for `issue_key`, if any.
    pub fn get(&self, issue_key: &str) -> Result<Option<RiskMetadata>, RiskStoreError> {
        let connection = self
            .connection
            .lock()
            .map_err(|_| RiskStoreError::Poisoned)?;
        let text: Option<String> = connection
            .query_row(
                "SELECT metadata FROM risk_metadata WHERE issue_key = ?1",
                params![issue_key],
                |row| row.get(0),
            )
            .optional()?;
        drop(connection);
        let Some(text) = text else {
            return Ok(None);
        };
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|source| RiskStoreError::Corrupt {
                issue_key: issue_key.to_string(),
                source,
            })?;
        RiskMetadata::from_property(&value, "store")
            .map(Some)
            .map_err(|error| RiskStoreError::Unusable {
                issue_key: issue_key.to_string(),
                error,
            })
    }
}
