//! Parse, check and compile timings for the benchmark rule and for the shipped bundle.
//!
//! Run with `cargo bench -p releasegate-compiler --bench compile`. The benchmark rule and its
//! bench-only signal schema live in `bench/rule/`, shared with the engine comparison crate.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::hint::black_box;
use std::path::{Path, PathBuf};

use compiler::ast::Policy;
use compiler::schema::Schema;
use compiler::span::{SourceId, SourceMap};
use criterion::{criterion_group, criterion_main, Criterion};

const RULE: &str = include_str!("../../bench/rule/block.rgl");
const RULE_SCHEMA: &str = include_str!("../../bench/rule/signals.yaml");

/// Sources loaded into a source map once, so that the timed steps do no file I/O.
struct Loaded {
    map: SourceMap,
    schema: Schema,
    policy_files: Vec<SourceId>,
}

fn load_rule() -> Loaded {
    let mut map = SourceMap::new();
    let schema_id = map.add("signals.yaml", RULE_SCHEMA);
    let schema = Schema::parse(&map, schema_id).expect("bench schema parses");
    let rule_id = map.add("block.rgl", RULE);
    Loaded { map, schema, policy_files: vec![rule_id] }
}

fn shipped_policies_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies")
}

fn load_shipped() -> Loaded {
    let discovered = compiler::sources::discover(&[shipped_policies_dir()]).expect("policies/ is readable");
    let mut map = SourceMap::new();
    let schema_path = discovered.signals.first().cloned().expect("policies/ has signals.yaml");
    let schema_id = compiler::sources::read_source(&mut map, &schema_path).expect("signals.yaml reads");
    let schema = Schema::parse(&map, schema_id).expect("shipped schema parses");
    let policy_files = discovered
        .policies
        .iter()
        .map(|path| compiler::sources::read_source(&mut map, path).expect("policy file reads"))
        .collect();
    Loaded { map, schema, policy_files }
}

fn parse(loaded: &Loaded) -> Vec<Policy> {
    let mut policies = Vec::new();
    for &id in &loaded.policy_files {
        let (mut lowered, diagnostics) = compiler::frontend::lower_file(&loaded.map, id);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        policies.append(&mut lowered);
    }
    policies
}

fn bench_sources(criterion: &mut Criterion, name: &str, loaded: &Loaded) {
    let policies = parse(loaded);
    assert!(compiler::check::check_policies(&policies, &loaded.schema).is_empty());
    let mut group = criterion.benchmark_group(name);
    group.bench_function("parse", |bencher| bencher.iter(|| parse(black_box(loaded))));
    group.bench_function("check", |bencher| {
        bencher.iter(|| compiler::check::check_policies(black_box(&policies), &loaded.schema))
    });
    group.bench_function("compile", |bencher| {
        bencher.iter(|| compiler::codegen::compile_bundle(black_box(&policies), &loaded.schema))
    });
    group.bench_function("parse + check + compile", |bencher| {
        bencher.iter(|| {
            let policies = parse(black_box(loaded));
            let diagnostics = compiler::check::check_policies(&policies, &loaded.schema);
            (diagnostics, compiler::codegen::compile_bundle(&policies, &loaded.schema))
        })
    });
    group.finish();
}

fn compile_benches(criterion: &mut Criterion) {
    bench_sources(criterion, "rule", &load_rule());
    bench_sources(criterion, "shipped bundle", &load_shipped());
}

criterion_group!(benches, compile_benches);
criterion_main!(benches);
