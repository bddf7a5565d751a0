// Generate what is derived from the Rust types, so no copy drifts:
//   schema/report.schema.json → pkg/schema.d.ts (TypeScript types of the report and the plan)
//   schema/*.json              → the field and metric tables of docs/report-schema.md
// The schemas themselves come from the Rust types (crates/report/tests/schema.rs).
// Usage: node scripts/gen-types.mjs          (write)
//        node scripts/gen-types.mjs --check  (fail if a generated file is out of date)

import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { compile } from 'json-schema-to-typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = async (p) => readFile(join(root, p), 'utf8');
const check = process.argv.includes('--check');

const report = JSON.parse(await read('schema/report.schema.json'));
const metrics = JSON.parse(await read('schema/metrics.json'));

// ---------------------------------------------------------------- TypeScript

const ts = await compile(report, 'Report', {
  bannerComment:
    '/* Types of the Assay report (and of the audit plan it embeds), generated from\n * schema/report.schema.json by scripts/gen-types.mjs: do not edit. */',
  additionalProperties: false,
  unreachableDefinitions: true,
  style: { singleQuote: true, printWidth: 100 },
});

// ---------------------------------------------------------------- docs tables

const refName = (r) => r.replace('#/$defs/', '');
function typeOf(s) {
  if (!s || Object.keys(s).length === 0) return 'any';
  if (s.$ref) return `[${refName(s.$ref)}](#${refName(s.$ref).toLowerCase()})`;
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  for (const k of ['anyOf', 'oneOf']) {
    if (s[k]) return s[k].map(typeOf).join(' \\| ');
  }
  const t = Array.isArray(s.type) ? s.type : [s.type];
  return t
    .map((x) => {
      if (x === 'array') {
        if (Array.isArray(s.prefixItems)) return `[${s.prefixItems.map(typeOf).join(', ')}]`;
        return `${typeOf(s.items)}[]`;
      }
      if (x === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') {
        return `{string: ${typeOf(s.additionalProperties)}}`;
      }
      return x;
    })
    .join(' \\| ');
}
const oneLine = (d) => (d || '').replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();

function table(name, def) {
  const lines = [`### ${name}`, ''];
  if (def.description) lines.push(oneLine(def.description), '');
  const variants = def.oneOf || def.anyOf;
  if (def.properties) {
    lines.push('| field | type | meaning |', '|---|---|---|');
    const required = new Set(def.required || []);
    for (const [f, s] of Object.entries(def.properties)) {
      lines.push(`| \`${f}\`${required.has(f) ? '' : ' (optional)'} | ${typeOf(s)} | ${oneLine(s.description)} |`);
    }
  } else if (variants) {
    lines.push('One of:', '');
    for (const v of variants) {
      const desc = oneLine(v.description);
      if (v.properties) {
        const fields = Object.entries(v.properties)
          .map(([f, s]) => `\`${f}\`: ${typeOf(s)}`)
          .join(', ');
        lines.push(`- {${fields}}${desc ? ` — ${desc}` : ''}`);
      } else {
        lines.push(`- ${typeOf(v)}${desc ? ` — ${desc}` : ''}`);
      }
    }
  } else {
    lines.push(`Type: ${typeOf(def)}`);
  }
  lines.push('');
  return lines.join('\n');
}

const defs = Object.entries(report.$defs).sort(([a], [b]) => a.localeCompare(b));
const fieldTables = [table('Report', report), ...defs.map(([n, d]) => table(n, d))].join('\n');
const metricTable = [
  '| id | direction | tasks | definition |',
  '|---|---|---|---|',
  ...metrics.map(
    (m) =>
      `| \`${m.id}\` | ${m.direction === 'higher_is_better' ? 'higher is better' : 'lower is better'} | ${m.tasks.join(', ')} | ${oneLine(m.definition)} |`,
  ),
].join('\n');

function between(text, name, content) {
  const begin = `<!-- generated:${name}:begin -->`;
  const end = `<!-- generated:${name}:end -->`;
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`docs/report-schema.md lacks the ${begin} … ${end} markers`);
  return `${text.slice(0, i + begin.length)}\n\n${content}\n\n${text.slice(j)}`;
}

const docs = await read('docs/report-schema.md');
const newDocs = between(between(docs, 'metrics', metricTable), 'fields', fieldTables);

// ---------------------------------------------------------------- write or check

const outputs = [
  ['pkg/schema.d.ts', ts],
  ['docs/report-schema.md', newDocs],
];
let stale = [];
for (const [path, text] of outputs) {
  const now = await read(path).catch(() => null);
  if (now === text) continue;
  if (check) stale.push(path);
  else await writeFile(join(root, path), text);
}
if (stale.length) {
  console.error(`out of date: ${stale.join(', ')}; run: node scripts/gen-types.mjs`);
  process.exit(1);
}
