//! ReleaseGate: the DSL rule compiled by the workspace compiler, loaded from artifact bytes and
//! run on the bytecode VM, exactly as the runtime loads a bundle.

use compiler::schema::Schema;
use compiler::span::SourceMap;
use vm::outcome::{Outcome, PolicyResult};
use vm::{Bundle, EvalOptions, Frame, PolicyIdx};

use crate::engine::{Engine, EngineError, Role};
use crate::rule::{RELEASEGATE_POLICY, RELEASEGATE_SCHEMA};

const NAME: &str = "ReleaseGate";

pub struct ReleaseGate {
    bundle: Bundle,
    policies: Vec<PolicyIdx>,
    options: EvalOptions,
}

/// Lists diagnostics in one line for an error message.
fn describe(diagnostics: &[compiler::diagnostic::Diagnostic]) -> String {
    let messages: Vec<String> =
        diagnostics.iter().map(|diagnostic| format!("{}: {}", diagnostic.code, diagnostic.message)).collect();
    messages.join("; ")
}

/// Parses the rule (the front-end step of parse + compile).
pub fn parse(map: &mut SourceMap) -> Result<Vec<compiler::ast::Policy>, EngineError> {
    let id = map.add("block.rgl", RELEASEGATE_POLICY);
    let (policies, diagnostics) = compiler::frontend::lower_file(map, id);
    if diagnostics.is_empty() {
        Ok(policies)
    } else {
        Err(EngineError::new(NAME, "parse", describe(&diagnostics)))
    }
}

/// Parses, type-checks and compiles the rule to artifact bytes.
pub fn compile_artifact(schema: &Schema) -> Result<Vec<u8>, EngineError> {
    let mut map = SourceMap::new();
    let policies = parse(&mut map)?;
    let diagnostics = compiler::check::check_policies(&policies, schema);
    if !diagnostics.is_empty() {
        return Err(EngineError::new(NAME, "check", describe(&diagnostics)));
    }
    let artifact = compiler::codegen::compile_bundle(&policies, schema)
        .map_err(|diagnostics| EngineError::new(NAME, "compile", describe(&diagnostics)))?;
    Ok(artifact.bytes)
}

fn block_outcome(results: &[PolicyResult]) -> Result<bool, EngineError> {
    match results.first().map(|result| result.outcome) {
        Some(Outcome::Block) => Ok(true),
        Some(Outcome::Compliant) => Ok(false),
        other => Err(EngineError::new(NAME, "evaluate", format!("unexpected outcome {other:?}"))),
    }
}

impl Engine for ReleaseGate {
    const NAME: &'static str = NAME;
    const ROLE: Role = Role::Subject;
    type Schema = Schema;
    type Loaded = Frame;

    fn schema() -> Result<Schema, EngineError> {
        let mut map = SourceMap::new();
        let id = map.add("signals.yaml", RELEASEGATE_SCHEMA);
        Schema::parse(&map, id).map_err(|diagnostics| EngineError::new(NAME, "schema", describe(&diagnostics)))
    }

    /// Compiles to artifact bytes and loads them, so the timed step ends with a verified bundle
    /// ready to evaluate, as the runtime keeps it.
    fn compile(schema: &Schema) -> Result<ReleaseGate, EngineError> {
        let bytes = compile_artifact(schema)?;
        let bundle = Bundle::from_bytes(&bytes).map_err(|error| EngineError::new(NAME, "load", error))?;
        let policies = bundle.all_policies();
        Ok(ReleaseGate { bundle, policies, options: EvalOptions::default() })
    }

    fn load(&self, json: &str) -> Result<Frame, EngineError> {
        self.bundle.frame_from_json(json).map_err(|error| EngineError::new(NAME, "input", error))
    }

    fn eval(&mut self, input: &Frame) -> Result<bool, EngineError> {
        block_outcome(&self.bundle.evaluate(input, &self.policies, &self.options))
    }
}
