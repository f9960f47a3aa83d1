//! pest grammar for the ReleaseGate policy DSL and its expression language.
//!
//! [`parse_file`] parses a whole `.rgl` file and [`parse_expression`] a standalone expression
//! (a YAML or JSON `when:` string). Both return a typed concrete syntax tree ([`cst`]) whose
//! spans are byte offsets into the parsed text, or a [`ParseError`] that states what was expected
//! and what was found.
//!
//! Both try a hand-written recursive descent parser first, which builds the same tree many
//! times faster, and fall back to the pest parser for input it does not accept. Every parse
//! error therefore comes from the pest parser.
//!
//! String literals accept the escapes `\"`, `\\`, `\n`, `\t`, `\r`, `\u{1F600}` (one to six hex
//! digits) and `\u00E9` (exactly four hex digits), and must close on the line they open.

mod build_cst;
pub mod cst;
mod descent;
mod error;
mod expected;
mod parser;
mod scan;
pub mod suggest;
mod unescape;

use pest::Parser as _;

pub use cst::*;
pub use error::{ParseError, ParseErrorKind};
pub use expected::META_KEYS;

use parser::PolicyParser;

/// Maximum nesting of parentheses, brackets, braces and consecutive `not`s. Deeper input is
/// rejected before parsing, so a hostile file cannot overflow the parser's stack.
pub const MAX_NESTING: usize = 64;

/// Parses a whole `.rgl` file. The error is boxed because it is large and rare.
pub fn parse_file(text: &str) -> Result<File, Box<ParseError>> {
    check_nesting(text)?;
    match descent::file(text) {
        Some(file) => Ok(file),
        None => pest_file(text),
    }
}

/// Parses a standalone expression such as `risk.level in ["HIGH", "CRITICAL"] and not x`.
pub fn parse_expression(text: &str) -> Result<Expr, Box<ParseError>> {
    check_nesting(text)?;
    match descent::expression(text) {
        Some(expr) => Ok(expr),
        None => pest_expression(text),
    }
}

/// Parses a file with the pest parser, which gives the error when the input is invalid.
fn pest_file(text: &str) -> Result<File, Box<ParseError>> {
    let pairs = PolicyParser::parse(parser::Rule::file, text).map_err(|error| Box::new(ParseError::from_pest(&error, text)))?;
    build_cst::file(pairs)
}

/// Parses an expression with the pest parser, which gives the error when the input is invalid.
fn pest_expression(text: &str) -> Result<Expr, Box<ParseError>> {
    let pairs =
        PolicyParser::parse(parser::Rule::expression_input, text).map_err(|error| Box::new(ParseError::from_pest(&error, text)))?;
    build_cst::expression_input(pairs)
}

fn check_nesting(text: &str) -> Result<(), Box<ParseError>> {
    match scan::nesting_overflow(text, MAX_NESTING) {
        Some(pos) => Err(Box::new(ParseError::too_deep(Span::new(pos, pos + 1), MAX_NESTING))),
        None => Ok(()),
    }
}
