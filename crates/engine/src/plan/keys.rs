//! Option keys: the stable names of the settings of an audit plan.
//!
//! An error about a setting names its key, not a command-line flag or a form
//! field: the engine is shared by the CLI, the page and the npm package, and
//! each front end says in its own words where the setting is (`--logits`;
//! the "Scores are logits" box). The key is the setting's path in the audit
//! file (`predictions.logits`), so an audit file's author reads it as is.

use serde::{Deserialize, Serialize};

macro_rules! option_keys {
    ($( $(#[$doc:meta])* $variant:ident => $path:literal ),* $(,)?) => {
        /// A setting of an [`AuditPlan`](super::AuditPlan), by its path in the audit file.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
        pub enum OptionKey {
            $( $(#[$doc])* #[serde(rename = $path)] $variant, )*
        }

        impl OptionKey {
            /// Every key.
            pub const ALL: &[OptionKey] = &[$(OptionKey::$variant),*];

            /// The key's path in the audit file (`analyses.calibration.bins`).
            pub fn path(self) -> &'static str {
                match self { $(OptionKey::$variant => $path,)* }
            }
        }
    };
}

option_keys! {
    /// The plan format version.
    Version => "version",
    /// The list of inputs.
    Inputs => "inputs",
    /// An input's field delimiter.
    Delimiter => "inputs.format.delimiter",
    /// Column types forced by the user.
    Types => "inputs.format.types",
    /// The label (ground-truth) column.
    Label => "predictions.label",
    /// The score columns.
    Scores => "predictions.scores",
    /// The task (binary, multiclass, regression).
    Task => "predictions.task",
    /// The positive class of a binary task.
    Positive => "predictions.positive",
    /// Scores are logits.
    Logits => "predictions.logits",
    /// The decision threshold of a binary task.
    Threshold => "predictions.threshold",
    /// Bootstrap resamples.
    Resamples => "bootstrap.resamples",
    /// Confidence level of the intervals.
    Level => "bootstrap.level",
    /// The seed of every random choice (bootstrap, calibration split).
    Seed => "seed",
    /// The model's feature columns.
    Features => "model.features",
    /// The model output to evaluate.
    Output => "model.output",
    /// Class names of the model output's columns.
    Classes => "model.classes",
    /// Rows per model call.
    BatchSize => "model.batch_size",
    /// The device a model runs on.
    Device => "model.device",
    /// A saved calibrator applied before the analyses.
    Calibrator => "calibrator",
    /// Points kept per curve.
    MaxCurvePoints => "analyses.evaluation.max_curve_points",
    /// Calibration as a whole (e.g. asked for on a regression task).
    Calibration => "analyses.calibration",
    /// Bins of the reliability diagrams.
    Bins => "analyses.calibration.bins",
    /// Recalibration methods.
    Methods => "analyses.calibration.methods",
    /// Fraction of rows that fit the recalibrators.
    Fraction => "analyses.calibration.split.fraction",
    /// Folds of cross-fitting.
    Folds => "analyses.calibration.split.folds",
    /// Column that splits fitting from judging rows.
    SplitColumn => "analyses.calibration.split.column",
    /// The split column's value that marks fitting rows.
    SplitValue => "analyses.calibration.split.value",
    /// Column to analyse calibration per value of.
    Slice => "analyses.calibration.slice",
    /// The slices to audit (columns, bins, crosses, filters).
    Slices => "analyses.slices.slices",
    /// The metric the slice tests compare.
    SliceMetric => "analyses.slices.metric",
    /// Significance level of the slice tests (after Benjamini–Hochberg).
    Alpha => "analyses.slices.alpha",
    /// Power at which the smallest detectable gap is stated.
    Power => "analyses.slices.power",
    /// The gap of interest: a slice that cannot detect it is "too small to tell".
    Gap => "analyses.slices.gap",
    /// Slices smaller than this many rows are counted but not shown in exports.
    MinCell => "analyses.slices.min_cell",
    /// Most slices shown per grouping (the largest).
    MaxSlices => "analyses.slices.max_slices",
    /// Automatic weak-slice discovery.
    Discover => "analyses.slices.discover",
    /// Columns the discovery searches.
    DiscoverColumns => "analyses.slices.discover.columns",
    /// Slices the discovery returns.
    DiscoverTopK => "analyses.slices.discover.top_k",
    /// Smallest slice the discovery considers, in rows.
    DiscoverMinSupport => "analyses.slices.discover.min_support",
    /// Most predicates in a discovered slice.
    DiscoverMaxLevel => "analyses.slices.discover.max_level",
    /// SliceLine's weight of error against size.
    DiscoverAlpha => "analyses.slices.discover.alpha",
    /// The per-row error the discovery looks for.
    DiscoverError => "analyses.slices.discover.error",
    /// Quantile bins of numeric columns in the discovery.
    DiscoverBins => "analyses.slices.discover.bins",
    /// Sensitive columns (and intersections) of the fairness audit.
    Sensitive => "analyses.fairness.sensitive",
    /// Where the fitted calibrator is saved, and which method.
    ExportCalibrator => "outputs.calibrator",
}

impl std::fmt::Display for OptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_unique_and_serialized_as_is() {
        let mut seen = std::collections::HashSet::new();
        for k in OptionKey::ALL {
            assert!(seen.insert(k.path()), "{} twice", k.path());
            assert_eq!(
                serde_json::to_string(k).unwrap(),
                format!("\"{}\"", k.path())
            );
        }
    }
}
