//! The decision combination table.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use vm::decision::{combine, Mode, ReasonCode, Status};
use vm::outcome::{Outcome, PolicyResult};

fn result(id: &str, outcome: Outcome) -> PolicyResult {
    let missing = if outcome == Outcome::Undetermined { vec!["risk.level".to_string()] } else { vec![] };
    let message = matches!(outcome, Outcome::Block | Outcome::Warn).then(|| format!("{id} message"));
    let mut result = PolicyResult::new(id, "1.0.0", "", outcome, message);
    result.missing = missing;
    result
}

fn check(outcomes: &[Outcome], mode: Mode, status: Status, code: ReasonCode) {
    let results: Vec<PolicyResult> =
        outcomes.iter().enumerate().map(|(i, o)| result(&format!("P{i}"), *o)).collect();
    let combined = combine(&results, mode);
    assert_eq!((combined.status, combined.reason_code), (status, code), "{outcomes:?} {mode:?}");
}

#[test]
fn combination_table() {
    use Outcome::*;
    let p = Mode::Permissive;
    let s = Mode::Strict;
    check(&[Compliant, Compliant], p, Status::Allowed, ReasonCode::PolicyAllowed);
    check(&[Compliant, Warn], p, Status::Conditional, ReasonCode::PolicyConditional);
    check(&[Warn, Block], p, Status::Blocked, ReasonCode::PolicyBlocked);
    check(&[Undetermined, Compliant], p, Status::Skipped, ReasonCode::MissingSignal);
    check(&[Undetermined, Compliant], s, Status::Blocked, ReasonCode::MissingSignalStrict);
    check(&[Undetermined, Block], p, Status::Blocked, ReasonCode::PolicyBlocked);
    check(&[Undetermined, Warn], p, Status::Conditional, ReasonCode::PolicyConditional);
    check(&[Undetermined, Warn], s, Status::Blocked, ReasonCode::MissingSignalStrict);
    check(&[Error, Compliant], p, Status::Error, ReasonCode::SystemError);
    check(&[Error, Block], s, Status::Blocked, ReasonCode::PolicyBlocked);
    check(&[Disabled], p, Status::Allowed, ReasonCode::PolicyAllowed);
    check(&[], p, Status::Skipped, ReasonCode::NoPoliciesMapped);
    check(&[], s, Status::Blocked, ReasonCode::NoPoliciesMappedStrict);
}

#[test]
fn reason_names_blocking_policies() {
    let results = vec![result("A", Outcome::Block), result("B", Outcome::Compliant), result("C", Outcome::Block)];
    let combined = combine(&results, Mode::Permissive);
    assert_eq!(combined.reason, "A: A message; C: C message");
    assert!(!combined.status.allows());
}

#[test]
fn reason_lists_missing_signals() {
    let combined = combine(&[result("A", Outcome::Undetermined)], Mode::Permissive);
    assert_eq!(combined.reason, "A is undetermined: missing signal(s) risk.level");
    assert!(combined.status.allows());
}
