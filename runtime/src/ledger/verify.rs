//! Chain verification: walks entries in `seq` order, recomputes every hash and reports the first
//! bad entry.
//!
//! A large walk is split into `seq` ranges (segments) that are walked at the same time, each on
//! its own read connection and thread, and then joined in order (see `walk`). The report is the
//! one a single walk in `seq` order would give. Each segment streams rows from one statement and
//! reuses one header buffer, so it allocates per repo seen, not per row.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use super::hash::{self, HexHash};
use super::query::ENTRY_COLUMNS;
use super::schema;
use super::walk::{genesis, Link, RepoHead, Scope, Segment};

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
    walk(conn, Scope::Chain, max_segments(), MIN_SEGMENT_ROWS)
}

/// Walks only the entries of `repo`: each `entry_hash` against its own contents and stored
/// `prev_hash`, and the repo links (`repo_seq`, `repo_prev_hash`, `repo_entry_hash`).
pub fn verify_repo(conn: &Connection, repo: &str) -> rusqlite::Result<Verification> {
    walk(conn, Scope::Repo(repo), max_segments(), MIN_SEGMENT_ROWS)
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

/// Minimum number of entries in a segment. Opening a read connection and starting a thread is
/// estimated at well under a millisecond. Walking 4,096 entries takes about 10 ms of CPU time
/// (2 to 3 µs per entry in the ledger bench), so the set-up stays a small share.
const MIN_SEGMENT_ROWS: u64 = 4096;

/// Maximum number of segments in a walk.
const MAX_SEGMENTS: usize = 8;

fn max_segments() -> usize {
    std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(MAX_SEGMENTS)
}

/// An inclusive range of `seq` values that one segment walks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct SeqRange {
    first: i64,
    last: i64,
}

/// Walks `scope` in up to `segments` segments of at least `min_rows` entries each.
///
/// The first segment runs on `conn` and reads its snapshot. The others open their own read-only
/// connections to the same file and read rows only up to the largest `seq` in `conn`'s snapshot,
/// so rows appended during the walk are left out. An in-memory database, or a file that cannot be
/// opened a second time, is walked in one segment on `conn`.
///
/// NOTE: the other connections read a snapshot taken when their segment starts, which can be
/// later than `conn`'s. A row rewritten behind the append-only triggers during the walk can
/// therefore be read in its new form. The chain links still have to hold across every segment.
fn walk(
    conn: &Connection,
    scope: Scope<'_>,
    segments: usize,
    min_rows: u64,
) -> rusqlite::Result<Verification> {
    let Some(ranges) = plan(conn, scope, segments, min_rows)? else {
        return Ok(Verification::passed(0, hash_text(&genesis())));
    };
    let (first_range, later_ranges) = match ranges.split_first() {
        Some(split) => split,
        None => return Ok(Verification::passed(0, hash_text(&genesis()))),
    };
    let later_connections = open_segment_connections(conn, later_ranges.len());
    let (first_range, later_ranges) = match later_connections {
        Some(_) => (*first_range, later_ranges),
        // Without extra connections, one segment covers every range.
        None => (
            SeqRange {
                first: first_range.first,
                last: ranges.last().map_or(first_range.last, |range| range.last),
            },
            &[][..],
        ),
    };
    let later_connections = later_connections.unwrap_or_default();

    let (first, later) = std::thread::scope(|threads| {
        let handles: Vec<_> = later_connections
            .into_iter()
            .zip(later_ranges)
            .map(|(segment_conn, range)| {
                threads.spawn(move || walk_segment(&segment_conn, scope, *range, false))
            })
            .collect();
        let first = walk_segment(conn, scope, first_range, true);
        let later: Vec<_> = handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
            })
            .collect();
        (first, later)
    });

    let mut joined = Joined::new(scope);
    for segment in std::iter::once(first).chain(later) {
        if let Some(broken) = joined.append(segment?) {
            return Ok(broken);
        }
    }
    Ok(joined.passed())
}

/// Splits the `seq` values of `scope` into ranges; `None` when there are no entries.
fn plan(
    conn: &Connection,
    scope: Scope<'_>,
    segments: usize,
    min_rows: u64,
) -> rusqlite::Result<Option<Vec<SeqRange>>> {
    // Each subquery is one index lookup, while a single `SELECT min(seq), max(seq)` would scan.
    let (low, high): (Option<i64>, Option<i64>) = match scope {
        Scope::Chain => conn.query_row(
            "SELECT (SELECT min(seq) FROM ledger_entries), (SELECT max(seq) FROM ledger_entries)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?,
        Scope::Repo(repo) => conn.query_row(
            "SELECT (SELECT min(seq) FROM ledger_entries WHERE repo = ?1), \
                    (SELECT max(seq) FROM ledger_entries WHERE repo = ?1)",
            [repo],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?,
    };
    let (Some(low), Some(high)) = (low, high) else {
        return Ok(None);
    };
    // The width of the seq range is used instead of a count, which would read every entry once
    // more. On an intact chain the two are equal. A repo's entries are spread over the range, so a
    // small repo in a large ledger can get segments that are shorter than `min_rows`.
    let rows = u64::try_from(i128::from(high) - i128::from(low) + 1).unwrap_or(u64::MAX);
    Ok(Some(split(low, high, rows, segments, min_rows)))
}

/// Splits `low..=high` into up to `segments` ranges of equal `seq` width, with at least about
/// `min_rows` of the `rows` entries each. The first range starts at `i64::MIN`, so an entry with a
/// `seq` below 1 is still walked (and reported) first.
fn split(low: i64, high: i64, rows: u64, segments: usize, min_rows: u64) -> Vec<SeqRange> {
    let by_size = usize::try_from(rows / min_rows.max(1)).unwrap_or(usize::MAX);
    let count = segments.min(by_size).max(1);
    let span = i128::from(high) - i128::from(low) + 1;
    let mut ranges = Vec::with_capacity(count);
    let mut first = i64::MIN;
    for index in 1..=count {
        let offset =
            span * i128::try_from(index).unwrap_or(i128::MAX) / i128::try_from(count).unwrap_or(1);
        let last = i64::try_from(i128::from(low) + offset - 1).unwrap_or(high);
        if last >= first {
            ranges.push(SeqRange { first, last });
            first = last.saturating_add(1);
        }
    }
    ranges
}

/// Opens `count` read-only connections to `conn`'s file; `None` when `count` is 0, the database
/// is not a file, or a connection fails to open.
fn open_segment_connections(conn: &Connection, count: usize) -> Option<Vec<Connection>> {
    if count == 0 {
        return None;
    }
    let path = conn.path().filter(|path| !path.is_empty())?;
    let mut connections = Vec::with_capacity(count);
    for _ in 0..count {
        match schema::open_reader(Path::new(path), true) {
            Ok(opened) => connections.push(opened),
            Err(error) => {
                tracing::debug!(
                    %error,
                    path,
                    "failed to open another read connection, so the chain is walked in one segment"
                );
                return None;
            }
        }
    }
    Some(connections)
}

fn walk_segment<'a>(
    conn: &Connection,
    scope: Scope<'a>,
    range: SeqRange,
    starts_chain: bool,
) -> rusqlite::Result<Segment<'a>> {
    let mut segment = Segment::new(scope, starts_chain);
    match scope {
        Scope::Chain => {
            let mut statement = conn.prepare(&format!(
                "SELECT {ENTRY_COLUMNS} FROM ledger_entries \
                 WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq"
            ))?;
            segment.walk(&mut statement.query((range.first, range.last))?)?;
        }
        Scope::Repo(repo) => {
            let mut statement = conn.prepare(&format!(
                "SELECT {ENTRY_COLUMNS} FROM ledger_entries \
                 WHERE repo = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq"
            ))?;
            segment.walk(&mut statement.query((repo, range.first, range.last))?)?;
        }
    }
    Ok(segment)
}

/// The state after the segments joined so far, which is the state of a sequential walk that has
/// reached the end of the last of them.
struct Joined<'a> {
    scope: Scope<'a>,
    checked: u64,
    head: HexHash,
    repos: HashMap<String, RepoHead>,
}

impl<'a> Joined<'a> {
    fn new(scope: Scope<'a>) -> Self {
        Self {
            scope,
            checked: 0,
            head: genesis(),
            repos: HashMap::new(),
        }
    }

    /// Checks `segment`'s open links against the state so far and adds the segment. Returns the
    /// report of the first bad entry, if the segment has one.
    fn append(&mut self, segment: Segment<'a>) -> Option<Verification> {
        for open in &segment.open_links {
            if let Some(reason) = self.broken_link(&open.link) {
                let head = open.head_before.unwrap_or(self.head);
                return Some(self.failed(open.checked_before, head, None, open.seq, reason));
            }
        }
        if let Some((seq, reason)) = segment.failure {
            let head = segment.head.unwrap_or(self.head);
            let repo_head = self.repo_head_in(&segment);
            return Some(self.failed(segment.checked, head, repo_head, seq, reason));
        }
        self.checked += segment.checked;
        if let Some(head) = segment.head {
            self.head = head;
        }
        self.repos.extend(segment.repos);
        None
    }

    fn broken_link(&self, link: &Link) -> Option<FailureReason> {
        match link {
            Link::Seq(seq) => (*seq != self.checked + 1).then_some(FailureReason::SeqGap),
            Link::PrevHash(prev_hash) => (prev_hash.as_slice() != self.head.as_slice())
                .then_some(FailureReason::PrevHashMismatch),
            Link::Repo {
                repo,
                repo_seq,
                repo_prev_hash,
            } => {
                let head = self.repos.get(repo).copied().unwrap_or_default();
                if *repo_seq != head.seq + 1 {
                    Some(FailureReason::RepoSeqGap)
                } else if repo_prev_hash.as_slice() != head.hash.as_slice() {
                    Some(FailureReason::RepoLinkMismatch)
                } else {
                    None
                }
            }
        }
    }

    /// Returns the walked repo's head after `segment`'s entries that passed (repo walks only).
    fn repo_head_in(&self, segment: &Segment<'_>) -> Option<RepoHead> {
        match self.scope {
            Scope::Chain => None,
            Scope::Repo(repo) => segment.repos.get(repo).copied(),
        }
    }

    /// Builds the report for a bad entry. `checked_in_segment` counts the current segment's
    /// entries that passed, and `head` is the last of their hashes. A repo walk reports its repo
    /// head instead, which is `repo_head` when the segment advanced it.
    fn failed(
        &self,
        checked_in_segment: u64,
        head: HexHash,
        repo_head: Option<RepoHead>,
        seq: u64,
        reason: FailureReason,
    ) -> Verification {
        match self.scope {
            Scope::Chain => Verification::failed(
                self.checked + checked_in_segment,
                hash_text(&head),
                seq,
                reason,
            ),
            Scope::Repo(repo) => {
                let head = repo_head.unwrap_or_else(|| self.repo_head(repo));
                Verification::failed(head.seq, hash_text(&head.hash), seq, reason)
            }
        }
    }

    fn passed(&self) -> Verification {
        match self.scope {
            Scope::Chain => Verification::passed(self.checked, hash_text(&self.head)),
            Scope::Repo(repo) => {
                let head = self.repo_head(repo);
                Verification::passed(head.seq, hash_text(&head.hash))
            }
        }
    }

    fn repo_head(&self, repo: &str) -> RepoHead {
        self.repos.get(repo).copied().unwrap_or_default()
    }
}

fn hash_text(hash: &HexHash) -> String {
    hash::hex_string(hash)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::path::{Path, PathBuf};

    use serde_json::json;

    use super::*;
    use crate::ledger::{EntryKind, Ledger, NewEntry};

    const ENTRIES: u64 = 24;
    const REPOS: [&str; 2] = ["acme/api", "acme/web"];

    /// Writes `ENTRIES` entries: a third without a repo, the rest alternating between `REPOS`,
    /// and every fifth one an override of the decision before it.
    fn pristine_ledger(dir: &Path) -> PathBuf {
        let path = dir.join("pristine.db");
        let ledger = Ledger::open(&path).unwrap();
        for index in 1..=ENTRIES {
            let repo = match index % 3 {
                0 => None,
                1 => Some(REPOS[0].to_owned()),
                _ => Some(REPOS[1].to_owned()),
            };
            let (kind, decision_id, override_id) = match index % 5 {
                0 => (
                    EntryKind::Override,
                    format!("decision-{}", index - 1),
                    Some(format!("override-{index}")),
                ),
                _ => (EntryKind::Decision, format!("decision-{index}"), None),
            };
            let entry = NewEntry {
                kind,
                decision_id,
                override_id,
                repo,
                issue_key: Some(format!("PAY-{index}")),
                payload: json!({"status": "ALLOWED", "index": index, "note": "quote \" here"}),
            };
            ledger.append(entry).unwrap();
        }
        drop(ledger);
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
        path
    }

    /// Copies the pristine ledger and runs `sql` on the copy with the append-only triggers dropped.
    fn tampered_copy(pristine: &Path, dir: &Path, sql: &str) -> PathBuf {
        let path = dir.join("tampered.db");
        let _ = std::fs::remove_file(dir.join("tampered.db-wal"));
        let _ = std::fs::remove_file(dir.join("tampered.db-shm"));
        std::fs::copy(pristine, &path).unwrap();
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TRIGGER ledger_entries_no_update; DROP TRIGGER ledger_entries_no_delete;",
        )
        .unwrap();
        conn.execute_batch(sql).unwrap();
        path
    }

    /// Returns the tamper cases: each edit applied to every entry, and a few whole-table edits.
    fn tamper_cases() -> Vec<String> {
        let flip = |column: &str| {
            format!(
                "{column} = (CASE substr({column}, 1, 1) WHEN 'a' THEN 'b' ELSE 'a' END) \
                 || substr({column}, 2)"
            )
        };
        let mut cases = vec![
            String::new(),
            "UPDATE ledger_entries SET seq = -5 WHERE seq = 3".to_owned(),
            format!("UPDATE ledger_entries SET seq = 100 WHERE seq = {ENTRIES}"),
            "DELETE FROM ledger_entries WHERE seq > 13".to_owned(),
        ];
        for seq in 1..=ENTRIES {
            let edits = [
                "payload = replace(payload, 'ALLOWED', 'BLOCKED')".to_owned(),
                "issue_key = 42".to_owned(),
                "repo = 'elsewhere'".to_owned(),
                flip("prev_hash"),
                flip("entry_hash"),
                flip("repo_prev_hash"),
                flip("repo_entry_hash"),
                "repo_seq = repo_seq + 1".to_owned(),
                "repo_seq = NULL".to_owned(),
            ];
            for edit in edits {
                cases.push(format!(
                    "UPDATE ledger_entries SET {edit} WHERE seq = {seq}"
                ));
            }
            cases.push(format!("DELETE FROM ledger_entries WHERE seq = {seq}"));
        }
        cases
    }

    #[test]
    fn split_covers_every_seq_once() {
        let ranges = split(1, 100, 100, 3, 10);
        assert_eq!(ranges.len(), 3);
        assert_eq!(ranges.first().map(|range| range.first), Some(i64::MIN));
        assert_eq!(ranges.last().map(|range| range.last), Some(100));
        for pair in ranges.windows(2) {
            if let [before, after] = pair {
                assert_eq!(after.first, before.last + 1, "{ranges:?}");
            }
        }
        assert_eq!(split(1, 100, 100, 8, 40).len(), 2);
        assert_eq!(split(1, 100, 100, 8, 1000).len(), 1);
        assert_eq!(split(i64::MIN, i64::MAX, u64::MAX, 4, 1).len(), 4);
    }

    #[test]
    fn segments_report_like_one_sequential_walk() {
        let dir = tempfile::tempdir().unwrap();
        let pristine = pristine_ledger(dir.path());
        for sql in tamper_cases() {
            let path = tampered_copy(&pristine, dir.path(), &sql);
            let conn = Connection::open(&path).unwrap();
            let scopes = [Scope::Chain, Scope::Repo(REPOS[0]), Scope::Repo(REPOS[1])];
            for scope in scopes {
                let sequential = walk(&conn, scope, 1, 1).unwrap();
                for segments in 2..=5 {
                    let split = walk(&conn, scope, segments, 1).unwrap();
                    assert_eq!(
                        split, sequential,
                        "{segments} segments, {scope:?}, tamper: {sql:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn in_memory_database_walks_in_one_segment() {
        let conn = Connection::open_in_memory().unwrap();
        assert_eq!(
            open_segment_connections(&conn, 1).map(|opened| opened.len()),
            None
        );
    }
}
