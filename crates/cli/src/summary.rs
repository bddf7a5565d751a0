//! The human summary printed on stdout.

use assay_report::Report;
use std::fmt::Write;

fn num(v: f64) -> String {
    if v == 0.0 || (v.abs() >= 1e-3 && v.abs() < 1e6) {
        format!("{v:.4}")
    } else {
        format!("{v:.3e}")
    }
}

/// A plain-text summary of a report.
pub fn render(report: &Report) -> String {
    let ev = &report.evaluation;
    let mut o = String::new();
    let input = report
        .provenance
        .inputs
        .first()
        .map(|f| f.name.clone())
        .unwrap_or_default();
    let _ = write!(o, "{input}: {} task, {} rows", ev.task, ev.rows);
    if let Some(p) = &ev.positive {
        let _ = write!(o, ", positive class '{p}'");
    }
    if let Some(t) = ev.threshold {
        let _ = write!(o, ", threshold {t}");
    }
    o.push('\n');
    if !ev.class_counts.is_empty() {
        let counts: Vec<String> = ev
            .class_counts
            .iter()
            .map(|c| format!("{}: {}", c.class, c.count))
            .collect();
        let _ = writeln!(o, "classes: {}", counts.join(", "));
    }
    o.push('\n');
    let width = ev
        .metrics
        .iter()
        .map(|m| m.name.chars().count())
        .max()
        .unwrap_or(10);
    let level = report.provenance.config.evaluation.bootstrap.level;
    let ci_header = format!("{:.0}% CI", level * 100.0);
    let _ = writeln!(o, "{:<width$}  {:>10}  {ci_header}", "metric", "value");
    for m in &ev.metrics {
        let v = m.value.map_or_else(|| "undefined".into(), num);
        let ci = match (&m.ci, &m.undefined) {
            (Some(c), _) => format!("[{}, {}]", num(c.lower), num(c.upper)),
            (None, Some(u)) => format!("({u})"),
            _ => String::new(),
        };
        let _ = writeln!(o, "{:<width$}  {:>10}  {}", m.name, v, ci);
    }
    if let Some(cm) = &ev.confusion_matrix
        && cm.labels.len() <= 12
    {
        o.push_str("\nconfusion matrix (rows: true, columns: predicted)\n");
        let w = cm
            .labels
            .iter()
            .map(|l| l.chars().count())
            .chain(cm.matrix.iter().flatten().map(|c| c.to_string().len()))
            .max()
            .unwrap_or(4)
            .max(4);
        let _ = write!(o, "{:>w$}", "");
        for l in &cm.labels {
            let _ = write!(o, "  {l:>w$}");
        }
        o.push('\n');
        for (l, row) in cm.labels.iter().zip(&cm.matrix) {
            let _ = write!(o, "{l:>w$}");
            for c in row {
                let _ = write!(o, "  {c:>w$}");
            }
            o.push('\n');
        }
    }
    if let Some(cal) = &report.calibration {
        let r = &cal.reliability;
        let _ = writeln!(o, "\ncalibration ({} bins)", r.bins);
        let width = r
            .scores
            .iter()
            .map(|m| m.name.chars().count())
            .max()
            .unwrap_or(10);
        for m in &r.scores {
            let v = m.value.map_or_else(|| "undefined".into(), num);
            let ci = match (&m.ci, &m.undefined) {
                (Some(c), _) => format!("[{}, {}]", num(c.lower), num(c.upper)),
                (None, Some(u)) => format!("({u})"),
                _ => String::new(),
            };
            let _ = writeln!(o, "{:<width$}  {:>10}  {}", m.name, v, ci);
        }
        if let Some(rc) = &cal.recalibration {
            let _ = writeln!(
                o,
                "\nrecalibration judged on {} held-out rows ({} rows fit)",
                rc.split.heldout_rows, rc.split.calibration_rows
            );
            let f = |m: Option<&assay_engine::metrics::MetricResult>| -> String {
                match m {
                    Some(m) => match (m.value, &m.ci) {
                        (Some(v), Some(c)) => {
                            format!("{} [{}, {}]", num(v), num(c.lower), num(c.upper))
                        }
                        (Some(v), None) => num(v),
                        _ => "undefined".into(),
                    },
                    None => String::new(),
                }
            };
            let _ = writeln!(
                o,
                "{:<13}  {:<30}  {:<30}  change in log loss",
                "method", "ECE", "log loss"
            );
            let _ = writeln!(
                o,
                "{:<13}  {:<30}  {:<30}",
                "before",
                f(rc.before.first()),
                f(rc.before.get(2))
            );
            for m in &rc.methods {
                let name = format!(
                    "{}{}",
                    m.method,
                    if rc.best == Some(m.method) { " *" } else { "" }
                );
                match &m.failed {
                    Some(w) => {
                        let _ = writeln!(o, "{name:<13}  could not be fitted: {w}");
                    }
                    None => {
                        let _ = writeln!(
                            o,
                            "{name:<13}  {:<30}  {:<30}  {}",
                            f(m.after.first()),
                            f(m.after.get(2)),
                            f(m.change.get(2))
                        );
                    }
                }
            }
            if rc.best.is_some() {
                o.push_str("* lowest held-out log loss\n");
            }
        }
        if let Some(sl) = &cal.slices {
            let _ = writeln!(o, "\ncalibration by {}", sl.column);
            for g in &sl.groups {
                let get = |k: &str| {
                    g.reliability
                        .scores
                        .iter()
                        .find(|m| m.key == k)
                        .and_then(|m| m.value)
                        .map_or("—".into(), num)
                };
                let _ = writeln!(
                    o,
                    "  {:<20} {:>8} rows  ECE {}  Brier {}",
                    g.value,
                    g.rows,
                    get("ece"),
                    get("brier")
                );
            }
        }
    }
    o
}
