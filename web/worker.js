// The page's worker: all of Assay's work happens here, so the page never
// freezes. It runs the npm package (../pkg/index.js), the same code and the
// same WebAssembly that `npm install assay-eval` gives.
//
// Messages in:  {id, type: 'version'}
//               {id, type: 'inspect', file}
//               {id, type: 'evaluate', file, config}
//               {id, type: 'calibrate', file, config}   (config.calibration: bins, methods, split, slice)
//               {id, type: 'inspectModel', model: ArrayBuffer}   (transferred)
//               {id, type: 'evaluateModel', file, model: ArrayBuffer, config}   (transferred; with
//                                           config.calibration it calibrates too)
//               {id, type: 'render', report: JSON string, format: 'html' | 'markdown' | 'fragment'}
// Messages out: {id, type: 'progress', stage, done, total}
//               {id, type: 'result', ...}   (evaluate: report, fragment; calibrate: also
//                                           calibrators {methods, best, texts: {method: file text}};
//                                           inspectModel: model {inputs, outputs, ops, opsets, bytes, sha256};
//                                           evaluateModel: as evaluate, or calibrate with calibration;
//                                           after a WebGPU run also adapter {vendor, architecture,
//                                           device, description, fallback} as the browser describes it)
//               {id, type: 'error', message, fatal}
// `fatal` means the WebAssembly instance is no longer usable (a trap); the
// page then replaces this worker.

import * as assay from '../pkg/index.js';

let dead = false;

function describe(err) {
  // A trap, bare or as the package names it (`fatal`: "internal error in the
  // Assay engine: …"): this instance is unusable.
  if (err instanceof WebAssembly.RuntimeError || (err && err.fatal === true)) {
    return {
      fatal: true,
      message: `Assay's engine crashed (${err.message || 'WebAssembly trap'}). This is a bug in Assay, not in your file; the engine has been restarted and the page still works.`,
    };
  }
  if (err instanceof RangeError && /memory|allocation/i.test(err.message)) {
    return { fatal: true, message: `Out of memory: ${err.message}` };
  }
  const message = err && typeof err.message === 'string' && err.message ? err.message : String(err);
  return { fatal: false, message };
}

// Throttled progress: at most ~20 messages a second, always the first and last.
function progressPoster(id) {
  let last = 0;
  let stage = '';
  return (p) => {
    const now = performance.now();
    if (p.stage !== stage || p.done === p.total || now - last > 50) {
      stage = p.stage;
      last = now;
      self.postMessage({ id, type: 'progress', stage: p.stage, done: p.done, total: p.total });
    }
  };
}

/** The worker's answer to a run: the report as JSON, its HTML fragment, and the fitted calibrators. */
async function answer(report, calibrators) {
  const json = JSON.stringify(report, null, 2);
  const fragment = await assay.renderHtmlFragment(json);
  if (!calibrators) return { report: json, fragment };
  const rc = report.calibration && report.calibration.recalibration;
  // Fitted methods in the report's order, and the one judged best.
  const methods = rc ? rc.methods.map((m) => m.method).filter((m) => typeof calibrators[m] === 'string') : [];
  return { report: json, fragment, calibrators: { methods, best: (rc && rc.best) || null, texts: calibrators } };
}

// The browser's own description of its WebGPU adapter (asked once): the
// engine's device name can be bare ("WebGPU: 0 0"), since browsers do not tell
// wgpu the adapter's name.
let adapter;
async function adapterInfo() {
  if (adapter !== undefined) return adapter;
  adapter = null;
  try {
    const a = self.navigator.gpu ? await self.navigator.gpu.requestAdapter() : null;
    const i = a && a.info;
    if (i) {
      adapter = {
        vendor: i.vendor || '',
        architecture: i.architecture || '',
        device: i.device || '',
        description: i.description || '',
        fallback: Boolean(i.isFallbackAdapter ?? a.isFallbackAdapter),
      };
    }
  } catch {
    // No description: the engine's name stands alone.
  }
  return adapter;
}

async function handle(msg) {
  switch (msg.type) {
    case 'version':
      return { version: await assay.version() };
    case 'inspect':
      return { inspection: await assay.inspect(msg.file, msg.rows) };
    case 'evaluate':
      return answer(await assay.evaluate(msg.file, msg.config, { onProgress: progressPoster(msg.id) }));
    case 'calibrate': {
      const { report, calibrators } = await assay.calibrate(msg.file, msg.config, { onProgress: progressPoster(msg.id) });
      return answer(report, calibrators);
    }
    case 'inspectModel':
      return { model: await assay.inspectModel(msg.model) };
    case 'evaluateModel': {
      const out = await assay.evaluateModel(msg.file, msg.model, msg.config, { onProgress: progressPoster(msg.id) });
      // With calibration settings: {report, calibrators}, as calibrate's.
      const calibrated = msg.config.calibration !== undefined;
      const report = calibrated ? out.report : out;
      const result = await answer(report, calibrated ? out.calibrators : undefined);
      if (report.model && /^WebGPU\b/.test(report.model.device)) result.adapter = await adapterInfo();
      return result;
    }
    case 'render': {
      const render = {
        html: assay.renderHtml,
        markdown: assay.renderMarkdown,
        fragment: assay.renderHtmlFragment,
      }[msg.format];
      if (!render) throw new Error(`unknown format '${msg.format}'`);
      return { text: await render(msg.report) };
    }
    default:
      throw new Error(`unknown request '${msg.type}'`);
  }
}

self.onmessage = async ({ data: msg }) => {
  if (dead) {
    self.postMessage({ id: msg.id, type: 'error', fatal: true, message: 'the engine stopped after an earlier crash' });
    return;
  }
  try {
    const result = await handle(msg);
    self.postMessage({ id: msg.id, type: 'result', ...result });
  } catch (err) {
    const { fatal, message } = describe(err);
    if (fatal) dead = true;
    self.postMessage({ id: msg.id, type: 'error', fatal, message });
  }
};
