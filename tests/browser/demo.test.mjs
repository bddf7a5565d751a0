// The README's main command: open /?demo and see results (the demo model run
// over the demo data). Also: the page computes exactly what the npm package
// computes in Node, the downloads work, the page keeps working offline, and a
// cancelled run leaves it usable.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { open, missing, root, shownMetrics, errorText, runDemo, settle, chooseFile, fillForm, runForm } from './helpers.mjs';
import * as assay from '../../pkg/index.js';
import { CSP } from '../../scripts/serve.mjs';

const skip = missing();

describe('demo', { skip }, () => {
  let b;
  before(async () => {
    b = await open();
  });
  after(async () => {
    await b?.close();
  });

  test('/?demo loads the demo and shows results, with no request off this machine', async () => {
    const { page } = b;
    await page.goto(`${b.base}/?demo`);
    await page.waitForSelector('#report tr[data-metric="roc_auc"]', { timeout: 30_000 });
    assert.equal(await errorText(page), null);

    const m = await shownMetrics(page);
    for (const key of ['roc_auc', 'average_precision', 'log_loss', 'brier', 'accuracy', 'f1', 'mcc']) {
      assert.ok(key in m, `metric ${key} is shown`);
      assert.ok(Number.isFinite(m[key].value), `${key} has a number (got ${m[key].text})`);
      assert.match(m[key].text, /^\d\.\d{4}$/);
      assert.ok(m[key].lower <= m[key].value && m[key].value <= m[key].upper, `${key} lies in its CI`);
    }
    assert.ok(m.roc_auc.value > 0.6 && m.roc_auc.value < 0.9);

    const plots = await page.$$eval('#report figure[data-plot]', (fs) =>
      fs.map((f) => ({ id: f.dataset.plot, svg: !!f.querySelector('svg'), w: f.getBoundingClientRect().width })),
    );
    // The evaluation's plots, and (on by default for classification) the calibration section's.
    assert.deepEqual(plots.map((p) => p.id).sort(), ['confidence', 'confusion', 'pr', 'recalibration', 'reliability', 'reliability-quantile', 'roc']);
    assert.equal(await page.locator('#report section[data-section="calibration"]').count(), 1);
    for (const p of plots) {
      assert.ok(p.svg, `${p.id} has an svg`);
      assert.ok(p.w > 100, `${p.id} is laid out`);
    }

    assert.match(await page.locator('#version').textContent(), /Assay \d+\.\d+\.\d+/);
    // The page's own policy is the server's (so it holds on any static host).
    const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.equal(meta, CSP);
    assert.match(await page.locator('header').textContent(), /no data leaves this page/);
    assert.deepEqual(b.foreign(), []);
    assert.ok(b.requests.some((u) => u.endsWith('/pkg/dist/assay_bg.wasm')), 'the worker loaded the wasm from the local server');
    assert.deepEqual(b.errors, []);
  });

  test('the page shows exactly what the npm package computes in Node', async () => {
    await assay.init(await readFile(join(root, 'pkg/dist/assay_bg.wasm')));
    const csv = await readFile(join(root, 'web/demo/demo.csv'));
    const model = await readFile(join(root, 'web/demo/demo_model.onnx'));
    const { page } = b;
    // The demo runs its model (on the CPU here: no WebGPU without the flag), features guessed.
    const config = {
      label: await page.inputValue('#label'),
      features: await page.$$eval('#features input:checked', (bs) => bs.map((x) => x.value)),
      output: await page.inputValue('#output'),
      bootstrap: Number(await page.inputValue('#bootstrap')),
      seed: Number(await page.inputValue('#seed')),
      threshold: Number(await page.inputValue('#threshold')),
    };
    assert.equal(config.label, 'default');
    assert.deepEqual(config.features, ['age', 'income', 'debt_ratio', 'credit_lines', 'late_payments', 'years_employed', 'loan_amount', 'savings']);
    assert.equal(config.output, 'probabilities');
    assert.equal(await page.locator('#run-device strong').textContent(), 'CPU (flex)');
    const report = await assay.evaluateModel(new Uint8Array(csv), new Uint8Array(model), { ...config, device: 'cpu' });
    const shown = await shownMetrics(page);
    assert.equal(Object.keys(shown).length, report.evaluation.metrics.length);
    for (const metric of report.evaluation.metrics) {
      const s = shown[metric.key];
      assert.ok(s, `${metric.key} is shown`);
      assert.equal(s.value, metric.value, `${metric.key}: page ${s.value} vs package ${metric.value}`);
      if (metric.ci) {
        assert.equal(s.lower, metric.ci.lower, `${metric.key} CI lower`);
        assert.equal(s.upper, metric.ci.upper, `${metric.key} CI upper`);
      }
    }
    assert.equal(report.provenance.producer, 'assay-npm');
    assert.equal(report.model.device, 'CPU (flex)');
  });

  test('downloads: JSON report, standalone HTML with SVG plots, Markdown', async () => {
    const { page } = b;
    const get = async (format) => {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`#downloads button[data-format="${format}"]`)]);
      assert.equal(await dl.failure(), null);
      return { name: dl.suggestedFilename(), text: await readFile(await dl.path(), 'utf8'), url: dl.url() };
    };
    const json = await get('json');
    assert.match(json.url, /^blob:/);
    assert.equal(json.name, 'assay-demo.json');
    const report = JSON.parse(json.text);
    assert.match(report.schema_version, /^2\./);
    assert.equal(report.provenance.producer, 'assay-web');
    assert.equal(report.provenance.inputs[0].name, 'demo.csv');
    assert.deepEqual(report.provenance.inputs.map((i) => [i.role, i.name]), [['data', 'demo.csv'], ['model', 'demo_model.onnx']]);
    assert.equal(report.evaluation.rows, 1800);
    assert.equal(report.model.name, 'demo_model.onnx');
    // Same numbers as the package in Node, to the bit.
    const csv = await readFile(join(root, 'web/demo/demo.csv'));
    const model = await readFile(join(root, 'web/demo/demo_model.onnx'));
    const node = await assay.evaluateModel(new Uint8Array(csv), new Uint8Array(model), { label: 'default', task: 'binary', device: 'cpu' });
    assert.deepEqual(report.evaluation, node.evaluation);
    assert.equal(report.provenance.inputs[0].sha256, node.provenance.inputs[0].sha256);
    assert.equal(report.provenance.inputs[1].sha256, node.provenance.inputs[1].sha256);

    const html = await get('html');
    assert.equal(html.name, 'assay-demo.html');
    assert.match(html.text, /^<!doctype html>/i);
    assert.match(html.text, /<svg/);
    // ROC, PR, confusion; reliability (two binnings), confidence, recalibration.
    assert.equal((html.text.match(/<figure data-plot=/g) || []).length, 7);
    assert.ok(report.calibration.reliability, 'the demo ran with calibration (the default for classification)');
    assert.doesNotMatch(html.text, /<script/i);

    const md = await get('markdown');
    assert.equal(md.name, 'assay-demo.md');
    assert.match(md.text, /^# Assay/);
    assert.match(md.text, /ROC AUC/);
    assert.deepEqual(b.foreign(), []);
  });

  test('a cancelled run leaves the page usable (the worker is replaced)', async () => {
    const { page } = b;
    await settle(page, () => page.click('#demo'));
    await page.fill('#bootstrap', '100000');
    await settle(page, async () => {
      await page.click('#run');
      await page.waitForSelector('#status:not([hidden])');
      await page.waitForFunction(() => /Bootstrap/.test(document.getElementById('stage').textContent));
      await page.click('#cancel');
    });
    assert.equal(await errorText(page), 'Cancelled.');
    assert.equal(await page.locator('#report tr').count(), 0);
    await page.fill('#bootstrap', '200');
    await settle(page, () => page.click('#run'));
    assert.equal(await errorText(page), null);
    await page.waitForSelector('#report tr[data-metric="roc_auc"]');
  });

  test('a WebAssembly trap shows a clear message, and a fresh worker takes over', async () => {
    const { page } = b;
    await settle(page, () => page.click('#demo'));
    const fresh = page.waitForEvent('worker', { timeout: 10_000 });
    fresh.catch(() => {});
    // 2^32 - 1 resamples (the form refuses such a number; the API hook lets
    // it through): the engine refuses it today, and were it to try, its
    // allocation would trap. The demo runs its model: no score columns.
    const outcome = await page.evaluate(() => window.assay.run({ label: 'default', bootstrap: 4294967295 }));
    assert.equal(outcome.ok, false);
    const error = await errorText(page);
    assert.ok(error, 'an error is shown');
    if (/crashed/.test(error)) {
      assert.match(error, /engine has been restarted/);
      await fresh; // the page replaced the dead worker
    }
    // Usable again, in the new worker.
    await page.fill('#bootstrap', '100');
    await settle(page, () => page.click('#run'));
    assert.equal(await errorText(page), null);
    await page.waitForSelector('#report tr[data-metric="roc_auc"]');
  });

  test('a file dropped on the drop zone is read like a chosen one', async () => {
    const { page } = b;
    const csv = await readFile(join(root, 'tests/golden/cases/regression_basic.csv'), 'utf8');
    await settle(page, () =>
      page.evaluate((text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
        document.getElementById('drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, csv),
    );
    assert.equal(await errorText(page), null);
    assert.match(await page.locator('#file-info').textContent(), /^dropped\.csv/);
    assert.equal(await page.inputValue('#label'), 'target');
    assert.deepEqual(await page.$$eval('#scores input:checked', (bs) => bs.map((x) => x.value)), ['prediction']);
    assert.equal(await page.inputValue('#task'), 'regression');
    await page.fill('#bootstrap', '100');
    await runForm(page);
    assert.equal(await errorText(page), null);
    await page.waitForSelector('#report tr[data-metric="rmse"]');
  });

  test('works offline once loaded', async () => {
    const { page, context } = b;
    const before = b.requests.length;
    await context.setOffline(true);
    try {
      await runDemo(page);
      const m = await shownMetrics(page);
      assert.ok(Number.isFinite(m.roc_auc.value));
      // And a user's file (nothing to fetch at all).
      await chooseFile(page, join(root, 'tests/golden/cases/binary_basic.csv'));
      await fillForm(page, { label: 'y', scores: ['p'], task: 'binary', positive: '1', bootstrap: 100 });
      await runForm(page);
      assert.equal(await errorText(page), null);
      await page.waitForSelector('#report tr[data-metric="roc_auc"]');
      assert.deepEqual(b.requests.slice(before), [], 'no request at all while offline');
    } finally {
      await context.setOffline(false);
    }
    assert.deepEqual(b.foreign(), []);
    assert.deepEqual(b.errors, []);
  });
});
