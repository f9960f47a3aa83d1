//! A small timing harness that measures several cases in one run and interleaves their samples.
//!
//! Each sample runs one case for a calibrated batch of iterations and records the mean time per
//! iteration. Samples of all cases in a group take turns (case 1, case 2, …, case 1, …). A
//! burst of load on a shared machine then lands on every engine rather than on one, so the ratios
//! between engines stay meaningful even when the absolute figures move.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// One timed closure: an engine doing one step.
pub struct Case {
    pub engine: &'static str,
    run: Box<dyn FnMut(u64) -> Duration>,
}

impl Case {
    /// Wraps `step` so that a batch of `n` calls runs without dynamic dispatch inside the loop.
    pub fn new<R, F: FnMut() -> R + 'static>(engine: &'static str, mut step: F) -> Case {
        let run = move |iterations: u64| {
            let start = Instant::now();
            for _ in 0..iterations {
                black_box(step());
            }
            start.elapsed()
        };
        Case { engine, run: Box::new(run) }
    }
}

/// Sampling settings shared by every group.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Samples per case; the median is taken over these.
    pub samples: usize,
    /// Wall time one sample aims for.
    pub sample_time: Duration,
}

/// The summary of one case's samples, in nanoseconds per iteration.
#[derive(Clone, Debug)]
pub struct Measurement {
    pub engine: &'static str,
    pub median_ns: f64,
    pub p25_ns: f64,
    pub p75_ns: f64,
    pub iterations_per_sample: u64,
}

/// Finds a batch size whose run takes at least `target`, doubling from one.
fn calibrate(case: &mut Case, target: Duration) -> u64 {
    let mut iterations = 1u64;
    loop {
        let elapsed = (case.run)(iterations);
        if elapsed >= target || iterations >= 1 << 40 {
            return iterations;
        }
        let scale = if elapsed.is_zero() { 16 } else { (target.as_nanos() / elapsed.as_nanos()).clamp(2, 16) };
        iterations = iterations.saturating_mul(scale as u64);
    }
}

/// Returns the value at `fraction` (0 to 1) of sorted `values`, or 0 when there are none.
fn quantile(values: &[f64], fraction: f64) -> f64 {
    let last = values.len().saturating_sub(1);
    let position = (last as f64 * fraction).round() as usize;
    values.get(position).copied().unwrap_or(0.0)
}

/// Measures every case of one group with interleaved samples.
pub fn measure(cases: &mut [Case], settings: Settings) -> Vec<Measurement> {
    let batches: Vec<u64> = cases.iter_mut().map(|case| calibrate(case, settings.sample_time)).collect();
    let mut per_case: Vec<Vec<f64>> = vec![Vec::with_capacity(settings.samples); cases.len()];
    for round in 0..settings.samples {
        // Rotate the starting case each round so no engine always runs first after a pause.
        for offset in 0..cases.len() {
            let index = (round + offset) % cases.len();
            let (Some(case), Some(&batch), Some(samples)) =
                (cases.get_mut(index), batches.get(index), per_case.get_mut(index))
            else {
                continue;
            };
            let elapsed = (case.run)(batch);
            samples.push(elapsed.as_nanos() as f64 / batch as f64);
        }
    }
    cases
        .iter()
        .zip(per_case.iter_mut())
        .zip(batches)
        .map(|((case, samples), batch)| {
            samples.sort_by(f64::total_cmp);
            Measurement {
                engine: case.engine,
                median_ns: quantile(samples, 0.5),
                p25_ns: quantile(samples, 0.25),
                p75_ns: quantile(samples, 0.75),
                iterations_per_sample: batch,
            }
        })
        .collect()
}
