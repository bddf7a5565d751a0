#![allow(clippy::needless_range_loop)] // index loops read best in this numeric code
//! Calibration: measure it, fix it, and prove the fix on held-out data.
//!
//! **What is measured.** For a binary task, the probability of the positive
//! class against the outcome (*positive-class* calibration). For a
//! multiclass task, the top-label confidence (the largest probability)
//! against whether the argmax is right (*top-label* calibration, Guo et al.
//! 2017), plus class-wise ECE (Kull et al. 2019).
//!
//! **Scores** (definitions, with n_b rows in bin b of N, conf̄_b and acc̄_b
//! the bin's mean confidence and outcome):
//!
//! * `ece` — Σ_b (n_b / N) |acc̄_b − conf̄_b| over M equal-width bins
//!   (Guo et al. 2017; netcal and torchmetrics agree; bins are scikit-learn's
//!   `calibration_curve(strategy="uniform")` bins);
//! * `ece_adaptive` — the same over M equal-mass bins (edges at quantiles of
//!   the scores, as `calibration_curve(strategy="quantile")`);
//! * `mce` — max_b |acc̄_b − conf̄_b| over the non-empty equal-width bins;
//! * `classwise_ece` (multiclass) — the mean over classes c of the ECE of
//!   p_c against 1[y = c];
//! * `brier` and its Murphy decomposition over the equal-width bins:
//!   `reliability` Σ_b n_b (conf̄_b − acc̄_b)² / N, `resolution`
//!   Σ_b n_b (acc̄_b − ō)² / N, `uncertainty` ō (1 − ō), and `within_bin`,
//!   the term that makes the identity exact for continuous scores
//!   (brier = reliability − resolution + uncertainty + within_bin; Stephenson
//!   et al. 2008): (1/N) Σ_b Σ_{i∈b} [(f_i − conf̄_b)² − 2 (f_i − conf̄_b)(o_i − acc̄_b)];
//! * `log_loss` — as the metrics (scikit-learn clipping);
//! * `calibration_slope`, `calibration_intercept` — the coefficients (b, a)
//!   of the logistic regression P(o = 1) = σ(a + b · logit(conf)), fitted by
//!   exact maximum likelihood (1 and 0 for a calibrated model);
//! * `mean_predicted`, `observed_rate` — mean confidence and mean outcome.
//!
//! Every score gets a percentile bootstrap interval (the quantile-bin edges
//! and the bins stay fixed across resamples).

pub mod binning;
pub mod fit;
pub mod methods;

use crate::bootstrap::{self, BootstrapOptions, Counts};
use crate::error::{EngineError, Result};
use crate::evaluate::Progress;
use crate::math::Det;
use crate::metrics::binary::row_log_loss;
use crate::metrics::{MetricResult, MetricSpec, Unit, Value, Weights, ratio};
use crate::prepare::Prepared;
use binning::Strategy;
use methods::{Calibrator, Method};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

/// Normal quantile for a two-sided interval at `level`.
pub fn z_for(level: f64) -> f64 {
    crate::math::normal_quantile(1.0 - (1.0 - level) / 2.0)
}

/// What is being calibrated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Binary: P(positive) against the outcome.
    PositiveClass,
    /// Multiclass: max probability against "the argmax is right".
    TopLabel,
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bin {
    pub lower: f64,
    pub upper: f64,
    pub count: u64,
    /// Mean confidence (null for an empty bin).
    pub mean_confidence: Option<f64>,
    /// Mean outcome: fraction positive / correct (null for an empty bin).
    pub accuracy: Option<f64>,
    /// Wilson interval of `accuracy`.
    pub accuracy_ci: Option<[f64; 2]>,
}

/// A reliability diagram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagram {
    pub strategy: Strategy,
    pub bins: Vec<Bin>,
}

/// Class-wise ECE of one class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassEce {
    pub class: String,
    pub ece: f64,
}

/// Reliability analysis of one set of predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reliability {
    pub target: Target,
    pub rows: u64,
    /// Bins per diagram.
    pub bins: usize,
    pub uniform: Diagram,
    pub quantile: Diagram,
    pub scores: Vec<MetricResult>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub classwise: Vec<ClassEce>,
}

/// Multiclass extras: n × k probabilities, labels, k, class-wise uniform bins.
type Classwise = (Vec<f64>, Vec<u32>, usize, Vec<u8>);

/// Confidence/outcome pairs with everything a weighted pass needs.
struct Pairs {
    conf: Vec<f64>,
    outcome: Vec<f64>,
    z: Vec<f64>,
    loss: Vec<f64>,
    uni: Vec<u8>,
    qua: Vec<u8>,
    q_edges: Vec<f64>,
    m: usize,
    /// Multiclass: n × k probabilities, labels, and class-wise uniform bins.
    classwise: Option<Classwise>,
}

const SCORE_SPECS: &[MetricSpec] = &[
    MetricSpec {
        key: "ece",
        name: "ECE (equal-width bins)",
        definition: "Σ_b (n_b/N) |acc_b − conf_b| over equal-width bins (Guo et al. 2017). Sampling noise biases ECE upward, so its bootstrap interval can lie above the point value",
        higher_is_better: false,
    },
    MetricSpec {
        key: "ece_adaptive",
        name: "ECE (equal-mass bins)",
        definition: "Σ_b (n_b/N) |acc_b − conf_b| over equal-mass bins (edges at score quantiles, sklearn calibration_curve strategy='quantile')",
        higher_is_better: false,
    },
    MetricSpec {
        key: "mce",
        name: "MCE",
        definition: "max_b |acc_b − conf_b| over non-empty equal-width bins (biased upward by noise, like ECE; its bootstrap interval can lie above the point value)",
        higher_is_better: false,
    },
    MetricSpec {
        key: "brier",
        name: "Brier score",
        definition: "mean (conf − outcome)²; binary: sklearn.metrics.brier_score_loss",
        higher_is_better: false,
    },
    MetricSpec {
        key: "brier_reliability",
        name: "Brier reliability",
        definition: "Murphy decomposition over equal-width bins: Σ_b n_b (conf_b − acc_b)² / N",
        higher_is_better: false,
    },
    MetricSpec {
        key: "brier_resolution",
        name: "Brier resolution",
        definition: "Σ_b n_b (acc_b − ō)² / N",
        higher_is_better: true,
    },
    MetricSpec {
        key: "brier_uncertainty",
        name: "Brier uncertainty",
        definition: "ō (1 − ō)",
        higher_is_better: false,
    },
    MetricSpec {
        key: "brier_within_bin",
        name: "Brier within-bin term",
        definition: "(1/N) Σ_b Σ_i∈b [(f_i − conf_b)² − 2 (f_i − conf_b)(o_i − acc_b)]: brier = reliability − resolution + uncertainty + within-bin",
        higher_is_better: false,
    },
    MetricSpec {
        key: "log_loss",
        name: "Log loss",
        definition: "sklearn.metrics.log_loss (probabilities clipped to [eps, 1-eps])",
        higher_is_better: false,
    },
    MetricSpec {
        key: "calibration_slope",
        name: "Calibration slope",
        definition: "b in P(outcome) = σ(a + b·logit(conf)), exact MLE (1 when calibrated)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "calibration_intercept",
        name: "Calibration intercept",
        definition: "a in P(outcome) = σ(a + b·logit(conf)), exact MLE (0 when calibrated)",
        higher_is_better: false,
    },
    MetricSpec {
        key: "mean_predicted",
        name: "Mean predicted",
        definition: "mean confidence",
        higher_is_better: false,
    },
    MetricSpec {
        key: "observed_rate",
        name: "Observed rate",
        definition: "mean outcome (fraction positive, or fraction correct for top-label)",
        higher_is_better: false,
    },
];

const CLASSWISE_SPEC: MetricSpec = MetricSpec {
    key: "classwise_ece",
    name: "Class-wise ECE",
    definition: "mean over classes of the equal-width ECE of p_c against 1[y = c] (Kull et al. 2019)",
    higher_is_better: false,
};

/// The scores reported for `target`, in order. For top-label calibration
/// the Brier score and its decomposition are of the top-label confidence
/// (not the multiclass Brier of the metrics), and say so in their names.
pub fn score_specs(target: Target) -> Vec<MetricSpec> {
    let mut v = SCORE_SPECS.to_vec();
    if target == Target::TopLabel {
        for s in &mut v {
            s.name = match s.key {
                "brier" => "Brier score (top-label)",
                "brier_reliability" => "Brier reliability (top-label)",
                "brier_resolution" => "Brier resolution (top-label)",
                "brier_uncertainty" => "Brier uncertainty (top-label)",
                "brier_within_bin" => "Brier within-bin term (top-label)",
                _ => s.name,
            };
            if s.key == "brier" {
                s.definition = "mean (top-label confidence − correct)² (the multiclass Brier score is in the metrics)";
            }
        }
        v.insert(3, CLASSWISE_SPEC);
    }
    v
}

fn check_bins(m: usize) -> Result<()> {
    if !(1..=255).contains(&m) {
        return Err(EngineError::Config(format!(
            "{m} bins: choose between 1 and 255"
        )));
    }
    Ok(())
}

/// Top-label confidence and correctness of an n × k matrix.
fn top_label(probs: &[f64], k: usize, y: &[u32]) -> (Vec<f64>, Vec<f64>) {
    let mut conf = Vec::with_capacity(y.len());
    let mut ok = Vec::with_capacity(y.len());
    for (row, &t) in probs.chunks(k).zip(y) {
        let mut best = 0;
        for c in 1..k {
            if row[c] > row[best] {
                best = c;
            }
        }
        conf.push(row[best]);
        ok.push((best as u32 == t) as u8 as f64);
    }
    (conf, ok)
}

impl Pairs {
    /// Binary pairs, in the same order as the evaluation's [`BinaryData`]
    /// (sorted by score, then label), so that bootstrap resample `b` draws
    /// the same rows here as for the metrics, and a score shared by both
    /// sections (Brier, log loss) gets the same interval in both.
    ///
    /// [`BinaryData`]: crate::metrics::binary::BinaryData
    fn binary(y: &[bool], p: &[f64], m: usize) -> Pairs {
        let mut keys: Vec<u64> = p
            .iter()
            .zip(y)
            .map(|(&s, &l)| ((if s == 0.0 { 0.0f64 } else { s }).to_bits() << 1) | l as u64)
            .collect();
        radsort::sort(&mut keys);
        let conf: Vec<f64> = keys.iter().map(|&k| f64::from_bits(k >> 1)).collect();
        let outcome: Vec<f64> = keys.iter().map(|&k| (k & 1) as f64).collect();
        let loss = methods::par_map(&keys, |&k| row_log_loss(f64::from_bits(k >> 1), k & 1 == 1));
        Pairs::new(conf, outcome, loss, m, None)
    }

    fn multiclass(y: &[u32], probs: &[f64], k: usize, m: usize) -> Pairs {
        let (conf, outcome) = top_label(probs, k, y);
        let loss = probs
            .chunks(k)
            .zip(y)
            .map(|(row, &t)| {
                -row[t as usize]
                    .clamp(
                        crate::metrics::binary::LOG_LOSS_EPS,
                        1.0 - crate::metrics::binary::LOG_LOSS_EPS,
                    )
                    .dln()
            })
            .collect();
        let uni_edges = binning::linspace01(m);
        let inner = &uni_edges[1..m];
        let cw_bins = probs
            .iter()
            .map(|&p| binning::bin_of(inner, p) as u8)
            .collect();
        Pairs::new(
            conf,
            outcome,
            loss,
            m,
            Some((probs.to_vec(), y.to_vec(), k, cw_bins)),
        )
    }

    fn new(
        conf: Vec<f64>,
        outcome: Vec<f64>,
        loss: Vec<f64>,
        m: usize,
        classwise: Option<Classwise>,
    ) -> Pairs {
        let uni_edges = binning::linspace01(m);
        let q_edges = binning::edges(&conf, m, Strategy::Quantile);
        let uni = binning::assign(&conf, &uni_edges);
        let qua = binning::assign(&conf, &q_edges);
        let z = methods::par_map(&conf, |&c| fit::logit(c));
        Pairs {
            conf,
            outcome,
            z,
            loss,
            uni,
            qua,
            q_edges,
            m,
            classwise,
        }
    }

    /// Weighted per-bin sums: (w, w·f, w·o, w·f², w·f·o).
    fn bin_sums<W: Weights + ?Sized>(&self, bins: &[u8], w: &W) -> Vec<[f64; 5]> {
        let mut s = vec![[0.0; 5]; self.m];
        for (i, &b) in bins.iter().enumerate() {
            let wi = w.w(i);
            let (f, o) = (self.conf[i], self.outcome[i]);
            let e = &mut s[b as usize];
            e[0] += wi;
            e[1] += wi * f;
            e[2] += wi * o;
            e[3] += wi * f * f;
            e[4] += wi * f * o;
        }
        s
    }

    fn ece_of(sums: &[[f64; 5]], total: f64) -> f64 {
        sums.iter().map(|b| (b[2] - b[1]).abs()).sum::<f64>() / total
    }

    /// All scores, in the order of [`score_specs`].
    fn scores<W: Weights + ?Sized>(&self, w: &W, slope_start: [f64; 3]) -> Vec<Value> {
        let n = self.conf.len();
        let uni = self.bin_sums(&self.uni, w);
        let qua = self.bin_sums(&self.qua, w);
        let total: f64 = uni.iter().map(|b| b[0]).sum();
        if total == 0.0 {
            let k = SCORE_SPECS.len() + self.classwise.is_some() as usize;
            return vec![Err(crate::metrics::Undefined("no rows")); k];
        }
        let ece = Pairs::ece_of(&uni, total);
        let ece_q = Pairs::ece_of(&qua, total);
        let mce = uni
            .iter()
            .filter(|b| b[0] > 0.0)
            .map(|b| ((b[2] - b[1]) / b[0]).abs())
            .fold(0.0f64, f64::max);
        let (sf, so): (f64, f64) = uni.iter().fold((0.0, 0.0), |a, b| (a.0 + b[1], a.1 + b[2]));
        let obar = so / total;
        let (mut rel, mut res, mut within, mut brier) = (0.0, 0.0, 0.0, 0.0);
        for b in &uni {
            if b[0] == 0.0 {
                continue;
            }
            let (fb, ob) = (b[1] / b[0], b[2] / b[0]);
            rel += b[0] * (fb - ob) * (fb - ob);
            res += b[0] * (ob - obar) * (ob - obar);
            // Σ(f − f̄)² − 2 Σ(f − f̄)(o − ō_b), from the bin's sums.
            let var_f = b[3] - b[1] * fb;
            let cov = b[4] - b[1] * ob;
            within += var_f - 2.0 * cov;
            // Σ (f − o)² = Σ f² − 2 Σ f o + Σ o (o² = o for 0/1 outcomes)
            brier += b[3] - 2.0 * b[4] + b[2];
        }
        let mut loss = 0.0;
        for i in 0..n {
            loss += w.w(i) * self.loss[i];
        }
        let slope = fit::logistic(
            n,
            2,
            |i| [self.z[i], 1.0, 0.0],
            |i| self.outcome[i],
            |i| w.w(i),
            slope_start,
        );
        let mut v = vec![Ok(ece), Ok(ece_q), Ok(mce)];
        if let Some((probs, y, k, cw)) = &self.classwise {
            let mut acc = 0.0;
            for c in 0..*k {
                let mut s = vec![[0.0f64; 2]; self.m];
                for i in 0..n {
                    let wi = w.w(i);
                    let b = cw[i * k + c] as usize;
                    s[b][0] += wi * probs[i * k + c];
                    s[b][1] += wi * (y[i] as usize == c) as u8 as f64;
                }
                acc += s.iter().map(|b| (b[1] - b[0]).abs()).sum::<f64>() / total;
            }
            v.push(Ok(acc / *k as f64));
        }
        v.extend([
            Ok(brier / total),
            Ok(rel / total),
            Ok(res / total),
            Ok(obar * (1.0 - obar)),
            Ok(within / total),
            Ok(loss / total),
            slope.map(|t| t[0]),
            slope.map(|t| t[1]),
            ratio(sf, total, "no rows"),
            Ok(obar),
        ]);
        v
    }

    fn diagram(&self, strategy: Strategy, z: f64) -> Diagram {
        let (bins, edges) = match strategy {
            Strategy::Uniform => (&self.uni, binning::linspace01(self.m)),
            Strategy::Quantile => (&self.qua, self.q_edges.clone()),
        };
        let sums = self.bin_sums(bins, &Unit);
        Diagram {
            strategy,
            bins: sums
                .iter()
                .enumerate()
                .map(|(b, s)| {
                    let n = s[0];
                    Bin {
                        lower: edges[b],
                        upper: edges[b + 1],
                        count: n as u64,
                        mean_confidence: (n > 0.0).then(|| s[1] / n),
                        accuracy: (n > 0.0).then(|| s[2] / n),
                        accuracy_ci: (n > 0.0).then(|| {
                            let (lo, hi) = binning::wilson(s[2], n, z);
                            [lo, hi]
                        }),
                    }
                })
                .collect(),
        }
    }
}

/// Counts as weights.
fn with_counts<T>(c: Counts<'_>, f: impl Fn(&dyn WeightsDyn) -> T) -> T {
    match c {
        Counts::Small(c) => f(&SliceW(c)),
        Counts::Wide(c) => f(&SliceW(c)),
    }
}

/// Object-safe weights for code that is not hot enough to monomorphise.
trait WeightsDyn: Sync {
    fn w(&self, i: usize) -> f64;
}
struct SliceW<'a, T>(&'a [T]);
impl<T: Copy + Into<f64> + Sync> WeightsDyn for SliceW<'_, T> {
    fn w(&self, i: usize) -> f64 {
        self.0[i].into()
    }
}
impl Weights for dyn WeightsDyn + '_ {
    type Acc = crate::metrics::Plain;
    fn w(&self, i: usize) -> f64 {
        WeightsDyn::w(self, i)
    }
}

fn pairs_of(prepared: &Prepared, m: usize) -> (Pairs, Target) {
    match prepared {
        Prepared::Binary { y, p, .. } => (Pairs::binary(y, p, m), Target::PositiveClass),
        Prepared::Multiclass {
            y, probs, classes, ..
        } => (
            Pairs::multiclass(y, probs, classes.len(), m),
            Target::TopLabel,
        ),
        Prepared::Regression { .. } => unreachable!("checked by callers"),
    }
}

fn require_classification(prepared: &Prepared) -> Result<()> {
    if let Prepared::Regression { .. } = prepared {
        return Err(EngineError::Config(
            "calibration applies to classification (binary or multiclass), not regression".into(),
        ));
    }
    Ok(())
}

/// Reliability analysis: diagrams (equal-width and equal-mass) with Wilson
/// intervals per bin, and every score with a bootstrap interval.
pub fn reliability(
    prepared: &Prepared,
    bins: usize,
    boot: &BootstrapOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Reliability> {
    require_classification(prepared)?;
    check_bins(bins)?;
    let n = prepared.len();
    if n == 0 {
        return Err(EngineError::NoRows);
    }
    let (pairs, target) = pairs_of(prepared, bins);
    Ok(reliability_of(&pairs, target, prepared, boot, progress))
}

fn reliability_of(
    pairs: &Pairs,
    target: Target,
    prepared: &Prepared,
    boot: &BootstrapOptions,
    progress: &mut dyn FnMut(Progress),
) -> Reliability {
    let n = pairs.conf.len();
    let point = pairs.scores(&Unit, [1.0, 0.0, 0.0]);
    let start = {
        let i = if target == Target::TopLabel { 10 } else { 9 };
        match (&point[i], &point[i + 1]) {
            (Ok(b), Ok(a)) => [*b, *a, 0.0],
            _ => [1.0, 0.0, 0.0],
        }
    };
    let boot_values = if boot.resamples > 0 {
        bootstrap::run(
            n,
            boot,
            &mut |d, t| {
                progress(Progress {
                    stage: "calibration bootstrap",
                    done: d as u64,
                    total: t as u64,
                })
            },
            |c| with_counts(c, |w| pairs.scores(w, start)),
        )
    } else {
        Vec::new()
    };
    let z = z_for(boot.level);
    let classwise = match (prepared, &pairs.classwise) {
        (Prepared::Multiclass { classes, .. }, Some((probs, y, k, cw))) => (0..*k)
            .map(|c| {
                let mut s = vec![[0.0f64; 2]; pairs.m];
                for i in 0..n {
                    let b = cw[i * k + c] as usize;
                    s[b][0] += probs[i * k + c];
                    s[b][1] += (y[i] as usize == c) as u8 as f64;
                }
                ClassEce {
                    class: classes[c].clone(),
                    ece: s.iter().map(|b| (b[1] - b[0]).abs()).sum::<f64>() / n as f64,
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    Reliability {
        target,
        rows: n as u64,
        bins: pairs.m,
        uniform: pairs.diagram(Strategy::Uniform, z),
        quantile: pairs.diagram(Strategy::Quantile, z),
        scores: bootstrap::with_intervals(&score_specs(target), point, boot_values, boot.level),
        classwise,
    }
}

/// How rows are split between fitting a calibrator and judging it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Split {
    /// A seeded random fraction of rows fits; the rest judges.
    Random { fraction: f64, seed: u64 },
    /// k-fold cross-fitting: each fold is calibrated by a map fitted on the
    /// other folds, so every row is judged out of sample.
    Folds { folds: usize, seed: u64 },
    /// Rows marked `true` fit; the rest judges (e.g. from a split column).
    Mask {
        #[serde(skip)]
        calibrate: Vec<bool>,
        description: String,
    },
}

impl Default for Split {
    fn default() -> Self {
        Split::Random {
            fraction: 0.5,
            seed: 0,
        }
    }
}

/// Summary of the split used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitSummary {
    pub split: Split,
    pub calibration_rows: u64,
    pub heldout_rows: u64,
}

/// One method's held-out results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodResult {
    pub method: Method,
    /// The calibrator fitted on all calibration rows (what an export
    /// holds). Not part of the report: an isotonic map's knots sit on
    /// individual scores; the report carries `summary` instead.
    #[serde(skip)]
    pub calibrator: Option<Calibrator>,
    /// The fitted parameters in words (`T = 1.83`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub summary: Option<String>,
    /// Why the method could not be fitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
    /// Held-out scores after recalibration.
    pub after: Vec<MetricResult>,
    /// after − before, with a paired bootstrap interval.
    pub change: Vec<MetricResult>,
    /// Held-out reliability after recalibration (equal-width bins).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reliability_after: Option<Diagram>,
}

/// Recalibration judged on held-out rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recalibration {
    pub split: SplitSummary,
    /// Held-out scores before recalibration.
    pub before: Vec<MetricResult>,
    pub reliability_before: Diagram,
    pub methods: Vec<MethodResult>,
    /// The method with the lowest held-out log loss, if any improved on the original.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub best: Option<Method>,
}

const HELDOUT_SPECS: &[MetricSpec] = &[
    MetricSpec {
        key: "ece",
        name: "ECE (equal-width bins)",
        definition: "Σ_b (n_b/N) |acc_b − conf_b| on held-out rows",
        higher_is_better: false,
    },
    MetricSpec {
        key: "brier",
        name: "Brier score",
        definition: "binary: mean (p − y)²; multiclass: mean Σ_c (p_c − 1[y = c])², on held-out rows",
        higher_is_better: false,
    },
    MetricSpec {
        key: "log_loss",
        name: "Log loss",
        definition: "sklearn.metrics.log_loss on held-out rows",
        higher_is_better: false,
    },
];

/// Per-row quantities of one set of probabilities on the held-out rows.
struct HeldOut {
    /// Binary: P(positive); multiclass: the top-label confidence.
    conf: Vec<f64>,
    /// Binary: the label; multiclass: whether the top label is right.
    outcome: Vec<u8>,
    bins: Vec<u8>,
    /// Multiclass only: each row's Brier term (binary's is (conf − outcome)²).
    brier: Vec<f64>,
    loss: Vec<f64>,
    m: usize,
}

impl HeldOut {
    /// `probs`: binary scores or the row-major n × k matrix of the rows.
    fn new(prepared: &Prepared, rows: &[usize], probs: Vec<f64>, m: usize) -> HeldOut {
        let edges = binning::linspace01(m);
        let eps = crate::metrics::binary::LOG_LOSS_EPS;
        let (conf, outcome, brier, loss);
        match prepared {
            Prepared::Binary { y, .. } => {
                outcome = rows.iter().map(|&i| y[i] as u8).collect::<Vec<u8>>();
                let js: Vec<usize> = (0..rows.len()).collect();
                loss = methods::par_map(&js, |&j| row_log_loss(probs[j], outcome[j] == 1));
                brier = Vec::new();
                conf = probs;
            }
            Prepared::Multiclass { y, classes, .. } => {
                let k = classes.len();
                let (mut c, mut o, mut b, mut l) = (vec![], vec![], vec![], vec![]);
                for (j, &i) in rows.iter().enumerate() {
                    let row = &probs[j * k..(j + 1) * k];
                    let t = y[i] as usize;
                    let mut best = 0;
                    for c in 1..k {
                        if row[c] > row[best] {
                            best = c;
                        }
                    }
                    c.push(row[best]);
                    o.push((best == t) as u8);
                    b.push(
                        row.iter()
                            .enumerate()
                            .map(|(c, &p)| (p - (c == t) as u8 as f64).powi(2))
                            .sum(),
                    );
                    l.push(-row[t].clamp(eps, 1.0 - eps).dln());
                }
                (conf, outcome, brier, loss) = (c, o, b, l);
            }
            Prepared::Regression { .. } => unreachable!(),
        }
        let bins = binning::assign(&conf, &edges);
        HeldOut {
            conf,
            outcome,
            bins,
            brier,
            loss,
            m,
        }
    }

    fn scores(&self, w: &dyn WeightsDyn) -> [f64; 3] {
        let mut s = vec![[0.0f64; 3]; self.m];
        let (mut total, mut brier, mut loss) = (0.0, 0.0, 0.0);
        let binary = self.brier.is_empty();
        for i in 0..self.conf.len() {
            let wi = w.w(i);
            let (f, o) = (self.conf[i], self.outcome[i] as f64);
            let b = &mut s[self.bins[i] as usize];
            b[0] += wi;
            b[1] += wi * f;
            b[2] += wi * o;
            total += wi;
            brier += wi
                * if binary {
                    (f - o) * (f - o)
                } else {
                    self.brier[i]
                };
            loss += wi * self.loss[i];
        }
        let ece = s.iter().map(|b| (b[2] - b[1]).abs()).sum::<f64>() / total;
        [ece, brier / total, loss / total]
    }

    fn diagram(&self, z: f64) -> Diagram {
        let edges = binning::linspace01(self.m);
        let mut s = vec![[0.0f64; 3]; self.m];
        for i in 0..self.conf.len() {
            let b = &mut s[self.bins[i] as usize];
            b[0] += 1.0;
            b[1] += self.conf[i];
            b[2] += self.outcome[i] as f64;
        }
        Diagram {
            strategy: Strategy::Uniform,
            bins: s
                .iter()
                .enumerate()
                .map(|(b, v)| Bin {
                    lower: edges[b],
                    upper: edges[b + 1],
                    count: v[0] as u64,
                    mean_confidence: (v[0] > 0.0).then(|| v[1] / v[0]),
                    accuracy: (v[0] > 0.0).then(|| v[2] / v[0]),
                    accuracy_ci: (v[0] > 0.0).then(|| {
                        let (lo, hi) = binning::wilson(v[2], v[0], z);
                        [lo, hi]
                    }),
                })
                .collect(),
        }
    }
}

/// Scores (binary P(positive) or the n × k matrix) of the given rows.
fn scores_of(prepared: &Prepared, rows: &[usize]) -> Vec<f64> {
    match prepared {
        Prepared::Binary { p, .. } => rows.iter().map(|&i| p[i]).collect(),
        Prepared::Multiclass { probs, classes, .. } => {
            let k = classes.len();
            rows.iter()
                .flat_map(|&i| probs[i * k..(i + 1) * k].iter().copied())
                .collect()
        }
        Prepared::Regression { .. } => unreachable!(),
    }
}

/// Fit `method` with row weights `w` (0 = not used).
pub fn fit(
    prepared: &Prepared,
    method: Method,
    w: &[f64],
    bins: usize,
) -> std::result::Result<Calibrator, crate::metrics::Undefined> {
    fit_hinted(prepared, method, w, bins, &[])
}

/// [`fit`], warm-started from calibrators already fitted on the same rows.
pub fn fit_hinted(
    prepared: &Prepared,
    method: Method,
    w: &[f64],
    bins: usize,
    hints: &[Calibrator],
) -> std::result::Result<Calibrator, crate::metrics::Undefined> {
    match prepared {
        Prepared::Binary { y, p, .. } => {
            let yf: Vec<f64> = y.iter().map(|&b| b as u8 as f64).collect();
            let maps: Vec<&methods::BinaryMap> = hints
                .iter()
                .filter_map(|h| match h {
                    Calibrator::Binary { map } => Some(map),
                    _ => None,
                })
                .collect();
            methods::fit_binary_hinted(method, p, &yf, w, bins, &maps)
                .map(|map| Calibrator::Binary { map })
        }
        Prepared::Multiclass {
            y, probs, classes, ..
        } => methods::fit_multiclass(method, probs, classes.len(), y, w, bins),
        Prepared::Regression { .. } => Err(crate::metrics::Undefined("not a classification task")),
    }
}

/// Apply a calibrator to the rows `rows` of `prepared`.
pub fn apply_rows(
    prepared: &Prepared,
    cal: &Calibrator,
    rows: &[usize],
) -> std::result::Result<Vec<f64>, String> {
    let s = scores_of(prepared, rows);
    match prepared {
        Prepared::Binary { .. } => cal.apply_binary(&s),
        Prepared::Multiclass { classes, .. } => cal.apply_multiclass(&s, classes.len()),
        Prepared::Regression { .. } => Err("not a classification task".into()),
    }
}

/// Apply a calibrator to all rows, returning recalibrated predictions.
pub fn apply(prepared: &Prepared, cal: &Calibrator) -> Result<Prepared> {
    cal.validate().map_err(EngineError::Config)?;
    let all: Vec<usize> = (0..prepared.len()).collect();
    let s = apply_rows(prepared, cal, &all).map_err(EngineError::Config)?;
    Ok(match prepared.clone() {
        Prepared::Binary {
            y,
            positive,
            negative,
            score,
            ..
        } => Prepared::Binary {
            y,
            p: s,
            positive,
            negative,
            score,
        },
        Prepared::Multiclass {
            y,
            classes,
            columns,
            ..
        } => Prepared::Multiclass {
            y,
            probs: s,
            classes,
            columns,
        },
        r @ Prepared::Regression { .. } => r,
    })
}

/// Fit each method on the calibration rows and judge it on held-out rows:
/// before/after ECE, Brier and log loss, each with a bootstrap interval,
/// and the change with a *paired* interval (the same resamples for before and
/// after), so a user sees whether an improvement is real.
pub fn recalibrate(
    prepared: &Prepared,
    methods_to_fit: &[Method],
    split: &Split,
    bins: usize,
    boot: &BootstrapOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Recalibration> {
    require_classification(prepared)?;
    check_bins(bins)?;
    let n = prepared.len();
    // Assign rows.
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(match split {
        Split::Random { seed, .. } | Split::Folds { seed, .. } => *seed,
        Split::Mask { .. } => 0,
    });
    let (fold_of, calib_mask): (Option<(Vec<usize>, usize)>, Vec<bool>) = match split {
        Split::Random { fraction, .. } => {
            if !(*fraction > 0.0 && *fraction < 1.0) {
                return Err(EngineError::Config(format!(
                    "calibration fraction {fraction} must be between 0 and 1"
                )));
            }
            let mut order: Vec<usize> = (0..n).collect();
            order.shuffle(&mut rng);
            let k = ((n as f64) * fraction).round() as usize;
            let mut mask = vec![false; n];
            for &i in &order[..k.min(n)] {
                mask[i] = true;
            }
            (None, mask)
        }
        Split::Folds { folds, .. } => {
            if *folds < 2 || *folds > n {
                return Err(EngineError::Config(format!(
                    "{folds} folds: need at least 2 and at most the number of rows ({n})"
                )));
            }
            let mut order: Vec<usize> = (0..n).collect();
            order.shuffle(&mut rng);
            let mut f = vec![0usize; n];
            for (pos, &i) in order.iter().enumerate() {
                f[i] = pos % folds;
            }
            (Some((f, *folds)), vec![true; n])
        }
        Split::Mask { calibrate, .. } => {
            if calibrate.len() != n {
                return Err(EngineError::Config(
                    "split mask length differs from the rows".into(),
                ));
            }
            (None, calibrate.clone())
        }
    };
    let heldout: Vec<usize> = match &fold_of {
        Some(_) => (0..n).collect(),
        None => (0..n).filter(|&i| !calib_mask[i]).collect(),
    };
    let n_cal = calib_mask.iter().filter(|&&b| b).count();
    if heldout.is_empty() || n_cal == 0 {
        return Err(EngineError::Config(format!(
            "the split leaves {n_cal} calibration rows and {} held-out rows; both must be non-empty",
            heldout.len()
        )));
    }
    let before_probs = scores_of(prepared, &heldout);
    let before = HeldOut::new(prepared, &heldout, before_probs, bins);
    // The calibration rows as their own (smaller) set: each fit then passes
    // over them alone.
    let calib_rows: Vec<usize> = (0..n).filter(|&i| calib_mask[i]).collect();
    let calib_set = subset(prepared, &calib_rows);
    let calib_w = vec![1.0; calib_rows.len()];
    // Fit and apply each method. Temperature → Platt → beta form a chain
    // (each warm-starts from the one before); isotonic and histogram stand
    // alone. Independent groups run in parallel; every result is the same
    // whatever the scheduling.
    // Phase 1 fits; phase 2 applies each fitted map to the held-out rows and
    // scores it. Only the fits form a chain, so phase 2 runs for all methods
    // at once.
    type Fitted = std::result::Result<(Calibrator, Option<Vec<f64>>), String>;
    let width = match prepared {
        Prepared::Multiclass { classes, .. } => classes.len(),
        _ => 1,
    };
    let run_group = |group: &[Method]| -> Vec<(Method, Fitted)> {
        let mut final_hints: Vec<Calibrator> = Vec::new();
        let mut fold_hints: Vec<Vec<Calibrator>> = match &fold_of {
            Some((_, k)) => vec![Vec::new(); *k],
            None => Vec::new(),
        };
        let mut out = Vec::new();
        for &method in group {
            let result = (|| -> Fitted {
                let final_cal = fit_hinted(&calib_set, method, &calib_w, bins, &final_hints)
                    .map_err(|u| u.0.to_owned())?;
                let out_of_fold = match &fold_of {
                    None => None,
                    Some((folds, k)) => {
                        // Cross-fitting: rows of fold f get the map fitted without fold f.
                        let mut all = vec![0.0; n * width];
                        for f in 0..*k {
                            let w: Vec<f64> =
                                folds.iter().map(|&g| (g != f) as u8 as f64).collect();
                            let cal = fit_hinted(prepared, method, &w, bins, &fold_hints[f])
                                .map_err(|u| format!("fold {}: {}", f + 1, u.0))?;
                            let rows: Vec<usize> = (0..n).filter(|&i| folds[i] == f).collect();
                            let v = apply_rows(prepared, &cal, &rows)?;
                            for (j, &i) in rows.iter().enumerate() {
                                all[i * width..(i + 1) * width]
                                    .copy_from_slice(&v[j * width..(j + 1) * width]);
                            }
                            fold_hints[f].push(cal);
                        }
                        Some(all)
                    }
                };
                Ok((final_cal, out_of_fold))
            })();
            if let Ok((cal, _)) = &result {
                final_hints.push(cal.clone());
            }
            out.push((method, result));
        }
        out
    };
    let chain: Vec<Method> = [Method::Temperature, Method::Platt, Method::Beta]
        .into_iter()
        .filter(|m| methods_to_fit.contains(m))
        .collect();
    let mut groups: Vec<Vec<Method>> = vec![chain];
    for m in methods_to_fit {
        if !groups[0].contains(m) && !groups.iter().any(|g| g.contains(m)) {
            groups.push(vec![*m]);
        }
    }
    groups.retain(|g| !g.is_empty());
    progress(Progress {
        stage: "recalibration",
        done: 0,
        total: methods_to_fit.len() as u64,
    });
    #[cfg(feature = "parallel")]
    let results: Vec<Vec<(Method, Fitted)>> = {
        use rayon::prelude::*;
        groups.par_iter().map(|g| run_group(g)).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let results: Vec<Vec<(Method, Fitted)>> = groups.iter().map(|g| run_group(g)).collect();
    let mut by_method: Vec<(Method, Fitted)> = results.into_iter().flatten().collect();
    // Back to the order asked for.
    let mut in_order: Vec<(Method, Fitted)> = Vec::new();
    for m in methods_to_fit {
        if let Some(pos) = by_method.iter().position(|(x, _)| x == m) {
            in_order.push(by_method.swap_remove(pos));
        }
    }
    type Judged = std::result::Result<(Calibrator, HeldOut), String>;
    let judge = |(method, r): (Method, Fitted)| -> (Method, Judged) {
        let judged = r.and_then(|(cal, out_of_fold)| {
            let after_probs = match out_of_fold {
                Some(v) => v,
                None => apply_rows(prepared, &cal, &heldout)?,
            };
            let h = HeldOut::new(prepared, &heldout, after_probs, bins);
            Ok((cal, h))
        });
        (method, judged)
    };
    #[cfg(feature = "parallel")]
    let fitted: Vec<(Method, Judged)> = {
        use rayon::prelude::*;
        in_order.into_par_iter().map(judge).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let fitted: Vec<(Method, Judged)> = in_order.into_iter().map(judge).collect();
    progress(Progress {
        stage: "recalibration",
        done: methods_to_fit.len() as u64,
        total: methods_to_fit.len() as u64,
    });
    // One paired bootstrap over the held-out rows for everything.
    let ok: Vec<&HeldOut> = fitted
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok().map(|(_, h)| h))
        .collect();
    let stat = |w: &dyn WeightsDyn| -> Vec<Value> {
        let b = before.scores(w);
        let mut v: Vec<Value> = b.iter().map(|&x| Ok(x)).collect();
        for h in &ok {
            let a = h.scores(w);
            v.extend(a.iter().map(|&x| Ok(x)));
            v.extend(a.iter().zip(&b).map(|(x, y)| Ok(x - y)));
        }
        v
    };
    let point = stat(&SliceW(&vec![1u8; heldout.len()][..]));
    let boot_values = if boot.resamples > 0 {
        bootstrap::run(
            heldout.len(),
            boot,
            &mut |d, t| {
                progress(Progress {
                    stage: "recalibration bootstrap",
                    done: d as u64,
                    total: t as u64,
                })
            },
            |c| with_counts(c, |w| stat(w)),
        )
    } else {
        Vec::new()
    };
    let mut specs = HELDOUT_SPECS.to_vec();
    if let Prepared::Multiclass { .. } = prepared {
        specs[0].name = "ECE (top-label, equal-width bins)";
        specs[1].name = "Brier score (multiclass)";
    }
    let take = |from: usize| -> Vec<MetricResult> {
        let pts = point[from..from + 3].to_vec();
        let bs = if boot_values.is_empty() {
            Vec::new()
        } else {
            boot_values[from..from + 3].to_vec()
        };
        bootstrap::with_intervals(&specs, pts, bs, boot.level)
    };
    let z = z_for(boot.level);
    let before_scores = take(0);
    let mut methods_out = Vec::new();
    let mut slot = 3;
    for (method, r) in fitted {
        match r {
            Ok((cal, h)) => {
                let after = take(slot);
                let mut change = take(slot + 3);
                for c in &mut change {
                    c.name = format!("Change in {}", c.name);
                    c.definition = format!("after − before (paired bootstrap): {}", c.definition);
                }
                slot += 6;
                methods_out.push(MethodResult {
                    method,
                    summary: Some(summarize(&cal)),
                    calibrator: Some(cal),
                    failed: None,
                    after,
                    change,
                    reliability_after: Some(h.diagram(z)),
                });
            }
            Err(why) => methods_out.push(MethodResult {
                method,
                calibrator: None,
                summary: None,
                failed: Some(why),
                after: Vec::new(),
                change: Vec::new(),
                reliability_after: None,
            }),
        }
    }
    let before_ll = before_scores[2].value.unwrap_or(f64::INFINITY);
    let best = methods_out
        .iter()
        .filter_map(|m| Some((m.method, m.after.get(2)?.value?)))
        .filter(|(_, ll)| *ll < before_ll)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(m, _)| m);
    Ok(Recalibration {
        split: SplitSummary {
            split: split.clone(),
            calibration_rows: n_cal as u64,
            heldout_rows: heldout.len() as u64,
        },
        before: before_scores,
        reliability_before: before.diagram(z),
        methods: methods_out,
        best,
    })
}

/// Calibration of one slice (a value of a categorical column).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SliceCalibration {
    pub value: String,
    pub rows: u64,
    pub reliability: Reliability,
}

/// Per-slice calibration over the groups of a column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlicedCalibration {
    pub column: String,
    pub groups: Vec<SliceCalibration>,
    /// Groups not shown (only the 50 largest are analysed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub omitted: Option<u64>,
}

/// Restrict prepared predictions to `rows`.
pub fn subset(prepared: &Prepared, rows: &[usize]) -> Prepared {
    match prepared {
        Prepared::Binary {
            y,
            p,
            positive,
            negative,
            score,
        } => Prepared::Binary {
            y: rows.iter().map(|&i| y[i]).collect(),
            p: rows.iter().map(|&i| p[i]).collect(),
            positive: positive.clone(),
            negative: negative.clone(),
            score: score.clone(),
        },
        Prepared::Multiclass {
            y,
            probs,
            classes,
            columns,
        } => {
            let k = classes.len();
            Prepared::Multiclass {
                y: rows.iter().map(|&i| y[i]).collect(),
                probs: rows
                    .iter()
                    .flat_map(|&i| probs[i * k..(i + 1) * k].iter().copied())
                    .collect(),
                classes: classes.clone(),
                columns: columns.clone(),
            }
        }
        Prepared::Regression { y, yhat, score } => Prepared::Regression {
            y: rows.iter().map(|&i| y[i]).collect(),
            yhat: rows.iter().map(|&i| yhat[i]).collect(),
            score: score.clone(),
        },
    }
}

/// Reliability per value of a categorical column (`codes[i]` is row i's
/// group, `names` the group values; missing values form no group).
pub fn by_slice(
    prepared: &Prepared,
    column: &str,
    names: &[String],
    codes: &[u32],
    bins: usize,
    boot: &BootstrapOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<SlicedCalibration> {
    require_classification(prepared)?;
    check_bins(bins)?;
    let mut rows_of: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
    for (i, &c) in codes.iter().enumerate() {
        if (c as usize) < names.len() {
            rows_of[c as usize].push(i);
        }
    }
    let mut order: Vec<usize> = (0..names.len())
        .filter(|&g| !rows_of[g].is_empty())
        .collect();
    order.sort_by(|&a, &b| {
        rows_of[b]
            .len()
            .cmp(&rows_of[a].len())
            .then(names[a].cmp(&names[b]))
    });
    let omitted = order.len().saturating_sub(50);
    order.truncate(50);
    order.sort_by(|&a, &b| names[a].cmp(&names[b]));
    let mut groups = Vec::new();
    for (gi, &g) in order.iter().enumerate() {
        progress(Progress {
            stage: "slices",
            done: gi as u64,
            total: order.len() as u64,
        });
        let sub = subset(prepared, &rows_of[g]);
        let (pairs, target) = pairs_of(&sub, bins);
        groups.push(SliceCalibration {
            value: names[g].clone(),
            rows: rows_of[g].len() as u64,
            reliability: reliability_of(&pairs, target, &sub, boot, &mut |_| {}),
        });
    }
    progress(Progress {
        stage: "slices",
        done: order.len() as u64,
        total: order.len() as u64,
    });
    Ok(SlicedCalibration {
        column: column.to_owned(),
        groups,
        omitted: (omitted > 0).then_some(omitted as u64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binary(y: Vec<bool>, p: Vec<f64>) -> Prepared {
        Prepared::Binary {
            y,
            p,
            positive: "1".into(),
            negative: Some("0".into()),
            score: "p".into(),
        }
    }

    fn score(r: &Reliability, key: &str) -> Option<f64> {
        r.scores.iter().find(|m| m.key == key).and_then(|m| m.value)
    }

    #[test]
    fn murphy_decomposition_is_exact() {
        let mut s: u64 = 5;
        let mut u = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let p: Vec<f64> = (0..3000).map(|_| u()).collect();
        let y: Vec<bool> = p.iter().map(|&q| u() < q * q).collect();
        let r = reliability(
            &binary(y.clone(), p.clone()),
            15,
            &BootstrapOptions {
                resamples: 0,
                ..Default::default()
            },
            &mut |_| {},
        )
        .unwrap();
        let b = score(&r, "brier").unwrap();
        let direct: f64 = p
            .iter()
            .zip(&y)
            .map(|(q, &t)| (q - t as u8 as f64).powi(2))
            .sum::<f64>()
            / 3000.0;
        assert!((b - direct).abs() < 1e-12);
        let sum = score(&r, "brier_reliability").unwrap() - score(&r, "brier_resolution").unwrap()
            + score(&r, "brier_uncertainty").unwrap()
            + score(&r, "brier_within_bin").unwrap();
        assert!((sum - b).abs() < 1e-12, "{sum} vs {b}");
    }

    #[test]
    fn all_equal_scores_and_one_class_slices_do_not_fail() {
        let r = reliability(
            &binary(vec![true, false, true, false], vec![0.5; 4]),
            15,
            &BootstrapOptions {
                resamples: 20,
                ..Default::default()
            },
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(score(&r, "ece"), Some(0.0));
        assert_eq!(r.uniform.bins.iter().filter(|b| b.count > 0).count(), 1);
        // The slope is undefined (no spread in the scores), with a reason.
        let slope = r
            .scores
            .iter()
            .find(|m| m.key == "calibration_slope")
            .unwrap();
        assert!(slope.value.is_none() && slope.undefined.is_some());
        let r = reliability(
            &binary(vec![false; 5], vec![0.1, 0.2, 0.0, 1.0, 0.3]),
            15,
            &BootstrapOptions {
                resamples: 20,
                ..Default::default()
            },
            &mut |_| {},
        )
        .unwrap();
        assert!(score(&r, "ece").unwrap() > 0.0);
    }
}

/// Settings of a calibration run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CalibrationOptions {
    /// Bins per reliability diagram (and for ECE, MCE, the decomposition, histogram binning).
    pub bins: usize,
    /// Recalibration methods to fit and judge (empty: measure only).
    pub methods: Vec<Method>,
    /// How rows are split between fitting and judging.
    pub split: SplitSpec,
    /// A categorical column to analyse calibration per value of.
    pub slice: Option<String>,
}

impl Default for CalibrationOptions {
    fn default() -> Self {
        CalibrationOptions {
            bins: 15,
            methods: Method::ALL.to_vec(),
            split: SplitSpec::default(),
            slice: None,
        }
    }
}

/// The split as a user states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SplitSpec {
    /// A seeded random fraction fits; the rest judges.
    Random { fraction: f64, seed: u64 },
    /// k-fold cross-fitting.
    Folds { folds: usize, seed: u64 },
    /// Rows whose `column` equals `value` fit; the rest judges.
    Column { column: String, value: String },
}

impl Default for SplitSpec {
    fn default() -> Self {
        SplitSpec::Random {
            fraction: 0.5,
            seed: 0,
        }
    }
}

impl SplitSpec {
    /// The column the split reads, if any.
    pub fn column(&self) -> Option<&str> {
        match self {
            SplitSpec::Column { column, .. } => Some(column),
            _ => None,
        }
    }

    /// Resolve against a table.
    pub fn resolve(&self, table: &crate::table::Table) -> Result<Split> {
        Ok(match self {
            SplitSpec::Random { fraction, seed } => Split::Random {
                fraction: *fraction,
                seed: *seed,
            },
            SplitSpec::Folds { folds, seed } => Split::Folds {
                folds: *folds,
                seed: *seed,
            },
            SplitSpec::Column { column, value } => {
                let col = table
                    .column(column)
                    .ok_or_else(|| EngineError::MissingColumns {
                        missing: vec![column.clone()],
                        available: table.names().to_vec(),
                    })?;
                let cat = col.to_categorical();
                let mask: Vec<bool> = (0..table.rows())
                    .map(|i| {
                        cat.get(i)
                            .is_some_and(|v| crate::prepare::same_label(v, value))
                    })
                    .collect();
                let k = mask.iter().filter(|&&b| b).count();
                if k == 0 {
                    let mut values = cat.dictionary.clone();
                    values.truncate(20);
                    return Err(EngineError::Config(format!(
                        "no row has {column} = '{value}' to fit calibrators on (values: {})",
                        crate::error::quote_list(&values)
                    )));
                }
                Split::Mask {
                    calibrate: mask,
                    description: format!("rows with {column} = '{value}' fit, the others judge"),
                }
            }
        })
    }
}

/// A human summary of a calibrator's parameters (the report holds this, not
/// the full map: an isotonic map's knots sit on individual scores).
pub fn summarize(c: &Calibrator) -> String {
    fn one(m: &methods::BinaryMap) -> String {
        use methods::BinaryMap::*;
        match m {
            Temperature { temperature } => format!("T = {temperature:.4}"),
            Platt { a, b } => format!(
                "σ({a:.4} · logit(p) {} {:.4})",
                if *b < 0.0 { "−" } else { "+" },
                b.abs()
            ),
            Isotonic { x, .. } => format!("{} knots", x.len()),
            Histogram { values, .. } => format!("{} bins", values.len()),
            Beta { a, b, c } => format!("a = {a:.4}, b = {b:.4}, c = {c:.4}"),
        }
    }
    match c {
        Calibrator::Binary { map } => one(map),
        Calibrator::MulticlassTemperature { temperature } => format!("T = {temperature:.4}"),
        Calibrator::OneVsRest { maps } => format!(
            "one-vs-rest over {} classes: {}",
            maps.len(),
            maps.iter()
                .enumerate()
                .map(|(i, m)| format!("class {}: {}", i + 1, one(m)))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}

/// Version of the calibrator file format.
pub const ARTIFACT_VERSION: &str = "1.0";

/// Where a saved calibrator was fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedOn {
    pub assay_version: String,
    /// Name and SHA-256 of the data it was fitted on.
    pub data_name: String,
    pub data_sha256: String,
    pub rows: u64,
    pub label: String,
    pub scores: Vec<String>,
    pub split: String,
    pub bins: usize,
    /// SHA-256 of the model whose outputs were calibrated, when Assay ran one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub model_sha256: Option<String>,
}

/// A saved calibrator: method, parameters and where it was fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibratorArtifact {
    /// Format version (`1.0`).
    pub assay_calibrator: String,
    pub method: Method,
    /// `binary` or `multiclass`.
    pub task: crate::prepare::Task,
    /// Binary: the positive class the map calibrates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positive: Option<String>,
    /// Multiclass: the classes, in the map's order.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub classes: Vec<String>,
    pub calibrator: Calibrator,
    pub fitted_on: FittedOn,
}

impl CalibratorArtifact {
    /// Read and check a calibrator file.
    pub fn from_json(s: &str) -> Result<CalibratorArtifact> {
        let a: CalibratorArtifact = serde_json::from_str(s)
            .map_err(|e| EngineError::Config(format!("not an Assay calibrator file: {e}")))?;
        if a.assay_calibrator.split('.').next() != Some("1") {
            return Err(EngineError::Config(format!(
                "calibrator format {} is not readable by this Assay (format {ARTIFACT_VERSION})",
                a.assay_calibrator
            )));
        }
        a.calibrator
            .validate()
            .map_err(|e| EngineError::Config(format!("calibrator file: {e}")))?;
        Ok(a)
    }

    /// The file's text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a calibrator always serialises")
    }

    /// Apply to prepared predictions, checking the task and classes match.
    pub fn apply(&self, prepared: &Prepared) -> Result<Prepared> {
        match (prepared, self.task) {
            (Prepared::Binary { positive, .. }, crate::prepare::Task::Binary) => {
                if let Some(p) = &self.positive
                    && !crate::prepare::same_label(p, positive)
                {
                    return Err(EngineError::Config(format!(
                        "the calibrator calibrates P('{p}') but the positive class here is '{positive}'"
                    )));
                }
            }
            (Prepared::Multiclass { classes, .. }, crate::prepare::Task::Multiclass) => {
                if *classes != self.classes {
                    return Err(EngineError::Config(format!(
                        "the calibrator was fitted on classes {} but the data has {}",
                        crate::error::quote_list(&self.classes),
                        crate::error::quote_list(classes)
                    )));
                }
            }
            (p, t) => {
                return Err(EngineError::Config(format!(
                    "the calibrator was fitted on a {t} task but this is a {} task",
                    p.task()
                )));
            }
        }
        apply(prepared, &self.calibrator)
    }
}

/// The calibration section of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationResult {
    pub reliability: Reliability,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub recalibration: Option<Recalibration>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub slices: Option<SlicedCalibration>,
}

/// A calibrator that was applied to the scores before evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppliedCalibrator {
    pub method: Method,
    pub summary: String,
    pub fitted_on: FittedOn,
}
