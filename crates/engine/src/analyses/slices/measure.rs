//! Measuring a slice and the rest of the data under one weighting.
//!
//! A [`View`] holds the predictions in the row order each task's metrics
//! keep (binary: by score; regression: by absolute error; multiclass: as
//! read) — the same order the evaluation's bootstrap indexes — plus the map
//! from that order back to the rows. A slice is a grouping's codes in view
//! order and one code; its weights are the resample's weights where the code
//! matches ([`InGroup`]), the rest's where it does not. So every metric of
//! the task is computed by the same tally as the evaluation, on the same
//! resamples, and a slice's numbers agree with the evaluation's on the same
//! rows to the bit.

use crate::analyses::calibration::binning;
use crate::metrics::binary::{self, BinaryData};
use crate::metrics::multiclass::{self, MulticlassData};
use crate::metrics::regression::{self, RegressionData};
use crate::metrics::{MetricSpec, Undefined, Value, Weights};
use crate::predictions::{Predictions, sort_key};
use crate::prepare::{Prepared, Task};
use crate::stats::argmax;

/// ECE per slice, with the calibration section's equal-width bins.
pub const ECE_SPEC: MetricSpec = MetricSpec {
    key: "ece",
    name: "ECE (equal-width bins)",
    definition: "Σ_b (n_b/N) |acc_b − conf_b| over equal-width bins of the positive-class probability (binary) or the top-label confidence (multiclass), as the calibration section (Guo et al. 2017)",
    higher_is_better: false,
};

/// The metric tested by default.
pub fn default_metric(task: Task) -> &'static str {
    match task {
        Task::Binary | Task::Multiclass => "accuracy",
        Task::Regression => "mae",
    }
}

fn specs_for(task: Task) -> Vec<MetricSpec> {
    match task {
        Task::Binary => {
            let mut v = binary::METRICS.to_vec();
            v.push(ECE_SPEC);
            v
        }
        Task::Multiclass => {
            let mut v = multiclass::all_specs();
            v.push(ECE_SPEC);
            v
        }
        Task::Regression => regression::METRICS.to_vec(),
    }
}

/// A metric a slice audit can test, for a task (any task when unknown).
pub fn spec_of(task: Option<Task>, key: &str) -> Option<MetricSpec> {
    let tasks = match task {
        Some(t) => vec![t],
        None => vec![Task::Binary, Task::Multiclass, Task::Regression],
    };
    tasks.into_iter().flat_map(specs_for).find(|s| s.key == key)
}

/// The metric keys a slice audit can test.
pub fn metric_keys(task: Option<Task>) -> Vec<&'static str> {
    let tasks = match task {
        Some(t) => vec![t],
        None => vec![Task::Binary, Task::Multiclass, Task::Regression],
    };
    let mut v: Vec<&'static str> = Vec::new();
    for s in tasks.into_iter().flat_map(specs_for) {
        if !v.contains(&s.key) {
            v.push(s.key);
        }
    }
    v
}

/// Weights of `base` restricted to the rows whose code is (or, for the
/// rest, is not) `g`.
pub struct InGroup<'a, W: ?Sized> {
    pub base: &'a W,
    pub codes: &'a [u32],
    pub g: u32,
    pub inside: bool,
}

impl<W: Weights + ?Sized> Weights for InGroup<'_, W> {
    type Acc = W::Acc;
    #[inline(always)]
    fn w(&self, i: usize) -> f64 {
        self.base.w(i) * ((self.codes[i] == self.g) == self.inside) as u8 as f64
    }
}

/// What one weighting of the rows measures.
#[derive(Debug, Clone)]
pub struct Values {
    /// Weighted rows.
    pub rows: f64,
    /// Binary: weighted positives.
    pub positives: Option<f64>,
    /// One value per [`View::specs`] entry.
    pub values: Vec<Value>,
    /// Rate metrics as (key, successes, trials), for the exact tests.
    pub rates: Vec<(&'static str, f64, f64)>,
}

enum Kind<'a> {
    Binary(BinaryData<'a>),
    Multiclass(MulticlassData),
    Regression(RegressionData),
}

/// The predictions in the metrics' row order.
pub struct View<'a> {
    kind: Kind<'a>,
    /// View position → row.
    order: Vec<u32>,
    specs: Vec<MetricSpec>,
    /// Classification: confidence, outcome and equal-width bin per position.
    conf: Vec<f64>,
    outcome: Vec<u8>,
    bins: Vec<u8>,
    m: usize,
}

/// Rows in the order of [`SortedBinary`](crate::predictions::SortedBinary)
/// (score, then label; ties in row order — a stable sort of the same keys).
pub(crate) fn binary_order(y: &[bool], p: &[f64]) -> Vec<u32> {
    let keys: Vec<u64> = p.iter().zip(y).map(|(&s, &l)| sort_key(s, l)).collect();
    let mut idx: Vec<u32> = (0..p.len() as u32).collect();
    radsort::sort_by_key(&mut idx, |&i| keys[i as usize]);
    idx
}

impl<'a> View<'a> {
    /// `bins` equal-width bins for the per-slice ECE.
    pub fn new(predictions: &'a Predictions, threshold: f64, bins: usize) -> View<'a> {
        let m = bins.clamp(1, 255);
        let edges = binning::linspace01(m);
        match predictions.prepared() {
            Prepared::Binary { y, p, .. } => {
                let sorted = predictions
                    .sorted_binary()
                    .expect("binary predictions have a sorted view");
                let order = binary_order(y, p);
                debug_assert!(
                    order
                        .iter()
                        .zip(&sorted.scores)
                        .all(|(&i, &s)| p[i as usize] == s || (s == 0.0 && p[i as usize] == 0.0))
                );
                let conf = sorted.scores.clone();
                let bins = binning::assign(&conf, &edges);
                View {
                    kind: Kind::Binary(BinaryData::from_sorted(sorted, threshold)),
                    order,
                    specs: specs_for(Task::Binary),
                    outcome: sorted.labels.clone(),
                    conf,
                    bins,
                    m,
                }
            }
            Prepared::Multiclass {
                y, probs, classes, ..
            } => {
                let k = classes.len();
                let data = MulticlassData::new(y.clone(), probs.clone(), k);
                let mut specs = multiclass::metric_specs(&data);
                specs.push(ECE_SPEC);
                let (mut conf, mut outcome) = (Vec::new(), Vec::new());
                for (row, &t) in probs.chunks(k).zip(y) {
                    let best = argmax(row);
                    conf.push(row[best]);
                    outcome.push((best as u32 == t) as u8);
                }
                let bins = binning::assign(&conf, &edges);
                View {
                    kind: Kind::Multiclass(data),
                    order: (0..y.len() as u32).collect(),
                    specs,
                    conf,
                    outcome,
                    bins,
                    m,
                }
            }
            Prepared::Regression { y, yhat, .. } => {
                let data = RegressionData::new(y, yhat);
                View {
                    order: data.order.clone(),
                    kind: Kind::Regression(data),
                    specs: specs_for(Task::Regression),
                    conf: Vec::new(),
                    outcome: Vec::new(),
                    bins: Vec::new(),
                    m,
                }
            }
        }
    }

    /// The metrics measured per slice, in order.
    pub fn specs(&self) -> &[MetricSpec] {
        &self.specs
    }

    /// Per-row codes (row order) in view order.
    pub fn in_view_order(&self, codes: &[u32]) -> Vec<u32> {
        self.order.iter().map(|&i| codes[i as usize]).collect()
    }

    /// Each row's error, in row order, and what it is: misclassification
    /// (0/1) for classification, squared error for regression.
    pub fn row_errors(&self) -> (Vec<f64>, &'static str) {
        let n = self.order.len();
        let mut e = vec![0.0; n];
        match &self.kind {
            Kind::Binary(d) => {
                for (j, &row) in self.order.iter().enumerate() {
                    let predicted = d.scores[j] >= d.threshold;
                    e[row as usize] = (predicted != (d.labels[j] == 1)) as u8 as f64;
                }
                (e, "misclassification")
            }
            Kind::Multiclass(d) => {
                for (x, (p, y)) in e.iter_mut().zip(d.pred.iter().zip(&d.y)) {
                    *x = (p != y) as u8 as f64;
                }
                (e, "misclassification")
            }
            Kind::Regression(d) => {
                for (j, &row) in self.order.iter().enumerate() {
                    e[row as usize] = d.r[j] * d.r[j];
                }
                (e, "squared_error")
            }
        }
    }

    /// Everything measured under weights `w` (view order).
    pub fn values<W: Weights + ?Sized>(&self, w: &W) -> Values {
        match &self.kind {
            Kind::Binary(d) => {
                let t = d.tally(w);
                let (tp, fp, pos, neg) = (t.tp, t.fp, t.pos, t.neg);
                let (fn_, tn) = (pos - tp, neg - fp);
                Values {
                    rows: pos + neg,
                    positives: Some(pos),
                    values: self.with_ece(w, |key| t.value(key)),
                    rates: vec![
                        ("accuracy", tp + tn, pos + neg),
                        ("recall", tp, pos),
                        ("fnr", fn_, pos),
                        ("fpr", fp, neg),
                        ("specificity", tn, neg),
                        ("precision", tp, tp + fp),
                        ("npv", tn, tn + fn_),
                        ("prevalence", pos, pos + neg),
                    ],
                }
            }
            Kind::Multiclass(d) => {
                let t = d.tally(w);
                let correct: f64 = (0..t.k).map(|c| t.conf[c * t.k + c]).sum();
                Values {
                    rows: t.n,
                    positives: None,
                    values: self.with_ece(w, |key| t.value(key)),
                    rates: vec![("accuracy", correct, t.n)],
                }
            }
            Kind::Regression(d) => {
                let s = d.summary(w);
                Values {
                    rows: s.weight,
                    positives: None,
                    values: self.specs.iter().map(|m| s.value(m.key)).collect(),
                    rates: Vec::new(),
                }
            }
        }
    }

    /// A slice (`codes == g`) and the rest, under base weights `w`.
    pub fn slice_and_rest<W: Weights + ?Sized>(
        &self,
        w: &W,
        codes: &[u32],
        g: u32,
    ) -> (Values, Values) {
        let inside = InGroup {
            base: w,
            codes,
            g,
            inside: true,
        };
        let outside = InGroup {
            base: w,
            codes,
            g,
            inside: false,
        };
        (self.values(&inside), self.values(&outside))
    }

    /// Each spec's value: the task's tally for its metrics, [`Self::ece`]
    /// for ECE.
    fn with_ece<W: Weights + ?Sized>(&self, w: &W, value: impl Fn(&str) -> Value) -> Vec<Value> {
        self.specs
            .iter()
            .map(|s| {
                if s.key == ECE_SPEC.key {
                    self.ece(w)
                } else {
                    value(s.key)
                }
            })
            .collect()
    }

    fn ece<W: Weights + ?Sized>(&self, w: &W) -> Value {
        let mut s = vec![0.0f64; self.m];
        let mut total = 0.0;
        for (i, &b) in self.bins.iter().enumerate() {
            let wi = w.w(i);
            total += wi;
            s[b as usize] += wi * (self.outcome[i] as f64 - self.conf[i]);
        }
        if total > 0.0 {
            Ok(s.iter().map(|x| x.abs()).sum::<f64>() / total)
        } else {
            Err(Undefined("no rows"))
        }
    }
}
