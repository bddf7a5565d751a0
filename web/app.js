// Assay's page: UI only. Every byte of the user's file is read and evaluated
// in a Web Worker (worker.js) by the WebAssembly engine, and a model is run
// there too (WebGPU or CPU); this thread only posts the File handle (and a
// model's bytes, transferred) and shows what comes back.

const $ = (id) => document.getElementById(id);

const els = {
  version: $('version'),
  drop: $('drop'),
  file: $('file'),
  demo: $('demo'),
  fileInfo: $('file-info'),
  modelDrop: $('model-drop'),
  modelFile: $('model-file'),
  modelCard: $('model-card'),
  modelName: $('model-name'),
  modelDetails: $('model-details'),
  modelRemove: $('model-remove'),
  form: $('mapping'),
  label: $('label'),
  scoresField: $('scores-field'),
  scores: $('scores'),
  picked: $('picked'),
  modelFields: $('model-fields'),
  features: $('features'),
  featuresNote: $('features-note'),
  featuresPicked: $('features-picked'),
  featuresClear: $('features-clear'),
  featuresGuess: $('features-guess'),
  output: $('output'),
  device: $('device'),
  classes: $('classes'),
  task: $('task'),
  positive: $('positive'),
  threshold: $('threshold'),
  bootstrap: $('bootstrap'),
  seed: $('seed'),
  logits: $('logits'),
  logitsText: $('logits-text'),
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
  sliceColumns: $('slice-columns'),
  sliceCrosses: $('slice-crosses'),
  sliceMetric: $('slice-metric'),
  sliceFilters: $('slice-filters'),
  sliceAlpha: $('slice-alpha'),
  slicePower: $('slice-power'),
  minCell: $('min-cell'),
  sensitiveColumns: $('sensitive-columns'),
  discover: $('discover'),
  discoverOptions: $('discover-options'),
  topK: $('top-k'),
  maxLevel: $('max-level'),
  minSupport: $('min-support'),
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
  runDevice: $('run-device'),
};

const DEMO_URL = new URL('./demo/demo.csv', import.meta.url);
const DEMO_MODEL_URL = new URL('./demo/demo_model.onnx', import.meta.url);

const state = {
  file: null, // the File being evaluated
  inspection: null,
  report: null, // report JSON (string) of the last successful run
  reportName: 'report',
  demoFile: null, // the demo, kept once fetched: the page works offline afterwards
  demoModel: null, // the demo's model (a File over the fetched bytes), likewise
  model: null, // {file, info (inspectModel's), width (features per row, or null), demo}: runs the model when set
  features: [], // model mode: the chosen feature columns, in the model's input order
  featuresEdited: false, // whether the user changed the guessed features
  busy: false,
  calibrators: null, // {methods: [fitted method, in report order], best, texts: {method: calibrator file text}} of the last run
  calibrator: null, // {name, text}: a saved calibrator applied to the scores of later runs
  limits: null, // the engine's limits ({maxModelBytes}), asked once
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
      const err = new Error(msg.message);
      if (msg.key) err.key = msg.key;
      p.reject(err);
    }
  }

  /** `transfer`: ArrayBuffers handed to the worker (no copy; unusable here afterwards). */
  request(type, payload = {}, onProgress, transfer = []) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (!this.worker) this.start();
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ id, type, ...payload }, transfer);
    });
  }
}

const engine = new Engine();

// ---------------------------------------------------------------- UI helpers

// The engine names the setting that would fix an error by its plan key
// (`predictions.logits`); say where that setting is on this page, and mark
// its field.
const KEY_HINTS = {
  'predictions.label': ['label', 'On this page: choose the label column under “Label”.'],
  'predictions.scores': ['scores', 'On this page: tick the score columns (one per class for multiclass).'],
  'predictions.logits': ['logits', 'On this page: tick “Scores are logits”.'],
  'predictions.positive': ['positive', 'On this page: type the class in “Positive class”.'],
  'predictions.threshold': ['threshold', 'On this page: set “Threshold” between 0 and 1.'],
  'predictions.task': ['task', 'On this page: choose the task under “Task”.'],
  'bootstrap.resamples': ['bootstrap', 'On this page: lower “Bootstrap resamples”.'],
  seed: ['seed', 'On this page: set “Seed” to a whole number.'],
  'model.features': ['features', 'On this page: tick the model’s features under “Features”, in its input order.'],
  'model.output': ['output', 'On this page: choose the output under “Model output”.'],
  'model.classes': ['classes', 'On this page: type them in “Output classes”, in the order of the output’s columns.'],
  'model.device': ['device', 'On this page: choose “Auto” or “CPU” under “Run on”.'],
  'analyses.calibration': ['calibrate', 'On this page: untick “Analyse calibration”.'],
  'analyses.calibration.bins': ['bins', 'On this page: set “Bins” between 1 and 255.'],
  'analyses.calibration.split.fraction': ['fraction', 'On this page: set the fraction that fits between 0 and 1.'],
  'analyses.calibration.split.folds': ['folds', 'On this page: set “Folds” to 2 or more.'],
  'analyses.calibration.split.column': ['split-column', 'On this page: choose the column that splits the rows.'],
  'analyses.calibration.split.value': ['split-value', 'On this page: type a value of the split column that marks the rows to fit on.'],
  'analyses.calibration.slice': ['slice', 'On this page: choose another slice column, or none.'],
  'analyses.slices.slices': ['slices-group', 'On this page: check the columns, crosses (A*B) and filters under “Slices and fairness”.'],
  'analyses.slices.metric': ['slice-metric', 'On this page: type a metric key of the task in “Tested metric”, or leave it empty.'],
  'analyses.slices.alpha': ['slice-alpha', 'On this page: set “Significance level α” between 0 and 1.'],
  'analyses.slices.power': ['slice-power', 'On this page: set “Power” between 0 and 1.'],
  'analyses.slices.discover.top_k': ['top-k', 'On this page: ask for at least one slice.'],
  'analyses.slices.discover.max_level': ['max-level', 'On this page: set “Most conditions per slice” between 1 and 5.'],
  'analyses.slices.discover.min_support': ['min-support', 'On this page: lower “Smallest slice”.'],
  'analyses.slices.discover.columns': ['slices-group', 'On this page: the data needs columns besides the label and the scores.'],
  'analyses.fairness.sensitive': ['sensitive-columns', 'On this page: check a sensitive column with more than one value (classification only).'],
};

// Advice about the model file itself, not about a setting.
const MODEL_TIPS = [[/zipmap=False/, 'In Python: skl2onnx.to_onnx(model, X, options={id(model): {"zipmap": False}}).']];

function showError(message, key) {
  els.error.textContent = message;
  for (const f of document.querySelectorAll('.bad-field')) f.classList.remove('bad-field');
  const hints = [];
  const known = key && KEY_HINTS[key];
  if (known) {
    hints.push(known[1]);
    const field = $(known[0]);
    if (field) field.classList.add('bad-field');
  }
  hints.push(...MODEL_TIPS.filter(([re]) => re.test(message)).map(([, h]) => h));
  // A problem with the saved calibrator: mark its chip.
  const aboutCalibrator = state.calibrator !== null && key === 'calibrator';
  els.calibratorChip.classList.toggle('bad', aboutCalibrator);
  if (aboutCalibrator) hints.push('Remove the saved calibrator (×) to run without it, or apply another file.');
  els.errorHint.textContent = hints.join(' ');
  els.errorHint.hidden = hints.length === 0;
  els.errorBox.hidden = false;
}

function clearError() {
  els.calibratorChip.classList.remove('bad');
  for (const f of document.querySelectorAll('.bad-field')) f.classList.remove('bad-field');
  els.error.textContent = '';
  els.errorHint.textContent = '';
  els.errorBox.hidden = true;
}

// The page's own stages; the engine's come with their label.
const PAGE_STAGES = {
  inspect: 'Looking at the columns',
  'model-load': 'Reading the model',
  render: 'Rendering',
};

function showProgress(p) {
  els.status.hidden = false;
  const name = p.label || PAGE_STAGES[p.stage] || p.stage;
  if (p.total > 0) {
    els.progress.max = p.total;
    els.progress.value = p.done;
    const pct = Math.floor((100 * p.done) / p.total);
    const detail =
      p.stage === 'read'
        ? `${formatBytes(p.done)} of ${formatBytes(p.total)}`
        : `${p.done.toLocaleString()} of ${p.total.toLocaleString()}${p.stage === 'model' ? ' rows' : ''}`;
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
  els.modelFile.disabled = busy;
  els.modelDrop.classList.toggle('disabled', busy);
  els.modelRemove.disabled = busy;
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
  els.runDevice.hidden = true;
  els.runDevice.textContent = '';
  els.runDevice.removeAttribute('data-device');
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

async function fillForm(inspection) {
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
  // Slices and fairness: any column may slice; none is checked at first.
  const checkList = (name) => columns.map((c) => {
    const label = document.createElement('label');
    label.className = 'check';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.name = name;
    box.value = c.name;
    const text = document.createElement('span');
    text.textContent = c.name;
    label.append(box, ' ', text);
    return label;
  });
  els.sliceColumns.replaceChildren(...checkList('slice-column'));
  els.sensitiveColumns.replaceChildren(...checkList('sensitive-column'));
  if (categorical.length) els.splitColumn.value = categorical[0].name;
  els.splitValue.value = '';
  lastTask = els.task.value;
  updateTaskFields();
  els.form.hidden = false;
  updatePicked();
  await applyMode(true);
  // Bring the first chosen score column into view inside its list.
  const first = els.scores.querySelector('input:checked');
  if (first) els.scores.scrollTop = Math.max(0, first.closest('label').offsetTop - 8);
}

// ---------------------------------------------------------------- model mode

/** Show the fields of the current mode (with a model, or a predictions file); `reset`: pre-fill them. */
async function applyMode(reset) {
  const model = state.model;
  if (!state.inspection) return;
  els.scoresField.hidden = model !== null;
  els.modelFields.hidden = model === null;
  els.logitsText.textContent = model ? 'Outputs are logits' : 'Scores are logits';
  if (!reset) return;
  if (model) {
    await fillModelFields();
  } else {
    const { guess } = state.inspection;
    els.task.value = guess.task || 'auto';
    els.logits.checked = false;
    els.calibrate.checked = guess.task === 'binary' || guess.task === 'multiclass';
  }
  lastTask = els.task.value;
  updateTaskFields();
}

/** Features per row of a model with one `[N, k]` input: k; otherwise null (unknown). */
function inputWidth(info) {
  if (info.inputs.length !== 1) return null;
  const shape = info.inputs[0].shape;
  const last = shape.length >= 2 ? shape[shape.length - 1] : null;
  return typeof last === 'number' && last > 0 ? last : null;
}

const shapeText = (shape) => `[${shape.map((d) => (typeof d === 'number' ? d : d === null ? 'N' : String(d))).join(', ')}]`;

async function fillModelFields() {
  const { info } = state.model;
  els.output.replaceChildren(...info.outputs.map((o) => option(o.name, `${o.name} (${o.dtype} ${shapeText(o.shape)})`)));
  // The engine's choice of output (inspectModel's).
  els.output.value = info.default_output || (info.outputs[0] ? info.outputs[0].name : '');
  els.classes.value = '';
  await guessFeatures();
  // The model's output decides the task; calibration is on for a classifier.
  els.task.value = 'auto';
  els.logits.checked = false;
  const out = info.outputs.find((o) => o.name === els.output.value);
  const k = out && out.shape.length >= 2 ? out.shape[out.shape.length - 1] : null;
  const label = state.inspection.columns.find((c) => c.name === els.label.value);
  els.calibrate.checked = (typeof k === 'number' && k >= 2) || Boolean(label && (label.type === 'categorical' || label.distinct === 2));
}

/**
 * Pre-fill the features as the engine guesses them (its rule, asked of the
 * worker): the numeric columns besides the label, in file order; when their
 * count is not the model's input width, without score-like columns. When
 * that does not fit either, say so and let the user pick them in order. Run
 * stays disabled until the guess is in.
 */
let guessSeq = 0;
async function guessFeatures() {
  const label = els.label.value;
  const w = state.model.width;
  const columns = state.inspection.columns.map((c) => ({ name: c.name, numeric: c.type === 'numeric' }));
  const mine = ++guessSeq;
  els.run.disabled = true;
  let guess;
  try {
    ({ guess } = await engine.request('guessFeatures', { columns, label, width: w }));
  } catch (err) {
    showError(err.message, err.key);
    return;
  } finally {
    if (!state.busy) els.run.disabled = false;
  }
  if (mine !== guessSeq || !state.model) return;
  let note = '';
  const n = guess.numeric.length;
  if (guess.left_out.length) {
    const left = guess.left_out;
    note = `Left out ${left.map((x) => `“${x}”`).join(', ')}: ${left.length === 1 ? 'it looks' : 'they look'} like a model’s scores, not features.`;
  } else if (!guess.fits && n > w) {
    note = `The model reads ${w} features per row, but the file has ${n} numeric columns besides the label: tick the model’s ${w} features in its input order.`;
  } else if (!guess.fits) {
    note = `The model reads ${w} features per row, but the file has only ${n} numeric column${n === 1 ? '' : 's'} besides the label.`;
  }
  state.features = guess.features;
  state.featuresEdited = false;
  els.featuresNote.textContent = note;
  els.featuresNote.hidden = note === '';
  els.featuresNote.classList.toggle('bad', !guess.fits);
  renderFeatures();
}

/** The feature checklist: every column but the label (text columns cannot be features). */
function renderFeatures() {
  const label = els.label.value;
  state.features = state.features.filter((f) => f !== label);
  els.features.replaceChildren(
    ...state.inspection.columns
      .filter((c) => c.name !== label)
      .map((c, i) => {
        const row = document.createElement('label');
        row.className = 'check';
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.name = 'features';
        box.value = c.name;
        box.id = `feature-${i}`;
        box.checked = state.features.includes(c.name);
        box.disabled = c.type !== 'numeric';
        const ord = document.createElement('b');
        ord.className = 'ord';
        const name = document.createElement('span');
        name.textContent = c.name;
        const small = document.createElement('small');
        small.textContent = c.type === 'numeric' ? (c.min !== undefined ? `${fmtShort(c.min)} … ${fmtShort(c.max)}` : '') : 'text';
        if (c.type !== 'numeric') row.title = 'Not numeric: a model takes numbers (encode this column first)';
        row.append(box, ord, name, small);
        return row;
      }),
  );
  updateFeatures();
}

/** Order badges and the "chosen" line of the features. */
function updateFeatures() {
  for (const box of els.features.querySelectorAll('input')) {
    const at = state.features.indexOf(box.value);
    box.checked = at >= 0;
    box.nextElementSibling.textContent = at >= 0 ? String(at + 1) : '';
  }
  const n = state.features.length;
  const w = state.model ? state.model.width : null;
  els.featuresPicked.classList.toggle('bad', w !== null && n !== w);
  if (n === 0) {
    els.featuresPicked.textContent = w !== null ? `No feature chosen; the model reads ${w} per row.` : 'No feature chosen.';
    return;
  }
  // A long list: its head (the numbers in the list show every position).
  const SHOWN = 16;
  const strong = document.createElement('strong');
  strong.textContent = n > SHOWN ? `${state.features.slice(0, SHOWN - 4).join(', ')}, … ${state.features.slice(-2).join(', ')}` : state.features.join(', ');
  const count = w !== null ? `${n} of ${w}` : String(n);
  els.featuresPicked.replaceChildren(`Chosen (${count}), in this order: `, strong);
}

function shortHash(h) {
  return typeof h === 'string' ? h.slice(0, 8) : '';
}

/** The model card: inputs, outputs, operators, opsets, size. */
function showModel() {
  const m = state.model;
  els.modelDrop.hidden = m !== null;
  els.modelCard.hidden = m === null;
  if (m === null) {
    els.modelName.textContent = '';
    els.modelName.title = '';
    els.modelDetails.replaceChildren();
    return;
  }
  const { info, file } = m;
  els.modelName.textContent = file.name;
  els.modelName.title = `${file.name} — SHA-256 ${info.sha256}`;
  const tensors = (list) =>
    list.map((t) => {
      const line = document.createElement('div');
      const code = document.createElement('code');
      code.textContent = t.name;
      line.append(code, ` ${t.dtype} ${shapeText(t.shape)}`);
      return line;
    });
  const nodes = info.ops.reduce((sum, [, n]) => sum + n, 0);
  const ops = document.createElement('span');
  ops.textContent = `${nodes.toLocaleString()} node${nodes === 1 ? '' : 's'}, ${info.ops.length} operator type${info.ops.length === 1 ? '' : 's'}`;
  const opList = document.createElement('small');
  opList.className = 'ops';
  opList.textContent = info.ops.map(([op, n]) => (n > 1 ? `${op} ×${n}` : op)).join(', ');
  const rows = [
    ['Inputs', tensors(info.inputs)],
    ['Outputs', tensors(info.outputs)],
    ['Operators', [ops, opList]],
    ['Opsets', [info.opsets.map(([d, v]) => `${d} ${v}`).join(', ')]],
    ['Size', [`${formatBytes(info.bytes)} · SHA-256 ${shortHash(info.sha256)}…`]],
  ];
  els.modelDetails.replaceChildren(
    ...rows.flatMap(([term, content]) => {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.dataset.field = term.toLowerCase();
      dd.append(...content);
      return [dt, dd];
    }),
  );
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

function intField(input, name) {
  const raw = input.value.trim();
  const v = Number(raw);
  if (raw === '' || !Number.isInteger(v) || v < 0) {
    throw new Error(`${name} must be a whole number of 0 or more`);
  }
  if (!Number.isSafeInteger(v)) throw new Error(`${name} is too large`);
  return v;
}

/** A unique input name for `name` among `taken`. */
function inputName(name, taken) {
  let n = name || 'input';
  for (let i = 2; taken.includes(n); i++) n = `${name} (${i})`;
  taken.push(n);
  return n;
}

/**
 * The audit plan the form describes (the audit file's shape; the engine
 * checks every range and combination) and the files it names. Throws a
 * readable Error only where the form itself is incomplete.
 */
function formPlan() {
  if (!els.label.value) throw new Error('choose the label column');
  const taken = [];
  const files = {};
  const inputs = [];
  const add = (file, role, content) => {
    const name = inputName(file.name, taken);
    inputs.push({ name, role });
    files[name] = content;
  };
  add(state.file, 'data', state.file);
  const predictions = { label: els.label.value, logits: els.logits.checked && !els.logits.disabled };
  const plan = { version: 1, inputs, predictions, analyses: { evaluation: {} } };
  if (state.model) {
    const w = state.model.width;
    if (state.features.length === 0) {
      throw new Error(`choose the features the model reads${w !== null ? ` (${w} per row)` : ''}, in its input order`);
    }
    add(state.model.file, 'model', state.model.file);
    plan.model = { features: [...state.features], device: els.device.value };
    if (els.output.value) plan.model.output = els.output.value;
    const classes = els.classes.value.split(',').map((c) => c.trim()).filter((c) => c !== '');
    if (classes.length) plan.model.classes = classes;
  } else {
    const scores = [...els.scores.querySelectorAll('input:checked')].map((b) => b.value);
    if (scores.length === 0) throw new Error('choose at least one score column');
    predictions.scores = scores;
  }
  plan.bootstrap = { resamples: intField(els.bootstrap, 'bootstrap resamples') };
  plan.seed = intField(els.seed, 'seed');
  if (els.task.value !== 'auto') predictions.task = els.task.value;
  if (!els.positive.disabled && els.positive.value !== '') predictions.positive = els.positive.value;
  if (!els.threshold.disabled && els.threshold.value.trim() !== '') {
    const t = Number(els.threshold.value);
    if (!Number.isFinite(t)) throw new Error('the threshold must be a number');
    predictions.threshold = t;
  }
  if (state.calibrator) add({ name: state.calibrator.name }, 'calibrator', state.calibrator.text);
  if (calibrationOn()) plan.analyses.calibration = calibrationPlan();
  Object.assign(plan.analyses, slicesPlan());
  return { plan, files };
}

/** The slice and fairness analyses the form describes (ranges are the engine's to check). */
function slicesPlan() {
  const column = (c) => ({ kind: 'column', column: c.trim() });
  const grouping = (s) => {
    const parts = s.split('*').map((p) => p.trim()).filter((p) => p !== '');
    return parts.length === 1 ? column(parts[0]) : { kind: 'cross', of: parts.map(column) };
  };
  const checked = (list) => [...list.querySelectorAll('input:checked')].map((b) => b.value);
  const slices = [
    ...checked(els.sliceColumns).map(column),
    ...els.sliceCrosses.value.split(',').filter((s) => s.trim() !== '').map(grouping),
    ...els.sliceFilters.value.split('\n').map((f) => f.trim()).filter((f) => f !== '').map((expression) => ({ kind: 'filter', expression })),
  ];
  const num = (el, what) => {
    const v = Number(el.value);
    if (el.value.trim() === '' || !Number.isFinite(v)) throw new Error(`${what} must be a number`);
    return v;
  };
  const minCell = intField(els.minCell, 'the small-slice limit');
  const out = {};
  if (slices.length || els.discover.checked) {
    out.slices = {
      slices,
      alpha: num(els.sliceAlpha, 'the significance level'),
      power: num(els.slicePower, 'the power'),
      min_cell: minCell,
    };
    if (els.sliceMetric.value.trim() !== '') out.slices.metric = els.sliceMetric.value.trim();
    if (els.discover.checked) {
      out.slices.discover = {
        top_k: intField(els.topK, 'slices to find'),
        max_level: intField(els.maxLevel, 'conditions per slice'),
        min_support: intField(els.minSupport, 'the smallest slice'),
      };
    }
  }
  const sensitive = checked(els.sensitiveColumns);
  if (sensitive.length) out.fairness = { sensitive: sensitive.map(column), min_cell: minCell };
  return out;
}

/** The calibration analysis the form describes (ranges are the engine's to check). */
function calibrationPlan() {
  const calibration = {
    bins: intField(els.bins, 'bins'),
    methods: [...els.methods.querySelectorAll('input:checked')].map((b) => b.value),
  };
  const kind = els.split.value;
  if (kind === 'random') {
    const raw = els.fraction.value.trim();
    const fraction = Number(raw);
    if (raw === '' || !Number.isFinite(fraction)) throw new Error('the fraction that fits must be a number between 0 and 1');
    calibration.split = { kind, fraction };
  } else if (kind === 'folds') {
    calibration.split = { kind, folds: intField(els.folds, 'folds') };
  } else {
    if (!els.splitColumn.value) throw new Error('choose the column that splits the rows');
    if (els.splitValue.value === '') throw new Error(`type the value of '${els.splitColumn.value}' that marks the rows to fit on`);
    calibration.split = { kind, column: els.splitColumn.value, value: els.splitValue.value };
  }
  if (els.slice.value) calibration.slice = els.slice.value;
  return calibration;
}

// ---------------------------------------------------------------- actions

/** Run `work` as one operation of the page: controls disabled meanwhile, one outcome counted. */
async function operation(work) {
  if (state.busy) return false;
  clearError();
  setBusy(true);
  try {
    return await work();
  } finally {
    hideProgress();
    setBusy(false);
  }
}

/** A new file: inspect its first rows and show the column form. */
function loadFile(file) {
  return operation(() => inspectFile(file));
}

async function inspectFile(file) {
  clearResults();
  // The demo's model goes with the demo's data; a model of the user's own stays for their next file.
  if (state.model && state.model.demo && file !== state.demoFile) {
    state.model = null;
    showModel();
  }
  state.file = file;
  state.inspection = null;
  els.form.hidden = true;
  els.fileInfo.hidden = false;
  els.fileInfo.textContent = `${file.name} — ${formatBytes(file.size)}`;
  showProgress({ stage: 'inspect', done: 0, total: 0 });
  try {
    const { inspection } = await engine.request('inspect', { file });
    if (state.file !== file) return false;
    state.inspection = inspection;
    const more = inspection.truncated ? `first ${inspection.rows_inspected.toLocaleString()} rows inspected` : `${inspection.rows_inspected.toLocaleString()} rows`;
    els.fileInfo.textContent = `${file.name} — ${formatBytes(file.size)}, ${inspection.columns.length} columns, ${more}`;
    await fillForm(inspection);
    return true;
  } catch (err) {
    showError(err.message, err.key);
    return false;
  }
}

/** A new model: look at it (in the worker) and switch the form to running it. */
function loadModel(file) {
  return operation(() => inspectModelFile(file, false));
}

async function inspectModelFile(file, demo) {
  clearResults(); // a report of the previous model (or of none) does not describe this one
  state.model = null;
  showModel();
  try {
    // The engine's limit, checked before reading a file that cannot load.
    const limit = state.limits ? state.limits.maxModelBytes : Infinity;
    if (file.size > limit) {
      throw new Error(
        `model is ${file.size} bytes (${(file.size / 1048576).toFixed(1)} MiB), over the limit of ${limit} bytes (${(limit / 1048576).toFixed(1)} MiB)`,
      );
    }
    showProgress({ stage: 'model-load', done: 0, total: 0 });
    const bytes = await file.arrayBuffer();
    const { model: info } = await engine.request('inspectModel', { model: bytes }, undefined, [bytes]);
    state.model = { file, info, width: inputWidth(info), demo };
    showModel();
    await applyMode(true);
    return true;
  } catch (err) {
    await applyMode(true); // back to evaluating score columns
    showError(`${file.name}: ${err.message}`, err.key);
    return false;
  }
}

async function removeModel() {
  if (state.busy || state.model === null) return;
  clearError();
  clearResults();
  state.model = null;
  showModel();
  await applyMode(true);
  markDone();
}

/**
 * Run a request on the current file (`run` with the form's plan, or the
 * package's `evaluate` / `calibrate` / `evaluateModel` with a config, for the
 * console hook); shows the report or the error.
 */
async function runRequest(type, payload) {
  if (state.busy) return { ok: false, message: 'an evaluation is already running' };
  if (!state.file) {
    showError('choose a file first');
    return { ok: false, message: 'choose a file first' };
  }
  clearError();
  clearResults(); // never leave a report next to settings it was not computed with
  setBusy(true);
  showProgress({ stage: 'read', label: 'Reading the file', done: 0, total: state.file.size });
  const started = performance.now();
  try {
    const { report, fragment, calibrators } = await engine.request(type, await payload(), showProgress);
    state.report = report;
    state.calibrators = calibrators && calibrators.methods.length ? calibrators : null;
    state.reportName = state.file.name.replace(/\.[^.]+$/, '') || 'report';
    showReport(fragment, performance.now() - started);
    return { ok: true };
  } catch (err) {
    showError(err.message, err.key);
    return { ok: false, message: err.message, key: err.key };
  } finally {
    hideProgress();
    setBusy(false);
  }
}

/** Run the package's config (the console hook): as `evaluate`, `calibrate` or `evaluateModel`. */
async function runConfig(config) {
  return runRequest(state.model ? 'evaluateModel' : config.calibration !== undefined ? 'calibrate' : 'evaluate', async () => {
    const full = { ...config, fileName: state.file.name, producer: 'assay-web' };
    if (!state.model) return { file: state.file, config: full };
    full.modelName = state.model.file.name;
    return { file: state.file, model: await state.model.file.arrayBuffer(), config: full };
  });
}

function showReport(fragment, ms) {
  // The fragment is Assay's own renderer output: every value in it is escaped,
  // and values and intervals are separate elements (laid out by the stylesheet).
  const doc = new DOMParser().parseFromString(fragment, 'text/html');
  els.report.replaceChildren(...doc.body.childNodes);
  // Wide tables scroll in their own box rather than widening the page.
  for (const table of els.report.querySelectorAll('table.recalibration, table.slices, table.classwise, table.metrics.fairness-gaps')) {
    const scroller = document.createElement('div');
    scroller.className = 'table-scroll';
    table.replaceWith(scroller);
    scroller.append(table);
  }
  addCalibratorSave();
  showModelRun();
  els.placeholder.hidden = true;
  els.downloads.hidden = false;
  els.results.dataset.state = 'done';
  els.results.dataset.ms = String(Math.round(ms));
  els.results.scrollIntoView({ block: 'start', behavior: 'smooth' });
}

/** A model run: the device it ran on (as the engine names it), prominently, by the title. */
function showModelRun() {
  let model = null;
  try {
    model = JSON.parse(state.report).model || null;
  } catch {
    // The report is the engine's JSON; unreadable means no badge.
  }
  if (!model || typeof model.device !== 'string') return;
  const gpu = /^WebGPU\b/.test(model.device);
  els.runDevice.replaceChildren('Ran on ');
  const strong = document.createElement('strong');
  strong.textContent = model.device;
  els.runDevice.append(strong);
  if (typeof model.seconds === 'number') els.runDevice.append(` · ${model.seconds.toFixed(model.seconds < 10 ? 2 : 1)} s`);
  els.runDevice.dataset.device = model.device;
  els.runDevice.dataset.seconds = String(model.seconds);
  els.runDevice.classList.toggle('gpu', gpu);
  els.runDevice.title = `The model ran on ${model.device}: ${model.rows.toLocaleString()} rows in batches of ${model.batch_size.toLocaleString()}, ${model.seconds} s`;
  els.runDevice.hidden = false;
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

/** The demo's data and model, fetched once (same origin) and kept in memory: offline afterwards. */
async function fetchDemo() {
  const get = async (url, what) => {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`could not load the demo ${what} (HTTP ${res.status})`);
    return res.blob();
  };
  try {
    const [csv, model] = await Promise.all([
      state.demoFile ? null : get(DEMO_URL, 'data'),
      state.demoModel ? null : get(DEMO_MODEL_URL, 'model'),
    ]);
    if (csv) state.demoFile = new File([csv], 'demo.csv', { type: 'text/csv' });
    if (model) state.demoModel = new File([model], 'demo_model.onnx', { type: 'application/octet-stream' });
  } catch (err) {
    throw err instanceof TypeError ? new Error('could not load the demo (is the page offline and not yet cached?)') : err;
  }
}

/** "Try the demo": the demo model and its data, as one operation; `autorun`: run it too. */
async function loadDemo({ autorun = false } = {}) {
  const ok = await operation(async () => {
    try {
      await fetchDemo();
    } catch (err) {
      showError(err.message);
      return false;
    }
    return (await inspectModelFile(state.demoModel, true)) && (await inspectFile(state.demoFile));
  });
  if (ok && autorun) await runForm();
}

async function runForm() {
  let formed;
  try {
    formed = formPlan();
  } catch (err) {
    showError(err.message);
    markDone();
    return { ok: false, message: err.message };
  }
  return runRequest('run', () => ({ plan: formed.plan, files: formed.files }));
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
      // What leaves the page holds no small cells (slices under min_cell rows).
      const { text } = await engine.request('render', { report: state.report, format: 'json' });
      download(text, `${base}.json`, 'application/json');
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

const isOnnx = (f) => /\.onnx$/i.test(f.name);

/** A drop zone with its file input: a chosen or dropped file goes to `load`. */
function dropZone(zone, input, load) {
  input.addEventListener('change', () => {
    const f = input.files && input.files[0];
    if (f) load(f);
    input.value = ''; // choosing the same file again still fires 'change'
  });
  for (const ev of ['dragenter', 'dragover']) {
    zone.addEventListener(ev, (e) => {
      e.preventDefault();
      if (!state.busy) zone.classList.add('over');
    });
  }
  for (const ev of ['dragleave', 'drop']) {
    zone.addEventListener(ev, () => zone.classList.remove('over'));
  }
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    const f = e.dataTransfer && e.dataTransfer.files[0];
    if (f) load(f);
  });
}
// The data zone passes a model (.onnx) on to the model; the model zone takes whatever it is given.
dropZone(els.drop, els.file, (f) => (isOnnx(f) ? loadModel(f) : loadFile(f)));
dropZone(els.modelDrop, els.modelFile, loadModel);
els.modelRemove.addEventListener('click', removeModel);
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
els.discover.addEventListener('change', () => { els.discoverOptions.hidden = !els.discover.checked; });
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
els.features.addEventListener('change', (e) => {
  const box = e.target.closest('input[type=checkbox]');
  if (!box) return;
  // Ticked: the next input of the model; unticked: out, the rest move up.
  state.features = state.features.filter((f) => f !== box.value);
  if (box.checked) state.features.push(box.value);
  state.featuresEdited = true;
  updateFeatures();
});
els.featuresClear.addEventListener('click', () => {
  state.features = [];
  state.featuresEdited = true;
  updateFeatures();
});
els.featuresGuess.addEventListener('click', () => {
  if (state.model && state.inspection) guessFeatures();
});
els.label.addEventListener('change', () => {
  if (!state.model || !state.inspection) return;
  // The features are guessed without the label: guess again, unless the user chose them.
  if (state.featuresEdited) renderFeatures();
  else guessFeatures();
});
els.cancel.addEventListener('click', () => engine.stop('Cancelled.'));
els.downloads.addEventListener('click', (e) => {
  const b = e.target.closest('button[data-format]');
  if (b) downloadReport(b.dataset.format);
});

// A small console/test hook: run the loaded file with the npm package's
// config (e.g. a column the form cannot offer); with `calibration` settings it
// runs `calibrate`, otherwise `evaluate`; with a model loaded, `evaluateModel`
// (features, output, device… and no scores). Results and errors show as
// usual. `plan()` is the audit plan the form describes.
window.assay = Object.freeze({
  run: (config) => runConfig(config),
  plan: () => formPlan().plan,
  loadDemo: () => loadDemo(),
  version: () => engine.request('version').then((r) => r.version),
});

engine
  .request('version')
  .then(({ version, limits }) => {
    state.limits = limits;
    els.version.textContent = ` · Assay ${version.assay} (report schema ${version.schema})`;
    document.documentElement.dataset.ready = 'true';
  })
  .catch((err) => showError(`The engine failed to load: ${err.message}`));

if (new URLSearchParams(location.search).has('demo')) {
  loadDemo({ autorun: true });
}
