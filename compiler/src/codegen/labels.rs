//! Label registry for forward jumps: emit a jump to a label before its position is known, bind
//! the label later, then patch every jump.

use vm::ids::CodePos;
use vm::instr::Instr;

/// A jump target inside one policy's code, bound to a position once the emitter reaches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Label(pub u32);

#[derive(Debug, Default)]
pub(crate) struct LabelRegistry {
    /// Bound position of each label, by label number.
    positions: Vec<Option<CodePos>>,
    /// Jumps waiting for their label: instruction position and label.
    fixups: Vec<(usize, Label)>,
}

impl LabelRegistry {
    pub(crate) fn new_label(&mut self) -> Label {
        self.positions.push(None);
        Label(u32::try_from(self.positions.len() - 1).unwrap_or(u32::MAX))
    }

    pub(crate) fn bind(&mut self, label: Label, pos: CodePos) {
        if let Some(slot) = self.positions.get_mut(label.0 as usize) {
            *slot = Some(pos);
        }
    }

    /// Records that the jump at `pos` targets `label`.
    pub(crate) fn refer(&mut self, pos: usize, label: Label) {
        self.fixups.push((pos, label));
    }

    /// Writes every label's bound position into its jumps. Returns the labels that were used
    /// but never bound (an emitter bug, reported as a diagnostic by the caller).
    pub(crate) fn patch(self, code: &mut [Instr]) -> Vec<Label> {
        let mut unbound = Vec::new();
        for (pos, label) in self.fixups {
            let target = self.positions.get(label.0 as usize).copied().flatten();
            match (code.get_mut(pos), target) {
                (Some(Instr::JumpIfFalse(slot) | Instr::JumpIfTrue(slot)), Some(target)) => *slot = target,
                _ => unbound.push(label),
            }
        }
        unbound
    }
}
