// Shared set-up of the browser tests: the local server (in-process), a
// headless Chromium from the system (never downloaded), a record of every
// request the page and its worker make, and helpers to drive the page.

import { chromium } from 'playwright-core';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { start } from '../../scripts/serve.mjs';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Skip reason when the suite cannot run here (no Chromium, no wasm build). */
export function missing() {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (set CHROMIUM=...)`;
  if (!existsSync(join(root, 'pkg/dist/assay_bg.wasm'))) return 'pkg/dist is not built: run bash scripts/build-web.sh';
  return false;
}

/** Chromium's flag that offers WebGPU headless (SwiftShader's Vulkan, on the CPU); without it `requestAdapter()` gives null. */
export const WEBGPU = '--enable-unsafe-webgpu';

/**
 * Start the server and a browser. Returns {base, context, page, requests,
 * foreign(), close()}; `requests` lists every URL requested by the page, its
 * workers and any service worker. `args`: extra Chromium flags (e.g. [WEBGPU]).
 */
export async function open({ viewport = { width: 1280, height: 900 }, args = [] } = {}) {
  const server = await start(0);
  const base = `http://127.0.0.1:${server.address().port}`;
  const dir = await mkdtemp(join(tmpdir(), 'assay-browser-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...ARGS, ...args],
    viewport,
    acceptDownloads: true,
    serviceWorkers: 'allow',
  });
  const requests = [];
  const note = (req) => requests.push(req.url());
  context.on('request', note); // pages, dedicated workers, service workers
  context.on('serviceworker', (sw) => requests.push(`serviceworker:${sw.url()}`));
  const page = context.pages()[0] || (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Console errors include CSP violations (and any uncaught error in a worker).
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('worker', (w) => requests.push(w.url()));
  return {
    base,
    context,
    page,
    requests,
    errors,
    /** Requests that went anywhere but the local server. */
    foreign() {
      return requests.filter((u) => {
        if (u.startsWith('data:') || u.startsWith('blob:')) return false;
        const s = u.replace(/^serviceworker:/, '');
        return !s.startsWith(`${base}/`) && s !== base;
      });
    },
    async close() {
      await context.close();
      await new Promise((ok) => server.close(ok));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** How many UI operations (inspect, evaluate) the page has finished. */
export async function opsDone(page) {
  return Number((await page.locator('html').getAttribute('data-ops')) || 0);
}

/** Run `action` and wait until the page has finished one more operation. */
export async function settle(page, action, timeout = 60_000) {
  const before = await opsDone(page);
  await action();
  await page.waitForFunction((n) => Number(document.documentElement.dataset.ops || 0) > n, before, { timeout });
}

/** The visible error text, or null. */
export async function errorText(page) {
  const box = page.getByRole('alert');
  return (await box.isVisible()) ? (await box.textContent()).trim() : null;
}

/**
 * Metrics shown in the report's metrics table: {key: {value: number|null,
 * text, lower, upper}}. `scope` picks another table with the same row
 * markup, e.g. CALIBRATION_SCORES.
 */
export async function shownMetrics(page, scope = EVALUATION_METRICS) {
  return page.$$eval(`${scope} tr[data-metric]`, (rows) =>
    Object.fromEntries(
      rows.map((tr) => {
        const v = tr.querySelector('td.value');
        const ci = tr.querySelector('td[data-lower]');
        const raw = v.getAttribute('data-value');
        return [
          tr.dataset.metric,
          {
            value: raw === '' ? null : Number(raw),
            text: v.textContent.trim(),
            lower: ci ? Number(ci.dataset.lower) : null,
            upper: ci ? Number(ci.dataset.upper) : null,
          },
        ];
      }),
    ),
  );
}

/** The evaluation's metrics table (the calibration scores table shares its markup and some keys). */
export const EVALUATION_METRICS = '#report table.metrics:not(.calibration-scores)';
/** The calibration section's scores table. */
export const CALIBRATION_SCORES = '#report section[data-section="calibration"] table.calibration-scores';

/** Fill the column form through the UI. */
export async function fillForm(page, { label, scores, task, positive, threshold, logits, bootstrap, seed, calibrate }) {
  await page.selectOption('#label', label);
  for (const box of await page.locator('#scores input[type=checkbox]').all()) {
    const want = scores.includes(await box.getAttribute('value'));
    if ((await box.isChecked()) !== want) await box.setChecked(want);
  }
  await page.selectOption('#task', task || 'auto');
  if (await page.locator('#positive').isEnabled()) await page.fill('#positive', positive ?? '');
  if (threshold !== undefined && (await page.locator('#threshold').isEnabled())) {
    await page.fill('#threshold', String(threshold));
  }
  if (await page.locator('#logits').isEnabled()) await page.locator('#logits').setChecked(Boolean(logits));
  if (bootstrap !== undefined) await page.fill('#bootstrap', String(bootstrap));
  if (seed !== undefined) await page.fill('#seed', String(seed));
  // Calibration is on by default for classification; `calibrate` overrides it.
  if (calibrate !== undefined && (await page.locator('#calibrate').isEnabled())) {
    await page.locator('#calibrate').setChecked(Boolean(calibrate));
  }
}

/** Load a file through the file input and wait for the inspection. */
export async function chooseFile(page, path) {
  await settle(page, () => page.setInputFiles('#file', path));
}

/**
 * Drop the file at `path` on the element `target` (a drop zone), as a user
 * dragging it there would, and wait for the page to finish with it.
 */
export async function dropFile(page, target, path, { name = basename(path), type = '' } = {}) {
  const data = (await readFile(path)).toString('base64');
  await settle(page, () =>
    page.evaluate(
      ([selector, b64, fileName, fileType]) => {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], fileName, { type: fileType }));
        document.querySelector(selector).dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      [target, data, name, type],
    ),
  );
}

/** Press Run and wait for the result or the error. */
export async function runForm(page) {
  await settle(page, () => page.click('#run'));
}

/** Click "Try the demo", run it, and check the report appears. */
export async function runDemo(page) {
  await settle(page, () => page.click('#demo'));
  assert.equal(await errorText(page), null);
  await runForm(page);
  assert.equal(await errorText(page), null);
  await page.waitForSelector('#report tr[data-metric="roc_auc"]');
}

export async function readJson(path) {
  return JSON.parse(await readFile(path, 'utf8'));
}

/** |a - b| within `rel` of |b| (absolute 1e-12 near zero). */
export function near(a, b, rel = 1e-9) {
  return Math.abs(a - b) <= Math.max(rel * Math.abs(b), 1e-12);
}
