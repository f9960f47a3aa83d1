#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;

use vm::signal::{SignalDecl, SignalType};

use super::*;
use crate::ast::{CmpOp, ControlBlock, Effect, Func, Literal, Scope, Syntax};
use crate::span::{Span, Spanned};

fn span() -> Span {
    Span::default()
}

fn expr(kind: ExprKind) -> Expr {
    Expr { kind, span: span() }
}

fn path(name: &str) -> Expr {
    expr(ExprKind::Path(name.to_string()))
}

fn int(number: i64) -> Expr {
    expr(ExprKind::Literal(Literal::Int(number)))
}

fn string(text: &str) -> Expr {
    expr(ExprKind::Literal(Literal::String(text.to_string())))
}

fn boolean(flag: bool) -> Expr {
    expr(ExprKind::Literal(Literal::Bool(flag)))
}

fn list(items: Vec<Expr>) -> Expr {
    expr(ExprKind::List(items))
}

fn cmp(lhs: Expr, op: CmpOp, rhs: Expr) -> Expr {
    expr(ExprKind::Compare {
        op: Spanned::new(op, span()),
        lhs: Box::new(lhs),
        rhs: Box::new(rhs),
    })
}

fn and(lhs: Expr, rhs: Expr) -> Expr {
    expr(ExprKind::And(Box::new(lhs), Box::new(rhs)))
}

fn or(lhs: Expr, rhs: Expr) -> Expr {
    expr(ExprKind::Or(Box::new(lhs), Box::new(rhs)))
}

fn not(inner: Expr) -> Expr {
    expr(ExprKind::Not(Box::new(inner)))
}

fn call(func: Func, args: Vec<Expr>) -> Expr {
    expr(ExprKind::Call {
        func: Spanned::new(func, span()),
        args,
    })
}

fn schema() -> Schema {
    let decl = |name: &str, ty: SignalType| SignalDecl {
        name: name.to_string(),
        ty,
        required: false,
    };
    let levels = ["LOW", "MEDIUM", "HIGH", "CRITICAL"]
        .map(String::from)
        .to_vec();
    Schema::from_decls([
        decl("risk.level", SignalType::Enum(levels)),
        decl("risk.score", SignalType::Int),
        decl("approvals.count", SignalType::Int),
        decl("approvals.has_security", SignalType::Bool),
        decl("change.ratio", SignalType::Number),
        decl("issue.key", SignalType::String),
        decl("actor.roles", SignalType::ListString),
    ])
}

fn policy(id: &str, condition: Expr) -> Policy {
    Policy {
        id: Spanned::new(id.to_string(), span()),
        group: None,
        syntax: Syntax::Yaml,
        version: Spanned::new("1.0.0".to_string(), span()),
        name: Spanned::new(id.to_string(), span()),
        description: None,
        scope: Scope::PullRequest,
        enabled: true,
        condition,
        effect: Spanned::new(Effect::Block, span()),
        message: Spanned::new("m".to_string(), span()),
        requires: None,
        evidence: Vec::new(),
        controls: Vec::new(),
        compliance: BTreeMap::new(),
        metadata: BTreeMap::new(),
        effective_date: None,
        supersedes: None,
        span: span(),
    }
}

fn codes_of(condition: Expr) -> Vec<&'static str> {
    check_policies(&[policy("P-1", condition)], &schema())
        .iter()
        .map(|d| d.code)
        .collect()
}

#[test]
fn clean_conditions() {
    let cases = [
        cmp(
            path("risk.level"),
            CmpOp::In,
            list(vec![string("HIGH"), string("CRITICAL")]),
        ),
        and(
            cmp(path("approvals.count"), CmpOp::Ge, int(2)),
            not(path("approvals.has_security")),
        ),
        cmp(path("change.ratio"), CmpOp::Gt, int(1)),
        cmp(
            path("actor.roles"),
            CmpOp::Contains,
            string("ReleaseManager"),
        ),
        cmp(
            call(Func::Len, vec![path("actor.roles")]),
            CmpOp::Gt,
            int(0),
        ),
        call(Func::Exists, vec![path("issue.key")]),
        cmp(string("HIGH"), CmpOp::Eq, path("risk.level")),
        or(
            cmp(path("risk.score"), CmpOp::Gt, int(80)),
            cmp(path("risk.score"), CmpOp::Lt, int(10)),
        ),
        boolean(true),
    ];
    for (index, condition) in cases.into_iter().enumerate() {
        assert_eq!(codes_of(condition), Vec::<&str>::new(), "case {index}");
    }
}

#[test]
fn type_errors() {
    let cases = [
        (
            cmp(path("approvals.count"), CmpOp::Eq, string("2")),
            TYPE_MISMATCH,
        ),
        (cmp(path("risk.level"), CmpOp::Gt, int(3)), TYPE_MISMATCH),
        (
            cmp(path("issue.key"), CmpOp::Lt, string("A")),
            TYPE_MISMATCH,
        ),
        (
            cmp(path("approvals.has_security"), CmpOp::Ge, boolean(true)),
            TYPE_MISMATCH,
        ),
        (
            cmp(path("risk.level"), CmpOp::Eq, string("HGIH")),
            UNKNOWN_ENUM_VALUE,
        ),
        (
            cmp(
                path("risk.level"),
                CmpOp::In,
                list(vec![string("HIGH"), string("CRITCAL")]),
            ),
            UNKNOWN_ENUM_VALUE,
        ),
        (
            cmp(path("risk.level"), CmpOp::In, path("issue.key")),
            IN_NON_LIST,
        ),
        (
            cmp(path("issue.key"), CmpOp::Contains, string("A")),
            CONTAINS_NON_LIST,
        ),
        (
            cmp(
                path("risk.score"),
                CmpOp::In,
                list(vec![int(1), string("2")]),
            ),
            MIXED_LIST,
        ),
        (call(Func::Exists, vec![]), BAD_CALL),
        (call(Func::Exists, vec![string("risk.level")]), BAD_CALL),
        (
            cmp(call(Func::Len, vec![path("risk.score")]), CmpOp::Gt, int(1)),
            BAD_CALL,
        ),
        (path("risk.score"), NOT_BOOLEAN),
        (and(path("risk.score"), boolean(true)), NOT_BOOLEAN),
        (
            cmp(path("risk.levl"), CmpOp::Eq, string("HIGH")),
            UNKNOWN_SIGNAL,
        ),
        (
            cmp(path("actor.roles"), CmpOp::Contains, int(1)),
            TYPE_MISMATCH,
        ),
    ];
    for (index, (condition, code)) in cases.into_iter().enumerate() {
        assert_eq!(codes_of(condition), vec![code], "case {index}");
    }
}

#[test]
fn unknown_signal_suggests() {
    let found = check_policies(
        &[policy(
            "P-1",
            cmp(path("risk.levl"), CmpOp::Eq, string("HIGH")),
        )],
        &schema(),
    );
    assert_eq!(found[0].help.as_deref(), Some("did you mean `risk.level`?"));
}

#[test]
fn enum_typo_suggests() {
    let found = check_policies(
        &[policy(
            "P-1",
            cmp(path("risk.level"), CmpOp::Eq, string("HGIH")),
        )],
        &schema(),
    );
    assert!(
        found[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("did you mean \"HIGH\"?"),
        "{:?}",
        found[0].help
    );
}

#[test]
fn constant_conditions() {
    let score = |op, n| cmp(path("risk.score"), op, int(n));
    let cases: Vec<(Expr, Vec<&str>)> = vec![
        (
            and(score(CmpOp::Eq, 1), score(CmpOp::Eq, 2)),
            vec![ALWAYS_FALSE, NEVER_FIRES],
        ),
        (
            and(score(CmpOp::Gt, 80), score(CmpOp::Lt, 50)),
            vec![ALWAYS_FALSE, NEVER_FIRES],
        ),
        (
            and(score(CmpOp::Gt, 1), score(CmpOp::Lt, 2)),
            vec![ALWAYS_FALSE, NEVER_FIRES],
        ),
        (
            and(score(CmpOp::Eq, 3), score(CmpOp::Ne, 3)),
            vec![ALWAYS_FALSE, NEVER_FIRES],
        ),
        (
            or(score(CmpOp::Eq, 3), score(CmpOp::Ne, 3)),
            vec![ALWAYS_TRUE],
        ),
        (
            or(score(CmpOp::Gt, 5), score(CmpOp::Le, 5)),
            vec![ALWAYS_TRUE],
        ),
        (
            cmp(int(1), CmpOp::Eq, int(2)),
            vec![ALWAYS_FALSE, NEVER_FIRES],
        ),
        (cmp(int(1), CmpOp::Eq, int(1)), vec![ALWAYS_TRUE]),
        (boolean(false), vec![ALWAYS_FALSE, NEVER_FIRES]),
        (and(score(CmpOp::Gt, 5), boolean(true)), vec![ALWAYS_TRUE]),
        (
            cmp(path("risk.level"), CmpOp::In, list(vec![])),
            vec![ALWAYS_FALSE, NEVER_FIRES],
        ),
        (
            and(
                path("approvals.has_security"),
                not(path("approvals.has_security")),
            ),
            vec![ALWAYS_FALSE, NEVER_FIRES],
        ),
        (
            and(
                cmp(path("risk.level"), CmpOp::Eq, string("HIGH")),
                cmp(path("risk.level"), CmpOp::Eq, string("LOW")),
            ),
            vec![ALWAYS_FALSE, NEVER_FIRES],
        ),
        (
            and(
                score(CmpOp::Ge, 5),
                and(score(CmpOp::Gt, 1), score(CmpOp::Le, 4)),
            ),
            vec![ALWAYS_FALSE, NEVER_FIRES],
        ),
    ];
    for (index, (condition, codes)) in cases.into_iter().enumerate() {
        assert_eq!(codes_of(condition), codes, "case {index}");
    }
}

#[test]
fn non_contradictions_stay_quiet() {
    let score = |op, n| cmp(path("risk.score"), op, int(n));
    let cases = [
        and(score(CmpOp::Ge, 1), score(CmpOp::Le, 1)),
        and(score(CmpOp::Gt, 1), score(CmpOp::Lt, 3)),
        and(score(CmpOp::Ne, 1), score(CmpOp::Ne, 2)),
        or(score(CmpOp::Eq, 1), score(CmpOp::Eq, 2)),
        and(
            cmp(path("change.ratio"), CmpOp::Gt, int(1)),
            cmp(path("change.ratio"), CmpOp::Lt, int(2)),
        ),
    ];
    for (index, condition) in cases.into_iter().enumerate() {
        assert_eq!(codes_of(condition), Vec::<&str>::new(), "case {index}");
    }
}

#[test]
fn duplicate_ids_point_at_first() {
    let first = policy("SEC-1", boolean(true));
    let mut second = policy("SEC-1", boolean(true));
    second.id.span = Span::new(crate::span::SourceId(1), 4, 9);
    let found = check_policies(&[first, second], &schema());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].code, DUPLICATE_POLICY_ID);
    assert_eq!(found[0].span.start, 4);
    assert_eq!(found[0].related.len(), 1);
}

#[test]
fn controls_and_evidence() {
    let mut rule = policy("SOC2.R1", cmp(path("risk.score"), CmpOp::Gt, int(5)));
    rule.evidence = vec![Spanned::new(
        "risk.scor".to_string(),
        Span::new(crate::span::SourceId(0), 1, 2),
    )];
    rule.controls = vec![ControlBlock {
        name: Spanned::new("cc8".to_string(), span()),
        signals: vec![
            Spanned::new(
                "risk.score".to_string(),
                Span::new(crate::span::SourceId(0), 3, 4),
            ),
            Spanned::new(
                "risk.level".to_string(),
                Span::new(crate::span::SourceId(0), 5, 6),
            ),
            Spanned::new(
                "nope.nope".to_string(),
                Span::new(crate::span::SourceId(0), 7, 8),
            ),
        ],
        evidence: Vec::new(),
        span: span(),
    }];
    let found = check_policies(&[rule], &schema());
    let codes: Vec<&str> = found.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        vec![UNKNOWN_SIGNAL, UNKNOWN_SIGNAL, UNUSED_CONTROL_SIGNAL]
    );
    assert_eq!(found[2].span.start, 5);
}
