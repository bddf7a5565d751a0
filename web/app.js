// Assay's page: UI only. Every byte of the user's file is read and evaluated
// in a Web Worker (worker.js) by the WebAssembly engine; this thread only
// posts the File handle and shows what comes back.

const $ = (id) => document.getElementById(id);

const els = {
  version: $('version'),
  drop: $('drop'),
  file: $('file'),
  demo: $('demo'),
  fileInfo: $('file-info'),
  form: $('mapping'),
  label: $('label'),
  scores: $('scores'),
  picked: $('picked'),
  task: $('task'),
  positive: $('positive'),
  threshold: $('threshold'),
  bootstrap: $('bootstrap'),
  seed: $('seed'),
  logits: $('logits'),
  calibrate: $('calibrate'),
  calibrationOptions: $('calibration-options'),
  methods: $('methods'),
  bins: $('bins'),
  split: $('split'),
  fraction: $('fraction'),
  folds: $('folds'),
  splitColumn: $('split-column'),
  splitValue: $('split-value'),
  slice: $('slice'),
  calibratorFile: $('calibrator-file'),
  calibratorPick: $('calibrator-pick'),
  calibratorChip: $('calibrator-chip'),
  calibratorName: $('calibrator-name'),
  calibratorRemove: $('calibrator-remove'),
  run: $('run'),
  status: $('status'),
  stage: $('stage'),
  progress: $('progress'),
  cancel: $('cancel'),
  error: $('error'),
  errorBox: $('error-box'),
  errorHint: $('error-hint'),
  results: $('results'),
  placeholder: $('placeholder'),
  report: $('report'),
  downloads: $('downloads'),
};

const DEMO_URL = new URL('./demo/demo.csv', import.meta.url);

const state = {
  file: null, // the File being evaluated
  inspection: null,
  report: null, // report JSON (string) of the last successful run
  reportName: 'report',
  demoFile: null, // the demo, kept once fetched: the page works offline afterwards
  busy: false,
  calibrators: null, // {methods: [fitted method, in report order], best, texts: {method: calibrator file text}} of the last run
  calibrator: null, // {name, text}: a saved calibrator applied to the scores of later runs
};

// ---------------------------------------------------------------- worker

/** One worker at a time; replaced when it dies, traps, or a run is cancelled. */
class Engine {
  constructor() {
    this.nextId = 1;
    this.pending = new Map();
    this.worker = null;
    this.start();
  }

  start() {
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'assay' });
    w.onmessage = ({ data }) => this.receive(data);
    w.onerror = (ev) => {
      ev.preventDefault();
      const why = ev.message ? ` (${ev.message})` : '';
      this.stop(`The engine could not start or stopped unexpectedly${why}. Try again, or reload the page.`);
    };
    w.onmessageerror = () => this.stop('The engine sent a message the page could not read.');
    this.worker = w;
  }

  /**
   * Drop the current worker, failing its pending requests. The next request
   * starts a fresh one (not this call: a worker that cannot load would
   * otherwise be restarted in a loop).
   */
  stop(reason) {
    if (this.worker) {
      this.worker.onmessage = this.worker.onerror = this.worker.onmessageerror = null;
      this.worker.terminate();
      this.worker = null;
    }
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(new Error(reason));
  }

  receive(msg) {
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') {
      p.onProgress?.(msg);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.type === 'result') {
      p.resolve(msg);
    } else {
      if (msg.fatal) {
        // The WebAssembly instance trapped: replace the worker right away.
        this.stop('The engine was restarted after a crash.');
        this.start();
      }
      p.reject(new Error(msg.message));
    }
  }

  request(type, payload = {}, onProgress) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (!this.worker) this.start();
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ id, type, ...payload });
    });
  }
}

const engine = new Engine();

// ---------------------------------------------------------------- UI helpers

// The engine's messages are shared with the command line and name its flags;
// say where the same setting is on this page.
const FLAG_HINTS = [
  [/--logits\b/, 'On this page: tick “Scores are logits”.'],
  [/--positive\b/, 'On this page: type the class in “Positive class”.'],
  [/calibration applies to classification/, 'On this page: untick “Analyse calibration”.'],
];

function showError(message) {
  els.error.textContent = message;
  const hints = FLAG_HINTS.filter(([re]) => re.test(message)).map(([, h]) => h);
  // A message about the saved calibrator (not about "calibrators" to fit): mark its chip.
  const aboutCalibrator = state.calibrator !== null && /\bcalibrator\b/.test(message);
  els.calibratorChip.classList.toggle('bad', aboutCalibrator);
  if (aboutCalibrator) hints.push('Remove the saved calibrator (×) to run without it, or apply another file.');
  els.errorHint.textContent = hints.join(' ');
  els.errorHint.hidden = hints.length === 0;
  els.errorBox.hidden = false;
}

function clearError() {
  els.calibratorChip.classList.remove('bad');
  els.error.textContent = '';
  els.errorHint.textContent = '';
  els.errorBox.hidden = true;
}

const STAGES = {
  read: 'Reading the file',
  bootstrap: 'Bootstrap resamples',
  inspect: 'Looking at the columns',
  render: 'Rendering',
  'calibration bootstrap': 'Calibration: bootstrap resamples',
  recalibration: 'Calibration: fitting recalibrators',
  'recalibration bootstrap': 'Calibration: judging on held-out rows',
  slices: 'Calibration: by slice',
};

function showProgress(p) {
  els.status.hidden = false;
  const name = STAGES[p.stage] || p.stage;
  if (p.total > 0) {
    els.progress.max = p.total;
    els.progress.value = p.done;
    const pct = Math.floor((100 * p.done) / p.total);
    const detail = p.stage === 'read' ? `${formatBytes(p.done)} of ${formatBytes(p.total)}` : `${p.done.toLocaleString()} of ${p.total.toLocaleString()}`;
    els.stage.textContent = `${name} — ${detail} (${pct}%)`;
  } else {
    els.progress.removeAttribute('value'); // indeterminate
    els.stage.textContent = p.stage === 'read' && p.done > 0 ? `${name} — ${formatBytes(p.done)}` : `${name}…`;
  }
}

function hideProgress() {
  els.status.hidden = true;
}

// A counter of finished operations (inspect, evaluate, refused form): lets
// tests and scripts wait for "the next outcome" without racing the UI.
let opsDone = 0;
function markDone() {
  document.documentElement.dataset.ops = String(++opsDone);
}

function setBusy(busy) {
  state.busy = busy;
  if (!busy) markDone();
  els.run.disabled = busy;
  els.demo.disabled = busy;
  els.file.disabled = busy;
  els.drop.classList.toggle('disabled', busy);
  els.calibratorFile.disabled = busy;
  els.calibratorPick.classList.toggle('disabled', busy);
  els.results.setAttribute('aria-busy', String(busy));
}

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

function clearResults() {
  state.report = null;
  state.calibrators = null;
  els.report.replaceChildren();
  els.downloads.hidden = true;
  els.placeholder.hidden = false;
  els.results.removeAttribute('data-state');
}

function option(value, text = value) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  return o;
}

// ---------------------------------------------------------------- form

function fillForm(inspection) {
  const { columns, guess } = inspection;
  els.label.replaceChildren(...columns.map((c) => option(c.name, `${c.name} (${c.type}, ${c.distinct}${c.distinct >= 1000 ? '+' : ''} distinct)`)));
  if (guess.label) els.label.value = guess.label;

  const guessed = new Set(guess.scores || []);
  els.scores.replaceChildren(
    ...columns.map((c, i) => {
      const label = document.createElement('label');
      label.className = 'check';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.name = 'scores';
      box.value = c.name;
      box.id = `score-${i}`;
      box.checked = guessed.has(c.name);
      const name = document.createElement('span');
      name.textContent = c.name;
      label.append(box, name);
      if (c.type === 'numeric' && c.min !== undefined) {
        const range = document.createElement('small');
        range.textContent = `${fmtShort(c.min)} … ${fmtShort(c.max)}`;
        label.append(range);
      }
      return label;
    }),
  );
  els.task.value = guess.task || 'auto';
  els.positive.value = '';
  els.logits.checked = false;
  // Calibration: on for classification; slices by a categorical column; a
  // split by any column.
  els.calibrate.checked = guess.task === 'binary' || guess.task === 'multiclass';
  const categorical = columns.filter((c) => c.type === 'categorical');
  els.slice.replaceChildren(option('', categorical.length ? 'None' : 'None (no categorical column)'), ...categorical.map((c) => option(c.name, `${c.name} (${c.distinct}${c.distinct >= 1000 ? '+' : ''} values)`)));
  els.splitColumn.replaceChildren(...columns.map((c) => option(c.name)));
  if (categorical.length) els.splitColumn.value = categorical[0].name;
  els.splitValue.value = '';
  lastTask = els.task.value;
  updateTaskFields();
  els.form.hidden = false;
  updatePicked();
  // Bring the first chosen score column into view inside its list.
  const first = els.scores.querySelector('input:checked');
  if (first) els.scores.scrollTop = Math.max(0, first.closest('label').offsetTop - 8);
}

function updatePicked() {
  const names = [...els.scores.querySelectorAll('input:checked')].map((b) => b.value);
  if (names.length === 0) {
    els.picked.textContent = 'No score column chosen.';
    return;
  }
  const strong = document.createElement('strong');
  strong.textContent = names.join(', ');
  els.picked.replaceChildren(`Chosen (${names.length}): `, strong);
}

function fmtShort(v) {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

let lastTask = 'auto';

function updateTaskFields() {
  const task = els.task.value;
  const binaryOnly = task === 'multiclass' || task === 'regression';
  els.positive.disabled = binaryOnly;
  els.threshold.disabled = binaryOnly;
  els.logits.disabled = task === 'regression';
  // Calibration is for classification; back from regression, it is on again.
  els.calibrate.disabled = task === 'regression';
  if (lastTask === 'regression' && (task === 'binary' || task === 'multiclass')) els.calibrate.checked = true;
  lastTask = task;
  updateCalibrationFields();
}

function calibrationOn() {
  return els.calibrate.checked && !els.calibrate.disabled;
}

function updateCalibrationFields() {
  const on = calibrationOn();
  els.calibrationOptions.hidden = !on;
  for (const f of els.calibrationOptions.querySelectorAll('[data-split]')) f.hidden = f.dataset.split !== els.split.value;
  els.run.textContent = on ? 'Run evaluation and calibration' : 'Run evaluation';
}

function showCalibrator() {
  const c = state.calibrator;
  els.calibratorChip.hidden = c === null;
  els.calibratorChip.classList.remove('bad');
  if (c === null) {
    els.calibratorName.textContent = '';
    return;
  }
  // What the file says it is, when it says (the engine checks it at the next run).
  let what = null;
  try {
    const j = JSON.parse(c.text);
    if (j && typeof j === 'object' && j.assay_calibrator && typeof j.method === 'string') {
      const from = j.fitted_on && typeof j.fitted_on.data_name === 'string' ? ` fitted on ${j.fitted_on.data_name}` : '';
      what = { method: j.method, rest: ` ${typeof j.task === 'string' ? `${j.task} ` : ''}calibrator${from}` };
    }
  } catch {
    // Not JSON: the engine says so when it is used.
  }
  if (what) {
    const strong = document.createElement('strong');
    strong.textContent = what.method;
    els.calibratorName.replaceChildren(strong, what.rest);
  } else {
    els.calibratorName.textContent = c.name;
  }
  els.calibratorChip.title = what ? `${what.method}${what.rest} (${c.name})` : c.name;
}

// A calibrator file is a few KiB of JSON; anything far larger is not one.
const MAX_CALIBRATOR_BYTES = 16 * 1024 * 1024;

async function loadCalibrator(file) {
  if (state.busy) return;
  clearError();
  if (file.size > MAX_CALIBRATOR_BYTES) {
    showError(`${file.name} is ${formatBytes(file.size)}: too large to be an Assay calibrator file`);
    markDone();
    return;
  }
  try {
    state.calibrator = { name: file.name, text: await file.text() };
    showCalibrator();
  } catch (err) {
    showError(`could not read ${file.name}: ${err.message}`);
  } finally {
    markDone();
  }
}

function intField(input, name, max = Number.MAX_SAFE_INTEGER) {
  const raw = input.value.trim();
  const v = Number(raw);
  if (raw === '' || !Number.isInteger(v) || v < 0) {
    throw new Error(`${name} must be a whole number of 0 or more`);
  }
  if (v > max) throw new Error(`${name} must be at most ${max.toLocaleString('en-US')}`);
  return v;
}

// More resamples than this add nothing to a percentile interval but time.
const MAX_BOOTSTRAP = 100_000;

/** The configuration the form describes. Throws a readable Error when it is incomplete. */
function formConfig() {
  const scores = [...els.scores.querySelectorAll('input:checked')].map((b) => b.value);
  if (!els.label.value) throw new Error('choose the label column');
  if (scores.length === 0) throw new Error('choose at least one score column');
  const config = {
    label: els.label.value,
    scores,
    bootstrap: intField(els.bootstrap, 'bootstrap resamples', MAX_BOOTSTRAP),
    seed: intField(els.seed, 'seed'),
    logits: els.logits.checked && !els.logits.disabled,
  };
  if (els.task.value !== 'auto') config.task = els.task.value;
  if (!els.positive.disabled && els.positive.value !== '') config.positive = els.positive.value;
  if (!els.threshold.disabled && els.threshold.value.trim() !== '') {
    const t = Number(els.threshold.value);
    if (!Number.isFinite(t) || t < 0 || t > 1) throw new Error('threshold must be a number between 0 and 1');
    config.threshold = t;
  }
  if (state.calibrator) {
    config.calibrator = state.calibrator.text;
    config.calibratorName = state.calibrator.name;
  }
  if (calibrationOn()) config.calibration = calibrationConfig(config.seed);
  return config;
}

/** The calibration settings the form describes (ranges are the engine's to check). */
function calibrationConfig(seed) {
  const calibration = {
    bins: intField(els.bins, 'bins', 255),
    methods: [...els.methods.querySelectorAll('input:checked')].map((b) => b.value),
  };
  const kind = els.split.value;
  if (kind === 'random') {
    const raw = els.fraction.value.trim();
    const fraction = Number(raw);
    if (raw === '' || !Number.isFinite(fraction)) throw new Error('the fraction that fits must be a number between 0 and 1');
    calibration.split = { kind, fraction, seed };
  } else if (kind === 'folds') {
    calibration.split = { kind, folds: intField(els.folds, 'folds'), seed };
  } else {
    if (!els.splitColumn.value) throw new Error('choose the column that splits the rows');
    if (els.splitValue.value === '') throw new Error(`type the value of '${els.splitColumn.value}' that marks the rows to fit on`);
    calibration.split = { kind, column: els.splitColumn.value, value: els.splitValue.value };
  }
  if (els.slice.value) calibration.slice = els.slice.value;
  return calibration;
}

// ---------------------------------------------------------------- actions

/** A new file: inspect its first rows and show the column form. */
async function loadFile(file) {
  if (state.busy) return false;
  clearError();
  clearResults();
  state.file = file;
  state.inspection = null;
  els.form.hidden = true;
  els.fileInfo.hidden = false;
  els.fileInfo.textContent = `${file.name} — ${formatBytes(file.size)}`;
  setBusy(true);
  showProgress({ stage: 'inspect', done: 0, total: 0 });
  try {
    const { inspection } = await engine.request('inspect', { file });
    if (state.file !== file) return false;
    state.inspection = inspection;
    const more = inspection.truncated ? `first ${inspection.rows_inspected.toLocaleString()} rows inspected` : `${inspection.rows_inspected.toLocaleString()} rows`;
    els.fileInfo.textContent = `${file.name} — ${formatBytes(file.size)}, ${inspection.columns.length} columns, ${more}`;
    fillForm(inspection);
    return true;
  } catch (err) {
    showError(err.message);
    return false;
  } finally {
    hideProgress();
    setBusy(false);
  }
}

/** Evaluate the current file with `config`; shows the report or the error. */
async function run(config) {
  if (state.busy) return { ok: false, message: 'an evaluation is already running' };
  if (!state.file) {
    showError('choose a file first');
    return { ok: false, message: 'choose a file first' };
  }
  clearError();
  clearResults(); // never leave a report next to settings it was not computed with
  setBusy(true);
  showProgress({ stage: 'read', done: 0, total: state.file.size });
  const started = performance.now();
  try {
    const full = { ...config, fileName: state.file.name, producer: 'assay-web' };
    // With calibration settings, `calibrate` (a superset of `evaluate`).
    const type = config.calibration !== undefined ? 'calibrate' : 'evaluate';
    const { report, fragment, calibrators } = await engine.request(type, { file: state.file, config: full }, showProgress);
    state.report = report;
    state.calibrators = calibrators && calibrators.methods.length ? calibrators : null;
    state.reportName = state.file.name.replace(/\.[^.]+$/, '') || 'report';
    showReport(fragment, performance.now() - started);
    return { ok: true };
  } catch (err) {
    showError(err.message);
    return { ok: false, message: err.message };
  } finally {
    hideProgress();
    setBusy(false);
  }
}

function showReport(fragment, ms) {
  // The fragment is Assay's own renderer output: every value in it is escaped.
  const doc = new DOMParser().parseFromString(fragment, 'text/html');
  els.report.replaceChildren(...doc.body.childNodes);
  // Wide tables scroll in their own box rather than widening the page.
  for (const table of els.report.querySelectorAll('table.recalibration, table.slices, table.classwise')) {
    const scroller = document.createElement('div');
    scroller.className = 'table-scroll';
    table.replaceWith(scroller);
    scroller.append(table);
  }
  // "value [lower, upper]" cells of those tables: the interval on a line of its own.
  for (const td of els.report.querySelectorAll('table.recalibration td[data-key], table.slices td[data-key]')) {
    const m = /^(\S+) (\[[^\]]*\])$/.exec(td.textContent);
    if (!m) continue;
    const ci = document.createElement('span');
    ci.className = 'ci';
    ci.textContent = m[2];
    td.replaceChildren(m[1], ci);
  }
  // A one-vs-rest map lists one fitted map per class: fold the list away.
  for (const td of els.report.querySelectorAll('table.recalibration td:not([data-key]):not([colspan])')) {
    const m = /^([^:;]+):\s*(.+;.+)$/.exec(td.textContent);
    if (!m) continue;
    const details = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = m[1];
    details.append(summary, ...m[2].split(/;\s*/).map((part) => {
      const line = document.createElement('div');
      line.textContent = part;
      return line;
    }));
    td.replaceChildren(details);
  }
  addCalibratorSave();
  els.placeholder.hidden = true;
  els.downloads.hidden = false;
  els.results.dataset.state = 'done';
  els.results.dataset.ms = String(Math.round(ms));
  els.results.scrollIntoView({ block: 'start', behavior: 'smooth' });
}

/** Under the recalibration table: save one of the fitted calibrators. */
function addCalibratorSave() {
  const cal = state.calibrators;
  const table = els.report.querySelector('table.recalibration');
  if (!cal || !table) return;
  const bar = document.createElement('div');
  bar.className = 'calibrator-save';
  bar.id = 'calibrator-save';
  const label = document.createElement('label');
  label.htmlFor = 'calibrator-method';
  label.textContent = 'Save a fitted calibrator';
  const select = document.createElement('select');
  select.id = 'calibrator-method';
  select.append(...cal.methods.map((m) => option(m, m === cal.best ? `${m} (best)` : m)));
  select.value = cal.best && cal.methods.includes(cal.best) ? cal.best : cal.methods[0];
  const button = document.createElement('button');
  button.type = 'button';
  button.id = 'download-calibrator';
  button.className = 'secondary small';
  button.textContent = 'Download calibrator';
  button.addEventListener('click', () => {
    const method = select.value;
    download(cal.texts[method], `assay-${state.reportName}-${method}.calibrator.json`, 'application/json');
  });
  const note = document.createElement('span');
  note.className = 'hint';
  note.textContent = cal.best
    ? 'Apply it to new data with “Apply a saved calibrator”.'
    : 'No method lowered the held-out log loss: the scores may already be calibrated.';
  bar.append(label, select, button, note);
  (table.closest('.table-scroll') || table).after(bar);
}

async function loadDemo({ autorun = false } = {}) {
  if (state.busy) return;
  clearError();
  try {
    if (!state.demoFile) {
      const res = await fetch(DEMO_URL);
      if (!res.ok) throw new Error(`could not load the demo data (HTTP ${res.status})`);
      state.demoFile = new File([await res.blob()], 'demo.csv', { type: 'text/csv' });
    }
  } catch (err) {
    showError(err instanceof TypeError ? 'could not load the demo data (is the page offline and not yet cached?)' : err.message);
    markDone();
    return;
  }
  const ok = await loadFile(state.demoFile);
  if (ok && autorun) await runForm();
}

async function runForm() {
  let config;
  try {
    config = formConfig();
  } catch (err) {
    showError(err.message);
    markDone();
    return { ok: false, message: err.message };
  }
  return run(config);
}

function download(text, name, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function downloadReport(format) {
  if (!state.report) return;
  const base = `assay-${state.reportName}`;
  try {
    if (format === 'json') {
      download(state.report, `${base}.json`, 'application/json');
    } else if (format === 'html') {
      const { text } = await engine.request('render', { report: state.report, format: 'html' });
      download(text, `${base}.html`, 'text/html');
    } else if (format === 'markdown') {
      const { text } = await engine.request('render', { report: state.report, format: 'markdown' });
      download(text, `${base}.md`, 'text/markdown');
    }
  } catch (err) {
    showError(err.message);
  }
}

// ---------------------------------------------------------------- events

els.file.addEventListener('change', () => {
  const f = els.file.files && els.file.files[0];
  if (f) loadFile(f);
  els.file.value = ''; // choosing the same file again still fires 'change'
});

for (const ev of ['dragenter', 'dragover']) {
  els.drop.addEventListener(ev, (e) => {
    e.preventDefault();
    if (!state.busy) els.drop.classList.add('over');
  });
}
for (const ev of ['dragleave', 'drop']) {
  els.drop.addEventListener(ev, () => els.drop.classList.remove('over'));
}
els.drop.addEventListener('drop', (e) => {
  e.preventDefault();
  const f = e.dataTransfer && e.dataTransfer.files[0];
  if (f) loadFile(f);
});
// A file dropped anywhere else must not make the browser navigate away.
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => e.preventDefault());

els.demo.addEventListener('click', () => loadDemo({ autorun: false }));
els.form.addEventListener('submit', (e) => {
  e.preventDefault();
  runForm();
});
els.task.addEventListener('change', updateTaskFields);
els.calibrate.addEventListener('change', updateCalibrationFields);
els.split.addEventListener('change', updateCalibrationFields);
els.calibratorFile.addEventListener('change', () => {
  const f = els.calibratorFile.files && els.calibratorFile.files[0];
  if (f) loadCalibrator(f);
  els.calibratorFile.value = '';
});
els.calibratorRemove.addEventListener('click', () => {
  // An error about this calibrator goes with it.
  const itsError = els.calibratorChip.classList.contains('bad');
  state.calibrator = null;
  showCalibrator();
  if (itsError) clearError();
});
els.scores.addEventListener('change', updatePicked);
els.cancel.addEventListener('click', () => engine.stop('Cancelled.'));
els.downloads.addEventListener('click', (e) => {
  const b = e.target.closest('button[data-format]');
  if (b) downloadReport(b.dataset.format);
});

// A small console/test hook: run the loaded file with an explicit configuration
// (e.g. a column the form cannot offer); with `calibration` settings it runs
// `calibrate`, otherwise `evaluate`. Results and errors show as usual.
window.assay = Object.freeze({
  run: (config) => run(config),
  loadDemo: () => loadDemo(),
  version: () => engine.request('version').then((r) => r.version),
});

engine
  .request('version')
  .then(({ version }) => {
    els.version.textContent = ` · Assay ${version.assay} (report schema ${version.schema})`;
    document.documentElement.dataset.ready = 'true';
  })
  .catch((err) => showError(`The engine failed to load: ${err.message}`));

if (new URLSearchParams(location.search).has('demo')) {
  loadDemo({ autorun: true });
}
