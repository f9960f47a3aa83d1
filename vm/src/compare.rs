//! Comparison semantics shared by every compare instruction.
//!
//! A missing operand makes any comparison unknown. Integers and numbers compare as `f64`;
//! strings compare by bytes. `in` tests membership of a scalar in a list, or, for a list
//! operand, whether any element is a member (so an empty list is `not in` anything). Nothing is
//! a member of an empty list, whatever its type.
//! `contains` is `in` with the operands swapped; on two strings it is a substring test.
//! Operands of types that do not fit the operator are a type fault.

use std::cmp::Ordering;

use crate::constant::SetConst;
use crate::instr::CompareOp;
use crate::operand::Operand;
use crate::outcome::Truth;

/// A type fault's message. A boxed `str` keeps each step's `Result` two words wide, so it is
/// returned in registers.
pub(crate) type Fault = Box<str>;

/// Compares two operands. Equality and order of two integers or two strings (most controls of
/// real policies) take an inlined path. Everything else goes through [`compare_general`].
#[inline(always)]
pub(crate) fn compare(op: CompareOp, lhs: Operand<'_>, rhs: Operand<'_>) -> Result<Truth, Fault> {
    let ordering = match (lhs, rhs) {
        (Operand::Int(a), Operand::Int(b)) => a.cmp(&b),
        (Operand::Str(a), Operand::Str(b)) if matches!(op, CompareOp::Eq | CompareOp::Ne) => {
            return Ok(truth((a == b) == (op == CompareOp::Eq)));
        }
        (Operand::Str(a), Operand::Str(b)) => a.cmp(b),
        _ => return compare_general(op, lhs, rhs),
    };
    let matched = match op {
        CompareOp::Eq => ordering == Ordering::Equal,
        CompareOp::Ne => ordering != Ordering::Equal,
        CompareOp::Gt => ordering == Ordering::Greater,
        CompareOp::Ge => ordering != Ordering::Less,
        CompareOp::Lt => ordering == Ordering::Less,
        CompareOp::Le => ordering != Ordering::Greater,
        CompareOp::In | CompareOp::NotIn | CompareOp::Contains => return compare_general(op, lhs, rhs),
    };
    Ok(truth(matched))
}

fn truth(matched: bool) -> Truth {
    if matched {
        Truth::True
    } else {
        Truth::False
    }
}

#[inline(never)]
fn compare_general(op: CompareOp, lhs: Operand<'_>, rhs: Operand<'_>) -> Result<Truth, Fault> {
    let (lhs, rhs) = (lhs.normalize(), rhs.normalize());
    if matches!(lhs, Operand::Missing) || matches!(rhs, Operand::Missing) {
        return Ok(Truth::Unknown);
    }
    let holds = match op {
        CompareOp::Eq => equal(lhs, rhs)?,
        CompareOp::Ne => !equal(lhs, rhs)?,
        CompareOp::Gt => order(lhs, rhs)? == Ordering::Greater,
        CompareOp::Ge => order(lhs, rhs)? != Ordering::Less,
        CompareOp::Lt => order(lhs, rhs)? == Ordering::Less,
        CompareOp::Le => order(lhs, rhs)? != Ordering::Greater,
        CompareOp::In => is_in(lhs, rhs)?,
        CompareOp::NotIn => !is_in(lhs, rhs)?,
        CompareOp::Contains => member(rhs, lhs)?,
    };
    Ok(truth(holds))
}

fn mismatch(what: &str, lhs: Operand<'_>, rhs: Operand<'_>) -> Fault {
    format!("type fault: cannot {what} {} and {}", lhs.kind(), rhs.kind()).into()
}

fn as_f64(operand: Operand<'_>) -> Option<f64> {
    match operand {
        Operand::Int(i) => Some(i as f64),
        Operand::Number(n) => Some(n),
        _ => None,
    }
}

fn equal(lhs: Operand<'_>, rhs: Operand<'_>) -> Result<bool, Fault> {
    match (lhs, rhs) {
        (Operand::Bool(a), Operand::Bool(b)) => Ok(a == b),
        (Operand::Int(a), Operand::Int(b)) => Ok(a == b),
        (Operand::Str(a), Operand::Str(b)) => Ok(a == b),
        _ => match (as_f64(lhs), as_f64(rhs)) {
            (Some(a), Some(b)) => Ok(a == b),
            _ => Err(mismatch("compare", lhs, rhs)),
        },
    }
}

fn order(lhs: Operand<'_>, rhs: Operand<'_>) -> Result<Ordering, Fault> {
    match (lhs, rhs) {
        (Operand::Int(a), Operand::Int(b)) => Ok(a.cmp(&b)),
        (Operand::Str(a), Operand::Str(b)) => Ok(a.cmp(b)),
        _ => match (as_f64(lhs), as_f64(rhs)) {
            (Some(a), Some(b)) => a.partial_cmp(&b).ok_or_else(|| mismatch("order", lhs, rhs)),
            _ => Err(mismatch("order", lhs, rhs)),
        },
    }
}

/// `lhs in rhs`: for a list `lhs`, whether any element is a member of `rhs`.
fn is_in(lhs: Operand<'_>, rhs: Operand<'_>) -> Result<bool, Fault> {
    match lhs {
        Operand::ListStr(items) => any_member(items.iter().map(|s| Operand::Str(s)), rhs),
        Operand::ListInt(items) => any_member(items.iter().map(|i| Operand::Int(*i)), rhs),
        Operand::Set(SetConst::Strings(items)) => any_member(items.iter().map(|s| Operand::Str(s)), rhs),
        Operand::Set(SetConst::Ints(items)) => any_member(items.iter().map(|i| Operand::Int(*i)), rhs),
        Operand::Set(SetConst::Numbers(items)) => any_member(items.iter().map(|n| Operand::Number(*n)), rhs),
        Operand::Set(SetConst::Bools(items)) => any_member(items.iter().map(|b| Operand::Bool(*b)), rhs),
        scalar => member(scalar, rhs),
    }
}

fn any_member<'a>(mut items: impl Iterator<Item = Operand<'a>>, rhs: Operand<'_>) -> Result<bool, Fault> {
    items.try_fold(false, |found, item| {
        let hit = member(item, rhs)?;
        Ok(found || hit)
    })
}

/// Returns whether the scalar `item` is an element of `collection`.
fn member(item: Operand<'_>, collection: Operand<'_>) -> Result<bool, Fault> {
    match (collection, item) {
        (Operand::Set(set), _) if set.is_empty() => Ok(false),
        (Operand::ListStr([]) | Operand::ListInt([]), _) => Ok(false),
        (Operand::Set(SetConst::Strings(set)), Operand::Str(s)) => {
            Ok(set.binary_search_by(|e| e.as_str().cmp(s)).is_ok())
        }
        (Operand::Set(SetConst::Ints(set)), Operand::Int(i)) => Ok(set.binary_search(&i).is_ok()),
        (Operand::Set(SetConst::Ints(set)), Operand::Number(n)) => Ok(set.iter().any(|e| *e as f64 == n)),
        (Operand::Set(SetConst::Numbers(set)), scalar) if as_f64(scalar).is_some() => {
            let value = as_f64(scalar).unwrap_or_default();
            Ok(set.binary_search_by(|e| e.partial_cmp(&value).unwrap_or(Ordering::Less)).is_ok())
        }
        (Operand::Set(SetConst::Bools(set)), Operand::Bool(b)) => Ok(set.contains(&b)),
        (Operand::ListStr(list), Operand::Str(s)) => Ok(list.iter().any(|e| e == s)),
        (Operand::ListInt(list), Operand::Int(i)) => Ok(list.contains(&i)),
        (Operand::ListInt(list), Operand::Number(n)) => Ok(list.iter().any(|e| *e as f64 == n)),
        (Operand::Str(text), Operand::Str(part)) => Ok(text.contains(part)),
        _ => Err(mismatch("test membership of", item, collection)),
    }
}

/// `len(x)`: characters of a string or elements of a list; a missing value stays missing.
pub(crate) fn length(operand: Operand<'_>) -> Result<Operand<'static>, Fault> {
    let len = match operand {
        Operand::Missing => return Ok(Operand::Missing),
        Operand::Str(s) => s.chars().count(),
        Operand::ListStr(items) => items.len(),
        Operand::ListInt(items) => items.len(),
        Operand::Set(set) => set.len(),
        other => return Err(format!("type fault: len() of {}", other.kind()).into()),
    };
    Ok(Operand::Int(i64::try_from(len).unwrap_or(i64::MAX)))
}

/// Turns a bool value into a truth; a missing value is unknown.
pub(crate) fn test(operand: Operand<'_>) -> Result<Truth, Fault> {
    match operand {
        Operand::Bool(true) => Ok(Truth::True),
        Operand::Bool(false) => Ok(Truth::False),
        Operand::Truth(t) => Ok(t),
        Operand::Missing => Ok(Truth::Unknown),
        other => Err(format!("type fault: {} used as a condition", other.kind()).into()),
    }
}
