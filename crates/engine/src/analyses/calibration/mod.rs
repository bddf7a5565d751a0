#![allow(clippy::needless_range_loop)] // index loops read best in this numeric code
//! Calibration: measure it, fix it, and prove the fix on held-out data.
//!
//! * [`reliability`]: reliability diagrams with Wilson intervals per bin,
//!   and the scores (ECE, MCE, Brier decomposition, slope…) with bootstrap
//!   intervals; the scores are defined in that module's header;
//! * [`recalibrate`]: five recalibrators fitted on part of the rows and
//!   judged on the rest, with paired intervals on the change;
//! * [`by_slice`]: reliability per value of a column;
//! * [`artifact`]: calibrator files, saved by one run and applied by another;
//! * [`split`], [`methods`], [`fit`], [`binning`]: how rows are split, the
//!   recalibration maps and their exact maximum-likelihood fits, the bins.
//!
//! The analysis reads the same predictions as the evaluation, in the same
//! sorted order ([`Predictions::sorted_binary`]), so their bootstrap
//! resamples draw the same rows.

pub mod artifact;
pub mod binning;
pub mod by_slice;
pub mod fit;
pub mod methods;
pub mod recalibrate;
pub mod reliability;
pub mod split;

pub use artifact::{ARTIFACT_VERSION, AppliedCalibrator, CalibratorArtifact, FittedOn, summarize};
pub use by_slice::{SliceCalibration, SlicedCalibration};
pub use methods::{Calibrator, Method};
pub use recalibrate::{MethodResult, Recalibration, Split, SplitSummary};
pub use reliability::{Bin, ClassEce, Diagram, Reliability, Target};
pub use split::SplitSpec;

use super::{Analysis, Artifact, Context, Output};
use crate::error::{EngineError, Result};
use crate::metrics::registry::{self, MetricDef};
use crate::metrics::{MetricResult, Weights};
use crate::plan::{AuditPlan, OptionKey, PlanError};
use crate::predictions::Predictions;
use crate::prepare::{Prepared, Task};
use crate::progress::Progress;
use crate::stats::bootstrap::Counts;
use serde::{Deserialize, Serialize};

/// Settings of the calibration analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CalibrationOptions {
    /// Bins per reliability diagram (and for ECE, MCE, the decomposition,
    /// histogram binning).
    pub bins: usize,
    /// Recalibration methods to fit and judge (empty: measure only).
    pub methods: Vec<Method>,
    /// How rows are split between fitting and judging.
    pub split: SplitSpec,
    /// A column to analyse calibration per value of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slice: Option<String>,
}

impl Default for CalibrationOptions {
    fn default() -> Self {
        CalibrationOptions {
            bins: 15,
            methods: Method::ALL.to_vec(),
            split: SplitSpec::default(),
            slice: None,
        }
    }
}

/// The calibration section of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Calibration {
    pub reliability: Reliability,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub recalibration: Option<Recalibration>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub slices: Option<SlicedCalibration>,
}

/// The calibration analysis.
pub struct CalibrationAnalysis;

impl Analysis for CalibrationAnalysis {
    const ID: &'static str = "calibration";
    type Options = CalibrationOptions;
    type Section = Calibration;

    fn validate(o: &CalibrationOptions, plan: &AuditPlan) -> std::result::Result<(), PlanError> {
        if !(1..=255).contains(&o.bins) {
            return Err(PlanError::new(
                OptionKey::Bins,
                format!("{} bins: choose between 1 and 255", o.bins),
            ));
        }
        if plan.predictions.task == Some(Task::Regression) {
            return Err(PlanError::new(
                OptionKey::Calibration,
                "calibration applies to classification (binary or multiclass), not regression",
            ));
        }
        if let Some(d) = o
            .methods
            .iter()
            .enumerate()
            .find(|(i, m)| o.methods[..*i].contains(m))
        {
            return Err(PlanError::new(
                OptionKey::Methods,
                format!("method {} is listed twice", d.1),
            ));
        }
        if let Some(s) = &o.slice
            && s.trim().is_empty()
        {
            return Err(PlanError::new(
                OptionKey::Slice,
                "the slice column has no name",
            ));
        }
        o.split.validate()
    }

    fn columns(o: &CalibrationOptions) -> Vec<String> {
        [o.slice.as_deref(), o.split.column()]
            .into_iter()
            .flatten()
            .map(str::to_owned)
            .collect()
    }

    fn metrics() -> Vec<MetricDef> {
        let mut v = registry::defs(
            Self::ID,
            "",
            Task::Binary,
            &reliability::score_specs(Target::PositiveClass),
        );
        v.extend(registry::defs(
            Self::ID,
            "",
            Task::Multiclass,
            &reliability::all_score_specs(),
        ));
        for task in [Task::Binary, Task::Multiclass] {
            v.extend(registry::defs(
                Self::ID,
                "heldout.",
                task,
                recalibrate::heldout_specs(),
            ));
        }
        registry::merge(v)
    }

    /// `ece`…: the reliability scores; `heldout.KEY`: held-out scores before
    /// recalibration; `heldout.METHOD.KEY` after it, and
    /// `heldout.METHOD.change.KEY` the change.
    fn metric<'s>(c: &'s Calibration, key: &str) -> Option<&'s MetricResult> {
        let find = |v: &'s [MetricResult], k: &str| v.iter().find(|m| m.key == k);
        match key.strip_prefix("heldout.") {
            None => find(&c.reliability.scores, key),
            Some(rest) => {
                let rc = c.recalibration.as_ref()?;
                match rest.split_once('.') {
                    None => find(&rc.before, rest),
                    Some((method, k)) => {
                        let m = rc.methods.iter().find(|m| m.method.name() == method)?;
                        match k.strip_prefix("change.") {
                            Some(k) => find(&m.change, k),
                            None => find(&m.after, k),
                        }
                    }
                }
            }
        }
    }

    fn run(
        ctx: &Context<'_>,
        c: &CalibrationOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Output<Calibration>> {
        let predictions = ctx.predictions()?;
        let boot = &ctx.bootstrap;
        let (reliability, rest) = super::side_by_side(
            progress,
            |progress| reliability::reliability(predictions, c.bins, boot, ctx.cancel, progress),
            |progress| -> Result<_> {
                let recalibration = if c.methods.is_empty() {
                    None
                } else {
                    let split = c.split.resolve(ctx.table, ctx.plan.seed)?;
                    Some(recalibrate::recalibrate(
                        predictions.prepared(),
                        &c.methods,
                        &split,
                        c.bins,
                        boot,
                        ctx.cancel,
                        progress,
                    )?)
                };
                let slices = match &c.slice {
                    None => None,
                    Some(col) => Some(by_slice::by_slice(
                        predictions,
                        ctx.table,
                        col,
                        c.bins,
                        boot,
                        ctx.cancel,
                        progress,
                    )?),
                };
                Ok((recalibration, slices))
            },
        );
        let reliability = reliability?;
        let (recalibration, slices) = rest?;
        let mut artifacts = Vec::new();
        if let Some(r) = &recalibration {
            for m in &r.methods {
                if let Some(cal) = &m.calibrator {
                    artifacts.push(Artifact::Calibrator(artifact_of(
                        ctx,
                        predictions,
                        r,
                        m,
                        cal,
                        c,
                    )));
                }
            }
        }
        let mut warnings = Vec::new();
        if let (Some(sliced), Some(col)) = (&slices, &c.slice)
            && let Some(n) = sliced.omitted
        {
            warnings.push(format!(
                "slice column '{col}' has {} distinct values: calibration is shown for the {} largest groups ({n} omitted); slice by a categorical column",
                sliced.groups.len() as u64 + n,
                by_slice::MAX_GROUPS
            ));
        }
        Ok(Output {
            section: Calibration {
                reliability,
                recalibration,
                slices,
            },
            warnings,
            artifacts,
        })
    }
}

/// The calibrator file of one fitted method, with where it was fitted.
fn artifact_of(
    ctx: &Context<'_>,
    predictions: &Predictions,
    r: &Recalibration,
    m: &MethodResult,
    cal: &Calibrator,
    c: &CalibrationOptions,
) -> CalibratorArtifact {
    let prepared = predictions.prepared();
    let p = &ctx.plan.predictions;
    CalibratorArtifact {
        assay_calibrator: ARTIFACT_VERSION.into(),
        method: m.method,
        task: prepared.task(),
        positive: match prepared {
            Prepared::Binary { positive, .. } => Some(positive.clone()),
            _ => None,
        },
        classes: match prepared {
            Prepared::Multiclass { classes, .. } => classes.clone(),
            _ => Vec::new(),
        },
        calibrator: cal.clone(),
        fitted_on: FittedOn {
            assay_version: env!("CARGO_PKG_VERSION").into(),
            data_name: ctx.data_name.to_owned(),
            data_sha256: ctx.data_sha256.to_owned(),
            rows: r.split.calibration_rows,
            label: p.label.clone(),
            scores: score_names(predictions),
            split: r.split.split.describe(),
            bins: c.bins,
            model_sha256: ctx.model_sha256.map(str::to_owned),
        },
    }
}

/// The score columns as the calibrator file names them (`COL`, or
/// `CLASS=COL` per class of a multiclass task).
fn score_names(predictions: &Predictions) -> Vec<String> {
    match predictions.prepared() {
        Prepared::Binary { score, .. } | Prepared::Regression { score, .. } => {
            vec![score.clone()]
        }
        Prepared::Multiclass {
            classes, columns, ..
        } => classes
            .iter()
            .zip(columns)
            .map(|(c, col)| format!("{c}={col}"))
            .collect(),
    }
}

pub(crate) fn check_bins(m: usize) -> Result<()> {
    if !(1..=255).contains(&m) {
        return Err(EngineError::invalid(
            OptionKey::Bins,
            format!("{m} bins: choose between 1 and 255"),
        ));
    }
    Ok(())
}

pub(crate) fn require_classification(prepared: &Prepared) -> Result<()> {
    if let Prepared::Regression { .. } = prepared {
        return Err(EngineError::invalid(
            OptionKey::Calibration,
            "calibration applies to classification (binary or multiclass), not regression",
        ));
    }
    Ok(())
}

/// Counts as weights.
pub(crate) fn with_counts<T>(c: Counts<'_>, f: impl Fn(&dyn WeightsDyn) -> T) -> T {
    match c {
        Counts::Small(c) => f(&SliceW(c)),
        Counts::Wide(c) => f(&SliceW(c)),
    }
}

/// Object-safe weights for code that is not hot enough to monomorphise.
pub(crate) trait WeightsDyn: Sync {
    fn w(&self, i: usize) -> f64;
}

pub(crate) struct SliceW<'a, T>(pub &'a [T]);

impl<T: Copy + Into<f64> + Sync> WeightsDyn for SliceW<'_, T> {
    fn w(&self, i: usize) -> f64 {
        self.0[i].into()
    }
}

impl Weights for dyn WeightsDyn + '_ {
    type Acc = crate::metrics::Plain;
    fn w(&self, i: usize) -> f64 {
        WeightsDyn::w(self, i)
    }
}
