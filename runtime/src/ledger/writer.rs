//! The single writer thread and its group commit.
//!
//! One thread owns the write connection. `append` sends its entry over a channel and blocks until
//! the writer has committed it. The writer takes every entry that is queued when it wakes (up to
//! `MAX_BATCH`), appends them all in one `BEGIN IMMEDIATE` transaction and commits once, so one
//! fsync of the WAL (`synchronous=FULL`) covers the whole batch. Only then does it acknowledge each
//! caller. If anything in the batch fails, the transaction rolls back and the writer retries each
//! entry of that batch in its own transaction, so a bad entry fails alone and a good entry is
//! still written once. WAL checkpoints run on another thread (`checkpointer`), so a commit waits
//! for one only when the WAL has grown long enough to need a RESTART checkpoint.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::checkpointer::Checkpointer;
use super::entry::{Appended, Entry, EntryKind};
use super::hash::{self, Header, GENESIS_HASH};
use super::query::{entry_from_row, ENTRY_COLUMNS};
use super::{timestamp, LedgerError};

/// Upper bound of entries per transaction, so one commit stays short under heavy load.
const MAX_BATCH: usize = 512;

/// An entry ready for the writer: payload already in canonical JSON.
#[derive(Debug)]
pub(crate) struct PreparedEntry {
    pub kind: EntryKind,
    pub decision_id: String,
    pub override_id: Option<String>,
    pub repo: Option<String>,
    pub issue_key: Option<String>,
    pub payload: String,
}

struct Request {
    entry: PreparedEntry,
    reply: mpsc::SyncSender<Result<Appended, LedgerError>>,
}

/// The handle to the writer thread. Dropping it closes the channel and joins the thread after it
/// has committed what was queued.
pub(crate) struct Writer {
    path: PathBuf,
    sender: Option<mpsc::Sender<Request>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Starts the writer thread on `conn`, with its checkpoints on a thread of their own.
    pub fn start(conn: Connection, path: &Path) -> Result<Self, LedgerError> {
        conn.pragma_update(None, "wal_autocheckpoint", 0)
            .map_err(|source| {
                LedgerError::sqlite(path, "configuring the write connection", source)
            })?;
        let checkpointer = Checkpointer::start(path)?;
        let (sender, receiver) = mpsc::channel();
        let thread_path = path.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("ledger-writer".to_owned())
            .spawn(move || run(conn, &thread_path, &receiver, &checkpointer))
            .map_err(|source| LedgerError::Spawn {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(Self {
            path: path.to_path_buf(),
            sender: Some(sender),
            thread: Some(thread),
        })
    }

    /// Queues `entry` and blocks until its transaction has committed or failed.
    pub fn append(&self, entry: PreparedEntry) -> Result<Appended, LedgerError> {
        let stopped = || LedgerError::WriterStopped {
            path: self.path.clone(),
        };
        let sender = self.sender.as_ref().ok_or_else(stopped)?;
        let (reply, response) = mpsc::sync_channel(1);
        sender
            .send(Request { entry, reply })
            .map_err(|_| stopped())?;
        response.recv().map_err(|_| stopped())?
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        drop(self.sender.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(
    mut conn: Connection,
    path: &Path,
    receiver: &mpsc::Receiver<Request>,
    checkpointer: &Checkpointer,
) {
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(request) => batch.push(request),
                Err(_) => break,
            }
        }
        let entries = batch.len();
        commit_batch(&mut conn, path, batch);
        checkpointer.committed(entries);
    }
}

fn commit_batch(conn: &mut Connection, path: &Path, batch: Vec<Request>) {
    let entries: Vec<&PreparedEntry> = batch.iter().map(|request| &request.entry).collect();
    let started = std::time::Instant::now();
    let appended = append_all(conn, path, &entries);
    tracing::debug!(
        entries = entries.len(),
        micros = started.elapsed().as_micros(),
        ok = appended.is_ok(),
        "ledger batch committed"
    );
    match appended {
        Ok(results) => {
            for (request, result) in batch.iter().zip(results) {
                let _ = request.reply.send(Ok(result));
            }
        }
        Err(error) if batch.len() == 1 => {
            if let Some(request) = batch.first() {
                let _ = request.reply.send(Err(error));
            }
        }
        Err(_) => retry_one_by_one(conn, path, &batch),
    }
}

/// Appends each entry in its own transaction after a batch failed, so each caller gets the
/// outcome of its own entry.
fn retry_one_by_one(conn: &mut Connection, path: &Path, batch: &[Request]) {
    for request in batch {
        let result = append_all(conn, path, &[&request.entry]).and_then(|mut results| {
            results.pop().ok_or_else(|| LedgerError::WriterStopped {
                path: path.to_path_buf(),
            })
        });
        let _ = request.reply.send(result);
    }
}

/// Appends `entries` in one `BEGIN IMMEDIATE` transaction. Any error rolls the whole
/// transaction back (the transaction is dropped uncommitted).
fn append_all(
    conn: &mut Connection,
    path: &Path,
    entries: &[&PreparedEntry],
) -> Result<Vec<Appended>, LedgerError> {
    let error = |action| move |source| LedgerError::sqlite(path, action, source);
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(error("starting a write transaction"))?;
    let mut chain = ChainState::load(&tx).map_err(error("reading the chain head"))?;
    let mut results = Vec::with_capacity(entries.len());
    for entry in entries {
        let appended = append_one(&tx, &mut chain, entry).map_err(error("appending an entry"))?;
        results.push(appended);
    }
    tx.commit().map_err(error("committing appended entries"))?;
    Ok(results)
}

/// The heads of the global chain and of each repo chain touched in this transaction.
struct ChainState {
    seq: u64,
    head_hash: String,
    repo_heads: HashMap<String, (u64, String)>,
}

impl ChainState {
    fn load(conn: &Connection) -> rusqlite::Result<Self> {
        let head: Option<(u64, String)> = conn
            .query_row(
                "SELECT seq, entry_hash FROM ledger_entries ORDER BY seq DESC LIMIT 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let (seq, head_hash) = head.unwrap_or_else(|| (0, GENESIS_HASH.to_owned()));
        Ok(Self {
            seq,
            head_hash,
            repo_heads: HashMap::new(),
        })
    }

    fn repo_head(&mut self, conn: &Connection, repo: &str) -> rusqlite::Result<(u64, String)> {
        if let Some(head) = self.repo_heads.get(repo) {
            return Ok(head.clone());
        }
        let stored: Option<(u64, String)> = conn
            .prepare_cached(
                "SELECT repo_seq, repo_entry_hash FROM ledger_entries
                 WHERE repo = ?1 ORDER BY seq DESC LIMIT 1",
            )?
            .query_row([repo], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        Ok(stored.unwrap_or_else(|| (0, GENESIS_HASH.to_owned())))
    }
}

fn append_one(
    conn: &Connection,
    chain: &mut ChainState,
    entry: &PreparedEntry,
) -> rusqlite::Result<Appended> {
    if let Some(stored) = find_existing(conn, entry)? {
        return Ok(Appended {
            entry: stored,
            existed: true,
        });
    }
    let stored = build_entry(conn, chain, entry)?;
    insert(conn, &stored)?;
    chain.seq = stored.seq;
    chain.head_hash.clone_from(&stored.entry_hash);
    if let (Some(repo), Some(repo_seq), Some(repo_hash)) =
        (&stored.repo, stored.repo_seq, &stored.repo_entry_hash)
    {
        chain
            .repo_heads
            .insert(repo.clone(), (repo_seq, repo_hash.clone()));
    }
    Ok(Appended {
        entry: stored,
        existed: false,
    })
}

/// Returns the stored decision with the same decision id, or the first stored override of the
/// same decision, which keeps each decision to one override. The lookup runs inside the
/// `BEGIN IMMEDIATE` transaction, so it also serializes overrides from other processes writing
/// the same file. Entries earlier in the same transaction are visible here, so duplicates
/// inside one batch are appended once.
fn find_existing(conn: &Connection, entry: &PreparedEntry) -> rusqlite::Result<Option<Entry>> {
    let sql = match entry.kind {
        EntryKind::Decision => "WHERE kind = 'decision' AND decision_id = ?1",
        EntryKind::Override => "WHERE kind = 'override' AND decision_id = ?1 ORDER BY seq LIMIT 1",
    };
    let key = entry.decision_id.as_str();
    conn.prepare_cached(&format!("SELECT {ENTRY_COLUMNS} FROM ledger_entries {sql}"))?
        .query_row([key], entry_from_row)
        .optional()
}

fn build_entry(
    conn: &Connection,
    chain: &mut ChainState,
    entry: &PreparedEntry,
) -> rusqlite::Result<Entry> {
    let seq = chain.seq + 1;
    let recorded_at = timestamp::now_utc();
    let header = Header {
        seq,
        kind: entry.kind.as_str(),
        decision_id: &entry.decision_id,
        override_id: entry.override_id.as_deref(),
        repo: entry.repo.as_deref(),
        issue_key: entry.issue_key.as_deref(),
        recorded_at: &recorded_at,
    };
    let entry_hash = hash::entry_hash(&chain.head_hash, &header, &entry.payload);
    let (repo_seq, repo_prev_hash, repo_entry_hash) = match &entry.repo {
        Some(repo) => {
            let (repo_seq, repo_prev) = chain.repo_head(conn, repo)?;
            let repo_hash = hash::repo_entry_hash(&repo_prev, &entry_hash);
            (Some(repo_seq + 1), Some(repo_prev), Some(repo_hash))
        }
        None => (None, None, None),
    };
    Ok(Entry {
        seq,
        kind: entry.kind,
        decision_id: entry.decision_id.clone(),
        override_id: entry.override_id.clone(),
        repo: entry.repo.clone(),
        issue_key: entry.issue_key.clone(),
        recorded_at,
        payload: entry.payload.clone(),
        prev_hash: chain.head_hash.clone(),
        entry_hash,
        repo_seq,
        repo_prev_hash,
        repo_entry_hash,
    })
}

fn insert(conn: &Connection, entry: &Entry) -> rusqlite::Result<()> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO ledger_entries (seq, kind, decision_id, override_id, repo, issue_key,
             recorded_at, payload, prev_hash, entry_hash, repo_seq, repo_prev_hash, repo_entry_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    statement.execute(params![
        entry.seq,
        entry.kind.as_str(),
        entry.decision_id,
        entry.override_id,
        entry.repo,
        entry.issue_key,
        entry.recorded_at,
        entry.payload,
        entry.prev_hash,
        entry.entry_hash,
        entry.repo_seq,
        entry.repo_prev_hash,
        entry.repo_entry_hash,
    ])?;
    Ok(())
}
