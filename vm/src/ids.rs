//! Index newtypes that cross module boundaries, so a signal index is never mixed up with a
//! constant index.

use std::fmt;

/// Position of a signal in the bundle's signal table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SignalId(pub u32);

/// Position of a constant in the bundle's constant pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConstIdx(pub u32);

/// Position of a policy in the bundle's policy table (policies are sorted by id).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PolicyIdx(pub u32);

/// Position of a control (a traced comparison or call) in one policy's control table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ControlIdx(pub u32);

/// Position of an instruction in one policy's code; jump operands are instruction positions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CodePos(pub u32);

macro_rules! impl_index {
    ($name:ident, $prefix:literal) => {
        impl $name {
            /// Returns the index as a `usize` for slice lookups.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

impl_index!(SignalId, "s");
impl_index!(ConstIdx, "k");
impl_index!(PolicyIdx, "p");
impl_index!(ControlIdx, "c");
impl_index!(CodePos, "@");
