//! Signals named outside conditions: evidence lists and DSL `control` blocks.

use std::collections::BTreeMap;

use super::types::unknown_signal;
use super::{paths_read, UNUSED_CONTROL_SIGNAL};
use crate::ast::{ControlBlock, Policy};
use crate::diagnostic::Diagnostic;
use crate::schema::Schema;
use crate::span::{Span, Spanned};

/// Reports unknown signals in evidence lists and control blocks, and control signals that no
/// rule of their policy reads.
pub(super) fn check_controls(policies: &[Policy], schema: &Schema) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut seen: Vec<Span> = Vec::new();
    for policy in policies {
        for signal in &policy.evidence {
            check_known(signal, schema, &mut seen, &mut diagnostics);
        }
    }
    for (blocks, read) in control_groups(policies) {
        for block in blocks {
            block
                .signals
                .iter()
                .chain(&block.evidence)
                .for_each(|s| check_known(s, schema, &mut seen, &mut diagnostics));
            diagnostics.extend(unused_signals(block, &read, schema));
        }
    }
    diagnostics
}

/// Reports `signal` once per span: the rules of a DSL policy share their evidence and controls.
fn check_known(
    signal: &Spanned<String>,
    schema: &Schema,
    seen: &mut Vec<Span>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if schema.lookup(&signal.value).is_some() || seen.contains(&signal.span) {
        return;
    }
    seen.push(signal.span);
    diagnostics.push(unknown_signal(&signal.value, signal.span, schema));
}

/// The control blocks of one DSL policy and the signals its rules read.
type ControlGroup<'a> = (&'a [ControlBlock], Vec<&'a str>);

/// Groups the rules of each DSL policy: its control blocks (from the first rule, since every rule
/// carries the same blocks) and the signals that any of its rules reads.
fn control_groups(policies: &[Policy]) -> Vec<ControlGroup<'_>> {
    let mut groups: BTreeMap<(Span, &str), ControlGroup<'_>> = BTreeMap::new();
    for policy in policies.iter().filter(|policy| !policy.controls.is_empty()) {
        let key = match &policy.group {
            Some(group) => (group.span, group.value.as_str()),
            None => (policy.span, policy.id.value.as_str()),
        };
        let entry = groups
            .entry(key)
            .or_insert_with(|| (policy.controls.as_slice(), Vec::new()));
        entry.1.extend(paths_read(&policy.condition));
    }
    groups.into_values().collect()
}

fn unused_signals(block: &ControlBlock, read: &[&str], schema: &Schema) -> Vec<Diagnostic> {
    let unused = block.signals.iter().filter(|signal| {
        schema.lookup(&signal.value).is_some() && !read.contains(&signal.value.as_str())
    });
    unused.map(|signal| unused_signal(block, signal)).collect()
}

fn unused_signal(block: &ControlBlock, signal: &Spanned<String>) -> Diagnostic {
    let message = format!(
        "control `{}` lists signal `{}`, but no rule of this policy reads it",
        block.name.value, signal.value
    );
    Diagnostic::warning(
        UNUSED_CONTROL_SIGNAL,
        message,
        signal.span,
        "never read by a rule",
    )
    .with_help(
        "add a rule that reads it, move it to `evidence: [...]`, or remove it from the control",
    )
    .with_related(block.name.span, "control declared here")
}
