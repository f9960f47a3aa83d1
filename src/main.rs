//! `releasegate`: the command-line entry point. Each verb lives in its own module under `cli/`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let serving = matches!(args.command, cli::Command::Serve(_));
    cli::init_logging(args.log_level.as_deref(), serving);
    cli::run(args.command).into()
}
