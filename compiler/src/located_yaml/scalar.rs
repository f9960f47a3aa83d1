//! Scalar typing of the schema and map files. It follows serde_yaml 0.9.34 reading a
//! `serde_yaml::Value`, so that existing files keep their meaning. Policy files use the YAML 1.2
//! core schema of `crate::yaml_tree::Scalar` instead.
//!
//! A plain scalar is, in this order:
//! - null: nothing, `~`, `null`, `Null` or `NULL`;
//! - a boolean: `true`, `True`, `TRUE`, `false`, `False` or `FALSE` (not `yes`, `on` or `y`);
//! - an integer: decimal digits without a leading zero, or digits after `0x`, `0o` or `0b`
//!   (lower-case prefix), each with at most one `+` or `-` sign and no `_` separators;
//! - a decimal: `.inf`, `+.inf`, `-.inf`, `.nan` (and their `Inf`, `INF`, `NaN`, `NAN`
//!   spellings), or text that Rust's `f64` parser reads as a finite number, such as `1e3`,
//!   `.5` or `5.`;
//! - otherwise a string.
//!
//! Digits with a leading zero (`00`, `0123`) are strings. Quoted and block scalars are strings.
//! The core tags `!!str`, `!!int`, `!!float`, `!!bool` and `!!null` force their type, and other
//! tags are ignored.
//!
//! NOTE: serde_yaml rejects integers beyond the 64-bit range that fit in 128 bits. Here a
//! decimal integer beyond the 64-bit range is a decimal number and a `0x`, `0o` or `0b` one is
//! a string.

use saphyr_parser::ScalarStyle;

use crate::yaml_tree;

/// The type and value of one scalar.
#[derive(Clone, Debug, PartialEq)]
pub enum Typed {
    Null,
    Bool(bool),
    /// An integer from `i64::MIN` to `u64::MAX`.
    Int(i128),
    Float(f64),
    String(String),
}

impl Typed {
    /// Returns the text of a mapping key, as serde_yaml 0.9 displays a key of this type.
    pub fn key_text(&self) -> String {
        match self {
            Typed::Null => "null".to_string(),
            Typed::Bool(flag) => flag.to_string(),
            Typed::Int(number) => number.to_string(),
            Typed::Float(number) => float_key_text(*number),
            Typed::String(text) => text.clone(),
        }
    }

    /// Returns true when serde_yaml 0.9 treats two mapping keys as the same key. Numbers of
    /// different types differ (`1` and `1.0`), and `.nan` equals `.nan`.
    pub fn same_key(&self, other: &Typed) -> bool {
        match (self, other) {
            (Typed::Float(a), Typed::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            _ => self == other,
        }
    }
}

/// Types `scalar`, or returns an error message when a core tag does not fit its text (for
/// example `!!bool yes`).
pub fn resolve(scalar: &yaml_tree::Scalar) -> Result<Typed, String> {
    let text = scalar.value.as_str();
    let core_tag = scalar
        .tag
        .as_ref()
        .filter(|tag| tag.is_yaml_core_schema())
        .map(|tag| tag.suffix.as_str());
    let forced = match core_tag {
        Some("str") => return Ok(Typed::String(text.to_string())),
        Some("int") => int_of(text).map(Typed::Int).ok_or("an integer"),
        Some("float") => number_of(text).map(Typed::Float).ok_or("a float"),
        Some("bool") => bool_of(text).map(Typed::Bool).ok_or("a boolean"),
        Some("null") => is_null(text).then_some(Typed::Null).ok_or("null"),
        _ if scalar.style == ScalarStyle::Plain => return Ok(plain(text)),
        _ => return Ok(Typed::String(text.to_string())),
    };
    forced.map_err(|expected| format!("invalid value: string {text:?}, expected {expected}"))
}

/// Types the text of a plain (unquoted, untagged) scalar.
pub fn plain(text: &str) -> Typed {
    if is_null(text) {
        return Typed::Null;
    }
    if let Some(flag) = bool_of(text) {
        return Typed::Bool(flag);
    }
    if let Some(number) = int_of(text) {
        return Typed::Int(number);
    }
    match float_of(text) {
        Some(number) => Typed::Float(number),
        None => Typed::String(text.to_string()),
    }
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn bool_of(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Splits one leading sign off `text`, returning whether it was `-`. Returns `None` when a
/// second sign follows the first.
fn split_sign(text: &str) -> Option<(bool, &str)> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    match unsigned.starts_with(['+', '-']) && unsigned.len() < text.len() {
        true => None,
        false => Some((negative, unsigned)),
    }
}

/// Returns true for digits with a leading zero, such as `00` or `-0123`, which serde_yaml 0.9
/// reads as a string.
fn has_leading_zero(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let mut bytes = unsigned.bytes();
    bytes.next() == Some(b'0') && unsigned.len() > 1 && bytes.all(|b| b.is_ascii_digit())
}

fn int_of(text: &str) -> Option<i128> {
    let (negative, unsigned) = split_sign(text)?;
    let (radix, digits) = if let Some(hex) = unsigned.strip_prefix("0x") {
        (16, hex)
    } else if let Some(octal) = unsigned.strip_prefix("0o") {
        (8, octal)
    } else if let Some(binary) = unsigned.strip_prefix("0b") {
        (2, binary)
    } else {
        (10, unsigned)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if radix == 10 && has_leading_zero(digits) {
        return None;
    }
    let magnitude = i128::from(u64::from_str_radix(digits, radix).ok()?);
    let value = if negative { -magnitude } else { magnitude };
    (value >= i128::from(i64::MIN)).then_some(value)
}

fn float_of(text: &str) -> Option<f64> {
    let (_, unsigned) = split_sign(text)?;
    let without_plus = text.strip_prefix('+').unwrap_or(text);
    match without_plus {
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    // A sign before `.nan` makes it a string in serde_yaml 0.9.
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    if has_leading_zero(text) || unsigned.is_empty() {
        return None;
    }
    let number: f64 = without_plus.parse().ok()?;
    number.is_finite().then_some(number)
}

/// Reads the text of a `!!float` scalar: a decimal, or an integer converted to a decimal.
fn number_of(text: &str) -> Option<f64> {
    float_of(text).or_else(|| int_of(text).map(|number| number as f64))
}

/// Formats a decimal key the way serde_yaml 0.9 displays it: `.nan`, `.inf`, `-.inf`, or the
/// shortest text that reads back to the same number as the `ryu` crate writes it, such as
/// `1000.0` or `1e20`.
fn float_key_text(number: f64) -> String {
    if number.is_nan() {
        return ".nan".to_string();
    }
    if number.is_infinite() {
        return match number.is_sign_negative() {
            true => "-.inf".to_string(),
            false => ".inf".to_string(),
        };
    }
    ryu::Buffer::new().format_finite(number).to_string()
}
