//! Metrics: binary, multiclass and regression.
//!
//! Every metric follows scikit-learn's definition (each module names the
//! function it matches), with one deliberate difference: where scikit-learn
//! returns a conventional number for a value that is mathematically undefined
//! (precision with no predicted positives, MCC with a constant prediction, R²
//! of a constant target), Assay reports the value as *undefined, with the
//! reason*. A report should never show a 0 that means "could not compute".
//!
//! All metrics are computed from **weighted tallies**: a row's weight is 1 for
//! the point estimate and its multiplicity in a bootstrap resample otherwise.
//! That way the bootstrap never copies the data (see [`crate::stats::bootstrap`]), and
//! the point estimate and the resamples run the same code.

pub mod binary;
pub mod multiclass;
pub mod registry;
pub mod regression;

use serde::{Deserialize, Serialize};

/// Why a metric has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Undefined(pub &'static str);

/// A metric's value, or why it has none.
pub type Value = Result<f64, Undefined>;

/// Divide, or report the reason the denominator is zero.
#[inline]
pub(crate) fn ratio(num: f64, den: f64, why: &'static str) -> Value {
    if den == 0.0 {
        Err(Undefined(why))
    } else {
        Ok(num / den)
    }
}

/// Static description of a metric: a stable key, a display name, and the
/// definition it follows.
#[derive(Debug, Clone, Copy)]
pub struct MetricSpec {
    /// Stable machine key, used in the JSON report (`roc_auc`).
    pub key: &'static str,
    /// Display name (`ROC AUC`).
    pub name: &'static str,
    /// The reference definition followed.
    pub definition: &'static str,
    /// Whether larger is better (for display and for slice audits).
    pub higher_is_better: bool,
}

/// Row weights: unit weights for the point estimate, bootstrap multiplicities
/// for a resample. Monomorphised so the unit case costs nothing.
///
/// Each kind of weights also picks its summation: the point estimate uses
/// compensated sums (it must match NumPy to ~1e-15 over millions of rows), a
/// bootstrap resample plain sums (its spread dwarfs rounding, and it runs a
/// thousand times).
pub trait Weights: Sync {
    /// The accumulator for weighted sums.
    type Acc: Acc;
    /// Weight of row `i`.
    fn w(&self, i: usize) -> f64;
}

/// Every row counts once.
#[derive(Debug, Clone, Copy)]
pub struct Unit;

impl Weights for Unit {
    type Acc = Sum;
    #[inline(always)]
    fn w(&self, _: usize) -> f64 {
        1.0
    }
}

impl Weights for [u32] {
    type Acc = Plain;
    #[inline(always)]
    fn w(&self, i: usize) -> f64 {
        self[i] as f64
    }
}

impl Weights for [u8] {
    type Acc = Plain;
    #[inline(always)]
    fn w(&self, i: usize) -> f64 {
        self[i] as f64
    }
}

/// A running sum.
pub trait Acc: Default + Copy {
    fn add(&mut self, x: f64);
    fn value(&self) -> f64;
}

/// A plain floating-point sum.
#[derive(Debug, Clone, Copy, Default)]
pub struct Plain(f64);

impl Acc for Plain {
    #[inline(always)]
    fn add(&mut self, x: f64) {
        self.0 += x;
    }
    #[inline(always)]
    fn value(&self) -> f64 {
        self.0
    }
}

/// A confidence interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Interval {
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// Nominal coverage, e.g. 0.95.
    pub level: f64,
    /// How it was computed (`percentile_bootstrap`, `wilson`).
    pub method: String,
    /// Bootstrap resamples drawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resamples: Option<usize>,
    /// Resamples in which the metric was defined (the interval uses only these).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid: Option<usize>,
}

/// A computed metric as it goes into a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MetricResult {
    /// Stable key.
    pub key: String,
    /// Display name.
    pub name: String,
    /// The value; `None` when undefined.
    pub value: Option<f64>,
    /// Why the value is undefined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undefined: Option<String>,
    /// Confidence interval, when one was computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci: Option<Interval>,
    /// The reference definition followed.
    pub definition: String,
    /// Whether larger is better.
    pub higher_is_better: bool,
}

impl MetricResult {
    /// Build from a spec and a value, without a CI.
    pub fn new(spec: &MetricSpec, value: Value) -> Self {
        MetricResult {
            key: spec.key.to_owned(),
            name: spec.name.to_owned(),
            value: value.ok(),
            undefined: value.err().map(|u| u.0.to_owned()),
            ci: None,
            definition: spec.definition.to_owned(),
            higher_is_better: spec.higher_is_better,
        }
    }
}

/// A confusion matrix: rows are true classes, columns predicted classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ConfusionMatrix {
    /// Class labels, in row/column order.
    pub labels: Vec<String>,
    /// Counts, `matrix[true][predicted]`.
    pub matrix: Vec<Vec<u64>>,
}

/// Group boundaries of a sorted slice: the start index of each run of equal
/// values, plus `len` at the end (so run `g` is `starts[g]..starts[g + 1]`).
pub(crate) fn run_starts(sorted: &[f64]) -> Vec<u32> {
    let mut starts = Vec::with_capacity(sorted.len() / 2 + 2);
    if sorted.is_empty() {
        starts.push(0);
        return starts;
    }
    starts.push(0);
    for i in 1..sorted.len() {
        if sorted[i] != sorted[i - 1] {
            starts.push(i as u32);
        }
    }
    starts.push(sorted.len() as u32);
    starts
}

/// Indices that sort `scores` ascending (NaN never reaches here: inputs are
/// validated finite). Stable, so ties keep input order. An LSD radix sort
/// (`radsort`) over (score, index) pairs: several times faster than a
/// comparison sort at a million rows.
pub fn argsort(scores: &[f64]) -> Vec<u32> {
    let mut pairs: Vec<(f64, u32)> = scores
        .iter()
        .enumerate()
        .map(|(i, &s)| (if s == 0.0 { 0.0 } else { s }, i as u32))
        .collect();
    radsort::sort_by_key(&mut pairs, |p| p.0);
    pairs.into_iter().map(|p| p.1).collect()
}

/// Neumaier-compensated sum, for point estimates that must match NumPy's
/// pairwise summation to ~1e-15 even over millions of rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sum {
    s: f64,
    c: f64,
}

impl Acc for Sum {
    #[inline(always)]
    fn add(&mut self, x: f64) {
        let t = self.s + x;
        if self.s.abs() >= x.abs() {
            self.c += (self.s - t) + x;
        } else {
            self.c += (x - t) + self.s;
        }
        self.s = t;
    }
    #[inline(always)]
    fn value(&self) -> f64 {
        self.s + self.c
    }
}
