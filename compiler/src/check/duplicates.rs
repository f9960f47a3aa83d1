//! Duplicate policy ids across the whole bundle.

use std::collections::HashMap;

use super::DUPLICATE_POLICY_ID;
use crate::ast::Policy;
use crate::diagnostic::Diagnostic;

/// Reports every policy whose id an earlier policy already has. Two DSL policies with the same
/// name give one finding for the name instead of one per rule.
pub(super) fn duplicate_ids(policies: &[Policy]) -> Vec<Diagnostic> {
    let mut first_by_id: HashMap<&str, &Policy> = HashMap::new();
    let mut reported_groups: Vec<(&str, &str)> = Vec::new();
    let mut diagnostics = Vec::new();
    for policy in policies {
        let Some(first) = first_by_id.get(policy.id.value.as_str()).copied() else {
            first_by_id.insert(&policy.id.value, policy);
            continue;
        };
        match group_pair(policy, first) {
            Some(pair) if reported_groups.contains(&pair) => continue,
            Some(pair) => reported_groups.push(pair),
            None => {}
        }
        diagnostics.push(duplicate(policy, first));
    }
    diagnostics
}

/// Returns the DSL policy names of two rules, when both come from DSL policies.
fn group_pair<'a>(policy: &'a Policy, first: &'a Policy) -> Option<(&'a str, &'a str)> {
    let group = policy.group.as_ref()?;
    let first_group = first.group.as_ref()?;
    Some((&group.value, &first_group.value))
}

fn duplicate(policy: &Policy, first: &Policy) -> Diagnostic {
    let (span, first_span, name) = match (&policy.group, &first.group) {
        (Some(group), Some(first_group)) => (
            group.span,
            first_group.span,
            format!("DSL policy `{}`", group.value),
        ),
        _ => (
            policy.id.span,
            first.id.span,
            format!("policy id `{}`", policy.id.value),
        ),
    };
    let message = format!("duplicate {name}");
    Diagnostic::error(DUPLICATE_POLICY_ID, message, span, "defined again here")
        .with_help("policy ids must be unique in a bundle; rename one of them")
        .with_related(first_span, "first defined here")
}
