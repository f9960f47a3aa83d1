//! TODO: not implemented yet.

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {}

pub fn run(_args: ServeArgs) -> Exit {
    eprintln!("error: this verb is not implemented yet");
    Exit::Usage
}
