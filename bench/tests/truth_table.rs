//! The engines must agree with the expected decision on every truth-table row.

use bench_compare::agreement::check_engine;
use bench_compare::engines::cedar::Cedar;
use bench_compare::engines::cel::Cel;
use bench_compare::engines::native::Native;
use bench_compare::engines::rego::Rego;
use bench_compare::engines::releasegate::ReleaseGate;
use bench_compare::truth_table::rows;

#[test]
fn table_has_sixteen_distinct_rows() {
    let rows = rows();
    assert_eq!(rows.len(), 16);
    let mut inputs: Vec<&str> = rows.iter().map(|row| row.input.as_str()).collect();
    inputs.sort_unstable();
    inputs.dedup();
    assert_eq!(inputs.len(), 16);
    assert_eq!(rows.iter().filter(|row| row.expected()).count(), 7);
}

#[test]
fn releasegate_agrees() {
    let found = check_engine::<ReleaseGate>(&rows());
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn cel_agrees() {
    assert!(check_engine::<Cel>(&rows()).is_empty(), "{:?}", check_engine::<Cel>(&rows()));
}

#[test]
fn regorus_agrees() {
    assert!(check_engine::<Rego>(&rows()).is_empty(), "{:?}", check_engine::<Rego>(&rows()));
}

#[test]
fn cedar_agrees() {
    assert!(check_engine::<Cedar>(&rows()).is_empty(), "{:?}", check_engine::<Cedar>(&rows()));
}

#[test]
fn hand_written_agrees() {
    assert!(check_engine::<Native>(&rows()).is_empty(), "{:?}", check_engine::<Native>(&rows()));
}
