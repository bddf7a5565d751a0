// Running the user's ONNX model in the page: on WebGPU (Chromium with
// --enable-unsafe-webgpu: SwiftShader's adapter, on the CPU) and on the CPU
// fallback (without the flag there is no adapter), the digits MLP gives
// scikit-learn's accuracy exactly and its log loss within float32 rounding;
// the demo model reproduces the demo's own predictions; bad models give one
// clear line and leave the page usable; nothing leaves this machine.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  open,
  missing,
  root,
  WEBGPU,
  shownMetrics,
  errorText,
  chooseFile,
  dropFile,
  runForm,
  settle,
  readJson,
  near,
} from './helpers.mjs';
import * as assay from '../../pkg/index.js';

const skip = missing();
const DIGITS_MODEL = join(root, 'tests/onnx/models/digits_mlp.onnx');
const DIGITS_CSV = join(root, 'tests/onnx/data/digits_test.csv');
const DEMO_MODEL = join(root, 'web/demo/demo_model.onnx');
const DEMO_CSV = join(root, 'web/demo/demo.csv');
const DEMO_FEATURES = ['age', 'income', 'debt_ratio', 'credit_lines', 'late_payments', 'years_employed', 'loan_amount', 'savings'];
const DIGITS_FEATURES = Array.from({ length: 64 }, (_, i) => `f${i}`);

/** The chosen features, in the order the page passes them (its order badges). */
async function chosenFeatures(page) {
  const rows = await page.$$eval('#features label.check', (ls) =>
    ls.map((l) => ({ name: l.querySelector('input').value, at: l.querySelector('.ord').textContent })),
  );
  return rows.filter((r) => r.at !== '').sort((a, b) => Number(a.at) - Number(b.at)).map((r) => r.name);
}

/** The device the page shows for the last run, and the report's own device string. */
async function shownDevice(page) {
  return {
    badge: (await page.locator('#run-device strong').textContent()).trim(),
    report: await page.locator('#run-device').getAttribute('data-device'),
    line: await page.locator('#report p.model-run').getAttribute('data-device'),
    seconds: Number(await page.locator('#run-device').getAttribute('data-seconds')),
    ms: Number(await page.locator('#results').getAttribute('data-ms')),
  };
}

/** Load the digits model and data, check the guesses, and set a short run (bootstrap 20, no calibration). */
async function digitsForm(page, load) {
  await load();
  assert.equal(await errorText(page), null);
  assert.ok(await page.locator('#model-card').isVisible(), 'the model card shows');
  assert.match(await page.locator('#model-details dd[data-field="inputs"]').textContent(), /input float32 \[N, 64\]/);
  assert.match(await page.locator('#model-details dd[data-field="outputs"]').textContent(), /probabilities float32 \[N, 10\]/);
  assert.match(await page.locator('#model-details dd[data-field="operators"]').textContent(), /\d+ nodes, \d+ operator types/);
  assert.ok(await page.locator('#scores-field').isHidden(), 'no score columns with a model');
  assert.equal(await page.inputValue('#label'), 'label');
  assert.deepEqual(await chosenFeatures(page), DIGITS_FEATURES);
  assert.match(await page.locator('#features-picked').textContent(), /^Chosen \(64 of 64\)/);
  assert.equal(await page.inputValue('#output'), 'probabilities');
  assert.equal(await page.inputValue('#device'), 'auto');
  await page.fill('#bootstrap', '20');
  await page.locator('#calibrate').setChecked(false);
}

describe('models through the page', { skip }, () => {
  let b; // Chromium without WebGPU: the CPU fallback
  let tmp;
  let meta;
  before(async () => {
    meta = await readJson(join(root, 'tests/onnx/expected/digits_mlp/meta.json'));
    tmp = await mkdtemp(join(tmpdir(), 'assay-model-'));
    b = await open();
    await b.page.goto(b.base);
    await b.page.waitForSelector('html[data-ready]');
  });
  after(async () => {
    await b?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test('WebGPU (SwiftShader): the digits MLP gives scikit-learn’s accuracy, log loss within float32 rounding', async (t) => {
    const g = await open({ args: [WEBGPU] });
    try {
      const { page } = g;
      await page.goto(g.base);
      await page.waitForSelector('html[data-ready]');
      await digitsForm(page, async () => {
        await dropFile(page, '#model-drop', DIGITS_MODEL);
        await dropFile(page, '#drop', DIGITS_CSV, { type: 'text/csv' });
      });
      await runForm(page);
      assert.equal(await errorText(page), null);
      const d = await shownDevice(page);
      assert.match(d.badge, /^WebGPU/, `ran on ${d.badge}`);
      assert.match(d.report, /^WebGPU/);
      assert.equal(d.line, d.report, 'the report line names the same device');
      const m = await shownMetrics(page);
      assert.equal(m.accuracy.value, meta.sklearn_accuracy);
      assert.ok(near(m.log_loss.value, meta.sklearn_log_loss, 1e-5), `log loss ${m.log_loss.value} vs scikit-learn ${meta.sklearn_log_loss}`);
      assert.deepEqual(await page.$$eval('#report .warn', (ws) => ws.filter((w) => /WebGPU/.test(w.textContent)).length), 0);
      t.diagnostic(`device: ${d.badge} (report: ${d.report}); first run: model ${d.seconds} s, whole run ${d.ms} ms`);
      // Again: the shaders are compiled now.
      await runForm(page);
      const warm = await shownDevice(page);
      assert.equal((await shownMetrics(page)).accuracy.value, meta.sklearn_accuracy);
      t.diagnostic(`second run: model ${warm.seconds} s, whole run ${warm.ms} ms`);
      assert.deepEqual(g.foreign(), []);
      assert.deepEqual(g.errors, []);
    } finally {
      await g.close();
    }
  });

  test('no WebGPU: the CPU runs it, same accuracy, log loss within 1e-6, and the report says why', async (t) => {
    const { page } = b;
    await digitsForm(page, async () => {
      await chooseFile(page, DIGITS_CSV);
      await settle(page, () => page.setInputFiles('#model-file', DIGITS_MODEL));
    });
    await runForm(page);
    assert.equal(await errorText(page), null);
    const d = await shownDevice(page);
    assert.equal(d.badge, 'CPU (flex)');
    assert.equal(d.report, 'CPU (flex)');
    const m = await shownMetrics(page);
    assert.equal(m.accuracy.value, meta.sklearn_accuracy);
    assert.ok(near(m.log_loss.value, meta.sklearn_log_loss, 1e-6), `log loss ${m.log_loss.value} vs scikit-learn ${meta.sklearn_log_loss}`);
    const warnings = await page.$$eval('#report .warn', (ws) => ws.map((w) => w.textContent));
    assert.ok(warnings.some((w) => /WebGPU is not available/.test(w) && /ran on the CPU/.test(w)), `warnings: ${JSON.stringify(warnings)}`);
    t.diagnostic(`device: ${d.badge}; model ${d.seconds} s, whole run ${d.ms} ms`);

    // Asking for WebGPU where there is none: a clear refusal, and a pointer to the setting.
    await page.selectOption('#device', 'gpu');
    await runForm(page);
    const error = await errorText(page);
    assert.match(error ?? '', /WebGPU|GPU adapter/);
    assert.doesNotMatch(error, /\n/);
    assert.match(await page.locator('#error-hint').textContent(), /“Run on”/);
    await page.selectOption('#device', 'cpu');
    await runForm(page);
    assert.equal(await errorText(page), null);
    assert.equal((await shownDevice(page)).badge, 'CPU (flex)');
    assert.deepEqual(await page.$$eval('#report .warn', (ws) => ws.filter((w) => /WebGPU/.test(w.textContent)).length), 0, 'no warning when the CPU was asked for');
  });

  test('/?demo runs the demo model (CPU here) and reproduces the demo’s own p_default', async () => {
    const { page } = b;
    await page.goto(`${b.base}/?demo`);
    await page.waitForSelector('#report tr[data-metric="roc_auc"]', { timeout: 30_000 });
    assert.equal(await errorText(page), null);
    assert.equal(await page.locator('#model-name').textContent(), 'demo_model.onnx');
    assert.equal(await page.inputValue('#label'), 'default');
    assert.deepEqual(await chosenFeatures(page), DEMO_FEATURES);
    assert.equal(await page.inputValue('#device'), 'auto');
    assert.equal((await shownDevice(page)).badge, 'CPU (flex)');
    // Calibration is on, as for the predictions demo.
    assert.equal(await page.locator('#report section[data-section="calibration"]').count(), 1);

    await assay.init(await readFile(join(root, 'pkg/dist/assay_bg.wasm')));
    const csv = new Uint8Array(await readFile(DEMO_CSV));
    const own = await assay.evaluate(csv, { label: 'default', scores: ['p_default'], bootstrap: 0 });
    const want = Object.fromEntries(own.evaluation.metrics.map((x) => [x.key, x.value]));
    const m = await shownMetrics(page);
    assert.equal(m.roc_auc.value, want.roc_auc, 'the float32 model ranks the rows as scikit-learn’s float64 probabilities do');
    assert.ok(near(m.log_loss.value, want.log_loss, 1e-6), `log loss ${m.log_loss.value} vs ${want.log_loss}`);
    assert.deepEqual(b.foreign(), []);
  });

  test('bad models: one clear line each, and the page stays usable', async (t) => {
    const { page } = b;
    await page.goto(b.base);
    await page.waitForSelector('html[data-ready]');
    await chooseFile(page, DEMO_CSV);
    const half = join(tmp, 'demo_model.half.onnx');
    const bytes = await readFile(DEMO_MODEL);
    await writeFile(half, bytes.subarray(0, bytes.length >> 1));

    const refused = async (what, message, hint) => {
      const error = await errorText(page);
      t.diagnostic(`${what}: ${error}`);
      assert.ok(error, `${what}: an error is shown`);
      assert.ok(error.includes(message), `${what}: "${error}" should contain "${message}"`);
      assert.doesNotMatch(error, /\n/, `${what}: one line`);
      if (hint) assert.match(await page.locator('#error-hint').textContent(), hint);
      assert.equal(await page.locator('#report tr').count(), 0, `${what}: no stale report`);
      for (const control of ['#demo', '#file', '#model-file', '#run']) {
        assert.ok(await page.locator(control).isEnabled(), `${what}: ${control} is usable`);
      }
    };
    const noModel = async (what) => {
      assert.ok(await page.locator('#model-card').isHidden(), `${what}: no model is loaded`);
      assert.ok(await page.locator('#model-drop').isVisible(), `${what}: the model zone is back`);
      assert.ok(await page.locator('#scores-field').isVisible(), `${what}: the form evaluates score columns`);
    };

    await dropFile(page, '#model-drop', DEMO_CSV, { type: 'text/csv' });
    await refused('a CSV as the model', 'not an ONNX model');
    await noModel('a CSV as the model');
    assert.match(await errorText(page), /^demo\.csv: /, 'the message names the file');

    await settle(page, () => page.setInputFiles('#model-file', half));
    await refused('a truncated model', 'truncated');
    await noModel('a truncated model');

    await settle(page, () => page.setInputFiles('#model-file', join(root, 'tests/onnx/bad/unsupported_ops.onnx')));
    await refused('unsupported operators', "unsupported ONNX operators: Einsum (node 'einsum_1')");
    assert.match(await errorText(page), /Frobnicate \(node 'custom_1'/);

    await settle(page, () => page.setInputFiles('#model-file', join(root, 'tests/onnx/bad/zipmap.onnx')));
    await refused('ZipMap', 'zipmap=False', /skl2onnx/);
    await noModel('ZipMap');

    // A good model, dropped on the data zone (it passes a .onnx on to the model).
    await dropFile(page, '#drop', DEMO_MODEL);
    assert.equal(await errorText(page), null);
    assert.equal(await page.locator('#model-name').textContent(), 'demo_model.onnx');
    assert.match(await page.locator('#file-info').textContent(), /^demo\.csv/, 'the data stays');
    // The 9 numeric columns besides the label include p_default: left out, and said so.
    assert.deepEqual(await chosenFeatures(page), DEMO_FEATURES);
    assert.match(await page.locator('#features-note').textContent(), /p_default/);
    await page.fill('#bootstrap', '20');
    await page.locator('#calibrate').setChecked(false);

    // The wrong number of features, picked in the form.
    await page.click('#features-clear');
    await page.locator('#features input[value="income"]').check();
    await page.locator('#features input[value="age"]').check();
    assert.deepEqual(await chosenFeatures(page), ['income', 'age'], 'ticked order is input order');
    assert.match(await page.locator('#features-picked').textContent(), /2 of 8/);
    assert.ok(await page.locator('#features-picked.bad').isVisible());
    await runForm(page);
    await refused('two features for eight inputs', 'expects 8 features per row', /“Features”/);

    // An output the model lacks (the form only offers real ones: the API hook).
    await settle(page, () => page.evaluate((features) => window.assay.run({ label: 'default', features, output: 'scores', bootstrap: 20 }), DEMO_FEATURES));
    await refused('an unknown output', "unknown output 'scores'; the model's outputs are: label, probabilities", /Model output/);

    // Usable: the guess again, and a run.
    await page.click('#features-guess');
    await runForm(page);
    assert.equal(await errorText(page), null);
    await page.waitForSelector('#report tr[data-metric="roc_auc"]');
    assert.equal((await shownDevice(page)).badge, 'CPU (flex)');

    // "Remove model": back to evaluating the file's score columns.
    await settle(page, () => page.click('#model-remove'));
    await noModel('removed');
    assert.equal(await page.locator('#report tr').count(), 0, 'the model’s report goes with it');
    assert.deepEqual(await page.$$eval('#scores input:checked', (bs) => bs.map((x) => x.value)), ['p_default']);
    await runForm(page);
    assert.equal(await errorText(page), null);
    await page.waitForSelector('#report tr[data-metric="roc_auc"]');
    assert.ok(await page.locator('#run-device').isHidden(), 'no device without a model');
    assert.equal(await page.locator('#report p.model-run').count(), 0);
  });

  test('no request left this machine', () => {
    assert.deepEqual(b.foreign(), []);
    assert.deepEqual(b.errors, []);
  });
});
