// Not a test: save screenshots of the page with the demo's results, to look
// at the layout. Usage: node tests/browser/screenshot.mjs [out-dir]
// Writes demo-wide.png (1400 px wide, full page) and demo-narrow.png (400 px).
import { join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { open } from './helpers.mjs';

const out = resolve(process.argv[2] || '.');
await mkdir(out, { recursive: true });
for (const [name, viewport] of [['demo-wide.png', { width: 1400, height: 1000 }], ['demo-narrow.png', { width: 400, height: 800 }]]) {
  const b = await open({ viewport });
  try {
    await b.page.goto(`${b.base}/?demo`);
    await b.page.waitForSelector('#report tr[data-metric="roc_auc"]', { timeout: 30_000 });
    await b.page.evaluate(() => window.scrollTo(0, 0));
    await b.page.screenshot({ path: join(out, name), fullPage: true });
    console.log(join(out, name));
  } finally {
    await b.close();
  }
}
