//! Side-by-side timing of one release rule in ReleaseGate, cedar-policy, regorus (RVM) and
//! cel-interpreter, with hand-written Rust as the floor. `src/main.rs` is the `compare` binary.

pub mod agreement;
pub mod engine;
pub mod harness;
pub mod report;
pub mod rule;
pub mod truth_table;

pub mod engines {
    pub mod cedar;
    pub mod cel;
    pub mod native;
    pub mod rego;
    pub mod releasegate;
}
