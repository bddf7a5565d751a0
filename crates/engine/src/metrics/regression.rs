//! Regression metrics, each as scikit-learn defines it.
//!
//! Rows are kept sorted by absolute error so that the median and the maximum
//! absolute error of any weighted resample come out of the same linear pass
//! as the sums.

use super::{Acc, MetricSpec, Undefined, Value, Weights, ratio};

/// Metrics reported for a regression task, in report order.
pub const METRICS: &[MetricSpec] = &[
    MetricSpec {
        key: "mae",
        name: "Mean absolute error",
        definition: "sklearn.metrics.mean_absolute_error",
        higher_is_better: false,
    },
    MetricSpec {
        key: "mse",
        name: "Mean squared error",
        definition: "sklearn.metrics.mean_squared_error",
        higher_is_better: false,
    },
    MetricSpec {
        key: "rmse",
        name: "Root mean squared error",
        definition: "sklearn.metrics.root_mean_squared_error",
        higher_is_better: false,
    },
    MetricSpec {
        key: "mape",
        name: "Mean absolute percentage error",
        definition: "sklearn.metrics.mean_absolute_percentage_error: mean of |y - ŷ| / max(|y|, eps), eps = 2.22e-16 (a fraction, not ×100)",
        higher_is_better: false,
    },
    MetricSpec {
        key: "r2",
        name: "R²",
        definition: "sklearn.metrics.r2_score: 1 - SS_res / SS_tot; undefined for a constant target (sklearn returns 1 or 0)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "explained_variance",
        name: "Explained variance",
        definition: "sklearn.metrics.explained_variance_score: 1 - Var(y - ŷ) / Var(y); undefined for a constant target",
        higher_is_better: true,
    },
    MetricSpec {
        key: "median_ae",
        name: "Median absolute error",
        definition: "sklearn.metrics.median_absolute_error (numpy median: mean of the two middle values for even n)",
        higher_is_better: false,
    },
    MetricSpec {
        key: "max_error",
        name: "Max error",
        definition: "sklearn.metrics.max_error: max |y - ŷ|",
        higher_is_better: false,
    },
];

/// Rows sorted by absolute error.
#[derive(Debug, Clone)]
pub struct RegressionData {
    /// Targets (sorted by absolute error).
    pub y: Vec<f64>,
    /// Residuals y − ŷ (same order).
    pub r: Vec<f64>,
    /// Absolute residuals, ascending.
    pub abs_r: Vec<f64>,
    /// |r| / max(|y|, eps) per row.
    ape: Vec<f64>,
    /// Sorted position → original row.
    pub order: Vec<u32>,
}

impl RegressionData {
    /// Build from targets and predictions (finite).
    pub fn new(y: &[f64], yhat: &[f64]) -> Self {
        assert_eq!(y.len(), yhat.len());
        let r0: Vec<f64> = y.iter().zip(yhat).map(|(a, b)| a - b).collect();
        let abs0: Vec<f64> = r0.iter().map(|x| x.abs()).collect();
        let order = super::argsort(&abs0);
        let pick = |v: &[f64]| -> Vec<f64> { order.iter().map(|&i| v[i as usize]).collect() };
        let y_s = pick(y);
        let r = pick(&r0);
        let abs_r = pick(&abs0);
        let ape = abs_r
            .iter()
            .zip(&y_s)
            .map(|(a, t)| a / t.abs().max(f64::EPSILON))
            .collect();
        RegressionData {
            y: y_s,
            r,
            abs_r,
            ape,
            order,
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

    /// Every metric of [`METRICS`], in that order; `w` indexed by sorted position.
    pub fn values<W: Weights + ?Sized>(&self, w: &W) -> Vec<Value> {
        let s = self.summary(w);
        METRICS.iter().map(|m| s.value(m.key)).collect()
    }

    /// The weighted sums every metric derives from; `w` indexed by sorted position.
    pub fn summary<W: Weights + ?Sized>(&self, w: &W) -> RegressionSummary {
        let n = self.y.len();
        let (mut sw, mut sy, mut sr) = (0.0, W::Acc::default(), W::Acc::default());
        let (mut sabs, mut ssq, mut sape) =
            (W::Acc::default(), W::Acc::default(), W::Acc::default());
        let mut max = None;
        for i in 0..n {
            let wi = w.w(i);
            if wi == 0.0 {
                continue;
            }
            sw += wi;
            sy.add(wi * self.y[i]);
            sr.add(wi * self.r[i]);
            sabs.add(wi * self.abs_r[i]);
            ssq.add(wi * self.r[i] * self.r[i]);
            sape.add(wi * self.ape[i]);
            max = Some(self.abs_r[i]);
        }
        if sw == 0.0 {
            return RegressionSummary::default();
        }
        let ybar = sy.value() / sw;
        let rbar = sr.value() / sw;
        let (mut ss_tot, mut ss_rc) = (W::Acc::default(), W::Acc::default());
        for i in 0..n {
            let wi = w.w(i);
            if wi == 0.0 {
                continue;
            }
            let dy = self.y[i] - ybar;
            let dr = self.r[i] - rbar;
            ss_tot.add(wi * dy * dy);
            ss_rc.add(wi * dr * dr);
        }
        RegressionSummary {
            weight: sw,
            abs: sabs.value(),
            sq: ssq.value(),
            ape: sape.value(),
            ss_tot: ss_tot.value(),
            ss_rc: ss_rc.value(),
            median_abs: self.weighted_median_abs(w, sw),
            max_abs: max,
        }
    }

    /// Median of the absolute errors of the weighted multiset: the mean of the
    /// values at 0-based positions ⌊(W−1)/2⌋ and ⌊W/2⌋ of the expanded list.
    fn weighted_median_abs<W: Weights + ?Sized>(&self, w: &W, total: f64) -> f64 {
        let lo_pos = ((total - 1.0) / 2.0).floor();
        let hi_pos = (total / 2.0).floor();
        let (mut lo, mut hi) = (None, None);
        let mut cum = 0.0;
        for i in 0..self.abs_r.len() {
            cum += w.w(i);
            if lo.is_none() && cum > lo_pos {
                lo = Some(self.abs_r[i]);
            }
            if cum > hi_pos {
                hi = Some(self.abs_r[i]);
                break;
            }
        }
        let (lo, hi) = (lo.unwrap_or(f64::NAN), hi.unwrap_or(f64::NAN));
        (lo + hi) / 2.0
    }
}

/// Weighted sums of one pass (all zero for no rows).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RegressionSummary {
    pub weight: f64,
    pub abs: f64,
    pub sq: f64,
    pub ape: f64,
    /// Σ w (y − ȳ)².
    pub ss_tot: f64,
    /// Σ w (r − r̄)², r the residual.
    pub ss_rc: f64,
    pub median_abs: f64,
    pub max_abs: Option<f64>,
}

impl RegressionSummary {
    /// One metric, by key.
    pub fn value(&self, key: &str) -> Value {
        let sw = self.weight;
        if sw == 0.0 {
            return Err(Undefined("no rows"));
        }
        const CONSTANT: &str = "the target is constant (sklearn returns 1.0 or 0.0 by convention)";
        let mse = self.sq / sw;
        match key {
            "mae" => Ok(self.abs / sw),
            "mse" => Ok(mse),
            "rmse" => Ok(mse.sqrt()),
            "mape" => Ok(self.ape / sw),
            "r2" => ratio(self.sq, self.ss_tot, CONSTANT).map(|x| 1.0 - x),
            "explained_variance" => ratio(self.ss_rc, self.ss_tot, CONSTANT).map(|x| 1.0 - x),
            "median_ae" => Ok(self.median_abs),
            "max_error" => self.max_abs.ok_or(Undefined("no rows")),
            _ => Err(Undefined("not a regression metric")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Unit;

    #[test]
    fn simple_values() {
        let d = RegressionData::new(&[1.0, 2.0, 3.0, 4.0], &[1.0, 2.5, 2.0, 4.0]);
        let v = d.values(&Unit);
        assert_eq!(v[0], Ok(0.375)); // mae
        assert_eq!(v[1], Ok(0.3125)); // mse
        assert_eq!(v[6], Ok(0.25)); // median of [0, 0, 0.5, 1]
        assert_eq!(v[7], Ok(1.0));
    }

    #[test]
    fn constant_target_is_undefined() {
        let d = RegressionData::new(&[2.0, 2.0], &[1.0, 3.0]);
        let v = d.values(&Unit);
        assert!(v[4].is_err());
        assert!(v[5].is_err());
    }

    #[test]
    fn weighted_median_matches_expansion() {
        let d = RegressionData::new(&[0.0; 4], &[1.0, 2.0, 3.0, 4.0]);
        // weights 0,3,1,0 → multiset {2,2,2,3}: median 2
        let w: Vec<u32> = vec![0, 3, 1, 0];
        assert_eq!(d.values(&w[..])[6], Ok(2.0));
        // weights 1,1,1,1 → {1,2,3,4}: median 2.5
        assert_eq!(d.values(&Unit)[6], Ok(2.5));
    }
}
