//! Every metric against scikit-learn's values.
//!
//! `tests/golden/make_golden.py` builds the datasets in `tests/golden/cases/`
//! and writes scikit-learn 1.9.1's values to `tests/golden/expected/`; both are
//! committed, so this test needs no Python. Tolerance: 1e-9 relative (values
//! near zero: 1e-12 absolute). A `null` in the expected file means the value is
//! undefined, and Assay must report it as undefined (with a reason).

mod common;

use assay_engine::Cancel;
use assay_engine::analyses::evaluation::{Evaluation, evaluate};
use assay_engine::metrics::binary::BinaryData;
use assay_engine::plan::PredictionSpec;
use assay_engine::prepare::Prepared;
use assay_engine::stats::bootstrap::BootstrapOptions;
use common::{golden_dir, spec_of};
use serde_json::Value as Json;
use std::path::PathBuf;

/// Tolerance: 1e-9 relative (values near zero: 1e-12 absolute).
fn close(a: f64, b: f64) -> bool {
    let scale = a.abs().max(b.abs());
    (a - b).abs() <= 1e-9 * scale || (a - b).abs() <= 1e-12
}

fn check_metrics(case: &str, expected: &Json, got: &Evaluation, failures: &mut Vec<String>) {
    for (key, want) in expected.as_object().unwrap() {
        let Some(m) = got.metric(key) else {
            failures.push(format!("{case}: metric {key} missing"));
            continue;
        };
        match (want.as_f64(), m.value) {
            (None, None) => {
                if m.undefined.as_deref().unwrap_or("").is_empty() {
                    failures.push(format!("{case}: {key} undefined without a reason"));
                }
            }
            (Some(w), Some(v)) if close(v, w) => {}
            (w, v) => failures.push(format!("{case}: {key}: expected {w:?}, got {v:?}")),
        }
    }
}

fn check_vec(case: &str, what: &str, want: &Json, got: &[Option<f64>], failures: &mut Vec<String>) {
    let want = want.as_array().unwrap();
    if want.len() != got.len() {
        failures.push(format!(
            "{case}: {what}: {} points expected, got {}",
            want.len(),
            got.len()
        ));
        return;
    }
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        let ok = match (w.as_f64(), g) {
            (None, None) => true,
            (Some(w), Some(g)) => close(*g, w),
            _ => false,
        };
        if !ok {
            failures.push(format!("{case}: {what}[{i}]: expected {w}, got {g:?}"));
            return;
        }
    }
}

/// Compare the full (undecimated) ROC and PR curves with sklearn's.
fn check_curves(case: &str, g: &Json, prepared: &Prepared, failures: &mut Vec<String>) {
    let Prepared::Binary { y, p, .. } = prepared else {
        return;
    };
    let d = BinaryData::new(y, p, 0.5);
    if let Ok(roc) = d.roc_curve(false) {
        let fpr: Vec<Option<f64>> = roc.x.iter().map(|v| Some(*v)).collect();
        let tpr: Vec<Option<f64>> = roc.y.iter().map(|v| Some(*v)).collect();
        check_vec(case, "roc fpr", &g["roc_curve"]["fpr"], &fpr, failures);
        check_vec(case, "roc tpr", &g["roc_curve"]["tpr"], &tpr, failures);
        check_vec(
            case,
            "roc thresholds",
            &g["roc_curve"]["thresholds"],
            &roc.thresholds,
            failures,
        );
    } else if g["metrics"]["roc_auc"].as_f64().is_some() {
        failures.push(format!("{case}: ROC curve undefined but sklearn has one"));
    }
    if let Ok(pr) = d.pr_curve() {
        let rec: Vec<Option<f64>> = pr.x.iter().map(|v| Some(*v)).collect();
        let prec: Vec<Option<f64>> = pr.y.iter().map(|v| Some(*v)).collect();
        // sklearn's thresholds array has no entry for the final (recall 0) point.
        let thr = &pr.thresholds[..pr.thresholds.len() - 1];
        check_vec(
            case,
            "pr precision",
            &g["pr_curve"]["precision"],
            &prec,
            failures,
        );
        check_vec(case, "pr recall", &g["pr_curve"]["recall"], &rec, failures);
        check_vec(
            case,
            "pr thresholds",
            &g["pr_curve"]["thresholds"],
            thr,
            failures,
        );
    }
}

fn evaluate_text(text: &[u8], spec: &PredictionSpec) -> (Evaluation, Prepared) {
    let (_, predictions) = common::read_and_prepare(text, spec);
    let boot = BootstrapOptions {
        resamples: 0,
        ..BootstrapOptions::default()
    };
    let ev = evaluate(
        &predictions,
        spec.threshold,
        400,
        &boot,
        &Cancel::new(),
        &mut |_| {},
    )
    .expect("evaluation succeeds");
    (ev, predictions.prepared().clone())
}

/// Rows of `text` whose `column` equals `value`, as CSV text (header kept).
fn filter_rows(text: &[u8], column: &str, value: &str) -> Vec<u8> {
    let mut rdr = csv::Reader::from_reader(text);
    let headers = rdr.headers().unwrap().clone();
    let idx = headers.iter().position(|h| h == column).unwrap();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers).unwrap();
    for r in rdr.records() {
        let r = r.unwrap();
        if &r[idx] == value {
            w.write_record(&r).unwrap();
        }
    }
    w.into_inner().unwrap()
}

#[test]
fn metrics_match_scikit_learn() {
    let dir = golden_dir();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir.join("expected"))
        .expect("tests/golden/expected exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "expected the committed golden cases");
    let mut failures = Vec::new();
    let mut checked = 0usize;
    for path in &cases {
        let g: Json = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let case = g["case"].as_str().unwrap().to_owned();
        let text = std::fs::read(dir.join("cases").join(g["file"].as_str().unwrap())).unwrap();
        let spec = spec_of(&g);
        let (ev, prepared) = evaluate_text(&text, &spec);
        assert_eq!(ev.rows, g["n"].as_u64().unwrap(), "{case}: row count");
        check_metrics(&case, &g["metrics"], &ev, &mut failures);
        checked += g["metrics"].as_object().unwrap().len();
        if let Some(cm) = g.get("confusion_matrix") {
            let want: Vec<Vec<u64>> = serde_json::from_value(cm["matrix"].clone()).unwrap();
            let got = ev.confusion_matrix.as_ref().unwrap();
            if got.matrix != want {
                failures.push(format!(
                    "{case}: confusion matrix {:?} != {:?}",
                    got.matrix, want
                ));
            }
            let labels: Vec<String> = serde_json::from_value(cm["labels"].clone()).unwrap();
            if got.labels != labels {
                failures.push(format!("{case}: labels {:?} != {labels:?}", got.labels));
            }
        }
        if let Some(pc) = g.get("per_class") {
            let got = ev.per_class.as_ref().unwrap();
            check_vec(
                &case,
                "per-class precision",
                &pc["precision"],
                &got.precision,
                &mut failures,
            );
            check_vec(
                &case,
                "per-class recall",
                &pc["recall"],
                &got.recall,
                &mut failures,
            );
            check_vec(&case, "per-class f1", &pc["f1"], &got.f1, &mut failures);
            let support: Vec<u64> = serde_json::from_value(pc["support"].clone()).unwrap();
            assert_eq!(got.support, support, "{case}: support");
        }
        check_curves(&case, &g, &prepared, &mut failures);
        if let Some(bg) = g.get("by_group") {
            let column = bg["column"].as_str().unwrap();
            for (value, want) in bg["groups"].as_object().unwrap() {
                let sub = filter_rows(&text, column, value);
                let (ev, _) = evaluate_text(&sub, &spec);
                assert_eq!(ev.rows, want["n"].as_u64().unwrap());
                check_metrics(
                    &format!("{case}[{column}={value}]"),
                    &want["metrics"],
                    &ev,
                    &mut failures,
                );
                checked += want["metrics"].as_object().unwrap().len();
            }
        }
    }
    println!(
        "{checked} metric values compared with scikit-learn across {} cases",
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
