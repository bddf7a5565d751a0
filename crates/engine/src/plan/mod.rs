//! The audit plan: one plain-data description of a whole audit.
//!
//! Every front end turns what its user said into an [`AuditPlan`] — the CLI
//! its flags, the page its form, the npm package its config object, an audit
//! file its TOML or JSON — and hands the plan to the one pipeline
//! (`assay-audit`). This is ripgrep's `LowArgs → HiArgs` move: the front ends
//! keep their own vocabulary, the plan is the one high-level object that
//! drives a run, and every rule lives behind it once:
//!
//! * **validation** happens in [`AuditPlan::validate`] and nowhere else; an
//!   error names the setting by its [`OptionKey`], so each front end can say
//!   where that setting is in its own words;
//! * **reproduction**: every report embeds the plan that produced it, and the
//!   plan serializes to JSON and TOML losslessly, so a report says exactly how
//!   to run its audit again;
//! * **what to read**: [`AuditPlan::columns`] lists the columns the audit needs,
//!   so a reader can skip the others.
//!
//! The plan holds no data and no paths a run depends on: inputs are named,
//! and the caller supplies the bytes of each named input when it runs the
//! plan.

mod keys;

pub use keys::OptionKey;

use crate::analyses::Analyses;
use crate::prepare::Task;
use crate::table::ColumnType;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the plan format; a plan says which it follows.
pub const PLAN_VERSION: u32 = 1;

/// The most bootstrap resamples a plan may ask for (far beyond what a
/// percentile interval needs).
pub const MAX_RESAMPLES: usize = 1_000_000;

/// A whole audit: inputs, how to read predictions, the model, the analyses
/// and their options, the seed, the outputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditPlan {
    /// Plan format version (1).
    #[serde(default = "plan_version")]
    pub version: u32,
    /// The files the audit reads, each named; the caller supplies their bytes.
    pub inputs: Vec<InputSpec>,
    /// Which columns hold the labels and the predictions, and how to read them.
    #[serde(default)]
    pub predictions: PredictionSpec,
    /// Run this model (the input with role `model`) and evaluate its outputs,
    /// instead of reading score columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelSpec>,
    /// The analyses to run, each with its options (absent: not run).
    #[serde(default)]
    pub analyses: Analyses,
    /// Bootstrap confidence intervals.
    #[serde(default)]
    pub bootstrap: BootstrapSpec,
    /// The seed of every random choice: bootstrap resamples, calibration
    /// splits. Same seed, same report.
    #[serde(default)]
    pub seed: u64,
    /// Files to write (read by the CLI; the page offers downloads instead).
    #[serde(default, skip_serializing_if = "Outputs::is_empty")]
    pub outputs: Outputs,
}

fn plan_version() -> u32 {
    PLAN_VERSION
}

/// One input of an audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InputSpec {
    /// The input's name (a file name, without directories): how the caller
    /// supplies its bytes and how the report names it.
    pub name: String,
    /// What the input is used as.
    #[serde(default)]
    pub role: InputRole,
    /// Where an audit file finds it, relative to the audit file (the CLI
    /// reads it from there; ignored where bytes are handed over directly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// How to read it (tables only).
    #[serde(default, skip_serializing_if = "Format::is_default")]
    pub format: Format,
}

/// What an input is used as.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum InputRole {
    /// The table of labels and predictions (or features, with a model).
    #[default]
    Data,
    /// An ONNX model to run over the data.
    Model,
    /// A saved calibrator applied to the scores before any analysis.
    Calibrator,
}

impl InputRole {
    pub fn as_str(self) -> &'static str {
        match self {
            InputRole::Data => "data",
            InputRole::Model => "model",
            InputRole::Calibrator => "calibrator",
        }
    }
}

/// How a table input is read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Format {
    /// Delimited text (RFC 4180 CSV).
    Csv {
        /// Field delimiter (default: detected among `,` `;` tab `|`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delimiter: Option<char>,
        /// Column types that override inference.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        types: BTreeMap<String, ColumnType>,
    },
}

impl Default for Format {
    fn default() -> Self {
        Format::Csv {
            delimiter: None,
            types: BTreeMap::new(),
        }
    }
}

impl Format {
    fn is_default(&self) -> bool {
        *self == Format::default()
    }
}

/// A score column, and the class it is the probability of (multiclass; when
/// absent the class is inferred from the column name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(from = "ScoreColumnRepr")]
pub struct ScoreColumn {
    /// The column.
    pub column: String,
    /// The class whose probability it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
}

impl ScoreColumn {
    /// A column whose class (if any) is inferred.
    pub fn new(column: impl Into<String>) -> ScoreColumn {
        ScoreColumn {
            column: column.into(),
            class: None,
        }
    }

    /// The probability column of `class`.
    pub fn of_class(class: impl Into<String>, column: impl Into<String>) -> ScoreColumn {
        ScoreColumn {
            column: column.into(),
            class: Some(class.into()),
        }
    }
}

/// A score column as written: `"p_default"`, or `{column, class}`.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
enum ScoreColumnRepr {
    Column(String),
    Full {
        column: String,
        #[serde(default)]
        class: Option<String>,
    },
}

impl From<ScoreColumnRepr> for ScoreColumn {
    fn from(r: ScoreColumnRepr) -> Self {
        match r {
            ScoreColumnRepr::Column(column) => ScoreColumn {
                column,
                class: None,
            },
            ScoreColumnRepr::Full { column, class } => ScoreColumn { column, class },
        }
    }
}

/// Which columns hold the labels and the predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PredictionSpec {
    /// The label (ground-truth) column.
    pub label: String,
    /// Score columns: binary, one column with P(positive); multiclass, one
    /// probability column per class; regression, one prediction column.
    /// Empty when a model produces the scores.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<ScoreColumn>,
    /// The task (default: inferred from the columns).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<Task>,
    /// The positive class of a binary task (inferred for 0/1, yes/no, true/false…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positive: Option<String>,
    /// Scores are logits: apply the sigmoid (binary) or softmax (multiclass).
    pub logits: bool,
    /// Binary decision threshold: predicted positive iff score ≥ threshold.
    pub threshold: f64,
}

impl Default for PredictionSpec {
    fn default() -> Self {
        PredictionSpec {
            label: String::new(),
            scores: Vec::new(),
            task: None,
            positive: None,
            logits: false,
            threshold: 0.5,
        }
    }
}

/// Where a model runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeviceChoice {
    /// A GPU when one is usable, else the CPU (saying why).
    #[default]
    Auto,
    /// The CPU.
    Cpu,
    /// A GPU (WebGPU in the browser, wgpu natively), or an error.
    Gpu,
}

impl DeviceChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceChoice::Auto => "auto",
            DeviceChoice::Cpu => "cpu",
            DeviceChoice::Gpu => "gpu",
        }
    }
}

/// How to run the model over the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ModelSpec {
    /// Feature columns in the order of the model's input (default: the
    /// numeric columns besides the label, in file order, without score-like
    /// columns when that makes the count fit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
    /// The output to evaluate (default: `probabilities`, else the first
    /// floating-point output).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// Class names of the output's columns, in order (default: the sorted
    /// label values, or 0…k−1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classes: Option<Vec<String>>,
    /// Rows per model call.
    pub batch_size: usize,
    /// Where the model runs.
    pub device: DeviceChoice,
}

impl Default for ModelSpec {
    fn default() -> Self {
        ModelSpec {
            features: None,
            output: None,
            classes: None,
            batch_size: 1024,
            device: DeviceChoice::Auto,
        }
    }
}

/// Bootstrap confidence intervals (the seed is the plan's).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BootstrapSpec {
    /// Resamples (0: no intervals).
    pub resamples: usize,
    /// Confidence level of the intervals.
    pub level: f64,
}

impl Default for BootstrapSpec {
    fn default() -> Self {
        BootstrapSpec {
            resamples: 1000,
            level: 0.95,
        }
    }
}

/// Files a run writes (paths as the user gave them).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Outputs {
    /// The JSON report (`-`: standard output).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json: Option<String>,
    /// A self-contained HTML report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// A Markdown report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markdown: Option<String>,
    /// Save a fitted calibrator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibrator: Option<CalibratorExport>,
}

impl Outputs {
    pub fn is_empty(&self) -> bool {
        *self == Outputs::default()
    }
}

/// Which fitted calibrator to save, and where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalibratorExport {
    pub path: String,
    /// The method to save (default: the best on held-out log loss).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<crate::analyses::calibration::Method>,
}

/// A setting of the plan that is wrong, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanError {
    pub key: OptionKey,
    pub message: String,
}

impl PlanError {
    pub fn new(key: OptionKey, message: impl Into<String>) -> PlanError {
        PlanError {
            key,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<PlanError> for crate::EngineError {
    fn from(e: PlanError) -> Self {
        crate::EngineError::Invalid {
            key: e.key,
            message: e.message,
        }
    }
}

impl AuditPlan {
    /// A plan that reads one CSV named `data` with default options and runs
    /// the evaluation.
    pub fn new(data: impl Into<String>) -> AuditPlan {
        AuditPlan {
            version: PLAN_VERSION,
            inputs: vec![InputSpec {
                name: data.into(),
                role: InputRole::Data,
                path: None,
                format: Format::default(),
            }],
            predictions: PredictionSpec::default(),
            model: None,
            analyses: Analyses::default(),
            bootstrap: BootstrapSpec::default(),
            seed: 0,
            outputs: Outputs::default(),
        }
    }

    /// The inputs with `role`.
    pub fn inputs_with(&self, role: InputRole) -> impl Iterator<Item = &InputSpec> {
        self.inputs.iter().filter(move |i| i.role == role)
    }

    /// The one input with `role`, if there is one.
    pub fn input(&self, role: InputRole) -> Option<&InputSpec> {
        self.inputs_with(role).next()
    }

    /// The engine's bootstrap settings.
    pub fn bootstrap_options(&self) -> crate::stats::bootstrap::BootstrapOptions {
        crate::stats::bootstrap::BootstrapOptions {
            resamples: self.bootstrap.resamples,
            seed: self.seed,
            level: self.bootstrap.level,
        }
    }

    /// The columns of the data the audit reads: label and scores first, then
    /// what each analysis needs (the model's features are added by the
    /// pipeline once it knows them).
    pub fn columns(&self) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        let mut add = |c: &str| {
            if !c.is_empty() && !v.iter().any(|x| x == c) {
                v.push(c.to_owned());
            }
        };
        add(&self.predictions.label);
        for s in &self.predictions.scores {
            add(&s.column);
        }
        for c in self.analyses.columns() {
            add(&c);
        }
        v
    }

    /// Check every setting; the first problem found, by key.
    pub fn validate(&self) -> Result<(), PlanError> {
        use OptionKey as K;
        if self.version != PLAN_VERSION {
            return Err(PlanError::new(
                K::Version,
                format!(
                    "plan format {} is not readable by this Assay (format {PLAN_VERSION})",
                    self.version
                ),
            ));
        }
        let mut names = std::collections::BTreeSet::new();
        for i in &self.inputs {
            if i.name.trim().is_empty() {
                return Err(PlanError::new(K::Inputs, "an input has no name"));
            }
            if !names.insert(i.name.as_str()) {
                return Err(PlanError::new(
                    K::Inputs,
                    format!("two inputs are named '{}'", i.name),
                ));
            }
            if let Format::Csv {
                delimiter: Some(d), ..
            } = &i.format
                && (!d.is_ascii() || *d == '"' || *d == '\n' || *d == '\r')
            {
                return Err(PlanError::new(
                    K::Delimiter,
                    format!(
                        "delimiter {d:?} is not usable: choose one ASCII character other than a quote or a line break"
                    ),
                ));
            }
        }
        for role in [InputRole::Data, InputRole::Model, InputRole::Calibrator] {
            let n = self.inputs_with(role).count();
            if n > 1 {
                return Err(PlanError::new(
                    K::Inputs,
                    format!(
                        "{n} inputs have role '{}'; an audit takes one",
                        role.as_str()
                    ),
                ));
            }
        }
        if self.input(InputRole::Data).is_none() {
            return Err(PlanError::new(
                K::Inputs,
                "no data input: give the table to audit",
            ));
        }
        match (&self.model, self.input(InputRole::Model)) {
            (Some(_), None) => {
                return Err(PlanError::new(
                    K::Inputs,
                    "model settings are given but no input has role 'model'",
                ));
            }
            (None, Some(m)) => {
                return Err(PlanError::new(
                    K::Inputs,
                    format!(
                        "input '{}' is a model but the plan has no model settings",
                        m.name
                    ),
                ));
            }
            _ => {}
        }
        if self.analyses.is_empty() {
            return Err(PlanError::new(
                K::Inputs,
                "the plan runs no analysis: ask for an evaluation, calibration or both",
            ));
        }
        let p = &self.predictions;
        if self.analyses.needs_predictions() {
            if p.label.trim().is_empty() {
                return Err(PlanError::new(
                    K::Label,
                    "no label column given (the column with the true values)",
                ));
            }
            match (&self.model, p.scores.is_empty()) {
                (None, true) => {
                    return Err(PlanError::new(
                        K::Scores,
                        "no score column given (the model's predicted probability or value)",
                    ));
                }
                (Some(_), false) => {
                    return Err(PlanError::new(
                        K::Scores,
                        "give either score columns or a model, not both",
                    ));
                }
                _ => {}
            }
            if let Some(s) = p.scores.iter().find(|s| s.column.trim().is_empty()) {
                return Err(PlanError::new(
                    K::Scores,
                    format!(
                        "a score column has no name{}",
                        s.class
                            .as_ref()
                            .map(|c| format!(" (class '{c}')"))
                            .unwrap_or_default()
                    ),
                ));
            }
        }
        if !(0.0..=1.0).contains(&p.threshold) {
            return Err(PlanError::new(
                K::Threshold,
                format!(
                    "threshold {} is outside [0, 1]; it applies to probabilities (after the logits option, if given)",
                    p.threshold
                ),
            ));
        }
        if self.bootstrap.resamples > MAX_RESAMPLES {
            return Err(PlanError::new(
                K::Resamples,
                format!(
                    "{} bootstrap resamples is more than useful (at most {})",
                    self.bootstrap.resamples,
                    group_thousands(MAX_RESAMPLES as u64)
                ),
            ));
        }
        let level = self.bootstrap.level;
        if !(level > 0.0 && level < 1.0) {
            return Err(PlanError::new(
                K::Level,
                format!("confidence level {level} must be between 0 and 1"),
            ));
        }
        if let Some(m) = &self.model {
            if m.batch_size == 0 {
                return Err(PlanError::new(
                    K::BatchSize,
                    "a model batch needs at least one row",
                ));
            }
            if let Some(f) = &m.features {
                if f.is_empty() {
                    return Err(PlanError::new(
                        K::Features,
                        "no feature columns given for the model",
                    ));
                }
                if let Some(dup) = f.iter().enumerate().find(|(i, c)| f[..*i].contains(c)) {
                    return Err(PlanError::new(
                        K::Features,
                        format!("feature column '{}' is given twice", dup.1),
                    ));
                }
            }
            if let Some(c) = &m.classes
                && c.is_empty()
            {
                return Err(PlanError::new(K::Classes, "no class names given"));
            }
        }
        self.analyses.validate(self)?;
        if let Some(e) = &self.outputs.calibrator {
            let methods = self
                .analyses
                .calibration
                .as_ref()
                .map(|c| c.methods.clone())
                .unwrap_or_default();
            if methods.is_empty() {
                return Err(PlanError::new(
                    K::ExportCalibrator,
                    "saving a calibrator needs calibration with at least one recalibration method",
                ));
            }
            if let Some(m) = e.method
                && !methods.contains(&m)
            {
                return Err(PlanError::new(
                    K::ExportCalibrator,
                    format!("the calibrator to save ({m}) is not among the methods fitted"),
                ));
            }
        }
        Ok(())
    }

    /// The plan as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a plan always serializes")
    }

    /// Parse a plan from JSON (checking nothing but its shape; call
    /// [`validate`](Self::validate)).
    pub fn from_json(s: &str) -> Result<AuditPlan, String> {
        serde_json::from_str(s).map_err(|e| format!("not an Assay audit plan: {e}"))
    }
}

/// 1000000 → "1,000,000".
pub fn group_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
