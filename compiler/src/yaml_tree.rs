//! A small YAML tree with byte spans, built from saphyr-parser events. Policy files (YAML, and
//! JSON as a subset of YAML 1.2) and the files read through [`crate::located_yaml`] (signal
//! schema, transition map, role map) are all parsed here.
//!
//! Unlike a serde deserializer, the tree keeps every key and value with its span, keeps
//! duplicate keys so that readers can report them, and keeps anchors, aliases and tags as
//! written. Each reader decides what a plain scalar means and whether it accepts aliases.

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag};

use crate::span::{SourceId, Span};

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
    /// saphyr's id of the anchor (`&name`) written on this node, if any.
    pub anchor: Option<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
    /// An alias such as `*anchor`, with the id of the anchor it refers to. Policy files reject
    /// aliases; [`crate::located_yaml`] replaces each one with a copy of the anchored node.
    Alias(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    pub value: String,
    pub style: ScalarStyle,
    /// The tag written before the scalar, such as `!!str`, with its handle resolved.
    pub tag: Option<Tag>,
}

impl Scalar {
    /// Returns true for a plain scalar that YAML 1.2 reads as null (`null`, `~` or nothing).
    pub fn is_null(&self) -> bool {
        self.style == ScalarStyle::Plain && matches!(self.value.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }

    /// Returns the boolean of a plain `true` or `false` (YAML 1.2 core schema spellings).
    pub fn as_bool(&self) -> Option<bool> {
        if self.style != ScalarStyle::Plain {
            return None;
        }
        match self.value.as_str() {
            "true" | "True" | "TRUE" => Some(true),
            "false" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }

    /// Returns the integer of a plain decimal integer such as `3` or `-12`.
    pub fn as_int(&self) -> Option<i64> {
        if self.style != ScalarStyle::Plain {
            return None;
        }
        let digits = self.value.strip_prefix(['-', '+']).unwrap_or(&self.value);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.value.parse().ok()
    }

    /// Returns the number of a plain decimal such as `2.5` or `1e3` (not an integer).
    pub fn as_float(&self) -> Option<f64> {
        if self.style != ScalarStyle::Plain || self.as_int().is_some() {
            return None;
        }
        let looks_numeric = self.value.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b));
        let has_digit = self.value.bytes().any(|b| b.is_ascii_digit());
        if !looks_numeric || !has_digit {
            return None;
        }
        self.value.parse::<f64>().ok().filter(|value| value.is_finite())
    }

    /// Returns true when the value is a string: quoted, a block scalar, or a plain scalar that
    /// is not null, a boolean or a number.
    pub fn is_string(&self) -> bool {
        self.style != ScalarStyle::Plain
            || !(self.is_null() || self.as_bool().is_some() || self.as_int().is_some() || self.as_float().is_some())
    }
}

/// Maximum nesting of YAML collections. Policies need a handful of levels; the limit keeps
/// recursive readers and `Drop` of the tree off deep recursion on hostile input.
pub const MAX_DEPTH: usize = 64;

/// A YAML syntax error with its byte offset.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeError {
    pub offset: usize,
    pub message: String,
}

/// Parses every document of `text`. Empty documents come back as null scalars; a stream with no
/// document at all comes back empty.
pub fn parse_documents(text: &str, source: SourceId) -> Result<Vec<Node>, TreeError> {
    let offsets = CharOffsets::new(text);
    let mut builder = Builder { stack: Vec::new(), documents: Vec::new() };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|error| scan_error(&error, &offsets))?;
        let start = offsets.byte(span.start.index());
        let end = offsets.byte(span.end.index()).max(start);
        builder.event(event, Span::new(source, start, end))?;
        if builder.stack.len() > MAX_DEPTH {
            return Err(TreeError { offset: start, message: format!("collections nested deeper than {MAX_DEPTH} levels") });
        }
    }
    Ok(builder.documents)
}

fn scan_error(error: &ScanError, offsets: &CharOffsets) -> TreeError {
    TreeError { offset: offsets.byte(error.marker().index()), message: error.info().to_owned() }
}

/// Converts saphyr's character indices into byte offsets.
struct CharOffsets {
    starts: Vec<usize>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> CharOffsets {
        CharOffsets { starts: text.char_indices().map(|(offset, _)| offset).collect(), len: text.len() }
    }

    fn byte(&self, char_index: usize) -> usize {
        self.starts.get(char_index).copied().unwrap_or(self.len)
    }
}

enum Frame {
    Seq { items: Vec<Node>, start: Span, anchor: Option<usize> },
    Map { entries: Vec<(Node, Node)>, pending_key: Option<Node>, start: Span, anchor: Option<usize> },
}

struct Builder {
    stack: Vec<Frame>,
    documents: Vec<Node>,
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), TreeError> {
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let scalar = Scalar { value: value.into_owned(), style, tag: tag.map(|tag| tag.into_owned()) };
                self.push(Node { kind: NodeKind::Scalar(scalar), span, anchor: anchor_id(anchor) });
            }
            Event::Alias(id) => self.push(Node { kind: NodeKind::Alias(id), span, anchor: None }),
            Event::SequenceStart(anchor, _) => {
                self.stack.push(Frame::Seq { items: Vec::new(), start: span, anchor: anchor_id(anchor) });
            }
            Event::MappingStart(anchor, _) => {
                let anchor = anchor_id(anchor);
                self.stack.push(Frame::Map { entries: Vec::new(), pending_key: None, start: span, anchor });
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(span)?,
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::DocumentEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn close(&mut self, end: Span) -> Result<(), TreeError> {
        let frame = self.stack.pop().ok_or_else(|| TreeError {
            offset: end.start,
            message: "unbalanced collection end".to_owned(),
        })?;
        let node = match frame {
            Frame::Seq { items, start, anchor } => {
                let span = covering(start, items.last().map(|item| item.span), end);
                Node { kind: NodeKind::Seq(items), span, anchor }
            }
            Frame::Map { entries, start, anchor, .. } => {
                let span = covering(start, entries.last().map(|(_, value)| value.span), end);
                Node { kind: NodeKind::Map(entries), span, anchor }
            }
        };
        self.push(node);
        Ok(())
    }

    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, pending_key, .. }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
    }
}

/// Converts saphyr's anchor id, where 0 means "no anchor", to an option.
fn anchor_id(id: usize) -> Option<usize> {
    (id != 0).then_some(id)
}

/// Returns the span from a collection's start to its end. Block collections end with an empty
/// span at the next token, so the last child's end is used when it is further.
fn covering(start: Span, last_child: Option<Span>, end: Span) -> Span {
    let child_end = last_child.map_or(start.end, |child| child.end);
    let close_end = if end.is_empty() { child_end } else { end.end };
    Span::new(start.source, start.start, close_end.max(child_end))
}
