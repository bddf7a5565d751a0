#![allow(clippy::needless_range_loop)] // index loops read best in this numeric code
//! Exact maximum-likelihood fits for the calibration maps.
//!
//! Every map here has at most three parameters and a convex negative
//! log-likelihood, so Newton's method with a backtracking line search
//! converges quadratically to machine precision in a handful of passes over
//! the data. (A fixed small number of gradient steps, as some libraries do,
//! leaves the fit visibly off.) Convergence: the Newton step's size falls
//! below 1e-13 × (1 + |θ|), or the gradient below 1e-12 × n.

use crate::math::Det;
use crate::metrics::Undefined;

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
    if x >= 0.0 {
        1.0 / (1.0 + (-x).dexp())
    } else {
        let e = x.dexp();
        e / (1.0 + e)
    }
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

/// Weighted logistic regression `P(y = 1) = σ(Σ_j θ_j x_ij)` on up to three
/// features (include a constant 1 feature for an intercept). Returns θ.
///
/// `features(i)` gives row i's feature vector; `y[i]` ∈ {0, 1}; `w[i]` ≥ 0.
/// Fails (undefined) when the outcome is perfectly separated by the
/// features, so that no finite maximum exists.
pub fn logistic<F, Y, W>(
    n: usize,
    k: usize,
    features: F,
    y: Y,
    w: W,
    start: [f64; 3],
) -> Result<[f64; 3], Undefined>
where
    F: Fn(usize) -> [f64; 3],
    Y: Fn(usize) -> f64,
    W: Fn(usize) -> f64,
{
    let nll = |t: &[f64; 3]| -> f64 {
        let mut s = 0.0;
        for i in 0..n {
            let wi = w(i);
            if wi == 0.0 {
                continue;
            }
            let x = features(i);
            let eta: f64 = (0..k).map(|j| t[j] * x[j]).sum();
            s += wi * (log1pexp(eta) - y(i) * eta);
        }
        s
    };
    let total_w: f64 = (0..n).map(&w).sum();
    let mut theta = start;
    let mut f = nll(&theta);
    for _ in 0..200 {
        let mut g = [0.0; 3];
        let mut h = [[0.0; 3]; 3];
        for i in 0..n {
            let wi = w(i);
            if wi == 0.0 {
                continue;
            }
            let x = features(i);
            let eta: f64 = (0..k).map(|j| theta[j] * x[j]).sum();
            let p = sigmoid(eta);
            let r = wi * (p - y(i));
            let v = wi * p * (1.0 - p);
            for a in 0..k {
                g[a] += r * x[a];
                for b in 0..=a {
                    h[a][b] += v * x[a] * x[b];
                }
            }
        }
        for a in 0..k {
            for b in 0..a {
                h[b][a] = h[a][b];
            }
        }
        // Singular curvature: the parameters are not identified (constant
        // scores, or a constant outcome).
        let Some(step) = solve(&h, &g, k) else {
            return Err(Undefined(
                "the fit has no unique solution (the scores carry no information, or the outcome is constant)",
            ));
        };
        let gmax = g[..k].iter().fold(0.0f64, |m, x| m.max(x.abs()));
        if gmax == 0.0 {
            return Ok(theta);
        }
        if (0..k).all(|j| step[j].abs() <= 1e-13 * (1.0 + theta[j].abs())) {
            for j in 0..k {
                theta[j] -= step[j];
            }
            return Ok(theta);
        }
        // Backtracking line search: accept any step that does not increase
        // the objective beyond rounding.
        let mut t = 1.0;
        loop {
            let mut cand = theta;
            for j in 0..k {
                cand[j] -= t * step[j];
            }
            let fc = nll(&cand);
            if fc <= f + 1e-14 * f.abs() {
                theta = cand;
                f = fc;
                break;
            }
            t *= 0.5;
            if t < 1e-12 {
                // No descent along Newton's direction: at the optimum.
                return Ok(theta);
            }
        }
        // A (near) zero loss means the classes are separated: the MLE is at
        // infinity.
        if f <= 1e-9 * total_w || theta[..k].iter().any(|v| !v.is_finite()) {
            break;
        }
    }
    Err(Undefined(
        "the outcome is perfectly separated by the score, so the fit diverges",
    ))
}

/// One-parameter convex fit by Newton's method on `β` given the first and
/// second derivatives of the objective; returns the minimiser.
pub fn newton_1d<F>(mut beta: f64, objective: F) -> Result<f64, Undefined>
where
    F: Fn(f64) -> (f64, f64, f64),
{
    let (mut f, _, _) = objective(beta);
    for _ in 0..200 {
        let (_, d1, d2) = objective(beta);
        if d2 <= 0.0 || !d2.is_finite() {
            return Err(Undefined(
                "the objective is flat: the scores carry no information",
            ));
        }
        let step = d1 / d2;
        let mut t = 1.0;
        let mut moved = false;
        for _ in 0..60 {
            let cand = beta - t * step;
            let (fc, _, _) = objective(cand);
            if fc <= f {
                let small = (t * step).abs() <= 1e-14 * (1.0 + beta.abs());
                beta = cand;
                f = fc;
                moved = true;
                if small {
                    return Ok(beta);
                }
                break;
            }
            t *= 0.5;
        }
        if !moved || step.abs() <= 1e-15 * (1.0 + beta.abs()) {
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
