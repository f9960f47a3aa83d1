//! Code generation over hand-built ASTs: determinism, interning, short-circuit layout and
//! diagnostics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::collections::BTreeMap;

use compiler::ast::{CmpOp, Effect, Expr, ExprKind, Literal, Policy, Scope, Syntax};
use compiler::codegen::{compile_program, compile_signals};
use compiler::span::{Span, Spanned};
use vm::instr::{CompareOp, Instr};
use vm::signal::{SignalDecl, SignalType};

fn expr(kind: ExprKind) -> Expr {
    Expr { kind, span: Span::default() }
}

fn spanned<T>(value: T) -> Spanned<T> {
    Spanned::new(value, Span::default())
}

fn path(name: &str) -> Expr {
    expr(ExprKind::Path(name.into()))
}

fn string(text: &str) -> Expr {
    expr(ExprKind::Literal(Literal::String(text.into())))
}

fn eq(lhs: Expr, rhs: Expr) -> Expr {
    expr(ExprKind::Compare { op: spanned(CmpOp::Eq), lhs: Box::new(lhs), rhs: Box::new(rhs) })
}

fn policy(id: &str, condition: Expr) -> Policy {
    Policy {
        id: spanned(id.into()),
        group: None,
        syntax: Syntax::Yaml,
        version: spanned("1.0.0".into()),
        name: spanned(format!("{id} name")),
        description: None,
        scope: Scope::PullRequest,
        enabled: true,
        condition,
        effect: spanned(Effect::Block),
        message: spanned("blocked".into()),
        requires: None,
        evidence: Vec::new(),
        controls: Vec::new(),
        compliance: BTreeMap::new(),
        metadata: BTreeMap::from([("priority".to_string(), serde_json::json!({"z": 1, "a": 2}))]),
        effective_date: None,
        supersedes: None,
        span: Span::default(),
    }
}

fn signals() -> Vec<SignalDecl> {
    vec![
        SignalDecl { name: "risk.level".into(), ty: SignalType::String, required: true },
        SignalDecl { name: "approvals.has_security".into(), ty: SignalType::Bool, required: false },
    ]
}

fn policies() -> Vec<Policy> {
    vec![
        policy("B-2", eq(path("risk.level"), string("HIGH"))),
        policy(
            "A-1",
            expr(ExprKind::And(Box::new(eq(path("risk.level"), string("HIGH"))), Box::new(path("approvals.has_security")))),
        ),
        policy("C-3", eq(path("risk.level"), string("LOW"))),
    ]
}

#[test]
fn policy_order_does_not_change_bytes() {
    let forward = compile_signals(&policies(), &signals(), None).unwrap();
    let mut reversed_policies = policies();
    reversed_policies.reverse();
    let mut reversed_signals = signals();
    reversed_signals.reverse();
    let reversed = compile_signals(&reversed_policies, &reversed_signals, None).unwrap();
    assert_eq!(forward.bytes, reversed.bytes);
    assert_eq!(forward.bundle_hash, reversed.bundle_hash);
}

#[test]
fn policies_and_signals_are_sorted() {
    let program = compile_program(&policies(), &signals(), None).unwrap();
    let ids: Vec<&str> = program.policies.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["A-1", "B-2", "C-3"]);
    assert_eq!(program.signals[0].name, "approvals.has_security");
}

#[test]
fn equal_literals_share_a_constant() {
    let program = compile_program(&policies(), &signals(), None).unwrap();
    assert_eq!(program.constants.len(), 2, "{:?}", program.constants);
}

#[test]
fn and_compiles_to_short_circuit_jump() {
    let program = compile_program(&policies(), &signals(), None).unwrap();
    let code = &program.policies[0].code;
    assert!(matches!(code[2], Instr::Compare(CompareOp::Eq, _)));
    assert_eq!(code[3], Instr::JumpIfFalse(vm::CodePos(7)));
    assert!(matches!(code[5], Instr::Test(_)));
    assert_eq!(code[6], Instr::And);
    assert_eq!(code[7], Instr::Return);
    assert_eq!(program.policies[0].controls[0].text, "risk.level == \"HIGH\"");
}

#[test]
fn metadata_is_canonical_json() {
    let program = compile_program(&policies(), &signals(), None).unwrap();
    assert_eq!(program.policies[0].metadata_json, r#"{"priority":{"a":2,"z":1}}"#);
}

#[test]
fn unknown_signal_is_a_diagnostic() {
    let bad = vec![policy("X", eq(path("risk.levle"), string("HIGH")))];
    let diagnostics = compile_program(&bad, &signals(), None).unwrap_err();
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].code, "releasegate::codegen::unknown_signal");
    assert!(diagnostics[0].message.contains("risk.levle"));
}

#[test]
fn duplicate_ids_are_a_diagnostic() {
    let twice = vec![policies().remove(0), policies().remove(0)];
    let diagnostics = compile_program(&twice, &signals(), None).unwrap_err();
    assert_eq!(diagnostics[0].code, "releasegate::codegen::duplicate_policy");
}

#[test]
fn string_literal_is_not_a_condition() {
    let bad = vec![policy("X", string("HIGH"))];
    let diagnostics = compile_program(&bad, &signals(), None).unwrap_err();
    assert_eq!(diagnostics[0].code, "releasegate::codegen::not_a_condition");
}

#[test]
fn compiled_bundle_loads_and_evaluates() {
    let artifact = compile_signals(&policies(), &signals(), None).unwrap();
    let bundle = vm::Bundle::from_bytes(&artifact.bytes).unwrap();
    let frame = bundle.frame_from_json(r#"{"risk":{"level":"HIGH"},"approvals":{"has_security":true}}"#).unwrap();
    let results = bundle.evaluate(&frame, &bundle.all_policies(), &vm::EvalOptions::default());
    let outcomes: Vec<&str> = results.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(outcomes, ["BLOCK", "BLOCK", "COMPLIANT"]);
}

#[test]
fn manifest_lists_policies() {
    let artifact = compile_signals(&policies(), &signals(), None).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&compiler::codegen::manifest_json(&artifact, "bundle.rgb")).unwrap();
    assert_eq!(manifest["bundle_hash"], artifact.bundle_hash);
    assert_eq!(manifest["format_version"], 2);
    assert_eq!(manifest["policies"][0]["id"], "A-1");
    assert_eq!(manifest["policies"][0]["effect"], "BLOCK");
}

#[test]
fn relative_name_strips_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let file = root.join("sub").join("x.yaml");
    let name = compiler::codegen::relative_name(file.to_str().unwrap(), &[root]);
    assert_eq!(name, "sub/x.yaml");
    assert_eq!(compiler::codegen::relative_name("/abs/dir/y.rgl", &[]), "y.rgl");
}
