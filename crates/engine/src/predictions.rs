//! Validated predictions, as every analysis reads them.
//!
//! [`Predictions`] wraps what [`prepare`](crate::prepare) produced and adds
//! the views several analyses share, built once on first use:
//!
//! * [`SortedBinary`], the rows of a binary task sorted by (score, label)
//!   with each row's log loss. The evaluation's one-pass metrics and the
//!   calibration's reliability scores both walk this order. That they walk
//!   the *same* order matters beyond saving a sort: bootstrap resample `b`
//!   is a vector of multiplicities over rows in this order, so resample `b`
//!   draws the same rows in both sections, and a score both report (Brier,
//!   log loss) gets the same interval in both.
//! * [`Predictions::subset`], the predictions of some rows (a slice, the
//!   calibration rows of a split).

use crate::prepare::{Prepared, Task};
use crate::stats::{par_map, row_log_loss};
use std::sync::OnceLock;

/// The sort key of a binary row: (score, label) as one `u64` (`-0.0` taken
/// as `0.0`). Everything that orders binary rows "as the metrics do" uses it.
#[inline]
pub(crate) fn sort_key(score: f64, positive: bool) -> u64 {
    let s = if score == 0.0 { 0.0f64 } else { score };
    debug_assert!(s >= 0.0);
    (s.to_bits() << 1) | positive as u64
}

/// Rows of a binary task sorted by score, then label.
#[derive(Debug, Clone)]
pub struct SortedBinary {
    /// Scores, ascending.
    pub scores: Vec<f64>,
    /// `labels[i]` is 1 when sorted row `i` is positive.
    pub labels: Vec<u8>,
    /// Each sorted row's log loss (scikit-learn's clipping).
    pub loss: Vec<f64>,
}

impl SortedBinary {
    /// Sort once. `y[i]` true for positives; `p[i]` finite scores in [0, 1].
    pub fn new(y: &[bool], p: &[f64]) -> SortedBinary {
        assert_eq!(y.len(), p.len());
        // Sort (score, label) as one u64 key: scores are in [0, 1], so their
        // bit patterns order like the numbers and the sign bit is free to
        // shift out; the label rides in the lowest bit. Sorting 8-byte keys
        // with a radix sort is the fastest way to order a million rows.
        let mut keys: Vec<u64> = p.iter().zip(y).map(|(&s, &l)| sort_key(s, l)).collect();
        radsort::sort(&mut keys);
        // A logarithm per row: worth every core.
        let loss = par_map(&keys, |&k| row_log_loss(f64::from_bits(k >> 1), k & 1 == 1));
        let scores: Vec<f64> = keys.iter().map(|&k| f64::from_bits(k >> 1)).collect();
        let labels: Vec<u8> = keys.iter().map(|&k| (k & 1) as u8).collect();
        SortedBinary {
            scores,
            labels,
            loss,
        }
    }

    pub fn len(&self) -> usize {
        self.scores.len()
    }

    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }
}

/// Validated predictions and their shared views.
#[derive(Debug)]
pub struct Predictions {
    prepared: Prepared,
    sorted: OnceLock<Option<SortedBinary>>,
}

impl Clone for Predictions {
    fn clone(&self) -> Self {
        Predictions::new(self.prepared.clone())
    }
}

impl Predictions {
    pub fn new(prepared: Prepared) -> Predictions {
        Predictions {
            prepared,
            sorted: OnceLock::new(),
        }
    }

    /// The predictions as validated.
    pub fn prepared(&self) -> &Prepared {
        &self.prepared
    }

    pub fn task(&self) -> Task {
        self.prepared.task()
    }

    pub fn len(&self) -> usize {
        self.prepared.len()
    }

    pub fn is_empty(&self) -> bool {
        self.prepared.is_empty()
    }

    /// The rows sorted by score (binary tasks only), built on first use.
    pub fn sorted_binary(&self) -> Option<&SortedBinary> {
        self.sorted
            .get_or_init(|| match &self.prepared {
                Prepared::Binary { y, p, .. } => Some(SortedBinary::new(y, p)),
                _ => None,
            })
            .as_ref()
    }

    /// The predictions of `rows` (in that order).
    pub fn subset(&self, rows: &[usize]) -> Predictions {
        Predictions::new(self.prepared.subset(rows))
    }
}

impl Prepared {
    /// Restrict to `rows` (in that order).
    pub fn subset(&self, rows: &[usize]) -> Prepared {
        match self {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_view_orders_by_score_then_label_and_is_built_once() {
        let p = Predictions::new(Prepared::Binary {
            y: vec![true, false, false, true],
            p: vec![0.5, 0.5, 0.1, 0.0],
            positive: "1".into(),
            negative: Some("0".into()),
            score: "p".into(),
        });
        let s = p.sorted_binary().unwrap();
        assert_eq!(s.scores, vec![0.0, 0.1, 0.5, 0.5]);
        assert_eq!(s.labels, vec![1, 0, 0, 1]);
        assert!(std::ptr::eq(s, p.sorted_binary().unwrap()));
        let sub = p.subset(&[3, 0]);
        assert_eq!(sub.len(), 2);
        assert_eq!(sub.sorted_binary().unwrap().labels, vec![1, 1]);
    }
}
