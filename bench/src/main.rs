//! `compare`: checks that every engine agrees on the 16-row truth table, then times the rule in
//! every engine in one run and prints markdown tables with medians and ratios.
//!
//! Usage: `compare [--samples N] [--sample-ms MS]` (defaults 31 samples of 20 ms each).

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Duration;

use bench_compare::agreement::{check_engine, Disagreement};
use bench_compare::engine::{Engine, EngineError, Role};
use bench_compare::engines::cedar::{self, Cedar};
use bench_compare::engines::cel::Cel;
use bench_compare::engines::native::Native;
use bench_compare::engines::rego::{self, Rego};
use bench_compare::engines::releasegate::{self, ReleaseGate};
use bench_compare::harness::{measure, Case, Settings};
use bench_compare::report::GroupResult;
use bench_compare::rule::{INPUT_BLOCK, INPUT_PASS};
use bench_compare::truth_table;

/// Builds the cases of one group for every engine, in table order.
macro_rules! for_each_engine {
    ($builder:ident $(, $argument:expr)*) => {
        vec![
            $builder::<ReleaseGate>($($argument),*)?,
            $builder::<Cel>($($argument),*)?,
            $builder::<Rego>($($argument),*)?,
            $builder::<Cedar>($($argument),*)?,
            $builder::<Native>($($argument),*)?,
        ]
    };
}

fn eval_case<E: Engine + 'static>(json: &str) -> Result<(Role, Case), EngineError>
where
    E::Loaded: 'static,
{
    let mut engine = E::build()?;
    let input = engine.load(json)?;
    Ok((E::ROLE, Case::new(E::NAME, move || engine.eval(black_box(&input)))))
}

fn json_case<E: Engine + 'static>(json: &'static str) -> Result<(Role, Case), EngineError> {
    let mut engine = E::build()?;
    Ok((E::ROLE, Case::new(E::NAME, move || engine.decide_json(json))))
}

fn compile_case<E: Engine + 'static>() -> Result<(Role, Case), EngineError>
where
    E::Schema: 'static,
{
    let schema = E::schema()?;
    Ok((E::ROLE, Case::new(E::NAME, move || E::compile(&schema))))
}

/// Parts of the compile steps, shown below the totals and left out of the ratios.
fn compile_part_cases() -> Result<Vec<(Role, Case)>, EngineError> {
    let schema = Cedar::schema()?;
    let policies = cedar::parse_policies()?;
    let releasegate_schema = ReleaseGate::schema()?;
    Ok(vec![
        (Role::Part, Case::new("ReleaseGate, to artifact bytes (no load)", move || releasegate::compile_artifact(&releasegate_schema))),
        (Role::Part, Case::new("cedar-policy, parse only", cedar::parse_policies)),
        (Role::Part, Case::new("cedar-policy, validate only", move || cedar::validate(&schema, &policies))),
        (Role::Part, Case::new("regorus, to RVM program only", rego::compile_program)),
    ])
}

fn run_group(title: &str, cases: Vec<(Role, Case)>, target_ratio: Option<f64>, settings: Settings) -> GroupResult {
    let (roles, mut cases): (Vec<Role>, Vec<Case>) = cases.into_iter().unzip();
    let measurements = measure(&mut cases, settings);
    GroupResult { title: title.to_string(), measurements: roles.into_iter().zip(measurements).collect(), target_ratio }
}

fn run_all(settings: Settings) -> Result<Vec<GroupResult>, EngineError> {
    let mut compile_cases = for_each_engine!(compile_case);
    compile_cases.extend(compile_part_cases()?);
    Ok(vec![
        run_group("Evaluation, rule and input pre-loaded (input fires)", for_each_engine!(eval_case, INPUT_BLOCK), Some(0.5), settings),
        run_group("Evaluation, rule and input pre-loaded (input passes)", for_each_engine!(eval_case, INPUT_PASS), Some(0.5), settings),
        run_group("JSON text to decision (input fires)", for_each_engine!(json_case, INPUT_BLOCK), Some(0.6), settings),
        run_group("JSON text to decision (input passes)", for_each_engine!(json_case, INPUT_PASS), Some(0.6), settings),
        run_group("Parse + compile of the rule", compile_cases, Some(1.0), settings),
    ])
}

fn check_agreement() -> Vec<Disagreement> {
    let rows = truth_table::rows();
    let mut found = check_engine::<ReleaseGate>(&rows);
    found.extend(check_engine::<Cel>(&rows));
    found.extend(check_engine::<Rego>(&rows));
    found.extend(check_engine::<Cedar>(&rows));
    found.extend(check_engine::<Native>(&rows));
    found
}

fn parse_settings() -> Result<Settings, String> {
    let mut settings = Settings { samples: 31, sample_time: Duration::from_millis(20) };
    let mut arguments = std::env::args().skip(1);
    while let Some(flag) = arguments.next() {
        let value = arguments.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number: u64 = value.parse().map_err(|_| format!("{flag}: `{value}` is not a whole number"))?;
        match flag.as_str() {
            "--samples" => settings.samples = number.max(1) as usize,
            "--sample-ms" => settings.sample_time = Duration::from_millis(number.max(1)),
            _ => return Err(format!("unknown option `{flag}`; expected --samples N or --sample-ms MS")),
        }
    }
    Ok(settings)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map(|text| text.trim().to_string()).unwrap_or_default()
}

fn main() -> ExitCode {
    let settings = match parse_settings() {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("compare: {message}");
            return ExitCode::from(2);
        }
    };
    let disagreements = check_agreement();
    if !disagreements.is_empty() {
        for found in &disagreements {
            eprintln!("{}: expected {} on {}, got {:?}", found.engine, found.expected, found.input, found.outcome);
        }
        eprintln!("compare: engines disagree on the truth table, so nothing was timed");
        return ExitCode::FAILURE;
    }
    println!("Truth table: all engines agree on all {} rows.\n", truth_table::rows().len());
    println!("Load average before: {}\n", load_average());
    match run_all(settings) {
        Ok(groups) => {
            for group in &groups {
                println!("{}", group.to_markdown());
            }
            println!("Load average after: {}", load_average());
            println!("Settings: {} samples of about {} ms per case, samples of a group interleaved.", settings.samples, settings.sample_time.as_millis());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("compare: {error}");
            ExitCode::FAILURE
        }
    }
}
