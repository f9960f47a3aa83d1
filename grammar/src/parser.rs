//! The pest parser generated from `releasegate.pest`.

#![allow(missing_docs)]

use pest_derive::Parser;

#[derive(Parser)]
#[grammar = "releasegate.pest"]
pub(crate) struct PolicyParser;
