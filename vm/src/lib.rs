//! ReleaseGate bundle artifacts and the bytecode VM. This crate does no I/O and no logging.

pub mod decision;
pub mod outcome;
pub mod signal;
