//! Constant pool entries. List literals are stored as sorted, duplicate-free sets so that
//! `in`, `not in` and `contains` can use a binary search.

use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq)]
pub enum Constant {
    Bool(bool),
    Int(i64),
    Number(f64),
    String(String),
    Set(SetConst),
}

/// A sorted, duplicate-free set of literals of one type. A list that mixes integers and
/// decimals becomes a `Numbers` set; the empty list is an empty `Strings` set.
#[derive(Clone, Debug, PartialEq)]
pub enum SetConst {
    Strings(Vec<String>),
    Ints(Vec<i64>),
    /// Sorted by [`f64::total_cmp`].
    Numbers(Vec<f64>),
    /// `false` before `true`.
    Bools(Vec<bool>),
}

impl SetConst {
    /// Builds a set from unsorted elements, sorting them and dropping duplicates.
    pub fn strings(mut items: Vec<String>) -> SetConst {
        items.sort();
        items.dedup();
        SetConst::Strings(items)
    }

    pub fn ints(mut items: Vec<i64>) -> SetConst {
        items.sort_unstable();
        items.dedup();
        SetConst::Ints(items)
    }

    pub fn numbers(mut items: Vec<f64>) -> SetConst {
        items.sort_by(f64::total_cmp);
        items.dedup_by(|a, b| a.total_cmp(b) == Ordering::Equal);
        SetConst::Numbers(items)
    }

    pub fn bools(mut items: Vec<bool>) -> SetConst {
        items.sort_unstable();
        items.dedup();
        SetConst::Bools(items)
    }

    pub fn len(&self) -> usize {
        match self {
            SetConst::Strings(items) => items.len(),
            SetConst::Ints(items) => items.len(),
            SetConst::Numbers(items) => items.len(),
            SetConst::Bools(items) => items.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Returns whether the elements are strictly increasing, as the binary search needs.
    pub fn is_sorted_set(&self) -> bool {
        match self {
            SetConst::Strings(items) => items.windows(2).all(|w| w.first() < w.get(1)),
            SetConst::Ints(items) => items.windows(2).all(|w| w.first() < w.get(1)),
            SetConst::Numbers(items) => items.windows(2).all(|w| match (w.first(), w.get(1)) {
                (Some(a), Some(b)) => a.total_cmp(b) == Ordering::Less,
                _ => true,
            }),
            SetConst::Bools(items) => items.windows(2).all(|w| w.first() < w.get(1)),
        }
    }
}
