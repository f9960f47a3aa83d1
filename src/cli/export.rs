//! `releasegate export`: write SOC 2 evidence (`soc2_v1`) from the ledger as JSON or CSV.

use std::io::Write;
use std::path::PathBuf;

use runtime::export::{build_soc2, write_csv, write_json, ExportQuery, Soc2Export};
use runtime::ledger::Ledger;

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Ledger database file, which must exist.
    #[arg(long, env = "RELEASEGATE_DB", default_value = "releasegate.db")]
    pub db: PathBuf,
    /// Export only this repository's decisions.
    #[arg(long)]
    pub repo: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
    /// Export only decisions with this ledger status.
    #[arg(long, ignore_case = true, value_parser = ["ALLOWED", "BLOCKED", "SKIPPED", "ERROR", "CONDITIONAL"])]
    pub status: Option<String>,
    /// Earliest decision time, inclusive: RFC 3339 (2026-12-04T16:00:00Z) or a date (2026-12-04).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Latest decision time, exclusive, in the same forms as --since.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Maximum number of records, oldest first.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Skip the chain walk, so `chain_verified` and `ledger.verified` are empty.
    #[arg(long)]
    pub no_verify: bool,
    /// Write the export to this file instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
}

/// Exit 0 after a complete export, 1 when the export was written but the chain walk failed,
/// 2 on usage or I/O errors.
pub fn run(args: ExportArgs) -> Exit {
    match export(&args) {
        Ok(export) if export.ledger.verified == Some(false) => {
            eprintln!(
                "warning: the ledger chain failed verification; records after the first bad entry \
                 have chain_verified=false (run `releasegate ledger verify` for details)"
            );
            Exit::Findings
        }
        Ok(_) => Exit::Success,
        Err(message) => {
            eprintln!("error: {message}");
            Exit::Usage
        }
    }
}

fn export(args: &ExportArgs) -> Result<Soc2Export, String> {
    let ledger = Ledger::open_read_only(&args.db).map_err(|error| error.to_string())?;
    let query = ExportQuery {
        repo: args.repo.clone(),
        status: args.status.clone(),
        since: args.since.clone(),
        until: args.until.clone(),
        limit: args.limit,
        verify_chain: !args.no_verify,
    };
    let export = build_soc2(&ledger, &query).map_err(|error| error.to_string())?;
    let mut bytes = Vec::new();
    let written = match args.format {
        ExportFormat::Json => write_json(&export, &mut bytes),
        ExportFormat::Csv => write_csv(&export, &mut bytes),
    };
    written.map_err(|error| error.to_string())?;
    write_output(args.output.as_ref(), &bytes)?;
    Ok(export)
}

fn write_output(path: Option<&PathBuf>, bytes: &[u8]) -> Result<(), String> {
    match path {
        Some(path) => std::fs::write(path, bytes)
            .map_err(|error| format!("cannot write export file {}: {error}", path.display())),
        None => std::io::stdout()
            .lock()
            .write_all(bytes)
            .map_err(|error| format!("cannot write the export to stdout: {error}")),
    }
}
