/* Types of the Assay report (and of the audit plan it embeds), generated from
 * schema/report.schema.json by scripts/gen-types.mjs: do not edit. */

/**
 * A recalibration method.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Method".
 */
export type Method = 'temperature' | 'platt' | 'isotonic' | 'histogram' | 'beta';
/**
 * How bin edges are chosen.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Strategy".
 */
export type Strategy = 'uniform' | 'quantile';
/**
 * How rows are split between fitting a calibrator and judging it.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Split".
 */
export type Split =
  | {
      fraction: number;
      kind: 'random';
      seed: number;
    }
  | {
      folds: number;
      kind: 'folds';
      seed: number;
    }
  | {
      description: string;
      kind: 'mask';
    };
/**
 * What is being calibrated.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Target".
 */
export type Target = 'positive_class' | 'top_label';
/**
 * The kind of prediction task.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Task".
 */
export type Task = 'binary' | 'multiclass' | 'regression';
/**
 * How rows are grouped.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "GroupSpec".
 */
export type GroupSpec =
  | {
      binning?: Binning | null;
      column: string;
      kind: 'column';
    }
  | {
      column: string;
      kind: 'values';
    }
  | {
      binning: Binning;
      column: string;
      kind: 'bins';
    }
  | {
      kind: 'cross';
      of: GroupSpec[];
    }
  | {
      expression: string;
      kind: 'filter';
    };
/**
 * How a numeric column is cut into bins.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Binning".
 */
export type Binning =
  | {
      edges: number[];
    }
  | {
      quantiles: number;
    };
/**
 * The type of a column, inferred from the data or set by the user.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "ColumnType".
 */
export type ColumnType = 'numeric' | 'categorical';
/**
 * A score column, and the class it is the probability of (multiclass; when
 * absent the class is inferred from the column name).
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "ScoreColumn".
 */
export type ScoreColumn =
  | string
  | {
      class?: string | null;
      column: string;
    };
/**
 * How a slice was tested.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Method2".
 */
export type Method2 = ('two_proportion_z' | 'fisher_exact' | 'bootstrap') | 'none';
/**
 * What the test says.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Verdict".
 */
export type Verdict = 'worse' | 'no_gap_found' | 'too_small_to_tell' | 'untested';
/**
 * Where a model runs.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "DeviceChoice".
 */
export type DeviceChoice = 'auto' | 'cpu' | 'gpu';
/**
 * How a table input is read.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Format".
 */
export type Format = {
  /**
   * Field delimiter (default: detected among `,` `;` tab `|`).
   */
  delimiter?: string | null;
  kind: 'csv';
  /**
   * Column types that override inference.
   */
  types?: {
    [k: string]: ColumnType;
  };
};
/**
 * What an input is used as.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "InputRole".
 */
export type InputRole = 'data' | 'model' | 'calibrator';
/**
 * The split as a user states it.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "SplitSpec".
 */
export type SplitSpec =
  | {
      fraction: number;
      kind: 'random';
    }
  | {
      folds: number;
      kind: 'folds';
    }
  | {
      column: string;
      kind: 'column';
      value: string;
    };

/**
 * A report (schema [`SCHEMA_VERSION`]).
 */
export interface Report {
  /**
   * A saved calibrator applied to the scores before the analyses.
   */
  applied_calibrator?: AppliedCalibrator | null;
  /**
   * Calibration: reliability diagrams, ECE and friends, recalibrators
   * fitted on part of the rows and judged on the rest, per-slice
   * calibration.
   */
  calibration?: Calibration | null;
  /**
   * Metrics of the task, each with a bootstrap confidence interval;
   * confusion matrix, per-class table, ROC and PR curves.
   */
  evaluation?: Evaluation | null;
  /**
   * Fairness: selection rate, TPR, FPR, FNR and precision per
   * group of sensitive columns, and Fairlearn's parity gaps.
   */
  fairness?: Fairness | null;
  /**
   * The model whose outputs were analysed, when Assay ran one.
   */
  model?: ModelInfo | null;
  provenance: Provenance;
  schema_version: string;
  /**
   * Slice audit: every metric per slice against the rest of the
   * data, tests of "worse than the rest" with q-values and power
   * guidance, and automatically discovered weak slices.
   */
  slices?: SliceAudit | null;
  /**
   * Things the user should know: data quirks, undefined metrics, caveats.
   */
  warnings: string[];
}
/**
 * A calibrator that was applied to the scores before evaluation.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "AppliedCalibrator".
 */
export interface AppliedCalibrator {
  fitted_on: FittedOn;
  method: Method;
  summary: string;
}
/**
 * Where a saved calibrator was fitted.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "FittedOn".
 */
export interface FittedOn {
  assay_version: string;
  bins: number;
  /**
   * Name and SHA-256 of the data it was fitted on.
   */
  data_name: string;
  data_sha256: string;
  label: string;
  /**
   * SHA-256 of the model whose outputs were calibrated, when Assay ran one.
   */
  model_sha256?: string | null;
  rows: number;
  scores: string[];
  split: string;
}
/**
 * The calibration section of a report.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Calibration".
 */
export interface Calibration {
  recalibration?: Recalibration | null;
  reliability: Reliability;
  slices?: SlicedCalibration | null;
}
/**
 * Recalibration judged on held-out rows.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Recalibration".
 */
export interface Recalibration {
  /**
   * Held-out scores before recalibration.
   */
  before: MetricResult[];
  /**
   * The method with the lowest held-out log loss, if any improved on the original.
   */
  best?: Method | null;
  methods: MethodResult[];
  reliability_before: Diagram;
  split: SplitSummary;
}
/**
 * A computed metric as it goes into a report.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "MetricResult".
 */
export interface MetricResult {
  /**
   * Confidence interval, when one was computed.
   */
  ci?: Interval | null;
  /**
   * The reference definition followed.
   */
  definition: string;
  /**
   * Whether larger is better.
   */
  higher_is_better: boolean;
  /**
   * Stable key.
   */
  key: string;
  /**
   * Display name.
   */
  name: string;
  /**
   * Why the value is undefined.
   */
  undefined?: string | null;
  /**
   * The value; `None` when undefined.
   */
  value?: number | null;
}
/**
 * A confidence interval.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Interval".
 */
export interface Interval {
  /**
   * Nominal coverage, e.g. 0.95.
   */
  level: number;
  /**
   * Lower bound.
   */
  lower: number;
  /**
   * How it was computed (`percentile_bootstrap`, `wilson`).
   */
  method: string;
  /**
   * Bootstrap resamples drawn.
   */
  resamples?: number | null;
  /**
   * Upper bound.
   */
  upper: number;
  /**
   * Resamples in which the metric was defined (the interval uses only these).
   */
  valid?: number | null;
}
/**
 * One method's held-out results.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "MethodResult".
 */
export interface MethodResult {
  /**
   * Held-out scores after recalibration.
   */
  after: MetricResult[];
  /**
   * after − before, with a paired bootstrap interval.
   */
  change: MetricResult[];
  /**
   * Why the method could not be fitted.
   */
  failed?: string | null;
  method: Method;
  /**
   * Held-out reliability after recalibration (equal-width bins).
   */
  reliability_after?: Diagram | null;
  /**
   * The fitted parameters in words (`T = 1.83`).
   */
  summary?: string | null;
  /**
   * A one-vs-rest map's parameters per class (`class 1: T = 1.2`).
   */
  summary_per_class?: string[];
}
/**
 * A reliability diagram.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Diagram".
 */
export interface Diagram {
  bins: Bin[];
  strategy: Strategy;
}
/**
 * One bin of a reliability diagram.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Bin".
 */
export interface Bin {
  /**
   * Mean outcome: fraction positive / correct (null for an empty bin).
   */
  accuracy?: number | null;
  /**
   * Wilson interval of `accuracy`.
   *
   * @minItems 2
   * @maxItems 2
   */
  accuracy_ci?: [number, number] | null;
  count: number;
  lower: number;
  /**
   * Mean confidence (null for an empty bin).
   */
  mean_confidence?: number | null;
  upper: number;
}
/**
 * Summary of the split used.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "SplitSummary".
 */
export interface SplitSummary {
  calibration_rows: number;
  heldout_rows: number;
  split: Split;
}
/**
 * Reliability analysis of one set of predictions.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Reliability".
 */
export interface Reliability {
  /**
   * Bins per diagram.
   */
  bins: number;
  classwise?: ClassEce[];
  quantile: Diagram;
  rows: number;
  scores: MetricResult[];
  target: Target;
  uniform: Diagram;
}
/**
 * Class-wise ECE of one class.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "ClassEce".
 */
export interface ClassEce {
  class: string;
  ece: number;
}
/**
 * Per-slice calibration over the groups of a column.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "SlicedCalibration".
 */
export interface SlicedCalibration {
  column: string;
  groups: SliceCalibration[];
  /**
   * Groups not shown (only the [`MAX_GROUPS`] largest are analysed).
   */
  omitted?: number | null;
}
/**
 * Calibration of one slice (a value of a column).
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "SliceCalibration".
 */
export interface SliceCalibration {
  reliability: Reliability;
  rows: number;
  value: string;
}
/**
 * The result of evaluating one set of predictions.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Evaluation".
 */
export interface Evaluation {
  /**
   * Classification: rows per class.
   */
  class_counts?: ClassCount[];
  /**
   * Classification: the classes in column order (binary: [negative, positive]).
   */
  classes?: string[];
  confusion_matrix?: ConfusionMatrix | null;
  /**
   * Scalar metrics with intervals, in display order.
   */
  metrics: MetricResult[];
  /**
   * Binary: the negative class, when known.
   */
  negative?: string | null;
  per_class?: PerClass | null;
  /**
   * Binary: the positive class.
   */
  positive?: string | null;
  pr_curve?: CurveResult | null;
  roc_curve?: CurveResult | null;
  /**
   * Rows evaluated.
   */
  rows: number;
  task: Task;
  /**
   * Binary: the decision threshold.
   */
  threshold?: number | null;
}
/**
 * Count of rows per label value.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "ClassCount".
 */
export interface ClassCount {
  class: string;
  count: number;
}
/**
 * A confusion matrix: rows are true classes, columns predicted classes.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "ConfusionMatrix".
 */
export interface ConfusionMatrix {
  /**
   * Class labels, in row/column order.
   */
  labels: string[];
  /**
   * Counts, `matrix[true][predicted]`.
   */
  matrix: number[][];
}
/**
 * Per-class precision, recall, F1 and support.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "PerClass".
 */
export interface PerClass {
  f1: (number | null)[];
  labels: string[];
  precision: (number | null)[];
  recall: (number | null)[];
  support: number[];
}
/**
 * A curve, or why it is undefined.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "CurveResult".
 */
export interface CurveResult {
  /**
   * Points before decimation.
   */
  points_total: number;
  /**
   * Threshold at each point; `None` where the point has no threshold.
   */
  thresholds?: (number | null)[];
  undefined?: string | null;
  x?: number[];
  y?: number[];
}
/**
 * The fairness section of a report.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Fairness".
 */
export interface Fairness {
  /**
   * How multiclass tasks are handled (`one_vs_rest`), when they are.
   */
  extension?: string | null;
  min_cell: number;
  rows: number;
  sensitive: SensitiveFairness[];
  task: Task;
  threshold?: number | null;
  /**
   * The worst gap of each kind over every sensitive grouping, for gates.
   */
  worst: MetricResult[];
}
/**
 * One sensitive grouping.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "SensitiveFairness".
 */
export interface SensitiveFairness {
  /**
   * Binary: one entry (the positive class); multiclass: one per class.
   */
  classes: ClassFairness[];
  /**
   * The grouping's gaps: binary, those of its class; multiclass, the
   * worst over classes.
   */
  gaps: MetricResult[];
  /**
   * `sex`, `sex × race`.
   */
  name: string;
  spec: GroupSpec;
  /**
   * Groups left out of this (exported) report for having fewer than
   * `min_cell` rows.
   */
  suppressed?: number;
}
/**
 * Rates and gaps with one class as the positive one.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "ClassFairness".
 */
export interface ClassFairness {
  /**
   * The positive class.
   */
  class: string;
  gaps: MetricResult[];
  groups: GroupRates[];
}
/**
 * One group's rates.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "GroupRates".
 */
export interface GroupRates {
  label: string;
  metrics: MetricResult[];
  positives: number;
  rows: number;
  small?: boolean;
}
/**
 * The model Assay ran (its structure and how it was run; never its weights).
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "ModelInfo".
 */
export interface ModelInfo {
  batch_size: number;
  /**
   * Class names given to the output's columns.
   */
  classes?: string[];
  /**
   * Device that ran it (`CPU (flex)`, `WebGPU: <adapter>`).
   */
  device: string;
  /**
   * Feature columns fed to the model, in order.
   */
  features: string[];
  inputs: TensorDesc[];
  /**
   * File name, SHA-256 and size are in `provenance.inputs` (role `model`).
   */
  name: string;
  /**
   * Operator type → number of nodes.
   */
  ops: [unknown, unknown][];
  /**
   * Operator set imports: (domain, version).
   */
  opsets: [unknown, unknown][];
  /**
   * The output evaluated, and its width.
   */
  output: string;
  output_width: number;
  outputs: TensorDesc[];
  rows: number;
  /**
   * Seconds spent in the model.
   */
  seconds: number;
}
/**
 * A graph input or output of a model.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "TensorDesc".
 */
export interface TensorDesc {
  dtype: string;
  name: string;
  /**
   * Dimensions; `null` for a dynamic one.
   */
  shape: (number | null)[];
}
/**
 * Where a report came from.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Provenance".
 */
export interface Provenance {
  /**
   * Assay's version.
   */
  assay_version: string;
  /**
   * Inputs, with their hashes.
   */
  inputs: InputFile[];
  plan: AuditPlan;
  /**
   * The front end that produced it: `assay-cli`, `assay-web`, `assay-npm`.
   */
  producer: string;
  /**
   * The seed (the plan's, repeated for visibility).
   */
  seed: number;
}
/**
 * One input file.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "InputFile".
 */
export interface InputFile {
  /**
   * Size in bytes.
   */
  bytes: number;
  /**
   * File name as given (no directory).
   */
  name: string;
  /**
   * What the file was used as (`data`, `model`, `calibrator`; `table` for
   * a table handed over in memory).
   */
  role: string;
  /**
   * Data rows read, for tables.
   */
  rows?: number | null;
  /**
   * SHA-256 of the bytes, lowercase hex.
   */
  sha256: string;
}
/**
 * The plan that produced the report, without where its files were
 * (input paths, outputs): run it again on the same inputs (the same
 * SHA-256) for the same report, from any front end.
 */
export interface AuditPlan {
  analyses?: Analyses;
  bootstrap?: BootstrapSpec;
  /**
   * The files the audit reads, each named; the caller supplies their bytes.
   */
  inputs: InputSpec[];
  /**
   * Run this model (the input with role `model`) and evaluate its outputs,
   * instead of reading score columns.
   */
  model?: ModelSpec | null;
  outputs?: Outputs;
  predictions?: PredictionSpec;
  /**
   * The seed of every random choice: bootstrap resamples, calibration
   * splits. Same seed, same report.
   */
  seed?: number;
  /**
   * Plan format version (1).
   */
  version?: number;
}
/**
 * The analyses to run, each with its options (absent: not run).
 */
export interface Analyses {
  /**
   * Calibration: reliability diagrams, ECE and friends, recalibrators
   * fitted on part of the rows and judged on the rest, per-slice
   * calibration.
   */
  calibration?: CalibrationOptions | null;
  /**
   * Metrics of the task, each with a bootstrap confidence interval;
   * confusion matrix, per-class table, ROC and PR curves.
   */
  evaluation?: EvaluationOptions | null;
  /**
   * Fairness: selection rate, TPR, FPR, FNR and precision per
   * group of sensitive columns, and Fairlearn's parity gaps.
   */
  fairness?: FairnessOptions | null;
  /**
   * Slice audit: every metric per slice against the rest of the
   * data, tests of "worse than the rest" with q-values and power
   * guidance, and automatically discovered weak slices.
   */
  slices?: SlicesOptions | null;
}
/**
 * Settings of the calibration analysis.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "CalibrationOptions".
 */
export interface CalibrationOptions {
  /**
   * Bins per reliability diagram (and for ECE, MCE, the decomposition,
   * histogram binning).
   */
  bins?: number;
  /**
   * Recalibration methods to fit and judge (empty: measure only).
   */
  methods?: Method[];
  /**
   * A column to analyse calibration per value of.
   */
  slice?: string | null;
  /**
   * How rows are split between fitting and judging.
   */
  split?:
    | {
        fraction: number;
        kind: 'random';
      }
    | {
        folds: number;
        kind: 'folds';
      }
    | {
        column: string;
        kind: 'column';
        value: string;
      };
}
/**
 * Options of the evaluation (the decision threshold is the plan's, in
 * `predictions.threshold`; the bootstrap is the plan's too).
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "EvaluationOptions".
 */
export interface EvaluationOptions {
  /**
   * Most points kept per curve in the report.
   */
  max_curve_points?: number;
}
/**
 * Settings of the fairness audit.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "FairnessOptions".
 */
export interface FairnessOptions {
  /**
   * Groups with fewer rows are counted but not shown in exported reports.
   */
  min_cell?: number;
  /**
   * Sensitive groupings: a column's values, or a cross for an
   * intersection (`sex × race`).
   */
  sensitive?: GroupSpec[];
}
/**
 * Settings of the slice audit.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "SlicesOptions".
 */
export interface SlicesOptions {
  /**
   * Significance level, applied to the Benjamini–Hochberg q-values.
   */
  alpha?: number;
  /**
   * Automatic discovery of weak slices (absent: none).
   */
  discover?: DiscoverSpec | null;
  /**
   * The gap of interest, in units of the tested metric: a slice whose
   * smallest detectable gap is larger reads "too small to tell". Default:
   * 0.05 for metrics bounded in [0, 1], a quarter of the rest's value for
   * unbounded ones (losses, errors).
   */
  gap?: number | null;
  /**
   * Most slices per grouping (the largest are kept, the rest counted).
   */
  max_slices?: number;
  /**
   * The metric tested for "worse than the rest" (a metric key of the
   * task, e.g. `accuracy`, `recall`, `roc_auc`, `log_loss`, `mae`);
   * default: `accuracy` for classification, `mae` for regression.
   */
  metric?: string | null;
  /**
   * Slices with fewer rows are counted but not shown in exported reports.
   */
  min_cell?: number;
  /**
   * Power at which each slice's smallest detectable gap is stated.
   */
  power?: number;
  /**
   * How to slice the rows: one grouping per entry.
   */
  slices?: GroupSpec[];
}
/**
 * Settings of the weak-slice discovery.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "DiscoverSpec".
 */
export interface DiscoverSpec {
  /**
   * SliceLine's weight of the error term against the size term, in (0, 1].
   */
  alpha?: number;
  /**
   * Quantile bins of numeric columns.
   */
  bins?: number;
  /**
   * Columns searched (empty: every column but the label, the scores and
   * identifier-like columns — more distinct values than half the rows).
   */
  columns?: string[];
  /**
   * Most conditions per slice (lattice levels searched).
   */
  max_level?: number;
  /**
   * Fewest rows of a slice; 0 chooses `max(10, rows / 100)`.
   */
  min_support?: number;
  /**
   * Slices to return (more when scores tie with the last one).
   */
  top_k?: number;
}
/**
 * Bootstrap confidence intervals.
 */
export interface BootstrapSpec {
  /**
   * Confidence level of the intervals.
   */
  level?: number;
  /**
   * Resamples (0: no intervals).
   */
  resamples?: number;
}
/**
 * One input of an audit.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "InputSpec".
 */
export interface InputSpec {
  /**
   * How to read it (tables only).
   */
  format?: {
    /**
     * Field delimiter (default: detected among `,` `;` tab `|`).
     */
    delimiter?: string | null;
    kind: 'csv';
    /**
     * Column types that override inference.
     */
    types?: {
      [k: string]: ColumnType;
    };
  };
  /**
   * The input's name (a file name, without directories): how the caller
   * supplies its bytes and how the report names it.
   */
  name: string;
  /**
   * Where an audit file finds it, relative to the audit file (the CLI
   * reads it from there; ignored where bytes are handed over directly).
   */
  path?: string | null;
  /**
   * What the input is used as.
   */
  role?: 'data' | 'model' | 'calibrator';
}
/**
 * How to run the model over the data.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "ModelSpec".
 */
export interface ModelSpec {
  /**
   * Rows per model call.
   */
  batch_size?: number;
  /**
   * Class names of the output's columns, in order (default: the sorted
   * label values, or 0…k−1).
   */
  classes?: string[] | null;
  /**
   * Where the model runs.
   */
  device?: 'auto' | 'cpu' | 'gpu';
  /**
   * Feature columns in the order of the model's input (default: the
   * numeric columns besides the label, in file order, without score-like
   * columns when that makes the count fit).
   */
  features?: string[] | null;
  /**
   * The output to evaluate (default: `probabilities`, else the first
   * floating-point output).
   */
  output?: string | null;
}
/**
 * Files to write (read by the CLI; the page offers downloads instead).
 */
export interface Outputs {
  /**
   * Save a fitted calibrator.
   */
  calibrator?: CalibratorExport | null;
  /**
   * A self-contained HTML report.
   */
  html?: string | null;
  /**
   * The JSON report (`-`: standard output).
   */
  json?: string | null;
  /**
   * A Markdown report.
   */
  markdown?: string | null;
}
/**
 * Which fitted calibrator to save, and where.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "CalibratorExport".
 */
export interface CalibratorExport {
  /**
   * The method to save (default: the best on held-out log loss).
   */
  method?: Method | null;
  path: string;
}
/**
 * Which columns hold the labels and the predictions, and how to read them.
 */
export interface PredictionSpec {
  /**
   * The label (ground-truth) column.
   */
  label?: string;
  /**
   * Scores are logits: apply the sigmoid (binary) or softmax (multiclass).
   */
  logits?: boolean;
  /**
   * The positive class of a binary task (inferred for 0/1, yes/no, true/false…).
   */
  positive?: string | null;
  /**
   * Score columns: binary, one column with P(positive); multiclass, one
   * probability column per class; regression, one prediction column.
   * Empty when a model produces the scores.
   */
  scores?: ScoreColumn[];
  /**
   * The task (default: inferred from the columns).
   */
  task?: Task | null;
  /**
   * Binary decision threshold: predicted positive iff score ≥ threshold.
   */
  threshold?: number;
}
/**
 * The slices section of a report.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "SliceAudit".
 */
export interface SliceAudit {
  alpha: number;
  discovery?: Discovery | null;
  /**
   * Slices in the Benjamini–Hochberg family.
   */
  examined: number;
  groupings: Grouping[];
  min_cell: number;
  power: number;
  rows: number;
  /**
   * Summary metrics (`worse_slices`), for gates.
   */
  summary: MetricResult[];
  task: Task;
  /**
   * The tested metric's key and name.
   */
  tested_metric: string;
  tested_metric_name: string;
  /**
   * Slices found worse than the rest (q ≤ α).
   */
  worse: number;
}
/**
 * The discovery's result.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Discovery".
 */
export interface Discovery {
  candidates_evaluated: number;
  /**
   * Columns searched.
   */
  columns: string[];
  /**
   * What a row's error is (`misclassification`, `squared_error`).
   */
  error: string;
  levels_searched: number;
  /**
   * Mean error over all rows.
   */
  mean_error: number;
  options: DiscoverOptions;
  slices: Discovered[];
  suppressed?: number;
}
/**
 * Settings of weak-slice discovery.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "DiscoverOptions".
 */
export interface DiscoverOptions {
  /**
   * Weight of the error term against the size term, in (0, 1].
   */
  alpha?: number;
  /**
   * Most predicates in a slice (lattice levels searched).
   */
  max_level?: number;
  /**
   * Fewest rows a slice must have; 0 chooses `max(10, rows / 100)`.
   */
  min_support?: number;
  /**
   * How many slices to report (more when scores tie with the last one).
   */
  top_k?: number;
}
/**
 * A slice found by the discovery.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Discovered".
 */
export interface Discovered {
  conditions: Condition[];
  /**
   * `east`, `(30, 45]`, `east, (30, 45]`, or a filter expression.
   */
  label: string;
  /**
   * Mean error in the slice (the error the search used).
   */
  mean_error: number;
  metrics: SliceMetric[];
  /**
   * Binary: positive rows in the slice.
   */
  positives?: number | null;
  rows: number;
  /**
   * SliceLine's score (> 0: worse than average, weighted by size).
   */
  score: number;
  /**
   * Fewer rows than `min_cell`: shown locally, marked; left out of exports.
   */
  small?: boolean;
  /**
   * The test of the tested metric against the rest.
   */
  test?: TestOutcome | null;
}
/**
 * A predicate of a discovered slice.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Condition".
 */
export interface Condition {
  column: string;
  value: string;
}
/**
 * A metric of a slice: its value with interval, the rest's value, and the
 * gap `slice − rest` with its paired interval.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "SliceMetric".
 */
export interface SliceMetric {
  /**
   * Confidence interval, when one was computed.
   */
  ci?: Interval | null;
  /**
   * The reference definition followed.
   */
  definition: string;
  /**
   * `slice − rest`.
   */
  gap?: number | null;
  /**
   * Paired percentile interval of the gap (same resamples).
   */
  gap_ci?: Interval | null;
  /**
   * Whether larger is better.
   */
  higher_is_better: boolean;
  /**
   * Stable key.
   */
  key: string;
  /**
   * Display name.
   */
  name: string;
  /**
   * The metric on the rest of the data.
   */
  rest?: number | null;
  /**
   * Why the value is undefined.
   */
  undefined?: string | null;
  /**
   * The value; `None` when undefined.
   */
  value?: number | null;
}
/**
 * The test of one slice.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "TestOutcome".
 */
export interface TestOutcome {
  effect_size?: number | null;
  /**
   * `cohen_h` or `gap_over_bootstrap_sd`.
   */
  effect_size_kind?: string | null;
  /**
   * The gap the slice is judged against for "too small to tell".
   */
  gap_of_interest?: number | null;
  method: Method2;
  /**
   * The tested metric.
   */
  metric: string;
  /**
   * Smallest gap (in the metric's units, towards worse) detectable at
   * level α with the chosen power.
   */
  min_detectable_gap?: number | null;
  note?: string | null;
  /**
   * One-sided p-value, towards "worse".
   */
  p_value?: number | null;
  /**
   * Benjamini–Hochberg q-value over every slice examined.
   */
  q_value?: number | null;
  /**
   * z for the z test, the sample odds ratio for Fisher's test.
   */
  statistic?: number | null;
  verdict: Verdict;
}
/**
 * The slices of one grouping.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Grouping".
 */
export interface Grouping {
  /**
   * `region`, `region × age`, a filter expression.
   */
  name: string;
  /**
   * Groups not examined (beyond `max_slices`, the smallest).
   */
  omitted?: number;
  slices: Slice[];
  spec: GroupSpec;
  /**
   * Groups left out of this (exported) report for having fewer than
   * `min_cell` rows.
   */
  suppressed?: number;
}
/**
 * One slice.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Slice".
 */
export interface Slice {
  /**
   * `east`, `(30, 45]`, `east, (30, 45]`, or a filter expression.
   */
  label: string;
  metrics: SliceMetric[];
  /**
   * Binary: positive rows in the slice.
   */
  positives?: number | null;
  rows: number;
  /**
   * Fewer rows than `min_cell`: shown locally, marked; left out of exports.
   */
  small?: boolean;
  /**
   * The test of the tested metric against the rest.
   */
  test?: TestOutcome | null;
}
/**
 * The analyses of a plan, each with its options (absent: not run).
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Analyses".
 */
export interface Analyses1 {
  /**
   * Calibration: reliability diagrams, ECE and friends, recalibrators
   * fitted on part of the rows and judged on the rest, per-slice
   * calibration.
   */
  calibration?: CalibrationOptions | null;
  /**
   * Metrics of the task, each with a bootstrap confidence interval;
   * confusion matrix, per-class table, ROC and PR curves.
   */
  evaluation?: EvaluationOptions | null;
  /**
   * Fairness: selection rate, TPR, FPR, FNR and precision per
   * group of sensitive columns, and Fairlearn's parity gaps.
   */
  fairness?: FairnessOptions | null;
  /**
   * Slice audit: every metric per slice against the rest of the
   * data, tests of "worse than the rest" with q-values and power
   * guidance, and automatically discovered weak slices.
   */
  slices?: SlicesOptions | null;
}
/**
 * A whole audit: inputs, how to read predictions, the model, the analyses
 * and their options, the seed, the outputs.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "AuditPlan".
 */
export interface AuditPlan1 {
  analyses?: Analyses;
  bootstrap?: BootstrapSpec;
  /**
   * The files the audit reads, each named; the caller supplies their bytes.
   */
  inputs: InputSpec[];
  /**
   * Run this model (the input with role `model`) and evaluate its outputs,
   * instead of reading score columns.
   */
  model?: ModelSpec | null;
  outputs?: Outputs;
  predictions?: PredictionSpec;
  /**
   * The seed of every random choice: bootstrap resamples, calibration
   * splits. Same seed, same report.
   */
  seed?: number;
  /**
   * Plan format version (1).
   */
  version?: number;
}
/**
 * Bootstrap confidence intervals (the seed is the plan's).
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "BootstrapSpec".
 */
export interface BootstrapSpec1 {
  /**
   * Confidence level of the intervals.
   */
  level?: number;
  /**
   * Resamples (0: no intervals).
   */
  resamples?: number;
}
/**
 * Files a run writes (paths as the user gave them).
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "Outputs".
 */
export interface Outputs1 {
  /**
   * Save a fitted calibrator.
   */
  calibrator?: CalibratorExport | null;
  /**
   * A self-contained HTML report.
   */
  html?: string | null;
  /**
   * The JSON report (`-`: standard output).
   */
  json?: string | null;
  /**
   * A Markdown report.
   */
  markdown?: string | null;
}
/**
 * Which columns hold the labels and the predictions.
 *
 * This interface was referenced by `Report`'s JSON-Schema
 * via the `definition` "PredictionSpec".
 */
export interface PredictionSpec1 {
  /**
   * The label (ground-truth) column.
   */
  label?: string;
  /**
   * Scores are logits: apply the sigmoid (binary) or softmax (multiclass).
   */
  logits?: boolean;
  /**
   * The positive class of a binary task (inferred for 0/1, yes/no, true/false…).
   */
  positive?: string | null;
  /**
   * Score columns: binary, one column with P(positive); multiclass, one
   * probability column per class; regression, one prediction column.
   * Empty when a model produces the scores.
   */
  scores?: ScoreColumn[];
  /**
   * The task (default: inferred from the columns).
   */
  task?: Task | null;
  /**
   * Binary decision threshold: predicted positive iff score ≥ threshold.
   */
  threshold?: number;
}
