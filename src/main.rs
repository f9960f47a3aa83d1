//! `releasegate`: the command-line entry point. Each verb lives in its own module under `cli/`.

mod cli;

use std::process::ExitCode;

/// Stack size for the thread that runs a verb. The parser, checker and code generator recurse
/// over expression trees, and a flat chain of `and`/`or` terms nests as deep as it is long. The
/// 8 MiB main-thread stack overflowed on a 2,000-term chain. The memory is reserved, not
/// committed, so an ordinary run uses no more than before.
const VERB_STACK_BYTES: usize = 1 << 30;

fn main() -> ExitCode {
    let args = cli::parse();
    let serving = matches!(args.command, cli::Command::Serve(_));
    cli::init_logging(args.log_level.as_deref(), serving);
    let worker = std::thread::Builder::new()
        .name("releasegate".to_string())
        .stack_size(VERB_STACK_BYTES)
        .spawn(move || cli::run(args.command));
    match worker.map(|handle| handle.join()) {
        Ok(Ok(exit)) => exit.into(),
        Ok(Err(_)) => ExitCode::from(101),
        Err(error) => {
            eprintln!("error: cannot start the command thread: {error}");
            cli::Exit::Usage.into()
        }
    }
}
