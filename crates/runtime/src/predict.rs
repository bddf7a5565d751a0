//! The model stage of an evaluation: table → model → score columns.
//!
//! Data flows one way: the engine reads a CSV into a table; this stage picks
//! the feature columns, runs the model over the rows in batches, and appends
//! the model's outputs to the table as score columns; the engine then
//! evaluates those exactly as it would a predictions file. So a model run and
//! a predictions run share every line of the analysis.
//!
//! Mapping outputs to classes follows the exporters:
//! * one output column (`[N]` or `[N, 1]`): a binary score (probability, or a
//!   logit with `logits`) or a regression prediction;
//! * `k ≥ 2` columns: class probabilities in the order of the training
//!   classes — scikit-learn's `classes_` (the sorted distinct labels) or a
//!   network's class indices `0 … k−1`. Name them with `classes` when
//!   neither fits.

use crate::{DType, HostData, HostTensor, Model, RuntimeError};
use assay_engine::table::{Column, NumericColumn, Table};
use serde::{Deserialize, Serialize};

/// How to run the model over a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PredictOptions {
    /// Feature columns, in the order of the model's input; `None`: the
    /// numeric columns of the file in order, without the label (and without
    /// columns that look like scores, if that makes the count fit).
    pub features: Option<Vec<String>>,
    /// The output to evaluate; `None`: `probabilities` or the first float output.
    pub output: Option<String>,
    /// Rows per model call.
    pub batch_size: usize,
    /// Class names for the output columns, in order (when they cannot be
    /// inferred from the labels).
    pub classes: Option<Vec<String>>,
}

impl Default for PredictOptions {
    fn default() -> Self {
        PredictOptions {
            features: None,
            output: None,
            batch_size: 1024,
            classes: None,
        }
    }
}

/// What the model stage did, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelRun {
    /// Feature columns fed to the model, in order.
    pub features: Vec<String>,
    /// The model input they fed.
    pub input: String,
    /// The output evaluated.
    pub output: String,
    /// Its width (columns per row).
    pub output_width: usize,
    /// The score specifications to evaluate (`COL` or `CLASS=COL`).
    pub scores: Vec<String>,
    /// Class names given to the output columns (classification).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub classes: Vec<String>,
    pub rows: u64,
    pub batch_size: usize,
    /// Device description (`CPU (flex)`, `WebGPU: <adapter>`).
    pub device: String,
    /// Seconds spent running the model (set by the caller, who owns a clock).
    pub seconds: f64,
}

/// Prefix of the score columns the model stage adds (cannot clash with a
/// CSV header: it contains characters a header cell would need quoting for).
pub const SCORE_PREFIX: &str = "model output:";

fn looks_like_score(name: &str) -> bool {
    let l = name.to_lowercase();
    ["p_", "prob", "pred", "score", "yhat", "y_hat", "logit"]
        .iter()
        .any(|p| l.starts_with(p))
        || l == "p"
}

/// The feature columns to use.
fn choose_features(
    table: &Table,
    label: &str,
    width: Option<usize>,
    opts: &PredictOptions,
    input: &str,
) -> Result<Vec<String>, RuntimeError> {
    if let Some(f) = &opts.features {
        let missing: Vec<&String> = f.iter().filter(|c| table.column(c).is_none()).collect();
        if !missing.is_empty() {
            return Err(RuntimeError::InputMismatch(format!(
                "feature column {} not found; the file has columns: {}",
                missing
                    .iter()
                    .map(|m| format!("'{m}'"))
                    .collect::<Vec<_>>()
                    .join(", "),
                table
                    .names()
                    .iter()
                    .map(|m| format!("'{m}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if let Some(w) = width
            && w != f.len()
        {
            return Err(RuntimeError::InputMismatch(format!(
                "model input '{input}' expects {w} features per row, but {} feature columns were given",
                f.len()
            )));
        }
        return Ok(f.clone());
    }
    let numeric: Vec<String> = table
        .names()
        .iter()
        .zip(table.columns())
        .filter(|(n, c)| *n != label && matches!(c, Column::Numeric(_)))
        .map(|(n, _)| n.clone())
        .collect();
    let Some(w) = width else {
        return Ok(numeric);
    };
    if numeric.len() == w {
        return Ok(numeric);
    }
    let without_scores: Vec<String> = numeric
        .iter()
        .filter(|n| !looks_like_score(n))
        .cloned()
        .collect();
    if without_scores.len() == w {
        return Ok(without_scores);
    }
    Err(RuntimeError::InputMismatch(format!(
        "model input '{input}' expects {w} features per row, but the file has {} numeric columns besides the label ({}); choose the features in the model's order (--features)",
        numeric.len(),
        numeric.join(", ")
    )))
}

/// Names of the output columns' classes.
fn class_names(
    table: &Table,
    label: &str,
    k: usize,
    opts: &PredictOptions,
) -> Result<Vec<String>, RuntimeError> {
    if let Some(c) = &opts.classes {
        if c.len() != k {
            return Err(RuntimeError::InputMismatch(format!(
                "{} class names given but the model output has {k} columns",
                c.len()
            )));
        }
        return Ok(c.clone());
    }
    let col = table
        .column(label)
        .ok_or_else(|| RuntimeError::InputMismatch(format!("label column '{label}' not found")))?;
    // scikit-learn's classes_: the sorted distinct labels (numbers numerically).
    let cat = col.to_categorical();
    let mut present: Vec<String> = cat.dictionary.clone();
    let numeric: Option<Vec<f64>> = present.iter().map(|s| s.parse::<f64>().ok()).collect();
    match numeric {
        Some(mut v) => {
            v.sort_by(f64::total_cmp);
            present = v
                .iter()
                .map(|&x| assay_engine::table::format_number(x))
                .collect();
            if present.len() == k {
                return Ok(present);
            }
            // Integer labels 0 … k−1 (some absent from this data): class indices.
            if v.iter()
                .all(|x| x.fract() == 0.0 && *x >= 0.0 && (*x as usize) < k)
            {
                return Ok((0..k).map(|i| i.to_string()).collect());
            }
        }
        None => {
            present.sort();
            if present.len() == k {
                return Ok(present);
            }
        }
    }
    Err(RuntimeError::InputMismatch(format!(
        "the model outputs {k} class scores but the label column holds {} distinct values ({}); name the output's classes in order (--classes)",
        present.len(),
        present.join(", ")
    )))
}

fn output_choice(model: &Model, opts: &PredictOptions) -> Result<usize, RuntimeError> {
    if let Some(name) = &opts.output {
        return model.output_index(name);
    }
    let outs = model.outputs();
    let prob = outs.iter().position(|o| {
        o.dtype.is_float()
            && matches!(
                o.name.to_lowercase().as_str(),
                "probabilities" | "probability" | "output_probability" | "probs" | "proba"
            )
    });
    prob.or_else(|| outs.iter().position(|o| o.dtype.is_float()))
        .ok_or_else(|| {
            RuntimeError::InputMismatch(format!(
                "the model has no floating-point output to evaluate (outputs: {}); choose one with --output",
                outs.iter().map(|o| format!("{} ({})", o.name, o.dtype)).collect::<Vec<_>>().join(", ")
            ))
        })
}

/// Run `model` over `table` and append its outputs as score columns.
/// Returns what to evaluate. `progress(done_rows, total_rows)` after each batch.
pub async fn predict(
    model: &Model,
    table: &mut Table,
    label: &str,
    opts: &PredictOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ModelRun, RuntimeError> {
    let inputs = model.inputs();
    if inputs.len() != 1 {
        return Err(RuntimeError::InputMismatch(format!(
            "the model has {} inputs ({}); Assay feeds one table of features",
            inputs.len(),
            inputs
                .iter()
                .map(|i| i.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let input = inputs[0].clone();
    if !input.dtype.is_float() {
        return Err(RuntimeError::InputMismatch(format!(
            "model input '{}' takes {} values; Assay feeds numeric feature columns as float32 or float64",
            input.name, input.dtype
        )));
    }
    if input.shape.len() != 2 && !input.shape.is_empty() {
        return Err(RuntimeError::InputMismatch(format!(
            "model input '{}' has rank {} ({}); Assay feeds a 2-D [rows, features] table",
            input.name,
            input.shape.len(),
            crate::format_dims(&input.shape)
        )));
    }
    let width = input.shape.get(1).copied().flatten();
    let fixed_batch = input.shape.first().copied().flatten();
    let features = choose_features(table, label, width, opts, &input.name)?;
    if features.is_empty() {
        return Err(RuntimeError::InputMismatch(
            "no feature columns: the file has no numeric columns besides the label".into(),
        ));
    }
    // Gather the features row-major, refusing missing values.
    let n = table.rows();
    let f = features.len();
    let mut cols: Vec<&NumericColumn> = Vec::with_capacity(f);
    for name in &features {
        match table.column(name) {
            Some(Column::Numeric(c)) => {
                if let Some(i) = (0..n).find(|&i| c.is_missing(i)) {
                    return Err(RuntimeError::InputMismatch(format!(
                        "feature '{name}' has a missing value at line {} ({} missing); the model needs every feature",
                        i + 2,
                        c.missing_count()
                    )));
                }
                if let Some(i) = c.values.iter().position(|v| !v.is_finite()) {
                    return Err(RuntimeError::InputMismatch(format!(
                        "feature '{name}' has a non-finite value at line {}",
                        i + 2
                    )));
                }
                cols.push(c);
            }
            Some(Column::Categorical(c)) => {
                let example = c.dictionary.first().cloned().unwrap_or_default();
                return Err(RuntimeError::InputMismatch(format!(
                    "feature '{name}' is not numeric (e.g. '{example}'); the model takes numbers — encode it first"
                )));
            }
            None => unreachable!("checked by choose_features"),
        }
    }
    let out_idx = output_choice(model, opts)?;
    let out_name = model.outputs()[out_idx].name.clone();
    let batch = match fixed_batch {
        Some(b) => b.max(1),
        None => opts.batch_size.max(1),
    };
    let mut out: Vec<f64> = Vec::new();
    let mut k: Option<usize> = None;
    let mut row = 0;
    progress(0, n as u64);
    while row < n {
        let b = batch.min(n - row);
        if fixed_batch.is_some() && b != batch {
            return Err(RuntimeError::InputMismatch(format!(
                "model input '{}' takes exactly {batch} rows per call; {} rows is not a multiple",
                input.name, n
            )));
        }
        let data = match input.dtype {
            DType::F64 => HostData::F64(
                (row..row + b)
                    .flat_map(|i| cols.iter().map(move |c| c.values[i]))
                    .collect(),
            ),
            _ => HostData::F32(
                (row..row + b)
                    .flat_map(|i| cols.iter().map(move |c| c.values[i] as f32))
                    .collect(),
            ),
        };
        let outputs = model
            .run(vec![(
                input.name.clone(),
                HostTensor {
                    shape: vec![b, f],
                    data,
                },
            )])
            .await?;
        let t = outputs
            .into_iter()
            .find(|(name, _)| *name == out_name)
            .map(|(_, t)| t)
            .ok_or_else(|| {
                RuntimeError::InvalidModel(format!("output '{out_name}' was not produced"))
            })?;
        let width = match t.shape.as_slice() {
            [r] if *r == b => 1,
            [r, w] if *r == b => *w,
            s => {
                return Err(RuntimeError::InputMismatch(format!(
                    "output '{out_name}' has shape {s:?} for {b} rows; Assay evaluates [rows] or [rows, classes] outputs"
                )));
            }
        };
        if *k.get_or_insert(width) != width {
            return Err(RuntimeError::InvalidModel(format!(
                "output '{out_name}' changed width between batches"
            )));
        }
        match t.data {
            HostData::F32(v) => out.extend(v.iter().map(|&x| x as f64)),
            HostData::F64(v) => out.extend(v),
            HostData::I64(v) => out.extend(v.iter().map(|&x| x as f64)),
            HostData::I32(v) => out.extend(v.iter().map(|&x| x as f64)),
            HostData::Bool(v) => out.extend(v.iter().map(|&x| x as u8 as f64)),
        }
        row += b;
        progress(row as u64, n as u64);
    }
    let k = k.unwrap_or(1);
    // Append the score columns.
    let (scores, classes) = if k == 1 {
        let name = format!("{SCORE_PREFIX}{out_name}");
        table.push(
            name.clone(),
            Column::Numeric(NumericColumn {
                values: out,
                missing: None,
            }),
        );
        (vec![name], Vec::new())
    } else {
        let classes = class_names(table, label, k, opts)?;
        let mut specs = Vec::with_capacity(k);
        for (c, class) in classes.iter().enumerate() {
            let name = format!("{SCORE_PREFIX}{out_name}[{class}]");
            let values: Vec<f64> = (0..n).map(|i| out[i * k + c]).collect();
            table.push(
                name.clone(),
                Column::Numeric(NumericColumn {
                    values,
                    missing: None,
                }),
            );
            specs.push(format!("{class}={name}"));
        }
        (specs, classes)
    };
    Ok(ModelRun {
        features,
        input: input.name,
        output: out_name,
        output_width: k,
        scores,
        classes,
        rows: n as u64,
        batch_size: batch,
        device: model.device().description().to_owned(),
        seconds: 0.0,
    })
}

fn desc(t: &crate::TensorInfo) -> assay_report::TensorDesc {
    assay_report::TensorDesc {
        name: t.name.clone(),
        dtype: t.dtype.name().to_owned(),
        shape: t.shape.iter().map(|d| d.map(|v| v as u64)).collect(),
    }
}

/// Describe a model run for the report: the model's structure (inputs,
/// outputs, opsets, operators; never its weights) and how it was run.
pub fn describe(m: &Model, name: &str, run: &ModelRun) -> assay_report::ModelInfo {
    assay_report::ModelInfo {
        name: name.to_owned(),
        inputs: m.inputs().iter().map(desc).collect(),
        outputs: m.outputs().iter().map(desc).collect(),
        opsets: m.opsets(),
        ops: m.op_summary(),
        features: run.features.clone(),
        output: run.output.clone(),
        output_width: run.output_width,
        classes: run.classes.clone(),
        device: run.device.clone(),
        batch_size: run.batch_size,
        rows: run.rows,
        seconds: run.seconds,
    }
}
