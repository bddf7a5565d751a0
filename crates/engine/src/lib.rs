//! # assay-engine
//!
//! The analysis engine of Assay: everything between the rows of a user's
//! table and the aggregates of a report, in pure Rust so that the same code
//! runs natively (the `assay` CLI) and in WebAssembly (the page and the npm
//! package). It does no IO of its own — callers hand it a
//! [`std::io::Read`] or a table — and uses no GPU.
//!
//! Data flows one way through named layers, each usable alone:
//!
//! 1. [`plan`]: the [`AuditPlan`] every front end builds, validated once;
//! 2. [`io`]: bytes → typed columnar [`table::Table`] + [`io::InputSummary`]
//!    (CSV today, streaming), or an in-memory table;
//! 3. [`prepare`]: table + [`plan::PredictionSpec`] → validated
//!    [`predictions::Predictions`] (with the views analyses share);
//! 4. [`analyses`]: each analysis (evaluation, calibration…) turns a
//!    [`analyses::Context`] into its report section — aggregates only —
//!    with [`stats`] and [`metrics`] as shared building blocks and
//!    [`table::groups`] for slices of rows.
//!
//! The pipeline that runs a plan end to end (with a model) is `assay-audit`.
//!
//! ```
//! use assay_engine::io::{CsvSource, Source};
//! use assay_engine::plan::{AuditPlan, ScoreColumn};
//! use assay_engine::{Cancel, analyses};
//!
//! let csv = "y,p\n1,0.9\n0,0.2\n1,0.6\n0,0.4\n";
//! let mut plan = AuditPlan::new("data.csv");
//! plan.predictions.label = "y".into();
//! plan.predictions.scores = vec![ScoreColumn::new("p")];
//! plan.analyses.evaluation = Some(Default::default());
//! plan.bootstrap.resamples = 0;
//! plan.validate().unwrap();
//! let src = Box::new(CsvSource { reader: csv.as_bytes(), size: None, options: Default::default() });
//! let cancel = Cancel::new();
//! let (table, summary) = src.read(None, &cancel, &mut |_| {}).unwrap();
//! let (prepared, _warnings) = assay_engine::prepare::prepare(&table, &plan.predictions).unwrap();
//! let predictions = assay_engine::predictions::Predictions::new(prepared);
//! let ctx = analyses::Context {
//!     table: &table,
//!     predictions: Some(&predictions),
//!     plan: &plan,
//!     bootstrap: plan.bootstrap_options(),
//!     data_name: "data.csv",
//!     data_sha256: &summary.sha256,
//!     model_sha256: None,
//!     cancel: &cancel,
//! };
//! let (sections, _, _) = analyses::run_all(&ctx, &mut |_| {}).unwrap();
//! assert_eq!(sections.metric("evaluation.roc_auc").unwrap().value, Some(1.0));
//! ```

pub mod analyses;
pub mod error;
pub mod heuristics;
pub mod inspect;
pub mod io;
pub mod metrics;
pub mod plan;
pub mod predictions;
pub mod prepare;
pub mod progress;
pub mod stats;
pub mod table;

pub use analyses::{Analyses, Artifact, Sections};
pub use error::{EngineError, Result};
pub use plan::{AuditPlan, OptionKey, PlanError};
pub use progress::{Cancel, Progress, Stage};
