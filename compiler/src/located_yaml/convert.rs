//! Conversion of a `yaml_tree` document into located [`Node`]s: scalars are typed, aliases are
//! replaced by a copy of their anchored node, and duplicate or complex keys are reported.

use std::collections::HashMap;

use saphyr_parser::ScalarStyle;

use super::scalar::{self, Typed};
use super::{Entry, Node, Value, YamlProblem};
use crate::span::{Span, Spanned};
use crate::yaml_tree::{self, NodeKind, MAX_DEPTH};

/// Maximum number of values that alias expansion may copy into one file. Schema and map files
/// that reuse a table through aliases stay far below it, and it stops a few lines of nested
/// aliases (the "billion laughs" pattern) from filling memory.
/// NOTE: a guessed bound, not measured against real files.
pub const MAX_ALIAS_VALUES: usize = 100_000;

/// Converts the root node of one document of `text`. Every problem found is returned, not only
/// the first.
pub fn convert(text: &str, root: &yaml_tree::Node) -> Result<Node, Vec<YamlProblem>> {
    let mut converter = Converter {
        text,
        anchors: HashMap::new(),
        copied: 0,
        problems: Vec::new(),
    };
    let node = converter.node(root, 1);
    match converter.problems.is_empty() {
        true => Ok(node),
        false => Err(converter.problems),
    }
}

/// A converted anchored node with its nesting height and its number of values, which bound
/// the copies that aliases make.
struct Anchored {
    node: Node,
    height: usize,
    values: usize,
}

struct Converter<'a> {
    text: &'a str,
    anchors: HashMap<usize, Anchored>,
    /// Values copied by alias expansion so far.
    copied: usize,
    problems: Vec<YamlProblem>,
}

impl Converter<'_> {
    /// Converts `tree`, which sits at nesting level `depth` (the root is level 1).
    fn node(&mut self, tree: &yaml_tree::Node, depth: usize) -> Node {
        let mut span = tree.span;
        let value = match &tree.kind {
            NodeKind::Scalar(scalar) => {
                span = self.scalar_span(scalar, span);
                self.scalar(scalar, span)
            }
            NodeKind::Seq(items) => {
                let nodes = items.iter().map(|item| self.node(item, depth + 1));
                Value::Seq(nodes.collect())
            }
            NodeKind::Map(pairs) => Value::Map(self.entries(pairs, depth)),
            NodeKind::Alias(id) => return self.alias(*id, tree.span, depth),
        };
        let node = Node { value, span };
        if let Some(anchor) = tree.anchor {
            let (height, values) = measure(&node);
            let anchored = Anchored {
                node: node.clone(),
                height,
                values,
            };
            self.anchors.insert(anchor, anchored);
        }
        node
    }

    /// Returns the span of a scalar's text. saphyr ends a block scalar (`|` or `>`) at the next
    /// token, so the line breaks and indentation after its last line are cut off.
    fn scalar_span(&self, scalar: &yaml_tree::Scalar, span: Span) -> Span {
        if !matches!(scalar.style, ScalarStyle::Literal | ScalarStyle::Folded) {
            return span;
        }
        let Some(written) = self.text.get(span.start..span.end) else {
            return span;
        };
        Span::new(
            span.source,
            span.start,
            span.start + written.trim_end().len(),
        )
    }

    fn scalar(&mut self, scalar: &yaml_tree::Scalar, span: Span) -> Value {
        match scalar::resolve(scalar) {
            Ok(typed) => typed_value(typed),
            Err(message) => {
                self.problems.push(YamlProblem::Syntax {
                    message,
                    span,
                    tab: false,
                });
                Value::Null
            }
        }
    }

    /// Returns a copy of the node that anchor `id` names, with the span of the alias itself.
    /// Values inside the copy keep the spans of the anchored text.
    fn alias(&mut self, id: usize, span: Span, depth: usize) -> Node {
        let null = Node {
            value: Value::Null,
            span,
        };
        let Some(anchored) = self.anchors.get(&id) else {
            // saphyr rejects unknown anchors, so this is an alias inside its own anchored node.
            let message = "alias refers to the anchored value that contains it";
            self.problems.push(alias_problem(message, span));
            return null;
        };
        // The parser accepts MAX_DEPTH nested collections with scalars inside them, which is
        // MAX_DEPTH + 1 levels of values. A copy may not nest deeper than that.
        if depth + anchored.height - 1 > MAX_DEPTH + 1 {
            let message = format!("alias expansion nests values deeper than {MAX_DEPTH} levels");
            self.problems.push(alias_problem(&message, span));
            return null;
        }
        if self.copied + anchored.values > MAX_ALIAS_VALUES {
            if self.copied <= MAX_ALIAS_VALUES {
                let message = format!("aliases expand to more than {MAX_ALIAS_VALUES} values");
                self.problems.push(alias_problem(&message, span));
            }
            self.copied = MAX_ALIAS_VALUES + 1;
            return null;
        }
        self.copied += anchored.values;
        Node {
            value: anchored.node.value.clone(),
            span,
        }
    }

    fn entries(
        &mut self,
        pairs: &[(yaml_tree::Node, yaml_tree::Node)],
        depth: usize,
    ) -> Vec<Entry> {
        let mut entries: Vec<Entry> = Vec::with_capacity(pairs.len());
        let mut keys: Vec<Typed> = Vec::with_capacity(pairs.len());
        for (key, value) in pairs {
            let key_node = self.node(key, depth + 1);
            let value = self.node(value, depth + 1);
            let Some(typed) = key_type(key, &key_node) else {
                let span = key_node.span;
                self.problems.push(YamlProblem::ComplexKey { span });
                continue;
            };
            let text = typed.key_text();
            let earlier = keys.iter().position(|seen| seen.same_key(&typed));
            if let Some(first) = earlier.and_then(|index| entries.get(index)) {
                self.problems.push(YamlProblem::DuplicateKey {
                    key: text.clone(),
                    span: key_node.span,
                    first: first.key.span,
                });
            }
            keys.push(typed);
            entries.push(Entry {
                key: Spanned::new(text, key_node.span),
                value,
            });
        }
        entries
    }
}

fn alias_problem(message: &str, span: Span) -> YamlProblem {
    YamlProblem::Alias {
        message: message.to_string(),
        span,
    }
}

/// Returns the type of a mapping key, or `None` for a list or mapping. A scalar key is typed
/// from its text, so that an integer above `i64::MAX` keeps its digits in the key text.
fn key_type(tree: &yaml_tree::Node, converted: &Node) -> Option<Typed> {
    if let NodeKind::Scalar(scalar) = &tree.kind {
        return scalar::resolve(scalar).ok();
    }
    match &converted.value {
        Value::Null => Some(Typed::Null),
        Value::Bool(flag) => Some(Typed::Bool(*flag)),
        Value::Int(number) => Some(Typed::Int(i128::from(*number))),
        Value::Float(number) => Some(Typed::Float(*number)),
        Value::String(text) => Some(Typed::String(text.clone())),
        Value::Seq(_) | Value::Map(_) => None,
    }
}

/// Converts a typed scalar to a value. An integer above `i64::MAX` becomes a decimal number, as
/// `serde_yaml::Number::as_i64` fails for it and `as_f64` succeeds.
fn typed_value(typed: Typed) -> Value {
    match typed {
        Typed::Null => Value::Null,
        Typed::Bool(flag) => Value::Bool(flag),
        Typed::Int(number) => match i64::try_from(number) {
            Ok(number) => Value::Int(number),
            Err(_) => Value::Float(number as f64),
        },
        Typed::Float(number) => Value::Float(number),
        Typed::String(text) => Value::String(text),
    }
}

/// Returns the nesting height of `node` (1 for a scalar) and its number of values, keys included.
fn measure(node: &Node) -> (usize, usize) {
    match &node.value {
        Value::Seq(items) => items
            .iter()
            .map(measure)
            .fold((1, 1), |(height, values), child| {
                (height.max(child.0 + 1), values + child.1)
            }),
        Value::Map(entries) => {
            let children = entries.iter().map(|entry| measure(&entry.value));
            children.fold((1, 1), |(height, values), child| {
                (height.max(child.0 + 1), values + child.1 + 1)
            })
        }
        _ => (1, 1),
    }
}
