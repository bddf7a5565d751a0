//! Analyses: each one a module that owns its options, the columns it reads,
//! its metrics and its result section.
//!
//! The list of analyses is written once, in [`for_each_analysis!`]. Every
//! other place that has to go over all analyses is generated from it: the
//! plan's [`Analyses`] (one optional options block each), the report's
//! [`Sections`] (one optional section each), [`run_all`], the metric
//! registry, and — in `assay-report`, through the same macro — the
//! renderers. Adding an analysis therefore touches its module here, its
//! section renderer in `assay-report`, and one line of that macro.
//!
//! An analysis implements [`Analysis`]: it validates its options, names the
//! extra columns it reads, declares the metrics it reports, and turns a
//! [`Context`] (the table, the validated predictions, the bootstrap
//! settings) into its section, warnings and artifacts.

pub mod calibration;
pub mod evaluation;
pub mod fairness;
pub mod slices;

use crate::error::Result;
use crate::metrics::MetricResult;
use crate::metrics::registry::MetricDef;
use crate::plan::{AuditPlan, PlanError};
use crate::predictions::Predictions;
use crate::progress::{Cancel, Progress};
use crate::stats::bootstrap::BootstrapOptions;
use crate::table::Table;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The list of analyses: `id: type`, with the doc comment of its plan
/// options and report section. Invoke with the name of a macro that takes
/// this list; that is how the plan, the report, the pipeline and the
/// renderers each get one item per analysis.
#[macro_export]
macro_rules! for_each_analysis {
    ($callback:ident) => {
        $callback! {
            /// Metrics of the task, each with a bootstrap confidence interval;
            /// confusion matrix, per-class table, ROC and PR curves.
            evaluation: $crate::analyses::evaluation::EvaluationAnalysis,
            /// Calibration: reliability diagrams, ECE and friends, recalibrators
            /// fitted on part of the rows and judged on the rest, per-slice
            /// calibration.
            calibration: $crate::analyses::calibration::CalibrationAnalysis,
            /// Slice audit: every metric per slice against the rest of the
            /// data, tests of "worse than the rest" with q-values and power
            /// guidance, and automatically discovered weak slices.
            slices: $crate::analyses::slices::SlicesAnalysis,
            /// Fairness: selection rate, TPR, FPR, FNR and precision per
            /// group of sensitive columns, and Fairlearn's parity gaps.
            fairness: $crate::analyses::fairness::FairnessAnalysis,
        }
    };
}

/// What an analysis reads.
pub struct Context<'a> {
    /// The data table (every column the plan asked for, and a model's outputs).
    pub table: &'a Table,
    /// The validated predictions, when the plan has a label and scores.
    pub predictions: Option<&'a Predictions>,
    /// The plan being run.
    pub plan: &'a AuditPlan,
    /// Bootstrap settings (shared: every analysis draws the same resamples).
    pub bootstrap: BootstrapOptions,
    /// Name and SHA-256 of the data input (for the provenance of artifacts).
    pub data_name: &'a str,
    pub data_sha256: &'a str,
    /// SHA-256 of the model that produced the scores, when one ran.
    pub model_sha256: Option<&'a str>,
    /// Set by the front end to stop the run.
    pub cancel: &'a Cancel,
}

impl Context<'_> {
    /// The predictions, for analyses that need them.
    pub fn predictions(&self) -> Result<&Predictions> {
        self.predictions.ok_or_else(|| crate::EngineError::Invalid {
            key: crate::plan::OptionKey::Label,
            message: "this analysis needs a label column and scores".into(),
        })
    }
}

/// Something an analysis produces besides its section (not part of the
/// report: it may hold more than aggregates).
#[derive(Debug, Clone, PartialEq)]
pub enum Artifact {
    /// A fitted calibrator, ready to save.
    Calibrator(calibration::CalibratorArtifact),
}

/// What an analysis returns.
#[derive(Debug, Clone)]
pub struct Output<S> {
    pub section: S,
    pub warnings: Vec<String>,
    pub artifacts: Vec<Artifact>,
}

impl<S> Output<S> {
    /// A section with no warnings or artifacts.
    pub fn section(section: S) -> Output<S> {
        Output {
            section,
            warnings: Vec::new(),
            artifacts: Vec::new(),
        }
    }
}

/// One analysis.
pub trait Analysis {
    /// The section id: the key of its options in the plan, of its section in
    /// the report, and the prefix of its metric ids (`evaluation.roc_auc`).
    const ID: &'static str;
    /// Whether it reads predictions (label and scores).
    const NEEDS_PREDICTIONS: bool = true;
    /// Its options in the plan.
    type Options: Clone
        + Default
        + PartialEq
        + std::fmt::Debug
        + Serialize
        + DeserializeOwned
        + JsonSchema
        + Send
        + Sync;
    /// Its section of the report.
    type Section: Clone
        + PartialEq
        + std::fmt::Debug
        + Serialize
        + DeserializeOwned
        + JsonSchema
        + Send;

    /// Check the options against the plan (only here: front ends do not).
    fn validate(_options: &Self::Options, _plan: &AuditPlan) -> std::result::Result<(), PlanError> {
        Ok(())
    }

    /// Columns of the data it reads besides the label and scores.
    fn columns(_options: &Self::Options) -> Vec<String> {
        Vec::new()
    }

    /// Whether it reads every column of the data (e.g. a search over all
    /// columns), not only those [`columns`](Self::columns) names.
    fn reads_all_columns(_options: &Self::Options) -> bool {
        false
    }

    /// Remove from a section what may not leave the machine (small cells):
    /// applied to every exported report.
    fn redact(_section: &mut Self::Section) {}

    /// The metrics it may report (for the registry).
    fn metrics() -> Vec<MetricDef>;

    /// A metric of a section by its id within the section (`roc_auc`,
    /// `heldout.log_loss`).
    fn metric<'s>(section: &'s Self::Section, key: &str) -> Option<&'s MetricResult>;

    /// Run it.
    fn run(
        ctx: &Context<'_>,
        options: &Self::Options,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Output<Self::Section>>;
}

/// Work that reports progress and returns `T`, run by [`concurrently`].
type Task<'a, T> = Box<dyn FnOnce(&mut dyn FnMut(Progress)) -> T + Send + 'a>;
/// A job of [`run_all`]: runs one analysis and stores its section.
type Job<'a> = Task<'a, Result<Stored>>;
/// An analysis's result, ready to be stored into [`Sections`].
type Stored = (
    Box<dyn FnOnce(&mut Sections) + Send>,
    Vec<String>,
    Vec<Artifact>,
);

macro_rules! define_registry {
    ($( $(#[$doc:meta])* $id:ident : $ty:ty ),* $(,)?) => {
        /// The analyses of a plan, each with its options (absent: not run).
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct Analyses {
            $(
                $(#[$doc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $id: Option<<$ty as Analysis>::Options>,
            )*
        }

        /// The analysis sections of a report (absent: not run).
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
        pub struct Sections {
            $(
                $(#[$doc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $id: Option<<$ty as Analysis>::Section>,
            )*
        }

        /// The ids of every analysis, in report order.
        pub const IDS: &[&str] = &[$(<$ty as Analysis>::ID),*];

        impl Analyses {
            /// Whether no analysis is asked for.
            pub fn is_empty(&self) -> bool {
                true $(&& self.$id.is_none())*
            }

            /// Whether any analysis asked for reads predictions.
            pub fn needs_predictions(&self) -> bool {
                false $(|| (self.$id.is_some() && <$ty as Analysis>::NEEDS_PREDICTIONS))*
            }

            /// Check each analysis's options.
            pub fn validate(&self, plan: &AuditPlan) -> std::result::Result<(), PlanError> {
                $(
                    if let Some(o) = &self.$id {
                        <$ty as Analysis>::validate(o, plan)?;
                    }
                )*
                Ok(())
            }

            /// Whether an analysis asked for reads every column.
            pub fn reads_all_columns(&self) -> bool {
                false $(|| self.$id.as_ref().is_some_and(|o| <$ty as Analysis>::reads_all_columns(o)))*
            }

            /// The columns the analyses read besides label and scores.
            pub fn columns(&self) -> Vec<String> {
                let mut v = Vec::new();
                $(
                    if let Some(o) = &self.$id {
                        v.extend(<$ty as Analysis>::columns(o));
                    }
                )*
                v
            }
        }

        impl Sections {
            /// A metric by its id (`evaluation.roc_auc`,
            /// `calibration.heldout.log_loss`).
            pub fn metric(&self, id: &str) -> Option<&MetricResult> {
                let (section, key) = id.split_once('.')?;
                $(
                    if section == <$ty as Analysis>::ID {
                        return self.$id.as_ref().and_then(|s| <$ty as Analysis>::metric(s, key));
                    }
                )*
                None
            }

            /// Whether no section is present.
            pub fn is_empty(&self) -> bool {
                true $(&& self.$id.is_none())*
            }

            /// Remove what may not leave the machine (small cells) from
            /// every section.
            pub fn redact(&mut self) {
                $(
                    if let Some(s) = &mut self.$id {
                        <$ty as Analysis>::redact(s);
                    }
                )*
            }
        }

        /// Every metric any analysis may report, by id.
        pub fn metric_definitions() -> Vec<MetricDef> {
            let mut v = Vec::new();
            $( v.extend(<$ty as Analysis>::metrics()); )*
            v
        }

        /// Run every analysis the plan asks for — side by side where the
        /// build has threads — and collect their sections, warnings (in
        /// registry order) and artifacts.
        pub fn run_all(
            ctx: &Context<'_>,
            progress: &mut dyn FnMut(Progress),
        ) -> Result<(Sections, Vec<String>, Vec<Artifact>)> {
            let mut jobs: Vec<Job<'_>> = Vec::new();
            $(
                if let Some(opts) = &ctx.plan.analyses.$id {
                    jobs.push(Box::new(move |p: &mut dyn FnMut(Progress)| -> Result<Stored> {
                        let out = <$ty as Analysis>::run(ctx, opts, p)?;
                        let section = out.section;
                        let store: Box<dyn FnOnce(&mut Sections) + Send> =
                            Box::new(move |s: &mut Sections| s.$id = Some(section));
                        Ok((store, out.warnings, out.artifacts))
                    }));
                }
            )*
            let results = concurrently(progress, jobs);
            let mut sections = Sections::default();
            let mut warnings = Vec::new();
            let mut artifacts = Vec::new();
            for r in results {
                let (store, mut w, mut a) = r?;
                store(&mut sections);
                warnings.append(&mut w);
                artifacts.append(&mut a);
            }
            Ok((sections, warnings, artifacts))
        }
    };
}

crate::for_each_analysis!(define_registry);

/// Run the jobs side by side where the build has threads: the first on this
/// thread with `progress` directly, the others on scoped threads whose
/// progress is forwarded through a channel and reported after the first's.
/// One after the other where it has none (wasm). Results come back in job
/// order and do not depend on which: each job is deterministic on its own.
#[cfg(feature = "parallel")]
fn concurrently<'a, T: Send>(progress: &mut dyn FnMut(Progress), jobs: Vec<Task<'a, T>>) -> Vec<T> {
    let mut jobs = jobs.into_iter();
    let Some(first) = jobs.next() else {
        return Vec::new();
    };
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::channel::<Progress>();
        let handles: Vec<_> = jobs
            .map(|job| {
                let tx = tx.clone();
                s.spawn(move || {
                    job(&mut |p| {
                        let _ = tx.send(p);
                    })
                })
            })
            .collect();
        drop(tx);
        let mut out = vec![first(progress)];
        // The senders go when their jobs return, which ends this loop.
        for p in rx {
            progress(p);
        }
        for h in handles {
            out.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        out
    })
}

#[cfg(not(feature = "parallel"))]
fn concurrently<'a, T>(progress: &mut dyn FnMut(Progress), jobs: Vec<Task<'a, T>>) -> Vec<T> {
    jobs.into_iter().map(|job| job(progress)).collect()
}

/// Run `a` and `b` side by side where the build has threads (`b` on a
/// scoped thread, its progress forwarded through a channel and reported
/// after `a`'s), one after the other where it does not (wasm). Results do
/// not depend on which: each side is deterministic on its own.
#[cfg(feature = "parallel")]
pub(crate) fn side_by_side<A, B>(
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
pub(crate) fn side_by_side<A, B>(
    progress: &mut dyn FnMut(Progress),
    a: impl FnOnce(&mut dyn FnMut(Progress)) -> A,
    b: impl FnOnce(&mut dyn FnMut(Progress)) -> B,
) -> (A, B) {
    let ra = a(progress);
    (ra, b(progress))
}
