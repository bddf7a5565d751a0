//! The commands: each reads, calls the engine, builds the report, writes.

use crate::args::{CalibrateArgs, DataArgs, EvalArgs, InspectArgs};
use crate::progress::Bars;
use assay_engine::Request;
use assay_engine::bootstrap::BootstrapOptions;
use assay_engine::calibration::methods::Method;
use assay_engine::calibration::{CalibrationOptions, CalibratorArtifact, SplitSpec};
use assay_engine::csv_read::{CsvOptions, read_csv};
use assay_engine::evaluate::EvalOptions;
use assay_engine::prepare::ColumnSpec;
use assay_report::{Config, InputFile, ModelInfo, Report, html, markdown};
use std::io::{Read, Write};
use std::path::Path;

type CmdResult = Result<(), String>;

/// An opened input, its size when known, and its name.
type Opened = (Box<dyn Read + Send>, Option<u64>, String);

fn open(path: &Path) -> Result<Opened, String> {
    if path.as_os_str() == "-" {
        return Ok((Box::new(std::io::stdin()), None, "stdin".into()));
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
    Ok((
        Box::new(f),
        Some(meta.len()),
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    ))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn csv_options(d: &DataArgs) -> CsvOptions {
    CsvOptions {
        delimiter: d.delimiter,
        types: d.types.iter().cloned().collect(),
        ..CsvOptions::default()
    }
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
    let tmp = std::path::PathBuf::from(tmp);
    std::fs::write(&tmp, content)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot write '{}': {}", path.display(), io_reason(&e))
        })
}

fn check_eval_args(a: &EvalArgs) -> CmdResult {
    if !(0.0..=1.0).contains(&a.threshold) {
        return Err(format!(
            "--threshold {} is outside [0, 1]; it applies to probabilities (after --logits, if given)",
            a.threshold
        ));
    }
    if !(a.ci_level > 0.0 && a.ci_level < 1.0) {
        return Err(format!("--ci-level {} must be between 0 and 1", a.ci_level));
    }
    if a.bootstrap > 1_000_000 {
        return Err(format!(
            "--bootstrap {} is more resamples than useful (at most 1,000,000)",
            a.bootstrap
        ));
    }
    Ok(())
}

/// What `assay calibrate` adds to an evaluation.
pub struct CalibrationRequest {
    pub options: CalibrationOptions,
    pub export: Option<(std::path::PathBuf, Option<Method>)>,
}

/// `assay eval` (and the evaluation part of `assay calibrate`).
pub fn eval(a: EvalArgs, calibration: Option<CalibrationRequest>) -> CmdResult {
    check_eval_args(&a)?;
    let calibrator = match &a.calibrator {
        None => None,
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| {
                format!(
                    "cannot read calibrator '{}': {}",
                    p.display(),
                    io_reason(&e)
                )
            })?;
            Some(
                CalibratorArtifact::from_json(&text)
                    .map_err(|e| format!("{}: {e}", p.display()))?,
            )
        }
    };
    let (input, total, name) = open(&a.data.data)?;
    let mut spec = ColumnSpec {
        label: a.label.clone(),
        scores: a.score.clone(),
        task: a.task,
        positive: a.positive.clone(),
        logits: a.logits,
    };
    let opts = EvalOptions {
        threshold: a.threshold,
        bootstrap: BootstrapOptions {
            resamples: a.bootstrap,
            seed: a.seed,
            level: a.ci_level,
        },
        ..EvalOptions::default()
    };
    let mut req = Request {
        columns: spec.clone(),
        csv: csv_options(&a.data),
        evaluation: opts.clone(),
        calibrator,
        calibration: calibration.as_ref().map(|c| c.options.clone()),
    };
    let json_to_stdout = a.json.as_deref().is_some_and(|p| p.as_os_str() == "-");
    let mut bars = Bars::new(a.quiet);
    let model = match &a.model {
        Some(path) => Some(crate::model::load(path, &a.device)?),
        None => None,
    };
    let reader = std::io::BufReader::with_capacity(1 << 20, input);
    let result = (|| -> Result<(assay_engine::RunOutput, Option<ModelInfo>), String> {
        match &model {
            None => assay_engine::run_csv(reader, total, &name, &req, &mut |p| bars.update(p))
                .map(|r| (r, None))
                .map_err(|e| e.to_string()),
            Some(m) => {
                let extra = a.features.clone();
                let (mut table, summary) =
                    assay_engine::read_stage(reader, total, &req, extra.as_deref(), &mut |p| {
                        bars.update(p)
                    })
                    .map_err(|e| e.to_string())?;
                let (run, info) = crate::model::predict(m, &mut table, &a, &mut bars)?;
                req.columns.scores = run.scores.clone();
                let r = assay_engine::analyze_stage(&table, summary, &name, &req, &mut |p| {
                    bars.update(p)
                })
                .map_err(|e| e.to_string())?;
                Ok((r, Some(info)))
            }
        }
    })();
    bars.finish();
    let (mut r, model_info) = result?;
    if let Some(m) = &model {
        for a in &mut r.artifacts {
            a.fitted_on.model_sha256 = Some(m.input_file.sha256.clone());
        }
    }
    spec.scores = req.columns.scores.clone();
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    let mut inputs = vec![InputFile::from_csv(&name, &r.input)];
    if let Some(m) = &model {
        inputs.push(m.input_file.clone());
    }
    if let (Some(p), Some(_)) = (&a.calibrator, &req.calibrator) {
        let bytes = std::fs::read(p).map_err(|e| format!("cannot read '{}': {e}", p.display()))?;
        inputs.push(InputFile {
            role: "calibrator".into(),
            name: p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            sha256: assay_engine::csv_read::sha256_hex(&bytes),
            bytes: bytes.len() as u64,
            rows: None,
        });
    }
    let report = Report::new(
        "assay-cli",
        inputs,
        Config {
            columns: spec,
            evaluation: opts,
            delimiter: Some(r.input.delimiter),
            calibration: req.calibration.clone(),
            model: a.model.as_ref().map(|_| assay_report::ModelConfig {
                features: a.features.clone(),
                output: a.output.clone(),
                batch_size: a.batch_size,
                classes: a.classes.clone(),
                device: a.device.clone(),
            }),
        },
        r.evaluation,
        r.warnings,
    )
    .with_calibration(r.calibration, r.applied_calibrator)
    .with_model(model_info);
    if let Some((path, method)) = calibration.as_ref().and_then(|c| c.export.as_ref()) {
        let best = report
            .calibration
            .as_ref()
            .and_then(|c| c.recalibration.as_ref())
            .and_then(|rc| rc.best);
        let chosen = method.or(best).or(r.artifacts.first().map(|a| a.method));
        let art = r
            .artifacts
            .iter()
            .find(|a| Some(a.method) == chosen)
            .ok_or_else(|| match chosen {
                Some(m) => {
                    format!("no {m} calibrator could be fitted on this data, so none was saved")
                }
                None => "no calibrator could be fitted on this data, so none was saved".into(),
            })?;
        write_output(path, &art.to_json())?;
        if !a.quiet {
            eprintln!("saved the {} calibrator to {}", art.method, path.display());
        }
    }
    if let Some(p) = &a.json {
        write_output(p, &report.to_json())?;
    }
    if let Some(p) = &a.html {
        write_output(p, &html::document(&report))?;
    }
    if let Some(p) = &a.markdown {
        write_output(p, &markdown::render(&report))?;
    }
    if !a.quiet && !json_to_stdout {
        print!("{}", crate::summary::render(&report));
    }
    Ok(())
}

/// `assay calibrate`
pub fn calibrate(a: CalibrateArgs) -> CmdResult {
    let methods: Vec<Method> = if a.methods.iter().any(|m| m == "all") {
        Method::ALL.to_vec()
    } else if a.methods.iter().any(|m| m == "none") {
        Vec::new()
    } else {
        a.methods
            .iter()
            .map(|m| m.parse::<Method>())
            .collect::<Result<_, _>>()?
    };
    let split = match (&a.split_column, &a.calibration_value, a.folds) {
        (Some(c), Some(v), _) => SplitSpec::Column {
            column: c.clone(),
            value: v.clone(),
        },
        (_, _, Some(k)) => SplitSpec::Folds {
            folds: k,
            seed: a.eval.seed,
        },
        _ => {
            if !(a.calibration_fraction > 0.0 && a.calibration_fraction < 1.0) {
                return Err(format!(
                    "--calibration-fraction {} must be between 0 and 1",
                    a.calibration_fraction
                ));
            }
            SplitSpec::Random {
                fraction: a.calibration_fraction,
                seed: a.eval.seed,
            }
        }
    };
    let export_method = match &a.export_method {
        Some(m) => {
            let m: Method = m.parse()?;
            if !methods.contains(&m) {
                return Err(format!("--export-method {m} is not among --methods"));
            }
            Some(m)
        }
        None => None,
    };
    if a.export_calibrator.is_some() && methods.is_empty() {
        return Err("--export-calibrator needs at least one method (not --methods none)".into());
    }
    let req = CalibrationRequest {
        options: CalibrationOptions {
            bins: a.bins,
            methods,
            split,
            slice: a.slice.clone(),
        },
        export: a.export_calibrator.clone().map(|p| (p, export_method)),
    };
    eval(a.eval, Some(req))
}

/// `assay inspect`
pub fn inspect(a: InspectArgs) -> CmdResult {
    let (input, _, name) = open(&a.data.data)?;
    let mut opts = csv_options(&a.data);
    opts.max_rows = Some(a.rows.max(1));
    opts.infer_rows = a.rows.max(1);
    let (table, summary) = read_csv(input, &opts, &mut |_| {}).map_err(|e| e.to_string())?;
    let info =
        assay_engine::inspect::inspect(&table, summary.truncated).map_err(|e| e.to_string())?;
    println!(
        "{name}: {} columns, {} rows inspected{} (delimiter '{}')\n",
        info.columns.len(),
        info.rows_inspected,
        if info.truncated { ", more follow" } else { "" },
        if summary.delimiter == '\t' {
            "\\t".to_string()
        } else {
            summary.delimiter.to_string()
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
