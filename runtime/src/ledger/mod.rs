//! The tamper-evident, hash-chained ledger of decisions and overrides in one SQLite file.
//!
//! Layout and hashing: `schema` (tables and append-only triggers) and `hash` (the exact bytes
//! hashed). Writes go through one writer thread with group commit (`writer`); reads use pooled
//! read connections (`pool`). `verify` and `checkpoint` detect tampering.

pub(crate) mod checkpoint;
mod checkpointer;
mod entry;
mod error;
pub mod hash;
mod pool;
pub(crate) mod query;
mod schema;
mod timestamp;
pub(crate) mod verify;
mod walk;
mod writer;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

pub use checkpoint::Checkpoint;
pub use entry::{Appended, Entry, EntryKind, NewEntry};
pub use error::LedgerError;
pub use query::EntryQuery;
pub use schema::{APPLICATION_ID, FORMAT_VERSION};
pub use timestamp::{normalize as normalize_timestamp, now_utc as timestamp_now};
pub use verify::{verify_chain, verify_path, verify_repo, FailureReason, Verification};

use pool::ReaderPool;
use writer::{PreparedEntry, Writer};

/// An open ledger. `Send + Sync`: share it with `Arc` between request threads.
pub struct Ledger {
    path: PathBuf,
    readers: ReaderPool,
    /// `None` for a ledger opened with `open_read_only`.
    writer: Option<Writer>,
}

impl Ledger {
    /// Opens the ledger at `path`, creating the file and its tables when the file does not exist.
    pub fn open(path: &Path) -> Result<Self, LedgerError> {
        Self::open_with(path, true)
    }

    /// Opens an existing ledger, and fails with `NotFound` instead of creating an empty one.
    pub fn open_existing(path: &Path) -> Result<Self, LedgerError> {
        Self::open_with(path, false)
    }

    /// Opens an existing ledger for reads only: no write connection, no writer thread, and the
    /// file is never modified, so it works on a read-only copy. `append` then fails with
    /// `OpenedReadOnly`.
    pub fn open_read_only(path: &Path) -> Result<Self, LedgerError> {
        schema::check_existing(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            readers: ReaderPool::new(path, true),
            writer: None,
        })
    }

    fn open_with(path: &Path, create: bool) -> Result<Self, LedgerError> {
        let conn = schema::open_writer(path, create)?;
        Ok(Self {
            path: path.to_path_buf(),
            readers: ReaderPool::new(path, false),
            writer: Some(Writer::start(conn, path)?),
        })
    }

    /// Returns the ledger file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `entry` and returns once its transaction has committed to disk. A decision whose
    /// `decision_id` is stored already, or an override whose `override_id` is, is not appended
    /// again: the stored entry comes back with `existed: true`.
    pub fn append(&self, entry: NewEntry) -> Result<Appended, LedgerError> {
        let writer = self
            .writer
            .as_ref()
            .ok_or_else(|| LedgerError::OpenedReadOnly {
                path: self.path.clone(),
            })?;
        writer.append(PreparedEntry {
            kind: entry.kind,
            decision_id: entry.decision_id,
            override_id: entry.override_id,
            repo: entry.repo,
            issue_key: entry.issue_key,
            payload: crate::canonical::to_canonical_json(&entry.payload),
        })
    }

    /// Returns the stored decision with `decision_id`.
    pub fn decision(&self, decision_id: &str) -> Result<Option<Entry>, LedgerError> {
        self.read("reading a decision", |conn| {
            query::decision(conn, decision_id)
        })
    }

    /// Returns the overrides recorded for `decision_id`, oldest first.
    pub fn overrides_for(&self, decision_id: &str) -> Result<Vec<Entry>, LedgerError> {
        self.read("reading overrides", |conn| {
            query::overrides_for(conn, decision_id)
        })
    }

    /// Returns the entry at `seq`.
    pub fn entry(&self, seq: u64) -> Result<Option<Entry>, LedgerError> {
        self.read("reading an entry", |conn| query::entry_at(conn, seq))
    }

    /// Returns the entries matching `filter`, in `seq` order.
    pub fn entries(&self, filter: &EntryQuery) -> Result<Vec<Entry>, LedgerError> {
        let compiled = query::compile(filter)?;
        self.read("listing entries", |conn| query::run(conn, &compiled))
    }

    /// Walks the whole chain, or only `repo`'s chain, and reports the first bad entry.
    pub fn verify(&self, repo: Option<&str>) -> Result<Verification, LedgerError> {
        self.read("verifying the chain", |conn| match repo {
            Some(repo) => verify::verify_repo(conn, repo),
            None => verify::verify_chain(conn),
        })
    }

    /// Returns the current size and head hash.
    pub fn checkpoint(&self) -> Result<Checkpoint, LedgerError> {
        self.read("reading the chain head", checkpoint::current)
    }

    /// Walks the chain and checks it against a saved checkpoint (truncation and rewrites).
    pub fn verify_checkpoint(&self, saved: &Checkpoint) -> Result<Verification, LedgerError> {
        self.read_snapshot("verifying against a checkpoint", |conn| {
            checkpoint::verify_against(conn, saved)
        })
    }

    /// Verifies the whole chain for a server start. With `fail_on_corruption`, a broken chain is
    /// returned as `LedgerError::Corrupted`. Without it, the broken `Verification` is returned,
    /// so the caller can log it and serve anyway.
    pub fn verify_at_startup(&self, fail_on_corruption: bool) -> Result<Verification, LedgerError> {
        let verification = self.verify(None)?;
        match (verification.valid, verification.reason, fail_on_corruption) {
            (false, Some(reason), true) => Err(LedgerError::Corrupted {
                path: self.path.clone(),
                seq: verification.seq.unwrap_or(0),
                reason,
            }),
            _ => Ok(verification),
        }
    }

    /// Runs `read` on a pooled read connection inside one read transaction, so every statement
    /// sees the same snapshot. Export and benchmarks use it.
    pub fn read_snapshot<T>(
        &self,
        action: &'static str,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, LedgerError> {
        self.read(action, |conn| {
            let tx = conn.unchecked_transaction()?;
            let value = read(&tx)?;
            tx.finish()?;
            Ok(value)
        })
    }

    fn read<T>(
        &self,
        action: &'static str,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, LedgerError> {
        self.readers.with(|conn| {
            read(conn).map_err(|source| LedgerError::sqlite(&self.path, action, source))
        })
    }
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Ledger")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}
