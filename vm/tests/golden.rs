//! Pins the artifact format: opcode numbers, header, section layout and hashes. A change
//! here means a format change, which needs a new format version.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use vm::opcode::Opcode;

/// Hex dump, 32 bytes per line.
fn dump(bytes: &[u8]) -> String {
    bytes.chunks(32).map(|chunk| common::hex(chunk) + "\n").collect()
}

#[test]
fn tiny_bundle_matches_golden_bytes() {
    let bytes = common::tiny_bytes();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/tiny.hex");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, dump(&bytes)).unwrap();
    }
    let expected = std::fs::read_to_string(path).expect("run with UPDATE_GOLDEN=1 to create the golden file");
    assert_eq!(dump(&bytes), expected, "artifact bytes changed; this is a format change");
}

#[test]
fn golden_file_loads() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/tiny.hex")).unwrap();
    let hex: String = text.split_whitespace().collect();
    let bytes: Vec<u8> = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
    let bundle = vm::Bundle::from_bytes(&bytes).unwrap();
    assert_eq!(bundle.policies().len(), 2);
    assert_eq!(bundle.policies()[0].id, "P-1");
}

#[test]
fn opcode_numbers_are_pinned() {
    let pinned: Vec<(Opcode, u8)> = vec![
        (Opcode::LoadSignal, 0x01),
        (Opcode::PushConst, 0x02),
        (Opcode::Eq, 0x10),
        (Opcode::Ne, 0x11),
        (Opcode::Gt, 0x12),
        (Opcode::Ge, 0x13),
        (Opcode::Lt, 0x14),
        (Opcode::Le, 0x15),
        (Opcode::In, 0x16),
        (Opcode::NotIn, 0x17),
        (Opcode::Contains, 0x18),
        (Opcode::Exists, 0x20),
        (Opcode::Len, 0x21),
        (Opcode::Test, 0x30),
        (Opcode::Not, 0x31),
        (Opcode::And, 0x32),
        (Opcode::Or, 0x33),
        (Opcode::JumpIfFalse, 0x40),
        (Opcode::JumpIfTrue, 0x41),
        (Opcode::Return, 0x50),
    ];
    assert_eq!(pinned.len(), Opcode::ALL.len());
    for (opcode, byte) in pinned {
        assert_eq!(opcode as u8, byte, "{opcode:?}");
        assert_eq!(Opcode::from_byte(byte), Some(opcode));
    }
}

#[test]
fn header_fields_are_at_documented_offsets() {
    let bytes = common::tiny_bytes();
    assert_eq!(&bytes[0..8], b"RGBUNDLE");
    assert_eq!(u16::from_le_bytes([bytes[8], bytes[9]]), 2);
    assert_eq!(u16::from_le_bytes([bytes[10], bytes[11]]), 0);
    assert_eq!(u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize, bytes.len());
    assert_eq!(&bytes[48..52], b"META");
}

#[test]
fn bundle_hash_follows_documented_layout() {
    use sha2::{Digest, Sha256};
    let artifact = vm::artifact::write_artifact(&common::tiny_program());
    let mut input = Vec::new();
    for (policy, hash) in artifact.program.policies.iter().zip(&artifact.policy_hashes) {
        input.extend_from_slice(&(policy.id.len() as u32).to_le_bytes());
        input.extend_from_slice(policy.id.as_bytes());
        input.extend_from_slice(&(policy.version.len() as u32).to_le_bytes());
        input.extend_from_slice(policy.version.as_bytes());
        let raw: Vec<u8> = (0..64).step_by(2).map(|i| u8::from_str_radix(&hash[i..i + 2], 16).unwrap()).collect();
        input.extend_from_slice(&raw);
    }
    assert_eq!(common::hex(&Sha256::digest(&input)), artifact.bundle_hash);
}

#[test]
fn policy_hash_ignores_neighbours_and_sources() {
    let alone = {
        let mut program = common::tiny_program();
        program.policies.remove(1);
        vm::artifact::write_artifact(&program)
    };
    let mut moved = common::tiny_program();
    moved.policies[0].source = Some(vm::program::SourceLocation { file: "a.yaml".into(), start: 5, end: 9, line: 2 });
    moved.constants.swap(0, 1);
    moved.policies[0].code[1] = vm::instr::Instr::PushConst(vm::ConstIdx(1));
    moved.policies[0].code[5] = vm::instr::Instr::PushConst(vm::ConstIdx(0));
    let both = vm::artifact::write_artifact(&moved);
    assert_eq!(alone.policy_hashes[0], both.policy_hashes[0]);
}
