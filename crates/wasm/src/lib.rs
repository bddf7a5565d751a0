//! # assay-wasm
//!
//! WebAssembly bindings of Assay, shared by the page (`web/`) and the npm
//! package (`pkg/`). Everything runs in the caller's thread — meant to be a
//! Web Worker, so the page never freezes — and nothing here can reach the
//! network: the module imports no fetch, no XHR, no socket.
//!
//! The bindings only translate: JavaScript values into an audit plan and its
//! inputs, the pipeline's run (`assay-audit`) back into objects. [`run`]
//! takes a plan; `evaluate`, `calibrate` and `evaluateModel` take the
//! package's documented config and translate it ([`config`]).
//!
//! Inputs may be a `Blob`/`File` (read in 1 MiB slices with `FileReaderSync`,
//! so a file larger than memory is never held at once; workers only), CSV text,
//! CSV bytes, or a table given as `{column: array}` (read as it is).

mod config;
mod device;
mod input;

use assay_audit::{AuditError, Environment, Input, Inputs, Run};
use assay_engine::Cancel;
use assay_engine::heuristics::{self, FeatureColumn, OutputInfo};
use assay_engine::io::csv::{CsvOptions, read_csv};
use assay_engine::plan::{AuditPlan, DeviceChoice, Format, InputRole};
use assay_engine::progress::Progress;
use assay_report::Report;
use assay_runtime::{LoadOptions, Model, RuntimeDevice};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

fn js_err(msg: impl std::fmt::Display) -> JsError {
    JsError::new(&msg.to_string())
}

/// A JavaScript `Error` with the message and, when a setting would fix the
/// problem, its plan key as `error.key` (the page points at that field).
fn audit_error(e: &AuditError) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    if let Some(k) = e.key() {
        let _ = js_sys::Reflect::set(&err, &"key".into(), &k.path().into());
    }
    if e.is_cancelled() {
        let _ = js_sys::Reflect::set(&err, &"cancelled".into(), &true.into());
    }
    err.into()
}

fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, JsError> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(js_err)
}

fn call_progress(cb: &Option<js_sys::Function>, p: Progress) {
    if let Some(f) = cb {
        let o = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&o, &"stage".into(), &p.stage.id().into());
        let _ = js_sys::Reflect::set(&o, &"label".into(), &p.stage.label().into());
        let _ = js_sys::Reflect::set(&o, &"done".into(), &(p.done as f64).into());
        let _ = js_sys::Reflect::set(&o, &"total".into(), &(p.total as f64).into());
        let _ = f.call1(&JsValue::NULL, &o);
    }
}

/// Look at the first `rows` rows of `data`: columns, types, and a guess of
/// the label and score columns.
#[wasm_bindgen]
pub fn inspect(data: JsValue, rows: Option<usize>) -> Result<JsValue, JsError> {
    let rows = rows.unwrap_or(1000).max(1);
    let opts = CsvOptions {
        max_rows: Some(rows),
        infer_rows: rows,
        ..CsvOptions::default()
    };
    let src = input::Source::from_js(&data)?;
    let (table, truncated) = match src {
        input::Source::Columns(t) => (t, false),
        other => {
            let (t, s) = read_csv(other.reader()?, &opts, &mut |_| {}).map_err(js_err)?;
            (t, s.truncated)
        }
    };
    let info = assay_engine::inspect::inspect(&table, truncated).map_err(js_err)?;
    to_js(&info)
}

fn model_bytes(v: &JsValue) -> Result<Vec<u8>, JsError> {
    if let Some(a) = v.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(a.to_vec());
    }
    if let Some(a) = v.dyn_ref::<js_sys::ArrayBuffer>() {
        return Ok(js_sys::Uint8Array::new(a).to_vec());
    }
    Err(js_err(
        "pass the model as bytes (Uint8Array or ArrayBuffer; e.g. await file.arrayBuffer())",
    ))
}

/// The sources of a plan's inputs from a JavaScript object
/// `{name: File | Blob | text | bytes | {column: array}}`.
fn sources_of(plan: &AuditPlan, inputs: &JsValue) -> Result<Vec<(String, input::Source)>, JsValue> {
    let mut v = Vec::new();
    for spec in &plan.inputs {
        let x =
            js_sys::Reflect::get(inputs, &spec.name.as_str().into()).unwrap_or(JsValue::UNDEFINED);
        if x.is_undefined() || x.is_null() {
            return Err(audit_error(&AuditError::MissingInput {
                name: spec.name.clone(),
            }));
        }
        v.push((
            spec.name.clone(),
            input::Source::from_js(&x).map_err(JsValue::from)?,
        ));
    }
    Ok(v)
}

/// Run a plan over its inputs' sources: the one path every run takes.
async fn run_plan(
    plan: &AuditPlan,
    sources: Vec<(String, input::Source)>,
    producer: &str,
    max_bytes: Option<u64>,
    progress: Option<js_sys::Function>,
) -> Result<Run, JsValue> {
    plan.validate()
        .map_err(|e| audit_error(&AuditError::Plan(e)))?;
    let mut given = Inputs::new();
    for (name, src) in sources {
        let Some(spec) = plan.inputs.iter().find(|i| i.name == name) else {
            continue;
        };
        let input = match spec.role {
            InputRole::Data => {
                let Format::Csv { delimiter, types } = &spec.format;
                let options = CsvOptions {
                    delimiter: delimiter.map(|d| d as u8),
                    types: types.iter().map(|(k, v)| (k.clone(), *v)).collect(),
                    max_bytes,
                    ..CsvOptions::default()
                };
                Input::Table(src.into_source(options).map_err(JsValue::from)?)
            }
            _ => Input::Bytes(src.into_bytes().map_err(JsValue::from)?),
        };
        given.add(name, input);
    }
    let device = match &plan.model {
        Some(m) => Some(device::device_for(m.device).await.map_err(|e| {
            let err: JsValue = e.into();
            let _ = js_sys::Reflect::set(&err, &"key".into(), &"model.device".into());
            err
        })?),
        None => None,
    };
    let now = || js_sys::Date::now() / 1000.0;
    let env = Environment {
        producer,
        device,
        now: &now,
        cancel: Cancel::new(),
        load: LoadOptions::default(),
    };
    assay_audit::run(plan, given, &env, &mut |p| call_progress(&progress, p))
        .await
        .map_err(|e| audit_error(&e))
}

/// `{report, artifacts: {calibrators: {method: calibrator file text}}}`.
fn run_output(r: &Run) -> Result<JsValue, JsError> {
    #[derive(serde::Serialize)]
    struct Artifacts {
        calibrators: std::collections::BTreeMap<String, String>,
    }
    #[derive(serde::Serialize)]
    struct Out<'a> {
        report: &'a Report,
        artifacts: Artifacts,
    }
    // A struct, not json!(): keeps the report's field order (schema_version first).
    to_js(&Out {
        report: &r.report,
        artifacts: Artifacts {
            calibrators: calibrators(r),
        },
    })
}

fn calibrators(r: &Run) -> std::collections::BTreeMap<String, String> {
    r.calibrators()
        .iter()
        .map(|a| (a.method.to_string(), a.to_json()))
        .collect()
}

/// The legacy `{report, calibrators}` shape of `calibrate`.
fn calibrate_output(r: &Run) -> Result<JsValue, JsError> {
    #[derive(serde::Serialize)]
    struct Out<'a> {
        report: &'a Report,
        calibrators: std::collections::BTreeMap<String, String>,
    }
    to_js(&Out {
        report: &r.report,
        calibrators: calibrators(r),
    })
}

/// Run an audit plan (the audit file's JSON shape, see `schema/audit.schema.json`)
/// over `inputs` — `{name: File | Blob | CSV text | bytes | {column: array}}`,
/// one entry per input the plan names — and resolve to `{report, artifacts}`
/// (`artifacts.calibrators`: `{method: calibrator file text}`). Options:
/// `{producer, maxBytes}`. `progress({stage, label, done, total})` is called
/// as work advances. A failed run rejects with an `Error` whose `key` names
/// the plan setting to fix, when one would.
#[wasm_bindgen]
pub async fn run(
    plan: JsValue,
    inputs: JsValue,
    options: JsValue,
    progress: Option<js_sys::Function>,
) -> Result<JsValue, JsValue> {
    let plan: AuditPlan = serde_wasm_bindgen::from_value(plan)
        .map_err(|e| JsValue::from(js_err(format!("not an Assay audit plan: {e}"))))?;
    let get = |k: &str| {
        js_sys::Reflect::get(&options, &k.into())
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    };
    let producer = get("producer")
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| "assay-wasm".into());
    let max_bytes = get("maxBytes").and_then(|v| v.as_f64()).map(|v| v as u64);
    let sources = sources_of(&plan, &inputs)?;
    let r = run_plan(&plan, sources, &producer, max_bytes, progress).await?;
    run_output(&r).map_err(JsValue::from)
}

/// A legacy config run: translate, then [`run_plan`].
async fn run_config(
    data: JsValue,
    model: Option<Vec<u8>>,
    config: JsValue,
    progress: Option<js_sys::Function>,
    calibrate: bool,
) -> Result<Run, JsValue> {
    if config.is_undefined() || config.is_null() {
        return Err(js_err("no configuration given: pass {label, scores}").into());
    }
    let c: config::JsConfig = serde_wasm_bindgen::from_value(config)
        .map_err(|e| JsValue::from(js_err(format!("invalid configuration: {e}"))))?;
    let src = input::Source::from_js(&data).map_err(JsValue::from)?;
    let name = c
        .file_name
        .clone()
        .or_else(|| src.name())
        .unwrap_or_else(|| "data".into());
    let (plan, names) = config::plan_of(&c, name, model.is_some(), calibrate)
        .map_err(|e| JsValue::from(js_err(e)))?;
    let mut sources = vec![(names.data, src)];
    if let (Some(bytes), Some(n)) = (model, names.model) {
        sources.push((n, input::Source::Bytes(bytes)));
    }
    if let (Some(text), Some(n)) = (&c.calibrator, names.calibrator) {
        sources.push((n, input::Source::Bytes(text.clone().into_bytes())));
    }
    let producer = c.producer.clone().unwrap_or_else(|| "assay-wasm".into());
    run_plan(&plan, sources, &producer, c.max_bytes, progress).await
}

/// Drive a run that cannot wait (no model: nothing in it awaits) to
/// completion, for the synchronous entry points.
fn sync_run(fut: impl std::future::Future<Output = Result<Run, JsValue>>) -> Result<Run, JsValue> {
    assay_audit::now_or_never(fut)
        .unwrap_or_else(|| Err(js_err("internal error: a synchronous run had to wait").into()))
}

/// Evaluate predictions in `data` (File, Blob, CSV text or bytes, or
/// `{column: array}`) with `config`; returns the report as an object.
/// `progress({stage, label, done, total})` is called as work advances.
#[wasm_bindgen]
pub fn evaluate(
    data: JsValue,
    config: JsValue,
    progress: Option<js_sys::Function>,
) -> Result<JsValue, JsValue> {
    let r = sync_run(run_config(data, None, config, progress, false))?;
    to_js(&r.report).map_err(JsValue::from)
}

/// Evaluate and analyse calibration (reliability, recalibrators judged on
/// held-out rows, per-slice calibration). Config as [`evaluate`], plus
/// `calibration: {bins, methods: ["temperature", …], split: {kind: "random",
/// fraction} | {kind: "folds", folds} | {kind: "column", column, value},
/// slice}`. Returns `{report, calibrators: {method: calibrator file text}}`;
/// a calibrator's text can be saved and passed back later as
/// `config.calibrator`.
#[wasm_bindgen]
pub fn calibrate(
    data: JsValue,
    config: JsValue,
    progress: Option<js_sys::Function>,
) -> Result<JsValue, JsValue> {
    let r = sync_run(run_config(data, None, config, progress, true))?;
    calibrate_output(&r).map_err(JsValue::from)
}

/// Run an ONNX model (bytes) over `data` and evaluate its outputs — the
/// same report as [`evaluate`], with a `model` section. Config as
/// [`evaluate`] without `scores`, plus `features`, `output`, `batchSize`,
/// `classes`, `device` (`auto`: WebGPU when an adapter exists, else the CPU;
/// `gpu`; `cpu`), `modelName`, and `calibration` (then the result is
/// `{report, calibrators}` as [`calibrate`]'s). Async: WebGPU reads back
/// asynchronously.
#[wasm_bindgen(js_name = evaluateModel)]
pub async fn evaluate_model(
    data: JsValue,
    model: JsValue,
    config: JsValue,
    progress: Option<js_sys::Function>,
) -> Result<JsValue, JsValue> {
    let bytes = model_bytes(&model)?;
    let wants_calibration = js_sys::Reflect::get(&config, &"calibration".into())
        .map(|v| !v.is_undefined() && !v.is_null())
        .unwrap_or(false);
    let r = run_config(data, Some(bytes), config, progress, wants_calibration).await?;
    if wants_calibration {
        calibrate_output(&r).map_err(JsValue::from)
    } else {
        to_js(&r.report).map_err(JsValue::from)
    }
}

/// A model's inputs, outputs, operators and opsets (for mapping features).
#[wasm_bindgen(js_name = inspectModel)]
pub fn inspect_model(model: JsValue) -> Result<JsValue, JsError> {
    let bytes = model_bytes(&model)?;
    let m = Model::load(&bytes, &RuntimeDevice::cpu(), &LoadOptions::default()).map_err(js_err)?;
    let desc = |t: &assay_runtime::TensorInfo| {
        serde_json::json!({
            "name": t.name,
            "dtype": t.dtype.name(),
            "float": t.dtype.is_float(),
            "shape": t.shape,
        })
    };
    let infos: Vec<OutputInfo> = m
        .outputs()
        .iter()
        .map(|o| OutputInfo {
            name: o.name.clone(),
            float: o.dtype.is_float(),
        })
        .collect();
    let default = heuristics::default_output(&infos).map(|i| infos[i].name.clone());
    to_js(&serde_json::json!({
        "inputs": m.inputs().iter().map(desc).collect::<Vec<_>>(),
        "outputs": m.outputs().iter().map(desc).collect::<Vec<_>>(),
        "default_output": default,
        "ops": m.op_summary(),
        "opsets": m.opsets(),
        "bytes": bytes.len(),
        "sha256": assay_engine::io::sha256_hex(&bytes),
    }))
}

/// Whether a column name looks like a model's scores rather than a feature
/// (the rule the engine uses to guess features).
#[wasm_bindgen(js_name = looksLikeScore)]
pub fn looks_like_score(name: &str) -> bool {
    heuristics::looks_like_score(name)
}

/// The index of the output evaluated by default, among `[{name, float}]`
/// (`null` when none is floating-point).
#[wasm_bindgen(js_name = defaultOutput)]
pub fn default_output(outputs: JsValue) -> Result<Option<usize>, JsError> {
    let outputs: Vec<OutputInfo> = serde_wasm_bindgen::from_value(outputs).map_err(js_err)?;
    Ok(heuristics::default_output(&outputs))
}

/// The features a model gets by default, from `[{name, numeric}]` columns,
/// the label and the model's input width (`null`: unknown):
/// `{features, left_out, numeric, fits}`.
#[wasm_bindgen(js_name = guessFeatures)]
pub fn guess_features(
    columns: JsValue,
    label: &str,
    width: Option<usize>,
) -> Result<JsValue, JsError> {
    let columns: Vec<FeatureColumn> = serde_wasm_bindgen::from_value(columns).map_err(js_err)?;
    to_js(&heuristics::default_features(&columns, label, width))
}

/// The limits the engine applies: `{maxModelBytes}`.
#[wasm_bindgen]
pub fn limits() -> Result<JsValue, JsError> {
    to_js(&serde_json::json!({ "maxModelBytes": LoadOptions::default().max_bytes }))
}

/// A report given as JSON text or as the object [`evaluate`] returns.
fn parse_report(report: &JsValue) -> Result<Report, JsError> {
    if let Some(s) = report.as_string() {
        return Report::from_json(&s).map_err(js_err);
    }
    let v: serde_json::Value = serde_wasm_bindgen::from_value(report.clone())
        .map_err(|e| js_err(format!("not an Assay report: {e}")))?;
    Report::from_json(&v.to_string()).map_err(js_err)
}

/// The report's HTML fragment (what the page shows), from a report (object or JSON).
#[wasm_bindgen(js_name = renderHtmlFragment)]
pub fn render_html_fragment(report: JsValue) -> Result<String, JsError> {
    Ok(assay_report::html::fragment(&parse_report(&report)?))
}

/// A complete, self-contained HTML report to share, from a report (object
/// or JSON): small cells (slices under `min_cell` rows) are left out.
#[wasm_bindgen(js_name = renderHtml)]
pub fn render_html(report: JsValue) -> Result<String, JsError> {
    Ok(assay_report::html::document(
        &parse_report(&report)?.for_export(),
    ))
}

/// The report as Markdown to share (small cells left out).
#[wasm_bindgen(js_name = renderMarkdown)]
pub fn render_markdown(report: JsValue) -> Result<String, JsError> {
    Ok(assay_report::markdown::render(
        &parse_report(&report)?.for_export(),
    ))
}

/// The report's JSON to share: small cells (slices and groups under
/// `min_cell` rows) removed and counted.
#[wasm_bindgen(js_name = exportReport)]
pub fn export_report(report: JsValue) -> Result<String, JsError> {
    Ok(parse_report(&report)?.for_export().to_json())
}

thread_local! {
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

#[cfg(target_arch = "wasm32")]
unsafe extern "C" {
    /// The static constructors wasm-ld synthesises (the GPU stack registers
    /// its kernels through `inventory`).
    fn __wasm_call_ctors();
}

/// Run once when the module is instantiated: static constructors, then a
/// panic hook.
///
/// Calling `__wasm_call_ctors` here matters for speed: when a module never
/// calls it, wasm-ld wraps *every* export to run all constructors first —
/// about 10 ms of re-registration on each call into the engine.
///
/// Panic messages are recorded because a wasm panic surfaces in JavaScript
/// only as "unreachable"; the page asks [`last_panic`] what really happened.
#[wasm_bindgen(start)]
pub fn start() {
    // SAFETY: called exactly once, at instantiation, before any other code.
    #[cfg(target_arch = "wasm32")]
    unsafe {
        __wasm_call_ctors()
    };
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(msg));
    }));
}

/// The message of the last panic inside the engine (a bug), if any. After a
/// panic the module must be re-instantiated (the page replaces its worker).
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> Option<String> {
    LAST_PANIC.with(|p| p.borrow().clone())
}

/// The CSS the HTML fragment expects.
#[wasm_bindgen(js_name = reportStylesheet)]
pub fn report_stylesheet() -> String {
    assay_report::html::stylesheet().to_owned()
}

/// Assay's version and the report schema version.
#[wasm_bindgen]
pub fn version() -> Result<JsValue, JsError> {
    to_js(&serde_json::json!({
        "assay": assay_report::ASSAY_VERSION,
        "schema": assay_report::SCHEMA_VERSION,
    }))
}

/// A loaded ONNX model, for running it on tensors directly (benchmarks, or
/// embedding Assay's runtime without an evaluation).
#[wasm_bindgen]
pub struct AssayModel {
    model: std::rc::Rc<Model>,
}

#[wasm_bindgen]
impl AssayModel {
    /// Load a model (bytes) on `device`: `auto` (default), `gpu` or `cpu`.
    pub async fn load(bytes: JsValue, device: Option<String>) -> Result<AssayModel, JsError> {
        let bytes = model_bytes(&bytes)?;
        let choice = match device.as_deref() {
            Some("cpu") => DeviceChoice::Cpu,
            Some("gpu") => DeviceChoice::Gpu,
            _ => DeviceChoice::Auto,
        };
        let (dev, _) = device::device_for(choice).await?;
        let model = Model::load(&bytes, &dev, &LoadOptions::default()).map_err(js_err)?;
        Ok(AssayModel {
            model: std::rc::Rc::new(model),
        })
    }

    /// The device it runs on (`CPU (flex)`, `WebGPU: <adapter>`).
    pub fn device(&self) -> String {
        self.model.device().description().to_owned()
    }

    /// Run on one float32 input; resolves to `{outputName: {shape, data}}`
    /// (`data` a Float64Array of the values, whatever their type).
    pub fn run(
        &self,
        input: String,
        shape: Vec<usize>,
        data: js_sys::Float32Array,
    ) -> js_sys::Promise {
        let model = self.model.clone();
        let tensor = assay_runtime::HostTensor {
            shape,
            data: assay_runtime::HostData::F32(data.to_vec()),
        };
        wasm_bindgen_futures::future_to_promise(async move {
            let outs = model
                .run(vec![(input, tensor)])
                .await
                .map_err(|e| JsValue::from(js_err(e)))?;
            let result = js_sys::Object::new();
            for (name, t) in outs {
                let values: Vec<f64> = t.data.to_f64_vec();
                let o = js_sys::Object::new();
                let shape = js_sys::Array::new();
                for d in &t.shape {
                    shape.push(&JsValue::from(*d as f64));
                }
                js_sys::Reflect::set(&o, &"shape".into(), &shape)?;
                js_sys::Reflect::set(&o, &"data".into(), &js_sys::Float64Array::from(&values[..]))?;
                js_sys::Reflect::set(&result, &name.into(), &o)?;
            }
            Ok(result.into())
        })
    }
}
