//! # assay-report
//!
//! The report: one versioned JSON document that the CLI, the page and the npm
//! package all produce (schema in `schema/report.schema.json`, generated from
//! these types, and `docs/report-schema.md`), and renderings of it —
//! self-contained HTML with SVG plots, Markdown, and the CLI's text summary.
//!
//! A report holds **aggregates only**: metrics, intervals, counts, curves,
//! the plan that produced it, and the SHA-256 of each input. It never holds
//! a row of the user's data, so it can be shared when the data cannot.
//!
//! Each analysis section renders itself from one module in [`sections`];
//! the renderers in [`render`] only lay the sections out in order. Rendering
//! reads nothing but the [`Report`] value, so a report saved as JSON renders
//! the same later, anywhere.

pub mod format;
pub mod render;
pub mod sections;
pub mod svg;

pub use render::{html, markdown, text};

use assay_engine::analyses::calibration::AppliedCalibrator;
use assay_engine::io::InputSummary;
use assay_engine::plan::{AuditPlan, InputRole};
use assay_engine::{Sections, metrics::MetricResult};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Version of the report schema. Bump the minor version for additions, the
/// major version for anything that changes or removes a field.
///
/// 2.0.0: the report embeds the plan that produced it (`provenance.plan`,
/// replacing `provenance.config`); every analysis section is optional.
pub const SCHEMA_VERSION: &str = "2.0.0";

/// Assay's version, as built.
pub const ASSAY_VERSION: &str = env!("CARGO_PKG_VERSION");

/// One input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InputFile {
    /// What the file was used as (`data`, `model`, `calibrator`; `table` for
    /// a table handed over in memory).
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
    /// Describe a table input from what the reader saw.
    pub fn from_summary(name: &str, role: InputRole, s: &InputSummary) -> Self {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name).to_owned();
        InputFile {
            role: if s.bytes == 0 && s.delimiter.is_none() {
                "table".into()
            } else {
                role.as_str().into()
            },
            name: base,
            sha256: s.sha256.clone(),
            bytes: s.bytes,
            rows: Some(s.rows as u64),
        }
    }

    /// Describe a file held in memory (a model, a calibrator).
    pub fn from_bytes(name: &str, role: InputRole, bytes: &[u8]) -> Self {
        InputFile {
            role: role.as_str().into(),
            name: name.rsplit(['/', '\\']).next().unwrap_or(name).to_owned(),
            sha256: assay_engine::io::sha256_hex(bytes),
            bytes: bytes.len() as u64,
            rows: None,
        }
    }
}

/// Where a report came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Provenance {
    /// Assay's version.
    pub assay_version: String,
    /// The front end that produced it: `assay-cli`, `assay-web`, `assay-npm`.
    pub producer: String,
    /// Inputs, with their hashes.
    pub inputs: Vec<InputFile>,
    /// The plan that produced the report, without where its files were
    /// (input paths, outputs): run it again on the same inputs (the same
    /// SHA-256) for the same report, from any front end.
    pub plan: AuditPlan,
    /// The seed (the plan's, repeated for visibility).
    pub seed: u64,
}

/// A graph input or output of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TensorDesc {
    pub name: String,
    pub dtype: String,
    /// Dimensions; `null` for a dynamic one.
    pub shape: Vec<Option<u64>>,
}

/// The model Assay ran (its structure and how it was run; never its weights).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
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

/// A report (schema [`SCHEMA_VERSION`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    pub schema_version: String,
    pub provenance: Provenance,
    /// Things the user should know: data quirks, undefined metrics, caveats.
    pub warnings: Vec<String>,
    /// The model whose outputs were analysed, when Assay ran one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub model: Option<ModelInfo>,
    /// A saved calibrator applied to the scores before the analyses.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub applied_calibrator: Option<AppliedCalibrator>,
    /// One section per analysis the plan ran (`evaluation`, `calibration`…).
    #[serde(flatten)]
    pub sections: Sections,
}

impl Report {
    /// Assemble a report (the plan is recorded without paths and outputs).
    pub fn new(
        producer: &str,
        inputs: Vec<InputFile>,
        mut plan: AuditPlan,
        sections: Sections,
        warnings: Vec<String>,
    ) -> Self {
        for i in &mut plan.inputs {
            i.path = None;
        }
        plan.outputs = Default::default();
        Report {
            schema_version: SCHEMA_VERSION.into(),
            provenance: Provenance {
                assay_version: ASSAY_VERSION.into(),
                producer: producer.into(),
                inputs,
                seed: plan.seed,
                plan,
            },
            warnings,
            model: None,
            applied_calibrator: None,
            sections,
        }
    }

    /// The evaluation section, when the plan ran one.
    pub fn evaluation(&self) -> Option<&assay_engine::analyses::evaluation::Evaluation> {
        self.sections.evaluation.as_ref()
    }

    /// The calibration section, when the plan ran one.
    pub fn calibration(&self) -> Option<&assay_engine::analyses::calibration::Calibration> {
        self.sections.calibration.as_ref()
    }

    /// A metric by id (`evaluation.roc_auc`, `calibration.ece`).
    pub fn metric(&self, id: &str) -> Option<&MetricResult> {
        self.sections.metric(id)
    }

    /// The report as it may leave the machine: every section's small cells
    /// (slices and groups with fewer rows than the plan's `min_cell`)
    /// removed and counted. Every written or downloaded report is this one.
    pub fn for_export(&self) -> Report {
        let mut r = self.clone();
        r.sections.redact();
        r
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

/// The JSON Schema of the report, generated from these types.
pub fn report_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Report)).expect("a schema serializes")
}

/// The JSON Schema of the audit plan (the audit file).
pub fn plan_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(AuditPlan)).expect("a schema serializes")
}
