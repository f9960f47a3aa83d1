//! TODO: not implemented yet.

use super::Exit;

#[derive(Debug, clap::Subcommand)]
pub enum RiskCommand {
    /// Attach risk metadata to an issue.
    Attach,
}

pub fn run(_command: RiskCommand) -> Exit {
    eprintln!("error: this verb is not implemented yet");
    Exit::Usage
}
