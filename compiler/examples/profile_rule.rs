//! Compiles the benchmark rule a fixed number of times, for instruction-count profiling:
//! `valgrind --tool=callgrind target/release/examples/profile_rule 200`.
//!
//! Each iteration does what the engine comparison times: parse, check, codegen and loading the
//! artifact bytes with `vm::Bundle::from_bytes`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::hint::black_box;

use compiler::schema::Schema;
use compiler::span::SourceMap;

const RULE: &str = include_str!("../../bench/rule/block.rgl");
const RULE_SCHEMA: &str = include_str!("../../bench/rule/signals.yaml");

fn main() {
    let iterations: usize = std::env::args().nth(1).map_or(100, |arg| arg.parse().expect("iteration count"));
    let mut schema_map = SourceMap::new();
    let schema_id = schema_map.add("signals.yaml", RULE_SCHEMA);
    let schema = Schema::parse(&schema_map, schema_id).expect("bench schema parses");
    for _ in 0..iterations {
        let mut map = SourceMap::new();
        let id = map.add("block.rgl", black_box(RULE));
        let (policies, diagnostics) = compiler::frontend::lower_file(&map, id);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let diagnostics = compiler::check::check_policies(&policies, &schema);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let artifact = compiler::codegen::compile_bundle(&policies, &schema).expect("rule compiles");
        let bundle = vm::Bundle::from_bytes(&artifact.bytes).expect("artifact loads");
        black_box(bundle);
    }
}
