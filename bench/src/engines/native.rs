//! Hand-written Rust: the rule as a plain boolean expression over a struct that serde fills in.
//! It is the floor that no interpreter can beat, not a competitor.

use serde::Deserialize;

use crate::engine::{Engine, EngineError, Role};

const NAME: &str = "hand-written Rust";

#[derive(Deserialize)]
pub struct Risk {
    level: String,
}

#[derive(Deserialize)]
pub struct Approvals {
    count: i64,
}

#[derive(Deserialize)]
pub struct Change {
    changed_files: i64,
}

#[derive(Deserialize)]
pub struct Signals {
    risk: Risk,
    approvals: Approvals,
    change: Change,
    environment: String,
}

pub struct Native;

impl Engine for Native {
    const NAME: &'static str = NAME;
    const ROLE: Role = Role::Floor;
    type Schema = ();
    type Loaded = Signals;

    fn schema() -> Result<(), EngineError> {
        Ok(())
    }

    fn compile(_schema: &()) -> Result<Native, EngineError> {
        Ok(Native)
    }

    fn load(&self, json: &str) -> Result<Signals, EngineError> {
        serde_json::from_str(json).map_err(|error| EngineError::new(NAME, "input", error))
    }

    fn eval(&mut self, input: &Signals) -> Result<bool, EngineError> {
        Ok((input.risk.level == "HIGH" && input.approvals.count < 2)
            || (input.change.changed_files > 50 && input.environment == "production"))
    }
}
