//! `releasegate test`: run YAML decision test cases against the policies.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use compiler::codegen::{compile_paths, relative_name, CompileError};
use compiler::render::{Renderer, Style};
use serde::Deserialize;
use vm::decision::{combine, Mode};
use vm::outcome::PolicyResult;
use vm::{Bundle, EvalOptions};

use super::Exit;

const AFTER_HELP: &str = "\
Runs every *.test.yaml file under DIR (default policies/tests). A suite file looks like:

  policies: [SEC-PR-001]          # optional: policy ids or DSL names to evaluate; default all
  cases:
    - name: high risk blocks
      strict: false               # optional, default false
      policies: [SEC-PR-001]      # optional, overrides the suite's list
      input:                      # signal values, nested or dotted keys
        core_risk: {severity_level: HIGH}
      expect:                     # every key is optional
        decision: BLOCKED         # ALLOWED | BLOCKED | SKIPPED | ERROR | CONDITIONAL
        reason_code: POLICY_BLOCKED
        reason_contains: additional approval
        outcomes: {SEC-PR-001: BLOCK}      # COMPLIANT | WARN | BLOCK | UNDETERMINED | DISABLED | ERROR
        missing: {SEC-PR-001: []}          # missing signals per policy, sorted

Exit codes:
  0  every case passed
  1  a case failed, or the policies did not compile
  2  usage error, or a suite file could not be read or parsed";

/// Options of `releasegate test`.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct TestArgs {
    /// Directory of *.test.yaml suites, or one suite file.
    #[arg(value_name = "DIR", default_value = "policies/tests")]
    pub dir: PathBuf,

    /// Policy sources to compile before testing.
    #[arg(long, value_name = "DIR", default_value = "policies", conflicts_with = "bundle")]
    pub policies: PathBuf,

    /// Test an already compiled bundle (directory or artifact file) instead of compiling.
    #[arg(long, value_name = "DIR")]
    pub bundle: Option<PathBuf>,

    /// Signal schema used when compiling; by default the signals.yaml among the policies.
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Suite {
    #[serde(default)]
    policies: Vec<String>,
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    input: serde_json::Value,
    #[serde(default)]
    policies: Option<Vec<String>>,
    #[serde(default)]
    strict: bool,
    expect: Expect,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    decision: Option<String>,
    reason_code: Option<String>,
    reason: Option<String>,
    reason_contains: Option<String>,
    #[serde(default)]
    outcomes: BTreeMap<String, String>,
    #[serde(default)]
    missing: BTreeMap<String, Vec<String>>,
}

pub fn run(args: TestArgs) -> Exit {
    let bundle = match obtain_bundle(&args) {
        Ok(bundle) => bundle,
        Err(exit) => return exit,
    };
    let files = match suite_files(&args.dir) {
        Ok(files) => files,
        Err(message) => return usage(&message),
    };
    let mut suites = Vec::new();
    for file in &files {
        match read_suite(file) {
            Ok(suite) => suites.push((relative_name(&file.display().to_string(), std::slice::from_ref(&args.dir)), suite)),
            Err(message) => return usage(&message),
        }
    }
    let (passed, failed) = run_suites(&bundle, &suites);
    let verdict = if failed == 0 { "ok" } else { "FAILED" };
    outln!("test result: {verdict}. {passed} passed; {failed} failed; {} files", files.len());
    if failed == 0 { Exit::Success } else { Exit::Findings }
}

fn usage(message: &str) -> Exit {
    eprintln!("error: {message}");
    Exit::Usage
}

fn obtain_bundle(args: &TestArgs) -> Result<Bundle, Exit> {
    if let Some(path) = &args.bundle {
        return super::eval::load_bundle(path).map_err(|message| usage(&message));
    }
    match compile_paths(std::slice::from_ref(&args.policies), args.schema.as_deref()) {
        Ok(compiled) => Bundle::from_bytes(&compiled.artifact.bytes).map_err(|e| usage(&e.to_string())),
        Err(CompileError::Diagnostics { sources, diagnostics }) => {
            let mut renderer = Renderer::new(&sources, Style::for_stderr());
            eprint!("{}", renderer.render_all(&diagnostics));
            eprintln!("error: the policies did not compile");
            Err(Exit::Findings)
        }
        Err(other) => Err(usage(&other.to_string())),
    }
}

/// Lists every `*.test.yaml` file under `dir`, sorted by path; `dir` may itself be one file.
fn suite_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    if dir.is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    files.sort();
    if files.is_empty() {
        return Err(format!("no *.test.yaml files under {}", dir.display()));
    }
    Ok(files)
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read directory {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("cannot read directory {}: {e}", dir.display()))?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.to_string_lossy().ends_with(".test.yaml") {
            files.push(path);
        }
    }
    Ok(())
}

fn read_suite(path: &Path) -> Result<Suite, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let suite: Suite =
        serde_yaml::from_str(&text).map_err(|e| format!("invalid test suite {}: {e}", path.display()))?;
    for case in &suite.cases {
        check_expected(&case.expect).map_err(|e| format!("invalid test suite {}: case {:?}: {e}", path.display(), case.name))?;
    }
    Ok(suite)
}

/// Statuses that `expect.decision` may name.
const DECISIONS: [&str; 5] = ["ALLOWED", "BLOCKED", "SKIPPED", "ERROR", "CONDITIONAL"];

/// Outcomes that `expect.outcomes` may name.
const OUTCOMES: [&str; 6] = ["COMPLIANT", "WARN", "BLOCK", "UNDETERMINED", "DISABLED", "ERROR"];

/// Rejects an expected value that no run can produce, so a misspelling is a suite error and not
/// a case that fails for ever.
fn check_expected(expect: &Expect) -> Result<(), String> {
    if let Some(decision) = expect.decision.as_deref().filter(|value| !DECISIONS.contains(value)) {
        return Err(format!("expect.decision `{decision}` is not one of {}", DECISIONS.join(", ")));
    }
    for (policy, outcome) in &expect.outcomes {
        if !OUTCOMES.contains(&outcome.as_str()) {
            return Err(format!("expect.outcomes.{policy} `{outcome}` is not one of {}", OUTCOMES.join(", ")));
        }
    }
    Ok(())
}

fn run_suites(bundle: &Bundle, suites: &[(String, Suite)]) -> (usize, usize) {
    let (mut passed, mut failed) = (0, 0);
    for (file, suite) in suites {
        for case in &suite.cases {
            let differences = run_case(bundle, suite, case);
            if differences.is_empty() {
                outln!("ok   {file}: {}", case.name);
                passed += 1;
            } else {
                outln!("FAIL {file}: {}", case.name);
                differences.iter().for_each(|line| outln!("    {line}"));
                failed += 1;
            }
        }
    }
    (passed, failed)
}

/// Runs one case and returns the differences as `- expected` / `+ actual` line pairs.
fn run_case(bundle: &Bundle, suite: &Suite, case: &Case) -> Vec<String> {
    let references = case.policies.as_ref().unwrap_or(&suite.policies);
    let selected = match super::eval::select(bundle, references) {
        Ok(selected) => selected,
        Err(message) => return vec![format!("error: {message}")],
    };
    let frame = match bundle.frame_from_value(&case.input) {
        Ok(frame) => frame,
        Err(error) => return vec![format!("error: invalid input: {error}")],
    };
    let results = bundle.evaluate(&frame, &selected, &EvalOptions::default());
    let mode = if case.strict { Mode::Strict } else { Mode::Permissive };
    let decision = combine(&results, mode);

    let mut diff = Diff::default();
    diff.check("decision", case.expect.decision.as_deref(), decision.status.as_str());
    diff.check("reason_code", case.expect.reason_code.as_deref(), decision.reason_code.as_str());
    diff.check("reason", case.expect.reason.as_deref(), &decision.reason);
    if let Some(part) = &case.expect.reason_contains {
        if !decision.reason.contains(part.as_str()) {
            diff.pair(&format!("reason containing {part:?}"), &format!("reason {:?}", decision.reason));
        }
    }
    check_policies(&mut diff, &case.expect, &results);
    diff.lines
}

fn check_policies(diff: &mut Diff, expect: &Expect, results: &[PolicyResult]) {
    let find = |id: &str| results.iter().find(|r| r.policy_id() == id);
    for (id, outcome) in &expect.outcomes {
        let actual = find(id).map_or("not evaluated", |r| r.outcome.as_str());
        diff.check(&format!("outcome {id}"), Some(outcome), actual);
    }
    for (id, missing) in &expect.missing {
        let actual = find(id).map_or("not evaluated".to_string(), |r| format!("{:?}", r.missing));
        diff.check(&format!("missing {id}"), Some(&format!("{missing:?}")), &actual);
    }
}

#[derive(Default)]
struct Diff {
    lines: Vec<String>,
}

impl Diff {
    fn check(&mut self, field: &str, expected: Option<&str>, actual: &str) {
        if let Some(expected) = expected {
            if expected != actual {
                self.pair(&format!("{field}: {expected}"), &format!("{field}: {actual}"));
            }
        }
    }

    fn pair(&mut self, expected: &str, actual: &str) {
        self.lines.push(format!("- {expected}"));
        self.lines.push(format!("+ {actual}"));
    }
}
