//! Elementary functions that give the same bits on every platform.
//!
//! `f64::exp` and `f64::ln` call the platform's libm: glibc natively,
//! compiler-builtins in WebAssembly. They differ in the last bit now and
//! then, which would make the page's report differ from the CLI's for the
//! same data and seed. Every transcendental function in the engine goes
//! through the `libm` crate (a pure-Rust port of musl's libm) instead, so
//! reports are bit-identical everywhere.

/// Deterministic transcendental functions.
pub trait Det {
    fn dexp(self) -> Self;
    fn dln(self) -> Self;
    fn dln_1p(self) -> Self;
}

impl Det for f64 {
    #[inline]
    fn dexp(self) -> f64 {
        libm::exp(self)
    }
    #[inline]
    fn dln(self) -> f64 {
        libm::log(self)
    }
    #[inline]
    fn dln_1p(self) -> f64 {
        libm::log1p(self)
    }
}

/// Standard normal quantile Φ⁻¹(p) for 0 < p < 1: Acklam's rational
/// approximation (relative error 1.15e-9) refined by two Halley steps on
/// erfc, which brings it to within a few ulps.
pub fn normal_quantile(p: f64) -> f64 {
    assert!(p > 0.0 && p < 1.0, "quantile of {p}");
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239e0,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838e0,
        -2.549732539343734e0,
        4.374664141464968e0,
        2.938163982698783e0,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996e0,
        3.754408661907416e0,
    ];
    let lo = 0.02425;
    let mut x = if p < lo {
        let q = libm::sqrt(-2.0 * libm::log(p));
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - lo {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = libm::sqrt(-2.0 * libm::log(1.0 - p));
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    for _ in 0..2 {
        // Φ(x) = erfc(−x/√2)/2; Halley's step on Φ(x) − p.
        let e = 0.5 * libm::erfc(-x / std::f64::consts::SQRT_2) - p;
        let u = e * libm::sqrt(2.0 * std::f64::consts::PI) * libm::exp(x * x / 2.0);
        x -= u / (1.0 + x * u / 2.0);
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_scipy() {
        // scipy.stats.norm.ppf
        for (p, z) in [
            (0.975, 1.959963984540054),
            (0.95, 1.6448536269514722),
            (0.995, 2.5758293035489004),
            (0.5, 0.0),
            (0.025, -1.959963984540054),
            (0.001, -3.090232306167813),
        ] {
            let got = normal_quantile(p);
            assert!(
                (got - z).abs() <= 1e-14 * z.abs().max(1.0),
                "{p}: {got} vs {z}"
            );
        }
    }
}
