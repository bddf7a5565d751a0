//! Flags → [`AuditPlan`] (ripgrep's `LowArgs → HiArgs`), and the plan's
//! option keys back to flags, for error messages.
//!
//! This is the only place the CLI decides anything about an audit, and all
//! it decides is how its flags spell the plan. Every rule — ranges,
//! combinations, defaults that depend on the data — is the plan's and the
//! engine's.

use crate::args::{CalibrateArgs, EvalArgs, SliceArgs};
use assay_engine::analyses::calibration::{CalibrationOptions, Method, SplitSpec};
use assay_engine::analyses::fairness::FairnessOptions;
use assay_engine::analyses::slices::{DiscoverSpec, SlicesOptions};
use assay_engine::plan::{
    AuditPlan, BootstrapSpec, CalibratorExport, DeviceChoice, Format, InputRole, InputSpec,
    ModelSpec, OptionKey, Outputs, PLAN_VERSION, PredictionSpec, ScoreColumn,
};
use assay_engine::table::groups::{Binning, GroupSpec};
use std::path::Path;

/// The flag that sets a plan option, as the CLI's messages name it.
pub fn flag(key: OptionKey) -> Option<&'static str> {
    use OptionKey as K;
    Some(match key {
        K::Delimiter => "--delimiter",
        K::Types => "--type",
        K::Label => "--label",
        K::Scores => "--score",
        K::Task => "--task",
        K::Positive => "--positive VALUE",
        K::Logits => "--logits",
        K::Threshold => "--threshold",
        K::Resamples => "--bootstrap",
        K::Level => "--ci-level",
        K::Seed => "--seed",
        K::Features => "--features",
        K::Output => "--output",
        K::Classes => "--classes",
        K::BatchSize => "--batch-size",
        K::Device => "--device",
        K::Calibrator => "--calibrator",
        K::Bins => "--bins",
        K::Methods => "--methods",
        K::Fraction => "--calibration-fraction",
        K::Folds => "--folds",
        K::SplitColumn => "--split-column",
        K::SplitValue => "--calibration-value",
        K::Slice | K::Slices => "--slice",
        K::SliceMetric => "--slice-metric",
        K::Alpha => "--alpha",
        K::Power => "--power",
        K::MinCell => "--min-cell",
        K::Discover | K::DiscoverAlpha | K::DiscoverError => "--discover",
        K::DiscoverColumns => "--discover-columns",
        K::DiscoverTopK => "--top-k",
        K::DiscoverMinSupport => "--min-support",
        K::DiscoverMaxLevel => "--max-level",
        K::DiscoverBins => "--slice-bins",
        K::Sensitive => "--sensitive",
        K::ExportCalibrator => "--export-calibrator",
        K::Version | K::Inputs | K::MaxCurvePoints | K::Calibration | K::Gap | K::MaxSlices => {
            return None;
        }
    })
}

/// A CLI error message: the message, and the flag that would fix it.
pub fn with_flag(message: &str, key: Option<OptionKey>) -> String {
    match key.and_then(flag) {
        Some(f) => format!("{message} ({f})"),
        None => message.to_owned(),
    }
}

/// The name an input goes by in the plan and the report: its file name.
pub fn input_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        return "stdin".into();
    }
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// `CLASS=COLUMN` or `COLUMN`.
fn score_column(s: &str) -> ScoreColumn {
    match s.split_once('=') {
        Some((c, col)) if !c.trim().is_empty() && !col.trim().is_empty() => {
            ScoreColumn::of_class(c.trim(), col.trim())
        }
        _ => ScoreColumn::new(s.trim()),
    }
}

fn path_text(p: &Path) -> String {
    p.display().to_string()
}

/// `A` or `A*B*C` as a grouping: a column, or a cross of columns, each
/// made by `column`.
fn grouping(s: &str, column: impl Fn(&str) -> GroupSpec) -> GroupSpec {
    let parts: Vec<&str> = s.split('*').map(str::trim).collect();
    if parts.len() == 1 {
        column(parts[0])
    } else {
        GroupSpec::Cross {
            of: parts.into_iter().map(column).collect(),
        }
    }
}

/// A slice column, binned by --slice-edges or --slice-bins when numeric.
fn slice_column(c: &str, a: &SliceArgs) -> GroupSpec {
    let binning = match a.slice_edges.iter().find(|(col, _)| col == c) {
        Some((_, e)) => Some(Binning::Edges(e.clone())),
        None if a.slice_bins != 4 => Some(Binning::Quantiles(a.slice_bins)),
        None => None,
    };
    GroupSpec::Column {
        column: c.to_owned(),
        binning,
    }
}

/// The slice and fairness flags into the plan's analyses.
fn slice_plan(a: &SliceArgs, plan: &mut AuditPlan) {
    if a.any() {
        let mut slices: Vec<GroupSpec> = a
            .slice
            .iter()
            .map(|s| grouping(s, |c| slice_column(c, a)))
            .collect();
        slices.extend(a.filter.iter().map(|f| GroupSpec::Filter {
            expression: f.clone(),
        }));
        let discover = a.discover.then(|| {
            let d = DiscoverSpec::default();
            DiscoverSpec {
                columns: a.discover_columns.clone(),
                bins: a.slice_bins,
                top_k: a.top_k.unwrap_or(d.top_k),
                min_support: a.min_support.unwrap_or(d.min_support),
                max_level: a.max_level.unwrap_or(d.max_level),
                alpha: d.alpha,
            }
        });
        plan.analyses.slices = Some(SlicesOptions {
            slices,
            metric: a.slice_metric.clone(),
            alpha: a.alpha,
            power: a.power,
            min_cell: a.min_cell,
            discover,
            ..SlicesOptions::default()
        });
    }
    if !a.sensitive.is_empty() {
        plan.analyses.fairness = Some(FairnessOptions {
            sensitive: a
                .sensitive
                .iter()
                .map(|s| {
                    grouping(s, |c| GroupSpec::Column {
                        column: c.to_owned(),
                        binning: None,
                    })
                })
                .collect(),
            min_cell: a.min_cell,
        });
    }
}

/// The plan of `assay eval` (and, with `cal`, of `assay calibrate`).
pub fn eval_plan(a: &EvalArgs, cal: Option<&CalibrateArgs>) -> Result<AuditPlan, String> {
    let d = &a.data;
    let mut inputs = vec![InputSpec {
        name: input_name(&d.data),
        role: InputRole::Data,
        path: Some(path_text(&d.data)),
        format: Format::Csv {
            delimiter: d.delimiter.map(|b| b as char),
            types: d.types.iter().cloned().collect(),
        },
    }];
    let mut add = |path: &Path, role: InputRole| {
        let mut name = input_name(path);
        if inputs.iter().any(|i| i.name == name) {
            name = path_text(path);
        }
        inputs.push(InputSpec {
            name,
            role,
            path: Some(path_text(path)),
            format: Format::default(),
        });
    };
    if let Some(m) = &a.model {
        add(m, InputRole::Model);
    }
    if let Some(c) = &a.calibrator {
        add(c, InputRole::Calibrator);
    }
    let model = a.model.as_ref().map(|_| ModelSpec {
        features: a.features.clone(),
        output: a.output.clone(),
        classes: a.classes.clone(),
        batch_size: a.batch_size,
        device: match a.device.as_str() {
            "gpu" => DeviceChoice::Gpu,
            "auto" => DeviceChoice::Auto,
            _ => DeviceChoice::Cpu,
        },
    });
    let mut plan = AuditPlan {
        version: PLAN_VERSION,
        inputs,
        predictions: PredictionSpec {
            label: a.label.clone(),
            scores: a.score.iter().map(|s| score_column(s)).collect(),
            task: a.task,
            positive: a.positive.clone(),
            logits: a.logits,
            threshold: a.threshold,
        },
        model,
        analyses: Default::default(),
        bootstrap: BootstrapSpec {
            resamples: a.bootstrap,
            level: a.ci_level,
        },
        seed: a.seed,
        outputs: Outputs {
            json: a.json.as_deref().map(path_text),
            html: a.html.as_deref().map(path_text),
            markdown: a.markdown.as_deref().map(path_text),
            calibrator: None,
        },
    };
    plan.analyses.evaluation = Some(Default::default());
    slice_plan(&a.slices, &mut plan);
    if let Some(c) = cal {
        let methods: Vec<Method> = if c.methods.iter().any(|m| m == "all") {
            Method::ALL.to_vec()
        } else if c.methods.iter().any(|m| m == "none") {
            Vec::new()
        } else {
            c.methods
                .iter()
                .map(|m| m.parse::<Method>())
                .collect::<Result<_, _>>()?
        };
        let split = match (&c.split_column, &c.calibration_value, c.folds) {
            (Some(col), Some(v), _) => SplitSpec::Column {
                column: col.clone(),
                value: v.clone(),
            },
            (_, _, Some(k)) => SplitSpec::Folds { folds: k },
            _ => SplitSpec::Random {
                fraction: c.calibration_fraction,
            },
        };
        plan.analyses.calibration = Some(CalibrationOptions {
            bins: c.bins,
            methods,
            split,
            // Calibration per value of the first plain slice column.
            slice: a.slices.slice.iter().find(|s| !s.contains('*')).cloned(),
        });
        if let Some(p) = &c.export_calibrator {
            let method = match &c.export_method {
                Some(m) => Some(m.parse::<Method>()?),
                None => None,
            };
            plan.outputs.calibrator = Some(CalibratorExport {
                path: path_text(p),
                method,
            });
        }
    }
    Ok(plan)
}
