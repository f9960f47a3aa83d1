//! Property test: for random policies over a random schema and random inputs, the compiled
//! bytecode and the tree-walking reference evaluator agree on every outcome and missing set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::collections::BTreeMap;

use compiler::ast::{CmpOp, Effect, Expr, ExprKind, Func, Literal, Policy, Scope, Syntax};
use compiler::codegen::compile_signals;
use compiler::reference;
use compiler::span::{Span, Spanned};
use proptest::prelude::*;
use vm::signal::{SignalDecl, SignalType};
use vm::{Bundle, EvalOptions, Value};

/// Small xorshift generator driven by the proptest seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const STRINGS: [&str; 3] = ["A", "B", "C"];
const NUMBERS: [f64; 4] = [0.5, 1.0, 2.5, -1.0];

fn expr(kind: ExprKind) -> Expr {
    Expr { kind, span: Span::default() }
}

fn spanned<T>(value: T) -> Spanned<T> {
    Spanned::new(value, Span::default())
}

fn random_type(rng: &mut Rng) -> SignalType {
    match rng.below(7) {
        0 => SignalType::Bool,
        1 => SignalType::Int,
        2 => SignalType::Number,
        3 => SignalType::String,
        4 => SignalType::Enum(STRINGS.iter().map(|s| s.to_string()).collect()),
        5 => SignalType::ListString,
        _ => SignalType::ListInt,
    }
}

fn random_schema(rng: &mut Rng) -> Vec<SignalDecl> {
    let count = 2 + rng.below(4);
    (0..count)
        .map(|i| SignalDecl { name: format!("g{}.s{i}", i % 2), ty: random_type(rng), required: false })
        .collect()
}

fn string_literal(rng: &mut Rng) -> Literal {
    Literal::String(STRINGS[rng.below(3)].to_string())
}

fn int_literal(rng: &mut Rng) -> Literal {
    Literal::Int(rng.below(5) as i64 - 1)
}

fn number_literal(rng: &mut Rng) -> Literal {
    match rng.chance(50) {
        true => Literal::Decimal(NUMBERS[rng.below(4)]),
        false => int_literal(rng),
    }
}

/// A literal of any type, for the occasional ill-typed comparison.
fn any_literal(rng: &mut Rng) -> Literal {
    match rng.below(4) {
        0 => Literal::Bool(rng.chance(50)),
        1 => int_literal(rng),
        2 => Literal::Decimal(NUMBERS[rng.below(4)]),
        _ => string_literal(rng),
    }
}

fn list_of(rng: &mut Rng, make: fn(&mut Rng) -> Literal) -> Expr {
    let len = rng.below(4);
    expr(ExprKind::List((0..len).map(|_| expr(ExprKind::Literal(make(rng)))).collect()))
}

fn compare(op: CmpOp, lhs: Expr, rhs: Expr) -> Expr {
    expr(ExprKind::Compare { op: spanned(op), lhs: Box::new(lhs), rhs: Box::new(rhs) })
}

fn call(func: Func, path: &str) -> Expr {
    expr(ExprKind::Call { func: spanned(func), args: vec![expr(ExprKind::Path(path.to_string()))] })
}

const ORDER_OPS: [CmpOp; 6] = [CmpOp::Eq, CmpOp::Ne, CmpOp::Gt, CmpOp::Ge, CmpOp::Lt, CmpOp::Le];

/// A leaf control over one signal, usually well typed for that signal.
fn control(rng: &mut Rng, decl: &SignalDecl) -> Expr {
    let path = || expr(ExprKind::Path(decl.name.clone()));
    if rng.chance(10) {
        return call(Func::Exists, &decl.name);
    }
    if rng.chance(5) {
        let op = ORDER_OPS[rng.below(6)];
        return compare(op, path(), expr(ExprKind::Literal(any_literal(rng))));
    }
    match &decl.ty {
        SignalType::Bool => match rng.below(3) {
            0 => path(),
            1 => compare(CmpOp::Eq, path(), expr(ExprKind::Literal(Literal::Bool(rng.chance(50))))),
            _ => expr(ExprKind::Literal(Literal::Bool(rng.chance(50)))),
        },
        SignalType::Int | SignalType::Number => {
            let literal = number_literal(rng);
            match rng.below(4) {
                0 => compare([CmpOp::In, CmpOp::NotIn][rng.below(2)], path(), list_of(rng, number_literal)),
                _ => compare(ORDER_OPS[rng.below(6)], path(), expr(ExprKind::Literal(literal))),
            }
        }
        SignalType::String | SignalType::Enum(_) => match rng.below(4) {
            0 => compare([CmpOp::In, CmpOp::NotIn][rng.below(2)], path(), list_of(rng, string_literal)),
            1 => compare(CmpOp::Ge, path(), expr(ExprKind::Literal(string_literal(rng)))),
            2 => compare(CmpOp::Gt, call(Func::Len, &decl.name), expr(ExprKind::Literal(int_literal(rng)))),
            _ => compare([CmpOp::Eq, CmpOp::Ne][rng.below(2)], path(), expr(ExprKind::Literal(string_literal(rng)))),
        },
        SignalType::ListString => match rng.below(4) {
            0 => compare(CmpOp::Contains, path(), expr(ExprKind::Literal(string_literal(rng)))),
            1 => compare(CmpOp::In, expr(ExprKind::Literal(string_literal(rng))), path()),
            2 => compare(CmpOp::Le, call(Func::Len, &decl.name), expr(ExprKind::Literal(int_literal(rng)))),
            _ => compare([CmpOp::In, CmpOp::NotIn][rng.below(2)], path(), list_of(rng, string_literal)),
        },
        SignalType::ListInt => match rng.below(3) {
            0 => compare(CmpOp::Contains, path(), expr(ExprKind::Literal(number_literal(rng)))),
            1 => compare(CmpOp::Eq, call(Func::Len, &decl.name), expr(ExprKind::Literal(int_literal(rng)))),
            _ => compare([CmpOp::In, CmpOp::NotIn][rng.below(2)], path(), list_of(rng, int_literal)),
        },
    }
}

fn condition(rng: &mut Rng, schema: &[SignalDecl], depth: usize) -> Expr {
    if depth == 0 || rng.chance(30) {
        let pick = rng.below(schema.len());
        return control(rng, &schema[pick]);
    }
    let a = Box::new(condition(rng, schema, depth - 1));
    match rng.below(5) {
        0 => expr(ExprKind::Not(a)),
        1 | 2 => expr(ExprKind::And(a, Box::new(condition(rng, schema, depth - 1)))),
        _ => expr(ExprKind::Or(a, Box::new(condition(rng, schema, depth - 1)))),
    }
}

fn policy(id: String, condition: Expr, effect: Effect, enabled: bool) -> Policy {
    Policy {
        id: spanned(id),
        group: None,
        syntax: Syntax::Dsl,
        version: spanned("1.0.0".to_string()),
        name: spanned("random".to_string()),
        description: None,
        scope: Scope::PullRequest,
        enabled,
        condition,
        effect: spanned(effect),
        message: spanned("fired".to_string()),
        requires: None,
        evidence: Vec::new(),
        controls: Vec::new(),
        compliance: BTreeMap::new(),
        metadata: BTreeMap::new(),
        effective_date: None,
        supersedes: None,
        span: Span::default(),
    }
}

fn random_value(rng: &mut Rng, ty: &SignalType) -> Value {
    match ty {
        SignalType::Bool => Value::Bool(rng.chance(50)),
        SignalType::Int => Value::Int(rng.below(5) as i64 - 1),
        SignalType::Number => Value::Number(NUMBERS[rng.below(4)]),
        SignalType::String | SignalType::Enum(_) => Value::String(STRINGS[rng.below(3)].to_string()),
        SignalType::ListString => {
            Value::ListString((0..rng.below(4)).map(|_| STRINGS[rng.below(3)].to_string()).collect())
        }
        SignalType::ListInt => Value::ListInt((0..rng.below(4)).map(|_| rng.below(5) as i64 - 1).collect()),
    }
}

fn random_input(rng: &mut Rng, schema: &[SignalDecl]) -> BTreeMap<String, Value> {
    let mut input = BTreeMap::new();
    for decl in schema {
        if rng.chance(75) {
            input.insert(decl.name.clone(), random_value(rng, &decl.ty));
        }
    }
    input
}

fn check_seed(seed: u64) {
    let mut rng = Rng(seed | 1);
    let schema = random_schema(&mut rng);
    let effects = [Effect::Block, Effect::Warn, Effect::Compliant];
    let policies: Vec<Policy> = (0..6)
        .map(|i| {
            let condition = condition(&mut rng, &schema, 4);
            policy(format!("P{i}"), condition, effects[rng.below(3)], !rng.chance(10))
        })
        .collect();
    let artifact = compile_signals(&policies, &schema, None).unwrap();
    let bundle = Bundle::from_bytes(&artifact.bytes).unwrap();

    for _ in 0..12 {
        let input = random_input(&mut rng, &schema);
        let json: serde_json::Map<String, serde_json::Value> =
            input.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
        let frame = bundle.frame_from_value(&serde_json::Value::Object(json)).unwrap();
        let results = bundle.evaluate(&frame, &bundle.all_policies(), &EvalOptions::default());
        for (policy, result) in policies.iter().zip(&results) {
            let expected = reference::evaluate(policy, &input);
            let text = compiler::codegen::render::render_expr(&policy.condition);
            assert_eq!(result.outcome, expected.outcome, "seed {seed}: {text} with {input:?}");
            assert_eq!(result.missing, expected.missing, "seed {seed}: {text} with {input:?}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn vm_agrees_with_reference(seed in any::<u64>()) {
        check_seed(seed);
    }
}

#[test]
fn reference_three_valued_and_or() {
    let schema = vec![
        SignalDecl { name: "a".into(), ty: SignalType::Bool, required: false },
        SignalDecl { name: "b".into(), ty: SignalType::Bool, required: false },
    ];
    let a = || expr(ExprKind::Path("a".into()));
    let b = || expr(ExprKind::Path("b".into()));
    let and = policy("AND".into(), expr(ExprKind::And(Box::new(a()), Box::new(b()))), Effect::Block, true);
    let or = policy("OR".into(), expr(ExprKind::Or(Box::new(a()), Box::new(b()))), Effect::Block, true);
    let not = policy("NOT".into(), expr(ExprKind::Not(Box::new(a()))), Effect::Block, true);
    let only_b_false = BTreeMap::from([("b".to_string(), Value::Bool(false))]);
    let only_b_true = BTreeMap::from([("b".to_string(), Value::Bool(true))]);
    use vm::outcome::Outcome;
    assert_eq!(reference::evaluate(&and, &only_b_false).outcome, Outcome::Compliant);
    assert_eq!(reference::evaluate(&or, &only_b_true).outcome, Outcome::Block);
    assert_eq!(reference::evaluate(&not, &only_b_true).outcome, Outcome::Undetermined);
    let artifact = compile_signals(&[and, or, not], &schema, None).unwrap();
    let bundle = Bundle::from_bytes(&artifact.bytes).unwrap();
    let frame = bundle.frame_from_json(r#"{"b": false}"#).unwrap();
    let results = bundle.evaluate(&frame, &bundle.all_policies(), &EvalOptions::default());
    let outcomes: Vec<Outcome> = results.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, vec![Outcome::Compliant, Outcome::Undetermined, Outcome::Undetermined]);
}
