//! Is a slice worse than the rest of the data, and could we tell?
//!
//! **The test** is one-sided, towards "worse" in the tested metric's
//! direction, and suited to the metric:
//!
//! * a *rate* (accuracy — i.e. the error rate —, recall, FNR, FPR,
//!   specificity, precision, NPV, prevalence) compares two proportions,
//!   slice `k₁/n₁` against rest `k₂/n₂`: Fisher's exact test when an
//!   expected cell of the 2 × 2 table is below 5, the pooled two-proportion
//!   z test otherwise (statsmodels' `proportions_ztest`);
//! * any other metric (AUC, log loss, Brier, ECE, F1, MAE…) is tested by the
//!   paired bootstrap of the gap: with d_b the gap `slice − rest` in resample
//!   b, signed so that positive is worse, p = (1 + #{d_b ≤ 0}) / (1 + B),
//!   over the B resamples where both sides are defined.
//!
//! **Correction.** Every slice examined is one hypothesis; q-values are
//! Benjamini–Hochberg's (`scipy.stats.false_discovery_control`), and a slice
//! is *worse* when q ≤ α.
//!
//! **Effect size.** Cohen's h = 2 asin √p₁ − 2 asin √p₂ for rates; for the
//! bootstrap-tested metrics, the gap over the bootstrap standard deviation
//! of the gap. The gap itself (with its paired interval) is in the slice's
//! metrics.
//!
//! **Power guidance.** Each slice states the smallest gap it could detect
//! at level α (per test) with the chosen power: for rates, from Cohen's h
//! for the two sample sizes (statsmodels' `NormalIndPower`), turned back
//! into a difference of proportions from the rest's rate; for the others,
//! (z₁₋α + z_power) × the bootstrap standard deviation of the gap. When that
//! smallest detectable gap exceeds the gap of interest, a slice that shows
//! no significant gap reads **too small to tell**, not "fine".

use super::measure::Values;
use crate::metrics::MetricSpec;
use crate::stats::det::normal_quantile;
use crate::stats::hypothesis::{self, Alternative};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How a slice was tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    TwoProportionZ,
    FisherExact,
    Bootstrap,
    /// Not tested (see the note).
    None,
}

/// What the test says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Worse than the rest at q ≤ α.
    Worse,
    /// No significant gap, and the slice is large enough to have seen the
    /// gap of interest.
    NoGapFound,
    /// No significant gap, but the slice could not have detected the gap of
    /// interest.
    TooSmallToTell,
    /// Not tested (the metric is undefined on the slice or the rest).
    Untested,
}

/// The test of one slice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TestOutcome {
    /// The tested metric.
    pub metric: String,
    pub method: Method,
    /// z for the z test, the sample odds ratio for Fisher's test.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statistic: Option<f64>,
    /// One-sided p-value, towards "worse".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    /// Benjamini–Hochberg q-value over every slice examined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect_size: Option<f64>,
    /// `cohen_h` or `gap_over_bootstrap_sd`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effect_size_kind: Option<String>,
    /// Smallest gap (in the metric's units, towards worse) detectable at
    /// level α with the chosen power.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_detectable_gap: Option<f64>,
    /// The gap the slice is judged against for "too small to tell".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap_of_interest: Option<f64>,
    pub verdict: Verdict,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Metrics without a natural [0, 1] scale: their default gap of interest is
/// relative to the rest's value.
const UNBOUNDED: &[&str] = &[
    "log_loss",
    "mae",
    "mse",
    "rmse",
    "mape",
    "median_ae",
    "max_error",
];

fn gap_of_interest(spec: &MetricSpec, rest: Option<f64>, given: Option<f64>) -> Option<f64> {
    given.or_else(|| {
        if UNBOUNDED.contains(&spec.key) {
            rest.map(|r| 0.25 * r.abs()).filter(|g| *g > 0.0)
        } else {
            Some(0.05)
        }
    })
}

fn untested(spec: &MetricSpec, note: String) -> TestOutcome {
    TestOutcome {
        metric: spec.key.to_owned(),
        method: Method::None,
        statistic: None,
        p_value: None,
        q_value: None,
        effect_size: None,
        effect_size_kind: None,
        min_detectable_gap: None,
        gap_of_interest: None,
        verdict: Verdict::Untested,
        note: Some(note),
    }
}

/// The test of a slice against the rest, before the correction; `gaps` are
/// the resamples' `slice − rest` of the tested metric (None without a
/// bootstrap); α, power and the gap of interest come from `o`.
pub fn test_slice(
    spec: &MetricSpec,
    slice: &Values,
    rest: &Values,
    rest_value: Option<f64>,
    gaps: Option<&[Option<f64>]>,
    o: &super::SlicesOptions,
) -> Option<TestOutcome> {
    let (alpha, power, gap) = (o.alpha, o.power, o.gap);
    let rate = |v: &Values| v.rates.iter().find(|r| r.0 == spec.key).map(|r| (r.1, r.2));
    let alt = if spec.higher_is_better {
        Alternative::Less
    } else {
        Alternative::Greater
    };
    if let (Some((k1, n1)), Some((k2, n2))) = (rate(slice), rate(rest)) {
        if n1 <= 0.0 {
            return Some(untested(
                spec,
                format!(
                    "{} is undefined on the slice: it has no {}",
                    spec.name,
                    trials(spec.key)
                ),
            ));
        }
        if n2 <= 0.0 {
            return Some(untested(
                spec,
                format!(
                    "{} is undefined on the rest of the data: it has no {}",
                    spec.name,
                    trials(spec.key)
                ),
            ));
        }
        let table = [
            [k1.round() as u64, (n1 - k1).round() as u64],
            [k2.round() as u64, (n2 - k2).round() as u64],
        ];
        let total = n1 + n2;
        let (c1, c2) = (k1 + k2, total - k1 - k2);
        let min_expected = [n1 * c1, n1 * c2, n2 * c1, n2 * c2]
            .into_iter()
            .map(|x| x / total)
            .fold(f64::INFINITY, f64::min);
        let (method, statistic, p) = if min_expected < 5.0 {
            let f = hypothesis::fisher_exact(table, alt);
            (Method::FisherExact, Some(f.odds_ratio), Some(f.p_value))
        } else {
            let u = |x: f64| x.round() as u64;
            match hypothesis::two_proportion_z(u(k1), u(n1), u(k2), u(n2), alt) {
                Some(t) => (Method::TwoProportionZ, Some(t.statistic), Some(t.p_value)),
                // Both proportions 0 or both 1: no evidence either way.
                None => (Method::TwoProportionZ, None, Some(1.0)),
            }
        };
        let (p1, p2) = (k1 / n1, k2 / n2);
        let h = 2.0 * p1.sqrt().asin() - 2.0 * p2.sqrt().asin();
        let mdd = hypothesis::min_detectable_difference(
            p2,
            n1.round() as u64,
            n2.round() as u64,
            alpha,
            power,
            alt,
        );
        return Some(TestOutcome {
            metric: spec.key.to_owned(),
            method,
            statistic: statistic.filter(|s| s.is_finite()),
            p_value: p,
            q_value: None,
            effect_size: Some(h),
            effect_size_kind: Some("cohen_h".into()),
            min_detectable_gap: mdd,
            gap_of_interest: gap_of_interest(spec, Some(p2), gap),
            verdict: Verdict::Untested,
            note: None,
        });
    }
    let Some(gaps) = gaps else {
        return Some(untested(
            spec,
            format!(
                "{} is tested by the bootstrap, and the bootstrap is off",
                spec.name
            ),
        ));
    };
    // Signed so that positive is worse.
    let sign = if spec.higher_is_better { -1.0 } else { 1.0 };
    let d: Vec<f64> = gaps.iter().flatten().map(|g| sign * g).collect();
    if d.len() < 2 {
        return Some(untested(
            spec,
            format!(
                "{} is undefined on the slice or the rest in (almost) every resample",
                spec.name
            ),
        ));
    }
    let b = d.len() as f64;
    let not_worse = d.iter().filter(|&&x| x <= 0.0).count() as f64;
    let p = (1.0 + not_worse) / (1.0 + b);
    let mean = d.iter().sum::<f64>() / b;
    let sd = (d.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (b - 1.0)).sqrt();
    let z = normal_quantile(1.0 - alpha) + normal_quantile(power);
    Some(TestOutcome {
        metric: spec.key.to_owned(),
        method: Method::Bootstrap,
        statistic: None,
        p_value: Some(p),
        q_value: None,
        effect_size: (sd > 0.0).then(|| mean / sd),
        effect_size_kind: Some("gap_over_bootstrap_sd".into()),
        min_detectable_gap: Some(z * sd),
        gap_of_interest: gap_of_interest(spec, rest_value, gap),
        verdict: Verdict::Untested,
        note: None,
    })
}

fn trials(key: &str) -> &'static str {
    match key {
        "recall" | "fnr" => "positives (TPR and FNR are rates among positives)",
        "fpr" | "specificity" => "negatives (FPR and specificity are rates among negatives)",
        "precision" => "predicted positives (precision is a rate among them)",
        "npv" => "predicted negatives (NPV is a rate among them)",
        _ => "rows",
    }
}

/// Set the q-value and the verdict.
pub fn finish(t: &mut TestOutcome, q: f64, alpha: f64) {
    if t.method == Method::None {
        return;
    }
    t.q_value = q.is_finite().then_some(q);
    t.verdict = if t.q_value.is_some_and(|q| q <= alpha) {
        Verdict::Worse
    } else {
        match (t.min_detectable_gap, t.gap_of_interest) {
            (Some(m), Some(g)) if m <= g => Verdict::NoGapFound,
            _ => Verdict::TooSmallToTell,
        }
    };
}
