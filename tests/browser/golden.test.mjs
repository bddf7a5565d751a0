// Golden fixtures through the UI: choose the file with the file input, set
// the form, run, and compare every metric the page shows with scikit-learn's
// value (tests/golden/expected) within 1e-9 relative.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, missing, root, shownMetrics, errorText, chooseFile, fillForm, runForm, readJson, near } from './helpers.mjs';

const skip = missing();
const expectedDir = join(root, 'tests/golden/expected');
const REQUIRED = ['binary_basic', 'binary_strings', 'multiclass_3', 'regression_basic'];
// Every committed case (the required four at least).
const cases = [...new Set([...REQUIRED, ...readdirSync(expectedDir).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''))])];

describe('golden fixtures through the page', { skip }, () => {
  let b;
  before(async () => {
    b = await open();
    await b.page.goto(b.base);
    await b.page.waitForSelector('html[data-ready]');
  });
  after(async () => {
    await b?.close();
  });

  for (const name of cases) {
    test(name, async () => {
      const { page } = b;
      const exp = await readJson(join(expectedDir, `${name}.json`));
      await chooseFile(page, join(root, 'tests/golden/cases', exp.file));
      assert.equal(await errorText(page), null);
      await fillForm(page, {
        label: exp.label,
        scores: exp.scores,
        task: exp.task,
        positive: exp.positive,
        threshold: exp.threshold,
        bootstrap: 50,
        seed: 1,
      });
      await runForm(page);
      assert.equal(await errorText(page), null);
      assert.equal(await page.locator('#report section.assay-report').getAttribute('data-task'), exp.task);

      const shown = await shownMetrics(page);
      const keys = Object.keys(exp.metrics);
      assert.ok(keys.length > 0);
      for (const key of keys) {
        const want = exp.metrics[key];
        const got = shown[key];
        assert.ok(got, `${name}: metric ${key} is shown`);
        if (want === null) {
          assert.equal(got.value, null, `${name}: ${key} should be undefined, page shows ${got.text}`);
          assert.equal(got.text, 'undefined');
        } else {
          assert.ok(near(got.value, want), `${name}: ${key} page ${got.value} vs scikit-learn ${want}`);
        }
      }
      // The class table agrees with the expected counts.
      if (exp.per_class) {
        const support = await page.$$eval('#report table.classes tbody tr', (rows) =>
          Object.fromEntries(rows.map((r) => [r.dataset.class, Number(r.children[1].textContent)])),
        );
        exp.per_class.labels.forEach((l, i) => assert.equal(support[l], exp.per_class.support[i], `${name}: support of ${l}`));
      }
      assert.match(await page.locator('#report thead').first().textContent(), /50 bootstrap resamples/);
    });
  }

  test('no request left this machine', () => {
    assert.deepEqual(b.foreign(), []);
    assert.deepEqual(b.errors, []);
  });
});
