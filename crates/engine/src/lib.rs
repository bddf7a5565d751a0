//! # assay-engine
//!
//! The evaluation engine of Assay: everything between the bytes of a user's
//! file and the aggregates of a report, in pure Rust so that the same code runs
//! natively (the `assay` CLI) and in WebAssembly (the page and the npm package).
//! It does no IO of its own — callers hand it a [`std::io::Read`] — and uses no
//! GPU.
//!
//! Data flows one way through named stages, each usable alone:
//!
//! 1. [`csv_read`]: CSV bytes → typed columnar [`table::Table`], streaming.
//! 2. [`prepare`]: table + column choices → validated [`prepare::Prepared`] predictions.
//! 3. [`evaluate`]: predictions → [`evaluate::Evaluation`] (metrics,
//!    [`bootstrap`] intervals, curves): aggregates only.
//!
//! [`evaluate_csv`] chains the three for the common case.

pub mod bootstrap;
pub mod calibration;
pub mod csv_read;
pub mod error;
pub mod evaluate;
pub mod inspect;
pub mod metrics;
pub mod prepare;
pub mod table;

pub use error::{EngineError, Result};

use csv_read::{CsvOptions, CsvSummary};
use evaluate::{EvalOptions, Evaluation, Progress};
use prepare::ColumnSpec;

/// What [`evaluate_csv`] produces.
#[derive(Debug, Clone)]
pub struct CsvEvaluation {
    pub evaluation: Evaluation,
    pub input: CsvSummary,
    /// Warnings from reading and preparing, for the report.
    pub warnings: Vec<String>,
}

/// Read CSV, prepare the columns in `spec`, evaluate.
///
/// Only the columns `spec` names are kept in memory. `total_bytes`, when
/// known, lets the reading stage report progress as a fraction.
pub fn evaluate_csv<R: std::io::Read>(
    input: R,
    total_bytes: Option<u64>,
    spec: &ColumnSpec,
    csv: &CsvOptions,
    opts: &EvalOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<CsvEvaluation> {
    let mut csv = csv.clone();
    csv.columns = Some(spec.columns_needed());
    let total = total_bytes.unwrap_or(0);
    let (table, summary) = csv_read::read_csv(input, &csv, &mut |b| {
        progress(Progress {
            stage: "read",
            done: b,
            total,
        })
    })?;
    let (prepared, mut warnings) = prepare::prepare(&table, spec)?;
    drop(table);
    let evaluation = evaluate::evaluate(&prepared, opts, progress)?;
    let mut all = summary.warnings.clone();
    all.append(&mut warnings);
    Ok(CsvEvaluation {
        evaluation,
        input: summary,
        warnings: all,
    })
}
