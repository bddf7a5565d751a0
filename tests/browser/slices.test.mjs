// The page's "Slices and fairness" section: the choices reach the plan, the
// page shows the slice audit and fairness tables, computes exactly what the
// npm package computes in Node from the same plan, sends nothing off the
// machine, and its downloaded report leaves out slices under the limit.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { open, missing, root, errorText, chooseFile, fillForm, runForm } from './helpers.mjs';
import * as assay from '../../pkg/index.js';

const skip = missing();
const CSV = join(root, 'tests/golden/fairness/fairness.csv');

describe('slices', { skip }, () => {
  let b;
  before(async () => {
    b = await open();
  });
  after(async () => {
    await b?.close();
  });

  test('slices, a cross, a filter and a sensitive column, as the package computes them', async () => {
    const { page } = b;
    await page.goto(`${b.base}/`);
    await chooseFile(page, CSV);
    await fillForm(page, { label: 'label', scores: ['score'], bootstrap: 50, seed: 3, calibrate: false });
    await page.locator('#slice-columns input[value="sex"]').check();
    await page.locator('#slice-columns input[value="age"]').check();
    await page.fill('#slice-crosses', 'sex*race');
    await page.fill('#slice-filters', 'race = black AND age > 50');
    await page.fill('#min-cell', '30');
    await page.locator('#sensitive-columns input[value="race"]').check();
    await runForm(page);
    assert.equal(await errorText(page), null);

    const groupings = await page.$$eval('#report section[data-section="slices"] table[data-grouping]', (ts) => ts.map((t) => t.dataset.grouping));
    assert.deepEqual(groupings, ['sex', 'age', 'sex × race', 'race = black AND age > 50']);
    // The page shows small slices, marked.
    assert.ok((await page.locator('#report section[data-section="slices"] tr.small').count()) > 0);
    assert.equal(await page.locator('#report section[data-section="fairness"] table.fairness-groups').count(), 1);
    assert.equal(await page.locator('#report figure[data-plot="slice_gaps"] svg').count(), 1);
    assert.deepEqual(b.foreign(), []);

    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#downloads button[data-format="json"]')]);
    const report = JSON.parse(await readFile(await dl.path(), 'utf8'));
    const cross = report.slices.groupings[2];
    assert.ok(cross.slices.every((s) => s.rows >= 30), 'no slice under the limit leaves the page');
    assert.ok(cross.suppressed > 0);

    // The same plan through the package in Node: the same numbers.
    const plan = report.provenance.plan;
    plan.inputs[0].name = 'fairness.csv';
    const node = await assay.run(plan, { 'fairness.csv': new Uint8Array(await readFile(CSV)) });
    const exported = JSON.parse(await assay.exportReport(node.report));
    assert.deepEqual(report.slices, exported.slices);
    assert.deepEqual(report.fairness, exported.fairness);
    assert.deepEqual(b.errors, []);
  });

  test('a filter that does not parse marks the slices section', async () => {
    const { page } = b;
    await page.fill('#slice-filters', 'age >');
    await runForm(page);
    const err = await errorText(page);
    assert.match(err, /position/);
    assert.equal(await page.locator('#slices-group.bad-field').count(), 1);
  });
});
