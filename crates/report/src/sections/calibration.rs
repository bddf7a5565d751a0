//! The calibration section: reliability scores and diagrams, recalibration
//! judged on held-out rows, calibration per slice.

use super::{Plot, SectionView, figures, md_cell};
use crate::Report;
use crate::format::{interval, num, signed, value, with_interval};
use crate::render::html::{metric_table, value_cell};
use crate::svg::{self, BLUE, GREEN, ORANGE, VERMILLION, escape};
use assay_engine::analyses::calibration::{Calibration, Diagram, Target, reliability};
use assay_engine::metrics::MetricResult;
use plotters::style::RGBColor;
use std::fmt::Write;

/// The held-out scores of the recalibration table, in column order.
const HELDOUT_COLUMNS: [(&str, &str); 3] =
    [("ece", "ECE"), ("brier", "Brier"), ("log_loss", "Log loss")];

/// The per-slice columns.
const SLICE_COLUMNS: [(&str, &str); 6] = [
    ("ece", "ECE"),
    ("mce", "MCE"),
    ("brier", "Brier"),
    ("calibration_slope", "Slope"),
    ("mean_predicted", "Mean predicted"),
    ("observed_rate", "Observed"),
];

fn find<'a>(v: &'a [MetricResult], key: &str) -> Option<&'a MetricResult> {
    v.iter().find(|m| m.key == key)
}

fn axis_labels(target: Target) -> (&'static str, &'static str) {
    match target {
        Target::PositiveClass => (
            "Predicted probability of the positive class",
            "Observed positive rate",
        ),
        Target::TopLabel => ("Top-label confidence", "Observed accuracy"),
    }
}

fn curve_of(d: &Diagram) -> Vec<(f64, f64)> {
    d.bins
        .iter()
        .filter_map(|b| Some((b.mean_confidence?, b.accuracy?)))
        .collect()
}

impl SectionView for Calibration {
    fn id(&self) -> &'static str {
        "calibration"
    }

    fn headline(&self, _report: &Report) -> Option<String> {
        Some(format!(
            "calibration of {} rows, {} bins",
            self.reliability.rows, self.reliability.bins
        ))
    }

    fn html(&self, report: &Report, o: &mut String) {
        let r = &self.reliability;
        o.push_str(
            "<section class=\"calibration\" data-section=\"calibration\"><h2>Calibration</h2>",
        );
        let what = match r.target {
            Target::PositiveClass => {
                "the predicted probability of the positive class against the outcome"
            }
            Target::TopLabel => {
                "the top-label confidence against whether the predicted class is right"
            }
        };
        let _ = write!(
            o,
            "<p class=\"sub\">Calibration of {what}, {} rows, {} bins.</p>",
            r.rows, r.bins
        );
        metric_table(o, "metrics calibration-scores", "CI", &r.scores);
        if !r.classwise.is_empty() {
            o.push_str("<h3>Class-wise ECE</h3><table class=\"classwise\"><thead><tr><th>Class</th><th class=\"num\">ECE</th></tr></thead><tbody>");
            for c in &r.classwise {
                let _ = write!(
                    o,
                    "<tr><td>{}</td><td class=\"num\" data-value=\"{:?}\">{}</td></tr>",
                    escape(&c.class),
                    c.ece,
                    num(c.ece)
                );
            }
            o.push_str("</tbody></table>");
        }
        let plots = self.plots(report);
        let (recal_plot, reliability_plots): (Vec<Plot>, Vec<Plot>) =
            plots.into_iter().partition(|p| p.id == "recalibration");
        figures(o, &reliability_plots);
        if let Some(rc) = &self.recalibration {
            o.push_str("<h3>Recalibration, judged on held-out rows</h3>");
            let _ = write!(
                o,
                "<p class=\"sub\">Split: {}; {} rows fit, {} held-out rows judge. Intervals on the change are paired bootstrap intervals: a change whose interval excludes 0 is real.</p>",
                escape(&rc.split.split.describe()),
                rc.split.calibration_rows,
                rc.split.heldout_rows
            );
            o.push_str(
                "<table class=\"recalibration\"><thead><tr><th>Method</th><th>Fitted map</th>",
            );
            for (_, name) in HELDOUT_COLUMNS {
                let _ = write!(
                    o,
                    "<th class=\"num\">{name}</th><th class=\"num\">Change in {}</th>",
                    if name == "Log loss" { "log loss" } else { name }
                );
            }
            o.push_str("</tr></thead><tbody>");
            o.push_str("<tr data-method=\"none\"><th scope=\"row\">before</th><td>—</td>");
            for (key, _) in HELDOUT_COLUMNS {
                value_cell(o, "before:", find(&rc.before, key));
                o.push_str("<td></td>");
            }
            o.push_str("</tr>");
            for m in &rc.methods {
                let best = rc.best == Some(m.method);
                let _ = write!(
                    o,
                    "<tr data-method=\"{}\"{}><th scope=\"row\">{}{}</th>",
                    m.method,
                    if best { " class=\"best\"" } else { "" },
                    m.method,
                    if best { " (best)" } else { "" }
                );
                match &m.failed {
                    Some(why) => {
                        let _ = write!(
                            o,
                            "<td colspan=\"7\" class=\"undef\">could not be fitted: {}</td>",
                            escape(why)
                        );
                    }
                    None => {
                        let summary = escape(m.summary.as_deref().unwrap_or(""));
                        if m.summary_per_class.is_empty() {
                            let _ = write!(o, "<td>{summary}</td>");
                        } else {
                            let _ = write!(o, "<td><details><summary>{summary}</summary>");
                            for part in &m.summary_per_class {
                                let _ = write!(o, "<div>{}</div>", escape(part));
                            }
                            o.push_str("</details></td>");
                        }
                        for (key, _) in HELDOUT_COLUMNS {
                            value_cell(o, "after:", find(&m.after, key));
                            value_cell(o, "change:", find(&m.change, key));
                        }
                    }
                }
                o.push_str("</tr>");
            }
            o.push_str("</tbody></table>");
            figures(o, &recal_plot);
        }
        if let Some(sl) = &self.slices {
            let col = escape(&sl.column);
            let _ = write!(
                o,
                "<h3>Calibration by {col}</h3><table class=\"slices\"><thead><tr><th>{col}</th><th class=\"num\">Rows</th>"
            );
            for (_, name) in SLICE_COLUMNS {
                let _ = write!(o, "<th class=\"num\">{name}</th>");
            }
            o.push_str("</tr></thead><tbody>");
            for g in &sl.groups {
                let _ = write!(
                    o,
                    "<tr data-slice=\"{v}\"><th scope=\"row\">{v}</th><td class=\"num\">{}</td>",
                    g.rows,
                    v = escape(&g.value)
                );
                for (key, _) in SLICE_COLUMNS {
                    value_cell(o, "", reliability::score(&g.reliability, key));
                }
                o.push_str("</tr>");
            }
            o.push_str("</tbody></table>");
            if let Some(n) = sl.omitted {
                let _ = write!(o, "<p class=\"defn\">{n} smaller groups not shown.</p>");
            }
        }
        o.push_str("</section>");
    }

    fn markdown(&self, _report: &Report, o: &mut String) {
        let r = &self.reliability;
        let _ = writeln!(
            o,
            "## Calibration ({} bins)\n\n| Score | Value | CI |\n|---|---:|---:|",
            r.bins
        );
        for m in &r.scores {
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                md_cell(&m.name),
                value(m),
                interval(m).unwrap_or_default()
            );
        }
        if let Some(rc) = &self.recalibration {
            let _ = writeln!(
                o,
                "\n### Recalibration on {} held-out rows ({} rows fit)\n\n| Method | ECE | Brier | Log loss | Change in log loss |\n|---|---:|---:|---:|---:|",
                rc.split.heldout_rows, rc.split.calibration_rows
            );
            let f = |v: &[MetricResult], k: &str| {
                find(v, k).and_then(|m| m.value).map_or("—".into(), num)
            };
            let _ = writeln!(
                o,
                "| before | {} | {} | {} | |",
                f(&rc.before, "ece"),
                f(&rc.before, "brier"),
                f(&rc.before, "log_loss")
            );
            for m in &rc.methods {
                match &m.failed {
                    Some(w) => {
                        let _ = writeln!(
                            o,
                            "| {} | could not be fitted: {} | | | |",
                            m.method,
                            md_cell(w)
                        );
                    }
                    None => {
                        let ch = find(&m.change, "log_loss").map_or(String::new(), |c| {
                            match (&c.value, &c.ci) {
                                (Some(v), Some(ci)) => format!(
                                    "{} [{}, {}]",
                                    signed(*v),
                                    signed(ci.lower),
                                    signed(ci.upper)
                                ),
                                (Some(v), None) => signed(*v),
                                _ => String::new(),
                            }
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
                            f(&m.after, "ece"),
                            f(&m.after, "brier"),
                            f(&m.after, "log_loss"),
                            ch
                        );
                    }
                }
            }
        }
        if let Some(sl) = &self.slices {
            let _ = writeln!(
                o,
                "\n### Calibration by {}\n\n| {} | Rows | ECE | Brier |\n|---|---:|---:|---:|",
                md_cell(&sl.column),
                md_cell(&sl.column)
            );
            for g in &sl.groups {
                let get = |k: &str| {
                    reliability::score(&g.reliability, k)
                        .and_then(|m| m.value)
                        .map_or("—".into(), num)
                };
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | {} |",
                    md_cell(&g.value),
                    g.rows,
                    get("ece"),
                    get("brier")
                );
            }
        }
        o.push('\n');
    }

    fn text(&self, _report: &Report, o: &mut String) {
        let r = &self.reliability;
        let _ = writeln!(o, "\ncalibration ({} bins)", r.bins);
        crate::render::text::metric_lines(o, &r.scores, None);
        if let Some(rc) = &self.recalibration {
            let _ = writeln!(
                o,
                "\nrecalibration judged on {} held-out rows ({} rows fit)",
                rc.split.heldout_rows, rc.split.calibration_rows
            );
            let f = |m: Option<&MetricResult>| m.map(with_interval).unwrap_or_default();
            let _ = writeln!(
                o,
                "{:<13}  {:<30}  {:<30}  change in log loss",
                "method", "ECE", "log loss"
            );
            let _ = writeln!(
                o,
                "{:<13}  {:<30}  {:<30}",
                "before",
                f(find(&rc.before, "ece")),
                f(find(&rc.before, "log_loss"))
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
                            f(find(&m.after, "ece")),
                            f(find(&m.after, "log_loss")),
                            f(find(&m.change, "log_loss"))
                        );
                    }
                }
            }
            if rc.best.is_some() {
                o.push_str("* lowest held-out log loss\n");
            }
        }
        if let Some(sl) = &self.slices {
            let _ = writeln!(o, "\ncalibration by {}", sl.column);
            for g in &sl.groups {
                let get = |k: &str| {
                    reliability::score(&g.reliability, k)
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

    fn plots(&self, _report: &Report) -> Vec<Plot> {
        let r = &self.reliability;
        let (x_label, y_label) = axis_labels(r.target);
        let mut out = vec![
            Plot {
                id: "reliability".into(),
                title: "Reliability diagram".into(),
                svg: svg::reliability_diagram(
                    &format!("Reliability diagram ({} equal-width bins)", r.bins),
                    x_label,
                    y_label,
                    &r.uniform.bins,
                ),
            },
            Plot {
                id: "reliability-quantile".into(),
                title: "Reliability diagram (equal-mass bins)".into(),
                svg: svg::reliability_diagram(
                    &format!("Reliability diagram ({} equal-mass bins)", r.bins),
                    x_label,
                    y_label,
                    &r.quantile.bins,
                ),
            },
            Plot {
                id: "confidence".into(),
                title: "Confidence histogram".into(),
                svg: svg::confidence_histogram("Confidence histogram", x_label, &r.uniform.bins),
            },
        ];
        if let Some(rc) = &self.recalibration {
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
}
