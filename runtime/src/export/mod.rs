//! SOC 2 evidence export (`soc2_v1`): one record per decision, joined with its latest override,
//! as JSON or as CSV.
//!
//! The export reads the ledger in one read transaction, so its records, its ledger head and its
//! verification describe the same snapshot.

mod csv_writer;
mod error;
mod record;

use serde::Serialize;

use crate::ledger::{self, EntryKind, EntryQuery, Ledger, LedgerError, Verification};

pub use csv_writer::{neutralize_cell, write_csv, COLUMNS};
pub use error::ExportError;
pub use record::Soc2Record;

/// The contract name written into every export.
pub const CONTRACT: &str = "soc2_v1";

/// Filter for the decisions to export. Build it with `ExportQuery { repo: Some(..), ..Default::default() }`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportQuery {
    pub repo: Option<String>,
    /// Decision status as stored in the ledger (`BLOCKED`, `CONDITIONAL`, …), any ASCII case.
    pub status: Option<String>,
    /// Inclusive lower bound on the decision's `recorded_at` (RFC 3339 or `YYYY-MM-DD`).
    pub since: Option<String>,
    /// Exclusive upper bound on the decision's `recorded_at`.
    pub until: Option<String>,
    pub limit: Option<usize>,
    /// Walk the whole chain and fill `chain_verified`. Without it, `chain_verified` is `null`.
    pub verify_chain: bool,
}

/// A complete `soc2_v1` export.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Soc2Export {
    pub contract: String,
    pub repo: Option<String>,
    pub generated_at: String,
    pub records: Vec<Soc2Record>,
    pub ledger: LedgerSummary,
}

/// The state of the whole ledger when the export was read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LedgerSummary {
    pub size: u64,
    pub head_hash: String,
    /// Result of the chain walk, or `null` when the export ran without `verify_chain`.
    pub verified: Option<bool>,
}

/// Reads the decisions that match `query`, their latest overrides and (with `verify_chain`) a
/// full chain verification, all from one snapshot.
pub fn build_soc2(ledger: &Ledger, query: &ExportQuery) -> Result<Soc2Export, LedgerError> {
    let filter = EntryQuery {
        repo: query.repo.clone(),
        kind: Some(EntryKind::Decision),
        status: query.status.clone(),
        since: query.since.clone(),
        until: query.until.clone(),
        limit: query.limit,
    };
    let compiled = ledger::query::compile(&filter)?;
    let (head, verification, records) = ledger.read_snapshot("reading the export", |conn| {
        let head = ledger::checkpoint::current(conn)?;
        let verification = match query.verify_chain {
            true => Some(ledger::verify::verify_chain(conn)?),
            false => None,
        };
        let mut records = Vec::new();
        for decision in ledger::query::run(conn, &compiled)? {
            let overrides = ledger::query::overrides_for(conn, &decision.decision_id)?;
            let verified = verification.as_ref().map(|walk| {
                chain_covers(walk, decision.seq, overrides.last().map(|entry| entry.seq))
            });
            records.push(Soc2Record::from_entries(
                &decision,
                overrides.last(),
                verified,
            ));
        }
        Ok((head, verification, records))
    })?;
    Ok(Soc2Export {
        contract: CONTRACT.to_owned(),
        repo: query.repo.clone(),
        generated_at: ledger::timestamp_now(),
        records,
        ledger: LedgerSummary {
            size: head.size,
            head_hash: head.head_hash,
            verified: verification.map(|walk| walk.valid),
        },
    })
}

/// True when every given seq lies before the first bad entry of the walk.
fn chain_covers(walk: &Verification, decision_seq: u64, override_seq: Option<u64>) -> bool {
    let last = override_seq.map_or(decision_seq, |seq| seq.max(decision_seq));
    walk.valid || last <= walk.checked
}

/// Writes `export` as pretty-printed JSON followed by a newline.
pub fn write_json(export: &Soc2Export, mut out: impl std::io::Write) -> Result<(), ExportError> {
    serde_json::to_writer_pretty(&mut out, export)?;
    out.write_all(b"\n")?;
    Ok(())
}
