//! Rendering of diagnostics: as miette reports for people (plain or coloured), or as JSON for
//! CI. Diagnostics stay plain data until here.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::maps::line_column;
use crate::span::{SourceId, SourceMap, Span};

/// The look of human-readable reports: colour and width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
    /// Maximum line width in columns.
    pub width: usize,
}

impl Style {
    /// No colour and a fixed width of 100 columns, for tests and files.
    pub const PLAIN: Style = Style {
        color: false,
        width: 100,
    };

    /// Returns the style for reports written to stderr: colour only when stderr is a terminal
    /// and `NO_COLOR` is unset or empty (see no-color.org).
    pub fn for_stderr() -> Style {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        Style {
            color: !no_color && std::io::stderr().is_terminal(),
            width: 100,
        }
    }
}

/// Renders diagnostics one after another, each followed by a blank line.
pub struct Renderer<'a> {
    sources: &'a SourceMap,
    style: Style,
    /// One shared copy of each file's text, so large files are not copied per diagnostic.
    texts: HashMap<SourceId, Arc<str>>,
}

impl<'a> Renderer<'a> {
    pub fn new(sources: &'a SourceMap, style: Style) -> Renderer<'a> {
        Renderer {
            sources,
            style,
            texts: HashMap::new(),
        }
    }

    /// Renders all diagnostics in order.
    pub fn render_all(&mut self, diagnostics: &[Diagnostic]) -> String {
        diagnostics
            .iter()
            .map(|diagnostic| self.render(diagnostic))
            .collect()
    }

    /// Renders one diagnostic as a miette report.
    pub fn render(&mut self, diagnostic: &Diagnostic) -> String {
        let report = self.report(diagnostic);
        let theme = match self.style.color {
            true => GraphicalTheme::unicode(),
            false => GraphicalTheme::unicode_nocolor(),
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(self.style.width)
            .with_links(false);
        let mut out = String::new();
        match handler.render_report(&mut out, &report) {
            Ok(()) => out,
            Err(_) => self.fallback(diagnostic),
        }
    }

    /// Formats a diagnostic as one line, for the rare span that miette cannot show.
    fn fallback(&self, diagnostic: &Diagnostic) -> String {
        let location = location(self.sources, diagnostic.span);
        let severity = severity_name(diagnostic.severity);
        format!(
            "{severity}[{}]: {} at {}:{}:{}\n",
            diagnostic.code, diagnostic.message, location.file, location.line, location.column
        )
    }

    fn source(&mut self, id: SourceId) -> (String, Arc<str>) {
        let file = self.sources.get(id);
        let name = file.map_or_else(|| "<unknown>".to_string(), |file| file.name.clone());
        let text = self
            .texts
            .entry(id)
            .or_insert_with(|| Arc::from(file.map_or("", |file| file.text.as_str())));
        (name, Arc::clone(text))
    }

    fn report(&mut self, diagnostic: &Diagnostic) -> Report {
        let (name, text) = self.source(diagnostic.span.source);
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            Some(diagnostic.label.clone()),
            clamp(&text, diagnostic.span),
        )];
        let mut notes = Vec::new();
        for (span, label) in &diagnostic.related {
            let same_place = labels
                .iter_mut()
                .find(|existing| existing.inner() == &clamp(&text, *span));
            if let (Some(existing), true) = (same_place, span.source == diagnostic.span.source) {
                let merged = format!("{}; {label}", existing.label().unwrap_or_default());
                existing.set_label(Some(merged));
                continue;
            }
            if span.source == diagnostic.span.source {
                labels.push(LabeledSpan::new_with_span(
                    Some(label.clone()),
                    clamp(&text, *span),
                ));
            } else {
                notes.push(self.note(*span, label));
            }
        }
        Report {
            code: Some(diagnostic.code),
            severity: diagnostic.severity,
            message: diagnostic.message.clone(),
            help: diagnostic.help.clone(),
            source: NamedSource::new(name, text),
            labels,
            notes,
        }
    }

    /// Builds a related note for a span in another file than the diagnostic's own.
    fn note(&mut self, span: Span, label: &str) -> Report {
        let (name, text) = self.source(span.source);
        Report {
            code: None,
            severity: Severity::Warning,
            message: format!("{label} ({name})"),
            help: None,
            labels: vec![LabeledSpan::new_primary_with_span(
                Some(label.to_string()),
                clamp(&text, span),
            )],
            source: NamedSource::new(name, text),
            notes: Vec::new(),
        }
    }
}

/// Limits a span to the text and to character boundaries, so miette can always show it.
fn clamp(text: &str, span: Span) -> SourceSpan {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    SourceSpan::from(start..end)
}

/// One diagnostic in the shape miette renders.
struct Report {
    code: Option<&'static str>,
    severity: Severity,
    message: String,
    help: Option<String>,
    source: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
    notes: Vec<Report>,
}

impl fmt::Debug for Report {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Report")
            .field("code", &self.code)
            .field("message", &self.message)
            .finish()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .map(|code| Box::new(code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        match (self.code, self.severity) {
            (None, _) => Some(miette::Severity::Advice),
            (Some(_), Severity::Error) => Some(miette::Severity::Error),
            (Some(_), Severity::Warning) => Some(miette::Severity::Warning),
        }
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.notes.is_empty() {
            return None;
        }
        Some(Box::new(
            self.notes
                .iter()
                .map(|note| note as &dyn miette::Diagnostic),
        ))
    }
}

/// The start and end of a span, as 1-based lines and character columns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// Returns the location of `span` in `sources`.
pub fn location(sources: &SourceMap, span: Span) -> Location {
    let (file, text) = match sources.get(span.source) {
        Some(file) => (file.name.clone(), file.text.as_str()),
        None => ("<unknown>".to_string(), ""),
    };
    let (line, column) = line_column(text, span.start);
    let (end_line, end_column) = line_column(text, span.end);
    Location {
        file,
        line,
        column,
        end_line,
        end_column,
    }
}

pub fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One finding in the JSON output.
#[derive(Clone, Debug, Serialize)]
pub struct JsonFinding {
    #[serde(flatten)]
    pub location: Location,
    pub severity: &'static str,
    pub code: &'static str,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
    /// Further places that explain the finding, such as the first of two duplicates.
    pub related: Vec<JsonRelated>,
}

#[derive(Clone, Debug, Serialize)]
pub struct JsonRelated {
    #[serde(flatten)]
    pub location: Location,
    pub label: String,
}

/// Returns the JSON form of one diagnostic.
pub fn json_finding(sources: &SourceMap, diagnostic: &Diagnostic) -> JsonFinding {
    let related = diagnostic.related.iter().map(|(span, label)| JsonRelated {
        location: location(sources, *span),
        label: label.clone(),
    });
    JsonFinding {
        location: location(sources, diagnostic.span),
        severity: severity_name(diagnostic.severity),
        code: diagnostic.code,
        message: diagnostic.message.clone(),
        label: diagnostic.label.clone(),
        help: diagnostic.help.clone(),
        related: related.collect(),
    }
}

#[cfg(test)]
mod tests;
