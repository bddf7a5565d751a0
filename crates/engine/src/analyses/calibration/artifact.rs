//! Calibrator files: a fitted map with the provenance of its fit, saved by
//! one run and applied by a later one.

use super::methods::{self, Calibrator, Method};
use super::recalibrate::apply;
use crate::error::{EngineError, Result};
use crate::plan::OptionKey;
use crate::prepare::Prepared;
use serde::{Deserialize, Serialize};

fn invalid(message: String) -> EngineError {
    EngineError::Invalid {
        key: OptionKey::Calibrator,
        message,
    }
}

/// A human summary of a calibrator's parameters (the report holds this, not
/// the full map: an isotonic map's knots sit on individual scores).
pub fn summarize(c: &Calibrator) -> String {
    let (head, per_class) = summarize_parts(c);
    if per_class.is_empty() {
        head
    } else {
        format!("{head}: {}", per_class.join("; "))
    }
}

/// [`summarize`] in parts: the summary, and for a one-vs-rest map the
/// summary of each class's map (`class 1: T = 1.2`).
pub fn summarize_parts(c: &Calibrator) -> (String, Vec<String>) {
    fn one(m: &methods::BinaryMap) -> String {
        use methods::BinaryMap::*;
        match m {
            Temperature { temperature } => format!("T = {temperature:.4}"),
            Platt { a, b } => format!(
                "σ({a:.4} · logit(p) {} {:.4})",
                if *b < 0.0 { "−" } else { "+" },
                b.abs()
            ),
            Isotonic { x, .. } => format!("{} knots", x.len()),
            Histogram { values, .. } => format!("{} bins", values.len()),
            Beta { a, b, c } => format!("a = {a:.4}, b = {b:.4}, c = {c:.4}"),
        }
    }
    match c {
        Calibrator::Binary { map } => (one(map), Vec::new()),
        Calibrator::MulticlassTemperature { temperature } => {
            (format!("T = {temperature:.4}"), Vec::new())
        }
        Calibrator::OneVsRest { maps } => (
            format!("one-vs-rest over {} classes", maps.len()),
            maps.iter()
                .enumerate()
                .map(|(i, m)| format!("class {}: {}", i + 1, one(m)))
                .collect(),
        ),
    }
}

/// Version of the calibrator file format.
pub const ARTIFACT_VERSION: &str = "1.0";

/// Where a saved calibrator was fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FittedOn {
    pub assay_version: String,
    /// Name and SHA-256 of the data it was fitted on.
    pub data_name: String,
    pub data_sha256: String,
    pub rows: u64,
    pub label: String,
    pub scores: Vec<String>,
    pub split: String,
    pub bins: usize,
    /// SHA-256 of the model whose outputs were calibrated, when Assay ran one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub model_sha256: Option<String>,
}

/// A saved calibrator: method, parameters and where it was fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CalibratorArtifact {
    /// Format version (`1.0`).
    pub assay_calibrator: String,
    pub method: Method,
    /// `binary` or `multiclass`.
    pub task: crate::prepare::Task,
    /// Binary: the positive class the map calibrates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positive: Option<String>,
    /// Multiclass: the classes, in the map's order.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub classes: Vec<String>,
    pub calibrator: Calibrator,
    pub fitted_on: FittedOn,
}

impl CalibratorArtifact {
    /// Read and check a calibrator file.
    pub fn from_json(s: &str) -> Result<CalibratorArtifact> {
        let a: CalibratorArtifact = serde_json::from_str(s)
            .map_err(|e| invalid(format!("not an Assay calibrator file: {e}")))?;
        if a.assay_calibrator.split('.').next() != Some("1") {
            return Err(invalid(format!(
                "calibrator format {} is not readable by this Assay (format {ARTIFACT_VERSION})",
                a.assay_calibrator
            )));
        }
        a.calibrator
            .validate()
            .map_err(|e| invalid(format!("calibrator file: {e}")))?;
        Ok(a)
    }

    /// The file's text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a calibrator always serialises")
    }

    /// Apply to prepared predictions, checking the task and classes match.
    pub fn apply(&self, prepared: &Prepared) -> Result<Prepared> {
        self.check(prepared)?;
        apply(prepared, &self.calibrator)
    }

    /// Whether it fits these predictions (task, positive class, classes).
    pub fn check(&self, prepared: &Prepared) -> Result<()> {
        match (prepared, self.task) {
            (Prepared::Binary { positive, .. }, crate::prepare::Task::Binary) => {
                if let Some(p) = &self.positive
                    && !crate::prepare::same_label(p, positive)
                {
                    return Err(invalid(format!(
                        "the calibrator calibrates P('{p}') but the positive class here is '{positive}'"
                    )));
                }
            }
            (Prepared::Multiclass { classes, .. }, crate::prepare::Task::Multiclass) => {
                if *classes != self.classes {
                    return Err(invalid(format!(
                        "the calibrator was fitted on classes {} but the data has {}",
                        crate::error::quote_list(&self.classes),
                        crate::error::quote_list(classes)
                    )));
                }
            }
            (p, t) => {
                return Err(invalid(format!(
                    "the calibrator was fitted on a {t} task but this is a {} task",
                    p.task()
                )));
            }
        }
        Ok(())
    }

    /// What the report says of it once applied.
    pub fn applied(&self) -> AppliedCalibrator {
        AppliedCalibrator {
            method: self.method,
            summary: summarize(&self.calibrator),
            fitted_on: self.fitted_on.clone(),
        }
    }
}

/// A calibrator that was applied to the scores before evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AppliedCalibrator {
    pub method: Method,
    pub summary: String,
    pub fitted_on: FittedOn,
}
