//! Read connections, kept for reuse so a read does not pay for opening a connection.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::Connection;

use super::{schema, LedgerError};

/// Maximum number of idle read connections kept. Further concurrent readers open connections that
/// are closed after use.
const MAX_IDLE: usize = 8;

pub(crate) struct ReaderPool {
    path: PathBuf,
    read_only: bool,
    idle: Mutex<Vec<Connection>>,
}

impl ReaderPool {
    pub fn new(path: &Path, read_only: bool) -> Self {
        Self {
            path: path.to_path_buf(),
            read_only,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `read` on a read connection and returns the connection to the pool afterwards.
    pub fn with<T>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, LedgerError>,
    ) -> Result<T, LedgerError> {
        let conn = match self.lock().pop() {
            Some(conn) => conn,
            None => schema::open_reader(&self.path, self.read_only)?,
        };
        let result = read(&conn);
        // A connection left inside a transaction by a failed read is dropped, not reused.
        if conn.is_autocommit() {
            let mut idle = self.lock();
            if idle.len() < MAX_IDLE {
                idle.push(conn);
            }
        }
        result
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        // The guarded Vec stays consistent even if a holder panicked, so a poisoned lock is usable.
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
