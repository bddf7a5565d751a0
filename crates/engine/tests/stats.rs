//! Hypothesis tests, Benjamini–Hochberg and power guidance against scipy and
//! statsmodels.
//!
//! `tests/golden/make_stats.py` writes scipy 1.17.1's and statsmodels
//! 0.15.0's values to `tests/golden/stats/stats.json` (committed: no Python
//! needed here). A `null` expected value means undefined: Assay must return
//! `None`.
//!
//! Tolerance: 1e-9 relative everywhere, with an absolute floor of 1e-300
//! for probabilities (only subnormal p-values, which carry fewer than 15
//! digits, can need it) and 1e-12 for statistics and effect sizes that are
//! (near) zero. One comparison is looser by necessity: statsmodels'
//! `solve_power` stops its root search early (power off by up to 5e-4 in
//! these cases), so its h is not compared digit by digit. Instead the
//! fixture also records statsmodels' own power at its h, and we check that
//! the power equation Assay solves gives the same power at that h (to
//! 1e-12): the same equation, solved more precisely. Assay's h is compared
//! at 1e-9 with the root of that equation solved in Python by brentq.
//!
//! Fisher's exact test is also compared with the exact p-value (mpmath,
//! 50 digits, in the fixture as `p_value_exact`) at 1e-12: for totals near
//! 10⁶, scipy's own hypergeometric CDF (Boost) is off by up to 3.5e−10
//! relative, so the 1e-9 comparison with scipy has only a factor ~3 of
//! margin there, while Assay's value is within ~1e-13 of the exact one.

mod common;

use assay_engine::stats::det::normal_quantile;
use assay_engine::stats::hypothesis::{
    Alternative, benjamini_hochberg, detectable_proportions, fisher_exact,
    min_detectable_difference, min_detectable_effect_h, min_detectable_mean_difference, normal_cdf,
    normal_sf, two_proportion_z,
};
use common::golden_dir;
use serde_json::Value as Json;

fn fixture() -> Json {
    let path = golden_dir().join("stats/stats.json");
    let text = std::fs::read_to_string(&path).expect("tests/golden/stats/stats.json");
    serde_json::from_str(&text).unwrap()
}

/// Equal to within `tol` relative (probabilities: and 1e-300 absolute).
fn rel_close(got: f64, want: f64, tol: f64) -> bool {
    got == want
        || (got - want).abs() <= tol * got.abs().max(want.abs())
        || (got - want).abs() <= 1e-300
}

fn close(got: f64, want: f64, abs: f64) -> bool {
    if got.is_nan() || want.is_nan() {
        return got.is_nan() && want.is_nan();
    }
    if got == want {
        return true;
    }
    let d = (got - want).abs();
    d <= 1e-9 * got.abs().max(want.abs()) || d <= abs
}

/// A number, or the strings "inf" / "-inf" / "nan".
fn float(v: &Json) -> f64 {
    match v.as_str() {
        Some("inf") => f64::INFINITY,
        Some("-inf") => f64::NEG_INFINITY,
        Some("nan") => f64::NAN,
        _ => v.as_f64().unwrap_or_else(|| panic!("not a number: {v}")),
    }
}

fn alt(v: &Json) -> Alternative {
    serde_json::from_value(v.clone()).unwrap()
}

fn u(v: &Json) -> u64 {
    v.as_u64().unwrap()
}

/// Compares an optional result with an expected number or `null`.
fn check(what: &str, got: Option<f64>, want: &Json, abs: f64, failures: &mut Vec<String>) {
    match (got, want.is_null()) {
        (None, true) => {}
        (Some(g), false) if close(g, float(want), abs) => {}
        _ => failures.push(format!("{what}: expected {want}, got {got:?}")),
    }
}

fn report(section: &str, n: usize, failures: Vec<String>) {
    assert!(n > 0, "{section}: no cases");
    assert!(
        failures.is_empty(),
        "{section}: {} of {n} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn alternatives_are_snake_case() {
    for (a, s) in [
        (Alternative::TwoSided, "two_sided"),
        (Alternative::Greater, "greater"),
        (Alternative::Less, "less"),
    ] {
        assert_eq!(serde_json::to_value(a).unwrap(), Json::from(s));
        assert_eq!(a.as_str(), s);
    }
}

#[test]
fn normal_cdf_and_sf_match_scipy() {
    let g = fixture();
    let mut failures = Vec::new();
    let cases = g["normal"].as_array().unwrap();
    for c in cases {
        let x = float(&c["x"]);
        check(
            &format!("cdf({x})"),
            Some(normal_cdf(x)),
            &c["cdf"],
            1e-300,
            &mut failures,
        );
        check(
            &format!("sf({x})"),
            Some(normal_sf(x)),
            &c["sf"],
            1e-300,
            &mut failures,
        );
    }
    report("normal", cases.len(), failures);
}

#[test]
fn two_proportion_z_matches_statsmodels() {
    let g = fixture();
    let mut failures = Vec::new();
    let cases = g["two_proportion_z"].as_array().unwrap();
    for c in cases {
        let (k1, n1, k2, n2) = (u(&c["k1"]), u(&c["n1"]), u(&c["k2"]), u(&c["n2"]));
        let a = alt(&c["alternative"]);
        let what = format!("z({k1}/{n1} vs {k2}/{n2}, {})", a.as_str());
        let r = two_proportion_z(k1, n1, k2, n2, a);
        check(
            &format!("{what} statistic"),
            r.map(|r| r.statistic),
            &c["statistic"],
            1e-12,
            &mut failures,
        );
        check(
            &format!("{what} p"),
            r.map(|r| r.p_value),
            &c["p_value"],
            1e-300,
            &mut failures,
        );
    }
    report("two_proportion_z", cases.len(), failures);
}

#[test]
fn fisher_exact_matches_scipy() {
    let g = fixture();
    let mut failures = Vec::new();
    let cases = g["fisher_exact"].as_array().unwrap();
    for c in cases {
        let t: [[u64; 2]; 2] = serde_json::from_value(c["table"].clone()).unwrap();
        let a = alt(&c["alternative"]);
        let r = fisher_exact(t, a);
        let what = format!("fisher({t:?}, {})", a.as_str());
        if !close(r.odds_ratio, float(&c["odds_ratio"]), 0.0) {
            failures.push(format!(
                "{what} odds ratio: expected {}, got {}",
                c["odds_ratio"], r.odds_ratio
            ));
        }
        check(
            &format!("{what} p"),
            Some(r.p_value),
            &c["p_value"],
            1e-300,
            &mut failures,
        );
        let exact = float(&c["p_value_exact"]);
        if !rel_close(r.p_value, exact, 1e-12) {
            failures.push(format!("{what}: exact p {exact:e}, got {:e}", r.p_value));
        }
    }
    report("fisher_exact", cases.len(), failures);
}

#[test]
fn fisher_exact_is_fast_for_large_counts() {
    // Totals of 2·10⁶ near the null: thousands of pmf terms per tail.
    let start = std::time::Instant::now();
    for a in [
        Alternative::TwoSided,
        Alternative::Greater,
        Alternative::Less,
    ] {
        let r = fisher_exact([[500_000, 500_000], [499_000, 501_000]], a);
        assert!(r.p_value > 0.0 && r.p_value <= 1.0);
    }
    assert!(start.elapsed().as_secs_f64() < 5.0, "{:?}", start.elapsed());
}

#[test]
fn benjamini_hochberg_matches_scipy() {
    let g = fixture();
    let mut failures = Vec::new();
    let cases = g["benjamini_hochberg"].as_array().unwrap();
    for (i, c) in cases.iter().enumerate() {
        let p: Vec<f64> = c["p"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap_or(f64::NAN))
            .collect();
        let want = c["q"].as_array().unwrap();
        let q = benjamini_hochberg(&p);
        if q.len() != want.len() {
            failures.push(format!(
                "case {i}: {} q-values, expected {}",
                q.len(),
                want.len()
            ));
            continue;
        }
        for (j, (g, w)) in q.iter().zip(want).enumerate() {
            let g = (!g.is_nan()).then_some(*g);
            check(&format!("case {i} q[{j}]"), g, w, 1e-300, &mut failures);
        }
    }
    report("benjamini_hochberg", cases.len(), failures);
}

/// statsmodels' `NormalIndPower().power` (its `normal_power`).
fn statsmodels_power(h: f64, n1: u64, n2: u64, alpha: f64, two_sided: bool) -> f64 {
    let n_eff = 1.0 / (1.0 / n1 as f64 + 1.0 / n2 as f64);
    let x = h * n_eff.sqrt();
    if two_sided {
        let c = -normal_quantile(alpha / 2.0);
        normal_sf(c - x) + normal_cdf(-c - x)
    } else {
        normal_sf(-normal_quantile(alpha) - x)
    }
}

#[test]
fn power_guidance_matches_statsmodels() {
    let g = fixture();
    let mut failures = Vec::new();
    let cases = g["power"].as_array().unwrap();
    for c in cases {
        let (n1, n2) = (u(&c["n_slice"]), u(&c["n_rest"]));
        let (alpha, power) = (float(&c["alpha"]), float(&c["power"]));
        let a = alt(&c["alternative"]);
        let what = format!(
            "power(n {n1}/{n2}, α {alpha}, power {power}, {})",
            a.as_str()
        );
        let h = min_detectable_effect_h(n1, n2, alpha, power, a);
        check(&format!("{what} h"), h, &c["h"], 1e-12, &mut failures);
        if a != Alternative::TwoSided {
            check(
                &format!("{what} closed form"),
                h,
                &c["h_closed_form"],
                1e-12,
                &mut failures,
            );
        }
        if let (Some(h_sm), Some(resid)) = (
            c["h_statsmodels"].as_f64(),
            c["power_residual_statsmodels"].as_f64(),
        ) {
            let ours = statsmodels_power(h_sm, n1, n2, alpha, a == Alternative::TwoSided) - power;
            if (ours - resid).abs() > 1e-12 {
                failures.push(format!(
                    "{what}: power at statsmodels' h {h_sm} is off by {ours:e}, statsmodels says {resid:e}"
                ));
            }
        }
        let p_rest = c["p_rest"].as_array().unwrap();
        for (i, pr) in p_rest.iter().enumerate() {
            let pr = float(pr);
            let d = detectable_proportions(pr, n1, n2, alpha, power, a);
            check(
                &format!("{what} above({pr})"),
                d.and_then(|d| d.above),
                &c["above"][i],
                1e-15,
                &mut failures,
            );
            check(
                &format!("{what} below({pr})"),
                d.and_then(|d| d.below),
                &c["below"][i],
                1e-15,
                &mut failures,
            );
            check(
                &format!("{what} difference({pr})"),
                min_detectable_difference(pr, n1, n2, alpha, power, a),
                &c["min_detectable_difference"][i],
                1e-15,
                &mut failures,
            );
        }
    }
    report("power", cases.len(), failures);
}

#[test]
fn mean_difference_matches_the_normal_formula() {
    let g = fixture();
    let mut failures = Vec::new();
    let cases = g["mean_difference"].as_array().unwrap();
    for c in cases {
        let (s1, s2) = (float(&c["sd_slice"]), float(&c["sd_rest"]));
        let (n1, n2) = (u(&c["n_slice"]), u(&c["n_rest"]));
        let (alpha, power) = (float(&c["alpha"]), float(&c["power"]));
        let a = alt(&c["alternative"]);
        let got = min_detectable_mean_difference(s1, s2, n1, n2, alpha, power, a);
        check(
            &format!(
                "mean({s1}, {s2}, {n1}, {n2}, {alpha}, {power}, {})",
                a.as_str()
            ),
            got,
            &c["value"],
            1e-12,
            &mut failures,
        );
    }
    report("mean_difference", cases.len(), failures);
}
