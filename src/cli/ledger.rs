//! `releasegate ledger verify | checkpoint`: check the hash chain and save its head.

use std::path::{Path, PathBuf};

use runtime::ledger::{Checkpoint, Ledger, Verification};

use super::Exit;

#[derive(Debug, clap::Subcommand)]
pub enum LedgerCommand {
    /// Verify the hash chain: seq order, every hash and every link, optionally against a saved
    /// checkpoint. Exit 0 valid, 1 broken (the first bad seq is printed), 2 usage or I/O error.
    Verify(VerifyArgs),
    /// Print the ledger's size and head hash as checkpoint JSON, to verify against later.
    Checkpoint(CheckpointArgs),
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Ledger database file, which must exist.
    #[arg(long, env = "RELEASEGATE_DB", default_value = "releasegate.db")]
    pub db: PathBuf,
    /// Verify only this repository's chain.
    #[arg(long)]
    pub repo: Option<String>,
    /// Checkpoint JSON from `ledger checkpoint`, to detect truncation and rewritten history.
    #[arg(long, value_name = "FILE", conflicts_with = "repo")]
    pub checkpoint: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = VerifyFormat::Human)]
    pub format: VerifyFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum VerifyFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct CheckpointArgs {
    /// Ledger database file, which must exist.
    #[arg(long, env = "RELEASEGATE_DB", default_value = "releasegate.db")]
    pub db: PathBuf,
    /// Write the checkpoint to this file instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(command: LedgerCommand) -> Exit {
    let result = match command {
        LedgerCommand::Verify(args) => verify(&args),
        LedgerCommand::Checkpoint(args) => checkpoint(&args),
    };
    result.unwrap_or_else(|message| {
        eprintln!("error: {message}");
        Exit::Usage
    })
}

fn verify(args: &VerifyArgs) -> Result<Exit, String> {
    let saved = args
        .checkpoint
        .as_deref()
        .map(read_checkpoint)
        .transpose()?;
    let ledger = Ledger::open_read_only(&args.db).map_err(|error| error.to_string())?;
    let verification = match &saved {
        Some(saved) => ledger.verify_checkpoint(saved),
        None => ledger.verify(args.repo.as_deref()),
    }
    .map_err(|error| error.to_string())?;

    match args.format {
        VerifyFormat::Json => outln!("{}", to_json(&verification)?),
        VerifyFormat::Human => outln!(
            "{}",
            describe(&args.db, args.repo.as_deref(), &verification)
        ),
    }
    Ok(if verification.valid {
        Exit::Success
    } else {
        Exit::Findings
    })
}

fn read_checkpoint(path: &Path) -> Result<Checkpoint, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read checkpoint file {}: {error}", path.display()))?;
    serde_json::from_str(&text).map_err(|error| {
        format!(
            "invalid checkpoint file {}: {error}; expected JSON {{\"size\", \"head_hash\", \
             \"recorded_at\"}} from `releasegate ledger checkpoint`",
            path.display()
        )
    })
}

fn describe(db: &Path, repo: Option<&str>, verification: &Verification) -> String {
    let chain = match repo {
        Some(repo) => format!("ledger {} (repo {repo})", db.display()),
        None => format!("ledger {}", db.display()),
    };
    match (verification.reason, verification.seq) {
        (Some(reason), Some(seq)) => format!(
            "{chain}: BROKEN at seq {seq}: {reason}: {}\n{} entries verified before it; last good hash {}",
            reason.description(),
            verification.checked,
            verification.head_hash
        ),
        _ => format!(
            "{chain}: valid, {} entries verified, head hash {}",
            verification.checked, verification.head_hash
        ),
    }
}

fn checkpoint(args: &CheckpointArgs) -> Result<Exit, String> {
    let ledger = Ledger::open_read_only(&args.db).map_err(|error| error.to_string())?;
    let checkpoint = ledger.checkpoint().map_err(|error| error.to_string())?;
    let text = to_json(&checkpoint)?;
    match &args.output {
        Some(path) => std::fs::write(path, format!("{text}\n"))
            .map_err(|error| format!("cannot write checkpoint file {}: {error}", path.display()))?,
        None => outln!("{text}"),
    }
    Ok(Exit::Success)
}

fn to_json(value: &impl serde::Serialize) -> Result<String, String> {
    serde_json::to_string_pretty(value).map_err(|error| format!("cannot encode JSON: {error}"))
}
