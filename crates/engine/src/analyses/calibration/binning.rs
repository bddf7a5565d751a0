//! Bins for reliability diagrams, exactly as scikit-learn's
//! `calibration_curve` makes them.
//!
//! * **uniform**: edges `np.linspace(0, 1, M + 1)`;
//! * **quantile** (equal mass): edges `np.percentile(p, np.linspace(0, 1, M + 1) * 100)`
//!   with NumPy's default linear interpolation, reproduced operation for
//!   operation so that a score lying exactly on an edge falls in the same bin;
//! * a score goes to bin `np.searchsorted(edges[1:-1], p)` (side left): bins
//!   are `(e_k, e_k+1]`, the first one closed at its left end too.

use serde::{Deserialize, Serialize};

/// How bin edges are chosen.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// Equal-width bins on [0, 1].
    #[default]
    Uniform,
    /// Equal-mass bins (edges at quantiles of the scores).
    Quantile,
}

impl std::str::FromStr for Strategy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "uniform" | "equal-width" => Ok(Strategy::Uniform),
            "quantile" | "equal-mass" | "adaptive" => Ok(Strategy::Quantile),
            _ => Err(format!("unknown binning '{s}' (uniform or quantile)")),
        }
    }
}

/// `np.linspace(0, 1, m + 1)`: `arange(m + 1) * (1 / m)`, last element exactly 1.
pub fn linspace01(m: usize) -> Vec<f64> {
    let step = 1.0 / m as f64;
    let mut v: Vec<f64> = (0..=m).map(|k| k as f64 * step).collect();
    v[m] = 1.0;
    v
}

/// NumPy's `_lerp`: `a + (b - a) * t`, or `b - (b - a) * (1 - t)` for t ≥ 0.5.
fn np_lerp(a: f64, b: f64, t: f64) -> f64 {
    let d = b - a;
    if t >= 0.5 {
        b - d * (1.0 - t)
    } else {
        a + d * t
    }
}

/// `np.percentile(sorted, q * 100)` for each `q`, linear method, on values
/// already sorted ascending.
pub fn np_percentiles(sorted: &[f64], qs: &[f64]) -> Vec<f64> {
    let n = sorted.len();
    qs.iter()
        .map(|&q| {
            // sklearn passes q * 100; NumPy divides it by 100 again.
            let q = (q * 100.0) / 100.0;
            let virtual_index = (n as f64 - 1.0) * q;
            if virtual_index <= 0.0 {
                return sorted[0];
            }
            if virtual_index >= (n - 1) as f64 {
                return sorted[n - 1];
            }
            let prev = virtual_index.floor();
            let gamma = virtual_index - prev;
            let i = prev as usize;
            np_lerp(sorted[i], sorted[(i + 1).min(n - 1)], gamma)
        })
        .collect()
}

/// Bin edges (`m + 1` values) for scores `p`.
pub fn edges(p: &[f64], m: usize, strategy: Strategy) -> Vec<f64> {
    let lin = linspace01(m);
    match strategy {
        Strategy::Uniform => lin,
        Strategy::Quantile => {
            if p.is_empty() {
                return lin;
            }
            if p.is_sorted() {
                return np_percentiles(p, &lin);
            }
            let mut s = p.to_vec();
            s.sort_by(f64::total_cmp);
            np_percentiles(&s, &lin)
        }
    }
}

/// Bin index of `x`: the number of inner edges strictly below it
/// (`np.searchsorted(edges[1:-1], x, side='left')`).
#[inline]
pub fn bin_of(inner: &[f64], x: f64) -> usize {
    inner.partition_point(|&e| e < x)
}

/// Bin index of every score (at most 255 bins: the callers check).
///
/// Scores already in ascending order (the binary analysis sorts them) are
/// binned by finding each edge once, in O(m log n), instead of searching the
/// edges for every score; the bins are the same either way.
pub fn assign(p: &[f64], edges: &[f64]) -> Vec<u8> {
    let inner = &edges[1..edges.len() - 1];
    debug_assert!(inner.len() < 256);
    if p.is_sorted() {
        let mut out = vec![0u8; p.len()];
        let mut from = 0;
        for (b, &e) in inner.iter().enumerate() {
            // Scores ≤ e (not yet placed) belong to bin b.
            let to = from + p[from..].partition_point(|&x| x <= e);
            out[from..to].fill(b as u8);
            from = to;
        }
        out[from..].fill(inner.len() as u8);
        return out;
    }
    crate::stats::par_map(p, |&x| bin_of(inner, x) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sklearn_docstring_example() {
        // sklearn's calibration_curve docstring, n_bins=3 uniform:
        // prob_true [0, 0.5, 1], prob_pred [0.2, 0.525, 0.85]
        let y = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        let p = [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1.0];
        let e = edges(&p, 3, Strategy::Uniform);
        let b = assign(&p, &e);
        assert_eq!(b, vec![0, 0, 0, 1, 1, 2, 2, 2, 2]);
        let mean = |k: u8, v: &[f64]| {
            let (s, c) = b
                .iter()
                .zip(v)
                .filter(|(bb, _)| **bb == k)
                .fold((0.0, 0.0), |(s, c), (_, x)| (s + x, c + 1.0));
            s / c
        };
        assert_eq!(mean(0, &y), 0.0);
        assert_eq!(mean(1, &y), 0.5);
        assert!((mean(1, &p) - 0.525).abs() < 1e-15);
        assert!((mean(2, &p) - 0.85).abs() < 1e-15);
    }

    #[test]
    fn sorted_and_unsorted_scores_get_the_same_bins() {
        let e = edges(&[], 4, Strategy::Uniform);
        let mut p = vec![0.0, 0.25, 0.25, 0.3, 0.5, 0.5, 0.75, 0.76, 1.0, 1.0];
        let sorted = assign(&p, &e);
        p.reverse();
        let mut unsorted = assign(&p, &e);
        unsorted.reverse();
        assert_eq!(sorted, vec![0, 0, 0, 1, 1, 1, 2, 3, 3, 3]);
        assert_eq!(sorted, unsorted);
    }

    #[test]
    fn edge_values_go_to_the_lower_bin() {
        let e = [0.0, 0.5, 1.0];
        assert_eq!(bin_of(&e[1..2], 0.5), 0);
        assert_eq!(bin_of(&e[1..2], 0.5000001), 1);
        assert_eq!(bin_of(&e[1..2], 0.0), 0);
        assert_eq!(bin_of(&e[1..2], 1.0), 1);
    }
}
