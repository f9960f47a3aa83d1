//! `releasegate compile`: compile policy sources into a hashed bytecode bundle and a manifest.

use std::path::{Path, PathBuf};

use compiler::codegen::{compile_paths, manifest_json, CompileError, Compiled, ARTIFACT_FILE, MANIFEST_FILE};
use compiler::diagnostic::Severity;
use compiler::render::{Renderer, Style};

use super::Exit;

const AFTER_HELP: &str = "\
Writes DIR/bundle.rgb (the artifact) and DIR/manifest.json (bundle hash, artifact SHA-256,
format version, compiler version and one entry per policy). The same sources give the same
bytes in any file order, directory or machine.

Exit codes:
  0  compiled (warnings are printed on stderr)
  1  the sources have errors (diagnostics on stderr)
  2  usage error, a missing path, no or several schemas found, or the output could not be
     written

Example:
  releasegate compile policies/ -o build/";

/// Options of `releasegate compile`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct CompileArgs {
    /// Policy files or directories; directories are searched recursively.
    #[arg(required = true, value_name = "SOURCES")]
    pub sources: Vec<PathBuf>,

    /// Output directory for bundle.rgb and manifest.json; created when missing.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,

    /// Signal schema; by default the one signals.yaml found among SOURCES.
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
}

pub fn run(args: CompileArgs) -> Exit {
    let compiled = match compile_paths(&args.sources, args.schema.as_deref()) {
        Ok(compiled) => compiled,
        Err(error) => return report_failure(error),
    };
    print_warnings(&compiled);
    if let Err(message) = write_bundle(&compiled, &args.output) {
        eprintln!("error: {message}");
        return Exit::Usage;
    }
    let artifact = &compiled.artifact;
    outln!("compiled {} policies from {} files", artifact.program.policies.len(), compiled.policy_files);
    outln!("bundle_hash: {}", artifact.bundle_hash);
    outln!("artifact_sha256: {}", artifact.artifact_sha256);
    outln!("wrote {}", args.output.join(ARTIFACT_FILE).display());
    outln!("wrote {}", args.output.join(MANIFEST_FILE).display());
    Exit::Success
}

fn report_failure(error: CompileError) -> Exit {
    match error {
        CompileError::Diagnostics { sources, diagnostics } => {
            let mut renderer = Renderer::new(&sources, Style::for_stderr());
            eprint!("{}", renderer.render_all(&diagnostics));
            let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
            eprintln!("error: compilation failed with {errors} error(s)");
            Exit::Findings
        }
        other => {
            eprintln!("error: {other}");
            Exit::Usage
        }
    }
}

fn print_warnings(compiled: &Compiled) {
    if compiled.warnings.is_empty() {
        return;
    }
    let mut renderer = Renderer::new(&compiled.sources, Style::for_stderr());
    eprint!("{}", renderer.render_all(&compiled.warnings));
}

fn write_bundle(compiled: &Compiled, dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create output directory {}: {e}", dir.display()))?;
    let artifact_path = dir.join(ARTIFACT_FILE);
    std::fs::write(&artifact_path, &compiled.artifact.bytes)
        .map_err(|e| format!("cannot write {}: {e}", artifact_path.display()))?;
    let manifest_path = dir.join(MANIFEST_FILE);
    std::fs::write(&manifest_path, manifest_json(&compiled.artifact, ARTIFACT_FILE))
        .map_err(|e| format!("cannot write {}: {e}", manifest_path.display()))
}
