//! Slice audits: every metric of the task per slice of the rows, against the
//! rest of the data, with intervals, a test of "worse than the rest",
//! Benjamini–Hochberg q-values and power guidance; optionally the weak
//! slices found by an exact SliceLine search ([`discover`]).
//!
//! **Slices.** Each entry of [`SlicesOptions::slices`] is a
//! [`GroupSpec`](crate::table::groups::GroupSpec): every value of a column,
//! a numeric column in bins, a cross of two or three of those, or a filter
//! expression. Missing values form their own slice, `(missing)`. A grouping
//! with more than [`SlicesOptions::max_slices`] groups keeps its largest and
//! counts the rest.
//!
//! **Same resamples.** Slice metrics are weighted tallies over the same
//! bootstrap resamples of *all* rows as the evaluation (same seed, same row
//! order): a resample's slice statistic is computed on the resample's rows
//! that fall in the slice, its rest statistic on the others. So a slice's
//! interval and the overall interval come from the same draws, and the gap
//! to the rest (`slice − rest`) gets a *paired* percentile interval. A slice
//! with few rows gets a wide interval, as it should: its size varies between
//! resamples.
//!
//! **Significance** ([`significance`]): the tested metric (by default the
//! error rate — `accuracy` — for classification and `mae` for regression) is
//! compared with the rest of the data by a test suited to it, one-sided
//! towards "worse"; every slice examined (all groupings, discovered slices
//! too) forms one family for the Benjamini–Hochberg correction.
//!
//! **Small cells.** Slices with fewer than [`SlicesOptions::min_cell`] rows
//! are computed and marked `small`; [`SliceAudit::redact`] (which every
//! export applies) removes them and only counts them, so a shared report
//! does not describe a handful of individuals.

pub mod discover;
pub mod measure;
mod run;
pub mod significance;

use super::{Analysis, Context, Output};
use crate::error::Result;
use crate::metrics::registry::{Direction, MetricDef};
use crate::metrics::{Interval, MetricResult};
use crate::plan::{AuditPlan, OptionKey, PlanError};
use crate::prepare::Task;
use crate::progress::Progress;
use crate::table::groups::GroupSpec;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use significance::TestOutcome;

/// Settings of the slice audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SlicesOptions {
    /// How to slice the rows: one grouping per entry.
    pub slices: Vec<GroupSpec>,
    /// The metric tested for "worse than the rest" (a metric key of the
    /// task, e.g. `accuracy`, `recall`, `roc_auc`, `log_loss`, `mae`);
    /// default: `accuracy` for classification, `mae` for regression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// Significance level, applied to the Benjamini–Hochberg q-values.
    pub alpha: f64,
    /// Power at which each slice's smallest detectable gap is stated.
    pub power: f64,
    /// The gap of interest, in units of the tested metric: a slice whose
    /// smallest detectable gap is larger reads "too small to tell". Default:
    /// 0.05 for metrics bounded in [0, 1], a quarter of the rest's value for
    /// unbounded ones (losses, errors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<f64>,
    /// Slices with fewer rows are counted but not shown in exported reports.
    pub min_cell: usize,
    /// Most slices per grouping (the largest are kept, the rest counted).
    pub max_slices: usize,
    /// Automatic discovery of weak slices (absent: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discover: Option<DiscoverSpec>,
}

impl Default for SlicesOptions {
    fn default() -> Self {
        SlicesOptions {
            slices: Vec::new(),
            metric: None,
            alpha: 0.05,
            power: 0.8,
            gap: None,
            min_cell: 10,
            max_slices: 50,
            discover: None,
        }
    }
}

/// Settings of the weak-slice discovery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DiscoverSpec {
    /// Columns searched (empty: every column but the label, the scores and
    /// identifier-like columns — more distinct values than half the rows).
    pub columns: Vec<String>,
    /// Quantile bins of numeric columns.
    pub bins: usize,
    /// Slices to return (more when scores tie with the last one).
    pub top_k: usize,
    /// Most conditions per slice (lattice levels searched).
    pub max_level: usize,
    /// Fewest rows of a slice; 0 chooses `max(10, rows / 100)`.
    pub min_support: usize,
    /// SliceLine's weight of the error term against the size term, in (0, 1].
    pub alpha: f64,
}

impl Default for DiscoverSpec {
    fn default() -> Self {
        let d = discover::DiscoverOptions::default();
        DiscoverSpec {
            columns: Vec::new(),
            bins: 4,
            top_k: d.top_k,
            max_level: d.max_level,
            min_support: d.min_support,
            alpha: d.alpha,
        }
    }
}

impl DiscoverSpec {
    /// The search's settings.
    pub fn search(&self) -> discover::DiscoverOptions {
        discover::DiscoverOptions {
            top_k: self.top_k,
            max_level: self.max_level,
            min_support: self.min_support,
            alpha: self.alpha,
        }
    }
}

/// A metric of a slice: its value with interval, the rest's value, and the
/// gap `slice − rest` with its paired interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SliceMetric {
    #[serde(flatten)]
    pub metric: MetricResult,
    /// The metric on the rest of the data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rest: Option<f64>,
    /// `slice − rest`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<f64>,
    /// Paired percentile interval of the gap (same resamples).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap_ci: Option<Interval>,
}

/// One slice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Slice {
    /// `east`, `(30, 45]`, `east, (30, 45]`, or a filter expression.
    pub label: String,
    pub rows: u64,
    /// Binary: positive rows in the slice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positives: Option<u64>,
    /// Fewer rows than `min_cell`: shown locally, marked; left out of exports.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub small: bool,
    pub metrics: Vec<SliceMetric>,
    /// The test of the tested metric against the rest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test: Option<TestOutcome>,
}

impl Slice {
    /// A metric by key.
    pub fn metric(&self, key: &str) -> Option<&SliceMetric> {
        self.metrics.iter().find(|m| m.metric.key == key)
    }
}

/// The slices of one grouping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Grouping {
    /// `region`, `region × age`, a filter expression.
    pub name: String,
    pub spec: GroupSpec,
    pub slices: Vec<Slice>,
    /// Groups not examined (beyond `max_slices`, the smallest).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub omitted: u64,
    /// Groups left out of this (exported) report for having fewer than
    /// `min_cell` rows.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub suppressed: u64,
}

fn is_zero(x: &u64) -> bool {
    *x == 0
}

/// A predicate of a discovered slice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Condition {
    pub column: String,
    pub value: String,
}

/// A slice found by the discovery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Discovered {
    pub conditions: Vec<Condition>,
    /// SliceLine's score (> 0: worse than average, weighted by size).
    pub score: f64,
    /// Mean error in the slice (the error the search used).
    pub mean_error: f64,
    #[serde(flatten)]
    pub slice: Slice,
}

/// The discovery's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Discovery {
    /// Columns searched.
    pub columns: Vec<String>,
    /// What a row's error is (`misclassification`, `squared_error`).
    pub error: String,
    /// Mean error over all rows.
    pub mean_error: f64,
    pub options: discover::DiscoverOptions,
    pub levels_searched: usize,
    pub candidates_evaluated: u64,
    pub slices: Vec<Discovered>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub suppressed: u64,
}

/// The slices section of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SliceAudit {
    pub task: Task,
    pub rows: u64,
    /// The tested metric's key and name.
    pub tested_metric: String,
    pub tested_metric_name: String,
    pub alpha: f64,
    pub power: f64,
    pub min_cell: usize,
    /// Slices in the Benjamini–Hochberg family.
    pub examined: u64,
    /// Slices found worse than the rest (q ≤ α).
    pub worse: u64,
    pub groupings: Vec<Grouping>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discovery: Option<Discovery>,
    /// Summary metrics (`worse_slices`), for gates.
    pub summary: Vec<MetricResult>,
}

impl SliceAudit {
    /// The section as it may leave the machine: slices with fewer than
    /// `min_cell` rows are removed and counted.
    pub fn redact(&mut self) {
        let k = self.min_cell as u64;
        for g in &mut self.groupings {
            let before = g.slices.len();
            g.slices.retain(|s| s.rows >= k);
            g.suppressed += (before - g.slices.len()) as u64;
        }
        if let Some(d) = &mut self.discovery {
            let before = d.slices.len();
            d.slices.retain(|s| s.slice.rows >= k);
            d.suppressed += (before - d.slices.len()) as u64;
        }
    }

    /// Every slice, grouped ones first, then discovered ones.
    pub fn all_slices(&self) -> impl Iterator<Item = &Slice> {
        self.groupings.iter().flat_map(|g| g.slices.iter()).chain(
            self.discovery
                .iter()
                .flat_map(|d| d.slices.iter().map(|s| &s.slice)),
        )
    }
}

const WORSE_SPEC: crate::metrics::MetricSpec = crate::metrics::MetricSpec {
    key: "worse_slices",
    name: "Slices worse than the rest",
    definition: "number of slices whose tested metric is worse than the rest of the data at Benjamini–Hochberg q ≤ α",
    higher_is_better: false,
};

/// The slice audit.
pub struct SlicesAnalysis;

impl Analysis for SlicesAnalysis {
    const ID: &'static str = "slices";
    type Options = SlicesOptions;
    type Section = SliceAudit;

    fn validate(o: &SlicesOptions, plan: &AuditPlan) -> std::result::Result<(), PlanError> {
        if o.slices.is_empty() && o.discover.is_none() {
            return Err(PlanError::new(
                OptionKey::Slices,
                "name at least one slice (a column, a cross or a filter) or ask for discovery",
            ));
        }
        for s in &o.slices {
            check_spec(s)?;
        }
        if !(o.alpha > 0.0 && o.alpha < 1.0) {
            return Err(PlanError::new(
                OptionKey::Alpha,
                format!("α = {}: choose a level between 0 and 1", o.alpha),
            ));
        }
        if !(o.power > 0.0 && o.power < 1.0) {
            return Err(PlanError::new(
                OptionKey::Power,
                format!("power {}: choose a value between 0 and 1", o.power),
            ));
        }
        if let Some(g) = o.gap
            && !(g.is_finite() && g > 0.0)
        {
            return Err(PlanError::new(
                OptionKey::Gap,
                format!("gap of interest {g}: give a positive number"),
            ));
        }
        if o.max_slices == 0 {
            return Err(PlanError::new(
                OptionKey::MaxSlices,
                "keep at least one slice per grouping",
            ));
        }
        if let Some(m) = &o.metric {
            let task = plan.predictions.task;
            if measure::spec_of(task, m).is_none() {
                return Err(PlanError::new(
                    OptionKey::SliceMetric,
                    format!(
                        "no metric '{m}' to test{}; choose one of {}",
                        task.map(|t| format!(" for a {t} task")).unwrap_or_default(),
                        measure::metric_keys(task).join(", ")
                    ),
                ));
            }
        }
        if let Some(d) = &o.discover {
            if !(1..=100).contains(&d.bins) {
                return Err(PlanError::new(
                    OptionKey::DiscoverBins,
                    format!("{} bins: choose between 1 and 100", d.bins),
                ));
            }
            validate_search(&d.search())?;
        }
        Ok(())
    }

    fn columns(o: &SlicesOptions) -> Vec<String> {
        let mut v: Vec<String> = o.slices.iter().flat_map(|s| s.columns()).collect();
        if let Some(d) = &o.discover {
            v.extend(d.columns.iter().cloned());
        }
        v
    }

    fn reads_all_columns(o: &SlicesOptions) -> bool {
        o.discover.as_ref().is_some_and(|d| d.columns.is_empty())
    }

    fn metrics() -> Vec<MetricDef> {
        vec![MetricDef {
            id: format!("{}.{}", Self::ID, WORSE_SPEC.key),
            section: Self::ID.to_owned(),
            key: WORSE_SPEC.key.to_owned(),
            name: WORSE_SPEC.name.to_owned(),
            definition: WORSE_SPEC.definition.to_owned(),
            direction: Direction::LowerIsBetter,
            tasks: vec![Task::Binary, Task::Multiclass, Task::Regression],
        }]
    }

    fn metric<'s>(section: &'s SliceAudit, key: &str) -> Option<&'s MetricResult> {
        section.summary.iter().find(|m| m.key == key)
    }

    fn redact(section: &mut SliceAudit) {
        section.redact();
    }

    fn run(
        ctx: &Context<'_>,
        o: &SlicesOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Output<SliceAudit>> {
        run::run(ctx, o, progress)
    }
}

fn validate_search(o: &discover::DiscoverOptions) -> std::result::Result<(), PlanError> {
    if !(o.alpha > 0.0 && o.alpha <= 1.0) {
        return Err(PlanError::new(
            OptionKey::DiscoverAlpha,
            format!("SliceLine α = {}: choose a weight in (0, 1]", o.alpha),
        ));
    }
    if o.top_k == 0 {
        return Err(PlanError::new(
            OptionKey::DiscoverTopK,
            "ask for at least one slice",
        ));
    }
    if !(1..=5).contains(&o.max_level) {
        return Err(PlanError::new(
            OptionKey::DiscoverMaxLevel,
            format!(
                "{} conditions per slice: choose between 1 and 5 (the lattice grows exponentially)",
                o.max_level
            ),
        ));
    }
    Ok(())
}

fn check_spec(s: &GroupSpec) -> std::result::Result<(), PlanError> {
    let bad = |m: String| Err(PlanError::new(OptionKey::Slices, m));
    match s {
        GroupSpec::Values { column }
        | GroupSpec::Bins { column, .. }
        | GroupSpec::Column { column, .. }
            if column.is_empty() =>
        {
            bad("a slice column has no name".into())
        }
        GroupSpec::Cross { of } if !(2..=3).contains(&of.len()) => {
            bad(format!("a cross combines 2 or 3 columns, not {}", of.len()))
        }
        GroupSpec::Cross { of } => of.iter().try_for_each(check_spec),
        GroupSpec::Filter { expression } => match crate::table::groups::parse_filter(expression) {
            Ok(_) => Ok(()),
            Err(e) => bad(e.to_string()),
        },
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
