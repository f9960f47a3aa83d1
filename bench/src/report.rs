//! Markdown tables of one run: medians, spreads and ratios against ReleaseGate and against the
//! fastest competitor.

use std::fmt::Write;

use crate::engine::Role;
use crate::harness::Measurement;

/// One timed group with the roles of its engines and its target, if it has one.
pub struct GroupResult {
    pub title: String,
    pub measurements: Vec<(Role, Measurement)>,
    /// Maximum allowed ratio of ReleaseGate's median to the fastest competitor's median.
    pub target_ratio: Option<f64>,
}

/// Formats a duration in the unit that keeps three significant figures readable.
pub fn format_ns(nanoseconds: f64) -> String {
    if nanoseconds >= 1_000_000.0 {
        format!("{:.2} ms", nanoseconds / 1_000_000.0)
    } else if nanoseconds >= 10_000.0 {
        format!("{:.1} µs", nanoseconds / 1_000.0)
    } else if nanoseconds >= 1_000.0 {
        format!("{:.2} µs", nanoseconds / 1_000.0)
    } else {
        format!("{nanoseconds:.1} ns")
    }
}

impl GroupResult {
    fn median_of(&self, role: Role) -> Option<&Measurement> {
        self.measurements
            .iter()
            .filter(|(candidate, _)| *candidate == role)
            .map(|(_, measurement)| measurement)
            .min_by(|left, right| left.median_ns.total_cmp(&right.median_ns))
    }

    /// ReleaseGate's median divided by the fastest competitor's, with that competitor.
    pub fn subject_ratio(&self) -> Option<(f64, &'static str)> {
        let subject = self.median_of(Role::Subject)?;
        let fastest = self.median_of(Role::Competitor)?;
        Some((subject.median_ns / fastest.median_ns, fastest.engine))
    }

    /// Renders the group as a markdown table followed by its ratio line.
    pub fn to_markdown(&self) -> String {
        let subject = self.median_of(Role::Subject).map(|measurement| measurement.median_ns);
        let mut text = format!("### {}\n\n", self.title);
        text.push_str("| engine | median | p25 – p75 | engine ÷ ReleaseGate |\n|---|---:|---:|---:|\n");
        for (_, measurement) in &self.measurements {
            let ratio = subject
                .map(|base| format!("{:.2}×", measurement.median_ns / base))
                .unwrap_or_else(|| "–".to_string());
            let _ = writeln!(
                text,
                "| {} | {} | {} – {} | {} |",
                measurement.engine,
                format_ns(measurement.median_ns),
                format_ns(measurement.p25_ns),
                format_ns(measurement.p75_ns),
                ratio
            );
        }
        if let Some((ratio, fastest)) = self.subject_ratio() {
            let verdict = match self.target_ratio {
                Some(limit) if ratio <= limit => format!(" (target ≤ {limit}: met)"),
                Some(limit) => format!(" (target ≤ {limit}: MISSED)"),
                None => String::new(),
            };
            let _ = writeln!(text, "\nReleaseGate ÷ fastest other engine ({fastest}): {ratio:.2}{verdict}");
        }
        text
    }
}
