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
    if let Some(m) = &report.model {
        let _ = writeln!(
            o,
            "Model `{}` run on {}: output `{}` from features {}.\n",
            m.name,
            m.device,
            m.output,
            m.features.join(", ")
        );
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
    if let Some(cal) = &report.calibration {
        let r = &cal.reliability;
        let _ = writeln!(
            o,
            "\n## Calibration ({} bins)\n\n| Score | Value | CI |\n|---|---:|---:|",
            r.bins
        );
        for m in &r.scores {
            let v = m
                .value
                .map_or_else(|| "undefined".to_owned(), |v| format!("{v:.4}"));
            let ci = m.ci.as_ref().map_or(String::new(), |c| {
                format!("[{:.4}, {:.4}]", c.lower, c.upper)
            });
            let _ = writeln!(o, "| {} | {} | {} |", cell(&m.name), v, ci);
        }
        if let Some(rc) = &cal.recalibration {
            let _ = writeln!(
                o,
                "\n### Recalibration on {} held-out rows ({} rows fit)\n\n| Method | ECE | Brier | Log loss | Change in log loss |\n|---|---:|---:|---:|---:|",
                rc.split.heldout_rows, rc.split.calibration_rows
            );
            let f = |m: Option<&assay_engine::metrics::MetricResult>| {
                m.and_then(|m| m.value)
                    .map_or("—".into(), |v| format!("{v:.4}"))
            };
            let _ = writeln!(
                o,
                "| before | {} | {} | {} | |",
                f(rc.before.first()),
                f(rc.before.get(1)),
                f(rc.before.get(2))
            );
            for m in &rc.methods {
                match &m.failed {
                    Some(w) => {
                        let _ = writeln!(
                            o,
                            "| {} | could not be fitted: {} | | | |",
                            m.method,
                            cell(w)
                        );
                    }
                    None => {
                        let ch =
                            m.change
                                .get(2)
                                .map_or(String::new(), |c| match (&c.value, &c.ci) {
                                    (Some(v), Some(ci)) => {
                                        format!("{v:+.4} [{:+.4}, {:+.4}]", ci.lower, ci.upper)
                                    }
                                    (Some(v), None) => format!("{v:+.4}"),
                                    _ => String::new(),
                                });
                        let _ = writeln!(
                            o,
                            "| {}{} | {} | {} | {} | {} |",
                            m.method,
                            if rc.best == Some(m.method) {
                                " (best)"
                            } else {
                                ""
                            },
                            f(m.after.first()),
                            f(m.after.get(1)),
                            f(m.after.get(2)),
                            ch
                        );
                    }
                }
            }
        }
        if let Some(sl) = &cal.slices {
            let _ = writeln!(
                o,
                "\n### Calibration by {}\n\n| {} | Rows | ECE | Brier |\n|---|---:|---:|---:|",
                cell(&sl.column),
                cell(&sl.column)
            );
            for g in &sl.groups {
                let get = |k: &str| {
                    g.reliability
                        .scores
                        .iter()
                        .find(|m| m.key == k)
                        .and_then(|m| m.value)
                        .map_or("—".into(), |v| format!("{v:.4}"))
                };
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} |",
                    cell(&g.value),
                    g.rows,
                    get("ece"),
                    get("brier")
                );
            }
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
