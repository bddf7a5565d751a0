//! The standard plots of a report, built from its data.

use crate::Report;
use crate::svg::{self, BLUE, ORANGE};

/// One rendered plot.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Plot {
    /// Stable id (`roc`, `pr`, `confusion`).
    pub id: String,
    pub title: String,
    /// A standalone SVG document.
    pub svg: String,
}

fn fmt4(v: Option<f64>) -> String {
    v.map_or("undefined".into(), |v| format!("{v:.4}"))
}

/// All plots for a report, in display order.
pub fn plots(report: &Report) -> Vec<Plot> {
    let ev = &report.evaluation;
    let mut out = Vec::new();
    if let Some(roc) = &ev.roc_curve {
        let auc = ev.metric("roc_auc").and_then(|m| m.value);
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
    if let Some(pr) = &ev.pr_curve {
        let ap = ev.metric("average_precision").and_then(|m| m.value);
        let prevalence = ev.metric("prevalence").and_then(|m| m.value).unwrap_or(0.0);
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
    if let Some(cm) = &ev.confusion_matrix {
        let title = match ev.threshold {
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
