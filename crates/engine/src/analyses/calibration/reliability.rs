//! Reliability: how far the scores are from the outcome rates they claim.
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
//! and the bins stay fixed across resamples). Scores are computed into a
//! [`ReliabilityScores`] and looked up by key, never by position.

use super::binning::{self, Strategy};
use super::fit;
use super::{check_bins, require_classification, with_counts};
use crate::error::{EngineError, Result};
use crate::metrics::{MetricResult, MetricSpec, Undefined, Unit, Value, Weights, ratio};
use crate::predictions::Predictions;
use crate::prepare::Prepared;
use crate::progress::{Cancel, Progress, Stage};
use crate::stats::bootstrap::{self, BootstrapOptions};
use crate::stats::{argmax, class_log_loss, par_map, wilson, z_for};
use serde::{Deserialize, Serialize};

/// What is being calibrated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Binary: P(positive) against the outcome.
    PositiveClass,
    /// Multiclass: max probability against "the argmax is right".
    TopLabel,
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Diagram {
    pub strategy: Strategy,
    pub bins: Vec<Bin>,
}

/// Class-wise ECE of one class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClassEce {
    pub class: String,
    pub ece: f64,
}

/// Reliability analysis of one set of predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

/// Multiclass extras of [`Pairs`]: the probabilities, labels and class-wise bins.
struct Classwise {
    /// n × k probabilities, row-major.
    probs: Vec<f64>,
    y: Vec<u32>,
    k: usize,
    /// Equal-width bin of each probability (n × k).
    bins: Vec<u8>,
}

/// Confidence/outcome pairs with everything a weighted pass needs.
struct Pairs {
    conf: Vec<f64>,
    outcome: Vec<f64>,
    /// logit of each confidence (for the calibration slope).
    z: Vec<f64>,
    loss: Vec<f64>,
    uni: Vec<u8>,
    qua: Vec<u8>,
    q_edges: Vec<f64>,
    m: usize,
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
        let at = v.iter().position(|s| s.key == "brier").unwrap_or(v.len());
        v.insert(at, CLASSWISE_SPEC);
    }
    v
}

/// Every reliability score of one weighting of the rows.
#[derive(Debug, Clone, Copy)]
struct ReliabilityScores {
    ece: f64,
    ece_adaptive: f64,
    mce: f64,
    classwise_ece: Option<f64>,
    brier: f64,
    brier_reliability: f64,
    brier_resolution: f64,
    brier_uncertainty: f64,
    brier_within_bin: f64,
    log_loss: f64,
    /// (slope, intercept), or why the fit is undefined.
    slope: std::result::Result<[f64; 3], Undefined>,
    mean_predicted: Value,
    observed_rate: f64,
}

impl ReliabilityScores {
    fn value(&self, key: &str) -> Value {
        Ok(match key {
            "ece" => self.ece,
            "ece_adaptive" => self.ece_adaptive,
            "mce" => self.mce,
            "classwise_ece" => return self.classwise_ece.ok_or(Undefined("not multiclass")),
            "brier" => self.brier,
            "brier_reliability" => self.brier_reliability,
            "brier_resolution" => self.brier_resolution,
            "brier_uncertainty" => self.brier_uncertainty,
            "brier_within_bin" => self.brier_within_bin,
            "log_loss" => self.log_loss,
            "calibration_slope" => return self.slope.map(|t| t[0]),
            "calibration_intercept" => return self.slope.map(|t| t[1]),
            "mean_predicted" => return self.mean_predicted,
            "observed_rate" => self.observed_rate,
            _ => return Err(Undefined("not a calibration score")),
        })
    }

    fn values_of(s: std::result::Result<Self, Undefined>, specs: &[MetricSpec]) -> Vec<Value> {
        match s {
            Ok(s) => specs.iter().map(|m| s.value(m.key)).collect(),
            Err(u) => vec![Err(u); specs.len()],
        }
    }
}

impl Pairs {
    /// Binary pairs from the shared sorted view of the predictions: the
    /// evaluation walks the same order, so bootstrap resample `b` draws the
    /// same rows here as for the metrics, and a score shared by both
    /// sections (Brier, log loss) gets the same interval in both.
    fn binary(predictions: &Predictions, m: usize) -> Pairs {
        let s = predictions
            .sorted_binary()
            .expect("binary predictions have a sorted view");
        let outcome: Vec<f64> = s.labels.iter().map(|&l| l as f64).collect();
        Pairs::new(s.scores.clone(), outcome, s.loss.clone(), m, None)
    }

    fn multiclass(y: &[u32], probs: &[f64], k: usize, m: usize) -> Pairs {
        let mut conf = Vec::with_capacity(y.len());
        let mut outcome = Vec::with_capacity(y.len());
        let mut loss = Vec::with_capacity(y.len());
        for (row, &t) in probs.chunks(k).zip(y) {
            let best = argmax(row);
            conf.push(row[best]);
            outcome.push((best as u32 == t) as u8 as f64);
            loss.push(class_log_loss(row[t as usize]));
        }
        let uni_edges = binning::linspace01(m);
        let inner = &uni_edges[1..m];
        let bins = probs
            .iter()
            .map(|&p| binning::bin_of(inner, p) as u8)
            .collect();
        Pairs::new(
            conf,
            outcome,
            loss,
            m,
            Some(Classwise {
                probs: probs.to_vec(),
                y: y.to_vec(),
                k,
                bins,
            }),
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
        let z = par_map(&conf, |&c| fit::logit(c));
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

    /// Mean over classes of the class-wise ECE under weights `w`.
    fn classwise_ece<W: Weights + ?Sized>(&self, cw: &Classwise, w: &W, total: f64) -> f64 {
        let (n, k) = (self.conf.len(), cw.k);
        let mut acc = 0.0;
        for c in 0..k {
            let mut s = vec![[0.0f64; 2]; self.m];
            for i in 0..n {
                let wi = w.w(i);
                let b = cw.bins[i * k + c] as usize;
                s[b][0] += wi * cw.probs[i * k + c];
                s[b][1] += wi * (cw.y[i] as usize == c) as u8 as f64;
            }
            acc += s.iter().map(|b| (b[1] - b[0]).abs()).sum::<f64>() / total;
        }
        acc / k as f64
    }

    /// Every score under weights `w` (undefined with no rows).
    fn scores<W: Weights + ?Sized>(
        &self,
        w: &W,
        slope_start: [f64; 3],
    ) -> std::result::Result<ReliabilityScores, Undefined> {
        let n = self.conf.len();
        let uni = self.bin_sums(&self.uni, w);
        let qua = self.bin_sums(&self.qua, w);
        let total: f64 = uni.iter().map(|b| b[0]).sum();
        if total == 0.0 {
            return Err(Undefined("no rows"));
        }
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
        Ok(ReliabilityScores {
            ece: Pairs::ece_of(&uni, total),
            ece_adaptive: Pairs::ece_of(&qua, total),
            mce,
            classwise_ece: self
                .classwise
                .as_ref()
                .map(|cw| self.classwise_ece(cw, w, total)),
            brier: brier / total,
            brier_reliability: rel / total,
            brier_resolution: res / total,
            brier_uncertainty: obar * (1.0 - obar),
            brier_within_bin: within / total,
            log_loss: loss / total,
            slope,
            mean_predicted: ratio(sf, total, "no rows"),
            observed_rate: obar,
        })
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
                            let (lo, hi) = wilson(s[2], n, z);
                            [lo, hi]
                        }),
                    }
                })
                .collect(),
        }
    }
}

fn pairs_of(predictions: &Predictions, m: usize) -> (Pairs, Target) {
    match predictions.prepared() {
        Prepared::Binary { .. } => (Pairs::binary(predictions, m), Target::PositiveClass),
        Prepared::Multiclass {
            y, probs, classes, ..
        } => (
            Pairs::multiclass(y, probs, classes.len(), m),
            Target::TopLabel,
        ),
        Prepared::Regression { .. } => unreachable!("checked by callers"),
    }
}

/// Reliability analysis: diagrams (equal-width and equal-mass) with Wilson
/// intervals per bin, and every score with a bootstrap interval.
pub fn reliability(
    predictions: &Predictions,
    bins: usize,
    boot: &BootstrapOptions,
    cancel: &Cancel,
    progress: &mut dyn FnMut(Progress),
) -> Result<Reliability> {
    require_classification(predictions.prepared())?;
    check_bins(bins)?;
    if predictions.is_empty() {
        return Err(EngineError::NoRows);
    }
    let (pairs, target) = pairs_of(predictions, bins);
    reliability_of(
        &pairs,
        target,
        predictions.prepared(),
        boot,
        cancel,
        progress,
    )
}

fn reliability_of(
    pairs: &Pairs,
    target: Target,
    prepared: &Prepared,
    boot: &BootstrapOptions,
    cancel: &Cancel,
    progress: &mut dyn FnMut(Progress),
) -> Result<Reliability> {
    let n = pairs.conf.len();
    let specs = score_specs(target);
    let point = pairs.scores(&Unit, [1.0, 0.0, 0.0]);
    // The resamples' slope fits start from the point estimate.
    let start = match &point {
        Ok(ReliabilityScores { slope: Ok(t), .. }) => [t[0], t[1], 0.0],
        _ => [1.0, 0.0, 0.0],
    };
    let boot_values = if boot.resamples > 0 {
        bootstrap::run(
            n,
            boot,
            cancel,
            &mut |d, t| {
                progress(Progress::new(
                    Stage::CalibrationBootstrap,
                    d as u64,
                    t as u64,
                ))
            },
            |c| {
                with_counts(c, |w| {
                    ReliabilityScores::values_of(pairs.scores(w, start), &specs)
                })
            },
        )?
    } else {
        Vec::new()
    };
    let z = z_for(boot.level);
    let classwise = match (prepared, &pairs.classwise) {
        (Prepared::Multiclass { classes, .. }, Some(cw)) => (0..cw.k)
            .map(|c| {
                let k = cw.k;
                let mut s = vec![[0.0f64; 2]; pairs.m];
                for i in 0..n {
                    let b = cw.bins[i * k + c] as usize;
                    s[b][0] += cw.probs[i * k + c];
                    s[b][1] += (cw.y[i] as usize == c) as u8 as f64;
                }
                ClassEce {
                    class: classes[c].clone(),
                    ece: s.iter().map(|b| (b[1] - b[0]).abs()).sum::<f64>() / n as f64,
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(Reliability {
        target,
        rows: n as u64,
        bins: pairs.m,
        uniform: pairs.diagram(Strategy::Uniform, z),
        quantile: pairs.diagram(Strategy::Quantile, z),
        scores: bootstrap::with_intervals(
            &specs,
            ReliabilityScores::values_of(point, &specs),
            boot_values,
            boot.level,
        ),
        classwise,
    })
}

/// Reliability of the predictions of each group of rows (`rows_of[g]`).
pub(super) fn reliability_of_rows(
    predictions: &Predictions,
    rows: &[usize],
    bins: usize,
    boot: &BootstrapOptions,
    cancel: &Cancel,
) -> Result<Reliability> {
    let sub = predictions.subset(rows);
    let (pairs, target) = pairs_of(&sub, bins);
    reliability_of(&pairs, target, sub.prepared(), boot, cancel, &mut |_| {})
}

/// A score of a reliability analysis by key.
pub fn score<'r>(r: &'r Reliability, key: &str) -> Option<&'r MetricResult> {
    r.scores.iter().find(|m| m.key == key)
}

/// Every reliability score spec (both targets), for the registry.
pub(super) fn all_score_specs() -> Vec<MetricSpec> {
    score_specs(Target::TopLabel)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binary(y: Vec<bool>, p: Vec<f64>) -> Predictions {
        Predictions::new(Prepared::Binary {
            y,
            p,
            positive: "1".into(),
            negative: Some("0".into()),
            score: "p".into(),
        })
    }

    fn value(r: &Reliability, key: &str) -> Option<f64> {
        score(r, key).and_then(|m| m.value)
    }

    fn no_boot(resamples: usize) -> BootstrapOptions {
        BootstrapOptions {
            resamples,
            ..Default::default()
        }
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
            &no_boot(0),
            &Cancel::new(),
            &mut |_| {},
        )
        .unwrap();
        let b = value(&r, "brier").unwrap();
        let direct: f64 = p
            .iter()
            .zip(&y)
            .map(|(q, &t)| (q - t as u8 as f64).powi(2))
            .sum::<f64>()
            / 3000.0;
        assert!((b - direct).abs() < 1e-12);
        let sum = value(&r, "brier_reliability").unwrap() - value(&r, "brier_resolution").unwrap()
            + value(&r, "brier_uncertainty").unwrap()
            + value(&r, "brier_within_bin").unwrap();
        assert!((sum - b).abs() < 1e-12, "{sum} vs {b}");
    }

    #[test]
    fn all_equal_scores_and_one_class_slices_do_not_fail() {
        let r = reliability(
            &binary(vec![true, false, true, false], vec![0.5; 4]),
            15,
            &no_boot(20),
            &Cancel::new(),
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(value(&r, "ece"), Some(0.0));
        assert_eq!(r.uniform.bins.iter().filter(|b| b.count > 0).count(), 1);
        // The slope is undefined (no spread in the scores), with a reason.
        let slope = score(&r, "calibration_slope").unwrap();
        assert!(slope.value.is_none() && slope.undefined.is_some());
        let r = reliability(
            &binary(vec![false; 5], vec![0.1, 0.2, 0.0, 1.0, 0.3]),
            15,
            &no_boot(20),
            &Cancel::new(),
            &mut |_| {},
        )
        .unwrap();
        assert!(value(&r, "ece").unwrap() > 0.0);
    }

    #[test]
    fn multiclass_specs_put_classwise_before_brier() {
        let s = score_specs(Target::TopLabel);
        let keys: Vec<&str> = s.iter().map(|m| m.key).collect();
        assert_eq!(
            &keys[..5],
            &["ece", "ece_adaptive", "mce", "classwise_ece", "brier"]
        );
        assert_eq!(score_specs(Target::PositiveClass).len(), s.len() - 1);
    }
}
