//! The check that runs before any timing: every engine must reach the expected decision on
//! every truth-table row, through both the JSON path and the pre-loaded path.

use crate::engine::{Engine, EngineError};
use crate::truth_table::Row;

/// One row on which an engine disagreed with the expected decision or failed.
#[derive(Debug)]
pub struct Disagreement {
    pub engine: &'static str,
    pub input: String,
    pub expected: bool,
    pub outcome: Result<bool, String>,
}

fn check_row<E: Engine>(engine: &mut E, row: &Row) -> Result<bool, EngineError> {
    let from_json = engine.decide_json(&row.input)?;
    let loaded = engine.load(&row.input)?;
    let preloaded = engine.eval(&loaded)?;
    if from_json != preloaded {
        let detail = format!("JSON path returned {from_json}, pre-loaded path returned {preloaded}");
        return Err(EngineError::new(E::NAME, "agreement", detail));
    }
    Ok(from_json)
}

/// Checks engine `E` on every row, returning every disagreement found.
pub fn check_engine<E: Engine>(rows: &[Row]) -> Vec<Disagreement> {
    let mut engine = match E::build() {
        Ok(engine) => engine,
        Err(error) => {
            let outcome = Err(error.to_string());
            return vec![Disagreement { engine: E::NAME, input: String::new(), expected: false, outcome }];
        }
    };
    rows.iter()
        .filter_map(|row| {
            let outcome = check_row(&mut engine, row).map_err(|error| error.to_string());
            let expected = row.expected();
            (outcome.as_ref().ok() != Some(&expected)).then(|| Disagreement {
                engine: E::NAME,
                input: row.input.clone(),
                expected,
                outcome,
            })
        })
        .collect()
}
