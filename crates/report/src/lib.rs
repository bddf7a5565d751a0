//! # assay-report
//!
//! The report: one versioned JSON document that the CLI, the page and the npm
//! package all produce (schema in `docs/report-schema.md`), and renderings of
//! it — self-contained HTML with SVG plots, and Markdown.
//!
//! A report holds **aggregates only**: metrics, intervals, counts, curves,
//! configuration, and the SHA-256 of each input. It never holds a row of the
//! user's data, so it can be shared when the data cannot.
//!
//! Rendering reads nothing but the [`Report`] value, so a report saved as JSON
//! renders the same later, anywhere.

pub mod html;
pub mod markdown;
pub mod plots;
pub mod svg;

use assay_engine::calibration::{AppliedCalibrator, CalibrationResult};
use assay_engine::csv_read::CsvSummary;
use assay_engine::evaluate::{EvalOptions, Evaluation};
use assay_engine::prepare::ColumnSpec;
use serde::{Deserialize, Serialize};

/// Version of the report schema. Bump the minor version for additions, the
/// major version for anything that changes or removes a field.
pub const SCHEMA_VERSION: &str = "1.2.0";

/// Assay's version, as built.
pub const ASSAY_VERSION: &str = env!("CARGO_PKG_VERSION");

/// One input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputFile {
    /// What the file was used as (`data`, `model`, `calibrator`).
    pub role: String,
    /// File name as given (no directory).
    pub name: String,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Data rows read, for tables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
}

impl InputFile {
    /// Describe a CSV input from what the reader saw.
    pub fn from_csv(name: &str, s: &CsvSummary) -> Self {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name).to_owned();
        InputFile {
            role: "data".into(),
            name: base,
            sha256: s.sha256.clone(),
            bytes: s.bytes,
            rows: Some(s.rows as u64),
        }
    }
}

/// The configuration a report was computed with: enough to reproduce it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Config {
    pub columns: ColumnSpec,
    pub evaluation: EvalOptions,
    /// CSV delimiter used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<char>,
    /// Calibration settings, when calibration was analysed (since 1.1).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub calibration: Option<assay_engine::calibration::CalibrationOptions>,
    /// How the model was run, when Assay ran one (since 1.2).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub model: Option<ModelConfig>,
}

/// Settings of the model stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    /// Feature columns as given (`null`: chosen automatically).
    pub features: Option<Vec<String>>,
    /// Output as given (`null`: chosen automatically).
    pub output: Option<String>,
    pub batch_size: usize,
    /// Output class names as given.
    pub classes: Option<Vec<String>>,
    /// Device asked for: `cpu`, `gpu` or `auto`.
    pub device: String,
}

/// Where a report came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// Assay's version.
    pub assay_version: String,
    /// The front end that produced it: `assay-cli`, `assay-web`, `assay-npm`.
    pub producer: String,
    /// Inputs, with their hashes.
    pub inputs: Vec<InputFile>,
    /// The configuration.
    pub config: Config,
    /// The bootstrap seed (also inside the configuration; repeated for visibility).
    pub seed: u64,
}

/// A report (schema [`SCHEMA_VERSION`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: String,
    pub provenance: Provenance,
    /// Things the user should know: data quirks, undefined metrics, caveats.
    pub warnings: Vec<String>,
    pub evaluation: Evaluation,
    /// Calibration: reliability, recalibration judged on held-out rows, per slice (since 1.1).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub calibration: Option<CalibrationResult>,
    /// A saved calibrator applied to the scores before evaluation (since 1.1).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub applied_calibrator: Option<AppliedCalibrator>,
    /// The model whose outputs were evaluated, when Assay ran one (since 1.2).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub model: Option<ModelInfo>,
}

/// A graph input or output of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TensorDesc {
    pub name: String,
    pub dtype: String,
    /// Dimensions; `null` for a dynamic one.
    pub shape: Vec<Option<u64>>,
}

/// The model Assay ran (its structure and how it was run; never its weights).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// File name, SHA-256 and size are in `provenance.inputs` (role `model`).
    pub name: String,
    pub inputs: Vec<TensorDesc>,
    pub outputs: Vec<TensorDesc>,
    /// Operator set imports: (domain, version).
    pub opsets: Vec<(String, i64)>,
    /// Operator type → number of nodes.
    pub ops: Vec<(String, usize)>,
    /// Feature columns fed to the model, in order.
    pub features: Vec<String>,
    /// The output evaluated, and its width.
    pub output: String,
    pub output_width: usize,
    /// Class names given to the output's columns.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub classes: Vec<String>,
    /// Device that ran it (`CPU (flex)`, `WebGPU: <adapter>`).
    pub device: String,
    pub batch_size: usize,
    pub rows: u64,
    /// Seconds spent in the model.
    pub seconds: f64,
}

impl Report {
    /// Assemble a report.
    pub fn new(
        producer: &str,
        inputs: Vec<InputFile>,
        config: Config,
        evaluation: Evaluation,
        warnings: Vec<String>,
    ) -> Self {
        Report {
            schema_version: SCHEMA_VERSION.into(),
            provenance: Provenance {
                assay_version: ASSAY_VERSION.into(),
                producer: producer.into(),
                inputs,
                seed: config.evaluation.bootstrap.seed,
                config,
            },
            warnings,
            evaluation,
            calibration: None,
            applied_calibrator: None,
            model: None,
        }
    }

    /// Add the model section.
    pub fn with_model(mut self, model: Option<ModelInfo>) -> Self {
        self.model = model;
        self
    }

    /// Add the calibration section and the applied calibrator.
    pub fn with_calibration(
        mut self,
        calibration: Option<CalibrationResult>,
        applied: Option<AppliedCalibrator>,
    ) -> Self {
        self.calibration = calibration;
        self.applied_calibrator = applied;
        self
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serialises")
    }

    /// Parse a report, checking the schema's major version.
    pub fn from_json(s: &str) -> Result<Report, String> {
        let v: serde_json::Value = serde_json::from_str(s).map_err(|e| e.to_string())?;
        let ver = v
            .get("schema_version")
            .and_then(|x| x.as_str())
            .ok_or("not an Assay report: no schema_version")?;
        let major = |s: &str| s.split('.').next().unwrap_or("").to_owned();
        if major(ver) != major(SCHEMA_VERSION) {
            return Err(format!(
                "report schema {ver} is not readable by this Assay (schema {SCHEMA_VERSION})"
            ));
        }
        serde_json::from_value(v).map_err(|e| e.to_string())
    }
}
