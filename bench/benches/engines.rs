//! Criterion view of the same comparison, one engine at a time: `cargo bench --bench engines`.
//! The `compare` binary is the one that interleaves the engines and prints the ratios.

#![allow(clippy::expect_used)]

use std::hint::black_box;

use bench_compare::engine::Engine;
use bench_compare::engines::cedar::Cedar;
use bench_compare::engines::cel::Cel;
use bench_compare::engines::native::Native;
use bench_compare::engines::rego::Rego;
use bench_compare::engines::releasegate::ReleaseGate;
use bench_compare::rule::INPUT_BLOCK;
use criterion::{criterion_group, criterion_main, Criterion};

fn bench_engine<E: Engine>(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group(E::NAME);
    let mut engine = E::build().expect("engine builds");
    let input = engine.load(INPUT_BLOCK).expect("input loads");
    group.bench_function("eval pre-loaded", |bencher| bencher.iter(|| engine.eval(black_box(&input))));
    group.bench_function("json to decision", |bencher| {
        bencher.iter(|| engine.decide_json(black_box(INPUT_BLOCK)))
    });
    let schema = E::schema().expect("schema parses");
    group.bench_function("parse + compile", |bencher| bencher.iter(|| E::compile(black_box(&schema))));
    group.finish();
}

fn engines(criterion: &mut Criterion) {
    bench_engine::<ReleaseGate>(criterion);
    bench_engine::<Cel>(criterion);
    bench_engine::<Rego>(criterion);
    bench_engine::<Cedar>(criterion);
    bench_engine::<Native>(criterion);
}

criterion_group!(benches, engines);
criterion_main!(benches);
