//! Hypothesis tests, multiple-testing correction and power guidance: each
//! function is one published definition, reproduced to within rounding.
//!
//! | function | definition it reproduces |
//! |---|---|
//! | [`normal_cdf`], [`normal_sf`] | `scipy.stats.norm.cdf` / `.sf` (Cephes `ndtr`) |
//! | [`two_proportion_z`] | `statsmodels.stats.proportion.proportions_ztest` |
//! | [`fisher_exact`] | `scipy.stats.fisher_exact` (2×2) |
//! | [`benjamini_hochberg`] | `scipy.stats.false_discovery_control(method='bh')` |
//! | [`min_detectable_effect_h`] | `statsmodels.stats.power.NormalIndPower().solve_power` |
//! | [`min_detectable_difference`], [`detectable_proportions`] | the same, through Cohen's h |
//! | [`min_detectable_mean_difference`] | the normal-approximation formula |
//!
//! `tests/golden/make_stats.py` writes reference values computed with
//! scipy 1.17.1 and statsmodels 0.15.0 to `tests/golden/stats/stats.json`;
//! `crates/engine/tests/stats.rs` checks every function against them.
//!
//! Nothing here panics: inputs outside a function's domain give `None` (or
//! the documented value), never a NaN that looks like a result.
//!
//! Transcendental functions come from the `libm` crate, like the rest of the
//! engine, so results have the same bits on every platform.

use super::det::normal_quantile;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::f64::consts::{FRAC_1_SQRT_2, FRAC_PI_2, PI};

/// The alternative hypothesis of a test.
///
/// For two samples, `Greater` means "the first sample's parameter is larger"
/// (proportion 1 > proportion 2; for [`fisher_exact`], the odds ratio of the
/// table > 1), as in scipy's `alternative='greater'` and statsmodels'
/// `alternative='larger'`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Alternative {
    /// The parameters differ (either direction).
    #[default]
    TwoSided,
    /// The first is larger than the second.
    Greater,
    /// The first is smaller than the second.
    Less,
}

impl Alternative {
    /// The serialized name (`two_sided`, `greater`, `less`).
    pub fn as_str(self) -> &'static str {
        match self {
            Alternative::TwoSided => "two_sided",
            Alternative::Greater => "greater",
            Alternative::Less => "less",
        }
    }
}

/// A test statistic and its p-value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TestResult {
    pub statistic: f64,
    pub p_value: f64,
}

/// The result of [`fisher_exact`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FisherResult {
    /// scipy's sample (unconditional maximum-likelihood) odds ratio
    /// `(a·d) / (b·c)` of the table `[[a, b], [c, d]]`: `+∞` when `b·c = 0`,
    /// NaN when a row or column sums to zero. (Not R's conditional MLE.)
    /// serde_json writes a NaN or infinite value as `null`.
    pub odds_ratio: f64,
    /// The exact p-value; 1 when a row or column sums to zero.
    pub p_value: f64,
}

// ---------------------------------------------------------------------------
// The normal distribution
// ---------------------------------------------------------------------------

/// Standard normal CDF Φ(x), computed as Cephes' `ndtr` (which
/// `scipy.stats.norm.cdf` calls): `½ + ½·erf(x/√2)` near zero and
/// `½·erfc(|x|/√2)` (or one minus it) beyond |x| ≥ 1, so the lower tail keeps
/// full relative precision down to the smallest doubles (Φ(−37) ≈ 5.7e−300).
/// NaN for NaN; Φ(−∞) = 0, Φ(+∞) = 1.
pub fn normal_cdf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let t = x * FRAC_1_SQRT_2;
    let z = t.abs();
    if z < FRAC_1_SQRT_2 {
        0.5 + 0.5 * libm::erf(t)
    } else {
        let y = 0.5 * libm::erfc(z);
        if t > 0.0 { 1.0 - y } else { y }
    }
}

/// Standard normal survival function 1 − Φ(x) = Φ(−x), accurate in the
/// upper tail (`scipy.stats.norm.sf`).
pub fn normal_sf(x: f64) -> f64 {
    normal_cdf(-x)
}

/// The upper α-quantile z with 1 − Φ(z) = α (`scipy.stats.norm.isf`), for
/// 0 < α < 1. Computed as −Φ⁻¹(α), which keeps small α exact (1 − α would
/// round α away).
fn normal_isf(alpha: f64) -> f64 {
    -normal_quantile(alpha)
}

/// Φ⁻¹(p) for 0 < p < 1, with p > ½ taken through the exact 1 − p (as
/// scipy's `ndtri` does): `det::normal_quantile` refines on Φ itself, whose
/// rounding near 1 would cost ~1e−12 relative at p = 1 − 10⁻⁶.
fn normal_ppf(p: f64) -> f64 {
    if p > 0.5 {
        -normal_quantile(1.0 - p)
    } else {
        normal_quantile(p)
    }
}

/// Standard normal density.
fn normal_pdf(x: f64) -> f64 {
    libm::exp(-0.5 * x * x) / libm::sqrt(2.0 * PI)
}

// ---------------------------------------------------------------------------
// Two-proportion z-test
// ---------------------------------------------------------------------------

/// Two-sample z-test of equal proportions with the pooled variance:
/// statsmodels' `proportions_ztest(count=[k1, k2], nobs=[n1, n2],
/// value=0, alternative=...)`.
///
/// With p̂ᵢ = kᵢ/nᵢ and the pooled p̄ = (k1 + k2)/(n1 + n2),
///
/// ```text
/// z = (p̂1 − p̂2) / sqrt(p̄ (1 − p̄) (1/n1 + 1/n2))
/// ```
///
/// and the p-value is `2·sf(|z|)` (two-sided), `sf(z)` (`Greater`:
/// proportion 1 > proportion 2, statsmodels' `'larger'`) or `Φ(z)`
/// (`Less`, `'smaller'`).
///
/// `None` when a sample is empty, a count exceeds its sample, or the pooled
/// proportion is 0 or 1 (the variance is zero; statsmodels returns NaN).
pub fn two_proportion_z(
    k1: u64,
    n1: u64,
    k2: u64,
    n2: u64,
    alt: Alternative,
) -> Option<TestResult> {
    if n1 == 0 || n2 == 0 || k1 > n1 || k2 > n2 {
        return None;
    }
    let (k1f, n1f, k2f, n2f) = (k1 as f64, n1 as f64, k2 as f64, n2 as f64);
    // Same operations, in the same order, as statsmodels.
    let diff = k1f / n1f - k2f / n2f;
    let pooled = (k1f + k2f) / (n1f + n2f);
    let var = pooled * (1.0 - pooled) * (1.0 / n1f + 1.0 / n2f);
    if var <= 0.0 || !var.is_finite() {
        return None;
    }
    let z = diff / libm::sqrt(var);
    let p = match alt {
        Alternative::TwoSided => normal_sf(z.abs()) * 2.0,
        Alternative::Greater => normal_sf(z),
        Alternative::Less => normal_cdf(z),
    };
    Some(TestResult {
        statistic: z,
        p_value: p,
    })
}

// ---------------------------------------------------------------------------
// The hypergeometric distribution (Loader's saddle-point pmf)
// ---------------------------------------------------------------------------

/// Stirling's error ln(n!) − (n + ½)ln n + n − ln√(2π), for integer n ≥ 1
/// (Loader 2000, as in R's `stirlerr`): exact values below 16, the
/// asymptotic series above.
fn stirlerr(n: f64) -> f64 {
    const TABLE: [f64; 16] = [
        0.0, // unused: n = 0 never reaches here
        0.08106146679532726,
        0.0413406959554093,
        0.02767792568499834,
        0.020790672103765093,
        0.016644691189821193,
        0.013876128823070748,
        0.01189670994589177,
        0.010411265261972096,
        0.009255462182712733,
        0.00833056343336287,
        0.007573675487951841,
        0.00694284010720953,
        0.006408994188004207,
        0.0059513701127588475,
        0.005554733551962801,
    ];
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n <= 15.0 {
        return TABLE[n as usize];
    }
    let nn = n * n;
    if n > 500.0 {
        (S0 - S1 / nn) / n
    } else if n > 80.0 {
        (S0 - (S1 - S2 / nn) / nn) / n
    } else if n > 35.0 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
    }
}

/// The deviance term x·ln(x/np) + np − x without cancellation (Loader's
/// `bd0`).
fn bd0(x: f64, np: f64) -> f64 {
    if (x - np).abs() < 0.1 * (x + np) {
        let mut v = (x - np) / (x + np);
        let mut s = (x - np) * v;
        if s.abs() < f64::MIN_POSITIVE {
            return s;
        }
        let mut ej = 2.0 * x * v;
        v *= v;
        for j in 1..1000 {
            ej *= v;
            let s1 = s + ej / (2 * j + 1) as f64;
            if s1 == s {
                return s1;
            }
            s = s1;
        }
    }
    x * libm::log(x / np) + np - x
}

/// ln of the binomial pmf C(n, x) pᕽ qⁿ⁻ᕽ with q = 1 − p given separately
/// (Loader's `dbinom_raw`): relative error of the pmf near machine precision
/// for any n, with no factorial or power ever formed.
fn ln_dbinom_raw(x: f64, n: f64, p: f64, q: f64) -> f64 {
    if p == 0.0 {
        return if x == 0.0 { 0.0 } else { f64::NEG_INFINITY };
    }
    if q == 0.0 {
        return if x == n { 0.0 } else { f64::NEG_INFINITY };
    }
    if x == 0.0 {
        if n == 0.0 {
            return 0.0;
        }
        return if p < 0.1 {
            -bd0(n, n * q) - n * p
        } else {
            n * libm::log(q)
        };
    }
    if x == n {
        return if q < 0.1 {
            -bd0(n, n * p) - n * q
        } else {
            n * libm::log(p)
        };
    }
    if x < 0.0 || x > n {
        return f64::NEG_INFINITY;
    }
    let lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
    // ln(2π x (n − x)/n). R writes the last factor log1p(−x/n), which loses
    // digits when x is close to n (x/n rounds in its last bit, then 1 − x/n
    // is small); n − x is exact, so take it directly there.
    let tail = if x <= 0.5 * n {
        libm::log1p(-x / n)
    } else {
        libm::log((n - x) / n)
    };
    let lf = libm::log(2.0 * PI) + libm::log(x) + tail;
    lc - 0.5 * lf
}

/// ln P(X = x) for X the number of red balls among `n` drawn without
/// replacement from `r` red and `b` black (R's `dhyper`: a ratio of three
/// binomial pmfs at p = n/(r + b)).
fn ln_dhyper(x: f64, r: f64, b: f64, n: f64) -> f64 {
    if x < 0.0 || x < n - b || x > r || x > n {
        return f64::NEG_INFINITY;
    }
    if n == 0.0 {
        return if x == 0.0 { 0.0 } else { f64::NEG_INFINITY };
    }
    let p = n / (r + b);
    let q = (r + b - n) / (r + b);
    ln_dbinom_raw(x, r, p, q) + ln_dbinom_raw(n - x, b, p, q) - ln_dbinom_raw(n, r + b, p, q)
}

/// P(X ≤ x) / P(X = x) for x at or below the mean, by the ratio recurrence
/// of consecutive pmf values (R's `pdhyper`).
fn pdhyper(mut x: f64, r: f64, b: f64, n: f64) -> f64 {
    let mut sum = 0.0;
    let mut term = 1.0;
    while x > 0.0 && term >= f64::EPSILON * sum {
        term *= x * (b - n + x) / (n + 1.0 - x) / (r + 1.0 - x);
        sum += term;
        x -= 1.0;
    }
    1.0 + sum
}

/// Hypergeometric distribution: `draws` balls drawn from `total`, `good` of
/// which are good; X = good balls drawn (scipy's `hypergeom(M=total,
/// n=good, N=draws)`).
#[derive(Debug, Clone, Copy)]
struct Hypergeom {
    total: u64,
    good: u64,
    draws: u64,
}

impl Hypergeom {
    fn pmf(&self, x: i64) -> f64 {
        let (r, b, n) = self.params();
        libm::exp(ln_dhyper(x as f64, r, b, n))
    }

    fn params(&self) -> (f64, f64, f64) {
        (
            self.good as f64,
            (self.total - self.good) as f64,
            self.draws as f64,
        )
    }

    /// P(X ≤ x).
    fn cdf(&self, x: i64) -> f64 {
        self.tail(x, true)
    }

    /// P(X > x).
    fn sf(&self, x: i64) -> f64 {
        self.tail(x, false)
    }

    /// R's `phyper`: the smaller tail is summed directly (by [`pdhyper`]),
    /// the larger one is one minus the other tail.
    fn tail(&self, x: i64, lower: bool) -> f64 {
        let (mut r, mut b, n) = self.params();
        let mut x = x as f64;
        let mut lower = lower;
        if x * (r + b) > n * r {
            std::mem::swap(&mut r, &mut b);
            x = n - x - 1.0;
            lower = !lower;
        }
        let (zero, one) = if lower { (0.0, 1.0) } else { (1.0, 0.0) };
        if x < 0.0 || x < n - b {
            return zero;
        }
        if x >= r || x >= n {
            return one;
        }
        let d = libm::exp(ln_dhyper(x, r, b, n));
        if d == 0.0 {
            return zero;
        }
        let v = d * pdhyper(x, r, b, n);
        if lower { v } else { 0.5 - v + 0.5 }
    }

    /// The four factorials in the denominator of P(X = x): two values of x
    /// with the same (sorted) four have exactly the same pmf.
    fn pmf_key(&self, x: i64) -> Option<[u64; 4]> {
        let x = u64::try_from(x).ok()?;
        let good_rest = self.good.checked_sub(x)?;
        let draws_rest = self.draws.checked_sub(x)?;
        let bad_left = (self.total - self.good).checked_sub(draws_rest)?;
        let mut k = [x, good_rest, draws_rest, bad_left];
        k.sort_unstable();
        Some(k)
    }
}

/// scipy's `_binary_search_for_binom_tst`: for `a` ascending on [lo, hi],
/// the i with a(i) ≤ d < a(i + 1) (possibly lo − 1).
fn binary_search(a: impl Fn(i64) -> f64, d: f64, mut lo: i64, mut hi: i64) -> i64 {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let midval = a(mid);
        if midval < d {
            lo = mid + 1;
        } else if midval > d {
            hi = mid - 1;
        } else {
            return mid;
        }
    }
    if a(lo) <= d { lo } else { lo - 1 }
}

// ---------------------------------------------------------------------------
// Fisher's exact test
// ---------------------------------------------------------------------------

/// Fisher's exact test of a 2×2 table `[[a, b], [c, d]]`, exactly as
/// `scipy.stats.fisher_exact(table, alternative)` (scipy 1.17).
///
/// Conditioning on the margins, `a` follows the hypergeometric distribution
/// of `a + c` draws from `a + b + c + d` items of which `a + b` are "good".
///
/// * `Less`: P(X ≤ a) (odds ratio < 1).
/// * `Greater`: P(X ≥ a), computed as scipy does, as the CDF of `b` in the
///   hypergeometric of the second column.
/// * `TwoSided`: the sum of P(X = x) over all x with P(X = x) ≤ P(X = a)·γ,
///   γ = 1 + 10⁻¹⁴. scipy 1.17 uses this relative tolerance (older
///   scipy used 1 + 10⁻⁷) to treat values equal up to rounding as ties; it
///   finds the boundary on the far side of the mode by binary search and
///   returns 1 when P(X = a) equals the pmf at the mode to within 10⁻¹⁴
///   relative. Both steps are reproduced here. Values of x whose pmf is
///   exactly equal to P(X = a) (the same four factorials, e.g. the mirror
///   image in a symmetric table) are recognised exactly, so ties never depend
///   on rounding.
///
/// The p-value is capped at 1. A row or column summing to zero gives
/// `odds_ratio` NaN and `p_value` 1, as scipy. Tables of more than 2³¹
/// (about 2.1·10⁹) items give NaN for both, so that every intermediate
/// integer (scipy's mode formula multiplies two margins) stays exact.
///
/// The pmf is computed in log space with Loader's saddle-point method
/// (Stirling's error plus a deviance term, as R's `dhyper`): no factorial,
/// binomial coefficient or power is formed, so counts of 10⁶ and beyond keep
/// ~1e−13 relative precision; tails are summed by the ratio recurrence from
/// the observed value outwards (R's `phyper`). Tail probabilities below the
/// smallest double (about 1e−308) come out as 0.
pub fn fisher_exact(table: [[u64; 2]; 2], alt: Alternative) -> FisherResult {
    let [[a, b], [c, d]] = table;
    // Counts must stay exact as doubles (and their products as u64).
    const MAX_TOTAL: u128 = 1 << 31;
    let total128 = a as u128 + b as u128 + c as u128 + d as u128;
    if total128 > MAX_TOTAL {
        return FisherResult {
            odds_ratio: f64::NAN,
            p_value: f64::NAN,
        };
    }
    if a + b == 0 || c + d == 0 || a + c == 0 || b + d == 0 {
        return FisherResult {
            odds_ratio: f64::NAN,
            p_value: 1.0,
        };
    }
    let odds_ratio = if c > 0 && b > 0 {
        // Exact integer products, then one division (NumPy's int64 path).
        (a as u128 * d as u128) as f64 / (c as u128 * b as u128) as f64
    } else {
        f64::INFINITY
    };
    let n1 = a + b;
    let n2 = c + d;
    let n = a + c;
    let total = n1 + n2;
    let h = Hypergeom {
        total,
        good: n1,
        draws: n,
    };
    let p = match alt {
        Alternative::Less => h.cdf(a as i64),
        Alternative::Greater => Hypergeom {
            total,
            good: n1,
            draws: b + d,
        }
        .cdf(b as i64),
        Alternative::TwoSided => fisher_two_sided(&h, a as i64),
    };
    FisherResult {
        odds_ratio,
        p_value: p.min(1.0),
    }
}

/// The two-sided branch of scipy's `fisher_exact`.
fn fisher_two_sided(h: &Hypergeom, a: i64) -> f64 {
    const EPSILON: f64 = 1e-14;
    const GAMMA: f64 = 1.0 + EPSILON;
    let n = h.draws as i64;
    // int((n + 1) * (n1 + 1) / (n1 + n2 + 2)): an exact integer product,
    // then a float division, as in NumPy.
    let mode = (((h.draws + 1) * (h.good + 1)) as f64 / (h.total + 2) as f64) as i64;
    let pexact = h.pmf(a);
    let key = h.pmf_key(a);
    // The pmf, with values tied exactly to the observed one made identical.
    let pmf = |x: i64| {
        if key.is_some() && h.pmf_key(x) == key {
            pexact
        } else {
            h.pmf(x)
        }
    };
    let pmode = pmf(mode);
    if (pexact - pmode).abs() / pexact.max(pmode) <= EPSILON {
        return 1.0;
    }
    if a < mode {
        let plower = h.cdf(a);
        if pmf(n) > pexact * GAMMA {
            return plower;
        }
        let guess = binary_search(|x| -pmf(x), -pexact * GAMMA, mode, n);
        plower + h.sf(guess)
    } else {
        let pupper = h.sf(a - 1);
        if pmf(0) > pexact * GAMMA {
            return pupper;
        }
        let guess = binary_search(pmf, pexact * GAMMA, 0, mode);
        pupper + h.cdf(guess)
    }
}

// ---------------------------------------------------------------------------
// Benjamini–Hochberg
// ---------------------------------------------------------------------------

/// Benjamini–Hochberg adjusted p-values (q-values), in the input's order:
/// `scipy.stats.false_discovery_control(p, method='bh')` (the same values as
/// R's `p.adjust(p, "BH")` and statsmodels' `multipletests(p,
/// method='fdr_bh')`).
///
/// With the m p-values sorted ascending, p₍ᵢ₎·(m/i) is made monotone by a
/// running minimum from the largest down, q₍ᵢ₎ = min_{j≥i} p₍ⱼ₎·m/j, and
/// clipped to [0, 1]. Tied p-values get equal q-values whatever their order.
///
/// Missing values: scipy rejects NaN. Here a NaN p-value, or one outside
/// [0, 1], is *left out*: its q-value is NaN and m counts only the valid
/// p-values (R's `p.adjust` treats `NA` the same way). The result is
/// therefore `false_discovery_control` of the valid p-values, put back in
/// their places. An empty input gives an empty output.
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let mut q = vec![f64::NAN; p.len()];
    let mut order: Vec<usize> = (0..p.len())
        .filter(|&i| (0.0..=1.0).contains(&p[i]))
        .collect();
    let m = order.len();
    if m == 0 {
        return q;
    }
    order.sort_by(|&i, &j| p[i].total_cmp(&p[j]));
    let mf = m as f64;
    let mut running = f64::INFINITY;
    for (rank, &i) in order.iter().enumerate().rev() {
        let v = p[i] * (mf / (rank + 1) as f64);
        running = running.min(v);
        q[i] = running.clamp(0.0, 1.0);
    }
    q
}

// ---------------------------------------------------------------------------
// Power guidance
// ---------------------------------------------------------------------------

/// Whether α and the power are usable: 0 < α < power < 1.
fn valid_levels(alpha: f64, power: f64) -> bool {
    alpha > 0.0 && alpha < 1.0 && power > alpha && power < 1.0
}

/// The standardized shift x = h·√n_eff (n_eff = 1/(1/n1 + 1/n2)) at which a
/// z-test at level α has the given power, with statsmodels' power function
/// (`normal_power`, used by `NormalIndPower`):
///
/// * one-sided (`'larger'`): 1 − Φ(z₁₋α − x) = power, so x = z₁₋α + z_power;
/// * two-sided: 1 − Φ(z₁₋α/₂ − x) + Φ(−z₁₋α/₂ − x) = power. The second term
///   (rejecting in the wrong tail) makes this differ from the textbook
///   z₁₋α/₂ + z_power (by 1e−6 relative at α = 0.05, power = 0.8; by 1% at
///   α = 0.2, power = 0.5), so it is solved exactly by safeguarded Newton
///   steps started at the textbook value, which lies above the root.
fn detectable_shift(alpha: f64, power: f64, alt: Alternative) -> Option<f64> {
    if !valid_levels(alpha, power) {
        return None;
    }
    let z_power = normal_ppf(power);
    match alt {
        Alternative::Greater | Alternative::Less => Some(normal_isf(alpha) + z_power),
        Alternative::TwoSided => {
            let c = normal_isf(alpha / 2.0);
            let f = |x: f64| normal_sf(c - x) + normal_cdf(-c - x) - power;
            // f(0) = α − power < 0 and f is increasing on x > 0.
            let (mut lo, mut hi) = (0.0, c + z_power);
            let mut x = hi;
            for _ in 0..100 {
                let fx = f(x);
                if fx == 0.0 {
                    return Some(x);
                }
                if fx < 0.0 {
                    lo = x;
                } else {
                    hi = x;
                }
                let slope = normal_pdf(x - c) - normal_pdf(x + c);
                let mut next = x - fx / slope;
                if !(next > lo && next < hi) {
                    next = 0.5 * (lo + hi);
                }
                if (next - x).abs() <= 4.0 * f64::EPSILON * x {
                    return Some(next);
                }
                x = next;
            }
            Some(x)
        }
    }
}

/// The smallest Cohen's h a two-sample z-test can detect: the effect size
/// statsmodels' `NormalIndPower().solve_power(effect_size=None,
/// nobs1=n_slice, alpha=alpha, power=power, ratio=n_rest/n_slice,
/// alternative=...)` solves for, with `'two-sided'` for `TwoSided` and
/// `'larger'` for `Greater` or `Less` (the one-sided test in the direction
/// of the effect; the result is the magnitude |h|).
///
/// h = x·√(1/n_slice + 1/n_rest), x the standardized shift at which the
/// test has the given power (closed form z₁₋α + z_power for one-sided tests; for two-sided tests the
/// equation includes rejections in the wrong tail, as statsmodels', and is
/// solved to machine precision — statsmodels' own root finder stops earlier,
/// within about 1e−5 in power).
///
/// `None` unless n_slice, n_rest ≥ 1 and 0 < α < power < 1.
pub fn min_detectable_effect_h(
    n_slice: u64,
    n_rest: u64,
    alpha: f64,
    power: f64,
    alt: Alternative,
) -> Option<f64> {
    if n_slice == 0 || n_rest == 0 {
        return None;
    }
    let x = detectable_shift(alpha, power, alt)?;
    Some(x * libm::sqrt(1.0 / n_slice as f64 + 1.0 / n_rest as f64))
}

/// The slice proportions a test of a slice against the rest could just
/// detect: p_slice with |Cohen's h| = [`min_detectable_effect_h`], where
/// Cohen's h = 2·asin√p_slice − 2·asin√p_rest. With φ = asin√p_rest,
///
/// ```text
/// above = sin²(φ + h/2)     below = sin²(φ − h/2)
/// ```
///
/// A side is `None` when it would leave [0, 1] (φ + h/2 > π/2, or
/// φ − h/2 < 0): no proportion on that side is far enough from p_rest.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DetectableProportions {
    /// The detectable p_slice below p_rest.
    pub below: Option<f64>,
    /// The detectable p_slice above p_rest.
    pub above: Option<f64>,
}

/// Both detectable slice proportions (see [`DetectableProportions`]);
/// `None` when p_rest is outside [0, 1] or [`min_detectable_effect_h`] is
/// `None`. Both sides are given whatever `alt` is; `alt` only chooses the
/// test (two-sided or one-sided) whose h is used.
pub fn detectable_proportions(
    p_rest: f64,
    n_slice: u64,
    n_rest: u64,
    alpha: f64,
    power: f64,
    alt: Alternative,
) -> Option<DetectableProportions> {
    if !(0.0..=1.0).contains(&p_rest) {
        return None;
    }
    let h = min_detectable_effect_h(n_slice, n_rest, alpha, power, alt)?;
    let phi = libm::asin(libm::sqrt(p_rest));
    let sin2 = |t: f64| {
        let s = libm::sin(t);
        s * s
    };
    let up = phi + h / 2.0;
    let down = phi - h / 2.0;
    Some(DetectableProportions {
        below: (down >= 0.0).then(|| sin2(down)),
        above: (up <= FRAC_PI_2).then(|| sin2(up)),
    })
}

/// The smallest |p_slice − p_rest| a two-proportion test of a slice
/// (n_slice rows) against the rest (n_rest rows, proportion p_rest) detects
/// with probability `power` at level `alpha`, through Cohen's h
/// ([`min_detectable_effect_h`], [`DetectableProportions`]):
///
/// * `Greater` (slice above the rest): `above − p_rest`;
/// * `Less` (slice below): `p_rest − below`;
/// * `TwoSided`: the smaller of the two differences that exist. Below
///   p_rest = ½ that is the downward one (the arcsine scale stretches
///   toward 0 and 1), above ½ the upward one.
///
/// `None` when the side asked for leaves [0, 1] (the slice is too small to
/// detect any difference in that direction) or the inputs are invalid.
pub fn min_detectable_difference(
    p_rest: f64,
    n_slice: u64,
    n_rest: u64,
    alpha: f64,
    power: f64,
    alt: Alternative,
) -> Option<f64> {
    let d = detectable_proportions(p_rest, n_slice, n_rest, alpha, power, alt)?;
    let up = d.above.map(|p| p - p_rest);
    let down = d.below.map(|p| p_rest - p);
    match alt {
        Alternative::Greater => up,
        Alternative::Less => down,
        Alternative::TwoSided => match (up, down) {
            (Some(u), Some(v)) => Some(u.min(v)),
            (u, v) => u.or(v),
        },
    }
}

/// The smallest difference of means of a per-row quantity (a loss) between
/// a slice and the rest that a two-sample z-test detects, by the textbook
/// normal approximation:
///
/// ```text
/// (z₁₋α' + z_power) · sqrt(sd_slice²/n_slice + sd_rest²/n_rest)
/// ```
///
/// with α' = α/2 for `TwoSided` and α for `Greater`/`Less` (the result is a
/// magnitude). Unlike [`min_detectable_effect_h`], the two-sided case ignores
/// rejections in the wrong tail (a relative difference of 1e−6 at α = 0.05,
/// power = 0.8). `sd` are standard deviations (any ddof: the caller's
/// choice).
///
/// `None` unless n_slice, n_rest ≥ 1, the sds are finite and ≥ 0, and
/// 0 < α < power < 1.
pub fn min_detectable_mean_difference(
    sd_slice: f64,
    sd_rest: f64,
    n_slice: u64,
    n_rest: u64,
    alpha: f64,
    power: f64,
    alt: Alternative,
) -> Option<f64> {
    if n_slice == 0 || n_rest == 0 || !valid_levels(alpha, power) {
        return None;
    }
    if !(sd_slice.is_finite() && sd_rest.is_finite() && sd_slice >= 0.0 && sd_rest >= 0.0) {
        return None;
    }
    let z_alpha = match alt {
        Alternative::TwoSided => normal_isf(alpha / 2.0),
        Alternative::Greater | Alternative::Less => normal_isf(alpha),
    };
    let se = libm::sqrt(sd_slice * sd_slice / n_slice as f64 + sd_rest * sd_rest / n_rest as f64);
    Some((z_alpha + normal_ppf(power)) * se)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fisher_matches_the_scipy_docs() {
        let r = fisher_exact([[8, 2], [1, 5]], Alternative::TwoSided);
        assert_eq!(r.odds_ratio, 20.0);
        assert!((r.p_value - 0.034965034965034975).abs() < 1e-15);
        let t = [[6, 2], [1, 4]];
        assert!(
            (fisher_exact(t, Alternative::Greater).p_value - 0.08624708624708627).abs() < 1e-15
        );
        assert!((fisher_exact(t, Alternative::Less).p_value - 0.9953379953379957).abs() < 1e-15);
        let z = fisher_exact([[0, 0], [3, 4]], Alternative::TwoSided);
        assert!(z.odds_ratio.is_nan() && z.p_value == 1.0);
    }

    #[test]
    fn bh_skips_nan_and_keeps_order() {
        // scipy false_discovery_control([0.5, 0.6, 0.1, 0.001]) (its docs)
        let q = benjamini_hochberg(&[0.5, f64::NAN, 0.6, 0.1, 0.001]);
        let want = [0.6, f64::NAN, 0.6, 0.2, 0.004];
        for (g, w) in q.iter().zip(want) {
            assert!((g.is_nan() && w.is_nan()) || (g - w).abs() < 1e-15, "{q:?}");
        }
        assert!(benjamini_hochberg(&[]).is_empty());
    }

    #[test]
    fn degenerate_inputs_give_none() {
        assert!(two_proportion_z(0, 10, 0, 20, Alternative::TwoSided).is_none());
        assert!(two_proportion_z(3, 0, 1, 2, Alternative::TwoSided).is_none());
        assert!(two_proportion_z(3, 2, 1, 2, Alternative::TwoSided).is_none());
        assert!(min_detectable_effect_h(0, 10, 0.05, 0.8, Alternative::TwoSided).is_none());
        assert!(min_detectable_effect_h(10, 10, 0.05, 0.04, Alternative::TwoSided).is_none());
        assert!(min_detectable_effect_h(10, 10, f64::NAN, 0.8, Alternative::TwoSided).is_none());
        assert!(min_detectable_difference(1.0, 10, 10, 0.05, 0.8, Alternative::Greater).is_none());
        assert!(min_detectable_difference(1.5, 10, 10, 0.05, 0.8, Alternative::Less).is_none());
        assert!(
            min_detectable_mean_difference(-1.0, 1.0, 5, 5, 0.05, 0.8, Alternative::Less).is_none()
        );
        let huge = fisher_exact([[u64::MAX, 1], [1, u64::MAX]], Alternative::TwoSided);
        assert!(huge.p_value.is_nan() && huge.odds_ratio.is_nan());
    }

    #[test]
    fn normal_tails_keep_relative_precision() {
        // scipy.stats.norm.sf(37.0), norm.cdf(-10.0)
        let sf = normal_sf(37.0);
        assert!((sf / 5.7255712225239266e-300 - 1.0).abs() < 1e-12, "{sf:e}");
        assert!((normal_cdf(-10.0) / 7.61985302416047e-24 - 1.0).abs() < 1e-13);
        assert_eq!(normal_cdf(f64::INFINITY), 1.0);
        assert_eq!(normal_cdf(f64::NEG_INFINITY), 0.0);
    }
}
