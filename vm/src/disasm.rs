//! Human-readable disassembly of a program, used by `releasegate inspect`.

use std::fmt::Write;

use crate::constant::{Constant, SetConst};
use crate::instr::Instr;
use crate::program::{CompiledPolicy, Program};

/// Renders a constant as a literal, for example `"HIGH"` or `["CRITICAL", "HIGH"]`.
pub fn render_constant(constant: &Constant) -> String {
    match constant {
        Constant::Bool(b) => b.to_string(),
        Constant::Int(i) => i.to_string(),
        Constant::Number(n) => format!("{n:?}"),
        Constant::String(s) => format!("{s:?}"),
        Constant::Set(SetConst::Strings(items)) => render_list(items.iter().map(|s| format!("{s:?}"))),
        Constant::Set(SetConst::Ints(items)) => render_list(items.iter().map(i64::to_string)),
        Constant::Set(SetConst::Numbers(items)) => render_list(items.iter().map(|n| format!("{n:?}"))),
        Constant::Set(SetConst::Bools(items)) => render_list(items.iter().map(bool::to_string)),
    }
}

fn render_list(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(", "))
}

/// Renders the constant pool and every policy's code, one instruction per line.
pub fn disassemble(program: &Program) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "constants:");
    for (i, constant) in program.constants.iter().enumerate() {
        let _ = writeln!(out, "  k{i:<4} {}", render_constant(constant));
    }
    for policy in &program.policies {
        out.push('\n');
        out.push_str(&disassemble_policy(program, policy));
    }
    out
}

/// Renders one policy's code.
pub fn disassemble_policy(program: &Program, policy: &CompiledPolicy) -> String {
    let mut out = String::new();
    let state = if policy.enabled { "" } else { ", disabled" };
    let _ = writeln!(out, "policy {} {} ({}{state}):", policy.id, policy.version, policy.effect.as_str());
    for (pos, instr) in policy.code.iter().enumerate() {
        let _ = writeln!(out, "  {pos:04}  {:<14}{}", instr.opcode().mnemonic(), operands(program, policy, *instr));
    }
    out
}

fn operands(program: &Program, policy: &CompiledPolicy, instr: Instr) -> String {
    let signal = |id: crate::ids::SignalId| {
        program.signals.get(id.index()).map_or("?", |decl| decl.name.as_str()).to_string()
    };
    let control = |idx: crate::ids::ControlIdx| {
        policy.controls.get(idx.index()).map_or("?", |c| c.text.as_str()).to_string()
    };
    match instr {
        Instr::LoadSignal(id) => format!("{id}  {}", signal(id)),
        Instr::PushConst(idx) => {
            let text = program.constants.get(idx.index()).map_or("?".into(), render_constant);
            format!("{idx}  {text}")
        }
        Instr::Compare(_, idx) | Instr::Test(idx) => format!("{idx}  {}", control(idx)),
        Instr::Exists(id, idx) => format!("{id} {idx}  {}", control(idx)),
        Instr::JumpIfFalse(target) | Instr::JumpIfTrue(target) => format!("{:04}", target.0),
        Instr::Len | Instr::Not | Instr::And | Instr::Or | Instr::Return => String::new(),
    }
}
