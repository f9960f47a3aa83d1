//! TODO: not implemented yet.

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct DemoArgs {}

pub fn run(_args: DemoArgs) -> Exit {
    eprintln!("error: this verb is not implemented yet");
    Exit::Usage
}
