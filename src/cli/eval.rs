//! TODO: not implemented yet.

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct EvalArgs {}

pub fn run(_args: EvalArgs) -> Exit {
    eprintln!("error: this verb is not implemented yet");
    Exit::Usage
}
