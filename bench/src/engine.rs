//! The interface every compared engine implements, so that the truth table and the timing loops
//! treat them alike.

/// A failure in one engine, named by engine and stage.
#[derive(Debug, thiserror::Error)]
#[error("{engine}: {stage} failed: {detail}")]
pub struct EngineError {
    pub engine: &'static str,
    pub stage: &'static str,
    pub detail: String,
}

impl EngineError {
    pub fn new(engine: &'static str, stage: &'static str, detail: impl ToString) -> EngineError {
        EngineError { engine, stage, detail: detail.to_string() }
    }
}

/// The part an engine plays in the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// ReleaseGate, the engine the targets are about.
    Subject,
    /// Another policy engine; targets compare against the fastest of these.
    Competitor,
    /// Hand-written Rust, shown for scale and left out of the ratios.
    Floor,
    /// One stage of an engine's step, shown for detail and left out of the ratios.
    Part,
}

/// One policy engine holding the benchmark rule.
pub trait Engine: Sized {
    /// Display name used in tables.
    const NAME: &'static str;
    const ROLE: Role = Role::Competitor;
    /// Whatever the engine parses once before any rule (a schema), or `()`.
    type Schema;
    /// An input after parsing, ready to evaluate.
    type Loaded;

    /// Parses the engine's schema, outside of the timed compile step.
    fn schema() -> Result<Self::Schema, EngineError>;
    /// Parses, checks and compiles the rule into an evaluator: the step timed as parse + compile.
    fn compile(schema: &Self::Schema) -> Result<Self, EngineError>;
    /// Parses one JSON input into the engine's input representation.
    fn load(&self, json: &str) -> Result<Self::Loaded, EngineError>;
    /// Evaluates the rule on a loaded input; `true` means BLOCK.
    fn eval(&mut self, input: &Self::Loaded) -> Result<bool, EngineError>;

    /// Takes JSON text to a decision: `load` then `eval`.
    fn decide_json(&mut self, json: &str) -> Result<bool, EngineError> {
        let input = self.load(json)?;
        self.eval(&input)
    }

    /// Parses the schema and compiles the rule, for callers that do not time the steps.
    fn build() -> Result<Self, EngineError> {
        let schema = Self::schema()?;
        Self::compile(&schema)
    }
}
