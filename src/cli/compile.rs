//! TODO: not implemented yet.

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct CompileArgs {}

pub fn run(_args: CompileArgs) -> Exit {
    eprintln!("error: this verb is not implemented yet");
    Exit::Usage
}
