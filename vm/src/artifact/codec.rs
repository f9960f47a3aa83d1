//! Encoding and decoding of the section payloads: signals, constants, policy records and code.

use std::collections::BTreeMap;

use super::decode::{malformed, ByteReader};
use super::encode::ByteWriter;
use crate::constant::{Constant, SetConst};
use crate::error::LoadError;
use crate::ids::{CodePos, ConstIdx, ControlIdx, SignalId};
use crate::instr::{CompareOp, Instr};
use crate::opcode::Opcode;
use crate::program::{ActualSide, CompiledPolicy, Control, Effect};
use crate::signal::{SignalDecl, SignalType};

/// Form of the signal and constant references in a policy record.
#[derive(Clone, Copy)]
pub(crate) enum RefMode<'a> {
    /// As `u32` indices into the bundle tables (the artifact's form).
    Indexed,
    /// By value, so a policy's hash does not depend on the other policies of its bundle.
    Canonical { signals: &'a [SignalDecl], constants: &'a [Constant] },
}

pub(crate) fn write_signal(w: &mut ByteWriter, decl: &SignalDecl) {
    w.str(&decl.name);
    match &decl.ty {
        SignalType::Bool => w.u8(0),
        SignalType::Int => w.u8(1),
        SignalType::Number => w.u8(2),
        SignalType::String => w.u8(3),
        SignalType::Enum(values) => {
            w.u8(4);
            w.strs(values);
        }
        SignalType::ListString => w.u8(5),
        SignalType::ListInt => w.u8(6),
    }
    w.u8(u8::from(decl.required));
}

pub(crate) fn read_signal(r: &mut ByteReader<'_>) -> Result<SignalDecl, LoadError> {
    let name = r.str("signal name")?;
    let offset = r.offset();
    let ty = match r.u8("signal type")? {
        0 => SignalType::Bool,
        1 => SignalType::Int,
        2 => SignalType::Number,
        3 => SignalType::String,
        4 => SignalType::Enum(r.strs("enum values")?),
        5 => SignalType::ListString,
        6 => SignalType::ListInt,
        other => return Err(malformed(offset, format!("signal {name}: unknown type tag {other}"))),
    };
    let required = r.bool("signal required flag")?;
    Ok(SignalDecl { name, ty, required })
}

pub(crate) fn write_constant(w: &mut ByteWriter, constant: &Constant) {
    match constant {
        Constant::Bool(b) => {
            w.u8(0);
            w.u8(u8::from(*b));
        }
        Constant::Int(i) => {
            w.u8(1);
            w.i64(*i);
        }
        Constant::Number(n) => {
            w.u8(2);
            w.f64(*n);
        }
        Constant::String(s) => {
            w.u8(3);
            w.str(s);
        }
        Constant::Set(set) => write_set(w, set),
    }
}

fn write_set(w: &mut ByteWriter, set: &SetConst) {
    match set {
        SetConst::Strings(items) => {
            w.u8(4);
            w.strs(items);
        }
        SetConst::Ints(items) => {
            w.u8(5);
            w.len(items.len());
            items.iter().for_each(|i| w.i64(*i));
        }
        SetConst::Numbers(items) => {
            w.u8(6);
            w.len(items.len());
            items.iter().for_each(|n| w.f64(*n));
        }
        SetConst::Bools(items) => {
            w.u8(7);
            w.len(items.len());
            items.iter().for_each(|b| w.u8(u8::from(*b)));
        }
    }
}

pub(crate) fn read_constant(r: &mut ByteReader<'_>) -> Result<Constant, LoadError> {
    let offset = r.offset();
    let constant = match r.u8("constant tag")? {
        0 => Constant::Bool(r.bool("bool constant")?),
        1 => Constant::Int(r.i64("int constant")?),
        2 => Constant::Number(r.f64("number constant")?),
        3 => Constant::String(r.str("string constant")?),
        4 => Constant::Set(SetConst::Strings(r.strs("string set")?)),
        5 => Constant::Set(SetConst::Ints(read_items(r, 8, |r| r.i64("int set"))?)),
        6 => Constant::Set(SetConst::Numbers(read_items(r, 8, |r| r.f64("number set"))?)),
        7 => Constant::Set(SetConst::Bools(read_items(r, 1, |r| r.bool("bool set"))?)),
        other => return Err(malformed(offset, format!("unknown constant tag {other}"))),
    };
    if let Constant::Set(set) = &constant {
        if !set.is_sorted_set() {
            return Err(malformed(offset, "constant set is not sorted and duplicate-free".into()));
        }
    }
    Ok(constant)
}

fn read_items<T>(
    r: &mut ByteReader<'_>,
    item_size: usize,
    mut read: impl FnMut(&mut ByteReader<'_>) -> Result<T, LoadError>,
) -> Result<Vec<T>, LoadError> {
    let count = r.count(item_size, "set elements")?;
    (0..count).map(|_| read(r)).collect()
}

/// Writes one policy record. Field order: id, version, name, description (optional), scope,
/// group (optional), enabled (`u8`), effect (`u8`: 0 COMPLIANT, 1 WARN, 2 BLOCK), message,
/// approvals (optional `u32`), roles, evidence, compliance (count + key/value strings),
/// metadata JSON, controls (count + per control: text, optional signal reference, actual side
/// `u8`), code (`u32` byte length + instructions).
pub(crate) fn write_policy(w: &mut ByteWriter, policy: &CompiledPolicy, mode: RefMode<'_>) {
    w.str(&policy.id);
    w.str(&policy.version);
    w.str(&policy.name);
    w.opt_str(policy.description.as_deref());
    w.str(&policy.scope);
    w.opt_str(policy.group.as_deref());
    w.u8(u8::from(policy.enabled));
    w.u8(policy.effect as u8);
    w.str(&policy.message);
    write_opt_u32(w, policy.approvals);
    w.strs(&policy.roles);
    w.strs(&policy.evidence);
    write_compliance(w, &policy.compliance);
    w.str(&policy.metadata_json);
    write_controls(w, &policy.controls, mode);
    write_code(w, &policy.code, mode);
}

fn write_opt_u32(w: &mut ByteWriter, value: Option<u32>) {
    match value {
        Some(v) => {
            w.u8(1);
            w.u32(v);
        }
        None => w.u8(0),
    }
}

fn write_compliance(w: &mut ByteWriter, compliance: &BTreeMap<String, String>) {
    w.len(compliance.len());
    for (framework, control) in compliance {
        w.str(framework);
        w.str(control);
    }
}

fn write_controls(w: &mut ByteWriter, controls: &[Control], mode: RefMode<'_>) {
    w.len(controls.len());
    for control in controls {
        w.str(&control.text);
        match control.signal {
            Some(id) => {
                w.u8(1);
                write_signal_ref(w, id, mode);
            }
            None => w.u8(0),
        }
        w.u8(control.actual as u8);
    }
}

fn write_signal_ref(w: &mut ByteWriter, id: SignalId, mode: RefMode<'_>) {
    match mode {
        RefMode::Indexed => w.u32(id.0),
        RefMode::Canonical { signals, .. } => match signals.get(id.index()) {
            Some(decl) => write_signal(w, decl),
            None => w.u32(u32::MAX),
        },
    }
}

fn write_const_ref(w: &mut ByteWriter, idx: ConstIdx, mode: RefMode<'_>) {
    match mode {
        RefMode::Indexed => w.u32(idx.0),
        RefMode::Canonical { constants, .. } => match constants.get(idx.index()) {
            Some(constant) => write_constant(w, constant),
            None => w.u32(u32::MAX),
        },
    }
}

/// Writes the code as a `u32` byte length and the instructions: the opcode byte, then its
/// operands as `u32` (signal id, constant index, control index or jump target position).
fn write_code(w: &mut ByteWriter, code: &[Instr], mode: RefMode<'_>) {
    w.len_prefixed(|w| {
        for instr in code {
            write_instr(w, *instr, mode);
        }
    });
}

fn write_instr(w: &mut ByteWriter, instr: Instr, mode: RefMode<'_>) {
    w.u8(instr.opcode() as u8);
    match instr {
        Instr::LoadSignal(id) => write_signal_ref(w, id, mode),
        Instr::PushConst(idx) => write_const_ref(w, idx, mode),
        Instr::Compare(_, control) | Instr::Test(control) => w.u32(control.0),
        Instr::Exists(id, control) => {
            write_signal_ref(w, id, mode);
            w.u32(control.0);
        }
        Instr::JumpIfFalse(target) | Instr::JumpIfTrue(target) => w.u32(target.0),
        Instr::Len | Instr::Not | Instr::And | Instr::Or | Instr::Return => {}
    }
}

/// Reads one policy record (the artifact form) without its hash and source location.
pub(crate) fn read_policy(r: &mut ByteReader<'_>) -> Result<CompiledPolicy, LoadError> {
    let id = r.str("policy id")?;
    let version = r.str("policy version")?;
    let name = r.str("policy name")?;
    let description = r.opt_str("policy description")?;
    let scope = r.str("policy scope")?;
    let group = r.opt_str("policy group")?;
    let enabled = r.bool("policy enabled flag")?;
    let effect = read_effect(r)?;
    let message = r.str("policy message")?;
    let approvals = read_opt_u32(r)?;
    let roles = r.strs("policy roles")?;
    let evidence = r.strs("policy evidence")?;
    let compliance = read_compliance(r)?;
    let metadata_json = r.str("policy metadata")?;
    let controls = read_controls(r)?;
    let code = read_code(r)?;
    Ok(CompiledPolicy {
        id,
        version,
        name,
        description,
        scope,
        group,
        enabled,
        effect,
        message,
        approvals,
        roles,
        evidence,
        compliance,
        metadata_json,
        controls,
        code,
        source: None,
    })
}

fn read_effect(r: &mut ByteReader<'_>) -> Result<Effect, LoadError> {
    let offset = r.offset();
    match r.u8("policy effect")? {
        0 => Ok(Effect::Compliant),
        1 => Ok(Effect::Warn),
        2 => Ok(Effect::Block),
        other => Err(malformed(offset, format!("unknown policy effect {other}"))),
    }
}

fn read_opt_u32(r: &mut ByteReader<'_>) -> Result<Option<u32>, LoadError> {
    match r.bool("approvals flag")? {
        true => Ok(Some(r.u32("approvals")?)),
        false => Ok(None),
    }
}

fn read_compliance(r: &mut ByteReader<'_>) -> Result<BTreeMap<String, String>, LoadError> {
    let count = r.count(8, "compliance entries")?;
    let mut map = BTreeMap::new();
    for _ in 0..count {
        let offset = r.offset();
        let framework = r.str("compliance framework")?;
        let control = r.str("compliance control")?;
        if map.insert(framework.clone(), control).is_some() {
            return Err(malformed(offset, format!("compliance framework {framework} appears twice")));
        }
    }
    Ok(map)
}

fn read_controls(r: &mut ByteReader<'_>) -> Result<Vec<Control>, LoadError> {
    let count = r.count(6, "controls")?;
    (0..count).map(|_| read_control(r)).collect()
}

fn read_control(r: &mut ByteReader<'_>) -> Result<Control, LoadError> {
    let text = r.str("control text")?;
    let signal = match r.bool("control signal flag")? {
        true => Some(SignalId(r.u32("control signal")?)),
        false => None,
    };
    let offset = r.offset();
    let actual = match r.u8("control actual side")? {
        0 => ActualSide::Lhs,
        1 => ActualSide::Rhs,
        other => return Err(malformed(offset, format!("unknown control side {other}"))),
    };
    Ok(Control { text, signal, actual })
}

fn read_code(r: &mut ByteReader<'_>) -> Result<Vec<Instr>, LoadError> {
    let len = r.u32("code length")? as usize;
    let base = r.offset();
    let mut code = ByteReader::new(r.take(len, "code")?, base);
    let mut instrs = Vec::new();
    while !code.is_empty() {
        instrs.push(read_instr(&mut code)?);
    }
    Ok(instrs)
}

fn read_instr(r: &mut ByteReader<'_>) -> Result<Instr, LoadError> {
    let offset = r.offset();
    let byte = r.u8("opcode")?;
    let Some(opcode) = Opcode::from_byte(byte) else {
        return Err(malformed(offset, format!("unknown opcode 0x{byte:02x}")));
    };
    let instr = match opcode {
        Opcode::LoadSignal => Instr::LoadSignal(SignalId(r.u32("signal id")?)),
        Opcode::PushConst => Instr::PushConst(ConstIdx(r.u32("constant index")?)),
        Opcode::Exists => {
            let id = SignalId(r.u32("signal id")?);
            Instr::Exists(id, ControlIdx(r.u32("control index")?))
        }
        Opcode::Test => Instr::Test(ControlIdx(r.u32("control index")?)),
        Opcode::JumpIfFalse => Instr::JumpIfFalse(CodePos(r.u32("jump target")?)),
        Opcode::JumpIfTrue => Instr::JumpIfTrue(CodePos(r.u32("jump target")?)),
        Opcode::Len => Instr::Len,
        Opcode::Not => Instr::Not,
        Opcode::And => Instr::And,
        Opcode::Or => Instr::Or,
        Opcode::Return => Instr::Return,
        Opcode::Eq
        | Opcode::Ne
        | Opcode::Gt
        | Opcode::Ge
        | Opcode::Lt
        | Opcode::Le
        | Opcode::In
        | Opcode::NotIn
        | Opcode::Contains => read_compare(r, opcode, offset)?,
    };
    Ok(instr)
}

fn read_compare(r: &mut ByteReader<'_>, opcode: Opcode, offset: usize) -> Result<Instr, LoadError> {
    let Some(op) = CompareOp::from_opcode(opcode) else {
        return Err(malformed(offset, format!("opcode {} is not a comparison", opcode.mnemonic())));
    };
    Ok(Instr::Compare(op, ControlIdx(r.u32("control index")?)))
}
