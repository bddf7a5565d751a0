//! The plain-text summary the CLI prints on standard output.

use crate::Report;
use crate::format::num;
use crate::sections::{model, views};
use assay_engine::metrics::MetricResult;
use std::fmt::Write;

/// Metric lines: name, value, interval (or why undefined), aligned. With
/// `level`, a header line names the interval's level.
pub(crate) fn metric_lines(o: &mut String, metrics: &[MetricResult], level: Option<f64>) {
    let width = metrics
        .iter()
        .map(|m| m.name.chars().count())
        .max()
        .unwrap_or(10);
    if let Some(level) = level {
        let _ = writeln!(
            o,
            "{:<width$}  {:>10}  {:.0}% CI",
            "metric",
            "value",
            level * 100.0
        );
    }
    for m in metrics {
        let v = m.value.map_or_else(|| "undefined".into(), num);
        let ci = match (&m.ci, &m.undefined) {
            (Some(c), _) => format!("[{}, {}]", num(c.lower), num(c.upper)),
            (None, Some(u)) => format!("({u})"),
            _ => String::new(),
        };
        let _ = writeln!(o, "{:<width$}  {:>10}  {}", m.name, v, ci);
    }
}

/// A plain-text summary of a report.
pub fn render(report: &Report) -> String {
    let mut o = String::new();
    let input = report
        .provenance
        .inputs
        .first()
        .map(|f| f.name.clone())
        .unwrap_or_default();
    let _ = write!(o, "{input}");
    if let Some(h) = super::headline(report) {
        let _ = write!(o, ": {h}");
    }
    o.push('\n');
    model::text_run(report, &mut o);
    for v in views(report) {
        v.text(report, &mut o);
    }
    o
}
