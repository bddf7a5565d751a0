//! Recalibration, judged on held-out rows.
//!
//! Each method is fitted on one part of the rows (a seeded random split,
//! k-fold cross-fitting, or a split column) and judged on the rest: ECE,
//! Brier score and log loss before and after, each with a bootstrap
//! interval, and the change with a *paired* interval (the same resamples
//! for before and after), so a user sees whether an improvement is real.

use super::artifact::summarize_parts;
use super::binning;
use super::binning::Strategy;
use super::methods::{self, Calibrator, Method};
use super::reliability::Bin;
use super::{Diagram, SliceW, WeightsDyn, check_bins, require_classification, with_counts};
use crate::error::{EngineError, Result};
use crate::metrics::{MetricResult, MetricSpec, Value};
use crate::plan::OptionKey;
use crate::prepare::Prepared;
use crate::progress::{Cancel, Progress, Stage};
use crate::stats::bootstrap::{self, BootstrapOptions};
use crate::stats::{argmax, class_log_loss, par_map, row_log_loss, wilson, z_for};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use std::ops::Range;

fn invalid(key: OptionKey, message: impl Into<String>) -> EngineError {
    EngineError::Invalid {
        key,
        message: message.into(),
    }
}

fn split_key(split: &Split) -> OptionKey {
    match split {
        Split::Random { .. } => OptionKey::Fraction,
        Split::Folds { .. } => OptionKey::Folds,
        Split::Mask { .. } => OptionKey::SplitValue,
    }
}

/// How rows are split between fitting a calibrator and judging it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

impl Split {
    /// The split in words (the report and calibrator files say it so).
    pub fn describe(&self) -> String {
        match self {
            Split::Random { fraction, seed } => format!(
                "a seeded random split (seed {seed}): {:.0}% of rows fit each method, the rest judge",
                fraction * 100.0
            ),
            Split::Folds { folds, seed } => format!(
                "{folds}-fold cross-fitting (seed {seed}): every row is judged by a map fitted without it; the saved map is fitted on all rows"
            ),
            Split::Mask { description, .. } => description.clone(),
        }
    }
}

/// Summary of the split used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SplitSummary {
    pub split: Split,
    pub calibration_rows: u64,
    pub heldout_rows: u64,
}

/// One method's held-out results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// A one-vs-rest map's parameters per class (`class 1: T = 1.2`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub summary_per_class: Vec<String>,
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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

/// Held-out scores of one weighting of the rows.
#[derive(Debug, Clone, Copy)]
struct HeldOutScores {
    ece: f64,
    brier: f64,
    log_loss: f64,
}

impl HeldOutScores {
    fn value(&self, key: &str) -> Value {
        match key {
            "ece" => Ok(self.ece),
            "brier" => Ok(self.brier),
            "log_loss" => Ok(self.log_loss),
            _ => Err(crate::metrics::Undefined("not a held-out score")),
        }
    }

    fn values_of(&self, specs: &[MetricSpec]) -> Vec<Value> {
        specs.iter().map(|s| self.value(s.key)).collect()
    }
}

/// Ranges of one statistic vector, handed out in order.
#[derive(Default)]
struct Slots {
    next: usize,
}

impl Slots {
    fn take(&mut self, n: usize) -> Range<usize> {
        let r = self.next..self.next + n;
        self.next += n;
        r
    }
}

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
        let (conf, outcome, brier, loss);
        match prepared {
            Prepared::Binary { y, .. } => {
                outcome = rows.iter().map(|&i| y[i] as u8).collect::<Vec<u8>>();
                let js: Vec<usize> = (0..rows.len()).collect();
                loss = par_map(&js, |&j| row_log_loss(probs[j], outcome[j] == 1));
                brier = Vec::new();
                conf = probs;
            }
            Prepared::Multiclass { y, classes, .. } => {
                let k = classes.len();
                let (mut c, mut o, mut b, mut l) = (vec![], vec![], vec![], vec![]);
                for (j, &i) in rows.iter().enumerate() {
                    let row = &probs[j * k..(j + 1) * k];
                    let t = y[i] as usize;
                    let best = argmax(row);
                    c.push(row[best]);
                    o.push((best == t) as u8);
                    b.push(
                        row.iter()
                            .enumerate()
                            .map(|(c, &p)| (p - (c == t) as u8 as f64).powi(2))
                            .sum(),
                    );
                    l.push(class_log_loss(row[t]));
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

    fn scores(&self, w: &dyn WeightsDyn) -> HeldOutScores {
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
        HeldOutScores {
            ece,
            brier: brier / total,
            log_loss: loss / total,
        }
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
                        let (lo, hi) = wilson(v[2], v[0], z);
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

/// Fit `method` with row weights `w` (0 = not used), warm-started from
/// calibrators already fitted on the same rows.
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
    cal.validate()
        .map_err(|m| invalid(OptionKey::Calibrator, m))?;
    let all: Vec<usize> = (0..prepared.len()).collect();
    let s = apply_rows(prepared, cal, &all).map_err(|m| invalid(OptionKey::Calibrator, m))?;
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
    cancel: &Cancel,
    progress: &mut dyn FnMut(Progress),
) -> Result<Recalibration> {
    require_classification(prepared)?;
    check_bins(bins)?;
    cancel.check()?;
    let n = prepared.len();
    // Assign rows.
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(match split {
        Split::Random { seed, .. } | Split::Folds { seed, .. } => *seed,
        Split::Mask { .. } => 0,
    });
    let (fold_of, calib_mask): (Option<(Vec<usize>, usize)>, Vec<bool>) = match split {
        Split::Random { fraction, .. } => {
            if !(*fraction > 0.0 && *fraction < 1.0) {
                return Err(invalid(
                    OptionKey::Fraction,
                    format!("calibration fraction {fraction} must be between 0 and 1"),
                ));
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
                return Err(invalid(
                    OptionKey::Folds,
                    format!("{folds} folds: need at least 2 and at most the number of rows ({n})"),
                ));
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
                return Err(invalid(
                    OptionKey::SplitColumn,
                    "split mask length differs from the rows",
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
        return Err(invalid(
            split_key(split),
            format!(
                "the split leaves {n_cal} calibration rows and {} held-out rows; both must be non-empty",
                heldout.len()
            ),
        ));
    }
    let before_probs = scores_of(prepared, &heldout);
    let before = HeldOut::new(prepared, &heldout, before_probs, bins);
    // The calibration rows as their own (smaller) set: each fit then passes
    // over them alone.
    let calib_rows: Vec<usize> = (0..n).filter(|&i| calib_mask[i]).collect();
    let calib_set = prepared.subset(&calib_rows);
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
    progress(Progress::new(
        Stage::Recalibration,
        0,
        methods_to_fit.len() as u64,
    ));
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
    progress(Progress::new(
        Stage::Recalibration,
        methods_to_fit.len() as u64,
        methods_to_fit.len() as u64,
    ));
    cancel.check()?;
    // One paired bootstrap over the held-out rows for everything: the
    // statistic is one vector, laid out by `Slots` (before, then for each
    // fitted method its scores after and the change), so that every
    // resample pairs before and after on the same rows.
    let ok: Vec<&HeldOut> = fitted
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok().map(|(_, h)| h))
        .collect();
    let mut slots = Slots::default();
    let before_slots = slots.take(HELDOUT_SPECS.len());
    let method_slots: Vec<(Range<usize>, Range<usize>)> = ok
        .iter()
        .map(|_| {
            (
                slots.take(HELDOUT_SPECS.len()),
                slots.take(HELDOUT_SPECS.len()),
            )
        })
        .collect();
    let stat = |w: &dyn WeightsDyn| -> Vec<Value> {
        let b = before.scores(w);
        let mut v: Vec<Value> = b.values_of(HELDOUT_SPECS);
        for h in &ok {
            let a = h.scores(w);
            v.extend(a.values_of(HELDOUT_SPECS));
            v.extend(HELDOUT_SPECS.iter().map(|s| {
                let (x, y) = (a.value(s.key)?, b.value(s.key)?);
                Ok(x - y)
            }));
        }
        debug_assert_eq!(v.len(), slots.next);
        v
    };
    let point = stat(&SliceW(&vec![1u8; heldout.len()][..]));
    let boot_values = if boot.resamples > 0 {
        bootstrap::run(
            heldout.len(),
            boot,
            cancel,
            &mut |d, t| {
                progress(Progress::new(
                    Stage::RecalibrationBootstrap,
                    d as u64,
                    t as u64,
                ))
            },
            |c| with_counts(c, |w| stat(w)),
        )?
    } else {
        Vec::new()
    };
    let mut specs = HELDOUT_SPECS.to_vec();
    if let Prepared::Multiclass { .. } = prepared {
        for s in &mut specs {
            match s.key {
                "ece" => s.name = "ECE (top-label, equal-width bins)",
                "brier" => s.name = "Brier score (multiclass)",
                _ => {}
            }
        }
    }
    let take = |r: &Range<usize>| -> Vec<MetricResult> {
        let pts = point[r.clone()].to_vec();
        let bs = if boot_values.is_empty() {
            Vec::new()
        } else {
            boot_values[r.clone()].to_vec()
        };
        bootstrap::with_intervals(&specs, pts, bs, boot.level)
    };
    let z = z_for(boot.level);
    let before_scores = take(&before_slots);
    let mut methods_out = Vec::new();
    let mut next_slots = method_slots.iter();
    for (method, r) in fitted {
        match r {
            Ok((cal, h)) => {
                let (after_slots, change_slots) = next_slots
                    .next()
                    .expect("one pair of slots per fitted method");
                let after = take(after_slots);
                let mut change = take(change_slots);
                for c in &mut change {
                    c.name = format!("Change in {}", c.name);
                    c.definition = format!("after − before (paired bootstrap): {}", c.definition);
                }
                let (summary, summary_per_class) = summarize_parts(&cal);
                methods_out.push(MethodResult {
                    method,
                    summary: Some(summary),
                    summary_per_class,
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
                summary_per_class: Vec::new(),
                failed: Some(why),
                after: Vec::new(),
                change: Vec::new(),
                reliability_after: None,
            }),
        }
    }
    let log_loss_of = |v: &[MetricResult]| v.iter().find(|m| m.key == "log_loss")?.value;
    let before_ll = log_loss_of(&before_scores).unwrap_or(f64::INFINITY);
    let best = methods_out
        .iter()
        .filter_map(|m| Some((m.method, log_loss_of(&m.after)?)))
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

/// Every held-out spec, for the registry.
pub(super) fn heldout_specs() -> &'static [MetricSpec] {
    HELDOUT_SPECS
}
