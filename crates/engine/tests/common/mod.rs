//! Helpers shared by the engine's reference tests: where the fixtures are,
//! how a fixture names its columns, tolerances, and reading a CSV into
//! validated predictions.

#![allow(dead_code)] // each test file uses its own subset

use assay_engine::io::csv::{CsvOptions, read_csv};
use assay_engine::plan::{PredictionSpec, ScoreColumn};
use assay_engine::predictions::Predictions;
use assay_engine::prepare::{Task, prepare};
use assay_engine::table::Table;
use serde_json::Value as Json;
use std::path::PathBuf;

/// `tests/golden` at the repository root.
pub fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden")
}

/// Equal within `tol` relative (or `tol · 1e-3` absolute near zero).
pub fn rel_close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()) || (a - b).abs() <= tol * 1e-3
}

/// The columns a fixture names: label, scores (multiclass: one per class,
/// each with its class), task, positive class, threshold.
pub fn spec_of(g: &Json) -> PredictionSpec {
    let task: Task = g["task"].as_str().unwrap().parse().unwrap();
    let names = g["scores"].as_array().unwrap();
    let scores: Vec<ScoreColumn> = match task {
        Task::Multiclass => names
            .iter()
            .zip(g["classes"].as_array().unwrap())
            .map(|(s, c)| ScoreColumn::of_class(c.as_str().unwrap(), s.as_str().unwrap()))
            .collect(),
        _ => names
            .iter()
            .map(|s| ScoreColumn::new(s.as_str().unwrap()))
            .collect(),
    };
    PredictionSpec {
        label: g["label"].as_str().unwrap().to_owned(),
        scores,
        task: Some(task),
        positive: g["positive"].as_str().map(str::to_owned),
        logits: false,
        threshold: g["threshold"].as_f64().unwrap_or(0.5),
    }
}

/// Read CSV bytes and prepare the predictions `spec` names.
pub fn read_and_prepare(text: &[u8], spec: &PredictionSpec) -> (Table, Predictions) {
    let (table, _) = read_csv(text, &CsvOptions::default(), &mut |_| {}).expect("read");
    let (prepared, _) = prepare(&table, spec).expect("prepare");
    (table, Predictions::new(prepared))
}
