// Benchmark: Assay's page engine against onnxruntime-web (wasm backend), side
// by side in one headless-chromium page, same models, batches and inputs.
//
//   node bench/bench_web.mjs [REPS]      (after bash scripts/build-web.sh and npm ci)
//
// Both run on the page's main thread after a warm-up; each reports the median
// ms per batch. onnxruntime-web uses its wasm execution provider with as many
// threads as the machine has cores (the page is cross-origin isolated);
// Assay uses its CPU (flex) backend, and — when the browser offers WebGPU
// (here: SwiftShader, a CPU emulation of a GPU, with --enable-unsafe-webgpu) —
// its WebGPU backend too. Prints the ratio onnxruntime-web / Assay (≥ 1:
// Assay at parity or faster).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const reps = Number(process.argv[2] || 30);
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream' };

const page = `<!doctype html><meta charset="utf-8"><script type="module">
import init, { AssayModel } from '/pkg/dist/assay.js';
import * as ort from '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs';
const reps = ${reps};
const cases = [['digits_mlp', 'input', [1, 64]], ['digits_mlp', 'input', [256, 64]], ['ppocr_mobile_v2_cls', 'x', [1, 3, 48, 192]], ['ppocr_mobile_v2_cls', 'x', [32, 3, 48, 192]]];
function input(shape) { const n = shape.reduce((a, b) => a * b, 1); const x = new Float32Array(n); let s = 42; for (let i = 0; i < n; i++) { s = (s * 1103515245 + 12345) % 2147483648; x[i] = (s / 2147483648) * 16; } return x; }
async function median(f, r) { for (let i = 0; i < 3; i++) await f(); const t = []; for (let i = 0; i < r; i++) { const s = performance.now(); await f(); t.push(performance.now() - s); } t.sort((a, b) => a - b); return t[Math.floor(t.length / 2)]; }
const out = [];
await init();
ort.env.wasm.numThreads = ${os.cpus().length};
ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
const gpu = !!(navigator.gpu && await navigator.gpu.requestAdapter());
for (const [name, inp, shape] of cases) {
  const bytes = new Uint8Array(await (await fetch('/tests/onnx/models/' + name + '.onnx')).arrayBuffer());
  const x = input(shape);
  const r = shape[0] >= 32 ? Math.max(5, Math.floor(reps / 5)) : reps;
  const sess = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const tOrt = await median(() => sess.run({ [inp]: new ort.Tensor('float32', x, shape) }), r);
  const cpu = await AssayModel.load(bytes, 'cpu');
  const tCpu = await median(() => cpu.run(inp, shape, x), r);
  let tGpu = null, gpuName = null;
  if (gpu) { const g = await AssayModel.load(bytes, 'gpu'); gpuName = g.device(); tGpu = await median(() => g.run(inp, shape, x), r); }
  out.push({ name, batch: shape[0], ort: tOrt, cpu: tCpu, gpu: tGpu, gpuName });
}
window.result = { out, isolated: crossOriginIsolated };
</script>`;

const server = createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
  if (path === '/') return res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(page);
  const file = normalize(join(root, path));
  if (!file.startsWith(root) || !/^\/(pkg|node_modules\/onnxruntime-web\/dist|tests\/onnx\/models)\//.test(path)) return res.writeHead(404).end();
  try { res.writeHead(200, { ...headers, 'Content-Type': types[extname(file)] || 'application/octet-stream' }).end(await readFile(file)); } catch { res.writeHead(404).end(); }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}/`;

for (const webgpu of [false, true]) {
  const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  if (webgpu) args.push('--enable-unsafe-webgpu');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args });
  const p = await browser.newPage();
  p.on('pageerror', (e) => console.error(e));
  await p.goto(base);
  await p.waitForFunction(() => window.result, null, { timeout: 600000 });
  const { out, isolated } = await p.evaluate(() => window.result);
  if (!webgpu) {
    console.log(`headless chromium, ${os.cpus().length} cores, onnxruntime-web 1.30 wasm EP (${isolated ? 'threads' : 'single-threaded'}), median of ${reps} runs (batch ≥ 32: ${Math.max(5, Math.floor(reps / 5))})`);
    console.log(`${'model'.padEnd(22)}${'batch'.padStart(6)}${'ort-web'.padStart(12)}${'assay cpu'.padStart(12)}${'ratio'.padStart(8)}`);
    for (const r of out) console.log(`${r.name.padEnd(22)}${String(r.batch).padStart(6)}${(r.ort.toFixed(3) + ' ms').padStart(12)}${(r.cpu.toFixed(3) + ' ms').padStart(12)}${((r.ort / r.cpu).toFixed(2) + 'x').padStart(8)}`);
  } else if (out[0].gpu !== null) {
    console.log(`\nwith --enable-unsafe-webgpu: Assay on ${out[0].gpuName}`);
    console.log(`${'model'.padEnd(22)}${'batch'.padStart(6)}${'ort-web'.padStart(12)}${'assay gpu'.padStart(12)}${'ratio'.padStart(8)}`);
    for (const r of out) console.log(`${r.name.padEnd(22)}${String(r.batch).padStart(6)}${(r.ort.toFixed(3) + ' ms').padStart(12)}${(r.gpu.toFixed(3) + ' ms').padStart(12)}${((r.ort / r.gpu).toFixed(2) + 'x').padStart(8)}`);
  }
  await browser.close();
}
server.close();
