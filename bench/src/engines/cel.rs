//! cel-interpreter 0.10: the rule as one CEL expression, each top-level input key a variable.

use cel_interpreter::{Context, Program, Value};

use crate::engine::{Engine, EngineError};
use crate::rule::CEL_EXPRESSION;

const NAME: &str = "cel-interpreter";

pub struct Cel {
    program: Program,
}

impl Engine for Cel {
    const NAME: &'static str = NAME;
    type Schema = ();
    type Loaded = Context<'static>;

    fn schema() -> Result<(), EngineError> {
        Ok(())
    }

    fn compile(_schema: &()) -> Result<Cel, EngineError> {
        let program =
            Program::compile(CEL_EXPRESSION).map_err(|error| EngineError::new(NAME, "parse", error))?;
        Ok(Cel { program })
    }

    /// Builds an empty context (no function table, which this rule does not need) so the input
    /// path costs only the JSON parse and the variable conversion.
    fn load(&self, json: &str) -> Result<Context<'static>, EngineError> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|error| EngineError::new(NAME, "input", error))?;
        let serde_json::Value::Object(fields) = value else {
            return Err(EngineError::new(NAME, "input", "the input is not a JSON object"));
        };
        let mut context = Context::empty();
        for (name, field) in fields {
            context
                .add_variable(name, field)
                .map_err(|error| EngineError::new(NAME, "input", error))?;
        }
        Ok(context)
    }

    fn eval(&mut self, input: &Context<'static>) -> Result<bool, EngineError> {
        match self.program.execute(input) {
            Ok(Value::Bool(block)) => Ok(block),
            Ok(other) => Err(EngineError::new(NAME, "execute", format!("expected a bool, got {other:?}"))),
            Err(error) => Err(EngineError::new(NAME, "execute", error)),
        }
    }
}
