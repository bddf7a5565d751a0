#![allow(clippy::needless_range_loop)] // index loops read best in this numeric code
//! Exact maximum-likelihood fits for the calibration maps.
//!
//! Every map here has at most three parameters and a convex negative
//! log-likelihood, so Newton's method with a backtracking line search
//! converges quadratically to machine precision in a handful of passes over
//! the data. (A fixed small number of gradient steps, as some libraries do,
//! leaves the fit visibly off.) Convergence: the Newton step's size falls
//! below 1e-13 × (1 + |θ|), or the gradient below 1e-12 × n.

use crate::metrics::Undefined;
use crate::stats::det::Det;

/// log(1 + e^x) and σ(x) from a single exponential (the hot pair of every
/// logistic fit).
#[inline]
pub fn log1pexp_sigmoid(x: f64) -> (f64, f64) {
    let e = (-x.abs()).dexp();
    let l = x.max(0.0) + e.dln_1p();
    let s = if x >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    };
    (l, s)
}

/// Rows per chunk of [`chunked_sum`].
const CHUNK: usize = 16384;

/// Σ over rows of `f(range)` computed chunk by chunk: in parallel where the
/// build allows, but always added up in chunk order, so the result does not
/// depend on the number of threads (or the platform).
pub fn chunked_sum<const K: usize, F>(n: usize, f: F) -> [f64; K]
where
    F: Fn(std::ops::Range<usize>) -> [f64; K] + Sync,
{
    let chunks: Vec<std::ops::Range<usize>> = (0..n.div_ceil(CHUNK))
        .map(|c| c * CHUNK..((c + 1) * CHUNK).min(n))
        .collect();
    #[cfg(feature = "parallel")]
    let parts: Vec<[f64; K]> = {
        use rayon::prelude::*;
        chunks.into_par_iter().map(&f).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let parts: Vec<[f64; K]> = chunks.into_iter().map(&f).collect();
    let mut total = [0.0; K];
    for p in parts {
        for k in 0..K {
            total[k] += p[k];
        }
    }
    total
}

/// Numerically stable log(1 + e^x).
#[inline]
pub fn log1pexp(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).dexp().dln_1p()
    } else {
        x.dexp().dln_1p()
    }
}

/// Numerically stable logistic function.
#[inline]
pub fn sigmoid(x: f64) -> f64 {
    // One branch-free form: e = exp(−|x|) ∈ (0, 1].
    let e = crate::stats::det::fast_exp(-x.abs());
    let s = 1.0 / (1.0 + e);
    if x >= 0.0 { s } else { e * s }
}

/// Scores are clipped to [LOGIT_EPS, 1 − LOGIT_EPS] before taking logits (or
/// logs), so that a score of exactly 0 or 1 maps to ±27.6, never ±∞.
pub const LOGIT_EPS: f64 = 1e-12;

/// logit(clip(p)).
#[inline]
pub fn logit(p: f64) -> f64 {
    let p = p.clamp(LOGIT_EPS, 1.0 - LOGIT_EPS);
    (p / (1.0 - p)).dln()
}

/// Solve the k×k symmetric system `h x = g` (k ≤ 3) by Gaussian elimination
/// with partial pivoting. `None` if singular.
fn solve(h: &[[f64; 3]; 3], g: &[f64; 3], k: usize) -> Option<[f64; 3]> {
    let mut a = *h;
    let mut b = *g;
    let scale = (0..k).fold(0.0f64, |m, i| m.max(h[i][i].abs()));
    for col in 0..k {
        let piv = (col..k).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        // Relative to the matrix's scale: rounding leaves ~1e-16 where an
        // exactly singular system (constant features) has 0.
        if a[piv][col].abs() <= 1e-12 * scale || scale == 0.0 {
            return None;
        }
        a.swap(col, piv);
        b.swap(col, piv);
        for r in col + 1..k {
            let f = a[r][col] / a[col][col];
            for c in col..k {
                a[r][c] -= f * a[col][c];
            }
            b[r] -= f * b[col];
        }
    }
    let mut x = [0.0; 3];
    for r in (0..k).rev() {
        let mut s = b[r];
        for c in r + 1..k {
            s -= a[r][c] * x[c];
        }
        x[r] = s / a[r][r];
    }
    Some(x)
}

/// A Newton step this small (relative to the parameter) is the last one:
/// convergence is quadratic, so the point after it is within ~1e-16 of the
/// optimum — as exact as the sums over the rows that define it.
const NEWTON_DONE: f64 = 1e-8;

/// Weighted logistic regression `P(y = 1) = σ(Σ_j θ_j x_ij)` on up to three
/// features (include a constant 1 feature for an intercept). Returns θ.
///
/// `features(i)` gives row i's feature vector; `y(i)` ∈ {0, 1}; `w(i)` ≥ 0.
///
/// Newton's method, one pass over the rows per iteration computing the
/// gradient and Hessian (one exponential per row). A step is accepted when
/// it shrinks the Newton decrement gᵀH⁻¹g — the affine-invariant measure of
/// distance to the optimum — which near the optimum it always does,
/// quadratically; otherwise the step is halved against the exact objective
/// (the only time a logarithm per row is paid). Fails (undefined) when the
/// outcome is perfectly separated by the features, so that no finite
/// maximum exists.
pub fn logistic<F, Y, W>(
    n: usize,
    k: usize,
    features: F,
    y: Y,
    w: W,
    start: [f64; 3],
) -> Result<[f64; 3], Undefined>
where
    F: Fn(usize) -> [f64; 3] + Sync,
    Y: Fn(usize) -> f64 + Sync,
    W: Fn(usize) -> f64 + Sync,
{
    assert!(k == 2 || k == 3, "logistic fits take 2 or 3 features");
    // On many rows, first fit an evenly strided sample: its optimum is a
    // start from which the full fit needs only two or three passes. (The
    // answer is the full data's exact optimum either way.)
    const SAMPLE_OVER: usize = 1 << 16;
    let start = if n > 4 * SAMPLE_OVER {
        logistic_strided(n, k, n / SAMPLE_OVER, &features, &y, &w, start).unwrap_or(start)
    } else {
        start
    };
    logistic_strided(n, k, 1, &features, &y, &w, start)
}

/// [`logistic`] over every `stride`-th row.
fn logistic_strided<F, Y, W>(
    n: usize,
    k: usize,
    stride: usize,
    features: &F,
    y: &Y,
    w: &W,
    start: [f64; 3],
) -> Result<[f64; 3], Undefined>
where
    F: Fn(usize) -> [f64; 3] + Sync,
    Y: Fn(usize) -> f64 + Sync,
    W: Fn(usize) -> f64 + Sync,
{
    let features = |i: usize| features(i * stride);
    let y = |i: usize| y(i * stride);
    let w = |i: usize| w(i * stride);
    let n = n.div_ceil(stride);
    // [g0, g1, g2, h00, h10, h11, h20, h21, h22, Σw]
    let grad = |t: &[f64; 3]| -> [f64; 10] {
        match k {
            2 => grad_pass::<2, _, _, _>(n, t, &features, &y, &w),
            _ => grad_pass::<3, _, _, _>(n, t, &features, &y, &w),
        }
    };
    let objective = |t: &[f64; 3]| -> f64 {
        chunked_sum::<1, _>(n, |r| {
            let mut s = 0.0;
            for i in r {
                let wi = w(i);
                if wi == 0.0 {
                    continue;
                }
                let x = features(i);
                let eta: f64 = (0..k).map(|j| t[j] * x[j]).sum();
                s += wi * (log1pexp(eta) - y(i) * eta);
            }
            [s]
        })[0]
    };
    // Newton step H⁻¹g and decrement gᵀH⁻¹g at a pass's sums.
    let newton = |a: &[f64; 10]| -> Result<([f64; 3], f64), Undefined> {
        let g = [a[0], a[1], a[2]];
        let h = [[a[3], a[4], a[6]], [a[4], a[5], a[7]], [a[6], a[7], a[8]]];
        // Singular curvature: the parameters are not identified (constant
        // scores, or a constant outcome).
        let step = solve(&h, &g, k).ok_or(Undefined(
            "the fit has no unique solution (the scores carry no information, or the outcome is constant)",
        ))?;
        let dec: f64 = (0..k).map(|j| g[j] * step[j]).sum();
        Ok((step, dec))
    };
    let separated =
        Undefined("the outcome is perfectly separated by the score, so the fit diverges");
    let mut theta = start;
    let first = grad(&theta);
    let total_w = first[9];
    let (mut step, mut dec) = newton(&first)?;
    for _ in 0..200 {
        if (0..k).all(|j| step[j].abs() <= NEWTON_DONE * (1.0 + theta[j].abs())) || dec == 0.0 {
            for j in 0..k {
                theta[j] -= step[j];
            }
            return Ok(theta);
        }
        let mut cand = theta;
        for j in 0..k {
            cand[j] -= step[j];
        }
        let next = grad(&cand);
        let accepted = match newton(&next) {
            Ok((s2, d2)) if d2 < dec && cand.iter().all(|v| v.is_finite()) => {
                theta = cand;
                (step, dec) = (s2, d2);
                true
            }
            _ => false,
        };
        if !accepted {
            // Backtrack on the exact objective.
            let f = objective(&theta);
            let mut t = 0.5;
            loop {
                let mut c = theta;
                for j in 0..k {
                    c[j] -= t * step[j];
                }
                if objective(&c) <= f + 1e-14 * f.abs() {
                    theta = c;
                    (step, dec) = newton(&grad(&theta))?;
                    break;
                }
                t *= 0.5;
                if t < 1e-12 {
                    // No descent along Newton's direction: at the optimum.
                    return Ok(theta);
                }
            }
        }
        // Coefficients running off to infinity: check for separation (a
        // loss of ~0) before going on.
        if theta[..k].iter().any(|v| !v.is_finite()) {
            return Err(separated);
        }
        if theta[..k].iter().any(|v| v.abs() > 30.0) && objective(&theta) <= 1e-9 * total_w {
            return Err(separated);
        }
    }
    Err(separated)
}

/// One pass of the logistic gradient and Hessian with K features (K known
/// at compile time, so the inner loops unroll).
fn grad_pass<const K: usize, F, Y, W>(
    n: usize,
    t: &[f64; 3],
    features: &F,
    y: &Y,
    w: &W,
) -> [f64; 10]
where
    F: Fn(usize) -> [f64; 3] + Sync,
    Y: Fn(usize) -> f64 + Sync,
    W: Fn(usize) -> f64 + Sync,
{
    chunked_sum::<10, _>(n, |r| {
        let mut g = [0.0; K];
        let mut h = [[0.0; K]; K];
        let mut sw = 0.0;
        for i in r {
            let wi = w(i);
            if wi == 0.0 {
                continue;
            }
            let x = features(i);
            let mut eta = 0.0;
            for j in 0..K {
                eta += t[j] * x[j];
            }
            let p = sigmoid(eta);
            let r = wi * (p - y(i));
            let v = wi * p * (1.0 - p);
            for a in 0..K {
                g[a] += r * x[a];
                for b in 0..=a {
                    h[a][b] += v * x[a] * x[b];
                }
            }
            sw += wi;
        }
        let mut out = [0.0; 10];
        out[..K].copy_from_slice(&g[..K]);
        out[3] = h[0][0];
        out[4] = h[1][0];
        out[5] = h[1][1];
        if K > 2 {
            out[6] = h[K - 1][0];
            out[7] = h[K - 1][1];
            out[8] = h[K - 1][K - 1];
        }
        out[9] = sw;
        out
    })
}

/// One-parameter convex fit: Newton's method on the root of the
/// objective's derivative. `derivatives(β)` returns (φ′(β), φ″(β)) from one
/// pass over the data. The root is kept bracketed once the derivative has
/// changed sign, and a step that leaves the bracket or does not shrink
/// |φ′| is replaced by bisection — so no objective (no logarithm per row)
/// is ever needed, and the result is the exact minimiser.
pub fn newton_1d<F>(mut beta: f64, derivatives: F) -> Result<f64, Undefined>
where
    F: Fn(f64) -> (f64, f64),
{
    let (mut d1, mut d2) = derivatives(beta);
    let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
    for _ in 0..300 {
        if d2 <= 0.0 || !d2.is_finite() {
            return Err(Undefined(
                "the objective is flat: the scores carry no information",
            ));
        }
        // φ′ increasing (convex φ): the root is above β when φ′ < 0.
        if d1 < 0.0 {
            lo = lo.max(beta);
        } else if d1 > 0.0 {
            hi = hi.min(beta);
        } else {
            return Ok(beta);
        }
        let step = d1 / d2;
        // Converged. Newton's error squares with each step, so once a step
        // is below 1e-8 (relative) the root is within ~1e-16 of β − step,
        // and one more pass over the data would change nothing. (Without
        // this check a step that rounds to nothing fails the bracket test
        // below and triggers bisection away from the root.)
        if step.abs() <= NEWTON_DONE * (1.0 + beta.abs()) {
            return Ok(beta - step);
        }
        let mut cand = beta - step;
        if !(cand > lo && cand < hi) {
            cand = if lo.is_finite() && hi.is_finite() {
                (lo + hi) / 2.0
            } else if lo.is_finite() {
                beta + 2.0 * (beta - lo).abs().max(1.0)
            } else {
                beta - 2.0 * (hi - beta).abs().max(1.0)
            };
        }
        let (c1, c2) = derivatives(cand);
        let small = (cand - beta).abs() <= 1e-14 * (1.0 + beta.abs());
        beta = cand;
        (d1, d2) = (c1, c2);
        if small || (hi - lo) <= 1e-15 * (1.0 + beta.abs()) {
            return Ok(beta);
        }
        if !beta.is_finite() || beta.abs() > 1e8 {
            break;
        }
    }
    Err(Undefined(
        "the fit diverges (the outcome is perfectly separated by the score)",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logistic_recovers_known_coefficients() {
        // Expected counts from a known model: with weights equal to the
        // probabilities, the MLE equals the generating parameters exactly.
        let xs: Vec<f64> = (0..41).map(|i| -4.0 + 0.2 * i as f64).collect();
        let (a, b) = (0.7, -0.3);
        let mut feat = Vec::new();
        let mut y = Vec::new();
        let mut w = Vec::new();
        for &x in &xs {
            let p = sigmoid(a * x + b);
            feat.push(x);
            y.push(1.0);
            w.push(p);
            feat.push(x);
            y.push(0.0);
            w.push(1.0 - p);
        }
        let th = logistic(
            feat.len(),
            2,
            |i| [feat[i], 1.0, 0.0],
            |i| y[i],
            |i| w[i],
            [0.0; 3],
        )
        .unwrap();
        assert!((th[0] - a).abs() < 1e-12, "{th:?}");
        assert!((th[1] - b).abs() < 1e-12, "{th:?}");
    }

    #[test]
    fn separation_is_reported() {
        let feat = [-1.0, -0.5, 0.5, 1.0];
        let y = [0.0, 0.0, 1.0, 1.0];
        let w = [1.0; 4];
        assert!(logistic(4, 2, |i| [feat[i], 1.0, 0.0], |i| y[i], |i| w[i], [0.0; 3]).is_err());
    }

    #[test]
    fn logit_is_finite_at_the_ends() {
        assert!(logit(0.0).is_finite() && logit(1.0).is_finite());
        assert!((logit(0.5)).abs() < 1e-15);
    }
}
