//! # assay-wasm
//!
//! WebAssembly bindings of Assay, shared by the page (`web/`) and the npm
//! package (`pkg/`). Everything runs in the caller's thread — meant to be a
//! Web Worker, so the page never freezes — and nothing here can reach the
//! network: the module imports no fetch, no XHR, no socket.
//!
//! Inputs may be a `Blob`/`File` (read in 1 MiB slices with `FileReaderSync`,
//! so a file larger than memory is never held at once; workers only), CSV text,
//! CSV bytes, or a table given as `{column: array}`.

mod input;

use assay_engine::bootstrap::BootstrapOptions;
use assay_engine::csv_read::{CsvOptions, read_csv};
use assay_engine::evaluate::{EvalOptions, Progress};
use assay_engine::prepare::{ColumnSpec, Task};
use assay_engine::table::ColumnType;
use assay_report::{Config, InputFile, Report};
use assay_runtime::predict::PredictOptions;
use assay_runtime::{LoadOptions, Model, RuntimeDevice};
use serde::Deserialize;
use std::collections::HashMap;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Evaluation settings as JavaScript passes them (camelCase, all optional but
/// `label` and `scores`).
#[derive(Debug, Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct JsConfig {
    label: String,
    scores: Vec<String>,
    task: Option<Task>,
    positive: Option<String>,
    logits: bool,
    threshold: Option<f64>,
    bootstrap: Option<usize>,
    seed: Option<u64>,
    ci_level: Option<f64>,
    delimiter: Option<String>,
    types: HashMap<String, ColumnType>,
    /// Name recorded in the report's provenance (defaults to the File's name).
    file_name: Option<String>,
    /// Producer recorded in the report (`assay-web`, `assay-npm`).
    producer: Option<String>,
    /// Refuse inputs larger than this many bytes.
    max_bytes: Option<u64>,
    /// A saved calibrator (the JSON text of a calibrator file) to apply first.
    calibrator: Option<String>,
    /// The calibrator file's name, for the report's provenance.
    calibrator_name: Option<String>,
    /// Analyse calibration (for `calibrate`): bins, methods, split, slice.
    calibration: Option<assay_engine::calibration::CalibrationOptions>,
    /// Model runs: feature columns, output, batch size, class names, device.
    features: Option<Vec<String>>,
    output: Option<String>,
    batch_size: Option<usize>,
    classes: Option<Vec<String>>,
    /// `auto` (WebGPU when an adapter exists, else the CPU), `gpu` or `cpu`.
    device: Option<String>,
    /// The model file's name, for the report.
    model_name: Option<String>,
}

fn js_err(msg: impl std::fmt::Display) -> JsError {
    JsError::new(&msg.to_string())
}

fn parse_config(config: JsValue) -> Result<JsConfig, JsError> {
    if config.is_undefined() || config.is_null() {
        return Err(js_err("no configuration given: pass {label, scores}"));
    }
    serde_wasm_bindgen::from_value(config)
        .map_err(|e| js_err(format!("invalid configuration: {e}")))
}

fn csv_options(c: &JsConfig) -> Result<CsvOptions, JsError> {
    let delimiter = match c.delimiter.as_deref() {
        None | Some("") => None,
        Some("\\t") | Some("tab") => Some(b'\t'),
        Some(d) if d.len() == 1 && d.is_ascii() => Some(d.as_bytes()[0]),
        Some(d) => {
            return Err(js_err(format!(
                "delimiter '{d}' is not one ASCII character"
            )));
        }
    };
    Ok(CsvOptions {
        delimiter,
        types: c.types.clone(),
        max_bytes: c.max_bytes,
        ..CsvOptions::default()
    })
}

fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, JsError> {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(js_err)
}

fn call_progress(cb: &Option<js_sys::Function>, p: Progress) {
    if let Some(f) = cb {
        let o = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&o, &"stage".into(), &p.stage.into());
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
    let (table, summary) = match src {
        input::Source::Columns(t) => (t, None),
        other => {
            let (t, s) = read_csv(other.reader()?, &opts, &mut |_| {}).map_err(js_err)?;
            (t, Some(s))
        }
    };
    let info =
        assay_engine::inspect::inspect(&table, summary.as_ref().is_some_and(|s| s.truncated))
            .map_err(js_err)?;
    to_js(&info)
}

/// Evaluate predictions in `data` (File, Blob, CSV text or bytes, or
/// `{column: array}`) with `config`; returns the report (schema 1.x) as an
/// object. `progress({stage, done, total})` is called as work advances.
#[wasm_bindgen]
pub fn evaluate(
    data: JsValue,
    config: JsValue,
    progress: Option<js_sys::Function>,
) -> Result<JsValue, JsError> {
    let report = evaluate_report(data, config, progress)?;
    to_js(&report)
}

/// Like [`evaluate`], but returns the report as a JSON string (cheap to post
/// between a worker and the page).
#[wasm_bindgen(js_name = evaluateJson)]
pub fn evaluate_json(
    data: JsValue,
    config: JsValue,
    progress: Option<js_sys::Function>,
) -> Result<String, JsError> {
    Ok(evaluate_report(data, config, progress)?.to_json())
}

/// A finished run: the report and any fitted calibrators.
struct Run {
    report: Report,
    artifacts: Vec<assay_engine::calibration::CalibratorArtifact>,
}

fn evaluate_report(
    data: JsValue,
    config: JsValue,
    progress: Option<js_sys::Function>,
) -> Result<Report, JsError> {
    Ok(now_or_never(run(data, None, config, progress, false))?.report)
}

/// Drive a future that cannot wait (no model: nothing in it awaits) to
/// completion synchronously, for the synchronous entry points.
fn now_or_never<T>(
    fut: impl std::future::Future<Output = Result<T, JsError>>,
) -> Result<T, JsError> {
    use std::task::{Context, Poll, Waker};
    let mut fut = std::pin::pin!(fut);
    match fut.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => Err(js_err("internal error: a synchronous run had to wait")),
    }
}

thread_local! {
    /// The WebGPU device, created once per worker (adapter and device
    /// requests take a few hundred milliseconds).
    static GPU: std::cell::RefCell<Option<RuntimeDevice>> = const { std::cell::RefCell::new(None) };
}

/// The device to run a model on: `cpu`, `gpu` (WebGPU, or an error), or
/// `auto` (WebGPU when an adapter exists, else the CPU, saying why).
async fn device_for(choice: &str) -> Result<(RuntimeDevice, Option<String>), JsError> {
    if choice == "cpu" {
        return Ok((RuntimeDevice::cpu(), None));
    }
    if let Some(d) = GPU.with(|g| g.borrow().clone()) {
        return Ok((d, None));
    }
    // wgpu panics where WebGPU cannot be used (Node, shared workers), and its
    // errors are long: ask the browser first, in its own words.
    let label = match webgpu_adapter().await {
        Ok(label) => label,
        Err(why) => {
            return if choice == "auto" {
                Ok((
                    RuntimeDevice::cpu(),
                    Some(format!(
                        "WebGPU is not available here ({why}); the model ran on the CPU"
                    )),
                ))
            } else {
                Err(js_err(format!("no WebGPU: {why}")))
            };
        }
    };
    match RuntimeDevice::gpu().await {
        Ok(d) => {
            let d = d.with_description(format!("WebGPU: {label}"));
            GPU.with(|g| *g.borrow_mut() = Some(d.clone()));
            Ok((d, None))
        }
        Err(e) if choice == "auto" => Ok((
            RuntimeDevice::cpu(),
            Some(format!(
                "WebGPU could not be started ({e}); the model ran on the CPU"
            )),
        )),
        Err(e) => Err(js_err(e)),
    }
}

/// Whether this global scope offers a WebGPU adapter, and its name
/// (`google swiftshader (software fallback)`): WebGPU needs `navigator.gpu`,
/// on a page or in a dedicated worker, and an adapter.
async fn webgpu_adapter() -> Result<String, String> {
    let g = js_sys::global();
    let get =
        |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).unwrap_or(JsValue::UNDEFINED);
    let gpu = get(&get(&g, "navigator"), "gpu");
    if gpu.is_undefined() || gpu.is_null() {
        return Err("this environment has no navigator.gpu".into());
    }
    let scope = get(&get(&g, "constructor"), "name")
        .as_string()
        .unwrap_or_default();
    if scope != "Window" && scope != "DedicatedWorkerGlobalScope" {
        return Err(format!("WebGPU is not offered in a {scope}"));
    }
    let request = get(&gpu, "requestAdapter")
        .dyn_into::<js_sys::Function>()
        .map_err(|_| "navigator.gpu.requestAdapter is missing".to_string())?;
    let promise = request
        .call0(&gpu)
        .ok()
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok())
        .ok_or("requestAdapter failed")?;
    let adapter = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| "requestAdapter failed".to_string())?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err("the browser offers no WebGPU adapter".into());
    }
    let info = get(&adapter, "info");
    let mut parts: Vec<String> = ["vendor", "architecture", "device", "description"]
        .iter()
        .filter_map(|k| get(&info, k).as_string())
        .filter(|s| !s.is_empty())
        .collect();
    parts.dedup();
    let fallback = get(&info, "isFallbackAdapter").as_bool() == Some(true)
        || get(&adapter, "isFallbackAdapter").as_bool() == Some(true);
    let mut label = if parts.is_empty() {
        "adapter".to_string()
    } else {
        parts.join(" ")
    };
    if fallback {
        label.push_str(" (software fallback)");
    }
    Ok(label)
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

async fn run(
    data: JsValue,
    model: Option<Vec<u8>>,
    config: JsValue,
    progress: Option<js_sys::Function>,
    calibrate: bool,
) -> Result<Run, JsError> {
    let c = parse_config(config)?;
    let mut spec = ColumnSpec {
        label: c.label.clone(),
        scores: c.scores.clone(),
        task: c.task,
        positive: c.positive.clone(),
        logits: c.logits,
    };
    if model.is_some() && !spec.scores.is_empty() {
        return Err(js_err("give either score columns or a model, not both"));
    }
    let defaults = EvalOptions::default();
    let opts = EvalOptions {
        threshold: c.threshold.unwrap_or(defaults.threshold),
        bootstrap: BootstrapOptions {
            resamples: c.bootstrap.unwrap_or(defaults.bootstrap.resamples),
            seed: c.seed.unwrap_or(defaults.bootstrap.seed),
            level: c.ci_level.unwrap_or(defaults.bootstrap.level),
        },
        ..defaults
    };
    opts.validate().map_err(js_err)?;
    let calibrator = match &c.calibrator {
        Some(text) => {
            Some(assay_engine::calibration::CalibratorArtifact::from_json(text).map_err(js_err)?)
        }
        None => None,
    };
    let calibration = if calibrate {
        Some(c.calibration.clone().unwrap_or_default())
    } else {
        None
    };
    let src = input::Source::from_js(&data)?;
    let name = c
        .file_name
        .clone()
        .or_else(|| src.name())
        .unwrap_or_else(|| "data".into());
    let total = src.size();
    let mut cb = |p: Progress| call_progress(&progress, p);
    let mut req = assay_engine::Request {
        columns: spec.clone(),
        csv: csv_options(&c)?,
        evaluation: opts.clone(),
        calibrator,
        calibration: calibration.clone(),
    };
    let mut model_info = None;
    let mut model_file = None;
    let device_asked = c.device.clone().unwrap_or_else(|| "auto".into());
    let out = match (src, model) {
        (input::Source::Columns(_), Some(_)) => {
            return Err(js_err(
                "a model run needs the data as a file, text or bytes",
            ));
        }
        (input::Source::Columns(table), None) => {
            // An in-memory table: the same stages without the CSV reader.
            let bytes = input::table_csv(&table);
            let mut out =
                assay_engine::run_csv(&bytes[..], None, &name, &req, &mut cb).map_err(js_err)?;
            out.input.sha256 = input::table_digest(&table);
            out.input.bytes = 0;
            out
        }
        (other, None) => {
            assay_engine::run_csv(other.reader()?, total, &name, &req, &mut cb).map_err(js_err)?
        }
        (other, Some(bytes)) => {
            let model_name = c.model_name.clone().unwrap_or_else(|| "model.onnx".into());
            let (device, note) = device_for(&device_asked).await?;
            let model = Model::load(&bytes, &device, &LoadOptions::default())
                .map_err(|e| js_err(format!("{model_name}: {e}")))?;
            model_file = Some(InputFile {
                role: "model".into(),
                name: model_name.clone(),
                sha256: assay_engine::csv_read::sha256_hex(&bytes),
                bytes: bytes.len() as u64,
                rows: None,
            });
            drop(bytes);
            let (mut table, summary) = assay_engine::read_stage(
                other.reader()?,
                total,
                &req,
                c.features.as_deref(),
                &mut cb,
            )
            .map_err(js_err)?;
            let popts = PredictOptions {
                features: c.features.clone(),
                output: c.output.clone(),
                batch_size: c.batch_size.unwrap_or(PredictOptions::default().batch_size),
                classes: c.classes.clone(),
            };
            let t0 = js_sys::Date::now();
            let mut run = assay_runtime::predict::predict(
                &model,
                &mut table,
                &c.label,
                &popts,
                &mut |done, total| {
                    cb(Progress {
                        stage: "model",
                        done,
                        total,
                    })
                },
            )
            .await
            .map_err(js_err)?;
            run.seconds = (js_sys::Date::now() - t0) / 1000.0;
            req.columns.scores = run.scores.clone();
            spec.scores = run.scores.clone();
            model_info = Some(assay_runtime::predict::describe(&model, &model_name, &run));
            let mut out = assay_engine::analyze_stage(&table, summary, &name, &req, &mut cb)
                .map_err(js_err)?;
            if let Some(n) = note {
                out.warnings.push(n);
            }
            out
        }
    };
    let mut out = out;
    if let Some(mf) = &model_file {
        for a in &mut out.artifacts {
            a.fitted_on.model_sha256 = Some(mf.sha256.clone());
        }
    }
    let mut file = InputFile::from_csv(&name, &out.input);
    if out.input.bytes == 0 {
        file.role = "table".into();
    }
    let mut inputs = vec![file];
    inputs.extend(model_file);
    if let Some(text) = &c.calibrator {
        inputs.push(InputFile {
            role: "calibrator".into(),
            name: c
                .calibrator_name
                .clone()
                .unwrap_or_else(|| "calibrator.json".into()),
            sha256: assay_engine::csv_read::sha256_hex(text.as_bytes()),
            bytes: text.len() as u64,
            rows: None,
        });
    }
    let report = Report::new(
        c.producer.as_deref().unwrap_or("assay-wasm"),
        inputs,
        Config {
            columns: spec,
            evaluation: opts,
            delimiter: Some(out.input.delimiter),
            calibration,
            model: model_info.as_ref().map(|_| assay_report::ModelConfig {
                features: c.features.clone(),
                output: c.output.clone(),
                batch_size: c.batch_size.unwrap_or(PredictOptions::default().batch_size),
                classes: c.classes.clone(),
                device: device_asked.clone(),
            }),
        },
        out.evaluation,
        out.warnings,
    )
    .with_calibration(out.calibration, out.applied_calibrator)
    .with_model(model_info);
    Ok(Run {
        report,
        artifacts: out.artifacts,
    })
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
) -> Result<JsValue, JsError> {
    let bytes = model_bytes(&model)?;
    let wants_calibration = js_sys::Reflect::get(&config, &"calibration".into())
        .map(|v| !v.is_undefined() && !v.is_null())
        .unwrap_or(false);
    let r = run(data, Some(bytes), config, progress, wants_calibration).await?;
    if wants_calibration {
        calibrate_output(&r)
    } else {
        to_js(&r.report)
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
            "shape": t.shape,
        })
    };
    to_js(&serde_json::json!({
        "inputs": m.inputs().iter().map(desc).collect::<Vec<_>>(),
        "outputs": m.outputs().iter().map(desc).collect::<Vec<_>>(),
        "ops": m.op_summary(),
        "opsets": m.opsets(),
        "bytes": bytes.len(),
        "sha256": assay_engine::csv_read::sha256_hex(&bytes),
    }))
}

fn calibrate_output(r: &Run) -> Result<JsValue, JsError> {
    let calibrators: std::collections::BTreeMap<String, String> = r
        .artifacts
        .iter()
        .map(|a| (a.method.to_string(), a.to_json()))
        .collect();
    #[derive(serde::Serialize)]
    struct Out<'a> {
        report: &'a Report,
        calibrators: std::collections::BTreeMap<String, String>,
    }
    // A struct, not json!(): keeps the report's field order (schema_version first).
    to_js(&Out {
        report: &r.report,
        calibrators,
    })
}

/// Evaluate and analyse calibration (reliability, recalibrators judged on
/// held-out rows, per-slice calibration). Config as [`evaluate`], plus
/// `calibration: {bins, methods: ["temperature", …], split: {kind: "random",
/// fraction, seed} | {kind: "folds", folds, seed} | {kind: "column", column,
/// value}, slice}`. Returns `{report, calibrators: {method: calibrator file
/// text}}`; a calibrator's text can be saved and passed back later as
/// `config.calibrator`.
#[wasm_bindgen]
pub fn calibrate(
    data: JsValue,
    config: JsValue,
    progress: Option<js_sys::Function>,
) -> Result<JsValue, JsError> {
    let r = now_or_never(run(data, None, config, progress, true))?;
    calibrate_output(&r)
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

/// A complete, self-contained HTML report, from a report (object or JSON).
#[wasm_bindgen(js_name = renderHtml)]
pub fn render_html(report: JsValue) -> Result<String, JsError> {
    Ok(assay_report::html::document(&parse_report(&report)?))
}

/// The report as Markdown, from a report (object or JSON).
#[wasm_bindgen(js_name = renderMarkdown)]
pub fn render_markdown(report: JsValue) -> Result<String, JsError> {
    Ok(assay_report::markdown::render(&parse_report(&report)?))
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
        let (dev, _) = device_for(device.as_deref().unwrap_or("auto")).await?;
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
                let values: Vec<f64> = match t.data {
                    assay_runtime::HostData::F32(v) => v.iter().map(|&x| x as f64).collect(),
                    assay_runtime::HostData::F64(v) => v,
                    assay_runtime::HostData::I64(v) => v.iter().map(|&x| x as f64).collect(),
                    assay_runtime::HostData::I32(v) => v.iter().map(|&x| x as f64).collect(),
                    assay_runtime::HostData::Bool(v) => v.iter().map(|&x| x as u8 as f64).collect(),
                };
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
