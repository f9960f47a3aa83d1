//! `releasegate check`: validate policy files, the transition map and the role map against the
//! signal schema, and report every problem at once.

use std::path::PathBuf;

use compiler::pipeline::{check_paths, Checked};
use compiler::render::{json_finding, JsonFinding, Renderer, Style};
use serde::Serialize;

use super::Exit;

const AFTER_HELP: &str = "\
Each PATH is a file or a directory; directories are searched recursively. Files are classified by
name: signals.yaml is a signal schema, transitions.yaml the transition map, roles.yaml the role
map; *.yaml, *.yml, *.json and *.rgl files are policies. Files ending .test.yaml and everything
under a directory named `tests` are policy test suites and are skipped, as are other extensions.

Every problem in every file is reported in one run, sorted by file, position and code. Each
finding has a stable code such as releasegate::check::unknown_signal, a span, a label and
usually a help line with a fix (\"did you mean ...?\").

Output formats:
  human  miette reports on stderr, then a summary line on stderr:
         \"checked 17 files, 42 policies: 0 errors, 0 warnings\".
         Colour only when stderr is a terminal and NO_COLOR is unset.
  json   one JSON document on stdout:
         {\"findings\": [{\"file\", \"line\", \"column\", \"end_line\", \"end_column\",
           \"severity\" (\"error\" | \"warning\"), \"code\", \"message\", \"label\", \"help\",
           \"related\": [{\"file\", \"line\", \"column\", \"end_line\", \"end_column\", \"label\"}]}],
          \"summary\": {\"files\", \"policies\", \"errors\", \"warnings\"}}
         Lines and columns start at 1; columns count characters.

Exit codes:
  0  no errors (and no warnings with --deny-warnings)
  1  errors found, or warnings found with --deny-warnings
  2  usage error, a PATH that does not exist, or an unreadable --schema file

Examples:
  releasegate check policies/
  releasegate check --format json --deny-warnings policies/ > findings.json";

/// Options of `releasegate check`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct CheckArgs {
    /// Policy files or directories to check; directories are searched recursively.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Signal schema that policies are checked against.
    #[arg(long, value_name = "FILE", default_value = "policies/signals.yaml")]
    pub schema: PathBuf,

    /// Output format: `human` reports on stderr, `json` findings on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Treat warnings as findings: exit with 1 when there are any.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// The JSON document of `--format json`.
#[derive(Serialize)]
struct JsonOutput {
    findings: Vec<JsonFinding>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    policies: usize,
    errors: usize,
    warnings: usize,
}

pub fn run(args: CheckArgs) -> Exit {
    let checked = match check_paths(&args.paths, &args.schema) {
        Ok(checked) => checked,
        Err(error) => {
            eprintln!("error: {error}");
            return Exit::Usage;
        }
    };
    let written = match args.format {
        Format::Human => {
            print_human(&checked);
            Ok(())
        }
        Format::Json => print_json(&checked),
    };
    if let Err(error) = written {
        eprintln!("error: cannot write the findings: {error}");
        return Exit::Usage;
    }
    exit_code(&checked, args.deny_warnings)
}

fn exit_code(checked: &Checked, deny_warnings: bool) -> Exit {
    let summary = checked.summary();
    match summary.errors > 0 || (deny_warnings && summary.warnings > 0) {
        true => Exit::Findings,
        false => Exit::Success,
    }
}

fn print_human(checked: &Checked) {
    let mut renderer = Renderer::new(&checked.sources, Style::for_stderr());
    for diagnostic in &checked.diagnostics {
        eprint!("{}", renderer.render(diagnostic));
        eprintln!();
    }
    eprintln!("{}", checked.summary());
}

fn print_json(checked: &Checked) -> Result<(), serde_json::Error> {
    let summary = checked.summary();
    let output = JsonOutput {
        findings: checked
            .diagnostics
            .iter()
            .map(|diagnostic| json_finding(&checked.sources, diagnostic))
            .collect(),
        summary: JsonSummary {
            files: summary.files,
            policies: summary.policies,
            errors: summary.errors,
            warnings: summary.warnings,
        },
    };
    let text = serde_json::to_string_pretty(&output)?;
    outln!("{text}");
    Ok(())
}
