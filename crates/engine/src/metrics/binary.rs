//! Binary classification metrics.
//!
//! Input: a boolean label (true = the positive class) and a score, the
//! predicted probability of the positive class, per row. A row is *predicted
//! positive* when `score >= threshold` (default 0.5).
//!
//! The rows are sorted by score once ([`BinaryData::new`]); every metric —
//! threshold metrics, ROC AUC, average precision, log loss, Brier — then comes
//! out of one linear pass over that order ([`BinaryData::tally`]), with any row
//! weights. Ties in score are handled as runs of equal scores, exactly as
//! scikit-learn's `_binary_clf_curve` does.

use super::{Acc, MetricSpec, Undefined, Value, Weights, ratio, run_starts};
use crate::predictions::SortedBinary;
use std::borrow::Cow;

/// Metrics reported for a binary task, in report order.
pub const METRICS: &[MetricSpec] = &[
    MetricSpec {
        key: "roc_auc",
        name: "ROC AUC",
        definition: "sklearn.metrics.roc_auc_score (ties count one half)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "average_precision",
        name: "Average precision",
        definition: "sklearn.metrics.average_precision_score: sum over thresholds of (R_k - R_k-1) * P_k (step function, not the trapezoid)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "log_loss",
        name: "Log loss",
        definition: "sklearn.metrics.log_loss: mean of -log p(true class), p clipped to [eps, 1-eps] with eps = 2.22e-16 (float64 machine epsilon)",
        higher_is_better: false,
    },
    MetricSpec {
        key: "brier",
        name: "Brier score",
        definition: "sklearn.metrics.brier_score_loss: mean of (p - y)^2",
        higher_is_better: false,
    },
    MetricSpec {
        key: "accuracy",
        name: "Accuracy",
        definition: "sklearn.metrics.accuracy_score at the threshold: (TP + TN) / n",
        higher_is_better: true,
    },
    MetricSpec {
        key: "balanced_accuracy",
        name: "Balanced accuracy",
        definition: "sklearn.metrics.balanced_accuracy_score: mean recall over the classes present in the labels",
        higher_is_better: true,
    },
    MetricSpec {
        key: "precision",
        name: "Precision",
        definition: "sklearn.metrics.precision_score: TP / (TP + FP)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "recall",
        name: "Recall (sensitivity, TPR)",
        definition: "sklearn.metrics.recall_score: TP / (TP + FN)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "f1",
        name: "F1",
        definition: "sklearn.metrics.f1_score: 2TP / (2TP + FP + FN)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "specificity",
        name: "Specificity (TNR)",
        definition: "recall of the negative class: TN / (TN + FP)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "npv",
        name: "Negative predictive value",
        definition: "TN / (TN + FN)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "fpr",
        name: "False positive rate",
        definition: "FP / (FP + TN)",
        higher_is_better: false,
    },
    MetricSpec {
        key: "fnr",
        name: "False negative rate",
        definition: "FN / (FN + TP)",
        higher_is_better: false,
    },
    MetricSpec {
        key: "mcc",
        name: "Matthews correlation",
        definition: "sklearn.metrics.matthews_corrcoef; undefined (sklearn returns 0) when labels or predictions hold one class",
        higher_is_better: true,
    },
    MetricSpec {
        key: "cohen_kappa",
        name: "Cohen's kappa",
        definition: "sklearn.metrics.cohen_kappa_score (unweighted)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "prevalence",
        name: "Prevalence",
        definition: "fraction of rows whose label is the positive class",
        higher_is_better: true,
    },
];

/// Rows sorted by score, with everything a weighted pass needs. Borrows the
/// shared sorted view of [`Predictions`](crate::predictions::Predictions)
/// when there is one ([`BinaryData::from_sorted`]), owns it otherwise.
#[derive(Debug, Clone)]
pub struct BinaryData<'a> {
    /// Scores, ascending.
    pub scores: Cow<'a, [f64]>,
    /// `labels[i]` is 1 when sorted row `i` is positive.
    pub labels: Cow<'a, [u8]>,
    /// Starts of runs of equal scores, plus `n` at the end.
    starts: Vec<u32>,
    /// `run_first[i]` is 1 when sorted row `i` is the first (lowest) row of
    /// its run, i.e. where a top-down pass closes the run.
    run_first: Vec<u8>,
    /// First run whose score is `>= threshold`.
    threshold_run: usize,
    /// Per-row log loss term (sorted order).
    loss: Cow<'a, [f64]>,
    /// Per-row squared error (sorted order).
    sq: Vec<f64>,
    /// The decision threshold.
    pub threshold: f64,
}

/// Weighted sums from one pass; every metric derives from these.
#[derive(Debug, Clone, Copy, Default)]
pub struct BinaryTally {
    pub pos: f64,
    pub neg: f64,
    pub tp: f64,
    pub fp: f64,
    /// Σ over (positive, negative) pairs of [s+ > s-] + ½[s+ = s-], weighted.
    pub auc_pairs: f64,
    /// Σ over runs of (positives in run) × precision at that run.
    pub ap_sum: f64,
    pub loss: f64,
    pub brier: f64,
}

thread_local! {
    /// Per-thread buffers of [`BinaryData::tally_counts`], reused across
    /// resamples (allocating them anew would cost page faults every time).
    static RUN_SCRATCH: std::cell::RefCell<(Vec<f64>, Vec<f64>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

impl BinaryData<'static> {
    /// Sort once and own the sorted rows. `y[i]` true for positives; `p[i]`
    /// finite scores in [0, 1].
    pub fn new(y: &[bool], p: &[f64], threshold: f64) -> Self {
        let s = SortedBinary::new(y, p);
        BinaryData::build(
            Cow::Owned(s.scores),
            Cow::Owned(s.labels),
            Cow::Owned(s.loss),
            threshold,
        )
    }
}

impl<'a> BinaryData<'a> {
    /// Over the shared sorted view (no sort, no copy).
    pub fn from_sorted(s: &'a SortedBinary, threshold: f64) -> Self {
        BinaryData::build(
            Cow::Borrowed(&s.scores),
            Cow::Borrowed(&s.labels),
            Cow::Borrowed(&s.loss),
            threshold,
        )
    }

    fn build(
        scores: Cow<'a, [f64]>,
        labels: Cow<'a, [u8]>,
        loss: Cow<'a, [f64]>,
        threshold: f64,
    ) -> Self {
        let sq: Vec<f64> = scores
            .iter()
            .zip(labels.iter())
            .map(|(&s, &l)| (s - l as f64) * (s - l as f64))
            .collect();
        let starts = run_starts(&scores);
        let mut run_first = vec![0u8; scores.len()];
        for &st in &starts[..starts.len() - 1] {
            run_first[st as usize] = 1;
        }
        let runs = starts.len() - 1;
        let threshold_run = (0..runs)
            .find(|&g| scores[starts[g] as usize] >= threshold)
            .unwrap_or(runs);
        BinaryData {
            scores,
            labels,
            starts,
            run_first,
            threshold_run,
            loss,
            sq,
            threshold,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.scores.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }

    /// One pass, from the highest score down, accumulating every sum the
    /// metrics need. `w` is indexed by *sorted* position.
    pub fn tally<W: Weights + ?Sized>(&self, w: &W) -> BinaryTally {
        let runs = self.starts.len() - 1;
        let (mut tp, mut fp) = (0.0f64, 0.0f64);
        let (mut auc, mut ap) = (0.0f64, 0.0f64);
        let (mut loss, mut brier) = (W::Acc::default(), W::Acc::default());
        let (mut tp_at, mut fp_at) = (0.0, 0.0);
        for g in (0..runs).rev() {
            let (a, b) = (self.starts[g] as usize, self.starts[g + 1] as usize);
            let (mut wp, mut wn) = (0.0f64, 0.0f64);
            // Branch-free: in a bootstrap resample about a third of the
            // weights are zero, at random, which a branch would mispredict.
            for i in a..b {
                let wi = w.w(i);
                let pos = wi * self.labels[i] as f64;
                wp += pos;
                wn += wi - pos;
                loss.add(wi * self.loss[i]);
                brier.add(wi * self.sq[i]);
            }
            auc += wn * (tp + 0.5 * wp);
            tp += wp;
            fp += wn;
            // (tp + fp is 0 only when wp is 0 too: the term is then 0.)
            ap += wp * tp / (tp + fp).max(f64::MIN_POSITIVE);
            if g == self.threshold_run {
                tp_at = tp;
                fp_at = fp;
            }
        }
        BinaryTally {
            pos: tp,
            neg: fp,
            tp: tp_at,
            fp: fp_at,
            auc_pairs: auc,
            ap_sum: ap,
            loss: loss.value(),
            brier: brier.value(),
        }
    }

    /// The same tally as [`tally`](Self::tally) for bootstrap multiplicities,
    /// written for speed (it runs a thousand times per report):
    ///
    /// 1. one branch-free pass over the rows, top score first, keeps the
    ///    cumulative weighted positives and negatives (`cp`, `cn`) and stores
    ///    them at each run's close — no loop per run, whose varying lengths
    ///    the CPU cannot predict;
    /// 2. one pass over the runs turns those cumulative counts into the AUC
    ///    pair count and the AP sum (independent iterations: they pipeline);
    /// 3. the loss sums are plain dot products.
    ///
    /// With integer weights every count is exact, so AUC is exact; AP carries
    /// only division rounding.
    pub fn tally_counts<T: Copy + Into<f64>>(&self, c: &[T]) -> BinaryTally {
        let n = self.labels.len();
        assert_eq!(c.len(), n);
        let runs = self.starts.len() - 1;
        RUN_SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let (run_cp, run_cn) = &mut *scratch;
            run_cp.resize(runs + 1, 0.0);
            run_cn.resize(runs + 1, 0.0);
            let labels = &self.labels[..n];
            let first = &self.run_first[..n];
            let (mut cp, mut cn) = (0.0f64, 0.0f64);
            let mut r = 0usize;
            for i in (0..n).rev() {
                let w: f64 = c[i].into();
                let pw = w * labels[i] as f64;
                cp += pw;
                cn += w - pw;
                run_cp[r] = cp;
                run_cn[r] = cn;
                r += first[i] as usize;
            }
            debug_assert_eq!(r, runs);
            // Runs in descending score order: run r closes with (cp, cn).
            let (mut auc, mut ap) = ([0.0f64; 2], [0.0f64; 2]);
            let (mut prev_p, mut prev_n) = (0.0f64, 0.0f64);
            for k in 0..runs {
                let (p, q) = (run_cp[k], run_cn[k]);
                let (wp, wn) = (p - prev_p, q - prev_n);
                auc[k & 1] += wn * (p - 0.5 * wp);
                ap[k & 1] += wp * p / (p + q).max(f64::MIN_POSITIVE);
                prev_p = p;
                prev_n = q;
            }
            // The threshold run g holds the lowest scores >= threshold; in
            // descending order it is run `runs - 1 - g`.
            let (tp, fp) = if self.threshold_run < runs {
                let k = runs - 1 - self.threshold_run;
                (run_cp[k], run_cn[k])
            } else {
                (0.0, 0.0)
            };
            BinaryTally {
                pos: cp,
                neg: cn,
                tp,
                fp,
                auc_pairs: auc[0] + auc[1],
                ap_sum: ap[0] + ap[1],
                loss: dot(c, &self.loss),
                brier: dot(c, &self.sq),
            }
        })
    }

    /// ROC curve as `sklearn.metrics.roc_curve`: thresholds at each distinct
    /// score, descending, preceded by (0, 0) at threshold +∞ (here `None`).
    /// With `drop_intermediate`, collinear points are dropped as sklearn does
    /// by default. Undefined when the labels hold one class.
    pub fn roc_curve(&self, drop_intermediate: bool) -> Result<Curve, Undefined> {
        roc_from(&self.cumulative(), drop_intermediate, usize::MAX)
    }

    /// Precision–recall curve as `sklearn.metrics.precision_recall_curve`
    /// (`drop_intermediate=False`): `x` is recall, `y` precision, thresholds
    /// ascending, ending with the point (recall 0, precision 1) that has no
    /// threshold. Undefined with no positive labels.
    pub fn pr_curve(&self) -> Result<Curve, Undefined> {
        pr_from(&self.cumulative(), usize::MAX)
    }

    /// Both curves for a report, from one cumulative pass: ROC with
    /// sklearn's default `drop_intermediate=True`, each with at most
    /// `max_points` points (evenly spread, ends kept), and the number of
    /// points before thinning.
    #[allow(clippy::type_complexity)]
    pub fn report_curves(
        &self,
        max_points: usize,
    ) -> (
        Result<(Curve, usize), Undefined>,
        Result<(Curve, usize), Undefined>,
    ) {
        let cum = self.cumulative();
        let keep = roc_keep(&cum, true);
        (
            roc_from_keep(&cum, &keep, max_points).map(|c| (c, keep.len() + 1)),
            pr_from(&cum, max_points).map(|c| (c, cum.0.len() + 1)),
        )
    }

    /// Cumulative false and true positives at each distinct threshold,
    /// thresholds descending (sklearn's `_binary_clf_curve`).
    fn cumulative(&self) -> Cumulative {
        // One branch-free pass over rows, top score first, storing the
        // running counts at each run's close (see `tally_counts`).
        let n = self.labels.len();
        let runs = self.starts.len() - 1;
        let mut fps = vec![0.0; runs + 1];
        let mut tps = vec![0.0; runs + 1];
        let (mut tp, mut fp) = (0.0f64, 0.0f64);
        let mut r = 0usize;
        for i in (0..n).rev() {
            let y = self.labels[i] as f64;
            tp += y;
            fp += 1.0 - y;
            tps[r] = tp;
            fps[r] = fp;
            r += self.run_first[i] as usize;
        }
        fps.truncate(runs);
        tps.truncate(runs);
        let thr = (0..runs)
            .map(|k| self.scores[self.starts[runs - 1 - k] as usize])
            .collect();
        (fps, tps, thr)
    }
}

type Cumulative = (Vec<f64>, Vec<f64>, Vec<f64>);

/// Indices `0..len` thinned to at most `max` (ends kept, evenly spread).
fn thin(len: usize, max: usize) -> Vec<usize> {
    if len <= max || max < 2 {
        return (0..len).collect();
    }
    let mut idx: Vec<usize> = (0..max)
        .map(|k| ((k as f64) * ((len - 1) as f64) / ((max - 1) as f64)).round() as usize)
        .collect();
    idx.dedup();
    idx
}

/// Indices of the ROC points sklearn keeps (`drop_intermediate`): the ends
/// and every point where the second difference of fps or tps is non-zero.
fn roc_keep(cum: &Cumulative, drop_intermediate: bool) -> Vec<usize> {
    let (fps, tps, _) = cum;
    let m = fps.len();
    if !drop_intermediate || m <= 2 {
        return (0..m).collect();
    }
    let mut keep = Vec::with_capacity(m);
    keep.push(0);
    for i in 1..m - 1 {
        if (fps[i + 1] - 2.0 * fps[i] + fps[i - 1]) != 0.0
            || (tps[i + 1] - 2.0 * tps[i] + tps[i - 1]) != 0.0
        {
            keep.push(i);
        }
    }
    keep.push(m - 1);
    keep
}

fn roc_from(cum: &Cumulative, drop_intermediate: bool, max: usize) -> Result<Curve, Undefined> {
    roc_from_keep(cum, &roc_keep(cum, drop_intermediate), max)
}

fn roc_from_keep(cum: &Cumulative, keep: &[usize], max: usize) -> Result<Curve, Undefined> {
    let (fps, tps, thr) = cum;
    let (p, n) = (*tps.last().unwrap_or(&0.0), *fps.last().unwrap_or(&0.0));
    if p == 0.0 {
        return Err(Undefined("no positive labels"));
    }
    if n == 0.0 {
        return Err(Undefined("no negative labels"));
    }
    // The leading (0, 0) point plus the kept points, thinned together.
    let pick = thin(keep.len() + 1, max);
    let mut curve = Curve {
        x: Vec::with_capacity(pick.len()),
        y: Vec::with_capacity(pick.len()),
        thresholds: Vec::with_capacity(pick.len()),
    };
    for k in pick {
        if k == 0 {
            curve.x.push(0.0);
            curve.y.push(0.0);
            curve.thresholds.push(None);
        } else {
            let i = keep[k - 1];
            curve.x.push(fps[i] / n);
            curve.y.push(tps[i] / p);
            curve.thresholds.push(Some(thr[i]));
        }
    }
    Ok(curve)
}

fn pr_from(cum: &Cumulative, max: usize) -> Result<Curve, Undefined> {
    let (fps, tps, thr) = cum;
    let p = *tps.last().unwrap_or(&0.0);
    if p == 0.0 {
        return Err(Undefined("no positive labels"));
    }
    let m = tps.len();
    // Points in sklearn's order: thresholds ascending (runs reversed), then
    // the final (recall 0, precision 1) point.
    let pick = thin(m + 1, max);
    let mut curve = Curve {
        x: Vec::with_capacity(pick.len()),
        y: Vec::with_capacity(pick.len()),
        thresholds: Vec::with_capacity(pick.len()),
    };
    for k in pick {
        if k == m {
            curve.y.push(1.0);
            curve.x.push(0.0);
            curve.thresholds.push(None);
        } else {
            let i = m - 1 - k;
            let predicted = tps[i] + fps[i];
            curve.y.push(if predicted > 0.0 {
                tps[i] / predicted
            } else {
                0.0
            });
            curve.x.push(tps[i] / p);
            curve.thresholds.push(Some(thr[i]));
        }
    }
    Ok(curve)
}

/// Σ c_i x_i with four accumulators, so the adds pipeline.
fn dot<T: Copy + Into<f64>>(c: &[T], x: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let (cc, xc) = (c.chunks_exact(4), x.chunks_exact(4));
    let (cr, xr) = (cc.remainder(), xc.remainder());
    for (a, b) in cc.zip(xc) {
        for k in 0..4 {
            acc[k] += a[k].into() * b[k];
        }
    }
    let mut tail = 0.0;
    for (a, b) in cr.iter().zip(xr) {
        tail += (*a).into() * b;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// Points of a curve (ROC: x = FPR, y = TPR; PR: x = recall, y = precision).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Curve {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    /// Threshold at each point; `None` where the point has no threshold.
    pub thresholds: Vec<Option<f64>>,
}

impl BinaryTally {
    /// Total weight.
    pub fn n(&self) -> f64 {
        self.pos + self.neg
    }
    /// False negatives.
    pub fn fn_(&self) -> f64 {
        self.pos - self.tp
    }
    /// True negatives.
    pub fn tn(&self) -> f64 {
        self.neg - self.fp
    }

    /// The values of `specs`, each computed by its key.
    pub fn values_of(&self, specs: &[MetricSpec]) -> Vec<Value> {
        specs.iter().map(|s| self.value(s.key)).collect()
    }

    /// Every metric of [`METRICS`], in that order.
    pub fn values(&self) -> Vec<Value> {
        self.values_of(METRICS)
    }

    /// One metric, by key.
    pub fn value(&self, key: &str) -> Value {
        let n = self.n();
        let (tp, fp, fn_, tn) = (self.tp, self.fp, self.fn_(), self.tn());
        let (pos, neg) = (self.pos, self.neg);
        let pred_pos = tp + fp;
        let pred_neg = tn + fn_;
        const NO_POS: &str = "no positive labels";
        const NO_NEG: &str = "no negative labels";
        match key {
            "roc_auc" => {
                if pos == 0.0 || neg == 0.0 {
                    Err(Undefined("only one class present in the labels"))
                } else {
                    Ok(self.auc_pairs / (pos * neg))
                }
            }
            "average_precision" => ratio(self.ap_sum, pos, NO_POS),
            "log_loss" => ratio(self.loss, n, "no rows"),
            "brier" => ratio(self.brier, n, "no rows"),
            "accuracy" => ratio(tp + tn, n, "no rows"),
            // sklearn's balanced_accuracy_score averages recall over the
            // classes that occur in y_true.
            "balanced_accuracy" => {
                let mut s = 0.0;
                let mut k = 0.0;
                if pos > 0.0 {
                    s += tp / pos;
                    k += 1.0;
                }
                if neg > 0.0 {
                    s += tn / neg;
                    k += 1.0;
                }
                ratio(s, k, "no rows")
            }
            "precision" => ratio(tp, pred_pos, "no predicted positives at this threshold"),
            "recall" => ratio(tp, pos, NO_POS),
            "f1" => ratio(
                2.0 * tp,
                2.0 * tp + fp + fn_,
                "no positive labels and no predicted positives",
            ),
            "specificity" => ratio(tn, neg, NO_NEG),
            "npv" => ratio(tn, pred_neg, "no predicted negatives at this threshold"),
            "fpr" => ratio(fp, neg, NO_NEG),
            "fnr" => ratio(fn_, pos, NO_POS),
            "mcc" => {
                let den = (pred_pos * pos * neg * pred_neg).sqrt();
                if den == 0.0 {
                    Err(Undefined(
                        "labels or predictions hold only one class (sklearn returns 0)",
                    ))
                } else {
                    Ok((tp * tn - fp * fn_) / den)
                }
            }
            "cohen_kappa" => {
                // sklearn: 1 - sum(w * C) / sum(w * E), E = outer(row sums, col sums) / n
                let observed_disagree = (fp + fn_) / n;
                let expected_disagree = (pos * pred_neg + neg * pred_pos) / (n * n);
                if expected_disagree == 0.0 {
                    Err(Undefined(
                        "labels and predictions are the same single class (expected disagreement is 0)",
                    ))
                } else {
                    Ok(1.0 - observed_disagree / expected_disagree)
                }
            }
            "prevalence" => ratio(pos, n, "no rows"),
            _ => Err(Undefined("not a binary metric")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Unit;

    fn value(key: &str, t: &BinaryTally) -> Value {
        assert!(METRICS.iter().any(|m| m.key == key), "{key}");
        t.value(key)
    }

    #[test]
    fn auc_counts_ties_as_half() {
        // One positive and one negative with the same score: AUC 0.5.
        let d = BinaryData::new(&[true, false], &[0.4, 0.4], 0.5);
        let t = d.tally(&Unit);
        assert_eq!(value("roc_auc", &t), Ok(0.5));
        // Perfect separation.
        let d = BinaryData::new(&[true, false, true, false], &[0.9, 0.1, 0.8, 0.2], 0.5);
        let t = d.tally(&Unit);
        assert_eq!(value("roc_auc", &t), Ok(1.0));
        assert_eq!(value("accuracy", &t), Ok(1.0));
        assert_eq!(value("average_precision", &t), Ok(1.0));
    }

    #[test]
    fn weights_equal_repeated_rows() {
        let y = [true, false, true, false, true];
        let p = [0.9, 0.7, 0.3, 0.3, 0.6];
        let d = BinaryData::new(&y, &p, 0.5);
        // Weights in sorted order: duplicate some rows.
        let w: Vec<u32> = vec![2, 0, 1, 3, 1];
        let weighted = d.tally(&w[..]).values();
        // Materialise the same multiset and compute with unit weights.
        let (mut y2, mut p2) = (vec![], vec![]);
        for (k, &c) in w.iter().enumerate() {
            for _ in 0..c {
                y2.push(d.labels[k] == 1);
                p2.push(d.scores[k]);
            }
        }
        let plain = BinaryData::new(&y2, &p2, 0.5).tally(&Unit).values();
        for (a, b) in weighted.iter().zip(&plain) {
            match (a, b) {
                (Ok(a), Ok(b)) => assert!((a - b).abs() < 1e-12, "{a} vs {b}"),
                (a, b) => assert_eq!(a, b),
            }
        }
    }

    #[test]
    fn fast_counts_tally_equals_generic_tally() {
        let mut s: u64 = 42;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let n = 5000;
        let y: Vec<bool> = (0..n).map(|_| next() % 3 == 0).collect();
        // Coarse scores: many ties.
        let p: Vec<f64> = (0..n).map(|_| (next() % 50) as f64 / 49.0).collect();
        for thr in [0.0, 0.3, 0.5, 1.0, 1.5] {
            let d = BinaryData::new(&y, &p, thr);
            let mut c = vec![0u8; n];
            crate::stats::bootstrap::draw_counts_small(&mut c, 9, 1);
            let a = d.tally(&c[..]);
            let b = d.tally_counts(&c[..]);
            for (x, y) in [
                (a.pos, b.pos),
                (a.neg, b.neg),
                (a.tp, b.tp),
                (a.fp, b.fp),
                (a.auc_pairs, b.auc_pairs),
            ] {
                assert_eq!(x, y, "exact counts at threshold {thr}");
            }
            for (x, y) in [(a.ap_sum, b.ap_sum), (a.loss, b.loss), (a.brier, b.brier)] {
                assert!((x - y).abs() <= 1e-9 * x.abs().max(1.0), "{x} vs {y}");
            }
        }
    }

    #[test]
    fn undefined_values_say_why() {
        let d = BinaryData::new(&[false, false], &[0.1, 0.2], 0.5);
        let t = d.tally(&Unit);
        assert!(value("roc_auc", &t).is_err());
        assert_eq!(value("recall", &t), Err(Undefined("no positive labels")));
        assert_eq!(
            value("precision", &t),
            Err(Undefined("no predicted positives at this threshold"))
        );
        assert_eq!(value("accuracy", &t), Ok(1.0));
        assert!(d.roc_curve(true).is_err());
    }
}
