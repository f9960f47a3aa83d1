//! YAML values with byte spans, for the signal schema, the transition map and the role map.
//!
//! serde_yaml parses the text and decides every value. Its values carry no positions, so a
//! line-based outline of the block structure locates each key, value and list item afterwards.
//!
//! NOTE: spans come from that scan, not from the YAML parser. Block mappings, block sequences and
//! one-line flow collections are located exactly. A value the scan cannot find (for example in an
//! unusual multi-line layout) gets the span of its nearest located parent.

mod outline;
pub mod read;

use outline::Outline;

use crate::span::{SourceId, Span, Spanned};

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
}

/// Parses `text` (the contents of source `source`) into a located tree. An empty document or one
/// holding only comments is `Value::Null`.
pub fn parse(text: &str, source: SourceId) -> Result<Node, Vec<YamlProblem>> {
    let parsed: Result<serde_yaml::Value, _> = serde_yaml::from_str(text);
    let outline = outline::outline(text);
    let value = match parsed {
        Ok(value) => value,
        Err(error) => return Err(syntax_problems(text, source, &outline, &error)),
    };
    let locator = Locator {
        text,
        source,
        outline,
    };
    let root = locator.outline.root();
    let span = locator.span(locator.value_range(root));
    locator
        .node(&value, Place::Entry(root), span)
        .map_err(|problem| vec![problem])
}

fn syntax_problems(
    text: &str,
    source: SourceId,
    outline: &Outline,
    error: &serde_yaml::Error,
) -> Vec<YamlProblem> {
    let duplicates: Vec<YamlProblem> = outline
        .duplicate_keys()
        .into_iter()
        .filter_map(|(second, first)| duplicate_problem(outline, source, second, first))
        .collect();
    let message = error.to_string();
    if message.contains("duplicate entry") && !duplicates.is_empty() {
        return duplicates;
    }
    let span = match error.location() {
        Some(location) => error_span(text, source, location.line(), location.column()),
        None => Span::new(source, 0, first_line_end(text)),
    };
    let tab = text
        .get(span.start..)
        .is_some_and(|rest| rest.starts_with('\t'));
    vec![YamlProblem::Syntax { message, span, tab }]
}

fn duplicate_problem(
    outline: &Outline,
    source: SourceId,
    second: usize,
    first: usize,
) -> Option<YamlProblem> {
    let second = outline.entry(second)?;
    let first = outline.entry(first)?;
    Some(YamlProblem::DuplicateKey {
        key: second.key.clone().unwrap_or_default(),
        span: Span::new(source, second.key_range.0, second.key_range.1),
        first: Span::new(source, first.key_range.0, first.key_range.1),
    })
}

/// Converts a 1-based line and character column from the YAML parser to a one-character span.
fn error_span(text: &str, source: SourceId, line: usize, column: usize) -> Span {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = text.get(line_start..).unwrap_or("");
    let mut chars = rest.char_indices().skip(column.saturating_sub(1));
    let start = chars.next().map_or(rest.len(), |(offset, _)| offset);
    let end = match rest.get(start..).and_then(|tail| tail.chars().next()) {
        Some(c) if c != '\n' && c != '\r' => start + c.len_utf8(),
        _ => start,
    };
    Span::new(source, line_start + start, line_start + end)
}

fn first_line_end(text: &str) -> usize {
    text.find('\n').unwrap_or(text.len())
}

/// The location of a value: an outline entry (exact), or a byte range to search inside.
#[derive(Clone, Copy)]
enum Place {
    Entry(usize),
    Range(usize, usize),
}

struct Locator<'a> {
    text: &'a str,
    source: SourceId,
    outline: Outline,
}

impl Locator<'_> {
    fn span(&self, range: (usize, usize)) -> Span {
        Span::new(self.source, range.0, range.1)
    }

    fn value_range(&self, entry: usize) -> (usize, usize) {
        self.outline
            .entry(entry)
            .map_or((0, 0), |e| e.value_range(&self.outline))
    }

    fn place_range(&self, place: Place) -> (usize, usize) {
        match place {
            Place::Entry(entry) => self.value_range(entry),
            Place::Range(start, end) => (start, end),
        }
    }

    fn node(
        &self,
        value: &serde_yaml::Value,
        place: Place,
        span: Span,
    ) -> Result<Node, YamlProblem> {
        let value = match value {
            serde_yaml::Value::Null => Value::Null,
            serde_yaml::Value::Bool(flag) => Value::Bool(*flag),
            serde_yaml::Value::Number(number) => number_value(number),
            serde_yaml::Value::String(text) => Value::String(text.clone()),
            serde_yaml::Value::Sequence(items) => Value::Seq(self.sequence(items, place, span)?),
            serde_yaml::Value::Mapping(mapping) => Value::Map(self.mapping(mapping, place, span)?),
            serde_yaml::Value::Tagged(tagged) => return self.node(&tagged.value, place, span),
        };
        Ok(Node { value, span })
    }

    fn mapping(
        &self,
        mapping: &serde_yaml::Mapping,
        place: Place,
        span: Span,
    ) -> Result<Vec<Entry>, YamlProblem> {
        let mut entries = Vec::with_capacity(mapping.len());
        let (_, range_end) = self.place_range(place);
        let mut cursor = self.place_range(place).0;
        for (key, value) in mapping {
            let key = key_text(key).ok_or(YamlProblem::ComplexKey { span })?;
            let child = match place {
                Place::Entry(entry) => self.outline.child(entry, &key),
                Place::Range(..) => None,
            };
            let entry = match child {
                Some(child) => self.located_entry(key, value, child)?,
                None => {
                    let found = find_token(self.text, &key, cursor, range_end);
                    let key_range = found.unwrap_or((span.start, span.end));
                    cursor = found.map_or(cursor, |range| range.1);
                    self.searched_entry(key, value, key_range, range_end)?
                }
            };
            entries.push(entry);
        }
        Ok(entries)
    }

    fn located_entry(
        &self,
        key: String,
        value: &serde_yaml::Value,
        child: usize,
    ) -> Result<Entry, YamlProblem> {
        let key_range = self.outline.entry(child).map_or((0, 0), |e| e.key_range);
        let span = self.span(self.value_range(child));
        let value = self.node(value, Place::Entry(child), span)?;
        Ok(Entry {
            key: Spanned::new(key, self.span(key_range)),
            value,
        })
    }

    fn searched_entry(
        &self,
        key: String,
        value: &serde_yaml::Value,
        key_range: (usize, usize),
        end: usize,
    ) -> Result<Entry, YamlProblem> {
        let after_key = (key_range.1, end.max(key_range.1));
        let value_range = scalar_needle(value)
            .and_then(|needle| find_token(self.text, &needle, after_key.0, after_key.1))
            .unwrap_or(key_range);
        let value = self.node(
            value,
            Place::Range(after_key.0, after_key.1),
            self.span(value_range),
        )?;
        Ok(Entry {
            key: Spanned::new(key, self.span(key_range)),
            value,
        })
    }

    fn sequence(
        &self,
        items: &[serde_yaml::Value],
        place: Place,
        span: Span,
    ) -> Result<Vec<Node>, YamlProblem> {
        let located = match place {
            Place::Entry(entry) => self.outline.items(entry),
            Place::Range(..) => Vec::new(),
        };
        if !items.is_empty() && located.len() == items.len() {
            let pairs = items.iter().zip(located);
            return pairs
                .map(|(item, entry)| self.located_item(item, entry))
                .collect();
        }
        let (mut cursor, end) = self.place_range(place);
        let mut nodes = Vec::with_capacity(items.len());
        for item in items {
            let found =
                scalar_needle(item).and_then(|needle| find_token(self.text, &needle, cursor, end));
            cursor = found.map_or(cursor, |range| range.1);
            let item_span = found.map_or(span, |range| self.span(range));
            nodes.push(self.node(item, Place::Range(item_span.start, end), item_span)?);
        }
        Ok(nodes)
    }

    fn located_item(&self, item: &serde_yaml::Value, entry: usize) -> Result<Node, YamlProblem> {
        let range = match (item, self.outline.entry(entry)) {
            (serde_yaml::Value::Mapping(_), Some(located)) => {
                (located.inline.0, located.region_end)
            }
            _ => self.value_range(entry),
        };
        self.node(item, Place::Entry(entry), self.span(range))
    }
}

fn number_value(number: &serde_yaml::Number) -> Value {
    match number.as_i64() {
        Some(int) => Value::Int(int),
        None => Value::Float(number.as_f64().unwrap_or(f64::NAN)),
    }
}

fn key_text(key: &serde_yaml::Value) -> Option<String> {
    match key {
        serde_yaml::Value::String(text) => Some(text.clone()),
        serde_yaml::Value::Number(number) => Some(number.to_string()),
        serde_yaml::Value::Bool(flag) => Some(flag.to_string()),
        serde_yaml::Value::Null => Some("null".to_string()),
        serde_yaml::Value::Tagged(tagged) => key_text(&tagged.value),
        serde_yaml::Value::Sequence(_) | serde_yaml::Value::Mapping(_) => None,
    }
}

/// Returns the text to search for when locating a scalar value.
fn scalar_needle(value: &serde_yaml::Value) -> Option<String> {
    match value {
        serde_yaml::Value::String(text) => Some(text.clone()),
        serde_yaml::Value::Number(number) => Some(number.to_string()),
        serde_yaml::Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// Finds `needle` in `text[from..to]` as a whole token: not preceded or followed by a letter,
/// digit, `_`, `-` or `.`.
fn find_token(text: &str, needle: &str, from: usize, to: usize) -> Option<(usize, usize)> {
    if needle.is_empty() {
        return None;
    }
    let haystack = text.get(from..to)?;
    haystack
        .match_indices(needle)
        .map(|(offset, _)| from + offset)
        .find_map(|start| {
            let end = start + needle.len();
            let before = text.get(..start).and_then(|head| head.chars().next_back());
            let after = text.get(end..).and_then(|tail| tail.chars().next());
            let bounded = !before.is_some_and(is_token_char) && !after.is_some_and(is_token_char);
            bounded.then_some((start, end))
        })
}

fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '.'
}

#[cfg(test)]
mod tests;
