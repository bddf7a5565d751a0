//! Multiclass classification metrics.
//!
//! Input: per row, the index of the true class and one probability per class
//! (row-major). The predicted class is the argmax, the first maximum winning
//! as in `np.argmax`. Class order is the order of the probability columns.
//!
//! Averages follow scikit-learn with `zero_division=np.nan`: a class whose
//! precision (or recall, F1) is undefined is left out of the macro and weighted
//! averages rather than counted as 0.

use super::{Acc, MetricSpec, Undefined, Value, Weights, argsort, ratio, run_starts};

/// Rows with their class probabilities and everything a weighted pass needs.
#[derive(Debug, Clone)]
pub struct MulticlassData {
    /// Number of classes.
    pub k: usize,
    /// True class per row.
    pub y: Vec<u32>,
    /// Predicted class (argmax) per row.
    pub pred: Vec<u32>,
    /// Probabilities, `n × k` row-major.
    pub probs: Vec<f64>,
    /// Per row: the rank of the true class under sklearn's top-k ordering
    /// (0 = top), used for top-k accuracy.
    true_rank: Vec<u32>,
    /// Per row log loss (sklearn clipping).
    loss: Vec<f64>,
    /// Per row Σ_c (p_c − 1[y = c])².
    sq: Vec<f64>,
    /// Per class: rows sorted by that class's probability, and run starts.
    orders: Vec<(Vec<u32>, Vec<u32>)>,
    /// The top-k values reported (k < number of classes).
    pub top_ks: Vec<usize>,
}

/// Weighted sums from one pass.
#[derive(Debug, Clone, Default)]
pub struct MulticlassTally {
    pub k: usize,
    /// `conf[t * k + p]`, weighted.
    pub conf: Vec<f64>,
    pub n: f64,
    pub loss: f64,
    pub brier: f64,
    /// Weighted hits for each entry of `top_ks`.
    pub top_hits: Vec<f64>,
    /// One-vs-rest AUC per class.
    pub auc: Vec<Value>,
}

impl MulticlassData {
    /// Build from class indices and an `n × k` probability matrix.
    pub fn new(y: Vec<u32>, probs: Vec<f64>, k: usize) -> Self {
        let n = y.len();
        assert_eq!(probs.len(), n * k);
        let mut pred = Vec::with_capacity(n);
        let mut true_rank = Vec::with_capacity(n);
        let mut loss = Vec::with_capacity(n);
        let mut sq = Vec::with_capacity(n);
        for i in 0..n {
            let row = &probs[i * k..(i + 1) * k];
            let t = y[i] as usize;
            pred.push(crate::stats::argmax(row) as u32);
            // sklearn's top_k_accuracy_score sorts ascending with a stable
            // sort and reverses, so among equal scores the higher class index
            // ranks first. Rank of the true class = number of classes ahead.
            let pt = row[t];
            let ahead = (0..k)
                .filter(|&c| row[c] > pt || (row[c] == pt && c > t))
                .count();
            true_rank.push(ahead as u32);
            loss.push(crate::stats::class_log_loss(row[t]));
            let mut s = 0.0;
            for (c, &p) in row.iter().enumerate() {
                let d = p - if c == t { 1.0 } else { 0.0 };
                s += d * d;
            }
            sq.push(s);
        }
        let orders = (0..k)
            .map(|c| {
                let col: Vec<f64> = (0..n).map(|i| probs[i * k + c]).collect();
                let order = argsort(&col);
                let sorted: Vec<f64> = order.iter().map(|&i| col[i as usize]).collect();
                let starts = run_starts(&sorted);
                (order, starts)
            })
            .collect();
        let top_ks = (2..k).filter(|&t| t <= 5).collect();
        MulticlassData {
            k,
            y,
            pred,
            probs,
            true_rank,
            loss,
            sq,
            orders,
            top_ks,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// One pass over the rows (plus one per class for AUC). `w` is indexed by row.
    pub fn tally<W: Weights + ?Sized>(&self, w: &W) -> MulticlassTally {
        let k = self.k;
        let mut conf = vec![0.0; k * k];
        let (mut loss, mut brier, mut n) = (W::Acc::default(), W::Acc::default(), 0.0);
        let mut top_hits = vec![0.0; self.top_ks.len()];
        for i in 0..self.y.len() {
            let wi = w.w(i);
            if wi == 0.0 {
                continue;
            }
            n += wi;
            conf[self.y[i] as usize * k + self.pred[i] as usize] += wi;
            loss.add(wi * self.loss[i]);
            brier.add(wi * self.sq[i]);
            let r = self.true_rank[i] as usize;
            for (h, &t) in top_hits.iter_mut().zip(&self.top_ks) {
                if r < t {
                    *h += wi;
                }
            }
        }
        let auc = (0..k).map(|c| self.ovr_auc(c, w)).collect();
        MulticlassTally {
            k,
            conf,
            n,
            loss: loss.value(),
            brier: brier.value(),
            top_hits,
            auc,
        }
    }

    /// One-vs-rest ROC AUC of class `c` (ties count one half).
    fn ovr_auc<W: Weights + ?Sized>(&self, c: usize, w: &W) -> Value {
        let (order, starts) = &self.orders[c];
        let (mut neg_below, mut pairs, mut pos) = (0.0, 0.0, 0.0);
        for g in 0..starts.len() - 1 {
            let (mut wp, mut wn) = (0.0, 0.0);
            for &row in &order[starts[g] as usize..starts[g + 1] as usize] {
                let wi = w.w(row as usize);
                if self.y[row as usize] as usize == c {
                    wp += wi;
                } else {
                    wn += wi;
                }
            }
            pairs += wp * (neg_below + 0.5 * wn);
            neg_below += wn;
            pos += wp;
        }
        if pos == 0.0 || neg_below == 0.0 {
            return Err(Undefined(
                "a class is absent from the labels (or is the only one), so its one-vs-rest ROC AUC is undefined",
            ));
        }
        Ok(pairs / (pos * neg_below))
    }
}

/// Per-class precision, recall, F1 and support.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct PerClass {
    pub labels: Vec<String>,
    pub precision: Vec<Option<f64>>,
    pub recall: Vec<Option<f64>>,
    pub f1: Vec<Option<f64>>,
    pub support: Vec<u64>,
}

const SPEC_BASE: &[MetricSpec] = &[
    MetricSpec {
        key: "accuracy",
        name: "Accuracy",
        definition: "sklearn.metrics.accuracy_score with the argmax class",
        higher_is_better: true,
    },
    MetricSpec {
        key: "balanced_accuracy",
        name: "Balanced accuracy",
        definition: "sklearn.metrics.balanced_accuracy_score: mean recall over the classes present in the labels",
        higher_is_better: true,
    },
    MetricSpec {
        key: "log_loss",
        name: "Log loss",
        definition: "sklearn.metrics.log_loss: mean of -log p(true class), p clipped to [eps, 1-eps], eps = 2.22e-16; rows are not renormalised",
        higher_is_better: false,
    },
    MetricSpec {
        key: "brier",
        name: "Brier score (multiclass)",
        definition: "sklearn.metrics.brier_score_loss with a probability matrix: mean over rows of sum over classes of (p_c - 1[y = c])^2 (not halved for 3+ classes)",
        higher_is_better: false,
    },
    MetricSpec {
        key: "roc_auc_ovr_macro",
        name: "ROC AUC (one-vs-rest, macro)",
        definition: "sklearn.metrics.roc_auc_score(multi_class='ovr', average='macro')",
        higher_is_better: true,
    },
    MetricSpec {
        key: "roc_auc_ovr_weighted",
        name: "ROC AUC (one-vs-rest, weighted)",
        definition: "sklearn.metrics.roc_auc_score(multi_class='ovr', average='weighted'): weighted by class prevalence",
        higher_is_better: true,
    },
    MetricSpec {
        key: "precision_macro",
        name: "Precision (macro)",
        definition: "sklearn.metrics.precision_score(average='macro', zero_division=nan): classes with no predictions are left out",
        higher_is_better: true,
    },
    MetricSpec {
        key: "recall_macro",
        name: "Recall (macro)",
        definition: "sklearn.metrics.recall_score(average='macro', zero_division=nan)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "f1_macro",
        name: "F1 (macro)",
        definition: "sklearn.metrics.f1_score(average='macro', zero_division=nan); per class 2TP / (2TP + FP + FN)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "precision_micro",
        name: "Precision (micro)",
        definition: "sklearn.metrics.precision_score(average='micro')",
        higher_is_better: true,
    },
    MetricSpec {
        key: "recall_micro",
        name: "Recall (micro)",
        definition: "sklearn.metrics.recall_score(average='micro')",
        higher_is_better: true,
    },
    MetricSpec {
        key: "f1_micro",
        name: "F1 (micro)",
        definition: "sklearn.metrics.f1_score(average='micro')",
        higher_is_better: true,
    },
    MetricSpec {
        key: "precision_weighted",
        name: "Precision (weighted)",
        definition: "sklearn.metrics.precision_score(average='weighted', zero_division=nan): weighted by support over classes where defined",
        higher_is_better: true,
    },
    MetricSpec {
        key: "recall_weighted",
        name: "Recall (weighted)",
        definition: "sklearn.metrics.recall_score(average='weighted', zero_division=nan)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "f1_weighted",
        name: "F1 (weighted)",
        definition: "sklearn.metrics.f1_score(average='weighted', zero_division=nan)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "cohen_kappa",
        name: "Cohen's kappa",
        definition: "sklearn.metrics.cohen_kappa_score (unweighted)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "mcc",
        name: "Matthews correlation",
        definition: "sklearn.metrics.matthews_corrcoef (multiclass form); undefined where sklearn returns 0 for a zero denominator",
        higher_is_better: true,
    },
];

/// Top-k accuracy specs for k = 2..=5 (only those with k < number of classes are reported).
const TOP_K: &[MetricSpec] = &[
    MetricSpec {
        key: "top_2_accuracy",
        name: "Top-2 accuracy",
        definition: "sklearn.metrics.top_k_accuracy_score(k=2): equal scores rank the higher class index first",
        higher_is_better: true,
    },
    MetricSpec {
        key: "top_3_accuracy",
        name: "Top-3 accuracy",
        definition: "sklearn.metrics.top_k_accuracy_score(k=3): equal scores rank the higher class index first",
        higher_is_better: true,
    },
    MetricSpec {
        key: "top_4_accuracy",
        name: "Top-4 accuracy",
        definition: "sklearn.metrics.top_k_accuracy_score(k=4): equal scores rank the higher class index first",
        higher_is_better: true,
    },
    MetricSpec {
        key: "top_5_accuracy",
        name: "Top-5 accuracy",
        definition: "sklearn.metrics.top_k_accuracy_score(k=5): equal scores rank the higher class index first",
        higher_is_better: true,
    },
];

/// The metrics reported for `data`, in report order (matches [`MulticlassTally::values`]).
pub fn metric_specs(data: &MulticlassData) -> Vec<MetricSpec> {
    let mut v: Vec<MetricSpec> = SPEC_BASE[..2].to_vec();
    for &t in &data.top_ks {
        v.push(TOP_K[t - 2]);
    }
    v.extend_from_slice(&SPEC_BASE[2..]);
    v
}

/// Mean of the defined values, optionally weighted (sklearn's `_nanaverage`).
fn nan_average(values: &[Value], weights: Option<&[f64]>, why: &'static str) -> Value {
    let (mut s, mut wsum) = (0.0, 0.0);
    for (c, v) in values.iter().enumerate() {
        if let Ok(x) = v {
            let w = weights.map_or(1.0, |w| w[c]);
            s += w * x;
            wsum += w;
        }
    }
    ratio(s, wsum, why)
}

impl MulticlassTally {
    fn row_sums(&self) -> Vec<f64> {
        (0..self.k)
            .map(|t| self.conf[t * self.k..(t + 1) * self.k].iter().sum())
            .collect()
    }
    fn col_sums(&self) -> Vec<f64> {
        (0..self.k)
            .map(|p| (0..self.k).map(|t| self.conf[t * self.k + p]).sum())
            .collect()
    }

    /// Per-class precision, recall and F1 (undefined where the denominator is 0).
    pub fn per_class(&self) -> (Vec<Value>, Vec<Value>, Vec<Value>) {
        let (rows, cols) = (self.row_sums(), self.col_sums());
        let mut p = Vec::with_capacity(self.k);
        let mut r = Vec::with_capacity(self.k);
        let mut f = Vec::with_capacity(self.k);
        for c in 0..self.k {
            let tp = self.conf[c * self.k + c];
            p.push(ratio(tp, cols[c], "class never predicted"));
            r.push(ratio(tp, rows[c], "class absent from the labels"));
            f.push(ratio(
                2.0 * tp,
                rows[c] + cols[c],
                "class neither present nor predicted",
            ));
        }
        (p, r, f)
    }

    /// The values of `specs`, each computed by its key.
    pub fn values_of(&self, specs: &[MetricSpec]) -> Vec<Value> {
        specs.iter().map(|s| self.value(s.key)).collect()
    }

    /// One metric, by key.
    pub fn value(&self, key: &str) -> Value {
        let k = self.k;
        let n = self.n;
        let (rows, cols) = (self.row_sums(), self.col_sums());
        let trace: f64 = (0..k).map(|c| self.conf[c * k + c]).sum();
        let accuracy = ratio(trace, n, "no rows");
        const NONE_DEFINED: &str = "undefined for every class";
        let averaged = |which: usize, weights: Option<&[f64]>| {
            let (p, r, f) = self.per_class();
            let v = [p, r, f];
            nan_average(&v[which], weights, NONE_DEFINED)
        };
        let auc = |weights: Option<&[f64]>| {
            if let Some(e) = self.auc.iter().find_map(|a| a.err()) {
                Err(e)
            } else {
                nan_average(
                    &self.auc,
                    weights,
                    if weights.is_some() {
                        "no rows"
                    } else {
                        "no classes"
                    },
                )
            }
        };
        if let Some(t) = key
            .strip_prefix("top_")
            .and_then(|r| r.strip_suffix("_accuracy"))
            .and_then(|t| t.parse::<usize>().ok())
        {
            // top_hits[i] is for k = i + 2 (see MulticlassData::top_ks).
            return match self.top_hits.get(t.wrapping_sub(2)) {
                Some(&h) if t >= 2 => ratio(h, n, "no rows"),
                _ => Err(Undefined("top-k accuracy needs more than k classes")),
            };
        }
        match key {
            "accuracy" => accuracy,
            "balanced_accuracy" => {
                let recalls: Vec<Value> = (0..k)
                    .filter(|&c| rows[c] > 0.0)
                    .map(|c| Ok(self.conf[c * k + c] / rows[c]))
                    .collect();
                nan_average(&recalls, None, "no rows")
            }
            "log_loss" => ratio(self.loss, n, "no rows"),
            "brier" => ratio(self.brier, n, "no rows"),
            "roc_auc_ovr_macro" => auc(None),
            "roc_auc_ovr_weighted" => auc(Some(&rows)),
            "precision_macro" => averaged(0, None),
            "recall_macro" => averaged(1, None),
            "f1_macro" => averaged(2, None),
            // Single-label multiclass with every class listed: micro P = R = F1 = accuracy.
            "precision_micro" | "recall_micro" | "f1_micro" => accuracy,
            "precision_weighted" => averaged(0, Some(&rows)),
            "recall_weighted" => averaged(1, Some(&rows)),
            "f1_weighted" => averaged(2, Some(&rows)),
            "cohen_kappa" => {
                let pe: f64 = (0..k).map(|c| rows[c] * cols[c]).sum::<f64>() / (n * n);
                let po = trace / n;
                if 1.0 - pe == 0.0 {
                    Err(Undefined("expected agreement is 1 (a single class)"))
                } else {
                    // sklearn: 1 - observed disagreement / expected disagreement
                    Ok(1.0 - (1.0 - po) / (1.0 - pe))
                }
            }
            "mcc" => {
                let cov_ytyp = trace * n - (0..k).map(|c| cols[c] * rows[c]).sum::<f64>();
                let cov_ypyp = n * n - cols.iter().map(|x| x * x).sum::<f64>();
                let cov_ytyt = n * n - rows.iter().map(|x| x * x).sum::<f64>();
                if cov_ypyp * cov_ytyt == 0.0 {
                    Err(Undefined(
                        "labels or predictions hold only one class (sklearn returns 0)",
                    ))
                } else {
                    Ok(cov_ytyp / (cov_ytyt * cov_ypyp).sqrt())
                }
            }
            _ => Err(Undefined("not a multiclass metric")),
        }
    }
}

/// Every multiclass metric spec (with each top-k accuracy), for the registry.
pub fn all_specs() -> Vec<MetricSpec> {
    let mut v: Vec<MetricSpec> = SPEC_BASE[..2].to_vec();
    v.extend_from_slice(TOP_K);
    v.extend_from_slice(&SPEC_BASE[2..]);
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Unit;

    #[test]
    fn top_k_ties_rank_higher_index_first() {
        // Row: probs [0.4, 0.3, 0.3], true class 1. Class 2 ties with class 1
        // and ranks ahead of it, so class 1 is third: not in the top 2.
        let d = MulticlassData::new(vec![1], vec![0.4, 0.3, 0.3], 3);
        assert_eq!(d.true_rank[0], 2);
        let d = MulticlassData::new(vec![2], vec![0.4, 0.3, 0.3], 3);
        assert_eq!(d.true_rank[0], 1);
    }

    #[test]
    fn perfect_predictions() {
        let y = vec![0, 1, 2, 1];
        let p = vec![
            0.8, 0.1, 0.1, //
            0.1, 0.8, 0.1, //
            0.1, 0.1, 0.8, //
            0.2, 0.7, 0.1,
        ];
        let d = MulticlassData::new(y, p, 3);
        let t = d.tally(&Unit);
        let specs = metric_specs(&d);
        let v = t.values_of(&specs);
        assert_eq!(specs.len(), v.len());
        for (s, v) in specs.iter().zip(&v) {
            match s.key {
                "accuracy" | "f1_macro" | "roc_auc_ovr_macro" | "mcc" | "cohen_kappa" => {
                    assert_eq!(*v, Ok(1.0), "{}", s.key)
                }
                _ => {}
            }
        }
    }
}
