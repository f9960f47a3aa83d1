//! The type checker: every policy against the signal schema, reporting all errors and warnings
//! at once. Each concept has its own file; [`check_policies`] runs them in order.

mod constant;
mod controls;
mod describe;
mod domain;
mod duplicates;
mod types;

use crate::ast::{Expr, ExprKind, Policy};
use crate::diagnostic::{Diagnostic, Severity};
use crate::schema::Schema;

pub const UNKNOWN_SIGNAL: &str = "releasegate::check::unknown_signal";
pub const TYPE_MISMATCH: &str = "releasegate::check::type_mismatch";
pub const UNKNOWN_ENUM_VALUE: &str = "releasegate::check::unknown_enum_value";
pub const IN_NON_LIST: &str = "releasegate::check::in_non_list";
pub const CONTAINS_NON_LIST: &str = "releasegate::check::contains_non_list";
pub const MIXED_LIST: &str = "releasegate::check::mixed_list";
pub const BAD_CALL: &str = "releasegate::check::bad_call";
pub const NOT_BOOLEAN: &str = "releasegate::check::not_boolean";
pub const DUPLICATE_POLICY_ID: &str = "releasegate::check::duplicate_policy_id";
pub const ALWAYS_TRUE: &str = "releasegate::check::always_true";
pub const ALWAYS_FALSE: &str = "releasegate::check::always_false";
pub const NEVER_FIRES: &str = "releasegate::check::never_fires";
pub const UNUSED_CONTROL_SIGNAL: &str = "releasegate::check::unused_control_signal";

/// Every code the checker can report, errors first.
pub const CODES: [&str; 13] = [
    UNKNOWN_SIGNAL,
    TYPE_MISMATCH,
    UNKNOWN_ENUM_VALUE,
    IN_NON_LIST,
    CONTAINS_NON_LIST,
    MIXED_LIST,
    BAD_CALL,
    NOT_BOOLEAN,
    DUPLICATE_POLICY_ID,
    ALWAYS_TRUE,
    ALWAYS_FALSE,
    NEVER_FIRES,
    UNUSED_CONTROL_SIGNAL,
];

/// Checks `policies` against `schema` and returns every finding, in policy order.
///
/// The constant-condition warnings are only computed for a policy without type errors, because
/// they read literal values that the type errors already call wrong.
pub fn check_policies(policies: &[Policy], schema: &Schema) -> Vec<Diagnostic> {
    let mut diagnostics = duplicates::duplicate_ids(policies);
    for policy in policies {
        let found = types::check_condition(policy, schema);
        let has_error = found.iter().any(|d| d.severity == Severity::Error);
        diagnostics.extend(found);
        if !has_error {
            diagnostics.extend(constant::check_constant(policy, schema));
        }
    }
    diagnostics.extend(controls::check_controls(policies, schema));
    diagnostics
}

/// Calls `visit` on `expr` and on every expression below it, parents first.
fn walk<'a>(expr: &'a Expr, visit: &mut impl FnMut(&'a Expr)) {
    visit(expr);
    match &expr.kind {
        ExprKind::Literal(_) | ExprKind::Path(_) => {}
        ExprKind::List(items) => items.iter().for_each(|item| walk(item, visit)),
        ExprKind::Not(inner) => walk(inner, visit),
        ExprKind::And(lhs, rhs) | ExprKind::Or(lhs, rhs) => {
            walk(lhs, visit);
            walk(rhs, visit);
        }
        ExprKind::Compare { lhs, rhs, .. } => {
            walk(lhs, visit);
            walk(rhs, visit);
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|arg| walk(arg, visit)),
    }
}

/// Returns every signal path that `expr` reads.
fn paths_read(expr: &Expr) -> Vec<&str> {
    let mut paths = Vec::new();
    walk(expr, &mut |node| {
        if let ExprKind::Path(path) = &node.kind {
            paths.push(path.as_str());
        }
    });
    paths
}

#[cfg(test)]
mod tests;
