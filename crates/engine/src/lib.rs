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
pub mod math;
pub mod metrics;
pub mod prepare;
pub mod table;

pub use error::{EngineError, Result};

use csv_read::{CsvOptions, CsvSummary};
use evaluate::{EvalOptions, Evaluation, Progress};
use prepare::ColumnSpec;

/// Everything one run is asked to do.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub columns: ColumnSpec,
    pub csv: CsvOptions,
    pub evaluation: EvalOptions,
    /// A saved calibrator to apply to the scores before anything else.
    pub calibrator: Option<calibration::CalibratorArtifact>,
    /// Measure calibration (and fit and judge recalibrators).
    pub calibration: Option<calibration::CalibrationOptions>,
}

/// What a run produces.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub evaluation: Evaluation,
    pub calibration: Option<calibration::CalibrationResult>,
    pub applied_calibrator: Option<calibration::AppliedCalibrator>,
    /// Fitted calibrators, ready to save (one per method that could be fitted).
    pub artifacts: Vec<calibration::CalibratorArtifact>,
    pub input: CsvSummary,
    /// Warnings from reading and preparing, for the report.
    pub warnings: Vec<String>,
}

/// What [`evaluate_csv`] produces.
#[derive(Debug, Clone)]
pub struct CsvEvaluation {
    pub evaluation: Evaluation,
    pub input: CsvSummary,
    /// Warnings from reading and preparing, for the report.
    pub warnings: Vec<String>,
}

/// Read CSV, prepare the columns in `spec`, evaluate.
pub fn evaluate_csv<R: std::io::Read>(
    input: R,
    total_bytes: Option<u64>,
    spec: &ColumnSpec,
    csv: &CsvOptions,
    opts: &EvalOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<CsvEvaluation> {
    let req = Request {
        columns: spec.clone(),
        csv: csv.clone(),
        evaluation: opts.clone(),
        calibrator: None,
        calibration: None,
    };
    let out = run_csv(input, total_bytes, "data", &req, progress)?;
    Ok(CsvEvaluation {
        evaluation: out.evaluation,
        input: out.input,
        warnings: out.warnings,
    })
}

/// Read CSV (only the columns the request needs), prepare, apply a saved
/// calibrator if given, evaluate, and measure and fix calibration if asked.
///
/// `total_bytes`, when known, lets the reading stage report progress as a
/// fraction; `input_name` goes into the provenance of fitted calibrators.
pub fn run_csv<R: std::io::Read>(
    input: R,
    total_bytes: Option<u64>,
    input_name: &str,
    req: &Request,
    progress: &mut dyn FnMut(Progress),
) -> Result<RunOutput> {
    let (table, summary) = read_stage(input, total_bytes, req, Some(&[]), progress)?;
    analyze_stage(&table, summary, input_name, req, progress)
}

/// The columns a request reads: label, scores, and the calibration split and
/// slice columns.
pub fn request_columns(req: &Request) -> Vec<String> {
    let mut columns = req.columns.columns_needed();
    if let Some(c) = &req.calibration {
        for extra in [c.slice.as_deref(), c.split.column()].into_iter().flatten() {
            if !columns.iter().any(|x| x == extra) {
                columns.push(extra.to_owned());
            }
        }
    }
    columns.retain(|c| !c.is_empty());
    columns
}

/// Stage 1: read the CSV into a table. With `extra = Some(cols)`, only the
/// request's columns and `cols` are kept (a model's features, say); with
/// `None`, every column is (when the features are to be found among them).
pub fn read_stage<R: std::io::Read>(
    input: R,
    total_bytes: Option<u64>,
    req: &Request,
    extra: Option<&[String]>,
    progress: &mut dyn FnMut(Progress),
) -> Result<(table::Table, CsvSummary)> {
    req.evaluation.validate()?;
    let mut csv = req.csv.clone();
    csv.columns = extra.map(|extra| {
        let mut columns = request_columns(req);
        for e in extra {
            if !columns.contains(e) {
                columns.push(e.clone());
            }
        }
        columns
    });
    let total = total_bytes.unwrap_or(0);
    csv_read::read_csv(input, &csv, &mut |b| {
        progress(Progress {
            stage: "read",
            done: b,
            total,
        })
    })
}

/// Stages 2–4: prepare the predictions in `table`, apply a saved calibrator,
/// evaluate, and analyse calibration.
pub fn analyze_stage(
    table: &table::Table,
    summary: CsvSummary,
    input_name: &str,
    req: &Request,
    progress: &mut dyn FnMut(Progress),
) -> Result<RunOutput> {
    let (mut prepared, mut warnings) = prepare::prepare(table, &req.columns)?;
    let mut applied = None;
    if let Some(a) = &req.calibrator {
        prepared = a.apply(&prepared)?;
        warnings.push(format!(
            "scores were recalibrated with a saved {} calibrator ({}) fitted on {} before evaluation",
            a.method,
            calibration::summarize(&a.calibrator),
            a.fitted_on.data_name
        ));
        applied = Some(calibration::AppliedCalibrator {
            method: a.method,
            summary: calibration::summarize(&a.calibrator),
            fitted_on: a.fitted_on.clone(),
        });
    }
    // Evaluation and the calibration analyses read the same predictions and
    // nothing of each other: they run side by side.
    let (evaluation, calibration) = concurrently(
        progress,
        |progress| evaluate::evaluate(&prepared, &req.evaluation, progress),
        |progress| match &req.calibration {
            None => Ok(None),
            Some(c) => calibration_stage(table, &prepared, &summary, input_name, req, c, progress)
                .map(Some),
        },
    );
    let evaluation = evaluation?;
    let (cal_out, artifacts) = match calibration? {
        None => (None, Vec::new()),
        Some((result, artifacts, mut w)) => {
            warnings.append(&mut w);
            (Some(result), artifacts)
        }
    };
    let mut all = summary.warnings.clone();
    all.append(&mut warnings);
    Ok(RunOutput {
        evaluation,
        calibration: cal_out,
        applied_calibrator: applied,
        artifacts,
        input: summary,
        warnings: all,
    })
}

/// What the calibration stage adds: the analyses, the fitted calibrators
/// ready to save, and warnings.
type CalibrationOut = (
    calibration::CalibrationResult,
    Vec<calibration::CalibratorArtifact>,
    Vec<String>,
);

/// Stage 4: reliability, recalibration judged on held-out rows, and
/// per-slice calibration.
fn calibration_stage(
    table: &table::Table,
    prepared: &prepare::Prepared,
    summary: &CsvSummary,
    input_name: &str,
    req: &Request,
    c: &calibration::CalibrationOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<CalibrationOut> {
    let boot = &req.evaluation.bootstrap;
    let mut warnings = Vec::new();
    let mut artifacts = Vec::new();
    let (reliability, rest) = concurrently(
        progress,
        |progress| calibration::reliability(prepared, c.bins, boot, progress),
        |progress| -> Result<_> {
            let recalibration = if c.methods.is_empty() {
                None
            } else {
                let split = c.split.resolve(table)?;
                Some(calibration::recalibrate(
                    prepared, &c.methods, &split, c.bins, boot, progress,
                )?)
            };
            let slices = match &c.slice {
                None => None,
                Some(col) => {
                    let column = table
                        .column(col)
                        .ok_or_else(|| EngineError::MissingColumns {
                            missing: vec![col.clone()],
                            available: table.names().to_vec(),
                        })?;
                    let cat = column.to_categorical();
                    Some(calibration::by_slice(
                        prepared,
                        col,
                        &cat.dictionary,
                        &cat.codes,
                        c.bins,
                        boot,
                        progress,
                    )?)
                }
            };
            Ok((recalibration, slices))
        },
    );
    let reliability = reliability?;
    let (recalibration, slices) = rest?;
    if let Some(r) = &recalibration {
        for m in &r.methods {
            if let Some(cal) = &m.calibrator {
                artifacts.push(calibration::CalibratorArtifact {
                    assay_calibrator: calibration::ARTIFACT_VERSION.into(),
                    method: m.method,
                    task: prepared.task(),
                    positive: match prepared {
                        prepare::Prepared::Binary { positive, .. } => Some(positive.clone()),
                        _ => None,
                    },
                    classes: match prepared {
                        prepare::Prepared::Multiclass { classes, .. } => classes.clone(),
                        _ => Vec::new(),
                    },
                    calibrator: cal.clone(),
                    fitted_on: calibration::FittedOn {
                        assay_version: env!("CARGO_PKG_VERSION").into(),
                        data_name: input_name.to_owned(),
                        data_sha256: summary.sha256.clone(),
                        rows: r.split.calibration_rows,
                        label: req.columns.label.clone(),
                        scores: req.columns.scores.clone(),
                        split: describe_split(&r.split.split),
                        bins: c.bins,
                        model_sha256: None,
                    },
                });
            }
        }
    }
    if let (Some(sliced), Some(col)) = (&slices, &c.slice)
        && let Some(n) = sliced.omitted
    {
        warnings.push(format!(
            "slice column '{col}' has {} distinct values: calibration is shown for the 50 largest groups ({n} omitted); slice by a categorical column",
            sliced.groups.len() as u64 + n
        ));
    }
    Ok((
        calibration::CalibrationResult {
            reliability,
            recalibration,
            slices,
        },
        artifacts,
        warnings,
    ))
}

/// Run `a` and `b` side by side where the build has threads (`b` on a
/// scoped thread, its progress forwarded to `progress` through a channel and
/// reported after `a`'s), one after the other where it does not (wasm).
/// Results do not depend on which: each side is deterministic on its own.
#[cfg(feature = "parallel")]
fn concurrently<A, B>(
    progress: &mut dyn FnMut(Progress),
    a: impl FnOnce(&mut dyn FnMut(Progress)) -> A,
    b: impl FnOnce(&mut dyn FnMut(Progress)) -> B + Send,
) -> (A, B)
where
    B: Send,
{
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::channel::<Progress>();
        let handle = s.spawn(move || {
            b(&mut |p| {
                let _ = tx.send(p);
            })
        });
        let ra = a(progress);
        // The sender goes when `b` returns, which ends this loop.
        for p in rx {
            progress(p);
        }
        let rb = handle
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (ra, rb)
    })
}

#[cfg(not(feature = "parallel"))]
fn concurrently<A, B>(
    progress: &mut dyn FnMut(Progress),
    a: impl FnOnce(&mut dyn FnMut(Progress)) -> A,
    b: impl FnOnce(&mut dyn FnMut(Progress)) -> B,
) -> (A, B) {
    let ra = a(progress);
    (ra, b(progress))
}

fn describe_split(s: &calibration::Split) -> String {
    match s {
        calibration::Split::Random { fraction, seed } => {
            format!(
                "random: {:.0}% of rows fit (seed {seed}), the rest judge",
                fraction * 100.0
            )
        }
        calibration::Split::Folds { folds, seed } => {
            format!("{folds}-fold cross-fitting (seed {seed}); the saved map is fitted on all rows")
        }
        calibration::Split::Mask { description, .. } => description.clone(),
    }
}
