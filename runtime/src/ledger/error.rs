//! Errors of the ledger: each names the ledger file and the cause.

use std::path::PathBuf;

use rusqlite::ErrorCode;

use super::verify::FailureReason;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error(
        "ledger file {} does not exist; pass an existing ledger with --db or set RELEASEGATE_DB",
        .path.display()
    )]
    NotFound { path: PathBuf },

    #[error("cannot open ledger {}: {source}", .path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    /// `creates` is set when the failed open would have created a missing file, so the message
    /// can offer a new path as a fix.
    #[error(
        "{} is not a ReleaseGate ledger ({detail}); point --db or RELEASEGATE_DB at a ledger \
         file{}",
        .path.display(),
        new_ledger_hint(*.creates)
    )]
    NotALedger {
        path: PathBuf,
        detail: String,
        creates: bool,
    },

    #[error(
        "ledger path {} is a directory; --db and RELEASEGATE_DB take a file, for example {}",
        .path.display(),
        .path.join("releasegate.db").display()
    )]
    IsDirectory { path: PathBuf },

    #[error(
        "ledger {} has format version {found}, newer than version {supported} that this build \
         reads; upgrade releasegate",
        .path.display()
    )]
    NewerFormat {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error(
        "ledger {} stayed in journal mode {mode:?} after WAL was requested; move the ledger to a \
         local file system that supports SQLite's WAL mode",
        .path.display()
    )]
    WalUnavailable { path: PathBuf, mode: String },

    #[error(
        "ledger {} is locked by another connection or process; retry, or stop the other writer",
        .path.display()
    )]
    Locked { path: PathBuf },

    #[error(
        "disk full while writing ledger {}; free disk space (the failed transaction was rolled back)",
        .path.display()
    )]
    DiskFull { path: PathBuf },

    #[error(
        "ledger {} is read-only; check the file and directory permissions",
        .path.display()
    )]
    ReadOnly { path: PathBuf },

    #[error(
        "ledger {} was opened read-only and cannot be appended to; open it with Ledger::open",
        .path.display()
    )]
    OpenedReadOnly { path: PathBuf },

    #[error("SQLite error on ledger {} while {action}: {source}", .path.display())]
    Sqlite {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: rusqlite::Error,
    },

    #[error(
        "invalid timestamp {value:?}: expected RFC 3339 such as 2026-12-04T16:03:49Z, or a date \
         such as 2026-12-04"
    )]
    InvalidTimestamp { value: String },

    #[error("ledger {} is corrupted at seq {seq}: {}", .path.display(), .reason.description())]
    Corrupted {
        path: PathBuf,
        seq: u64,
        reason: FailureReason,
    },

    #[error("the writer thread of ledger {} has stopped; reopen the ledger", .path.display())]
    WriterStopped { path: PathBuf },

    #[error("cannot start the writer thread of ledger {}: {source}", .path.display())]
    Spawn {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn new_ledger_hint(creates: bool) -> &'static str {
    match creates {
        true => ", or at a path that does not exist yet to create a new ledger",
        false => "",
    }
}

impl LedgerError {
    /// Marks a `NotALedger` error as coming from an open that creates a missing file.
    pub(crate) fn for_creating_open(self) -> Self {
        match self {
            Self::NotALedger { path, detail, .. } => Self::NotALedger {
                path,
                detail,
                creates: true,
            },
            other => other,
        }
    }

    /// Classifies a SQLite error: busy, full, read-only and not-a-database get their own variant.
    pub(crate) fn sqlite(
        path: &std::path::Path,
        action: &'static str,
        source: rusqlite::Error,
    ) -> Self {
        let path = path.to_path_buf();
        match source.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Self::Locked { path },
            Some(ErrorCode::DiskFull) => Self::DiskFull { path },
            Some(ErrorCode::ReadOnly) => Self::ReadOnly { path },
            Some(ErrorCode::NotADatabase) => Self::NotALedger {
                path,
                detail: "the file is not an SQLite database".to_owned(),
                creates: false,
            },
            Some(ErrorCode::CannotOpen) => Self::Open { path, source },
            _ => Self::Sqlite {
                path,
                action,
                source,
            },
        }
    }
}
