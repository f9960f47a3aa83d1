//! Decoded instructions: an [`Opcode`] together with its typed operands.

use crate::ids::{CodePos, ConstIdx, ControlIdx, SignalId};
use crate::opcode::Opcode;

/// The comparison performed by a compare instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    In,
    NotIn,
    Contains,
}

impl CompareOp {
    pub fn opcode(self) -> Opcode {
        match self {
            CompareOp::Eq => Opcode::Eq,
            CompareOp::Ne => Opcode::Ne,
            CompareOp::Gt => Opcode::Gt,
            CompareOp::Ge => Opcode::Ge,
            CompareOp::Lt => Opcode::Lt,
            CompareOp::Le => Opcode::Le,
            CompareOp::In => Opcode::In,
            CompareOp::NotIn => Opcode::NotIn,
            CompareOp::Contains => Opcode::Contains,
        }
    }

    pub fn from_opcode(opcode: Opcode) -> Option<CompareOp> {
        let op = match opcode {
            Opcode::Eq => CompareOp::Eq,
            Opcode::Ne => CompareOp::Ne,
            Opcode::Gt => CompareOp::Gt,
            Opcode::Ge => CompareOp::Ge,
            Opcode::Lt => CompareOp::Lt,
            Opcode::Le => CompareOp::Le,
            Opcode::In => CompareOp::In,
            Opcode::NotIn => CompareOp::NotIn,
            Opcode::Contains => CompareOp::Contains,
            _ => return None,
        };
        Some(op)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Instr {
    LoadSignal(SignalId),
    PushConst(ConstIdx),
    Compare(CompareOp, ControlIdx),
    Exists(SignalId, ControlIdx),
    Len,
    Test(ControlIdx),
    Not,
    And,
    Or,
    JumpIfFalse(CodePos),
    JumpIfTrue(CodePos),
    Return,
}

impl Instr {
    pub fn opcode(self) -> Opcode {
        match self {
            Instr::LoadSignal(_) => Opcode::LoadSignal,
            Instr::PushConst(_) => Opcode::PushConst,
            Instr::Compare(op, _) => op.opcode(),
            Instr::Exists(..) => Opcode::Exists,
            Instr::Len => Opcode::Len,
            Instr::Test(_) => Opcode::Test,
            Instr::Not => Opcode::Not,
            Instr::And => Opcode::And,
            Instr::Or => Opcode::Or,
            Instr::JumpIfFalse(_) => Opcode::JumpIfFalse,
            Instr::JumpIfTrue(_) => Opcode::JumpIfTrue,
            Instr::Return => Opcode::Return,
        }
    }

    /// Returns how many stack slots the instruction pops and pushes.
    pub fn stack_effect(self) -> (usize, usize) {
        match self {
            Instr::LoadSignal(_) | Instr::PushConst(_) | Instr::Exists(..) => (0, 1),
            Instr::Compare(..) | Instr::And | Instr::Or => (2, 1),
            Instr::Len | Instr::Test(_) | Instr::Not => (1, 1),
            Instr::JumpIfFalse(_) | Instr::JumpIfTrue(_) => (1, 1),
            Instr::Return => (1, 0),
        }
    }
}
