//! Percentile bootstrap without copying the data.
//!
//! A bootstrap resample of `n` rows draws `n` row indices uniformly with
//! replacement. What any metric needs from a resample is how many times each
//! row was drawn, so a resample here is a vector of multiplicities (`counts`),
//! and metrics are computed as weighted tallies over the original (pre-sorted)
//! rows. Nothing is copied, nothing is re-sorted: one `u32` per row per worker
//! thread is all the extra memory.
//!
//! Because uniform draws over rows are uniform draws over any fixed ordering
//! of the rows, the counts can index the rows in whatever order the metric
//! keeps them (by score for binary metrics), which keeps the weighted pass a
//! linear scan.
//!
//! **Reproducibility.** Resample `b` uses its own generator, seeded from
//! `(seed, b)`, so the numbers do not depend on thread scheduling, on the
//! number of threads, or on the platform (native and wasm32 give identical
//! intervals): the same seed gives the same report.
//!
//! **Interval.** The percentile interval at level `1 − α`: the `α/2` and
//! `1 − α/2` quantiles of the resampled statistics, with NumPy's default
//! (linear) quantile interpolation. Resamples in which a metric is undefined
//! (e.g. a resample with no positives, for recall) are left out, and the
//! number of valid resamples is reported with the interval.

use crate::metrics::{Interval, Value};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// Bootstrap settings.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BootstrapOptions {
    /// Number of resamples (0 disables intervals).
    pub resamples: usize,
    /// Seed of the resampling.
    pub seed: u64,
    /// Confidence level, e.g. 0.95.
    pub level: f64,
}

impl Default for BootstrapOptions {
    fn default() -> Self {
        BootstrapOptions {
            resamples: 1000,
            seed: 0,
            level: 0.95,
        }
    }
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Fill `counts` with the multiplicities of resample `b`.
pub fn draw_counts(counts: &mut [u32], seed: u64, b: u64) {
    counts.fill(0);
    let n = counts.len() as u32;
    if n == 0 {
        return;
    }
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(splitmix64(splitmix64(seed) ^ b));
    for _ in 0..n {
        counts[rng.random_range(0..n) as usize] += 1;
    }
}

/// Run `stat` on each resample of `n` rows. Returns `values[m][b]`: metric
/// `m` in resample `b`, `None` where undefined. `progress(done, total)` is
/// called between batches.
pub fn run<F>(
    n: usize,
    opts: &BootstrapOptions,
    progress: &mut dyn FnMut(usize, usize),
    stat: F,
) -> Vec<Vec<Option<f64>>>
where
    F: Fn(&[u32]) -> Vec<Value> + Sync,
{
    let total = opts.resamples;
    let mut per_resample: Vec<Vec<Value>> = Vec::with_capacity(total);
    let batch = (total / 50).clamp(8, 64);
    let mut start = 0;
    progress(0, total);
    while start < total {
        let end = (start + batch).min(total);
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            let out: Vec<Vec<Value>> = (start..end)
                .into_par_iter()
                .map_init(
                    || vec![0u32; n],
                    |counts, b| {
                        draw_counts(counts, opts.seed, b as u64);
                        stat(counts)
                    },
                )
                .collect();
            per_resample.extend(out);
        }
        #[cfg(not(feature = "parallel"))]
        {
            let mut counts = vec![0u32; n];
            for b in start..end {
                draw_counts(&mut counts, opts.seed, b as u64);
                per_resample.push(stat(&counts));
            }
        }
        start = end;
        progress(start, total);
    }
    let m = per_resample.first().map_or(0, Vec::len);
    (0..m)
        .map(|k| per_resample.iter().map(|r| r[k].ok()).collect())
        .collect()
}

/// NumPy's default (`linear`) quantile of sorted values.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let m = sorted.len();
    if m == 1 {
        return sorted[0];
    }
    let h = (m - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(m - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Percentile interval from one metric's resampled values.
pub fn percentile_interval(values: &[Option<f64>], level: f64) -> Option<Interval> {
    let mut v: Vec<f64> = values.iter().flatten().copied().collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let alpha = 1.0 - level;
    Some(Interval {
        lower: quantile_sorted(&v, alpha / 2.0),
        upper: quantile_sorted(&v, 1.0 - alpha / 2.0),
        level,
        method: "percentile_bootstrap".into(),
        resamples: Some(values.len()),
        valid: Some(v.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_sum_to_n_and_are_reproducible() {
        let mut a = vec![0u32; 1000];
        let mut b = vec![0u32; 1000];
        draw_counts(&mut a, 7, 3);
        draw_counts(&mut b, 7, 3);
        assert_eq!(a, b);
        assert_eq!(a.iter().sum::<u32>(), 1000);
        draw_counts(&mut b, 7, 4);
        assert_ne!(a, b);
        draw_counts(&mut b, 8, 3);
        assert_ne!(a, b);
    }

    #[test]
    fn numpy_linear_quantile() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.5), 2.5);
        assert_eq!(quantile_sorted(&v, 0.0), 1.0);
        assert_eq!(quantile_sorted(&v, 1.0), 4.0);
        assert!((quantile_sorted(&v, 0.025) - 1.075).abs() < 1e-15);
    }

    #[test]
    fn mean_interval_covers_truth_and_is_stable() {
        // Bootstrap of a mean of 0..1000: the interval should be near
        // mean ± 1.96 * sd / sqrt(n) ≈ 499.5 ± 17.9.
        let x: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        let opts = BootstrapOptions {
            resamples: 400,
            seed: 1,
            level: 0.95,
        };
        let stat = |c: &[u32]| -> Vec<Value> {
            let (mut s, mut w) = (0.0, 0.0);
            for (xi, &ci) in x.iter().zip(c) {
                s += xi * ci as f64;
                w += ci as f64;
            }
            vec![Ok(s / w)]
        };
        let a = run(x.len(), &opts, &mut |_, _| {}, stat);
        let b = run(x.len(), &opts, &mut |_, _| {}, stat);
        assert_eq!(a, b);
        let ci = percentile_interval(&a[0], 0.95).unwrap();
        assert!(ci.lower < 499.5 && ci.upper > 499.5);
        let half = (ci.upper - ci.lower) / 2.0;
        assert!((half - 17.9).abs() < 3.0, "half width {half}");
    }
}
