//! `releasegate eval`: evaluate a compiled bundle against one JSON input.

use std::io::Read;
use std::path::{Path, PathBuf};

use compiler::codegen::ARTIFACT_FILE;
use serde::Serialize;
use vm::decision::{combine, Combined, Mode};
use vm::outcome::{PolicyResult, TraceStep, Truth};
use vm::{Bundle, EvalOptions, PolicyIdx};

use super::Exit;

const AFTER_HELP: &str = "\
The input is one JSON object of signal values, nested ({\"risk\":{\"level\":\"HIGH\"}}) or with
dotted keys ({\"risk.level\":\"HIGH\"}). Unknown keys are ignored and null means missing.

Exit codes:
  0  evaluated (whatever the decision)
  1  the input is not valid JSON, has a value of the wrong type, or --policy names no policy
  2  usage error, or the bundle or input could not be read or loaded

Examples:
  releasegate eval --bundle build/ --input change.json --explain
  echo '{\"risk.level\":\"HIGH\"}' | releasegate eval --bundle build/ --input - --format json";

/// Options of `releasegate eval`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct EvalArgs {
    /// Bundle directory (holding bundle.rgb) or artifact file.
    #[arg(long, value_name = "DIR")]
    pub bundle: PathBuf,

    /// JSON input file, or `-` for stdin.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,

    /// Evaluate only this policy id or DSL policy name (repeatable); default: every policy.
    #[arg(long = "policy", value_name = "ID")]
    pub policies: Vec<String>,

    /// Show each control that was evaluated, with the actual value and its truth.
    #[arg(long)]
    pub explain: bool,

    /// Strict mode: an UNDETERMINED policy blocks (MISSING_SIGNAL_STRICT).
    #[arg(long)]
    pub strict: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Instruction budget per policy.
    #[arg(long, value_name = "N", default_value_t = vm::interp::DEFAULT_BUDGET)]
    pub budget: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// Reads a bundle from an artifact file or a directory holding `bundle.rgb`.
pub(super) fn load_bundle(path: &Path) -> Result<Bundle, String> {
    let file = if path.is_dir() { path.join(ARTIFACT_FILE) } else { path.to_path_buf() };
    let bytes = std::fs::read(&file).map_err(|e| format!("cannot read bundle {}: {e}", file.display()))?;
    Bundle::from_bytes(&bytes).map_err(|e| format!("cannot load bundle {}: {e}", file.display()))
}

fn read_input(path: &Path) -> Result<String, String> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| format!("cannot read stdin: {e}"))?;
        return Ok(compiler::sources::without_bom(text));
    }
    std::fs::read_to_string(path)
        .map(compiler::sources::without_bom)
        .map_err(|e| format!("cannot read input {}: {e}", path.display()))
}

/// Resolves `--policy` references; an empty list selects every policy.
pub(super) fn select(bundle: &Bundle, references: &[String]) -> Result<Vec<PolicyIdx>, String> {
    if references.is_empty() {
        return Ok(bundle.all_policies());
    }
    let mut selected = Vec::new();
    for reference in references {
        let found = bundle.resolve_ref(reference);
        if found.is_empty() {
            return Err(format!("no policy in the bundle matches {reference:?}; run `releasegate inspect` to list them"));
        }
        selected.extend(found.into_iter().filter(|idx| !selected.contains(idx)).collect::<Vec<_>>());
    }
    Ok(selected)
}

pub fn run(args: EvalArgs) -> Exit {
    let bundle = match load_bundle(&args.bundle) {
        Ok(bundle) => bundle,
        Err(message) => return fail(&message, Exit::Usage),
    };
    let text = match read_input(&args.input) {
        Ok(text) => text,
        Err(message) => return fail(&message, Exit::Usage),
    };
    let frame = match bundle.frame_from_json(&text) {
        Ok(frame) => frame,
        Err(error) => return fail(&format!("invalid input: {error}"), Exit::Findings),
    };
    let selected = match select(&bundle, &args.policies) {
        Ok(selected) => selected,
        Err(message) => return fail(&message, Exit::Findings),
    };
    let options = EvalOptions { trace: args.explain, budget: args.budget };
    let results = bundle.evaluate(&frame, &selected, &options);
    let mode = if args.strict { Mode::Strict } else { Mode::Permissive };
    let decision = combine(&results, mode);
    match args.format {
        Format::Human => out!("{}", render_human(&results, &decision)),
        Format::Json => outln!("{}", render_json(&bundle, &results, &decision, mode)),
    }
    Exit::Success
}

fn fail(message: &str, exit: Exit) -> Exit {
    eprintln!("error: {message}");
    exit
}

/// Renders results as aligned text: one line per policy, its trace indented below.
pub(super) fn render_human(results: &[PolicyResult], decision: &Combined) -> String {
    let width = results.iter().map(|r| r.policy_id().len()).max().unwrap_or(0);
    let mut out = String::new();
    for result in results {
        let detail = match (result.message(), result.missing.is_empty()) {
            (Some(message), _) => message.to_string(),
            (None, false) => format!("missing: {}", result.missing.join(", ")),
            (None, true) => String::new(),
        };
        let line = format!("{:<width$}  {:<12}  {detail}", result.policy_id(), result.outcome.as_str());
        out.push_str(line.trim_end());
        out.push('\n');
        for step in result.trace.iter().flatten() {
            out.push_str(&render_step(step));
        }
    }
    let allow = if decision.status.allows() { "allow" } else { "deny" };
    out.push_str(&format!(
        "decision: {} ({}, {allow}): {}\n",
        decision.status.as_str(),
        decision.reason_code.as_str(),
        decision.reason
    ));
    out
}

fn render_step(step: &TraceStep) -> String {
    let truth = match step.result {
        Truth::True => "true",
        Truth::False => "false",
        Truth::Unknown => "unknown",
    };
    let actual = match &step.actual {
        serde_json::Value::Null => "missing".to_string(),
        value => value.to_string(),
    };
    format!("    {} -> {truth} (actual: {actual})\n", step.control)
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    bundle_hash: &'a str,
    mode: &'static str,
    policies: &'a [PolicyResult],
    decision: JsonDecision<'a>,
}

#[derive(Serialize)]
struct JsonDecision<'a> {
    status: &'static str,
    allow: bool,
    reason_code: &'static str,
    reason: &'a str,
}

fn render_json(bundle: &Bundle, results: &[PolicyResult], decision: &Combined, mode: Mode) -> String {
    let output = JsonOutput {
        bundle_hash: bundle.bundle_hash(),
        mode: if mode == Mode::Strict { "strict" } else { "permissive" },
        policies: results,
        decision: JsonDecision {
            status: decision.status.as_str(),
            allow: decision.status.allows(),
            reason_code: decision.reason_code.as_str(),
            reason: &decision.reason,
        },
    };
    serde_json::to_string_pretty(&output).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
