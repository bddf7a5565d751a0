// The page's worker: all of Assay's work happens here, so the page never
// freezes. It runs the npm package (../pkg/index.js), the same code and the
// same WebAssembly that `npm install assay-eval` gives.
//
// Messages in:  {id, type: 'version'}                 (also the engine's limits)
//               {id, type: 'inspect', file}
//               {id, type: 'inspectModel', model: ArrayBuffer}   (transferred)
//               {id, type: 'guessFeatures', columns, label, width}
//               {id, type: 'run', plan, files: {inputName: File | ArrayBuffer | text}}
//               {id, type: 'evaluate' | 'calibrate', file, config}   (the package's config)
//               {id, type: 'evaluateModel', file, model: ArrayBuffer, config}
//               {id, type: 'render', report: JSON string, format: 'json' | 'html' | 'markdown' | 'fragment'}
// Messages out: {id, type: 'progress', stage, label, done, total}
//               {id, type: 'result', ...}   (runs: report (JSON text), fragment, calibrators
//                                           {methods, best, texts: {method: file text}};
//                                           inspectModel: model {inputs, outputs, default_output,
//                                           ops, opsets, bytes, sha256})
//               {id, type: 'error', message, key, fatal}
// `key` names the plan setting that would fix an error (the page points at
// its field); `fatal` means the WebAssembly instance is no longer usable (a
// trap): the page then replaces this worker.

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
  const key = err && typeof err.key === 'string' ? err.key : undefined;
  return { fatal: false, message, key };
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
      self.postMessage({ id, type: 'progress', stage: p.stage, label: p.label, done: p.done, total: p.total });
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

async function handle(msg) {
  const onProgress = progressPoster(msg.id);
  switch (msg.type) {
    case 'version':
      return { version: await assay.version(), limits: await assay.limits() };
    case 'inspect':
      return { inspection: await assay.inspect(msg.file, msg.rows) };
    case 'inspectModel':
      return { model: await assay.inspectModel(msg.model) };
    case 'guessFeatures':
      return { guess: await assay.guessFeatures(msg.columns, msg.label, msg.width) };
    case 'run': {
      const inputs = {};
      for (const [name, f] of Object.entries(msg.files)) inputs[name] = f instanceof ArrayBuffer ? new Uint8Array(f) : f;
      const { report, artifacts } = await assay.run(msg.plan, inputs, { producer: 'assay-web', onProgress });
      return answer(report, artifacts.calibrators);
    }
    case 'evaluate':
      return answer(await assay.evaluate(msg.file, msg.config, { onProgress }));
    case 'calibrate': {
      const { report, calibrators } = await assay.calibrate(msg.file, msg.config, { onProgress });
      return answer(report, calibrators);
    }
    case 'evaluateModel': {
      const out = await assay.evaluateModel(msg.file, msg.model, msg.config, { onProgress });
      // With calibration settings: {report, calibrators}, as calibrate's.
      const calibrated = msg.config.calibration !== undefined;
      return answer(calibrated ? out.report : out, calibrated ? out.calibrators : undefined);
    }
    case 'render': {
      const render = {
        json: assay.exportReport,
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
    const { fatal, message, key } = describe(err);
    if (fatal) dead = true;
    self.postMessage({ id: msg.id, type: 'error', fatal, message, key });
  }
};
