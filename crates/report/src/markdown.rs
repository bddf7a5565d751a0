//! Markdown rendering, for pasting a report into a model card or a ticket.

use crate::Report;
use std::fmt::Write;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The report as Markdown (tables; plots are omitted — use the HTML report).
pub fn render(report: &Report) -> String {
    let ev = &report.evaluation;
    let mut o = String::new();
    let _ = writeln!(o, "# Assay evaluation report\n");
    let _ = write!(o, "{} task, {} rows", ev.task, ev.rows);
    if let Some(p) = &ev.positive {
        let _ = write!(o, ", positive class `{p}`");
    }
    if let Some(t) = ev.threshold {
        let _ = write!(o, ", threshold {t}");
    }
    o.push_str(".\n\n");
    for w in &report.warnings {
        let _ = writeln!(o, "> **Warning:** {}\n", cell(w));
    }
    let level = report.provenance.config.evaluation.bootstrap.level;
    let _ = writeln!(
        o,
        "## Metrics\n\n| Metric | Value | {:.0}% CI |\n|---|---:|---:|",
        level * 100.0
    );
    for m in &ev.metrics {
        let v = m
            .value
            .map_or_else(|| "undefined".to_owned(), |v| format!("{v:.4}"));
        let ci = match (&m.ci, &m.undefined) {
            (Some(c), _) => format!("[{:.4}, {:.4}]", c.lower, c.upper),
            (None, Some(u)) => cell(u),
            _ => String::new(),
        };
        let _ = writeln!(o, "| {} | {} | {} |", cell(&m.name), v, ci);
    }
    if let Some(cm) = &ev.confusion_matrix {
        let _ = write!(
            o,
            "\n## Confusion matrix (rows: true, columns: predicted)\n\n| |"
        );
        for l in &cm.labels {
            let _ = write!(o, " {} |", cell(l));
        }
        o.push_str("\n|---|");
        for _ in &cm.labels {
            o.push_str("---:|");
        }
        o.push('\n');
        for (l, row) in cm.labels.iter().zip(&cm.matrix) {
            let _ = write!(o, "| **{}** |", cell(l));
            for c in row {
                let _ = write!(o, " {c} |");
            }
            o.push('\n');
        }
    }
    let pv = &report.provenance;
    let _ = writeln!(
        o,
        "\n## Provenance\n\n- Assay {} ({}), report schema {}",
        pv.assay_version, pv.producer, report.schema_version
    );
    for f in &pv.inputs {
        let _ = writeln!(
            o,
            "- {} `{}`: {} bytes, SHA-256 `{}`",
            f.role, f.name, f.bytes, f.sha256
        );
    }
    let _ = writeln!(o, "- seed {}", pv.seed);
    o
}
