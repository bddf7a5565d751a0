// Types of assay-eval (hand-written; they follow report schema 1.x).

/** The kind of prediction task. */
export type Task = 'binary' | 'multiclass' | 'regression';

/** How a column's values are read. */
export type ColumnType = 'numeric' | 'categorical';

/**
 * What `evaluate` and `inspect` read: a File or Blob (read in 1 MiB slices with
 * FileReaderSync — Web Workers only), CSV text, CSV bytes, or a table given as
 * `{column: values}` (all columns the same length).
 */
export type Input =
  | Blob
  | string
  | Uint8Array
  | ArrayBuffer
  | Record<string, ArrayLike<number | string | boolean | null | undefined>>;

/** Evaluation settings. Only `label` and `scores` are required. */
export interface Config {
  /** Column holding the true label (or target, for regression). */
  label: string;
  /**
   * Score columns: one probability (or logit) of the positive class for
   * binary, one column per class for multiclass (named like `p_<class>` or in
   * class order), the prediction for regression.
   */
  scores: string[];
  /** Task; inferred from the label and score columns when omitted. */
  task?: Task;
  /** Binary: the positive class (a value of the label column). */
  positive?: string;
  /** Scores are logits (binary: sigmoid; multiclass: softmax) rather than probabilities. */
  logits?: boolean;
  /** Binary decision threshold in [0, 1]: predicted positive iff score >= threshold. Default 0.5. */
  threshold?: number;
  /** Bootstrap resamples for the confidence intervals (0 disables them). Default 1000. */
  bootstrap?: number;
  /** Seed of the bootstrap resampling. Default 0. */
  seed?: number;
  /** Confidence level of the intervals, in (0, 1). Default 0.95. */
  ciLevel?: number;
  /** CSV delimiter: one ASCII character, or `"tab"`. Sniffed when omitted. */
  delimiter?: string;
  /** Force a column's type (e.g. read numeric class ids as categories). */
  types?: Record<string, ColumnType>;
  /** File name recorded in the report's provenance (defaults to the File's name, else `data`). */
  fileName?: string;
  /** Front end recorded in the report. Default `assay-npm`. */
  producer?: string;
  /** Refuse inputs larger than this many bytes. */
  maxBytes?: number;
  /** A saved calibrator (a calibrator file's text, from `calibrate`) applied to the scores first. */
  calibrator?: string;
  /** Calibration analysis settings (used by `calibrate`). */
  calibration?: CalibrationOptions;
}

export type CalibrationMethod = 'temperature' | 'platt' | 'isotonic' | 'histogram' | 'beta';

export interface CalibrationOptions {
  /** Bins of the reliability diagrams, ECE, MCE and histogram binning (1–255). Default 15. */
  bins?: number;
  /** Methods to fit and judge on held-out rows. Default: all five. `[]`: measure only. */
  methods?: CalibrationMethod[];
  /** How rows are split between fitting and judging. Default: random half (seed 0). */
  split?:
    | { kind: 'random'; fraction: number; seed: number }
    | { kind: 'folds'; folds: number; seed: number }
    | { kind: 'column'; column: string; value: string };
  /** A categorical column to analyse calibration per value of. */
  slice?: string;
}

/** One bin of a reliability diagram. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  mean_confidence: number | null;
  accuracy: number | null;
  /** Wilson interval of `accuracy`. */
  accuracy_ci: [number, number] | null;
}

export interface Diagram {
  strategy: 'uniform' | 'quantile';
  bins: ReliabilityBin[];
}

export interface Reliability {
  target: 'positive_class' | 'top_label';
  rows: number;
  bins: number;
  uniform: Diagram;
  quantile: Diagram;
  scores: Metric[];
  classwise?: { class: string; ece: number }[];
}

export interface CalibrationResult {
  reliability: Reliability;
  recalibration?: {
    split: { split: Record<string, unknown>; calibration_rows: number; heldout_rows: number };
    before: Metric[];
    reliability_before: Diagram;
    methods: {
      method: CalibrationMethod;
      summary?: string;
      failed?: string;
      after: Metric[];
      change: Metric[];
      reliability_after?: Diagram;
    }[];
    best?: CalibrationMethod;
  };
  slices?: {
    column: string;
    groups: { value: string; rows: number; reliability: Reliability }[];
    omitted?: number;
  };
}

/** Where `evaluateModel` runs the model. */
export type Device =
  /** WebGPU when the environment offers an adapter, else the CPU (with a report warning saying why). */
  | 'auto'
  /** WebGPU, or an error where there is none (Node, a browser without an adapter). */
  | 'gpu'
  /** The CPU (burn's flex backend, in WebAssembly). */
  | 'cpu';

/**
 * Settings of `evaluateModel`: those of `evaluate` without `scores` (the
 * model's output is what is evaluated), plus how to run the model. Only
 * `label` is required.
 */
export interface ModelConfig extends Omit<Config, 'scores'> {
  /**
   * The numeric columns fed to the model, in its input order. Default: the
   * numeric columns besides the label, in file order; when their count is not
   * the model's input width, without score-like names (`p_*`, `prob*`,
   * `pred*`, `score*`, `yhat*`, `logit*`, `p`); an error when that does not fit
   * either.
   */
  features?: string[];
  /** The output to evaluate. Default: `probabilities` (or a similar name), else the first floating-point output. */
  output?: string;
  /** Class names of the output's columns, in order. Default: the label's distinct values, sorted (numbers numerically). */
  classes?: string[];
  /** Rows per model call. Default 1024. */
  batchSize?: number;
  /** Default `auto`. */
  device?: Device;
  /** The model file's name, for the report. Default `model.onnx`. */
  modelName?: string;
}

/** A graph input or output. */
export interface TensorInfo {
  name: string;
  /** ONNX element type, e.g. `float32`, `int64`. */
  dtype: string;
  /** Dimensions; `null` for a dynamic one (e.g. the batch). */
  shape: (number | null)[];
}

/** What `inspectModel` reads from an ONNX file. */
export interface ModelInfo {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** [operator, number of nodes] pairs. */
  ops: [string, number][];
  /** [domain, version] operator-set imports, e.g. `['ai.onnx', 17]`. */
  opsets: [string, number][];
  /** Size of the file. */
  bytes: number;
  /** SHA-256 of the file, lowercase hex. */
  sha256: string;
}

/** The report's `model` section: the model that produced the scores, and how it ran (schema ≥ 1.2). */
export interface ModelRun {
  /** The model file's name (its SHA-256 is in `provenance.inputs`, role `model`). */
  name: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  opsets: [string, number][];
  ops: [string, number][];
  /** The feature columns fed to the model, in order. */
  features: string[];
  /** The output evaluated, and its number of columns. */
  output: string;
  output_width: number;
  /** Class names given to the output's columns (classification). */
  classes?: string[];
  /** What ran it: `CPU (flex)` or `WebGPU: <adapter>`. */
  device: string;
  batch_size: number;
  rows: number;
  /** Seconds spent in the model (device set-up and shader compilation included). */
  seconds: number;
}

/** Progress of a running evaluation (or calibration). */
export interface Progress {
  /**
   * `read`: bytes read of the input; `bootstrap`: resamples drawn. With
   * `calibrate`: `calibration bootstrap` (resamples drawn for the calibration
   * scores' intervals), `recalibration` (methods fitted), `recalibration
   * bootstrap` (resamples drawn for the held-out comparison), `slices`
   * (slice groups analysed). With `evaluateModel`: `model` (rows run through
   * the model).
   */
  stage: 'read' | 'model' | 'bootstrap' | 'calibration bootstrap' | 'recalibration' | 'recalibration bootstrap' | 'slices';
  done: number;
  /** 0 when unknown. */
  total: number;
}

export interface EvaluateOptions {
  /** Called synchronously as work advances (from the thread running Assay). */
  onProgress?: (progress: Progress) => void;
}

/** A confidence interval. */
export interface Interval {
  lower: number;
  upper: number;
  /** Nominal coverage, e.g. 0.95. */
  level: number;
  /** How it was computed, e.g. `percentile_bootstrap`. */
  method: string;
  /** Bootstrap resamples drawn. */
  resamples?: number;
  /** Resamples in which the metric was defined (the interval uses only these). */
  valid?: number;
}

/** One scalar metric. */
export interface Metric {
  /** Stable key, e.g. `roc_auc`. */
  key: string;
  /** Display name, e.g. `ROC AUC`. */
  name: string;
  /** The value; `null` when undefined (see `undefined`). */
  value: number | null;
  /** Why the value is undefined. */
  undefined?: string;
  ci?: Interval;
  /** The reference definition followed (scikit-learn). */
  definition: string;
  higher_is_better: boolean;
}

export interface ConfusionMatrix {
  /** Class labels in row/column order. */
  labels: string[];
  /** Counts, `matrix[true][predicted]`. */
  matrix: number[][];
}

export interface PerClass {
  labels: string[];
  precision: (number | null)[];
  recall: (number | null)[];
  f1: (number | null)[];
  support: number[];
}

/** A curve (ROC: x = FPR, y = TPR; PR: x = recall, y = precision), or why it is undefined. */
export interface CurveResult {
  x?: number[];
  y?: number[];
  /** Threshold at each point; `null` where the point has none. */
  thresholds?: (number | null)[];
  undefined?: string;
  /** Points before decimation. */
  points_total: number;
}

export interface ClassCount {
  class: string;
  count: number;
}

export interface Evaluation {
  task: Task;
  /** Rows evaluated. */
  rows: number;
  /** Binary: the positive class. */
  positive?: string;
  /** Binary: the negative class, when known. */
  negative?: string;
  /** Binary: the decision threshold. */
  threshold?: number;
  /** Classification: classes in column order (binary: [negative, positive]). */
  classes?: string[];
  /** Classification: rows per class. */
  class_counts?: ClassCount[];
  /** Scalar metrics with intervals, in display order. */
  metrics: Metric[];
  confusion_matrix?: ConfusionMatrix;
  per_class?: PerClass;
  roc_curve?: CurveResult;
  pr_curve?: CurveResult;
}

export interface InputFile {
  /** What the input was used as (`data`; `table` for `{column: values}` input; `model`; `calibrator`). */
  role: string;
  name: string;
  /** SHA-256 of the bytes (of a canonical form, for a table), lowercase hex. */
  sha256: string;
  bytes: number;
  rows?: number;
}

export interface Provenance {
  assay_version: string;
  /** `assay-cli`, `assay-web`, `assay-npm`, or what `Config.producer` said. */
  producer: string;
  inputs: InputFile[];
  config: {
    columns: {
      label: string;
      scores: string[];
      task: Task | null;
      positive: string | null;
      logits: boolean;
    };
    evaluation: {
      threshold: number;
      bootstrap: { resamples: number; seed: number; level: number };
      max_curve_points: number;
    };
    delimiter?: string;
    /** A model run's settings as given (`null`: chosen automatically; schema ≥ 1.2). */
    model?: {
      features: string[] | null;
      output: string | null;
      batch_size: number;
      classes: string[] | null;
      device: Device;
    };
  };
  seed: number;
}

/** An evaluation report (schema 1.x). Holds aggregates only, never a row of data. */
export interface Report {
  schema_version: string;
  provenance: Provenance;
  /** Things to know: data quirks, undefined metrics, caveats. */
  warnings: string[];
  evaluation: Evaluation;
  /** Present when produced by `calibrate` (schema ≥ 1.1). */
  calibration?: CalibrationResult;
  /** A saved calibrator applied before evaluation (schema ≥ 1.1). */
  applied_calibrator?: { method: CalibrationMethod; summary: string; fitted_on: Record<string, unknown> };
  /** Present when `evaluateModel` ran an ONNX model (schema ≥ 1.2). */
  model?: ModelRun;
}

export interface ColumnInfo {
  name: string;
  type: ColumnType;
  missing: number;
  /** Distinct values among the inspected rows (capped at 1000). */
  distinct: number;
  min?: number;
  max?: number;
}

/** What `inspect` found. */
export interface Inspection {
  columns: ColumnInfo[];
  rows_inspected: number;
  /** Whether the input has more rows than were inspected. */
  truncated: boolean;
  /** A guess of the column roles, to pre-fill a form. */
  guess: { label: string | null; scores: string[]; task: Task | null };
}

/** Where to load the WebAssembly from: a URL, a fetch Response, its bytes, or a compiled module. */
export type WasmSource = string | URL | Response | Promise<Response> | BufferSource | WebAssembly.Module;

/**
 * Load the WebAssembly module (idempotent). Defaults to `dist/assay_bg.wasm`
 * next to `index.js` (fetched in browsers, read from disk in Node).
 */
export function init(wasmUrlOrModule?: WasmSource): Promise<void>;

/** Evaluate predictions; rejects with an `Error` whose message is one readable line. */
export function evaluate(input: Input, config: Config, options?: EvaluateOptions): Promise<Report>;

/** Columns, types and a guess of the roles, from the first `rows` rows (default 1000). */
export function inspect(input: Input, rows?: number): Promise<Inspection>;

/**
 * Evaluate and analyse calibration. `calibrators` maps each fitted method to
 * a calibrator file's text, to save and pass back later as `config.calibrator`.
 */
export function calibrate(
  input: Input,
  config: Config,
  options?: EvaluateOptions,
): Promise<{ report: Report; calibrators: Partial<Record<CalibrationMethod, string>> }>;

/**
 * Run an ONNX model (its bytes) over the data and evaluate its output: the
 * report of `evaluate`, with a `model` section. With `config.calibration`,
 * the calibration analysis too, and the result is `calibrate`'s. Rejects with
 * a one-line `Error` for a file that is not ONNX, truncated, uses an
 * operator the runtime lacks (named with its node), is over 512 MiB, or does
 * not fit the data (feature count, unknown output, missing values…).
 */
export function evaluateModel(
  input: Blob | string | Uint8Array | ArrayBuffer,
  model: Uint8Array | ArrayBuffer,
  config: ModelConfig & { calibration: CalibrationOptions },
  options?: EvaluateOptions,
): Promise<{ report: Report; calibrators: Partial<Record<CalibrationMethod, string>> }>;
export function evaluateModel(
  input: Blob | string | Uint8Array | ArrayBuffer,
  model: Uint8Array | ArrayBuffer,
  config: ModelConfig,
  options?: EvaluateOptions,
): Promise<Report>;

/** A model's inputs, outputs, operators, opsets, size and SHA-256 (the model is parsed, not run). */
export function inspectModel(model: Uint8Array | ArrayBuffer): Promise<ModelInfo>;

/** A complete, self-contained HTML document (inline CSS and SVG plots, no scripts). */
export function renderHtml(report: Report | string): Promise<string>;

/** The report's HTML body fragment; style it with `reportStylesheet()`. */
export function renderHtmlFragment(report: Report | string): Promise<string>;

/** The report as Markdown. */
export function renderMarkdown(report: Report | string): Promise<string>;

/** The CSS `renderHtmlFragment`'s markup expects. */
export function reportStylesheet(): Promise<string>;

/** Assay's version and the report schema version. */
export function version(): Promise<{ assay: string; schema: string }>;
