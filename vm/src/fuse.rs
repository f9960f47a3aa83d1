//! The interpreter's own form of a policy's code, built once when a bundle loads.
//!
//! Most controls compile to `load_signal s; push_const k; <compare> c`. This pass turns each
//! such triple into one [`Op::CompareSignalConst`], so the interpreter dispatches once instead
//! of three times and never pushes the two operands. Jump targets are renumbered to the new
//! positions. A triple is left alone when a jump lands inside it. The artifact, its hashes
//! and the disassembly still use the plain instructions.

use crate::ids::{CodePos, ConstIdx, ControlIdx, SignalId};
use crate::instr::{CompareOp, Instr};

/// One step of the interpreter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// A plain instruction. Its jump targets are positions in the fused code.
    Plain(Instr),
    /// `load_signal signal; push_const constant; <op> control`, counted as three instructions
    /// against the budget.
    CompareSignalConst { signal: SignalId, constant: ConstIdx, op: CompareOp, control: ControlIdx },
}

impl Op {
    /// Returns how many plain instructions the step replaces.
    pub(crate) fn cost(self) -> u64 {
        match self {
            Op::Plain(_) => 1,
            Op::CompareSignalConst { .. } => 3,
        }
    }
}

/// Fuses validated code. Jumps must go forward onto instructions, which load-time validation
/// guarantees.
pub(crate) fn fuse(code: &[Instr]) -> Vec<Op> {
    let targets = jump_targets(code);
    let mut ops = Vec::with_capacity(code.len());
    let mut new_pos = vec![0u32; code.len() + 1];
    let mut pos = 0;
    while pos < code.len() {
        let (op, width) = match fused_at(code, pos, &targets) {
            Some(op) => (op, 3),
            None => (Op::Plain(code.get(pos).copied().unwrap_or(Instr::Return)), 1),
        };
        let fused_pos = u32::try_from(ops.len()).unwrap_or(u32::MAX);
        for slot in new_pos.iter_mut().skip(pos).take(width) {
            *slot = fused_pos;
        }
        ops.push(op);
        pos += width;
    }
    if let Some(end) = new_pos.last_mut() {
        *end = u32::try_from(ops.len()).unwrap_or(u32::MAX);
    }
    ops.iter().map(|op| renumber(*op, &new_pos)).collect()
}

fn jump_targets(code: &[Instr]) -> Vec<bool> {
    let mut targets = vec![false; code.len()];
    for instr in code {
        if let Instr::JumpIfFalse(target) | Instr::JumpIfTrue(target) = instr {
            if let Some(slot) = targets.get_mut(target.index()) {
                *slot = true;
            }
        }
    }
    targets
}

fn fused_at(code: &[Instr], pos: usize, targets: &[bool]) -> Option<Op> {
    let lands_inside = targets.get(pos + 1..pos + 3)?.iter().any(|&target| target);
    if lands_inside {
        return None;
    }
    match code.get(pos..pos + 3)? {
        [Instr::LoadSignal(signal), Instr::PushConst(constant), Instr::Compare(op, control)] => {
            Some(Op::CompareSignalConst { signal: *signal, constant: *constant, op: *op, control: *control })
        }
        _ => None,
    }
}

fn renumber(op: Op, new_pos: &[u32]) -> Op {
    let moved = |target: CodePos| CodePos(new_pos.get(target.index()).copied().unwrap_or(u32::MAX));
    match op {
        Op::Plain(Instr::JumpIfFalse(target)) => Op::Plain(Instr::JumpIfFalse(moved(target))),
        Op::Plain(Instr::JumpIfTrue(target)) => Op::Plain(Instr::JumpIfTrue(moved(target))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triple(signal: u32, constant: u32, control: u32) -> [Instr; 3] {
        [
            Instr::LoadSignal(SignalId(signal)),
            Instr::PushConst(ConstIdx(constant)),
            Instr::Compare(CompareOp::Eq, ControlIdx(control)),
        ]
    }

    fn fused(signal: u32, constant: u32, control: u32) -> Op {
        Op::CompareSignalConst {
            signal: SignalId(signal),
            constant: ConstIdx(constant),
            op: CompareOp::Eq,
            control: ControlIdx(control),
        }
    }

    #[test]
    fn fuse_renumbers_jumps() {
        let mut code = triple(0, 0, 0).to_vec();
        code.push(Instr::JumpIfFalse(CodePos(8)));
        code.extend(triple(1, 1, 1));
        code.push(Instr::And);
        code.push(Instr::Return);
        let ops = fuse(&code);
        assert_eq!(
            ops,
            vec![
                fused(0, 0, 0),
                Op::Plain(Instr::JumpIfFalse(CodePos(4))),
                fused(1, 1, 1),
                Op::Plain(Instr::And),
                Op::Plain(Instr::Return),
            ]
        );
    }

    #[test]
    fn fuse_skips_jumped_into_triple() {
        let mut code = vec![Instr::LoadSignal(SignalId(2)), Instr::JumpIfTrue(CodePos(3))];
        code.extend(triple(0, 0, 0));
        code.push(Instr::Or);
        code.push(Instr::Return);
        // The jump lands on position 3, the push_const of the triple at 2..5.
        let ops = fuse(&code);
        assert_eq!(ops.len(), code.len());
        assert_eq!(ops.get(1), Some(&Op::Plain(Instr::JumpIfTrue(CodePos(3)))));
    }

    #[test]
    fn fuse_keeps_jump_to_triple_start() {
        let mut code = vec![Instr::LoadSignal(SignalId(2)), Instr::JumpIfTrue(CodePos(4)), Instr::Not, Instr::Not];
        code.extend(triple(0, 0, 0));
        code.push(Instr::Or);
        code.push(Instr::Return);
        let ops = fuse(&code);
        assert_eq!(ops.get(1), Some(&Op::Plain(Instr::JumpIfTrue(CodePos(4)))));
        assert_eq!(ops.get(4), Some(&fused(0, 0, 0)));
        assert_eq!(ops.iter().map(|op| op.cost()).sum::<u64>(), code.len() as u64);
    }
}
