//! The bytecode interpreter: a plain `match` loop over validated code, with an instruction
//! budget per policy.

use std::sync::Arc;

use crate::compare::{compare, length, test, Fault};
use crate::frame::Frame;
use crate::fuse::Op;
use crate::ids::{ConstIdx, ControlIdx, SignalId};
use crate::instr::{CompareOp, Instr};
use crate::labels::PolicyLabels;
use crate::operand::Operand;
use crate::outcome::{Outcome, PolicyResult, TraceStep, Truth};
use crate::program::{ActualSide, CompiledPolicy, Effect, Program};
use crate::stack::OperandStack;

/// Default instruction budget per policy; shipped policies use well under a hundred.
pub const DEFAULT_BUDGET: u64 = 10_000;

/// Options of one evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EvalOptions {
    /// Record every control with its actual value and truth.
    pub trace: bool,
    /// Maximum instructions per policy; running out gives an ERROR outcome.
    pub budget: u64,
}

impl Default for EvalOptions {
    fn default() -> EvalOptions {
        EvalOptions { trace: false, budget: DEFAULT_BUDGET }
    }
}

/// Buffers that one evaluation reuses across its policies, so that a policy run allocates
/// nothing unless a signal is missing, a fault occurs or tracing is on.
#[derive(Default)]
pub(crate) struct Scratch<'a> {
    stack: OperandStack<'a>,
    missing: Vec<SignalId>,
}

/// Evaluates one policy.
pub(crate) fn evaluate_policy<'a>(
    program: &'a Program,
    policy: &'a CompiledPolicy,
    ops: &[Op],
    labels: &Arc<PolicyLabels>,
    frame: &'a Frame,
    options: &EvalOptions,
    scratch: &mut Scratch<'a>,
) -> PolicyResult {
    if !policy.enabled {
        return PolicyResult::from_run(Arc::clone(labels), Outcome::Disabled, None);
    }
    scratch.stack.clear();
    scratch.missing.clear();
    let trace = options.trace.then(Vec::new);
    let mut machine = Machine { program, policy, frame, stack: &mut scratch.stack, missing: &mut scratch.missing, trace };
    let truth = machine.run(ops, options.budget);
    let (outcome, fault) = outcome(policy, truth);
    let mut result = PolicyResult::from_run(Arc::clone(labels), outcome, fault.map(String::from));
    result.missing = machine.missing_names();
    result.trace = machine.trace;
    result
}

fn outcome(policy: &CompiledPolicy, truth: Result<Truth, Fault>) -> (Outcome, Option<Fault>) {
    match truth {
        Ok(Truth::True) => match policy.effect {
            Effect::Block => (Outcome::Block, None),
            Effect::Warn => (Outcome::Warn, None),
            Effect::Compliant => (Outcome::Compliant, None),
        },
        Ok(Truth::False) => (Outcome::Compliant, None),
        Ok(Truth::Unknown) => (Outcome::Undetermined, None),
        Err(fault) => (Outcome::Error, Some(fault)),
    }
}

pub(crate) fn and3(a: Truth, b: Truth) -> Truth {
    match (a, b) {
        (Truth::False, _) | (_, Truth::False) => Truth::False,
        (Truth::True, Truth::True) => Truth::True,
        _ => Truth::Unknown,
    }
}

pub(crate) fn or3(a: Truth, b: Truth) -> Truth {
    match (a, b) {
        (Truth::True, _) | (_, Truth::True) => Truth::True,
        (Truth::False, Truth::False) => Truth::False,
        _ => Truth::Unknown,
    }
}

pub(crate) fn not3(a: Truth) -> Truth {
    match a {
        Truth::True => Truth::False,
        Truth::False => Truth::True,
        Truth::Unknown => Truth::Unknown,
    }
}

struct Machine<'a, 's> {
    program: &'a Program,
    policy: &'a CompiledPolicy,
    frame: &'a Frame,
    stack: &'s mut OperandStack<'a>,
    /// Ids of the signals read but missing, in reading order, possibly repeated.
    missing: &'s mut Vec<SignalId>,
    trace: Option<Vec<TraceStep>>,
}

impl<'a> Machine<'a, '_> {
    /// Runs the fused code. A fused step spends as many instructions of the budget as it
    /// replaces, so the budget means the same as on the plain code.
    fn run(&mut self, ops: &[Op], budget: u64) -> Result<Truth, Fault> {
        let mut pc = 0usize;
        let mut spent = 0u64;
        loop {
            let Some(op) = ops.get(pc).copied() else {
                return Err("bytecode ran past the end of the policy".into());
            };
            spent += op.cost();
            if spent > budget {
                return Err(format!("instruction budget of {budget} exhausted").into());
            }
            pc += 1;
            let returned = match op {
                Op::Plain(instr) => self.step(instr, &mut pc)?,
                Op::CompareSignalConst { signal, constant, op, control } => {
                    self.compare_signal_const(signal, constant, op, control)?;
                    None
                }
            };
            if let Some(truth) = returned {
                return Ok(truth);
            }
        }
    }

    /// Does what `load_signal; push_const; <op>` do, without pushing the two operands.
    fn compare_signal_const(
        &mut self,
        signal: SignalId,
        constant: ConstIdx,
        op: CompareOp,
        control: ControlIdx,
    ) -> Result<(), Fault> {
        let value = self.frame.get(signal);
        if value.is_none() {
            self.missing.push(signal);
        }
        let lhs = Operand::from_value(value);
        let rhs = self.program.constants.get(constant.index()).map_or(Operand::Missing, Operand::from_constant);
        let truth = compare(op, lhs, rhs)?;
        self.record(control, lhs, rhs, truth);
        self.stack.push(Operand::Truth(truth));
        Ok(())
    }

    /// Executes one instruction; returns the condition's truth on `return`.
    fn step(&mut self, instr: Instr, pc: &mut usize) -> Result<Option<Truth>, Fault> {
        match instr {
            Instr::LoadSignal(id) => self.load(id),
            Instr::PushConst(idx) => {
                let constant = self.program.constants.get(idx.index());
                self.stack.push(constant.map_or(Operand::Missing, Operand::from_constant));
            }
            Instr::Compare(op, control) => {
                let rhs = self.pop()?;
                let lhs = self.pop()?;
                let truth = compare(op, lhs, rhs)?;
                self.record(control, lhs, rhs, truth);
                self.stack.push(Operand::Truth(truth));
            }
            Instr::Exists(id, control) => {
                let operand = Operand::from_value(self.frame.get(id));
                let truth = if operand == Operand::Missing { Truth::False } else { Truth::True };
                self.record(control, operand, operand, truth);
                self.stack.push(Operand::Truth(truth));
            }
            Instr::Len => {
                let operand = self.pop()?;
                self.stack.push(length(operand)?);
            }
            Instr::Test(control) => {
                let operand = self.pop()?;
                let truth = test(operand)?;
                self.record(control, operand, operand, truth);
                self.stack.push(Operand::Truth(truth));
            }
            Instr::Not => {
                let truth = self.pop_truth()?;
                self.stack.push(Operand::Truth(not3(truth)));
            }
            Instr::And | Instr::Or => {
                let b = self.pop_truth()?;
                let a = self.pop_truth()?;
                let truth = if instr == Instr::And { and3(a, b) } else { or3(a, b) };
                self.stack.push(Operand::Truth(truth));
            }
            Instr::JumpIfFalse(target) => self.jump_if(Truth::False, target.index(), pc)?,
            Instr::JumpIfTrue(target) => self.jump_if(Truth::True, target.index(), pc)?,
            Instr::Return => return self.pop_truth().map(Some),
        }
        Ok(None)
    }

    #[inline(always)]
    fn jump_if(&self, when: Truth, target: usize, pc: &mut usize) -> Result<(), Fault> {
        if self.peek_truth()? == when {
            *pc = target;
        }
        Ok(())
    }

    #[inline(always)]
    fn load(&mut self, id: SignalId) {
        let value = self.frame.get(id);
        if value.is_none() {
            self.missing.push(id);
        }
        self.stack.push(Operand::from_value(value));
    }

    #[inline(always)]
    fn pop(&mut self) -> Result<Operand<'a>, Fault> {
        self.stack.pop().ok_or_else(|| "bytecode popped an empty stack".into())
    }

    #[inline(always)]
    fn pop_truth(&mut self) -> Result<Truth, Fault> {
        match self.pop()? {
            Operand::Truth(truth) => Ok(truth),
            other => test(other),
        }
    }

    #[inline(always)]
    fn peek_truth(&self) -> Result<Truth, Fault> {
        match self.stack.last() {
            Some(Operand::Truth(truth)) => Ok(truth),
            Some(other) => test(other),
            None => Err("bytecode peeked at an empty stack".into()),
        }
    }

    /// Adds a trace step when tracing is on. The check is inlined, so untraced runs pay one
    /// branch.
    #[inline(always)]
    fn record(&mut self, control: ControlIdx, lhs: Operand<'_>, rhs: Operand<'_>, result: Truth) {
        if self.trace.is_some() {
            self.record_step(control, lhs, rhs, result);
        }
    }

    #[inline(never)]
    fn record_step(&mut self, control: ControlIdx, lhs: Operand<'_>, rhs: Operand<'_>, result: Truth) {
        let Some(trace) = self.trace.as_mut() else {
            return;
        };
        let Some(control) = self.policy.controls.get(control.index()) else {
            return;
        };
        let actual = match control.actual {
            ActualSide::Lhs => lhs,
            ActualSide::Rhs => rhs,
        };
        let signal = control.signal.and_then(|id| self.program.signals.get(id.index()));
        trace.push(TraceStep {
            control: control.text.clone(),
            signal: signal.map(|decl| decl.name.clone()),
            actual: actual.to_json(),
            result,
        });
    }

    fn missing_names(&mut self) -> Vec<String> {
        if self.missing.is_empty() {
            return Vec::new();
        }
        self.missing.sort_unstable();
        self.missing.dedup();
        let names = self.missing.iter().filter_map(|id| self.program.signals.get(id.index()));
        let mut names: Vec<String> = names.map(|decl| decl.name.clone()).collect();
        names.sort();
        names.dedup();
        names
    }
}
