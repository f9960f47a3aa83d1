//! Load-time validation: every index in range, every jump forward onto an instruction, and a
//! consistent stack depth, so the interpreter never reads out of bounds.

use std::collections::HashSet;

use crate::error::LoadError;
use crate::ids::{CodePos, ControlIdx, SignalId};
use crate::instr::Instr;
use crate::program::{CompiledPolicy, Program};

pub(crate) fn validate_program(program: &Program) -> Result<(), LoadError> {
    check_signal_table(program)?;
    check_policy_order(program)?;
    for policy in &program.policies {
        PolicyCheck { program, policy }.run()?;
    }
    Ok(())
}

fn check_signal_table(program: &Program) -> Result<(), LoadError> {
    let mut seen = HashSet::new();
    for decl in &program.signals {
        if !seen.insert(decl.name.as_str()) {
            return Err(invalid_table(format!("signal {} is declared twice", decl.name)));
        }
    }
    Ok(())
}

fn check_policy_order(program: &Program) -> Result<(), LoadError> {
    for pair in program.policies.windows(2) {
        if let [a, b] = pair {
            if a.id >= b.id {
                return Err(invalid_table(format!("policies {} and {} are not sorted by unique id", a.id, b.id)));
            }
        }
    }
    Ok(())
}

fn invalid_table(reason: String) -> LoadError {
    LoadError::Malformed { offset: 0, reason }
}

struct PolicyCheck<'a> {
    program: &'a Program,
    policy: &'a CompiledPolicy,
}

impl PolicyCheck<'_> {
    fn run(&self) -> Result<(), LoadError> {
        for control in &self.policy.controls {
            if let Some(id) = control.signal {
                self.signal(id)?;
            }
        }
        for (pos, instr) in self.policy.code.iter().enumerate() {
            self.operands(pos, *instr)?;
        }
        self.stack_depths()
    }

    fn location(&self, pos: Option<usize>) -> String {
        match pos {
            Some(pos) => format!("policy {} instruction {pos}", self.policy.id),
            None => format!("policy {}", self.policy.id),
        }
    }

    fn out_of_range(&self, pos: Option<usize>, what: &'static str, index: u32, len: usize) -> LoadError {
        LoadError::IndexOutOfRange { location: self.location(pos), what, index, len }
    }

    fn invalid(&self, pos: Option<usize>, reason: String) -> LoadError {
        LoadError::InvalidBytecode { location: self.location(pos), reason }
    }

    fn signal(&self, id: SignalId) -> Result<(), LoadError> {
        let len = self.program.signals.len();
        if id.index() >= len {
            return Err(self.out_of_range(None, "signal", id.0, len));
        }
        Ok(())
    }

    fn operands(&self, pos: usize, instr: Instr) -> Result<(), LoadError> {
        match instr {
            Instr::LoadSignal(id) => self.check(pos, "signal", id.0, self.program.signals.len()),
            Instr::PushConst(idx) => self.check(pos, "constant", idx.0, self.program.constants.len()),
            Instr::Compare(_, control) | Instr::Test(control) => self.control(pos, control),
            Instr::Exists(id, control) => {
                self.check(pos, "signal", id.0, self.program.signals.len())?;
                self.control(pos, control)
            }
            Instr::JumpIfFalse(target) | Instr::JumpIfTrue(target) => self.jump(pos, target),
            Instr::Len | Instr::Not | Instr::And | Instr::Or | Instr::Return => Ok(()),
        }
    }

    fn check(&self, pos: usize, what: &'static str, index: u32, len: usize) -> Result<(), LoadError> {
        if index as usize >= len {
            return Err(self.out_of_range(Some(pos), what, index, len));
        }
        Ok(())
    }

    fn control(&self, pos: usize, control: ControlIdx) -> Result<(), LoadError> {
        self.check(pos, "control", control.0, self.policy.controls.len())
    }

    /// Jumps must go forward, which also guarantees that every evaluation terminates.
    fn jump(&self, pos: usize, target: CodePos) -> Result<(), LoadError> {
        self.check(pos, "jump target", target.0, self.policy.code.len())?;
        if target.index() <= pos {
            return Err(self.invalid(Some(pos), format!("jump to {} does not go forward", target.0)));
        }
        Ok(())
    }

    /// Walks the code once, tracking the stack depth along the fall-through path and every
    /// jump. Each instruction must be reachable with one depth, never pop an empty stack, and
    /// `return` must leave exactly one truth.
    fn stack_depths(&self) -> Result<(), LoadError> {
        let code = &self.policy.code;
        let mut incoming: Vec<Option<usize>> = vec![None; code.len()];
        let mut current = Some(0usize);
        for (pos, instr) in code.iter().enumerate() {
            let depth = self.merge(pos, current, incoming.get(pos).copied().flatten())?;
            let (pops, pushes) = instr.stack_effect();
            if depth < pops {
                return Err(self.invalid(Some(pos), format!("pops {pops} values from a stack of {depth}")));
            }
            let after = depth - pops + pushes;
            current = Some(after);
            match instr {
                Instr::JumpIfFalse(target) | Instr::JumpIfTrue(target) => {
                    let slot = incoming.get_mut(target.index());
                    if let Some(slot) = slot {
                        *slot = Some(self.merge(target.index(), *slot, Some(after))?);
                    }
                }
                Instr::Return if depth != 1 => {
                    return Err(self.invalid(Some(pos), format!("returns with {depth} values on the stack")));
                }
                Instr::Return => current = None,
                _ => {}
            }
        }
        if current.is_some() {
            return Err(self.invalid(None, "code does not end with return".into()));
        }
        Ok(())
    }

    fn merge(&self, pos: usize, a: Option<usize>, b: Option<usize>) -> Result<usize, LoadError> {
        match (a, b) {
            (Some(a), Some(b)) if a != b => {
                Err(self.invalid(Some(pos), format!("reached with stack depths {a} and {b}")))
            }
            (Some(depth), _) | (None, Some(depth)) => Ok(depth),
            (None, None) => Err(self.invalid(Some(pos), "instruction is unreachable".into())),
        }
    }
}
