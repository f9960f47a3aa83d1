//! ReleaseGate bundle artifacts and the bytecode VM. This crate does no I/O and no logging.
//!
//! Load an artifact with [`Bundle::from_bytes`], decode an input with
//! [`Bundle::frame_from_json`], run policies with [`Bundle::evaluate`] and fold the results into
//! one status with [`decision::combine`].

pub mod artifact;
pub mod bundle;
mod compare;
pub mod constant;
pub mod decision;
pub mod disasm;
pub mod error;
pub mod frame;
mod fuse;
pub mod ids;
pub mod instr;
pub mod interp;
mod labels;
pub mod opcode;
mod operand;
pub mod outcome;
pub mod policy_info;
pub mod program;
pub mod signal;
mod stack;
pub mod value;

pub use bundle::Bundle;
pub use error::{InputError, LoadError};
pub use frame::Frame;
pub use ids::{CodePos, ConstIdx, ControlIdx, PolicyIdx, SignalId};
pub use interp::EvalOptions;
pub use policy_info::{PolicyInfo, Requires};
pub use value::Value;
