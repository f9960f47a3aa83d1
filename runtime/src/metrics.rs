//! Process-wide counters of transition checks and a latency histogram, exported as JSON and in
//! the Prometheus text format. Counters start at 0 when the process starts.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{json, Value};
use vm::decision::{ReasonCode, Status};

/// Upper bounds of the latency histogram buckets, in seconds.
const LATENCY_BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Debug, Default)]
pub struct Metrics {
    transitions_evaluated: AtomicU64,
    transitions_blocked: AtomicU64,
    overrides_used: AtomicU64,
    skipped_count: AtomicU64,
    transitions_error: AtomicU64,
    bucket_counts: [AtomicU64; LATENCY_BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
}

impl Metrics {
    /// Counts one decided transition check by its response status and reason code.
    pub fn record_decision(&self, response_status: Status, reason_code: ReasonCode) {
        self.transitions_evaluated.fetch_add(1, Ordering::Relaxed);
        let counter = match response_status {
            Status::Blocked | Status::Conditional => Some(&self.transitions_blocked),
            Status::Skipped => Some(&self.skipped_count),
            Status::Error => Some(&self.transitions_error),
            Status::Allowed => None,
        };
        if let Some(counter) = counter {
            counter.fetch_add(1, Ordering::Relaxed);
        }
        if reason_code == ReasonCode::OverrideApplied {
            self.overrides_used.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts an override applied to a stored decision.
    pub fn record_override(&self) {
        self.overrides_used.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a check that failed before a decision could be recorded.
    pub fn record_error(&self) {
        self.transitions_evaluated.fetch_add(1, Ordering::Relaxed);
        self.transitions_error.fetch_add(1, Ordering::Relaxed);
    }

    /// Adds one transition check's latency to the histogram.
    pub fn observe_latency(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        for (bound, count) in LATENCY_BUCKETS.iter().zip(&self.bucket_counts) {
            if seconds <= *bound {
                count.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.latency_sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    fn counters(&self) -> [(&'static str, &'static str, u64); 5] {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        [
            (
                "transitions_evaluated",
                "Transition checks decided.",
                load(&self.transitions_evaluated),
            ),
            (
                "transitions_blocked",
                "Transition checks decided BLOCKED or CONDITIONAL.",
                load(&self.transitions_blocked),
            ),
            (
                "overrides_used",
                "Overrides applied.",
                load(&self.overrides_used),
            ),
            (
                "skipped_count",
                "Transition checks decided SKIPPED.",
                load(&self.skipped_count),
            ),
            (
                "transitions_error",
                "Transition checks decided ERROR.",
                load(&self.transitions_error),
            ),
        ]
    }

    /// Returns the five counters as a JSON object, always all present.
    pub fn to_json(&self) -> Value {
        let mut object = serde_json::Map::new();
        for (name, _, value) in self.counters() {
            object.insert(name.to_string(), json!(value));
        }
        Value::Object(object)
    }

    /// Renders the counters and the latency histogram in the Prometheus text exposition format.
    pub fn to_prometheus(&self) -> String {
        let mut text = String::new();
        for (name, help, value) in self.counters() {
            let _ = writeln!(text, "# HELP releasegate_{name}_total {help}");
            let _ = writeln!(text, "# TYPE releasegate_{name}_total counter");
            let _ = writeln!(text, "releasegate_{name}_total {value}");
        }
        let name = "releasegate_transition_check_duration_seconds";
        let _ = writeln!(text, "# HELP {name} Latency of transition checks.");
        let _ = writeln!(text, "# TYPE {name} histogram");
        for (bound, count) in LATENCY_BUCKETS.iter().zip(&self.bucket_counts) {
            let _ = writeln!(
                text,
                "{name}_bucket{{le=\"{bound}\"}} {}",
                count.load(Ordering::Relaxed)
            );
        }
        let total = self.latency_count.load(Ordering::Relaxed);
        let sum = self.latency_sum_micros.load(Ordering::Relaxed) as f64 / 1_000_000.0;
        let _ = writeln!(text, "{name}_bucket{{le=\"+Inf\"}} {total}");
        let _ = writeln!(text, "{name}_sum {sum}");
        let _ = writeln!(text, "{name}_count {total}");
        text
    }
}
