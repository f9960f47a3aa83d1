//! Each loader rejection, and that no damaged artifact loads.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use vm::ids::{CodePos, ConstIdx, SignalId};
use vm::instr::Instr;
use vm::{Bundle, LoadError};

fn load(bytes: &[u8]) -> Result<Bundle, LoadError> {
    Bundle::from_bytes(bytes)
}

fn load_program(program: &vm::program::Program) -> Result<Bundle, LoadError> {
    load(&vm::artifact::write_artifact(program).bytes)
}

#[test]
fn valid_artifact_loads() {
    let bundle = load(&common::tiny_bytes()).unwrap();
    let artifact = vm::artifact::write_artifact(&common::tiny_program());
    assert_eq!(bundle.bundle_hash(), artifact.bundle_hash);
    assert_eq!(bundle.artifact_sha256(), artifact.artifact_sha256);
    assert_eq!(bundle.policies()[1].policy_hash, artifact.policy_hashes[1]);
    assert_eq!(bundle.signals().len(), 3);
}

#[test]
fn wrong_magic_is_rejected() {
    let mut bytes = common::tiny_bytes();
    bytes[0] = b'X';
    let err = load(&bytes).unwrap_err();
    assert!(matches!(err, LoadError::BadMagic { .. }), "{err}");
    assert!(err.to_string().contains("not a ReleaseGate bundle"));
}

#[test]
fn json_file_is_rejected_as_bad_magic() {
    let err = load(b"{\"policies\": []}").unwrap_err();
    assert!(matches!(err, LoadError::BadMagic { .. }), "{err}");
}

#[test]
fn empty_input_is_truncated() {
    assert!(matches!(load(&[]).unwrap_err(), LoadError::Truncated { .. }));
}

#[test]
fn every_truncation_is_rejected() {
    let bytes = common::tiny_bytes();
    for len in 0..bytes.len() {
        let err = load(&bytes[..len]).unwrap_err();
        assert!(matches!(err, LoadError::Truncated { .. }), "length {len}: {err}");
    }
}

#[test]
fn appended_bytes_are_rejected() {
    let mut bytes = common::tiny_bytes();
    bytes.push(0);
    assert!(matches!(load(&bytes).unwrap_err(), LoadError::Malformed { .. }));
}

#[test]
fn tampered_body_is_rejected() {
    let mut bytes = common::tiny_bytes();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    let err = load(&bytes).unwrap_err();
    assert!(matches!(err, LoadError::Tampered { .. }), "{err}");
    assert!(err.to_string().contains("hash mismatch"));
}

#[test]
fn every_flipped_bit_fails_loading() {
    let bytes = common::tiny_bytes();
    for byte in 0..bytes.len() {
        for bit in 0..8 {
            let mut damaged = bytes.clone();
            damaged[byte] ^= 1 << bit;
            assert!(load(&damaged).is_err(), "flipping bit {bit} of byte {byte} still loaded");
        }
    }
}

#[test]
fn flipped_body_bit_reports_tampering() {
    let bytes = common::tiny_bytes();
    for byte in 48..bytes.len() {
        let mut damaged = bytes.clone();
        damaged[byte] ^= 0x80;
        assert!(matches!(load(&damaged).unwrap_err(), LoadError::Tampered { .. }), "byte {byte}");
    }
}

#[test]
fn newer_format_version_is_rejected_by_name() {
    let mut bytes = common::tiny_bytes();
    bytes[8..10].copy_from_slice(&3u16.to_le_bytes());
    common::rehash(&mut bytes);
    let err = load(&bytes).unwrap_err();
    assert_eq!(err, LoadError::NewerVersion { found: 3, supported: 2 });
    assert_eq!(
        err.to_string(),
        "artifact format version 3 is newer than this build supports (2); upgrade releasegate"
    );
}

#[test]
fn older_format_version_is_rejected() {
    let mut bytes = common::tiny_bytes();
    bytes[8..10].copy_from_slice(&1u16.to_le_bytes());
    common::rehash(&mut bytes);
    assert!(matches!(load(&bytes).unwrap_err(), LoadError::OlderVersion { found: 1, supported: 2 }));
}

#[test]
fn out_of_range_signal_is_rejected() {
    let mut program = common::tiny_program();
    program.policies[0].code[0] = Instr::LoadSignal(SignalId(99));
    let err = load_program(&program).unwrap_err();
    assert!(matches!(err, LoadError::IndexOutOfRange { what: "signal", index: 99, .. }), "{err}");
    assert!(err.to_string().contains("policy P-1 instruction 0"));
}

#[test]
fn out_of_range_constant_is_rejected() {
    let mut program = common::tiny_program();
    program.policies[0].code[1] = Instr::PushConst(ConstIdx(7));
    let err = load_program(&program).unwrap_err();
    assert!(matches!(err, LoadError::IndexOutOfRange { what: "constant", index: 7, .. }), "{err}");
}

#[test]
fn out_of_range_jump_is_rejected() {
    let mut program = common::tiny_program();
    program.policies[0].code[3] = Instr::JumpIfFalse(CodePos(40));
    let err = load_program(&program).unwrap_err();
    assert!(matches!(err, LoadError::IndexOutOfRange { what: "jump target", index: 40, .. }), "{err}");
}

#[test]
fn backward_jump_is_rejected() {
    let mut program = common::tiny_program();
    program.policies[0].code[3] = Instr::JumpIfFalse(CodePos(0));
    assert!(matches!(load_program(&program).unwrap_err(), LoadError::InvalidBytecode { .. }));
}

#[test]
fn out_of_range_control_is_rejected() {
    let mut program = common::tiny_program();
    program.policies[1].controls.clear();
    let err = load_program(&program).unwrap_err();
    assert!(matches!(err, LoadError::IndexOutOfRange { what: "control", .. }), "{err}");
}

#[test]
fn stack_underflow_is_rejected() {
    let mut program = common::tiny_program();
    program.policies[1].code.remove(0);
    let err = load_program(&program).unwrap_err();
    assert!(matches!(err, LoadError::InvalidBytecode { .. }), "{err}");
}

#[test]
fn missing_return_is_rejected() {
    let mut program = common::tiny_program();
    program.policies[1].code.pop();
    let err = load_program(&program).unwrap_err();
    assert!(err.to_string().contains("does not end with return"), "{err}");
}

#[test]
fn unsorted_policies_are_rejected() {
    let mut program = common::tiny_program();
    program.policies.swap(0, 1);
    assert!(matches!(load_program(&program).unwrap_err(), LoadError::Malformed { .. }));
}

#[test]
fn forged_policy_hash_is_rejected() {
    let artifact = vm::artifact::write_artifact(&common::tiny_program());
    let hash = (0..64).step_by(2).map(|i| u8::from_str_radix(&artifact.policy_hashes[0][i..i + 2], 16).unwrap());
    let hash: Vec<u8> = hash.collect();
    let mut bytes = artifact.bytes.clone();
    let at = bytes.windows(32).position(|w| w == hash.as_slice()).unwrap();
    bytes[at] ^= 0xff;
    common::rehash(&mut bytes);
    let err = load(&bytes).unwrap_err();
    assert!(matches!(err, LoadError::PolicyHashMismatch { .. }), "{err}");
}

#[test]
fn unknown_opcode_is_rejected() {
    let artifact = vm::artifact::write_artifact(&common::tiny_program());
    let mut bytes = artifact.bytes.clone();
    // The last policy's code ends with `return` (0x50) right before its 32-byte hash.
    let pols = bytes.windows(4).position(|w| w == b"SRCS").unwrap();
    let return_at = pols - 32 - 1;
    assert_eq!(bytes[return_at], 0x50);
    bytes[return_at] = 0xee;
    common::rehash(&mut bytes);
    let err = load(&bytes).unwrap_err();
    assert!(err.to_string().contains("unknown opcode 0xee"), "{err}");
}

#[test]
fn random_bytes_never_panic() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let base = common::tiny_bytes();
    for round in 0..2000 {
        let mut bytes = base.clone();
        for _ in 0..(round % 7 + 1) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = (state as usize) % bytes.len();
            bytes[at] = (state >> 32) as u8;
        }
        common::rehash(&mut bytes);
        let _ = load(&bytes);
    }
}
