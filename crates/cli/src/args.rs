//! Command-line arguments.

use assay_engine::prepare::Task;
use assay_engine::table::ColumnType;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Evaluate machine-learning models on private data, locally.
///
/// Nothing you give Assay leaves this machine: it makes no network requests.
#[derive(Debug, Parser)]
#[command(name = "assay", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate predictions: metrics with bootstrap confidence intervals, plots, a report.
    Eval(EvalArgs),
    /// Evaluate and analyse calibration: reliability diagrams, ECE and friends,
    /// recalibrators fitted on one part of the data and judged on the rest,
    /// per-slice calibration, and a calibrator file to reuse.
    Calibrate(CalibrateArgs),
    /// Show a file's columns, their types, and which columns look like label and scores.
    Inspect(InspectArgs),
    /// Run an audit file (TOML or JSON, as `--save-audit` writes it): its
    /// inputs, columns, model, analyses, seed and outputs. Paths in it are
    /// relative to the file.
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The audit file (`.toml` or `.json`).
    #[arg(value_name = "AUDIT")]
    pub audit: PathBuf,

    /// No summary and no progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Options shared by commands that read a CSV.
#[derive(Debug, Args, Clone)]
pub struct DataArgs {
    /// The CSV file (`-` for standard input).
    #[arg(long, short = 'd', value_name = "FILE")]
    pub data: PathBuf,

    /// Field delimiter (default: detected among , ; tab |).
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,

    /// Force a column's type: COL=numeric or COL=categorical (repeatable).
    #[arg(long = "type", value_name = "COL=TYPE", value_parser = parse_type)]
    pub types: Vec<(String, ColumnType)>,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(flatten)]
    pub data: DataArgs,

    /// The label (ground-truth) column.
    #[arg(long, short = 'l', value_name = "COL")]
    pub label: String,

    /// Score column(s): the probability of the positive class (binary), one
    /// probability column per class (multiclass; CLASS=COL names the class),
    /// or the prediction (regression). Repeat or separate with commas.
    #[arg(
        long,
        short = 's',
        value_name = "COL",
        required_unless_present = "model",
        conflicts_with = "model",
        value_delimiter = ','
    )]
    pub score: Vec<String>,

    /// Run this ONNX model (PyTorch or scikit-learn export) on the data and
    /// evaluate its outputs, instead of reading scores from the file.
    #[arg(long, short = 'm', value_name = "FILE")]
    pub model: Option<PathBuf>,

    /// With --model: the feature columns, in the order of the model's input
    /// (default: the numeric columns besides the label, in file order).
    #[arg(long, value_name = "COL,…", value_delimiter = ',', requires = "model")]
    pub features: Option<Vec<String>>,

    /// With --model: the output to evaluate (default: `probabilities`, else
    /// the first floating-point output).
    #[arg(long, value_name = "NAME", requires = "model")]
    pub output: Option<String>,

    /// With --model: class names of the output's columns, in order (default:
    /// the sorted label values, or 0…k−1).
    #[arg(long, value_name = "A,B,…", value_delimiter = ',', requires = "model")]
    pub classes: Option<Vec<String>>,

    /// With --model: rows per model call.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub batch_size: usize,

    /// With --model: run it on the CPU, a GPU (wgpu), or auto (a GPU when usable).
    #[arg(long, value_name = "DEVICE", default_value = "cpu", value_parser = ["cpu", "gpu", "auto"])]
    pub device: String,

    /// The task (default: inferred from the columns).
    #[arg(long, value_name = "TASK", value_parser = parse_task)]
    pub task: Option<Task>,

    /// The positive class value (binary). Inferred for 0/1, yes/no, true/false.
    #[arg(long, value_name = "VALUE")]
    pub positive: Option<String>,

    /// Scores are logits: apply the sigmoid (binary) or softmax (multiclass).
    #[arg(long)]
    pub logits: bool,

    /// Decision threshold for binary metrics: predicted positive iff score >= T.
    #[arg(long, value_name = "T", default_value_t = 0.5)]
    pub threshold: f64,

    /// Bootstrap resamples for confidence intervals (0: none).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub bootstrap: usize,

    /// Seed of the bootstrap (same seed, same intervals).
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,

    /// Confidence level of the intervals.
    #[arg(long, value_name = "LEVEL", default_value_t = 0.95)]
    pub ci_level: f64,

    /// Write the JSON report here (`-`: standard output, replacing the summary).
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,

    /// Write a self-contained HTML report (with SVG plots) here.
    #[arg(long, value_name = "OUT")]
    pub html: Option<PathBuf>,

    /// Write a Markdown report here.
    #[arg(long, value_name = "OUT")]
    pub markdown: Option<PathBuf>,

    /// Apply a saved calibrator (from `assay calibrate --export-calibrator`)
    /// to the scores before evaluating.
    #[arg(long, value_name = "FILE")]
    pub calibrator: Option<PathBuf>,

    #[command(flatten)]
    pub slices: SliceArgs,

    /// Also save this command as an audit file (TOML for `.toml`, else
    /// JSON) that `assay run` runs again; paths in it are written relative
    /// to it.
    #[arg(long, value_name = "FILE")]
    pub save_audit: Option<PathBuf>,

    /// No summary and no progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Slice audits, fairness and weak-slice discovery (on `eval` and `calibrate`).
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Slices and fairness")]
pub struct SliceArgs {
    /// Audit every metric per slice of this column (repeatable): each value
    /// of a text column (or of a numeric one with few values), a numeric
    /// column in quantile bins; `A*B` (or `A*B*C`) for a cross. With
    /// `calibrate`, the first plain column also gets calibration per value.
    #[arg(long = "slice", value_name = "COL")]
    pub slice: Vec<String>,

    /// A slice given by a filter (repeatable), e.g. "region = east AND age > 60"
    /// (= != < <= > >=, IN (…), AND, OR, NOT, parentheses).
    #[arg(long = "filter", value_name = "EXPR")]
    pub filter: Vec<String>,

    /// Quantile bins of numeric slice columns.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub slice_bins: usize,

    /// Bin edges of a numeric slice column: COL=E1,E2,… (repeatable).
    #[arg(long, value_name = "COL=E1,E2,…", value_parser = parse_edges)]
    pub slice_edges: Vec<(String, Vec<f64>)>,

    /// The metric tested for "worse than the rest" (default: accuracy, or mae
    /// for regression).
    #[arg(long, value_name = "KEY")]
    pub slice_metric: Option<String>,

    /// Significance level of the slice tests (Benjamini–Hochberg q ≤ α).
    #[arg(long, value_name = "A", default_value_t = 0.05)]
    pub alpha: f64,

    /// Power at which each slice's smallest detectable gap is stated.
    #[arg(long, value_name = "P", default_value_t = 0.8)]
    pub power: f64,

    /// Slices and groups with fewer rows are counted but not shown in the
    /// written reports.
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub min_cell: usize,

    /// Fairness over this sensitive column (repeatable; `A*B` for an
    /// intersection): selection rate, TPR, FPR, FNR, precision per group and
    /// Fairlearn's parity gaps.
    #[arg(long, value_name = "COL")]
    pub sensitive: Vec<String>,

    /// Search for weak slices (exact SliceLine lattice search).
    #[arg(long)]
    pub discover: bool,

    /// With --discover: slices to return.
    #[arg(long, value_name = "K", requires = "discover")]
    pub top_k: Option<usize>,

    /// With --discover: the smallest slice, in rows.
    #[arg(long, value_name = "N", requires = "discover")]
    pub min_support: Option<usize>,

    /// With --discover: most conditions per slice.
    #[arg(long, value_name = "L", requires = "discover")]
    pub max_level: Option<usize>,

    /// With --discover: the columns to search (default: all but label and scores).
    #[arg(
        long,
        value_name = "COL,…",
        value_delimiter = ',',
        requires = "discover"
    )]
    pub discover_columns: Vec<String>,
}

impl SliceArgs {
    /// Whether any slice or fairness flag is given.
    pub fn any(&self) -> bool {
        !self.slice.is_empty() || !self.filter.is_empty() || self.discover
    }
}

fn parse_edges(s: &str) -> Result<(String, Vec<f64>), String> {
    let (col, e) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("'{s}' should look like COL=E1,E2,…"))?;
    let edges = e
        .split(',')
        .map(|x| {
            x.trim()
                .parse::<f64>()
                .map_err(|_| format!("bin edge '{}' of {col} is not a number", x.trim()))
        })
        .collect::<Result<Vec<f64>, String>>()?;
    Ok((col.to_owned(), edges))
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    #[command(flatten)]
    pub eval: EvalArgs,

    /// Recalibration methods to fit and judge: temperature, platt, isotonic,
    /// histogram, beta; `all` (default) or `none` (measure only).
    #[arg(long, value_name = "M,…", value_delimiter = ',', default_value = "all")]
    pub methods: Vec<String>,

    /// Bins of the reliability diagrams (and of ECE, MCE, histogram binning).
    #[arg(long, value_name = "N", default_value_t = 15)]
    pub bins: usize,

    /// Fraction of rows (seeded random, --seed) that fit the recalibrators;
    /// the rest judge them.
    #[arg(long, value_name = "F", default_value_t = 0.5, conflicts_with_all = ["folds", "split_column"])]
    pub calibration_fraction: f64,

    /// Cross-fit instead: K folds, each judged by maps fitted on the others.
    #[arg(long, value_name = "K", conflicts_with = "split_column")]
    pub folds: Option<usize>,

    /// Split by a column instead: rows where COL equals --calibration-value
    /// fit, the others judge.
    #[arg(long, value_name = "COL", requires = "calibration_value")]
    pub split_column: Option<String>,

    /// The value of --split-column that marks calibration rows.
    #[arg(long, value_name = "VALUE", requires = "split_column")]
    pub calibration_value: Option<String>,

    /// Save a fitted calibrator here (JSON), to apply later with --calibrator.
    #[arg(long, value_name = "OUT")]
    pub export_calibrator: Option<PathBuf>,

    /// Which method to save (default: the best on held-out log loss).
    #[arg(long, value_name = "METHOD", requires = "export_calibrator")]
    pub export_method: Option<String>,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub data: DataArgs,

    /// Rows to inspect.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub rows: usize,
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "\\t" | "tab" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        _ => Err(format!(
            "'{s}' is not a single ASCII character (use 'tab' for tabs)"
        )),
    }
}

fn parse_type(s: &str) -> Result<(String, ColumnType), String> {
    let (col, t) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("'{s}' should look like COL=numeric or COL=categorical"))?;
    let t = match t {
        "numeric" | "number" | "float" => ColumnType::Numeric,
        "categorical" | "category" | "string" | "text" => ColumnType::Categorical,
        _ => return Err(format!("unknown type '{t}' (numeric or categorical)")),
    };
    Ok((col.to_owned(), t))
}

fn parse_task(s: &str) -> Result<Task, String> {
    s.parse()
}
