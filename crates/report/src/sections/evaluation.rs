//! The evaluation section: metrics with intervals, classes, ROC and PR
//! curves, confusion matrix.

use super::{Plot, SectionView, figures, md_cell};
use crate::Report;
use crate::format::{interval, value};
use crate::render::html::{metric_table, number_cell};
use crate::svg::{self, BLUE, ORANGE, escape};
use assay_engine::analyses::evaluation::Evaluation;
use assay_engine::prepare::Task;
use std::fmt::Write;

fn fmt4(v: Option<f64>) -> String {
    v.map_or("undefined".into(), |v| format!("{v:.4}"))
}

/// The confidence level and resamples of the intervals shown.
fn ci_header(ev: &Evaluation, report: &Report) -> (f64, usize) {
    let b = &report.provenance.plan.bootstrap;
    let level = ev
        .metrics
        .iter()
        .find_map(|m| m.ci.as_ref().map(|c| c.level))
        .unwrap_or(b.level);
    (level, b.resamples)
}

impl SectionView for Evaluation {
    fn id(&self) -> &'static str {
        "evaluation"
    }

    fn task(&self) -> Option<Task> {
        Some(self.task)
    }

    fn headline(&self, _report: &Report) -> Option<String> {
        let mut s = format!("{} task, {} rows", self.task, self.rows);
        if let Some(p) = &self.positive {
            let _ = write!(s, ", positive class '{p}'");
        }
        if let Some(t) = self.threshold {
            let _ = write!(s, ", threshold {t}");
        }
        Some(s)
    }

    fn html(&self, report: &Report, o: &mut String) {
        let (level, resamples) = ci_header(self, report);
        o.push_str("<h2>Metrics</h2>");
        metric_table(
            o,
            "metrics",
            &format!(
                "{:.0}% CI ({} bootstrap resamples)",
                level * 100.0,
                resamples
            ),
            &self.metrics,
        );
        if !self.class_counts.is_empty() {
            o.push_str("<h2>Classes</h2><table class=\"classes\"><thead><tr><th>Class</th><th class=\"num\">Rows</th>");
            if self.per_class.is_some() {
                o.push_str("<th class=\"num\">Precision</th><th class=\"num\">Recall</th><th class=\"num\">F1</th>");
            }
            o.push_str("</tr></thead><tbody>");
            for (i, c) in self.class_counts.iter().enumerate() {
                let _ = write!(
                    o,
                    "<tr data-class=\"{cl}\"><td>{cl}</td><td class=\"num\">{}</td>",
                    c.count,
                    cl = escape(&c.class)
                );
                if let Some(pc) = &self.per_class {
                    for v in [&pc.precision, &pc.recall, &pc.f1] {
                        number_cell(o, v.get(i).copied().flatten());
                    }
                }
                o.push_str("</tr>");
            }
            o.push_str("</tbody></table>");
        }
        let plots = self.plots(report);
        if !plots.is_empty() {
            o.push_str("<h2>Plots</h2>");
            figures(o, &plots);
        }
    }

    fn markdown(&self, report: &Report, o: &mut String) {
        let (level, _) = ci_header(self, report);
        let _ = writeln!(
            o,
            "## Metrics\n\n| Metric | Value | {:.0}% CI |\n|---|---:|---:|",
            level * 100.0
        );
        for m in &self.metrics {
            let ci = match (interval(m), &m.undefined) {
                (Some(c), _) => c,
                (None, Some(u)) => md_cell(u),
                _ => String::new(),
            };
            let _ = writeln!(o, "| {} | {} | {} |", md_cell(&m.name), value(m), ci);
        }
        if let Some(cm) = &self.confusion_matrix {
            let _ = write!(
                o,
                "\n## Confusion matrix (rows: true, columns: predicted)\n\n| |"
            );
            for l in &cm.labels {
                let _ = write!(o, " {} |", md_cell(l));
            }
            o.push_str("\n|---|");
            for _ in &cm.labels {
                o.push_str("---:|");
            }
            o.push('\n');
            for (l, row) in cm.labels.iter().zip(&cm.matrix) {
                let _ = write!(o, "| **{}** |", md_cell(l));
                for c in row {
                    let _ = write!(o, " {c} |");
                }
                o.push('\n');
            }
        }
        o.push('\n');
    }

    fn text(&self, report: &Report, o: &mut String) {
        if !self.class_counts.is_empty() {
            let counts: Vec<String> = self
                .class_counts
                .iter()
                .map(|c| format!("{}: {}", c.class, c.count))
                .collect();
            let _ = writeln!(o, "classes: {}", counts.join(", "));
        }
        o.push('\n');
        let (level, _) = ci_header(self, report);
        crate::render::text::metric_lines(o, &self.metrics, Some(level));
        if let Some(cm) = &self.confusion_matrix
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
    }

    fn plots(&self, _report: &Report) -> Vec<Plot> {
        let mut out = Vec::new();
        if let Some(roc) = &self.roc_curve {
            let auc = self.metric("roc_auc").and_then(|m| m.value);
            let svg = match &roc.curve {
                Some(c) => svg::unit_square_plot(
                    "ROC curve",
                    "False positive rate",
                    "True positive rate",
                    &[(
                        format!("model (AUC {})", fmt4(auc)),
                        BLUE,
                        c.x.iter().copied().zip(c.y.iter().copied()).collect(),
                    )],
                    Some(("chance".into(), vec![(0.0, 0.0), (1.0, 1.0)])),
                ),
                None => svg::placeholder(
                    svg::SIZE,
                    &format!(
                        "ROC curve undefined: {}",
                        roc.undefined.as_deref().unwrap_or("")
                    ),
                ),
            };
            out.push(Plot {
                id: "roc".into(),
                title: "ROC curve".into(),
                svg,
            });
        }
        if let Some(pr) = &self.pr_curve {
            let ap = self.metric("average_precision").and_then(|m| m.value);
            let prevalence = self
                .metric("prevalence")
                .and_then(|m| m.value)
                .unwrap_or(0.0);
            let svg = match &pr.curve {
                Some(c) => svg::unit_square_plot(
                    "Precision–recall curve",
                    "Recall",
                    "Precision",
                    &[(
                        format!("model (AP {})", fmt4(ap)),
                        ORANGE,
                        c.x.iter().copied().zip(c.y.iter().copied()).collect(),
                    )],
                    Some((
                        format!("prevalence {prevalence:.3}"),
                        vec![(0.0, prevalence), (1.0, prevalence)],
                    )),
                ),
                None => svg::placeholder(
                    svg::SIZE,
                    &format!(
                        "PR curve undefined: {}",
                        pr.undefined.as_deref().unwrap_or("")
                    ),
                ),
            };
            out.push(Plot {
                id: "pr".into(),
                title: "Precision–recall curve".into(),
                svg,
            });
        }
        if let Some(cm) = &self.confusion_matrix {
            let title = match self.threshold {
                Some(t) => format!("Confusion matrix (threshold {t})"),
                None => "Confusion matrix".into(),
            };
            out.push(Plot {
                id: "confusion".into(),
                svg: svg::confusion_matrix(&title, &cm.labels, &cm.matrix),
                title,
            });
        }
        out
    }
}
