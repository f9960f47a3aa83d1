//! The bytecode interpreter: a plain `match` loop over validated code, with an instruction
//! budget per policy.

use std::collections::BTreeSet;

use crate::compare::{compare, length, test, Fault};
use crate::frame::Frame;
use crate::ids::{ControlIdx, SignalId};
use crate::instr::Instr;
use crate::operand::Operand;
use crate::outcome::{Outcome, PolicyResult, TraceStep, Truth};
use crate::program::{ActualSide, CompiledPolicy, Effect, Program};

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

/// Evaluates one policy. `policy_hash` is copied into the result.
pub(crate) fn evaluate_policy(
    program: &Program,
    policy: &CompiledPolicy,
    policy_hash: &str,
    frame: &Frame,
    options: &EvalOptions,
) -> PolicyResult {
    let mut result = PolicyResult {
        policy_id: policy.id.clone(),
        version: policy.version.clone(),
        policy_hash: policy_hash.to_string(),
        outcome: Outcome::Disabled,
        message: None,
        missing: Vec::new(),
        trace: None,
    };
    if !policy.enabled {
        return result;
    }
    let mut machine = Machine::new(program, policy, frame, options.trace);
    let truth = machine.run(options.budget);
    (result.outcome, result.message) = outcome(policy, truth);
    result.missing = machine.missing_names();
    result.trace = machine.trace;
    result
}

fn outcome(policy: &CompiledPolicy, truth: Result<Truth, Fault>) -> (Outcome, Option<String>) {
    match truth {
        Ok(Truth::True) => match policy.effect {
            Effect::Block => (Outcome::Block, Some(policy.message.clone())),
            Effect::Warn => (Outcome::Warn, Some(policy.message.clone())),
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

struct Machine<'a> {
    program: &'a Program,
    policy: &'a CompiledPolicy,
    frame: &'a Frame,
    stack: Vec<Operand<'a>>,
    missing: BTreeSet<SignalId>,
    trace: Option<Vec<TraceStep>>,
}

impl<'a> Machine<'a> {
    fn new(program: &'a Program, policy: &'a CompiledPolicy, frame: &'a Frame, trace: bool) -> Machine<'a> {
        Machine {
            program,
            policy,
            frame,
            stack: Vec::with_capacity(8),
            missing: BTreeSet::new(),
            trace: trace.then(Vec::new),
        }
    }

    fn run(&mut self, budget: u64) -> Result<Truth, Fault> {
        let mut pc = 0usize;
        for _ in 0..budget {
            let Some(instr) = self.policy.code.get(pc).copied() else {
                return Err("bytecode ran past the end of the policy".into());
            };
            pc += 1;
            if let Some(truth) = self.step(instr, &mut pc)? {
                return Ok(truth);
            }
        }
        Err(format!("instruction budget of {budget} exhausted"))
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

    fn jump_if(&self, when: Truth, target: usize, pc: &mut usize) -> Result<(), Fault> {
        if self.peek_truth()? == when {
            *pc = target;
        }
        Ok(())
    }

    fn load(&mut self, id: SignalId) {
        let value = self.frame.get(id);
        if value.is_none() {
            self.missing.insert(id);
        }
        self.stack.push(Operand::from_value(value));
    }

    fn pop(&mut self) -> Result<Operand<'a>, Fault> {
        self.stack.pop().ok_or_else(|| "bytecode popped an empty stack".to_string())
    }

    fn pop_truth(&mut self) -> Result<Truth, Fault> {
        match self.pop()? {
            Operand::Truth(truth) => Ok(truth),
            other => test(other),
        }
    }

    fn peek_truth(&self) -> Result<Truth, Fault> {
        match self.stack.last() {
            Some(Operand::Truth(truth)) => Ok(*truth),
            Some(other) => test(*other),
            None => Err("bytecode peeked at an empty stack".into()),
        }
    }

    fn record(&mut self, control: ControlIdx, lhs: Operand<'_>, rhs: Operand<'_>, result: Truth) {
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

    fn missing_names(&self) -> Vec<String> {
        let names = self.missing.iter().filter_map(|id| self.program.signals.get(id.index()));
        let mut names: Vec<String> = names.map(|decl| decl.name.clone()).collect();
        names.sort();
        names.dedup();
        names
    }
}
