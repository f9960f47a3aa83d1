//! The benchmark rule written once per engine, and the inputs it is timed on.
//!
//! The rule: BLOCK when `(risk.level == "HIGH" and approvals.count < 2) or
//! (change.changed_files > 50 and environment == "production")`. Every engine receives the input as
//! the same nested JSON object, so JSON text to decision measures each engine's own input path.

/// The rule in ReleaseGate's text DSL. It compiles to the policy `BENCH-BLOCK.R1`. The
/// in-workspace criterion benches read the same file.
pub const RELEASEGATE_POLICY: &str = include_str!("../rule/block.rgl");

/// A bench-only signal schema in which `environment` is a free string (the shipped schema makes
/// it an enum of upper-case names), so the rule compiles exactly as written.
pub const RELEASEGATE_SCHEMA: &str = include_str!("../rule/signals.yaml");

/// The rule as one Cedar policy: `Allow` means the rule fired (BLOCK).
pub const CEDAR_POLICY: &str = r#"@id("block")
permit (principal, action == Action::"transition", resource)
when {
    (context.risk.level == "HIGH" && context.approvals.count < 2) ||
    (context.change.changed_files > 50 && context.environment == "production")
};
"#;

/// The Cedar schema the policy is validated against and the context is parsed with.
pub const CEDAR_SCHEMA: &str = r#"entity Actor;
entity Issue;
action "transition" appliesTo {
    principal: Actor,
    resource: Issue,
    context: {
        risk: { level: String },
        approvals: { count: Long },
        change: { changed_files: Long },
        environment: String
    }
};
"#;

/// The rule in Rego v1. The entry point is `data.releasegate.bench.block`.
pub const REGO_POLICY: &str = r#"package releasegate.bench

default block := false

block if {
    input.risk.level == "HIGH"
    input.approvals.count < 2
}

block if {
    input.change.changed_files > 50
    input.environment == "production"
}
"#;

pub const REGO_ENTRY_POINT: &str = "data.releasegate.bench.block";

/// The rule as one CEL expression over the top-level variables of the input.
pub const CEL_EXPRESSION: &str = r#"(risk.level == "HIGH" && approvals.count < 2) || (change.changed_files > 50 && environment == "production")"#;

/// Input on which the rule fires: high risk with one approval.
pub const INPUT_BLOCK: &str = r#"{"risk":{"level":"HIGH"},"approvals":{"count":1},"change":{"changed_files":10},"environment":"production"}"#;

/// Input on which the rule does not fire: low risk and a small change.
pub const INPUT_PASS: &str = r#"{"risk":{"level":"LOW"},"approvals":{"count":1},"change":{"changed_files":10},"environment":"production"}"#;
