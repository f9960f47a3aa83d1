//! Property tests: the checker, the map and schema loaders and the renderer never panic, on
//! arbitrary ASTs and on arbitrary or mutated source text through the whole `check` pipeline.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use compiler::ast::{CmpOp, Effect, Expr, ExprKind, Func, Literal, Policy, Scope, Syntax};
use compiler::check::check_policies;
use compiler::maps::{RoleMap, TransitionMap};
use compiler::pipeline::check_paths;
use compiler::render::{json_finding, Renderer, Style};
use compiler::schema::Schema;
use compiler::sources::read_source;
use compiler::span::{SourceId, SourceMap, Span, Spanned};
use proptest::prelude::*;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn shipped_schema() -> Schema {
    let mut sources = SourceMap::new();
    let id = read_source(&mut sources, &repo().join("policies/signals.yaml")).unwrap();
    Schema::parse(&sources, id).unwrap()
}

/// Signal names: declared ones, typos and nonsense.
const PATHS: [&str; 10] = [
    "risk.level",
    "risk.score",
    "approvals.count",
    "actor.roles",
    "environment",
    "issue.key",
    "risk.levl",
    "nope",
    "change.additions",
    "time.weekday",
];

fn span_strategy() -> impl Strategy<Value = Span> {
    (0usize..200, 0usize..40).prop_map(|(start, len)| Span::new(SourceId(0), start, start + len))
}

fn literal_strategy() -> impl Strategy<Value = Literal> {
    prop_oneof![
        any::<bool>().prop_map(Literal::Bool),
        (-5i64..100).prop_map(Literal::Int),
        (-5.0f64..100.0).prop_map(Literal::Decimal),
        prop::sample::select(vec![
            "HIGH",
            "LOW",
            "HGIH",
            "",
            "PRODUCTION",
            "ReleaseManager"
        ])
        .prop_map(|s| Literal::String(s.to_string())),
    ]
}

fn op_strategy() -> impl Strategy<Value = CmpOp> {
    prop::sample::select(vec![
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Gt,
        CmpOp::Ge,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::In,
        CmpOp::NotIn,
        CmpOp::Contains,
    ])
}

fn expr_strategy() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        (literal_strategy(), span_strategy()).prop_map(|(literal, span)| Expr {
            kind: ExprKind::Literal(literal),
            span
        }),
        (prop::sample::select(PATHS.to_vec()), span_strategy()).prop_map(|(path, span)| Expr {
            kind: ExprKind::Path(path.to_string()),
            span
        }),
    ];
    leaf.prop_recursive(5, 48, 4, |inner| {
        prop_oneof![
            (prop::collection::vec(inner.clone(), 0..4), span_strategy()).prop_map(
                |(items, span)| Expr {
                    kind: ExprKind::List(items),
                    span
                }
            ),
            (inner.clone(), span_strategy()).prop_map(|(e, span)| Expr {
                kind: ExprKind::Not(Box::new(e)),
                span
            }),
            (inner.clone(), inner.clone(), span_strategy()).prop_map(|(a, b, span)| Expr {
                kind: ExprKind::And(Box::new(a), Box::new(b)),
                span
            }),
            (inner.clone(), inner.clone(), span_strategy()).prop_map(|(a, b, span)| Expr {
                kind: ExprKind::Or(Box::new(a), Box::new(b)),
                span
            }),
            (op_strategy(), inner.clone(), inner.clone(), span_strategy()).prop_map(
                |(op, lhs, rhs, span)| Expr {
                    kind: ExprKind::Compare {
                        op: Spanned::new(op, span),
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs)
                    },
                    span,
                }
            ),
            (
                any::<bool>(),
                prop::collection::vec(inner, 0..3),
                span_strategy()
            )
                .prop_map(|(exists, args, span)| {
                    let func = if exists { Func::Exists } else { Func::Len };
                    Expr {
                        kind: ExprKind::Call {
                            func: Spanned::new(func, span),
                            args,
                        },
                        span,
                    }
                }),
        ]
    })
}

fn policy(id: &str, condition: Expr) -> Policy {
    let span = condition.span;
    Policy {
        id: Spanned::new(id.to_string(), span),
        group: None,
        syntax: Syntax::Dsl,
        version: Spanned::new("1.0.0".to_string(), span),
        name: Spanned::new(id.to_string(), span),
        description: None,
        scope: Scope::PullRequest,
        enabled: true,
        condition,
        effect: Spanned::new(Effect::Warn, span),
        message: Spanned::new("m".to_string(), span),
        requires: None,
        evidence: Vec::new(),
        controls: Vec::new(),
        compliance: BTreeMap::new(),
        metadata: BTreeMap::new(),
        effective_date: None,
        supersedes: None,
        span,
    }
}

/// Characters that matter to YAML, JSON and the DSL, for mutating real files.
const SIGNIFICANT: &[char] = &[
    '"', '\'', ':', '-', '[', ']', '{', '}', ',', '#', '\n', ' ', '\t', '(', ')', '=', '>', '<',
    '!', 'é', '\\',
];

fn mutated(text: &str, edits: &[(usize, usize, usize)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for &(position, delete, insert) in edits {
        if chars.is_empty() {
            break;
        }
        let at = position % chars.len();
        let end = (at + delete % 4).min(chars.len());
        chars.drain(at..end);
        chars.insert(at.min(chars.len()), SIGNIFICANT[insert % SIGNIFICANT.len()]);
    }
    chars.into_iter().collect()
}

fn shipped_texts() -> Vec<(String, String)> {
    let names = [
        "policies/risk/high-risk-approvals.yaml",
        "policies/compliance/soc2_cc8.rgl",
        "policies/licenses/banned-licenses.json",
        "policies/transitions.yaml",
        "policies/roles.yaml",
        "policies/signals.yaml",
    ];
    names
        .iter()
        .map(|name| {
            let file = PathBuf::from(name)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (file, std::fs::read_to_string(repo().join(name)).unwrap())
        })
        .collect()
}

fn render_everything(sources: &SourceMap, diagnostics: &[compiler::diagnostic::Diagnostic]) {
    let mut renderer = Renderer::new(sources, Style::PLAIN);
    for diagnostic in diagnostics {
        let text = renderer.render(diagnostic);
        assert!(text.contains(diagnostic.code));
        let _ = json_finding(sources, diagnostic);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn checker_never_panics(conditions in prop::collection::vec(expr_strategy(), 1..4)) {
        let schema = shipped_schema();
        let policies: Vec<Policy> = conditions.into_iter().enumerate().map(|(i, c)| policy(&format!("P-{}", i % 2), c)).collect();
        let found = check_policies(&policies, &schema);
        let mut sources = SourceMap::new();
        sources.add("generated.rgl", "x".repeat(120));
        render_everything(&sources, &found);
    }

    #[test]
    fn map_and_schema_loaders_never_panic(text in "[ a-zA-Z0-9:\\-\\[\\]{},#\"'\n\t>|.]{0,200}") {
        let _ = TransitionMap::parse_str(&text);
        let _ = RoleMap::parse_str(&text);
        let mut sources = SourceMap::new();
        let id = sources.add("signals.yaml", text.as_str());
        if let Err(found) = Schema::parse(&sources, id) {
            render_everything(&sources, &found);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn pipeline_never_panics_on_mutated_files(
        which in 0usize..6,
        edits in prop::collection::vec((any::<usize>(), any::<usize>(), any::<usize>()), 1..6),
    ) {
        let texts = shipped_texts();
        let (name, text) = &texts[which];
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), mutated(text, &edits)).unwrap();
        let schema = dir.path().join("signals.yaml");
        if name != "signals.yaml" {
            std::fs::copy(repo().join("policies/signals.yaml"), &schema).unwrap();
        }
        let checked = check_paths(&[dir.path()], &schema).unwrap();
        render_everything(&checked.sources, &checked.diagnostics);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn pipeline_never_panics_on_arbitrary_text(
        text in "(?s).{0,300}",
        extension in prop::sample::select(vec!["yaml", "json", "rgl"]),
    ) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(format!("policy.{extension}")), &text).unwrap();
        let schema = repo().join("policies/signals.yaml");
        let checked = check_paths(&[dir.path()], &schema).unwrap();
        render_everything(&checked.sources, &checked.diagnostics);
    }
}
