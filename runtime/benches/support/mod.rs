//! Bundles and inputs shared by the runtime benches: the benchmark rule, a generated
//! 100-policy bundle and the shipped policies, all compiled in memory.

#![allow(dead_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};

use compiler::schema::Schema;
use compiler::span::SourceMap;
use vm::signal::SignalType;
use vm::Bundle;

pub const RULE: &str = include_str!("../../../bench/rule/block.rgl");
pub const RULE_SCHEMA: &str = include_str!("../../../bench/rule/signals.yaml");

/// Input on which the benchmark rule fires.
pub const INPUT_BLOCK: &str = r#"{"risk":{"level":"HIGH"},"approvals":{"count":1},"change":{"changed_files":10},"environment":"production"}"#;
/// Input on which the benchmark rule does not fire.
pub const INPUT_PASS: &str = r#"{"risk":{"level":"LOW"},"approvals":{"count":1},"change":{"changed_files":10},"environment":"production"}"#;

/// Compiles DSL or YAML sources against a schema text and loads the artifact, as the runtime
/// does.
pub fn compile(schema_text: &str, sources: &[(String, String)]) -> Bundle {
    let mut map = SourceMap::new();
    let schema_id = map.add("signals.yaml", schema_text);
    let schema = Schema::parse(&map, schema_id).expect("schema parses");
    let mut policies = Vec::new();
    for (name, text) in sources {
        let id = map.add(name.as_str(), text.as_str());
        let (mut lowered, diagnostics) = compiler::frontend::lower_file(&map, id);
        assert!(diagnostics.is_empty(), "{name}: {diagnostics:?}");
        policies.append(&mut lowered);
    }
    let artifact = compiler::codegen::compile_bundle(&policies, &schema).expect("bundle compiles");
    Bundle::from_bytes(&artifact.bytes).expect("artifact loads")
}

/// Compiles the benchmark rule alone.
pub fn rule_bundle() -> Bundle {
    compile(RULE_SCHEMA, &[("block.rgl".to_string(), RULE.to_string())])
}

/// Writes one generated policy. The four shapes cycle, so the bundle mixes string, integer,
/// list-membership and negated comparisons with both effects.
fn generated_policy(index: usize) -> String {
    let effect = if index.is_multiple_of(3) { "WARN" } else { "BLOCK" };
    let condition = match index % 4 {
        0 => format!(r#"risk.level == "HIGH" and approvals.count < {}"#, 1 + index % 3),
        1 => format!(r#"change.changed_files > {} and environment == "production""#, 20 + index),
        2 => format!(r#"(risk.level == "CRITICAL" or change.changed_files > {}) and not (environment == "staging")"#, 100 + index),
        _ => format!(r#"risk.level in ["HIGH", "CRITICAL"] and approvals.count < {}"#, index % 4),
    };
    format!(
        "policy GEN_{index:03} {{\n    version: \"1.0.0\"\n    name: \"Generated policy {index}\"\n    rules {{\n        when {condition} {{\n            enforce {effect}\n            message \"Generated policy {index} fired.\"\n        }}\n    }}\n}}\n"
    )
}

/// Compiles a bundle of `count` generated policies over the bench schema.
pub fn generated_bundle(count: usize) -> Bundle {
    let text: String = (0..count).map(generated_policy).collect();
    compile(RULE_SCHEMA, &[("generated.rgl".to_string(), text)])
}

fn shipped_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies")
}

/// Every policy file under `policies/`, compiled against the shipped schema.
pub fn shipped_bundle() -> Bundle {
    let discovered = compiler::sources::discover(&[shipped_dir()]).expect("policies/ is readable");
    let schema_path = discovered.signals.first().cloned().expect("policies/ has signals.yaml");
    let schema_text = std::fs::read_to_string(schema_path).expect("signals.yaml reads");
    let sources: Vec<(String, String)> = discovered
        .policies
        .iter()
        .map(|path| (path.display().to_string(), std::fs::read_to_string(path).expect("policy reads")))
        .collect();
    compile(&schema_text, &sources)
}

/// An input giving every signal of the bundle a value of its type, with dotted keys.
pub fn full_input(bundle: &Bundle) -> String {
    let fields: serde_json::Map<String, serde_json::Value> = bundle
        .signals()
        .iter()
        .map(|decl| {
            let value = match &decl.ty {
                SignalType::Bool => serde_json::json!(false),
                SignalType::Int => serde_json::json!(3),
                SignalType::Number => serde_json::json!(0.5),
                SignalType::String => serde_json::json!("release"),
                SignalType::Enum(values) => serde_json::json!(values.last()),
                SignalType::ListString => serde_json::json!(["Engineer"]),
                SignalType::ListInt => serde_json::json!([1, 2]),
            };
            (decl.name.clone(), value)
        })
        .collect();
    serde_json::Value::Object(fields).to_string()
}
