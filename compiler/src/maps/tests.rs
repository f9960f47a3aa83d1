#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::*;
use crate::span::{SourceMap, Span};

const TRANSITIONS: &str = r#"transitions:
  PRODUCTION:
    DEFAULT:
      "Ready for Release -> Done": [SEC-PR-001, SOC2_CC8]
      "31": [SEC-PR-002]
      Deploy: [NAME-ONLY]
    PAY:
      "ready for release -> done": [SEC-PR-001, HIPAA_164_312]
  STAGING:
    DEFAULT:
      31: [STAGING-ONLY]
"#;

const ROLES: &str = r#"members:
  "712020:5f1e-release-manager": [ReleaseManager]
  "rita@example.com": [ReleaseManager, Engineer]
  "5b10ac8d82e05b22cc7d4ef5": [Engineer]
override_roles: [ReleaseManager, SecurityOfficer]
"#;

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn lookup_prefers_transition_id() {
    let map = TransitionMap::parse_str(TRANSITIONS).unwrap();
    let found = map.lookup(
        "PRODUCTION",
        "OPS",
        "31",
        "Ready for Release",
        "Done",
        "Deploy",
    );
    assert_eq!(found, Some(strings(&["SEC-PR-002"]).as_slice()));
}

#[test]
fn lookup_uses_statuses_then_name() {
    let map = TransitionMap::parse_str(TRANSITIONS).unwrap();
    let by_status = map.lookup(
        "PRODUCTION",
        "OPS",
        "99",
        " Ready for Release",
        "DONE",
        "Deploy",
    );
    assert_eq!(
        by_status,
        Some(strings(&["SEC-PR-001", "SOC2_CC8"]).as_slice())
    );
    let by_name = map.lookup("PRODUCTION", "OPS", "", "In Review", "Done", "deploy");
    assert_eq!(by_name, Some(strings(&["NAME-ONLY"]).as_slice()));
}

#[test]
fn lookup_prefers_project_table() {
    let map = TransitionMap::parse_str(TRANSITIONS).unwrap();
    let pay = map.lookup("PRODUCTION", "PAY", "", "Ready for Release", "Done", "");
    assert_eq!(
        pay,
        Some(strings(&["SEC-PR-001", "HIPAA_164_312"]).as_slice())
    );
    let fallback = map.lookup("PRODUCTION", "PAY", "31", "", "", "");
    assert_eq!(fallback, Some(strings(&["SEC-PR-002"]).as_slice()));
}

#[test]
fn lookup_misses() {
    let map = TransitionMap::parse_str(TRANSITIONS).unwrap();
    assert_eq!(map.lookup("DEV", "PAY", "31", "", "", ""), None);
    assert_eq!(map.lookup("PRODUCTION", "PAY", "", "", "", ""), None);
    assert_eq!(
        map.lookup("STAGING", "X", "31", "", "", ""),
        Some(strings(&["STAGING-ONLY"]).as_slice())
    );
}

#[test]
fn unknown_environment_suggests() {
    let text = "transitions:\n  PROD:\n    DEFAULT:\n      \"31\": [A]\n";
    let error = TransitionMap::parse_str(text).unwrap_err().to_string();
    assert!(
        error.contains("line 2, column 3: unknown environment `PROD`"),
        "{error}"
    );
    assert!(error.contains("did you mean `PRODUCTION`?"), "{error}");
}

#[test]
fn transition_map_shape_errors() {
    let text = "transitions:\n  PRODUCTION:\n    DEFAULT:\n      \"31\": SEC-PR-001\n      \" -> Done\": [A]\nextra: 1\n";
    let mut sources = SourceMap::new();
    let id = sources.add("t.yaml", text);
    let errors = TransitionMap::parse(&sources, id).unwrap_err();
    let codes: Vec<&str> = errors.iter().map(|d| d.code).collect();
    assert!(
        codes.contains(&"releasegate::maps::unknown_key"),
        "{codes:?}"
    );
    assert!(
        codes.contains(&"releasegate::maps::wrong_type"),
        "{codes:?}"
    );
    assert!(
        codes.contains(&"releasegate::maps::bad_transition_key"),
        "{codes:?}"
    );
}

#[test]
fn duplicate_transition_key() {
    let text = "transitions:\n  PRODUCTION:\n    DEFAULT:\n      \"31\": [A]\n      \"31\": [B]\n";
    let mut sources = SourceMap::new();
    let id = sources.add("t.yaml", text);
    let errors = TransitionMap::parse(&sources, id).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, "releasegate::maps::duplicate_key");
    assert_eq!(errors[0].related[0].0, Span::new(id, 46, 50));
}

#[test]
fn roles_of_matches_id_and_email() {
    let map = RoleMap::parse_str(ROLES).unwrap();
    assert_eq!(
        map.roles_of("712020:5f1e-release-manager", ""),
        strings(&["ReleaseManager"])
    );
    assert_eq!(
        map.roles_of("nobody", "Rita@Example.com"),
        strings(&["ReleaseManager", "Engineer"])
    );
    assert_eq!(
        map.roles_of("5b10ac8d82e05b22cc7d4ef5", "rita@example.com"),
        strings(&["ReleaseManager", "Engineer"])
    );
    assert!(map.roles_of("", "").is_empty());
}

#[test]
fn may_override_needs_override_role() {
    let map = RoleMap::parse_str(ROLES).unwrap();
    assert!(map.may_override(&strings(&["Engineer", "ReleaseManager"])));
    assert!(!map.may_override(&strings(&["Engineer"])));
    assert!(!map.may_override(&[]));
}

#[test]
fn unused_override_role_warns() {
    let mut sources = SourceMap::new();
    let id = sources.add("roles.yaml", ROLES);
    let (_, warnings) = RoleMap::parse(&sources, id).unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].code, "releasegate::maps::unused_override_role");
    assert!(warnings[0].message.contains("SecurityOfficer"));
}

#[test]
fn role_map_empty_is_error() {
    let error = RoleMap::parse_str("").unwrap_err().to_string();
    assert!(error.contains("the role map is empty"), "{error}");
}

#[test]
fn line_column_counts_chars() {
    assert_eq!(line_column("ab\ncé d", 7), (2, 4));
    assert_eq!(line_column("", 0), (1, 1));
}
