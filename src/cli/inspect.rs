//! `releasegate inspect`: print a bundle's hashes, policy table and disassembly.

use std::fmt::Write;
use std::path::PathBuf;

use vm::Bundle;

use super::Exit;

const AFTER_HELP: &str = "\
Prints the format and compiler versions, the bundle hash, the artifact SHA-256, the policy
table (id, version, effect, enabled or disabled, policy hash prefix, source file and line)
and the disassembly of the constant pool and every policy.

Exit codes:
  0  printed
  2  the artifact could not be read or failed verification (the error says why)";

/// Options of `releasegate inspect`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct InspectArgs {
    /// Artifact file, or a bundle directory holding bundle.rgb.
    #[arg(value_name = "ARTIFACT")]
    pub artifact: PathBuf,
}

pub fn run(args: InspectArgs) -> Exit {
    match super::eval::load_bundle(&args.artifact) {
        Ok(bundle) => {
            out!("{}", render(&bundle));
            Exit::Success
        }
        Err(message) => {
            eprintln!("error: {message}");
            Exit::Usage
        }
    }
}

fn render(bundle: &Bundle) -> String {
    let mut out = String::new();
    let disabled = bundle.policies().iter().filter(|p| !p.enabled).count();
    let _ = writeln!(out, "format version:   {}", bundle.format_version());
    let _ = writeln!(out, "compiler version: {}", bundle.compiler_version());
    let _ = writeln!(out, "bundle hash:      {}", bundle.bundle_hash());
    let _ = writeln!(out, "artifact sha256:  {}", bundle.artifact_sha256());
    let _ = writeln!(out, "signals:          {}", bundle.signals().len());
    let _ = writeln!(out, "policies:         {} ({disabled} disabled)", bundle.policies().len());
    out.push('\n');
    out.push_str(&policy_table(bundle));
    out.push('\n');
    out.push_str(&vm::disasm::disassemble(bundle.program()));
    out
}

fn policy_table(bundle: &Bundle) -> String {
    let rows: Vec<[String; 6]> = bundle
        .policies()
        .iter()
        .map(|p| {
            [
                p.id.clone(),
                p.version.clone(),
                p.effect.clone(),
                if p.enabled { "enabled".into() } else { "DISABLED".into() },
                p.policy_hash.get(..12).unwrap_or_default().to_string(),
                p.source.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let header = ["ID", "VERSION", "EFFECT", "STATE", "HASH", "SOURCE"].map(String::from);
    let mut widths = header.clone().map(|h| h.len());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.len());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}
