//! CSV output of a `soc2_v1` export.
//!
//! RFC 4180: comma separated, CRLF line ends, fields quoted when they contain a comma, quote or
//! line break. The header row is always written, also for zero records. Object and list values
//! are written as compact canonical JSON. A text cell that starts with `=`, `+`, `-`, `@`, a tab
//! or a carriage return gets a leading `'`, so a spreadsheet shows it as text instead of running
//! it as a formula (CSV injection). Number and boolean cells are written unchanged.

use serde_json::Value;

use super::{ExportError, Soc2Export, Soc2Record};
use crate::canonical::to_canonical_json;

/// The CSV header, in the field order of `Soc2Record`.
pub const COLUMNS: [&str; 22] = [
    "decision_id",
    "decision",
    "reason_code",
    "human_message",
    "actor",
    "policy_version",
    "inputs_present",
    "override_id",
    "chain_verified",
    "repo",
    "pr_number",
    "created_at",
    "issue_key",
    "transition",
    "environment",
    "bundle_hash",
    "ledger_seq",
    "entry_hash",
    "override_actor",
    "override_reason",
    "override_expires_at",
    "policy_hashes",
];

/// Writes the header and one row per record.
pub fn write_csv(export: &Soc2Export, out: impl std::io::Write) -> Result<(), ExportError> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    writer.write_record(COLUMNS)?;
    for record in &export.records {
        writer.write_record(cells(record))?;
    }
    writer.flush()?;
    Ok(())
}

/// Prefixes `'` to a text cell that a spreadsheet would run as a formula.
pub fn neutralize_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

fn cells(record: &Soc2Record) -> [String; 22] {
    [
        neutralize_cell(&record.decision_id),
        optional_text(record.decision.as_deref()),
        optional_text(record.reason_code.as_deref()),
        optional_text(record.human_message.as_deref()),
        value_cell(&record.actor),
        value_cell(&record.policy_version),
        value_cell(&record.inputs_present),
        optional_text(record.override_id.as_deref()),
        record
            .chain_verified
            .map_or_else(String::new, |flag| flag.to_string()),
        optional_text(record.repo.as_deref()),
        value_cell(&record.pr_number),
        neutralize_cell(&record.created_at),
        optional_text(record.issue_key.as_deref()),
        value_cell(&record.transition),
        optional_text(record.environment.as_deref()),
        optional_text(record.bundle_hash.as_deref()),
        record.ledger_seq.to_string(),
        neutralize_cell(&record.entry_hash),
        value_cell(&record.override_actor),
        optional_text(record.override_reason.as_deref()),
        optional_text(record.override_expires_at.as_deref()),
        value_cell(&record.policy_hashes),
    ]
}

fn optional_text(text: Option<&str>) -> String {
    text.map_or_else(String::new, neutralize_cell)
}

/// Renders a JSON value as one cell: empty for `null`, neutralized text for a string, compact
/// canonical JSON for a list or an object, and numbers and booleans as they are.
fn value_cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => neutralize_cell(text),
        Value::Bool(_) | Value::Number(_) => value.to_string(),
        Value::Array(_) | Value::Object(_) => to_canonical_json(value),
    }
}
