//! VM evaluation timings: the benchmark rule pre-loaded and from JSON text, a generated
//! 100-policy bundle, and the shipped bundle.
//!
//! Run with `cargo bench -p releasegate-runtime --bench eval`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use vm::decision::{combine, Mode};
use vm::outcome::Outcome;
use vm::{Bundle, EvalOptions};

/// Runs `bundle` on `json` from text to a combined decision.
fn decide(bundle: &Bundle, json: &str, options: &EvalOptions) -> vm::decision::Combined {
    let frame = bundle.frame_from_json(json).expect("input decodes");
    let results = bundle.evaluate(&frame, &bundle.all_policies(), options);
    combine(&results, Mode::Permissive)
}

fn rule(criterion: &mut Criterion) {
    let bundle = support::rule_bundle();
    let policies = bundle.all_policies();
    let options = EvalOptions::default();
    let mut group = criterion.benchmark_group("rule");
    for (label, input, expected) in
        [("fires", support::INPUT_BLOCK, Outcome::Block), ("passes", support::INPUT_PASS, Outcome::Compliant)]
    {
        let frame = bundle.frame_from_json(input).expect("input decodes");
        assert_eq!(bundle.evaluate(&frame, &policies, &options)[0].outcome, expected);
        group.bench_function(format!("eval pre-loaded, input {label}"), |bencher| {
            bencher.iter(|| bundle.evaluate(black_box(&frame), &policies, &options))
        });
        group.bench_function(format!("json to decision, input {label}"), |bencher| {
            bencher.iter(|| decide(&bundle, black_box(input), &options))
        });
    }
    group.finish();
}

fn whole_bundle(criterion: &mut Criterion, name: &str, bundle: &Bundle, input: &str) {
    let policies = bundle.all_policies();
    let options = EvalOptions::default();
    let frame = bundle.frame_from_json(input).expect("input decodes");
    let mut group = criterion.benchmark_group(name);
    group.bench_function("evaluate", |bencher| {
        bencher.iter(|| bundle.evaluate(black_box(&frame), &policies, &options))
    });
    group.bench_function("evaluate + combine", |bencher| {
        bencher.iter(|| combine(&bundle.evaluate(black_box(&frame), &policies, &options), Mode::Permissive))
    });
    group.bench_function("json to decision", |bencher| {
        bencher.iter(|| decide(bundle, black_box(input), &options))
    });
    group.finish();
}

fn bundles(criterion: &mut Criterion) {
    let generated = support::generated_bundle(100);
    assert_eq!(generated.policies().len(), 100);
    whole_bundle(criterion, "100-policy bundle", &generated, support::INPUT_BLOCK);
    let shipped = support::shipped_bundle();
    let input = support::full_input(&shipped);
    whole_bundle(criterion, "shipped bundle", &shipped, &input);
}

criterion_group!(benches, rule, bundles);
criterion_main!(benches);
