//! "Did you mean" suggestions: the nearest candidate by edit distance.
//!
//! The implementation lives in the grammar crate, which needs it for keyword typos in parse
//! errors and cannot depend on the compiler; this module re-exports it for the compiler.

pub use grammar::suggest::{levenshtein, nearest};
