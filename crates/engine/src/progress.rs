//! Progress and cancellation: how long work tells the front end where it is,
//! and how a front end asks it to stop.
//!
//! Stages are an enum, not strings, so that a front end (the CLI's bars, the
//! page's progress line) matches them exhaustively and a new stage cannot be
//! forgotten. Each stage carries its own words ([`Stage::label`]): the page
//! shows them as they are, so they are written once, here.
//!
//! Cancellation is cooperative: long loops (reading a file block by block,
//! bootstrap batches, model batches, recalibration methods) check a shared
//! flag and return [`crate::EngineError::Cancelled`]. Nothing half-finished is
//! returned: a cancelled run has no report.

use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A named stage of an audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Reading an input file (`done`/`total` in bytes).
    Read,
    /// Loading a model.
    ModelLoad,
    /// Running a model over the rows (`done`/`total` in rows).
    Model,
    /// Bootstrap resamples of the evaluation.
    Bootstrap,
    /// Bootstrap resamples of the reliability scores.
    CalibrationBootstrap,
    /// Fitting recalibrators (`done`/`total` in methods).
    Recalibration,
    /// Bootstrap resamples of the held-out judgement of recalibrators.
    RecalibrationBootstrap,
    /// Per-slice calibration (`done`/`total` in slices).
    CalibrationSlices,
    /// Searching for weak slices (`done`/`total` in lattice levels).
    SliceDiscovery,
    /// Bootstrap resamples of the slice audit.
    SliceBootstrap,
    /// Bootstrap resamples of the fairness audit.
    FairnessBootstrap,
}

impl Stage {
    /// Every stage, in the order an audit goes through them.
    pub const ALL: &[Stage] = &[
        Stage::Read,
        Stage::ModelLoad,
        Stage::Model,
        Stage::Bootstrap,
        Stage::CalibrationBootstrap,
        Stage::Recalibration,
        Stage::RecalibrationBootstrap,
        Stage::CalibrationSlices,
        Stage::SliceDiscovery,
        Stage::SliceBootstrap,
        Stage::FairnessBootstrap,
    ];

    /// The stage's stable id (`calibration_bootstrap`), as serialized.
    pub fn id(self) -> &'static str {
        match self {
            Stage::Read => "read",
            Stage::ModelLoad => "model_load",
            Stage::Model => "model",
            Stage::Bootstrap => "bootstrap",
            Stage::CalibrationBootstrap => "calibration_bootstrap",
            Stage::Recalibration => "recalibration",
            Stage::RecalibrationBootstrap => "recalibration_bootstrap",
            Stage::CalibrationSlices => "calibration_slices",
            Stage::SliceDiscovery => "slice_discovery",
            Stage::SliceBootstrap => "slice_bootstrap",
            Stage::FairnessBootstrap => "fairness_bootstrap",
        }
    }

    /// What a person reads while the stage runs.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Read => "Reading the file",
            Stage::ModelLoad => "Reading the model",
            Stage::Model => "Running the model",
            Stage::Bootstrap => "Bootstrap resamples",
            Stage::CalibrationBootstrap => "Calibration: bootstrap resamples",
            Stage::Recalibration => "Calibration: fitting recalibrators",
            Stage::RecalibrationBootstrap => "Calibration: judging on held-out rows",
            Stage::CalibrationSlices => "Calibration: by slice",
            Stage::SliceDiscovery => "Slices: searching for weak slices",
            Stage::SliceBootstrap => "Slices: bootstrap resamples",
            Stage::FairnessBootstrap => "Fairness: bootstrap resamples",
        }
    }

    /// The unit `done` and `total` count.
    pub fn unit(self) -> Unit {
        match self {
            Stage::Read => Unit::Bytes,
            Stage::Model => Unit::Rows,
            Stage::Recalibration => Unit::Methods,
            Stage::CalibrationSlices => Unit::Slices,
            Stage::ModelLoad | Stage::SliceDiscovery => Unit::Steps,
            Stage::Bootstrap
            | Stage::CalibrationBootstrap
            | Stage::RecalibrationBootstrap
            | Stage::SliceBootstrap
            | Stage::FairnessBootstrap => Unit::Resamples,
        }
    }
}

/// What a stage's `done` and `total` count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Bytes,
    Rows,
    Resamples,
    Methods,
    Slices,
    Steps,
}

/// Progress of a stage: `done` of `total` (`total` 0: unknown).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub stage: Stage,
    pub done: u64,
    pub total: u64,
}

impl Progress {
    pub fn new(stage: Stage, done: u64, total: u64) -> Progress {
        Progress { stage, done, total }
    }
}

/// A shared flag a front end sets to stop a run (Ctrl-C, a cancel button).
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A flag that is not set.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Ask the run to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether the run was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// `Err(Cancelled)` once the run was asked to stop.
    pub fn check(&self) -> crate::Result<()> {
        if self.is_cancelled() {
            Err(crate::EngineError::Cancelled)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_ids_are_what_serde_writes() {
        for &s in Stage::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.id()));
            assert!(!s.label().is_empty());
        }
    }

    #[test]
    fn cancel_is_shared_between_clones() {
        let c = Cancel::new();
        let d = c.clone();
        assert!(c.check().is_ok());
        d.cancel();
        assert_eq!(c.check(), Err(crate::EngineError::Cancelled));
    }
}
