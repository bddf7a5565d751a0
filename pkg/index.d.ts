// Types of assay-eval. The report and the audit plan are generated from the
// Rust types (./schema.d.ts, by scripts/gen-types.mjs); this file declares the
// package's functions and the config objects of its original API.

import type { AuditPlan, ColumnType, Report, Task } from './schema.js';

export type * from './schema.js';

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
  /** The calibrator file's name, for the report. Default `calibrator.json`. */
  calibratorName?: string;
  /** Calibration analysis settings (used by `calibrate`). */
  calibration?: CalibrationOptions;
}

export type CalibrationMethod = 'temperature' | 'platt' | 'isotonic' | 'histogram' | 'beta';

export interface CalibrationOptions {
  /** Bins of the reliability diagrams, ECE, MCE and histogram binning (1–255). Default 15. */
  bins?: number;
  /** Methods to fit and judge on held-out rows. Default: all five. `[]`: measure only. */
  methods?: CalibrationMethod[];
  /**
   * How rows are split between fitting and judging. Default: a random half.
   * Random splits and folds are drawn with the config's `seed` (a `seed`
   * given here is ignored).
   */
  split?:
    | { kind: 'random'; fraction: number; seed?: number }
    | { kind: 'folds'; folds: number; seed?: number }
    | { kind: 'column'; column: string; value: string };
  /** A categorical column to analyse calibration per value of. */
  slice?: string;
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
  inputs: (TensorInfo & { float: boolean })[];
  outputs: (TensorInfo & { float: boolean })[];
  /** The output evaluated by default (the engine's rule), or null. */
  default_output: string | null;
  /** [operator, number of nodes] pairs. */
  ops: [string, number][];
  /** [domain, version] operator-set imports, e.g. `['ai.onnx', 17]`. */
  opsets: [string, number][];
  /** Size of the file. */
  bytes: number;
  /** SHA-256 of the file, lowercase hex. */
  sha256: string;
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

/** A stage of a run, as `Progress.stage` names it. */
export type Stage =
  | 'read'
  | 'model_load'
  | 'model'
  | 'bootstrap'
  | 'calibration_bootstrap'
  | 'recalibration'
  | 'recalibration_bootstrap'
  | 'calibration_slices'
  | 'slice_discovery'
  | 'slice_bootstrap'
  | 'fairness_bootstrap';

/** Progress of a run. */
export interface Progress {
  /** `read`: bytes read; `model`: rows through the model; `*bootstrap`: resamples drawn; `recalibration`: methods fitted; `calibration_slices`: slices analysed; `slice_discovery`: lattice levels searched. */
  stage: Stage;
  /** The stage in words, as the page shows it (`Bootstrap resamples`). */
  label: string;
  done: number;
  /** 0 when unknown. */
  total: number;
}

export interface EvaluateOptions {
  /** Called synchronously as work advances (from the thread running Assay). */
  onProgress?: (progress: Progress) => void;
}

export interface RunOptions extends EvaluateOptions {
  /** Front end recorded in the report. Default `assay-npm`. */
  producer?: string;
  /** Refuse data inputs larger than this many bytes. */
  maxBytes?: number;
}

/** What `run` resolves to. */
export interface RunResult {
  report: Report;
  artifacts: {
    /** Each fitted recalibration method → the text of its calibrator file. */
    calibrators: Record<string, string>;
  };
}

/** A failed run: `key` is the plan setting that would fix it (e.g. `predictions.logits`), when one would. */
export interface AssayError extends Error {
  key?: string;
  /** The WebAssembly instance trapped (a bug); re-instantiate it (replace the worker). */
  fatal?: boolean;
}

/** What `guessFeatures` returns. */
export interface FeatureGuess {
  features: string[];
  left_out: string[];
  numeric: string[];
  fits: boolean;
}

/** Where to load the WebAssembly from: a URL, a fetch Response, its bytes, or a compiled module. */
export type WasmSource = string | URL | Response | Promise<Response> | BufferSource | WebAssembly.Module;

/** Load and instantiate the WebAssembly module (idempotent; the other functions call it). */
export function init(wasmUrlOrModule?: WasmSource): Promise<void>;

/**
 * Run an audit plan (the audit file's shape) over `inputs` — one entry per
 * input the plan names: a File, Blob, CSV text, bytes, or `{column: values}`
 * for a table; a model or calibrator as bytes (or text).
 */
export function run(plan: AuditPlan, inputs: Record<string, Input>, options?: RunOptions): Promise<RunResult>;

/** Evaluate predictions. */
export function evaluate(input: Input, config: Config, options?: EvaluateOptions): Promise<Report>;

/** Look at the first `rows` rows (default 1000): columns, types, a guess of label and scores. */
export function inspect(input: Input, rows?: number): Promise<Inspection>;

/**
 * Evaluate and analyse calibration. Resolves to the report and, for each
 * fitted method, the text of a calibrator file (pass it back later as
 * `config.calibrator`).
 */
export function calibrate(
  input: Input,
  config: Config,
  options?: EvaluateOptions,
): Promise<{ report: Report; calibrators: Record<string, string> }>;

/** Run an ONNX model over the data and evaluate its outputs (with `calibration`: `{report, calibrators}`). */
export function evaluateModel(
  input: Input,
  model: Uint8Array | ArrayBuffer,
  config: ModelConfig & { calibration?: undefined },
  options?: EvaluateOptions,
): Promise<Report>;
export function evaluateModel(
  input: Input,
  model: Uint8Array | ArrayBuffer,
  config: ModelConfig & { calibration: CalibrationOptions },
  options?: EvaluateOptions,
): Promise<{ report: Report; calibrators: Record<string, string> }>;

/** A model's inputs, outputs, operators and opsets. */
export function inspectModel(model: Uint8Array | ArrayBuffer): Promise<ModelInfo>;

/** Whether a column name looks like a model's scores rather than a feature (the engine's rule). */
export function looksLikeScore(name: string): Promise<boolean>;

/** The features a model gets by default (the engine's rule). */
export function guessFeatures(
  columns: { name: string; numeric: boolean }[],
  label: string,
  width: number | null,
): Promise<FeatureGuess>;

/** The index of the output evaluated by default among `outputs`, or undefined. */
export function defaultOutput(outputs: { name: string; float: boolean }[]): Promise<number | undefined>;

/** The limits the engine applies. */
export function limits(): Promise<{ maxModelBytes: number }>;

/** A complete, self-contained HTML document (inline CSS and SVG, no scripts). */
export function renderHtml(report: Report | string): Promise<string>;

/** The report's HTML body fragment (style it with `reportStylesheet()`). */
export function renderHtmlFragment(report: Report | string): Promise<string>;

/** The report as Markdown. */
export function renderMarkdown(report: Report | string): Promise<string>;

/** The report's JSON to share: slices and groups under `min_cell` rows removed and counted. */
export function exportReport(report: Report | string): Promise<string>;

/** The CSS that `renderHtmlFragment`'s markup expects. */
export function reportStylesheet(): Promise<string>;

/** Assay's version and the report schema version. */
export function version(): Promise<{ assay: string; schema: string }>;
