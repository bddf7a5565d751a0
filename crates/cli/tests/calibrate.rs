//! `assay calibrate`, end to end: reference scores, honest recalibration,
//! calibrator files, bad inputs.

use serde_json::Value as Json;

mod common;
use common::*;

#[test]
fn calibrate_reports_reference_scores_and_honest_recalibration() {
    let (data, g) = calib_case("cal_binary_overconfident");
    let d = data.to_str().unwrap();
    let r = run_json(&[
        "calibrate",
        "--data",
        d,
        "--label",
        "y",
        "--score",
        "p",
        "--slice",
        "segment",
        "--bootstrap",
        "100",
        "--json",
        "-",
    ]);
    let cal = &r["calibration"];
    // The reliability scores equal the reference fixture's.
    for key in [
        "ece",
        "ece_adaptive",
        "mce",
        "brier",
        "log_loss",
        "brier_reliability",
    ] {
        let got = cal["reliability"]["scores"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["key"] == key)
            .unwrap()["value"]
            .as_f64()
            .unwrap();
        let want = g["metrics"][key].as_f64().unwrap();
        assert!(
            (got - want).abs() <= 1e-9 * want.abs(),
            "{key}: {got} vs {want}"
        );
    }
    // A seeded half/half split; every method judged on the same held-out half.
    let rc = &cal["recalibration"];
    assert_eq!(rc["split"]["calibration_rows"], 1000);
    assert_eq!(rc["split"]["heldout_rows"], 1000);
    assert_eq!(rc["methods"].as_array().unwrap().len(), 5);
    // These scores are badly overconfident: temperature scaling must lower
    // the held-out log loss, with a paired interval below zero.
    let t = rc["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["method"] == "temperature")
        .unwrap();
    let change = &t["change"][2];
    assert_eq!(change["key"], "log_loss");
    assert!(change["value"].as_f64().unwrap() < 0.0);
    assert!(change["ci"]["upper"].as_f64().unwrap() < 0.0, "{change}");
    assert!(t["summary"].as_str().unwrap().starts_with("T = "));
    // Slices: one per segment value, sizes adding up.
    let groups = cal["slices"]["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 3);
    assert_eq!(
        groups
            .iter()
            .map(|g| g["rows"].as_u64().unwrap())
            .sum::<u64>(),
        2000
    );
    // The report carries no fitted maps (an isotonic map's knots sit on
    // individual scores): only their summaries.
    for m in rc["methods"].as_array().unwrap() {
        assert!(m.get("calibrator").is_none(), "{m}");
        assert!(m["summary"].is_string());
    }
}

#[test]
fn a_saved_calibrator_applies_in_a_later_run() {
    let (data, _) = calib_case("cal_binary_overconfident");
    let d = data.to_str().unwrap();
    let saved = tmp("platt.json");
    // Cross-fitted, so the saved map is fitted on all rows.
    let o = assay(&[
        "calibrate",
        "--data",
        d,
        "--label",
        "y",
        "--score",
        "p",
        "--folds",
        "5",
        "--methods",
        "platt,isotonic",
        "--export-calibrator",
        saved.to_str().unwrap(),
        "--export-method",
        "platt",
        "--bootstrap",
        "0",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let art: Json = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(art["method"], "platt");
    assert_eq!(art["fitted_on"]["rows"], 2000);
    assert_eq!(
        art["fitted_on"]["data_name"],
        "cal_binary_overconfident.csv"
    );
    let before = run_json(&[
        "eval",
        "--data",
        d,
        "--label",
        "y",
        "--score",
        "p",
        "--bootstrap",
        "0",
        "--json",
        "-",
    ]);
    let after = run_json(&[
        "eval",
        "--data",
        d,
        "--label",
        "y",
        "--score",
        "p",
        "--bootstrap",
        "0",
        "--calibrator",
        saved.to_str().unwrap(),
        "--json",
        "-",
    ]);
    let ll = |r: &Json| {
        r["evaluation"]["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["key"] == "log_loss")
            .unwrap()["value"]
            .as_f64()
            .unwrap()
    };
    // Platt's MLE over σ(a·logit p + b) includes the identity (a=1, b=0), so
    // on the rows it was fitted on it can only lower the log loss.
    assert!(
        ll(&after) < ll(&before),
        "{} vs {}",
        ll(&after),
        ll(&before)
    );
    assert_eq!(after["applied_calibrator"]["method"], "platt");
    let inputs = after["provenance"]["inputs"].as_array().unwrap();
    assert_eq!(inputs[1]["role"], "calibrator");
    assert_eq!(
        inputs[1]["sha256"],
        sha256_hex(&std::fs::read(&saved).unwrap())
    );
    // The ranking is unchanged by a monotone map: AUC stays the same.
    let auc = |r: &Json| {
        r["evaluation"]["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["key"] == "roc_auc")
            .unwrap()["value"]
            .as_f64()
            .unwrap()
    };
    assert!((auc(&after) - auc(&before)).abs() < 1e-12);
}

#[test]
fn calibration_bad_inputs_are_clear() {
    let (data, _) = calib_case("cal_binary_overconfident");
    let d = data.to_str().unwrap();
    let (mc, _) = calib_case("cal_multiclass");
    let saved = tmp("bin.json");
    let o = assay(&[
        "calibrate",
        "--data",
        d,
        "--label",
        "y",
        "--score",
        "p",
        "--methods",
        "temperature",
        "--export-calibrator",
        saved.to_str().unwrap(),
        "--bootstrap",
        "0",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let reg = repo().join("tests/golden/cases/regression_basic.csv");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "eval",
                "--data",
                mc.to_str().unwrap(),
                "--label",
                "label",
                "--score",
                "p_c0,p_c1,p_c2,p_c3",
                "--calibrator",
                saved.to_str().unwrap(),
            ],
            "the calibrator was fitted on a binary task but this is a multiclass task",
        ),
        (
            vec![
                "eval",
                "--data",
                d,
                "--label",
                "y",
                "--score",
                "p",
                "--calibrator",
                data.to_str().unwrap(),
            ],
            "not an Assay calibrator file",
        ),
        (
            vec![
                "calibrate",
                "--data",
                d,
                "--label",
                "y",
                "--score",
                "p",
                "--split-column",
                "segment",
                "--calibration-value",
                "Z",
            ],
            "no row has segment = 'Z' to fit calibrators on",
        ),
        (
            vec![
                "calibrate",
                "--data",
                d,
                "--label",
                "y",
                "--score",
                "p",
                "--slice",
                "nope",
            ],
            "column 'nope' not found",
        ),
        (
            vec![
                "calibrate",
                "--data",
                d,
                "--label",
                "y",
                "--score",
                "p",
                "--methods",
                "magic",
            ],
            "unknown calibration method 'magic'",
        ),
        (
            vec![
                "calibrate",
                "--data",
                d,
                "--label",
                "y",
                "--score",
                "p",
                "--bins",
                "0",
            ],
            "0 bins: choose between 1 and 255",
        ),
        (
            vec![
                "calibrate",
                "--data",
                reg.to_str().unwrap(),
                "--label",
                "target",
                "--score",
                "prediction",
            ],
            "calibration applies to classification",
        ),
    ];
    for (args, want) in cases {
        let o = assay(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err:?} lacks {want:?}");
        assert!(!err.contains("panicked"));
    }
}

#[test]
fn split_by_column_and_measure_only() {
    let (data, _) = calib_case("cal_binary_overconfident");
    let d = data.to_str().unwrap();
    let r = run_json(&[
        "calibrate",
        "--data",
        d,
        "--label",
        "y",
        "--score",
        "p",
        "--split-column",
        "segment",
        "--calibration-value",
        "A",
        "--methods",
        "isotonic",
        "--bootstrap",
        "20",
        "--json",
        "-",
    ]);
    let s = &r["calibration"]["recalibration"]["split"];
    assert_eq!(s["calibration_rows"], 876);
    assert_eq!(s["heldout_rows"], 1124);
    let r = run_json(&[
        "calibrate",
        "--data",
        d,
        "--label",
        "y",
        "--score",
        "p",
        "--methods",
        "none",
        "--bootstrap",
        "0",
        "--json",
        "-",
    ]);
    assert!(r["calibration"]["recalibration"].is_null());
    assert!(
        r["calibration"]["reliability"]["uniform"]["bins"]
            .as_array()
            .unwrap()
            .len()
            == 15
    );
}
