//! Process exit codes, documented in the README.

use std::process::ExitCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The command did what was asked and found nothing wrong.
    Success = 0,
    /// The command ran and found problems: check findings, failed tests, a broken ledger chain.
    Findings = 1,
    /// Bad usage, an unreadable file or another I/O error.
    Usage = 2,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}
