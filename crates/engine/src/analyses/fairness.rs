//! Fairness: how the model's decisions differ between groups of people.
//!
//! Over one or more *sensitive* groupings (a column's values, or the
//! intersection of two or three columns as a cross), per group: selection
//! rate, TPR, FPR, FNR, precision and accuracy; and per grouping the parity
//! gaps, **exactly Fairlearn's definitions** for a binary task (decisions
//! `score ≥ threshold`, the evaluation's):
//!
//! * `demographic_parity_difference` = max_g − min_g of the selection rate,
//!   `demographic_parity_ratio` = min_g / max_g
//!   (`fairlearn.metrics.demographic_parity_*`, `method="between_groups"`);
//! * `equalized_odds_difference` = max(TPR gap, FPR gap) and
//!   `equalized_odds_ratio` = min(TPR ratio, FPR ratio) (`agg="worst_case"`),
//!   and `equalized_odds_difference_mean` = the mean of the two gaps
//!   (`agg="mean"`);
//! * `equal_opportunity_difference` / `_ratio`: the TPR gap and ratio.
//!
//! As in Fairlearn (whose rates come from scikit-learn's row-normalised
//! confusion matrix), a group without positives has TPR and FNR 0, and one
//! without negatives FPR 0 — not undefined — and those zeros enter the gaps;
//! the group's positives are shown beside its rates so that a reader sees
//! why. Precision is undefined for a group without predicted positives.
//!
//! **Multiclass** (Fairlearn refuses it, fairlearn#752): one-vs-rest. Each
//! class c in turn is the positive class, with decisions `argmax = c`; every
//! rate and gap is reported per class, and the grouping's figure is the worst
//! over classes (largest gap, smallest ratio).
//!
//! Every figure has a percentile bootstrap interval on the evaluation's
//! resamples (same seed, same row order). Groups with fewer than `min_cell`
//! rows are left out of exported reports (counted); the gaps still cover
//! them.

use super::slices::measure;
use super::{Analysis, Context, Output};
use crate::error::{EngineError, Result};
use crate::metrics::registry::{self, MetricDef};
use crate::metrics::{MetricResult, MetricSpec, Undefined, Value, Weights};
use crate::plan::{AuditPlan, OptionKey, PlanError};
use crate::prepare::{Prepared, Task};
use crate::progress::{Progress, Stage};
use crate::stats::{argmax, bootstrap};
use crate::table::groups::{GroupSpec, Groups, NO_GROUP};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Settings of the fairness audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FairnessOptions {
    /// Sensitive groupings: a column's values, or a cross for an
    /// intersection (`sex × race`).
    pub sensitive: Vec<GroupSpec>,
    /// Groups with fewer rows are counted but not shown in exported reports.
    pub min_cell: usize,
}

impl Default for FairnessOptions {
    fn default() -> Self {
        FairnessOptions {
            sensitive: Vec::new(),
            min_cell: 10,
        }
    }
}

/// Rates of one group.
pub const GROUP_SPECS: &[MetricSpec] = &[
    MetricSpec {
        key: "selection_rate",
        name: "Selection rate",
        definition: "fraction of the group predicted positive (fairlearn.metrics.selection_rate)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "tpr",
        name: "TPR",
        definition: "TP / (TP + FN) (fairlearn.metrics.true_positive_rate)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "fpr",
        name: "FPR",
        definition: "FP / (FP + TN) (fairlearn.metrics.false_positive_rate)",
        higher_is_better: false,
    },
    MetricSpec {
        key: "fnr",
        name: "FNR",
        definition: "FN / (TP + FN) (fairlearn.metrics.false_negative_rate)",
        higher_is_better: false,
    },
    MetricSpec {
        key: "precision",
        name: "Precision",
        definition: "TP / (TP + FP) (sklearn precision_score; undefined without predicted positives)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "accuracy",
        name: "Accuracy",
        definition: "fraction of the group classified correctly",
        higher_is_better: true,
    },
];

/// Parity gaps of one grouping.
pub const GAP_SPECS: &[MetricSpec] = &[
    MetricSpec {
        key: "demographic_parity_difference",
        name: "Demographic parity difference",
        definition: "max − min over groups of the selection rate (fairlearn, between_groups)",
        higher_is_better: false,
    },
    MetricSpec {
        key: "demographic_parity_ratio",
        name: "Demographic parity ratio",
        definition: "min / max over groups of the selection rate (fairlearn)",
        higher_is_better: true,
    },
    MetricSpec {
        key: "equalized_odds_difference",
        name: "Equalized odds difference",
        definition: "max of the TPR and FPR differences between groups (fairlearn, agg='worst_case')",
        higher_is_better: false,
    },
    MetricSpec {
        key: "equalized_odds_ratio",
        name: "Equalized odds ratio",
        definition: "min of the TPR and FPR ratios between groups (fairlearn, agg='worst_case')",
        higher_is_better: true,
    },
    MetricSpec {
        key: "equalized_odds_difference_mean",
        name: "Equalized odds difference (mean)",
        definition: "mean of the TPR and FPR differences between groups (fairlearn, agg='mean')",
        higher_is_better: false,
    },
    MetricSpec {
        key: "equalized_odds_ratio_mean",
        name: "Equalized odds ratio (mean)",
        definition: "mean of the TPR and FPR ratios between groups (fairlearn, agg='mean')",
        higher_is_better: true,
    },
    MetricSpec {
        key: "equal_opportunity_difference",
        name: "Equal opportunity difference",
        definition: "max − min over groups of the TPR (fairlearn)",
        higher_is_better: false,
    },
    MetricSpec {
        key: "equal_opportunity_ratio",
        name: "Equal opportunity ratio",
        definition: "min / max over groups of the TPR (fairlearn)",
        higher_is_better: true,
    },
];

/// One group's rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct GroupRates {
    pub label: String,
    pub rows: u64,
    pub positives: u64,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub small: bool,
    pub metrics: Vec<MetricResult>,
}

/// Rates and gaps with one class as the positive one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ClassFairness {
    /// The positive class.
    pub class: String,
    pub groups: Vec<GroupRates>,
    pub gaps: Vec<MetricResult>,
}

/// One sensitive grouping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SensitiveFairness {
    /// `sex`, `sex × race`.
    pub name: String,
    pub spec: GroupSpec,
    /// Binary: one entry (the positive class); multiclass: one per class.
    pub classes: Vec<ClassFairness>,
    /// The grouping's gaps: binary, those of its class; multiclass, the
    /// worst over classes.
    pub gaps: Vec<MetricResult>,
    /// Groups left out of this (exported) report for having fewer than
    /// `min_cell` rows.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub suppressed: u64,
}

fn is_zero(x: &u64) -> bool {
    *x == 0
}

/// The fairness section of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Fairness {
    pub task: Task,
    pub rows: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// How multiclass tasks are handled (`one_vs_rest`), when they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    pub min_cell: usize,
    pub sensitive: Vec<SensitiveFairness>,
    /// The worst gap of each kind over every sensitive grouping, for gates.
    pub worst: Vec<MetricResult>,
}

impl Fairness {
    /// Remove groups with fewer than `min_cell` rows (counted).
    pub fn redact(&mut self) {
        let k = self.min_cell as u64;
        for s in &mut self.sensitive {
            let mut removed = 0;
            for c in &mut s.classes {
                let before = c.groups.len();
                c.groups.retain(|g| g.rows >= k);
                removed = removed.max(before - c.groups.len());
            }
            s.suppressed += removed as u64;
        }
    }
}

/// The fairness audit.
pub struct FairnessAnalysis;

impl Analysis for FairnessAnalysis {
    const ID: &'static str = "fairness";
    type Options = FairnessOptions;
    type Section = Fairness;

    fn validate(o: &FairnessOptions, plan: &AuditPlan) -> std::result::Result<(), PlanError> {
        if o.sensitive.is_empty() {
            return Err(PlanError::new(
                OptionKey::Sensitive,
                "name at least one sensitive column",
            ));
        }
        if plan.predictions.task == Some(Task::Regression) {
            return Err(PlanError::new(
                OptionKey::Sensitive,
                "fairness rates (selection rate, TPR, FPR) need a classification task, not regression; use slices for per-group errors",
            ));
        }
        for s in &o.sensitive {
            if let GroupSpec::Filter { .. } = s {
                return Err(PlanError::new(
                    OptionKey::Sensitive,
                    "a sensitive grouping is a column or an intersection of columns, not a filter",
                ));
            }
        }
        Ok(())
    }

    fn columns(o: &FairnessOptions) -> Vec<String> {
        o.sensitive.iter().flat_map(|s| s.columns()).collect()
    }

    fn metrics() -> Vec<MetricDef> {
        let mut v = registry::defs(Self::ID, "", Task::Binary, GAP_SPECS);
        v.extend(registry::defs(Self::ID, "", Task::Multiclass, GAP_SPECS));
        registry::merge(v)
    }

    fn metric<'s>(section: &'s Fairness, key: &str) -> Option<&'s MetricResult> {
        section.worst.iter().find(|m| m.key == key)
    }

    fn redact(section: &mut Fairness) {
        section.redact();
    }

    fn run(
        ctx: &Context<'_>,
        o: &FairnessOptions,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Output<Fairness>> {
        run(ctx, o, progress)
    }
}

/// Labels and decisions in the evaluation's row order.
struct Decisions {
    /// Class index of each row (binary: 1 positive).
    y: Vec<u32>,
    /// Decided class of each row.
    pred: Vec<u32>,
    /// Classes reported (binary: the positive class only, index 1).
    classes: Vec<(u32, String)>,
    k: usize,
    /// Position → row.
    order: Vec<u32>,
}

fn decisions(prepared: &Prepared, threshold: f64) -> Result<Decisions> {
    match prepared {
        Prepared::Binary { y, p, positive, .. } => {
            let order = measure::binary_order(y, p);
            Ok(Decisions {
                y: order.iter().map(|&i| y[i as usize] as u32).collect(),
                pred: order
                    .iter()
                    .map(|&i| (p[i as usize] >= threshold) as u32)
                    .collect(),
                classes: vec![(1, positive.clone())],
                k: 2,
                order,
            })
        }
        Prepared::Multiclass {
            y, probs, classes, ..
        } => {
            let k = classes.len();
            Ok(Decisions {
                y: y.clone(),
                pred: probs.chunks(k).map(|r| argmax(r) as u32).collect(),
                classes: classes
                    .iter()
                    .enumerate()
                    .map(|(c, n)| (c as u32, n.clone()))
                    .collect(),
                k,
                order: (0..y.len() as u32).collect(),
            })
        }
        Prepared::Regression { .. } => Err(EngineError::invalid(
            OptionKey::Sensitive,
            "fairness rates (selection rate, TPR, FPR) need a classification task, not regression",
        )),
    }
}

/// Weighted counts per group: rows, and per class positives, decided
/// positives, true positives.
struct Tally {
    n: Vec<f64>,
    /// `[g * k + c]`.
    pos: Vec<f64>,
    decided: Vec<f64>,
    tp: Vec<f64>,
}

fn tally<W: Weights + ?Sized>(d: &Decisions, codes: &[u32], groups: usize, w: &W) -> Tally {
    let k = d.k;
    let mut t = Tally {
        n: vec![0.0; groups],
        pos: vec![0.0; groups * k],
        decided: vec![0.0; groups * k],
        tp: vec![0.0; groups * k],
    };
    for (i, &g) in codes.iter().enumerate() {
        if g == NO_GROUP {
            continue;
        }
        let wi = w.w(i);
        if wi == 0.0 {
            continue;
        }
        let g = g as usize;
        let (y, p) = (d.y[i] as usize, d.pred[i] as usize);
        t.n[g] += wi;
        t.pos[g * k + y] += wi;
        t.decided[g * k + p] += wi;
        if y == p {
            t.tp[g * k + y] += wi;
        }
    }
    t
}

fn rate(num: f64, den: f64, why: &'static str) -> Value {
    if den > 0.0 {
        Ok(num / den)
    } else {
        Err(Undefined(why))
    }
}

/// Group rates of class `c`, in [`GROUP_SPECS`] order.
fn group_rates(t: &Tally, k: usize, g: usize, c: usize) -> Vec<Value> {
    let n = t.n[g];
    let (pos, dec, tp) = (t.pos[g * k + c], t.decided[g * k + c], t.tp[g * k + c]);
    let fp = dec - tp;
    let neg = n - pos;
    let fn_ = pos - tp;
    let correct: f64 = (0..k).map(|j| t.tp[g * k + j]).sum();
    // Fairlearn's rates come from sklearn's row-normalised confusion
    // matrix, which turns 0/0 into 0: a group without positives has TPR and
    // FNR 0, one without negatives FPR 0, and those zeros enter the gaps.
    let or_zero = |num: f64, den: f64| -> Value { Ok(if den > 0.0 { num / den } else { 0.0 }) };
    vec![
        rate(dec, n, "no rows"),
        or_zero(tp, pos),
        or_zero(fp, neg),
        or_zero(fn_, pos),
        rate(tp, dec, "no predicted positives in the group"),
        rate(if k == 2 { tp + (neg - fp) } else { correct }, n, "no rows"),
    ]
}

fn spread(v: &[Value]) -> (Value, Value) {
    let xs: Vec<f64> = v.iter().filter_map(|x| x.ok()).collect();
    if xs.is_empty() {
        return (
            Err(Undefined("undefined in every group")),
            Err(Undefined("undefined in every group")),
        );
    }
    let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let min = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let ratio = if max > 0.0 {
        Ok(min / max)
    } else {
        Err(Undefined("the rate is 0 in every group"))
    };
    (Ok(max - min), ratio)
}

/// Gaps over the rates of the groups with rows (each in [`GROUP_SPECS`]
/// order), in [`GAP_SPECS`] order.
fn gaps(rates: &[Vec<Value>]) -> Vec<Value> {
    let col = |j: usize| -> Vec<Value> { rates.iter().map(|r| r[j]).collect() };
    let (dp_d, dp_r) = spread(&col(0));
    let (tpr_d, tpr_r) = spread(&col(1));
    let (fpr_d, fpr_r) = spread(&col(2));
    let both = |a: &Value, b: &Value, f: fn(f64, f64) -> f64| -> Value {
        match (a, b) {
            (Ok(a), Ok(b)) => Ok(f(*a, *b)),
            (Err(e), _) | (_, Err(e)) => Err(*e),
        }
    };
    vec![
        dp_d,
        dp_r,
        both(&tpr_d, &fpr_d, f64::max),
        both(&tpr_r, &fpr_r, f64::min),
        both(&tpr_d, &fpr_d, |a, b| (a + b) / 2.0),
        both(&tpr_r, &fpr_r, |a, b| (a + b) / 2.0),
        tpr_d,
        tpr_r,
    ]
}

/// Worst over classes: largest gap, smallest ratio.
fn worst_of(per_class: &[Vec<Value>]) -> Vec<Value> {
    (0..GAP_SPECS.len())
        .map(|j| {
            let xs: Vec<f64> = per_class.iter().filter_map(|v| v[j].ok()).collect();
            if xs.is_empty() {
                return per_class
                    .first()
                    .map_or(Err(Undefined("no class")), |v| v[j]);
            }
            Ok(if GAP_SPECS[j].higher_is_better {
                xs.iter().copied().fold(f64::INFINITY, f64::min)
            } else {
                xs.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            })
        })
        .collect()
}

/// Every figure of one grouping under one weighting, flattened: per class,
/// per group, the group rates; per class, the gaps; then the worst gaps.
fn figures(t: &Tally, d: &Decisions, groups: usize) -> Vec<Value> {
    let mut out = Vec::new();
    let mut per_class = Vec::new();
    for &(c, _) in &d.classes {
        let rates: Vec<Vec<Value>> = (0..groups)
            .map(|g| group_rates(t, d.k, g, c as usize))
            .collect();
        let present: Vec<Vec<Value>> = (0..groups)
            .filter(|&g| t.n[g] > 0.0)
            .map(|g| rates[g].clone())
            .collect();
        out.extend(rates.into_iter().flatten());
        let gp = gaps(&present);
        out.extend(gp.iter().copied());
        per_class.push(gp);
    }
    out.extend(worst_of(&per_class));
    out
}

/// The figures of every grouping under one weighting, then the worst gaps
/// over groupings (so that the worst gets its interval resample by resample).
fn all_figures<W: Weights + ?Sized>(
    d: &Decisions,
    built: &[(Groups, Vec<u32>)],
    w: &W,
) -> Vec<Value> {
    let mut out = Vec::new();
    let mut worst = Vec::new();
    for (g, codes) in built {
        let f = figures(&tally(d, codes, g.len(), w), d, g.len());
        worst.push(f[f.len() - GAP_SPECS.len()..].to_vec());
        out.extend(f);
    }
    out.extend(worst_of(&worst));
    out
}

fn run(
    ctx: &Context<'_>,
    o: &FairnessOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Output<Fairness>> {
    let predictions = ctx.predictions()?;
    let n = predictions.len();
    if n == 0 {
        return Err(EngineError::NoRows);
    }
    let threshold = ctx.plan.predictions.threshold;
    let d = decisions(predictions.prepared(), threshold)?;
    let mut warnings = Vec::new();
    let mut built = Vec::new();
    for spec in &o.sensitive {
        let g = Groups::build(ctx.table, spec)?;
        if g.len() == 1 {
            warnings.push(format!(
                "sensitive column {} has one value: there is nothing to compare",
                g.name
            ));
        }
        let codes: Vec<u32> = d.order.iter().map(|&i| g.codes[i as usize]).collect();
        built.push((g, codes));
    }
    let point = all_figures(&d, &built, &crate::metrics::Unit);
    let boot = if ctx.bootstrap.resamples > 0 {
        let mut p = |a: usize, b: usize| {
            progress(Progress::new(Stage::FairnessBootstrap, a as u64, b as u64))
        };
        bootstrap::run(n, &ctx.bootstrap, ctx.cancel, &mut p, |c| match c {
            bootstrap::Counts::Small(c) => all_figures(&d, &built, c),
            bootstrap::Counts::Wide(c) => all_figures(&d, &built, c),
        })?
    } else {
        Vec::new()
    };
    let level = ctx.bootstrap.level;
    // Figures `at..at + specs.len()` of the flattened list, with intervals.
    let take = |specs: &[MetricSpec], at: usize| -> Vec<MetricResult> {
        let samples: Vec<Vec<Option<f64>>> = if boot.is_empty() {
            Vec::new()
        } else {
            boot[at..at + specs.len()].to_vec()
        };
        bootstrap::with_intervals(specs, point[at..at + specs.len()].to_vec(), samples, level)
    };
    let mut at = 0;
    let mut sensitive = Vec::new();
    for ((g, codes), spec) in built.iter().zip(&o.sensitive) {
        let counts = tally(&d, codes, g.len(), &crate::metrics::Unit);
        let mut classes = Vec::new();
        for &(c, ref name) in &d.classes {
            let mut groups = Vec::new();
            for gi in 0..g.len() {
                let rows = counts.n[gi].round() as u64;
                let metrics = take(GROUP_SPECS, at);
                at += GROUP_SPECS.len();
                if rows == 0 {
                    continue;
                }
                groups.push(GroupRates {
                    label: g.labels[gi].clone(),
                    rows,
                    positives: counts.pos[gi * d.k + c as usize].round() as u64,
                    small: rows < o.min_cell as u64,
                    metrics,
                });
            }
            let gaps = take(GAP_SPECS, at);
            at += GAP_SPECS.len();
            classes.push(ClassFairness {
                class: name.clone(),
                groups,
                gaps,
            });
        }
        let worst = take(GAP_SPECS, at);
        at += GAP_SPECS.len();
        sensitive.push(SensitiveFairness {
            name: g.name.clone(),
            spec: spec.clone(),
            gaps: if d.classes.len() == 1 {
                classes[0].gaps.clone()
            } else {
                worst
            },
            classes,
            suppressed: 0,
        });
    }
    let worst = take(GAP_SPECS, at);
    Ok(Output {
        section: Fairness {
            task: predictions.task(),
            rows: n as u64,
            threshold: (predictions.task() == Task::Binary).then_some(threshold),
            extension: (predictions.task() == Task::Multiclass).then(|| "one_vs_rest".into()),
            min_cell: o.min_cell,
            sensitive,
            worst,
        },
        warnings,
        artifacts: Vec::new(),
    })
}
