// The page's worker: all of Assay's work happens here, so the page never
// freezes. It runs the npm package (../pkg/index.js), the same code and the
// same WebAssembly that `npm install assay-eval` gives.
//
// Messages in:  {id, type: 'version'}
//               {id, type: 'inspect', file}
//               {id, type: 'evaluate', file, config}
//               {id, type: 'calibrate', file, config}   (config.calibration: bins, methods, split, slice)
//               {id, type: 'render', report: JSON string, format: 'html' | 'markdown' | 'fragment'}
// Messages out: {id, type: 'progress', stage, done, total}
//               {id, type: 'result', ...}   (evaluate: report, fragment; calibrate: also
//                                           calibrators {methods, best, texts: {method: file text}})
//               {id, type: 'error', message, fatal}
// `fatal` means the WebAssembly instance is no longer usable (a trap); the
// page then replaces this worker.

import * as assay from '../pkg/index.js';

let dead = false;

function describe(err) {
  if (err instanceof WebAssembly.RuntimeError) {
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

async function handle(msg) {
  switch (msg.type) {
    case 'version':
      return { version: await assay.version() };
    case 'inspect':
      return { inspection: await assay.inspect(msg.file, msg.rows) };
    case 'evaluate': {
      const report = await assay.evaluate(msg.file, msg.config, { onProgress: progressPoster(msg.id) });
      const json = JSON.stringify(report, null, 2);
      const fragment = await assay.renderHtmlFragment(json);
      return { report: json, fragment };
    }
    case 'calibrate': {
      const { report, calibrators } = await assay.calibrate(msg.file, msg.config, { onProgress: progressPoster(msg.id) });
      const json = JSON.stringify(report, null, 2);
      const fragment = await assay.renderHtmlFragment(json);
      const rc = report.calibration && report.calibration.recalibration;
      // Fitted methods in the report's order, and the one judged best.
      const methods = rc ? rc.methods.map((m) => m.method).filter((m) => typeof calibrators[m] === 'string') : [];
      return { report: json, fragment, calibrators: { methods, best: (rc && rc.best) || null, texts: calibrators } };
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
