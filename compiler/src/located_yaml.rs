//! YAML values with byte spans, for the signal schema, the transition map and the role map.
//!
//! The text is parsed by `crate::yaml_tree`, the saphyr-based parser that also reads policy
//! files, so every key, value and list item has the exact span of its text. Scalars are typed
//! as serde_yaml 0.9 types them (`located_yaml/scalar.rs` lists the rules), and each alias is
//! replaced by a copy of the node that its anchor names.

mod convert;
pub mod read;
mod scalar;

use crate::span::{SourceId, Span, Spanned};
use crate::yaml_tree;

/// A YAML value and the bytes it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    /// Entries in file order. Keys are unique: duplicates are rejected while parsing.
    Map(Vec<Entry>),
}

/// One `key: value` pair of a mapping. Scalar keys (numbers, booleans) are kept as their text.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Spanned<String>,
    pub value: Node,
}

impl Node {
    /// Returns the YAML name of the value's kind, for messages such as "expected a list, found a
    /// string".
    pub fn kind_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a decimal number",
            Value::String(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(flag) => Some(flag),
            _ => None,
        }
    }

    /// Returns a scalar as text: strings as they are, numbers and booleans as written by YAML.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::String(text) => Some(text.clone()),
            Value::Int(number) => Some(number.to_string()),
            Value::Float(number) => Some(number.to_string()),
            Value::Bool(flag) => Some(flag.to_string()),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }
}

/// A reason a YAML text could not be read.
#[derive(Clone, Debug, PartialEq)]
pub enum YamlProblem {
    /// The YAML parser rejected the text. `tab` is set when it stopped at a tab character.
    Syntax {
        message: String,
        span: Span,
        tab: bool,
    },
    /// A key appears twice in one mapping.
    DuplicateKey {
        key: String,
        span: Span,
        first: Span,
    },
    /// A mapping key that is a list or a mapping.
    ComplexKey { span: Span },
    /// An alias (`*name`) that cannot be replaced by a copy of its anchored value.
    Alias { message: String, span: Span },
}

/// Parses `text` (the contents of source `source`) into a located tree. An empty document or one
/// holding only comments is `Value::Null`. A text with more than one document is rejected.
pub fn parse(text: &str, source: SourceId) -> Result<Node, Vec<YamlProblem>> {
    let documents = yaml_tree::parse_documents(text, source)
        .map_err(|error| vec![syntax_problem(text, source, error.offset, &error.message)])?;
    let mut documents = documents.into_iter();
    let Some(root) = documents.next() else {
        let span = Span::new(source, 0, 0);
        return Ok(Node {
            value: Value::Null,
            span,
        });
    };
    if let Some(second) = documents.next() {
        let message = "found a second YAML document; this file must contain one document";
        return Err(vec![syntax_problem(
            text,
            source,
            second.span.start,
            message,
        )]);
    }
    convert::convert(text, &root)
}

/// Returns a syntax problem at byte `offset`, with the line and column in the message. saphyr
/// reports a tab in the indentation at the character after it, so an error whose line starts
/// with blanks that contain a tab is moved onto that tab.
fn syntax_problem(text: &str, source: SourceId, offset: usize, message: &str) -> YamlProblem {
    let offset = indentation_tab(text, offset).unwrap_or(offset.min(text.len()));
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let column = before.get(line_start..).unwrap_or("").chars().count() + 1;
    let rest = text.get(offset..).unwrap_or("");
    let width = match rest.chars().next() {
        Some(c) if c != '\n' && c != '\r' => c.len_utf8(),
        _ => 0,
    };
    YamlProblem::Syntax {
        message: format!("{message} at line {line} column {column}"),
        span: Span::new(source, offset, offset + width),
        tab: rest.starts_with('\t'),
    }
}

/// Returns the offset of the first tab in the blanks between the start of the line and
/// `offset`, when everything there is a blank.
fn indentation_tab(text: &str, offset: usize) -> Option<usize> {
    let before = text.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let indentation = before.get(line_start..)?;
    if !indentation.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    indentation.find('\t').map(|tab| line_start + tab)
}

#[cfg(test)]
mod tests;
