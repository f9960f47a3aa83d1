//! The per-entry checks of a verification, run over one `seq` range (a segment) of the ledger.
//!
//! A segment that starts at the beginning of the chain checks every link against known state. A
//! segment that starts later cannot know the previous entry's `entry_hash`, the `seq` that must
//! come next or the heads of the repo chains. It records each of those links as an `OpenLink` and
//! checks everything else, and `verify` checks the open links once the segments before it are
//! done. Each entry stores its own `prev_hash` and `repo_prev_hash`, which is what lets a segment
//! recompute its hashes without the entries before it.

use std::collections::HashMap;

use rusqlite::types::ValueRef;
use rusqlite::{Row, Rows};

use super::hash::{self, Header, HexHash, GENESIS_HASH, HASH_HEX_LEN};
use super::verify::FailureReason;

/// The chain that a walk checks.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scope<'a> {
    /// Every entry: `seq`, `prev_hash`, `entry_hash` and the repo link of each entry.
    Chain,
    /// Only the entries of one repo: their own `entry_hash` and their repo links.
    Repo(&'a str),
}

/// The head of one repo chain during a walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RepoHead {
    pub seq: u64,
    pub hash: HexHash,
}

impl Default for RepoHead {
    fn default() -> Self {
        Self {
            seq: 0,
            hash: genesis(),
        }
    }
}

/// A link from an entry to state that lies before its segment.
#[derive(Debug)]
pub(crate) enum Link {
    /// The entry's `seq`, which must be one more than the number of entries checked before it.
    Seq(u64),
    /// The entry's `prev_hash`, which must be the `entry_hash` of the last entry checked before it.
    PrevHash(Vec<u8>),
    /// The segment's first entry of `repo`, which must follow that repo's head.
    Repo {
        repo: String,
        repo_seq: u64,
        repo_prev_hash: Vec<u8>,
    },
}

/// A link that a segment could not check, with what a report needs if it turns out broken.
#[derive(Debug)]
pub(crate) struct OpenLink {
    /// `seq` of the entry with the link.
    pub seq: u64,
    /// Entries of the segment that passed before this entry.
    pub checked_before: u64,
    /// `entry_hash` of the segment's entry before this one; `None` for the segment's first entry.
    pub head_before: Option<HexHash>,
    pub link: Link,
}

/// The state of a walk over one segment.
pub(crate) struct Segment<'a> {
    scope: Scope<'a>,
    /// True for the segment that starts at the beginning of the chain, whose links are all known.
    starts_chain: bool,
    /// Entries that passed, in order, up to the first bad one.
    pub checked: u64,
    /// `seq` that the next entry must have; `None` until a later segment's first entry passes.
    next_seq: Option<u64>,
    /// `entry_hash` of the last entry that passed (64 zeros before the first entry of the chain);
    /// `None` until a later segment's first entry passes.
    pub head: Option<HexHash>,
    /// Repo heads after the entries that passed, for the repos seen in this segment.
    pub repos: HashMap<String, RepoHead>,
    /// Links to earlier segments, in the order the sequential walk would check them.
    pub open_links: Vec<OpenLink>,
    /// `seq` and reason of the first entry that failed a check the segment could make.
    pub failure: Option<(u64, FailureReason)>,
    header: Vec<u8>,
}

impl<'a> Segment<'a> {
    pub fn new(scope: Scope<'a>, starts_chain: bool) -> Self {
        Self {
            scope,
            starts_chain,
            checked: 0,
            next_seq: starts_chain.then_some(1),
            head: starts_chain.then(genesis),
            repos: HashMap::new(),
            open_links: Vec::new(),
            failure: None,
            header: Vec::with_capacity(256),
        }
    }

    /// Checks `rows` in order and stops at the first entry that fails.
    pub fn walk(&mut self, rows: &mut Rows<'_>) -> rusqlite::Result<()> {
        while let Some(row) = rows.next()? {
            if let Err(reason) = self.check(row) {
                self.failure = Some((row_seq(row), reason));
                break;
            }
        }
        Ok(())
    }

    /// Checks one entry in the order of the sequential walk: columns, `seq`, `prev_hash`,
    /// `entry_hash`, then the repo link.
    fn check(&mut self, row: &Row<'_>) -> Result<(), FailureReason> {
        let fields = RowFields::read(row)?;
        if let Scope::Chain = self.scope {
            self.check_chain_link(&fields)?;
        }
        let computed = fields.recompute_entry_hash(&mut self.header)?;
        match (self.scope, fields.repo) {
            (Scope::Chain, Some(repo)) => self.check_repo_link(repo, &fields, &computed)?,
            (Scope::Chain, None) => fields.require_no_repo_link()?,
            // The repo walk selects only rows whose `repo` equals the walked repo.
            (Scope::Repo(repo), _) => self.check_repo_link(repo, &fields, &computed)?,
        }
        self.next_seq = Some(fields.seq + 1);
        self.head = Some(computed);
        self.checked += 1;
        Ok(())
    }

    fn check_chain_link(&mut self, fields: &RowFields<'_>) -> Result<(), FailureReason> {
        match self.next_seq {
            Some(expected) if fields.seq != expected => return Err(FailureReason::SeqGap),
            Some(_) => {}
            None => self.open(fields.seq, Link::Seq(fields.seq)),
        }
        match &self.head {
            Some(prev) if fields.prev_hash != prev.as_slice() => {
                return Err(FailureReason::PrevHashMismatch)
            }
            Some(_) => {}
            None => self.open(fields.seq, Link::PrevHash(fields.prev_hash.to_vec())),
        }
        Ok(())
    }

    /// Checks one entry's repo link against the repo head and advances the head.
    fn check_repo_link(
        &mut self,
        repo: &str,
        fields: &RowFields<'_>,
        entry_hash: &HexHash,
    ) -> Result<(), FailureReason> {
        let (Some(repo_seq), Some(repo_prev), Some(repo_hash)) = (
            fields.repo_seq,
            fields.repo_prev_hash,
            fields.repo_entry_hash,
        ) else {
            return Err(FailureReason::MalformedEntry);
        };
        let stored = self.repos.get_mut(repo);
        let known = match &stored {
            Some(head) => Some(**head),
            None => self.starts_chain.then(RepoHead::default),
        };
        match known {
            Some(head) if repo_seq != head.seq + 1 => return Err(FailureReason::RepoSeqGap),
            Some(head) if repo_prev != head.hash.as_slice() => {
                return Err(FailureReason::RepoLinkMismatch)
            }
            Some(_) => {}
            None => {
                let link = Link::Repo {
                    repo: repo.to_owned(),
                    repo_seq,
                    repo_prev_hash: repo_prev.to_vec(),
                };
                push_open_link(
                    &mut self.open_links,
                    self.checked,
                    self.head,
                    fields.seq,
                    link,
                );
            }
        }
        // Past the link check `repo_prev` is the head's hash (or is checked to be when the
        // segments are joined), so the digest is the same as one over the head.
        let computed = hash::to_hex(&hash::repo_digest(repo_prev, entry_hash));
        if repo_hash != computed.as_slice() {
            return Err(FailureReason::RepoHashMismatch);
        }
        let head = RepoHead {
            seq: repo_seq,
            hash: computed,
        };
        match stored {
            Some(stored) => *stored = head,
            None => {
                self.repos.insert(repo.to_owned(), head);
            }
        }
        Ok(())
    }

    fn open(&mut self, seq: u64, link: Link) {
        push_open_link(&mut self.open_links, self.checked, self.head, seq, link);
    }
}

fn push_open_link(
    open_links: &mut Vec<OpenLink>,
    checked_before: u64,
    head_before: Option<HexHash>,
    seq: u64,
    link: Link,
) {
    open_links.push(OpenLink {
        seq,
        checked_before,
        head_before,
        link,
    });
}

/// Returns the 64-zero hash that starts the chain and every repo chain.
pub(crate) fn genesis() -> HexHash {
    let mut out = [b'0'; HASH_HEX_LEN];
    out.copy_from_slice(GENESIS_HASH.as_bytes());
    out
}

/// Returns the row's seq for a report; 0 when the stored seq is not a positive integer.
fn row_seq(row: &Row<'_>) -> u64 {
    integer(row, 0).ok().flatten().unwrap_or(0)
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
