//! TODO: not implemented yet.

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct ExportArgs {}

pub fn run(_args: ExportArgs) -> Exit {
    eprintln!("error: this verb is not implemented yet");
    Exit::Usage
}
