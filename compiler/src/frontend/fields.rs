//! Typed reading of the spanned YAML/JSON tree: mappings with a fixed key set, and scalars of
//! the expected type. Every problem becomes a diagnostic with the span of the offending key or
//! value. Readers then return `None` and the caller carries on, so one run reports every problem.

use crate::diagnostic::Diagnostic;
use crate::frontend::codes;
use crate::yaml_tree::{Node, NodeKind, Scalar};
use crate::span::{Span, Spanned};
use crate::suggest::nearest;

/// The entries of a mapping whose keys were checked against an allowed set.
pub(crate) struct Fields<'n> {
    entries: Vec<(&'n str, &'n Node, &'n Node)>,
}

impl<'n> Fields<'n> {
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries.iter().find(|(name, _, _)| *name == key).map(|(_, _, value)| *value)
    }
}

/// Describes the type of a node in words, for "expected X, found Y" messages.
pub(crate) fn describe(node: &Node) -> &'static str {
    match &node.kind {
        NodeKind::Seq(_) => "a list",
        NodeKind::Map(_) => "a mapping",
        NodeKind::Alias(_) => "an alias",
        NodeKind::Scalar(scalar) if scalar.is_null() => "null",
        NodeKind::Scalar(scalar) if scalar.as_bool().is_some() => "a boolean",
        NodeKind::Scalar(scalar) if scalar.as_int().is_some() || scalar.as_float().is_some() => "a number",
        NodeKind::Scalar(_) => "a string",
    }
}

pub(crate) fn wrong_type(node: &Node, field: &str, expected: &str, help: impl Into<String>) -> Diagnostic {
    let found = describe(node);
    Diagnostic::error(
        codes::POLICY_WRONG_TYPE,
        format!("`{field}` must be {expected}, found {found}"),
        node.span,
        format!("expected {expected}"),
    )
    .with_help(help)
}

/// Reads a mapping whose keys must come from `allowed` and include every key in `required`.
/// Reports unknown keys (with a suggestion), duplicate keys and missing keys.
pub(crate) fn read_map<'n>(
    node: &'n Node,
    what: &str,
    allowed: &[&str],
    required: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Option<Fields<'n>> {
    let NodeKind::Map(pairs) = &node.kind else {
        diags.push(wrong_type(node, what, "a mapping", format!("write `{what}` as `key: value` lines")));
        return None;
    };
    let mut fields = Fields { entries: Vec::new() };
    for (key, value) in pairs {
        let Some(name) = key_name(key, what, diags) else { continue };
        if !allowed.contains(&name) {
            diags.push(unknown_key(key, name, what, allowed));
        } else if let Some((_, first, _)) = fields.entries.iter().find(|(seen, _, _)| *seen == name) {
            diags.push(duplicate_key(key, first, name, what));
        } else {
            fields.entries.push((name, key, value));
        }
    }
    for missing in required.iter().filter(|key| fields.get(key).is_none()) {
        diags.push(missing_key(node, missing, what));
    }
    Some(fields)
}

fn key_name<'n>(key: &'n Node, what: &str, diags: &mut Vec<Diagnostic>) -> Option<&'n str> {
    match &key.kind {
        NodeKind::Scalar(scalar) => Some(scalar.value.as_str()),
        _ => {
            diags.push(wrong_type(key, &format!("a key of {what}"), "a string", "use plain words as keys"));
            None
        }
    }
}

fn unknown_key(key: &Node, name: &str, what: &str, allowed: &[&str]) -> Diagnostic {
    let listed = allowed.iter().map(|key| format!("`{key}`")).collect::<Vec<_>>().join(", ");
    let help = match nearest(name, allowed.iter().copied()) {
        Some(suggestion) => format!("did you mean `{suggestion}`? Keys allowed in {what}: {listed}"),
        None => format!("remove it; keys allowed in {what}: {listed}"),
    };
    Diagnostic::error(
        codes::POLICY_UNKNOWN_KEY,
        format!("unknown key `{name}` in {what}"),
        key.span,
        "unknown key",
    )
    .with_help(help)
}

fn duplicate_key(key: &Node, first: &Node, name: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        codes::POLICY_DUPLICATE_KEY,
        format!("duplicate key `{name}` in {what}"),
        key.span,
        "duplicate key",
    )
    .with_help(format!("keep one `{name}` entry and remove the other"))
    .with_related(first.span, "first defined here")
}

fn missing_key(node: &Node, key: &str, what: &str) -> Diagnostic {
    let start = Span::new(node.span.source, node.span.start, node.span.start);
    Diagnostic::error(
        codes::POLICY_MISSING_KEY,
        format!("missing key `{key}` in {what}"),
        start,
        format!("this {what} has no `{key}`"),
    )
    .with_help(format!("add `{key}:` to the {what}"))
}

/// Returns the scalar of a node, or reports a wrong type.
fn scalar<'n>(node: &'n Node, field: &str, expected: &str, diags: &mut Vec<Diagnostic>) -> Option<&'n Scalar> {
    match &node.kind {
        NodeKind::Scalar(scalar) => Some(scalar),
        _ => {
            diags.push(wrong_type(node, field, expected, format!("write `{field}` as {expected}")));
            None
        }
    }
}

/// Reads a string. Plain scalars that YAML reads as numbers, booleans or null are wrong types,
/// so `version: 1.0` is reported with a hint to add quotes instead of silently becoming `"1.0"`.
pub(crate) fn string(node: &Node, field: &str, diags: &mut Vec<Diagnostic>) -> Option<Spanned<String>> {
    let value = scalar(node, field, "a string", diags)?;
    if !value.is_string() {
        let help = format!("put the value in double quotes: `{field}: \"{}\"`", value.value);
        diags.push(wrong_type(node, field, "a string", help));
        return None;
    }
    Some(Spanned::new(value.value.clone(), node.span))
}

/// Reads a scalar of any type as its text, for free-form values such as compliance references
/// (`HIPAA: 164.312` is meant as text, not as a number).
pub(crate) fn scalar_text(node: &Node, field: &str, diags: &mut Vec<Diagnostic>) -> Option<Spanned<String>> {
    let value = scalar(node, field, "a string", diags)?;
    if value.is_null() {
        diags.push(wrong_type(node, field, "a string", format!("give `{field}` a value")));
        return None;
    }
    Some(Spanned::new(value.value.clone(), node.span))
}

pub(crate) fn boolean(node: &Node, field: &str, diags: &mut Vec<Diagnostic>) -> Option<bool> {
    let value = scalar(node, field, "a boolean", diags)?;
    let parsed = value.as_bool();
    if parsed.is_none() {
        diags.push(wrong_type(node, field, "a boolean", format!("write `{field}: true` or `{field}: false`")));
    }
    parsed
}

pub(crate) fn count(node: &Node, field: &str, diags: &mut Vec<Diagnostic>) -> Option<Spanned<u32>> {
    let value = scalar(node, field, "a whole number", diags)?;
    let Some(int) = value.as_int() else {
        diags.push(wrong_type(node, field, "a whole number", format!("write a number such as `{field}: 2`")));
        return None;
    };
    match u32::try_from(int) {
        Ok(number) => Some(Spanned::new(number, node.span)),
        Err(_) => {
            let message = format!("`{field}` must be between 0 and {}, found {int}", u32::MAX);
            diags.push(
                Diagnostic::error(codes::POLICY_INVALID_VALUE, message, node.span, "out of range")
                    .with_help(format!("use a count such as `{field}: 2`")),
            );
            None
        }
    }
}

pub(crate) fn seq<'n>(node: &'n Node, field: &str, diags: &mut Vec<Diagnostic>) -> Option<&'n [Node]> {
    match &node.kind {
        NodeKind::Seq(items) => Some(items),
        _ => {
            diags.push(wrong_type(node, field, "a list", format!("write `{field}` as a list: `- item` lines or `[a, b]`")));
            None
        }
    }
}

pub(crate) fn string_list(node: &Node, field: &str, diags: &mut Vec<Diagnostic>) -> Vec<Spanned<String>> {
    let Some(items) = seq(node, field, diags) else { return Vec::new() };
    items.iter().filter_map(|item| string(item, field, diags)).collect()
}

/// Reads one of a fixed set of words, suggesting the nearest on a typo.
pub(crate) fn choice<T: Copy>(
    node: &Node,
    field: &str,
    options: &[(&str, T)],
    diags: &mut Vec<Diagnostic>,
) -> Option<Spanned<T>> {
    let text = string(node, field, diags)?;
    if let Some((_, value)) = options.iter().find(|(name, _)| *name == text.value) {
        return Some(Spanned::new(*value, node.span));
    }
    diags.push(invalid_choice(node.span, field, &text.value, options.iter().map(|(name, _)| *name)));
    None
}

pub(crate) fn invalid_choice<'a>(span: Span, field: &str, found: &str, options: impl Iterator<Item = &'a str> + Clone) -> Diagnostic {
    let listed = options.clone().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ");
    let help = match nearest(found, options) {
        Some(suggestion) => format!("did you mean `{suggestion}`? Valid values: {listed}"),
        None => format!("use one of {listed}"),
    };
    Diagnostic::error(
        codes::POLICY_INVALID_VALUE,
        format!("invalid value `{found}` for `{field}`"),
        span,
        "not a valid value",
    )
    .with_help(help)
}
