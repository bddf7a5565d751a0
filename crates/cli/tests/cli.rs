//! The `assay` binary, end to end: golden values, bad inputs, outputs,
//! reproducibility.

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn assay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(args)
        .output()
        .expect("assay runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("assay-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

/// Arguments for a config object as written in tests/bad/cases.json.
fn config_args(file: &Path, c: &Json) -> Vec<String> {
    let mut a = vec![
        "eval".to_string(),
        "--data".into(),
        file.display().to_string(),
        "--label".into(),
        c["label"].as_str().unwrap().into(),
        "--bootstrap".into(),
        "20".into(),
    ];
    for s in c["scores"].as_array().unwrap() {
        a.push("--score".into());
        a.push(s.as_str().unwrap().into());
    }
    if let Some(p) = c.get("positive").and_then(Json::as_str) {
        a.push("--positive".into());
        a.push(p.into());
    }
    if c.get("logits").and_then(Json::as_bool) == Some(true) {
        a.push("--logits".into());
    }
    a
}

#[test]
fn bad_inputs_give_one_clear_line_and_never_panic() {
    let dir = repo().join("tests/bad");
    let manifest: Json =
        serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap();
    let cases = manifest["cases"].as_array().unwrap();
    assert!(cases.len() >= 15);
    let mut failures = Vec::new();
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let args = config_args(&dir.join(c["file"].as_str().unwrap()), &c["config"]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = assay(&args);
        let err = stderr(&o);
        let message = c["message"].as_str().unwrap();
        let ok = c["ok"].as_bool().unwrap();
        if err.contains("panicked") || err.contains("RUST_BACKTRACE") {
            failures.push(format!("{name}: panicked: {err}"));
            continue;
        }
        if ok != o.status.success() {
            failures.push(format!(
                "{name}: expected success={ok}, exit {:?}, stderr: {err}",
                o.status.code()
            ));
            continue;
        }
        if !ok {
            let lines: Vec<&str> = err.lines().collect();
            if lines.len() != 1 || !lines[0].starts_with("error: ") {
                failures.push(format!("{name}: expected one 'error:' line, got: {err:?}"));
            }
            if o.status.code() != Some(1) {
                failures.push(format!("{name}: exit code {:?}", o.status.code()));
            }
        }
        if !message.is_empty() && !err.contains(message) {
            failures.push(format!("{name}: stderr lacks {message:?}: {err:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn missing_file_and_bad_flags_are_clear() {
    let o = assay(&[
        "eval",
        "--data",
        "/nonexistent/x.csv",
        "--label",
        "y",
        "--score",
        "p",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o).trim(),
        "error: cannot open '/nonexistent/x.csv': no such file"
    );
    let good = repo().join("tests/bad/good.csv");
    let g = good.to_str().unwrap();
    let o = assay(&[
        "eval",
        "--data",
        g,
        "--label",
        "y",
        "--score",
        "p",
        "--threshold",
        "2",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--threshold 2 is outside [0, 1]"));
    let o = assay(&[
        "eval", "--data", g, "--label", "y", "--score", "p", "--task", "ranking",
    ]);
    assert_eq!(o.status.code(), Some(2), "clap usage error");
    assert!(stderr(&o).contains("unknown task 'ranking'"));
}

fn compare(case: &str, want: &Json, report: &Json, failures: &mut Vec<String>) {
    let metrics = report["evaluation"]["metrics"].as_array().unwrap();
    for (key, w) in want.as_object().unwrap() {
        let m = metrics.iter().find(|m| m["key"] == key.as_str());
        let Some(m) = m else {
            failures.push(format!("{case}: {key} missing"));
            continue;
        };
        match (w.as_f64(), m["value"].as_f64()) {
            (None, None) => assert!(m["undefined"].as_str().is_some_and(|s| !s.is_empty())),
            (Some(a), Some(b)) if (a - b).abs() <= 1e-9 * a.abs().max(b.abs()) + 1e-12 => {}
            (a, b) => failures.push(format!("{case}: {key}: expected {a:?} got {b:?}")),
        }
    }
}

#[test]
fn cli_reports_scikit_learn_values_on_every_golden_case() {
    let dir = repo().join("tests/golden");
    let mut failures = Vec::new();
    let mut n = 0;
    for e in std::fs::read_dir(dir.join("expected")).unwrap() {
        let path = e.unwrap().path();
        let g: Json = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let case = g["case"].as_str().unwrap();
        let data = dir.join("cases").join(g["file"].as_str().unwrap());
        let mut args = vec![
            "eval".to_string(),
            "--data".into(),
            data.display().to_string(),
            "--label".into(),
            g["label"].as_str().unwrap().into(),
            "--task".into(),
            g["task"].as_str().unwrap().into(),
            "--bootstrap".into(),
            "30".into(),
            "--json".into(),
            "-".into(),
        ];
        let scores = g["scores"].as_array().unwrap();
        let classes = g.get("classes").and_then(Json::as_array);
        for (i, s) in scores.iter().enumerate() {
            args.push("--score".into());
            args.push(match classes {
                Some(c) => format!("{}={}", c[i].as_str().unwrap(), s.as_str().unwrap()),
                None => s.as_str().unwrap().into(),
            });
        }
        if let Some(p) = g["positive"].as_str() {
            args.push("--positive".into());
            args.push(p.into());
        }
        if let Some(t) = g["threshold"].as_f64() {
            args.push("--threshold".into());
            args.push(t.to_string());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = assay(&args);
        assert!(o.status.success(), "{case}: {}", stderr(&o));
        let report: Json = serde_json::from_str(&stdout(&o)).expect("stdout is only JSON");
        assert_eq!(report["evaluation"]["rows"], g["n"]);
        compare(case, &g["metrics"], &report, &mut failures);
        n += 1;
    }
    assert!(n >= 10);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn reports_are_reproducible_and_carry_provenance() {
    let data = repo().join("tests/golden/cases/binary_basic.csv");
    let d = data.to_str().unwrap();
    let run = |seed: &str| {
        let o = assay(&[
            "eval",
            "--data",
            d,
            "--label",
            "y",
            "--score",
            "p",
            "--bootstrap",
            "200",
            "--seed",
            seed,
            "--json",
            "-",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let a = run("7");
    assert_eq!(a, run("7"), "same seed, same report");
    let b = run("8");
    assert_ne!(a, b, "another seed, other intervals");
    let r: Json = serde_json::from_str(&a).unwrap();
    assert_eq!(r["schema_version"], "1.2.0");
    let input = &r["provenance"]["inputs"][0];
    assert_eq!(input["name"], "binary_basic.csv");
    assert_eq!(input["role"], "data");
    // SHA-256 of the file, computed independently of the engine's streaming hash.
    let bytes = std::fs::read(&data).unwrap();
    assert_eq!(input["sha256"], sha256_hex(&bytes));
    assert_eq!(input["bytes"], bytes.len());
    assert_eq!(r["provenance"]["seed"], 7);
    assert_eq!(
        r["provenance"]["config"]["evaluation"]["bootstrap"]["resamples"],
        200
    );
    // Every defined metric has an interval from 200 resamples that brackets it
    // (percentile intervals need not, but on 1000 rows these all do).
    for m in r["evaluation"]["metrics"].as_array().unwrap() {
        let ci = &m["ci"];
        assert_eq!(ci["resamples"], 200, "{}", m["key"]);
        let (lo, hi, v) = (
            ci["lower"].as_f64().unwrap(),
            ci["upper"].as_f64().unwrap(),
            m["value"].as_f64().unwrap(),
        );
        assert!(lo <= v && v <= hi, "{}: {v} not in [{lo}, {hi}]", m["key"]);
        assert!(
            hi - lo > 0.0 && hi - lo < 0.2,
            "{}: width {}",
            m["key"],
            hi - lo
        );
    }
}

/// SHA-256 written out here so the test does not trust the code it checks.
fn sha256_hex(data: &[u8]) -> String {
    let out = Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(data)?;
            c.wait_with_output()
        })
        .expect("sha256sum is available");
    String::from_utf8(out.stdout).unwrap()[..64].to_owned()
}

#[test]
fn html_and_markdown_reports_hold_plots_and_no_rows() {
    // A file with an identifying column: nothing of it may reach a report.
    let csv = tmp("people.csv");
    let mut text = String::from("name,y,p\n");
    for i in 0..200 {
        text.push_str(&format!(
            "Person-{i:04}-Secret,{},{}\n",
            i % 3 == 0,
            ((i * 37) % 100) as f64 / 100.0
        ));
    }
    std::fs::write(&csv, &text).unwrap();
    let (html, json, md) = (tmp("r.html"), tmp("r.json"), tmp("r.md"));
    let o = assay(&[
        "eval",
        "--data",
        csv.to_str().unwrap(),
        "--label",
        "y",
        "--score",
        "p",
        "--bootstrap",
        "50",
        "--html",
        html.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--markdown",
        md.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "--quiet prints nothing");
    let h = std::fs::read_to_string(&html).unwrap();
    assert!(h.starts_with("<!doctype html>"));
    assert_eq!(h.matches("<svg").count(), 3, "ROC, PR, confusion matrix");
    assert!(h.contains("data-plot=\"roc\"") && h.contains("data-plot=\"pr\""));
    assert!(!h.contains("<script"), "the HTML report runs no script");
    assert!(
        !h.contains("src=\"http") && !h.contains("href=\"http"),
        "no external resources"
    );
    for f in [
        &h,
        &std::fs::read_to_string(&json).unwrap(),
        &std::fs::read_to_string(&md).unwrap(),
    ] {
        assert!(
            !f.contains("Secret"),
            "a report must not contain row values"
        );
    }
    // The positive class inferred from true/false.
    let r: Json = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(r["evaluation"]["positive"], "true");
}

#[test]
fn inspect_guesses_the_demo_columns() {
    let demo = repo().join("web/demo/demo.csv");
    let o = assay(&["inspect", "--data", demo.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("--label default --score p_default"), "{s}");
}

fn calib_case(name: &str) -> (PathBuf, Json) {
    let dir = repo().join("tests/golden/calibration");
    let g: Json =
        serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap())
            .unwrap();
    (dir.join(g["file"].as_str().unwrap()), g)
}

fn run_json(args: &[&str]) -> Json {
    let o = assay(args);
    assert!(o.status.success(), "{:?}: {}", args, stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("JSON on stdout")
}

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

fn metric_of(r: &Json, key: &str) -> f64 {
    r["evaluation"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == key)
        .unwrap()["value"]
        .as_f64()
        .unwrap()
}

#[test]
fn model_on_digits_reproduces_sklearn() {
    let onnx = repo().join("tests/onnx");
    let meta: Json = serde_json::from_str(
        &std::fs::read_to_string(onnx.join("expected/digits_mlp/meta.json")).unwrap(),
    )
    .unwrap();
    let r = run_json(&[
        "eval",
        "--model",
        onnx.join("models/digits_mlp.onnx").to_str().unwrap(),
        "--data",
        onnx.join("data/digits_test.csv").to_str().unwrap(),
        "--label",
        "label",
        "--bootstrap",
        "0",
        "--json",
        "-",
    ]);
    assert_eq!(r["evaluation"]["task"], "multiclass");
    assert_eq!(
        metric_of(&r, "accuracy"),
        meta["sklearn_accuracy"].as_f64().unwrap()
    );
    // float32 model outputs: log loss to 1e-6 relative.
    let ll = metric_of(&r, "log_loss");
    let want = meta["sklearn_log_loss"].as_f64().unwrap();
    assert!((ll - want).abs() <= 1e-6 * want, "{ll} vs {want}");
    let m = &r["model"];
    assert_eq!(m["output"], "probabilities");
    assert_eq!(m["output_width"], 10);
    assert_eq!(m["features"].as_array().unwrap().len(), 64);
    assert_eq!(m["device"], "CPU (flex)");
    let input = r["provenance"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["role"] == "model")
        .unwrap();
    assert_eq!(
        input["sha256"],
        sha256_hex(&std::fs::read(onnx.join("models/digits_mlp.onnx")).unwrap())
    );
    assert!(
        m["ops"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o[0] == "MatMul")
    );
}

#[test]
fn demo_model_matches_its_predictions_file() {
    let demo = repo().join("web/demo");
    let via_model = run_json(&[
        "eval",
        "--model",
        demo.join("demo_model.onnx").to_str().unwrap(),
        "--data",
        demo.join("demo.csv").to_str().unwrap(),
        "--label",
        "default",
        "--bootstrap",
        "0",
        "--json",
        "-",
    ]);
    let via_file = run_json(&[
        "eval",
        "--data",
        demo.join("demo.csv").to_str().unwrap(),
        "--label",
        "default",
        "--score",
        "p_default",
        "--bootstrap",
        "0",
        "--json",
        "-",
    ]);
    // The features were found without --features: the 8 numeric inputs, not p_default.
    assert_eq!(via_model["model"]["features"].as_array().unwrap().len(), 8);
    assert!(
        !via_model["model"]["features"]
            .to_string()
            .contains("p_default")
    );
    assert_eq!(via_model["evaluation"]["positive"], "1");
    for key in ["roc_auc", "accuracy", "f1"] {
        assert_eq!(
            metric_of(&via_model, key),
            metric_of(&via_file, key),
            "{key}"
        );
    }
    for key in ["log_loss", "brier"] {
        let (a, b) = (metric_of(&via_model, key), metric_of(&via_file, key));
        assert!((a - b).abs() <= 1e-6 * b, "{key}: {a} vs {b}");
    }
}

#[test]
fn bad_models_give_clear_errors() {
    let onnx = repo().join("tests/onnx");
    let demo = repo().join("web/demo");
    let data = demo.join("demo.csv");
    let d = data.to_str().unwrap();
    let truncated = tmp("truncated.onnx");
    let bytes = std::fs::read(demo.join("demo_model.onnx")).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let huge = tmp("huge.onnx");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(600 << 20)
        .unwrap(); // sparse
    let model = demo.join("demo_model.onnx");
    let m = model.to_str().unwrap();
    let unsupported = onnx.join("bad/unsupported_ops.onnx");
    let zipmap = onnx.join("bad/zipmap.onnx");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--model", d], "not an ONNX model"),
        (vec!["--model", truncated.to_str().unwrap()], "truncated"),
        (
            vec!["--model", unsupported.to_str().unwrap()],
            "unsupported ONNX operators: ",
        ),
        (vec!["--model", zipmap.to_str().unwrap()], "zipmap=False"),
        (vec!["--model", huge.to_str().unwrap()], "over the limit of"),
        (
            vec!["--model", m, "--features", "age,income"],
            "model input 'input' expects 8 features per row, but 2 feature columns were given",
        ),
        (
            vec!["--model", m, "--output", "logits"],
            "unknown output 'logits'; the model's outputs are: label, probabilities",
        ),
        (
            vec![
                "--model",
                m,
                "--features",
                "age,income,debt_ratio,credit_lines,late_payments,years_employed,loan_amount,region",
            ],
            "feature 'region' is not numeric",
        ),
        (
            vec!["--model", "/nonexistent.onnx"],
            "cannot read model '/nonexistent.onnx': no such file",
        ),
    ];
    for (extra, want) in cases {
        let mut args = vec![
            "eval",
            "--data",
            d,
            "--label",
            "default",
            "--bootstrap",
            "0",
        ];
        args.extend(extra.iter());
        let o = assay(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{extra:?}: {err}");
        assert!(err.contains(want), "{extra:?}: {err:?} lacks {want:?}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!err.contains("panicked"));
    }
    // Unsupported ops are named with their node.
    let o = assay(&[
        "eval",
        "--data",
        d,
        "--label",
        "default",
        "--model",
        onnx.join("bad/unsupported_ops.onnx").to_str().unwrap(),
    ]);
    assert!(stderr(&o).contains("node '"), "{}", stderr(&o));
}
