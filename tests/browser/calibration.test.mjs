// Calibration through the page: the scores equal the reference values
// (tests/golden/calibration, scikit-learn and friends) and what the command
// line prints for the same file and seed (ECE and its interval to the bit; a
// logistic fit's last bits may differ between wasm and native); the reliability diagram
// draws one bar per non-empty bin; a fitted calibrator downloads, applies to a
// later run, and keeps the ranking; bad calibrator files give the engine's
// one-line message and leave the page usable; nothing leaves this machine.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  open,
  missing,
  root,
  shownMetrics,
  errorText,
  chooseFile,
  fillForm,
  runForm,
  runDemo,
  settle,
  readJson,
  near,
  CALIBRATION_SCORES,
} from './helpers.mjs';

const skip = missing();
const dir = join(root, 'tests/golden/calibration');
const OVERCONFIDENT = join(dir, 'cal_binary_overconfident.csv');
const MULTICLASS = join(dir, 'cal_multiclass.csv');
const SECTION = '#report section[data-section="calibration"]';
const BARS = `${SECTION} figure[data-plot="reliability"] svg rect[fill="#0072B2"]`;
// Maps that are strictly increasing in the score: they keep every pairwise order, so ROC AUC.
const STRICTLY_MONOTONE = ['temperature', 'platt', 'beta'];

/** Newest modification time of the files under `d`. */
function newest(d) {
  let t = 0;
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Cargo's target directory (CI sets CARGO_TARGET_DIR outside the checkout). */
function targetDir() {
  try {
    const meta = execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
    return JSON.parse(meta).target_directory;
  } catch {
    return process.env.CARGO_TARGET_DIR ? resolve(root, process.env.CARGO_TARGET_DIR) : join(root, 'target');
  }
}

/**
 * The `assay` binary to compare with: release, else debug, whichever is not
 * older than the sources it is built from (a stale binary may predate
 * `calibrate`); with neither, build the debug one.
 */
function cliBinary() {
  const target = targetDir();
  const sources = Math.max(...['engine', 'report', 'cli'].map((c) => newest(join(root, 'crates', c, 'src'))));
  for (const profile of ['release', 'debug']) {
    const bin = join(target, profile, 'assay');
    if (existsSync(bin) && statSync(bin).mtimeMs >= sources) return bin;
  }
  execFileSync('cargo', ['build', '-p', 'assay-cli'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  return join(target, 'debug', 'assay');
}

function cli(bin, args) {
  return execFileSync(bin, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
}

/** Deep equality, numbers within 1e-12 relative (a fit's last bits may differ between wasm and native). */
function assertClose(got, want, path) {
  if (typeof want === 'number') {
    assert.equal(typeof got, 'number', path);
    assert.ok(near(got, want, 1e-12), `${path}: page ${got} vs CLI ${want}`);
  } else if (want !== null && typeof want === 'object') {
    assert.ok(got !== null && typeof got === 'object', path);
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), path);
    for (const k of Object.keys(want)) assertClose(got[k], want[k], `${path}.${k}`);
  } else {
    assert.equal(got, want, path);
  }
}

/** Non-empty bins of a reference diagram. */
const nonEmpty = (diagram) => diagram.counts.filter((c) => c > 0).length;

/**
 * Held-out values in the recalibration table: {method: {key: value}} (`none`
 * is the "before" row). Cells are keyed `before:KEY`, `after:KEY` and
 * `change:KEY`; this returns the before/after value under the bare KEY.
 */
async function recalibrationTable(page) {
  return page.$$eval(`${SECTION} table.recalibration tbody tr[data-method]`, (rows) =>
    Object.fromEntries(
      rows.map((tr) => {
        const cells = {};
        for (const td of tr.querySelectorAll('td[data-key]')) {
          const [kind, key] = td.dataset.key.split(':');
          if (kind === 'change') continue;
          cells[key] = td.dataset.value === '' ? null : Number(td.dataset.value);
        }
        return [tr.dataset.method, cells];
      }),
    ),
  );
}

describe('calibration through the page', { skip }, () => {
  let b;
  let bin;
  let tmp;
  let binaryCalibrator; // path of a downloaded binary calibrator
  before(async () => {
    bin = cliBinary();
    tmp = await mkdtemp(join(tmpdir(), 'assay-calibration-'));
    b = await open();
    await b.page.goto(b.base);
    await b.page.waitForSelector('html[data-ready]');
  });
  after(async () => {
    await b?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test('overconfident binary: the reference values, and the command line (ECE to the bit)', async (t) => {
    const { page } = b;
    const ref = await readJson(join(dir, 'cal_binary_overconfident.json'));
    await chooseFile(page, OVERCONFIDENT);
    assert.equal(await errorText(page), null);
    // On by default for a classification task, with all five methods.
    assert.ok(await page.locator('#calibrate').isChecked());
    assert.deepEqual(await page.$$eval('#methods input:checked', (bs) => bs.map((x) => x.value)), ['temperature', 'platt', 'isotonic', 'histogram', 'beta']);
    assert.equal(await page.inputValue('#bins'), '15');
    assert.match(await page.locator('#run').textContent(), /calibration/);
    // The slice menu offers the categorical column.
    assert.deepEqual(await page.$$eval('#slice option', (os) => os.map((o) => o.value)), ['', 'segment']);
    await fillForm(page, { label: 'y', scores: ['p'], task: 'binary', bootstrap: 100, seed: 0, calibrate: true });
    await page.selectOption('#slice', 'segment');
    await runForm(page);
    assert.equal(await errorText(page), null);
    await page.waitForSelector(SECTION);

    const shown = await shownMetrics(page, CALIBRATION_SCORES);
    for (const key of ['ece', 'ece_adaptive', 'mce', 'brier', 'log_loss']) {
      assert.ok(shown[key], `${key} is shown`);
      assert.ok(near(shown[key].value, ref.metrics[key]), `${key}: page ${shown[key].value} vs reference ${ref.metrics[key]}`);
    }

    // The command line, same file, same seed: the same numbers, intervals included.
    t.diagnostic(`CLI: ${bin}`);
    const out = JSON.parse(cli(bin, ['calibrate', '--data', OVERCONFIDENT, '--label', 'y', '--score', 'p', '--slice', 'segment', '--bootstrap', '100', '--json', '-']));
    const scores = out.calibration.reliability.scores;
    const ece = scores.find((m) => m.key === 'ece');
    assert.equal(shown.ece.value, ece.value, 'ECE: page vs CLI');
    assert.equal(shown.ece.lower, ece.ci.lower, 'ECE CI lower: page vs CLI');
    assert.equal(shown.ece.upper, ece.ci.upper, 'ECE CI upper: page vs CLI');
    // Every other score too, bit for bit: the engine's exp/ln come from the
    // same pure-Rust libm in WebAssembly and natively.
    for (const m of scores) {
      const s = shown[m.key];
      assert.ok(s, `${m.key} is shown`);
      const pairs = [[s.value, m.value, 'value'], ...(m.ci ? [[s.lower, m.ci.lower, 'CI lower'], [s.upper, m.ci.upper, 'CI upper']] : [])];
      for (const [page, native, what] of pairs) {
        assert.equal(page, native, `${m.key} ${what}: page vs CLI`);
      }
    }

    // One accuracy bar per non-empty bin.
    assert.equal(await page.locator(BARS).count(), nonEmpty(ref.reliability.uniform));
    assert.equal(await page.locator(BARS).count(), 15);
    for (const id of ['reliability-quantile', 'confidence', 'recalibration']) {
      assert.equal(await page.locator(`${SECTION} figure[data-plot="${id}"] svg`).count(), 1, `${id} plot`);
    }

    // Recalibration: "before" and the five methods; the best agrees with the CLI.
    const table = await recalibrationTable(page);
    assert.deepEqual(Object.keys(table), ['none', 'temperature', 'platt', 'isotonic', 'histogram', 'beta']);
    const rc = out.calibration.recalibration;
    for (const m of rc.methods) {
      const native = m.after.find((x) => x.key === 'log_loss').value;
      assert.equal(table[m.method].log_loss, native, `${m.method} held-out log loss: page vs CLI`);
    }
    assert.equal(await page.getAttribute(`${SECTION} table.recalibration tr.best`, 'data-method'), rc.best);

    // By slice: the reference's groups and values.
    const slices = await page.$$eval(`${SECTION} table.slices tbody tr[data-slice]`, (rows) =>
      rows.map((tr) => ({ value: tr.dataset.slice, rows: Number(tr.children[1].textContent), ece: Number(tr.querySelector('td[data-key="ece"]').dataset.value) })),
    );
    assert.deepEqual(slices.map((s) => s.value), Object.keys(ref.by_slice.groups).sort());
    for (const s of slices) {
      const g = ref.by_slice.groups[s.value];
      assert.equal(s.rows, g.n, `rows of segment ${s.value}`);
      assert.ok(near(s.ece, g.metrics.ece), `ECE of segment ${s.value}: page ${s.ece} vs reference ${g.metrics.ece}`);
    }
  });

  test('a fitted calibrator downloads, applies to a later run, and keeps the ranking', async () => {
    const { page } = b;
    const best = await page.getAttribute(`${SECTION} table.recalibration tr.best`, 'data-method');
    assert.ok(best, 'a best method is marked');
    // The save menu lists the five methods and defaults to the best.
    assert.deepEqual(await page.$$eval('#calibrator-method option', (os) => os.map((o) => o.value)), ['temperature', 'platt', 'isotonic', 'histogram', 'beta']);
    assert.equal(await page.inputValue('#calibrator-method'), best);
    const save = async () => {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download-calibrator')]);
      assert.equal(await dl.failure(), null);
      assert.match(dl.url(), /^blob:/);
      const path = join(tmp, dl.suggestedFilename());
      await dl.saveAs(path);
      return { path, name: dl.suggestedFilename(), artifact: JSON.parse(await readFile(path, 'utf8')) };
    };
    let saved = await save();
    assert.equal(saved.artifact.method, best);
    // Keep the check exact: apply a map that is strictly increasing.
    if (!STRICTLY_MONOTONE.includes(best)) {
      await page.selectOption('#calibrator-method', 'temperature');
      saved = await save();
    }
    const method = saved.artifact.method;
    assert.equal(saved.name, `assay-cal_binary_overconfident-${method}.calibrator.json`);
    assert.equal(saved.artifact.task, 'binary');
    assert.ok(saved.artifact.assay_calibrator);
    binaryCalibrator = saved.path;

    // The same calibrator as the command line exports (same seed, same split).
    const exported = join(tmp, 'cli-calibrator.json');
    cli(bin, ['calibrate', '--data', OVERCONFIDENT, '--label', 'y', '--score', 'p', '--slice', 'segment', '--bootstrap', '100', '--quiet', '--export-calibrator', exported, '--export-method', method]);
    assertClose(saved.artifact, await readJson(exported), 'calibrator');

    const before = await shownMetrics(page);
    await settle(page, () => page.setInputFiles('#calibrator-file', saved.path));
    assert.equal(await errorText(page), null);
    assert.ok(await page.locator('#calibrator-chip').isVisible());
    assert.match(await page.locator('#calibrator-chip').textContent(), new RegExp(`^${method} binary calibrator fitted on cal_binary_overconfident\\.csv`));
    assert.match(await page.getAttribute('#calibrator-chip', 'title'), new RegExp(saved.name.replace(/\./g, '\\.')));

    // A plain evaluation, with the saved map applied first.
    await page.locator('#calibrate').setChecked(false);
    assert.equal(await page.locator('#run').textContent(), 'Run evaluation');
    await runForm(page);
    assert.equal(await errorText(page), null);
    assert.equal(await page.locator(SECTION).count(), 0, 'no calibration section in a plain evaluation');
    const line = await page.locator('#report p.sub', { hasText: 'Scores recalibrated before evaluation' }).textContent();
    assert.match(line, new RegExp(`saved ${method} calibrator`));
    assert.match(line, /cal_binary_overconfident\.csv/);
    const after = await shownMetrics(page);
    assert.notEqual(after.log_loss.value, before.log_loss.value, 'log loss changes');
    assert.ok(after.log_loss.value < before.log_loss.value, `log loss improves: ${before.log_loss.value} → ${after.log_loss.value}`);
    assert.ok(Math.abs(after.roc_auc.value - before.roc_auc.value) <= 1e-12, `ROC AUC unchanged: ${before.roc_auc.value} → ${after.roc_auc.value}`);

    // Removed, the next run uses the scores as they are.
    await page.click('#calibrator-remove');
    assert.ok(await page.locator('#calibrator-chip').isHidden());
    await runForm(page);
    assert.equal(await errorText(page), null);
    assert.equal(await page.locator('#report p.sub', { hasText: 'Scores recalibrated' }).count(), 0);
    assert.equal((await shownMetrics(page)).log_loss.value, before.log_loss.value);
  });

  test('tied scores: the reliability diagram skips the empty bins', async () => {
    const { page } = b;
    const ref = await readJson(join(dir, 'cal_binary_ties.json'));
    await chooseFile(page, join(dir, 'cal_binary_ties.csv'));
    await fillForm(page, { label: 'y', scores: ['p'], task: 'binary', bootstrap: 20, calibrate: true });
    await runForm(page);
    assert.equal(await errorText(page), null);
    assert.equal(nonEmpty(ref.reliability.uniform), 13);
    assert.equal(await page.locator(BARS).count(), 13);
    const shown = await shownMetrics(page, CALIBRATION_SCORES);
    assert.ok(near(shown.ece.value, ref.metrics.ece), `ECE: page ${shown.ece.value} vs reference ${ref.metrics.ece}`);
  });

  test('multiclass: class-wise ECE', async () => {
    const { page } = b;
    const ref = await readJson(join(dir, 'cal_multiclass.json'));
    await chooseFile(page, MULTICLASS);
    await fillForm(page, { label: 'label', scores: ['p_c0', 'p_c1', 'p_c2', 'p_c3'], task: 'multiclass', bootstrap: 20, calibrate: true });
    await runForm(page);
    assert.equal(await errorText(page), null);
    const shown = await shownMetrics(page, CALIBRATION_SCORES);
    for (const key of ['classwise_ece', 'ece', 'ece_adaptive', 'mce', 'brier', 'log_loss']) {
      assert.ok(near(shown[key].value, ref.metrics[key]), `${key}: page ${shown[key].value} vs reference ${ref.metrics[key]}`);
    }
    const classes = await page.$$eval(`${SECTION} table.classwise tbody tr`, (rows) => rows.map((r) => r.children[0].textContent));
    assert.deepEqual(classes, ['c0', 'c1', 'c2', 'c3']);
    assert.match(await page.locator(`${SECTION} h3`, { hasText: 'Class-wise' }).textContent(), /Class-wise ECE/);
    assert.equal(await page.locator(BARS).count(), nonEmpty(ref.reliability.uniform));
  });

  test('bad calibrator files: the engine says why, and the page stays usable', async () => {
    const { page } = b;
    assert.ok(binaryCalibrator, 'a binary calibrator was saved earlier');
    const notJson = join(tmp, 'notes.json');
    await writeFile(notJson, 'these are my notes, not a calibrator\n');
    // The multiclass file is loaded and its settings are in the form.
    await page.locator('#calibrate').setChecked(false);
    for (const [file, message] of [
      [notJson, 'not an Assay calibrator file'],
      [binaryCalibrator, 'fitted on a binary task'],
    ]) {
      await settle(page, () => page.setInputFiles('#calibrator-file', file));
      assert.equal(await errorText(page), null);
      await runForm(page);
      const error = await errorText(page);
      assert.ok(error && error.includes(message), `error "${error}" should contain "${message}"`);
      assert.doesNotMatch(error, /\n/, 'the message is one line');
      assert.match(await page.locator('#error-hint').textContent(), /Remove the saved calibrator/);
      assert.ok(await page.locator('#calibrator-chip.bad').isVisible(), 'the chip shows the calibrator is the problem');
      assert.equal(await page.locator('#report tr').count(), 0, 'no stale report next to an error');
      assert.ok(await page.locator('#run').isEnabled());
      assert.ok(await page.locator('#file').isEnabled());
    }
    // With calibration on, the same refusal.
    await page.locator('#calibrate').setChecked(true);
    await runForm(page);
    assert.match(await errorText(page), /fitted on a binary task/);
    // Removed: the page runs again, the demo too.
    await page.click('#calibrator-remove');
    await runForm(page);
    assert.equal(await errorText(page), null);
    await page.waitForSelector(`${SECTION} table.classwise`);
    await runDemo(page);
    assert.equal(await errorText(page), null);
  });

  test('form checks: regression turns calibration off, bad settings get a clear message', async () => {
    const { page } = b;
    await chooseFile(page, join(root, 'tests/golden/cases/regression_basic.csv'));
    assert.ok(await page.locator('#calibrate').isDisabled());
    assert.ok(await page.locator('#calibration-options').isHidden());
    assert.equal(await page.locator('#run').textContent(), 'Run evaluation');
    await page.selectOption('#task', 'binary');
    assert.ok(await page.locator('#calibrate').isChecked());

    await chooseFile(page, OVERCONFIDENT);
    await page.fill('#bootstrap', '0');
    // The engine's range checks, through the form.
    await page.fill('#bins', '0');
    await runForm(page);
    assert.match(await errorText(page), /0 bins: choose between 1 and 255/);
    await page.fill('#bins', '15');
    await page.selectOption('#split', 'folds');
    assert.ok(await page.locator('#folds').isVisible());
    assert.ok(await page.locator('#fraction').isHidden());
    await page.fill('#folds', '1');
    await runForm(page);
    assert.match(await errorText(page), /1 folds: need at least 2/);
    // A split by a column: rows with segment = A fit, the others judge.
    await page.selectOption('#split', 'column');
    await page.selectOption('#split-column', 'segment');
    await page.fill('#split-value', 'A');
    await runForm(page);
    assert.equal(await errorText(page), null);
    assert.match(await page.locator(`${SECTION} h3 + p.sub`).first().textContent(), /segment = 'A' fit/);
    await page.fill('#split-value', 'Z');
    await runForm(page);
    assert.match(await errorText(page), /no row has segment = 'Z'/);
    // Five folds; no method ticked: calibration is measured, nothing fitted.
    await page.selectOption('#split', 'folds');
    await page.fill('#folds', '5');
    for (const box of await page.locator('#methods input').all()) await box.setChecked(false);
    await runForm(page);
    assert.equal(await errorText(page), null);
    await page.waitForSelector(`${SECTION} table.calibration-scores`);
    assert.equal(await page.locator(`${SECTION} table.recalibration`).count(), 0);
    assert.equal(await page.locator('#calibrator-save').count(), 0);
  });

  test('no request left this machine', () => {
    assert.deepEqual(b.foreign(), []);
    assert.deepEqual(b.errors, []);
  });
});
