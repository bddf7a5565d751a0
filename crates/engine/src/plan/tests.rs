//! The plan: serializes losslessly to JSON and TOML, and validates by key.

use super::*;
use crate::analyses::calibration::{CalibrationOptions, Method, SplitSpec};
use crate::analyses::evaluation::EvaluationOptions;

fn full_plan() -> AuditPlan {
    let mut p = AuditPlan::new("predictions.csv");
    p.inputs[0].path = Some("data/predictions.csv".into());
    p.inputs[0].format = Format::Csv {
        delimiter: Some(';'),
        types: [("zip".to_string(), ColumnType::Categorical)].into(),
    };
    p.inputs.push(InputSpec {
        name: "model.onnx".into(),
        role: InputRole::Model,
        path: None,
        format: Format::default(),
    });
    p.predictions = PredictionSpec {
        label: "species".into(),
        scores: Vec::new(),
        task: Some(Task::Multiclass),
        positive: None,
        logits: true,
        threshold: 0.3,
    };
    p.model = Some(ModelSpec {
        features: Some(vec!["a".into(), "b".into()]),
        output: Some("probabilities".into()),
        classes: Some(vec!["x=1".into(), "y".into()]),
        batch_size: 64,
        device: DeviceChoice::Cpu,
    });
    p.analyses.evaluation = Some(EvaluationOptions {
        max_curve_points: 100,
    });
    p.analyses.calibration = Some(CalibrationOptions {
        bins: 10,
        methods: vec![Method::Platt, Method::Isotonic],
        split: SplitSpec::Column {
            column: "fold".into(),
            value: "cal".into(),
        },
        slice: Some("region".into()),
    });
    p.bootstrap = BootstrapSpec {
        resamples: 200,
        level: 0.9,
    };
    p.seed = 7;
    p.outputs.json = Some("report.json".into());
    p.outputs.calibrator = Some(CalibratorExport {
        path: "cal.json".into(),
        method: Some(Method::Platt),
    });
    p
}

#[test]
fn round_trips_through_json_and_toml() {
    let p = full_plan();
    p.validate().unwrap();
    let json = p.to_json();
    assert_eq!(AuditPlan::from_json(&json).unwrap(), p);
    let text = toml::to_string(&p).unwrap();
    let back: AuditPlan = toml::from_str(&text).unwrap();
    assert_eq!(back, p, "{text}");
    // Defaults round-trip too (and stay small).
    let mut d = AuditPlan::new("x.csv");
    d.predictions.label = "y".into();
    d.predictions.scores = vec![ScoreColumn::of_class("a=b", "p")];
    d.analyses.evaluation = Some(Default::default());
    let back: AuditPlan = toml::from_str(&toml::to_string(&d).unwrap()).unwrap();
    assert_eq!(back, d);
}

#[test]
fn a_hand_written_audit_file_reads() {
    let text = r#"
        inputs = [{ name = "scores.csv" }]
        seed = 3
        [predictions]
        label = "default"
        scores = ["p_default", { column = "p_x", class = "x" }]
        [analyses.evaluation]
        [analyses.calibration]
        bins = 10
        methods = ["platt"]
        split = { kind = "folds", folds = 5 }
    "#;
    let p: AuditPlan = toml::from_str(text).unwrap();
    p.validate().unwrap();
    assert_eq!(p.predictions.scores[0], ScoreColumn::new("p_default"));
    assert_eq!(p.predictions.scores[1], ScoreColumn::of_class("x", "p_x"));
    assert_eq!(p.bootstrap.resamples, 1000);
    assert_eq!(p.columns(), vec!["default", "p_default", "p_x"]);
    // A misspelt key is an error, not silently ignored.
    let e = toml::from_str::<AuditPlan>("inputs = []\nseeed = 3\n").unwrap_err();
    assert!(e.to_string().contains("seeed"), "{e}");
}

#[test]
fn validation_names_the_key() {
    let ok = || {
        let mut p = AuditPlan::new("d.csv");
        p.predictions.label = "y".into();
        p.predictions.scores = vec![ScoreColumn::new("p")];
        p.analyses.evaluation = Some(Default::default());
        p
    };
    ok().validate().unwrap();
    let key = |f: &dyn Fn(&mut AuditPlan)| {
        let mut p = ok();
        f(&mut p);
        p.validate().unwrap_err().key
    };
    assert_eq!(
        key(&|p| p.predictions.threshold = 2.0),
        OptionKey::Threshold
    );
    assert_eq!(key(&|p| p.bootstrap.level = 1.0), OptionKey::Level);
    assert_eq!(
        key(&|p| p.bootstrap.resamples = MAX_RESAMPLES + 1),
        OptionKey::Resamples
    );
    assert_eq!(key(&|p| p.predictions.label.clear()), OptionKey::Label);
    assert_eq!(key(&|p| p.predictions.scores.clear()), OptionKey::Scores);
    assert_eq!(key(&|p| p.analyses.evaluation = None), OptionKey::Inputs);
    assert_eq!(key(&|p| p.version = 2), OptionKey::Version);
    assert_eq!(
        key(&|p| p.analyses.calibration = Some(CalibrationOptions {
            bins: 0,
            ..Default::default()
        })),
        OptionKey::Bins
    );
    assert_eq!(
        key(&|p| p.analyses.calibration = Some(CalibrationOptions {
            split: SplitSpec::Random { fraction: 1.5 },
            ..Default::default()
        })),
        OptionKey::Fraction
    );
    assert_eq!(
        key(&|p| p.analyses.calibration = Some(CalibrationOptions {
            split: SplitSpec::Folds { folds: 1 },
            ..Default::default()
        })),
        OptionKey::Folds
    );
    assert_eq!(
        key(&|p| {
            p.predictions.task = Some(Task::Regression);
            p.analyses.calibration = Some(Default::default());
        }),
        OptionKey::Calibration
    );
    assert_eq!(
        key(&|p| p.model = Some(ModelSpec::default())),
        OptionKey::Inputs
    );
    assert_eq!(
        key(&|p| p.outputs.calibrator = Some(CalibratorExport {
            path: "c.json".into(),
            method: None
        })),
        OptionKey::ExportCalibrator
    );
    let e = {
        let mut p = ok();
        p.predictions.threshold = -1.0;
        p.validate().unwrap_err()
    };
    assert!(e.message.contains("threshold -1 is outside [0, 1]"), "{e}");
}

#[test]
fn the_schema_describes_the_plan() {
    let schema = schemars::schema_for!(AuditPlan);
    let text = serde_json::to_string(&schema).unwrap();
    for field in [
        "inputs",
        "predictions",
        "analyses",
        "calibration",
        "bootstrap",
        "seed",
    ] {
        assert!(text.contains(&format!("\"{field}\"")), "{field}");
    }
}
