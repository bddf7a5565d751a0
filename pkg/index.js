// assay-eval: evaluate ML predictions privately, in WebAssembly.
//
// A thin ESM wrapper over the wasm-bindgen output in ./dist/. Everything runs
// in the calling thread (use a Web Worker in the browser so the page never
// freezes; reading a File or Blob needs one, since it uses FileReaderSync) and
// nothing is sent anywhere: the module imports no network API.

import initWasm, * as wasm from './dist/assay.js';

let ready = null;

async function load(source) {
  if (source === undefined || source === null) {
    source = new URL('./dist/assay_bg.wasm', import.meta.url);
  }
  // Node has no fetch() for file: URLs; read the bytes instead.
  const isFileUrl =
    (source instanceof URL && source.protocol === 'file:') ||
    (typeof source === 'string' && source.startsWith('file:'));
  if (isFileUrl) {
    const fsName = 'node:fs/promises';
    const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ fsName);
    source = await readFile(source instanceof URL ? source : new URL(source));
  }
  await initWasm({ module_or_path: source });
}

/**
 * Load and instantiate the WebAssembly module. Idempotent: later calls return
 * the first call's promise (a failed load may be retried).
 * @param {string|URL|Response|BufferSource|WebAssembly.Module} [wasmUrlOrModule]
 *   Where the .wasm is (default: dist/assay_bg.wasm next to this file), its
 *   bytes, or a compiled module.
 */
export function init(wasmUrlOrModule) {
  if (!ready) {
    ready = load(wasmUrlOrModule);
    ready.catch(() => {
      ready = null;
    });
  }
  return ready;
}

function checkReport(report) {
  if (typeof report === 'string') return report;
  if (report === null || typeof report !== 'object') {
    throw new TypeError('expected an Assay report (object or JSON string)');
  }
  return report;
}

// A trap inside the engine (a bug) reaches JavaScript as a bare
// "unreachable"; name what really happened. The instance is unusable after
// a trap: in a browser, replace the worker.
function explain(fn) {
  try {
    return fn();
  } catch (e) {
    if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) {
      const cause = wasm.lastPanic();
      const err = new Error(
        `internal error in the Assay engine${cause ? `: ${cause}` : ` (${e.message})`}; please report it`,
      );
      err.cause = e;
      err.fatal = true;
      throw err;
    }
    throw e;
  }
}

function progressOf(options) {
  const onProgress = options && typeof options.onProgress === 'function' ? options.onProgress : undefined;
  return onProgress ? (p) => onProgress(p) : undefined;
}

/** A rejected run: a trap becomes an explained fatal error; others pass through (with `key`). */
async function explainAsync(promise) {
  try {
    return await promise;
  } catch (e) {
    return explain(() => {
      throw e;
    });
  }
}

/**
 * Run an audit plan — the audit file's shape (`schema/audit.schema.json`):
 * inputs, predictions, model, analyses, bootstrap, seed — over `inputs`,
 * `{inputName: File | Blob | CSV text | bytes | {column: values}}`, one entry
 * per input the plan names (a model or calibrator as bytes). Resolves to
 * `{report, artifacts: {calibrators: {method: calibrator file text}}}`. A
 * failed run rejects with an Error whose `key` (when set) is the plan setting
 * to fix, e.g. `predictions.logits`.
 * @param {import('./index.d.ts').AuditPlan} plan
 * @param {Record<string, unknown>} inputs
 * @param {{onProgress?: (p: import('./index.d.ts').Progress) => void, producer?: string, maxBytes?: number}} [options]
 * @returns {Promise<import('./index.d.ts').RunResult>}
 */
export async function run(plan, inputs, options = {}) {
  await init();
  const opts = { producer: (options && options.producer) || 'assay-npm', maxBytes: options && options.maxBytes };
  return explainAsync(wasm.run(plan, inputs, opts, progressOf(options)));
}

/** Whether a column name looks like a model's scores rather than a feature (the engine's rule). */
export async function looksLikeScore(name) {
  await init();
  return wasm.looksLikeScore(name);
}

/**
 * The features a model gets by default (the engine's rule): from the
 * columns `[{name, numeric}]`, the label and the model input's width (`null`
 * if unknown). Resolves to `{features, left_out, numeric, fits}`.
 */
export async function guessFeatures(columns, label, width) {
  await init();
  return explain(() => wasm.guessFeatures(columns, label, width ?? undefined));
}

/** The index of the output evaluated by default among `[{name, float}]`, or `undefined`. */
export async function defaultOutput(outputs) {
  await init();
  return explain(() => wasm.defaultOutput(outputs));
}

/** The limits the engine applies: `{maxModelBytes}`. */
export async function limits() {
  await init();
  return wasm.limits();
}

/**
 * Evaluate predictions.
 * @param {File|Blob|string|Uint8Array|ArrayBuffer|Record<string, unknown[]>} input
 * @param {import('./index.d.ts').Config} config
 * @param {{onProgress?: (p: import('./index.d.ts').Progress) => void}} [options]
 * @returns {Promise<import('./index.d.ts').Report>}
 */
export async function evaluate(input, config, options = {}) {
  await init();
  const onProgress = options && typeof options.onProgress === 'function' ? options.onProgress : undefined;
  const cfg = { producer: 'assay-npm', ...config };
  return explain(() => wasm.evaluate(input, cfg, onProgress ? (p) => onProgress(p) : undefined));
}

/**
 * Evaluate and analyse calibration: reliability diagrams, ECE and friends,
 * recalibrators (temperature, Platt, isotonic, histogram, beta) fitted on
 * part of the rows and judged on the rest, per-slice calibration.
 * @param {File|Blob|string|Uint8Array|ArrayBuffer|Record<string, unknown[]>} input
 * @param {import('./index.d.ts').Config} config  with optional `calibration`
 * @param {{onProgress?: (p: import('./index.d.ts').Progress) => void}} [options]
 * @returns {Promise<{report: import('./index.d.ts').Report, calibrators: Record<string, string>}>}
 *   `calibrators` maps each fitted method to a calibrator file's text; pass
 *   one back later as `config.calibrator` to apply it.
 */
export async function calibrate(input, config, options = {}) {
  await init();
  const onProgress = options && typeof options.onProgress === 'function' ? options.onProgress : undefined;
  const cfg = { producer: 'assay-npm', ...config };
  return explain(() => wasm.calibrate(input, cfg, onProgress ? (p) => onProgress(p) : undefined));
}

/**
 * Run an ONNX model (exported from PyTorch or scikit-learn) over the data and
 * evaluate its outputs. The report is `evaluate`'s, plus a `model` section
 * (structure, features, output, device). With `config.calibration`, resolves
 * to `{report, calibrators}` like `calibrate`.
 * @param {File|Blob|string|Uint8Array|ArrayBuffer} input  the data (CSV)
 * @param {Uint8Array|ArrayBuffer} model  the ONNX file's bytes
 * @param {import('./index.d.ts').ModelConfig} config  `{label, features?, output?,
 *   classes?, batchSize?, device?: 'auto'|'gpu'|'cpu', modelName?, ...}`
 * @param {{onProgress?: (p: import('./index.d.ts').Progress) => void}} [options]
 */
export async function evaluateModel(input, model, config, options = {}) {
  await init();
  const onProgress = options && typeof options.onProgress === 'function' ? options.onProgress : undefined;
  const cfg = { producer: 'assay-npm', scores: [], ...config };
  return explainAsync(wasm.evaluateModel(input, model, cfg, onProgress ? (p) => onProgress(p) : undefined));
}

/** A model's inputs, outputs, operators and opsets: `{inputs, outputs, ops, opsets, bytes, sha256}`. */
export async function inspectModel(model) {
  await init();
  return explain(() => wasm.inspectModel(model));
}

/**
 * Look at the first `rows` rows (default 1000): columns, types, and a guess of
 * the label and score columns.
 * @returns {Promise<import('./index.d.ts').Inspection>}
 */
export async function inspect(input, rows) {
  await init();
  return explain(() => wasm.inspect(input, rows ?? undefined));
}

/** A complete, self-contained HTML document (inline CSS and SVG, no scripts). */
export async function renderHtml(report) {
  await init();
  return explain(() => wasm.renderHtml(checkReport(report)));
}

/** The report's HTML body fragment (style it with `reportStylesheet()`). */
export async function renderHtmlFragment(report) {
  await init();
  return explain(() => wasm.renderHtmlFragment(checkReport(report)));
}

/** The report as Markdown. */
export async function renderMarkdown(report) {
  await init();
  return explain(() => wasm.renderMarkdown(checkReport(report)));
}

/** The report's JSON to share: slices and groups under `min_cell` rows removed and counted. */
export async function exportReport(report) {
  await init();
  return explain(() => wasm.exportReport(checkReport(report)));
}

/** The CSS that `renderHtmlFragment`'s markup expects. */
export async function reportStylesheet() {
  await init();
  return wasm.reportStylesheet();
}

/** Assay's version and the report schema version: `{assay, schema}`. */
export async function version() {
  await init();
  return wasm.version();
}
