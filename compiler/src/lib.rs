//! ReleaseGate policy compiler: YAML, JSON and DSL front ends lower to one AST, which is type
//! checked against the signal schema and compiled to a bytecode bundle (see the `vm` crate).

pub mod ast;
pub mod check;
pub mod codegen;
pub use codegen::compile_paths;
pub mod reference;
pub mod diagnostic;
pub mod frontend;
pub mod located_yaml;
pub mod maps;
pub mod render;
pub mod pipeline;
pub mod sources;
pub mod schema;
pub mod span;
pub mod suggest;
mod yaml_tree;
