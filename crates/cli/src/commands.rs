//! The commands: translate flags into a plan, supply its inputs from files,
//! run the pipeline, write what the plan asks for. No audit logic lives
//! here: that is `assay-audit`'s.

use crate::args::{CalibrateArgs, EvalArgs, InspectArgs};
use crate::plan::{eval_plan, with_flag};
use crate::progress::Bars;
use assay_audit::{AuditError, Environment, Input, Inputs, Run};
use assay_engine::Cancel;
use assay_engine::analyses::calibration::CalibratorArtifact;
use assay_engine::io::csv::{CsvOptions, read_csv};
use assay_engine::io::{CsvSource, InputSummary};
use assay_engine::plan::{AuditPlan, DeviceChoice, Format, InputRole};
use assay_report::{html, markdown, text};
use assay_runtime::{LoadOptions, RuntimeDevice};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub type CmdResult = Result<(), String>;

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Open a data file (`-`: standard input), with its size when known.
fn open(path: &Path) -> Result<(Box<dyn Read + Send>, Option<u64>), String> {
    if path.as_os_str() == "-" {
        return Ok((Box::new(std::io::stdin()), None));
    }
    let f = std::fs::File::open(path)
        .map_err(|e| format!("cannot open '{}': {}", path.display(), io_reason(&e)))?;
    let meta = f
        .metadata()
        .map_err(|e| format!("cannot read '{}': {}", path.display(), io_reason(&e)))?;
    if meta.is_dir() {
        return Err(format!(
            "'{}' is a directory, not a CSV file",
            path.display()
        ));
    }
    Ok((Box::new(f), Some(meta.len())))
}

/// Write `content` to `path` atomically (temp file + rename), so a failed run
/// never leaves a half-written report over a good one.
fn write_output(path: &Path, content: &str) -> CmdResult {
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(content.as_bytes())
            .and_then(|_| out.write_all(b"\n"))
            .map_err(|e| format!("cannot write to standard output: {e}"))?;
        return Ok(());
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".partial");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, content)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot write '{}': {}", path.display(), io_reason(&e))
        })
}

/// Read a model or calibrator file, refusing a model over the size limit
/// before reading it.
fn read_file(path: &Path, role: InputRole, limit: usize) -> Result<Vec<u8>, String> {
    let what = role.as_str();
    if role == InputRole::Model
        && let Ok(meta) = std::fs::metadata(path)
        && meta.len() > limit as u64
    {
        return Err(format!(
            "{}: model is {} bytes ({:.1} MiB), over the limit of {limit} bytes ({:.0} MiB)",
            path.display(),
            meta.len(),
            meta.len() as f64 / 1048576.0,
            limit as f64 / 1048576.0
        ));
    }
    std::fs::read(path)
        .map_err(|e| format!("cannot read {what} '{}': {}", path.display(), io_reason(&e)))
}

/// The device the plan asks for, natively: the CPU, or a GPU (wgpu; `auto`
/// falls back to the CPU, saying why).
fn device(choice: DeviceChoice) -> Result<(RuntimeDevice, Option<String>), String> {
    match choice {
        DeviceChoice::Cpu => Ok((RuntimeDevice::cpu(), None)),
        DeviceChoice::Gpu => assay_runtime::block_on(RuntimeDevice::gpu())
            .map(|d| (d, None))
            .map_err(|e| with_flag(&e.to_string(), Some(assay_engine::OptionKey::Device))),
        DeviceChoice::Auto => Ok(match assay_runtime::block_on(RuntimeDevice::gpu()) {
            Ok(d) => (d, None),
            Err(e) => (
                RuntimeDevice::cpu(),
                Some(format!("no GPU ({e}); the model ran on the CPU")),
            ),
        }),
    }
}

/// Where an input's bytes are: its path in the plan, relative to `base`.
fn input_path(base: &Path, path: Option<&str>, name: &str) -> PathBuf {
    let p = PathBuf::from(path.unwrap_or(name));
    if p.is_absolute() || p.as_os_str() == "-" {
        p
    } else {
        base.join(p)
    }
}

/// The CLI's words for an audit error: the message and the flag to fix it.
fn describe(e: &AuditError) -> String {
    with_flag(&e.to_string(), e.key())
}

/// Run a plan whose inputs are files (paths relative to `base`); write its
/// outputs; print the summary unless `quiet`.
pub fn run_plan(plan: &AuditPlan, base: &Path, quiet: bool) -> CmdResult {
    // Checked here too, so a bad option is named before any file is read.
    plan.validate()
        .map_err(|e| with_flag(&e.message, Some(e.key)))?;
    let load = LoadOptions::default();
    let mut inputs = Inputs::new();
    for spec in &plan.inputs {
        let path = input_path(base, spec.path.as_deref(), &spec.name);
        let input = match spec.role {
            InputRole::Data => {
                let (reader, size) = open(&path)?;
                let Format::Csv { delimiter, types } = &spec.format;
                Input::Table(Box::new(CsvSource {
                    reader,
                    size,
                    options: CsvOptions {
                        delimiter: delimiter.map(|d| d as u8),
                        types: types.iter().map(|(k, v)| (k.clone(), *v)).collect(),
                        ..CsvOptions::default()
                    },
                }))
            }
            role => Input::Bytes(read_file(&path, role, load.max_bytes)?),
        };
        inputs.add(spec.name.clone(), input);
    }
    let device = match &plan.model {
        Some(m) => Some(device(m.device)?),
        None => None,
    };
    let start = std::time::Instant::now();
    let now = move || start.elapsed().as_secs_f64();
    let env = Environment {
        producer: "assay-cli",
        device,
        now: &now,
        cancel: Cancel::new(),
        load,
    };
    let json_to_stdout = plan.outputs.json.as_deref() == Some("-");
    let mut bars = Bars::new(quiet);
    let result = assay_runtime::block_on(assay_audit::run(plan, inputs, &env, &mut |p| {
        bars.update(p)
    }));
    bars.finish();
    let run = result.map_err(|e| describe(&e))?;
    for w in &run.report.warnings {
        eprintln!("warning: {w}");
    }
    write_outputs(plan, base, &run, quiet)?;
    if !quiet && !json_to_stdout {
        print!("{}", text::render(&run.report));
    }
    Ok(())
}

fn write_outputs(plan: &AuditPlan, base: &Path, run: &Run, quiet: bool) -> CmdResult {
    let out = |p: &str| input_path(base, Some(p), p);
    if let Some(export) = &plan.outputs.calibrator {
        let best = run
            .report
            .calibration()
            .and_then(|c| c.recalibration.as_ref())
            .and_then(|rc| rc.best);
        let fitted = run.calibrators();
        let chosen = export.method.or(best).or(fitted.first().map(|a| a.method));
        let art: &CalibratorArtifact = fitted
            .iter()
            .find(|a| Some(a.method) == chosen)
            .ok_or_else(|| match chosen {
                Some(m) => {
                    format!("no {m} calibrator could be fitted on this data, so none was saved")
                }
                None => "no calibrator could be fitted on this data, so none was saved".into(),
            })?;
        let path = out(&export.path);
        write_output(&path, &art.to_json())?;
        if !quiet {
            eprintln!("saved the {} calibrator to {}", art.method, path.display());
        }
    }
    // Written reports may be shared: small cells leave them (counted).
    let export = run.report.for_export();
    if let Some(p) = &plan.outputs.json {
        write_output(&out(p), &export.to_json())?;
    }
    if let Some(p) = &plan.outputs.html {
        write_output(&out(p), &html::document(&export))?;
    }
    if let Some(p) = &plan.outputs.markdown {
        write_output(&out(p), &markdown::render(&export))?;
    }
    Ok(())
}

/// `path` relative to the directory `base` (both relative to the current
/// directory or absolute).
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    let abs = |p: &Path| {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            cwd.join(p)
        };
        // Lexically normalised: `a/./b/../c` → `a/c`.
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    out.pop();
                }
                c => out.push(c),
            }
        }
        out
    };
    let (p, b) = (abs(path), abs(base));
    let pc: Vec<_> = p.components().collect();
    let bc: Vec<_> = b.components().collect();
    let common = pc.iter().zip(&bc).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..bc.len() {
        out.push("..");
    }
    for c in &pc[common..] {
        out.push(c);
    }
    out
}

/// Write `plan` as an audit file at `path`, its paths made relative to it.
fn save_audit(plan: &AuditPlan, path: &Path) -> CmdResult {
    let dir = path.parent().unwrap_or(Path::new(""));
    let rel = |p: &str| -> String {
        if p == "-" {
            p.to_owned()
        } else {
            relative_to(Path::new(p), dir).display().to_string()
        }
    };
    let mut p = plan.clone();
    for i in &mut p.inputs {
        if let Some(x) = &i.path {
            if x == "-" {
                return Err("--save-audit needs the data in a file, not on standard input".into());
            }
            i.path = Some(rel(x));
        }
    }
    let o = &mut p.outputs;
    for x in [&mut o.json, &mut o.html, &mut o.markdown]
        .into_iter()
        .flatten()
    {
        *x = rel(x);
    }
    if let Some(c) = &mut o.calibrator {
        c.path = rel(&c.path);
    }
    let text = if path.extension().is_some_and(|e| e == "toml") {
        toml::to_string_pretty(&p).map_err(|e| format!("cannot write the audit file: {e}"))?
    } else {
        p.to_json()
    };
    write_output(path, &text)
}

/// `assay eval`
pub fn eval(a: EvalArgs) -> CmdResult {
    let plan = eval_plan(&a, None)?;
    if let Some(p) = &a.save_audit {
        save_audit(&plan, p)?;
    }
    run_plan(&plan, Path::new(""), a.quiet)
}

/// `assay calibrate`
pub fn calibrate(a: CalibrateArgs) -> CmdResult {
    let plan = eval_plan(&a.eval, Some(&a))?;
    if let Some(p) = &a.eval.save_audit {
        save_audit(&plan, p)?;
    }
    run_plan(&plan, Path::new(""), a.eval.quiet)
}

/// `assay run`
pub fn run(a: crate::args::RunArgs) -> CmdResult {
    let text = std::fs::read_to_string(&a.audit).map_err(|e| {
        format!(
            "cannot read audit file '{}': {}",
            a.audit.display(),
            io_reason(&e)
        )
    })?;
    let toml = a.audit.extension().is_some_and(|e| e == "toml");
    let plan: AuditPlan = if toml {
        toml::from_str(&text).map_err(|e| {
            format!(
                "{}: not an Assay audit file: {}",
                a.audit.display(),
                e.message()
            )
        })?
    } else {
        AuditPlan::from_json(&text).map_err(|e| format!("{}: {e}", a.audit.display()))?
    };
    let base = a.audit.parent().unwrap_or(Path::new(""));
    run_plan(&plan, base, a.quiet)
}

/// `assay inspect`
pub fn inspect(a: InspectArgs) -> CmdResult {
    let (input, _) = open(&a.data.data)?;
    let name = crate::plan::input_name(&a.data.data);
    let opts = CsvOptions {
        delimiter: a.data.delimiter,
        types: a.data.types.iter().cloned().collect(),
        max_rows: Some(a.rows.max(1)),
        infer_rows: a.rows.max(1),
        ..CsvOptions::default()
    };
    let (table, summary): (_, InputSummary) =
        read_csv(input, &opts, &mut |_| {}).map_err(|e| e.to_string())?;
    let info =
        assay_engine::inspect::inspect(&table, summary.truncated).map_err(|e| e.to_string())?;
    println!(
        "{name}: {} columns, {} rows inspected{} (delimiter '{}')\n",
        info.columns.len(),
        info.rows_inspected,
        if info.truncated { ", more follow" } else { "" },
        match summary.delimiter {
            Some('\t') => "\\t".to_string(),
            Some(d) => d.to_string(),
            None => String::new(),
        }
    );
    let w = info
        .columns
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(6)
        .max(6);
    println!(
        "{:<w$}  {:<11}  {:>8}  {:>8}  range",
        "column", "type", "missing", "distinct"
    );
    for c in &info.columns {
        let t = match c.column_type {
            assay_engine::table::ColumnType::Numeric => "numeric",
            assay_engine::table::ColumnType::Categorical => "categorical",
        };
        let range = match (c.min, c.max) {
            (Some(lo), Some(hi)) => format!("[{lo}, {hi}]"),
            _ => String::new(),
        };
        println!(
            "{:<w$}  {:<11}  {:>8}  {:>8}  {range}",
            c.name, t, c.missing, c.distinct
        );
    }
    let g = &info.guess;
    if let Some(label) = &g.label
        && !g.scores.is_empty()
    {
        let quote = |s: &str| {
            if s.chars().all(|c| c.is_alphanumeric() || "_-./".contains(c)) {
                s.to_owned()
            } else {
                format!("'{}'", s.replace('\'', "'\\''"))
            }
        };
        let scores: Vec<String> = g
            .scores
            .iter()
            .map(|s| format!("--score {}", quote(s)))
            .collect();
        println!(
            "\nguess: {} task\n  assay eval --data {} --label {} {}",
            g.task.map_or("unknown".into(), |t| t.to_string()),
            quote(&a.data.data.display().to_string()),
            quote(label),
            scores.join(" ")
        );
    }
    Ok(())
}
