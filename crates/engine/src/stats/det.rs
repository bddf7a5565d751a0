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

/// e^x to within 2 ulp, several times faster than `libm::exp` and just as
/// platform-independent: Cody–Waite reduction x = k·ln2 + r, |r| ≤ ln2/2,
/// then a degree-13 Taylor polynomial for e^r (truncation error < 1e-17)
/// in Horner form, scaled by 2^k through the exponent bits. Plain IEEE
/// arithmetic only (no fused multiply-add: Rust never contracts), so every
/// platform rounds identically. Falls back to `libm::exp` outside
/// [−708, 709], where the result over- or underflows.
#[inline]
pub fn fast_exp(x: f64) -> f64 {
    const INV_LN2: f64 = std::f64::consts::LOG2_E;
    // ln 2 split so that k·LN2_HI is exact for |k| < 2^11.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    if !(-708.0..=709.0).contains(&x) {
        return libm::exp(x);
    }
    // Round to nearest (ties to even) by the 1.5·2^52 trick: exact for
    // |x·log2 e| < 2^51 and, unlike f64::round, never a library call.
    const MAGIC: f64 = 6_755_399_441_055_744.0;
    let k = (x * INV_LN2 + MAGIC) - MAGIC;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Σ_{i=0}^{13} r^i / i!
    let mut p = 1.0 / 6_227_020_800.0; // 1/13!
    p = p * r + 1.0 / 479_001_600.0;
    p = p * r + 1.0 / 39_916_800.0;
    p = p * r + 1.0 / 3_628_800.0;
    p = p * r + 1.0 / 362_880.0;
    p = p * r + 1.0 / 40_320.0;
    p = p * r + 1.0 / 5_040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    let scale = f64::from_bits(((k as i64 + 1023) as u64) << 52);
    p * scale
}

#[cfg(test)]
mod fast_exp_tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn within_two_ulp_of_libm() {
        let mut s: u64 = 7;
        let mut worst = 0;
        for i in 0..200_000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let u = (s >> 11) as f64 / (1u64 << 53) as f64;
            let x = if i % 2 == 0 {
                (u - 0.5) * 80.0
            } else {
                (u - 0.5) * 1400.0
            };
            worst = worst.max(ulps(fast_exp(x), libm::exp(x)));
        }
        assert!(worst <= 2, "worst {worst} ulp");
        assert_eq!(fast_exp(0.0), 1.0);
        assert_eq!(fast_exp(-1000.0), 0.0);
        assert!(fast_exp(1000.0).is_infinite());
    }
}
