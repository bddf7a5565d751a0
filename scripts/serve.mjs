// A static file server for the page, on 127.0.0.1 only. No dependencies.
// It sends the same Content-Security-Policy as index.html's meta tag (the
// worker's scripts get their policy from headers, not from the page), so the
// page and its worker cannot connect to any other origin.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.wasm': 'application/wasm', '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml', '.onnx': 'application/octet-stream', '.md': 'text/markdown; charset=utf-8',
  '.png': 'image/png', '.ico': 'image/x-icon', '.ts': 'text/plain; charset=utf-8',
};
// Only these top-level paths are served: the page, its scripts, the package, the demo.
const allowed = ['index.html', 'web/', 'pkg/'];

export function start(port = 8080, host = '127.0.0.1') {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      let path = decodeURIComponent(url.pathname).replace(/^\/+/, '');
      if (path === '') path = 'index.html';
      const file = normalize(join(root, path));
      if (!file.startsWith(root + '/') || !allowed.some((a) => path === a || path.startsWith(a))) {
        res.writeHead(404).end('not found');
        return;
      }
      const s = await stat(file);
      if (!s.isFile()) throw new Error('not a file');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': types[extname(file)] || 'application/octet-stream',
        'Content-Security-Policy': CSP,
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-cache',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((ok) => server.listen(port, host, () => ok(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT || process.argv[2] || 8080);
  const server = await start(port);
  const { port: p } = server.address();
  console.log(`Assay is at http://127.0.0.1:${p}/  (demo: http://127.0.0.1:${p}/?demo)  — Ctrl-C to stop`);
}
