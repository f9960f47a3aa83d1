#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::*;

#[test]
fn plain_report_has_code_label_and_help() {
    let mut sources = SourceMap::new();
    let id = sources.add("p.yaml", "when: \"risk.levl == 1\"\n");
    let diagnostic = Diagnostic::error(
        "releasegate::check::unknown_signal",
        "unknown signal `risk.levl`",
        Span::new(id, 7, 16),
        "not declared",
    )
    .with_help("did you mean `risk.level`?");
    let text = Renderer::new(&sources, Style::PLAIN).render(&diagnostic);
    assert!(
        text.contains("releasegate::check::unknown_signal"),
        "{text}"
    );
    assert!(text.contains("p.yaml:1:8"), "{text}");
    assert!(text.contains("not declared"), "{text}");
    assert!(text.contains("help: did you mean `risk.level`?"), "{text}");
    assert!(!text.contains('\u{1b}'), "{text}");
}

#[test]
fn related_span_in_other_file_is_a_note() {
    let mut sources = SourceMap::new();
    let first = sources.add("a.yaml", "policy_id: X\n");
    let second = sources.add("b.yaml", "policy_id: X\n");
    let diagnostic = Diagnostic::error(
        "releasegate::check::duplicate_policy_id",
        "duplicate policy id `X`",
        Span::new(second, 11, 12),
        "again",
    )
    .with_related(Span::new(first, 11, 12), "first defined here");
    let text = Renderer::new(&sources, Style::PLAIN).render(&diagnostic);
    assert!(text.contains("b.yaml:1:12"), "{text}");
    assert!(text.contains("a.yaml:1:12"), "{text}");
}

#[test]
fn out_of_range_span_still_renders() {
    let mut sources = SourceMap::new();
    let id = sources.add("e.yaml", "");
    let diagnostic = Diagnostic::error(
        "releasegate::policy::empty_file",
        "empty",
        Span::new(id, 5, 9),
        "here",
    );
    let text = Renderer::new(&sources, Style::PLAIN).render(&diagnostic);
    assert!(text.contains("empty"), "{text}");
}

#[test]
fn json_location_is_one_based() {
    let mut sources = SourceMap::new();
    let id = sources.add("p.yaml", "a: 1\nb: é2\n");
    let diagnostic = Diagnostic::warning("releasegate::x", "m", Span::new(id, 10, 11), "l");
    let finding = json_finding(&sources, &diagnostic);
    assert_eq!(finding.location.line, 2);
    assert_eq!(finding.location.column, 5);
    assert_eq!(finding.location.end_column, 6);
    assert_eq!(finding.severity, "warning");
}
