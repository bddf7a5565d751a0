//! Running a slice audit: build the groupings, discover weak slices, measure
//! every slice and its rest on the shared resamples, test, correct.

use super::measure::{self, View};
use super::significance::{self, Verdict};
use super::{
    Condition, DiscoverSpec, Discovered, Discovery, Grouping, Slice, SliceAudit, SliceMetric,
    SlicesOptions, WORSE_SPEC, discover,
};
use crate::analyses::{Context, Output};
use crate::error::{EngineError, Result};
use crate::metrics::MetricResult;
use crate::plan::OptionKey;
use crate::predictions::Predictions;
use crate::prepare::Prepared;
use crate::progress::{Progress, Stage};
use crate::stats::bootstrap;
use crate::table::groups::{Binning, FEW_VALUES, GroupSpec, Groups, NO_GROUP, distinct_at_most};
use crate::table::{Column, Table};

/// One examined slice before its test is corrected: where it is, its rows
/// (as codes of a grouping), and its measurements.
struct Examined {
    /// Index into `groupings` (or `usize::MAX` for discovered slices).
    slot: (usize, usize),
    slice: Slice,
    p_value: Option<f64>,
}

pub(super) fn run(
    ctx: &Context<'_>,
    o: &SlicesOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Output<SliceAudit>> {
    let predictions = ctx.predictions()?;
    let n = predictions.len();
    if n == 0 {
        return Err(EngineError::NoRows);
    }
    let bins = ctx.plan.analyses.calibration.as_ref().map_or(
        crate::analyses::calibration::CalibrationOptions::default().bins,
        |c| c.bins,
    );
    let view = View::new(predictions, ctx.plan.predictions.threshold, bins);
    let task = predictions.task();
    let tested = match &o.metric {
        Some(m) => m.clone(),
        None => measure::default_metric(task).to_owned(),
    };
    let tested_spec = measure::spec_of(Some(task), &tested).ok_or_else(|| {
        EngineError::invalid(
            OptionKey::SliceMetric,
            format!(
                "no metric '{tested}' for a {task} task; choose one of {}",
                measure::metric_keys(Some(task)).join(", ")
            ),
        )
    })?;
    let mut warnings = Vec::new();

    // Groupings as codes in the view's row order.
    let mut groupings: Vec<(Groups, GroupSpec, Vec<usize>, u64)> = Vec::new();
    for spec in &o.slices {
        let g = Groups::build(ctx.table, spec)?;
        let (kept, omitted) = largest(&g, o.max_slices);
        if kept.is_empty() {
            warnings.push(format!("slices of {}: no row falls in any slice", g.name));
        }
        if omitted > 0 {
            warnings.push(format!(
                "slices of {}: {} groups; the {} largest are examined ({omitted} omitted)",
                g.name,
                g.len(),
                kept.len()
            ));
        }
        groupings.push((g, spec.clone(), kept, omitted));
    }

    // Discovery first: its slices join the family.
    let mut discovery = None;
    let mut discovered_groups: Vec<(Vec<Condition>, f64, f64, Vec<u32>)> = Vec::new();
    if let Some(d) = &o.discover {
        let (found, info) = run_discovery(ctx, &view, d, &mut warnings, progress)?;
        discovered_groups = found;
        discovery = Some(info);
    }

    // Every slice as (codes in view order, group code).
    let mut members: Vec<(Vec<u32>, Vec<u32>)> = Vec::new(); // (codes, groups examined)
    for (g, _, kept, _) in &groupings {
        members.push((
            view.in_view_order(&g.codes),
            kept.iter().map(|&k| k as u32).collect(),
        ));
    }
    for (_, _, _, codes) in &discovered_groups {
        members.push((view.in_view_order(codes), vec![0]));
    }
    let family: Vec<(usize, u32)> = members
        .iter()
        .enumerate()
        .flat_map(|(m, (_, gs))| gs.iter().map(move |&g| (m, g)))
        .collect();

    // Point values and resamples: slice and rest of each member slice.
    let specs = view.specs();
    let point: Vec<(measure::Values, measure::Values)> = family
        .iter()
        .map(|&(m, g)| view.slice_and_rest(&crate::metrics::Unit, &members[m].0, g))
        .collect();
    let per_slice = specs.len();
    let boot = if ctx.bootstrap.resamples > 0 {
        let mut p =
            |d: usize, t: usize| progress(Progress::new(Stage::SliceBootstrap, d as u64, t as u64));
        bootstrap::run(n, &ctx.bootstrap, ctx.cancel, &mut p, |c| {
            let mut out = Vec::with_capacity(family.len() * per_slice * 2);
            for &(m, g) in &family {
                let (s, r) = match c {
                    bootstrap::Counts::Small(c) => view.slice_and_rest(c, &members[m].0, g),
                    bootstrap::Counts::Wide(c) => view.slice_and_rest(c, &members[m].0, g),
                };
                out.extend(s.values);
                out.extend(r.values);
            }
            out
        })?
    } else {
        Vec::new()
    };

    // Assemble slices, with their tests before correction.
    let level = ctx.bootstrap.level;
    let mut examined: Vec<Examined> = Vec::with_capacity(family.len());
    for (f, &(m, g)) in family.iter().enumerate() {
        let (s, r) = &point[f];
        let base = f * per_slice * 2;
        let samples = |j: usize| boot.get(base + j).map(Vec::as_slice);
        let metrics: Vec<SliceMetric> = specs
            .iter()
            .enumerate()
            .map(|(j, spec)| {
                let mut mr = MetricResult::new(spec, s.values[j]);
                if mr.value.is_some()
                    && let Some(v) = samples(j)
                {
                    mr.ci = bootstrap::percentile_interval(v, level);
                }
                let rest = r.values[j].ok();
                let gap = mr.value.zip(rest).map(|(a, b)| a - b);
                let gap_ci = match (gap, samples(j), samples(per_slice + j)) {
                    (Some(_), Some(a), Some(b)) => {
                        let d: Vec<Option<f64>> = a
                            .iter()
                            .zip(b)
                            .map(|(x, y)| x.zip(*y).map(|(x, y)| x - y))
                            .collect();
                        bootstrap::percentile_interval(&d, level)
                    }
                    _ => None,
                };
                SliceMetric {
                    metric: mr,
                    rest,
                    gap,
                    gap_ci,
                }
            })
            .collect();
        let ti = specs.iter().position(|sp| sp.key == tested).unwrap_or(0);
        let gaps: Option<Vec<Option<f64>>> = match (samples(ti), samples(per_slice + ti)) {
            (Some(a), Some(b)) => Some(
                a.iter()
                    .zip(b)
                    .map(|(x, y)| x.zip(*y).map(|(x, y)| x - y))
                    .collect(),
            ),
            _ => None,
        };
        let test =
            significance::test_slice(&tested_spec, s, r, r.values[ti].ok(), gaps.as_deref(), o);
        let label = if m < groupings.len() {
            groupings[m].0.labels[g as usize].clone()
        } else {
            describe(&discovered_groups[m - groupings.len()].0)
        };
        examined.push(Examined {
            slot: (m, g as usize),
            p_value: test.as_ref().and_then(|t| t.p_value),
            slice: Slice {
                label,
                rows: s.rows.round() as u64,
                positives: s.positives.map(|p| p.round() as u64),
                small: (s.rows.round() as u64) < o.min_cell as u64,
                metrics,
                test,
            },
        });
    }

    // Benjamini–Hochberg over the family.
    let ps: Vec<f64> = examined
        .iter()
        .map(|e| e.p_value.unwrap_or(f64::NAN))
        .collect();
    let qs = crate::stats::hypothesis::benjamini_hochberg(&ps);
    let mut worse = 0u64;
    for (e, q) in examined.iter_mut().zip(qs) {
        if let Some(t) = &mut e.slice.test {
            significance::finish(t, q, o.alpha);
            if t.verdict == Verdict::Worse {
                worse += 1;
            }
        }
    }

    // Back into groupings and the discovery.
    let mut out_groupings: Vec<Grouping> = groupings
        .iter()
        .map(|(g, spec, _, omitted)| Grouping {
            name: g.name.clone(),
            spec: spec.clone(),
            slices: Vec::new(),
            omitted: *omitted,
            suppressed: 0,
        })
        .collect();
    let mut found: Vec<Discovered> = Vec::new();
    for e in examined {
        let (m, _) = e.slot;
        if m < out_groupings.len() {
            out_groupings[m].slices.push(e.slice);
        } else {
            let (conds, score, mean_error, _) = &discovered_groups[m - out_groupings.len()];
            found.push(Discovered {
                conditions: conds.clone(),
                score: *score,
                mean_error: *mean_error,
                slice: e.slice,
            });
        }
    }
    if let Some(d) = &mut discovery {
        d.slices = found;
    }
    let examined_n = family.len() as u64;
    let mut summary = MetricResult::new(&WORSE_SPEC, Ok(worse as f64));
    summary.ci = None;
    Ok(Output {
        section: SliceAudit {
            task,
            rows: n as u64,
            tested_metric: tested.clone(),
            tested_metric_name: tested_spec.name.to_owned(),
            alpha: o.alpha,
            power: o.power,
            min_cell: o.min_cell,
            examined: examined_n,
            worse,
            groupings: out_groupings,
            discovery,
            summary: vec![summary],
        },
        warnings,
        artifacts: Vec::new(),
    })
}

/// The `max` largest groups with rows (ties by label), in the groups'
/// order, and how many groups with rows were left out.
fn largest(g: &Groups, max: usize) -> (Vec<usize>, u64) {
    let mut size = vec![0u64; g.len()];
    for &c in &g.codes {
        if c != NO_GROUP {
            size[c as usize] += 1;
        }
    }
    let mut order: Vec<usize> = (0..g.len()).filter(|&k| size[k] > 0).collect();
    order.sort_by(|&a, &b| size[b].cmp(&size[a]).then(g.labels[a].cmp(&g.labels[b])));
    let omitted = order.len().saturating_sub(max) as u64;
    order.truncate(max);
    order.sort_unstable();
    (order, omitted)
}

fn describe(conds: &[Condition]) -> String {
    conds
        .iter()
        .map(|c| format!("{} = {}", c.column, c.value))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// Found slices (conditions, score, mean error, codes: 0 in the slice,
/// [`NO_GROUP`] outside) and the discovery's summary.
type Found = Vec<(Vec<Condition>, f64, f64, Vec<u32>)>;

fn run_discovery(
    ctx: &Context<'_>,
    view: &View<'_>,
    d: &DiscoverSpec,
    warnings: &mut Vec<String>,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Found, Discovery)> {
    let table = ctx.table;
    let columns = if d.columns.is_empty() {
        auto_columns(ctx.predictions()?, &ctx.plan.predictions.label, table)
    } else {
        d.columns.clone()
    };
    if columns.is_empty() {
        return Err(EngineError::invalid(
            OptionKey::DiscoverColumns,
            "no column to search for weak slices: the data has only the label and the scores",
        ));
    }
    let mut groups = Vec::with_capacity(columns.len());
    for c in &columns {
        let col = table.column(c).ok_or_else(|| EngineError::MissingColumns {
            missing: vec![c.clone()],
            available: table.names().to_vec(),
        })?;
        let spec = match col {
            Column::Numeric(_) if distinct_at_most(col, d.bins.max(FEW_VALUES)) => {
                GroupSpec::Values { column: c.clone() }
            }
            Column::Numeric(_) => GroupSpec::Bins {
                column: c.clone(),
                binning: Binning::Quantiles(d.bins),
            },
            Column::Categorical(_) => GroupSpec::Values { column: c.clone() },
        };
        groups.push(Groups::build(table, &spec)?);
    }
    let (errors, error_name) = view.row_errors();
    let refs: Vec<&Groups> = groups.iter().collect();
    let result = discover::discover(&refs, &errors, &d.search(), ctx.cancel, progress)?;
    if result.slices.is_empty() {
        warnings.push(
            "discovery: no slice scores above 0 (none is worse than average enough for its size)"
                .into(),
        );
    }
    let n = table.rows();
    let found: Found = result
        .slices
        .iter()
        .map(|s| {
            let conds: Vec<Condition> = s
                .predicates
                .iter()
                .map(|p| Condition {
                    column: groups[p.column].name.clone(),
                    value: groups[p.column].labels[p.code as usize].clone(),
                })
                .collect();
            let codes: Vec<u32> = (0..n)
                .map(|i| {
                    if s.predicates
                        .iter()
                        .all(|p| groups[p.column].codes[i] == p.code)
                    {
                        0
                    } else {
                        NO_GROUP
                    }
                })
                .collect();
            (conds, s.score, s.mean_error, codes)
        })
        .collect();
    Ok((
        found,
        Discovery {
            columns,
            error: error_name.to_owned(),
            mean_error: result.mean_error,
            options: {
                // As used: the automatic minimum support resolved.
                let mut o = d.search();
                o.min_support = o.min_support_for(n);
                o
            },
            levels_searched: result.levels_searched,
            candidates_evaluated: result.candidates_evaluated,
            slices: Vec::new(),
            suppressed: 0,
        },
    ))
}

/// Columns the discovery searches by default: all but the label, the score
/// columns and identifier-like columns — text with more distinct values than
/// half the rows (or than 1,000), whole numbers that are (almost) all
/// distinct. Other numeric columns are searched in quantile bins.
fn auto_columns(predictions: &Predictions, label: &str, table: &Table) -> Vec<String> {
    let scores: Vec<String> = match predictions.prepared() {
        Prepared::Binary { score, .. } | Prepared::Regression { score, .. } => vec![score.clone()],
        Prepared::Multiclass { columns, .. } => columns.clone(),
    };
    let skip: Vec<&str> = std::iter::once(label)
        .chain(scores.iter().map(String::as_str))
        .collect();
    let half = table.rows().max(2) / 2;
    table
        .names()
        .iter()
        .zip(table.columns())
        .filter(|(name, _)| !skip.contains(&name.as_str()))
        .filter(|(_, col)| match col {
            Column::Categorical(c) => c.dictionary.len() <= 1000 && c.dictionary.len() <= half,
            Column::Numeric(c) => {
                let whole = (0..c.values.len())
                    .filter(|&i| !c.is_missing(i))
                    .all(|i| c.values[i].fract() == 0.0);
                !whole || distinct_at_most(col, half)
            }
        })
        .map(|(name, _)| name.clone())
        .collect()
}
