//! The interpreter's operand stack. The first slots live inline, so shallow policies (nearly
//! all of them) never allocate. Deeper ones spill to a vector.

use crate::operand::Operand;

/// Slots kept inline. A chain of `and`/`or` with short-circuit jumps needs two or three.
const INLINE: usize = 16;

pub(crate) struct OperandStack<'a> {
    inline: [Operand<'a>; INLINE],
    len: usize,
    /// Elements from position `INLINE` upwards.
    spill: Vec<Operand<'a>>,
}

impl Default for OperandStack<'_> {
    fn default() -> Self {
        OperandStack { inline: [Operand::Missing; INLINE], len: 0, spill: Vec::new() }
    }
}

impl<'a> OperandStack<'a> {
    pub(crate) fn clear(&mut self) {
        self.len = 0;
        self.spill.clear();
    }

    #[inline]
    pub(crate) fn push(&mut self, operand: Operand<'a>) {
        match self.inline.get_mut(self.len) {
            Some(slot) => *slot = operand,
            None => self.spill.push(operand),
        }
        self.len += 1;
    }

    #[inline]
    pub(crate) fn pop(&mut self) -> Option<Operand<'a>> {
        let top = self.len.checked_sub(1)?;
        self.len = top;
        match self.inline.get(top) {
            Some(operand) => Some(*operand),
            None => self.spill.pop(),
        }
    }

    #[inline]
    pub(crate) fn last(&self) -> Option<Operand<'a>> {
        let top = self.len.checked_sub(1)?;
        match self.inline.get(top) {
            Some(operand) => Some(*operand),
            None => self.spill.last().copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_pops_across_spill() {
        let mut stack = OperandStack::default();
        let depth = i64::try_from(INLINE * 3).unwrap_or(48);
        for i in 0..depth {
            stack.push(Operand::Int(i));
            assert_eq!(stack.last(), Some(Operand::Int(i)));
        }
        for i in (0..depth).rev() {
            assert_eq!(stack.pop(), Some(Operand::Int(i)));
        }
        assert_eq!(stack.pop(), None);
        assert_eq!(stack.last(), None);
    }

    #[test]
    fn stack_clear_empties_spill() {
        let mut stack = OperandStack::default();
        for i in 0..40 {
            stack.push(Operand::Int(i));
        }
        stack.clear();
        assert_eq!(stack.last(), None);
        stack.push(Operand::Bool(true));
        assert_eq!(stack.pop(), Some(Operand::Bool(true)));
        assert_eq!(stack.pop(), None);
    }
}
