//! Statistics shared by every analysis: one definition of each.
//!
//! Before this module existed, log loss had four per-row definitions, argmax
//! ("first maximum") three and the sigmoid two. Analyses that compare with
//! each other (a slice against the whole, calibration against the metrics)
//! must agree to the bit, so each quantity is defined here once:
//!
//! * [`bootstrap`]: percentile bootstrap without copying the data;
//! * [`det`]: elementary functions with the same bits on every platform;
//! * [`hypothesis`]: hypothesis tests (two-proportion z, Fisher's exact),
//!   Benjamini–Hochberg q-values and minimum detectable effects;
//! * [`argmax`], [`sigmoid`], [`softmax_in_place`], [`row_log_loss`],
//!   [`class_log_loss`]: per-row quantities;
//! * [`z_for`], [`wilson`]: normal quantiles and Wilson intervals.

pub mod bootstrap;
pub mod det;
pub mod hypothesis;

use det::Det;

/// scikit-learn's log-loss clipping constant: `np.finfo(np.float64).eps`.
pub const LOG_LOSS_EPS: f64 = f64::EPSILON;

/// Log loss of one binary row, as scikit-learn computes it: the probability
/// of the true class (`1 − p` for a negative, `p` for a positive) clipped to
/// `[eps, 1 − eps]`.
#[inline]
pub fn row_log_loss(p: f64, positive: bool) -> f64 {
    let q = if positive { p } else { 1.0 - p };
    class_log_loss(q)
}

/// Log loss of one row given the probability of its true class (multiclass:
/// the rows are not renormalised, as scikit-learn ≥ 1.5 does not).
#[inline]
pub fn class_log_loss(p_true: f64) -> f64 {
    -p_true.clamp(LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS).dln()
}

/// Index of the largest value; ties go to the first (NumPy's `argmax`, which
/// scikit-learn's `predict` and top-label calibration follow).
#[inline]
pub fn argmax(row: &[f64]) -> usize {
    let mut best = 0;
    for c in 1..row.len() {
        if row[c] > row[best] {
            best = c;
        }
    }
    best
}

/// The logistic function, exact to the last bit on every platform (libm's
/// `exp`): applied to users' logits. The recalibration fitters use a faster
/// variant of their own (`calibration::fit::sigmoid`) whose rounding never
/// reaches a reported score.
#[inline]
pub fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).dexp())
    } else {
        let e = x.dexp();
        e / (1.0 + e)
    }
}

/// Softmax of one row of logits, in place (max-shifted).
pub fn softmax_in_place(row: &mut [f64]) {
    let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut s = 0.0;
    for v in row.iter_mut() {
        *v = (*v - m).dexp();
        s += *v;
    }
    for v in row.iter_mut() {
        *v /= s;
    }
}

/// Normal quantile for a two-sided interval at `level` (1.96 at 0.95).
pub fn z_for(level: f64) -> f64 {
    det::normal_quantile(1.0 - (1.0 - level) / 2.0)
}

/// Wilson score interval of a proportion `k / n` at normal quantile `z`
/// (statsmodels' `proportion_confint(method='wilson')`).
pub fn wilson(k: f64, n: f64, z: f64) -> (f64, f64) {
    let p = k / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((center - half).max(0.0), (center + half).min(1.0))
}

/// `xs.iter().map(f).collect()`, on all cores where the build allows (each
/// element independent: the result does not depend on threads).
pub fn par_map<T: Sync, U: Send>(xs: &[T], f: impl Fn(&T) -> U + Sync + Send) -> Vec<U> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        xs.par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        xs.iter().map(f).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_statsmodels() {
        // statsmodels proportion_confint(7, 20, method='wilson')
        let (lo, hi) = wilson(7.0, 20.0, 1.959963984540054);
        assert!((lo - 0.18119182410108203).abs() < 1e-12, "{lo}");
        assert!((hi - 0.5671457233147638).abs() < 1e-12, "{hi}");
    }

    #[test]
    fn argmax_takes_the_first_maximum() {
        assert_eq!(argmax(&[0.2, 0.4, 0.4]), 1);
        assert_eq!(argmax(&[0.5]), 0);
    }

    #[test]
    fn log_loss_clips_like_sklearn() {
        assert_eq!(row_log_loss(1.0, true), -(1.0 - LOG_LOSS_EPS).dln());
        assert_eq!(row_log_loss(1.0, false), -(LOG_LOSS_EPS).dln());
        assert!((sigmoid(0.0) - 0.5).abs() < 1e-16);
        let mut r = [1.0, 1.0];
        softmax_in_place(&mut r);
        assert_eq!(r, [0.5, 0.5]);
    }
}
