//! TODO: not implemented yet.

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {}

pub fn run(_args: CheckArgs) -> Exit {
    eprintln!("error: this verb is not implemented yet");
    Exit::Usage
}
