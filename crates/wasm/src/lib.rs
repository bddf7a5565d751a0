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
use assay_engine::csv_read::{CsvOptions, CsvSummary, read_csv};
use assay_engine::evaluate::{EvalOptions, Progress};
use assay_engine::prepare::{ColumnSpec, Task};
use assay_engine::table::ColumnType;
use assay_report::{Config, InputFile, Report};
use serde::Deserialize;
use std::collections::HashMap;
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

fn evaluate_report(
    data: JsValue,
    config: JsValue,
    progress: Option<js_sys::Function>,
) -> Result<Report, JsError> {
    let c = parse_config(config)?;
    let spec = ColumnSpec {
        label: c.label.clone(),
        scores: c.scores.clone(),
        task: c.task,
        positive: c.positive.clone(),
        logits: c.logits,
    };
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
    if !(0.0..=1.0).contains(&opts.threshold) {
        return Err(js_err(format!(
            "threshold {} is outside [0, 1]",
            opts.threshold
        )));
    }
    if !(opts.bootstrap.level > 0.0 && opts.bootstrap.level < 1.0) {
        return Err(js_err("ciLevel must be between 0 and 1"));
    }
    let src = input::Source::from_js(&data)?;
    let name = c
        .file_name
        .clone()
        .or_else(|| src.name())
        .unwrap_or_else(|| "data".into());
    let total = src.size();
    let mut cb = |p: Progress| call_progress(&progress, p);
    let (evaluation, summary, warnings) = match src {
        input::Source::Columns(table) => {
            let (prepared, warnings) =
                assay_engine::prepare::prepare(&table, &spec).map_err(js_err)?;
            let ev = assay_engine::evaluate::evaluate(&prepared, &opts, &mut cb).map_err(js_err)?;
            let summary = CsvSummary {
                sha256: input::table_digest(&table),
                bytes: 0,
                rows: table.rows(),
                delimiter: ',',
                header: table.names().to_vec(),
                warnings: Vec::new(),
                truncated: false,
            };
            (ev, summary, warnings)
        }
        other => {
            let r = assay_engine::evaluate_csv(
                other.reader()?,
                total,
                &spec,
                &csv_options(&c)?,
                &opts,
                &mut cb,
            )
            .map_err(js_err)?;
            (r.evaluation, r.input, r.warnings)
        }
    };
    let mut input = InputFile::from_csv(&name, &summary);
    if summary.bytes == 0 {
        input.role = "table".into();
    }
    Ok(Report::new(
        c.producer.as_deref().unwrap_or("assay-wasm"),
        vec![input],
        Config {
            columns: spec,
            evaluation: opts,
            delimiter: Some(summary.delimiter),
        },
        evaluation,
        warnings,
    ))
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

/// Record panic messages: a wasm panic surfaces in JavaScript only as
/// "unreachable", so the page asks [`last_panic`] what really happened.
#[wasm_bindgen(start)]
pub fn start() {
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
