//! Chain verification: walks entries in `seq` order, recomputes every hash and reports the first
//! bad entry.
//!
//! The walk streams rows from one statement and reuses one header buffer, so it allocates per repo
//! seen, not per row. It works on any `Connection`, which is what benchmarks and the CLI call.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, Row};
use serde::{Deserialize, Serialize};

use super::hash::{self, Header, HexHash, GENESIS_HASH, HASH_HEX_LEN};
use super::query::ENTRY_COLUMNS;

/// The result of a verification run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub valid: bool,
    /// Entries that passed before the first bad one (all entries walked when `valid`).
    pub checked: u64,
    /// `entry_hash` of the last entry that passed (for a repo walk, its `repo_entry_hash`);
    /// 64 zeros when none did.
    pub head_hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<FailureReason>,
    /// `seq` of the first bad entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
}

impl Verification {
    pub(crate) fn passed(checked: u64, head_hash: String) -> Self {
        Self {
            valid: true,
            checked,
            head_hash,
            reason: None,
            seq: None,
        }
    }

    pub(crate) fn failed(checked: u64, head_hash: String, seq: u64, reason: FailureReason) -> Self {
        Self {
            valid: false,
            checked,
            head_hash,
            reason: Some(reason),
            seq: Some(seq),
        }
    }
}

/// Reason an entry failed verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    SeqGap,
    PrevHashMismatch,
    HashMismatch,
    RepoSeqGap,
    RepoLinkMismatch,
    RepoHashMismatch,
    MalformedEntry,
    Truncated,
    CheckpointMismatch,
}

impl FailureReason {
    /// Returns the snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SeqGap => "seq_gap",
            Self::PrevHashMismatch => "prev_hash_mismatch",
            Self::HashMismatch => "hash_mismatch",
            Self::RepoSeqGap => "repo_seq_gap",
            Self::RepoLinkMismatch => "repo_link_mismatch",
            Self::RepoHashMismatch => "repo_hash_mismatch",
            Self::MalformedEntry => "malformed_entry",
            Self::Truncated => "truncated",
            Self::CheckpointMismatch => "checkpoint_mismatch",
        }
    }

    /// Returns a sentence for people reading a report.
    pub fn description(self) -> &'static str {
        match self {
            Self::SeqGap => {
                "seq does not follow the previous entry (an entry is missing or renumbered)"
            }
            Self::PrevHashMismatch => "prev_hash differs from the previous entry's entry_hash",
            Self::HashMismatch => {
                "entry_hash does not match the entry's contents (the entry was altered)"
            }
            Self::RepoSeqGap => "repo_seq does not follow the previous entry of the same repo",
            Self::RepoLinkMismatch => {
                "repo_prev_hash differs from the previous same-repo entry's repo_entry_hash"
            }
            Self::RepoHashMismatch => {
                "repo_entry_hash does not match repo_prev_hash and entry_hash"
            }
            Self::MalformedEntry => "a column has the wrong type or a required column is empty",
            Self::Truncated => {
                "the ledger has fewer entries than the checkpoint (entries were removed)"
            }
            Self::CheckpointMismatch => {
                "the entry at the checkpoint's size no longer has the checkpoint's head_hash \
                 (history was rewritten)"
            }
        }
    }
}

impl std::fmt::Display for FailureReason {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// Walks the whole chain: seq contiguity from 1, `prev_hash` links, every `entry_hash`, and the
/// repo links of every entry that has a repo.
pub fn verify_chain(conn: &Connection) -> rusqlite::Result<Verification> {
    let mut statement = conn.prepare(&format!(
        "SELECT {ENTRY_COLUMNS} FROM ledger_entries ORDER BY seq"
    ))?;
    let mut rows = statement.query([])?;
    let mut walk = ChainWalk::default();
    while let Some(row) = rows.next()? {
        let seq = row_seq(row);
        if let Err(reason) = walk.check(row) {
            return Ok(Verification::failed(walk.checked, walk.head(), seq, reason));
        }
    }
    Ok(Verification::passed(walk.checked, walk.head()))
}

/// Walks only the entries of `repo`: each `entry_hash` against its own contents and stored
/// `prev_hash`, and the repo links (`repo_seq`, `repo_prev_hash`, `repo_entry_hash`).
pub fn verify_repo(conn: &Connection, repo: &str) -> rusqlite::Result<Verification> {
    let mut statement = conn.prepare(&format!(
        "SELECT {ENTRY_COLUMNS} FROM ledger_entries WHERE repo = ?1 ORDER BY seq"
    ))?;
    let mut rows = statement.query([repo])?;
    let mut header = Vec::with_capacity(256);
    let mut head = RepoHead::default();
    while let Some(row) = rows.next()? {
        let seq = row_seq(row);
        let checked = check_repo_row(row, &mut header, &mut head);
        if let Err(reason) = checked {
            return Ok(Verification::failed(
                head.seq,
                hash_text(&head.hash),
                seq,
                reason,
            ));
        }
    }
    Ok(Verification::passed(head.seq, hash_text(&head.hash)))
}

/// Opens `path` read-only and walks the whole chain (or only `repo`'s chain).
pub fn verify_path(path: &Path, repo: Option<&str>) -> rusqlite::Result<Verification> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    match repo {
        Some(repo) => verify_repo(&conn, repo),
        None => verify_chain(&conn),
    }
}

/// Returns the row's seq for a report; 0 when the stored seq is not a positive integer.
fn row_seq(row: &Row<'_>) -> u64 {
    integer(row, 0).ok().flatten().unwrap_or(0)
}

fn hash_text(hash: &HexHash) -> String {
    hash::hex_string(hash)
}

fn genesis() -> HexHash {
    let mut out = [b'0'; HASH_HEX_LEN];
    out.copy_from_slice(GENESIS_HASH.as_bytes());
    out
}

/// The head of one repo chain during a walk.
struct RepoHead {
    seq: u64,
    hash: HexHash,
}

impl Default for RepoHead {
    fn default() -> Self {
        Self {
            seq: 0,
            hash: genesis(),
        }
    }
}

/// State of a full-chain walk.
struct ChainWalk {
    checked: u64,
    prev: HexHash,
    header: Vec<u8>,
    repos: HashMap<String, RepoHead>,
}

impl Default for ChainWalk {
    fn default() -> Self {
        Self {
            checked: 0,
            prev: genesis(),
            header: Vec::with_capacity(256),
            repos: HashMap::new(),
        }
    }
}

impl ChainWalk {
    fn head(&self) -> String {
        hash_text(&self.prev)
    }

    fn check(&mut self, row: &Row<'_>) -> Result<(), FailureReason> {
        let fields = RowFields::read(row)?;
        if fields.seq != self.checked + 1 {
            return Err(FailureReason::SeqGap);
        }
        if fields.prev_hash != self.prev.as_slice() {
            return Err(FailureReason::PrevHashMismatch);
        }
        let computed = fields.recompute_entry_hash(&mut self.header)?;
        match fields.repo {
            Some(repo) => {
                let head = match self.repos.get_mut(repo) {
                    Some(head) => head,
                    None => self.repos.entry(repo.to_owned()).or_default(),
                };
                check_repo_link(&fields, &computed, head)?;
            }
            None => fields.require_no_repo_link()?,
        }
        self.prev = computed;
        self.checked += 1;
        Ok(())
    }
}

fn check_repo_row(
    row: &Row<'_>,
    header: &mut Vec<u8>,
    head: &mut RepoHead,
) -> Result<(), FailureReason> {
    let fields = RowFields::read(row)?;
    let computed = fields.recompute_entry_hash(header)?;
    check_repo_link(&fields, &computed, head)
}

/// Checks one entry's repo link against the repo head and advances the head.
fn check_repo_link(
    fields: &RowFields<'_>,
    entry_hash: &HexHash,
    head: &mut RepoHead,
) -> Result<(), FailureReason> {
    let (Some(repo_seq), Some(repo_prev), Some(repo_hash)) = (
        fields.repo_seq,
        fields.repo_prev_hash,
        fields.repo_entry_hash,
    ) else {
        return Err(FailureReason::MalformedEntry);
    };
    if repo_seq != head.seq + 1 {
        return Err(FailureReason::RepoSeqGap);
    }
    if repo_prev != head.hash.as_slice() {
        return Err(FailureReason::RepoLinkMismatch);
    }
    let computed = hash::to_hex(&hash::repo_digest(&head.hash, entry_hash));
    if repo_hash != computed.as_slice() {
        return Err(FailureReason::RepoHashMismatch);
    }
    head.seq = repo_seq;
    head.hash = computed;
    Ok(())
}

/// One row's columns, borrowed from SQLite's row buffer without copying.
struct RowFields<'a> {
    seq: u64,
    kind: &'a str,
    decision_id: &'a str,
    override_id: Option<&'a str>,
    repo: Option<&'a str>,
    issue_key: Option<&'a str>,
    recorded_at: &'a str,
    payload: &'a [u8],
    prev_hash: &'a [u8],
    entry_hash: &'a [u8],
    repo_seq: Option<u64>,
    repo_prev_hash: Option<&'a [u8]>,
    repo_entry_hash: Option<&'a [u8]>,
}

impl<'a> RowFields<'a> {
    fn read(row: &'a Row<'_>) -> Result<Self, FailureReason> {
        Ok(Self {
            seq: integer(row, 0)?.ok_or(FailureReason::MalformedEntry)?,
            kind: required(text(row, 1)?)?,
            decision_id: required(text(row, 2)?)?,
            override_id: text(row, 3)?,
            repo: text(row, 4)?,
            issue_key: text(row, 5)?,
            recorded_at: required(text(row, 6)?)?,
            payload: required(bytes(row, 7)?)?,
            prev_hash: required(bytes(row, 8)?)?,
            entry_hash: required(bytes(row, 9)?)?,
            repo_seq: integer(row, 10)?,
            repo_prev_hash: bytes(row, 11)?,
            repo_entry_hash: bytes(row, 12)?,
        })
    }

    fn recompute_entry_hash(&self, header: &mut Vec<u8>) -> Result<HexHash, FailureReason> {
        hash::write_header(
            header,
            &Header {
                seq: self.seq,
                kind: self.kind,
                decision_id: self.decision_id,
                override_id: self.override_id,
                repo: self.repo,
                issue_key: self.issue_key,
                recorded_at: self.recorded_at,
            },
        );
        let computed = hash::to_hex(&hash::entry_digest(self.prev_hash, header, self.payload));
        if self.entry_hash == computed.as_slice() {
            Ok(computed)
        } else {
            Err(FailureReason::HashMismatch)
        }
    }

    fn require_no_repo_link(&self) -> Result<(), FailureReason> {
        let linked = self.repo_seq.is_some()
            || self.repo_prev_hash.is_some()
            || self.repo_entry_hash.is_some();
        if linked {
            Err(FailureReason::MalformedEntry)
        } else {
            Ok(())
        }
    }
}

fn required<T>(value: Option<T>) -> Result<T, FailureReason> {
    value.ok_or(FailureReason::MalformedEntry)
}

fn bytes<'a>(row: &'a Row<'_>, index: usize) -> Result<Option<&'a [u8]>, FailureReason> {
    match row.get_ref(index) {
        Ok(ValueRef::Null) => Ok(None),
        Ok(ValueRef::Text(bytes) | ValueRef::Blob(bytes)) => Ok(Some(bytes)),
        _ => Err(FailureReason::MalformedEntry),
    }
}

fn text<'a>(row: &'a Row<'_>, index: usize) -> Result<Option<&'a str>, FailureReason> {
    match bytes(row, index)? {
        None => Ok(None),
        Some(raw) => std::str::from_utf8(raw)
            .map(Some)
            .map_err(|_| FailureReason::MalformedEntry),
    }
}

fn integer(row: &Row<'_>, index: usize) -> Result<Option<u64>, FailureReason> {
    match row.get_ref(index) {
        Ok(ValueRef::Null) => Ok(None),
        Ok(ValueRef::Integer(value)) => u64::try_from(value)
            .map(Some)
            .map_err(|_| FailureReason::MalformedEntry),
        _ => Err(FailureReason::MalformedEntry),
    }
}
