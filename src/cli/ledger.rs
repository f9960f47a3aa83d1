//! TODO: not implemented yet.

use super::Exit;

#[derive(Debug, clap::Subcommand)]
pub enum LedgerCommand {
    /// Verify the hash chain.
    Verify,
}

pub fn run(_command: LedgerCommand) -> Exit {
    eprintln!("error: this verb is not implemented yet");
    Exit::Usage
}
