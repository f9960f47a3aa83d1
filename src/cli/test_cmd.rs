//! TODO: not implemented yet.

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct TestArgs {}

pub fn run(_args: TestArgs) -> Exit {
    eprintln!("error: this verb is not implemented yet");
    Exit::Usage
}
