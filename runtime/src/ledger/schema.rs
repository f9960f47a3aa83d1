//! The ledger's SQLite layout: connection settings, tables, indexes and append-only triggers.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::LedgerError;

/// `PRAGMA application_id` of a ReleaseGate ledger: the ASCII bytes "RGLG".
pub const APPLICATION_ID: i64 = 0x5247_4C47;

/// `PRAGMA user_version`: the ledger format version this build writes and reads.
pub const FORMAT_VERSION: i64 = 1;

/// How long a connection waits for another writer's lock before reporting `Locked`.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Tables, indexes and triggers of format version 1. `seq` is the rowid, so rows are stored and
/// walked in chain order.
const DDL: &str = "
CREATE TABLE ledger_entries (
    seq             INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('decision', 'override')),
    decision_id     TEXT    NOT NULL,
    override_id     TEXT,
    repo            TEXT,
    issue_key       TEXT,
    recorded_at     TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    prev_hash       TEXT    NOT NULL,
    entry_hash      TEXT    NOT NULL,
    repo_seq        INTEGER,
    repo_prev_hash  TEXT,
    repo_entry_hash TEXT
);
CREATE UNIQUE INDEX ledger_decision_once ON ledger_entries (decision_id) WHERE kind = 'decision';
CREATE UNIQUE INDEX ledger_override_once ON ledger_entries (override_id)
    WHERE kind = 'override' AND override_id IS NOT NULL;
CREATE INDEX ledger_by_decision ON ledger_entries (decision_id, seq);
CREATE INDEX ledger_by_repo ON ledger_entries (repo, seq) WHERE repo IS NOT NULL;
CREATE INDEX ledger_by_time ON ledger_entries (recorded_at);
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger is append-only');
END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger is append-only');
END;
";

/// Opens the write connection: creates the file when `create` is set, creates the tables on an
/// empty database, and switches to WAL with `synchronous=FULL`.
pub fn open_writer(path: &Path, create: bool) -> Result<Connection, LedgerError> {
    let opened = open_writer_at(path, create);
    match create {
        true => opened.map_err(LedgerError::for_creating_open),
        false => opened,
    }
}

fn open_writer_at(path: &Path, create: bool) -> Result<Connection, LedgerError> {
    reject_directory(path)?;
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    } else if !path.exists() {
        return Err(LedgerError::NotFound {
            path: path.to_path_buf(),
        });
    }
    let mut conn = Connection::open_with_flags(path, flags)
        .map_err(|source| LedgerError::sqlite(path, "opening the file", source))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|source| LedgerError::sqlite(path, "configuring the write connection", source))?;
    // Check the file before switching it to WAL, so a foreign database is left unchanged.
    initialize(&mut conn, path, create)?;
    configure(&conn, path)?;
    Ok(conn)
}

/// Opens a read connection on an existing ledger. `query_only` makes any write fail. With
/// `read_only` the file is opened `SQLITE_OPEN_READ_ONLY`, which also works on a file that the
/// process may not write.
pub fn open_reader(path: &Path, read_only: bool) -> Result<Connection, LedgerError> {
    let access = match read_only {
        true => OpenFlags::SQLITE_OPEN_READ_ONLY,
        false => OpenFlags::SQLITE_OPEN_READ_WRITE,
    };
    let flags = access | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)
        .map_err(|source| LedgerError::sqlite(path, "opening a read connection", source))?;
    let settings = || -> rusqlite::Result<()> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "query_only", true)
    };
    settings()
        .map_err(|source| LedgerError::sqlite(path, "configuring a read connection", source))?;
    Ok(conn)
}

/// Checks, without writing, that an existing file is a ledger of a readable version.
pub fn check_existing(path: &Path) -> Result<(), LedgerError> {
    reject_directory(path)?;
    if !path.exists() {
        return Err(LedgerError::NotFound {
            path: path.to_path_buf(),
        });
    }
    let conn = open_reader(path, true)?;
    let error = |source| LedgerError::sqlite(path, "reading the ledger schema", source);
    let application_id: i64 = conn
        .pragma_query_value(None, "application_id", |row| row.get(0))
        .map_err(error)?;
    match application_id {
        APPLICATION_ID => check_version(&conn, path),
        0 => Err(not_a_ledger(
            path,
            "the database has no ReleaseGate application id",
        )),
        _ => Err(not_a_ledger(
            path,
            "the database belongs to another application",
        )),
    }
}

fn configure(conn: &Connection, path: &Path) -> Result<(), LedgerError> {
    let error = |source| LedgerError::sqlite(path, "configuring the write connection", source);
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(error)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(LedgerError::WalUnavailable {
            path: path.to_path_buf(),
            mode,
        });
    }
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(error)
}

/// Checks that the file is a ledger of a readable version; on an empty database (and only with
/// `create`) creates the tables in one transaction.
fn initialize(conn: &mut Connection, path: &Path, create: bool) -> Result<(), LedgerError> {
    let error = |source| LedgerError::sqlite(path, "reading the ledger schema", source);
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(error)?;
    let application_id: i64 = tx
        .pragma_query_value(None, "application_id", |row| row.get(0))
        .map_err(error)?;
    let table_count: i64 = tx
        .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
        .map_err(error)?;

    if application_id == 0 && table_count == 0 {
        if !create {
            return Err(not_a_ledger(path, "the database is empty"));
        }
        create_schema(&tx)
            .map_err(|source| LedgerError::sqlite(path, "creating the tables", source))?;
    } else if application_id != APPLICATION_ID {
        return Err(not_a_ledger(
            path,
            "the database has other tables and no ReleaseGate application id",
        ));
    } else {
        check_version(&tx, path)?;
    }
    tx.commit().map_err(error)
}

fn create_schema(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(DDL)?;
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.pragma_update(None, "user_version", FORMAT_VERSION)
}

fn check_version(conn: &Connection, path: &Path) -> Result<(), LedgerError> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|source| LedgerError::sqlite(path, "reading the format version", source))?;
    if version > FORMAT_VERSION {
        return Err(LedgerError::NewerFormat {
            path: path.to_path_buf(),
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    if version < 1 {
        return Err(not_a_ledger(path, "the format version is missing"));
    }
    Ok(())
}

/// Fails with `IsDirectory` for a directory, which SQLite reports only as a disk I/O error.
fn reject_directory(path: &Path) -> Result<(), LedgerError> {
    match path.is_dir() {
        true => Err(LedgerError::IsDirectory {
            path: path.to_path_buf(),
        }),
        false => Ok(()),
    }
}

fn not_a_ledger(path: &Path, detail: &str) -> LedgerError {
    LedgerError::NotALedger {
        path: path.to_path_buf(),
        detail: detail.to_owned(),
        creates: false,
    }
}
