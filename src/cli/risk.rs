//! `releasegate risk attach|show`: risk metadata for Jira issues in the local risk store.

use std::path::{Path, PathBuf};

use runtime::issue_key::is_issue_key;
use runtime::ledger::Ledger;
use runtime::risk::{ChangeCounters, RiskLevel, RiskMetadata};
use runtime::risk_store::RiskStore;

use super::Exit;

#[derive(Debug, clap::Subcommand)]
pub enum RiskCommand {
    /// Attach risk metadata to an issue: a level, or PR counters that are classified.
    Attach(AttachArgs),
    /// Print the risk metadata stored for an issue.
    Show(ShowArgs),
}

#[derive(Debug, clap::Args)]
pub struct AttachArgs {
    /// Jira issue key, for example PAY-1842.
    pub issue_key: String,
    /// Risk level: LOW, MEDIUM, HIGH or CRITICAL.
    #[arg(long, conflicts_with_all = ["changed_files", "additions", "deletions"])]
    pub level: Option<String>,
    /// Files changed by the pull request.
    #[arg(long, requires_all = ["additions", "deletions"])]
    pub changed_files: Option<u64>,
    /// Lines added by the pull request.
    #[arg(long, requires_all = ["changed_files", "deletions"])]
    pub additions: Option<u64>,
    /// Lines deleted by the pull request.
    #[arg(long, requires_all = ["changed_files", "additions"])]
    pub deletions: Option<u64>,
    /// Repository, for example acme-payments/ledger-service.
    #[arg(long)]
    pub repo: Option<String>,
    /// Pull request number.
    #[arg(long)]
    pub pr: Option<u64>,
    /// Pull request author's GitHub login (checked for separation of duties on overrides).
    #[arg(long)]
    pub author: Option<String>,
    /// Ledger database file that contains the risk store.
    #[arg(long, env = "RELEASEGATE_DB", default_value = "releasegate.db")]
    pub db: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Jira issue key, for example PAY-1842.
    pub issue_key: String,
    /// Ledger database file that contains the risk store.
    #[arg(long, env = "RELEASEGATE_DB", default_value = "releasegate.db")]
    pub db: PathBuf,
}

/// Exit codes: 0 done, 1 `show` found no metadata, 2 bad usage or a database error.
pub fn run(command: RiskCommand) -> Exit {
    match command {
        RiskCommand::Attach(args) => attach(args),
        RiskCommand::Show(args) => show(args),
    }
}

fn attach(args: AttachArgs) -> Exit {
    if !is_issue_key(&args.issue_key) {
        return usage(&format!(
            "`{}` is not a Jira issue key such as PAY-1842",
            args.issue_key
        ));
    }
    let mut metadata = match metadata_of(&args) {
        Ok(metadata) => metadata,
        Err(message) => return usage(&message),
    };
    metadata.repo = args.repo.clone();
    metadata.pr_number = args.pr;
    metadata.pr_author = args.author.clone();
    metadata.computed_at = Some(runtime::clock::rfc3339_now());
    let store = match open_store(&args.db, true) {
        Ok(store) => store,
        Err(message) => return usage(&message),
    };
    if let Err(error) = store.put(&args.issue_key, &metadata) {
        return usage(&error.to_string());
    }
    print_property(&args.issue_key, &metadata);
    Exit::Success
}

fn metadata_of(args: &AttachArgs) -> Result<RiskMetadata, String> {
    if let Some(text) = &args.level {
        let level = RiskLevel::parse(text)
            .ok_or_else(|| format!("--level {text:?} is not one of LOW, MEDIUM, HIGH, CRITICAL"))?;
        return Ok(RiskMetadata::from_level(level, "manual"));
    }
    match (args.changed_files, args.additions, args.deletions) {
        (Some(changed_files), Some(additions), Some(deletions)) => {
            let counters = ChangeCounters {
                changed_files,
                additions,
                deletions,
            };
            if let Some(name) = counters.out_of_range() {
                let flag = name.replace('_', "-");
                return Err(format!("--{flag} is larger than {}", runtime::risk::MAX_COUNTER));
            }
            Ok(RiskMetadata::from_counters(counters, "manual"))
        }
        _ => {
            Err("give --level, or all of --changed-files, --additions and --deletions".to_string())
        }
    }
}

fn show(args: ShowArgs) -> Exit {
    let store = match open_store(&args.db, false) {
        Ok(store) => store,
        Err(message) => return usage(&message),
    };
    match store.get(&args.issue_key) {
        Ok(Some(metadata)) => {
            print_property(&args.issue_key, &metadata);
            Exit::Success
        }
        Ok(None) => {
            eprintln!("no risk metadata stored for {}", args.issue_key);
            Exit::Findings
        }
        Err(error) => usage(&error.to_string()),
    }
}

/// Opens the ledger first (it creates or checks the file), then the risk store in it.
fn open_store(db: &Path, create: bool) -> Result<RiskStore, String> {
    let ledger = match create {
        true => Ledger::open(db),
        false => Ledger::open_existing(db),
    };
    drop(ledger.map_err(|error| error.to_string())?);
    RiskStore::open(db).map_err(|error| error.to_string())
}

fn print_property(issue_key: &str, metadata: &RiskMetadata) {
    let value = serde_json::json!({"issue_key": issue_key, "key": "releasegate_risk", "value": metadata.to_property()});
    outln!(
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    );
}

fn usage(message: &str) -> Exit {
    eprintln!("error: {message}");
    Exit::Usage
}
