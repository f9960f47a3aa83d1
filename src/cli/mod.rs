//! Command-line verbs. Results go to stdout; diagnostics and logs go to stderr.

/// `println!` for verb output, through `stdout::write`.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::stdout::write(format_args!($($arg)*), true)
    };
}

/// `print!` for verb output, through `stdout::write`.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::stdout::write(format_args!($($arg)*), false)
    };
}

mod check;
mod compile;
mod demo;
mod eval;
mod exit;
mod export;
mod inspect;
mod ledger;
mod override_cmd;
mod risk;
mod serve;
mod stdout;
mod test_cmd;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
pub use exit::Exit;

/// ReleaseGate: policy checks at Jira workflow transitions, with a hash-chained audit ledger.
#[derive(Debug, Parser)]
#[command(name = "releasegate", version, propagate_version = true)]
pub struct Cli {
    /// Log filter for stderr logs, for example `info` or `runtime=debug`. Overrides RUST_LOG.
    #[arg(long, global = true, value_name = "FILTER")]
    pub log_level: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate policy files, the transition map and the role map against the signal schema.
    Check(check::CheckArgs),
    /// Compile policy sources into a hashed bytecode bundle and a JSON manifest.
    Compile(compile::CompileArgs),
    /// Evaluate a compiled bundle against one JSON input.
    Eval(eval::EvalArgs),
    /// Print a bundle's hashes, policy table and disassembly.
    Inspect(inspect::InspectArgs),
    /// Run YAML decision test cases against the policies.
    Test(test_cmd::TestArgs),
    /// Serve Jira transition checks over HTTP and record decisions in the ledger.
    Serve(serve::ServeArgs),
    /// Verify the ledger or print a checkpoint.
    #[command(subcommand)]
    Ledger(ledger::LedgerCommand),
    /// Export SOC 2 evidence from the ledger as JSON or CSV.
    Export(export::ExportArgs),
    /// Override a stored BLOCKED decision, with a justification.
    Override(override_cmd::OverrideArgs),
    /// Attach or show risk metadata for a Jira issue.
    #[command(subcommand)]
    Risk(risk::RiskCommand),
    /// Run the end-to-end story on the shipped policies in a temporary ledger.
    Demo(demo::DemoArgs),
}

/// Parses the command line, exiting with clap's message and code on a usage error. It also
/// records where `serve --io-timeout` came from, which the derived parser drops.
pub fn parse() -> Cli {
    let matches = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    if let (Command::Serve(args), Some(("serve", serve_matches))) =
        (&mut cli.command, matches.subcommand())
    {
        args.io_timeout_source = serve_matches.value_source("io_timeout");
    }
    cli
}

pub fn run(command: Command) -> Exit {
    match command {
        Command::Check(args) => check::run(args),
        Command::Compile(args) => compile::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Test(args) => test_cmd::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Ledger(command) => ledger::run(command),
        Command::Export(args) => export::run(args),
        Command::Override(args) => override_cmd::run(args),
        Command::Risk(command) => risk::run(command),
        Command::Demo(args) => demo::run(args),
    }
}

/// Sends tracing logs to stderr. `--log-level` wins over `RUST_LOG`; the default is `warn`, so
/// one-shot verbs stay quiet and `serve` raises its own level to `info`.
pub fn init_logging(filter: Option<&str>, serving: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = match filter {
        Some(text) => EnvFilter::new(text),
        None => EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| EnvFilter::new(if serving { "info" } else { "warn" })),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}
