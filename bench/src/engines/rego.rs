//! regorus 0.14: the Rego policy compiled to RVM bytecode and run on `RegoVM`.

use std::sync::Arc;

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::program::Program;
use regorus::rvm::vm::RegoVM;
use regorus::Value;

use crate::engine::{Engine, EngineError};
use crate::rule::{REGO_ENTRY_POINT, REGO_POLICY};

const NAME: &str = "regorus (RVM)";

pub struct Rego {
    vm: RegoVM,
}

/// Parses and compiles the policy to an RVM program.
pub fn compile_program() -> Result<Arc<Program>, EngineError> {
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("bench.rego".to_string(), REGO_POLICY.to_string())
        .map_err(|error| EngineError::new(NAME, "parse", error))?;
    let entry_point: regorus::Rc<str> = REGO_ENTRY_POINT.into();
    let compiled = engine
        .compile_with_entrypoint(&entry_point)
        .map_err(|error| EngineError::new(NAME, "compile", error))?;
    Compiler::compile_from_policy(&compiled, &[REGO_ENTRY_POINT])
        .map_err(|error| EngineError::new(NAME, "compile to RVM", error))
}

impl Engine for Rego {
    const NAME: &'static str = NAME;
    type Schema = ();
    type Loaded = Value;

    fn schema() -> Result<(), EngineError> {
        Ok(())
    }

    fn compile(_schema: &()) -> Result<Rego, EngineError> {
        let program = compile_program()?;
        let mut vm = RegoVM::new();
        vm.load_program(program);
        Ok(Rego { vm })
    }

    fn load(&self, json: &str) -> Result<Value, EngineError> {
        Value::from_json_str(json).map_err(|error| EngineError::new(NAME, "input", error))
    }

    fn eval(&mut self, input: &Value) -> Result<bool, EngineError> {
        // `Value` is reference-counted, so this clone copies a pointer, not the input.
        self.vm.set_input(input.clone());
        let result = self
            .vm
            .execute()
            .map_err(|error| EngineError::new(NAME, "execute", error))?;
        match result {
            Value::Bool(block) => Ok(block),
            other => Err(EngineError::new(NAME, "execute", format!("expected a bool, got {other}"))),
        }
    }
}
