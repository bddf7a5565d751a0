//! `assay eval` and `assay inspect`, end to end: golden values, bad inputs,
//! outputs, reproducibility.

use serde_json::Value as Json;

mod common;
use common::*;

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
        // The CLI names the flag that fixes it.
        if let Some(cli) = c.get("cli").and_then(Json::as_str)
            && !err.contains(cli)
        {
            failures.push(format!("{name}: stderr lacks {cli:?}: {err:?}"));
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
    // The plan's words, and the flag that sets it.
    let err = stderr(&o);
    assert!(err.contains("threshold 2 is outside [0, 1]"), "{err}");
    assert!(err.trim_end().ends_with("(--threshold)"), "{err}");
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
    assert_eq!(r["schema_version"], "2.0.0");
    let input = &r["provenance"]["inputs"][0];
    assert_eq!(input["name"], "binary_basic.csv");
    assert_eq!(input["role"], "data");
    // SHA-256 of the file, computed independently of the engine's streaming hash.
    let bytes = std::fs::read(&data).unwrap();
    assert_eq!(input["sha256"], sha256_hex(&bytes));
    assert_eq!(input["bytes"], bytes.len());
    assert_eq!(r["provenance"]["seed"], 7);
    // The report embeds the plan that produced it.
    let plan = &r["provenance"]["plan"];
    assert_eq!(plan["bootstrap"]["resamples"], 200);
    assert_eq!(plan["seed"], 7);
    assert_eq!(plan["predictions"]["label"], "y");
    assert_eq!(plan["inputs"][0]["name"], "binary_basic.csv");
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

#[test]
fn a_saved_audit_file_runs_again_to_the_same_report() {
    let (data, _) = calib_case("cal_binary_overconfident");
    let d = data.to_str().unwrap();
    for file in ["audit.toml", "audit.json"] {
        let audit = tmp(file);
        let args = [
            "calibrate",
            "--data",
            d,
            "--label",
            "y",
            "--score",
            "p",
            "--methods",
            "platt,isotonic",
            "--slice",
            "segment",
            "--bootstrap",
            "50",
            "--seed",
            "3",
            "--json",
            "-",
            "--save-audit",
            audit.to_str().unwrap(),
        ];
        let first = assay(&args);
        assert!(first.status.success(), "{}", stderr(&first));
        let text = std::fs::read_to_string(&audit).unwrap();
        assert!(text.contains("platt") && text.contains("segment"), "{text}");
        // Paths in the file are relative to it: it runs from any directory.
        assert!(!text.contains(&repo().display().to_string()), "{text}");
        let again = assay(&["run", audit.to_str().unwrap()]);
        assert!(again.status.success(), "{}", stderr(&again));
        assert_eq!(stdout(&again), stdout(&first), "{file}: the same report");
        let r: Json = serde_json::from_str(&stdout(&again)).unwrap();
        assert_eq!(
            r["provenance"]["plan"]["analyses"]["calibration"]["slice"],
            "segment"
        );
        assert!(r["provenance"]["plan"]["inputs"][0].get("path").is_none());
    }
    // A misspelt setting is an error that names it, not a silent default.
    let bad = tmp("bad.toml");
    std::fs::write(&bad, "inputs = [{ name = \"x.csv\" }]\nseeed = 3\n").unwrap();
    let o = assay(&["run", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("seeed"), "{}", stderr(&o));
}
