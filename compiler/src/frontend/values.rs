//! Value-level helpers for YAML/JSON policies: signal paths, literals, operators and free-form
//! metadata converted to JSON.

use crate::ast::{CmpOp, Expr, ExprKind, Literal};
use crate::diagnostic::Diagnostic;
use crate::frontend::codes;
use crate::frontend::fields::wrong_type;
use crate::yaml_tree::{Node, NodeKind};
use crate::suggest::nearest;

const OPERATORS: [(&str, CmpOp); 9] = [
    ("==", CmpOp::Eq),
    ("!=", CmpOp::Ne),
    (">", CmpOp::Gt),
    (">=", CmpOp::Ge),
    ("<", CmpOp::Lt),
    ("<=", CmpOp::Le),
    ("in", CmpOp::In),
    ("not in", CmpOp::NotIn),
    ("contains", CmpOp::Contains),
];

/// Returns true for a dotted name such as `risk.level`: segments of letters, digits and `_`
/// that do not start with a digit.
pub(crate) fn is_signal_path(text: &str) -> bool {
    text.split('.').all(|segment| {
        let mut chars = segment.chars();
        let first_ok = chars.next().is_some_and(|ch| ch.is_ascii_alphabetic() || ch == '_');
        first_ok && chars.all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
    })
}

/// Returns the operator a control's `operator:` names, or the help text for an unknown one.
pub(crate) fn operator_named(text: &str) -> Result<CmpOp, String> {
    let normalized = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((_, op)) = OPERATORS.iter().find(|(name, _)| *name == normalized) {
        return Ok(*op);
    }
    let listed = "==, !=, >, >=, <, <=, in, not in, contains";
    let suggestion = operator_alias(&normalized).or_else(|| nearest(&normalized, OPERATORS.iter().map(|(name, _)| *name)));
    Err(match suggestion {
        Some(op) => format!("did you mean `{op}`? Operators: {listed}"),
        None => format!("use one of {listed}"),
    })
}

fn operator_alias(text: &str) -> Option<&'static str> {
    match text.to_ascii_lowercase().as_str() {
        "=" | "===" | "eq" | "equals" | "is" => Some("=="),
        "<>" | "!==" | "ne" | "neq" | "is not" => Some("!="),
        "=>" | "ge" | "gte" => Some(">="),
        "=<" | "le" | "lte" => Some("<="),
        "gt" => Some(">"),
        "lt" => Some("<"),
        "not_in" | "notin" | "nin" => Some("not in"),
        _ => None,
    }
}

/// Reads a control's `value:`: a scalar literal or a flat list of them.
pub(crate) fn literal_of(node: &Node, field: &str, diags: &mut Vec<Diagnostic>) -> Option<Expr> {
    let kind = match &node.kind {
        NodeKind::Seq(items) => {
            let lowered: Vec<Option<Expr>> = items.iter().map(|item| scalar_literal(item, field, diags)).collect();
            ExprKind::List(lowered.into_iter().collect::<Option<Vec<_>>>()?)
        }
        _ => return scalar_literal(node, field, diags),
    };
    Some(Expr { kind, span: node.span })
}

fn scalar_literal(node: &Node, field: &str, diags: &mut Vec<Diagnostic>) -> Option<Expr> {
    let expected = "a string, number, boolean or list of those";
    let NodeKind::Scalar(scalar) = &node.kind else {
        diags.push(wrong_type(node, field, expected, format!("write `{field}: \"HIGH\"`, `{field}: 2` or `{field}: [a, b]`")));
        return None;
    };
    let literal = if scalar.is_null() {
        diags.push(wrong_type(node, field, expected, format!("give `{field}` a value; to test for absence use `when: \"not exists(path)\"`")));
        return None;
    } else if let Some(value) = scalar.as_bool() {
        Literal::Bool(value)
    } else if let Some(value) = scalar.as_int() {
        Literal::Int(value)
    } else if let Some(value) = scalar.as_float() {
        Literal::Decimal(value)
    } else {
        Literal::String(scalar.value.clone())
    };
    if scalar.style == saphyr_parser::ScalarStyle::Plain && looks_like_big_int(&scalar.value) && scalar.as_int().is_none() {
        diags.push(
            Diagnostic::error(codes::PARSE_INVALID_NUMBER, format!("number `{}` is out of range", scalar.value), node.span, "out of range")
                .with_help("integers must fit in 64 bits (about ±9.2e18); use a smaller number"),
        );
        return None;
    }
    Some(Expr { kind: ExprKind::Literal(literal), span: node.span })
}

fn looks_like_big_int(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Converts a free-form node to JSON, reporting duplicate keys, non-string keys and aliases.
pub(crate) fn json_value(node: &Node, field: &str, diags: &mut Vec<Diagnostic>) -> Option<serde_json::Value> {
    match &node.kind {
        NodeKind::Scalar(scalar) => Some(if scalar.is_null() {
            serde_json::Value::Null
        } else if let Some(value) = scalar.as_bool() {
            serde_json::Value::Bool(value)
        } else if let Some(value) = scalar.as_int() {
            serde_json::Value::from(value)
        } else if let Some(number) = scalar.as_float().and_then(serde_json::Number::from_f64) {
            serde_json::Value::Number(number)
        } else {
            serde_json::Value::String(scalar.value.clone())
        }),
        NodeKind::Seq(items) => {
            let values: Vec<Option<serde_json::Value>> = items.iter().map(|item| json_value(item, field, diags)).collect();
            Some(serde_json::Value::Array(values.into_iter().collect::<Option<Vec<_>>>()?))
        }
        NodeKind::Map(entries) => json_object(entries, field, diags),
        NodeKind::Alias(_) => {
            diags.push(wrong_type(node, field, "a value", "aliases are not supported in policy files; repeat the value"));
            None
        }
    }
}

fn json_object(entries: &[(Node, Node)], field: &str, diags: &mut Vec<Diagnostic>) -> Option<serde_json::Value> {
    let mut object = serde_json::Map::new();
    let mut first_keys: Vec<&Node> = Vec::new();
    let mut ok = true;
    for (key, value) in entries {
        let NodeKind::Scalar(scalar) = &key.kind else {
            diags.push(wrong_type(key, &format!("a key in `{field}`"), "a string", "use plain words as keys"));
            ok = false;
            continue;
        };
        if let Some(first) = first_keys.iter().find(|seen| matches!(&seen.kind, NodeKind::Scalar(s) if s.value == scalar.value)) {
            diags.push(
                Diagnostic::error(codes::POLICY_DUPLICATE_KEY, format!("duplicate key `{}` in `{field}`", scalar.value), key.span, "duplicate key")
                    .with_help(format!("keep one `{}` entry and remove the other", scalar.value))
                    .with_related(first.span, "first defined here"),
            );
            ok = false;
            continue;
        }
        first_keys.push(key);
        match json_value(value, &scalar.value, diags) {
            Some(json) => {
                object.insert(scalar.value.clone(), json);
            }
            None => ok = false,
        }
    }
    ok.then_some(serde_json::Value::Object(object))
}
