//! The fairness section: rates per group of each sensitive grouping, the
//! parity gaps, and a plot of the rates with their intervals.

use super::{Plot, SectionView, figures, md_cell};
use crate::Report;
use crate::format::with_interval;
use crate::render::html::{metric_table, value_cell};
use crate::svg::{self, IntervalBar, escape};
use assay_engine::analyses::fairness::{ClassFairness, Fairness, GROUP_SPECS};
use std::fmt::Write;

fn class_title(s_name: &str, c: &ClassFairness, multi: bool) -> String {
    if multi {
        format!("{s_name}, class {} vs rest", c.class)
    } else {
        s_name.to_owned()
    }
}

impl SectionView for Fairness {
    fn id(&self) -> &'static str {
        "fairness"
    }

    fn html(&self, report: &Report, o: &mut String) {
        o.push_str("<section class=\"fairness\" data-section=\"fairness\"><h2>Fairness</h2>");
        let _ = write!(
            o,
            "<p class=\"sub\">Decisions {}; Fairlearn's definitions{}. Every figure has a bootstrap interval.</p>",
            match self.threshold {
                Some(t) => format!("score ≥ {t}"),
                None => "argmax".into(),
            },
            if self.extension.is_some() {
                ", one class against the rest at a time (the grouping's gap is the worst over classes)"
            } else {
                ""
            }
        );
        metric_table(o, "metrics fairness-worst", "CI", &self.worst);
        figures(o, &self.plots(report));
        let multi = self.extension.is_some();
        for s in &self.sensitive {
            for c in &s.classes {
                let title = escape(&class_title(&s.name, c, multi));
                let _ = write!(
                    o,
                    "<h3>{title}</h3><table class=\"slices fairness-groups\" data-grouping=\"{}\"><thead><tr><th>Group</th><th class=\"num\">Rows</th><th class=\"num\">Positives</th>",
                    escape(&s.name)
                );
                for spec in GROUP_SPECS {
                    let _ = write!(o, "<th class=\"num\">{}</th>", escape(spec.name));
                }
                o.push_str("</tr></thead><tbody>");
                for g in &c.groups {
                    let _ = write!(
                        o,
                        "<tr data-group=\"{l}\"{}><th scope=\"row\">{l}</th><td class=\"num\">{}{}</td><td class=\"num\">{}</td>",
                        if g.small { " class=\"small\"" } else { "" },
                        g.rows,
                        if g.small { " *" } else { "" },
                        g.positives,
                        l = escape(&g.label)
                    );
                    for spec in GROUP_SPECS {
                        value_cell(o, "", g.metrics.iter().find(|m| m.key == spec.key));
                    }
                    o.push_str("</tr>");
                }
                o.push_str("</tbody></table>");
                metric_table(o, "metrics fairness-gaps", "CI", &c.gaps);
            }
            if s.suppressed > 0 {
                let _ = write!(
                    o,
                    "<p class=\"defn\">{} groups with fewer than {} rows not shown (the gaps include them).</p>",
                    s.suppressed, self.min_cell
                );
            }
        }
        o.push_str("</section>");
    }

    fn markdown(&self, _report: &Report, o: &mut String) {
        let _ = writeln!(o, "## Fairness\n\n| Gap (worst) | Value [CI] |\n|---|---:|");
        for m in &self.worst {
            let _ = writeln!(o, "| {} | {} |", md_cell(&m.name), with_interval(m));
        }
        let multi = self.extension.is_some();
        for s in &self.sensitive {
            for c in &s.classes {
                let _ = writeln!(
                    o,
                    "\n### {}\n\n| Group | Rows | {} |\n|---|---:|{}",
                    md_cell(&class_title(&s.name, c, multi)),
                    GROUP_SPECS
                        .iter()
                        .map(|s| s.name)
                        .collect::<Vec<_>>()
                        .join(" | "),
                    "---:|".repeat(GROUP_SPECS.len())
                );
                for g in &c.groups {
                    let cells: Vec<String> = GROUP_SPECS
                        .iter()
                        .map(|spec| {
                            g.metrics
                                .iter()
                                .find(|m| m.key == spec.key)
                                .map(with_interval)
                                .unwrap_or_default()
                        })
                        .collect();
                    let _ = writeln!(
                        o,
                        "| {} | {} | {} |",
                        md_cell(&g.label),
                        g.rows,
                        cells.join(" | ")
                    );
                }
                for m in &c.gaps {
                    let _ = writeln!(o, "\n{}: {}", md_cell(&m.name), with_interval(m));
                }
            }
        }
        o.push('\n');
    }

    fn text(&self, _report: &Report, o: &mut String) {
        let _ = writeln!(o, "\nfairness (worst over sensitive groupings)");
        crate::render::text::metric_lines(o, &self.worst, None);
    }

    fn plots(&self, _report: &Report) -> Vec<Plot> {
        let mut out = Vec::new();
        let multi = self.extension.is_some();
        for (si, s) in self.sensitive.iter().enumerate() {
            // Binary: one plot per grouping; multiclass: the first class only
            // (the tables hold every class).
            let Some(c) = s.classes.first() else { continue };
            let mut bars = Vec::new();
            for key in ["selection_rate", "tpr", "fpr"] {
                for g in &c.groups {
                    if let Some(m) = g.metrics.iter().find(|m| m.key == key)
                        && let Some(v) = m.value
                    {
                        bars.push(IntervalBar {
                            label: format!("{key}: {}", g.label),
                            value: v,
                            interval: m.ci.as_ref().map(|c| (c.lower, c.upper)),
                            highlight: key == "selection_rate",
                        });
                    }
                }
            }
            if bars.is_empty() || bars.len() > 90 {
                continue;
            }
            let title = format!("Rates by {}", class_title(&s.name, c, multi));
            out.push(Plot {
                id: format!("fairness_{si}"),
                svg: svg::interval_bars(&title, "rate, with bootstrap interval", &bars, 0.0),
                title,
            });
        }
        out
    }
}
