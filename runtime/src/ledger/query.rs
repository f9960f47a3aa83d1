//! Reads of stored entries: by decision id, by seq, and filtered lists.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, Row};

use super::entry::{Entry, EntryKind};
use super::{timestamp, LedgerError};

/// Column list matching `entry_from_row`.
pub(crate) const ENTRY_COLUMNS: &str = "seq, kind, decision_id, override_id, repo, issue_key, \
     recorded_at, payload, prev_hash, entry_hash, repo_seq, repo_prev_hash, repo_entry_hash";

/// A filter over stored entries. Every field is optional; build it with
/// `EntryQuery { repo: Some(..), ..Default::default() }`. Results come in `seq` order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntryQuery {
    pub repo: Option<String>,
    pub kind: Option<EntryKind>,
    /// Matches the payload's `status` field, ignoring ASCII case (`BLOCKED`, `ALLOWED`, …).
    pub status: Option<String>,
    /// Inclusive lower bound on `recorded_at`: RFC 3339 (any offset) or a date (`2026-12-04`).
    pub since: Option<String>,
    /// Exclusive upper bound on `recorded_at`, in the same forms as `since`.
    pub until: Option<String>,
    pub limit: Option<usize>,
}

/// Maps a row selected with `ENTRY_COLUMNS` to an `Entry`.
pub(crate) fn entry_from_row(row: &Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        seq: row.get(0)?,
        kind: row.get(1)?,
        decision_id: row.get(2)?,
        override_id: row.get(3)?,
        repo: row.get(4)?,
        issue_key: row.get(5)?,
        recorded_at: row.get(6)?,
        payload: row.get(7)?,
        prev_hash: row.get(8)?,
        entry_hash: row.get(9)?,
        repo_seq: row.get(10)?,
        repo_prev_hash: row.get(11)?,
        repo_entry_hash: row.get(12)?,
    })
}

/// Returns the stored decision entry with `decision_id`.
pub fn decision(conn: &Connection, decision_id: &str) -> rusqlite::Result<Option<Entry>> {
    conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM ledger_entries WHERE kind = 'decision' AND decision_id = ?1"
    ))?
    .query_row([decision_id], entry_from_row)
    .optional()
}

/// Returns the override entries that name `decision_id`, oldest first.
pub fn overrides_for(conn: &Connection, decision_id: &str) -> rusqlite::Result<Vec<Entry>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM ledger_entries
         WHERE kind = 'override' AND decision_id = ?1 ORDER BY seq"
    ))?;
    let rows = statement.query_map([decision_id], entry_from_row)?;
    rows.collect()
}

/// Returns the entry at `seq`.
pub fn entry_at(conn: &Connection, seq: u64) -> rusqlite::Result<Option<Entry>> {
    conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM ledger_entries WHERE seq = ?1"
    ))?
    .query_row([seq], entry_from_row)
    .optional()
}

/// A query turned into SQL text and its parameters.
pub(crate) struct CompiledQuery {
    pub sql: String,
    pub params: Vec<SqlValue>,
}

/// Builds the SQL for `query`. Fails only on an invalid `since` or `until`.
pub(crate) fn compile(query: &EntryQuery) -> Result<CompiledQuery, LedgerError> {
    let mut conditions: Vec<&str> = Vec::new();
    let mut params: Vec<SqlValue> = Vec::new();
    if let Some(repo) = &query.repo {
        conditions.push("repo = ?");
        params.push(SqlValue::Text(repo.clone()));
    }
    if let Some(kind) = query.kind {
        conditions.push("kind = ?");
        params.push(SqlValue::Text(kind.as_str().to_owned()));
    }
    if let Some(status) = &query.status {
        conditions.push("upper(json_extract(payload, '$.status')) = ?");
        params.push(SqlValue::Text(status.to_ascii_uppercase()));
    }
    if let Some(since) = &query.since {
        conditions.push("recorded_at >= ?");
        params.push(SqlValue::Text(timestamp::normalize(since)?));
    }
    if let Some(until) = &query.until {
        conditions.push("recorded_at < ?");
        params.push(SqlValue::Text(timestamp::normalize(until)?));
    }

    let mut sql = format!("SELECT {ENTRY_COLUMNS} FROM ledger_entries");
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions.join(" AND "));
    }
    sql.push_str(" ORDER BY seq");
    if let Some(limit) = query.limit {
        sql.push_str(" LIMIT ?");
        params.push(SqlValue::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
    }
    Ok(CompiledQuery { sql, params })
}

/// Runs a compiled query.
pub(crate) fn run(conn: &Connection, query: &CompiledQuery) -> rusqlite::Result<Vec<Entry>> {
    let mut statement = conn.prepare(&query.sql)?;
    let rows = statement.query_map(rusqlite::params_from_iter(&query.params), entry_from_row)?;
    rows.collect()
}
