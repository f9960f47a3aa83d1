//! "Did you mean" suggestions: the nearest candidate by edit distance.
//!
//! The implementation lives in the grammar crate, because parse errors need it for keyword
//! typos and the grammar cannot depend on the compiler. This module re-exports it.

pub use grammar::suggest::{levenshtein, nearest};
