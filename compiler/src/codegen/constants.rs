//! Constant pool with interning: equal literals share one entry, and entries are numbered in
//! first-use order, which is deterministic because policies are compiled sorted by id.

use std::collections::BTreeMap;

use vm::constant::{Constant, SetConst};
use vm::ids::ConstIdx;

#[derive(Debug, Default)]
pub(crate) struct ConstantPool {
    constants: Vec<Constant>,
    /// Canonical key of each constant (type tag and exact bits), for interning.
    index: BTreeMap<String, ConstIdx>,
}

impl ConstantPool {
    pub(crate) fn intern(&mut self, constant: Constant) -> ConstIdx {
        let key = key(&constant);
        if let Some(idx) = self.index.get(&key) {
            return *idx;
        }
        let idx = ConstIdx(u32::try_from(self.constants.len()).unwrap_or(u32::MAX));
        self.constants.push(constant);
        self.index.insert(key, idx);
        idx
    }

    pub(crate) fn into_vec(self) -> Vec<Constant> {
        self.constants
    }
}

fn key(constant: &Constant) -> String {
    match constant {
        Constant::Bool(b) => format!("b:{b}"),
        Constant::Int(i) => format!("i:{i}"),
        Constant::Number(n) => format!("n:{:016x}", n.to_bits()),
        Constant::String(s) => format!("s:{s:?}"),
        Constant::Set(SetConst::Strings(items)) => format!("S:{items:?}"),
        Constant::Set(SetConst::Ints(items)) => format!("I:{items:?}"),
        Constant::Set(SetConst::Numbers(items)) => {
            let bits: Vec<u64> = items.iter().map(|n| n.to_bits()).collect();
            format!("N:{bits:?}")
        }
        Constant::Set(SetConst::Bools(items)) => format!("B:{items:?}"),
    }
}
