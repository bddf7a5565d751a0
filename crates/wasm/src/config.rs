//! The npm package's documented config object → [`AuditPlan`].
//!
//! `evaluate`, `calibrate` and `evaluateModel` take the flat, camelCase
//! config the package has documented since its first version; this module
//! only translates it into a plan (like the CLI's flags), so those functions
//! are thin wrappers over [`run`](crate::run). New code can pass a plan to
//! `run` directly.

use assay_engine::analyses::calibration::{CalibrationOptions, Method, SplitSpec};
use assay_engine::plan::{
    AuditPlan, BootstrapSpec, DeviceChoice, Format, InputRole, InputSpec, ModelSpec, Outputs,
    PLAN_VERSION, PredictionSpec, ScoreColumn,
};
use assay_engine::prepare::Task;
use assay_engine::table::ColumnType;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The package's config (camelCase, all optional but `label` and `scores`).
#[derive(Debug, Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct JsConfig {
    pub label: String,
    pub scores: Vec<String>,
    pub task: Option<Task>,
    pub positive: Option<String>,
    pub logits: bool,
    pub threshold: Option<f64>,
    pub bootstrap: Option<usize>,
    pub seed: Option<u64>,
    pub ci_level: Option<f64>,
    pub delimiter: Option<String>,
    pub types: BTreeMap<String, ColumnType>,
    /// Name recorded in the report's provenance (defaults to the File's name).
    pub file_name: Option<String>,
    /// Producer recorded in the report (`assay-web`, `assay-npm`).
    pub producer: Option<String>,
    /// Refuse inputs larger than this many bytes.
    pub max_bytes: Option<u64>,
    /// A saved calibrator (the JSON text of a calibrator file) to apply first.
    pub calibrator: Option<String>,
    /// The calibrator file's name, for the report's provenance.
    pub calibrator_name: Option<String>,
    /// Analyse calibration: bins, methods, split, slice.
    pub calibration: Option<JsCalibration>,
    /// Model runs: feature columns, output, batch size, class names, device.
    pub features: Option<Vec<String>>,
    pub output: Option<String>,
    pub batch_size: Option<usize>,
    pub classes: Option<Vec<String>>,
    /// `auto` (WebGPU when an adapter exists, else the CPU), `gpu` or `cpu`.
    pub device: Option<String>,
    /// The model file's name, for the report.
    pub model_name: Option<String>,
}

/// Calibration settings as the package documents them (a split may carry a
/// `seed`: the plan's seed is used for every random choice).
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct JsCalibration {
    pub bins: Option<usize>,
    pub methods: Option<Vec<Method>>,
    pub split: Option<JsSplit>,
    pub slice: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JsSplit {
    Random {
        fraction: f64,
        #[allow(dead_code)]
        #[serde(default)]
        seed: Option<u64>,
    },
    Folds {
        folds: usize,
        #[allow(dead_code)]
        #[serde(default)]
        seed: Option<u64>,
    },
    Column {
        column: String,
        value: String,
    },
}

/// Names of the inputs a translated plan reads.
pub struct Names {
    pub data: String,
    pub model: Option<String>,
    pub calibrator: Option<String>,
}

fn delimiter(d: Option<&str>) -> Result<Option<char>, String> {
    Ok(match d {
        None | Some("") => None,
        Some("\\t") | Some("tab") => Some('\t'),
        Some(d) if d.chars().count() == 1 => d.chars().next(),
        Some(d) => return Err(format!("delimiter '{d}' is not one ASCII character")),
    })
}

/// `CLASS=COLUMN` or `COLUMN` (the package documents the CLI's spelling).
fn score_column(s: &str) -> ScoreColumn {
    match s.split_once('=') {
        Some((c, col)) if !c.trim().is_empty() && !col.trim().is_empty() => {
            ScoreColumn::of_class(c.trim(), col.trim())
        }
        _ => ScoreColumn::new(s.trim()),
    }
}

/// Translate. `model`: whether a model runs; `calibrate`: whether the
/// calibration analysis runs (with the config's settings or the defaults).
pub fn plan_of(
    c: &JsConfig,
    data_name: String,
    model: bool,
    calibrate: bool,
) -> Result<(AuditPlan, Names), String> {
    let mut inputs = vec![InputSpec {
        name: data_name.clone(),
        role: InputRole::Data,
        path: None,
        format: Format::Csv {
            delimiter: delimiter(c.delimiter.as_deref())?,
            types: c.types.clone(),
        },
    }];
    let unique = |inputs: &[InputSpec], name: String| {
        if inputs.iter().any(|i| i.name == name) {
            format!("{name} ({})", inputs.len() + 1)
        } else {
            name
        }
    };
    let model_name = if model {
        let n = unique(
            &inputs,
            c.model_name.clone().unwrap_or_else(|| "model.onnx".into()),
        );
        inputs.push(InputSpec {
            name: n.clone(),
            role: InputRole::Model,
            path: None,
            format: Format::default(),
        });
        Some(n)
    } else {
        None
    };
    let calibrator_name = if c.calibrator.is_some() {
        let n = unique(
            &inputs,
            c.calibrator_name
                .clone()
                .unwrap_or_else(|| "calibrator.json".into()),
        );
        inputs.push(InputSpec {
            name: n.clone(),
            role: InputRole::Calibrator,
            path: None,
            format: Format::default(),
        });
        Some(n)
    } else {
        None
    };
    let defaults = PredictionSpec::default();
    let boot = BootstrapSpec::default();
    let mut plan = AuditPlan {
        version: PLAN_VERSION,
        inputs,
        predictions: PredictionSpec {
            label: c.label.clone(),
            scores: c.scores.iter().map(|s| score_column(s)).collect(),
            task: c.task,
            positive: c.positive.clone(),
            logits: c.logits,
            threshold: c.threshold.unwrap_or(defaults.threshold),
        },
        model: model.then(|| {
            let d = ModelSpec::default();
            ModelSpec {
                features: c.features.clone(),
                output: c.output.clone(),
                classes: c.classes.clone(),
                batch_size: c.batch_size.unwrap_or(d.batch_size),
                device: match c.device.as_deref() {
                    Some("cpu") => DeviceChoice::Cpu,
                    Some("gpu") => DeviceChoice::Gpu,
                    _ => DeviceChoice::Auto,
                },
            }
        }),
        analyses: Default::default(),
        bootstrap: BootstrapSpec {
            resamples: c.bootstrap.unwrap_or(boot.resamples),
            level: c.ci_level.unwrap_or(boot.level),
        },
        seed: c.seed.unwrap_or(0),
        outputs: Outputs::default(),
    };
    plan.analyses.evaluation = Some(Default::default());
    if calibrate {
        let d = CalibrationOptions::default();
        let js = c.calibration.as_ref();
        plan.analyses.calibration = Some(CalibrationOptions {
            bins: js.and_then(|j| j.bins).unwrap_or(d.bins),
            methods: js.and_then(|j| j.methods.clone()).unwrap_or(d.methods),
            split: match js.and_then(|j| j.split.as_ref()) {
                None => d.split,
                Some(JsSplit::Random { fraction, .. }) => SplitSpec::Random {
                    fraction: *fraction,
                },
                Some(JsSplit::Folds { folds, .. }) => SplitSpec::Folds { folds: *folds },
                Some(JsSplit::Column { column, value }) => SplitSpec::Column {
                    column: column.clone(),
                    value: value.clone(),
                },
            },
            slice: js.and_then(|j| j.slice.clone()),
        });
    }
    Ok((
        plan,
        Names {
            data: data_name,
            model: model_name,
            calibrator: calibrator_name,
        },
    ))
}
