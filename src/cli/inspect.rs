//! TODO: not implemented yet.

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct InspectArgs {}

pub fn run(_args: InspectArgs) -> Exit {
    eprintln!("error: this verb is not implemented yet");
    Exit::Usage
}
