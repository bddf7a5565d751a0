//! The model stage of an audit: table → model → score columns.
//!
//! Data flows one way: the pipeline reads the data into a table; this stage
//! picks the feature columns, runs the model over the rows in batches, and
//! appends the model's outputs to the table as score columns. It hands the
//! analyses the [`ScoreColumn`]s to read — each with its class as data, never
//! as text to split again — so a model run and a predictions file share
//! every line of the analysis.
//!
//! Mapping outputs to classes follows the exporters:
//! * one output column (`[N]` or `[N, 1]`): a binary score (probability, or a
//!   logit with the logits option) or a regression prediction;
//! * `k ≥ 2` columns: class probabilities in the order of the training
//!   classes — scikit-learn's `classes_` (the sorted distinct labels) or a
//!   network's class indices `0 … k−1`. The plan's `model.classes` names them
//!   when neither fits.

use assay_engine::heuristics::{self, FeatureColumn, OutputInfo};
use assay_engine::plan::{ModelSpec, OptionKey, ScoreColumn};
use assay_engine::table::{Column, NumericColumn, Table, format_number};
use assay_engine::{Cancel, EngineError};
use assay_report::{ModelInfo, TensorDesc};
use assay_runtime::{DType, HostData, HostTensor, Model, RuntimeError};

/// Prefix of the score columns the model stage adds (cannot clash with a
/// CSV header: it contains characters a header cell would need quoting for).
pub const SCORE_PREFIX: &str = "model output:";

/// What the model stage did.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelRun {
    /// Feature columns fed to the model, in order.
    pub features: Vec<String>,
    /// The model input they fed.
    pub input: String,
    /// The output evaluated.
    pub output: String,
    /// Its width (columns per row).
    pub output_width: usize,
    /// The score columns to analyse, with their classes.
    pub scores: Vec<ScoreColumn>,
    /// Class names given to the output columns (classification).
    pub classes: Vec<String>,
    pub rows: u64,
    pub batch_size: usize,
    /// Device description (`CPU (flex)`, `WebGPU: <adapter>`).
    pub device: String,
}

/// A failure of the model stage: a setting that does not fit the data or
/// the model (with its key), or the runtime's own error.
#[derive(Debug, Clone, PartialEq)]
pub enum StageError {
    Engine(EngineError),
    Runtime(RuntimeError),
}

impl From<EngineError> for StageError {
    fn from(e: EngineError) -> Self {
        StageError::Engine(e)
    }
}

impl From<RuntimeError> for StageError {
    fn from(e: RuntimeError) -> Self {
        StageError::Runtime(e)
    }
}

fn invalid(key: OptionKey, message: String) -> StageError {
    StageError::Engine(EngineError::invalid(key, message))
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|m| format!("'{m}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The feature columns to use.
fn choose_features(
    table: &Table,
    label: &str,
    width: Option<usize>,
    spec: &ModelSpec,
    input: &str,
) -> Result<Vec<String>, StageError> {
    if let Some(f) = &spec.features {
        let missing: Vec<String> = f
            .iter()
            .filter(|c| table.column(c).is_none())
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(invalid(
                OptionKey::Features,
                format!(
                    "feature column {} not found; the file has columns: {}",
                    quoted(&missing),
                    quoted(table.names())
                ),
            ));
        }
        if let Some(w) = width
            && w != f.len()
        {
            return Err(invalid(
                OptionKey::Features,
                format!(
                    "model input '{input}' expects {w} features per row, but {} feature columns were given",
                    f.len()
                ),
            ));
        }
        return Ok(f.clone());
    }
    let columns: Vec<FeatureColumn> = table
        .names()
        .iter()
        .zip(table.columns())
        .map(|(n, c)| FeatureColumn {
            name: n.clone(),
            numeric: matches!(c, Column::Numeric(_)),
        })
        .collect();
    let guess = heuristics::default_features(&columns, label, width);
    if guess.fits {
        return Ok(guess.features);
    }
    let w = width.unwrap_or(0);
    Err(invalid(
        OptionKey::Features,
        format!(
            "model input '{input}' expects {w} features per row, but the file has {} numeric columns besides the label ({}); choose the features in the model's order",
            guess.numeric.len(),
            guess.numeric.join(", ")
        ),
    ))
}

/// Names of the output columns' classes.
fn class_names(
    table: &Table,
    label: &str,
    k: usize,
    spec: &ModelSpec,
) -> Result<Vec<String>, StageError> {
    if let Some(c) = &spec.classes {
        if c.len() != k {
            return Err(invalid(
                OptionKey::Classes,
                format!(
                    "{} class names given but the model output has {k} columns",
                    c.len()
                ),
            ));
        }
        return Ok(c.clone());
    }
    let col = table.column(label).ok_or_else(|| {
        StageError::Engine(EngineError::MissingColumns {
            missing: vec![label.to_owned()],
            available: table.names().to_vec(),
        })
    })?;
    // scikit-learn's classes_: the sorted distinct labels (numbers numerically).
    let cat = col.to_categorical();
    let mut present: Vec<String> = cat.dictionary.clone();
    let numeric: Option<Vec<f64>> = present.iter().map(|s| s.parse::<f64>().ok()).collect();
    match numeric {
        Some(mut v) => {
            v.sort_by(f64::total_cmp);
            present = v.iter().map(|&x| format_number(x)).collect();
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
    Err(invalid(
        OptionKey::Classes,
        format!(
            "the model outputs {k} class scores but the label column holds {} distinct values ({}); name the output's classes in order",
            present.len(),
            present.join(", ")
        ),
    ))
}

fn output_choice(model: &Model, spec: &ModelSpec) -> Result<usize, StageError> {
    if let Some(name) = &spec.output {
        return Ok(model.output_index(name)?);
    }
    let outs = model.outputs();
    let infos: Vec<OutputInfo> = outs
        .iter()
        .map(|o| OutputInfo {
            name: o.name.clone(),
            float: o.dtype.is_float(),
        })
        .collect();
    heuristics::default_output(&infos).ok_or_else(|| {
        invalid(
            OptionKey::Output,
            format!(
                "the model has no floating-point output to evaluate (outputs: {}); choose one",
                outs.iter()
                    .map(|o| format!("{} ({})", o.name, o.dtype))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

/// Run `model` over `table` and append its outputs as score columns.
/// `progress(done_rows, total_rows)` after each batch; `cancel` checked
/// between batches.
pub async fn predict(
    model: &Model,
    table: &mut Table,
    label: &str,
    spec: &ModelSpec,
    cancel: &Cancel,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ModelRun, StageError> {
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
        ))
        .into());
    }
    let input = inputs[0].clone();
    if !input.dtype.is_float() {
        return Err(RuntimeError::InputMismatch(format!(
            "model input '{}' takes {} values; Assay feeds numeric feature columns as float32 or float64",
            input.name, input.dtype
        ))
        .into());
    }
    if input.shape.len() != 2 && !input.shape.is_empty() {
        return Err(RuntimeError::InputMismatch(format!(
            "model input '{}' has rank {} ({}); Assay feeds a 2-D [rows, features] table",
            input.name,
            input.shape.len(),
            assay_runtime::format_dims(&input.shape)
        ))
        .into());
    }
    let width = input.shape.get(1).copied().flatten();
    let fixed_batch = input.shape.first().copied().flatten();
    let features = choose_features(table, label, width, spec, &input.name)?;
    if features.is_empty() {
        return Err(invalid(
            OptionKey::Features,
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
                    return Err(invalid(
                        OptionKey::Features,
                        format!(
                            "feature '{name}' has a missing value at line {} ({} missing); the model needs every feature",
                            i + 2,
                            c.missing_count()
                        ),
                    ));
                }
                if let Some(i) = c.values.iter().position(|v| !v.is_finite()) {
                    return Err(invalid(
                        OptionKey::Features,
                        format!("feature '{name}' has a non-finite value at line {}", i + 2),
                    ));
                }
                cols.push(c);
            }
            Some(Column::Categorical(c)) => {
                let example = c.dictionary.first().cloned().unwrap_or_default();
                return Err(invalid(
                    OptionKey::Features,
                    format!(
                        "feature '{name}' is not numeric (e.g. '{example}'); the model takes numbers — encode it first"
                    ),
                ));
            }
            None => unreachable!("checked by choose_features"),
        }
    }
    let out_idx = output_choice(model, spec)?;
    let out_name = model.outputs()[out_idx].name.clone();
    let batch = match fixed_batch {
        Some(b) => b.max(1),
        None => spec.batch_size.max(1),
    };
    let mut out: Vec<f64> = Vec::new();
    let mut k: Option<usize> = None;
    let mut row = 0;
    progress(0, n as u64);
    while row < n {
        cancel.check()?;
        let b = batch.min(n - row);
        if fixed_batch.is_some() && b != batch {
            return Err(RuntimeError::InputMismatch(format!(
                "model input '{}' takes exactly {batch} rows per call; {} rows is not a multiple",
                input.name, n
            ))
            .into());
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
                ))
                .into());
            }
        };
        if *k.get_or_insert(width) != width {
            return Err(RuntimeError::InvalidModel(format!(
                "output '{out_name}' changed width between batches"
            ))
            .into());
        }
        out.extend(t.data.to_f64_vec());
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
        (vec![ScoreColumn::new(name)], Vec::new())
    } else {
        let classes = class_names(table, label, k, spec)?;
        let mut scores = Vec::with_capacity(k);
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
            scores.push(ScoreColumn::of_class(class.clone(), name));
        }
        (scores, classes)
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
    })
}

fn desc(t: &assay_runtime::TensorInfo) -> TensorDesc {
    TensorDesc {
        name: t.name.clone(),
        dtype: t.dtype.name().to_owned(),
        shape: t.shape.iter().map(|d| d.map(|v| v as u64)).collect(),
    }
}

/// Describe a model run for the report: the model's structure (inputs,
/// outputs, opsets, operators; never its weights) and how it was run.
pub fn describe(m: &Model, name: &str, run: &ModelRun, seconds: f64) -> ModelInfo {
    ModelInfo {
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
        seconds,
    }
}
