// Not a test: save screenshots of the page with results, to look at the
// layout. Usage: node tests/browser/screenshot.mjs [out-dir]
// Writes, each 1400 px wide (full page) and 400 px wide (narrow):
//   demo-*.png         the demo (/?demo: its model run over its data, with the
//                      default calibration analysis)
//   model-form-*.png   the form with a model loaded: demo.csv and the demo model
//                      dropped by hand (p_default left out of the features)
//   model-webgpu-*.png the digits MLP (tests/onnx) run on WebGPU (Chromium's
//                      SwiftShader adapter, --enable-unsafe-webgpu)
//   calibration-*.png  tests/golden/calibration/cal_binary_overconfident.csv
//                      by segment, with a saved calibrator chip
//   multiclass-*.png   tests/golden/calibration/cal_multiclass.csv (wide
//                      one-vs-rest recalibration summaries)
import { join, resolve } from 'node:path';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { open, root, chooseFile, fillForm, runForm, settle, WEBGPU } from './helpers.mjs';

const out = resolve(process.argv[2] || '.');
await mkdir(out, { recursive: true });
const cal = (f) => join(root, 'tests/golden/calibration', f);

const scenes = {
  async demo(page, base) {
    await page.goto(`${base}/?demo`);
    await page.waitForSelector('#report tr[data-metric="roc_auc"]', { timeout: 30_000 });
  },
  async calibration(page, base) {
    await page.goto(base);
    await page.waitForSelector('html[data-ready]');
    await chooseFile(page, cal('cal_binary_overconfident.csv'));
    await fillForm(page, { label: 'y', scores: ['p'], task: 'binary', bootstrap: 200, calibrate: true });
    await page.selectOption('#slice', 'segment');
    await runForm(page);
    // Save the best calibrator and apply it (the chip shows in the form).
    const tmp = await mkdtemp(join(tmpdir(), 'assay-shot-'));
    try {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download-calibrator')]);
      const path = join(tmp, dl.suggestedFilename());
      await dl.saveAs(path);
      await settle(page, () => page.setInputFiles('#calibrator-file', path));
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
  async 'model-form'(page, base) {
    await page.goto(base);
    await page.waitForSelector('html[data-ready]');
    await chooseFile(page, join(root, 'web/demo/demo.csv'));
    await settle(page, () => page.setInputFiles('#model-file', join(root, 'web/demo/demo_model.onnx')));
  },
  async 'model-webgpu'(page, base) {
    await page.goto(base);
    await page.waitForSelector('html[data-ready]');
    await settle(page, () => page.setInputFiles('#model-file', join(root, 'tests/onnx/models/digits_mlp.onnx')));
    await chooseFile(page, join(root, 'tests/onnx/data/digits_test.csv'));
    await page.fill('#bootstrap', '200');
    await runForm(page);
  },
  async multiclass(page, base) {
    await page.goto(base);
    await page.waitForSelector('html[data-ready]');
    await chooseFile(page, cal('cal_multiclass.csv'));
    await fillForm(page, { label: 'label', scores: ['p_c0', 'p_c1', 'p_c2', 'p_c3'], task: 'multiclass', bootstrap: 200, calibrate: true });
    await runForm(page);
  },
};

for (const [scene, run] of Object.entries(scenes)) {
  for (const [width, height, suffix] of [[1400, 1000, 'wide'], [400, 800, 'narrow']]) {
    const b = await open({ viewport: { width, height }, args: scene === 'model-webgpu' ? [WEBGPU] : [] });
    try {
      await run(b.page, b.base);
      await b.page.evaluate(() => window.scrollTo(0, 0));
      const name = join(out, `${scene}-${suffix}.png`);
      await b.page.screenshot({ path: name, fullPage: true });
      const overflow = await b.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      console.log(name, overflow > 0 ? `(page wider than the viewport by ${overflow} px)` : '');
    } finally {
      await b.close();
    }
  }
}
