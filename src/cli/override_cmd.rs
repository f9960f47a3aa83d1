//! TODO: not implemented yet.

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct OverrideArgs {}

pub fn run(_args: OverrideArgs) -> Exit {
    eprintln!("error: this verb is not implemented yet");
    Exit::Usage
}
