//! The commands: each reads, calls the engine, builds the report, writes.

use crate::args::{DataArgs, EvalArgs, InspectArgs};
use crate::progress::Bars;
use assay_engine::bootstrap::BootstrapOptions;
use assay_engine::csv_read::{CsvOptions, read_csv};
use assay_engine::evaluate::EvalOptions;
use assay_engine::prepare::ColumnSpec;
use assay_report::{Config, InputFile, Report, html, markdown};
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

/// `assay eval`
pub fn eval(a: EvalArgs) -> CmdResult {
    check_eval_args(&a)?;
    let (input, total, name) = open(&a.data.data)?;
    let spec = ColumnSpec {
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
    let json_to_stdout = a.json.as_deref().is_some_and(|p| p.as_os_str() == "-");
    let mut bars = Bars::new(a.quiet);
    let result = assay_engine::evaluate_csv(
        std::io::BufReader::with_capacity(1 << 20, input),
        total,
        &spec,
        &csv_options(&a.data),
        &opts,
        &mut |p| bars.update(p),
    );
    bars.finish();
    let r = result.map_err(|e| e.to_string())?;
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    let report = Report::new(
        "assay-cli",
        vec![InputFile::from_csv(&name, &r.input)],
        Config {
            columns: spec,
            evaluation: opts,
            delimiter: Some(r.input.delimiter),
        },
        r.evaluation,
        r.warnings,
    );
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
