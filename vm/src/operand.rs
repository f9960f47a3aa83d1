//! Values on the interpreter's stack. They borrow from the frame and the constant pool, so
//! evaluation copies no strings or lists.

use serde_json::json;

use crate::constant::{Constant, SetConst};
use crate::outcome::Truth;
use crate::value::Value;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Operand<'a> {
    Missing,
    Truth(Truth),
    Bool(bool),
    Int(i64),
    Number(f64),
    Str(&'a str),
    ListStr(&'a [String]),
    ListInt(&'a [i64]),
    Set(&'a SetConst),
}

impl<'a> Operand<'a> {
    pub(crate) fn from_value(value: Option<&'a Value>) -> Operand<'a> {
        match value {
            None => Operand::Missing,
            Some(Value::Bool(b)) => Operand::Bool(*b),
            Some(Value::Int(i)) => Operand::Int(*i),
            Some(Value::Number(n)) => Operand::Number(*n),
            Some(Value::String(s)) => Operand::Str(s),
            Some(Value::ListString(items)) => Operand::ListStr(items),
            Some(Value::ListInt(items)) => Operand::ListInt(items),
        }
    }

    pub(crate) fn from_constant(constant: &'a Constant) -> Operand<'a> {
        match constant {
            Constant::Bool(b) => Operand::Bool(*b),
            Constant::Int(i) => Operand::Int(*i),
            Constant::Number(n) => Operand::Number(*n),
            Constant::String(s) => Operand::Str(s),
            Constant::Set(set) => Operand::Set(set),
        }
    }

    /// Turns a known truth into a bool, so `exists(x) == true` compares like any bool.
    pub(crate) fn normalize(self) -> Operand<'a> {
        match self {
            Operand::Truth(Truth::True) => Operand::Bool(true),
            Operand::Truth(Truth::False) => Operand::Bool(false),
            Operand::Truth(Truth::Unknown) => Operand::Missing,
            other => other,
        }
    }

    /// Type name for fault messages.
    pub(crate) fn kind(self) -> &'static str {
        match self {
            Operand::Missing => "missing",
            Operand::Truth(_) => "truth",
            Operand::Bool(_) => "bool",
            Operand::Int(_) => "int",
            Operand::Number(_) => "number",
            Operand::Str(_) => "string",
            Operand::ListStr(_) => "list<string>",
            Operand::ListInt(_) => "list<int>",
            Operand::Set(_) => "list literal",
        }
    }

    pub(crate) fn to_json(self) -> serde_json::Value {
        match self {
            Operand::Missing | Operand::Truth(Truth::Unknown) => serde_json::Value::Null,
            Operand::Truth(t) => json!(t == Truth::True),
            Operand::Bool(b) => json!(b),
            Operand::Int(i) => json!(i),
            Operand::Number(n) => json!(n),
            Operand::Str(s) => json!(s),
            Operand::ListStr(items) => json!(items),
            Operand::ListInt(items) => json!(items),
            Operand::Set(SetConst::Strings(items)) => json!(items),
            Operand::Set(SetConst::Ints(items)) => json!(items),
            Operand::Set(SetConst::Numbers(items)) => json!(items),
            Operand::Set(SetConst::Bools(items)) => json!(items),
        }
    }
}
