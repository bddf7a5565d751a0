//! Predictions → metrics with confidence intervals.
//!
//! [`evaluate`] is the analysis stage every front end calls (CLI, page, npm
//! package): it takes validated [`Prepared`] predictions and returns an
//! [`Evaluation`] of aggregates only — metrics, intervals, confusion matrix,
//! curves, class counts. No row of the input survives into it.

use crate::bootstrap::{self, BootstrapOptions, Counts};
use crate::error::Result;
use crate::metrics::binary::{BinaryData, Curve};
use crate::metrics::multiclass::{self, MulticlassData, PerClass};
use crate::metrics::regression::{self, RegressionData};
use crate::metrics::{ConfusionMatrix, MetricResult, Unit, Value, binary};
use crate::prepare::{Prepared, Task};
use serde::{Deserialize, Serialize};

/// Options of the analysis stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EvalOptions {
    /// Binary decision threshold: predicted positive iff score >= threshold.
    pub threshold: f64,
    /// Bootstrap settings for the confidence intervals.
    pub bootstrap: BootstrapOptions,
    /// Most points kept per curve in the report.
    pub max_curve_points: usize,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            threshold: 0.5,
            bootstrap: BootstrapOptions::default(),
            max_curve_points: 400,
        }
    }
}

impl EvalOptions {
    /// Check the options: a clear error instead of a panic or a frozen page.
    pub fn validate(&self) -> Result<()> {
        use crate::error::EngineError::Config;
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err(Config(format!(
                "threshold {} is outside [0, 1]; it applies to probabilities",
                self.threshold
            )));
        }
        self.bootstrap.validate()
    }
}

/// A curve, or why it is undefined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassCount {
    pub class: String,
    pub count: u64,
}

/// Stage progress: `stage` is a short name (`bootstrap`), `done` of `total`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub stage: &'static str,
    pub done: u64,
    pub total: u64,
}

/// The result of evaluating one set of predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

fn to_opt(v: &[Value]) -> Vec<Option<f64>> {
    v.iter().map(|x| x.ok()).collect()
}

/// Evaluate prepared predictions.
pub fn evaluate(
    prepared: &Prepared,
    opts: &EvalOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Evaluation> {
    let n = prepared.len();
    if n == 0 {
        return Err(crate::error::EngineError::NoRows);
    }
    opts.validate()?;
    let b = &opts.bootstrap;
    let mut boot_progress = |done: usize, total: usize| {
        progress(Progress {
            stage: "bootstrap",
            done: done as u64,
            total: total as u64,
        })
    };
    let run_boot = b.resamples > 0;
    match prepared {
        Prepared::Binary {
            y,
            p,
            positive,
            negative,
            ..
        } => {
            let data = BinaryData::new(y, p, opts.threshold);
            let point = data.tally(&Unit);
            let boot = if run_boot {
                bootstrap::run(n, b, &mut boot_progress, |c| match c {
                    Counts::Small(c) => data.tally_counts(c).values(),
                    Counts::Wide(c) => data.tally_counts(c).values(),
                })
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
            let (roc, pr) = data.report_curves(opts.max_curve_points);
            Ok(Evaluation {
                task: Task::Binary,
                rows: n as u64,
                positive: Some(positive.clone()),
                negative: negative.clone(),
                threshold: Some(opts.threshold),
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
                metrics: bootstrap::with_intervals(binary::METRICS, point.values(), boot, b.level),
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
                bootstrap::run(n, b, &mut boot_progress, |c| match c {
                    Counts::Small(c) => data.tally(c).values(),
                    Counts::Wide(c) => data.tally(c).values(),
                })
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
                metrics: bootstrap::with_intervals(&specs, point.values(), boot, b.level),
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
                bootstrap::run(n, b, &mut boot_progress, |c| match c {
                    Counts::Small(c) => data.values(c),
                    Counts::Wide(c) => data.values(c),
                })
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
