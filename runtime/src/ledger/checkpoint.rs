//! Checkpoints: a saved `{size, head_hash}` that later detects truncation and rewrites, which a
//! walk alone cannot (a ledger cut after entry N is still a valid chain of N entries).

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::hash::GENESIS_HASH;
use super::timestamp;
use super::verify::{self, FailureReason, Verification};

/// The chain's size and head at one moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Number of entries, which is also the `seq` of the head entry.
    pub size: u64,
    /// `entry_hash` of the entry at `seq = size`; 64 zeros for an empty ledger.
    pub head_hash: String,
    /// When the checkpoint was taken, in the ledger's timestamp format.
    pub recorded_at: String,
}

/// Reads the current head.
pub fn current(conn: &Connection) -> rusqlite::Result<Checkpoint> {
    let head: Option<(u64, String)> = conn
        .query_row(
            "SELECT seq, entry_hash FROM ledger_entries ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let (size, head_hash) = head.unwrap_or_else(|| (0, GENESIS_HASH.to_owned()));
    Ok(Checkpoint {
        size,
        head_hash,
        recorded_at: timestamp::now_utc(),
    })
}

/// Walks the whole chain, then checks that it still has at least `checkpoint.size` entries and
/// that the entry at `seq = size` still has `checkpoint.head_hash`. Run it inside one read
/// transaction so the walk and the lookup see the same snapshot.
pub fn verify_against(
    conn: &Connection,
    checkpoint: &Checkpoint,
) -> rusqlite::Result<Verification> {
    let walk = verify::verify_chain(conn)?;
    if !walk.valid {
        return Ok(walk);
    }
    if walk.checked < checkpoint.size {
        let first_missing = walk.checked + 1;
        return Ok(failed(walk, first_missing, FailureReason::Truncated));
    }
    let stored_hash = stored_hash_at(conn, checkpoint.size)?;
    if stored_hash != checkpoint.head_hash {
        let size = checkpoint.size;
        return Ok(failed(walk, size, FailureReason::CheckpointMismatch));
    }
    Ok(walk)
}

fn stored_hash_at(conn: &Connection, size: u64) -> rusqlite::Result<String> {
    if size == 0 {
        return Ok(GENESIS_HASH.to_owned());
    }
    let stored: Option<String> = conn
        .query_row(
            "SELECT entry_hash FROM ledger_entries WHERE seq = ?1",
            [size],
            |row| row.get(0),
        )
        .optional()?;
    Ok(stored.unwrap_or_default())
}

fn failed(walk: Verification, seq: u64, reason: FailureReason) -> Verification {
    Verification::failed(walk.checked, walk.head_hash, seq, reason)
}
