//! A tree-walking evaluator over the AST with the VM's semantics. It exists only so tests can
//! check the compiler and the VM against an independent implementation; nothing ships on it.
//!
//! Semantics: operands are read left to right; `and`/`or` skip their right side once the left
//! side is false/true. A comparison with a missing operand is unknown; `unknown and false` is
//! false, `unknown or true` is true, `not unknown` is unknown. `exists()` is never unknown and
//! does not count as reading a missing signal; `len()` of a missing signal is missing.

use std::collections::{BTreeMap, BTreeSet};

use vm::outcome::Outcome;
use vm::Value;

use crate::ast::{CmpOp, Effect, Expr, ExprKind, Func, Literal, Policy};

/// Outcome of a policy and the signals it read that were missing.
#[derive(Clone, Debug, PartialEq)]
pub struct ReferenceResult {
    pub outcome: Outcome,
    pub missing: Vec<String>,
}

/// Evaluates one policy against named signal values.
pub fn evaluate(policy: &Policy, input: &BTreeMap<String, Value>) -> ReferenceResult {
    if !policy.enabled {
        return ReferenceResult { outcome: Outcome::Disabled, missing: Vec::new() };
    }
    let mut walker = Walker { input, missing: BTreeSet::new() };
    let outcome = match walker.truth(&policy.condition) {
        Ok(Some(true)) => match policy.effect.value {
            Effect::Block => Outcome::Block,
            Effect::Warn => Outcome::Warn,
            Effect::Compliant => Outcome::Compliant,
        },
        Ok(Some(false)) => Outcome::Compliant,
        Ok(None) => Outcome::Undetermined,
        Err(()) => Outcome::Error,
    };
    ReferenceResult { outcome, missing: walker.missing.into_iter().collect() }
}

/// A value while walking: `None` is missing, a truth of `None` is unknown.
#[derive(Clone, Debug, PartialEq)]
enum Val {
    Missing,
    Bool(bool),
    Int(i64),
    Num(f64),
    Str(String),
    Strs(Vec<String>),
    Ints(Vec<i64>),
    Nums(Vec<f64>),
    Bools(Vec<bool>),
}

/// A type fault; the policy's outcome becomes ERROR.
type Fault = ();

struct Walker<'a> {
    input: &'a BTreeMap<String, Value>,
    missing: BTreeSet<String>,
}

impl Walker<'_> {
    /// Three-valued truth: `Some(bool)` or `None` for unknown.
    fn truth(&mut self, expr: &Expr) -> Result<Option<bool>, Fault> {
        match &expr.kind {
            ExprKind::Not(inner) => Ok(self.truth(inner)?.map(|b| !b)),
            ExprKind::And(a, b) => {
                let left = self.truth(a)?;
                if left == Some(false) {
                    return Ok(Some(false));
                }
                let right = self.truth(b)?;
                Ok(match (left, right) {
                    (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                })
            }
            ExprKind::Or(a, b) => {
                let left = self.truth(a)?;
                if left == Some(true) {
                    return Ok(Some(true));
                }
                let right = self.truth(b)?;
                Ok(match (left, right) {
                    (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                })
            }
            ExprKind::Compare { op, lhs, rhs } => {
                let left = self.value(lhs)?;
                let right = self.value(rhs)?;
                compare(op.value, &left, &right)
            }
            ExprKind::Call { func, args } if func.value == Func::Exists => Ok(Some(self.exists(args))),
            _ => match self.value(expr)? {
                Val::Bool(b) => Ok(Some(b)),
                Val::Missing => Ok(None),
                _ => Err(()),
            },
        }
    }

    fn exists(&self, args: &[Expr]) -> bool {
        match args.first().map(|a| &a.kind) {
            Some(ExprKind::Path(path)) => self.input.contains_key(path),
            _ => false,
        }
    }

    fn value(&mut self, expr: &Expr) -> Result<Val, Fault> {
        match &expr.kind {
            ExprKind::Literal(literal) => Ok(literal_val(literal)),
            ExprKind::List(items) => list_val(items),
            ExprKind::Path(path) => Ok(self.read(path)),
            ExprKind::Call { func, args } if func.value == Func::Len => {
                let [arg] = args.as_slice() else { return Err(()) };
                len(self.value(arg)?)
            }
            _ => Ok(match self.truth(expr)? {
                Some(b) => Val::Bool(b),
                None => Val::Missing,
            }),
        }
    }

    fn read(&mut self, path: &str) -> Val {
        match self.input.get(path) {
            None => {
                self.missing.insert(path.to_string());
                Val::Missing
            }
            Some(Value::Bool(b)) => Val::Bool(*b),
            Some(Value::Int(i)) => Val::Int(*i),
            Some(Value::Number(n)) => Val::Num(*n),
            Some(Value::String(s)) => Val::Str(s.clone()),
            Some(Value::ListString(items)) => Val::Strs(items.clone()),
            Some(Value::ListInt(items)) => Val::Ints(items.clone()),
        }
    }
}

fn literal_val(literal: &Literal) -> Val {
    match literal {
        Literal::Bool(b) => Val::Bool(*b),
        Literal::Int(i) => Val::Int(*i),
        Literal::Decimal(d) => Val::Num(*d),
        Literal::String(s) => Val::Str(s.clone()),
    }
}

/// Evaluates a list literal; integers and decimals together become numbers.
fn list_val(items: &[Expr]) -> Result<Val, Fault> {
    let literals: Vec<Val> = items
        .iter()
        .map(|item| match &item.kind {
            ExprKind::Literal(literal) => Ok(literal_val(literal)),
            _ => Err(()),
        })
        .collect::<Result<_, _>>()?;
    if literals.iter().all(|v| matches!(v, Val::Str(_))) {
        return Ok(Val::Strs(literals.into_iter().filter_map(|v| if let Val::Str(s) = v { Some(s) } else { None }).collect()));
    }
    if literals.iter().all(|v| matches!(v, Val::Int(_))) {
        return Ok(Val::Ints(literals.iter().filter_map(|v| if let Val::Int(i) = v { Some(*i) } else { None }).collect()));
    }
    if literals.iter().all(|v| matches!(v, Val::Bool(_))) {
        return Ok(Val::Bools(literals.iter().filter_map(|v| if let Val::Bool(b) = v { Some(*b) } else { None }).collect()));
    }
    let numbers: Option<Vec<f64>> = literals.iter().map(number).collect();
    numbers.map(Val::Nums).ok_or(())
}

fn number(value: &Val) -> Option<f64> {
    match value {
        Val::Int(i) => Some(*i as f64),
        Val::Num(n) => Some(*n),
        _ => None,
    }
}

fn len(value: Val) -> Result<Val, Fault> {
    let count = match value {
        Val::Missing => return Ok(Val::Missing),
        Val::Str(s) => s.chars().count(),
        Val::Strs(items) => items.len(),
        Val::Ints(items) => items.len(),
        Val::Nums(items) => items.len(),
        Val::Bools(items) => items.len(),
        _ => return Err(()),
    };
    Ok(Val::Int(count as i64))
}

fn compare(op: CmpOp, lhs: &Val, rhs: &Val) -> Result<Option<bool>, Fault> {
    if *lhs == Val::Missing || *rhs == Val::Missing {
        return Ok(None);
    }
    let holds = match op {
        CmpOp::Eq => equals(lhs, rhs)?,
        CmpOp::Ne => !equals(lhs, rhs)?,
        CmpOp::Gt => ordering(lhs, rhs)? == std::cmp::Ordering::Greater,
        CmpOp::Ge => ordering(lhs, rhs)? != std::cmp::Ordering::Less,
        CmpOp::Lt => ordering(lhs, rhs)? == std::cmp::Ordering::Less,
        CmpOp::Le => ordering(lhs, rhs)? != std::cmp::Ordering::Greater,
        CmpOp::In => within(lhs, rhs)?,
        CmpOp::NotIn => !within(lhs, rhs)?,
        CmpOp::Contains => element_of(rhs, lhs)?,
    };
    Ok(Some(holds))
}

fn equals(lhs: &Val, rhs: &Val) -> Result<bool, Fault> {
    match (lhs, rhs) {
        (Val::Bool(a), Val::Bool(b)) => Ok(a == b),
        (Val::Int(a), Val::Int(b)) => Ok(a == b),
        (Val::Str(a), Val::Str(b)) => Ok(a == b),
        _ => match (number(lhs), number(rhs)) {
            (Some(a), Some(b)) => Ok(a == b),
            _ => Err(()),
        },
    }
}

fn ordering(lhs: &Val, rhs: &Val) -> Result<std::cmp::Ordering, Fault> {
    match (lhs, rhs) {
        (Val::Int(a), Val::Int(b)) => Ok(a.cmp(b)),
        (Val::Str(a), Val::Str(b)) => Ok(a.cmp(b)),
        _ => match (number(lhs), number(rhs)) {
            (Some(a), Some(b)) => a.partial_cmp(&b).ok_or(()),
            _ => Err(()),
        },
    }
}

/// `lhs in rhs`; a list on the left holds when any of its elements is in `rhs`.
fn within(lhs: &Val, rhs: &Val) -> Result<bool, Fault> {
    let mut any = false;
    match lhs {
        Val::Strs(items) => {
            for item in items {
                any |= element_of(&Val::Str(item.clone()), rhs)?;
            }
        }
        Val::Ints(items) => {
            for item in items {
                any |= element_of(&Val::Int(*item), rhs)?;
            }
        }
        Val::Nums(items) => {
            for item in items {
                any |= element_of(&Val::Num(*item), rhs)?;
            }
        }
        Val::Bools(items) => {
            for item in items {
                any |= element_of(&Val::Bool(*item), rhs)?;
            }
        }
        scalar => any = element_of(scalar, rhs)?,
    }
    Ok(any)
}

/// Returns whether the scalar `item` is an element of `collection` (a substring for two strings).
fn element_of(item: &Val, collection: &Val) -> Result<bool, Fault> {
    let empty_literal = match collection {
        Val::Nums(v) => v.is_empty(),
        Val::Bools(v) => v.is_empty(),
        _ => false,
    };
    if empty_literal {
        return Ok(false);
    }
    match (collection, item) {
        (Val::Strs(list), Val::Str(s)) => Ok(list.contains(s)),
        (Val::Strs(list), _) if list.is_empty() => Ok(false),
        (Val::Ints(list), Val::Int(i)) => Ok(list.contains(i)),
        (Val::Ints(list), Val::Num(n)) => Ok(list.iter().any(|e| *e as f64 == *n)),
        (Val::Ints(list), _) if list.is_empty() => Ok(false),
        (Val::Nums(list), scalar) => match number(scalar) {
            Some(n) => Ok(list.contains(&n)),
            None => Err(()),
        },
        (Val::Bools(list), Val::Bool(b)) => Ok(list.contains(b)),
        (Val::Str(text), Val::Str(part)) => Ok(text.contains(part.as_str())),
        _ => Err(()),
    }
}
