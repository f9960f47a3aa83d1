//! Hand-built programs shared by the vm tests (the vm crate cannot use the compiler).
#![allow(dead_code)]

use std::collections::BTreeMap;

use vm::constant::{Constant, SetConst};
use vm::ids::{CodePos, ConstIdx, ControlIdx, SignalId};
use vm::instr::{CompareOp, Instr};
use vm::program::{ActualSide, CompiledPolicy, Control, Effect, Program};
use vm::signal::{SignalDecl, SignalType};

pub fn signals() -> Vec<SignalDecl> {
    vec![
        SignalDecl { name: "approvals.count".into(), ty: SignalType::Int, required: false },
        SignalDecl {
            name: "risk.level".into(),
            ty: SignalType::Enum(vec!["LOW".into(), "HIGH".into()]),
            required: true,
        },
        SignalDecl { name: "tags".into(), ty: SignalType::ListString, required: false },
    ]
}

pub fn policy(id: &str, effect: Effect, controls: Vec<Control>, code: Vec<Instr>) -> CompiledPolicy {
    CompiledPolicy {
        id: id.into(),
        version: "1.0.0".into(),
        name: format!("Policy {id}"),
        description: None,
        scope: "pull_request".into(),
        group: None,
        enabled: true,
        effect,
        message: format!("{id} fired"),
        approvals: Some(2),
        roles: vec!["ReleaseManager".into()],
        evidence: vec!["risk.level".into()],
        compliance: BTreeMap::from([("SOC2".to_string(), "CC8.1".to_string())]),
        metadata_json: "{}".into(),
        controls,
        code,
        source: None,
    }
}

pub fn control(text: &str, signal: u32) -> Control {
    Control { text: text.into(), signal: Some(SignalId(signal)), actual: ActualSide::Lhs }
}

/// `risk.level == "HIGH" and approvals.count < 1`, BLOCK.
pub fn high_risk_policy() -> CompiledPolicy {
    policy(
        "P-1",
        Effect::Block,
        vec![control("risk.level == \"HIGH\"", 1), control("approvals.count < 1", 0)],
        vec![
            Instr::LoadSignal(SignalId(1)),
            Instr::PushConst(ConstIdx(0)),
            Instr::Compare(CompareOp::Eq, ControlIdx(0)),
            Instr::JumpIfFalse(CodePos(8)),
            Instr::LoadSignal(SignalId(0)),
            Instr::PushConst(ConstIdx(1)),
            Instr::Compare(CompareOp::Lt, ControlIdx(1)),
            Instr::And,
            Instr::Return,
        ],
    )
}

/// `tags in ["hotfix", "urgent"]`, WARN.
pub fn tags_policy() -> CompiledPolicy {
    policy(
        "P-2",
        Effect::Warn,
        vec![control("tags in [\"hotfix\", \"urgent\"]", 2)],
        vec![
            Instr::LoadSignal(SignalId(2)),
            Instr::PushConst(ConstIdx(2)),
            Instr::Compare(CompareOp::In, ControlIdx(0)),
            Instr::Return,
        ],
    )
}

pub fn tiny_program() -> Program {
    Program {
        compiler_version: "0.1.0".into(),
        signals: signals(),
        constants: vec![
            Constant::String("HIGH".into()),
            Constant::Int(1),
            Constant::Set(SetConst::strings(vec!["urgent".into(), "hotfix".into()])),
        ],
        policies: vec![high_risk_policy(), tags_policy()],
    }
}

pub fn tiny_bytes() -> Vec<u8> {
    vm::artifact::write_artifact(&tiny_program()).bytes
}

/// Recomputes the header hash after a test edits the body on purpose.
pub fn rehash(bytes: &mut [u8]) {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(&bytes[..16]);
    hasher.update(&bytes[48..]);
    let digest = hasher.finalize();
    bytes[16..48].copy_from_slice(&digest);
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
