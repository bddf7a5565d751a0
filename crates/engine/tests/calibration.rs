//! Calibration against the reference libraries.
//!
//! `tests/golden/make_calibration.py` writes, for each case in
//! `tests/golden/calibration/`: scikit-learn's `calibration_curve` bins
//! (uniform and quantile), statsmodels' Wilson intervals, the ECE/MCE/Brier
//! decomposition by the paper formulas in NumPy, the calibration slope and
//! intercept and the Platt and beta fits from statsmodels' exact Newton MLE,
//! the temperature (scipy's bounded minimiser, polished by Newton), and
//! scikit-learn's `IsotonicRegression(out_of_bounds="clip")`.
//!
//! Tolerances, as the issue sets them: bin statistics and isotonic outputs
//! 1e-12; fitted parameters 1e-6 relative; scores 1e-9 relative.

mod common;

use assay_engine::Cancel;
use assay_engine::analyses::calibration::methods::{self, BinaryMap, Calibrator, Method};
use assay_engine::analyses::calibration::{Diagram, Reliability, by_slice, reliability};
use assay_engine::predictions::Predictions;
use assay_engine::prepare::Prepared;
use assay_engine::stats::bootstrap::BootstrapOptions;
use common::rel_close;
use serde_json::Value as Json;
use std::path::PathBuf;

fn dir() -> PathBuf {
    common::golden_dir().join("calibration")
}

fn f(v: &Json) -> Option<f64> {
    v.as_f64()
}

fn arr(v: &Json) -> Vec<Option<f64>> {
    v.as_array().unwrap().iter().map(f).collect()
}

struct Case {
    g: Json,
    predictions: Predictions,
    prepared: Prepared,
    table: assay_engine::table::Table,
}

fn load(name: &str) -> Case {
    let g: Json =
        serde_json::from_str(&std::fs::read_to_string(dir().join(format!("{name}.json"))).unwrap())
            .unwrap();
    let text = std::fs::read(dir().join(g["file"].as_str().unwrap())).unwrap();
    let mut spec = common::spec_of(&g);
    spec.scores.truncate(match spec.task {
        Some(assay_engine::prepare::Task::Multiclass) => usize::MAX,
        _ => 1,
    });
    let (table, predictions) = common::read_and_prepare(&text, &spec);
    Case {
        g,
        prepared: predictions.prepared().clone(),
        predictions,
        table,
    }
}

const CASES: &[&str] = &[
    "cal_binary_overconfident",
    "cal_binary_extremes",
    "cal_binary_calibrated",
    "cal_binary_ties",
    "cal_multiclass",
];

fn no_boot() -> BootstrapOptions {
    BootstrapOptions {
        resamples: 0,
        ..BootstrapOptions::default()
    }
}

fn check_diagram(case: &str, what: &str, d: &Diagram, g: &Json, fails: &mut Vec<String>) {
    let edges = arr(&g["edges"]);
    let counts: Vec<u64> = g["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .collect();
    let mc = arr(&g["mean_confidence"]);
    let acc = arr(&g["accuracy"]);
    let wil = g["wilson"].as_array().unwrap();
    assert_eq!(d.bins.len(), counts.len(), "{case} {what}: bin count");
    for (b, bin) in d.bins.iter().enumerate() {
        let e_ok = rel_close(bin.lower, edges[b].unwrap(), 1e-15)
            && rel_close(bin.upper, edges[b + 1].unwrap(), 1e-15);
        if !e_ok {
            fails.push(format!(
                "{case} {what} bin {b}: edges [{}, {}] vs {:?}",
                bin.lower,
                bin.upper,
                &edges[b..b + 2]
            ));
        }
        if bin.count != counts[b] {
            fails.push(format!(
                "{case} {what} bin {b}: count {} vs {}",
                bin.count, counts[b]
            ));
        }
        for (name, got, want) in [
            ("mean confidence", bin.mean_confidence, mc[b]),
            ("accuracy", bin.accuracy, acc[b]),
        ] {
            match (got, want) {
                (None, None) => {}
                (Some(a), Some(b2)) if (a - b2).abs() <= 1e-12 => {}
                _ => fails.push(format!("{case} {what} bin {b}: {name} {got:?} vs {want:?}")),
            }
        }
        match (bin.accuracy_ci, wil[b].as_array()) {
            (None, None) => {}
            (Some([lo, hi]), Some(w))
                if (lo - w[0].as_f64().unwrap()).abs() <= 1e-12
                    && (hi - w[1].as_f64().unwrap()).abs() <= 1e-12 => {}
            (got, want) => fails.push(format!("{case} {what} bin {b}: wilson {got:?} vs {want:?}")),
        }
    }
    // sklearn's calibration_curve returns the non-empty bins only.
    let pt: Vec<f64> = d.bins.iter().filter_map(|b| b.accuracy).collect();
    let pp: Vec<f64> = d.bins.iter().filter_map(|b| b.mean_confidence).collect();
    let spt: Vec<f64> = arr(&g["sklearn_prob_true"]).into_iter().flatten().collect();
    let spp: Vec<f64> = arr(&g["sklearn_prob_pred"]).into_iter().flatten().collect();
    assert_eq!(pt.len(), spt.len(), "{case} {what}: non-empty bins");
    for i in 0..pt.len() {
        if (pt[i] - spt[i]).abs() > 1e-12 || (pp[i] - spp[i]).abs() > 1e-12 {
            fails.push(format!("{case} {what}: calibration_curve point {i}"));
        }
    }
}

fn check_scores(case: &str, r: &Reliability, want: &Json, fails: &mut Vec<String>) {
    for (key, w) in want.as_object().unwrap() {
        let Some(m) = r.scores.iter().find(|m| &m.key == key) else {
            fails.push(format!("{case}: score {key} missing"));
            continue;
        };
        // The slope and intercept are fitted parameters (1e-6 relative);
        // the rest are closed-form scores (1e-9 relative).
        let tol = if key.starts_with("calibration_") {
            1e-6
        } else {
            1e-9
        };
        match (w.as_f64(), m.value) {
            (None, None) => {}
            (Some(a), Some(b)) if rel_close(b, a, tol) || (a - b).abs() < 1e-13 => {}
            (a, b) => fails.push(format!("{case}: {key}: expected {a:?}, got {b:?}")),
        }
    }
}

#[test]
fn reliability_matches_sklearn_and_the_paper_formulas() {
    let mut fails = Vec::new();
    for name in CASES {
        let c = load(name);
        let r =
            reliability::reliability(&c.predictions, 15, &no_boot(), &Cancel::new(), &mut |_| {})
                .unwrap();
        check_diagram(
            name,
            "uniform",
            &r.uniform,
            &c.g["reliability"]["uniform"],
            &mut fails,
        );
        check_diagram(
            name,
            "quantile",
            &r.quantile,
            &c.g["reliability"]["quantile"],
            &mut fails,
        );
        check_scores(name, &r, &c.g["metrics"], &mut fails);
        if let Some(per) =
            c.g.get("info")
                .and_then(|i| i.get("classwise_ece_per_class"))
        {
            let want: Vec<f64> = match per {
                Json::Array(a) => a.iter().map(|v| v.as_f64().unwrap()).collect(),
                Json::Object(o) => o.values().map(|v| v.as_f64().unwrap()).collect(),
                _ => panic!("classwise_ece_per_class shape"),
            };
            for (cw, w) in r.classwise.iter().zip(&want) {
                if !rel_close(cw.ece, *w, 1e-9) {
                    fails.push(format!(
                        "{name}: classwise ECE {} {} vs {w}",
                        cw.class, cw.ece
                    ));
                }
            }
        }
    }
    assert!(
        fails.is_empty(),
        "{} mismatches:\n{}",
        fails.len(),
        fails.join("\n")
    );
}

#[test]
fn per_slice_scores_match() {
    let c = load("cal_binary_overconfident");
    let bs = &c.g["by_slice"];
    let column = bs["column"].as_str().unwrap();
    let sliced = by_slice::by_slice(
        &c.predictions,
        &c.table,
        column,
        15,
        &no_boot(),
        &Cancel::new(),
        &mut |_| {},
    )
    .unwrap();
    let mut fails = Vec::new();
    let groups = bs["groups"].as_object().unwrap();
    assert_eq!(sliced.groups.len(), groups.len());
    for g in &sliced.groups {
        let want = &groups[&g.value];
        assert_eq!(g.rows, want["n"].as_u64().unwrap());
        check_scores(
            &format!("segment {}", g.value),
            &g.reliability,
            &want["metrics"],
            &mut fails,
        );
    }
    assert!(fails.is_empty(), "{}", fails.join("\n"));
}

fn binary_data(c: &Case) -> (Vec<f64>, Vec<f64>) {
    match &c.prepared {
        Prepared::Binary { y, p, .. } => (p.clone(), y.iter().map(|&b| b as u8 as f64).collect()),
        _ => unreachable!(),
    }
}

fn check_predictions(
    case: &str,
    what: &str,
    map: &BinaryMap,
    xs: &[f64],
    want: &Json,
    tol: f64,
    fails: &mut Vec<String>,
) {
    let want = arr(want);
    assert_eq!(xs.len(), want.len(), "{case} {what}: prediction count");
    for (i, (&x, w)) in xs.iter().zip(&want).enumerate() {
        let got = map.apply(x);
        let w = w.unwrap();
        if (got - w).abs() > tol * w.abs().max(1.0) {
            fails.push(format!(
                "{case} {what}: at p={x} (#{i}) got {got}, want {w}"
            ));
            return;
        }
    }
}

#[test]
fn recalibration_maps_match_the_references() {
    let mut fails = Vec::new();
    for name in CASES.iter().filter(|n| n.starts_with("cal_binary")) {
        let c = load(name);
        let (p, y) = binary_data(&c);
        let w = vec![1.0; p.len()];
        let probe: Vec<f64> = arr(&c.g["probe"]).into_iter().flatten().collect();
        let rc = &c.g["recalibration"];
        for method in Method::ALL {
            let g = &rc[method.name()];
            let map = methods::fit_binary(method, &p, &y, &w, 15)
                .unwrap_or_else(|e| panic!("{name} {method}: {}", e.0));
            let param = |k: &str| g[k].as_f64().unwrap();
            let params_ok = match &map {
                BinaryMap::Temperature { temperature } => {
                    rel_close(*temperature, param("temperature"), 1e-6)
                }
                BinaryMap::Platt { a, b } => {
                    rel_close(*a, param("a"), 1e-6) && rel_close(*b, param("b"), 1e-6)
                }
                BinaryMap::Beta { a, b, c: cc } => {
                    rel_close(*a, param("a"), 1e-6)
                        && rel_close(*b, param("b"), 1e-6)
                        && rel_close(*cc, param("c"), 1e-6)
                }
                BinaryMap::Isotonic { x, y: yy } => {
                    let (gx, gy): (Vec<f64>, Vec<f64>) = (
                        arr(&g["x"]).into_iter().flatten().collect(),
                        arr(&g["y"]).into_iter().flatten().collect(),
                    );
                    x.len() == gx.len()
                        && x.iter().zip(&gx).all(|(a, b)| (a - b).abs() <= 1e-12)
                        && yy.iter().zip(&gy).all(|(a, b)| (a - b).abs() <= 1e-12)
                }
                BinaryMap::Histogram { edges, values } => {
                    let (ge, gv): (Vec<f64>, Vec<f64>) = (
                        arr(&g["edges"]).into_iter().flatten().collect(),
                        arr(&g["values"]).into_iter().flatten().collect(),
                    );
                    edges.iter().zip(&ge).all(|(a, b)| (a - b).abs() <= 1e-15)
                        && values.iter().zip(&gv).all(|(a, b)| (a - b).abs() <= 1e-12)
                }
            };
            if !params_ok {
                fails.push(format!("{name} {method}: parameters {map:?} vs {g}"));
                continue;
            }
            let tol = match method {
                Method::Isotonic | Method::Histogram => 1e-12,
                _ => 1e-6,
            };
            check_predictions(
                name,
                &format!("{method} data"),
                &map,
                &p,
                &g["predict_data"],
                tol,
                &mut fails,
            );
            check_predictions(
                name,
                &format!("{method} probe"),
                &map,
                &probe,
                &g["predict_probe"],
                tol,
                &mut fails,
            );
        }
    }
    assert!(
        fails.is_empty(),
        "{} mismatches:\n{}",
        fails.len(),
        fails.join("\n")
    );
}

#[test]
fn multiclass_temperature_and_one_vs_rest_isotonic_match() {
    let c = load("cal_multiclass");
    let Prepared::Multiclass {
        y, probs, classes, ..
    } = &c.prepared
    else {
        unreachable!()
    };
    let k = classes.len();
    let w = vec![1.0; y.len()];
    let rc = &c.g["recalibration"];
    let t = methods::fit_multiclass_temperature(probs, k, y, &w).unwrap();
    let want_t = rc["temperature"]["temperature"].as_f64().unwrap();
    assert!(rel_close(t, want_t, 1e-6), "T {t} vs {want_t}");
    let rows = rc["temperature"]["predict_rows"].as_u64().unwrap() as usize;
    let cal = Calibrator::MulticlassTemperature { temperature: t };
    let got = cal.apply_multiclass(&probs[..rows * k], k).unwrap();
    let want: Vec<f64> = rc["temperature"]["predict_data"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect::<Vec<_>>()
        })
        .collect();
    for (a, b) in got.iter().zip(&want) {
        assert!((a - b).abs() < 1e-6, "{a} vs {b}");
    }
    let ovr = methods::fit_multiclass(Method::Isotonic, probs, k, y, &w, 15).unwrap();
    let got = ovr.apply_multiclass(&probs[..rows * k], k).unwrap();
    let want: Vec<f64> = rc["isotonic_ovr"]["predict_data"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect::<Vec<_>>()
        })
        .collect();
    for (a, b) in got.iter().zip(&want) {
        assert!((a - b).abs() < 1e-12, "isotonic OvR {a} vs {b}");
    }
}

#[test]
fn perfectly_calibrated_data_has_ece_within_its_interval_of_zero() {
    let c = load("cal_binary_calibrated");
    let boot = BootstrapOptions {
        resamples: 300,
        seed: 3,
        level: 0.95,
    };
    let r =
        reliability::reliability(&c.predictions, 15, &boot, &Cancel::new(), &mut |_| {}).unwrap();
    let ece = r.scores.iter().find(|m| m.key == "ece").unwrap();
    let ci = ece.ci.as_ref().unwrap();
    // ECE is biased upward by sampling noise, so its percentile interval
    // excludes 0; the honest check is that the bootstrap spread is as large
    // as the point value (the miscalibration is within noise).
    assert!(ece.value.unwrap() < 0.03, "ECE {:?}", ece.value);
    assert!(ci.upper - ci.lower > 0.2 * ece.value.unwrap(), "{ci:?}");
    let slope = r
        .scores
        .iter()
        .find(|m| m.key == "calibration_slope")
        .unwrap();
    let sci = slope.ci.as_ref().unwrap();
    assert!(
        sci.lower <= 1.0 && 1.0 <= sci.upper,
        "slope CI {sci:?} covers 1"
    );
    let icpt = r
        .scores
        .iter()
        .find(|m| m.key == "calibration_intercept")
        .unwrap();
    let ici = icpt.ci.as_ref().unwrap();
    assert!(
        ici.lower <= 0.0 && 0.0 <= ici.upper,
        "intercept CI {ici:?} covers 0"
    );
}
