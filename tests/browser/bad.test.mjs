// Bad inputs (tests/bad/cases.json) through the page: each error shows its
// one-line message in the alert box and leaves the page usable; each accepted
// case shows results, with its warning when the case names one.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { open, missing, root, errorText, chooseFile, fillForm, runForm, runDemo, settle, readJson } from './helpers.mjs';

const skip = missing();
const { cases } = await readJson(join(root, 'tests/bad/cases.json'));

describe('bad inputs through the page', { skip }, () => {
  let b;
  before(async () => {
    b = await open();
    await b.page.goto(b.base);
    await b.page.waitForSelector('html[data-ready]');
  });
  after(async () => {
    await b?.close();
  });

  for (const c of cases) {
    test(`${c.name} (${c.file})`, async (t) => {
      const { page } = b;
      await chooseFile(page, join(root, 'tests/bad', c.file));
      let error = await errorText(page);
      let via = 'inspect';
      if (error === null) {
        // The file's columns are known now; a mapping the form cannot offer
        // (a column the file lacks) goes through the page's API hook.
        const columns = await page.$$eval('#label option', (os) => os.map((o) => o.value));
        const wanted = [c.config.label, ...c.config.scores];
        const config = { ...c.config, bootstrap: 20 };
        if (wanted.every((col) => columns.includes(col))) {
          via = 'form';
          await fillForm(page, { task: 'auto', positive: '', logits: false, ...config });
          await runForm(page);
        } else {
          via = 'window.assay.run';
          await settle(page, () => page.evaluate((cfg) => window.assay.run(cfg), config));
        }
        error = await errorText(page);
      }

      t.diagnostic(`via ${via}: ${error ?? 'results shown'}`);
      if (c.ok) {
        assert.equal(error, null, `expected success (via ${via}), got: ${error}`);
        await page.waitForSelector('#report tr[data-metric]');
        if (c.message) {
          const warnings = await page.$$eval('#report .warn', (ws) => ws.map((w) => w.textContent));
          assert.ok(
            warnings.some((w) => w.includes(c.message)),
            `warning containing "${c.message}" expected; warnings: ${JSON.stringify(warnings)}`,
          );
        }
      } else {
        assert.ok(error !== null, `expected an error containing "${c.message}" (via ${via}), but the run succeeded`);
        assert.ok(error.includes(c.message), `error "${error}" should contain "${c.message}" (via ${via})`);
        assert.doesNotMatch(error, /\n/, 'the message is one line');
        // The page names the field that fixes it, where the CLI names the flag.
        if (c.hint) {
          const hint = await page.locator('#error-hint').textContent();
          assert.ok(hint.includes(c.hint), `hint "${hint}" should contain "${c.hint}"`);
        }
        assert.equal(await page.locator('#report tr').count(), 0, 'no stale report next to an error');
      }
      // Usable: the controls are enabled again.
      assert.ok(await page.locator('#demo').isEnabled());
      assert.ok(await page.locator('#file').isEnabled());
    });
  }

  test('after all of that, the demo still runs in the same page', async () => {
    await runDemo(b.page);
    assert.equal(await errorText(b.page), null);
    assert.deepEqual(b.foreign(), []);
    assert.deepEqual(b.errors, []);
  });
});
