//! The evaluation: predictions → metrics with confidence intervals.
//!
//! Every front end's evaluation is this analysis: it takes validated
//! [`Predictions`] and returns an [`Evaluation`] of aggregates only — metrics,
//! intervals, confusion matrix, curves, class counts. No row of the input
//! survives into it.
//!
//! Metric values are looked up by key from the tallies ([`BinaryTally::value`]
//! and friends), so the order of a spec list is the only order there is.
//!
//! [`BinaryTally::value`]: crate::metrics::binary::BinaryTally::value

use super::{Analysis, Context, Output};
use crate::error::Result;
use crate::metrics::binary::{BinaryData, Curve};
use crate::metrics::multiclass::{self, MulticlassData, PerClass};
use crate::metrics::registry::{self, MetricDef};
use crate::metrics::regression::{self, RegressionData};
use crate::metrics::{ConfusionMatrix, MetricResult, Unit, binary};
use crate::plan::{AuditPlan, OptionKey, PlanError};
use crate::predictions::Predictions;
use crate::prepare::{Prepared, Task};
use crate::progress::{Cancel, Progress, Stage};
use crate::stats::bootstrap::{self, BootstrapOptions, Counts};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Options of the evaluation (the decision threshold is the plan's, in
/// `predictions.threshold`; the bootstrap is the plan's too).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EvaluationOptions {
    /// Most points kept per curve in the report.
    pub max_curve_points: usize,
}

impl Default for EvaluationOptions {
    fn default() -> Self {
        EvaluationOptions {
            max_curve_points: 400,
        }
    }
}

/// The evaluation analysis.
pub struct EvaluationAnalysis;

impl Analysis for EvaluationAnalysis {
    const ID: &'static str = "evaluation";
    type Options = EvaluationOptions;
    type Section = Evaluation;

    fn validate(o: &EvaluationOptions, _plan: &AuditPlan) -> std::result::Result<(), PlanError> {
        if o.max_curve_points < 2 {
            return Err(PlanError::new(
                OptionKey::MaxCurvePoints,
                format!("{} points per curve: keep at least 2", o.max_curve_points),
            ));
        }
        Ok(())
    }

    fn metrics() -> Vec<MetricDef> {
        let mut v = registry::defs(Self::ID, "", Task::Binary, binary::METRICS);
        v.extend(registry::defs(
            Self::ID,
            "",
            Task::Multiclass,
            &multiclass::all_specs(),
        ));
        v.extend(registry::defs(
            Self::ID,
            "",
            Task::Regression,
            regression::METRICS,
        ));
        registry::merge(v)
    }

    fn metric<'s>(section: &'s Evaluation, key: &str) -> Option<&'s MetricResult> {
        section.metric(key)
    }

    fn run(
        ctx: &Context<'_>,
        o: &EvaluationOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Output<Evaluation>> {
        let e = evaluate(
            ctx.predictions()?,
            ctx.plan.predictions.threshold,
            o.max_curve_points,
            &ctx.bootstrap,
            ctx.cancel,
            progress,
        )?;
        Ok(Output::section(e))
    }
}

/// A curve, or why it is undefined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CurveResult {
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub curve: Option<Curve>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undefined: Option<String>,
    /// Points before decimation.
    pub points_total: usize,
}

impl CurveResult {
    fn from(r: std::result::Result<(Curve, usize), crate::metrics::Undefined>) -> Self {
        match r {
            Ok((c, total)) => CurveResult {
                points_total: total,
                curve: Some(c),
                undefined: None,
            },
            Err(u) => CurveResult {
                curve: None,
                undefined: Some(u.0.to_owned()),
                points_total: 0,
            },
        }
    }
}

/// Count of rows per label value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClassCount {
    pub class: String,
    pub count: u64,
}

/// The result of evaluating one set of predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Evaluation {
    pub task: Task,
    /// Rows evaluated.
    pub rows: u64,
    /// Binary: the positive class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positive: Option<String>,
    /// Binary: the negative class, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative: Option<String>,
    /// Binary: the decision threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Classification: the classes in column order (binary: [negative, positive]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
    /// Classification: rows per class.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub class_counts: Vec<ClassCount>,
    /// Scalar metrics with intervals, in display order.
    pub metrics: Vec<MetricResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confusion_matrix: Option<ConfusionMatrix>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_class: Option<PerClass>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roc_curve: Option<CurveResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pr_curve: Option<CurveResult>,
}

impl Evaluation {
    /// A metric by key.
    pub fn metric(&self, key: &str) -> Option<&MetricResult> {
        self.metrics.iter().find(|m| m.key == key)
    }
}

fn to_opt(v: &[crate::metrics::Value]) -> Vec<Option<f64>> {
    v.iter().map(|x| x.ok()).collect()
}

/// Evaluate predictions: every metric of the task with a percentile
/// bootstrap interval, the confusion matrix, per-class table and curves.
pub fn evaluate(
    predictions: &Predictions,
    threshold: f64,
    max_curve_points: usize,
    b: &BootstrapOptions,
    cancel: &Cancel,
    progress: &mut dyn FnMut(Progress),
) -> Result<Evaluation> {
    let n = predictions.len();
    if n == 0 {
        return Err(crate::error::EngineError::NoRows);
    }
    let mut boot_progress = |done: usize, total: usize| {
        progress(Progress::new(Stage::Bootstrap, done as u64, total as u64))
    };
    let run_boot = b.resamples > 0;
    match predictions.prepared() {
        Prepared::Binary {
            positive, negative, ..
        } => {
            let sorted = predictions
                .sorted_binary()
                .expect("binary predictions have a sorted view");
            let data = BinaryData::from_sorted(sorted, threshold);
            let specs = binary::METRICS;
            let point = data.tally(&Unit);
            let boot = if run_boot {
                bootstrap::run(n, b, cancel, &mut boot_progress, |c| match c {
                    Counts::Small(c) => data.tally_counts(c).values_of(specs),
                    Counts::Wide(c) => data.tally_counts(c).values_of(specs),
                })?
            } else {
                Vec::new()
            };
            let neg_name = negative
                .clone()
                .unwrap_or_else(|| format!("not {positive}"));
            let r = |x: f64| x.round() as u64;
            let confusion = ConfusionMatrix {
                labels: vec![neg_name.clone(), positive.clone()],
                matrix: vec![
                    vec![r(point.tn()), r(point.fp)],
                    vec![r(point.fn_()), r(point.tp)],
                ],
            };
            let per_class = binary_per_class(&point, &confusion.labels);
            let (roc, pr) = data.report_curves(max_curve_points);
            Ok(Evaluation {
                task: Task::Binary,
                rows: n as u64,
                positive: Some(positive.clone()),
                negative: negative.clone(),
                threshold: Some(threshold),
                classes: confusion.labels.clone(),
                class_counts: vec![
                    ClassCount {
                        class: neg_name,
                        count: r(point.neg),
                    },
                    ClassCount {
                        class: positive.clone(),
                        count: r(point.pos),
                    },
                ],
                metrics: bootstrap::with_intervals(specs, point.values_of(specs), boot, b.level),
                confusion_matrix: Some(confusion),
                per_class: Some(per_class),
                roc_curve: Some(CurveResult::from(roc)),
                pr_curve: Some(CurveResult::from(pr)),
            })
        }
        Prepared::Multiclass {
            y, probs, classes, ..
        } => {
            let k = classes.len();
            let data = MulticlassData::new(y.clone(), probs.clone(), k);
            let specs = multiclass::metric_specs(&data);
            let point = data.tally(&Unit);
            let boot = if run_boot {
                bootstrap::run(n, b, cancel, &mut boot_progress, |c| match c {
                    Counts::Small(c) => data.tally(c).values_of(&specs),
                    Counts::Wide(c) => data.tally(c).values_of(&specs),
                })?
            } else {
                Vec::new()
            };
            let matrix: Vec<Vec<u64>> = (0..k)
                .map(|t| {
                    (0..k)
                        .map(|p| point.conf[t * k + p].round() as u64)
                        .collect()
                })
                .collect();
            let support: Vec<u64> = matrix.iter().map(|r| r.iter().sum()).collect();
            let (pp, rr, ff) = point.per_class();
            Ok(Evaluation {
                task: Task::Multiclass,
                rows: n as u64,
                positive: None,
                negative: None,
                threshold: None,
                classes: classes.clone(),
                class_counts: classes
                    .iter()
                    .zip(&support)
                    .map(|(c, &s)| ClassCount {
                        class: c.clone(),
                        count: s,
                    })
                    .collect(),
                metrics: bootstrap::with_intervals(&specs, point.values_of(&specs), boot, b.level),
                confusion_matrix: Some(ConfusionMatrix {
                    labels: classes.clone(),
                    matrix,
                }),
                per_class: Some(PerClass {
                    labels: classes.clone(),
                    precision: to_opt(&pp),
                    recall: to_opt(&rr),
                    f1: to_opt(&ff),
                    support,
                }),
                roc_curve: None,
                pr_curve: None,
            })
        }
        Prepared::Regression { y, yhat, .. } => {
            let data = RegressionData::new(y, yhat);
            let point = data.values(&Unit);
            let boot = if run_boot {
                bootstrap::run(n, b, cancel, &mut boot_progress, |c| match c {
                    Counts::Small(c) => data.values(c),
                    Counts::Wide(c) => data.values(c),
                })?
            } else {
                Vec::new()
            };
            Ok(Evaluation {
                task: Task::Regression,
                rows: n as u64,
                positive: None,
                negative: None,
                threshold: None,
                classes: Vec::new(),
                class_counts: Vec::new(),
                metrics: bootstrap::with_intervals(regression::METRICS, point, boot, b.level),
                confusion_matrix: None,
                per_class: None,
                roc_curve: None,
                pr_curve: None,
            })
        }
    }
}

fn binary_per_class(t: &binary::BinaryTally, labels: &[String]) -> PerClass {
    let f = |num: f64, den: f64| (den > 0.0).then(|| num / den);
    let (tp, fp, fn_, tn) = (t.tp, t.fp, t.fn_(), t.tn());
    PerClass {
        labels: labels.to_vec(),
        precision: vec![f(tn, tn + fn_), f(tp, tp + fp)],
        recall: vec![f(tn, tn + fp), f(tp, tp + fn_)],
        f1: vec![
            f(2.0 * tn, 2.0 * tn + fp + fn_),
            f(2.0 * tp, 2.0 * tp + fp + fn_),
        ],
        support: vec![t.neg.round() as u64, t.pos.round() as u64],
    }
}
