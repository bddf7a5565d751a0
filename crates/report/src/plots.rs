//! The standard plots of a report, built from its data.

use crate::Report;
use crate::svg::{self, BLUE, GREEN, ORANGE, ReliabilityBin, VERMILLION};
use assay_engine::calibration::{Diagram, Target};
use plotters::style::RGBColor;

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
    out.extend(calibration_plots(report));
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

fn bins_of(d: &Diagram) -> Vec<ReliabilityBin> {
    d.bins
        .iter()
        .map(|b| ReliabilityBin {
            lower: b.lower,
            upper: b.upper,
            count: b.count,
            mean_confidence: b.mean_confidence,
            accuracy: b.accuracy,
            ci: b.accuracy_ci,
        })
        .collect()
}

fn curve_of(d: &Diagram) -> Vec<(f64, f64)> {
    d.bins
        .iter()
        .filter_map(|b| Some((b.mean_confidence?, b.accuracy?)))
        .collect()
}

/// The calibration plots: reliability diagram, confidence histogram, and the
/// before/after overlay of a recalibration.
pub fn calibration_plots(report: &Report) -> Vec<Plot> {
    let Some(cal) = &report.calibration else {
        return Vec::new();
    };
    let r = &cal.reliability;
    let (x_label, y_label) = match r.target {
        Target::PositiveClass => (
            "Predicted probability of the positive class",
            "Observed positive rate",
        ),
        Target::TopLabel => ("Top-label confidence", "Observed accuracy"),
    };
    let mut out = vec![
        Plot {
            id: "reliability".into(),
            title: "Reliability diagram".into(),
            svg: svg::reliability_diagram(
                &format!("Reliability diagram ({} equal-width bins)", r.bins),
                x_label,
                y_label,
                &bins_of(&r.uniform),
            ),
        },
        Plot {
            id: "reliability-quantile".into(),
            title: "Reliability diagram (equal-mass bins)".into(),
            svg: svg::reliability_diagram(
                &format!("Reliability diagram ({} equal-mass bins)", r.bins),
                x_label,
                y_label,
                &bins_of(&r.quantile),
            ),
        },
        Plot {
            id: "confidence".into(),
            title: "Confidence histogram".into(),
            svg: svg::confidence_histogram("Confidence histogram", x_label, &bins_of(&r.uniform)),
        },
    ];
    if let Some(rc) = &cal.recalibration {
        let palette: [RGBColor; 5] = [
            BLUE,
            GREEN,
            ORANGE,
            RGBColor(204, 121, 167),
            RGBColor(86, 180, 233),
        ];
        let mut curves = vec![(
            "before".to_string(),
            VERMILLION,
            curve_of(&rc.reliability_before),
        )];
        for (i, m) in rc.methods.iter().enumerate() {
            if let Some(d) = &m.reliability_after {
                curves.push((
                    m.method.to_string(),
                    palette[i % palette.len()],
                    curve_of(d),
                ));
            }
        }
        out.push(Plot {
            id: "recalibration".into(),
            title: "Recalibration on held-out rows".into(),
            svg: svg::recalibration_overlay(
                "Before and after recalibration (held-out rows)",
                &curves,
            ),
        });
    }
    out
}
