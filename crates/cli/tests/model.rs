//! `assay eval --model`, end to end: ONNX models run on the data.

use serde_json::Value as Json;

mod common;
use common::*;

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

#[test]
fn class_names_containing_equals_signs_survive_a_model_run() {
    // The model stage used to hand classes on as "CLASS=COLUMN" text that was
    // split again at the first '='; a class named "d=3" broke the run. Now the
    // classes travel as data: the same accuracy as with the plain labels.
    let onnx = repo().join("tests/onnx");
    let text = std::fs::read_to_string(onnx.join("data/digits_test.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let li = header.iter().position(|h| *h == "label").unwrap();
    let mut out = header.join(",");
    out.push('\n');
    for l in lines {
        let mut f: Vec<String> = l.split(',').map(str::to_owned).collect();
        f[li] = format!("\"d={}\"", f[li]);
        out.push_str(&f.join(","));
        out.push('\n');
    }
    let csv = tmp("digits_eq.csv");
    std::fs::write(&csv, out).unwrap();
    let classes: Vec<String> = (0..10).map(|c| format!("d={c}")).collect();
    let model = onnx.join("models/digits_mlp.onnx");
    let run = |data: &str, extra: &[&str]| {
        let mut args = vec![
            "eval",
            "--model",
            model.to_str().unwrap(),
            "--data",
            data,
            "--label",
            "label",
            "--bootstrap",
            "0",
            "--json",
            "-",
        ];
        args.extend(extra);
        run_json(&args)
    };
    let named = run(csv.to_str().unwrap(), &["--classes", &classes.join(",")]);
    let plain = run(onnx.join("data/digits_test.csv").to_str().unwrap(), &[]);
    assert_eq!(named["evaluation"]["classes"][3], "d=3");
    assert_eq!(named["model"]["classes"][3], "d=3");
    for key in ["accuracy", "log_loss", "f1_macro"] {
        assert_eq!(metric_of(&named, key), metric_of(&plain, key), "{key}");
    }
}
