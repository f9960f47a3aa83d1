//! `releasegate override`: override a stored BLOCKED decision with a justification.

use std::path::PathBuf;

use runtime::ledger::Ledger;
use runtime::loader::load_role_map;
use runtime::stored_override::{override_stored, OverrideFailure, OverrideInput};

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct OverrideArgs {
    /// The decision id returned by the transition check.
    pub decision_id: String,
    /// Overriding actor: a Jira account id, or an email when it contains `@`.
    #[arg(long)]
    pub actor: String,
    /// The actor's email, when --actor is an account id.
    #[arg(long)]
    pub actor_email: Option<String>,
    /// Justification recorded with the override. Without one the override is rejected with
    /// OVERRIDE_JUSTIFICATION_REQUIRED (exit 1).
    #[arg(long)]
    pub reason: Option<String>,
    /// When the override stops being valid, RFC 3339 (for example 2026-12-31T00:00:00Z).
    #[arg(long, value_parser = parse_expiry_arg)]
    pub expires_at: Option<String>,
    /// Ledger database file.
    #[arg(long, env = "RELEASEGATE_DB", default_value = "releasegate.db")]
    pub db: PathBuf,
    /// Role map that decides who may override.
    #[arg(long, default_value = "policies/roles.yaml")]
    pub role_map: PathBuf,
}

/// Exit codes: 0 applied (or the same override was already applied), 1 rejected by a rule or
/// the decision does not need one, 2 bad usage, unknown decision or unreadable files.
pub fn run(args: OverrideArgs) -> Exit {
    let roles = match load_role_map(&args.role_map) {
        Ok(roles) => roles,
        Err(error) => return usage(&error.to_string()),
    };
    let ledger = match Ledger::open_existing(&args.db) {
        Ok(ledger) => ledger,
        Err(error) => return usage(&error.to_string()),
    };
    let (account_id, email) = match args.actor.contains('@') {
        true => (None, Some(args.actor.clone())),
        false => (Some(args.actor.clone()), args.actor_email.clone()),
    };
    let input = OverrideInput {
        account_id,
        email,
        reason: args.reason,
        expires_at: args.expires_at,
    };
    let now = time::OffsetDateTime::now_utc();
    match override_stored(&ledger, &roles, &args.decision_id, &input, now) {
        Ok(outcome) => {
            outln!(
                "{}",
                serde_json::to_string_pretty(&outcome.response).unwrap_or_default()
            );
            Exit::Success
        }
        Err(OverrideFailure::Rejected(rejected)) => {
            eprintln!(
                "error: override rejected ({}): {}",
                rejected.reason_code.as_str(),
                rejected.message
            );
            Exit::Findings
        }
        Err(
            failure @ (OverrideFailure::NotBlocked { .. }
            | OverrideFailure::AlreadyOverridden { .. }),
        ) => {
            eprintln!("error: {failure}");
            Exit::Findings
        }
        Err(failure) => usage(&failure.to_string()),
    }
}

fn usage(message: &str) -> Exit {
    eprintln!("error: {message}");
    Exit::Usage
}

/// Rejects an `--expires-at` that is not an RFC 3339 timestamp as a usage error.
fn parse_expiry_arg(text: &str) -> Result<String, String> {
    runtime::overrides::parse_expiry(text)?;
    Ok(text.to_string())
}
